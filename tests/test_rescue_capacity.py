"""Rescue limited by crews and equipment, and survival while trapped (issue 20 parts 1-2).

Hand computation on `tiny` (tests/test_rescue.py has the crews: TM_T1#1 a boat crew, TM_T1#2 a
collapse crew with the team's one machine). Drives (tests/test_tiny_by_hand.py): T1 -> V1 10 min;
V1 -> V3 = V1 -> T1 -> J -> T2 -> V3 = 10 + 12 + 18 + 12 = 52 min (the village track n3-n8-n5
is 30 km at 3 min/km = 90). A boat round: up to 8 people in 45 min.

One boat, two sites: 10 people trapped in V1 and 5 in V3 at onset. The boat crew leaves at 60;
the policy serves the task with most people waiting first:
  60  V1 (10 waiting): take 8, drive 10, arrive 70, round to 115: 8 out; V1 has 2, V3 5 waiting
  115 V3 (5): take 5, drive 52, arrive 167, round to 212: 5 out
  212 V1 (2): take 2, drive 52, arrive 264, round to 309: 2 out
Survival at each rescue is the water curve (0, 1) - (12 h, 0.99) at the hours trapped:
  S(115 min) = 1 - 0.01 x 115 / 720, and so on.
"""

from __future__ import annotations

import dataclasses
import math
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.checks import invariants
from sim.errors import InputError
from sim.events import Event, EventKind
from sim.experiment import budget
from sim.model.demand import Trapped
from sim.model.teams import SurvivalCurve, split_crews
from sim.results import rescue_metrics
from sim.settings import AddEquipment
from tests.conftest import load_scenario, settings_for
from tests.test_rescue import _run as run_rescue

K = EventKind


def _run(scen, trapped: list[Trapped], *overrides: str):
    """tests/test_rescue.py's run of the rescue system alone (invariants checked), to 3,000 min."""
    return run_rescue(scen, trapped, *overrides, until=3000.0)


def _out(log, kinds=(K.PEOPLE_RESCUED, K.BODIES_RECOVERED)):
    return [(e.t_min, e.place, e.qty) for e in log.rows if e.kind in kinds]


def _merged(rows):
    """(minute, place, people brought out alive or dead) per rescue round."""
    out: dict[tuple[float, str], int] = {}
    for t, place, q in rows:
        out[(t, place)] = out.get((t, place), 0) + q
    return sorted((t, p, q) for (t, p), q in out.items())


def test_one_boat_two_sites_takes_the_hand_computed_time():
    scen = load_scenario("tiny")
    idx = scen.place_index()
    log, s = _run(scen, [Trapped(0.0, idx["V1"], "water", 10), Trapped(0.0, idx["V3"], "water", 5)])
    assert _merged(_out(log)) == [(115.0, "V1", 8), (212.0, "V3", 5), (309.0, "V1", 2)]
    assigned = [(e.t_min, e.subject, e.place, e.qty, e.value) for e in log.rows if e.kind is K.TEAM_ASSIGNED]
    assert assigned == [
        (60.0, "TM_T1#1", "V1", 8, 10.0),
        (115.0, "TM_T1#1", "V3", 5, 52.0),
        (212.0, "TM_T1#1", "V1", 2, 52.0),
    ]
    # only the boat crew works water: the collapse crew (and members beyond the crews) add nothing
    assert {e.subject for e in log.rows if e.kind is K.TEAM_ASSIGNED} == {"TM_T1#1"}
    # a rescued person's survival probability at the rescue is the configured curve there
    water = s.rescue.survival["water"]
    assert water[:2] == [[0, 1.0], [12, 0.99]]
    for e in log.rows:
        if e.kind in (K.PEOPLE_RESCUED, K.BODIES_RECOVERED):
            assert e.value == pytest.approx(1 - 0.01 * e.t_min / 720, abs=1e-12)


