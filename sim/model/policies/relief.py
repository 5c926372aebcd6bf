"""Decision policies: pure functions from a snapshot to a decision, chosen by name.

No SimPy, no clock, no side effects a decision could see: a policy sees a read-only
view and returns what to do (a view's `travel_beyond` may search the roads and keep what
it found, but its answers depend only on the roads of that moment). The model applies
the decision. Register new policies in the
registries at the bottom; configs name them (`policy.relief=nearest_stock`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

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


@dataclass(frozen=True)
class RepairView:
    """The cut edges a free road-repair team could go to, as the command centre sees them."""

    edges: tuple[int, ...]  # edge indices (in scenario.road order)
    reconnects_people: tuple[int, ...]  # reported people still waiting for relief it would reconnect
    travel_min: tuple[float, ...]  # minutes for the team to reach the edge; inf = cannot reach
    repair_min: tuple[float, ...]


RepairPolicy = Callable[[RepairView], int | None]


def most_people_reconnected(view: RepairView) -> int | None:
    """Default: the edge that reconnects the most waiting people; ties to the nearest, then lowest id."""
    cands = [
        (-p, t, e)
        for e, p, t in zip(view.edges, view.reconnects_people, view.travel_min, strict=True)
        if np.isfinite(t)
    ]
    return min(cands)[2] if cands else None


def nearest_cut(view: RepairView) -> int | None:
    """The nearest cut edge the team can reach, whoever it reconnects."""
    cands = [(t, e) for e, t in zip(view.edges, view.travel_min, strict=True) if np.isfinite(t)]
    return min(cands)[1] if cands else None


REPAIR_POLICIES: dict[str, RepairPolicy] = {
    "most_people_reconnected": most_people_reconnected,
    "nearest_cut": nearest_cut,
}


@dataclass(frozen=True)
class RouteView:
    """A free truck at a depot and the sites whose loads wait there for it.

    Candidate 0 is the most urgent site (the load the truck was freed for: it goes on the truck
    whatever, its units up to the capacity); the others are further sites whose waiting units
    would ride along whole. `minutes[a, b]` is the drive from a to b on the roads of now, index 0
    the depot and k + 1 candidate k (inf where no road leads)."""

    capacity: int
    units: tuple[int, ...]  # units waiting per candidate site at this depot
    minutes: np.ndarray  # (n + 1, n + 1)
    unload_min: float
    max_stops: int  # drops on one trip, the first included
    # No drop arrives more than this later than a truck driving straight to it would arrive.
    max_delay_min: float


RoutePolicy = Callable[[RouteView], list[int]]  # candidates in visiting order; always holds 0


def single_drop(view: RouteView) -> list[int]:
    """One site a trip (the model before issue 20; kept for comparison)."""
    return [0]


def _arrivals(route: list[int], m: np.ndarray, unload_min: float) -> list[float]:
    """Drive minutes from leaving the depot to reaching each stop (unloading at those before)."""
    t, at, here = 0.0, [], 0
    for k in route:
        t += m[here, k + 1]
        at.append(t)
        t += unload_min
        here = k + 1
    return at


# Solomon's I1 insertion criterion (Operations Research 35(2), 1987): a site's added minutes
# less lambda times its straight drive from the depot, so a far site on the way is taken before
# a near one that is off it (trips built one at a time otherwise leave the far sites to trips
# of their own). lambda = 1, Solomon's usual value; 0.5-2 measured within a percent of it
# (bench/bench_routes.py). Tuning only: every trip still keeps the capacity and delay rules.
INSERT_LAMBDA = 1.0


def insertion_drop(view: RouteView) -> list[int]:
    """Several sites a trip, by insertion alone (multi_drop before its local search; kept for
    comparison): start from the most urgent site; repeatedly insert,
    at the place in the route that adds the fewest minutes to the round trip, the site (whose
    waiting units fit in the room left) with the lowest added minutes less INSERT_LAMBDA times
    its straight drive, as long as no drop then arrives more than `max_delay_min` later than a
    truck driving straight to it, and the trip has at most `max_stops` drops. Ties go to the
    more urgent site, then the earlier place."""
    m, n = view.minutes, len(view.units)
    direct = m[0, 1:]
    room = view.capacity - min(view.units[0], view.capacity)
    route = [0]
    if not np.isfinite(direct[0]):  # no road to the first site now: the truck waits for one with it alone
        return route
    left = [k for k in range(1, n) if np.isfinite(direct[k])]
    while True:
        while len(route) < view.max_stops and left:
            best: tuple[float, int, int] | None = None
            nodes = [0, *(k + 1 for k in route), 0]
            for k in left:
                if view.units[k] > room:
                    continue
                for pos in range(len(route) + 1):
                    a, b = nodes[pos], nodes[pos + 1]
                    if not np.isfinite(m[a, b]):  # no road between them now (inf - inf: no score)
                        continue
                    score = m[a, k + 1] + m[k + 1, b] - m[a, b] + view.unload_min - INSERT_LAMBDA * direct[k]
                    if not np.isfinite(score) or (best is not None and (score, k, pos) >= best):
                        continue
                    if _keeps_delay([*route[:pos], k, *route[pos:]], view):
                        best = (score, k, pos)
            if best is None:
                break
            _, k, pos = best
            route.insert(pos, k)
            room -= view.units[k]
            left.remove(k)
        if not _two_opt(route, view):  # a shorter order may leave room in time for another site
            return route


# The local search orders each set of drops exactly (_best_order), which grows as the factorial
# of the drops: it runs where a trip may have at most this many (the default max_stops); with
# more, multi_drop keeps the insertion's trip. Measured (CPU a trip, 21-25 candidates of small
# loads so that capacity never binds, 10 generated views each, 2026-12-07): 5 drops 29-39 ms
# with the 60-min delay rule, 127-157 ms with none; 6 drops 40-57 ms, but 0.8-1.1 s with none.
EXACT_ORDER_MAX_STOPS = 5


def multi_drop(view: RouteView) -> list[int]:
    """Several sites a trip: insertion (insertion_drop), then local search on what the trip is
    for. A trip's cost is its driving minutes less, for each further site it serves, that site's
    round trip straight from the depot: the minutes a trip of its own would drive, which
    riding along saves (the first site goes whatever). Moves, each within the capacity,
    `max_stops` and the delay rule: add a waiting site at its best place, drop one, swap one on
    the trip for one waiting, move a drop to another place, reverse a stretch (2-opt). The move
    that lowers the cost most is made until none does; ties go to the move found first, so the
    trip is the same on every run. The cost never rises above the insertion's. With more than
    EXACT_ORDER_MAX_STOPS drops allowed a trip, the insertion's trip as it is.

    Measured against PyVRP's hybrid genetic search for the same decision and for whole static
    plans (bench/bench_routes.py; figures in docs/model/policies.md)."""
    route = insertion_drop(view)
    if (len(route) == 1 and not np.isfinite(view.minutes[0, 1])) or view.max_stops > EXACT_ORDER_MAX_STOPS:
        return route
    return _local_search(route, view)


def _round_trip_min(view: RouteView) -> np.ndarray:
    """Per candidate: the minutes of a trip to it alone (what riding along saves), inf if cut off."""
    m = view.minutes
    alone = m[0, 1:] + m[1:, 0]
    alone[0] = 0.0  # the first site goes whatever: no saving to count
    return alone


def trip_cost(route: list[int], view: RouteView) -> float:
    """multi_drop's objective: driving minutes less the round trips of the further sites served."""
    alone = _round_trip_min(view)
    return _trip_drive(route, view.minutes) - float(sum(alone[k] for k in route))


