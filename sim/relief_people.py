"""Who has their kit, and when: relief targets counted per person, from the event log.

The plans promise relief to people (受灾群众 … 得到救助), so a relief target counts people,
not villages. The rule, applied per site (a village, or a shelter that houses some of its
people):

- People arrive at a site in cohorts (one hazard hit displaces `n` people at minute `a`).
  Within a site, deliveries are shared in arrival order: the first people displaced are the
  first served (first come, first served; people displaced together are in file order).
- Person k's need of item j is a run of units in that order: the cohort's units
  (ceil(n x need_per_person), as the model asks for them) are split between its people,
  person i of the cohort owning units up to ceil((i + 1) x need_per_person). A person's
  item is in place when the cumulative units delivered to the site reach the end of their run
  (and not before they arrived there).
- A person is relieved for a target when every item of the target's class with a need is in
  place; their deadline runs from the moment they were displaced (`clock: affected`) or from
  the disaster's onset (`clock: event_onset`, the literal reading: people displaced after
  onset + deadline are counted apart, as "struck after the deadline", not as failures).
- People whose deadline falls after the run's horizon are counted apart too ("deadline past
  the horizon"): whether they would have been served in time is unknown.
- Units: person k's units of item j that are in place by their deadline, over the units they
  need; a partial delivery relieves part of a village and counts part of its units.

Pure numpy on the rows of one replication; no SimPy, no model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

EPS = 1e-9
# per relief target and village: sim.tables writes `<target>_<suffix>` for each
PERSON_SUFFIXES = (
    "people",
    "people_in_time",
    "people_struck_late",
    "people_past_horizon",
    "units",
    "units_in_time",
)
CLASSES = ("initial", "basic", "all")


@dataclass(frozen=True)
class PersonMeasure:
    """What a relief target asks of one person: their kit (item indices), a deadline and a clock."""

    name: str
    items: tuple[int, ...]  # indices into scenario.items of the class, with a need per person > 0
    deadline_min: float
    clock: str  # "affected" | "event_onset"


@dataclass(frozen=True)
class PersonCounts:
    """One target's per-person tally at one site."""

    people: int = 0  # counted: struck before the deadline, deadline within the horizon
    in_time: int = 0  # of them, relieved by their deadline
    struck_late: int = 0  # clock event_onset: displaced after onset + deadline (counted apart)
    past_horizon: int = 0  # deadline after the horizon (counted apart)
    units: int = 0  # units the counted people need of the kit
    units_in_time: int = 0  # of them, in place by each person's deadline

    def __add__(self, other: PersonCounts) -> PersonCounts:
        return PersonCounts(*(a + b for a, b in zip(self.astuple(), other.astuple(), strict=True)))

    def astuple(self) -> tuple[int, ...]:
        return (
            self.people,
            self.in_time,
            self.struck_late,
            self.past_horizon,
            self.units,
            self.units_in_time,
        )


def thresholds(cohort_people: Sequence[int], per_person: float) -> tuple[np.ndarray, np.ndarray]:
    """(start, end) of each person's run of units, in arrival order, for one item at one site.

    >>> start, end = thresholds([3, 2], 0.5)   # 2 units for the first cohort, 1 for the second
    >>> end.tolist(), start.tolist()
    ([1, 1, 2, 3, 3], [0, 1, 1, 2, 3])
    """
    parts, base = [], 0
    for n in cohort_people:
        own = np.ceil(np.arange(1, n + 1) * per_person - EPS).astype(np.int64)
        parts.append(base + own)
        base += math.ceil(n * per_person - EPS)
    end = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    # a cohort's last person ends where the next cohort's units begin, so runs are contiguous
    start = np.concatenate(([0], end[:-1])) if len(end) else end
    return start, end


