"""Rescue teams and helicopters against hand computations, and volunteer turnout against its probability.

tiny: team TM_T1 (semi_professional, base T1 = node n1, 12 members, turnout 1, skills
water;collapse, mobilisation 60 min, 1 boat, 1 machine). It forms two crews
(sim/model/teams.py split_crews, configs/rescue/default.yaml): TM_T1#1, a boat crew of 3
(min(12 // 3, 1 boat) = 1), and TM_T1#2, a collapse crew of 6 (min((12 - 3) // 6, 1 machine)
= 1). T1 -> V1 is 5 km of township road at 2 min/km = 10 min (tests/test_tiny_by_hand.py).
A boat round brings out up to 8 people in 45 min. Five people trapped in V1 at onset (t = 0):
  the boat crew leaves T1 at 0 + 60 = 60; arrives V1 at 60 + 10 = 70 (rescue starts);
  all five are out after one round, at 70 + 45 = 115.
"""

from __future__ import annotations

import dataclasses
import math

import pytest
import simpy

from sim.checks import invariants
from sim.cli import main
from sim.events import EventKind, EventLog
from sim.model.air import AirSystem
from sim.model.demand import Trapped
from sim.model.policies.rescue import RESCUE_POLICIES
from sim.model.roads import RoadState
from sim.model.teams import RescueSystem, Task, volunteer_turnout
from sim.results import rescue_metrics
from sim.results.metrics import wilson
from sim.rng import Streams
from sim.scenario.roads import EARTH_RADIUS_KM
from sim.scenario.types import Helipad, Team
from tests.conftest import load_scenario, settings_for


def _run(
    scen,
    trapped: list[Trapped],
    *overrides: str,
    until: float = 2000.0,
    cut: tuple[int, ...] = (),
    cut_at_min: float = 0.0,
):
    s = settings_for("scenario=tiny", *overrides)
    env = simpy.Environment()
    log = EventLog()
    roads = RoadState(env, scen)

    def damage():
        yield env.timeout(cut_at_min)
        for e in cut:
            roads.set_factor(e, 0.0)

    if cut_at_min == 0:  # before anything else happens
        for e in cut:
            roads.set_factor(e, 0.0)
    else:
        env.process(damage())
    rescue = RescueSystem(
        env,
        scen,
        s.rescue,
        roads,
        RESCUE_POLICIES[s.rescue.policy],
        s.costs.rescue_member_yuan_per_h,
        Streams(1, 0),
        log,
        0.0,
    )
    rescue.connect_air(AirSystem(env, scen, s.air, 0.0, s.ems.onset_clock_h, log))

    def feed():
        for t in trapped:
            if t.at_min > env.now:
                yield env.timeout(t.at_min - env.now)
            rescue.trapped(t)

    env.process(feed())
    env.run(until=until)
    problems = invariants.check_all(log.rows, scen)
    assert not problems, problems
    return log, s


def test_one_rescue_matches_hand_computation():
    scen = load_scenario("tiny")
    v1 = scen.place_index()["V1"]
    log, s = _run(scen, [Trapped(0.0, v1, "water", 5)])
    rows = [e for e in log.rows if (e.subject or "").startswith("TM_T1")]
    mobilised = [e.t_min for e in rows if e.kind is EventKind.TEAM_MOBILISED]
    started = [(e.subject, e.t_min) for e in rows if e.kind is EventKind.RESCUE_STARTED]
    out = [(e.t_min, e.qty) for e in rows if e.kind in (EventKind.PEOPLE_RESCUED, EventKind.BODIES_RECOVERED)]
    assert mobilised == [60.0]
    assert started == [("TM_T1#1", 70.0)]
    assert out == [(115.0, 5)]
    kpis = rescue_metrics.rep_kpis(log.rows, s.targets, 2000.0)
    assert kpis["brought_out_people"] == 5 and kpis["rescue_12h_share"] == 1.0
    assert kpis["mutual_aid_cost_yuan"] == 0  # V1 is in T1's own township


