"""EMS on `tiny` against hand computations (exact minutes).

tiny has one EMS centre S_C at the city C (node n0) with 2 ambulances, the first
negative-pressure (S_C/amb1), and one hospital H_C at C (50 beds, 4 infectious).
Drive minutes from C (tests/test_tiny_by_hand.py): V1 52, V2 54, V3 60, V4 69, T1 42
(30 + 12); T1 to V1 10. The roads are two-way, so the drive back is the same.
Settings below: dispatch delay 3, handover 15, decontamination 60, every bed free at
onset; scene minutes are given per call; no casualty deteriorates (tests/test_ems_survival.py).

The calls are handed to the EMS system directly (not drawn), so each time is a sum
that can be checked on paper.
"""

from __future__ import annotations

from dataclasses import replace

import simpy

from sim.checks import invariants
from sim.events import EventKind, EventLog
from sim.model import ems
from sim.model.policies.ems import DISPATCH_POLICIES, HOSPITAL_POLICIES
from sim.model.roads import RoadState
from sim.results import ems_tables
from sim.scenario.types import Hospital
from tests.conftest import load_scenario, settings_for

HAND = (
    "scenario=tiny",
    "ems.dispatch_delay_min=3",
    "ems.handover_min=15",
    "ems.decon_min=60",
    "ems.general_bed_occupancy_at_onset=0",
    "ems.infectious_bed_occupancy_at_onset=0",
    "ems.survival.immediate=[]",  # survival while waiting: tests/test_ems_survival.py
)


def run_calls(
    calls: list[tuple[float, str, int, bool, float]],
    *overrides: str,
    scen=None,
    until=2000.0,
    ems_changes=None,
    dies_at=None,
):
    """calls: (at_min, place_id, triage, infectious, scene_min); ems_changes: EMS settings to
    replace after composing (no second Hydra compose); dies_at: each call's death minute
    (tests/test_ems_survival.py). Returns (log rows, scenario)."""
    scen = scen or load_scenario("tiny")
    settings = settings_for(*HAND, *overrides)
    if ems_changes:
        settings = settings.model_copy(update={"ems": settings.ems.model_copy(update=ems_changes)})
    index = scen.place_index()
    book = ems.CallBook(
        at_min=[c[0] for c in calls],
        place=[index[c[1]] for c in calls],
        triage=[c[2] for c in calls],
        infectious=[c[3] for c in calls],
        casualty=[True] * len(calls),
        work_min=[c[4] for c in calls],
        dies_at_min=list(dies_at or []),
    )
    env = simpy.Environment()
    log = EventLog()
    ems.EmsSystem(
        env,
        scen,
        settings.ems,
        book,
        log,
        DISPATCH_POLICIES[settings.ems.dispatch],
        HOSPITAL_POLICIES[settings.ems.hospital],
        RoadState(env, scen),
    )
    env.run(until=until)
    problems = invariants.check_all(log.rows, scen)
    assert not problems, problems
    return log.rows, scen


def times(rows, call: int) -> list[tuple[float, str, str | None]]:
    """The job of the ambulance on `call`: (minute, event, ambulance)."""
    return [(e.t_min, e.kind.value, e.subject) for e in rows if e.ref == call and e.subject is not None]


