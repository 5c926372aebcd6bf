"""Decision policies: pure functions from a snapshot to a decision, chosen by name.

No SimPy, no clock, no side effects a decision could see: a policy sees a read-only
view and returns what to do (a view's `travel_beyond` may search the roads and keep what
it found, but its answers depend only on the roads of that moment). The model applies
the decision. Register new policies in the
registries at the bottom; configs name them (`policy.relief=nearest_stock`).
"""

from __future__ import annotations

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


def _ready_min(req: ReliefRequest, view: DepotView) -> np.ndarray:
    """Per depot, when it can ship: its lead time from now if not yet called off."""
    now, at = req.now_min, view.ready_at_min
    return np.where(np.isnan(at), now + view.lead_time_min, np.maximum(at, now))


class DepotOrder:
    """Depots in order of (rank, earliest arrival, file order), found only as far as they are
    asked for: the drive of a depot is looked up once the depots before it are settled.

    Arrival is ready time + drive, and ready time is never before now, so a depot arriving
    within `now + L` drives at most L minutes: knowing every drive within L settles, in each
    rank, every depot arriving by `now + L`, in the order a full table would give. Depots
    without a road to the site now, or with nothing the request needs, are left out (they
    would give nothing). Iterate it as often as needed: it extends itself."""

    def __init__(self, req: ReliefRequest, view: DepotView, rank: np.ndarray):
        self._found: list[int] = []
        wanted = np.flatnonzero(np.asarray(req.need) > 0)
        has = (view.available[:, wanted] > 0).any(axis=1) if len(wanted) else np.zeros(len(rank), bool)
        self._next = self._settle(req, view, rank, np.flatnonzero(has & view.reachable))

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

    @staticmethod
    def _settle(req: ReliefRequest, view: DepotView, rank: np.ndarray, cand: np.ndarray) -> Iterator[int]:
        if len(cand) == 0:
            return
        ready = _ready_min(req, view)
        travel, known = view.travel_beyond(0.0)
        if known == math.inf:  # every drive known at once (a small network): one sort
            yield from cand[np.lexsort((cand, ready[cand] + travel[cand], rank[cand]))].tolist()
            return
        for r in np.unique(rank[cand]).tolist():
            group = cand[rank[cand] == r]
            while len(group):
                arrival = ready[group] + travel[group]  # inf beyond what is known
                # strictly before: one not yet known arrives at now + known or later
                sure = arrival < req.now_min + known if known < math.inf else np.ones(len(group), bool)
                settled = group[sure]
                yield from settled[np.lexsort((settled, arrival[sure]))].tolist()
                group = group[~sure]
                if len(group):  # some arrive later than anything known settles: look farther
                    travel, known = view.travel_beyond(known)


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
    then contract and province reserves. Within a tier: earliest arrival, then file order.
    Depots without a road to the site now are left out."""
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


def tiered_nearest(req: ReliefRequest, view: DepotView) -> list[Allocation]:
    """Default: the "1+22" tiered rule of the plans (seed 001, 003)."""
    return fill_in_order(tiered_order(req, view), req, view)


def nearest_stock(req: ReliefRequest, view: DepotView) -> list[Allocation]:
    """Whatever depot can arrive first, regardless of tier."""
    return fill_in_order(nearest_order(req, view), req, view)


RELIEF_POLICIES: dict[str, ReliefPolicy] = {
    "tiered_nearest": tiered_nearest,
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
