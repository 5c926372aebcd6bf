"""The plan's appendix: figures, target table, per-township table and the STRESS-DES method note.

Written as Markdown (figures linked as PNG) and as one PDF (the title page, the tables and the
notes set directly as PDF text by sim/report/typeset.py, the charts' own PDFs copied in:
sim/report/pages.py), in the requested language. The
method note is docs/STRESS-DES.md, one section per language, its `{fields}` filled with the
run's own values; the table of assumptions is sim/assumptions.py's registry read against the
run's settings and scenario.

Size: the appendix's pages in order (title, verdict, targets, cases, charts, townships,
assumptions, method note) in both formats, Markdown and PDF, each page a short function.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import cast

import pandas as pd

from sim import assumptions
from sim.provenance import PROJECT_ROOT
from sim.report.data import Results
from sim.report.figures.common import title_fields
from sim.report.i18n import limit_text, text, words
from sim.report.linebreak import text_width, wrap_mixed
from sim.report.pages import Page
from sim.report.pages import write_pdf as pages_pdf
from sim.report.typeset import A4_IN, Sheet, char_width, color
from sim.results.verdict import cause_share, status
from sim.safe_text import md_table
from sim.safe_text import md_text as md

STRESS_DES = PROJECT_ROOT / "docs" / "STRESS-DES.md"


def _pct(x: float) -> str:
    return "–" if _missing(x) else f"{x:.1%}"


def _measure(s: pd.DataFrame, measure: str) -> pd.Series | None:
    """The summary row of a measure, or None when the run did not record it."""
    # one row: a case's summary names each measure once
    return cast(pd.Series, s.loc[measure]) if measure in s.index else None


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _share_cell(share: pd.Series | None) -> str:
    if share is None or _missing(share["mean"]):
        return "–"
    if _missing(share["ci_low"]) or _missing(share["ci_high"]):
        return _pct(share["mean"])  # one replication: no interval
    return f"{_pct(share['mean'])} [{_pct(share['ci_low'])}, {_pct(share['ci_high'])}]"


def _holds_cells(holds: pd.Series | None) -> tuple[str, str]:
    if holds is None or _missing(holds["mean"]) or _missing(holds["n"]) or not holds["n"]:
        return "–", "–"
    return f"{holds['mean']:.2f} [{holds['ci_low']:.2f}, {holds['ci_high']:.2f}]", str(int(holds["n"]))


def target_rows(res: Results, lang: str) -> list[list[str]]:
    """Every target of the run's settings, in their order (relief, EMS, rescue, helicopter): time
    limit, required share, share in time (t CI), P(holds) (Wilson), n; "–" where the summary
    has no such measure (as terminal.py, from the `NAME_share` and `NAME_holds` rows)."""
    rows = []
    s = res.summary[res.summary["case"] == res.main_case].set_index("measure")
    for name, t in res.settings.targets.items():
        holds, n = _holds_cells(_measure(s, f"{name}_holds"))
        rows.append(
            [
                res.target_label(name, lang),
                limit_text(t, lang),
                f"{t.required_share:.0%}",
                _share_cell(_measure(s, f"{name}_share")),
                holds,
                n,
                text(f"verdict.{_verdict(s, name, t.required_share)}", lang),
            ]
        )
    return rows


def _verdict(s: pd.DataFrame, name: str, required: float) -> str:
    """HOLDS, FAILS, UNDECIDED or NOT TESTED by sim/results/verdict.py's rule, from the summary rows."""
    share, holds = _measure(s, f"{name}_share"), _measure(s, f"{name}_holds")
    n = 0 if holds is None or _missing(holds["n"]) else int(holds["n"])
    if share is None:
        return status(n, math.nan, math.nan, math.nan, required)
    return status(n, float(share["mean"]), float(share["ci_low"]), float(share["ci_high"]), required)


