"""Decision policies: pure functions from a snapshot to a decision, chosen by name.

No SimPy, no clock, no side effects: a policy sees a read-only view and returns
what to do. The model applies the decision. Register new policies in the
registries at the bottom; configs name them (`policy.relief=nearest_stock`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


def _ready(view: DepotView, d: int, now: float) -> float:
    at = view.ready_at_min[d]
    return now + view.lead_time_min[d] if np.isnan(at) else max(at, now)


def tiered_order(req: ReliefRequest, view: DepotView) -> list[int]:
    """The plans' tiered order: own township point, city depot, lateral township points,
    then contract and province reserves. Within a tier: earliest arrival, then file order."""
    groups: list[list[tuple[float, int]]] = [[], [], [], [], []]
    for d, tier in enumerate(view.tier):
        travel = view.travel_min[d]
        if not np.isfinite(travel):
            continue  # no road: this depot cannot serve the village now
        arrival = _ready(view, d, req.now_min) + travel
        if tier == "township":
            rank = 0 if view.township_id[d] == req.township_id else 2
        else:
            rank = {"city": 1, "contract": 3, "province": 4}[tier]
        groups[rank].append((arrival, d))
    return [d for group in groups for _, d in sorted(group)]


def nearest_order(req: ReliefRequest, view: DepotView) -> list[int]:
    """Ignore the tiers: earliest possible arrival first (for comparison with the plans' rule)."""
    cands = [
        (_ready(view, d, req.now_min) + view.travel_min[d], d)
        for d in range(len(view.tier))
        if np.isfinite(view.travel_min[d])
    ]
    return [d for _, d in sorted(cands)]


def fill_in_order(order: list[int], req: ReliefRequest, view: DepotView) -> list[Allocation]:
    """Take each item from the depots in `order` until the need is covered (partial allowed)."""
    allocs: list[Allocation] = []
    for i, need in enumerate(req.need):
        remaining = need
        for d in order:
            if remaining <= 0:
                break
            q = int(min(remaining, view.available[d, i]))
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