def test_survival_at_the_rescue_time_equals_the_collapse_curve():
    """Collapse at V1, 1 person: the machine joins the team 2 h after it leaves (60 + 120 = 180),
    10 min drive, one 120-min round: out at 310 min = 5 1/6 h. The Tangshan curve between
    (0.5 h, 0.993) and (12 h, 0.81): S = 0.993 + (0.81 - 0.993) x (5 1/6 - 0.5) / 11.5."""
    scen = load_scenario("tiny")
    log, s = _run(scen, [Trapped(0.0, scen.place_index()["V1"], "collapse", 1)])
    ready = [(e.t_min, e.item) for e in log.rows if e.kind is K.EQUIPMENT_READY]
    assert ready == [(60.0, "boats"), (180.0, "machines")]
    (row,) = [e for e in log.rows if e.kind in (K.PEOPLE_RESCUED, K.BODIES_RECOVERED)]
    assert row.t_min == 310.0 and row.subject == "TM_T1#2"
    by_hand = 0.993 + (0.81 - 0.993) * (310 / 60 - 0.5) / 11.5
    assert row.value == pytest.approx(by_hand, abs=1e-12)
    assert row.value == pytest.approx(SurvivalCurve(s.rescue.survival["collapse"])(310.0), abs=1e-15)


def test_drawn_deaths_follow_the_curve():
    """For u on an even grid of N points in (0, 1), the share whose death comes after t is S(t)
    to within 1/N at every t: the inverse draw reproduces the configured curve."""
    points = settings_for("scenario=tiny").rescue.survival["collapse"]
    curve = SurvivalCurve(points)
    n = 20_000
    deaths = np.array([curve.death_after_min((k + 0.5) / n) for k in range(n)])
    for t in (0.0, 20.0, 30.0, 300.0, 720.0, 2000.0, 3600.0, 6480.0, 10_000.0):
        assert abs(float(np.mean(deaths > t)) - curve(t)) <= 1.0 / n + 1e-12


@st.composite
def curves(draw):
    n = draw(st.integers(1, 8))
    gaps = draw(st.lists(st.floats(0.01, 100.0), min_size=n - 1, max_size=n - 1))
    drops = draw(st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n))
    hours, p, points = 0.0, 1.0, []
    for k in range(n):
        p *= drops[k] if k else draw(st.floats(0.0, 1.0))
        points.append([hours, p])
        hours += gaps[k] if k < n - 1 else 0.0
    return points


@settings(max_examples=200, deadline=None)
@given(curves(), st.lists(st.floats(0.0, 5000.0), min_size=2, max_size=20), st.floats(0.0, 0.999999))
def test_survival_never_rises_and_deaths_invert_it(points, times, u):
    curve = SurvivalCurve(points)
    values = [curve(t) for t in sorted(times)]
    assert all(b <= a + 1e-12 for a, b in pairwise(values))
    assert all(0.0 <= v <= 1.0 for v in values)
    t = curve.death_after_min(u)
    if math.isinf(t):
        assert curve(1e9) > u
    else:
        assert curve(t) <= u + 1e-9  # dead at T ...
        if t > 1e-6:
            assert curve(t * (1 - 1e-9) - 1e-9) > u - 1e-9  # ... alive just before


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 500),
    st.integers(0, 60),
    st.integers(0, 60),
    st.sets(st.sampled_from(["water", "collapse", "mountain"])),
)
def test_crews_are_limited_by_members_and_equipment(members, boats, machines, types):
    rules = settings_for("scenario=tiny").rescue
    crews = split_crews(members, frozenset(types), {"boats": boats, "machines": machines}, rules)
    count = {t: sum(c[0] == t for c in crews) for t in ("water", "collapse", "mountain")}
    assert count["water"] <= boats and count["collapse"] <= machines
    assert sum(rules.crew_members[t] * count[t] for t in count) <= members
    assert all(count[t] == 0 for t in count if t not in types)
    # more members never take crews away; beyond a crew per piece of equipment they add none
    more = split_crews(members + 100, frozenset(types), {"boats": boats, "machines": machines}, rules)
    assert sum(c[0] == "water" for c in more) >= count["water"]
    if "water" in types and members >= boats * rules.crew_members["water"]:
        assert count["water"] == boats
        assert sum(c[0] == "water" for c in more) == boats


def test_a_team_without_boats_cannot_take_water_rescue():
    scen = load_scenario("tiny")
    scen = dataclasses.replace(scen, teams=(dataclasses.replace(scen.teams[0], boats=0),))
    log, _ = _run(scen, [Trapped(0.0, scen.place_index()["V1"], "water", 3)])
    unmet = [(e.place, e.qty, e.note) for e in log.rows if e.kind is K.RESCUE_UNMET]
    assert unmet == [("V1", 3, "no_team_with_equipment")]
    assert not [e for e in log.rows if e.kind is K.TEAM_ASSIGNED]


