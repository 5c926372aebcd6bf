"""The plain-language answer of a run: one verdict per target, before any other figure.

A target's verdict compares the mean share (over replications, with its interval) with what
the target requires:
  HOLDS       the whole interval is at or above the requirement;
  FAILS       the whole interval is below it;
  UNDECIDED   the interval straddles the requirement, or fewer than MIN_REPS replications
              tested it: the line says how many replications (run.reps=N) would likely decide;
  NOT TESTED  no replication had anyone (or any call, or any mission) to count, or the run
              cannot test the target at all (sim/results/coverage.py: its deadline falls after the
              horizon for everyone): the record then says why (`not_tested`).
Beside it: P(holds), the share of simulated disasters in which the target held, with its
Wilson interval and n (the replications where it was tested). For a target that fails or is
undecided: the three worst townships by name (pooled share over replications) and the main
cause of lateness. Pure: reads the summary, the village and call tables; no model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from sim.results.ems_metrics import call_limit_min
from sim.settings import AnyTarget, EmsTargetSettings

MIN_REPS = 10  # fewer replications than this: no verdict, whatever the interval says
# beyond this many the mean sits on the requirement for any practical purpose (hours of runs
# to move a share by a hair): the verdict says so instead of quoting a number
MAX_SUGGESTED_REPS = 10_000
CAUSE_WORDS = {
    "report_delay": "needs reported too late",
    "road_blocked": "roads cut or blocked",
    "no_stock": "stock short (or only in contract/province reserves)",
    "no_vehicle": "waiting for a free truck",
    "travel_time": "loading and driving take too long",
    "ambulance_busy": "no ambulance free: late calls waited longer for dispatch than they drove",
    "ambulance_far": "the nearest free ambulance was too far: late calls drove longer than they waited",
    "no_team_skill": "no team in the county has the rescue skill or equipment (boats, machines)",
    "trapped_unknown": "not yet known: trapped people reached the command centre late (first report)",
    "team_wait": "waiting for a free rescue crew: too few boats or machines (or mobilisation)",
    "team_drive": "rescue teams drove too long to reach them (distance, cut roads)",
    "rescue_work": "the rescue work took too long (too few crews at the site)",
    "by_air": "cut off by road: only a helicopter could reach them",
    "aircraft_busy": "waiting for a free helicopter",
    "flight": "launch preparation and flight took too long (distance)",
    "not_flown": "no helicopter flew to them before the horizon",
}
LATE_UNITS = ("villages", "people", "missions")  # what a target's late-cause shares are shares of


def ems_cause(calls: pd.DataFrame | None, target: AnyTarget) -> tuple[str, float] | None:
    """Why ems_response calls were late: mostly waiting for a free ambulance, or mostly driving.
    The share returned is the late calls' mean wait (busy) or drive (far) over their response."""
    if calls is None or not len(calls) or not isinstance(target, EmsTargetSettings):
        return None
    c = calls[calls["triage"].isin(target.triage) & calls["response_min"].notna()]
    late = c[c["response_min"] > call_limit_min(c, target)]
    if late.empty:
        return None
    wait = float(late["wait_min"].mean())
    response = float(late["response_min"].mean())
    drive = response - wait
    return ("ambulance_busy", wait / response) if wait > drive else ("ambulance_far", drive / response)


def reps_to_decide(n: int, mean: float, low: float, high: float, required: float) -> int | None:
    """Replications likely to make the interval clear the requirement: the half-width shrinks as
    1/sqrt(n), so N = n x (half-width / distance)^2, with 20 % to spare. None when the mean sits
    on the requirement, or so near it that more than MAX_SUGGESTED_REPS would be needed.

    >>> reps_to_decide(30, 0.90, 0.85, 0.95, 0.93)   # half-width 0.05, distance 0.03
    100
    """
    distance = abs(mean - required)
    if n < 2 or not math.isfinite(high - low):
        return MIN_REPS if n < MIN_REPS else None
    if distance < 1e-9:
        return None
    half = (high - low) / 2
    need = math.ceil(n * (half / distance) ** 2 * 1.2)
    need = max(need, MIN_REPS, n + 1)
    return None if need > MAX_SUGGESTED_REPS else need


