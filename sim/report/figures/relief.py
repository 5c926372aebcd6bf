"""Relief charts: the share of people with their kit in place against hours (relief_curves),
the map of villages and roads (relief_map, with its marker offsets, scale bar and north arrow),
late villages by township and cause (late_villages), and stock on hand by tier over time
(stock_over_time).
"""

from __future__ import annotations

import math
import re
import textwrap

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.transforms import ScaledTranslation

from sim.report.data import Results
from sim.report.figures.common import (
    CAUSE_COLOURS,
    CLASS_COLOURS,
    CLASS_STYLE,
    CLASS_WIDTH,
    HOURS,
    TIER_STYLE,
    Skip,
    _figure,
    _finish,
    _t_band,
    label_on_data,
    map_target,
    plt_patch,
    title_fields,
)
from sim.report.i18n import text
from sim.results import metrics


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
        label_on_data(
            ax,
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
        label_on_data(
            ax, 71, share * 100 - 1, text("required_share", lang, p=share), ha="right", va="top", fontsize=8
        )
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
        label_on_data(
            ax,
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
