"""The appendix's own PDF pages (sim/report/typeset.py): what is set is what a reader extracts,
where the layout put it, in the width the font's advances give, and the same bytes every time."""

from __future__ import annotations

import io
import itertools
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("uharfbuzz")
pdfplumber = pytest.importorskip("pdfplumber")

from sim.report import typeset  # noqa: E402
from sim.report.typeset import A4_IN, Sheet  # noqa: E402

PAGE_W, PAGE_H = A4_IN[0] * 72, A4_IN[1] * 72

# What the appendix sets: Chinese (common hanzi, full-width punctuation), Latin, digits, symbols.
CHARS = st.sampled_from(
    list("中文救灾物资到位乡镇街道村目标时限比例按时概率重复次数结论待定需要更多")
    + list("，。、；：（）《》“”—％")
    + list("ABCXYZabcxyz0123456789 .,;:()[]%-+=/<>–·")
)
LINES = st.lists(st.text(CHARS, min_size=1, max_size=30).map(str.strip).filter(bool), min_size=1, max_size=4)


def _chars(pdf: bytes) -> list[dict]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [c for page in doc.pages for c in page.chars]


def _lines(chars: list[dict]) -> dict[float, list[dict]]:
    out: dict[float, list[dict]] = {}
    for c in chars:
        out.setdefault(round(c["matrix"][5], 2), []).append(c)
    return dict(sorted(out.items(), reverse=True))  # top of the page first


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=LINES,
    size=st.sampled_from([7.0, 8.0, 10.5, 13.0]),
    x=st.floats(0.05, 0.6),
    y=st.floats(0.2, 0.8),
    ha=st.sampled_from(["left", "center", "right"]),
    va=st.sampled_from(["baseline", "top", "center", "bottom"]),
    spacing=st.sampled_from([1.2, 1.45, 1.8]),
)
def test_what_is_set_is_what_is_read_where_the_layout_put_it(lines, size, x, y, ha, va, spacing):
    """Every line comes back as written (ToUnicode), each line's baseline where `va` and the em
    box (ascender 0.88 em, descender 0.12 em) put it, one line every `spacing` sizes, and its
    ends where `ha` and the advances' sum put them."""
    sheet = Sheet()
    sheet.text(x, y, "\n".join(lines), size, ha=ha, va=va, linespacing=spacing)
    found = _lines(_chars(typeset.write([sheet])))
    read = ["".join(c["text"] for c in sorted(cs, key=lambda c: c["x0"])) for cs in found.values()]
    assert [s.replace(" ", "") for s in read] == [s.replace(" ", "") for s in lines]  # spaces are gaps

    y_pt, step, n = y * PAGE_H, spacing * size, len(lines)
    first = {
        "baseline": y_pt,
        "top": y_pt - 0.88 * size,
        "bottom": y_pt + 0.12 * size + (n - 1) * step,
        "center": y_pt + ((n - 1) * step + 0.12 * size - 0.88 * size) / 2,
    }[va]
    for i, (baseline, chars) in enumerate(found.items()):
        assert baseline == pytest.approx(first - i * step, abs=0.011)
        width = typeset.width_pt(lines[i], size)
        left = x * PAGE_W - {"left": 0, "center": width / 2, "right": width}[ha]
        chars.sort(key=lambda c: c["x0"])
        assert chars[0]["x0"] == pytest.approx(left, abs=0.011)
        assert chars[-1]["x1"] == pytest.approx(left + width, abs=0.02)
        assert all(c["size"] == pytest.approx(size) for c in chars)


@settings(max_examples=30, deadline=None)
@given(text=st.text(CHARS, min_size=1, max_size=40), size=st.floats(4, 40))
def test_a_width_is_the_sum_of_the_fonts_advances(text, size):
    """Against the font's own hmtx table read by fontTools (an ideograph is one em: Noto Sans SC's
    advance 1000 of 1000 units; a Latin capital A is 608)."""
    widths = _hmtx()
    assert typeset.width_pt(text, size) == pytest.approx(sum(widths[ord(c)] for c in text) * size / 1000)


