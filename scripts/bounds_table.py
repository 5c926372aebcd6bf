"""Write sim.bounds' table into docs/reliability.md (tests/test_hostile_inputs.py checks they
are equal). Run after adding or changing a bound: `.venv/bin/python scripts/bounds_table.py`.
The table is the block from its first header row, `| scenario file, column |`, to the end of
the second table (the configuration keys); everything around it is left as it is."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from doc_table import rewrite

from sim import bounds

PAGE = Path(__file__).resolve().parents[1] / "docs" / "reliability.md"

if __name__ == "__main__":
    sys.exit(rewrite(PAGE, "| scenario file, column |", bounds.table_markdown(), "sim/bounds.py", tables=2))
