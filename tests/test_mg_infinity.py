"""M/G/infinity: with more ambulances than could ever be busy at once, no call waits and the
mean number busy equals lambda * E[S], whatever the service distribution.

Check mode (scenario=mmc), 60 servers, lambda = 8 calls/h, lognormal service with mean 60 min and
coefficient of variation 1.5: the mean number busy is 8 (P(all 60 busy) is below 1e-20, so the
queue is M/G/infinity for all practical purposes). From each replication's event log (30
replications of 120 h, the first 24 h left out): every wait is exactly zero, and the 99 % interval
of the time-average number of busy ambulances holds 8 (at seed 20261122: 7.90 +- 0.29).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from sim.events import EventKind
from sim.model import world
from tests.conftest import load_scenario, settings_for

LAMBDA_PER_H, MEAN_SERVICE_H = 8.0, 1.0
WARMUP_MIN = 24 * 60.0


def busy_and_waits(rows, horizon_min: float) -> tuple[float, list[float]]:
    received: dict[int, float] = {}
    started: dict[str, float] = {}
    waits, area = [], 0.0
    for e in rows:
        if e.kind is EventKind.CALL_RECEIVED:
            received[e.ref] = e.t_min
        elif e.kind is EventKind.AMBULANCE_DISPATCHED:
            started[e.subject] = e.t_min
            waits.append(e.t_min - received[e.ref])
        elif e.kind is EventKind.AMBULANCE_RETURNED:
            a = started.pop(e.subject)
            area += max(0.0, e.t_min - max(a, WARMUP_MIN))
    area += sum(max(0.0, horizon_min - max(a, WARMUP_MIN)) for a in started.values())
    return area / (horizon_min - WARMUP_MIN), waits


def test_no_waits_and_mean_busy_is_lambda_times_mean_service():
    s = settings_for(
        "scenario=mmc",
        "run.horizon_h=120",
        "ems.servers=60",
        "ems.calls_per_h=8",
        "ems.service_dist=lognormal",
        "ems.service_cv=1.5",
    )
    scen = load_scenario("mmc")
    busy = []
    for rep in range(30):
        mean_busy, waits = busy_and_waits(world.simulate(scen, s, rep).rows, s.run.horizon_min)
        assert waits and max(waits) == 0.0
        busy.append(mean_busy)
    x = np.asarray(busy)
    half = stats.t.ppf(0.995, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x))
    assert x.mean() - half <= LAMBDA_PER_H * MEAN_SERVICE_H <= x.mean() + half, (x.mean(), half)
    assert half < 0.5
