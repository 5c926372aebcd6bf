"""Decision policies: pure functions from a snapshot to a decision, chosen by name.

No SimPy, no clock, no side effects: a policy sees a read-only view and returns
what to do. The model applies the decision. Register new policies in the
registries at the bottom; configs name them (`policy.relief=nearest_stock`).
"""

from __future__ import annotations

from collections.abc import Callable
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


@dataclass(frozen=True)
class DepotView:
    """What the command centre knows of the depots when it decides."""

    tier: tuple[str, ...]
    township_id: tuple[str, ...]
    available: np.ndarray  # (depots, items) unreserved units, read-only
    travel_min: np.ndarray  # (depots,) minutes from each depot to the request's site now; inf = no road
    ready_at_min: np.ndarray  # (depots,) when a depot can ship; nan = not yet called off
    lead_time_min: np.ndarray  # (depots,)


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


def _arrival_min(req: ReliefRequest, view: DepotView) -> np.ndarray:
    """Earliest arrival per depot: ready (lead time from now if not yet called off) + travel."""
    now = req.now_min
    at = view.ready_at_min
    ready = np.where(np.isnan(at), now + view.lead_time_min, np.maximum(at, now))
    return ready + view.travel_min


def _ordered(keys: tuple[np.ndarray, ...], reachable: np.ndarray) -> list[int]:
    """Reachable depot indices sorted by `keys` (last key first, as np.lexsort), ties by index."""
    idx = np.flatnonzero(reachable)
    return idx[np.lexsort(tuple(k[idx] for k in keys))].tolist()


def tiered_order(req: ReliefRequest, view: DepotView) -> list[int]:
    """The plans' tiered order: own township point, city depot, lateral township points,
    then contract and province reserves. Within a tier: earliest arrival, then file order.
    Depots without a road to the site now are left out."""
    base, own = _tier_ranks(view.tier, view.township_id)
    rank = base.copy()
    mine = own.get(req.township_id)
    if mine is not None:
        rank[mine] = 0
    return _ordered((_arrival_min(req, view), rank), np.isfinite(view.travel_min))


def nearest_order(req: ReliefRequest, view: DepotView) -> list[int]:
    """Ignore the tiers: earliest possible arrival first (for comparison with the plans' rule)."""
    return _ordered((_arrival_min(req, view),), np.isfinite(view.travel_min))


def fill_in_order(order: list[int], req: ReliefRequest, view: DepotView) -> list[Allocation]:
    """Take each item from the depots in `order` until the need is covered (partial allowed)."""
    allocs: list[Allocation] = []
    available = view.available
    for i, need in enumerate(req.need):
        remaining = need
        for d in order:  # a loop, not numpy: it usually stops after a depot or two
            if remaining <= 0:
                break
            q = int(min(remaining, available[d, i]))
            if q > 0:
                allocs.append((d, i, q))
                remaining -= q
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