def test_one_call_response_and_transport_by_hand():
    # Call at 10 from V1, red, scene 20 min. Both ambulances free, both 52 min away: the tie
    # goes to the first (S_C/amb1, negative-pressure, which may serve ordinary calls).
    rows, scen = run_calls([(10, "V1", 1, False, 20)])
    assert times(rows, 0) == [
        (10, "ambulance_dispatched", "S_C/amb1"),
        (65, "ambulance_arrived_scene", "S_C/amb1"),  # 10 + 3 dispatch delay + 52 drive
        (85, "ambulance_left_scene", "S_C/amb1"),  # + 20 on scene
        (137, "ambulance_arrived_hospital", "S_C/amb1"),  # + 52 to H_C at C
        (152, "patient_admitted", "S_C/amb1"),  # + 15 handover
        (152, "ambulance_returned", "S_C/amb1"),  # H_C is at the station: 0 min back
    ]
    table = ems_tables.call_results(rows, scen, 2000.0)
    assert table["response_min"] == [55.0]  # 65 - 10
    assert table["wait_min"] == [0.0]
    assert table["call_to_hospital_min"] == [142.0]  # 152 - 10
    assert table["outcome"] == ["delivered"] and table["hospital_id"] == ["H_C"]
    assert table["area"] == ["rural"]  # V1 belongs to township T1
    facts = ems_tables.rep_facts(rows, 2000.0)
    assert facts["ambulances"] == 2 and facts["ambulance_busy_h"] == 142 / 60


def test_infectious_call_waits_for_the_negative_pressure_ambulance():
    # 0: V1 red, ordinary (takes amb1, the tie-break, back at 142 as above but from 0).
    # 1: V3 infectious at 20: only amb1 may carry it; it waits although amb2 is free.
    # 2: V2 green at 30: amb2, free.
    rows, _ = run_calls([(0, "V1", 1, False, 20), (20, "V3", 2, True, 20), (30, "V2", 3, False, 20)])
    assert times(rows, 0)[-1] == (142, "ambulance_returned", "S_C/amb1")  # 0+3+52+20+52+15
    assert times(rows, 1) == [
        (142, "ambulance_dispatched", "S_C/amb1"),
        (205, "ambulance_arrived_scene", "S_C/amb1"),  # 142 + 3 + 60
        (225, "ambulance_left_scene", "S_C/amb1"),
        (285, "ambulance_arrived_hospital", "S_C/amb1"),  # + 60
        (300, "patient_admitted", "S_C/amb1"),
        (360, "ambulance_decontaminated", "S_C/amb1"),  # + 60 decontamination
        (360, "ambulance_returned", "S_C/amb1"),
    ]
    admitted = [e for e in rows if e.kind is EventKind.PATIENT_ADMITTED and e.ref == 1]
    assert admitted[0].note == "infectious" and admitted[0].qty == 1
    # green: the default stay for t3 is 0 h (treated in the emergency department), no ward bed
    assert times(rows, 2)[:2] == [
        (30, "ambulance_dispatched", "S_C/amb2"),
        (87, "ambulance_arrived_scene", "S_C/amb2"),
    ]
    green = [e for e in rows if e.kind is EventKind.PATIENT_ADMITTED and e.ref == 2]
    assert green[0].note == "emergency" and green[0].qty == 0


def test_waiting_calls_go_by_triage_class_then_call_time():
    # Both ambulances busy until 142 (V1 calls at 0); then green V2 (at 1), red V4 (at 2),
    # yellow V3 (at 3) wait. The first free ambulance takes the red call, the second the yellow.
    rows, _ = run_calls(
        [
            (0, "V1", 1, False, 20),
            (0, "V1", 1, False, 20),
            (1, "V2", 3, False, 5),
            (2, "V4", 1, False, 5),
            (3, "V3", 2, False, 5),
        ],
    )
    dispatched = [(e.t_min, e.ref, e.subject) for e in rows if e.kind is EventKind.AMBULANCE_DISPATCHED]
    assert dispatched[:2] == [(0, 0, "S_C/amb1"), (0, 1, "S_C/amb2")]
    assert dispatched[2:4] == [(142, 3, "S_C/amb1"), (142, 4, "S_C/amb2")]
    # red V4: 142+3+69 = 214 on scene, +5, +69 to H_C, +15 handover: free at 303 (H_C is at C);
    # yellow V3: 142+3+60 = 205, +5, +60, +15: free at 285, so amb2 takes the green call
    assert dispatched[4] == (285, 2, "S_C/amb2")


