"""Little's law, L = lambda * W, computed from the event log of the queueing check mode.

M/M/3 with lambda = 2/h and mean service 1 h (a = 2): Erlang C(3, 2) = 4/9, so
Wq = C / (c mu - lambda) = 4/9 h and L = lambda (Wq + 1/mu) = 2 * 13/9 = 2.889 calls in the system.
From each replication's event log (30 replications, 240 h, the first 24 h left out):
L-hat is the time-average number of calls received and not yet finished; lambda-hat * W-hat is
the arrival rate times the mean time in the system of the calls that arrived. Both must hold
the theoretical L inside their 99 % intervals (at seed 20261122: L-hat 2.868 [2.666, 3.070],
lambda-hat W-hat 2.849 [2.649, 3.049]; half-widths about 0.2 calls).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from sim.events import EventKind
from sim.model import world
from tests.conftest import load_scenario, settings_for

THEORY_L = 2 * (4 / 9 + 1)
WARMUP_MIN = 24 * 60.0


def ci99(x: list[float]) -> tuple[float, float]:
    a = np.asarray(x)
    half = stats.t.ppf(0.995, len(a) - 1) * a.std(ddof=1) / math.sqrt(len(a))
    return float(a.mean() - half), float(a.mean() + half)


def from_log(rows, horizon_min: float) -> tuple[float, float]:
    received: dict[int, float] = {}
    on_call: dict[str, int] = {}
    spans: list[tuple[float, float]] = []  # (arrival, finish) of every call
    for e in rows:
        if e.kind is EventKind.CALL_RECEIVED:
            received[e.ref] = e.t_min
        elif e.kind is EventKind.AMBULANCE_DISPATCHED:
            on_call[e.subject] = e.ref
        elif e.kind is EventKind.AMBULANCE_RETURNED:
            spans.append((received.pop(on_call.pop(e.subject)), e.t_min))
    spans += [(t, horizon_min) for t in received.values()]  # still in the system at the horizon
    window = horizon_min - WARMUP_MIN
    area = sum(max(0.0, min(b, horizon_min) - max(a, WARMUP_MIN)) for a, b in spans)
    arrived = [(a, b) for a, b in spans if a >= WARMUP_MIN]
    lam = len(arrived) / window
    w = float(np.mean([b - a for a, b in arrived]))
    return area / window, lam * w


def test_littles_law_from_the_event_log():
    s = settings_for("scenario=mmc", "run.horizon_h=240", "ems.servers=3", "ems.calls_per_h=2")
    scen = load_scenario("mmc")
    l_hat, lam_w = zip(
        *(from_log(world.simulate(scen, s, r).rows, s.run.horizon_min) for r in range(30)), strict=True
    )
    for values in (l_hat, lam_w):
        low, high = ci99(list(values))
        assert low <= THEORY_L <= high, (low, high)
        assert high - low < 0.6  # narrow enough to mean something
