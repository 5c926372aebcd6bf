"""Which depots give how much of each item: pure functions from a relief request and the
depots as the command centre sees them to allocations (`RELIEF_POLICIES`, setting
`policy.relief`).

No SimPy, no clock, no side effects a decision could see: a policy sees a read-only
view and returns what to do (a view's `travel_beyond` may search the roads and keep what
it found, but its answers depend only on the roads of that moment). The model applies
the decision. Register new policies in the
registry at the bottom; configs name them (`policy.relief=nearest_stock`). Trips are
sim/model/policies/routes.py, repairs sim/model/policies/repair.py.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np


@dataclass(frozen=True)
class ReliefRequest:
    place: int  # index into scenario.places
    node: int  # its road node
    township_id: str
    need: tuple[int, ...]  # units still to allocate, per item
    now_min: float


# travel_beyond(known) -> (minutes, known'): per depot, minutes of the drive to the request's
# site now, exact for every depot within known' minutes and inf beyond (or where no road
# leads); known' > known, and inf once every drive is known (start with known = 0). Drive
# times are asked for as far as a decision needs them: on a province-sized network every
# depot's drive is a full shortest-path search per site, where the depots a site draws on are
# usually near (sim/model/relief.py asks the live roads, which set how far each step looks).
TravelBeyond = Callable[[float], "tuple[np.ndarray, float]"]


@dataclass(frozen=True)
class DepotView:
    """What the command centre knows of the depots when it decides."""

    tier: tuple[str, ...]
    township_id: tuple[str, ...]
    available: np.ndarray  # (depots, items) unreserved units, read-only
    reachable: np.ndarray  # (depots,) bool: a road leads from the depot to the request's site now
    travel_beyond: TravelBeyond
    ready_at_min: np.ndarray  # (depots,) when a depot can ship; nan = not yet called off
    lead_time_min: np.ndarray  # (depots,)
    # (depots,) when a truck of the depot could start loading this request's first load: its
    # trucks' expected return from the loads they carry, then the loads already queued there
    # ahead of this request (sim/model/relief.py truck_free_at); inf = no truck. None: every
    # truck free now (a view without trucks, as in the tests of the tier order alone).
    truck_free_at_min: np.ndarray | None = None
    load_min: np.ndarray | None = None  # (depots,) loading minutes of a truckload; None: 0
    # Items whose loads go before the others' (initial relief under initial_first), and when a
    # truck is free for those others (more loads are queued ahead of them). None: one queue.
    first_items: tuple[bool, ...] | None = None
    truck_free_rest_at_min: np.ndarray | None = None


def travel_table(travel_min: np.ndarray) -> TravelBeyond:
    """`travel_beyond` over a full table of minutes (inf = no road): everything known at once."""
    return lambda known: (travel_min, math.inf)


Allocation = tuple[int, int, int]  # (depot index, item index, units)
ReliefPolicy = Callable[[ReliefRequest, DepotView], list[Allocation]]


_OTHER_TIER_RANK = {"city": 1, "township": 2, "contract": 3, "province": 4}


@lru_cache(maxsize=8)
def _tier_ranks(
    tier: tuple[str, ...], township_id: tuple[str, ...]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Per depot: its rank in the plans' order if it is not the request's own township point,
    and, per township, which depots are that township's own points (computed once per depot list)."""
    rank = np.array([_OTHER_TIER_RANK[t] for t in tier], dtype=np.int64)
    own: dict[str, list[int]] = {}
    for d, (t, town) in enumerate(zip(tier, township_id, strict=True)):
        if t == "township":
            own.setdefault(town, []).append(d)
    return rank, {town: np.array(ds, dtype=np.int64) for town, ds in own.items()}


def ready_min(req: ReliefRequest, view: DepotView) -> np.ndarray:
    """Per depot, when it can ship: its lead time from now if not yet called off."""
    now, at = req.now_min, view.ready_at_min
    return np.where(np.isnan(at), now + view.lead_time_min, np.maximum(at, now))


def departs_min(req: ReliefRequest, view: DepotView) -> tuple[np.ndarray, np.ndarray]:
    """Per depot, when this request's first truckload would leave: (with the queue, if every
    truck were free). A load leaves once the depot may ship (lead time) and a truck is free
    (trucks on the road and loads queued ahead), after loading. Never before now."""
    ready = ready_min(req, view)
    load = np.zeros(len(ready)) if view.load_min is None else view.load_min
    free = ready if view.truck_free_at_min is None else np.maximum(ready, view.truck_free_at_min)
    return free + load, ready + load


