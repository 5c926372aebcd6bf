"""Write sim.events' table of event kinds into docs/events.md (tests/test_events_schema.py checks
they are equal). Run after adding or changing an event record: `.venv/bin/python
scripts/events_table.py`. The table is the block from its header row, `| kind | record |`, to
the first line after it that is not a table row; everything around it is left as it is."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from doc_table import rewrite

from sim import events

PAGE = Path(__file__).resolve().parents[1] / "docs" / "events.md"

if __name__ == "__main__":
    sys.exit(rewrite(PAGE, "| kind | record |", events.table_markdown(), "sim/events.py"))
