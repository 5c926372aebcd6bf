"""Multi-drop truck trips, restocking of township points, and drivers' limits (issue 20 part 4).

`tiny` by hand (drives from tests/test_tiny_by_hand.py; unloading 15 min a drop):
  city n0 -> V1 (n3) 52, -> V2 (n4) 54, -> V4 (n6) 69;  V1 -> V4: n3 n1 n7 n2 n5 n6 = 10+12+18+12+9 = 61
  (the village road n3 n8 n5 is 15+15 km at 20 km/h = 90, longer).
The city depot (2 trucks of 150, loading 30) holds, after the reports at t=0, V2 water 60 +
quilt 60, V4 water 50 + quilt 50, and V1 quilt 50 (tests/test_tiny_by_hand.py's allocation).
Truck 1 takes the most urgent load, V2's water (and its quilts: 120 units, 30 left: nothing else
fits whole). Truck 2 takes V4 (100 units; 50 left) and V1's 50 quilts fit the room:
  V4 first, then V1: V1 arrives 69 + 15 + 61 = 145 after leaving, 93 later than straight (52);
  V1 first, then V4: V4 arrives 52 + 15 + 61 = 128, 59 later than straight (69)  <= 60 allowed.
So truck 2 drives city -> V1 -> V4 -> city: leaves at 30, V1 unloaded at 30 + 52 + 15 = 97, V4 at
97 + 61 + 15 = 173, back at 173 + 69 = 242. With at most 58 min of delay allowed no second drop
fits, and V1's quilts wait for truck 1's second trip as with single drops (250; V4 at 114).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.checks.invariants import stock_conservation, truck_loads_within_capacity
from sim.events import Event, EventKind
from sim.model import world
from sim.model.drivers import Crew
from sim.model.policies.routes import (
    EXACT_ORDER_MAX_STOPS,
    RouteView,
    _best_order,
    _keeps_delay,
    _trip_drive,
    insertion_drop,
    multi_drop,
    single_drop,
    trip_cost,
)
from sim.model.relief import ReliefSystem
from tests.conftest import TINY_EXACT_TRIPS, load_scenario, settings_for, simulate_checked

NO_RESTOCK = "trucks.restock_below=0"


def city_drops(log) -> list[tuple[float, str, str, int, int]]:
    return sorted(
        (e.t_min, e.place, e.item, e.qty, e.ref)
        for e in log.rows
        if e.kind is EventKind.SHIPMENT_DELIVERED and e.depot == "D_C"
    )


def test_two_drop_trip_delivers_at_the_hand_computed_minutes():
    scen = load_scenario("tiny")
    log = simulate_checked(scen, settings_for(*TINY_EXACT_TRIPS, NO_RESTOCK))
    drops = city_drops(log)
    trip = {ref for t, place, *_, ref in drops if place == "V4"}
    assert len(trip) == 1
    two = [(t, place, item, qty) for t, place, item, qty, ref in drops if ref in trip]
    assert two == [(97, "V1", "quilt", 50), (173, "V4", "quilt", 50), (173, "V4", "water", 50)]
    assert [(t, p, i, q) for t, p, i, q, _ in drops if p == "V2"] == [
        (99, "V2", "quilt", 60),
        (99, "V2", "water", 60),
    ]
    back = {e.ref: e.t_min for e in log.rows if e.kind is EventKind.TRUCK_RETURNED and e.depot == "D_C"}
    assert back[trip.pop()] == 242
    # one loading for the whole trip, one departure per drop, each leg's minutes as computed
    legs = [
        (e.t_min, e.place, e.value)
        for e in log.rows
        if e.kind is EventKind.SHIPMENT_DEPARTED and e.subject == "D_C/truck2"
    ]
    assert legs == [(30, "V1", 52), (97, "V4", 61)]


def test_the_delay_rule_keeps_a_drop_that_would_lag_too_long_off_the_trip():
    scen = load_scenario("tiny")
    log = simulate_checked(scen, settings_for(*TINY_EXACT_TRIPS, NO_RESTOCK, "trucks.max_delay_min=58"))
    drops = [(t, place, item) for t, place, item, _, _ in city_drops(log)]
    assert (114, "V4", "water") in drops and (250, "V1", "quilt") in drops
    single = simulate_checked(scen, settings_for(*TINY_EXACT_TRIPS, NO_RESTOCK, "trucks.routing=single_drop"))
    assert city_drops(single) == city_drops(log)


@st.composite
def route_views(draw) -> RouteView:
    n = draw(st.integers(1, 9))
    pts = np.array(
        draw(st.lists(st.tuples(st.floats(0, 50), st.floats(0, 50)), min_size=n + 1, max_size=n + 1))
    )
    minutes = np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1)) * draw(st.floats(0.5, 3))
    if draw(st.booleans()):  # one site cut off
        k = draw(st.integers(1, n))
        minutes[:, k] = minutes[k, :] = math.inf
        minutes[k, k] = 0
    capacity = draw(st.integers(1, 600))
    units = tuple(draw(st.lists(st.integers(1, 700), min_size=n, max_size=n)))
    return RouteView(
        capacity=capacity,
        units=units,
        minutes=minutes,
        unload_min=draw(st.sampled_from([0.0, 15.0])),
        max_stops=draw(st.integers(1, 6)),
        max_delay_min=draw(st.sampled_from([0.0, 30.0, 60.0, math.inf])),
    )


@settings(max_examples=200, deadline=None)
@given(route_views())
def test_multi_drop_trips_keep_capacity_stops_and_delay(view: RouteView):
    route = multi_drop(view)
    assert 0 in route and len(set(route)) == len(route)
    assert len(route) <= view.max_stops
    assert min(view.units[0], view.capacity) + sum(view.units[k] for k in route if k) <= view.capacity
    if not math.isfinite(view.minutes[0, 1]):  # the first site cut off: it waits for a road alone
        assert route == [0]
        return
    t, here = 0.0, 0
    for k in route:
        t += view.minutes[here, k + 1]
        assert math.isfinite(t)
        assert t - view.minutes[0, k + 1] <= view.max_delay_min + 1e-6
        t += view.unload_min
        here = k + 1
    assert single_drop(view) == [0]


def test_a_driver_rests_20_min_after_4_h_and_keeps_8_h_in_24_h():
    crew = Crew(drivers=1, continuous_max_min=240, rest_min=20, daily_max_min=480)
    crew.drove(0, 0, 120)
    crew.drove(0, 125, 245)  # a 5-min stop is no break: 240 min at the wheel
    assert crew.next_leg(250, 60) == (265, 0, "continuous")  # 245 + 20
    crew.drove(0, 265, 505)  # 240 more: 480 in the day
    # a 60-min leg needs the 24 h before its end to hold at most 420 driven: the first 60 min
    # (0-60) must drop out of the window, so it may start at 60 + 1440 - 60 = 1440
    at, who, why = crew.next_leg(600, 60)
    assert (round(at, 6), who, why) == (1440, 0, "daily")
    two = Crew(drivers=2, continuous_max_min=240, rest_min=20, daily_max_min=480)
    two.drove(0, 0, 240)
    assert two.next_leg(245, 60) == (245, 1, "")  # the second driver takes the wheel at once


def test_drivers_limits_stretch_a_busy_truck_day(tiny_copy):
    """One driver a truck and short limits on tiny: trips wait for the driver (logged), and every
    leg a driver starts fits both limits as logged."""
    scen = load_scenario("tiny")
    s = settings_for(
        *TINY_EXACT_TRIPS,
        NO_RESTOCK,
        "trucks.drivers=1",
        "trucks.continuous_drive_h=1.5",
        "trucks.daily_drive_h=2",
    )
    log = simulate_checked(scen, s)
    rested = [e for e in log.rows if e.kind is EventKind.TRUCK_RESTED]
    assert {e.note for e in rested} == {"continuous", "daily"}
    assert all(e.value > 0 for e in rested)
    free = simulate_checked(scen, settings_for(*TINY_EXACT_TRIPS, NO_RESTOCK))

    def last_delivery(rows):  # the trucks' day, not the log's last row (a routine 120 call)
        return max(e.t_min for e in rows if e.kind is EventKind.SHIPMENT_DELIVERED)

    assert last_delivery(log.rows) > last_delivery(free.rows)


def test_township_points_are_restocked_from_the_city_when_low():
    """At t=0 V1 takes all of T1's water (100) and quilts (50): below half, so T1 is topped back
    up from the city's unreserved stock: water 200 - 60 (V2) - 50 (V4) = 90, quilts 200 - 50 (V1)
    - 60 - 50 = 40. T2 keeps 20 water of 100 (V3 took 80): the city has none left for it."""
    scen = load_scenario("tiny")
    log = simulate_checked(scen, settings_for(*TINY_EXACT_TRIPS))
    ordered = sorted(
        (e.depot, e.note, e.item, e.qty) for e in log.rows if e.kind is EventKind.RESTOCK_ORDERED
    )
    assert ordered == [("D_C", "D_T1", "quilt", 40), ("D_C", "D_T1", "water", 90)]
    arrived = sorted((e.note, e.item, e.qty) for e in log.rows if e.kind is EventKind.DEPOT_RESTOCKED)
    assert arrived == [("D_T1", "quilt", 40), ("D_T1", "water", 90)]
    # people first: the top-ups leave only after every village load of the city has left
    last_village_load = max(
        e.t_min
        for e in log.rows
        if e.kind is EventKind.TRUCK_ASSIGNED and e.depot == "D_C" and e.note != "D_T1"
    )
    top_up = min(e.t_min for e in log.rows if e.kind is EventKind.TRUCK_ASSIGNED and e.note == "D_T1")
    assert top_up >= last_village_load


@pytest.mark.slow  # a zhangshu run with every invariant: about 1.2 s of CPU
def test_multi_drop_with_people_at_home_keeps_every_invariant_on_zhangshu():
    scen = load_scenario("zhangshu")
    s = settings_for("hazard=flood_moderate", "hazard.events.flood.rates.medium.in_need=0.01")
    log = simulate_checked(scen, s, rep=1)
    trips: dict[int, set[str]] = {}
    for e in log.rows:
        if e.kind is EventKind.SHIPMENT_DELIVERED:
            trips.setdefault(e.ref, set()).add(e.note)
    assert max(len(sites) for sites in trips.values()) >= 2  # some trip did drop at several sites


def test_invariants_catch_an_overloaded_trip_and_an_unloading_beyond_the_load():
    """Township 1's truck (capacity 100) loads 150 units; it unloads quilts it never carried."""
    scen = load_scenario("tiny")
    truck = {"subject": "D_T1/truck1", "depot": "D_T1", "ref": 1}
    rows = [
        Event(0, EventKind.RELIEF_ALLOCATED, place="V1", depot="D_T1", item="water", qty=100, ref=1),
        Event(0, EventKind.RELIEF_ALLOCATED, place="V1", depot="D_T1", item="quilt", qty=50, ref=2),
        Event(20, EventKind.SHIPMENT_LOADED, place="V1", item="water", qty=100, **truck),
        Event(20, EventKind.SHIPMENT_LOADED, place="V1", item="quilt", qty=50, **truck),
        Event(40, EventKind.SHIPMENT_DELIVERED, place="V1", item="water", qty=100, **truck),
        Event(40, EventKind.DEPOT_RESTOCKED, place="T2", item="quilt", qty=60, note="D_T2", **truck),
    ]
    assert any("carries 150 on trip 1, cap 100" in p for p in truck_loads_within_capacity(rows, scen))
    assert any("unloaded more quilt" in p for p in stock_conservation(rows, scen))


