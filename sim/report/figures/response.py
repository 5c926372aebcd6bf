"""Response charts: EMS call-to-arrival times against their targets (ems_response), the share
of trapped people brought out over time (rescue_over_time), air missions' request-to-arrival
times and counts by kind (helicopter_response), and road-repair and rescue teams' busy spells
as a Gantt chart over the share of teams busy (team_utilisation).
"""

from __future__ import annotations

from typing import cast

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.report.data import Results
from sim.report.figures.common import HOURS, Skip, _figure, _finish, _t_band, label_on_data, plt_patch
from sim.report.i18n import text
from sim.results.rescue_metrics import air_in_time
from sim.settings import AirTargetSettings, EmsTargetSettings
from sim.units import MIN_PER_H


def _limit_lines(ax, limit_min: float, required_share: float, lang: str, right: float) -> None:
    """A target's time limit (dashed, labelled along it) and its required share (dotted, labelled
    at the `right` end of the axis) on a share-in-time chart."""
    ax.axvline(limit_min, color="#000000", ls="--", lw=1)
    label_on_data(ax, limit_min * 0.97, 99, text("limit_line", lang, m=limit_min), rotation=90, fontsize=8,
                  va="top", ha="right")  # fmt: skip
    ax.axhline(required_share * 100, color="#555555", ls=":", lw=1)
    label = text("required_share", lang, p=required_share)
    label_on_data(ax, right * 0.99, required_share * 100 - 1, label, ha="right", va="top", fontsize=8)


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
        label_on_data(
            ax,
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
# What became of an air mission request, and how its part of a bar is filled (the colour is the kind's)
AIR_FATES = ("reached", "cancelled", "unreached")
AIR_FATE_STYLE: dict[str, dict] = {
    "reached": {"alpha": 1.0},
    "cancelled": {"alpha": 0.25},
    "unreached": {"alpha": 0.3, "hatch": "//", "edgecolor": "#555555"},
}


def air_missions(events: pd.DataFrame, case: str) -> pd.DataFrame:
    """Per air mission request (rep, ref): its kind, km from the base, the minute it was made,
    minutes from request to the aircraft's arrival (NaN: not reached) and whether it was cancelled
    before an aircraft arrived (a lift with nothing left to lift), from the event log."""
    ev = events[events["case"] == case]
    req = ev[ev["kind"] == "air_mission_requested"][["rep", "ref", "note", "value", "t_min"]]
    req = req.rename(columns={"note": "mission", "value": "km", "t_min": "requested_min"})
    arr = ev[ev["kind"] == "aircraft_arrived"].groupby(["rep", "ref"])["value"].min().rename("arrival_min")
    out = req.merge(arr.reset_index(), on=["rep", "ref"], how="left")
    cancelled = ev.loc[ev["kind"] == "air_mission_cancelled", ["rep", "ref"]].drop_duplicates()
    out["cancelled"] = pd.MultiIndex.from_frame(out[["rep", "ref"]]).isin(pd.MultiIndex.from_frame(cancelled))
    return out


def counted_by(missions: pd.DataFrame, target: AirTargetSettings, horizon_min: float) -> pd.Series:
    """Which requests a helicopter target counts: the rule of sim/results/rescue_metrics.py
    (`air_in_time`: within its radius, made at least its limit before the horizon; cancelled
    requests are not missions), applied per replication."""
    counted = pd.Series(False, index=missions.index)
    for _rep, sub in missions[~missions["cancelled"]].groupby("rep"):
        rows = zip(sub.index, sub["requested_min"], sub["km"], sub["mission"], strict=True)
        asked = {int(i): (float(at), float(km), str(kind)) for i, at, km, kind in rows}
        refs, _ = air_in_time(asked, {}, target.limit_min, target.radius_km, horizon_min)
        counted[refs] = True
    return counted


def helicopter_response(res: Results, lang: str) -> Figure:
    """Request-to-arrival minutes of the air missions the helicopter target counts, against its
    limit (missions never reached stay in the denominator, as the target counts them), and the
    requests per replication by kind: reached, cancelled, or not reached by the end."""
    air_targets = [t for t in res.settings.targets.values() if isinstance(t, AirTargetSettings)]
    if res.events is None:
        raise Skip("skip.no_events")
    missions = air_missions(res.events, res.main_case)
    if missions.empty:
        raise Skip("skip.no_air")
    fig = _figure((10.0, 4.6))
    ax, bars = fig.subplots(1, 2, width_ratios=(2.2, 1.0))
    counted = missions[~missions["cancelled"]]
    for t in air_targets:  # the missions the target counts
        counted = missions[counted_by(missions, t, res.settings.run.horizon_h * MIN_PER_H)]
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
    # Requests per replication by what became of them: reached (the missions flown that `drsim run`
    # counts), cancelled before an aircraft came (not missions), or still not reached at the end.
    reps = res.reps.loc[res.reps["case"] == res.main_case, "rep"].nunique()
    fate = np.where(
        missions["arrival_min"].notna(), "reached", np.where(missions["cancelled"], "cancelled", "unreached")
    )
    per_rep = pd.crosstab(missions["mission"], fate).reindex(columns=AIR_FATES, fill_value=0) / reps
    kinds = list(per_rep.index)
    colours = [AIR_KIND_COLOURS.get(str(k), "#333333") for k in kinds]
    left = np.zeros(len(kinds))
    for f in AIR_FATES:
        bars.barh(
            range(len(kinds)), per_rep[f].to_numpy(), left=left, color=colours, lw=0, **AIR_FATE_STYLE[f]
        )
        left += per_rep[f].to_numpy()
    bars.set_yticks(range(len(kinds)), [text(f"air.{k}", lang) for k in kinds], fontsize=8)
    bars.set_xlabel(text("axis.requests_per_rep", lang), fontsize=8)
    keys = [plt_patch("#777777", label=text(f"air.{f}", lang), **AIR_FATE_STYLE[f]) for f in AIR_FATES]
    bars.legend(
        handles=keys, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3, frameon=False
    )
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
