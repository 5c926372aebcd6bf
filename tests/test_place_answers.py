"""villages.csv and townships.csv (sim/results/place_answers.py) against plain pandas references
written from their definitions, one group at a time: generated tables of several cases,
villages, townships and replications, with missing hours and causes. They must agree to the bit:
the fast versions slice numpy arrays or sum each column once where the references group again
and again."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.results.metrics import CLASS_COLUMN, relief_targets, t_interval, wilson
from sim.results.place_answers import excel_csv, township_answers, village_answers
from sim.settings import Settings

TARGETS = Settings.defaults().targets
RELIEF = list(relief_targets(TARGETS))
CAUSES = ["stock_short", "road_cut", "no_truck", "queue"]


def reference(villages: pd.DataFrame, townships: dict[str, str]) -> pd.DataFrame:
    """Each number as its definition in the module's docstring says, group by group."""
    rows = []
    for (case, place), block in villages.groupby(["case", "place_id"], sort=False):
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
        for name in RELIEF:
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
            counts = block[f"{name}_late_cause"].dropna().astype(str).value_counts()
            row[f"{name}_late_cause"] = (
                None if counts.empty else sorted(counts[counts == counts.max()].index)[0]
            )
        for cls, column in CLASS_COLUMN.items():
            done = block[column].dropna()
            row[f"{cls}_complete_h_mean"] = float(done.mean()) if len(done) else None
            row[f"{cls}_complete_reps"] = len(done)
        rows.append(row)
    return pd.DataFrame(rows)


def township_reference(villages: pd.DataFrame, townships: dict[str, str]) -> pd.DataFrame:
    per_rep = villages.groupby(["case", "township_id", "rep"], sort=True)
    rows = []
    for (case, town), block in villages.groupby(["case", "township_id"], sort=True):
        row = {"case": case, "township_id": town, "township_name": townships.get(town, town)}
        row["villages"] = int(block["place_id"].nunique())
        row["displaced_mean"] = float(block.groupby("rep")["displaced"].sum().mean())
        row["in_need_mean"] = float(block.groupby("rep")["in_need"].sum().mean())
        for col in ("lives_saved", "lives_lost_waiting", "red_saved", "red_lost_waiting"):
            mean, low, high = t_interval(block.groupby("rep")[col].sum())
            row[f"{col}_mean"], row[f"{col}_high"] = mean, high
            row[f"{col}_low"] = low if math.isnan(low) else max(0.0, low)
        for name, target in relief_targets(TARGETS).items():
            sums = per_rep[[f"{name}_people", f"{name}_people_in_time"]].sum().loc[(case, town)]
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


@st.composite
def village_tables(draw) -> pd.DataFrame:
    cases = draw(
        st.lists(st.sampled_from(["base", "city_truck", "more_stock"]), min_size=1, max_size=3, unique=True)
    )
    return table(cases, draw(st.integers(1, 12)), draw(st.integers(1, 9)), draw(st.integers(0, 2**32 - 1)))


def table(cases: list[str], villages: int, reps: int, seed: int) -> pd.DataFrame:
    """A village table of `cases` x `reps` x `villages` rows in shuffled order, with random people,
    hours (30 % missing) and causes (a fifth missing)."""
    rng = np.random.default_rng(seed)
    rows = []
    for case in cases:
        for rep in rng.permutation(reps):  # replications arrive in any order
            for v in rng.permutation(villages):
                row = {
                    "case": case, "rep": int(rep), "place_id": f"V{v:03d}", "name": f"村{v}",
                    "township_id": f"T{v % 3}", "population": 100 + v,
                    "displaced": int(rng.integers(0, 50)), "in_need": int(rng.integers(0, 80)),
                    "lives_saved": int(rng.integers(0, 9)), "lives_lost_waiting": int(rng.integers(0, 3)),
                    "red_saved": int(rng.integers(0, 5)), "red_lost_waiting": int(rng.integers(0, 2)),
                }  # fmt: skip
                for name in RELIEF:
                    people = int(rng.choice([0, 0, rng.integers(1, 90)]))
                    row[f"{name}_people"] = people
                    row[f"{name}_people_in_time"] = int(rng.integers(0, people + 1)) if people else 0
                    row[f"{name}_late_cause"] = rng.choice([None, *CAUSES])
                for column in CLASS_COLUMN.values():
                    row[column] = np.nan if rng.random() < 0.3 else float(rng.random() * 72)
                rows.append(row)
    frame = pd.DataFrame(rows)
    for name in RELIEF:
        frame[f"{name}_late_cause"] = frame[f"{name}_late_cause"].astype("string")
    return frame


@settings(max_examples=60, deadline=None)
@given(village_tables())
def test_village_answers_equal_the_group_by_group_reference(villages):
    names = {"T0": "甲镇", "T1": "乙乡"}  # T2 has no name: its id stands
    fast, slow = village_answers(villages, TARGETS, names), reference(villages, names)
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)
    assert excel_csv(fast) == excel_csv(slow)


@settings(max_examples=60, deadline=None)
@given(village_tables())
def test_township_answers_equal_the_group_by_group_reference(villages):
    names = {"T0": "甲镇"}
    fast, slow = township_answers(villages, TARGETS, names), township_reference(villages, names)
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)
    assert excel_csv(fast) == excel_csv(slow)


def test_a_tie_between_causes_is_broken_alphabetically_and_missing_causes_do_not_count():
    from sim.results.place_answers import _mode

    assert _mode(["road_cut", None, "no_truck", "road_cut", "no_truck", None, None]) == "no_truck"
    assert _mode([None, None]) is None


def test_no_rows_no_answers():
    assert village_answers(table(["base"], 3, 2, 1).iloc[:0], TARGETS, {}).empty
