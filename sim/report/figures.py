"""The plan's charts, each a pure function of result tables: (Results, lang) -> Figure.

Every figure has a title, units on its axes and a source note (scenario, hazard, number of
replications, date). Intervals are drawn wherever the number is an estimate. A figure whose
input is absent (no event log, no EMS calls, not a sweep) raises `Skip` with the reason,
which the appendix lists.

Size: the plan's charts (FIGURES) and their parts, over the style, title and band helpers they
share; kept whole while the report's speed-up (issue 22) edits it, then to split by chart family.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable
from typing import cast

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.transforms import ScaledTranslation
from scipy import special

from sim.report.data import Results
from sim.report.fonts import register
from sim.report.i18n import limit_text, text
from sim.report.linebreak import wrap_mixed
from sim.results import metrics
from sim.settings import AirTargetSettings, EmsTargetSettings, TargetSettings

HOURS = np.linspace(0.0, 72.0, 289)  # every 15 min over the default horizon
CLASS_COLOURS = {"initial": "#1b9e77", "basic": "#7570b3", "all": "#d95f02"}
# "basic" and "all" often coincide (the basic items are the last to arrive): wide solid under dashed.
CLASS_WIDTH = {"initial": 2.0, "basic": 4.0, "all": 1.8}
TARGET_COLOURS = ("#d95f02", "#1b9e77", "#7570b3", "#e7298a")
CLASS_STYLE = {"initial": "-", "basic": "-", "all": "--"}
TIER_STYLE = {  # marker, colour, size
    "city": ("s", "#b2182b", 110),
    "township": ("^", "#2166ac", 45),
    "contract": ("D", "#5aae61", 55),
    "province": ("P", "#762a83", 90),
}
CAUSE_COLOURS = {
    "report_delay": "#8c510a",
    "road_blocked": "#d73027",
    "no_stock": "#fc8d59",
    "no_vehicle": "#4575b4",
    "travel_time": "#91bfdb",
}


class Skip(Exception):
    """The figure cannot be drawn from these results; args[0] is an i18n key for the reason."""


def _figure(size: tuple[float, float] = (8.0, 5.0)) -> Figure:
    register()
    return Figure(figsize=size, dpi=150, layout="constrained")


def _finish(
    fig: Figure, res: Results, lang: str, title_key: str, note_keys: tuple[str, ...] = (), **fields: object
) -> Figure:
    """Title and notes (`fields` fill their placeholders), then the source line."""
    fig.suptitle(text(title_key, lang, **fields), fontsize=13)
    notes = [text(k, lang, **fields) for k in note_keys] + [text("source", lang, **res.source_fields(lang))]
    # wrapped to the canvas: 7 pt text is about 3.8 pt a half-width cell, a CJK character two
    cells = int(fig.get_figwidth() * 72 / 3.8)
    notes = [line for note in notes for line in wrap_mixed(note, cells)]
    # As the figure's x label, so the constrained layout keeps it clear of the axes.
    fig.supxlabel("\n".join(notes), x=0.01, ha="left", fontsize=7, color="#444444", linespacing=1.4)
    return fig


def _t_band(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column means of a (reps x points) matrix with pointwise Student-t 95 % bounds."""
    n = matrix.shape[0]
    mean = matrix.mean(axis=0)
    if n < 2:
        return mean, mean, mean
    # the Student-t quantile as stats.t.ppf computes it (scipy.stats takes half a second to import)
    half = special.stdtrit(n - 1, 0.5 + metrics.CONFIDENCE / 2) * matrix.std(axis=0, ddof=1) / np.sqrt(n)
    return mean, mean - half, mean + half


def person_curves(curves: pd.DataFrame, item_class: str) -> tuple[np.ndarray, np.ndarray]:
    """(hours, per replication (rows) the share of people in need whose kit of `item_class` was in
    place within that many hours of their being struck); NaN where nobody was seen that long. A
    replication with nobody in need at all (a small disaster) has no row: it tested nothing."""
    one = curves[curves["item_class"] == item_class]
    people = one.pivot(index="rep", columns="hour", values="people").sort_index(axis=1)
    done = one.pivot(index="rep", columns="hour", values="people_in_time").sort_index(axis=1)
    share = done.to_numpy(dtype=float) / np.where(people > 0, people, np.nan)
    return people.columns.to_numpy(dtype=float), share[~np.isnan(share).all(axis=1)]


def relief_curves(res: Results, lang: str) -> Figure:
    """Share of people in need with their kit in place, against hours since each was struck
    (the clock the targets use), per item class, with the plans' target lines; over the
    replications that had anyone in need."""
    if res.curves is None or res.curves.empty:
        raise Skip("skip.no_curves")
    fig = _figure()
    ax = fig.add_subplot()
    curves = res.curves[res.curves["case"] == res.main_case]
    for cls in metrics.CLASS_COLUMN:
        hours, shares = person_curves(curves, cls)
        seen = ~np.isnan(shares).any(axis=0)  # hours every tested replication could see
        if len(shares) == 0 or not seen.any():
            continue
        mean, low, high = _t_band(shares[:, seen] * 100)
        ax.plot(
            hours[seen],
            mean,
            color=CLASS_COLOURS[cls],
            lw=CLASS_WIDTH[cls],
            ls=CLASS_STYLE[cls],
            label=text(f"class.{cls}", lang),
        )
        ax.fill_between(
            hours[seen], np.clip(low, 0, 100), np.clip(high, 0, 100), color=CLASS_COLOURS[cls], alpha=0.2
        )
    for target in res.targets.values():
        colour = CLASS_COLOURS[target.item_class]
        ax.axvline(target.deadline_h, color=colour, ls="--", lw=1)
        ax.text(
            target.deadline_h - 0.4,
            99,
            text("target_line", lang, h=target.deadline_h),
            rotation=90,
            color=colour,
            fontsize=8,
            va="top",
            ha="right",
        )
    required = {t.required_share for t in res.targets.values()}
    for share in required:
        ax.axhline(share * 100, color="#555555", ls=":", lw=1)
        ax.text(71, share * 100 - 1, text("required_share", lang, p=share), ha="right", va="top", fontsize=8)
        ax.set_yticks([*range(0, 101, 20), share * 100])
    handles, labels = ax.get_legend_handles_labels()
    handles.append(plt_patch("#999999", 0.3))
    labels.append(text("band", lang))
    ax.legend(handles, labels, loc="lower right", fontsize=8)
    ax.set(
        xlim=(0, 72),
        ylim=(0, 101),
        xlabel=text("axis.hours_since_displaced", lang),
        ylabel=text("axis.share_served", lang),
    )
    ax.set_xticks(range(0, 73, 6))
    ax.grid(alpha=0.3)
    return _finish(fig, res, lang, "relief_curves.title", ("note.curves", "note.curves_seen"))


