"""Road damage, re-routing, repair and shelters on `tiny`, with times worked by hand.

Baseline (tests/test_tiny_by_hand.py): city truck2 takes V4's load (water 30 + quilt 30),
loads 0-30 and drives C-J-T2-V3-V4 = 30 + 18 + 12 + 9 = 69 min: delivered 30 + 69 + 15 = 114.
Detours when J-T2 (18 min) is cut:
  C -> V4 by the southern bypass C-n9-T2-V3-V4 = 50 + 40 + 12 + 9 = 111 min
  from J -> V4 by the hill road J-T1-V1-n8-V3-V4 = 12 + 10 + 45 + 45 + 9 = 121 min
    (J-C-n9-T2-V3-V4 would be 30 + 50 + 40 + 12 + 9 = 141)

What is known of a cut (`reporting.roads`): the tests above know every cut at once; those
marked "unseen" let the cut be learned only when a truck reaches J (the cut edge's near end)
or when it is reported `road_delay_min` after it happened, whichever is first.
"""

from __future__ import annotations

from pathlib import Path

from sim import scenario
from sim.checks import invariants
from sim.events import Event, EventKind, EventLog
from sim.model import information, world
from sim.rng import Streams
from tests.conftest import TINY_EXACT, load_scenario, settings_for


def edge(scen, a: str, b: str) -> int:
    ids = scen.road.node_ids
    for e, (u, v) in enumerate(zip(scen.road.u, scen.road.v, strict=True)):
        if {ids[u], ids[v]} == {a, b}:
            return e
    raise KeyError((a, b))


def run(scen, overrides=(), cuts=()):
    """Run rep 0 with `cuts` = [(minute, node a, node b, repair minutes)] applied by hand; a cut
    not known at once is reported `reporting.road_delay_min` later (sigma 0 in these tests)."""
    settings = settings_for(*TINY_EXACT, *overrides)
    log = EventLog()
    w = world.build(scen, settings, Streams(settings.run.seed, 0), log)

    def cutter():
        for at, a, b, repair_min in cuts:
            yield w.env.timeout(at - w.env.now)
            e = edge(scen, a, b)
            log.add(
                Event(w.env.now, EventKind.ROAD_DAMAGED, subject="by hand", ref=e, note="blocked", value=0.0)
            )
            if not w.roads.set_factor(e, 0.0):
                delay = settings.reporting.road_delay_min
                w.env.process(information.road_reported(w.env, w.roads, e, delay))
            w.crews.road_cut(e, repair_min)

    w.env.process(cutter())
    w.run()
    problems = invariants.check_all(log.rows, scen, settings.shelters.m2_per_person)
    assert not problems, problems
    return log


def deliveries(log):
    return sorted(
        (e.t_min, e.place, e.note, e.depot, e.item, e.qty)
        for e in log.rows
        if e.kind is EventKind.SHIPMENT_DELIVERED
    )


def test_cut_on_shortest_path_gives_hand_computed_detour():
    log = run(load_scenario("tiny"), cuts=[(0, "n7", "n2", 600)])
    v4 = [d for d in deliveries(log) if d[1] == "V4" and d[3] == "D_C"]
    assert v4 == [(156, "V4", "V4", "D_C", "quilt", 30), (156, "V4", "V4", "D_C", "water", 30)]  # 30+111+15
    back = [e.t_min for e in log.rows if e.kind is EventKind.TRUCK_RETURNED and e.subject == "D_C/truck2"]
    assert back == [267]  # 156 + 111
    # nothing else changes: T2's trips and the other villages keep their baseline times
    others = [d[0] for d in deliveries(log) if d[1] != "V4"]
    assert sorted(others) == sorted([45, 47, 47, 99, 99, 100, 183, 250])


UNSEEN = ["reporting.roads=reached_or_reported", "reporting.road_delay_sigma=0"]


def known(log):
    return [(e.t_min, e.note) for e in log.rows if e.kind is EventKind.ROAD_DAMAGE_KNOWN]


def rerouted(log):
    return [(e.t_min, e.subject, e.note) for e in log.rows if e.kind is EventKind.TRUCK_REROUTED]


def test_unseen_cut_is_learned_by_the_truck_that_reaches_it():
    # J-T2 is cut at 0 and reported only at 1000. City truck2 loads V4's water and quilts 0-30
    # and plans C-J-T2-V3-V4 as if the road were whole; at J (30 + 30 = 60) it finds the cut,
    # radios it in and takes the hill road: 60 + 121 + 15 = 196. Back by the known bypass: 307.
    log = run(load_scenario("tiny"), [*UNSEEN, "reporting.road_delay_min=1000"], [(0, "n7", "n2", 600)])
    assert known(log) == [(60, "reached")]
    assert rerouted(log) == [(60, "D_C/truck2", "n7")]
    v4 = [d for d in deliveries(log) if d[1] == "V4" and d[3] == "D_C"]
    assert [d[0] for d in v4] == [196, 196]
    back = [e.t_min for e in log.rows if e.kind is EventKind.TRUCK_RETURNED and e.subject == "D_C/truck2"]
    assert back == [307]