def test_help_across_townships_records_compensation():
    """V3 lies in T2; the boat crew (3 members) drives T1 -> J -> T2 -> V3 = 12 + 18 + 12 = 42 min,
    works one 45-min round: busy 87 min x 3 members x 300 yuan/member-h = 1,305 yuan, owed by T2."""
    scen = load_scenario("tiny")
    log, s = _run(scen, [Trapped(0.0, scen.place_index()["V3"], "water", 2)])
    aid = [e for e in log.rows if e.kind is EventKind.MUTUAL_AID_RECORDED]
    assert [(e.subject, e.place, e.note) for e in aid] == [("TM_T1#1", "V3", "T1")]
    assert aid[0].value == pytest.approx((42 + 45) / 60 * 3 * s.costs.rescue_member_yuan_per_h)
    assert aid[0].value == pytest.approx(1305.0)


def test_task_needing_a_skill_no_team_has_is_never_assigned():
    scen = load_scenario("tiny")  # TM_T1 does water and collapse, nobody does mountain
    idx = scen.place_index()
    log, s = _run(scen, [Trapped(0.0, idx["V2"], "mountain", 4), Trapped(5.0, idx["V1"], "water", 1)])
    unmet = [e for e in log.rows if e.kind is EventKind.RESCUE_UNMET]
    assert [(e.place, e.qty, e.note, e.ref) for e in unmet] == [("V2", 4, "no_team_with_skill", 0)]
    assert not [e for e in log.rows if e.kind is EventKind.TEAM_ASSIGNED and e.ref == 0]
    assert [e.ref for e in log.rows if e.kind is EventKind.PEOPLE_RESCUED] == [1]  # the water task is served
    kpis = rescue_metrics.rep_kpis(log.rows, s.targets, 2000.0)
    assert kpis["rescue_unmet_no_skill_people"] == 4
    assert kpis["rescue_waiting_at_horizon_people"] == 0
    assert kpis["rescue_24h_share"] == pytest.approx(1 / 5)


def test_shift_limit_hands_people_back_and_team_rests():
    """max_shift_h = 1: the 10 min drive and one 45-min round fit the 60-min shift; the boat takes
    a boatload (8 of 10), has 5 min of shift left, rests 8 h, and comes back for the other 2."""
    scen = load_scenario("tiny")
    log, _ = _run(scen, [Trapped(0.0, scen.place_index()["V1"], "water", 10)], "rescue.max_shift_h=1")
    assigned = [(e.t_min, e.qty) for e in log.rows if e.kind is EventKind.TEAM_ASSIGNED]
    assert assigned == [(60.0, 8), (115.0 + 8 * 60, 2)]
    rests = [e.t_min for e in log.rows if e.kind is EventKind.TEAM_REST_STARTED]
    assert rests[0] == pytest.approx(115.0)
    out = [(e.t_min, e.qty) for e in log.rows if e.kind is EventKind.PEOPLE_RESCUED]
    assert sum(q for _, q in out) + sum(e.qty for e in log.rows if e.kind is EventKind.BODIES_RECOVERED) == 10
    assert out[0] == (115.0, 8)


def test_volunteer_turnout_matches_acceptance_probability():
    """12-member volunteer team, turnout 0.6, over 400 replications' alerts (4,800 member alerts):
    the share who accept lies in the 99 % Wilson interval around the pooled count (half-width
    about 0.019), and the team leaves with min(10, accepted) members or is stood down below 3."""
    scen = load_scenario("tiny")
    base = scen.teams[0]
    vol = dataclasses.replace(base, id="VOL_T1", kind="volunteer", turnout=0.6, mobilisation_min=45.0)
    scen = dataclasses.replace(scen, teams=(vol,))
    rules = settings_for("scenario=tiny").rescue
    accepted = alerted = 0
    for rep in range(400):
        a, leaving, after = volunteer_turnout(
            vol.members, vol.turnout, vol.mobilisation_min, rules, Streams(3, rep)
        )
        accepted += a
        alerted += vol.members
        if a < rules.volunteer_min_members:
            assert after is None and leaving == 0
        else:
            assert leaving == min(rules.volunteer_leave_members, a) and after is not None and after > 0
    low, high = wilson(accepted, alerted, confidence=0.99)
    assert low <= 0.6 <= high
    assert high - low < 0.04
    # and the model's event log reports the same turnout (one replication through the system)
    log, s = _run(scen, [])
    kpis = rescue_metrics.rep_kpis(log.rows, s.targets, 2000.0)
    a, _, _ = volunteer_turnout(vol.members, vol.turnout, vol.mobilisation_min, rules, Streams(1, 0))
    assert kpis["volunteer_turnout_share"] == a / vol.members