def plt_patch(colour: str, alpha: float):
    from matplotlib.patches import Patch

    return Patch(facecolor=colour, alpha=alpha)


def village_p_in_time(villages: pd.DataFrame, target: str) -> pd.Series:
    """Per village: share of replications, among those in which it had people `target` counts,
    in which every one of them was relieved by their deadline (villages.csv's `<target>_p`)."""
    counted = villages[villages[f"{target}_people"] > 0]
    ok = counted[f"{target}_people_in_time"] >= counted[f"{target}_people"]
    return ok.groupby(counted["place_id"]).mean()


def blocked_share(events: pd.DataFrame, case: str, n_reps: int) -> pd.Series:
    """Per road edge index: share of replications in which it was blocked at some time."""
    ev = events[(events["case"] == case) & (events["kind"] == "road_damaged") & (events["note"] == "blocked")]
    return ev.drop_duplicates(["rep", "ref"]).groupby("ref").size() / n_reps


def relief_map(res: Results, lang: str) -> Figure:
    """Road network, villages coloured by P(everyone the map's target counts there relieved in
    time), depots by tier, blocked roads."""
    from matplotlib.collections import LineCollection

    scen = res.scenario
    road = scen.road
    fig = _figure((8.0, 7.5))
    ax = fig.add_subplot()
    segs = np.stack(
        [np.c_[road.lon[road.u], road.lat[road.u]], np.c_[road.lon[road.v], road.lat[road.v]]], axis=1
    )
    ax.add_collection(LineCollection(list(segs), colors="#bbbbbb", linewidths=0.6, zorder=1))
    handles = [Line2D([], [], color="#bbbbbb", lw=1, label=text("road", lang))]
    notes = ["note.map"]
    if res.events is not None:
        blocked = blocked_share(res.events, res.main_case, res.n_reps)
        if len(blocked):
            idx = blocked.index.to_numpy(dtype=int)
            ax.add_collection(
                LineCollection(segs[idx], colors="#000000", linewidths=0.5 + 3 * blocked.to_numpy(), zorder=2)
            )
        handles.append(Line2D([], [], color="#000000", lw=2, label=text("road_blocked", lang)))
    else:
        notes.append("note.map_no_events")
    name, target = map_target(res)
    p10 = village_p_in_time(res.villages[res.villages["case"] == res.main_case], name)
    villages = [p for p in scen.places if p.kind == "village"]
    lon = np.array([p.lon for p in villages])
    lat = np.array([p.lat for p in villages])
    prob = np.array([p10.get(p.id, np.nan) for p in villages])
    none = np.isnan(prob)
    ax.scatter(lon[none], lat[none], s=8, facecolors="none", edgecolors="#999999", lw=0.5, zorder=3)
    handles.append(
        Line2D([], [], marker="o", ls="", mfc="none", mec="#999999", label=text("village_unaffected", lang))
    )
    sc = ax.scatter(
        lon[~none],
        lat[~none],
        c=prob[~none],
        cmap="RdYlGn",
        vmin=0,
        vmax=1,
        s=18,
        edgecolors="#333333",
        linewidths=0.3,
        zorder=4,
    )
    cbar = fig.colorbar(sc, ax=ax, shrink=0.7, format=lambda x, _: f"{x:.0%}")
    cbar.set_label(text("colorbar.p10", lang, h=target.deadline_h))
    places = {p.id: p for p in scen.places}
    shift = marker_offsets([(d.place_id, d.tier) for d in scen.depots])
    for tier in dict.fromkeys(d.tier for d in scen.depots):
        marker, colour, size = TIER_STYLE.get(tier, ("o", "#000000", 50))
        for d in (d for d in scen.depots if d.tier == tier):
            dx, dy = shift[(d.place_id, tier)]  # depots of one place side by side, not on top
            ax.scatter(
                [places[d.place_id].lon],
                [places[d.place_id].lat],
                marker=marker,
                c=colour,
                s=size,
                edgecolors="white",
                linewidths=0.6,
                zorder=5,
                transform=ax.transData + ScaledTranslation(dx / 72, dy / 72, fig.dpi_scale_trans),
            )
        key = f"tier.{tier}" if f"tier.{tier}" in _tiers() else "tier.other"
        handles.append(Line2D([], [], marker=marker, color=colour, ls="", ms=8, label=text(key, lang)))
    if any(dx or dy for dx, dy in shift.values()):
        notes.append("note.map_side_by_side")
    halo = [patheffects.withStroke(linewidth=2.2, foreground="white")]
    for p in scen.places:  # township and city names: where a reader finds their own area
        if p.kind != "village":
            ax.annotate(p.name, (p.lon, p.lat), xytext=(0, 7), textcoords="offset points", ha="center",
                        fontsize=6.5, color="#222222", path_effects=halo, zorder=6)  # fmt: skip
    # Outside the map, under its axis label (a legend over the data hid villages); an axes legend,
    # so the constrained layout makes room for it above the notes.
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.09), ncols=4, fontsize=7,
              frameon=False)  # fmt: skip
    ax.set(xlabel=text("axis.lon", lang), ylabel=text("axis.lat", lang))
    ax.set_aspect(1 / np.cos(np.deg2rad(float(np.mean(road.lat)))))
    ax.autoscale_view()
    _scale_bar_and_north(ax, float(np.mean(road.lat)), lang)
    return _finish(fig, res, lang, "relief_map.title", tuple(notes), **title_fields(res, "relief_map", lang))