class _Drives:
    """The drives to the request's site as far as they have been asked for (travel_beyond)."""

    def __init__(self, view: DepotView):
        self._beyond = view.travel_beyond
        self.minutes, self.known = self._beyond(0.0)

    def extend(self) -> None:
        self.minutes, self.known = self._beyond(self.known)

    def upto(self, limit: float) -> np.ndarray:
        """Drives exact for every depot whose drive is below `limit` (inf beyond)."""
        while self.known < limit and self.known < math.inf:
            self.extend()
        return self.minutes


class DepotOrder:
    """Depots in order of (rank, earliest arrival, file order), found only as far as they are
    asked for: the drive of a depot is looked up once the depots before it are settled.

    Arrival is departure (ready, truck free, loaded) + drive, and departure is never before
    now, so a depot arriving within `now + L` drives at most L minutes: knowing every drive
    within L settles, in each rank, every depot arriving by `now + L`, in the order a full
    table would give. Depots without a road to the site now, or with nothing the request needs,
    are left out (they would give nothing). Iterate it as often as needed: it extends itself.

    `queue_jumps`: a depot whose trucks are busy (it would arrive later than with a free truck)
    is passed over, for as long as another depot of any rank would arrive strictly earlier:
    the earliest of those goes first (ties: rank, then file order). The ranks decide wherever
    they do not make an order wait behind a busy truck."""

    def __init__(self, req: ReliefRequest, view: DepotView, rank: np.ndarray, queue_jumps: bool = False):
        self._found: list[int] = []
        wanted = np.flatnonzero(np.asarray(req.need) > 0)
        has = (view.available[:, wanted] > 0).any(axis=1) if len(wanted) else np.zeros(len(rank), bool)
        cand = np.flatnonzero(has & view.reachable)
        self._now = req.now_min
        self._rank = rank
        self._depart, self._idle = departs_min(req, view)
        self._drives = _Drives(view) if len(cand) else None
        ranked = self._settle(cand)
        self._next = self._jumping(ranked, cand) if queue_jumps else ranked

    def __iter__(self) -> Iterator[int]:
        k = 0
        while k < len(self._found) or self._extend():
            yield self._found[k]
            k += 1

    def _extend(self) -> bool:
        d = next(self._next, None)
        if d is not None:
            self._found.append(d)
        return d is not None

    def _settle(self, cand: np.ndarray) -> Iterator[int]:
        if len(cand) == 0 or self._drives is None:
            return
        drives, rank, depart = self._drives, self._rank, self._depart
        if drives.known == math.inf:  # every drive known at once (a small network): one sort
            arrival = depart[cand] + drives.minutes[cand]
            yield from cand[np.lexsort((cand, arrival, rank[cand]))].tolist()
            return
        for r in np.unique(rank[cand]).tolist():
            group = cand[rank[cand] == r]
            while len(group):
                arrival = depart[group] + drives.minutes[group]  # inf beyond what is known
                # strictly before: one not yet known arrives at now + known or later
                known = drives.known
                sure = arrival < self._now + known if known < math.inf else np.ones(len(group), bool)
                settled = group[sure]
                yield from settled[np.lexsort((settled, arrival[sure]))].tolist()
                group = group[~sure]
                if len(group):  # some arrive later than anything known settles: look farther
                    drives.extend()

    def _jumping(self, ranked: Iterator[int], cand: np.ndarray) -> Iterator[int]:
        """The ranked order, but an order never waits behind a busy truck (class docstring)."""
        assert self._drives is not None or len(cand) == 0
        left = np.ones(len(self._rank), bool)
        held: int | None = None
        while True:
            d = held if held is not None else next((x for x in ranked if left[x]), None)
            held = None
            if d is None:
                return
            assert self._drives is not None
            if self._depart[d] > self._idle[d]:  # its trucks are busy: is another source earlier?
                arrive_d = self._depart[d] + self._drives.minutes[d]
                drives = self._drives.upto(arrive_d - self._now)  # every drive that could beat it
                others = cand[left[cand] & (cand != d)]
                arrival = self._depart[others] + drives[others]
                earlier = arrival < arrive_d
                if earlier.any():
                    e = others[earlier]
                    jump = int(e[np.lexsort((e, self._rank[e], arrival[earlier]))[0]])
                    left[jump] = False
                    held = d  # d is considered again after the one that jumped ahead
                    yield jump
                    continue
            left[d] = False
            yield d