def _local_search(route: list[int], view: RouteView) -> list[int]:
    """Improve the set of sites on the trip by adding, dropping or swapping one, each set driven
    in its best order within the delay rule (_best_order), until no move lowers trip_cost."""
    alone, n = _round_trip_min(view), len(view.units)
    first = min(view.units[0], view.capacity)
    orders: dict[frozenset[int], tuple[float, list[int]]] = {}

    def best(stops: frozenset[int]) -> tuple[float, list[int]]:
        if stops not in orders:
            drive, order = _best_order(stops, view)
            orders[stops] = (drive - float(sum(alone[k] for k in stops)), order)
        return orders[stops]

    def fits(stops: frozenset[int]) -> bool:
        return (
            len(stops) <= view.max_stops and first + sum(view.units[k] for k in stops if k) <= view.capacity
        )

    def descend(here: frozenset[int]) -> frozenset[int]:
        now = best(here)[0]
        while True:
            waiting = [k for k in open_ if k not in here]
            on = sorted(here - {0})
            moves = [here | {k} for k in waiting] + [here - {s} for s in on]
            moves += [(here - {s}) | {k} for s in on for k in waiting]
            found = None
            for stops in moves:
                if fits(stops) and best(stops)[0] < now - 1e-9:
                    found, now = stops, best(stops)[0]
            if found is None:
                return here
            here = found

    open_ = [k for k in range(1, n) if np.isfinite(alone[k])]
    # From the insertion's sites, and again from the first site paired with each other one: one
    # swap at a time cannot trade two small sites on the trip for two others a full truck
    # leaves no room to add first. The best end wins (the first found on ties).
    starts = [frozenset(route)] + [frozenset((0, k)) for k in open_ if fits(frozenset((0, k)))]
    now = trip_cost(route, view)
    for start in starts:
        cost, order = best(descend(start))
        if cost < now - 1e-9:
            now, route = cost, order
    return route