def _with_helipad_100km_from(scen, village: str):
    """Helipad at the city; `village` moved exactly 100 km due north of it (same longitude:
    haversine distance = R x latitude difference)."""
    c = next(p for p in scen.places if p.id == "C")
    lat = c.lat + math.degrees(100.0 / EARTH_RADIUS_KM)
    places = tuple(dataclasses.replace(p, lon=c.lon, lat=lat) if p.id == village else p for p in scen.places)
    return dataclasses.replace(scen, places=places, helipads=(Helipad("HP_C", "C"),))


NO_DELAY = ("air.night_no_fly=false", "air.weather_no_fly_h=[]")


def _task_at(scen, village: str, people: int) -> Task:
    place = scen.place_index()[village]
    return Task(0, place, scen.places[place].node, scen.places[place].township_id, "water", 0.0, people)


def test_helicopter_no_delay_arrives_after_distance_over_speed_plus_preparation():
    """Rescue at V1 100 km away, cruise 200 km/h, preparation 30 min: 30 + 100/200 h = 60 min."""
    scen = _with_helipad_100km_from(load_scenario("tiny"), "V1")
    s = settings_for("scenario=tiny", *NO_DELAY)
    env, log = simpy.Environment(), EventLog()
    air = AirSystem(env, scen, s.air, 0.0, s.ems.onset_clock_h, log)
    air.rescue(_task_at(scen, "V1", 1))
    env.run(until=500)
    requested = [e for e in log.rows if e.kind is EventKind.AIR_MISSION_REQUESTED]
    assert requested[0].value == pytest.approx(100.0, abs=1e-9)
    arrived = [e.t_min for e in log.rows if e.kind is EventKind.AIRCRAFT_ARRIVED]
    assert arrived == pytest.approx([s.air.launch_prep_min + 100.0 / s.air.cruise_kmh * 60])
    assert arrived == pytest.approx([60.0])
    kpis = rescue_metrics.rep_kpis(log.rows, s.targets, 500.0)
    assert kpis["helicopter_2h_share"] == 1.0 and kpis["helicopter_2h_holds"] == 1


def test_helicopter_waits_out_a_no_fly_window():
    """Weather grounds aircraft for the first hour: launch at 60, arrive 60 + 60 = 120 min."""
    scen = _with_helipad_100km_from(load_scenario("tiny"), "V1")
    s = settings_for("scenario=tiny", "air.night_no_fly=false", "air.weather_no_fly_h=[[0,1]]")
    env, log = simpy.Environment(), EventLog()
    AirSystem(env, scen, s.air, 0.0, s.ems.onset_clock_h, log).rescue(_task_at(scen, "V1", 1))
    env.run(until=500)
    assert [e.t_min for e in log.rows if e.kind is EventKind.AIRCRAFT_LAUNCHED] == [60.0]
    assert [e.t_min for e in log.rows if e.kind is EventKind.AIRCRAFT_ARRIVED] == pytest.approx([120.0])


