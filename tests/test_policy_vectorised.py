"""The relief policies give exactly the allocations of the plain per-depot loops they replaced,
over a full table of drive minutes, although they ask for drives only as far as they need them;
with trucks busy, the default passes over a busy depot for any source that arrives earlier."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.policies.relief import RELIEF_POLICIES, DepotView, ReliefRequest, travel_table

TIERS = ("township", "city", "contract", "province")


def _ready(view: DepotView, d: int, now: float) -> float:
    at = view.ready_at_min[d]
    return now + view.lead_time_min[d] if np.isnan(at) else max(at, now)


def _leaves(view: DepotView, d: int, now: float, busy: bool = True) -> float:
    """When the first load leaves: ready, a truck free (if `busy` counts), loaded."""
    ready = _ready(view, d, now)
    free = ready if view.truck_free_at_min is None or not busy else max(ready, view.truck_free_at_min[d])
    return free + (0.0 if view.load_min is None else view.load_min[d])


def _rank_of(req: ReliefRequest, view: DepotView, d: int) -> int:
    if view.tier[d] == "township":
        return 0 if view.township_id[d] == req.township_id else 2
    return {"city": 1, "contract": 3, "province": 4}[view.tier[d]]


def loop_tiered_order(req: ReliefRequest, view: DepotView, travel_min: np.ndarray) -> list[int]:
    groups: list[list[tuple[float, int]]] = [[], [], [], [], []]
    for d in range(len(view.tier)):
        travel = travel_min[d]
        if not np.isfinite(travel):
            continue
        groups[_rank_of(req, view, d)].append((_leaves(view, d, req.now_min) + travel, d))
    return [d for group in groups for _, d in sorted(group)]


def loop_jumping_order(req: ReliefRequest, view: DepotView, travel_min: np.ndarray) -> list[int]:
    """The tiered order, but whenever the next depot's trucks are busy and another depot left
    would arrive strictly earlier, the earliest of those (ties: rank, index) goes first. Only
    depots holding something the request needs take part (one without cannot serve it)."""
    wanted = [i for i, q in enumerate(req.need) if q > 0]
    order = [d for d in loop_tiered_order(req, view, travel_min) if any(view.available[d, wanted] > 0)]
    arrival = {d: _leaves(view, d, req.now_min) + travel_min[d] for d in order}
    out: list[int] = []
    while order:
        d = order[0]
        if _leaves(view, d, req.now_min) > _leaves(view, d, req.now_min, busy=False):
            earlier = [(arrival[e], _rank_of(req, view, e), e) for e in order if arrival[e] < arrival[d]]
            if earlier:
                d = min(earlier)[2]
        out.append(d)
        order.remove(d)
    return out


def loop_nearest_order(req: ReliefRequest, view: DepotView, travel_min: np.ndarray) -> list[int]:
    cands = [
        (_leaves(view, d, req.now_min) + travel_min[d], d)
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
        # trucks free now, soon, late, or none at all; loading 0 to 30 min
        truck_free_at_min=np.array(
            draw(st.lists(st.sampled_from([0.0, 0.0, 25.0, 60.0, 200.0, np.inf]), min_size=n, max_size=n))
        ),
        load_min=np.array(draw(st.lists(st.sampled_from([0.0, 15.0, 30.0]), min_size=n, max_size=n))),
    )
    need = tuple(draw(st.lists(st.integers(0, 12), min_size=items, max_size=items)))
    req = ReliefRequest(
        0, 0, draw(st.sampled_from(["t1", "t2", "t4"])), need, draw(st.sampled_from([0.0, 20.0]))
    )
    return req, view, travel, asked


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(cases())
def test_policies_match_the_loops(case):
    req, view, travel, _ = case
    tiered, nearest = loop_tiered_order(req, view, travel), loop_nearest_order(req, view, travel)
    jumping = loop_jumping_order(req, view, travel)
    assert RELIEF_POLICIES["tiered_nearest"](req, view) == loop_fill(jumping, req, view)
    assert RELIEF_POLICIES["tiered_strict"](req, view) == loop_fill(tiered, req, view)
    assert RELIEF_POLICIES["nearest_stock"](req, view) == loop_fill(nearest, req, view)
    full = dataclasses.replace(view, travel_beyond=travel_table(travel))  # every drive known at once
    assert RELIEF_POLICIES["tiered_nearest"](req, full) == loop_fill(jumping, req, view)
    assert RELIEF_POLICIES["tiered_strict"](req, full) == loop_fill(tiered, req, view)


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


def _busy_view(free_at: list[float], stock: list[int]) -> DepotView:
    """Own township point t1 10 min away (loading 20), the city depot 60 min away (loading 30),
    a lateral point t2 40 min away (loading 20); every depot can ship now."""
    travel = np.array([10.0, 60.0, 40.0])
    return DepotView(
        tier=("township", "city", "township"),
        township_id=("t1", "c", "t2"),
        available=np.array(stock).reshape(3, 1),
        reachable=np.ones(3, bool),
        travel_beyond=served_bounded(travel, []),
        ready_at_min=np.zeros(3),
        lead_time_min=np.zeros(3),
        truck_free_at_min=np.array(free_at),
        load_min=np.array([20.0, 30.0, 20.0]),
    )


def test_a_busy_nearest_depot_yields_to_an_earlier_source():
    """By hand, a request at minute 0 for 5 units from a village of township t1:
    own point t1: trucks back at 200 -> arrives 200 + 20 + 10 = 230 (idle it would be 30);
    city: truck free at 0 -> 0 + 30 + 60 = 90; lateral t2: free at 50 -> 50 + 20 + 40 = 110.
    The city arrives first and takes the order (t1 waits for its trucks: 230 > 90). With
    every truck free, t1 (30) is first as the plans say; tiered_strict keeps t1 even when busy."""
    req = ReliefRequest(0, 0, "t1", (5,), 0.0)
    busy = _busy_view([200.0, 0.0, 50.0], [9, 9, 9])
    assert RELIEF_POLICIES["tiered_nearest"](req, busy) == [(1, 0, 5)]
    assert RELIEF_POLICIES["tiered_strict"](req, busy) == [(0, 0, 5)]
    assert RELIEF_POLICIES["tiered_nearest"](req, _busy_view([0.0, 0.0, 50.0], [9, 9, 9])) == [(0, 0, 5)]
    # the city busy too (free at 100 -> 190): the lateral point t2 (110) is next earliest;
    # t1 (230) still waits, so it gives what t2 lacks only after the city (190)
    both = _busy_view([200.0, 100.0, 50.0], [2, 2, 2])
    assert RELIEF_POLICIES["tiered_nearest"](req, both) == [(2, 0, 2), (1, 0, 2), (0, 0, 1)]
    # t1 busy but still first: at 20 it arrives at 50, before the city's 90: the tier holds
    assert RELIEF_POLICIES["tiered_nearest"](req, _busy_view([20.0, 0.0, 0.0], [9, 9, 9])) == [(0, 0, 5)]
