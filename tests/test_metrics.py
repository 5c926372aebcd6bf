"""Interval methods against published values, and target shares on a hand-made table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.results import metrics
from tests.conftest import settings_for


def test_wilson_matches_published_values():
    # Newcombe (1998), Statistics in Medicine 17:857, table I: 81/263 -> 0.2553 to 0.3662
    low, high = metrics.wilson(81, 263)
    assert round(low, 4) == 0.2553 and round(high, 4) == 0.3662
    # 0 of 10: lower bound exactly 0, upper 0.2775 (Newcombe case 5)
    low, high = metrics.wilson(0, 10)
    assert low == 0.0 and round(high, 4) == 0.2775
    assert metrics.wilson(10, 10)[1] == 1.0


def test_t_interval_matches_hand_value():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    mean, low, high = metrics.t_interval(x)
    half = 3.182446305284263 * np.std(x, ddof=1) / 2  # t(0.975, 3) = 3.1824...
    assert mean == 2.5 and low == pytest.approx(2.5 - half, rel=1e-12)
    assert high == pytest.approx(2.5 + half, rel=1e-12)
    assert math.isnan(metrics.t_interval(np.array([5.0]))[1])


def test_target_share_weights_by_people_in_need():
    targets = settings_for("scenario=tiny").targets
    villages = pd.DataFrame(
        {
            "case": "c",
            "rep": 0,
            "in_need": [100, 300, 0],
            "initial_complete_at_h": [5.0, 13.0, np.nan],
            "basic_complete_at_h": [9.0, 20.0, np.nan],
            "relief_complete_at_h": [9.0, float("nan"), np.nan],
        }
    )
    # each village's people all relieved when its class is complete (a single delivery each)
    for name, t in metrics.relief_targets(targets).items():
        done = villages[metrics.CLASS_COLUMN[t.item_class]] <= t.deadline_h
        villages[f"{name}_people"] = villages["in_need"]
        villages[f"{name}_people_in_time"] = villages["in_need"] * done
        for suffix in ("people_struck_late", "people_past_horizon"):
            villages[f"{name}_{suffix}"] = 0
        villages[f"{name}_units"] = villages["in_need"] * 2
        villages[f"{name}_units_in_time"] = villages[f"{name}_people_in_time"] * 2
    out = metrics.target_shares(villages, targets).iloc[0]
    assert out["relief_10h_village_complete_share"] == 0.25  # the old measure, same here
    assert out["relief_10h_unit_share"] == 0.25
    assert out["relief_10h_share"] == 0.25  # 100 of 400 people complete by 10 h
    assert out["initial_relief_12h_share"] == 0.25  # 300 people only at 13 h
    assert out["basic_relief_24h_share"] == 0.25  # 300 people never complete
    assert out["relief_10h_holds"] == 0


@pytest.mark.slow
def test_no_replication_kpi_is_negative_so_intervals_are_clipped_at_zero():
    """Every per-replication KPI is a count, time, cost, rate or share, so a t interval that
    dips below zero (a skewed count over few replications) is clipped at 0, and says so."""
    from sim.experiment import runner
    from tests.conftest import load_scenario

    s = settings_for("scenario=jinjiang", "hazard=typhoon", "run.reps=3")
    reps = runner.run_case(load_scenario("jinjiang"), s).reps
    kpis = reps.drop(columns=["case", "rep", "seed"]).select_dtypes("number")
    assert len(kpis.columns) > 50
    assert (kpis.fillna(0) >= 0).all().all(), kpis.columns[(kpis.fillna(0) < 0).any()].tolist()
    summary = metrics.summarise(reps, s.targets).query("kind == 'kpi'")
    assert (summary["ci_low"].dropna() >= 0).all()
    skewed = pd.DataFrame({"case": "c", "rep": range(4), "seed": 1, "lifted_units": [0, 0, 0, 100]})
    row = metrics.summarise(skewed, {}).iloc[0]
    assert row["ci_low"] == 0.0 and row["mean"] == 25.0 and row["method"] == "Student t 95%, clipped at 0"


@pytest.mark.parametrize("kpi", ["ambulance_utilisation", "rescue_team_utilisation", "ems_wait_share"])
def test_fractions_of_a_whole_keep_their_intervals_inside_zero_and_one(kpi):
    """A utilisation (busy time over time available) is a fraction like a share: two
    replications far apart give a t interval far past 1 (seen: 70.5 % [0.0 %, 170.1 %]),
    which is clipped to [0, 1] and says so."""
    wide = pd.DataFrame({"case": "c", "rep": range(2), "seed": 1, kpi: [0.45, 0.96]})
    row = metrics.summarise(wide, {}).iloc[0]
    assert row["mean"] == pytest.approx(0.705)
    assert (row["ci_low"], row["ci_high"]) == (0.0, 1.0)
    assert row["method"] == "Student t 95%, clipped to [0, 1]"


def test_a_missing_target_outcome_is_left_out_not_counted_as_failing():
    """P(holds) counts only replications with an outcome: a NaN is neither held nor not held."""
    target = settings_for("scenario=tiny").targets["initial_relief_12h"]
    reps = pd.DataFrame(
        {
            "case": "c",
            "rep": range(4),
            "seed": 1,
            "initial_relief_12h_share": [1.0, 0.5, np.nan, 1.0],
            "initial_relief_12h_holds": [1.0, 0.0, np.nan, 1.0],
        }
    )
    row = metrics.summarise(reps, {"initial_relief_12h": target}).set_index("measure")
    holds = row.loc["initial_relief_12h_holds"]
    assert (holds["n"], holds["mean"]) == (3, 2 / 3)
    assert (holds["ci_low"], holds["ci_high"]) == metrics.wilson(2, 3)
    assert metrics.held(reps["initial_relief_12h_holds"]) == (2, 3)
