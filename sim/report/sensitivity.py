"""What the answer depends on: the charts and appendix section of a sensitivity study, zh and en.

Reads a study folder (`drsim sensitivity`: sensitivity.csv, the tidy table of indices, and
sensitivity.json, the study and its nominal values); never runs the model. Three products:

- the **tornado chart**: each factor moved alone to the low and the high end of its range,
  the change in the focus output with its paired 95 % interval, largest swing on top;
- the **Morris chart**: mu* (how much the factor moves the output over its range) against sigma
  (how unevenly: interaction or a curve), with mu*'s bootstrap interval;
- the appendix section "What this answer depends on": assumptions and levers ranked apart
  (by Morris mu*, else the Sobol' total index, else the tornado's swing: `ranking`), each in
  plain words with its interval; in the run's appendix (Markdown and PDF) with
  `drsim report RUN --sensitivity STUDY`, or alone (depends_on.md/.pdf) from the study folder.

Left out: a chart for every output (the focus output only; the table holds them all).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.errors import InputError, Problem
from sim.report.fonts import register
from sim.report.i18n import text
from sim.report.pages import Page, write_pdf
from sim.safe_text import md_table
from sim.safe_text import md_text as md

KIND_COLOURS = {"assumption": "#d95f02", "lever": "#1b9e77"}
KIND_MARKERS = {"assumption": "o", "lever": "s"}


def load(folder: str | Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    root = Path(folder)
    try:
        table = pd.read_csv(root / "sensitivity.csv")
        info = json.loads((root / "sensitivity.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise InputError(
            Problem(str(root), type(exc).__name__, f"not a finished sensitivity folder ({str(exc)[:200]})"),
            heading="the sensitivity results cannot be read",
        ) from None
    return table, info


def is_fraction(output: str) -> bool:
    """A share or P(holds): changes read in percentage points."""
    return output.endswith(("_share", "_holds"))


def amount(output: str, value: float, lang: str, signed: bool = True) -> str:
    if value != value:
        return "–"
    if is_fraction(output):
        return text("sens.points", lang, v=f"{value * 100:+.1f}" if signed else f"{value * 100:.1f}")
    return f"{value:+,.4g}" if signed else f"{value:,.4g}"


def _factors(info: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in info["study"]["factors"]}


def _outputs(info: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["name"]: o for o in info["study"]["outputs"]}


def label(entry: dict[str, Any], lang: str) -> str:
    return (entry.get("label") or {}).get(lang) or entry["name"]


def value_text(f: dict[str, Any], v: float) -> str:
    shown = f"{round(v)}" if f.get("integer") else f"{v:g}"
    return f"{shown} {f['unit']}".strip() if f.get("unit") else shown


def ranking(table: pd.DataFrame, output: str) -> pd.DataFrame:
    """One row per factor for `output`: ST, mu*, sigma and the OAT changes with their intervals,
    ranked by Morris mu*, then ST, then the larger OAT swing. mu* first: every factor has it, from
    the same design and on the output's own scale, where the Sobol' stage covers only the few
    factors Morris ranked highest and, with the base samples a county study can afford (16-64),
    its bootstrap intervals are too wide to order them (docs/sensitivity.md: +-0.2 to +-0.8 at
    N = 16); Campolongo et al. (2007) show mu* a good proxy for the total index."""
    t = table[table["output"] == output]
    factors = list(dict.fromkeys(table["factor"]))
    rows = []
    for f in factors:
        mine = t[t["factor"] == f]
        kind = table.loc[table["factor"] == f, "kind"].iloc[0]
        row: dict[str, Any] = {"factor": f, "kind": kind}
        for method, index, col in (
            ("sobol", "ST", "st"),
            ("sobol", "S1", "s1"),
            ("morris", "mu_star", "mu_star"),
            ("morris", "sigma", "sigma"),
            ("oat", "change_low", "low"),
            ("oat", "change_high", "high"),
        ):
            hit = mine[(mine["method"] == method) & (mine["index"] == index)]
            if len(hit):
                r = hit.iloc[0]
                row[col], row[f"{col}_lo"], row[f"{col}_hi"] = r["value"], r["ci_low"], r["ci_high"]
                if method == "oat":
                    row[f"{col}_at"] = r.get("factor_value", math.nan)
            else:
                row[col] = row[f"{col}_lo"] = row[f"{col}_hi"] = math.nan
        rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    swing = np.fmax(out["low"].abs(), out["high"].abs())  # every row has both (NaN: no OAT)
    out["swing"] = swing
    keys = [out[c].fillna(-1.0) for c in ("mu_star", "st", "swing")]
    order = np.lexsort([-k.to_numpy() for k in reversed(keys)])
    return out.iloc[order].reset_index(drop=True)


def _source(info: dict[str, Any], lang: str) -> str:
    return text(
        "sens.source",
        lang,
        scenario=info.get("labels", {}).get(lang, {}).get("scenario", info["scenario"]),
        hazard=info.get("labels", {}).get(lang, {}).get("hazard", info["hazard"]),
        n=info["replications_per_point"],
        seed=info["seed"],
    )


def _notes(fig: Figure, info: dict[str, Any], lang: str, key: str) -> Figure:
    """The chart's note and source line below it (as sim/report/figures/common.py places them)."""
    from sim.report.linebreak import wrap_mixed

    lines = [*wrap_mixed(text(key, lang), 170), _source(info, lang)]
    fig.supxlabel("\n".join(lines), x=0.01, ha="left", fontsize=7, color="#444444")
    return fig


