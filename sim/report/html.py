"""The offline interactive view of a run or a sweep: one self-contained HTML file a planner opens
in any browser, with no network (county and city government networks are often offline).

What it shows: a zoomable map of the county on projected coordinates (km east and north of the
road network's centre; no map tiles, which would need a network) with the roads, township and
city names, depots by tier, shelters, roads cut in some replication, and every village coloured
by P(everyone counted there relieved by the deadline) for a chosen relief target; a time slider
that replays one chosen replication's deliveries, road cuts and damage, repairs and cut-off
villages over the horizon; the verdict
and target tables; a panel per village (click it) with its answers per target, the main cause
of lateness and its timeline in the replayed replication. For a sweep: the cases table, the
cost-compliance frontier (click a case to map it) and the map of any chosen case.

How: Plotly (plotly.js inlined, 4.8 MB: the one large part of the file) draws the map and the
frontier; a small script of ours (html_assets/view.js) wires the selectors, the slider and the
panel. The data are embedded as one JSON block, and Noto Sans SC cut to the page's characters
as a web font (so Chinese shows on machines without Chinese fonts). Everything a reader sees is in the chosen
language: places by name (places.csv), targets by their labels, causes and tiers from i18n.py.

Leaves out: base-map tiles, rivers and boundaries (the scenario has no such layers); replays of
more than MAX_REPLAY_REPS replications per case (the file would grow by up to 0.1 MB each on a
county of 300 villages); EMS calls and helicopter missions on the map (their charts and tables
are in the appendix). Reads saved results only; never runs the model.

Size: the one page's builder (geometry, replays, tables, fonts, rendering), each part used only
here; the page's own script is html_assets/view.js.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from sim import outdir
from sim.report.data import Results
from sim.report.figures.relief import blocked_share
from sim.report.i18n import LANGS, TEXT, limit_text, text
from sim.results.place_answers import village_answers
from sim.results.result_files import read_parquet
from sim.safe_text import html_text
from sim.units import MIN_PER_H

# The replays embedded per case: each is one replication's deliveries, cuts and village timelines
# (0.06-0.09 MB on zhangshu's 300 villages); ten keep a 30-replication run near 6 MB in all.
MAX_REPLAY_REPS = 10


def vtext(key: str, lang: str, **fields: object) -> str:
    """The page's own words (i18n.TEXT's `view.` keys)."""
    return text(f"view.{key}", lang, **fields)


def _num(x: object, digits: int = 3) -> float | None:
    """A JSON number, or None for a missing value (JSON has no NaN)."""
    if x is None:
        return None
    try:
        f = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return round(f, digits) if math.isfinite(f) else None


def _hours(h: float, lang: str) -> str:
    return vtext("panel.hours", lang, h=f"{h:.1f}")


def km_per_degree(lat_deg: float) -> tuple[float, float]:
    """Kilometres per degree of longitude and of latitude at `lat_deg` on the WGS84 ellipsoid
    (the series of the US NGA's geodesy handbook; within 1 m per degree).

    >>> [round(k, 2) for k in km_per_degree(30.0)]
    [96.49, 110.85]
    """
    p = math.radians(lat_deg)
    lon = 111.41284 * math.cos(p) - 0.0935 * math.cos(3 * p) + 0.000118 * math.cos(5 * p)
    lat = 111.132954 - 0.559822 * math.cos(2 * p) + 0.001175 * math.cos(4 * p)
    return lon, lat


class Projection:
    """Longitude/latitude -> km east and north of a centre (equirectangular at the centre's
    latitude, WGS84 degree lengths: distances within 0.5 % over a county's 120 km, enough to
    read the map by its km axes)."""

    def __init__(self, lon: np.ndarray, lat: np.ndarray) -> None:
        self.lon0 = float((np.min(lon) + np.max(lon)) / 2)
        self.lat0 = float((np.min(lat) + np.max(lat)) / 2)
        self.kx, self.ky = km_per_degree(self.lat0)

    def __call__(self, lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
        x = (np.asarray(lon, dtype=float) - self.lon0) * self.kx
        y = (np.asarray(lat, dtype=float) - self.lat0) * self.ky
        return np.round(x, 3), np.round(y, 3)


def _geometry(res: Results, lang: str) -> dict[str, Any]:
    scen = res.scenario
    road = scen.road
    proj = Projection(road.lon, road.lat)
    nx, ny = proj(road.lon, road.lat)
    villages = [p for p in scen.places if p.kind == "village"]
    names = res.place_names
    vx, vy = proj([p.lon for p in villages], [p.lat for p in villages])
    others = [p for p in scen.places if p.kind != "village"]
    ox, oy = proj([p.lon for p in others], [p.lat for p in others])
    places = {p.id: p for p in scen.places}
    depots = []
    for d in scen.depots:
        x, y = proj(places[d.place_id].lon, places[d.place_id].lat)
        key = f"tier.{d.tier}" if f"tier.{d.tier}" in TEXT else "tier.other"
        depots.append(
            {"name": d.name, "tier": d.tier, "label": text(key, lang), "x": float(x), "y": float(y)}
        )
    shelters = []
    for s in scen.shelters:
        x, y = proj(places[s.place_id].lon, places[s.place_id].lat)
        label = vtext("shelter", lang, place=names.get(s.place_id, ""), cls=s.cls, area=f"{s.area_m2:,.0f}")
        shelters.append({"name": label, "x": float(x), "y": float(y)})
    return {
        "nodes": {"x": nx.tolist(), "y": ny.tolist()},
        "edges": {"u": road.u.astype(int).tolist(), "v": road.v.astype(int).tolist()},
        "villages": {
            "id": [p.id for p in villages],
            "name": [p.name for p in villages],
            "township": [names.get(p.township_id, "") for p in villages],
            "population": [int(p.population) for p in villages],
            "x": vx.tolist(),
            "y": vy.tolist(),
        },
        "places": {"name": [p.name for p in others], "x": ox.tolist(), "y": oy.tolist()},
        "depots": depots,
        "shelters": shelters,
    }


def _cause_label(cause: object, lang: str) -> str | None:
    if cause is None or (isinstance(cause, float) and math.isnan(cause)):
        return None
    key = f"cause.{cause}"
    return text(key, lang) if key in TEXT else str(cause)


def _answers(res: Results, table: pd.DataFrame, lang: str) -> dict[str, Any]:
    """Per village (the rows of `table`, villages.csv's answers of one case in map order) and
    relief target: P with its interval and n, the people's share in time, the main cause of
    lateness; the mean hours each item class was in place."""
    out: dict[str, Any] = {"targets": {}, "displaced": [_num(x, 1) for x in table["displaced_mean"]]}
    for name in res.targets:
        out["targets"][name] = {
            "p": [_num(x) for x in table[f"{name}_p"]],
            "low": [_num(x) for x in table[f"{name}_p_low"]],
            "high": [_num(x) for x in table[f"{name}_p_high"]],
            "n": [int(x) if _num(x) is not None else 0 for x in table[f"{name}_reps"]],
            "share": [_num(x) for x in table[f"{name}_people_share"]],
            "cause": [_cause_label(c, lang) for c in table[f"{name}_late_cause"]],
        }
    out["complete"] = {
        text(f"class.{cls}", lang): [_num(x, 1) for x in table[f"{cls}_complete_h_mean"]]
        for cls in ("initial", "basic")
        if f"{cls}_complete_h_mean" in table
    }
    return out


TIMELINE_KINDS = (
    "village_hit",
    "people_displaced",
    "people_stranded",
    "situation_reported",
    "shipment_delivered",
    "place_isolated",
    "place_reconnected",
    "people_trapped",
    "people_rescued",
    "trapped_died",
    "shelter_arrived",
    "aircraft_arrived",
)


def _replay(res: Results, events: pd.DataFrame, rep: int, index: dict[str, int]) -> dict[str, Any]:
    """One replication's deliveries, road cuts and reopenings, cut-off spells and village
    timelines, in hours since onset (what the slider replays and the panel lists). No words:
    a timeline entry is [hour, event kind, quantity, item class], worded by the page's script
    in its language, so one replay serves every language."""
    ev = events[events["rep"] == rep]
    horizon_h = res.settings.run.horizon_h
    item_class = {it.id: it.cls for it in res.scenario.items}

    d = ev[(ev["kind"] == "shipment_delivered") & ev["place"].isin(index)]
    # one truck's drop at a village is one row per item: one delivery per (time, village)
    drops = d.groupby(["t_min", "place"], sort=True)["qty"].sum().reset_index()
    deliveries = {
        "t": [round(float(t) / MIN_PER_H, 3) for t in drops["t_min"]],
        "v": [index[p] for p in drops["place"]],
        "q": [int(q) for q in drops["qty"]],
    }

    # a damaged road (cut, or slowed but passable) until its repair or clearing, if any
    opened = ev[ev["kind"].isin(["road_repaired", "road_cleared"])]
    # ref: the road edge's number
    reopen = {int(cast(float, e)): sorted(float(t) for t in g["t_min"]) for e, g in opened.groupby("ref")}
    damage: dict[str, dict[str, list[Any]]] = {}
    for note in ("blocked", "slowed"):
        spell: dict[str, list[Any]] = {"e": [], "t0": [], "t1": []}
        hit = ev[(ev["kind"] == "road_damaged") & (ev["note"] == note)]
        for edge, t0 in zip(hit["ref"], hit["t_min"], strict=True):
            later = [t for t in reopen.get(int(edge), []) if t >= t0]
            spell["e"].append(int(edge))
            spell["t0"].append(round(float(t0) / MIN_PER_H, 3))
            spell["t1"].append(round(later[0] / MIN_PER_H, 3) if later else None)
        damage[note] = spell
    cuts, slowed = damage["blocked"], damage["slowed"]

    spells: dict[str, list[Any]] = {"v": [], "t0": [], "t1": []}
    cut_off = ev[ev["kind"].isin(["place_isolated", "place_reconnected"]) & ev["place"].isin(index)]
    for key, g in cut_off.groupby("place", sort=True):
        place = cast(str, key)  # a place id
        start = None
        for t, kind in zip(g["t_min"], g["kind"], strict=True):
            if kind == "place_isolated" and start is None:
                start = float(t)
            elif kind == "place_reconnected" and start is not None:
                spells["v"].append(index[place])
                spells["t0"].append(round(start / MIN_PER_H, 3))
                spells["t1"].append(round(float(t) / MIN_PER_H, 3))
                start = None
        if start is not None:
            spells["v"].append(index[place])
            spells["t0"].append(round(start / MIN_PER_H, 3))
            spells["t1"].append(horizon_h)

    timeline: dict[str, list[list[Any]]] = {}
    t = ev[ev["kind"].isin(TIMELINE_KINDS) & ev["place"].isin(index)].copy()
    t["cls"] = t["item"].map(item_class)
    keys = ["place", "t_min", "kind", "cls"]
    grouped = t.groupby(keys, sort=True, dropna=False)["qty"].sum(min_count=1).reset_index()
    firsts = {"situation_reported"}  # follow-up reports repeat the first: the first one is the news
    seen: set[tuple[str, str]] = set()
    for place, t_min, kind, cls, qty in grouped.itertuples(index=False):
        if kind in firsts:
            if (place, kind) in seen:
                continue
            seen.add((place, kind))
        entry = [round(float(t_min) / MIN_PER_H, 2), str(kind), None if pd.isna(qty) else int(qty)]
        entry.append(cls if isinstance(cls, str) else None)
        timeline.setdefault(str(index[place]), []).append(entry)
    order = {kind: i for i, kind in enumerate(TIMELINE_KINDS)}  # at one time: struck, then what followed
    for entries in timeline.values():
        entries.sort(key=lambda e: (e[0], order[e[1]]))
    return {
        "deliveries": deliveries,
        "cuts": cuts,
        "slowed": slowed,
        "isolated": spells,
        "timeline": timeline,
    }


def _case_events(res: Results, case: str) -> pd.DataFrame | None:
    """The event log of `case`: the run's (or the sweep baseline's, already read), or the first
    MAX_REPLAY_REPS replications a sweep kept for another case (run.keep_events=true)."""
    if res.kind == "run" or case == res.main_case:
        ev = res.events
        return None if ev is None else ev[ev["case"] == case]
    folder = res.dir / "parts" / outdir.safe_name(case, f"{res.dir / 'cases.csv'} case")
    parts = sorted(folder.glob("rep-*.events.parquet"))[:MAX_REPLAY_REPS]
    frames = [read_parquet(p, "events.parquet", min_rows=0) for p in parts]
    return pd.concat(frames, ignore_index=True) if frames else None


def _table_html(header: list[str], rows: list[list[str]], cls: str = "") -> str:
    head = "".join(f"<th>{html_text(h).replace(chr(10), '<br>')}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html_text(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _tables(res: Results, lang: str) -> dict[str, str]:
    from sim.report import appendix

    out = {"verdicts": _table_html(appendix.target_header(lang), appendix.target_rows(res, lang))}
    out["failing"] = "".join(f"<li>{html_text(line)}</li>" for line in appendix.failing_notes(res, lang))
    out["note"] = html_text(appendix.table_note(lang))
    header, rows = appendix.township_rows(res, lang)
    out["townships"] = _table_html(header, rows)
    if res.cases is not None:
        header, rows = appendix.case_rows(res, lang)
        out["cases"] = _table_html(header, rows, "cases")
    return out


def _frontier(res: Results, lang: str) -> dict[str, Any] | None:
    from sim.report.figures.cases import case_table

    if res.cases is None:
        return None
    focus = res.meta.get("focus_target") or next(iter(res.targets))
    table = case_table(res.cases, focus)
    on = table["frontier"] if "frontier" in table else pd.Series(False, index=table.index)
    target = res.settings.targets.get(focus)
    subtitle = res.target_label(focus, lang)
    if target is not None:
        subtitle += f" ({limit_text(target, lang)}, ≥{target.required_share:.0%})"
    return {
        "case": [str(c) for c in table.index],
        "label": [res.case_label(str(c), lang) for c in table.index],
        "cost_m": [_num(c / 1e6) for c in table["cost_yuan"]],
        "p": [_num(p * 100, 1) for p in table["p_holds"]],
        "low": [_num(p * 100, 1) for p in table["ci_low"]],
        "high": [_num(p * 100, 1) for p in table["ci_high"]],
        "frontier": [bool(x) for x in on],
        "title": text("frontier.title", lang) + " · " + subtitle,
        "x": text("axis.cost", lang),
        "y": text("axis.p_holds", lang),
        "line": text("frontier_line", lang),
        "point": text("case_point", lang),
    }


@dataclass
class Prepared:
    """What every language's page shares, computed once: the villages in map order, their
    answers per case (sim/results/place_answers.py) and the replays per case."""

    ids: list[str]
    answers: dict[str, pd.DataFrame]
    replays: dict[str, dict[str, Any]]
    kept: dict[str, tuple[int, int]]  # case -> (replications replayed, replications run)
    cut_share: dict[str, dict[str, list[Any]]]  # case -> roads cut in some replication, and how often


def prepare(res: Results) -> Prepared:
    ids = [p.id for p in res.scenario.places if p.kind == "village"]
    index = {pid: i for i, pid in enumerate(ids)}
    table = village_answers(res.villages, res.targets, res.place_names)
    answers = {
        cast(str, case): block.set_index("place_id").reindex(ids)
        for case, block in table.groupby("case", sort=False)
    }
    replays: dict[str, dict[str, Any]] = {}
    kept: dict[str, tuple[int, int]] = {}
    cut_share: dict[str, dict[str, list[Any]]] = {}
    for case in res.case_names:
        events = _case_events(res, case)
        if events is None:
            continue
        # per road: the share of the replications read in which it was cut at some time (the
        # printed map's blocked layer), in three widths
        share = blocked_share(events, case, max(int(events["rep"].nunique()), 1))
        cut_share[case] = {"e": [int(e) for e in share.index], "share": [round(float(x), 3) for x in share]}
        reps = sorted(int(r) for r in res.reps.loc[res.reps["case"] == case, "rep"].unique())
        chosen = reps[:MAX_REPLAY_REPS]
        replays[case] = {str(r): _replay(res, events, r, index) for r in chosen}
        kept[case] = (len(chosen), len(reps))
    return Prepared(ids, answers, replays, kept, cut_share)


def view_data(res: Results, lang: str, prepared: Prepared | None = None) -> dict[str, Any]:
    """Everything the page shows, as JSON-ready values, in `lang`."""
    prep = prepared if prepared is not None else prepare(res)
    geo = _geometry(res, lang)
    assert geo["villages"]["id"] == prep.ids
    cases = res.case_names
    answers = {case: _answers(res, prep.answers[case], lang) for case in cases}
    notes = {}
    for case in cases:
        if case not in prep.replays:
            notes[case] = vtext("no_events", lang)
        elif prep.kept[case][0] < prep.kept[case][1]:
            notes[case] = vtext("replay_limited", lang, k=prep.kept[case][0], n=prep.kept[case][1])
    # every `view.` entry as written: the page's script fills the placeholders
    i = LANGS.index(lang)
    strings = {k.removeprefix("view."): entry[i] for k, entry in TEXT.items() if k.startswith("view.")}
    strings["village_unaffected"] = text("village_unaffected", lang)
    strings["road"] = text("road", lang)
    strings |= {f"class.{c}": text(f"class.{c}", lang) for c in ("initial", "basic")}
    return {
        "lang": lang,
        "horizon_h": res.settings.run.horizon_h,
        "strings": strings,
        "geo": geo,
        "targets": [
            {"key": k, "label": f"{res.target_label(k, lang)} ({limit_text(t, lang)})"}
            for k, t in res.targets.items()
        ],
        "cases": cases,
        "case_labels": [res.case_label(c, lang) for c in cases],
        "main_case": res.main_case,
        "answers": answers,
        "replays": prep.replays,
        "cut_share": prep.cut_share,
        "notes": notes,
        "frontier": _frontier(res, lang),
    }


def _asset(name: str) -> str:
    return resources.files("sim.report").joinpath("html_assets", name).read_text(encoding="utf-8")


def _script_json(data: object) -> str:
    """JSON safe inside a <script> element: no '</script>', no '<!--' can close or confuse it."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


FONT_FAMILY = "drsim-sans"  # the page's own name for the embedded subset


def font_css(text_used: str) -> str:
    """An @font-face rule embedding Noto Sans SC (SIL OFL 1.1; sim/report/fonts.py) cut down to
    the characters the page uses (a few hundred glyphs, 80-300 kB, against 8.3 MB whole): the
    Chinese renders the same on a machine without Chinese fonts (a Linux or an English system)
    and the page still loads nothing from the network."""
    import base64
    import io

    from fontTools import subset

    from sim.report.fonts import font_path

    options = subset.Options()
    options.flavor = "woff"  # zlib-compressed; WOFF2 would need the brotli package
    options.hinting = False  # screens at any size; hints are a third of the bytes
    options.notdef_outline = True
    font = subset.load_font(str(font_path()), options)
    cutter = subset.Subsetter(options)
    cutter.populate(text="".join(sorted(set(text_used) | {chr(c) for c in range(32, 127)})))
    cutter.subset(font)
    buffer = io.BytesIO()
    subset.save_font(font, buffer, options)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    source = f'url(data:font/woff;base64,{data}) format("woff")'
    return f'@font-face {{ font-family: "{FONT_FAMILY}"; src: {source}; }}'


def render(res: Results, lang: str, prepared: Prepared | None = None) -> str:
    """The whole page: our template with plotly.js, our script and style, and the data inlined."""
    from plotly.offline import get_plotlyjs

    data = view_data(res, lang, prepared)
    tables = _tables(res, lang)
    sweep = ""
    if "cases" in tables:
        sweep = (
            f'<section id="sweep"><h2>{html_text(vtext("h.cases", lang))}</h2>{tables["cases"]}'
            f'<h3>{html_text(vtext("h.frontier", lang))}</h3><div id="frontier"></div></section>'
        )
    fields = {
        "lang": "zh-CN" if lang == "zh" else "en",
        "title": html_text(
            vtext("title", lang, scenario=res.scenario_label(lang), hazard=res.hazard_label(lang))
        ),
        "source": html_text(text("source", lang, **res.source_fields(lang))),
        "help": html_text(vtext("help", lang)),
        "h_verdicts": html_text(vtext("h.verdicts", lang)),
        "verdicts": tables["verdicts"],
        "table_note": tables["note"],
        "h_failing": html_text(vtext("h.failing", lang)),
        "failing": tables["failing"],
        "sweep": sweep,
        "h_map": html_text(vtext("h.map", lang)),
        "h_townships": html_text(vtext("h.townships", lang)),
        "townships": tables["townships"],
        "css": _asset("view.css"),
        "plotly": get_plotlyjs(),
        "data": _script_json(data),
        "script": _asset("view.js"),
    }
    fields["font"] = font_css("".join(v for k, v in fields.items() if k != "plotly"))
    # one pass over the template: an inserted value (4.6 MB of plotly.js, the data) is never searched
    return re.sub(r"\{\{(\w+)\}\}", lambda m: fields[m.group(1)], _asset("view.html"))


def view_name(lang: str) -> str:
    return f"view-{lang}.html"


def build(directory: str | Path, langs: tuple[str, ...], root: Path, where: str) -> list[Path]:
    """Write view-LANG.html for each language into the report folder `root`, beside any figures
    already there (the folder is updated as a whole, or made; outdir.py). The results are read
    and every page rendered before anything is written: bad input writes nothing."""
    from sim import outdir
    from sim.report.data import load_results

    res = load_results(directory)
    prepared = prepare(res)  # the answers and replays once, for every language
    pages = {view_name(lang): render(res, lang, prepared) for lang in langs}
    if (root / outdir.MARKER).is_file():
        context = outdir.updated(root, "report", list(pages), where=where)
    else:
        context = outdir.staged(root, "report", replace=False, where=where)
    with context as stage:
        for name, page in pages.items():
            (stage / name).write_text(page, encoding="utf-8")
    return [root / name for name in pages]
