"""Tables -> KPIs, target compliance and confidence intervals. Pure: no SimPy, no model.

Conventions:
- A relief target's per-replication outcome is the share of the people it counts who had
  their kit of the target's class in place by their own deadline (sim/results/relief_people.py:
  per person, deliveries shared in arrival order, each person's clock from when they were
  displaced unless the target says `clock: event_onset`); the target holds when that share
  reaches `required_share`. Beside it: the share of units in place in time, and the old
  all-or-nothing village measure under its own name (`<target>_village_complete_share`).
- Every target in every replication HOLDS (1), FAILS (0) or is NOT TESTED (missing: nobody
  to count). P(holds) is over the replications where it was tested, with that n.
- P(target holds) over replications gets a Wilson score interval (it stays
  inside [0, 1] and behaves at 0 and n successes, unlike the normal interval).
- Means of per-replication KPIs get Student-t intervals (replications are
  independent and identically distributed).

Size: the relief KPIs and summary, then the comparison of sweep cases (from the `--- Sweeps`
line: paired differences, frontier, equity), to move to a results/comparison.py once the
branches editing this file (issue 22) have landed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import special  # not scipy.stats: the same functions, a second less to import

from sim.results.relief_people import PERSON_SUFFIXES
from sim.results.rescue_metrics import AIR_CAUSES, RESCUE_CAUSES
from sim.settings import AnyTarget, CostSettings, TargetSettings

CONFIDENCE = 0.95
CLASS_COLUMN = {
    "initial": "initial_complete_at_h",
    "basic": "basic_complete_at_h",
    "all": "relief_complete_at_h",
}
KEYS = ["case", "rep"]
# KPIs that are fractions of a whole (people served, busy time of the time available): their
# t intervals are clipped to [0, 1], like the means they bracket
BOUNDED_SUFFIXES = ("_share", "_utilisation")
BOUNDED_NAMES = {"served_share_at_horizon"}  # a share whose name carries a qualifier after it
T_METHOD = "Student t 95%"
FRACTION_METHOD = "Student t 95%, clipped to [0, 1]"


def wilson(successes: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion."""
    if n == 0:
        return (math.nan, math.nan)
    z = special.ndtri(0.5 + confidence / 2)  # the normal quantile (what stats.norm.ppf calls)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    # At 0 or n successes the bound is exactly 0 or 1; floating point would miss it by 1e-16.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return (low, high)


