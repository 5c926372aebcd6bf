"""EMS tables -> KPIs and ems_response target outcomes per replication. Pure: no SimPy, no model.

Conventions:
- Response = call to arrival on scene (minutes), over calls that an ambulance reached;
  calls still unanswered at the horizon are counted (`ems_waiting_at_horizon_calls`), not
  averaged. Mean, p50 and p90 for all calls, per triage class (t1 red, t2 yellow, t3 green)
  and per area (urban / rural, see sim.results.ems_tables.urban_units).
- Wait = call to dispatch of an ambulance; a call still waiting at the horizon counts with its
  wait so far (a lower bound). `ems_wait_share` = share of calls that waited at all (P(wait));
  `ems_diverted_share` = share of calls lost (when_all_busy = divert). Calls received before
  `ems.warmup_h` are left out of every call KPI (the check mode's start-empty bias; 0 for a
  county, whose replications are terminating).
- Casualties delivered: share of disaster casualties handed over at a hospital by 12 h and
  24 h after onset (the plans' rescue clocks start at onset); NaN when there were none.
- An ems_response target's share: of the calls in its triage classes and area received at
  least `limit_min` before the horizon (so their outcome is known), those reached within
  the limit (`rural_limit_min` for rural calls when set); diverted and never-reached calls
  count as late. No such calls: the target is not tested in that replication (share and
  holds missing), never "holds".
- Survival while waiting (sim/model/ems.py; casualties of the triage classes with an
  `ems.survival` curve, by default red only): `ems_red_casualty_calls` (red hazard casualties
  who called), `ems_red_saved_people` (red casualties who reached a hospital alive),
  `ems_red_lost_waiting_people` (red casualties who died before reaching one, by the horizon),
  and the same over every deteriorating class, `ems_casualties_saved_people` and
  `ems_casualties_lost_waiting_people`. Whole people per replication, drawn per casualty
  (stream "ems.survival.*"); with no curve nobody is tracked and all four are 0.
  `lives_saved_all_people` adds the trapped people brought out alive (sim/results/rescue_metrics.py
  `lives_saved_people`) to `ems_casualties_saved_people`: everyone at risk of dying while
  waiting for help (trapped, or a deteriorating casualty) who reached help alive;
  `lives_lost_waiting_all_people` likewise. Sweeps price lives with it (sim/results/metrics.py).
Per-replication values are what summary.csv averages with Student-t intervals (the calls
of one replication are not independent, so no pooled interval over calls is offered).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from sim.settings import EmsTargetSettings
from sim.units import MIN_PER_H

KEYS = ["case", "rep"]
# a column suffix -> the (calls column, value) of the calls it counts; "": every call
GROUPS: dict[str, tuple[str, int | str] | None] = {
    "": None,
    "_t1": ("triage", 1),
    "_t2": ("triage", 2),
    "_t3": ("triage", 3),
}
GROUPS |= {"_urban": ("area", "urban"), "_rural": ("area", "rural")}
DELIVERED_WITHIN_H = (12, 24)


def _by_rep(keys: pd.DataFrame, series: pd.Series) -> pd.Series:
    return series.reindex(pd.MultiIndex.from_frame(keys))


def call_kpis(keys: pd.DataFrame, calls: pd.DataFrame, warmup_h: float = 0.0) -> pd.DataFrame:
    """One row per (case, rep) of `keys`: every EMS call KPI."""
    keys = keys[KEYS].drop_duplicates()
    out = pd.DataFrame(index=pd.MultiIndex.from_frame(keys))
    c = calls[calls["received_at_h"] >= warmup_h]
    g = c.groupby(KEYS)
    out["ems_calls"] = _by_rep(keys, g.size()).fillna(0)
    casualty = c["source"] == "casualty"
    out["ems_casualty_calls"] = _by_rep(keys, casualty.groupby([c["case"], c["rep"]]).sum()).fillna(0)
    for outcome, name in (("diverted", "ems_diverted_calls"), ("waiting", "ems_waiting_at_horizon_calls")):
        hit = (c["outcome"] == outcome).groupby([c["case"], c["rep"]]).sum()
        out[name] = _by_rep(keys, hit).fillna(0)
    out["ems_diverted_share"] = out["ems_diverted_calls"] / out["ems_calls"].where(out["ems_calls"] > 0)
    kept = c[c["outcome"] != "diverted"]
    waits = kept.groupby(KEYS)["wait_min"]
    out["ems_wait_min_mean"] = _by_rep(keys, waits.mean())
    out["ems_wait_share"] = _by_rep(keys, (kept["wait_min"] > 0).groupby([kept["case"], kept["rep"]]).mean())
    reached = c[c["response_min"].notna()]
    for suffix, group in GROUPS.items():
        sub = reached if group is None else reached[reached[group[0]] == group[1]]
        r = sub.groupby(KEYS)["response_min"]
        out[f"ems_response{suffix}_min_mean"] = _by_rep(keys, r.mean())
        out[f"ems_response{suffix}_min_p50"] = _by_rep(keys, r.quantile(0.5))
        out[f"ems_response{suffix}_min_p90"] = _by_rep(keys, r.quantile(0.9))
    cas = c[casualty]
    n_cas = cas.groupby(KEYS).size()
    red = cas["triage"] == 1
    by_cas = [cas["case"], cas["rep"]]
    out["ems_red_casualty_calls"] = _by_rep(keys, red.groupby(by_cas).sum()).fillna(0)
    for what, col in (("saved", "reached_care_at_h"), ("lost_waiting", "died_waiting_at_h")):
        hit = cas[col].notna() if col in cas else pd.Series(False, index=cas.index)
        out[f"ems_red_{what}_people"] = _by_rep(keys, (hit & red).groupby(by_cas).sum()).fillna(0)
        out[f"ems_casualties_{what}_people"] = _by_rep(keys, hit.groupby(by_cas).sum()).fillna(0)
    for hours in DELIVERED_WITHIN_H:
        done = (cas["admitted_at_h"] <= hours).groupby([cas["case"], cas["rep"]]).sum()
        out[f"casualties_delivered_{hours}h_share"] = _by_rep(keys, done / n_cas)
    return out.reset_index()


def lives_all(kpis: Mapping[str, float]) -> dict[str, float]:
    """Lives over rescue and EMS (see the module docstring) from one replication's KPIs."""
    return {
        f"lives_{what}_all_people": float(kpis.get(f"lives_{what}_people", 0.0))
        + float(kpis.get(f"ems_casualties_{what}_people", 0.0))
        for what in ("saved", "lost_waiting")
    }