def failing_notes(res: Results, lang: str) -> list[str]:
    """For each target that fails or is undecided: its three worst townships by name and its
    main cause (sim/results/verdict.py's records, as the terminal and summary.json give them)."""
    records = res.verdicts()
    lines = []
    for r in records:
        if r["verdict"] not in ("FAILS", "UNDECIDED"):
            continue
        parts = []
        if r.get("worst_townships"):
            worst = ("、" if lang == "zh" else ", ").join(
                f"{w['name']} {w['share']:.0%}" for w in r["worst_townships"]
            )
            parts.append(text("failing.worst", lang, list=worst))
        if r.get("main_cause"):
            c = r["main_cause"]
            share, unit = cause_share(c)
            cause = text(f"cause.{c['cause']}", lang)
            parts.append(
                text("failing.cause", lang, cause=cause, share=f"{share:.0%}", of=text(f"late.{unit}", lang))
            )
        zh = lang == "zh"
        word, label = text("verdict." + r["verdict"], lang), res.target_label(r["target"], lang)
        head = f"{label}（{word}）" if zh else f"{label} ({word})"
        lines.append(head + ("：" if zh else ": ") + ("；" if zh else "; ").join(parts) if parts else head)
    return lines or [text("failing.none", lang)]


def target_header(lang: str) -> list[str]:
    return [
        text(k, lang)
        for k in (
            "col.target",
            "col.limit",
            "col.required",
            "col.share",
            "col.p_holds",
            "col.n",
            "col.verdict",
        )
    ]


def table_note(lang: str) -> str:
    """Interval methods, then when a target holds (Chinese sentences join without a space)."""
    return ("" if lang == "zh" else " ").join((text("table.note", lang), text("note.holds", lang)))


def _ems_scope(target, lang: str) -> str:
    triage = text("scope.triage", lang, k="/".join(str(k) for k in target.triage))
    return text("scope.list", lang, a=triage, b=text(f"scope.{target.area}", lang))


GROUPED_MEASURES = ("relief_complete", "rescue_share")  # one note line for all their targets


def target_notes(res: Results, lang: str, rows: list[list[str]]) -> list[str]:
    """What each target's share counts and when its clock starts, one line per kind of target
    (relief and rescue targets grouped; EMS and helicopter targets each with their own scope),
    in settings order; then what "–" means if the target `rows` show one."""
    targets = res.settings.targets
    lines: dict[str, list[str]] = {}  # one line per grouped measure or other target: its targets
    for name, t in targets.items():
        lines.setdefault(t.measure if t.measure in GROUPED_MEASURES else name, []).append(name)
    out = [
        _share_note(targets[names[0]], [res.target_label(n, lang) for n in names], lang)
        for names in lines.values()
    ]
    out += [note for note in (lives_note(res, lang), ems_lives_note(res, lang)) if note]
    if any("–" in r[3:] for r in rows):
        out.append(text("note.missing", lang))
    return out


def _lives_text(res: Results, lang: str, key: str, base: str, **measures: str) -> str | None:
    """The note `key` with each measure's mean and 95 % interval (summary.csv, the main case);
    None when `base` (the count at risk) is missing (an older run) or zero."""
    s = res.summary[res.summary["case"] == res.main_case].set_index("measure")
    if any(m not in s.index for m in (base, *measures.values())) or not s["mean"][base] > 0:
        return None

    def ci(measure: str) -> str:
        r = s.loc[measure]
        return f"{r['mean']:.1f} [{max(0.0, r['ci_low']):.1f}, {r['ci_high']:.1f}]"

    return text(key, lang, n=res.n_reps, **{k: ci(m) for k, m in measures.items()})


def lives_note(res: Results, lang: str) -> str | None:
    """Trapped people saved and lost while trapped per replication, with intervals (summary.csv);
    None when the run has no rescue (no trapped people, or an older run without the measures)."""
    return _lives_text(
        res,
        lang,
        "note.lives",
        "trapped_people",
        saved="lives_saved_people",
        lost="lives_lost_waiting_people",
    )


def ems_lives_note(res: Results, lang: str) -> str | None:
    """Red casualties who reached a hospital alive and who died waiting, per replication, with
    intervals; None without red casualties (or an older run without the measures)."""
    return _lives_text(
        res,
        lang,
        "note.ems_lives",
        "ems_red_casualty_calls",
        calls="ems_red_casualty_calls",
        saved="ems_red_saved_people",
        lost="ems_red_lost_waiting_people",
    )


