"""Rewrite a generated markdown table inside a docs page: the one rule behind
scripts/bounds_table.py and scripts/events_table.py (a test checks each page equals its code).

The table is the block from its one line starting with `start` through `tables` tables (a
table ends at the first line that does not start with `|`); everything around it is kept."""

from __future__ import annotations

import sys
from pathlib import Path


def rewrite(page: Path, start: str, table: str, source: str, tables: int = 1) -> int:
    """Put `table` in place of the block in `page`; print what happened; 2 if the block is not there once."""
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.startswith(start)]
    if len(starts) != 1:
        print(f"{page}: expected one line starting {start!r}, found {len(starts)}", file=sys.stderr)
        return 2
    end, seen = starts[0], 0
    while end < len(lines):  # past each table and the blank line between two
        if not lines[end].startswith("|"):
            seen += 1
            if seen == tables:
                break
        end += 1
    new = "".join(lines[: starts[0]]) + table + "".join(lines[end:])
    if new != "".join(lines):
        page.write_text(new, encoding="utf-8")
        print(f"{page}: table rewritten from {source}")
    else:
        print(f"{page}: table already equal to {source}")
    return 0