def marker_offsets(
    keys: list[tuple[str, str]], step_pt: float = 7.0
) -> dict[tuple[str, str], tuple[float, float]]:
    """Per (place, tier): an offset in points so markers of one place sit side by side, centred
    on it (a city depot and the province reserve in one city hid each other); (0, 0) when alone.

    >>> marker_offsets([("C", "city"), ("C", "province"), ("T1", "township")])
    {('C', 'city'): (-3.5, 0.0), ('C', 'province'): (3.5, 0.0), ('T1', 'township'): (0.0, 0.0)}
    """
    by_place: dict[str, list[tuple[str, str]]] = {}
    for key in dict.fromkeys(keys):
        by_place.setdefault(key[0], []).append(key)
    out = {}
    for group in by_place.values():
        for i, key in enumerate(group):
            out[key] = ((i - (len(group) - 1) / 2) * step_pt, 0.0)
    return out


def nice_km(span_km: float) -> float:
    """A round length for a scale bar about a fifth of `span_km` (1, 2 or 5 times a power of ten).

    >>> [nice_km(x) for x in (3.0, 40.0, 120.0, 900.0)]
    [0.5, 5.0, 20.0, 100.0]
    """
    target = span_km / 5
    power = 10 ** math.floor(math.log10(target))
    return float(max(m * power for m in (1, 2, 5) if m * power <= target))