def tornado(table: pd.DataFrame, info: dict[str, Any], lang: str) -> Figure:
    output = info["focus_output"]
    rank = ranking(table, output)
    rank = rank[rank["low"].notna() | rank["high"].notna()] if "low" in rank else rank.iloc[0:0]
    if rank.empty:
        raise ValueError("sens.no_oat")
    rank = rank.sort_values("swing", kind="stable").reset_index(drop=True)  # largest on top
    factors, outputs = _factors(info), _outputs(info)
    scale = 100.0 if is_fraction(output) else 1.0
    register()
    fig = Figure(figsize=(8.5, 1.2 + 0.45 * len(rank)), dpi=150, layout="constrained")
    ax = fig.add_subplot()
    y = np.arange(len(rank))
    for end, colour, off in (("low", "#4575b4", -0.18), ("high", "#d73027", 0.18)):
        v = rank[end].to_numpy() * scale
        lo, hi = rank[f"{end}_lo"].to_numpy() * scale, rank[f"{end}_hi"].to_numpy() * scale
        ax.barh(y + off, v, height=0.36, color=colour, alpha=0.85, label=text(f"sens.{end}", lang))
        err = np.vstack([np.nan_to_num(v - lo), np.nan_to_num(hi - v)])
        ax.errorbar(v, y + off, xerr=err, fmt="none", ecolor="#222222", elinewidth=0.9, capsize=2)
    names = []
    for r in rank.to_dict("records"):
        f = factors[r["factor"]]
        kind = text(f"sens.kind.{r['kind']}", lang)
        span = f"{value_text(f, r['low_at'])} – {value_text(f, r['high_at'])}"
        names.append(f"{label(f, lang)} [{kind}]\n{span}")
    ax.set_yticks(y, names, fontsize=7)
    ax.axvline(0, color="#444444", linewidth=0.8)
    unit = text("sens.points_axis", lang) if is_fraction(output) else output
    ax.set_xlabel(text("sens.tornado.x", lang, output=label(outputs[output], lang), unit=unit))
    ax.legend(fontsize=8, loc="lower right")
    fig.suptitle(text("sens.tornado.title", lang, output=label(outputs[output], lang)), fontsize=12)
    return _notes(fig, info, lang, "sens.tornado.note")


def morris_chart(table: pd.DataFrame, info: dict[str, Any], lang: str) -> Figure:
    output = info["focus_output"]
    rank = ranking(table, output)
    if rank.empty or "mu_star" not in rank or rank["mu_star"].isna().all():
        raise ValueError("sens.no_morris")
    rank = rank[rank["mu_star"].notna()]
    factors, outputs = _factors(info), _outputs(info)
    scale = 100.0 if is_fraction(output) else 1.0
    register()
    fig = Figure(figsize=(8.0, 5.5), dpi=150, layout="constrained")
    ax = fig.add_subplot()
    placed: list[tuple[float, float]] = []
    span = float(max(np.nanmax(rank["mu_star"]), np.nanmax(rank["sigma"]), 1e-12)) * scale
    for kind in ("assumption", "lever"):
        part = rank[rank["kind"] == kind]
        if part.empty:
            continue
        x, s = part["mu_star"].to_numpy() * scale, part["sigma"].to_numpy() * scale
        err = np.vstack(
            [x - part["mu_star_lo"].to_numpy() * scale, part["mu_star_hi"].to_numpy() * scale - x]
        )
        ax.errorbar(
            x,
            s,
            xerr=np.nan_to_num(err),
            fmt=KIND_MARKERS[kind],
            color=KIND_COLOURS[kind],
            ecolor=KIND_COLOURS[kind],
            elinewidth=0.8,
            capsize=2,
            label=text(f"sens.kind.{kind}", lang),
        )
        for xi, si, f in zip(x, s, part["factor"], strict=True):
            # factors at about the same place (several with no effect at 0, 0): labels stacked
            near = sum(abs(xi - px) <= 0.03 * span and abs(si - py) <= 0.03 * span for px, py in placed)
            placed.append((xi, si))
            ax.annotate(
                label(factors[f], lang),
                (xi, si),
                fontsize=7,
                xytext=(4, 3 + 9 * near),
                textcoords="offset points",
            )
    top = float(max(np.nanmax(rank["mu_star"]), np.nanmax(rank["sigma"]))) * scale
    ax.plot([0, top], [0, top], color="#999999", linewidth=0.7, linestyle="--")
    unit = text("sens.points_axis", lang) if is_fraction(output) else output
    ax.set_xlabel(text("sens.morris.x", lang, unit=unit))
    ax.set_ylabel(text("sens.morris.y", lang, unit=unit))
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
    fig.suptitle(text("sens.morris.title", lang, output=label(outputs[output], lang)), fontsize=12)
    return _notes(fig, info, lang, "sens.morris.note")


