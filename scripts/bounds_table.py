"""Write sim.bounds' table into docs/reliability.md (tests/test_hostile_inputs.py checks they
are equal). Run after adding or changing a bound: `.venv/bin/python scripts/bounds_table.py`.
The table is the block from its first header row, `| scenario file, column |`, to the end of
the second table (the configuration keys); everything around it is left as it is."""

from __future__ import annotations

import sys
from pathlib import Path

from sim import bounds

PAGE = Path(__file__).resolve().parents[1] / "docs" / "reliability.md"
START = "| scenario file, column |"


def main() -> int:
    lines = PAGE.read_text(encoding="utf-8").splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.startswith(START)]
    if len(starts) != 1:
        print(f"{PAGE}: expected one line starting {START!r}, found {len(starts)}", file=sys.stderr)
        return 2
    end, tables = starts[0], 0
    while end < len(lines) and tables < 2:  # past the scenario table, the blank line, the settings table
        if not lines[end].startswith("|"):
            tables += 1
            if tables == 2:
                break
        end += 1
    new = "".join(lines[: starts[0]]) + bounds.table_markdown() + "".join(lines[end:])
    if new != "".join(lines):
        PAGE.write_text(new, encoding="utf-8")
        print(f"{PAGE}: table rewritten from sim/bounds.py")
    else:
        print(f"{PAGE}: table already equal to sim/bounds.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
