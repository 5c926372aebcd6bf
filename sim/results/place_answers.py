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

import math
from collections.abc import Mapping
from typing import cast

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


def _mode(values: pd.Series) -> str | None:
    counts = values.dropna().astype(str).value_counts()
    if counts.empty:
        return None
    top = counts[counts == counts.max()].index
    return sorted(top)[0]  # ties: alphabetical, so output never depends on order


def village_answers(
    villages: pd.DataFrame, targets: Mapping[str, AnyTarget], townships: Mapping[str, str]
) -> pd.DataFrame:
    rows = []
    keys = ["case", "place_id"]
    for (case, place), block in villages.groupby(keys, sort=False):
        first = block.iloc[0]
        row = {
            "case": case,
            "place_id": place,
            "name": first["name"],
            "township_id": first["township_id"],
            "township_name": townships.get(first["township_id"], first["township_id"]),
            "population": int(first["population"]),
            "displaced_mean": float(block["displaced"].mean()),
            "in_need_mean": float(block["in_need"].mean()),
        }
        for name in relief_targets(targets):
            counted = block[block[f"{name}_people"] > 0]
            ok = int((counted[f"{name}_people_in_time"] >= counted[f"{name}_people"]).sum())
            n = len(counted)
            low, high = wilson(ok, n)
            people = counted[f"{name}_people"].sum()
            row[f"{name}_reps"] = n
            row[f"{name}_p"] = ok / n if n else None
            row[f"{name}_p_low"] = low if n else None
            row[f"{name}_p_high"] = high if n else None
            row[f"{name}_people_share"] = counted[f"{name}_people_in_time"].sum() / people if people else None
            cause = f"{name}_late_cause"
            row[cause] = _mode(block[cause]) if cause in block else None
        for cls, column in CLASS_COLUMN.items():
            done = block[column].dropna()
            row[f"{cls}_complete_h_mean"] = float(done.mean()) if len(done) else None
            row[f"{cls}_complete_reps"] = len(done)
        rows.append(row)
    return pd.DataFrame(rows)


def township_answers(
    villages: pd.DataFrame, targets: Mapping[str, AnyTarget], townships: Mapping[str, str]
) -> pd.DataFrame:
    per_rep = villages.groupby(["case", "township_id", "rep"], sort=True)
    rows = []
    for key, block in villages.groupby(["case", "township_id"], sort=True):
        case, town = cast(tuple[str, str], key)  # both key columns hold text ids
        row: dict[str, object] = {"case": case, "township_id": town}
        row["township_name"] = townships.get(town, town)
        row["villages"] = int(block["place_id"].nunique())
        row["displaced_mean"] = float(block.groupby("rep")["displaced"].sum().mean())
        row["in_need_mean"] = float(block.groupby("rep")["in_need"].sum().mean())
        # trapped people, and red casualties (sim/model/ems.py), saved and lost while waiting, per
        # replication (results made before the red columns have the trapped only)
        lives = ("lives_saved", "lives_lost_waiting", "red_saved", "red_lost_waiting")
        for col in (c for c in lives if c in block):
            mean, low, high = t_interval(block.groupby("rep")[col].sum())
            # a count is never negative: the t interval's lower end is clipped at 0
            row[f"{col}_mean"], row[f"{col}_high"] = mean, high
            row[f"{col}_low"] = low if math.isnan(low) else max(0.0, low)
        for name, target in relief_targets(targets).items():
            # a partial key of the (case, township, rep) index: a frame of the replications' rows
            columns = [f"{name}_people", f"{name}_people_in_time"]
            sums = cast(pd.DataFrame, per_rep[columns].sum().loc[(case, town)])
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