def scaled_to_runs(tested_needed: int | None, tested: int, runs: int) -> int | None:
    """Replications to run so that about `tested_needed` of them test the target, when only
    `tested` of the `runs` run so far did (a helicopter target is tested only where an air mission
    was flown).

    >>> scaled_to_runs(10, 5, 10)   # half the replications test it: run 20 for 10 tests
    20
    """
    if tested_needed is None or tested <= 0 or runs <= tested:
        return tested_needed
    need = math.ceil(tested_needed * runs / tested)
    return None if need > MAX_SUGGESTED_REPS else need


def status(n: int, mean: float, low: float, high: float, required: float) -> str:
    if n == 0 or mean != mean:
        return "NOT TESTED"
    if n < MIN_REPS or low != low:
        return "UNDECIDED"
    if low >= required - 1e-12:
        return "HOLDS"
    if high < required - 1e-12:
        return "FAILS"
    return "UNDECIDED"


def township_names(places: Any) -> dict[str, str]:
    """township_id -> the township's name (the place whose id is its own township id)."""
    return {p.id: p.name for p in places if p.id == p.township_id}


def worst_townships(
    villages: pd.DataFrame | None, calls: pd.DataFrame | None, name: str, target: AnyTarget, k: int = 3
) -> list[tuple[str, float]]:
    """(township_id, pooled share) of the k townships with the lowest share, worst first."""
    counted = next(
        (u for u in ("people", "missions") if villages is not None and f"{name}_{u}_in_time" in villages),
        None,
    )
    if villages is not None and counted is not None:  # relief and rescue: people; helicopter: missions
        g = villages.groupby("township_id", sort=True)
        total = g[f"{name}_{counted}"].sum()
        share = (g[f"{name}_{counted}_in_time"].sum() / total.where(total > 0)).dropna()
    elif isinstance(target, EmsTargetSettings) and calls is not None and len(calls):
        c = calls[calls["triage"].isin(target.triage) & calls["response_min"].notna()]
        if target.area != "all":
            c = c[c["area"] == target.area]
        share = (c["response_min"] <= call_limit_min(c, target)).groupby(c["township_id"], sort=True).mean()
    else:
        return []
    share = share[share < 1.0 - 1e-12]
    order = sorted(share.items(), key=lambda kv: (kv[1], str(kv[0])))
    return [(str(t), float(s)) for t, s in order[:k]]


def main_cause(summary_rows: Mapping[str, dict], name: str) -> tuple[str, float, str] | None:
    """The cause most of the target's late villages (relief), people (rescue) or missions
    (helicopter) share: (cause, that share, what is counted)."""
    best = None
    for cause in CAUSE_WORDS:
        r = summary_rows.get(f"{name}_late_share_{cause}")
        if r is not None and r["mean"] == r["mean"] and (best is None or r["mean"] > best[1]):
            unit = next((u for u in LATE_UNITS if f"{name}_late_{u}" in summary_rows), "villages")
            best = (cause, float(r["mean"]), unit)
    return best


