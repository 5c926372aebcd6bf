"""How a truck's trip is built: pure functions from a free truck and the loads waiting at its
depot to the sites it visits in order (`ROUTE_POLICIES`, setting `trucks.routing`).

`single_drop` (one site a trip), `insertion_drop` (Solomon's I1 insertion) and `multi_drop`
(insertion, then an exact order of small trips and a local search), every trip keeping the
truck's capacity, its stop limit and the delay rule (no drop later than max_delay_min beyond a
straight drive). The model (sim/model/relief.py) builds the view when a truck is free and drives the trip.
What it leaves out: loads not yet waiting at the depot, and several trucks' trips planned
together (compared with PyVRP in bench/bench_routes.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

import numpy as np


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