def test_people_die_while_waiting_and_their_bodies_are_recovered():
    """A curve that falls to 0 within the first hour: everyone trapped at V1 (collapse) dies before
    the machine arrives (180 min), so nobody is rescued, every death is logged before its body is
    recovered, and the KPIs count them as lost while waiting."""
    scen = load_scenario("tiny")
    log, s = _run(
        scen,
        [Trapped(0.0, scen.place_index()["V1"], "collapse", 3)],
        "rescue.survival.collapse=[[0,1.0],[1,0.0]]",
    )
    died = [e for e in log.rows if e.kind is K.TRAPPED_DIED]
    assert sum(e.qty for e in died) == 3 and all(e.t_min <= 60.0 for e in died)
    assert not [e for e in log.rows if e.kind is K.PEOPLE_RESCUED]
    assert sum(e.qty for e in log.rows if e.kind is K.BODIES_RECOVERED) == 3
    kpis = rescue_metrics.rep_kpis(log.rows, s.targets, 3000.0)
    assert kpis["lives_lost_waiting_people"] == 3 and kpis["lives_saved_people"] == 0
    assert kpis["brought_out_people"] == 3 and kpis["trapped_alive_at_horizon_people"] == 0
    assert kpis["rescue_12h_share"] == 1.0  # the share counts people reached, alive or dead


def test_survival_never_changes_the_rescue_work():
    """Common random numbers: the survival draws are an overlay. Another curve changes who lives,
    never which crew goes where and when, nor the rescue shares."""
    scen = load_scenario("tiny")
    idx = scen.place_index()
    trapped = [Trapped(0.0, idx["V1"], "collapse", 4), Trapped(30.0, idx["V3"], "water", 9)]
    work = (K.TEAM_ASSIGNED, K.RESCUE_STARTED, K.TEAM_RELEASED)
    logs = [_run(scen, trapped, f"rescue.survival.collapse=[[0,1.0],[{h},0.0]]")[0] for h in (3, 300)]
    a, b = ([e for e in log.rows if e.kind in work] for log in logs)
    assert a == b
    assert _merged(_out(logs[0])) == _merged(_out(logs[1]))
    saved = [sum(e.qty for e in log.rows if e.kind is K.PEOPLE_RESCUED) for log in logs]
    assert saved[0] < saved[1]


def test_invariants_catch_a_dead_person_rescued_and_a_body_before_its_death():
    rows = [
        Event(0.0, K.RESCUE_REQUESTED, place="V1", ref=0, qty=2, note="collapse", value=0.0),
        Event(10.0, K.TRAPPED_DIED, place="V1", ref=0, qty=1, note="collapse", value=10.0),
        Event(20.0, K.PEOPLE_RESCUED, subject="X#1", place="V1", ref=0, qty=2, note="collapse", value=0.9),
        Event(30.0, K.BODIES_RECOVERED, subject="X#1", place="V1", ref=0, qty=2, note="collapse", value=0.9),
    ]
    problems = invariants.rescued_once(rows)
    assert any("1 died > 2 trapped" in p or "2 rescued + 1 died" in p for p in problems)
    assert any("recovered 2 bodies > 1 deaths" in p for p in problems)
    assert not invariants.rescued_once(rows[:2])


def test_budget_adds_equipment_and_prices_it():
    scen = load_scenario("tiny")
    change = AddEquipment(kind="add_equipment", team="TM_T1", boats=2, machines=1)
    after = budget.apply(scen, [change])
    assert (after.teams[0].boats, after.teams[0].machines) == (3, 2)
    costs = settings_for("scenario=tiny").costs
    cost = budget.cost([change], costs)
    boat, machine = costs.unit_costs["rescue_boat"], costs.unit_costs["rescue_machine"]
    assert cost.purchase_yuan == 2 * boat.purchase_yuan + machine.purchase_yuan
    assert cost.upkeep_yuan_per_year == 2 * boat.upkeep_yuan_per_year + machine.upkeep_yuan_per_year
    with pytest.raises(InputError) as err:
        budget.apply(scen, [AddEquipment(kind="add_equipment", team="TM_NONE", boats=1)])
    assert "budget.changes[0].team" in str(err.value) and "TM_NONE" in str(err.value)


