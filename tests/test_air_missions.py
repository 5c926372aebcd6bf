"""Helicopter relief lifts and casualty evacuations, by hand on `tiny`.

The county: `tiny` with V1 moved exactly 100 km due north of the city C, a helipad at C
(the base; the city depot D_C and hospital H_C are there too), and both of V1's roads cut at
minute 0, so nothing reaches V1 by road. Defaults of configs/air/default.yaml: cruise 200
km/h (100 km = 30 min), preparation 30 min, cargo loading 20 min (during preparation),
payload 150 units, unload 10 min, 2 stretchers, 10 min to carry a patient aboard; EMS
handover 15 min. No-fly windows are off unless a test sets one.
"""

from __future__ import annotations

import dataclasses
import math

import pytest
import simpy

from sim.checks import invariants
from sim.events import EventKind, EventLog
from sim.model.air import EVACUATION, RELIEF_LIFT, RESCUE, AirSystem, Mission, mission_order
from sim.model.ems import DISPATCH_POLICIES, HOSPITAL_POLICIES, CallBook, EmsSystem
from sim.model.policies.relief import RELIEF_POLICIES
from sim.model.relief import ReliefSystem, Report
from sim.model.roads import RoadState
from sim.results import ems_tables, rescue_metrics
from sim.scenario.types import Helipad
from tests.conftest import load_scenario, settings_for, simulate_checked
from tests.test_rescue import NO_DELAY, _task_at, _with_helipad_100km_from

V1_ROADS = (3, 7)  # n1-n3 and n3-n8: V1's only roads


def _county(*overrides: str, helipads=None):
    scen = _with_helipad_100km_from(load_scenario("tiny"), "V1")
    if helipads is not None:
        scen = dataclasses.replace(scen, helipads=helipads)
    s = settings_for("scenario=tiny", *NO_DELAY, *overrides)
    env, log = simpy.Environment(), EventLog()
    roads = RoadState(env, scen)
    for e in V1_ROADS:
        roads.set_factor(e, 0.0)
    return scen, s, env, log, roads


def _relief_and_air(*overrides: str):
    scen, s, env, log, roads = _county(*overrides)
    relief = ReliefSystem(
        env, scen, roads, RELIEF_POLICIES[s.policy.relief], s.costs, log, initial_first=True, trucks=s.trucks
    )
    air = AirSystem(env, scen, s.air, 0.0, s.ems.onset_clock_h, log, relief=relief)
    relief.connect_air(air)
    v1 = scen.place_index()["V1"]
    report = Report(v1, "V1", scen.places[v1].node, "T1", 100, (100, 100))  # water, quilt
    return scen, s, env, log, roads, relief, air, report


def _rows(log, kind):
    return [e for e in log.rows if e.kind is kind]


def test_relief_lift_draws_stock_from_the_base_depot_in_sorties_by_hand():
    """100 people at V1 need 100 water + 100 quilts; no road: deferred at 0, and all 200 units
    set aside at D_C for the aircraft at once (at most 2 payloads of 150 ahead).
    Sortie 1 (payload 150: initial items first): 100 water + 50 quilts, loaded at max(30 prep,
    20 loading) = 30, over V1 at 60, delivered at 70, back at 100.
    Sortie 2 (the 50 quilts left): 100 -> loaded 130 -> over V1 160 -> delivered 170 -> 200."""
    scen, s, env, log, _, relief, _, report = _relief_and_air()
    relief.receive(report)
    env.run(until=400)
    assert [(e.qty, e.item) for e in _rows(log, EventKind.RELIEF_DEFERRED)] == [
        (100, "water"),
        (100, "quilt"),
    ]
    assert [(e.t_min, e.note, e.value) for e in _rows(log, EventKind.AIR_MISSION_REQUESTED)] == [
        (0.0, "relief_lift", pytest.approx(100.0))
    ]
    allocated = _rows(log, EventKind.RELIEF_ALLOCATED)
    assert [(e.t_min, e.depot, e.item, e.qty) for e in allocated] == [
        (0.0, "D_C", "water", 100),
        (0.0, "D_C", "quilt", 100),
    ]
    loaded = _rows(log, EventKind.SHIPMENT_LOADED)
    assert [(e.subject, e.item, e.qty) for e in loaded] == [
        ("AC1", "water", 100),
        ("AC1", "quilt", 50),
        ("AC1", "quilt", 50),
    ]
    assert [e.t_min for e in loaded] == pytest.approx([30.0, 30.0, 130.0])
    delivered = _rows(log, EventKind.SHIPMENT_DELIVERED)
    assert [(e.place, e.item, e.qty) for e in delivered] == [
        ("V1", "water", 100),
        ("V1", "quilt", 50),
        ("V1", "quilt", 50),
    ]
    assert [e.t_min for e in delivered] == pytest.approx([70.0, 70.0, 170.0])
    assert [e.t_min for e in _rows(log, EventKind.AIRCRAFT_ARRIVED)] == pytest.approx([60.0, 160.0])
    assert [e.t_min for e in _rows(log, EventKind.AIRCRAFT_RETURNED)] == pytest.approx([100.0, 200.0])
    assert relief.available[0].tolist() == [100, 100]  # D_C: 200 water, 200 quilts at the start
    assert relief.demands[(report.village, "V1")].waiting is False
    assert not invariants.check_all(log.rows, scen)
    kpis = rescue_metrics.rep_kpis(log.rows, s.targets, 400.0)
    assert kpis["air_missions"] == 1 and kpis["air_response_min_mean"] == pytest.approx(60.0)
    assert kpis["helicopter_2h_share"] == 1.0