def _best_order(stops: frozenset[int], view: RouteView) -> tuple[float, list[int]]:
    """The shortest order to drive `stops` (candidate 0 among them) within the delay rule, by
    branch and bound over orders (a trip has a handful of drops): (driving minutes, order), inf
    and [] when no order keeps the rule. A drop's arrival depends only on the drops before it,
    so a late drop cuts off every order that starts that way; a partial order is cut off once
    its minutes and the drive home from its last drop reach the best found (the roads' minutes
    are shortest paths: no detour makes the way home shorter). Ties keep the first order found,
    in candidate order: the same on every run."""
    m, unload, delay = view.minutes, view.unload_min, view.max_delay_min + 1e-9
    best: list = [math.inf, []]

    def extend(here: int, t: float, drive: float, path: list[int], left: list[int]) -> None:
        if not left:
            total = drive + m[here, 0]
            if total < best[0]:
                best[0], best[1] = total, path
            return
        for k in left:
            leg = m[here, k + 1]
            if not t + leg - m[0, k + 1] <= delay or not drive + leg + m[k + 1, 0] < best[0]:
                continue
            extend(k + 1, t + leg + unload, drive + leg, [*path, k], [j for j in left if j != k])

    extend(0, 0.0, 0.0, [], sorted(stops))
    return float(best[0]), best[1]


def _keeps_delay(route: list[int], view: RouteView) -> bool:
    at = _arrivals(route, view.minutes, view.unload_min)
    return all(
        t - view.minutes[0, s + 1] <= view.max_delay_min + 1e-9 for t, s in zip(at, route, strict=True)
    )


def _trip_drive(route: list[int], m: np.ndarray) -> float:
    nodes = [0, *(k + 1 for k in route), 0]
    return float(sum(m[a, b] for a, b in pairwise(nodes)))


def _two_opt(route: list[int], view: RouteView) -> bool:
    """Reverse the stretch of the trip that shortens it most within the delay rule (in place);
    False when none does."""
    best, now = None, _trip_drive(route, view.minutes) - 1e-9
    for i in range(len(route) - 1):
        for j in range(i + 2, len(route) + 1):
            trial = [*route[:i], *reversed(route[i:j]), *route[j:]]
            drive = _trip_drive(trial, view.minutes)
            if drive < now and _keeps_delay(trial, view):
                best, now = trial, drive
    if best is None:
        return False
    route[:] = best
    return True


ROUTE_POLICIES: dict[str, RoutePolicy] = {
    "single_drop": single_drop,
    "multi_drop": multi_drop,
    "insertion_drop": insertion_drop,
}