FIGURES = {"tornado": tornado, "morris": morris_chart}


def _ci(lo: float, hi: float, output: str, lang: str, fraction_points: bool = True) -> str:
    if lo != lo or hi != hi:
        return ""
    if is_fraction(output) and fraction_points:
        return f" [{lo * 100:+.1f}, {hi * 100:+.1f}]"
    return f" [{lo:.3g}, {hi:.3g}]"


def sentence(r: pd.Series, info: dict[str, Any], lang: str) -> str:
    """One factor in plain words: the tornado's two changes, then its global indices."""
    f = _factors(info)[r["factor"]]
    output = info["focus_output"]
    out_label = label(_outputs(info)[output], lang)
    nominal = info["nominal"][r["factor"]]
    parts = [text("sens.line.factor", lang, factor=label(f, lang), nominal=value_text(f, nominal))]
    for end in ("low", "high"):
        v = r.get(end, math.nan)
        if v != v or r[f"{end}_at"] == nominal:  # not run, or the end is the nominal point itself
            continue
        if v == 0 and r[f"{end}_lo"] == 0 and r[f"{end}_hi"] == 0:  # the same in every replication
            parts.append(text("sens.line.same", lang, at=value_text(f, r[f"{end}_at"]), output=out_label))
        else:
            parts.append(
                text(
                    "sens.line.change",
                    lang,
                    at=value_text(f, r[f"{end}_at"]),
                    output=out_label,
                    change=amount(output, v, lang),
                    ci=_ci(r[f"{end}_lo"], r[f"{end}_hi"], output, lang),
                )
            )
    if r.get("st", math.nan) == r.get("st", math.nan):
        parts.append(
            text(
                "sens.line.sobol",
                lang,
                st=f"{r['st']:.2f}",
                s1=f"{r['s1']:.2f}",
                ci=f" [{r['st_lo']:.2f}, {r['st_hi']:.2f}]",
            )
        )
    if r.get("mu_star", math.nan) == r.get("mu_star", math.nan):
        parts.append(
            text(
                "sens.line.morris",
                lang,
                mu=amount(output, r["mu_star"], lang, signed=False),
                sigma=amount(output, r["sigma"], lang, signed=False),
            )
        )
    source = f.get("source") or ""
    source = source.get(lang, "") if isinstance(source, dict) else source if lang == "en" else ""
    if source:  # a plain-string source is English: left out of the Chinese section
        parts.append(text("sens.line.source", lang, source=source))
    return text("sens.sep", lang).join(parts)


def section_lines(table: pd.DataFrame, info: dict[str, Any], lang: str) -> list[str]:
    """The section in plain words, one paragraph a line (unescaped): the introduction, the
    assumptions and the levers each ranked, how to read the indices, the notes and the source."""
    output = info["focus_output"]
    rank = ranking(table, output)
    lines = [text("sens.intro", lang, output=label(_outputs(info)[output], lang), name=info["study"]["name"])]
    if not info.get("complete", True):
        lines.append(text("sens.incomplete", lang))
    for kind in ("assumption", "lever"):
        part = rank[rank["kind"] == kind] if not rank.empty else rank
        lines += ["", text(f"sens.heading.{kind}", lang)]
        if part.empty:
            lines.append(text("sens.none", lang))
        lines += [f"{i}. {sentence(r, info, lang)}" for i, (_, r) in enumerate(part.iterrows(), start=1)]
    lines += ["", text("sens.reading", lang), *(f"- {note}" for note in info.get("notes") or [])]
    return [*lines, "", _source(info, lang)]