def _share_note(t, names: list[str], lang: str) -> str:
    if t.measure in GROUPED_MEASURES:
        return text(f"share.{t.measure}", lang, names=text("names.sep", lang).join(names))
    if t.measure == "ems_response":
        return text("share.ems_response", lang, name=names[0], scope=_ems_scope(t, lang))
    return text("share.helicopter_response", lang, name=names[0], km=t.radius_km)


def township_table(res: Results) -> pd.DataFrame:
    """Per township: mean displaced per replication, each target's share of the people it counts
    relieved in time (pooled over replications), late villages."""
    v = res.villages[(res.villages["case"] == res.main_case)]
    n = v["rep"].nunique()  # this case's replications (a sweep's cases may have run different numbers)
    out = pd.DataFrame({"displaced": v.groupby("township_id")["displaced"].sum() / n})
    for name in res.targets:
        g = v.groupby("township_id")
        people = g[f"{name}_people"].sum()
        out[f"{name}_share"] = g[f"{name}_people_in_time"].sum() / people.where(people > 0)
        out[f"{name}_late"] = v[f"{name}_late_cause"].notna().groupby(v["township_id"]).sum() / n
    return out[out["displaced"] > 0].sort_index()


def township_rows(res: Results, lang: str) -> tuple[list[str], list[list[str]]]:
    tab = township_table(res)
    header = [text("col.township", lang), text("col.displaced", lang)]
    for name in res.targets:
        label = res.target_label(name, lang)
        header += [text("col.share_target", lang, target=label), text("col.late", lang, target=label)]
    rows = []
    names = res.place_names
    for tid, r in tab.iterrows():
        row = [names.get(str(tid), str(tid)), f"{r['displaced']:.0f}"]
        for name in res.targets:
            row += [_pct(r[f"{name}_share"]), f"{r[f'{name}_late']:.1f}"]
        rows.append(row)
    return header, rows


def case_rows(res: Results, lang: str) -> tuple[list[str], list[list[str]]]:
    from sim.report.figures.cases import case_table

    assert res.cases is not None
    header = [text("col.case", lang), text("col.cost", lang)]
    tables = {name: case_table(res.cases, name) for name in res.case_targets}
    header += [f"{res.target_label(name, lang)} P" for name in res.case_targets] + [
        text("col.frontier", lang)
    ]
    first = next(iter(tables.values()))
    rows = []
    for case in first.index:
        row = [res.case_label(str(case), lang), f"{first.loc[case, 'cost_yuan'] / 1e6:.2f}"]
        for tab in tables.values():
            r = tab.loc[case]
            row.append(f"{r['p_holds']:.2f} [{r['ci_low']:.2f}, {r['ci_high']:.2f}] n={int(r['n'])}")
        focus = case_table(res.cases, res.meta.get("focus_target") or next(iter(res.targets)))
        row.append(text("yes" if bool(focus.loc[case].get("frontier", False)) else "no", lang))
        rows.append(row)
    return header, rows


def cases_note(res: Results, lang: str) -> str:
    """What the case table's P, n and frontier mean (sim/results/metrics.py `frontier`: by the
    focus target's P(holds), then its mean share in time)."""
    focus = res.meta.get("focus_target") or next(iter(res.targets))
    return text("cases.note", lang, focus=res.target_label(str(focus), lang))


def method_note(lang: str, res: Results) -> str:
    """The language's section of docs/STRESS-DES.md (between `<!-- lang:xx -->` markers), its
    `{name}` fields filled with the run's values (sim/assumptions.py note_fields)."""
    body = STRESS_DES.read_text(encoding="utf-8")
    start = body.index(f"<!-- lang:{lang} -->") + len(f"<!-- lang:{lang} -->")
    end = body.find("<!--", start)
    section = body[start : end if end >= 0 else len(body)].strip()
    return section.format_map(assumptions.note_fields(res.settings, res.scenario))