def test_an_unknown_routing_is_one_clear_problem():
    s = settings_for(*TINY_EXACT_TRIPS, "trucks.routing=tsp")
    problems = world.check(load_scenario("tiny"), s)
    assert [(p.where, p.value) for p in problems] == [("config key trucks.routing", "tsp")]
    assert "multi_drop" in problems[0].rule


def _brute_order(stops: list[int], view: RouteView) -> float:
    """The shortest order of `stops` within the delay rule, by trying every order."""
    best = math.inf
    for order in itertools.permutations(stops):
        if _keeps_delay(list(order), view):
            best = min(best, _trip_drive(list(order), view.minutes))
    return best


@settings(max_examples=150, deadline=None)
@given(route_views())
def test_local_search_keeps_the_rules_and_never_does_worse_than_insertion(view: RouteView):
    before, after = insertion_drop(view), multi_drop(view)
    assert trip_cost(after, view) <= trip_cost(before, view) + 1e-9
    assert 0 in after and len(set(after)) == len(after) and len(after) <= view.max_stops
    assert min(view.units[0], view.capacity) + sum(view.units[k] for k in after if k) <= view.capacity
    assert after == [0] or _keeps_delay(after, view)


@settings(max_examples=150, deadline=None)
@given(route_views())
def test_no_single_add_drop_or_swap_improves_the_trip(view: RouteView):
    """multi_drop ends where no one-site change, each set in its best order, lowers trip_cost."""
    route = multi_drop(view)
    if not math.isfinite(view.minutes[0, 1]):
        return
    if view.max_stops > EXACT_ORDER_MAX_STOPS:  # too many drops to order exactly: the insertion's trip
        assert route == insertion_drop(view)
        return
    alone = view.minutes[0, 1:] + view.minutes[1:, 0]
    now = trip_cost(route, view)
    on = [k for k in route if k]
    waiting = [k for k in range(1, len(view.units)) if k not in route and math.isfinite(alone[k])]
    sets = [[*route, k] for k in waiting] + [[j for j in route if j != s] for s in on]
    sets += [[*(j for j in route if j != s), k] for s in on for k in waiting]
    for stops in sets:
        if (
            len(stops) > view.max_stops
            or min(view.units[0], view.capacity) + sum(view.units[k] for k in stops if k) > view.capacity
        ):
            continue
        cost = _brute_order(stops, view) - sum(alone[k] for k in stops if k)
        assert cost >= now - 1e-6, (stops, cost, route, now)


