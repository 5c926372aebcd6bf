"""Which cut road a free repair team goes to: pure functions of the cut edges the command
centre sees (`REPAIR_POLICIES`, setting `policy.repair`).

The model (sim/model/repair.py) builds the view whenever a team is free and applies the
choice; a policy never sees the clock or draws a random number. What it leaves out: planning
several teams' repairs together (each free team chooses alone).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


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