def technical_annex() -> str:
    """docs/STRESS-DES.md's technical annex (after `<!-- annex -->`), in English in every
    appendix: how the note's plain words are implemented (random-number streams, software,
    files, tests). The only part of a Chinese appendix with code names in it."""
    body = STRESS_DES.read_text(encoding="utf-8")
    return body[body.index("<!-- annex -->") + len("<!-- annex -->") :].strip()


def _assumption_name(res: Results, row: assumptions.Row, lang: str) -> str:
    """What a registry row is about, for a reader: its description, and for a key with wildcards
    (hazard.events.*.rates.*.trapped) what each wildcard stands for here (flood, high), a target
    by its label. The key itself is only in the technical annex."""
    parts = row.key.split(".")
    filled = [p for p, w in zip(parts, row.entry.key.split("."), strict=False) if w == "*"]
    what = row.entry.what_zh if lang == "zh" else row.entry.what_en
    named = [res.target_label(f, lang) if f in res.settings.targets else words(f, lang) for f in filled]
    if not named:
        return what
    return f"{what}（{'，'.join(named)}）" if lang == "zh" else f"{what} ({', '.join(named)})"


def assumption_rows(res: Results, lang: str) -> tuple[list[str], list[list[str]]]:
    """The table of assumptions of `drsim run --assumptions`, in the appendix's language: each
    by what it is, its value in words, source and plausible range (no configuration key)."""
    rows = [
        [_assumption_name(res, r, lang), words(value, lang, r.entry.items), source, words(rng, lang)]
        for r in assumptions.table(res.settings, res.scenario)
        for what, _key, value, source, rng in [r.cells(lang)]
    ]
    header = assumptions.HEADER[lang]
    return [header[0], *header[2:]], rows


def annex_key_rows(res: Results, lang: str) -> tuple[list[str], list[list[str]]]:
    """The technical annex's table: each assumption's name (as the main table gives it) and the
    configuration key that sets it (`drsim run KEY=VALUE`)."""
    rows = [[_assumption_name(res, r, lang), r.key] for r in assumptions.table(res.settings, res.scenario)]
    return text("annex.key_header", lang).split("|"), rows


def write_markdown(
    res: Results,
    lang: str,
    out: Path,
    figures: dict[str, Path],
    skipped: dict[str, str],
    extra_markdown: str = "",
) -> Path:
    """appendix.md. Every text that holds names from the data (township ids, target and case
    names, scenario and hazard names) goes through the Markdown rule of sim/safe_text.py (`md`,
    `md_table`); only the method note, drsim's own Markdown file, is copied as it is.
    `extra_markdown` (a sensitivity study's section, already escaped) goes before the
    assumptions, as in the PDF."""
    parts = [
        f"# {md(text('appendix.title', lang))}",
        "",
        md(text("source", lang, **res.source_fields(lang))),
        "",
    ]
    rows = target_rows(res, lang)
    parts += [
        f"## {md(of_case(res, lang, text('appendix.targets', lang)))}",
        "",
        md_table(target_header(lang), rows),
    ]
    parts += ["", md(table_note(lang)), ""]
    parts += [f"- {md(line)}" for line in target_notes(res, lang, rows)] + [""]
    parts += [f"## {md(text('appendix.failing', lang))}", ""]
    parts += [f"- {md(line)}" for line in failing_notes(res, lang)] + [""]
    if res.cases is not None:
        parts += [f"## {md(text('appendix.cases', lang))}", "", md_table(*case_rows(res, lang)), ""]
        parts += [md(cases_note(res, lang)), ""]
    townships = of_case(res, lang, text("appendix.townships", lang))
    parts += [f"## {md(townships)}", "", md_table(*township_rows(res, lang)), ""]
    parts += [f"## {md(text('appendix.figures', lang))}", ""]
    for name, path in figures.items():
        caption = text(name_key(name), lang, **title_fields(res, name, lang))
        parts += [f"![{md(caption)}]({path.relative_to(out.parent).as_posix()})", ""]
    if skipped:
        parts += [f"### {md(text('appendix.skipped', lang))}", ""]
        for name, reason in skipped.items():  # by the figure's title, not its file name
            caption = text(name_key(name), lang, **title_fields(res, name, lang))
            parts.append(f"- {md(caption)}: {md(text(reason, lang))}")
        parts.append("")
    if extra_markdown:
        parts += [extra_markdown.rstrip("\n"), ""]
    parts += [f"## {md(text('appendix.assumptions', lang))}", "", md_table(*assumption_rows(res, lang)), ""]
    parts += [f"## {md(text('appendix.method', lang))}", "", method_note(lang, res), ""]
    # the technical annex last: a Chinese reader meets code names nowhere before it
    parts += [f"## {md(text('appendix.annex', lang))}", "", technical_annex(), ""]
    parts += [f"### {md(text('annex.keys', lang))}", "", md_table(*annex_key_rows(res, lang)), ""]
    out.write_text("\n".join(parts), encoding="utf-8")
    return out