def index_rows(table: pd.DataFrame, info: dict[str, Any], lang: str) -> tuple[list[str], list[list[str]]]:
    """The table of indices, every factor in the ranking's order (header, rows)."""
    output = info["focus_output"]
    header = [
        text(k, lang)
        for k in (
            "sens.col.factor",
            "sens.col.kind",
            "sens.col.mu",
            "sens.col.sigma",
            "sens.col.st",
            "sens.col.s1",
            "sens.col.low",
            "sens.col.high",
        )
    ]
    factors = _factors(info)
    rows = []
    for _, r in ranking(table, output).iterrows():
        rows.append(
            [
                label(factors[r["factor"]], lang),
                text(f"sens.kind.{r['kind']}", lang),
                amount(output, r.get("mu_star", math.nan), lang, signed=False),
                amount(output, r.get("sigma", math.nan), lang, signed=False),
                _num(r.get("st"), r.get("st_lo"), r.get("st_hi")),
                _num(r.get("s1"), r.get("s1_lo"), r.get("s1_hi")),
                amount(output, r.get("low", math.nan), lang) + _ci(r["low_lo"], r["low_hi"], output, lang),
                amount(output, r.get("high", math.nan), lang) + _ci(r["high_lo"], r["high_hi"], output, lang),
            ]
        )
    return header, rows


def section_markdown(table: pd.DataFrame, info: dict[str, Any], lang: str, figures: dict[str, str]) -> str:
    """The appendix section in Markdown: the plain-words lines under their headings, the table of
    indices and the charts (`figures`: name -> file linked)."""
    lines = section_lines(table, info, lang)
    headings = {text(f"sens.heading.{kind}", lang) for kind in ("assumption", "lever")}
    parts = [f"## {md(text('sens.section', lang))}", ""]
    for line in lines[:-1]:  # the source line closes the section, after the table and charts
        item = re.match(r"(\d+\.|-) ", line)
        if line in headings:
            parts += [f"### {md(line)}", ""]
        elif item:  # a list item: its marker stays Markdown, its words are escaped
            parts.append(item.group(0) + md(line[item.end() :]))
        else:
            parts += [md(line), ""] if line else ([] if parts[-1] == "" else [""])
    parts += ["", f"### {md(text('sens.table', lang))}", "", md_table(*index_rows(table, info, lang)), ""]
    for name, path in figures.items():
        parts += [f"![{md(text(f'sens.{name}.caption', lang))}]({path})", ""]
    parts += [md(lines[-1]), ""]
    return "\n".join(parts)


def _num(v: Any, lo: Any, hi: Any) -> str:
    if v is None or v != v:
        return "–"
    return f"{v:.2f} [{lo:.2f}, {hi:.2f}]"


def draw_language(
    folder: str | Path, lang: str, formats: tuple[str, ...], lang_dir: Path
) -> tuple[str, list[Page]]:
    """The study's charts saved in `lang_dir` ({tornado,morris}.{formats}, PNG always: the
    Markdown links it), and its section: Markdown (linking the charts by file name) and the
    same section as A4 PDF pages (the ranked sentences, the table of indices, the charts)."""
    from sim.report.appendix import _table_page, _text_pages
    from sim.report.pages import save_figure

    table, info = load(folder)
    lang_dir.mkdir(parents=True, exist_ok=True)
    drawn: dict[str, bytes] = {}
    skipped = []
    for name, draw in FIGURES.items():
        try:
            fig = draw(table, info, lang)
        except ValueError as why:
            skipped.append(text(str(why.args[0]), lang))
            continue
        drawn[name] = save_figure(fig, lang_dir, name, formats)[0]
    body = section_markdown(table, info, lang, {name: f"{name}.png" for name in drawn})
    if skipped:
        body += "\n" + "\n".join(f"- {md(s)}" for s in skipped) + "\n"
    words = "\n".join(section_lines(table, info, lang) + skipped)
    pages: list[Page] = [*_text_pages(text("sens.section", lang), words, lang)]
    pages += _table_page(text("sens.table", lang), *index_rows(table, info, lang), lang=lang)
    pages += list(drawn.values())
    return body, pages


def build(
    folder: str | Path, langs: tuple[str, ...], formats: tuple[str, ...], out: Path
) -> dict[str, list[str]]:
    """`drsim report STUDY`: report/LANG/{tornado,morris}.{formats}, report/LANG/depends_on.md
    and report/LANG/depends_on.pdf in `out`."""
    done: dict[str, list[str]] = {}
    for lang in langs:
        lang_dir = out / lang
        body, pages = draw_language(folder, lang, formats, lang_dir)
        (lang_dir / "depends_on.md").write_text(body, encoding="utf-8")
        title = text("sens.section", lang)
        write_pdf(lang_dir / "depends_on.pdf", pages, title, number=text("page.number", lang))
        done[lang] = sorted(p.name for p in lang_dir.iterdir())
    return done


def study_folder(folder: str | Path, where: str) -> Path:
    """`folder` if it holds a study's results; else one message naming `where`."""
    if not (Path(folder) / "sensitivity.json").is_file():
        raise InputError(
            Problem(where, str(folder), "not a study folder (drsim sensitivity): no sensitivity.json")
        )
    return Path(folder)