def test_cut_reported_before_the_truck_sets_off_is_driven_round():
    # Reported at 20, before truck2 sets off at 30: it plans the bypass from C, as if the cut
    # were known at once: 30 + 111 + 15 = 156; no truck re-routes.
    log = run(load_scenario("tiny"), [*UNSEEN, "reporting.road_delay_min=20"], [(0, "n7", "n2", 600)])
    assert known(log) == [(20, "reported")]
    assert rerouted(log) == []
    v4 = [d for d in deliveries(log) if d[1] == "V4" and d[3] == "D_C"]
    assert [d[0] for d in v4] == [156, 156]


def test_cut_reported_while_the_truck_drives_toward_it_reroutes_at_the_next_node():
    # Reported at 40, while truck2 is on C-J (30 to 60): it finishes that edge and re-plans at J,
    # logged at 60 (the learning itself is the report's, at 40): delivered 60 + 121 + 15 = 196.
    log = run(load_scenario("tiny"), [*UNSEEN, "reporting.road_delay_min=40"], [(0, "n7", "n2", 600)])
    assert known(log) == [(40, "reported")]
    assert rerouted(log) == [(60, "D_C/truck2", "n7")]
    v4 = [d for d in deliveries(log) if d[1] == "V4" and d[3] == "D_C"]
    assert [d[0] for d in v4] == [196, 196]


def test_unseen_cut_made_while_the_truck_is_on_its_way_is_found_at_j():
    # Cut at 40 while truck2 is on C-J, reported only at 1040: nothing is logged while it drives
    # on; at J (60) it finds the cut: the same times as a cut known at 40.
    log = run(load_scenario("tiny"), [*UNSEEN, "reporting.road_delay_min=1000"], [(40, "n7", "n2", 600)])
    assert known(log) == [(60, "reached")]
    assert rerouted(log) == [(60, "D_C/truck2", "n7")]
    v4 = [d for d in deliveries(log) if d[1] == "V4" and d[3] == "D_C"]
    assert [d[0] for d in v4] == [196, 196]


def test_repair_team_is_sent_only_once_a_cut_is_known(tiny_copy: Path):
    with (tiny_copy / "teams.csv").open("a", encoding="utf-8") as f:
        f.write("TM_ROAD,road_repair,C,20,road,30,1.0,0,0\n")  # no boats, no machines
    scen = scenario.load(tiny_copy)
    # The bridge n5-n6 (V3-V4) is cut at 0 and reported at 100. No truck goes that way before
    # (V4 is the city's: truck2 finds the bridge at V3, 30 + 30 + 18 + 12 = 90). The team, ready
    # at 30, waits for news; at 90 truck2 radios the cut in; the team is sent at 90, drives
    # C-J-T2-V3 = 60 min to n5 (150), repairs 180 min: reopened at 330.
    log = run(scen, [*UNSEEN, "reporting.road_delay_min=100"], [(0, "n5", "n6", 180)])
    assert known(log) == [(90, "reached")]
    assigned = [e.t_min for e in log.rows if e.kind is EventKind.REPAIR_TEAM_ASSIGNED]
    repaired = [e.t_min for e in log.rows if e.kind is EventKind.ROAD_REPAIRED]
    assert assigned == [90] and repaired == [330]


def test_only_bridge_cut_then_repaired_at_hand_computed_minute(tiny_copy: Path):
    with (tiny_copy / "teams.csv").open("a", encoding="utf-8") as f:
        f.write("TM_ROAD,road_repair,C,20,road,30,1.0,0,0\n")  # no boats, no machines
    scen = scenario.load(tiny_copy)
    # The repair team leaves C at 30, drives C-J-T2-V3 = 60 min to the bridge end n5 (90),
    # repairs for 180 min: the bridge reopens at 270.
    log = run(scen, cuts=[(0, "n5", "n6", 180)])
    kinds = [
        (e.t_min, e.kind, e.place)
        for e in log.rows
        if e.kind
        in (
            EventKind.PLACE_ISOLATED,
            EventKind.PLACE_RECONNECTED,
            EventKind.ROAD_REPAIRED,
            EventKind.REPAIR_STARTED,
        )
    ]
    assert kinds == [
        (0, EventKind.PLACE_ISOLATED, "V4"),
        (90, EventKind.REPAIR_STARTED, None),
        (270, EventKind.ROAD_REPAIRED, None),
        (270, EventKind.PLACE_RECONNECTED, "V4"),
    ]
    deferred = {(e.item, e.qty) for e in log.rows if e.kind is EventKind.RELIEF_DEFERRED}
    assert deferred == {("water", 50), ("quilt", 50)}
    # At 270 V4's need is allocated again: T2 water 20 + quilt 20, city 30 + 30.
    # T2's truck is free (back at 118): 270 + 20 + 21 + 15 = 326.
    # City truck1 (free since 153): 270 + 30 + 69 + 15 = 384.
    v4 = [d for d in deliveries(log) if d[1] == "V4"]
    assert v4 == [
        (326, "V4", "V4", "D_T2", "quilt", 20),
        (326, "V4", "V4", "D_T2", "water", 20),
        (384, "V4", "V4", "D_C", "quilt", 30),
        (384, "V4", "V4", "D_C", "water", 30),
    ]
    assignment = [e for e in log.rows if e.kind is EventKind.REPAIR_TEAM_ASSIGNED]
    assert assignment[0].t_min == 30 and assignment[0].value == 50  # reconnects V4's 50 people