def name_key(figure: str) -> str:
    return {
        "relief_curves": "relief_curves.title",
        "relief_map": "relief_map.title",
        "late_villages": "late_villages.title",
        "stock_over_time": "stock.title",
        "ems_response": "ems_response.title",
        "helicopter_response": "helicopter.title",
        "rescue_over_time": "rescue.title",
        "team_utilisation": "teams.title",
        "budget_frontier": "frontier.title",
        "case_compliance": "cases_holds.title",
    }[figure]


A4_PT = (A4_IN[0] * 72, A4_IN[1] * 72)
CELL_PAD_PT = 0.05 * 72  # a cell's text keeps 0.05 in from each side rule


def _wrap(lines: str, width_pt: float, size_pt: float) -> list[str]:
    """Each line of `lines` wrapped to `width_pt` by the font's own advances at `size_pt` (Chinese
    line breaking rules: sim/report/linebreak.py), so a line fits its cell or page exactly."""
    measure = char_width(size_pt)
    return [part for line in lines.split("\n") for part in wrap_mixed(line, width_pt, measure=measure)]


def fit_columns(header: list[str], rows: list[list[str]], width_cells: int) -> list[int]:
    """Each column's width in half-width cells so that the table fills `width_cells`: a column
    gets what its longest text needs when all fit, else the narrow ones keep theirs and the wide
    ones share the rest equally (water-filling), at least 6 cells each.

    >>> fit_columns(["a", "b"], [["x" * 10, "y" * 100]], 60)
    [12, 48]
    """
    need = [max(text_width(str(c)) + 2 for c in col) for col in zip(header, *rows, strict=True)]
    widths, left, open_ = [0] * len(need), width_cells, set(range(len(need)))
    while open_:
        share = left / len(open_)
        small = {i for i in open_ if need[i] <= share}
        if not small:
            for i in sorted(open_):
                widths[i] = max(6, int(share))
            break
        for i in small:
            widths[i] = need[i]
            left -= need[i]
        open_ -= small
    scale = width_cells / max(sum(widths), 1)
    return [max(6, int(w * scale)) for w in widths] if scale > 1 else widths


def _grid(
    sheet: Sheet,
    left: float,
    top: float,
    widths: Sequence[float],
    cells: Sequence[Sequence[str]],
    heights: Sequence[float],
    fontsize: float,
    align: str = "center",
    edge: str = "#000000",
) -> None:
    """Draw a table on `sheet` as positioned text and one set of lines (fractions of the page;
    row 0 is the header, shaded): each cell's text, already wrapped, centred in its row, one line
    every 1.45 font sizes (Noto Sans SC's ascender plus descender is one em)."""
    xs = [left]
    for w in widths:
        xs.append(xs[-1] + w)
    ys = [top]
    for h in heights:
        ys.append(ys[-1] - h)
    sheet.rect(left, ys[1], xs[-1] - left, heights[0], color("#e8e8e8"))
    pad = CELL_PAD_PT / 72 / sheet.size_in[0]  # from a left-aligned cell's border
    for r, row in enumerate(cells):
        y = (ys[r] + ys[r + 1]) / 2
        for c, cell in enumerate(row):
            x = (xs[c] + xs[c + 1]) / 2 if align == "center" else xs[c] + pad
            sheet.text(x, y, cell, fontsize, ha=align, va="center", linespacing=1.45)
    lines = [((left, y), (xs[-1], y)) for y in ys] + [((x, ys[0]), (x, ys[-1])) for x in xs]
    sheet.lines(lines, color(edge), width=0.6)


