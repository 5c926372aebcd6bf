"""One escaping rule per output kind (issue 18, class 7; the CSV rule is tested in
tests/test_output_safety.py): Markdown and HTML (sim/safe_text.py). Cases are generated
(hypothesis): township ids, case names and cells of random text, `|<img src=x onerror=alert(1)>`
among them, go into the appendix's tables and the scenario READMEs' tables; every table keeps its
column count, no raw tag reaches the file, and each cell renders back to the text it was given."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import safe_text
from sim.report import appendix
from sim.report.data import load_results

from .test_output_safety import drsim

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
HOSTILE = "|<img src=x onerror=alert(1)>"
texts = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="|<>`*[]\\#!&_{}():\r\n\t-=+ abc乡镇", max_size=40),
    st.builds(lambda a, b: a + HOSTILE + b, st.text(max_size=8), st.text(max_size=8)),
    st.builds(  # links, images, references: [a](b), ![a](b), [a][b], [a]: b
        lambda bang, a, sep, b: f"{bang}[{a}]{sep}{b}",
        st.sampled_from(["", "!"]),
        st.text(max_size=6),
        st.sampled_from(["(", "[", ": "]),
        st.sampled_from(["javascript:alert(1))", "http://x)", "r]"]),
    ),
)


def unescape(cell: str) -> str:
    """What a Markdown renderer shows for a cell written by md_text: backslash escapes and the
    three entities undone."""
    return html.unescape(re.sub(r"\\(.)", r"\1", cell))


def plain(value: object) -> str:
    """The text md_text promises to show: every kind of line break and the tab as a space, C0
    and C1 control characters gone (a table cell is then shown stripped)."""
    text = re.sub("\r\n|[\r\n\t\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]", " ", str(value))
    return re.sub("[\x00-\x1f\x7f-\x9f]", "", text).strip()


def split_row(line: str) -> list[str]:
    """A GFM table row's cells: split on pipes not escaped by a backslash."""
    assert line.startswith("| ") and line.endswith(" |"), line
    cells, cell, i = [], "", 1
    body = line[1:-1]
    while i - 1 < len(body):
        ch = body[i - 1]
        if ch == "\\" and i < len(body):
            cell += ch + body[i]
            i += 2
            continue
        if ch == "|":
            cells.append(cell)
            cell = ""
        else:
            cell += ch
        i += 1
    cells.append(cell)
    return [c.strip() for c in cells]


def tables(markdown: str) -> list[list[str]]:
    """Each table of a Markdown text, as its lines."""
    out, current = [], []
    for line in markdown.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            out.append(current)
            current = []
    return out + ([current] if current else [])


def assert_well_formed(markdown: str) -> None:
    for table in tables(markdown):
        width = len(split_row(table[0]))
        assert re.fullmatch(r"\|(---\|)+", table[1]), table[1]
        assert table[1].count("---") == width
        for line in table[2:]:
            assert len(split_row(line)) == width, (line, width)
        assert all("<" not in line and ">" not in line for line in table)


@FAST
@given(
    cells=st.lists(st.lists(texts, min_size=3, max_size=3), min_size=1, max_size=4),
    header=st.lists(texts, min_size=3, max_size=3),
)
def test_md_table_keeps_its_columns_and_renders_each_cell_back(cells, header):
    md = safe_text.md_table(header, cells)
    assert_well_formed(md)
    lines = md.splitlines()
    for row, line in zip([header, *cells], [lines[0], *lines[2:]], strict=True):
        assert [unescape(c) for c in split_row(line)] == [plain(c) for c in row]


@FAST
@given(value=texts)
def test_md_text_and_md_code_carry_no_html_and_no_line_break(value):
    for out in (safe_text.md_text(value), safe_text.md_code(value)):
        assert "\n" not in out and "\r" not in out
    assert "<" not in safe_text.md_text(value) and ">" not in safe_text.md_text(value)
    out = safe_text.md_text(value)
    for m in re.finditer(r"\](?=[(\[:])", out):  # a ] that could close a link, image or reference
        slashes = len(out[: m.start()]) - len(out[: m.start()].rstrip("\\"))
        assert slashes % 2 == 1, out  # is escaped
    code = safe_text.md_code(value)
    fence = re.match(r"`+", code)[0]
    assert code.endswith(fence) and fence not in code[len(fence) : -len(fence)]  # one code span
    assert "<" not in safe_text.html_text(value) and '"' not in safe_text.html_text(value)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    root = tmp_path_factory.mktemp("run")
    code, err = drsim(
        root,
        "run",
        "scenario=tiny",
        "hazard=flood_major",
        "hazard.events.flood.severity_probs.high=0.5",  # every river village struck: rows to show
        "hazard.events.flood.severity_probs.medium=0.4",
        "hazard.events.flood.severity_probs.low=0.1",
        "run.reps=2",
        f"hydra.run.dir={root / 'r'}",
    )
    assert code == 0, err
    res = load_results(root / "r")
    assert (res.villages.groupby("township_id")["displaced"].sum() > 0).sum() >= 2
    return res


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ids=st.lists(texts.filter(lambda s: s.strip()), min_size=1, max_size=4, unique=True), data=st.data())
def test_the_appendix_tables_survive_hostile_township_ids(results, ids, data, tmp_path_factory):
    res = results
    townships = sorted(res.villages["township_id"].unique())
    mapping = {t: data.draw(st.sampled_from(ids)) + f"#{i}" for i, t in enumerate(townships)}
    original = res.villages
    try:
        res.villages = original.assign(township_id=original["township_id"].map(mapping))
        out = tmp_path_factory.mktemp("md") / "appendix.md"
        appendix.write_markdown(res, "en", out, {}, {"case_compliance": "skip.no_cases"})
        text = out.read_text(encoding="utf-8")
    finally:
        res.villages = original
    head = text.split(f"## {safe_text.md_text(appendix.text('appendix.method', 'en'))}")[0]
    assert_well_formed(head)
    assert "<img" not in head and "onerror=alert(1)>" not in head
    township_table = next(t for t in tables(head) if split_row(t[0])[0] == "Township")
    shown = {unescape(split_row(line)[0]) for line in township_table[2:]}
    assert shown and shown <= {plain(m) for m in mapping.values()}


def test_the_issue_example_in_the_appendix(results, tmp_path):
    res = results
    original = res.villages
    try:
        first = original["township_id"].iloc[0]
        res.villages = original.assign(
            township_id=original["township_id"].where(original["township_id"] != first, "T1" + HOSTILE)
        )
        out = appendix.write_markdown(res, "en", tmp_path / "appendix.md", {}, {})
    finally:
        res.villages = original
    text = Path(out).read_text(encoding="utf-8")
    assert "T1\\|&lt;img src=x onerror=alert(1)&gt;" in text
    assert "<img" not in text
