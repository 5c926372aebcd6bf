"""Per-village and per-township answers a planner can open in Excel or WPS.

villages.csv: one row per (case, village). For each relief target:
  <t>_reps          replications in which the village had people the target counts
  <t>_p             P(everyone counted there relieved by their deadline), over those replications
  <t>_p_low/_high   its Wilson 95 % interval
  <t>_people_share  people relieved in time over people counted, pooled over replications
  <t>_late_cause    the most frequent cause of lateness over the replications it was late in
and, per item class, the mean hour the village's whole need of the class was in place (over
the replications where it was: `<class>_complete_h_mean`, with how many replications that was).
townships.csv: one row per (case, township): people counted per replication, the pooled share
in time, and P(the township's share reaches the target's requirement) with its Wilson interval;
trapped people saved and lost while waiting per replication (`lives_saved_mean`,
`lives_lost_waiting_mean`, each with its Student t 95 % interval `_low`/`_high`), and red
casualties who reached a hospital alive or died waiting (`red_saved_mean`, `red_lost_waiting_mean`,
same intervals; casualties at villages, sim/model/ems.py).
Pure: reads the village table of a run; no model.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import cast

import numpy as np
import pandas as pd

from sim.results.metrics import CLASS_COLUMN, relief_targets, t_interval, wilson
from sim.safe_text import csv_text
from sim.settings import AnyTarget

# Column headers in Chinese, for the table in docs/guide/answer.md and for readers who want them
# (documented, not written: the CSV keeps one header row so that joins and formulas keep working).
HEADERS_ZH = {
    "case": "方案",
    "place_id": "村编号",
    "name": "村（社区）名",
    "township_id": "乡镇编号",
    "township_name": "乡镇（街道）名",
    "population": "人口",
    "displaced_mean": "平均紧急转移安置人数",
    "in_need_mean": "平均需救助人数（转移安置及居家需紧急生活救助）",
    "_reps": "有需救助人员的重复次数",
    "_p": "按时救助概率（全部人员）",
    "_p_low": "概率下限（95% Wilson）",
    "_p_high": "概率上限（95% Wilson）",
    "_people_share": "按时救助人员比例（合并）",
    "_late_cause": "主要延误原因",
}


def _mode(values: Iterable[object]) -> str | None:
    """The most frequent of `values` (missing ones skipped), ties alphabetical, so
    the output never depends on the order of the rows."""
    counts = Counter(str(v) for v in values if v is not None)
    if not counts:
        return None
    top = max(counts.values())
    return min(v for v, c in counts.items() if c == top)


def village_answers(
    villages: pd.DataFrame, targets: Mapping[str, AnyTarget], townships: Mapping[str, str]
) -> pd.DataFrame:
    """One row per (case, village), in the order the villages first appear. Each village's rows
    are sliced out of numpy arrays rather than grouped by pandas: a pandas group cost about 6 ms
    a village (18.6 s of a 3,000-village county's run, against 7.3 s of simulation), the slices
    about 0.1 ms; the arithmetic is numpy's as before (pairwise sums, sum/count means), so the
    values are the same to the bit."""
    keys = ["case", "place_id"]
    group = villages.groupby(keys, sort=False).ngroup().to_numpy()
    order = np.argsort(group, kind="stable")  # each village's rows together, in their own order
    bounds = np.searchsorted(group[order], np.arange(group.max() + 2 if len(group) else 1))
    relief = relief_targets(targets)
    needed = ["case", "place_id", "name", "township_id", "population", "displaced", "in_need"]
    needed += [f"{name}_people{part}" for name in relief for part in ("", "_in_time")]
    column = {c: villages[c].to_numpy()[order] for c in [*needed, *CLASS_COLUMN.values()]}
    causes = {
        f"{name}_late_cause": _texts(villages[f"{name}_late_cause"])[order]
        for name in relief
        if f"{name}_late_cause" in villages
    }
    rows = []
    for lo, hi in itertools.pairwise(bounds):
        at = slice(lo, hi)
        township = column["township_id"][lo]
        row = {
            "case": column["case"][lo],
            "place_id": column["place_id"][lo],
            "name": column["name"][lo],
            "township_id": township,
            "township_name": townships.get(township, township),
            "population": int(column["population"][lo]),
            "displaced_mean": _mean(column["displaced"][at]),
            "in_need_mean": _mean(column["in_need"][at]),
        }
        for name in relief:
            people, in_time = column[f"{name}_people"][at], column[f"{name}_people_in_time"][at]
            counted = people > 0
            ok = int((in_time[counted] >= people[counted]).sum())
            n = int(counted.sum())
            low, high = wilson(ok, n)
            total = people[counted].sum()
            row[f"{name}_reps"] = n
            row[f"{name}_p"] = ok / n if n else None
            row[f"{name}_p_low"] = low if n else None
            row[f"{name}_p_high"] = high if n else None
            row[f"{name}_people_share"] = in_time[counted].sum() / total if total else None
            cause = f"{name}_late_cause"
            row[cause] = _mode(causes[cause][at]) if cause in causes else None
        for cls, name in CLASS_COLUMN.items():
            hours = column[name][at]
            done = hours[~np.isnan(hours)]
            row[f"{cls}_complete_h_mean"] = _mean(done) if len(done) else None
            row[f"{cls}_complete_reps"] = len(done)
        rows.append(row)
    return pd.DataFrame(rows)


def _texts(values: pd.Series) -> np.ndarray:
    """A text column as objects, None where it is missing (NA or NaN, whichever the dtype uses)."""
    out = values.to_numpy(dtype=object)
    out[values.isna().to_numpy()] = None
    return out


def _mean(values: np.ndarray) -> float:
    """As pandas' Series.mean without NaN: the sum in float64 (numpy's pairwise sum) over the count."""
    return float(values.sum(dtype=np.float64) / len(values))


def township_answers(
    villages: pd.DataFrame, targets: Mapping[str, AnyTarget], townships: Mapping[str, str]
) -> pd.DataFrame:
    """One row per (case, township), sorted. The sums per (case, township, replication) are made
    once for every column, then each township reads its replications' rows (summing them again
    for each township and target took most of a 3,000-village county's answers)."""
    relief = relief_targets(targets)
    # trapped people, and red casualties (sim/model/ems.py), saved and lost while waiting, per
    # replication (results made before the red columns have the trapped only)
    lives = [
        c for c in ("lives_saved", "lives_lost_waiting", "red_saved", "red_lost_waiting") if c in villages
    ]
    columns = ["displaced", "in_need", *lives]
    columns += [f"{name}_people{part}" for name in relief for part in ("", "_in_time")]
    per_rep = villages.groupby(["case", "township_id", "rep"], sort=True)[columns].sum()
    counts = villages.groupby(["case", "township_id"], sort=True)["place_id"].nunique()
    rows = []
    for key, n_villages in counts.items():
        case, town = cast(tuple[str, str], key)  # both key columns hold text ids
        # a partial key of the (case, township, rep) index: a frame of the replications' rows
        sums = cast(pd.DataFrame, per_rep.loc[(case, town)])
        row: dict[str, object] = {"case": case, "township_id": town}
        row["township_name"] = townships.get(town, town)
        row["villages"] = int(n_villages)
        row["displaced_mean"] = float(sums["displaced"].mean())
        row["in_need_mean"] = float(sums["in_need"].mean())
        for col in lives:
            mean, low, high = t_interval(sums[col])
            # a count is never negative: the t interval's lower end is clipped at 0
            row[f"{col}_mean"], row[f"{col}_high"] = mean, high
            row[f"{col}_low"] = low if math.isnan(low) else max(0.0, low)
        for name, target in relief.items():
            tested = sums[sums[f"{name}_people"] > 0]
            share = tested[f"{name}_people_in_time"] / tested[f"{name}_people"]
            ok = int((share >= target.required_share - 1e-12).sum())
            n = len(tested)
            low, high = wilson(ok, n)
            people = tested[f"{name}_people"].sum()
            row[f"{name}_people_mean"] = float(sums[f"{name}_people"].mean())
            row[f"{name}_people_share"] = tested[f"{name}_people_in_time"].sum() / people if people else None
            row[f"{name}_reps"] = n
            row[f"{name}_p"] = ok / n if n else None
            row[f"{name}_p_low"] = low if n else None
            row[f"{name}_p_high"] = high if n else None
        rows.append(row)
    return pd.DataFrame(rows)


def excel_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark (Excel and WPS then read Chinese correctly), formula-defused."""
    return ("\ufeff" + csv_text(frame)).encode("utf-8")
