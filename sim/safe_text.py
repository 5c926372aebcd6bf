"""Output escaping, one rule per output kind: CSV (every CSV drsim writes), Markdown (the plan
appendix, scenario READMEs) and HTML. A text that came from a user's data (a township's id or
name, a file or layer name, a target's name) goes through the rule of the file it is written to.

CSV.

A spreadsheet runs a cell that starts with = + - @, a tab or a carriage return as a
formula (`=HYPERLINK(...)` in a village name would become a live link). Such a text cell
is written with a leading apostrophe, which spreadsheets show as text and do not store.
Numbers are untouched, and so is text that is a plain negative number ("-12.5", a
longitude west of Greenwich written as text): a spreadsheet reads it as that number.
Reading a file back, `undefused` removes the apostrophe again.

A carriage return inside a cell is kept inside quotes: Python's csv writer (and so
pandas) quotes a field only for the characters of its line terminator ("\n" here), and
a bare "\r" would end the row early, so that the rest of the cell became a new row
whose first cell could be a live formula.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NEGATIVE_NUMBER = re.compile(r"-(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def csv_cell(value: Any) -> Any:
    """`value`, or for text a spreadsheet would run as a formula, the text after an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NEGATIVE_NUMBER.fullmatch(value):
        return "'" + value
    return value


def undefused(text: str) -> str:
    """The text `csv_cell` was given (for reading back a cell drsim wrote)."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


def _cr_token(texts: Iterable[str]) -> str:
    """Private-use characters found in none of `texts` (stands for a carriage return)."""
    joined = "\x1f".join(texts)
    token = "\ue000"
    while token in joined:
        token += "\ue001"
    return token


def _quoted_cr(text: str, token: str) -> str:
    """Each carriage return as `"TOKEN"`: the quote makes the writer quote the field (doubling
    it), and `_restore_cr` turns `""TOKEN""` back into the carriage return, inside quotes."""
    return text.replace("\r", f'"{token}"')


def _restore_cr(text: str, token: str) -> str:
    return text.replace(f'""{token}""', "\r")


def csv_text(frame: pd.DataFrame) -> str:
    """The frame as CSV text (no index), every text cell through `csv_cell`."""
    safe = frame.copy()
    text_cols = [c for c in safe.columns if safe[c].dtype == object or pd.api.types.is_string_dtype(safe[c])]
    for col in text_cols:
        safe[col] = safe[col].map(csv_cell)
    cells = [v for col in text_cols for v in safe[col] if isinstance(v, str)]
    if not any("\r" in v for v in cells):
        return safe.to_csv(index=False)
    token = _cr_token(cells)
    for col in text_cols:
        safe[col] = safe[col].map(lambda v: _quoted_cr(v, token) if isinstance(v, str) else v)
    return _restore_cr(safe.to_csv(index=False), token)


def csv_rows(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> str:
    """A header and rows of cells as CSV text ("\\n" line ends), every cell through `csv_cell`."""
    table = [[csv_cell(c) for c in header], *([csv_cell(c) for c in row] for row in rows)]
    texts = [c for row in table for c in row if isinstance(c, str)]
    token = _cr_token(texts) if any("\r" in c for c in texts) else None
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for row in table:
        writer.writerow([_quoted_cr(c, token) if token and isinstance(c, str) else c for c in row])
    return _restore_cr(buf.getvalue(), token) if token else buf.getvalue()


# --- Markdown and HTML ---------------------------------------------------------------------------
# Markdown passes raw HTML through to the page (`<img src=x onerror=alert(1)>` in a township id
# would run in a browser's preview), a `|` ends a table cell early (the row gains a column and
# every later cell shifts), a newline ends the row, and `[`, `]`, `*`, a backtick or a leading
# `#` become links, emphasis, code or headings. A text from data is therefore written with `&`,
# `<` and `>` as HTML entities (no tag can form), Markdown's structural characters
# backslash-escaped (`\|`, `\*`, `\#` ... render as themselves), line breaks as spaces and
# other control characters dropped. Underscores are kept: inside a word (relief_10h) they are
# never emphasis, and a stray one at a word's edge at worst italicises, it cannot break a table
# or carry HTML.

MD_ESCAPED = "\\`*|#{}"  # backslash first: the escapes added for the others stay single
# A link or image needs `]` right before `(`, `[` or `:` ([text](url), [text][ref], [ref]: url):
# escaping that `]` alone stops every one, and keeps plain brackets ("[0.12, 0.30]") as they are
_LINK_CLOSE = re.compile(r"\](?=[(\[:])")
# What any reader may take for a line break (Markdown: \r and \n; Python's splitlines and
# Unicode-aware editors also these), and the C0 and C1 control characters and DEL
_BREAKS = re.compile("\r\n|[\r\n\t\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")


def _one_line(value: object) -> str:
    return _CONTROLS.sub("", _BREAKS.sub(" ", str(value)))


def md_text(value: object) -> str:
    """`value` as Markdown text that renders as exactly that text: no HTML, no table break."""
    text = _one_line(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for ch in MD_ESCAPED:
        text = text.replace(ch, "\\" + ch)
    return _LINK_CLOSE.sub(r"\\]", text)


def md_code(value: object) -> str:
    """`value` as an inline code span (shown verbatim, HTML included, never run), safe in a table:
    a fence longer than any run of backticks inside, and `|` escaped (tables split on it first)."""
    text = _one_line(value)
    longest = max((len(m) for m in re.findall("`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    body = text.replace("|", "\\|")
    return f"{fence}{pad}{body}{pad}{fence}"


def md_table(header: Iterable[object], rows: Iterable[Iterable[object]]) -> str:
    """A Markdown (GFM) table, every cell through `md_text`: each row has the header's columns."""
    head = [md_text(h) for h in header]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = [md_text(c) for c in row]
        if len(cells) != len(head):
            raise ValueError(f"a row of {len(cells)} cells in a table of {len(head)} columns")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def html_text(value: object) -> str:
    """`value` as HTML text or attribute value: `& < > " '` as entities (no tag, no attribute
    break). For any HTML drsim writes (none today: the appendix is Markdown and PDF)."""
    import html

    return html.escape(str(value), quote=True)
