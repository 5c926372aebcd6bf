"""Write sim.events' table of event kinds into docs/events.md (tests/test_events_schema.py checks
they are equal). Run after adding or changing an event record: `.venv/bin/python
scripts/events_table.py`. The table is the block from its header row, `| kind | record |`, to
the first line after it that is not a table row; everything around it is left as it is."""

from __future__ import annotations

import sys
from pathlib import Path

from sim import events

PAGE = Path(__file__).resolve().parents[1] / "docs" / "events.md"
START = "| kind | record |"


def main() -> int:
    lines = PAGE.read_text(encoding="utf-8").splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.startswith(START)]
    if len(starts) != 1:
        print(f"{PAGE}: expected one line starting {START!r}, found {len(starts)}", file=sys.stderr)
        return 2
    end = starts[0]
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    new = "".join(lines[: starts[0]]) + events.table_markdown() + "".join(lines[end:])
    if new != "".join(lines):
        PAGE.write_text(new, encoding="utf-8")
        print(f"{PAGE}: table rewritten from sim/events.py")
    else:
        print(f"{PAGE}: table already equal to sim/events.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
