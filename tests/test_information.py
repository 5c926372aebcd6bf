"""Late and revised information: the command centre acts on reports, not on the truth."""

from __future__ import annotations

from sim.events import EventKind
from sim.results import tables
from tests.conftest import TINY_EXACT, load_scenario, settings_for, simulate_checked


def test_follow_up_reports_revise_the_need_and_dispatch_follows_them():
    # First report at 30 min counting 60 % of the people, then +2 h and +4 h (80 %, 100 %).
    s = settings_for(
        *TINY_EXACT,
        "reporting.first_delay_min=30",
        "reporting.first_share=0.6",
        "reporting.followups=2",
        "reporting.followup_every_min=120",
    )
    scen = load_scenario("tiny")
    log = simulate_checked(scen, s)
    v1 = [(e.t_min, e.item, e.qty) for e in log.rows if e.kind is EventKind.NEED_REPORTED and e.place == "V1"]
    # V1 has 100 displaced: 60, then 80 (+20), then 100 (+20), one water and one quilt each
    assert v1 == [
        (30, "water", 60),
        (30, "quilt", 60),
        (150, "water", 20),
        (150, "quilt", 20),
        (270, "water", 20),
        (270, "quilt", 20),
    ]
    allocated_at = sorted(
        {e.t_min for e in log.rows if e.kind is EventKind.RELIEF_ALLOCATED and e.place == "V1"}
    )
    assert allocated_at == [30, 150, 270]  # nothing is sent before it is known
    reports = [
        (e.t_min, e.qty) for e in log.rows if e.kind is EventKind.SITUATION_REPORTED and e.place == "V1"
    ]
    assert reports == [(30, 60), (150, 80), (270, 100)]
    cols = tables.village_results(log.rows, scen)
    k = cols["place_id"].index("V1")
    assert cols["need_units"][k] == 200 and cols["need_reported_units"][k] == 200
    assert cols["reported_at_h"][k] == 0.5 and cols["final_report_at_h"][k] == 4.5
    assert cols["reports"][k] == 3


def test_village_without_power_reports_later():
    """A power cut adds `cut_off_extra_min` to the first report (tests/configs: no power cuts
    by default; here every medium-severity village loses power)."""
    s = settings_for(
        *TINY_EXACT,
        "hazard.events.flood.rates.medium.power_cut=1.0",
        "reporting.first_delay_min=30",
        "reporting.cut_off_extra_min=180",
    )
    log = simulate_checked(load_scenario("tiny"), s)
    first = {e.place: e.t_min for e in log.rows if e.kind is EventKind.SITUATION_REPORTED}
    assert first == {"V1": 210, "V2": 210, "V3": 210, "V4": 210}
    assert sum(1 for e in log.rows if e.kind is EventKind.POWER_CUT) == 4


def test_casualty_calls_from_a_village_without_phone_get_through_later():
    """Casualty calls (red, share 1 calling) from villages that lost power and phone reach the
    120 centre `cut_off_extra_min` after the injury's own call time; with phones up, at it."""
    calls = {}
    for power_cut in (0.0, 1.0):
        s = settings_for(
            *TINY_EXACT,
            "hazard.events.flood.rates.medium.casualties.immediate=0.02",
            f"hazard.events.flood.rates.medium.power_cut={power_cut}",
            "reporting.cut_off_extra_min=180",
        )
        log = simulate_checked(load_scenario("tiny"), s)
        hurt = sorted(
            e.t_min for e in log.rows if e.kind is EventKind.CASUALTIES_OCCURRED for _ in range(e.qty)
        )
        called = sorted(
            e.t_min for e in log.rows if e.kind is EventKind.CALL_RECEIVED and e.note == "casualty"
        )
        calls[power_cut] = (hurt, called)
    hurt, called = calls[0.0]
    assert len(hurt) >= 3 and called == hurt
    hurt_cut, called_cut = calls[1.0]
    assert hurt_cut == hurt  # the hazard is the same; only the calls move
    assert called_cut == [t + 180 for t in hurt]
