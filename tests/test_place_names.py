"""Places by name wherever a person reads: a zhangshu run's terminal output, its appendix in both
languages and its chart labels name townships (临江镇), never by an id (T100) where a name exists;
the CSV answers keep the id for joins with a name column beside it."""

from __future__ import annotations

import csv
import itertools
import re
from pathlib import Path

import pytest

from sim import api, assumptions
from sim.report import appendix, i18n
from sim.report.figures.relief import late_villages
from sim.report.figures.response import team_utilisation


@pytest.fixture(scope="module")
def zs_run(zhangshu_typhoon_run) -> tuple[Path, str]:
    # the run tests/test_report.py reads, made once for the session (read only)
    return zhangshu_typhoon_run


@pytest.fixture(scope="module")
def results(zs_run):
    return api.load(zs_run[0])


def _named_township_ids(res) -> dict[str, str]:
    return {p.id: p.name for p in res.scenario.places if p.id == p.township_id and p.name != p.id}


def _ids_in(text: str, ids) -> list[str]:
    """Township ids standing as words (not inside V100201, EMS_T100, TM_SEMI_T100 or the method
    note's "Erlang-B/C", where the seat's id C is a letter)."""
    return [i for i in ids if re.search(rf"(?<![A-Za-z0-9_/-]){re.escape(i)}(?![A-Za-z0-9_/-])", text)]


@pytest.mark.slow
def test_terminal_names_townships_and_never_shows_their_ids(zs_run, results):
    _, printed = zs_run
    names = _named_township_ids(results)
    assert "worst townships:" in printed  # two replications: targets undecided, worst ones named
    assert any(name in printed for name in names.values())
    assert _ids_in(printed, names) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_appendix_names_townships_and_never_shows_their_ids(results, tmp_path, lang):
    md = appendix.write_markdown(results, lang, tmp_path / "appendix.md", {}, {})
    text = md.read_text(encoding="utf-8")
    names = _named_township_ids(results)
    _header, rows = appendix.township_rows(results, lang)
    assert rows and all(r[0] in names.values() for r in rows)  # the per-township table, by name
    assert _ids_in(text, names) == []


def test_chart_labels_name_townships_and_teams_by_place(results):
    names = _named_township_ids(results)
    for draw in (late_villages, team_utilisation):
        fig = draw(results, "zh")
        labels = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
        assert labels and _ids_in(" ".join(labels), names) == [], draw.__name__
        assert any(name in label for label in labels for name in names.values()), draw.__name__


def test_csv_answers_put_a_name_beside_every_id(zs_run):
    out, _ = zs_run
    for table in ("villages.csv", "townships.csv"):
        with (out / table).open(encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f))
        for i, column in enumerate(header):
            if column.endswith("_id"):
                beside = header[i + 1]
                assert beside in ("name", column.replace("_id", "_name")), (table, column, beside)


# --- the whole Chinese appendix, Markdown and PDF ------------------------------------------------

VERDICT_CODES = {"HOLDS", "FAILS", "UNDECIDED", "NOT", "TESTED"}
TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:[./:][A-Za-z0-9_]+)*/?")
# A unit or a measure's letter reads as Chinese technical writing does; names of cited authors
# (Boore, Jonkman), standards (JTG B01-2014) and aircraft types (AW139) are references, not code.
UNITS = {"km", "h", "min", "m", "m2", "km/h", "n", "t", "P", "drsim"}


def code_words(res) -> set[str]:
    """What a Chinese reader must not meet: place, village and team ids, target keys, the hazard
    and scenario file names, every configuration key of the assumptions and every value word
    that has a translation (tiered_nearest, at_once, water)."""
    codes = {p.id for p in res.scenario.places if len(p.id) > 1} | {t.id for t in res.scenario.teams}
    for kind in ("depots", "shelters", "hospitals", "helipads", "ems_stations"):
        codes |= {x.id for x in getattr(res.scenario, kind)}  # D_CITY, SH_..., H01, HP_C, EMS_C
    codes |= set(res.settings.targets) | {res.settings.hazard.name, res.scenario.name}
    codes |= {r.key for r in assumptions.table(res.settings, res.scenario)}
    codes |= {w for w in i18n.WORDS if len(w) > 2 or "_" in w}
    return codes | VERDICT_CODES


def code_problems(text: str, res, allowed: set[str]) -> list[str]:
    """Tokens of `text` that are codes: in code_words, or shaped like one (snake_case, a dotted
    key, a path or a file name); `allowed` are the planner's own words (case names, run folder)."""
    codes = code_words(res)
    for word in sorted(allowed, key=len, reverse=True):
        text = text.replace(word, " ")
    found = []
    for tok in TOKEN.findall(text):
        if tok in UNITS:
            continue
        if tok in codes or "_" in tok or re.search(r"[A-Za-z][./:][A-Za-z]", tok) or tok.endswith("/"):
            found.append(tok)
    return sorted(set(found))


def chinese_appendix_outside_annex(folder: Path) -> tuple[str, str]:
    """(Markdown, PDF text) of a Chinese appendix up to its technical annex (pdfplumber)."""
    import pdfplumber

    annex = i18n.text("appendix.annex", "zh")
    md = (folder / "appendix.md").read_text(encoding="utf-8")
    assert f"## {annex}" in md
    pages = []
    with pdfplumber.open(folder / "appendix.pdf") as pdf:
        for page in pdf.pages:
            text = page.extract_text() or ""
            if text.startswith(annex):
                break
            pages.append(text)
        else:
            raise AssertionError("the PDF has no technical annex")
    body = re.sub(r"\]\([^)]*\)", "]", md.split(f"## {annex}")[0])  # a link's file is not shown
    return body, "\n".join(pages)


