"""Reading a scenario CSV file against a column specification.

Every cell is checked by its column's parser; problems are collected (file,
line, column, value, rule) rather than raised one at a time, so a planner fixes
a file in one pass. Line numbers are as a spreadsheet shows them: the header is
line 1. Cells are text until a parser says otherwise; empty means missing.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.errors import Problem

MAX_FILE_BYTES = 200 * 1024 * 1024  # far above a province's villages; stops a wrong file early

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


def number(lo: float | None = None, hi: float | None = None, *, lo_open: bool = False) -> Parser:
    def parse(cell: str) -> float:
        try:
            x = float(cell)
        except ValueError:
            raise ValueError("must be a number") from None
        if not math.isfinite(x):
            raise ValueError("must be a finite number (not NaN or infinity)")
        if lo is not None and (x < lo or (lo_open and x == lo)):
            raise ValueError(f"must be {'>' if lo_open else '>='} {lo:g}")
        if hi is not None and x > hi:
            raise ValueError(f"must be <= {hi:g}")
        return x

    return parse


def count(lo: int = 0) -> Parser:
    def parse(cell: str) -> int:
        try:
            x = float(cell)
        except ValueError:
            raise ValueError("must be a whole number") from None
        if not math.isfinite(x) or x != int(x):
            raise ValueError("must be a whole number")
        if x < lo:
            raise ValueError(f"must be >= {lo}")
        return int(x)

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
    spec = {c.name: c for c in columns}
    if ignore_unknown:
        spec.update({h: Column(h, text, required=False, allow_empty=True) for h in header if h not in spec})
    bad_header = False
    for name in header:
        if name not in spec:
            problems.append(Problem(f"{label} header", name, f"unknown column; expected {', '.join(spec)}"))
            bad_header = True
    if len(set(header)) != len(header):
        dup = sorted({h for h in header if header.count(h) > 1})
        problems.append(Problem(f"{label} header", ", ".join(dup), "column named twice"))
        bad_header = True
    for col in columns:
        if col.required and col.name not in header:
            problems.append(Problem(f"{label} header", ", ".join(header), f"missing column {col.name}"))
            bad_header = True
    if bad_header:
        return []
    rows: list[Row] = []
    for line_no, cells in enumerate(reader, start=2):
        if not cells or all(not c.strip() for c in cells):
            continue  # blank lines (often at the end) carry nothing
        if len(cells) != len(header):
            problems.append(
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
            if cell == "":
                if col.allow_empty:
                    values[name] = None
                    continue
                problems.append(Problem(f"{label} line {line_no}, column {name}", "", "must not be empty"))
                ok = False
                continue
            try:
                values[name] = col.parse(cell)
            except ValueError as exc:
                problems.append(Problem(f"{label} line {line_no}, column {name}", cell, str(exc)))
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
    header = next(reader, None)
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
    for row in rows:
        value = row[key]
        if value in seen:
            problems.append(
                Problem(
                    f"{label} line {row.line}, column {key}",
                    value,
                    f"duplicate id (first used on line {seen[value]})",
                )
            )
        else:
            seen[value] = row.line