def in_place_at(end: np.ndarray, times: np.ndarray, cumulative: np.ndarray) -> np.ndarray:
    """Minute at which the cumulative deliveries first reach each `end` (inf if never).

    >>> in_place_at(np.array([1, 3, 5]), np.array([10., 20.]), np.array([2, 4])).tolist()
    [10.0, 20.0, inf]
    """
    at = np.searchsorted(cumulative, end, side="left")
    out = np.full(len(end), math.inf)
    ok = at < len(times)
    out[ok] = times[at[ok]]
    return out


def delivered_by(deadlines: np.ndarray, times: np.ndarray, cumulative: np.ndarray) -> np.ndarray:
    """Cumulative units delivered at or before each deadline."""
    k = np.searchsorted(times, deadlines + EPS, side="right")
    padded = np.concatenate(([0], cumulative))
    return padded[k]


def site_counts(
    cohorts: Sequence[tuple[float, int]],
    deliveries: dict[int, list[tuple[float, int]]],
    need_per_person: Sequence[float],
    measure: PersonMeasure,
    onset_min: float,
    horizon_min: float,
) -> PersonCounts:
    """The tally of one target at one site.

    cohorts: (minute displaced, people) in time order; deliveries: item index -> (minute, qty)
    in time order; need_per_person: per item of the scenario.
    """
    items = [j for j in measure.items if need_per_person[j] > 0]
    people = [n for _, n in cohorts]
    total = sum(people)
    if total == 0 or not items:
        return PersonCounts()
    arrived = np.repeat(np.array([a for a, _ in cohorts], dtype=float), people)
    if measure.clock == "event_onset":
        deadline = np.full(total, onset_min + measure.deadline_min)
        struck_late = arrived > deadline + EPS
    else:
        deadline = arrived + measure.deadline_min
        struck_late = np.zeros(total, dtype=bool)
    past = ~struck_late & (deadline > horizon_min + EPS)
    counted = ~struck_late & ~past
    relieved = arrived.copy()
    units = units_in_time = 0
    for j in items:
        start, end = thresholds(people, need_per_person[j])
        got = deliveries.get(j, [])
        times = np.array([t for t, _ in got], dtype=float)
        cumulative = np.cumsum(np.array([q for _, q in got], dtype=np.int64))
        relieved = np.maximum(relieved, in_place_at(end, times, cumulative))
        own = (end - start)[counted]
        by = delivered_by(deadline[counted], times, cumulative)
        units += int(own.sum())
        units_in_time += int(np.clip(by - start[counted], 0, own).sum())
    in_time = counted & (relieved <= deadline + EPS)
    return PersonCounts(
        people=int(counted.sum()),
        in_time=int(in_time.sum()),
        struck_late=int(struck_late.sum()),
        past_horizon=int(past.sum()),
        units=units,
        units_in_time=units_in_time,
    )


def rescue_counts(
    trapped_at: dict[int, tuple[float, int]],
    rescued: list[tuple[int, float, int]],
    deadline_min: float,
    clock: str,
    onset_min: float,
    horizon_min: float,
) -> tuple[int, int, int, int]:
    """(people counted, rescued in time, struck after the deadline, deadline past the horizon).

    >>> trapped, out = {0: (0.0, 3), 1: (600.0, 2)}, [(0, 500.0, 2), (1, 700.0, 2)]
    >>> rescue_counts(trapped, out, 720.0, "affected", 0.0, 4320.0)
    (5, 4, 0, 0)
    >>> rescue_counts(trapped, out, 480.0, "event_onset", 0.0, 4320.0)
    (3, 0, 2, 0)
    """
    deadline = {}
    counted = late = past = 0
    for ref, (at, people) in trapped_at.items():
        due = at + deadline_min if clock == "affected" else onset_min + deadline_min
        if clock == "event_onset" and at > due + 1e-9:
            late += people
        elif due > horizon_min + 1e-9:
            past += people
        else:
            counted += people
            deadline[ref] = due
    in_time = sum(q for ref, t, q in rescued if ref in deadline and t <= deadline[ref] + 1e-9)
    return counted, in_time, late, past