def call_limit_min(calls: pd.DataFrame, target: EmsTargetSettings) -> pd.Series:
    """Each call's time limit under `target`: `rural_limit_min` for rural calls when it is set,
    `limit_min` for every other call."""
    limit = pd.Series(float(target.limit_min), index=calls.index)
    if target.rural_limit_min is not None:
        limit = limit.where(calls["area"] != "rural", float(target.rural_limit_min))
    return limit


def ems_target_shares(
    keys: pd.DataFrame,
    calls: pd.DataFrame,
    targets: Mapping[str, object],
    horizon_h: float,
    warmup_h: float = 0.0,
) -> pd.DataFrame:
    """Per (case, rep): each ems_response target's share of calls reached in time, and whether it holds."""
    keys = keys[KEYS].drop_duplicates()
    out = pd.DataFrame(index=pd.MultiIndex.from_frame(keys))
    for name, target in targets.items():
        if not isinstance(target, EmsTargetSettings):
            continue
        limit = call_limit_min(calls, target)
        mask = (
            calls["triage"].isin(target.triage)
            & (calls["received_at_h"] >= warmup_h)
            & (calls["received_at_h"] <= horizon_h - limit / MIN_PER_H)
        )
        if target.area != "all":
            mask &= calls["area"] == target.area
        sub = calls[mask]
        in_time = (sub["response_min"] <= limit[mask]).groupby([sub["case"], sub["rep"]]).mean()
        share = _by_rep(keys, in_time)  # no calls to count: NaN, the target not tested
        out[f"{name}_share"] = share
        out[f"{name}_holds"] = (share >= target.required_share - 1e-12).astype(float).where(share.notna())
    return out.reset_index()


def add_ems(
    reps: pd.DataFrame,
    calls: pd.DataFrame,
    targets: Mapping[str, object],
    horizon_h: float,
    warmup_h: float = 0.0,
) -> pd.DataFrame:
    """reps.csv with the EMS call KPIs and ems_response target outcomes added."""
    table = reps.merge(call_kpis(reps, calls, warmup_h), on=KEYS, how="left")
    table = table.merge(ems_target_shares(reps, calls, targets, horizon_h, warmup_h), on=KEYS, how="left")
    return table


def erlang_b(servers: int, load: float) -> float:
    """Blocking probability of M/G/c/c with offered load `load` = lambda x mean service (erlangs),
    by the stable recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1))."""
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(servers: int, load: float) -> float:
    """P(wait) in M/M/c (load < servers): C = B / (1 - rho (1 - B)), rho = load / servers."""
    if load >= servers:
        return math.nan
    b = erlang_b(servers, load)
    rho = load / servers
    return b / (1 - rho * (1 - b))


def mmc_theory(servers: int, calls_per_h: float, service_mean_min: float, divert: bool) -> dict[str, float]:
    """What queueing theory says the check mode should report.

    Queue: P(wait) = Erlang C and mean wait = C x mean service / (c - a) (exponential service
    only). Divert: loss share = Erlang B, for any service distribution (insensitivity)."""
    load = calls_per_h * service_mean_min / MIN_PER_H
    if divert:
        return {"ems_diverted_share": erlang_b(servers, load)}
    if load >= servers:  # no steady state: the queue grows without bound
        return {"ems_wait_share": math.nan, "ems_wait_min_mean": math.nan}
    c = erlang_c(servers, load)
    return {"ems_wait_share": c, "ems_wait_min_mean": c * service_mean_min / (servers - load)}
