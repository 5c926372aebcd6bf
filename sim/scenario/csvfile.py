"""Reading a scenario CSV file against a column specification.

Every cell is checked by its column's parser; problems are collected (file,
line, column, value, rule) rather than raised one at a time, so a planner fixes
a file in one pass. Line numbers are as a spreadsheet shows them: the header is
line 1. Cells are text until a parser says otherwise; empty means missing.

Hostile or broken files get one short message, never a traceback: a file that is
not UTF-8 or has no header is one problem and no further check of it; a cell longer
than MAX_CELL_CHARS is refused; a file with more than MAX_SHOWN problems shows the
first MAX_SHOWN and counts the rest by kind (one mistake repeated down a 20 MB file
is a few lines, not a 75 MB message); numbers keep to their bounds (sim/bounds.py).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.bounds import SCENARIO
from sim.errors import Capped, Problem

MAX_FILE_BYTES = 200 * 1024 * 1024  # far above a province's villages; stops a wrong file early
# A name, id or number cell is under a hundred characters; a GIS export's text fields a few
# hundred. 10,000 is far beyond both (and below the csv module's own 131,072 limit).
MAX_CELL_CHARS = 10_000

Parser = Callable[[str], Any]  # raises ValueError(rule) on a bad cell


@dataclass(frozen=True)
class Column:
    name: str
    parse: Parser
    required: bool = True  # the column must be present
    allow_empty: bool = False  # a present column may have empty cells (-> None)


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.values[key]


def identifier(cell: str) -> str:
    if cell != cell.strip():
        raise ValueError("must not start or end with spaces")
    if any(ch in cell for ch in "/\\\0") or cell in {".", ".."}:
        raise ValueError("an id may not contain / or \\ or be . or ..")
    return cell


def text(cell: str) -> str:
    return cell.strip()


def one_of(*allowed: str) -> Parser:
    def parse(cell: str) -> str:
        if cell not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return cell

    return parse


def bounded(key: str) -> Parser:
    """A number cell of `key` ("places.csv population") within its bound in sim/bounds.py;
    whole-number bounds give an int."""
    bound = SCENARIO[key]

    def parse(cell: str) -> float | int:
        try:
            x = float(cell)
        except ValueError:
            raise ValueError(f"must be {'a whole number' if bound.whole else 'a number'}") from None
        rule = bound.check(x)
        if rule is not None:
            raise ValueError(rule)
        return int(x) if bound.whole else x

    parse.bound = bound  # type: ignore[attr-defined]  # read by the test that every number has one
    return parse


def boolean(cell: str) -> bool:
    low = cell.lower()
    if low in {"true", "yes", "1"}:
        return True
    if low in {"false", "no", "0"}:
        return False
    raise ValueError("must be true or false")


def word_list(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(";") if part.strip())


def read_csv(
    path: Path,
    columns: Sequence[Column],
    problems: list[Problem],
    label: str,
    ignore_unknown: bool = False,
) -> list[Row]:
    """Rows of `path` parsed by `columns`; appends to `problems` instead of raising.

    `label` is how the file is named in messages (e.g. "scenarios/tiny/depots.csv").
    `ignore_unknown` skips columns not in `columns` (a GIS export carries many).
    """
    reader = _reader(path, problems, label)
    header = _header(reader, problems, label) if reader is not None else []
    if not header:
        return []
    found = Capped(problems, label)
    try:
        return _rows(reader, header, columns, found, label, ignore_unknown)
    except csv.Error as exc:  # e.g. a cell beyond the csv module's own limit: the rest is unreadable
        found.append(Problem(f"{label} line {reader.line_num}", str(exc), "cannot be read as CSV"))
        return []
    finally:
        found.close()


def _rows(
    reader, header: list[str], columns: Sequence[Column], found: Capped, label: str, ignore_unknown: bool
):
    spec = {c.name: c for c in columns}
    if ignore_unknown:
        spec.update({h: Column(h, text, required=False, allow_empty=True) for h in header if h not in spec})
    bad_header = False
    for name in header:
        if name not in spec:
            found.append(Problem(f"{label} header", name, f"unknown column; expected {', '.join(spec)}"))
            bad_header = True
    if len(set(header)) != len(header):
        dup = sorted({h for h in header if header.count(h) > 1})
        found.append(Problem(f"{label} header", ", ".join(dup), "column named twice"))
        bad_header = True
    for col in columns:
        if col.required and col.name not in header:
            found.append(Problem(f"{label} header", ", ".join(header), f"missing column {col.name}"))
            bad_header = True
    if bad_header:
        return []
    parsed = {c.name for c in columns}  # cells of ignored columns are not looked at
    rows: list[Row] = []
    for line_no, cells in enumerate(reader, start=2):
        if not cells or all(not c.strip() for c in cells):
            continue  # blank lines (often at the end) carry nothing
        if len(cells) != len(header):
            found.append(
                Problem(
                    f"{label} line {line_no}",
                    ",".join(cells),
                    f"has {len(cells)} cells, the header has {len(header)}",
                )
            )
            continue
        values: dict[str, Any] = {}
        ok = True
        for name, cell in zip(header, cells, strict=True):
            col = spec[name]
            cell = cell.strip()
            where = f"{label} line {line_no}, column {name}"
            if cell == "":
                if col.allow_empty:
                    values[name] = None
                    continue
                found.append(Problem(where, "", "must not be empty"))
                ok = False
                continue
            if len(cell) > MAX_CELL_CHARS and name in parsed:
                found.append(
                    Problem(where, cell, f"a cell of {len(cell):,} characters; at most {MAX_CELL_CHARS:,}")
                )
                ok = False
                continue
            try:
                values[name] = col.parse(cell)
            except ValueError as exc:
                found.append(Problem(where, cell, str(exc)))
                ok = False
        for col in columns:
            values.setdefault(col.name, None)
        if ok:
            rows.append(Row(line_no, values))
    return rows


def _reader(path: Path, problems: list[Problem], label: str):
    """A csv.reader over the decoded text of `path`, or None (problem appended)."""
    if not path.is_file():
        problems.append(Problem(label, None, "required file is missing"))
        return None
    if path.stat().st_size > MAX_FILE_BYTES:
        problems.append(Problem(label, f"{path.stat().st_size} bytes", f"larger than {MAX_FILE_BYTES} bytes"))
        return None
    raw = path.read_bytes()
    try:
        content = raw.decode("utf-8-sig")  # a BOM from Excel's "CSV UTF-8" is fine
    except UnicodeDecodeError as exc:
        problems.append(
            Problem(
                f"{label} byte {exc.start}",
                raw[exc.start : exc.start + 4].hex(),
                "file is not UTF-8 text (in Excel, save as 'CSV UTF-8'; GBK is not read)",
            )
        )
        return None
    return csv.reader(io.StringIO(content, newline=""))


def _header(reader, problems: list[Problem], label: str) -> list[str]:
    try:
        header = next(reader, None)
    except csv.Error as exc:
        problems.append(Problem(f"{label} line 1", str(exc), "the header cannot be read as CSV"))
        return []
    if not header:
        problems.append(Problem(label, "", "file is empty: the first line must name the columns"))
        return []
    return [h.strip() for h in header]


def read_header(path: Path, problems: list[Problem], label: str) -> list[str]:
    """The column names of `path` (stripped), or [] with a problem appended."""
    reader = _reader(path, problems, label)
    return _header(reader, problems, label) if reader is not None else []


def check_unique(rows: list[Row], key: str, label: str, problems: list[Problem]) -> None:
    seen: dict[Any, int] = {}
    found = Capped(problems, label)
    for row in rows:
        value = row[key]
        if value in seen:
            found.append(
                Problem(
                    f"{label} line {row.line}, column {key}",
                    value,
                    f"duplicate id (first used on line {seen[value]})",
                )
            )
        else:
            seen[value] = row.line
    found.close()