def _table_page(
    title: str, header: list[str], rows: list[list[str]], note: str = "", *, lang: str
) -> list[Sheet]:
    """One or more A4 pages holding a table. Columns share the width by their texts
    (`fit_columns`), every cell's text is wrapped to its column by the font's own advances and
    every row is as tall as its longest cell, so no text runs into a neighbour or across a rule
    (tests/test_typeset.py checks generated tables); rows go to the next page when it is full."""
    pages = []
    lines = [x for para in note.splitlines() for x in _wrap(para, 0.92 * A4_PT[0], 8)] if note else []
    bottom = max(0.08, 0.045 + 0.0125 * len(lines))  # room for the note under the table
    fontsize = 7 if len(header) > 6 else 8
    width_in = 0.92 * A4_IN[0]
    cell_in = fontsize * 0.55 / 72  # a half-width character of Noto Sans at this size
    cols = fit_columns(header, rows or [[""] * len(header)], int(width_in / cell_in))
    line_in = fontsize * 1.45 / 72
    pad = 0.6  # a cell's padding, in lines

    widths = [0.92 * w / sum(cols) for w in cols]
    inner_pt = [w * A4_PT[0] - 2 * CELL_PAD_PT for w in widths]

    def wrap(row: list[str]) -> list[str]:
        return ["\n".join(_wrap(str(c), w, fontsize)) for c, w in zip(row, inner_pt, strict=True)]

    head = wrap(header)
    head_lines = max(1, *(h.count("\n") + 1 for h in head))
    body = [wrap(r) for r in rows] or [[""] * len(header)]
    row_lines = [max(1, *(c.count("\n") + 1 for c in r)) for r in body]
    avail_in = (0.92 - bottom) * A4_IN[1] - 0.35  # below the title
    chunks, start = [], 0
    while start < len(body):
        used, end = (head_lines + pad) * line_in, start
        while end < len(body) and (end == start or used + (row_lines[end] + pad) * line_in <= avail_in):
            used += (row_lines[end] + pad) * line_in
            end += 1
        chunks.append((start, end))
        start = end
    for k, (start, end) in enumerate(chunks):
        sheet = Sheet(A4_IN)
        heading = title if k == 0 else text("heading.continued", lang, heading=title)
        sheet.text(0.04, 0.925, heading, 13, va="bottom")
        heights = [(n + pad) * line_in / A4_IN[1] for n in (head_lines, *row_lines[start:end])]
        _grid(sheet, 0.04, 0.92, widths, [head, *body[start:end]], heights, fontsize)
        if lines:
            # right under the table (room for it is kept above the page's foot)
            sheet.text(0.04, 0.92 - sum(heights) - 0.015, "\n".join(lines), 8, va="top", linespacing=1.3)
        pages.append(sheet)
    return pages