def test_rescue_cut_off_by_road_goes_to_the_helicopter():
    """V1's two roads (n1-n3, n3-n8: edges 3 and 7) are cut: TM_T1 cannot reach it, so the
    aircraft flies: 30 min preparation + 100 km at 200 km/h, then hoists 2 people (5 min each)."""
    scen = _with_helipad_100km_from(load_scenario("tiny"), "V1")
    log, _ = _run(scen, [Trapped(0.0, scen.place_index()["V1"], "water", 2)], *NO_DELAY, cut=(3, 7))
    assert not [e for e in log.rows if e.kind is EventKind.TEAM_ASSIGNED]
    out = [(e.subject, e.t_min) for e in log.rows if e.kind is EventKind.PEOPLE_RESCUED]
    assert [x[0] for x in out] == ["AC1", "AC1"]
    assert [x[1] for x in out] == pytest.approx([65.0, 70.0])


def test_team_stopped_by_a_cut_road_hands_its_people_to_the_helicopter():
    """TM_T1 leaves T1 at 60 for V3 (n1 -> n7 -> n2 -> n5). At 61 both roads into V3 (n2-n5 and
    n8-n5: edges 5 and 8) are cut; the team finishes its edge to J (n7) at 60 + 12 = 72, finds no
    road on, and hands its 2 people back; no team can reach V3 now, so the helicopter takes them."""
    scen = _with_helipad_100km_from(load_scenario("tiny"), "V1")
    log, _ = _run(
        scen, [Trapped(0.0, scen.place_index()["V3"], "water", 2)], *NO_DELAY, cut=(5, 8), cut_at_min=61.0
    )
    released = [(e.t_min, e.qty) for e in log.rows if e.kind is EventKind.TEAM_RELEASED]
    assert released == [(72.0, 2)]
    assert not [e for e in log.rows if e.kind is EventKind.RESCUE_STARTED]
    requested = [(e.t_min, e.place, e.qty) for e in log.rows if e.kind is EventKind.AIR_MISSION_REQUESTED]
    assert requested == [(72.0, "V3", 2)]
    assert [e.subject for e in log.rows if e.kind is EventKind.PEOPLE_RESCUED] == ["AC1", "AC1"]


@pytest.mark.slow
def test_cli_reports_rescue_and_air_beside_relief_and_ems(tmp_path, capsys):
    for scenario, hazard in (("jinjiang", "typhoon"), ("zhangshu", "flood")):
        code = main(
            [
                "run",
                f"scenario={scenario}",
                f"hazard={hazard}",
                "run.reps=2",
                f"hydra.run.dir={tmp_path / scenario}",
            ]
        )
        assert code == 0
        text = capsys.readouterr().out
        for name in ("relief_10h", "ems_response", "rescue_12h", "rescue_24h", "helicopter_2h"):
            assert name in text, f"{scenario}: {name} missing from the summary"
        assert "rescue crew utilisation" in text and "mutual-aid compensation" in text
        assert "lives saved" in text and "lost while trapped" in text


def test_unknown_rescue_policy_and_base_helipad_are_refused(capsys):
    assert main(["run", "scenario=tiny", "rescue.policy=bravest", "air.base_helipad=HP_X"]) == 2
    err = capsys.readouterr().err
    assert "rescue.policy" in err and "bravest" in err
    assert "air.base_helipad" in err and "HP_X" in err


def test_team_types_follow_the_skill_table():
    from sim.model.teams import team_types

    rules = settings_for("scenario=tiny").rescue
    team = Team("X", "flood", "T1", 10, ("flood", "dyke"), 10.0, 1.0)
    assert team_types(team.skills, rules) == frozenset({"water"})
    assert team_types(("forest_fire", "earthquake"), rules) == frozenset({"collapse", "mountain"})