def test_relief_lift_is_cancelled_when_a_road_reopens_first():
    """Weather grounds aircraft for 2 h. V1's roads reopen at 60: the stock set aside at D_C for
    the aircraft goes to D_C's trucks, so at 120 the aircraft finds nothing to lift and the
    mission is cancelled; a cancelled mission does not count for the 2 h target."""
    scen, s, env, log, roads, relief, _, report = _relief_and_air("air.weather_no_fly_h=[[0,2]]")
    relief.receive(report)

    def reopen():
        yield env.timeout(60)
        for e in V1_ROADS:
            roads.set_factor(e, 1.0)

    env.process(reopen())
    env.run(until=1000)
    assert [(e.t_min, e.note) for e in _rows(log, EventKind.AIR_MISSION_CANCELLED)] == [
        (120.0, "road_reopened")
    ]
    assert not _rows(log, EventKind.AIRCRAFT_LAUNCHED)
    assert {e.subject.split("/")[0] for e in _rows(log, EventKind.SHIPMENT_DELIVERED)} <= {
        "D_C",
        "D_T1",
        "D_T2",
    }
    assert sum(e.qty for e in _rows(log, EventKind.SHIPMENT_DELIVERED)) == 200
    assert not invariants.check_all(log.rows, scen)
    kpis = rescue_metrics.rep_kpis(log.rows, s.targets, 1000.0)
    assert kpis["air_missions"] == 0 and math.isnan(kpis["helicopter_2h_share"])  # no mission: not tested


def test_saving_life_goes_before_relief_lifts():
    """A relief lift requested at 0 and a rescue at 30 wait out a 1 h no-fly window: at 60 the
    aircraft takes the rescue first."""
    scen, _, env, log, _, relief, air, report = _relief_and_air("air.weather_no_fly_h=[[0,1]]")
    relief.receive(report)

    def later():
        yield env.timeout(30)
        air.rescue(_task_at(scen, "V2", 1))

    env.process(later())
    env.run(until=600)
    launched = [(e.t_min, e.place) for e in _rows(log, EventKind.AIRCRAFT_LAUNCHED)]
    assert launched[0] == (60.0, "V2")
    assert launched[1][1] == "V1"
    # (the hand-made rescue task has no rescue_requested row, so check the stock and aircraft only)
    assert not invariants.stock_conservation(log.rows, scen) + invariants.aircraft_one_sortie(log.rows)


def test_mission_order_is_life_first_then_request_order():
    def m(kind, seq):
        return Mission(0, kind, 0, 0.0, 0.0, 1, 0.0, seq=seq)

    queue = [m(RELIEF_LIFT, 1), m(EVACUATION, 3), m(RESCUE, 2), m(RELIEF_LIFT, 0)]
    assert [(x.kind, x.seq) for x in sorted(queue, key=mission_order)] == [
        (RESCUE, 2),
        (EVACUATION, 3),
        (RELIEF_LIFT, 0),
        (RELIEF_LIFT, 1),
    ]