def test_widths_by_hand():
    assert typeset.width_pt("中文", 10) == pytest.approx(20.0)
    assert typeset.width_pt("灾害发生", 8) == pytest.approx(32.0)
    assert typeset.width_pt("AA", 10) == pytest.approx(2 * 6.08)


_HMTX: dict[int, int] = {}


def _hmtx() -> dict[int, int]:
    if not _HMTX:
        from fontTools.ttLib import TTFont

        from sim.report.fonts import font_path

        font = TTFont(str(font_path()), lazy=True)
        metrics = font["hmtx"].metrics
        _HMTX.update({cp: metrics[name][0] for cp, name in font.getBestCmap().items()})
    return _HMTX


def test_same_sheets_same_bytes_and_a_small_embedded_subset():
    def make() -> bytes:
        s1, s2 = Sheet(), Sheet()
        s1.text(0.1, 0.9, "附录：应急救援时间目标的仿真评估", 17, va="top")
        s1.rect(0.1, 0.5, 0.8, 0.05, typeset.color("#e8e8e8"))
        s1.lines([((0.1, 0.5), (0.9, 0.5))])
        s2.text(0.1, 0.9, "Targets 目标达成情况", 13)
        return typeset.write([s1, s2], "标题")

    first = make()
    assert first == make()
    assert first.count(b"/Type /Page ") == 2
    # the font travels as a subset of the glyphs used, not Noto Sans SC's 8 MB
    assert len(first) < 60_000 and b"/FontFile3" in first and b"/CIDFontType0C" in first
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(first)
    try:
        assert len(doc) == 2
        assert doc[1].get_textpage().get_text_range().startswith("Targets 目标达成情况")
    finally:
        doc.close()