def test_rescue_policy_change_keeps_the_disaster_and_volunteer_draws():
    """Common random numbers: another assignment policy changes who rescues whom, never who is
    trapped, nor which volunteers accept and when their teams leave."""
    from sim.model import world

    scen = load_scenario("tiny")
    volunteer = dataclasses.replace(
        scen.teams[0], id="VOL_T2", kind="volunteer", base_place_id="T2", turnout=0.7
    )
    scen = dataclasses.replace(scen, teams=(*scen.teams, volunteer))
    logs = [
        world.simulate(scen, settings_for("scenario=tiny", "hazard=flood_major", f"rescue.policy={p}"), 0)
        for p in ("nearest_capable", "oldest_first")
    ]
    kept = (
        EventKind.PEOPLE_TRAPPED,
        EventKind.RESCUE_REQUESTED,
        EventKind.TEAM_MOBILISED,
        EventKind.TEAM_STOOD_DOWN,
    )
    a, b = ([e for e in log.rows if e.kind in kept] for log in logs)
    assert a == b and any(e.kind is EventKind.PEOPLE_TRAPPED for e in a)
    for log in logs:
        assert not invariants.check_all(log.rows, scen)


def test_trapped_people_become_known_with_the_first_report():
    """By hand on `tiny`: 5 people trapped at V1 at minute 0, known to the command centre 90 min
    later (the village's first report). TM_T1 is mobilised at 60 but cannot be sent before 90;
    its boat crew drives 10 min and brings all five out in one 45-min round, at 145. The rescue clock
    runs from being trapped: the request says 90 minutes since trapped, and the 12 h target counts
    from 0."""
    from sim.model.information import trapped_known

    scen = load_scenario("tiny")
    v1 = scen.place_index()["V1"]
    s = settings_for("scenario=tiny")
    env, log = simpy.Environment(), EventLog()
    roads = RoadState(env, scen)
    rescue = RescueSystem(
        env, scen, s.rescue, roads, RESCUE_POLICIES[s.rescue.policy], 0.0, Streams(1, 0), log, 0.0
    )
    rescue.connect_air(AirSystem(env, scen, s.air, 0.0, s.ems.onset_clock_h, log))
    env.process(trapped_known(env, rescue, Trapped(0.0, v1, "water", 5), 90.0))
    env.run(until=2000.0)
    request = next(e for e in log.rows if e.kind is EventKind.RESCUE_REQUESTED)
    assert (request.t_min, request.value) == (90.0, 90.0)
    out = [(e.t_min, e.qty) for e in log.rows if e.kind is EventKind.PEOPLE_RESCUED]
    assert out == [(145.0, 5)]  # known at 90, 10 min drive, one 45-min round
    kpis = rescue_metrics.rep_kpis(
        log.rows, {"r": s.targets["rescue_12h"].model_copy(update={"deadline_h": 2.0})}, 2000.0
    )
    # within 2 h of being trapped (120 min): nobody (out at 145)
    assert kpis["r_people"] == 5 and kpis["r_share"] == 0.0
    # they waited longest for the report (90 min) rather than for the team (0), the drive (10)
    # or the work (45)
    assert kpis["r_late_trapped_unknown"] == 5


@pytest.mark.parametrize("when", ["first_report", "at_once"])
def test_every_trapping_is_known_after_the_first_report_delay(when):
    """Through the whole model (`tiny` under `flood_major`, five replications, reports after
    exactly 45 min, no extra delay when cut off): each rescue request comes 45 min after its
    people were trapped, or at once under `reporting.trapped=at_once`."""
    from sim.model import world

    s = settings_for(
        "scenario=tiny",
        "hazard=flood_major",
        "reporting.first_delay_min=45",
        "reporting.first_delay_sigma=0",
        "reporting.cut_off_extra_min=0",
        f"reporting.trapped={when}",
    )
    delay = 45.0 if when == "first_report" else 0.0
    seen = 0
    for rep in range(5):
        log = world.simulate(load_scenario("tiny"), s, rep)
        requests = [e for e in log.rows if e.kind is EventKind.RESCUE_REQUESTED]
        trapped = [e for e in log.rows if e.kind is EventKind.PEOPLE_TRAPPED]
        assert len(requests) == len(trapped)
        assert all(e.value == delay for e in requests)
        assert sorted(e.t_min for e in requests) == sorted(e.t_min + delay for e in trapped)
        seen += len(requests)
    assert seen > 0