def _ems_with_air(calls: list[tuple[int, bool]], helipads=None, *overrides: str, reopen_at=None):
    """Calls at V1 at minute 0: (triage, infectious) each, scene time 20 min."""
    scen, s, env, log, roads = _county(*overrides, helipads=helipads)
    v1 = scen.place_index()["V1"]
    n = len(calls)
    book = CallBook(
        at_min=[0.0] * n,
        place=[v1] * n,
        triage=[t for t, _ in calls],
        infectious=[i for _, i in calls],
        casualty=[True] * n,
        work_min=[20.0] * n,
    )
    ems = EmsSystem(
        env,
        scen,
        s.ems,
        book,
        log,
        DISPATCH_POLICIES[s.ems.dispatch],
        HOSPITAL_POLICIES[s.ems.hospital],
        roads,
    )
    air = AirSystem(env, scen, s.air, 0.0, s.ems.onset_clock_h, log, ems=ems)
    ems.connect_air(air)

    def reopen():
        yield env.timeout(reopen_at)
        for e in V1_ROADS:
            roads.set_factor(e, 1.0)

    if reopen_at is not None:
        env.process(reopen())
    env.run(until=2000)
    return scen, s, log, roads


def test_casualties_no_ambulance_can_reach_are_flown_to_the_hospital_helipad_by_hand():
    """Red and yellow at V1, no road: both airlifted at 0, one sortie (2 stretchers). Over V1
    at 30 + 30 = 60; aboard at 70 and 80; back at H_C (city, helipad) at 110; handovers of
    15 min one after the other: admitted at 125 and 140. The green call is not flown (waits
    for a road), nor is the infectious red one (no isolation on board)."""
    scen, _, log, _ = _ems_with_air([(1, False), (2, False), (3, False), (1, True)])
    assert [e.ref for e in _rows(log, EventKind.CALL_AIRLIFTED)] == [0, 1]
    assert [e.t_min for e in _rows(log, EventKind.AIRCRAFT_LAUNCHED)] == [0.0, 0.0]
    assert [e.t_min for e in _rows(log, EventKind.AIRCRAFT_ARRIVED)] == pytest.approx([60.0, 60.0])
    admitted = _rows(log, EventKind.PATIENT_ADMITTED)
    assert [e.t_min for e in admitted] == pytest.approx([125.0, 140.0])
    assert [(e.subject, e.depot, e.ref, e.note) for e in admitted] == [
        ("AC1", "H_C", 0, "general"),
        ("AC1", "H_C", 1, "general"),
    ]
    assert not _rows(log, EventKind.AMBULANCE_DISPATCHED)
    assert not invariants.check_all(log.rows, scen)
    calls = ems_tables.call_results(log.rows, scen, 2000.0)
    assert calls["by_air"] == [True, True, False, False]
    assert calls["outcome"] == ["delivered", "delivered", "waiting", "waiting"]
    assert calls["response_min"][:2] == pytest.approx([60.0, 60.0])
    assert calls["call_to_hospital_min"][:2] == pytest.approx([125.0, 140.0])
    assert calls["hospital_id"][:2] == ["H_C", "H_C"]


def test_with_no_hospital_helipad_the_patient_is_set_down_for_an_ambulance():
    """The only helipad is at T2 (no hospital there). Over V1 after 30 + f min (f = flight
    T2 -> V1), aboard 10 min later, set down at T2 after f more and 10 min unloading; the call
    goes back to the EMS at T2, where an ambulance from the city picks the patient up."""
    scen0 = load_scenario("tiny")
    scen, s, log, roads = _ems_with_air([(1, False)], helipads=(Helipad("HP_T2", "T2"),))
    places = {p.id: p for p in scen.places}
    f = AirSystem.km(places["T2"], places["V1"]) / s.air.cruise_kmh * 60
    assert [e.t_min for e in _rows(log, EventKind.AIRCRAFT_ARRIVED)] == pytest.approx([30 + f])
    set_down = 30 + f + 10 + f + 10
    moved = _rows(log, EventKind.CALL_TRANSFERRED)
    assert [(e.t_min, e.depot) for e in moved] == [(pytest.approx(set_down), "HP_T2")]
    dispatched = _rows(log, EventKind.AMBULANCE_DISPATCHED)
    assert [e.t_min for e in dispatched] == pytest.approx([set_down])
    drive = roads.minutes(places["C"].node, places["T2"].node)
    assert dispatched[0].value == pytest.approx(drive)
    on_scene = _rows(log, EventKind.AMBULANCE_ARRIVED_SCENE)
    assert [e.t_min for e in on_scene] == pytest.approx([set_down + s.ems.dispatch_delay_min + drive])
    assert [e.depot for e in _rows(log, EventKind.PATIENT_ADMITTED)] == ["H_C"]
    assert not invariants.check_all(log.rows, scen0)
    calls = ems_tables.call_results(log.rows, scen, 2000.0)
    assert calls["by_air"] == [True] and calls["outcome"] == ["delivered"]
    assert calls["response_min"] == pytest.approx([30 + f])  # the aircraft was first on scene
    assert calls["ambulance"][0].startswith("S_C")