def _scale_bar_and_north(ax, lat_deg: float, lang: str) -> None:
    """A scale bar (lower left) and a north arrow (upper right) on a lon/lat map drawn with the
    aspect of `lat_deg`: one degree of longitude is 111.32 cos(lat) km."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    km_per_deg = 111.32 * math.cos(math.radians(lat_deg))
    km = nice_km((x1 - x0) * km_per_deg)
    left, base = x0 + 0.04 * (x1 - x0), y0 + 0.05 * (y1 - y0)
    ax.plot(
        [left, left + km / km_per_deg], [base, base], color="#222222", lw=2.5, solid_capstyle="butt", zorder=7
    )
    ax.annotate(text("scale_km", lang, km=f"{km:g}"), (left + km / km_per_deg / 2, base), xytext=(0, 4),
                textcoords="offset points", ha="center", va="bottom", fontsize=7, zorder=7)  # fmt: skip
    ax.annotate("", xy=(0.95, 0.93), xytext=(0.95, 0.84), xycoords="axes fraction",
                arrowprops={"arrowstyle": "-|>", "color": "#222222", "lw": 1.2})  # fmt: skip
    ax.text(0.95, 0.94, text("north", lang), transform=ax.transAxes, ha="center", va="bottom", fontsize=9)


def title_fields(res: Results, figure: str, lang: str) -> dict[str, object]:
    """What a figure's title and notes fill in (the appendix's captions use the same)."""
    if figure != "relief_map" or not res.targets:
        return {}
    name, target = map_target(res)
    return {"h": target.deadline_h, "target": res.target_label(name, lang)}


def map_target(res: Results) -> tuple[str, TargetSettings]:
    """The relief target the map colours villages by: relief_10h if the run has it (the plans'
    10 h target), else its first relief target."""
    if "relief_10h" in res.targets:
        return "relief_10h", res.targets["relief_10h"]
    if not res.targets:
        raise Skip("skip.no_relief_target")
    return next(iter(res.targets.items()))


def _tiers() -> set[str]:
    return {f"tier.{t}" for t in TIER_STYLE}


def late_by_township(villages: pd.DataFrame, target: str, n_reps: int) -> pd.DataFrame:
    """Township x cause: late villages per replication (mean over all replications)."""
    col = f"{target}_late_cause"
    late = villages[villages[col].notna()]
    table = late.groupby(["township_id", col]).size().unstack(fill_value=0) / n_reps
    return table.reindex(columns=[c for c in metrics.LATE_CAUSES if c in table.columns])


def late_villages(res: Results, lang: str) -> Figure:
    """Late villages per township, stacked by cause, one panel per relief target."""
    villages = res.villages[res.villages["case"] == res.main_case]
    targets = list(res.targets)
    tables = {t: late_by_township(villages, t, res.n_reps) for t in targets}
    if all(tab.empty for tab in tables.values()):
        raise Skip("skip.no_late")
    townships = sorted(set().union(*(tab.index for tab in tables.values())))
    fig = _figure((10.0, 2.0 + 0.28 * len(townships)))
    engine = fig.get_layout_engine()
    assert isinstance(engine, ConstrainedLayoutEngine)  # _figure's layout="constrained"
    engine.set(w_pad=0.12)  # room for the last tick label hanging past a panel
    axes = fig.subplots(1, len(targets), sharey=True, squeeze=False)[0]
    y = np.arange(len(townships))
    for ax, name in zip(axes, targets, strict=True):
        tab = tables[name].reindex(townships, fill_value=0)
        left = np.zeros(len(townships))
        for cause in metrics.LATE_CAUSES:
            if cause in tab.columns:
                ax.barh(
                    y, tab[cause], left=left, color=CAUSE_COLOURS[cause], label=text(f"cause.{cause}", lang)
                )
                left += tab[cause].to_numpy()
        # three panels abreast: wrapped, a number kept with its unit ("24 h" split as "24" / "h")
        label = re.sub(r"(\d) (h|min)\b", "\\1\u00a0\\2", res.target_label(name, lang))
        ax.set_title(textwrap.fill(label, 30), fontsize=9)
        ax.grid(axis="x", alpha=0.3)
    # One label under the middle panel: the panels share it, and three copies of the English
    # label ran off the right edge of the canvas.
    axes[len(axes) // 2].set_xlabel(text("axis.late_villages", lang), fontsize=8)
    names = res.place_names
    axes[0].set_yticks(y, [names.get(t, t) for t in townships], fontsize=7)
    axes[0].set_ylabel(text("col.township", lang))
    axes[0].invert_yaxis()
    handles = [plt_patch(CAUSE_COLOURS[c], 1.0) for c in metrics.LATE_CAUSES]
    # A figure legend "outside" the panels: the constrained layout makes room for it right of
    # them (an axes legend wider than its panel squeezed the outer panels' tick labels off the
    # canvas; one above the panels lay under the figure's title, which takes the same place).
    fig.legend(
        handles,
        [text(f"cause.{c}", lang) for c in metrics.LATE_CAUSES],
        loc="outside right upper",
        ncols=1,
        fontsize=8,
        frameon=False,
    )
    return _finish(fig, res, lang, "late_villages.title", ("note.late",))


def stock_on_hand(res: Results, scenario_stock: dict[str, float] | None = None) -> pd.DataFrame:
    """Per (rep, tier, hour on HOURS): units on hand = initial stock by tier - units loaded so far."""
    if res.events is None:
        raise Skip("skip.no_events")
    initial = scenario_stock or {}
    if not initial:
        for d in res.scenario.depots:
            initial[d.tier] = initial.get(d.tier, 0) + sum(d.stock)
    tier_of = {d.id: d.tier for d in res.scenario.depots}
    ev = res.events[(res.events["case"] == res.main_case) & (res.events["kind"] == "shipment_loaded")]
    ev = ev.assign(tier=ev["depot"].map(tier_of), t_h=ev["t_min"] / 60.0)
    rows = []
    reps = sorted(res.reps.loc[res.reps["case"] == res.main_case, "rep"])
    for rep in reps:
        one = ev[ev["rep"] == rep]
        for tier, start in initial.items():
            sub = one[one["tier"] == tier].sort_values("t_h")
            cum = np.cumsum(sub["qty"].to_numpy(dtype=float))
            idx = np.searchsorted(sub["t_h"].to_numpy(), HOURS, side="right")
            loaded = np.where(idx > 0, cum[np.maximum(idx - 1, 0)] if len(cum) else 0.0, 0.0)
            rows.append(pd.DataFrame({"rep": rep, "tier": tier, "t_h": HOURS, "on_hand": start - loaded}))
    return pd.concat(rows, ignore_index=True)


def stock_over_time(res: Results, lang: str) -> Figure:
    table = stock_on_hand(res)
    fig = _figure()
    ax = fig.add_subplot()
    for tier, sub in table.groupby("tier", sort=False):
        matrix = sub.pivot(index="rep", columns="t_h", values="on_hand").to_numpy() / 1000
        mean, low, high = _t_band(matrix)
        colour = TIER_STYLE.get(str(tier), ("o", "#000000", 0))[1]
        key = f"tier.{tier}" if f"tier.{tier}" in _tiers() else "tier.other"
        ax.plot(HOURS, mean, color=colour, lw=2, label=text(key, lang))
        ax.fill_between(HOURS, low, high, color=colour, alpha=0.2)
    for target in res.targets.values():
        ax.axvline(target.deadline_h, color="#555555", ls="--", lw=0.8)
        ax.text(
            target.deadline_h + 0.5,
            ax.get_ylim()[1] * 0.98,
            text("target_line", lang, h=target.deadline_h),
            rotation=90,
            va="top",
            fontsize=7,
            color="#555555",
        )
    ax.set(xlim=(0, 72), xlabel=text("axis.hours", lang), ylabel=text("axis.units_on_hand", lang))
    ax.set_ylim(bottom=0)
    ax.set_xticks(range(0, 73, 6))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper right")
    return _finish(fig, res, lang, "stock.title", ("note.stock",))


def _limit_lines(ax, limit_min: float, required_share: float, lang: str, right: float) -> None:
    """A target's time limit (dashed, labelled along it) and its required share (dotted, labelled
    at the `right` end of the axis) on a share-in-time chart."""
    ax.axvline(limit_min, color="#000000", ls="--", lw=1)
    ax.text(limit_min * 0.97, 99, text("limit_line", lang, m=limit_min), rotation=90, fontsize=8, va="top",
            ha="right")  # fmt: skip
    ax.axhline(required_share * 100, color="#555555", ls=":", lw=1)
    label = text("required_share", lang, p=required_share)
    ax.text(right * 0.99, required_share * 100 - 1, label, ha="right", va="top", fontsize=8)


def ems_response(res: Results, lang: str) -> Figure:
    """Empirical distribution of call-to-scene minutes per triage class, with the target's limit."""
    calls = res.calls
    if calls is None or calls.empty or calls["response_min"].notna().sum() == 0:
        raise Skip("skip.no_calls")
    calls = calls[calls["case"] == res.main_case]
    ems_targets = [t for t in res.settings.targets.values() if isinstance(t, EmsTargetSettings)]
    fig = _figure()
    ax = fig.add_subplot()
    top = float(np.nanpercentile(calls["response_min"], 99)) * 1.1
    colours = {1: "#d7191c", 2: "#fdae61", 3: "#2c7bb6"}
    for key, sub in calls.groupby("triage"):
        k = cast(int, key)  # the triage class: 1, 2 or 3
        x = np.sort(sub["response_min"].dropna().to_numpy())
        if len(x) == 0:
            continue
        y = np.arange(1, len(x) + 1) / len(sub) * 100  # calls never reached count in the denominator
        within = "".join(
            f", {np.mean(sub['response_min'].to_numpy() <= t.limit_min):.0%} ≤ {t.limit_min:g} min"
            for t in ems_targets
        )
        ax.step(
            x,
            y,
            where="post",
            color=colours.get(int(k), "#333333"),
            lw=2,
            label=f"{text('triage', lang, k=int(k))} (n={len(sub)}{within})",
        )
    for t in ems_targets:
        _limit_lines(ax, t.limit_min, t.required_share, lang, top)
    # Log minutes: the limit (minutes) and the tail of an overwhelmed service (hours) both stay legible.
    ax.set_xscale("log")
    ticks = [t for t in (1, 2, 5, 10, 15, 30, 60, 120, 240, 480, 960, 1440, 2880) if t <= top]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.set(
        xlim=(1, top),
        ylim=(0, 101),
        xlabel=text("axis.response_min", lang),
        ylabel=text("axis.share_calls", lang),
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    return _finish(fig, res, lang, "ems_response.title", ("note.ems",))


def rescue_curves(
    events: pd.DataFrame, case: str, reps: list[int], hours: np.ndarray = HOURS
) -> dict[str, np.ndarray]:
    """Per replication (rows) and hour since being trapped (columns), the share of the trapped
    people brought out (alive or as bodies, as the rescue targets count them), brought out alive,
    and dead while still trapped; each person's clock starts when they were trapped (a task's
    request minute less its `value`, the minutes since trapping). A replication with nobody
    trapped is a row of NaN."""
    ev = events[events["case"] == case]
    req = ev[ev["kind"] == "rescue_requested"]
    trapped_at = dict(zip(zip(req["rep"], req["ref"], strict=True), req["t_min"] - req["value"], strict=True))
    out = {k: np.full((len(reps), len(hours)), np.nan) for k in ("out", "alive", "died")}
    kinds = {
        "out": ("people_rescued", "bodies_recovered"),
        "alive": ("people_rescued",),
        "died": ("trapped_died",),
    }
    for i, rep in enumerate(reps):
        r = req[req["rep"] == rep]
        total = float(r["qty"].sum())
        if total <= 0:
            continue
        for key, names in kinds.items():
            sub = ev[(ev["rep"] == rep) & ev["kind"].isin(names)]
            waited_h = (
                sub["t_min"].to_numpy() - np.array([trapped_at[(rep, ref)] for ref in sub["ref"]])
            ) / 60
            order = np.argsort(waited_h)
            cum = np.r_[0.0, np.cumsum(sub["qty"].to_numpy(dtype=float)[order])]  # cum[k]: first k
            out[key][i] = cum[np.searchsorted(waited_h[order], hours, side="right")] / total
    return out


def rescue_over_time(res: Results, lang: str) -> Figure:
    """Share of trapped people brought out by hours since each was trapped, against the rescue
    targets' 12 h / 24 h lines, and the share who died while still trapped."""
    if res.events is None:
        raise Skip("skip.no_events")
    reps = sorted(res.events.loc[res.events["case"] == res.main_case, "rep"].unique().tolist())
    curves = rescue_curves(res.events, res.main_case, reps)
    if np.isnan(curves["out"]).all():
        raise Skip("skip.no_trapped")
    fig = _figure()
    ax = fig.add_subplot()
    styles = {
        "out": ("#2c7bb6", "rescue.out"),
        "alive": ("#1a9641", "rescue.alive"),
        "died": ("#d7191c", "rescue.died"),
    }
    for key, (colour, label) in styles.items():
        m = curves[key][~np.isnan(curves[key]).any(axis=1)]
        mean, lo, hi = _t_band(m * 100)
        ax.plot(HOURS, mean, color=colour, lw=2, label=text(label, lang))
        ax.fill_between(HOURS, lo, hi, color=colour, alpha=0.2, lw=0)
    for t in (t for t in res.settings.targets.values() if getattr(t, "measure", "") == "rescue_share"):
        ax.axvline(t.deadline_h, color="#000000", ls="--", lw=1)
        ax.text(
            t.deadline_h + 0.5,
            2,
            text("target_line", lang, h=t.deadline_h),
            rotation=90,
            fontsize=8,
            va="bottom",
        )
        ax.axhline(t.required_share * 100, color="#555555", ls=":", lw=1)
    ax.set(
        xlim=(0, HOURS[-1]),
        ylim=(0, 101),
        xlabel=text("axis.hours_trapped", lang),
        ylabel=text("axis.share_trapped", lang),
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="center right")
    return _finish(fig, res, lang, "rescue.title", ("note.rescue",))


AIR_KIND_COLOURS = {"rescue": "#d7191c", "evacuation": "#2c7bb6", "relief_lift": "#1a9641"}


def air_missions(events: pd.DataFrame, case: str) -> pd.DataFrame:
    """Per air mission (rep, ref): its kind, km from the base and minutes from request to the
    aircraft's arrival (NaN: not reached by the horizon), from the event log."""
    ev = events[events["case"] == case]
    req = ev[ev["kind"] == "air_mission_requested"][["rep", "ref", "note", "value"]]
    req = req.rename(columns={"note": "mission", "value": "km"})
    arr = ev[ev["kind"] == "aircraft_arrived"].groupby(["rep", "ref"])["value"].min().rename("arrival_min")
    return req.merge(arr.reset_index(), on=["rep", "ref"], how="left")


def helicopter_response(res: Results, lang: str) -> Figure:
    """Request-to-arrival minutes of air missions against the helicopter target's limit (missions
    never reached stay in the denominator), and missions per replication by kind."""
    air_targets = [t for t in res.settings.targets.values() if isinstance(t, AirTargetSettings)]
    if res.events is None:
        raise Skip("skip.no_events")
    missions = air_missions(res.events, res.main_case)
    if missions.empty:
        raise Skip("skip.no_air")
    fig = _figure((10.0, 4.6))
    ax, bars = fig.subplots(1, 2, width_ratios=(2.2, 1.0))
    counted = missions
    for t in air_targets:  # the missions the target counts: within its radius of the base
        counted = missions[missions["km"] <= t.radius_km]
    top = (
        max(float(np.nanmax(counted["arrival_min"])) if counted["arrival_min"].notna().any() else 0, 240)
        * 1.1
    )
    for kind, sub in counted.groupby("mission"):
        x = np.sort(sub["arrival_min"].dropna().to_numpy())
        y = np.arange(1, len(x) + 1) / max(len(sub), 1) * 100
        colour = AIR_KIND_COLOURS.get(str(kind), "#333333")
        label = f"{text(f'air.{kind}', lang)} (n={len(sub)})"
        ax.step(np.r_[0, x], np.r_[0, y], where="post", lw=2, color=colour, label=label)
    for t in air_targets:
        _limit_lines(ax, t.limit_min, t.required_share, lang, top)
    ax.set(
        xlim=(0, top),
        ylim=(0, 101),
        xlabel=text("axis.air_min", lang),
        ylabel=text("axis.share_missions", lang),
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    per_rep = missions.groupby("mission").size() / res.n_reps
    kinds = list(per_rep.index)
    bars.barh(
        range(len(kinds)), per_rep.to_numpy(), color=[AIR_KIND_COLOURS.get(str(k), "#333333") for k in kinds]
    )
    bars.set_yticks(range(len(kinds)), [text(f"air.{k}", lang) for k in kinds], fontsize=8)
    bars.set_xlabel(text("axis.missions_per_rep", lang), fontsize=8)
    bars.grid(axis="x", alpha=0.3)
    return _finish(fig, res, lang, "helicopter.title", ("note.helicopter",))


# A team is busy from an event of `start` until the next of `end` (a second start continues the spell).
TEAM_GROUPS = {
    # road-repair teams (sim/model/repair.py): sent to a cut road until it is repaired or nothing is left
    "road_repair": (("repair_team_assigned",), ("road_repaired", "repair_team_idled")),
    # rescue teams (teams issue): assigned to a rescue task until released; rest is not busy
    "rescue": (("team_assigned",), ("team_released",)),
}
GROUP_COLOURS = {"road_repair": "#4575b4", "rescue": "#d73027"}


def team_busy_spells(
    events: pd.DataFrame, case: str, start: tuple[str, ...], end: tuple[str, ...]
) -> pd.DataFrame:
    """(rep, team, start_h, end_h): busy spells from the event log; open spells end at the horizon."""
    ev = events[(events["case"] == case) & events["kind"].isin(start + end)].sort_values(
        ["rep", "subject", "t_min"], kind="stable"
    )
    spells = []
    for (rep, team), sub in ev.groupby(["rep", "subject"], sort=True):
        began = None
        for t, kind in zip(sub["t_min"], sub["kind"], strict=True):
            if kind in start:
                began = t if began is None else began
            elif began is not None:
                spells.append((rep, team, began / 60.0, t / 60.0))
                began = None
        if began is not None:
            spells.append((rep, team, began / 60.0, HOURS[-1]))
    return pd.DataFrame(spells, columns=["rep", "team", "start_h", "end_h"])


def busy_teams(spells: pd.DataFrame, reps: list[int], hours: np.ndarray = HOURS) -> np.ndarray:
    """(reps x hours): how many teams are busy at each hour, from (rep, team, start_h, end_h) spells."""
    out = np.zeros((len(reps), len(hours)))
    row = {rep: i for i, rep in enumerate(reps)}
    for rep, start, end in zip(spells["rep"], spells["start_h"], spells["end_h"], strict=True):
        out[row[rep]] += np.greater_equal(hours, start) & np.less(hours, end)
    return out


def _group_members(res: Results, group: str, spells: pd.DataFrame) -> list[str]:
    """The teams a group's utilisation is shared over: every one that could have been busy."""
    if group == "road_repair":
        known = {t.id for t in res.scenario.teams if t.kind == "road_repair"}
    else:  # rescue teams work as crews (sim/model/teams.py): team_mobilised's note counts them
        assert res.events is not None
        ev = res.events
        mobilised = ev[(ev["case"] == res.main_case) & (ev["kind"] == "team_mobilised")]
        known = {
            f"{team}#{k}"
            for team, note in zip(mobilised["subject"], mobilised["note"], strict=True)
            if isinstance(note, str) and note.isdigit()
            for k in range(1, int(note) + 1)
        }
    return sorted(known | set(spells["team"]))


def gantt_replication(spells: pd.DataFrame, reps: list[int]) -> int:
    """The replication the Gantt shows: the one with the most team-hours busy (the earliest of
    equals). The first replication was shown before, and on zhangshu's flood its rescue was over
    in 8 h while other replications repaired roads on day 3: a chart blank after 6 h that said
    nothing of the work the teams do in a harder draw of the same disaster."""
    hours = (spells["end_h"] - spells["start_h"]).groupby(spells["rep"]).sum().reindex(reps, fill_value=0.0)
    return int(cast(int, hours.idxmax()))  # the index is the replications' numbers


def _gantt_row(team: str) -> str:
    """A rescue crew (TEAM#n) is drawn on its team's row: hundreds of crews would not fit."""
    return team.split("#")[0]


def team_utilisation(res: Results, lang: str) -> Figure:
    """Share of teams busy over time per group (mean and band) and a Gantt of one replication."""
    if res.events is None:
        raise Skip("skip.no_events")
    groups = {}
    for group, (start, end) in TEAM_GROUPS.items():
        spells = team_busy_spells(res.events, res.main_case, start, end)
        if not spells.empty:
            groups[group] = (spells, _group_members(res, group, spells))
    if not groups:
        raise Skip("skip.no_teams")
    reps = sorted(res.reps.loc[res.reps["case"] == res.main_case, "rep"])
    shown = gantt_replication(pd.concat([spells for spells, _ in groups.values()]), reps)
    gantt = [
        (g, team)
        for g, (spells, _) in groups.items()
        for team in sorted({_gantt_row(t) for t in spells.loc[spells["rep"] == shown, "team"]})
    ]
    fig = _figure((8.0, 4.0 + 0.12 * len(gantt)))
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(max(2.0, 0.1 * len(gantt)), 1.6))
    for j, (group, team) in enumerate(gantt):
        spells = groups[group][0]
        sub = spells[(spells["rep"] == shown) & (spells["team"].map(_gantt_row) == team)]
        top.broken_barh(
            list(zip(sub["start_h"], sub["end_h"] - sub["start_h"], strict=True)),
            (j - 0.35, 0.7),
            color=GROUP_COLOURS[group],
        )
    labels = [res.team_label(t, lang) for _, t in gantt]
    top.set_yticks(range(len(gantt)), labels, fontsize=6 if len(gantt) > 20 else 7)
    top.invert_yaxis()
    top.set_title(text("busy_gantt", lang, rep=shown + 1), fontsize=9)  # replications counted from 1
    top.set_ylabel(text("axis.team", lang))
    for group, (spells, members) in groups.items():
        mean, low, high = _t_band(busy_teams(spells, reps) / len(members) * 100)
        colour = GROUP_COLOURS[group]
        mean_of = text("utilisation_mean", lang, n=len(reps))
        label = f"{text(f'team_group.{group}', lang)}, {mean_of} {len(members)}"
        bottom.plot(HOURS, mean, color=colour, lw=2, label=label)
        bottom.fill_between(HOURS, np.clip(low, 0, 100), np.clip(high, 0, 100), color=colour, alpha=0.2)
    handles, labels = bottom.get_legend_handles_labels()
    bottom.legend(
        [*handles, plt_patch("#999999", 0.3)], [*labels, text("band", lang)], fontsize=7, loc="upper right"
    )
    bottom.set(
        xlim=(0, 72), ylim=(0, 101), xlabel=text("axis.hours", lang), ylabel=text("axis.utilisation", lang)
    )
    bottom.set_xticks(range(0, 73, 6))
    for ax in (top, bottom):
        ax.grid(alpha=0.3)
    note = "note.teams" if "rescue" in groups else "note.teams_repair"
    return _finish(fig, res, lang, "teams.title", (note,))


def case_table(cases: pd.DataFrame, target: str) -> pd.DataFrame:
    """Per case: cost_yuan, P(target holds) with its interval and n, frontier flag (cases.csv)."""
    wide = cases.set_index(["case", "measure"])
    order = list(dict.fromkeys(cases["case"]))
    p = wide.xs(f"{target}_p_holds", level="measure")
    out = pd.DataFrame(
        {
            "cost_yuan": wide.xs("cost_yuan", level="measure")["estimate"],
            "p_holds": p["estimate"],
            "ci_low": p["ci_low"],
            "ci_high": p["ci_high"],
            "n": p["n"],
        }
    ).reindex(order)
    if "frontier" in set(cases["measure"]):
        out["frontier"] = wide.xs("frontier", level="measure")["estimate"].reindex(order).astype(float) > 0
    return out


def budget_frontier(res: Results, lang: str) -> Figure:
    if res.cases is None:
        raise Skip("skip.no_cases")
    focus = res.meta.get("focus_target") or next(iter(res.targets))
    table = case_table(res.cases, focus)
    fig = _figure()
    ax = fig.add_subplot()
    x = table["cost_yuan"] / 1e6
    y = table["p_holds"] * 100
    err = np.vstack([y - table["ci_low"] * 100, table["ci_high"] * 100 - y])
    on = table.get("frontier", pd.Series(False, index=table.index)).to_numpy(dtype=bool)
    ax.errorbar(
        x, y, yerr=err, fmt="o", color="#4575b4", ecolor="#4575b4", capsize=3, label=text("case_point", lang)
    )
    front = table[on].sort_values("cost_yuan")
    ax.step(
        front["cost_yuan"] / 1e6,
        front["p_holds"] * 100,
        where="post",
        color="#d73027",
        lw=1.5,
        label=text("frontier_line", lang),
    )
    target = res.settings.targets.get(focus)
    ax.set_title(
        res.target_label(focus, lang)
        + (f" ({limit_text(target, lang)}, ≥{target.required_share:.0%})" if target else ""),
        fontsize=9,
    )
    ax.set(ylim=(-2, 102), xlabel=text("axis.cost", lang), ylabel=text("axis.p_holds", lang))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    _finish(fig, res, lang, "frontier.title", ("note.frontier",))
    # Every case labelled, frontier cases in the frontier's colour; placed once the layout is final.
    colours = ["#d73027" if f else "#333333" for f in on]
    names = [res.case_label(str(c), lang) for c in table.index]
    place_labels(ax, list(zip(x, y, strict=True)), names, colours)
    return fig


LABEL_PAD_PX = 2.0  # clear space kept around each label box and point marker
MARKER_PX = 5.0  # half the side of the box kept free around each point's marker


def place_labels(
    ax, points: list[tuple[float, float]], names: list[str], colours: list[str], fontsize: float = 8.0
) -> list:
    """Label every point (data coordinates) with its name, no two labels overlapping, none over
    another point's marker or the legend, all inside the axes (so inside the canvas).

    Points drawn at the same spot (within a marker's width) share one label listing every name
    (two sweep cases of the same cost and P hid each other before). Each label takes the free
    position nearest its point among a grid over the whole axes, so one is always found while
    the axes have room; a label set apart from its point gets a leader line. Fonts shrink a step
    at a time if the axes are full. Call it after the figure's layout is final: it fixes the
    layout (the constrained layout would otherwise move the axes under the placed labels)."""
    fig = ax.figure
    renderer = _renderer(fig)
    fig.set_layout_engine("none")
    xy = ax.transData.transform(np.asarray(points, dtype=float).reshape(-1, 2))
    groups: list[tuple[np.ndarray, list[str], str]] = []
    for i in np.argsort(xy[:, 0], kind="stable"):
        for at, group_names, _ in groups:
            if np.all(np.abs(at - xy[i]) <= MARKER_PX):
                group_names.append(names[i])
                break
        else:
            groups.append((xy[i], [names[i]], colours[i]))
    frame = ax.get_window_extent(renderer)
    markers = [(p[0] - MARKER_PX, p[1] - MARKER_PX, p[0] + MARKER_PX, p[1] + MARKER_PX) for p in xy]
    legend = ax.get_legend()
    fixed = markers + ([tuple(legend.get_window_extent(renderer).extents)] if legend else [])
    size = fontsize
    while True:
        boxes = _free_boxes(ax, renderer, frame, groups, fixed, size)
        if boxes is not None or size <= 4:
            break
        size -= 1
    if boxes is None:
        raise ValueError(f"{len(groups)} labels do not fit in the axes")
    out = []
    px_per_pt = fig.dpi / 72
    for (at, _, colour), (box, label) in zip(groups, boxes, strict=True):
        centre = np.array([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2])
        apart = _gap(np.array(box), at)[0] > 3 * LABEL_PAD_PX
        out.append(
            ax.annotate(
                label,
                xy=ax.transData.inverted().transform(at),
                xytext=tuple((centre - at) / px_per_pt),
                textcoords="offset points",
                ha="center",
                va="center",
                fontsize=size,
                color=colour,
                linespacing=1.1,
                arrowprops={"arrowstyle": "-", "color": colour, "lw": 0.6, "shrinkA": 0, "shrinkB": 4}
                if apart
                else None,
            )
        )
    return out


def _renderer(fig: Figure):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()  # runs the layout engine: the axes are where they will be saved
    return canvas.get_renderer()


def _gap(boxes: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Distance in pixels from a point to each box (rows x0, y0, x1, y1), 0 inside it."""
    boxes = np.atleast_2d(boxes)
    dx = np.maximum.reduce([boxes[:, 0] - at[0], np.zeros(len(boxes)), at[0] - boxes[:, 2]])
    dy = np.maximum.reduce([boxes[:, 1] - at[1], np.zeros(len(boxes)), at[1] - boxes[:, 3]])
    return np.hypot(dx, dy)


def _free_boxes(ax, renderer, frame, groups, fixed, size: float):
    """Per group (its box in pixels, its text) or None when one finds no free place."""
    taken = [np.array(b) for b in fixed]
    out = []
    for at, names, _ in groups:
        label = "\n".join(wrap_mixed(", ".join(names), 28))
        probe = ax.text(0, 0, label, fontsize=size, linespacing=1.1, transform=None)
        ext = probe.get_window_extent(renderer)
        probe.remove()
        w, h = ext.width + 2 * LABEL_PAD_PX, ext.height + 2 * LABEL_PAD_PX
        # lower-left corners on a grid over the axes, the box wholly inside them
        xs = np.arange(frame.x0 + 1, frame.x1 - w - 1, max(h / 3, 2.0))
        ys = np.arange(frame.y0 + 1, frame.y1 - h - 1, max(h / 3, 2.0))
        if xs.size == 0 or ys.size == 0:
            return None
        gx, gy = np.meshgrid(xs, ys)
        cand = np.column_stack([gx.ravel(), gy.ravel(), gx.ravel() + w, gy.ravel() + h])
        # the label's own marker is an obstacle too: a label must not cover its point
        own = np.array([at[0] - MARKER_PX, at[1] - MARKER_PX, at[0] + MARKER_PX, at[1] + MARKER_PX])
        others = np.array([*taken, own])
        clash = (
            (cand[:, None, 0] < others[None, :, 2])
            & (cand[:, None, 2] > others[None, :, 0])
            & (cand[:, None, 1] < others[None, :, 3])
            & (cand[:, None, 3] > others[None, :, 1])
        ).any(axis=1)
        free = cand[~clash]
        if free.size == 0:
            return None
        # nearest first; of equals, the one level with the point
        best = free[int(np.argmin(_gap(free, at) + 1e-3 * np.abs(free[:, 1] - at[1])))]
        taken.append(best)
        out.append(((best[0] + LABEL_PAD_PX, best[1] + LABEL_PAD_PX, best[2] - LABEL_PAD_PX,
                     best[3] - LABEL_PAD_PX), label))  # fmt: skip
    return out


def case_compliance(res: Results, lang: str) -> Figure:
    """(sweep) P(holds) with its Wilson interval for every case and relief target (and the focus
    target of another kind), side by side."""
    if res.cases is None:
        raise Skip("skip.no_cases")
    targets = res.case_targets
    tables = {name: case_table(res.cases, name) for name in targets}
    order = list(next(iter(tables.values())).index)
    fig = _figure((8.0, 2.0 + 0.35 * len(order)))
    ax = fig.add_subplot()
    y = np.arange(len(order))
    step = 0.8 / max(len(targets), 1)
    colours = [TARGET_COLOURS[i % len(TARGET_COLOURS)] for i in range(len(targets))]
    for i, (name, colour) in enumerate(zip(targets, colours, strict=True)):
        tab = tables[name].reindex(order)
        p = tab["p_holds"].to_numpy(dtype=float) * 100
        err = np.vstack(
            [p - tab["ci_low"].to_numpy(dtype=float) * 100, tab["ci_high"].to_numpy(dtype=float) * 100 - p]
        )
        marker = "os^"[i % 3]
        ax.errorbar(
            p,
            y - 0.4 + step * (i + 0.5),
            xerr=err,
            fmt=marker,
            color=colour,
            capsize=2,
            label=res.target_label(name, lang),
        )
    cost = next(iter(tables.values()))["cost_yuan"].reindex(order) / 1e6
    names = [res.case_label(str(c), lang) for c in order]
    ax.set_yticks(y, [f"{c}  ({m:.2f})" for c, m in zip(names, cost, strict=True)], fontsize=8)
    ax.invert_yaxis()
    ax.set(xlim=(-2, 102), xlabel=text("axis.p_holds", lang), ylabel=text("axis.case_cost", lang))
    ax.grid(axis="x", alpha=0.3)
    # Above the axes (an axes legend, so the constrained layout makes room for it).
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=len(targets), fontsize=8, frameon=False)
    return _finish(fig, res, lang, "cases_holds.title", ("note.cases",))


FIGURES: dict[str, Callable[[Results, str], Figure]] = {
    "relief_curves": relief_curves,
    "relief_map": relief_map,
    "late_villages": late_villages,
    "stock_over_time": stock_over_time,
    "ems_response": ems_response,
    "rescue_over_time": rescue_over_time,
    "helicopter_response": helicopter_response,
    "team_utilisation": team_utilisation,
    "budget_frontier": budget_frontier,
    "case_compliance": case_compliance,
}