def _rank(req: ReliefRequest, view: DepotView) -> np.ndarray:
    """The plans' tier ranks for this request: own township point 0, city depot 1, lateral
    township points 2, contract 3, province 4."""
    base, own = _tier_ranks(view.tier, view.township_id)
    rank = base.copy()
    mine = own.get(req.township_id)
    if mine is not None:
        rank[mine] = 0
    return rank


def tiered_order(req: ReliefRequest, view: DepotView) -> DepotOrder:
    """The plans' tiered order: own township point, city depot, lateral township points,
    then contract and province reserves. Within a tier: earliest arrival, then file order;
    a depot whose trucks are busy yields to any source that would arrive earlier.
    Depots without a road to the site now are left out."""
    return DepotOrder(req, view, _rank(req, view), queue_jumps=True)


def strict_tiered_order(req: ReliefRequest, view: DepotView) -> DepotOrder:
    """The plans' tiered order kept even where a busy truck makes it later (for comparison)."""
    return DepotOrder(req, view, _rank(req, view))


def nearest_order(req: ReliefRequest, view: DepotView) -> DepotOrder:
    """Ignore the tiers: earliest possible arrival first (for comparison with the plans' rule)."""
    return DepotOrder(req, view, np.zeros(len(view.tier), dtype=np.int64))


def fill_in_order(order: Iterable[int], req: ReliefRequest, view: DepotView) -> list[Allocation]:
    """Take each item from the depots in `order` until the need is covered (partial allowed)."""
    allocs: list[Allocation] = []
    available = view.available
    for i, need in enumerate(req.need):
        remaining = need
        if remaining <= 0:
            continue
        for d in order:  # a loop, not numpy: it usually stops after a depot or two
            q = int(min(remaining, available[d, i]))
            if q > 0:
                allocs.append((d, i, q))
                remaining -= q
                if remaining <= 0:  # before asking the order for one more depot
                    break
    return allocs


def fill_by_queue(
    make: Callable[[ReliefRequest, DepotView], Iterable[int]], req: ReliefRequest, view: DepotView
) -> list[Allocation]:
    """fill_in_order over the depot order `make` gives, once per queue: the items whose loads go
    first see the trucks as they are free for them, then the others as free for the rest (their
    loads wait behind more of the queue), except at a depot that sends this request's first
    items: the rest ride with them (a truck takes all of a site's orders, sim/model/relief.py
    next_load; a load too big for one truck is not foreseen). One order when there is one queue."""
    first, rest_free = view.first_items, view.truck_free_rest_at_min
    if first is None or rest_free is None or view.truck_free_at_min is None or not any(first) or all(first):
        return fill_in_order(make(req, view), req, view)
    first_need = tuple(q if f else 0 for q, f in zip(req.need, first, strict=True))
    rest_need = tuple(0 if f else q for q, f in zip(req.need, first, strict=True))
    allocs: list[Allocation] = []
    if any(first_need):
        part = dataclasses.replace(req, need=first_need)
        allocs = fill_in_order(make(part, view), part, view)
        if allocs:
            rest_free = rest_free.copy()
            sends = np.array(sorted({d for d, _, _ in allocs}))
            rest_free[sends] = np.minimum(rest_free[sends], view.truck_free_at_min[sends])
    if any(rest_need):
        part = dataclasses.replace(req, need=rest_need)
        rest_view = dataclasses.replace(view, truck_free_at_min=rest_free)
        allocs += fill_in_order(make(part, rest_view), part, rest_view)
    return sorted(allocs, key=lambda a: a[1])  # item by item, as one fill would list them


def tiered_nearest(req: ReliefRequest, view: DepotView) -> list[Allocation]:
    """Default: the "1+22" tiered rule of the plans (seed 001, 003), seeing the truck queues:
    a depot whose trucks are busy yields to any source that would deliver earlier."""
    return fill_by_queue(tiered_order, req, view)


def tiered_strict(req: ReliefRequest, view: DepotView) -> list[Allocation]:
    """The tiered rule to the letter: an order waits for its tier's busy trucks (the rule
    before issue 19, arrival now counting truck queues and loading within each tier)."""
    return fill_by_queue(strict_tiered_order, req, view)


def nearest_stock(req: ReliefRequest, view: DepotView) -> list[Allocation]:
    """Whatever depot can arrive first (truck queue, loading and drive), regardless of tier."""
    return fill_by_queue(nearest_order, req, view)


RELIEF_POLICIES: dict[str, ReliefPolicy] = {
    "tiered_nearest": tiered_nearest,
    "tiered_strict": tiered_strict,
    "nearest_stock": nearest_stock,
}