def test_more_boats_bring_people_out_sooner_on_the_same_floods():
    """tiny under a major flood, 4 replications: two more boats for TM_T1 (a budget change) leave
    the floods as they were (common random numbers) and bring the trapped out no later on
    average, saving at least as many lives."""
    from sim.model import world

    scen = load_scenario("tiny")
    s = settings_for("scenario=tiny", "hazard=flood_major")
    more = budget.apply(scen, [AddEquipment(kind="add_equipment", team="TM_T1", boats=2)])
    trapped = 0
    for rep in range(4):
        a, b = (world.simulate(x, s, rep).rows for x in (scen, more))
        assert [e for e in a if e.kind is K.PEOPLE_TRAPPED] == [e for e in b if e.kind is K.PEOPLE_TRAPPED]
        assert not invariants.check_all(b, more)
        ka, kb = (rescue_metrics.rep_kpis(x, s.targets, s.run.horizon_min) for x in (a, b))
        trapped += ka["trapped_people"]
        out = (K.PEOPLE_RESCUED, K.BODIES_RECOVERED)
        times = [sorted(e.t_min for e in x if e.kind in out for _ in range(e.qty)) for x in (a, b)]
        assert len(times[1]) >= len(times[0])
        if times[0]:
            assert np.mean(times[1][: len(times[0])]) <= np.mean(times[0]) + 1e-9
        assert kb["lives_saved_people"] >= ka["lives_saved_people"]
    assert trapped > 0


def test_yuan_per_life_saved_from_the_paired_difference():
    """Lives saved 10, 12, 14 in the baseline and 12, 15, 17 in a case costing 1.2 M yuan more:
    differences 2, 3, 3 (mean 8/3, paired t interval 8/3 +- 4.303 x 0.5774 / sqrt 3), so yuan per
    life saved is 1.2e6 / (8/3) = 450,000, its interval the extra cost over the difference's
    bounds (infinite above when the difference's interval reaches 0)."""
    import pandas as pd
    from scipy import stats

    from sim.results.metrics import lives_rows

    base, case = pd.Series([10.0, 12.0, 14.0]), pd.Series([12.0, 15.0, 17.0])
    rows = {r[0]: r for r in lives_rows(case, base, 1.2e6)}
    half = stats.t.ppf(0.975, 2) * pd.Series([2.0, 3.0, 3.0]).std(ddof=1) / 3**0.5
    assert rows["lives_saved_diff"][2:6] == pytest.approx((8 / 3, 8 / 3 - half, 8 / 3 + half, 3))
    per = rows["yuan_per_life_saved"]
    assert per[2] == pytest.approx(450_000.0)
    assert per[3] == pytest.approx(1.2e6 / (8 / 3 + half))
    assert per[4] == pytest.approx(1.2e6 / (8 / 3 - half))
    wide = {r[0]: r for r in lives_rows(pd.Series([9.0, 15.0, 15.0]), base, 1.2e6)}  # -1, 3, 1
    assert wide["lives_saved_diff"][3] < 0 < wide["lives_saved_diff"][4]
    assert math.isinf(wide["yuan_per_life_saved"][4])  # the difference may be 0: no upper bound
    none = {r[0]: r for r in lives_rows(base, base, 1.2e6)}
    assert math.isnan(none["yuan_per_life_saved"][2])  # saves nobody more: no price per life


def test_townships_count_lives_per_replication_with_intervals():
    import pandas as pd

    from sim.results.place_answers import township_answers

    villages = pd.DataFrame(
        {
            "case": "base",
            "rep": [0, 0, 1, 1],
            "place_id": ["V1", "V2", "V1", "V2"],
            "township_id": ["T1", "T1", "T1", "T1"],
            "displaced": 0,
            "in_need": 0,
            "lives_saved": [3, 1, 6, 2],
            "lives_lost_waiting": [1, 0, 0, 0],
        }
    )
    (row,) = township_answers(villages, {}, {"T1": "Township 1"}).to_dict("records")
    assert row["lives_saved_mean"] == 6.0  # (3 + 1 + 6 + 2) / 2 replications
    assert row["lives_lost_waiting_mean"] == 0.5
    assert row["lives_lost_waiting_low"] == 0.0  # a count's interval is clipped at 0
    assert row["lives_saved_low"] < 6.0 < row["lives_saved_high"]