def test_divert_loses_calls_that_find_no_ambulance():
    rows, scen = run_calls(
        [(0, "V1", 1, False, 20), (0, "V2", 1, False, 20), (1, "V3", 1, False, 20)],
        "ems.when_all_busy=divert",
    )
    assert [e.ref for e in rows if e.kind is EventKind.CALL_DIVERTED] == [2]
    assert ems_tables.call_results(rows, scen, 2000.0)["outcome"] == ["delivered", "delivered", "diverted"]


def test_full_hospital_sends_the_next_patient_to_the_next_choice():
    # A second hospital H_T1 at T1 (10 min from V1) with 1 general bed; H_C 52 min away.
    base = load_scenario("tiny")
    scen = replace(base, hospitals=(Hospital("H_C", "C", 50, 4), Hospital("H_T1", "T1", 1, 0)))
    rows, _ = run_calls([(0, "V1", 1, False, 20), (1, "V1", 1, False, 20)], scen=scen)
    assert [e.depot for e in rows if e.kind is EventKind.AMBULANCE_LEFT_SCENE] == ["H_T1", "H_C"]
    # first: 0+3+52+20 = 75 leaves, +10 = 85 at H_T1, 100 admitted, back 100 + 42 (T1 -> C) = 142
    assert times(rows, 0)[-2:] == [
        (100, "patient_admitted", "S_C/amb1"),
        (142, "ambulance_returned", "S_C/amb1"),
    ]


def test_every_hospital_full_the_ambulance_waits_for_a_bed():
    # Only H_T1 takes general patients (1 bed), red patients stay 1 h: the second patient's
    # ambulance waits at H_T1 until the first is discharged at 100 + 60 = 160 (a bed wait bound
    # longer than that; the bound itself: tests/test_hospitals_by_hand.py).
    base = load_scenario("tiny")
    scen = replace(base, hospitals=(Hospital("H_T1", "T1", 1, 0),))
    rows, _ = run_calls(
        [(0, "V1", 1, False, 20), (1, "V1", 1, False, 20)],
        "ems.stay_h.immediate=1",
        "ems.bed_wait_max_min=1000",
        scen=scen,
    )
    assert times(rows, 1) == [
        (1, "ambulance_dispatched", "S_C/amb2"),
        (56, "ambulance_arrived_scene", "S_C/amb2"),
        (76, "ambulance_left_scene", "S_C/amb2"),
        (86, "ambulance_arrived_hospital", "S_C/amb2"),
        (175, "patient_admitted", "S_C/amb2"),  # bed free at 160, + 15 handover
        (217, "ambulance_returned", "S_C/amb2"),  # + 42 back to C
    ]
    discharged = [(e.t_min, e.ref) for e in rows if e.kind is EventKind.PATIENT_DISCHARGED]
    assert discharged == [(160, 0), (235, 1)]


def test_reserve_for_red_keeps_the_last_ambulance_for_an_immediate_call():
    # reserve_for_red=1: a green call takes an ambulance only while 2 or more are free.
    # 0: green V1 at 0 -> amb1 (2 free). 1: green V2 at 1 -> waits (1 free, kept back).
    # 2: red V3 at 2 -> amb2 at once: on scene 2 + 3 + 60 = 65.
    rows, _ = run_calls(
        [(0, "V1", 3, False, 20), (1, "V2", 3, False, 20), (2, "V3", 1, False, 20)],
        "ems.dispatch=reserve_for_red",
        "ems.reserve_for_red=1",
    )
    dispatched = [(e.t_min, e.ref, e.subject) for e in rows if e.kind is EventKind.AMBULANCE_DISPATCHED]
    # amb1 is back at 142 (0+3+52+20+52+15) with 1 free: the green call still waits; amb2 is back
    # at 2+3+60+20+60+15 = 160, two are free, and the waiting green call goes at 160.
    assert dispatched == [(0, 0, "S_C/amb1"), (2, 2, "S_C/amb2"), (160, 1, "S_C/amb1")]
    assert times(rows, 2)[1] == (65, "ambulance_arrived_scene", "S_C/amb2")
