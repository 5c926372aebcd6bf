"""The relief policies give exactly the allocations of the plain per-depot loops they replaced,
over a full table of drive minutes, although they ask for drives only as far as they need them."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.policies import RELIEF_POLICIES, DepotView, ReliefRequest, travel_table

TIERS = ("township", "city", "contract", "province")


def _ready(view: DepotView, d: int, now: float) -> float:
    at = view.ready_at_min[d]
    return now + view.lead_time_min[d] if np.isnan(at) else max(at, now)


def loop_tiered_order(req: ReliefRequest, view: DepotView, travel_min: np.ndarray) -> list[int]:
    groups: list[list[tuple[float, int]]] = [[], [], [], [], []]
    for d, tier in enumerate(view.tier):
        travel = travel_min[d]
        if not np.isfinite(travel):
            continue
        arrival = _ready(view, d, req.now_min) + travel
        if tier == "township":
            rank = 0 if view.township_id[d] == req.township_id else 2
        else:
            rank = {"city": 1, "contract": 3, "province": 4}[tier]
        groups[rank].append((arrival, d))
    return [d for group in groups for _, d in sorted(group)]


def loop_nearest_order(req: ReliefRequest, view: DepotView, travel_min: np.ndarray) -> list[int]:
    cands = [
        (_ready(view, d, req.now_min) + travel_min[d], d)
        for d in range(len(view.tier))
        if np.isfinite(travel_min[d])
    ]
    return [d for _, d in sorted(cands)]


def loop_fill(order: list[int], req: ReliefRequest, view: DepotView) -> list[tuple[int, int, int]]:
    allocs = []
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


def served_bounded(travel: np.ndarray, asked: list[float]):
    """`travel_beyond` as the live roads answer it: 30 min first, then twice as far each time,
    exact within the limit and inf beyond it; each limit is noted in `asked`."""

    def travel_beyond(known: float) -> tuple[np.ndarray, float]:
        limit = 30.0 if known <= 0 else 2.0 * known
        asked.append(limit)
        return np.where(travel <= limit, travel, np.inf), limit

    return travel_beyond


# Few distinct values, so ties in arrival time (broken by file order) are common.
minutes = st.sampled_from([0.0, 15.0, 30.0, 30.0, 45.5, 60.0, float("inf")])


@st.composite
def cases(draw):
    n = draw(st.integers(1, 12))
    items = draw(st.integers(1, 3))
    tier = tuple(draw(st.lists(st.sampled_from(TIERS), min_size=n, max_size=n)))
    town = tuple(draw(st.lists(st.sampled_from(["t1", "t2", "t3"]), min_size=n, max_size=n)))
    avail = np.array(draw(st.lists(st.integers(0, 5), min_size=n * items, max_size=n * items))).reshape(
        n, items
    )
    ready = np.array(draw(st.lists(st.sampled_from([np.nan, 0.0, 20.0, 90.0]), min_size=n, max_size=n)))
    travel = np.array(draw(st.lists(minutes, min_size=n, max_size=n)))
    asked: list[float] = []
    view = DepotView(
        tier=tier,
        township_id=town,
        available=avail,
        reachable=np.isfinite(travel),
        travel_beyond=served_bounded(travel, asked),
        ready_at_min=ready,
        lead_time_min=np.array(draw(st.lists(st.sampled_from([0.0, 30.0, 120.0]), min_size=n, max_size=n))),
    )
    need = tuple(draw(st.lists(st.integers(0, 12), min_size=items, max_size=items)))
    req = ReliefRequest(
        0, 0, draw(st.sampled_from(["t1", "t2", "t4"])), need, draw(st.sampled_from([0.0, 20.0]))
    )
    return req, view, travel, asked


@settings(max_examples=300, deadline=None)
@given(cases())
def test_policies_match_the_loops(case):
    req, view, travel, _ = case
    tiered, nearest = loop_tiered_order(req, view, travel), loop_nearest_order(req, view, travel)
    assert RELIEF_POLICIES["tiered_nearest"](req, view) == loop_fill(tiered, req, view)
    assert RELIEF_POLICIES["nearest_stock"](req, view) == loop_fill(nearest, req, view)
    full = dataclasses.replace(view, travel_beyond=travel_table(travel))  # every drive known at once
    assert RELIEF_POLICIES["tiered_nearest"](req, full) == loop_fill(tiered, req, view)


def test_a_policy_asks_only_as_far_as_it_needs():
    """The own township's point 10 min away covers the need: no farther search; when it runs
    dry, the search widens to the city depot 100 min away and stops there."""
    tier, town = ("township", "city", "township", "province"), ("t1", "c", "t2", "p")
    travel = np.array([10.0, 100.0, 50.0, 900.0])
    asked: list[float] = []
    beyond = served_bounded(travel, asked)

    def view(stock):
        available = np.array(stock).reshape(4, 1)
        return DepotView(tier, town, available, np.ones(4, bool), beyond, np.zeros(4), np.zeros(4))

    req = ReliefRequest(0, 0, "t1", (5,), 0.0)
    assert RELIEF_POLICIES["tiered_nearest"](req, view([9, 9, 9, 9])) == [(0, 0, 5)]
    assert asked == [30.0]
    asked.clear()
    assert RELIEF_POLICIES["tiered_nearest"](req, view([0, 9, 9, 9])) == [(1, 0, 5)]
    assert max(asked) < 900.0 and max(asked) >= 100.0
