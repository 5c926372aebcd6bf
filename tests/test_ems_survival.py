"""Red casualties deteriorate while they wait for a hospital (issue 20 part 2, sim/model/ems.py).

By hand on `tiny` (the drive minutes and job cycle of tests/test_ems_tiny_by_hand.py: C to V1
and V2 52 and 54 min, dispatch delay 3, handover 15, the hospital H_C at the station), with
the death minutes handed in, so every outcome is a sum that can be checked on paper; then the
shared survival mechanism (sim/model/survival.py) under generated curves and casualties.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings

from sim.errors import InputError
from sim.events import EventKind
from sim.model import ems_calls
from sim.model.demand import Casualty
from sim.model.survival import SurvivalCurve
from sim.results import ems_tables
from sim.rng import Streams
from sim.settings import EmsSettings
from tests.conftest import load_scenario, settings_for, simulate_checked
from tests.test_ems_tiny_by_hand import HAND, run_calls, times
from tests.test_rescue_capacity import curves

SURVIVAL = "ems.survival.immediate=[[0,1.0],[2,0.7],[2.5,0.544],[5,0.058]]"


def _run(calls, dies_at, *overrides: str):
    """run_calls with the survival curve on and the death minutes given (inf: no death)."""
    return run_calls(calls, SURVIVAL, *overrides, dies_at=dies_at)


def _of(rows, kind: EventKind, call: int):
    return [e for e in rows if e.kind is kind and e.ref == call]


def test_survival_at_the_hospital_door_is_the_configured_curve():
    # Red call at 10 from V1, scene 20: at H_C at 10 + 3 + 52 + 20 + 52 = 137, 127 min after
    # injury; the curve there, by hand: 0.7 + (127/60 - 2) / 0.5 x (0.544 - 0.7) = 0.66360.
    rows, scen = _run([(10, "V1", 1, False, 20)], [math.inf])
    [care] = _of(rows, EventKind.CASUALTY_REACHED_CARE, 0)
    assert care.t_min == 137 and care.depot == "H_C" and care.subject == "S_C/amb1" and care.qty == 1
    assert care.value == pytest.approx(0.7 + (127 / 60 - 2) / 0.5 * (0.544 - 0.7), abs=1e-12)
    assert care.value == pytest.approx(0.663600, abs=1e-6)
    assert _of(rows, EventKind.PATIENT_ADMITTED, 0)[0].t_min == 152  # admitted as before
    table = ems_tables.call_results(rows, scen, 2000.0)
    assert table["reached_care_at_h"] == [137 / 60] and math.isnan(table["died_waiting_at_h"][0])


def test_a_death_minute_after_the_door_lives_and_before_it_dies_on_board():
    # Same job: at the door at 137. Death due at 140 -> reached care alive, admitted at 152.
    alive, _ = _run([(10, "V1", 1, False, 20)], [140.0])
    assert _of(alive, EventKind.CASUALTY_REACHED_CARE, 0) and not _of(
        alive, EventKind.CASUALTY_DIED_WAITING, 0
    )
    # Death due at 100: on board (left the scene at 85). The crew drives on to H_C (137) but the
    # patient is not admitted; the ambulance is back at once (H_C is at the station).
    dead, scen = _run([(10, "V1", 1, False, 20)], [100.0])
    [died] = _of(dead, EventKind.CASUALTY_DIED_WAITING, 0)
    assert (died.t_min, died.note, died.value, died.place) == (100, "ambulance", 90, "V1")
    assert times(dead, 0) == [
        (10, "ambulance_dispatched", "S_C/amb1"),
        (65, "ambulance_arrived_scene", "S_C/amb1"),
        (85, "ambulance_left_scene", "S_C/amb1"),
        (137, "ambulance_arrived_hospital", "S_C/amb1"),
        (137, "ambulance_returned", "S_C/amb1"),  # no handover: nobody to hand over
    ]
    assert not _of(dead, EventKind.PATIENT_ADMITTED, 0) and not _of(dead, EventKind.CASUALTY_REACHED_CARE, 0)
    table = ems_tables.call_results(dead, scen, 2000.0)
    assert table["outcome"] == ["died_waiting"] and table["died_waiting_at_h"] == [100 / 60]


def test_a_crew_sent_finds_the_patient_dead_and_goes_back():
    # Death due at 50, before the crew arrives (65): it confirms the death, spends no scene
    # time, and drives the 52 min back: returned at 117.
    rows, _ = _run([(10, "V1", 1, False, 20)], [50.0])
    assert times(rows, 0) == [
        (10, "ambulance_dispatched", "S_C/amb1"),
        (65, "ambulance_arrived_scene", "S_C/amb1"),
        (117, "ambulance_returned", "S_C/amb1"),
    ]
    assert _of(rows, EventKind.CASUALTY_DIED_WAITING, 0)[0].note == "ambulance"


def test_a_call_that_dies_in_the_queue_leaves_it():
    # Calls 0 and 1 (red, V1, at 0) take both ambulances, back at 0 + 3 + 52 + 20 + 52 + 15 = 142.
    # Call 2 (red, V2, at 5) waits and dies at 100; call 3 (green, V3, at 6) waits behind it and
    # gets the first ambulance free at 142: the dead call is never dispatched.
    calls = [
        (0, "V1", 1, False, 20),
        (0, "V1", 1, False, 20),
        (5, "V2", 1, False, 20),
        (6, "V3", 3, False, 20),
    ]
    rows, scen = _run(calls, [math.inf, math.inf, 100.0, math.inf])
    [died] = _of(rows, EventKind.CASUALTY_DIED_WAITING, 2)
    assert (died.t_min, died.note, died.value) == (100, "waiting", 95)
    assert not _of(rows, EventKind.AMBULANCE_DISPATCHED, 2)
    assert _of(rows, EventKind.AMBULANCE_DISPATCHED, 3)[0].t_min == 142
    table = ems_tables.call_results(rows, scen, 2000.0)
    assert table["outcome"][2] == "died_waiting" and table["wait_min"][2] == 95  # waited until death
    assert table["outcome"][3] == "delivered"


def test_no_curve_no_deterioration():
    """The code default (a config without `ems.survival`, as in runs made before it): no curve,
    so no casualty gets a death minute and the log is the old one."""
    base = settings_for("scenario=tiny").ems.model_dump()
    del base["survival"]
    old = EmsSettings.model_validate(base)
    assert old.survival == {}
    scen = load_scenario("tiny")
    cas = [Casualty(30.0, 3, t, False) for t in (1, 2, 3)]
    assert all(math.isinf(t) for t in ems_calls.casualty_deaths_min(scen, old, cas, Streams(7, 0)))


def test_tiny_with_many_red_casualties_keeps_every_invariant():
    """A whole replication with red casualties in every village, under the shipped curve:
    invariants (nobody dies twice, the dead are never admitted) hold on the log, and every
    red casualty call is saved, lost, or still out at the horizon."""
    rate = "{immediate: 0.05, urgent: 0.0, delayed: 0.0}"
    over = [f"hazard.events.earthquake.rates.{s}.casualties={rate}" for s in ("high", "medium", "low")]
    s = settings_for("scenario=tiny", "hazard=earthquake", *over)
    scen = load_scenario("tiny")
    rows = simulate_checked(scen, s, 0).rows
    red = {e.ref for e in rows if e.kind is EventKind.CALL_RECEIVED and e.note == "casualty" and e.qty == 1}
    died = {e.ref for e in rows if e.kind is EventKind.CASUALTY_DIED_WAITING}
    saved = {e.ref for e in rows if e.kind is EventKind.CASUALTY_REACHED_CARE}
    assert len(red) >= 20 and died and saved  # the case is not empty
    assert died | saved <= red and not died & saved


def test_death_minutes_come_from_the_injury_stream_alone():
    """Common random numbers: a casualty's death minute is the same whatever other casualties
    call (another fleet or policy changes who is served, never the draws)."""
    s = settings_for("scenario=tiny").ems
    scen = load_scenario("tiny")
    a = Casualty(30.0, 3, 1, False)
    others = [Casualty(30.0, 4, 1, False), Casualty(12.0, 3, 1, False), Casualty(30.0, 3, 2, False)]
    alone = ems_calls.casualty_deaths_min(scen, s, [a], Streams(7, 0))[0]
    among = ems_calls.casualty_deaths_min(scen, s, [*others, a], Streams(7, 0))
    assert among[-1] == alone and math.isfinite(alone) and alone >= 30.0
    assert math.isinf(among[2])  # urgent: no curve by default


def test_yellow_and_green_do_not_deteriorate_by_default():
    s = settings_for("scenario=tiny").ems
    assert s.survival_points(1) and not s.survival_points(2) and not s.survival_points(3)


@settings(max_examples=60, deadline=None)
@given(curves())
def test_the_ems_curve_follows_the_rescue_rule(points):
    """One rule for both curves (sim/settings.py check_survival_points): a valid generated
    curve is accepted as an EMS curve and gives the same death minutes as the rescue one."""
    base = settings_for("scenario=tiny").ems
    ems = EmsSettings.model_validate({**base.model_dump(), "survival": {"immediate": points}})
    curve = SurvivalCurve(ems.survival_points(1))
    for u in (0.01, 0.3, 0.7, 0.99):
        assert curve.death_after_min(u) == SurvivalCurve(points).death_after_min(u)


@pytest.mark.parametrize(
    ("curve", "needle"),
    [
        ("[[0,0.5],[1,0.9]]", "cannot rise"),
        ("[[1,1.0],[2,0.5]]", "first point must be at 0 hours"),
        ("[[0,1.5]]", "at most 1"),
    ],
)
def test_a_bad_ems_curve_names_the_key(curve, needle):
    with pytest.raises(InputError) as err:
        settings_for("scenario=tiny", f"ems.survival.immediate={curve}")
    assert "ems.survival" in str(err.value) and needle in str(err.value)


def test_hand_settings_are_the_ems_by_hand_ones():
    assert "ems.survival.immediate=[]" in HAND  # those tests keep their log without survival


def test_sweeps_price_lives_over_rescue_and_ems():
    """`lives_saved_all_people` = trapped brought out alive + casualties at a hospital alive, and
    the decision table's lives_saved_diff is on it (by hand: diffs 1+2, 2+0, 0+1 = 3, 2, 1)."""
    import pandas as pd

    from sim.results import ems_metrics, metrics

    facts = {"lives_saved_people": 4.0, "ems_casualties_saved_people": 3.0, "lives_lost_waiting_people": 1.0}
    assert ems_metrics.lives_all(facts) == {
        "lives_saved_all_people": 7.0,
        "lives_lost_waiting_all_people": 1.0,
    }
    target = settings_for("scenario=tiny").targets["initial_relief_12h"]
    rescue = {"base": [5, 5, 5], "more": [6, 7, 5]}
    red = {"base": [2, 2, 2], "more": [4, 2, 3]}
    reps = pd.DataFrame(
        [
            {
                "case": c,
                "rep": r,
                "initial_relief_12h_share": 1.0,
                "initial_relief_12h_holds": 1,
                "lives_saved_people": float(rescue[c][r]),
                **ems_metrics.lives_all(
                    {"lives_saved_people": rescue[c][r], "ems_casualties_saved_people": red[c][r]}
                ),
            }
            for c in ("base", "more")
            for r in range(3)
        ]
    )
    eq = pd.DataFrame(columns=["case", "target"])
    table = metrics.compare_cases(
        reps,
        {"base": 0.0, "more": 6e6},
        {"initial_relief_12h": target},
        "base",
        "initial_relief_12h",
        eq,
        "x",
    )
    est = {(r["case"], r["measure"]): r for r in table.to_dict("records")}
    assert est[("more", "lives_saved_diff")]["estimate"] == pytest.approx(2.0)  # mean of 3, 2, 1
    assert est[("more", "yuan_per_life_saved")]["estimate"] == pytest.approx(3e6)
