"""The sweep statistics against hand-computed values: paired intervals, Wilson half-widths,
the frontier, township equity, gains per million yuan and the decision table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.results import metrics
from tests.conftest import settings_for

T3 = 3.182446305284263  # t(0.975, 3 degrees of freedom)


def test_paired_difference_by_hand_and_only_on_common_replications():
    case = pd.Series([3.0, 5.0, 7.0, 9.0, 100.0], index=[0, 1, 2, 3, 4])
    base = pd.Series([1.0, 2.0, 3.0, 4.0, np.nan], index=[0, 1, 2, 3, 4])  # rep 4 failed
    mean, low, high, n = metrics.paired_difference(case, base)
    diffs = np.array([2.0, 3.0, 4.0, 5.0])
    half = T3 * diffs.std(ddof=1) / 2
    assert n == 4 and mean == 3.5
    assert low == pytest.approx(3.5 - half, rel=1e-12) and high == pytest.approx(3.5 + half, rel=1e-12)
    # Common random numbers: a constant shift has no spread, so the interval is the point.
    assert metrics.paired_difference(case.iloc[:4] + 1, case.iloc[:4])[:3] == (1.0, 1.0, 1.0)


def test_paired_interval_is_narrower_than_the_unpaired_one_under_common_random_numbers():
    rng = np.random.default_rng(7)
    disaster = rng.normal(0.6, 0.15, 200)  # what both cases share
    base = pd.Series(disaster)
    case = pd.Series(disaster + 0.02 + rng.normal(0, 0.01, 200))
    _, low, high, _ = metrics.paired_difference(case, base)
    se_unpaired = math.sqrt(case.var() / 200 + base.var() / 200)
    assert high - low < 0.2 * (2 * 1.97 * se_unpaired)


def test_wilson_halfwidth_matches_newcombe():
    # Newcombe (1998) table I: 81/263 -> [0.2553, 0.3662]
    assert metrics.wilson_halfwidth(81, 263) == pytest.approx((0.3662 - 0.2553) / 2, abs=1e-4)
    # 0 of n: [0, z^2 / (n + z^2)]
    z2 = 1.959963984540054**2
    assert metrics.wilson_halfwidth(0, 100) == pytest.approx(z2 / (100 + z2) / 2, rel=1e-9)


def test_frontier_by_hand():
    cost = [0.0, 1.0, 2.0, 3.0, 3.0]
    score = [(0.0, 0.5), (0.2, 0.6), (0.1, 0.9), (0.2, 0.7), (0.2, 0.7)]
    # 2 is dominated by 1 (cheaper, higher P); 3 and 4 tie, neither is strictly better.
    assert metrics.frontier(cost, score) == [True, True, False, True, True]
    assert metrics.frontier([1.0, 1.0], [(0.5, 0.1), (0.5, 0.2)]) == [False, True]


def test_per_million():
    assert metrics.per_million(0.1, 500_000) == pytest.approx(0.2)
    assert math.isnan(metrics.per_million(0.1, 0.0))


def _villages() -> pd.DataFrame:
    # Case a, two replications; townships T1 (two villages) and T2 (one). A village's people are
    # all relieved when its initial kit is complete (one delivery each), by 12 h or not.
    frame = pd.DataFrame(
        {
            "case": ["a"] * 6,
            "rep": [0, 0, 0, 1, 1, 1],
            "township_id": ["T1", "T1", "T2", "T1", "T1", "T2"],
            "displaced": [100, 300, 50, 200, 0, 50],
            "initial_complete_at_h": [5.0, 13.0, 30.0, 11.0, np.nan, 2.0],
            "basic_complete_at_h": [9.0, 20.0, 30.0, 11.0, np.nan, 2.0],
            "relief_complete_at_h": [9.0, 20.0, 30.0, 11.0, np.nan, 2.0],
        }
    )
    frame["initial_relief_12h_people"] = frame["displaced"]
    frame["initial_relief_12h_people_in_time"] = frame["displaced"] * (frame["initial_complete_at_h"] <= 12)
    return frame


def test_township_shares_and_equity_by_hand():
    targets = {"initial_relief_12h": settings_for("scenario=tiny").targets["initial_relief_12h"]}
    shares = metrics.township_shares(_villages(), targets)
    got = {(r.rep, r.township_id): r.share for r in shares.itertuples()}
    # rep 0: T1 100 of 400 by 12 h, T2 0 of 50; rep 1: T1 200 of 200, T2 50 of 50.
    assert got == {(0, "T1"): 0.25, (0, "T2"): 0.0, (1, "T1"): 1.0, (1, "T2"): 1.0}
    eq = metrics.equity(shares).iloc[0]
    # Township means: T1 0.625, T2 0.5 -> worst T2, spread 0.125; T2's interval over its 2 reps.
    assert eq["worst_township"] == "T2" and eq["worst_share"] == 0.5 and eq["worst_n"] == 2
    half = 12.706204736174698 * np.std([0.0, 1.0], ddof=1) / math.sqrt(2)  # t(0.975, 1)
    assert 0.5 - half < 0.0 and 0.5 + half > 1.0  # a share's interval is clipped to [0, 1]
    assert (eq["worst_low"], eq["worst_high"]) == (0.0, 1.0)
    assert eq["spread"] == pytest.approx(0.125) and eq["townships"] == 2


def test_decision_table_by_hand():
    target = settings_for("scenario=tiny").targets["initial_relief_12h"]
    targets = {"initial_relief_12h": target}
    reps = pd.DataFrame(
        {
            "case": ["base"] * 4 + ["more"] * 4,
            "rep": [0, 1, 2, 3] * 2,
            "initial_relief_12h_share": [0.90, 0.96, 0.80, 0.97, 0.96, 0.97, 0.90, 0.99],
            "initial_relief_12h_holds": [0, 1, 0, 1, 1, 1, 0, 1],
        }
    )
    eq = metrics.equity(metrics.township_shares(_villages(), targets))
    table = metrics.compare_cases(
        reps, {"base": 0.0, "more": 2_000_000.0}, targets, "base", "initial_relief_12h", eq, "by hand"
    )
    est = {(r["case"], r["measure"]): r for r in table.to_dict("records")}
    p = est[("more", "initial_relief_12h_p_holds")]
    assert (p["estimate"], p["n"], p["method"]) == (0.75, 4, "Wilson score 95%")
    assert (p["ci_low"], p["ci_high"]) == metrics.wilson(3, 4)
    d = est[("more", "initial_relief_12h_share_diff")]
    diffs = np.array([0.06, 0.01, 0.10, 0.02])
    assert d["estimate"] == pytest.approx(diffs.mean()) and d["n"] == 4
    assert d["ci_high"] - d["estimate"] == pytest.approx(T3 * diffs.std(ddof=1) / 2)
    g = est[("more", "initial_relief_12h_share_gain_pp_per_myuan")]
    assert g["estimate"] == pytest.approx(diffs.mean() * 100 / 2)  # pp per million yuan
    h = est[("more", "initial_relief_12h_holds_diff")]
    assert h["estimate"] == pytest.approx(0.25)  # P 0.5 -> 0.75, paired diffs [1, 0, 0, 0]
    assert est[("base", "frontier")]["estimate"] == 1.0 and est[("more", "frontier")]["estimate"] == 1.0
    assert est[("more", "cost_yuan")]["estimate"] == 2_000_000.0
    assert ("base", "initial_relief_12h_share_diff") not in est
    assert table["method"].notna().all() and (table["method"] != "").all()
    # "more"'s shares 0.90-0.99: mean 0.955 +- 0.062 would pass 1; clipped, as in the summary
    s = est[("more", "initial_relief_12h_share")]
    shares = np.array([0.96, 0.97, 0.90, 0.99])
    assert shares.mean() + T3 * shares.std(ddof=1) / 2 > 1.0
    assert (s["estimate"], s["ci_high"], s["n"]) == (pytest.approx(shares.mean()), 1.0, 4)
    assert s["method"] == "Student t 95%, clipped to [0, 1]"