def test_truck_in_flight_reroutes_at_its_next_node():
    # J-T2 is cut at minute 40 while city truck2 drives C-J (30 to 60) on its way to V4.
    log = run(load_scenario("tiny"), cuts=[(40, "n7", "n2", 600)])
    rerouted = [(e.t_min, e.subject, e.note) for e in log.rows if e.kind is EventKind.TRUCK_REROUTED]
    assert rerouted == [(60, "D_C/truck2", "n7")]
    v4 = [d for d in deliveries(log) if d[1] == "V4" and d[3] == "D_C"]
    assert [d[0] for d in v4] == [196, 196]  # 60 + 121 + 15
    back = [e.t_min for e in log.rows if e.kind is EventKind.TRUCK_RETURNED and e.subject == "D_C/truck2"]
    assert back == [307]  # V4 -> C by the bypass: 196 + 111


def test_full_shelter_sends_overflow_to_the_next_and_relief_follows():
    """SH_T1 holds 250/2.5 = 100 people, SH_T2 150/2.5 = 60. V1's 100 fill SH_T1; V2's 60 find
    it full and go to SH_T2 (42 min away); V3 and V4 find both full and stay at home."""
    log = run(load_scenario("tiny"), overrides=["shelters.use=true"])
    arrived = [(e.subject, e.place, e.qty) for e in log.rows if e.kind is EventKind.SHELTER_ARRIVED]
    assert arrived == [("SH_T1", "V1", 100), ("SH_T2", "V2", 60)]
    full = [e.subject for e in log.rows if e.kind is EventKind.SHELTER_FULL]
    assert full == ["SH_T1", "SH_T2"]
    # Relief follows the people, and a shelter's own township point serves it first.
    # Allocation: V1@SH_T1: T1 water 100, quilt 50 + city quilt 50. V2@SH_T2: T2 water 60, quilt 60.
    # V3 at home: T2 water 40, quilt 40 + city 40 + 40. V4 at home: city water 50, quilt 50.
    # T1's truck serves SH_T1 on its own doorstep (0 min): water 0+20+0+15 = 35, quilt 35+20+15 = 70.
    # T2's truck: SH_T2 water 60 + quilt 40 at 0+20+0+15 = 35; V3 35+20+12+15 = 82 (back 94);
    #   SH_T2 quilt 20 at 94+20+0+15 = 129.
    # City: truck1 V3 30+60+15 = 105 (back 165); truck2 V4 30+69+15 = 114;
    #   truck1 then V1's quilt to SH_T1 (42 min): 165+30+42+15 = 252.
    assert deliveries(log) == sorted(
        [
            (35, "V1", "SH_T1", "D_T1", "water", 100),
            (70, "V1", "SH_T1", "D_T1", "quilt", 50),
            (252, "V1", "SH_T1", "D_C", "quilt", 50),
            (35, "V2", "SH_T2", "D_T2", "water", 60),
            (35, "V2", "SH_T2", "D_T2", "quilt", 40),
            (129, "V2", "SH_T2", "D_T2", "quilt", 20),
            (82, "V3", "V3", "D_T2", "quilt", 40),
            (82, "V3", "V3", "D_T2", "water", 40),
            (105, "V3", "V3", "D_C", "quilt", 40),
            (105, "V3", "V3", "D_C", "water", 40),
            (114, "V4", "V4", "D_C", "quilt", 50),
            (114, "V4", "V4", "D_C", "water", 50),
        ]
    )


def test_evacuees_go_on_the_roads_as_they_are_not_as_known(tiny_copy: Path):
    """With room for everyone (shelters 10 times larger), V4's people (at n6) would go to SH_T2
    at T2 (V4-V3-T2 = 21 min), but the bridge V3-V4 is cut, unseen by the command centre, before
    they leave: they stay at home, as when the cut is known at once, instead of crossing it."""
    (tiny_copy / "shelters.csv").write_text(
        "shelter_id,class,place_id,area_m2\nSH_T1,II,T1,2500\nSH_T2,III,T2,1500\n", encoding="utf-8"
    )
    scen = scenario.load(tiny_copy)
    for mode in ("at_once", "reached_or_reported"):
        settings = settings_for(*TINY_EXACT, "shelters.use=true", f"reporting.roads={mode}")
        w = world.build(scen, settings, Streams(settings.run.seed, 0), EventLog())
        w.roads.set_factor(edge(scen, "n5", "n6"), 0.0)
        assert w.roads.known_cut(edge(scen, "n5", "n6")) == (mode == "at_once")
        w.run()
        arrived = {e.place for e in w.log.rows if e.kind is EventKind.SHELTER_ARRIVED}
        assert arrived == {"V1", "V2", "V3"}, (mode, arrived)