@settings(max_examples=150, deadline=None)
@given(route_views())
def test_best_order_is_the_shortest_order_within_the_delay_rule(view: RouteView):
    alone = view.minutes[0, 1:] + view.minutes[1:, 0]
    stops = [k for k in range(min(len(view.units), 5)) if math.isfinite(alone[k])]  # as multi_drop offers
    drive, order = _best_order(frozenset(stops), view)
    assert drive == pytest.approx(_brute_order(stops, view)) or drive == _brute_order(stops, view) == math.inf
    if math.isfinite(drive):
        assert sorted(order) == stops and _keeps_delay(order, view)
        assert _trip_drive(order, view.minutes) == pytest.approx(drive)


@settings(max_examples=60, deadline=None)
@given(route_views(), st.sampled_from([multi_drop, insertion_drop]))
def test_trips_built_one_after_another_serve_every_site_once_within_capacity(view: RouteView, policy):
    """A depot's whole waiting list, trips built as trucks come free (bench/bench_routes.py's
    static plan): every reachable site served exactly once, no truck over its capacity."""
    m, units = view.minutes, [min(u, view.capacity) for u in view.units]
    left = [k for k in range(len(units)) if math.isfinite(m[0, k + 1]) and math.isfinite(m[k + 1, 0])]
    served: list[int] = []
    while left:
        cand = [left[0], *left[1:]]
        idx = [0, *(k + 1 for k in cand)]
        sub = RouteView(
            capacity=view.capacity,
            units=tuple(units[k] for k in cand),
            minutes=m[np.ix_(idx, idx)],
            unload_min=view.unload_min,
            max_stops=view.max_stops,
            max_delay_min=view.max_delay_min,
        )
        trip = [cand[j] for j in policy(sub)]
        assert trip[0] == cand[0] or cand[0] in trip
        assert sum(units[k] for k in trip) <= view.capacity
        served += trip
        left = [k for k in left if k not in trip]
    reachable = [k for k in range(len(units)) if math.isfinite(m[0, k + 1]) and math.isfinite(m[k + 1, 0])]
    assert sorted(served) == reachable


class _Forgetful(dict):
    """A cache that keeps nothing: truck_free_at counts every depot afresh on every call."""

    def __setitem__(self, key, value) -> None:
        return None


def test_truck_free_at_cache_changes_no_event(monkeypatch):
    """ReliefSystem keeps each depot's queued loads and answer between changes (depot_version);
    the event log must be the one counted afresh each time, row for row."""
    scen = load_scenario("zhangshu")
    s = settings_for("hazard=flood_moderate", "run.horizon_h=30")
    kept = world.simulate(scen, s, 1)
    init = ReliefSystem.__init__

    def forgetful(self, *args, **kwargs) -> None:
        init(self, *args, **kwargs)
        self._free_at = _Forgetful()

    monkeypatch.setattr(ReliefSystem, "__init__", forgetful)
    fresh = world.simulate(scen, s, 1)
    assert len(kept.rows) > 1000 and kept.rows == fresh.rows