def t_interval(values: np.ndarray | pd.Series, confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """(mean, low, high) with a Student-t interval; nan bounds when n < 2."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return (math.nan, math.nan, math.nan)
    mean = float(x.mean())
    if n < 2:
        return (mean, math.nan, math.nan)
    # the Student-t quantile, as stats.t.ppf computes it
    half = float(special.stdtrit(n - 1, 0.5 + confidence / 2) * x.std(ddof=1) / math.sqrt(n))
    return (mean, mean - half, mean + half)


def held(outcomes: pd.Series) -> tuple[int, int]:
    """(replications where a target held, replications with an outcome): a missing outcome is
    left out of both, never counted as not holding."""
    known = outcomes.dropna()
    return int(known.sum()), len(known)


def is_fraction(measure: str) -> bool:
    """A KPI that is a fraction of a whole (see BOUNDED_SUFFIXES)."""
    return measure.endswith(BOUNDED_SUFFIXES) or measure in BOUNDED_NAMES


def fraction_interval(values: np.ndarray | pd.Series) -> tuple[float, float, float]:
    """(mean, low, high) of a fraction of a whole: the t interval clipped to [0, 1]
    (FRACTION_METHOD); a near-1 share over few replications would otherwise pass 1."""
    return _clipped(*t_interval(values))


def _clipped(mean: float, low: float, high: float) -> tuple[float, float, float]:
    """Bounds inside [0, 1]; a nan bound (one replication) stays nan."""
    return (mean, 0.0 if low < 0.0 else low, 1.0 if high > 1.0 else high)


def relief_targets(targets: Mapping[str, AnyTarget]) -> dict[str, TargetSettings]:
    """The relief_complete targets (ems_response targets: sim.results.ems_metrics.ems_target_shares)."""
    return {name: t for name, t in targets.items() if isinstance(t, TargetSettings)}


def target_shares(villages: pd.DataFrame, targets: Mapping[str, AnyTarget]) -> pd.DataFrame:
    """Per (case, rep), per relief target: the share of counted people relieved in time, the
    share of their units in place in time, the people counted and counted apart, whether it
    holds (missing when nobody was counted: not tested), and the old village-complete share."""
    out = villages[KEYS].drop_duplicates().set_index(KEYS)
    by = [villages["case"], villages["rep"]]
    for name, target in relief_targets(targets).items():
        sums = {s: villages[f"{name}_{s}"].groupby(by).sum().reindex(out.index) for s in PERSON_SUFFIXES}
        people = sums["people"]
        share = sums["people_in_time"] / people.where(people > 0)
        out[f"{name}_share"] = share
        out[f"{name}_unit_share"] = sums["units_in_time"] / sums["units"].where(sums["units"] > 0)
        out[f"{name}_people"] = people
        out[f"{name}_people_in_time"] = sums["people_in_time"]
        out[f"{name}_struck_late_people"] = sums["people_struck_late"]
        out[f"{name}_past_horizon_people"] = sums["people_past_horizon"]
        out[f"{name}_holds"] = (share >= target.required_share - 1e-12).astype(float).where(share.notna())
        out[f"{name}_village_complete_share"] = village_complete_shares(villages, target).reindex(out.index)
    return out.reset_index()


def village_complete_shares(villages: pd.DataFrame, target: TargetSettings) -> pd.Series:
    """The measure before 2026-12: per (case, rep), the share of the people in need (displaced,
    and stranded at home) whose whole village had every item of the class by the deadline counted
    from minute 0 (all or nothing per village); NaN with nobody in need."""
    hit = villages[villages["in_need"] > 0]
    total = hit.groupby(KEYS)["in_need"].sum()
    done = hit[CLASS_COLUMN[target.item_class]] <= target.deadline_h  # nan -> False
    served = (hit["in_need"] * done).groupby([hit["case"], hit["rep"]]).sum()
    return served / total


def late_villages(villages: pd.DataFrame, name: str) -> pd.Series:
    """Villages where some people the target counts were not relieved by their deadline."""
    return villages[f"{name}_people_in_time"] < villages[f"{name}_people"]


LATE_CAUSES = ("report_delay", "road_blocked", "no_stock", "no_vehicle", "travel_time")
# what each kind of target counts late (relief: villages; rescue: people; helicopter: missions)
LATE_KINDS = (("villages", LATE_CAUSES), ("people", RESCUE_CAUSES), ("missions", AIR_CAUSES))


def late_cause(villages: pd.DataFrame, name: str, target: TargetSettings) -> pd.Series:
    """Why each village missed `target` (None where everyone it counts there was on time).

    The deadline below is that of the village's first people the target counts (from when they
    were displaced or stranded, or from the onset, by the target's clock, plus `deadline_h`).
    The rule, applied in this order to facts from the event log (the first that holds wins):
      report_delay  its full need was known (final report) later than the deadline minus the
                    fastest service any depot could give it on undamaged roads
                    (load + drive + unload: `min_service_h`);
      road_blocked  a road problem touched its supply before the deadline: need deferred for
                    want of a road, a truck to it held or re-routed, or the village cut off;
      no_stock      some of its need was short everywhere, or came from contract or province
                    reserves (which ship only after their lead time);
      no_vehicle    a shipment to it waited for a free truck;
      travel_time   none of the above: loading, driving and unloading alone took too long.
    """
    # the village's first people's deadline: from their displacement, or the onset
    first = "displaced_at_h" if target.population == "displaced" else "in_need_at_h"
    start = villages[first] if target.clock == "affected" else villages["onset_at_h"]
    deadline = start + target.deadline_h
    late = late_villages(villages, name)
    cause = pd.Series([None] * len(villages), index=villages.index, dtype=object)
    rules = [
        ("report_delay", villages["final_report_at_h"] > deadline - villages["min_service_h"]),
        ("road_blocked", villages["road_trouble_at_h"] < deadline),
        ("no_stock", (villages["short_units"] > 0) | (villages["reserve_units"] > 0)),
        ("no_vehicle", villages["truck_wait_h"] > 0),
        ("travel_time", pd.Series(True, index=villages.index)),
    ]
    for name, holds in rules:
        pick = late & cause.isna() & holds.fillna(False)
        cause[pick] = name
    return cause


def add_late_causes(villages: pd.DataFrame, targets: Mapping[str, AnyTarget]) -> pd.DataFrame:
    """villages with a `<target>_late_cause` column per target."""
    out = villages.copy()
    for name, target in relief_targets(targets).items():
        out[f"{name}_late_cause"] = late_cause(villages, name, target).astype("string")
    return out


def late_counts(villages: pd.DataFrame, targets: Mapping[str, AnyTarget]) -> pd.DataFrame:
    """Per (case, rep): late villages per target and cause (`<target>_late_<cause>`)."""
    out = villages[KEYS].drop_duplicates().set_index(KEYS)
    for name in relief_targets(targets):
        col = villages[f"{name}_late_cause"]
        out[f"{name}_late_villages"] = col.notna().groupby([villages["case"], villages["rep"]]).sum()
        for cause in LATE_CAUSES:
            out[f"{name}_late_{cause}"] = (col == cause).groupby([villages["case"], villages["rep"]]).sum()
    return out.reset_index()


def rep_table(
    villages: pd.DataFrame, facts: pd.DataFrame, targets: Mapping[str, AnyTarget], costs: CostSettings
) -> pd.DataFrame:
    """One row per (case, rep): every KPI and target outcome (reps.csv)."""
    g = villages.groupby(KEYS)
    hit = villages[villages["in_need"] > 0]
    weights = hit["relief_complete_at_h"].notna() * hit["in_need"]
    weighted = (hit["relief_complete_at_h"].fillna(0) * weights).groupby([hit["case"], hit["rep"]]).sum()
    kpis = pd.DataFrame(
        {
            "displaced_people": g["displaced"].sum(),
            "stranded_people": g["stranded"].sum(),
            "in_need_people": g["in_need"].sum(),
            "villages_affected": g["in_need"].apply(lambda s: int((s > 0).sum())),
            "need_units": g["need_units"].sum(),
            "delivered_units": g["delivered_units"].sum(),
            "unmet_units": g["unmet_units"].sum(),
            "short_units": g["short_units"].sum(),
            "lateral_aid_units": g["lateral_aid_units"].sum(),
        }
    )
    served = weights.groupby([hit["case"], hit["rep"]]).sum()
    # nobody in need: NaN (nothing to serve), never a silent 100 %
    kpis["served_share_at_horizon"] = served / kpis["in_need_people"].where(kpis["in_need_people"] > 0)
    kpis["relief_complete_h_mean"] = (weighted / served).reindex(kpis.index)
    table = kpis.reset_index().merge(facts, on=KEYS, how="left")
    table["truck_cost_yuan"] = table["truck_busy_h"] * costs.truck_yuan_per_h
    table = table.merge(target_shares(villages, targets), on=KEYS, how="left")
    if any(f"{name}_late_cause" in villages.columns for name in relief_targets(targets)):
        table = table.merge(late_counts(villages, targets), on=KEYS, how="left")
    return table.sort_values(KEYS, kind="stable").reset_index(drop=True)


def summarise(reps: pd.DataFrame, targets: Mapping[str, AnyTarget]) -> pd.DataFrame:
    """Tidy summary: one row per (case, measure) with its mean and interval and the method."""
    rows = []
    kpi_cols = [c for c in reps.columns if c not in KEYS and c != "seed" and not c.endswith("_holds")]
    for case, block in reps.groupby("case", sort=False):
        for name, target in targets.items():
            k, n = held(block[f"{name}_holds"])
            low, high = wilson(k, n)
            rows.append(
                dict(
                    case=case,
                    measure=f"{name}_holds",
                    kind="target",
                    n=n,
                    mean=k / n if n else math.nan,
                    ci_low=low,
                    ci_high=high,
                    method="Wilson score 95%",
                    deadline_h=target.deadline_h,
                    required_share=target.required_share,
                )
            )
        for col in kpi_cols:
            mean, low, high = t_interval(block[col])
            method = T_METHOD
            if is_fraction(col):  # a share or utilisation cannot leave [0, 1]
                mean, low, high = _clipped(mean, low, high)
                method = FRACTION_METHOD
            elif low < 0.0:  # every replication KPI is a count, time, cost or rate: never negative
                low = 0.0
                method = "Student t 95%, clipped at 0"
            rows.append(
                dict(
                    case=case,
                    measure=col,
                    kind="kpi",
                    n=int(block[col].notna().sum()),
                    mean=mean,
                    ci_low=low,
                    ci_high=high,
                    method=method,
                )
            )
        for name in targets:
            for unit, causes in LATE_KINDS:
                if f"{name}_late_{unit}" not in block:
                    continue
                late = int(block[f"{name}_late_{unit}"].sum())
                for cause in causes:
                    k = int(block[f"{name}_late_{cause}"].sum())
                    rows.append(
                        dict(
                            case=case,
                            measure=f"{name}_late_share_{cause}",
                            kind="late_cause",
                            n=late,
                            mean=k / late if late else math.nan,
                            ci_low=math.nan,
                            ci_high=math.nan,
                            method=f"share of late {unit}, pooled over replications (no "
                            f"interval: the {unit} of one replication are not independent)",
                        )
                    )
    return pd.DataFrame(rows)


# --- Sweeps: comparing budget cases (common random numbers) ---------------------------------
# Every function below is pure and states its method in its output, so a reader of any
# saved number can see n and how its interval was made.
PAIRED_METHOD = "paired Student t 95% on per-replication differences (common random numbers)"
WILSON_METHOD = "Wilson score 95%"


def wilson_halfwidth(successes: int, n: int, confidence: float = CONFIDENCE) -> float:
    """Half the width of the Wilson interval: the precision sequential stopping aims at."""
    low, high = wilson(successes, n, confidence)
    return (high - low) / 2


def paired_difference(
    case: pd.Series, base: pd.Series, confidence: float = CONFIDENCE
) -> tuple[float, float, float, int]:
    """(mean, low, high, n pairs) of case - base, paired on the index (the replication).

    Replication r of both cases saw the same disaster (common random numbers), so the
    per-replication difference removes the disaster's variation from the comparison.
    Only replications present in both (and not missing) are paired.
    """
    joined = pd.concat([case.rename("case"), base.rename("base")], axis=1, join="inner").dropna()
    diff = (joined["case"] - joined["base"]).to_numpy(dtype=float)
    mean, low, high = t_interval(diff, confidence)
    return (mean, low, high, len(diff))


def township_shares(villages: pd.DataFrame, targets: Mapping[str, AnyTarget]) -> pd.DataFrame:
    """Per (case, rep, township, target): the share of the township's counted people relieved by
    their deadline. Townships with nobody counted in a replication are left out."""
    keys = [*KEYS, "township_id"]
    frames = []
    for name in relief_targets(targets):  # EMS targets have no township share
        g = villages.groupby(keys, sort=True)
        people = g[f"{name}_people"].sum()
        share = (g[f"{name}_people_in_time"].sum() / people.where(people > 0)).dropna()
        frame = share.rename("share").reset_index()
        frame.insert(len(keys), "target", name)
        frames.append(frame)
    columns = [*keys, "target", "share"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def equity(shares: pd.DataFrame, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Per (case, target): the worst-served township (lowest mean share over replications, with a
    t interval; `worst_name` its name from `names`, else its id) and the spread between the
    best- and worst-served townships' mean shares."""
    rows = []
    for (case, target), block in shares.groupby(["case", "target"], sort=False):
        means = block.groupby("township_id", sort=True)["share"].mean()
        worst = str(means.idxmin())  # ties: the first township id in sorted order
        mean, low, high = fraction_interval(block.loc[block["township_id"] == worst, "share"])
        rows.append(
            dict(
                case=case,
                target=target,
                worst_township=worst,
                worst_name=(names or {}).get(worst, worst),
                worst_share=mean,
                worst_low=low,
                worst_high=high,
                worst_n=int((block["township_id"] == worst).sum()),
                spread=float(means.max() - means.min()),
                townships=len(means),
            )
        )
    return pd.DataFrame(rows)


def frontier(cost: list[float], score: list[tuple[float, ...]]) -> list[bool]:
    """Whether each case is on the cost-compliance frontier: no other case costs no more and
    complies at least as well (scores compare lexicographically), being strictly better in one."""
    out = []
    for i in range(len(cost)):
        dominated = any(
            cost[j] <= cost[i] and score[j] >= score[i] and (cost[j] < cost[i] or score[j] > score[i])
            for j in range(len(cost))
            if j != i
        )
        out.append(not dominated)
    return out


def per_million(value: float, extra_yuan: float) -> float:
    """A gain per million yuan spent beyond the baseline; nan when nothing extra is spent."""
    return value / extra_yuan * 1e6 if extra_yuan > 0 else math.nan


LivesRow = tuple[str, str, float, float, float, int, str]  # measure, target, estimate, low, high, n, method


def lives_rows(case: pd.Series, base: pd.Series, extra_yuan: float) -> list[LivesRow]:
    """(measure, target, estimate, low, high, n, method) rows: lives saved per replication, paired
    with the baseline, and yuan per extra life saved (extra cost over the paired difference; its
    interval from the difference's, finite only when that interval lies above zero)."""
    d, low, high, pairs = paired_difference(case, base)
    per = extra_yuan / d if d > 0 else math.nan
    per_low = extra_yuan / high if high > 0 else math.nan
    per_high = extra_yuan / low if low > 0 else math.inf if high > 0 else math.nan
    return [
        ("lives_saved_diff", "", d, low, high, pairs, PAIRED_METHOD),
        (
            "yuan_per_life_saved",
            "",
            per,
            per_low,
            per_high,
            pairs,
            f"extra cost / paired difference ({PAIRED_METHOD})",
        ),
    ]


def compare_cases(
    reps: pd.DataFrame,
    cost_yuan: Mapping[str, float],
    targets: Mapping[str, AnyTarget],
    baseline: str,
    focus: str,
    equity_table: pd.DataFrame,
    cost_method: str,
) -> pd.DataFrame:
    """The decision table of a sweep, tidy: one row per (case, measure) with estimate, interval,
    n and method. Measures per target T: T_p_holds, T_share, T_holds_diff, T_share_diff (vs the
    baseline, paired), T_holds_gain_per_myuan, T_share_gain_pp_per_myuan, T_worst_township_share,
    T_township_spread; per case: cost_yuan and frontier (on the focus target); with lives in the
    replications, lives_saved_diff and yuan_per_life_saved (lives_rows) on `lives_saved_all_people`
    (trapped people brought out alive + deteriorating casualties at a hospital alive,
    sim/results/ems_metrics.py), or on `lives_saved_people` (rescue only) in results made before it."""
    rows: list[dict] = []
    cases = list(dict.fromkeys(reps["case"]))
    by_case = {c: reps[reps["case"] == c].set_index("rep") for c in cases}
    base = by_case.get(baseline)
    eq = {(r["case"], r["target"]): r for r in equity_table.to_dict("records")}

    def row(case, measure, target, estimate, low, high, n, method, note=""):
        rows.append(
            dict(
                case=case,
                measure=measure,
                target=target,
                estimate=estimate,
                ci_low=low,
                ci_high=high,
                n=n,
                method=method,
                note=note,
            )
        )

    score: dict[str, tuple[float, float]] = {}
    for case in cases:
        block = by_case[case]
        n = len(block)
        extra = cost_yuan[case] - cost_yuan.get(baseline, 0.0)
        row(case, "cost_yuan", "", cost_yuan[case], math.nan, math.nan, None, cost_method)
        for name in targets:
            k, held_n = held(block[f"{name}_holds"])
            low, high = wilson(k, held_n)
            p_holds = k / held_n if held_n else math.nan
            row(case, f"{name}_p_holds", name, p_holds, low, high, held_n, WILSON_METHOD)
            share = block[f"{name}_share"]
            mean, slow, shigh = fraction_interval(share)
            row(case, f"{name}_share", name, mean, slow, shigh, int(share.notna().sum()), FRACTION_METHOD)
            if name == focus:
                score[case] = (p_holds if held_n else -1.0, mean)
            if base is not None and case != baseline:
                for kind, col in (("holds", f"{name}_holds"), ("share", f"{name}_share")):
                    d, dlow, dhigh, pairs = paired_difference(block[col], base[col])
                    row(
                        case,
                        f"{name}_{kind}_diff",
                        name,
                        d,
                        dlow,
                        dhigh,
                        pairs,
                        PAIRED_METHOD,
                        f"vs {baseline}",
                    )
                    scale = 100.0 if kind == "share" else 1.0  # shares as percentage points
                    unit = "pp_per_myuan" if kind == "share" else "per_myuan"
                    row(
                        case,
                        f"{name}_{kind}_gain_{unit}",
                        name,
                        per_million(d * scale, extra),
                        per_million(dlow * scale, extra),
                        per_million(dhigh * scale, extra),
                        pairs,
                        f"paired difference / extra cost x 1e6 ({PAIRED_METHOD})",
                        f"vs {baseline}; extra cost {extra:,.0f} yuan" if extra > 0 else "no extra cost",
                    )
            e = eq.get((case, name))
            if e is not None:
                row(
                    case,
                    f"{name}_worst_township_share",
                    name,
                    e["worst_share"],
                    e["worst_low"],
                    e["worst_high"],
                    e["worst_n"],
                    f"{FRACTION_METHOD} over replications of the township with the lowest mean share",
                    f"township {e.get('worst_name') or e['worst_township']}",
                )
                row(
                    case,
                    f"{name}_township_spread",
                    name,
                    e["spread"],
                    math.nan,
                    math.nan,
                    n,
                    "best minus worst township mean share (point estimate)",
                    f"{e['townships']} townships with displaced people",
                )
    # lives over rescue and EMS (sim/results/ems_metrics.py lives_all); results made before it: rescue only
    lives = next((c for c in ("lives_saved_all_people", "lives_saved_people") if c in reps), None)
    if base is not None and lives is not None:
        for case in cases:
            if case != baseline:
                extra = cost_yuan[case] - cost_yuan.get(baseline, 0.0)
                for r in lives_rows(by_case[case][lives], base[lives], extra):
                    row(case, *r, f"vs {baseline}; extra cost {extra:,.0f} yuan")
    on = frontier([cost_yuan[c] for c in cases], [score.get(c, (-1.0, -1.0)) for c in cases])
    for case, flag in zip(cases, on, strict=True):
        row(
            case,
            "frontier",
            focus,
            float(flag),
            math.nan,
            math.nan,
            len(by_case[case]),
            f"not dominated in (cost, P({focus} holds), mean {focus} share); point estimates",
        )
    out = pd.DataFrame(rows)
    out["n"] = out["n"].astype("Int64")  # cost rows have no n
    return out