def test_a_character_the_font_lacks_is_a_warning_as_in_matplotlib():
    sheet = Sheet()
    with pytest.warns(UserWarning, match="missing from font"):
        sheet.text(0.1, 0.5, "村\U0001f600", 10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        typeset.write([sheet])  # the blank glyph writes; the warning was given once, when set


def test_pages_put_sheets_and_chart_pdfs_in_order(tmp_path):
    """sim/report/pages.write_pdf: sheets set here and a chart's PDF copied in, in the order given."""
    from matplotlib.figure import Figure

    from sim.report.pages import write_pdf

    fig = Figure(figsize=(4, 3))
    fig.text(0.5, 0.5, "chart")
    chart = io.BytesIO()
    fig.savefig(chart, format="pdf")
    before, after = Sheet(), Sheet()
    before.text(0.1, 0.9, "前页", 12)
    after.text(0.1, 0.9, "后页", 12)
    out = write_pdf(tmp_path / "a.pdf", [before, chart.getvalue(), after], "书名")
    with pdfplumber.open(out) as doc:
        assert [p.extract_text().strip() for p in doc.pages] == ["前页", "chart", "后页"]
        assert doc.metadata["Title"] == "书名"


def layout_problems(pdf: bytes) -> list[str]:
    """On every page set by typeset: characters outside the page, two characters overlapping on a
    line (two cells' texts run together), a character across a table's rule (a cell's text runs
    out of its cell). Pages holding a chart (matplotlib's, placed as a form) are not looked at."""
    problems = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            if "XObject" in page.page_obj.resources:  # a chart placed on the page: matplotlib's
                continue
            chars = [c for c in page.chars if c["text"].strip()]
            where = f"page {page.page_number}"
            for c in chars:
                if c["x0"] < 0 or c["x1"] > page.width or c["top"] < 0 or c["bottom"] > page.height:
                    problems.append(f"{where}: {c['text']!r} outside the page")
            for cs in _lines(chars).values():
                cs.sort(key=lambda c: c["x0"])
                for a, b in itertools.pairwise(cs):
                    if b["x0"] < a["x1"] - 0.02:
                        problems.append(f"{where}: {a['text']!r} and {b['text']!r} overlap")
            for rule in page.lines:
                upright = abs(rule["x0"] - rule["x1"]) < 0.01
                for c in chars:
                    if upright:
                        across = c["x0"] + 0.02 < rule["x0"] < c["x1"] - 0.02
                        beside = rule["top"] - 0.1 <= c["top"] and c["bottom"] <= rule["bottom"] + 0.1
                    else:
                        across = c["top"] + 0.02 < rule["top"] < c["bottom"] - 0.02
                        beside = rule["x0"] - 0.1 <= c["x0"] and c["x1"] <= rule["x1"] + 0.1
                    if across and beside:
                        problems.append(
                            f"{where}: {c['text']!r} across a rule at {rule['x0']:.1f}, {rule['top']:.1f}"
                        )
    return problems


CELL = st.lists(
    st.one_of(
        CHARS,
        st.sampled_from(
            ["Wilson", "interval", "WWWWWWWWWWWWWWWWWWWWWWWWWW", "95%", "12.5", "（", "）", "，"]
        ),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    columns=st.integers(1, 8),
    data=st.data(),
)
def test_a_table_of_any_texts_keeps_every_cell_inside_its_rules(columns, data):
    """The appendix's tables (sim/report/appendix.py `_table_page`) with generated cells, from
    empty to long, Chinese, Latin, unbreakable runs: every line fits its cell (wrapped by the
    font's own advances), nothing runs out of the page or into a neighbour, and rows that do not
    fit go to the next page."""
    from sim.report.appendix import _table_page

    header = data.draw(st.lists(CELL.filter(bool), min_size=columns, max_size=columns))
    rows = data.draw(st.lists(st.lists(CELL, min_size=columns, max_size=columns), max_size=30))
    note = data.draw(CELL)
    pdf = typeset.write(_table_page("表格 Table", header, rows, note, lang="zh"))
    assert layout_problems(pdf) == []


@pytest.mark.slow  # reads the session's zhangshu report (tests/conftest.py)
def test_the_appendix_pages_keep_their_text_inside_page_and_cells(zhangshu_typhoon_report):
    for lang in ("zh", "en"):
        pdf = (zhangshu_typhoon_report / lang / "appendix.pdf").read_bytes()
        assert layout_problems(pdf) == [], lang


def test_layout_problems_sees_a_cell_running_out(tmp_path):
    """The check is real: a text set across a rule, two texts on one line, and a text off the
    page are each caught."""
    sheet = Sheet()
    sheet.lines([((0.5, 0.4), (0.5, 0.6))])
    sheet.text(0.45, 0.5, "跨越表格线", 10)
    sheet.text(0.1, 0.3, "重叠的文字", 10)
    sheet.text(0.12, 0.3, "overlap", 10)
    sheet.text(0.98, 0.1, "出界", 10)
    found = layout_problems(typeset.write([sheet]))
    assert any("across a rule" in p for p in found)
    assert any("overlap" in p for p in found)
    assert any("outside the page" in p for p in found)


@pytest.mark.slow  # reads the session's zhangshu report (tests/conftest.py)
def test_every_appendix_page_is_a4_and_numbered_in_order(zhangshu_typhoon_report):
    """Charts are placed on A4 pages like the rest (a printer then prints every page at one
    scale), and every page carries its number of the total, in the appendix's language."""
    from sim.report.i18n import text

    for lang in ("zh", "en"):
        with pdfplumber.open(zhangshu_typhoon_report / lang / "appendix.pdf") as doc:
            n = len(doc.pages)
            charts = 0
            for k, page in enumerate(doc.pages, start=1):
                assert (round(page.width, 1), round(page.height, 1)) == (round(PAGE_W, 1), round(PAGE_H, 1))
                foot = [c for c in page.chars if c["top"] > page.height - 40]
                assert "".join(c["text"] for c in foot).replace(" ", "") == text("page.number", lang).format(
                    k=k, n=n
                ).replace(" ", ""), (lang, k)
                charts += "XObject" in page.page_obj.resources
            assert charts >= 6  # the run's charts are among the pages
