"""Budget changes: each kind changes exactly what it says, bad references are named, costs by hand."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter

from sim.errors import InputError
from sim.experiment import budget
from sim.settings import BudgetChange, CostSettings
from tests.conftest import TINY_EXACT, load_scenario, settings_for, simulate_checked

CHANGE = TypeAdapter(list[BudgetChange])


def changes(*dicts):
    return CHANGE.validate_python(list(dicts))


def test_add_stock_and_trucks_change_only_their_depot():
    scen = load_scenario("tiny")
    out = budget.apply(
        scen,
        changes(
            {"kind": "add_stock", "depot": "D_T1", "items": {"water": 40, "quilt": 5}},
            {"kind": "add_stock", "depot": "D_T1", "items": {"water": 1}},
            {"kind": "add_trucks", "depot": "D_C", "trucks": 3},
        ),
    )
    before = {d.id: d for d in scen.depots}
    after = {d.id: d for d in out.depots}
    assert after["D_T1"].stock == (before["D_T1"].stock[0] + 41, before["D_T1"].stock[1] + 5)
    assert after["D_C"].trucks == before["D_C"].trucks + 3
    assert after["D_T2"] == before["D_T2"]
    assert [d.id for d in out.depots] == [d.id for d in scen.depots]  # order (tie-breaks) kept
    assert scen.depots[1].stock == before["D_T1"].stock  # the loaded scenario is not changed


def test_new_township_point_and_contract_reserve_are_appended_with_their_place():
    scen = load_scenario("tiny")
    out = budget.apply(
        scen,
        changes(
            {"kind": "add_township_point", "id": "D_V3", "place": "V3", "stock": {"water": 50}},
            {
                "kind": "add_contract_reserve",
                "id": "D_SHOP",
                "place": "T1",
                "lead_time_h": 2,
                "trucks": 2,
                "truck_capacity": 80,
                "load_min": 15,
                "stock": {"quilt": 30},
            },
            {"kind": "add_stock", "depot": "D_V3", "items": {"quilt": 7}},  # refers to the new point
        ),
    )
    point, shop = out.depots[-2], out.depots[-1]
    v3 = next(p for p in scen.places if p.id == "V3")
    assert (point.tier, point.township_id, point.node, point.stock) == ("township", "T2", v3.node, (50, 7))
    assert (point.trucks, point.truck_capacity, point.load_min, point.lead_time_min) == (1, 300, 30.0, 0.0)
    assert (shop.tier, shop.lead_time_min, shop.trucks, shop.stock) == ("contract", 120.0, 2, (0, 30))


def test_ambulances_at_a_station_and_at_a_new_station():
    scen = load_scenario("tiny")
    out = budget.apply(
        scen,
        changes(
            {"kind": "add_ambulances", "station": "S_C", "ambulances": 3, "negative_pressure": 1},
            {"kind": "add_ambulances", "station": "S_T2", "place": "T2", "ambulances": 2},
        ),
    )
    assert [(s.id, s.place_id, s.ambulances, s.negative_pressure) for s in out.ems_stations] == [
        ("S_C", "C", 2 + 3, 1 + 1),
        ("S_T2", "T2", 2, 0),
    ]


def test_add_team():
    scen = load_scenario("tiny")
    out = budget.apply(
        scen,
        changes(
            {
                "kind": "add_team",
                "id": "TM_VOL",
                "team_kind": "volunteer",
                "base": "V1",
                "members": 25,
                "skills": ["water", "first_aid"],
                "mobilisation_min": 180,
                "turnout": 0.6,
            }
        ),
    )
    team = out.teams[-1]
    assert (team.id, team.kind, team.base_place_id, team.members, team.skills, team.turnout) == (
        "TM_VOL",
        "volunteer",
        "V1",
        25,
        ("water", "first_aid"),
        0.6,
    )


def test_every_bad_reference_is_named_at_once():
    scen = load_scenario("tiny")
    with pytest.raises(InputError) as err:
        budget.apply(
            scen,
            changes(
                {"kind": "add_stock", "depot": "D_NOPE", "items": {"water": 1}},
                {"kind": "add_stock", "depot": "D_T1", "items": {"soup": 1}},
                {"kind": "add_township_point", "id": "D_T2", "place": "V9"},
                {"kind": "add_ambulances", "station": "S_X", "ambulances": 1},
                {
                    "kind": "add_team",
                    "id": "TM_T1",
                    "team_kind": "wizard",
                    "base": "T1",
                    "members": 1,
                    "skills": ["x"],
                    "mobilisation_min": 0,
                },
            ),
        )
    text = err.value.message()
    assert "(7 problems)" in text  # the point and the team each break two rules
    for fragment in (
        "budget.changes[0].depot: value 'D_NOPE' — no depot 'D_NOPE'",
        "budget.changes[1].items.soup: value 'soup' — unknown item; items: water, quilt",
        "budget.changes[2].id: value 'D_T2' — a depot with this id already exists",
        "budget.changes[2].place: value 'V9' — no place 'V9'",
        "budget.changes[3].station: value 'S_X' — no station 'S_X'",
        "budget.changes[4].id: value 'TM_T1' — a team with this id already exists",
        "budget.changes[4].team_kind: value 'wizard' — must be one of",
    ):
        assert fragment in text, fragment


def test_change_shapes_are_validated_by_settings_with_the_key():
    with pytest.raises(InputError) as err:
        settings_for("scenario=tiny", "budget.changes=[{kind:add_trucks,depot:D_C,trucks:0}]")
    assert "budget.changes.0.add_trucks.trucks" in err.value.message()
    with pytest.raises(InputError) as err:
        settings_for("scenario=tiny", "budget.changes=[{kind:buy_helicopter}]")
    assert "budget.changes.0" in err.value.message() and "buy_helicopter" in err.value.message()
    with pytest.raises(InputError) as err:
        settings_for(
            "scenario=tiny", "budget.changes=[{kind:add_trucks,depot:D_C,trucks:1,_target_:os.system}]"
        )
    assert "_target_" in err.value.message() and "unknown key" in err.value.message()
    with pytest.raises(InputError) as err:
        settings_for(
            "scenario=tiny",
            "budget.changes=[{kind:add_ambulances,station:S_C,ambulances:1,negative_pressure:2}]",
        )
    assert "negative_pressure (2) must be <= ambulances" in err.value.message()


def test_costs_by_hand():
    costs = settings_for("scenario=tiny").costs
    uc = costs.unit_costs
    cs = changes(
        {"kind": "add_trucks", "depot": "D_C", "trucks": 2},
        {"kind": "add_stock", "depot": "D_T1", "items": {"water": 100, "quilt": 10}},
        {"kind": "add_township_point", "id": "D_V3", "place": "V3", "trucks": 1, "stock": {"water": 10}},
        {"kind": "add_ambulances", "station": "S_N", "place": "T2", "ambulances": 3, "negative_pressure": 1},
        {
            "kind": "add_team",
            "id": "TM",
            "team_kind": "volunteer",
            "base": "V1",
            "members": 20,
            "skills": ["water"],
            "mobilisation_min": 60,
        },
        {
            "kind": "add_contract_reserve",
            "id": "D_S",
            "place": "T1",
            "lead_time_h": 4,
            "trucks": 1,
            "truck_capacity": 100,
            "load_min": 20,
            "stock": {"water": 1000},
        },
    )
    c = budget.cost(cs, costs)
    water, quilt = costs.item_yuan("water"), costs.item_yuan("quilt")
    stock_value = 100 * water + 10 * quilt + 10 * water
    purchase = (
        3 * uc["truck"].purchase_yuan  # two added, one with the point
        + stock_value
        + uc["township_point"].purchase_yuan
        + 2 * uc["ambulance"].purchase_yuan
        + uc["negative_pressure_ambulance"].purchase_yuan
        + uc["ambulance_station"].purchase_yuan
        + 20 * uc["team_member"].purchase_yuan
        + uc["contract_reserve"].purchase_yuan  # the firm's goods are not bought
    )
    upkeep = (
        3 * uc["truck"].upkeep_yuan_per_year
        + stock_value * costs.stock_upkeep_share_per_year
        + uc["township_point"].upkeep_yuan_per_year
        + 2 * uc["ambulance"].upkeep_yuan_per_year
        + uc["negative_pressure_ambulance"].upkeep_yuan_per_year
        + uc["ambulance_station"].upkeep_yuan_per_year
        + 20 * uc["team_member"].upkeep_yuan_per_year
        + uc["contract_reserve"].upkeep_yuan_per_year
        + 1000 * water * costs.contract_fee_share_per_year
    )
    assert c.purchase_yuan == pytest.approx(purchase, rel=1e-12)
    assert c.upkeep_yuan_per_year == pytest.approx(upkeep, rel=1e-12)
    assert c.total_yuan == pytest.approx(purchase + costs.plan_years * upkeep, rel=1e-12)
    assert budget.cost([], costs).total_yuan == 0.0


def test_a_missing_unit_cost_is_named_once():
    costs = CostSettings(name="bare", truck_yuan_per_h=1.0)
    cs = changes(
        {"kind": "add_trucks", "depot": "D_C", "trucks": 1},
        {"kind": "add_trucks", "depot": "D_T1", "trucks": 1},
    )
    with pytest.raises(InputError) as err:
        budget.cost(cs, costs)
    assert err.value.message().count("costs.unit_costs.truck") == 1


def test_a_new_point_serves_its_township_and_every_invariant_holds():
    """A point at V3 with water: V3's water now comes from it (own township first, nearest)."""
    settings = settings_for(*TINY_EXACT)
    scen = budget.apply(
        load_scenario("tiny"),
        changes({"kind": "add_township_point", "id": "D_V3", "place": "V3", "stock": {"water": 500}}),
    )
    log = simulate_checked(scen, settings)
    from_point = [e for e in log.rows if e.kind == "relief_allocated" and e.depot == "D_V3"]
    assert {e.place for e in from_point} >= {"V3"}
    assert all(e.item == "water" for e in from_point)


def test_drsim_run_applies_a_budget_file():
    from sim.config import resolve_data_dir
    from sim.experiment import runner

    settings = settings_for("budget=zhangshu_city_trucks")
    scen = runner.scenario_for(resolve_data_dir(settings.scenario.dir), settings)
    city = next(d for d in scen.depots if d.id == "D_CITY")
    assert city.trucks == load_scenario("zhangshu").depots[0].trucks + 4