def test_invariants_catch_an_aircraft_on_two_sorties_and_a_call_flown_twice():
    from tests.test_ems_cli import _log

    rows = _log(
        (0.0, EventKind.CALL_RECEIVED, None, "V1", None, None, 1, 0, 0.0, "casualty"),
        (0.0, EventKind.CALL_AIRLIFTED, None, "V1", None, None, None, 0, 0.0),
        (0.0, EventKind.AIRCRAFT_LAUNCHED, "AC1", "V1", None, None, None, 0, 0.0),
        (60.0, EventKind.AIRCRAFT_ARRIVED, "AC1", "V1", None, None, None, 0, 60.0),
        (61.0, EventKind.AIRCRAFT_LAUNCHED, "AC1", "V2", None, None, None, 1, 0.0),
        (62.0, EventKind.CALL_AIRLIFTED, None, "V1", None, None, None, 0, 1.0),
        (70.0, EventKind.AIRCRAFT_RETURNED, "AC1", None, "HP_C", None, None, None, 70.0),
        (80.0, EventKind.PATIENT_ADMITTED, "AC1", "V1", "H_C", None, 1, 0, None, "general"),
    )
    problems = invariants.check_all(rows, load_scenario("tiny"))
    assert any("AC1 launched for mission 1 while out" in p for p in problems)
    assert any("call 0 airlifted while by_air" in p for p in problems)
    assert any("AC1 patient_admitted while at its base" in p for p in problems)


def test_an_evacuation_not_yet_flown_goes_back_to_the_ambulances_when_a_road_reopens():
    """Weather grounds aircraft for 2 h; V1's roads reopen at 60: the red call, airlifted at 0,
    is withdrawn from the air (mission cancelled) and an ambulance is dispatched at 60."""
    scen, _, log, _ = _ems_with_air([(1, False)], None, "air.weather_no_fly_h=[[0,2]]", reopen_at=60.0)
    assert [e.t_min for e in _rows(log, EventKind.CALL_AIRLIFTED)] == [0.0]
    assert [(e.t_min, e.note) for e in _rows(log, EventKind.AIR_MISSION_CANCELLED)] == [
        (60.0, "road_reopened")
    ]
    assert [(e.t_min, e.depot) for e in _rows(log, EventKind.CALL_TRANSFERRED)] == [(60.0, None)]
    assert [e.t_min for e in _rows(log, EventKind.AMBULANCE_DISPATCHED)] == [60.0]
    assert not _rows(log, EventKind.AIRCRAFT_LAUNCHED)
    assert [e.subject for e in _rows(log, EventKind.PATIENT_ADMITTED)] == ["S_C/amb1"]
    assert not invariants.check_all(log.rows, scen)
    calls = ems_tables.call_results(log.rows, scen, 2000.0)
    assert calls["by_air"] == [False] and calls["dispatched_at_h"] == [1.0]


@pytest.mark.slow
def test_a_county_run_with_lifts_and_evacuations_keeps_every_invariant():
    """zhangshu under `typhoon`, replication 3 (a data choice: one whose storm cuts villages
    off, re-chosen when the model changed in issue 19): villages cut off by the storm get relief
    lifted from the city depot (at the base helipad) and casualties flown; stock is conserved
    with the air loads counted, and what was flown left the city depot. (Since the official
    units, zhangshu's river floods keep the one aircraft busy with rescue and evacuation until
    the roads reopen, so the relief lifts are exercised by the typhoon.)"""
    scen = load_scenario("zhangshu")
    s = settings_for("scenario=zhangshu", "hazard=typhoon")
    log = simulate_checked(scen, s, rep=3)
    by_air = [e for e in log.rows if e.kind is EventKind.SHIPMENT_DELIVERED and e.subject == "AC1"]
    assert sum(e.qty for e in by_air) > 0
    assert {e.depot for e in by_air} == {"D_CITY"}
    assert scen.depots[0].id == "D_CITY" and scen.depots[0].place_id == scen.helipads[0].place_id
    assert any(e.kind is EventKind.CALL_AIRLIFTED for e in log.rows)
    assert any(e.kind is EventKind.PATIENT_ADMITTED and e.subject == "AC1" for e in log.rows)
