"""Truck drivers' driving and rest: when a relief truck may set off on its next leg, and who drives.

Covers the two limits Chinese rules put on a driver, applied to each of a truck's drivers:
- continuous driving: no more than `continuous_max_min` (4 h) without a stop of at least
  `rest_min` (20 min) (道路交通安全法实施条例 第六十二条第七项, for every motor vehicle);
- driving in any 24 h: no more than `daily_max_min` (8 h) (道路旅客运输企业安全管理规范 第三十八条,
  written for coach drivers; applied here to relief truck drivers as the nearest written rule).
A truck has `drivers` drivers (a relief truck in a disaster is usually double-crewed so it can
run round the clock); at each stop the one at the wheel keeps driving while both limits allow
the next leg, else another who may drive takes over (no time lost), else the truck waits until
the first of them may (the rest the rules demand). Any stop of `rest_min` or more (loading at
the depot, waiting) counts as the rest break.

Leaves out: breaks taken mid-leg (a leg is driven whole: it starts only when the driver may
drive all of its expected minutes; a leg longer than a limit needs a fully rested driver and
is then driven through); night-driving limits; the time a truck spends held at a cut road
counts as driving (a conservative reading: it is rare).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass
class Driver:
    legs: list[tuple[float, float]] = field(default_factory=list)  # (start, end) of each leg driven
    continuous_min: float = 0.0  # driving since the last stop of rest_min or more

    def driven_within(self, start: float, end: float) -> float:
        """Minutes of driving inside [start, end]."""
        return sum(max(0.0, min(b, end) - max(a, start)) for a, b in self.legs)


@dataclass
class Crew:
    """The drivers of one truck and the limits they keep."""

    drivers: int
    continuous_max_min: float
    rest_min: float
    daily_max_min: float
    crew: list[Driver] = field(default_factory=list)
    at_wheel: int = 0

    def __post_init__(self) -> None:
        self.crew = [Driver() for _ in range(self.drivers)]

    def _since_last_leg(self, d: Driver, now: float) -> float:
        return now - d.legs[-1][1] if d.legs else math.inf

    def _continuous_at(self, d: Driver, t: float) -> float:
        return 0.0 if self._since_last_leg(d, t) >= self.rest_min else d.continuous_min

    def _after_break(self, d: Driver, now: float, leg_min: float) -> float:
        """When driver d may start the leg as far as continuous driving goes."""
        if (
            self._continuous_at(d, now) + min(leg_min, self.continuous_max_min)
            > self.continuous_max_min + 1e-9
        ):
            return max(now, d.legs[-1][1] + self.rest_min)  # rest the break the rule asks
        return now

    def _earliest(self, d: Driver, now: float, leg_min: float) -> float:
        """When driver d may start a leg of leg_min minutes, at `now` or later."""
        t = self._after_break(d, now, leg_min)
        day_need = min(leg_min, self.daily_max_min)
        # driving in the 24 h ending when the leg would end falls as t grows: the first t at
        # which it leaves room is at a leg's start or end 24 h on, or between two such points
        window = 24 * 60.0

        def over(start: float) -> float:
            return d.driven_within(start + day_need - window, start) + day_need - self.daily_max_min

        if over(t) <= 1e-9:
            return t
        shift = window - day_need
        points = sorted({p + shift for leg in d.legs for p in leg if p + shift > t})
        prev = t
        for p in points:
            if over(p) <= 1e-9:
                # over() falls linearly between these points (one slope): solve for its zero
                lo, hi = prev, p
                for _ in range(60):
                    mid = (lo + hi) / 2
                    lo, hi = (lo, mid) if over(mid) <= 1e-9 else (mid, hi)
                return hi
            prev = p
        return max(t, d.legs[-1][1] + window) if d.legs else t

    def next_leg(self, now: float, leg_min: float) -> tuple[float, int, str]:
        """(when the truck may set off, which driver, why it waits: '' if it need not, else
        'continuous' or 'daily'). The driver at the wheel keeps it when they may go at once."""
        if not math.isfinite(leg_min):
            leg_min = 0.0  # no road now: the truck waits at the cut, not for a driver
        order = [self.at_wheel] + [k for k in range(self.drivers) if k != self.at_wheel]
        best = min(((self._earliest(self.crew[k], now, leg_min), i, k) for i, k in enumerate(order)))
        t, _, k = best
        why = ""
        if t > now + 1e-9:
            why = "daily" if t > self._after_break(self.crew[k], now, leg_min) + 1e-9 else "continuous"
        return t, k, why

    def drove(self, k: int, start: float, end: float) -> None:
        """Driver k drove from `start` to `end`."""
        d = self.crew[k]
        d.continuous_min = self._continuous_at(d, start) + (end - start)
        d.legs.append((start, end))
        self.at_wheel = k
