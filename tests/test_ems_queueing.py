"""The EMS engine against queueing theory, in the check mode (scenario=mmc).

The check mode runs the real dispatcher, queue and fleet with one station, zero
travel and one service stage, so it is an M/G/c queue (queue) or M/G/c/c (divert).
Each test runs 30 replications through the same path as `drsim run` and asserts the
analytic value lies inside the 99 % Student-t interval over replications. Calls in
the first 24 h are left out (ems.warmup_h, configs/ems/mmc.yaml); the long horizon
leaves the empty start's bias far inside the intervals.

Interval half-widths at seed 20261122 (written down when the tests were made):
  c=3,  lambda=2/h, 720 h: mean wait 26.50 +- 3.16 min (Erlang C 26.67), P(wait) 0.4415 +- 0.0175 (0.4444)
  c=10, lambda=8/h, 360 h: mean wait 13.11 +- 2.16 min (Erlang C 12.27), P(wait) 0.4215 +- 0.0272 (0.4092)
  divert, c=3, lambda=2/h, 360 h: loss 0.2094 +- 0.0106 exponential, 0.2077 +- 0.0168 lognormal (cv 2),
  0.2074 +- 0.0098 deterministic (Erlang B 0.2105)
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from sim.experiment import runner
from sim.results import ems_metrics
from tests.conftest import load_scenario, settings_for

REPS = 30
MEAN_SERVICE_MIN = 60.0


def erlang_b(c: int, a: float) -> float:
    """Erlang B written out: B(c, a) = (a^c / c!) / sum_{k=0..c} a^k / k!."""
    return (a**c / math.factorial(c)) / sum(a**k / math.factorial(k) for k in range(c + 1))


def erlang_c(c: int, a: float) -> float:
    """Erlang C written out: C(c, a) = (a^c/c! * c/(c-a)) / (sum_{k<c} a^k/k! + a^c/c! * c/(c-a))."""
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


def ci99(values) -> tuple[float, float, float]:
    x = np.asarray(values, dtype=float)
    half = stats.t.ppf(0.995, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x))
    return float(x.mean()), float(x.mean() - half), float(x.mean() + half)


def check_mode(*overrides: str):
    settings = settings_for("scenario=mmc", f"run.reps={REPS}", "run.keep_events=false", *overrides)
    return runner.run_case(load_scenario("mmc"), settings).reps


def assert_inside(reps, column: str, expected: float):
    mean, low, high = ci99(reps[column])
    assert low <= expected <= high, (
        f"{column}: {expected:.4f} outside 99% CI [{low:.4f}, {high:.4f}] (mean {mean:.4f})"
    )
    return high - mean


@pytest.mark.slow
@pytest.mark.parametrize(("servers", "calls_per_h", "horizon_h"), [(3, 2, 720), (10, 8, 360)])
def test_queue_matches_erlang_c(servers: int, calls_per_h: float, horizon_h: int):
    reps = check_mode(
        f"ems.servers={servers}",
        f"ems.calls_per_h={calls_per_h}",
        f"ems.service_mean_min={MEAN_SERVICE_MIN}",
        f"run.horizon_h={horizon_h}",
    )
    a = calls_per_h * MEAN_SERVICE_MIN / 60.0  # offered load, erlangs
    p_wait = erlang_c(servers, a)
    mean_wait_min = p_wait / (servers / MEAN_SERVICE_MIN - calls_per_h / 60.0)  # C / (c mu - lambda)
    assert_inside(reps, "ems_wait_share", p_wait)
    assert_inside(reps, "ems_wait_min_mean", mean_wait_min)
    assert_inside(reps, "ambulance_utilisation", a / servers)  # busy servers = lambda E[S]
    assert (reps["ems_diverted_calls"] == 0).all()
    assert (reps["ems_calls"] > 0.9 * calls_per_h * (horizon_h - 24)).all()


@pytest.mark.slow
@pytest.mark.parametrize(
    "dist", ["ems.service_dist=exponential", "ems.service_dist=lognormal", "ems.service_dist=deterministic"]
)
def test_divert_loss_matches_erlang_b_for_any_service_distribution(dist: str):
    """Erlang B holds for any service distribution with the same mean (insensitivity)."""
    reps = check_mode(
        "ems.servers=3",
        "ems.calls_per_h=2",
        f"ems.service_mean_min={MEAN_SERVICE_MIN}",
        "ems.when_all_busy=divert",
        "ems.service_cv=2",  # lognormal only: a long right tail
        "run.horizon_h=360",
        dist,
    )
    b = erlang_b(3, 2.0)
    assert_inside(reps, "ems_diverted_share", b)
    assert_inside(reps, "ambulance_utilisation", 2.0 * (1 - b) / 3)  # carried load / c
    assert (reps["ems_wait_share"] == 0).all()  # nobody queues under divert


def test_library_formulas_match_the_written_out_ones():
    for c, a in [(1, 0.5), (3, 2.0), (10, 8.0), (46, 41.4)]:
        assert ems_metrics.erlang_b(c, a) == pytest.approx(erlang_b(c, a), rel=1e-12)
        assert ems_metrics.erlang_c(c, a) == pytest.approx(erlang_c(c, a), rel=1e-12)
    # M/M/1: P(wait) = rho, mean wait = rho / (mu - lambda)
    theory = ems_metrics.mmc_theory(1, 0.5, 60.0, divert=False)
    assert theory["ems_wait_share"] == pytest.approx(0.5)
    assert theory["ems_wait_min_mean"] == pytest.approx(60.0)
    assert math.isnan(ems_metrics.mmc_theory(2, 3.0, 60.0, divert=False)["ems_wait_share"])