def verdicts(
    summary: pd.DataFrame,
    targets: Mapping[str, AnyTarget],
    villages: pd.DataFrame | None = None,
    calls: pd.DataFrame | None = None,
    names: Mapping[str, str] | None = None,
    case: str | None = None,
    untested: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """One record per target of `case` (the first case by default). `untested`: the targets the
    run could not test at all, with the reason (sim/results/coverage.py): NOT TESTED, whatever the rows."""
    case = case if case is not None else next(iter(dict.fromkeys(summary["case"])), None)
    rows = {r["measure"]: r for r in summary[summary["case"] == case].to_dict("records")}
    if villages is not None:
        villages = villages[villages["case"] == case]
    if calls is not None:
        calls = calls[calls["case"] == case]
    names = names or {}
    # replications run: the most any measure of the case was counted over (a target is counted
    # only over the replications that tested it)
    runs = max((int(r["n"]) for r in rows.values() if r.get("kind") in ("kpi", "target")), default=0)
    out = []
    for name, target in targets.items():
        share = rows.get(f"{name}_share", {})
        holds = rows.get(f"{name}_holds", {})
        n = int(holds.get("n") or 0)
        mean, low, high = (share.get(k, math.nan) for k in ("mean", "ci_low", "ci_high"))
        if untested and name in untested:
            n, mean, low, high = 0, math.nan, math.nan, math.nan
        required = float(target.required_share)
        verdict = status(n, mean, low, high, required)
        record: dict[str, Any] = {
            "target": name,
            "verdict": verdict,
            "required_share": required,
            "share": None if mean != mean else mean,
            "share_ci": [None if low != low else low, None if high != high else high],
            "p_holds": None if n == 0 else holds["mean"],
            "p_holds_ci": [holds.get("ci_low"), holds.get("ci_high")] if n else [None, None],
            "n": n,
        }
        if untested and name in untested:
            record["not_tested"] = untested[name]
        unit = rows.get(f"{name}_unit_share")
        if unit is not None and unit["mean"] == unit["mean"]:
            record["unit_share"] = unit["mean"]
        if verdict == "UNDECIDED":
            record["reps_to_decide"] = scaled_to_runs(reps_to_decide(n, mean, low, high, required), n, runs)
        if verdict in ("FAILS", "UNDECIDED"):
            worst = worst_townships(villages, calls, name, target)
            record["worst_townships"] = [
                {"township_id": t, "name": names.get(t, t), "share": s} for t, s in worst
            ]
            cause = main_cause(rows, name)
            if cause is not None:
                record["main_cause"] = {"cause": cause[0], f"share_of_late_{cause[2]}": cause[1]}
            elif (ems := ems_cause(calls, target)) is not None:
                record["main_cause"] = {"cause": ems[0], "share_of_response_time": ems[1]}
        out.append(record)
    return out


def cause_share(main_cause: Mapping[str, Any]) -> tuple[float, str]:
    """(share, what it is a share of) of a verdict's main cause: late villages, people or
    missions (`share_of_late_<unit>`), or "response" (an EMS cause, `share_of_response_time`).

    >>> cause_share({"cause": "no_stock", "share_of_late_villages": 0.7})
    (0.7, 'villages')
    """
    for unit in LATE_UNITS:
        if f"share_of_late_{unit}" in main_cause:
            return float(main_cause[f"share_of_late_{unit}"]), unit
    return float(main_cause["share_of_response_time"]), "response"


def verdict_lines(records: list[dict[str, Any]], targets: Mapping[str, AnyTarget]) -> list[str]:
    """The verdict block as the terminal prints it (English; the appendix has its own words)."""
    lines = []
    for r in records:
        t = targets[r["target"]]
        head = f"{r['verdict']:<11} {r['target']:<20}"
        if r["verdict"] == "NOT TESTED":
            why = r.get("not_tested") or f"nobody to count in any of the replications ({_what(t)})"
            lines.append(f"{head} {why}")
            continue
        low, high = r["share_ci"]
        ci = "no interval (1 replication)" if low is None else f"[{low:.1%}, {high:.1%}]"
        p_low, p_high = r["p_holds_ci"]
        line = (
            f"{head} {r['share']:.1%} {ci} in time, needs {r['required_share']:.0%}; "
            f"P(holds) {r['p_holds']:.2f} [{p_low:.2f}, {p_high:.2f}] n={r['n']}"
        )
        lines.append(line)
        if r["verdict"] == "UNDECIDED":
            more = r.get("reps_to_decide")
            few = r["n"] < MIN_REPS
            why = f"fewer than {MIN_REPS} replications" if few else "the interval straddles the requirement"
            hint = (
                f"run more replications (run.reps={more})"
                if more
                else "the share sits about on the requirement: more replications will hardly decide it"
            )
            lines.append(f"{'':12}undecided: {why}; {hint}")
        if r.get("worst_townships"):
            worst = ", ".join(f"{w['name']} {w['share']:.0%}" for w in r["worst_townships"])
            lines.append(f"{'':12}worst townships: {worst}")
        if r.get("main_cause"):
            c = r["main_cause"]
            share, of = cause_share(c)
            whole = f"late {of}" if of in LATE_UNITS else "their response time"
            lines.append(
                f"{'':12}main cause: {CAUSE_WORDS.get(c['cause'], c['cause'])} ({share:.0%} of {whole})"
            )
    return lines


def _what(target: AnyTarget) -> str:
    measure = getattr(target, "measure", "")
    return {
        "relief_complete": "no one displaced",
        "rescue_share": "no one trapped",
        "ems_response": "no ambulance calls",
        "helicopter_response": "no air missions",
    }.get(measure, "nothing to count")
