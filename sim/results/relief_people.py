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
  (and not before they arrived there). A daily item (water, food: items.csv `basis: day`) is
  needed again every 24 h; the targets ask for the first day's, and an earlier cohort's later
  days come before a later cohort's first day in the order of need.
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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.units import H_PER_DAY, MIN_PER_H

EPS = 1e-9
DAY_MIN = H_PER_DAY * MIN_PER_H  # a daily item's need comes again each day
# per relief target and village: sim.results.tables writes `<target>_<suffix>` for each
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
    population: str = "in_need"  # "in_need" (displaced and stranded) | "displaced"


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


def thresholds(
    cohort_people: Sequence[int],
    per_person: float,
    cohort_at: Sequence[float] | None = None,
    daily: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """(start, end) of each person's run of units of their first kit, in arrival order, for one
    item at one site.

    A cohort's need is a block of ceil(n x per_person) units; person i of the cohort owns the
    units up to ceil((i + 1) x per_person) of it. Blocks are served in the order the need arises.
    For a daily item (`daily`; `cohort_at` gives the cohorts' minutes) each cohort needs a new
    block every 24 h; a later day's block of an early cohort comes before the first block of a
    cohort that arrives after it (at the same minute, cohorts in order). Only first-day runs
    are returned: they are what the targets ask for.

    >>> start, end = thresholds([3, 2], 0.5)   # 2 units for the first cohort, 1 for the second
    >>> end.tolist(), start.tolist()
    ([1, 1, 2, 3, 3], [0, 1, 1, 2, 3])
    >>> start, end = thresholds([1, 1], 1.0, [0.0, 1500.0], daily=True)  # day 2 of the first comes first
    >>> start.tolist(), end.tolist()
    ([0, 2], [1, 3])
    """
    at = list(cohort_at) if cohort_at is not None else [0.0] * len(cohort_people)
    blocks = [(at[k], k, 0) for k in range(len(cohort_people))]
    if daily and blocks:
        last = max(at)
        for k in range(len(cohort_people)):
            day = 1
            while at[k] + day * DAY_MIN <= last + EPS:  # later blocks cannot move a first-day run
                blocks.append((at[k] + day * DAY_MIN, k, day))
                day += 1
    block_start = [0] * len(cohort_people)
    base = 0
    for _, k, day in sorted(blocks):
        if day == 0:
            block_start[k] = base
        base += math.ceil(cohort_people[k] * per_person - EPS)
    starts, ends = [], []
    for k, n in enumerate(cohort_people):
        own = block_start[k] + np.ceil(np.arange(0, n + 1) * per_person - EPS).astype(np.int64)
        starts.append(own[:-1])
        ends.append(own[1:])
    if not ends:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(starts), np.concatenate(ends)


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


class SitePeople:
    """The people of one site in arrival order and the deliveries they share.

    Each item's runs of units and each kit's relief minutes are worked out once and kept:
    several targets ask for the same kit (the 10 h and 12 h targets both use the initial kit),
    and the relief curves ask for every class.
    """

    def __init__(
        self,
        cohorts: Sequence[tuple[float, int]],
        deliveries: dict[int, list[tuple[float, int]]],
        need_per_person: Sequence[float],
        daily: Sequence[bool] = (),
        displaced: Sequence[int] | None = None,
    ):
        """cohorts: (minute displaced, people) in time order; deliveries: item index ->
        (minute, qty) in time order; need_per_person: per item of the scenario; daily: per item,
        whether the need comes again each day (none does when empty); displaced: per cohort, how
        many of its people (its first ones) are displaced, the rest stranded at home (all when
        None)."""
        self.people = [n for _, n in cohorts]
        counts = self.people if displaced is None else displaced
        self.displaced = np.concatenate(
            [np.arange(n) < d for n, d in zip(self.people, counts, strict=True)] or [np.zeros(0, dtype=bool)]
        )
        self.cohort_at = [a for a, _ in cohorts]
        self.daily = tuple(daily) or (False,) * len(need_per_person)
        self.arrived = np.repeat(np.array([a for a, _ in cohorts], dtype=float), self.people)
        self.need_per_person = need_per_person
        self.deliveries = deliveries
        self._runs: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
        self._relieved: dict[tuple[int, ...], np.ndarray] = {}

    def kit(self, items: Sequence[int]) -> tuple[int, ...]:
        """The items of `items` anyone needs."""
        return tuple(j for j in items if self.need_per_person[j] > 0)

    def run(self, j: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(start, end) of each person's units of item j, and the deliveries' minutes and
        cumulative units."""
        if j not in self._runs:
            start, end = thresholds(self.people, self.need_per_person[j], self.cohort_at, self.daily[j])
            got = self.deliveries.get(j, [])
            times = np.array([t for t, _ in got], dtype=float)
            cumulative = np.cumsum(np.array([q for _, q in got], dtype=np.int64))
            self._runs[j] = (start, end, times, cumulative)
        return self._runs[j]

    def relieved(self, kit: tuple[int, ...]) -> np.ndarray:
        """Minute each person has every item of `kit` in place (inf if never)."""
        if kit not in self._relieved:
            out = self.arrived.copy()
            for j in kit:
                _, end, times, cumulative = self.run(j)
                out = np.maximum(out, in_place_at(end, times, cumulative))
            self._relieved[kit] = out
        return self._relieved[kit]


def site_counts(
    site: SitePeople, measure: PersonMeasure, onset_min: float, horizon_min: float
) -> PersonCounts:
    """The tally of one target at one site."""
    items = site.kit(measure.items)
    total = len(site.arrived)
    if total == 0 or not items:
        return PersonCounts()
    arrived = site.arrived
    if measure.clock == "event_onset":
        deadline = np.full(total, onset_min + measure.deadline_min)
        struck_late = arrived > deadline + EPS
    else:
        deadline = arrived + measure.deadline_min
        struck_late = np.zeros(total, dtype=bool)
    whom = site.displaced if measure.population == "displaced" else np.ones(total, dtype=bool)
    struck_late &= whom
    past = whom & ~struck_late & (deadline > horizon_min + EPS)
    counted = whom & ~struck_late & ~past
    units = units_in_time = 0
    for j in items:
        start, end, times, cumulative = site.run(j)
        own = (end - start)[counted]
        by = delivered_by(deadline[counted], times, cumulative)
        units += int(own.sum())
        units_in_time += int(np.clip(by - start[counted], 0, own).sum())
    in_time = counted & (site.relieved(items) <= deadline + EPS)
    return PersonCounts(
        people=int(counted.sum()),
        in_time=int(in_time.sum()),
        struck_late=int(struck_late.sum()),
        past_horizon=int(past.sum()),
        units=units,
        units_in_time=units_in_time,
    )


def relieved_within(
    site: SitePeople, items: Sequence[int], hours: np.ndarray, horizon_min: float
) -> tuple[np.ndarray, np.ndarray]:
    """For each h of `hours`: (people displaced at least h before the horizon, of them those
    with the kit in place within h of being displaced): the relief curve, on each person's own
    clock, that the targets read at their deadlines.

    >>> site = SitePeople([(0.0, 2), (120.0, 1)], {0: [(60.0, 1), (180.0, 2)]}, [1.0])
    >>> [a.tolist() for a in relieved_within(site, [0], np.array([0, 1, 2, 3]), 240.0)]
    [[3, 3, 3, 2], [0, 2, 2, 2]]
    """
    kit = site.kit(items)
    if not kit or not len(site.arrived):
        zero = np.zeros(len(hours), dtype=np.int64)
        return zero, zero
    window = np.asarray(hours, dtype=float)[:, None] * 60.0
    delay = (site.relieved(kit) - site.arrived)[None, :]
    seen = site.arrived[None, :] + window <= horizon_min + EPS
    return seen.sum(axis=1), (seen & (delay <= window + EPS)).sum(axis=1)


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
    deadline, late, past = rescue_deadlines(trapped_at, deadline_min, clock, onset_min, horizon_min)
    counted = sum(trapped_at[ref][1] for ref in deadline)
    in_time = sum(q for ref, t, q in rescued if ref in deadline and t <= deadline[ref] + 1e-9)
    return counted, in_time, late, past


def rescue_deadlines(
    trapped_at: Mapping[int, tuple[float, int]],
    deadline_min: float,
    clock: str,
    onset_min: float,
    horizon_min: float,
) -> tuple[dict[int, float], int, int]:
    """(deadline of each rescue task a target counts, people struck after the deadline, people
    whose deadline is past the horizon): the rule rescue_counts and the late causes share."""
    deadline: dict[int, float] = {}
    late = past = 0
    for ref, (at, people) in trapped_at.items():
        due = at + deadline_min if clock == "affected" else onset_min + deadline_min
        if clock == "event_onset" and at > due + 1e-9:
            late += people
        elif due > horizon_min + 1e-9:
            past += people
        else:
            deadline[ref] = due
    return deadline, late, past
