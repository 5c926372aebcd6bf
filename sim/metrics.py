"""Tables -> KPIs, target compliance and confidence intervals. Pure: no SimPy, no model.

Conventions:
- A target's per-replication outcome is the share of displaced people whose
  village received every item of the target's class by the deadline; the
  target holds when that share reaches `required_share`.
- P(target holds) over replications gets a Wilson score interval (it stays
  inside [0, 1] and behaves at 0 and n successes, unlike the normal interval).
- Means of per-replication KPIs get Student-t intervals (replications are
  independent and identically distributed).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from sim.settings import AnyTarget, CostSettings, TargetSettings

CONFIDENCE = 0.95
CLASS_COLUMN = {
    "initial": "initial_complete_at_h",
    "basic": "basic_complete_at_h",
    "all": "relief_complete_at_h",
}
KEYS = ["case", "rep"]


def wilson(successes: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion."""
    if n == 0:
        return (math.nan, math.nan)
    z = stats.norm.ppf(0.5 + confidence / 2)
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
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1) * x.std(ddof=1) / math.sqrt(n))
    return (mean, mean - half, mean + half)


def target_shares(villages: pd.DataFrame, targets: Mapping[str, AnyTarget]) -> pd.DataFrame:
    """Per (case, rep): each target's share of displaced people served in time, and whether it holds."""
    hit = villages[villages["displaced"] > 0]
    out = villages[KEYS].drop_duplicates().set_index(KEYS)
    total = hit.groupby(KEYS)["displaced"].sum()
    for name, target in targets.items():
        if target.measure != "relief_complete":
            continue  # ems_response targets: sim.ems_metrics.ems_target_shares
        done = hit[CLASS_COLUMN[target.item_class]] <= target.deadline_h  # nan -> False
        served = (hit["displaced"] * done).groupby([hit["case"], hit["rep"]]).sum()
        share = (served / total).reindex(out.index)
        # No displaced people: nothing to relieve, so the target holds trivially.
        share = share.fillna(1.0)
        out[f"{name}_share"] = share
        out[f"{name}_holds"] = (share >= target.required_share - 1e-12).astype(int)
    return out.reset_index()


def rep_table(
    villages: pd.DataFrame, facts: pd.DataFrame, targets: Mapping[str, TargetSettings], costs: CostSettings
) -> pd.DataFrame:
    """One row per (case, rep): every KPI and target outcome (reps.csv)."""
    g = villages.groupby(KEYS)
    hit = villages[villages["displaced"] > 0]
    weights = hit["relief_complete_at_h"].notna() * hit["displaced"]
    weighted = (hit["relief_complete_at_h"].fillna(0) * weights).groupby([hit["case"], hit["rep"]]).sum()
    kpis = pd.DataFrame(
        {
            "displaced_people": g["displaced"].sum(),
            "villages_affected": g["displaced"].apply(lambda s: int((s > 0).sum())),
            "need_units": g["need_units"].sum(),
            "delivered_units": g["delivered_units"].sum(),
            "unmet_units": g["unmet_units"].sum(),
            "short_units": g["short_units"].sum(),
            "lateral_aid_units": g["lateral_aid_units"].sum(),
        }
    )
    served = weights.groupby([hit["case"], hit["rep"]]).sum()
    kpis["served_share_at_horizon"] = (served / kpis["displaced_people"]).fillna(1.0)
    kpis["relief_complete_h_mean"] = (weighted / served).reindex(kpis.index)
    table = kpis.reset_index().merge(facts, on=KEYS, how="left")
    table["truck_cost_yuan"] = table["truck_busy_h"] * costs.truck_yuan_per_h
    table = table.merge(target_shares(villages, targets), on=KEYS, how="left")
    return table.sort_values(KEYS, kind="stable").reset_index(drop=True)


def summarise(reps: pd.DataFrame, targets: Mapping[str, TargetSettings]) -> pd.DataFrame:
    """Tidy summary: one row per (case, measure) with its mean and interval and the method."""
    rows = []
    kpi_cols = [c for c in reps.columns if c not in KEYS and c != "seed" and not c.endswith("_holds")]
    for case, block in reps.groupby("case", sort=False):
        n = len(block)
        for name, target in targets.items():
            k = int(block[f"{name}_holds"].sum())
            low, high = wilson(k, n)
            rows.append(
                dict(
                    case=case,
                    measure=f"{name}_holds",
                    kind="target",
                    n=n,
                    mean=k / n,
                    ci_low=low,
                    ci_high=high,
                    method="Wilson score 95%",
                    deadline_h=target.deadline_h,
                    required_share=target.required_share,
                )
            )
        for col in kpi_cols:
            mean, low, high = t_interval(block[col])
            rows.append(
                dict(
                    case=case,
                    measure=col,
                    kind="kpi",
                    n=int(block[col].notna().sum()),
                    mean=mean,
                    ci_low=low,
                    ci_high=high,
                    method="Student t 95%",
                )
            )
    return pd.DataFrame(rows)
