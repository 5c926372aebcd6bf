"""Survival while waiting for help: the one mechanism for trapped people (sim/model/teams.py)
and red casualties waiting for an ambulance and a hospital (sim/model/ems.py, ems_calls.py).

Covers: a survival curve S(t) = P(still alive t minutes after the clock starts), given as
[hours, probability] points joined linearly and flat after the last point (non-increasing;
sim/settings.py `check_survival_points` checks it), and the drawing of each person's death
minute from a named stream: one uniform u per person and T = the first minute with S(T) <= u,
so P(T > t) = S(t) exactly. A person's u comes from a stream named for the person's own
circumstances (place, kind and minute of the injury or trapping), never from one shared by
the whole run, so neither policy, fleet nor the order of events can shift it: common random
numbers across the cases of a sweep.

Leaves out: survival that depends on care received before definitive care (first aid, a
crew's stabilising on scene): the curve runs on until the person is brought out or reaches
a hospital; and deaths after that point (the hospital's outcome), which no curve here counts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from sim.rng import Streams
from sim.units import MIN_PER_H


class SurvivalCurve:
    """P(still alive | waiting t minutes): the points (hours, probability) joined linearly,
    flat after the last point; non-increasing (sim/settings.py checks)."""

    def __init__(self, points_h: Sequence[Sequence[float]]):
        self.t_min = np.array([p[0] * MIN_PER_H for p in points_h], dtype=float)
        self.p = np.array([p[1] for p in points_h], dtype=float)

    def __call__(self, minutes: float) -> float:
        """S(minutes); minutes < 0 (the clock not yet started) counts as 0."""
        return float(np.interp(max(minutes, 0.0), self.t_min, self.p))

    def death_after_min(self, u: float) -> float:
        """The first minute t with S(t) <= u (inf when the curve never falls that low): for u
        uniform on [0, 1), P(death after t) = P(u < S(t)) = S(t)."""
        t, p = self.t_min, self.p
        if p[0] <= u:
            return 0.0
        for k in range(1, len(p)):
            if p[k] <= u:  # S crosses u on (t[k-1], t[k]]
                return float(t[k - 1] + (p[k - 1] - u) / (p[k - 1] - p[k]) * (t[k] - t[k - 1]))
        return math.inf

    def deaths_min(self, streams: Streams, name: str, start_min: float, n: int) -> list[float]:
        """The minutes at which the next n people of stream `name`, whose clock started at
        `start_min`, die if nothing reaches them first (inf: they outlive the curve)."""
        u = streams(name).random(n)
        return [start_min + self.death_after_min(float(x)) for x in u]