@pytest.fixture(scope="module")
def zh_report(zhangshu_typhoon_report) -> Path:
    # `drsim report` of zs_run, drawn once for the session (tests/conftest.py; read only)
    return zhangshu_typhoon_report / "zh"


@pytest.mark.slow  # a Chinese report drawn and its PDF read back
def test_chinese_appendix_has_no_code_outside_the_technical_annex(zh_report, results):
    """A zhangshu run's whole Chinese appendix (Markdown and PDF, figures included) until the
    technical annex: no place, village or team id, target key, configuration key, value key or
    verdict code; the annex holds the keys (each assumption's key is there)."""
    out = zh_report.parent
    md, pdf = chinese_appendix_outside_annex(out / "zh")
    allowed = {results.dir.name}
    assert code_problems(md, results, allowed) == []
    assert code_problems(pdf, results, allowed) == []
    assert any(name in pdf for name in _named_township_ids(results).values())  # the text was read
    full = (out / "zh" / "appendix.md").read_text(encoding="utf-8")
    annex = full.split(f"## {i18n.text('appendix.annex', 'zh')}")[1]
    annex = annex.replace("\\", "")  # Markdown's escapes (relief\\_10h)
    assert all(r.key in annex for r in assumptions.table(results.settings, results.scenario))


def test_the_scan_finds_codes(results):
    """The scan is real: each kind of code in a Chinese sentence is named, units and the
    planner's own case names are not."""
    village = next(p.id for p in results.scenario.places if p.id != p.township_id)
    team = results.scenario.teams[0].id
    key = assumptions.table(results.settings, results.scenario)[0].key
    text = (
        f"临江镇（T002）与{village}、{team}：relief_10h达标，见configs/rescue/，{key}为60 min，"
        "取值tiered_nearest；HOLDS；方案more_trucks，12 h，5 km"
    )
    assert code_problems(text, results, {"more_trucks"}) == sorted(
        {"T002", village, team, "relief_10h", "configs/rescue/", key, "tiered_nearest", "HOLDS"}
    )


def pdf_lines(path: Path) -> list[tuple[int, float, str]]:
    """(page, top, text) of every line of horizontal text in a PDF, by the characters' positions
    (pdfplumber): characters on one baseline, split where a gap wider than a character's size
    separates them (two table cells on one row are two lines)."""
    import pdfplumber

    out = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            rows: dict[float, list[dict]] = {}
            for ch in page.chars:
                if ch["upright"] and ch["text"].strip():
                    rows.setdefault(round(ch["bottom"] * 2) / 2, []).append(ch)
            for top, chars in sorted(rows.items()):
                chars.sort(key=lambda c: c["x0"])
                line = chars[0]["text"]
                for a, b in itertools.pairwise(chars):
                    if b["x0"] - a["x1"] > 1.2 * max(a["size"], b["size"]):
                        out.append((page.page_number, top, line))
                        line = ""
                    line += b["text"]
                out.append((page.page_number, top, line))
    return out


@pytest.mark.slow  # a Chinese report drawn and its PDF read back
def test_no_line_of_the_chinese_pdf_begins_with_closing_punctuation(zh_report):
    """Chinese line breaking as printed: no line of the Chinese appendix PDF (text pages, tables,
    title page, figures) starts with closing punctuation (sim/report/linebreak.py's rule set)."""
    from sim.report.linebreak import NO_LINE_START

    lines = pdf_lines(zh_report / "appendix.pdf")
    assert len(lines) > 200 and any("，" in text for _, _, text in lines)  # the text was read
    bad = [(page, text) for page, _, text in lines if text[0] in NO_LINE_START]
    assert bad == []


def test_pdf_lines_sees_a_line_that_begins_with_a_comma(tmp_path):
    """The PDF check is real: a page set by hand with a line starting with "，" is caught, and two
    cells on one row are two lines, on a chart's page (matplotlib) and on the appendix's own
    pages (sim/report/typeset.py)."""
    from matplotlib.figure import Figure

    from sim.report.fonts import register
    from sim.report.typeset import Sheet, write

    register()
    fig = Figure(figsize=(8.27, 11.69))
    fig.text(0.1, 0.9, "灾害发生后10小时内救灾物资到位\n，并找出未按时的村", fontsize=10)
    fig.text(0.6, 0.9, "（表格另一格）", fontsize=10)
    fig.savefig(tmp_path / "bad.pdf")
    sheet = Sheet()
    sheet.text(0.1, 0.9, "灾害发生后10小时内救灾物资到位\n，并找出未按时的村", 10, va="bottom")
    sheet.text(0.6, 0.9, "（表格另一格）", 10, va="bottom")
    (tmp_path / "sheet.pdf").write_bytes(write([sheet]))
    for name in ("bad.pdf", "sheet.pdf"):
        texts = [text for _, _, text in pdf_lines(tmp_path / name)]
        # the second line and the cell share a baseline (a multi-line text sits on its last line)
        assert texts == ["灾害发生后10小时内救灾物资到位", "，并找出未按时的村", "（表格另一格）"]