def _title_page(res: Results, lang: str, rows: list[list[str]]) -> Sheet:
    """The appendix's first page: what was assessed (county, hazard, date, run) and the verdict
    of every target, before any table or figure."""
    sheet = Sheet(A4_IN)
    title = "\n".join(_wrap(text("appendix.title", lang), 0.84 * A4_PT[0], 17))
    sheet.text(0.5, 0.80, title, 17, ha="center", va="top", linespacing=1.4)
    fields = res.source_fields(lang)
    facts = [
        text("title.scenario", lang, v=fields["scenario"]),
        text("title.hazard", lang, v=fields["hazard"]),
        text("title.reps", lang, n=fields["n"]),
        text("title.date", lang, v=fields["date"]),
        text("title.run", lang, v=res.dir.name),
    ]
    sheet.text(0.5, 0.70, "\n".join(facts), 11, ha="center", va="top", linespacing=1.8)
    sheet.text(0.08, 0.48, of_case(res, lang, text("title.verdicts", lang)), 13, va="top")
    header = [text(k, lang) for k in ("col.target", "col.verdict", "col.share", "col.p_holds")]
    widths = (0.31, 0.28, 0.22, 0.19)  # of the table
    inner_pt = [0.84 * w * A4_PT[0] - 2 * CELL_PAD_PT for w in widths]
    cells = [["\n".join(_wrap(c, w, 7.5)) for c, w in zip(row, inner_pt, strict=True)]
             for row in [header, *([r[0], r[6], r[3], r[4]] for r in rows)]]  # fmt: skip
    line_in = 7.5 * 1.45 / 72
    heights = [(max(c.count("\n") for c in row) + 2.2) * line_in / A4_IN[1] for row in cells]
    _grid(sheet, 0.08, 0.45, [0.84 * w for w in widths], cells, heights, 7.5, align="left", edge="#cccccc")
    return sheet


def _text_pages(title: str, body: str, lang: str) -> list[Sheet]:
    lines: list[str] = []
    for para in body.splitlines():
        lines += _wrap(para.replace("**", "").replace("`", ""), 0.88 * A4_PT[0], 8)
    pages, per_page = [], 60
    for start in range(0, len(lines), per_page):
        sheet = Sheet(A4_IN)
        sheet.text(0.06, 0.95, title, 13, va="top")
        sheet.text(0.06, 0.91, "\n".join(lines[start : start + per_page]), 8, va="top", linespacing=1.5)
        pages.append(sheet)
    return pages


def of_case(res: Results, lang: str, heading: str) -> str:
    """A sweep's heading over one case's results (its verdicts, targets, townships) names the
    case, so a reader does not take the baseline's verdict for the plan's answer; a run's stays."""
    if res.cases is None:
        return heading
    return text("heading.of_case", lang, heading=heading, case=res.case_label(res.main_case, lang))


def write_pdf(
    res: Results, lang: str, out: Path, figures: Sequence[Page], extra_pages: Sequence[Page] = ()
) -> Path:
    """appendix.pdf: title page and verdicts, targets, cases, figures, townships, `extra_pages`
    (a sensitivity study's section), assumptions, method note. `figures` are the charts as
    already drawn (PDF bytes, copied in) or still to draw."""
    rows = target_rows(res, lang)
    title = f"{text('appendix.title', lang)} - {res.scenario_label(lang)}, {res.hazard_label(lang)}"
    note = [
        table_note(lang),
        *(f"- {line}" for line in target_notes(res, lang, rows)),
        text("appendix.failing", lang),
        *(f"- {line}" for line in failing_notes(res, lang)),
        text("source", lang, **res.source_fields(lang)),
    ]
    pages: list[Page] = [_title_page(res, lang, rows)]
    targets = of_case(res, lang, text("appendix.targets", lang))
    pages += _table_page(targets, target_header(lang), rows, "\n".join(note), lang=lang)
    if res.cases is not None:
        pages += _table_page(
            text("appendix.cases", lang), *case_rows(res, lang), cases_note(res, lang), lang=lang
        )
    pages += figures
    pages += _table_page(
        of_case(res, lang, text("appendix.townships", lang)), *township_rows(res, lang), lang=lang
    )
    pages += extra_pages
    pages += _table_page(text("appendix.assumptions", lang), *assumption_rows(res, lang), lang=lang)
    pages += _text_pages(text("appendix.method", lang), method_note(lang, res), lang)
    pages += _text_pages(text("appendix.annex", lang), technical_annex(), lang)
    # a list, not a table: a hundred table rows took seconds to lay out and said no more
    keys = "\n".join(f"{name}: {key}" for name, key in annex_key_rows(res, lang)[1])
    pages += _text_pages(text("annex.keys", lang), keys, lang)
    return pages_pdf(out, pages, title, number=text("page.number", lang))
