"""Roads under water stay closed until the water goes down (issue 19, part 3), on `tiny`.

The bridge V3-V4 (n5-n6) is the only road to V4. Cut by debris at minute 0 with 180 min of
work, the road-repair team (leaves C at 30, drives C-J-T2-V3 = 60 min) starts at 90 and
reopens it at 270 (tests/test_roads_by_hand.py). Under water until minute 600 instead:
  - no washout: no team may work it; it reopens by itself at 600;
  - washed out: the team, idle until 600, is assigned at 600, arrives at 660, works 180 min:
    reopened at 840;
  - debris at 0, then water over it at 100 until 600: the team's work (90 to 270) does not
    reopen it; the water going down does, at 600.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from sim import scenario
from sim.checks import invariants
from sim.events import EventKind, EventLog
from sim.model import hazards, world
from sim.model.demand import RoadHit
from sim.rng import Streams
from tests.conftest import TINY_EXACT, settings_for
from tests.test_roads_by_hand import edge

WATCHED = (
    EventKind.PLACE_ISOLATED,
    EventKind.PLACE_RECONNECTED,
    EventKind.REPAIR_STARTED,
    EventKind.ROAD_REPAIRED,
    EventKind.ROAD_CLEARED,
    EventKind.REPAIR_TEAM_ASSIGNED,
)


def run_with_road_hits(monkeypatch, scen, hits_of):
    """Run rep 0 of the exact `tenth` hazard with the road hits `hits_of(bridge edge)` added to
    the drawn disaster, so they go through the model's own timeline and repair crews."""
    bridge = edge(scen, "n5", "n6")
    draw = hazards.draw_disaster

    def with_hits(*args, **kwargs):
        return dataclasses.replace(draw(*args, **kwargs), roads=tuple(hits_of(bridge)))

    monkeypatch.setattr(hazards, "draw_disaster", with_hits)
    settings = settings_for(*TINY_EXACT)
    log = EventLog()
    w = world.build(scen, settings, Streams(settings.run.seed, 0), log)
    w.run()
    problems = invariants.check_all(log.rows, scen, settings.shelters.m2_per_person)
    assert not problems, problems
    return [(e.t_min, e.kind, e.place) for e in log.rows if e.kind in WATCHED]


@pytest.fixture
def with_road_team(tiny_copy: Path):
    with (tiny_copy / "teams.csv").open("a", encoding="utf-8") as f:
        f.write("TM_ROAD,road_repair,C,20,road,30,1.0,0,0\n")  # no boats, no machines
    return scenario.load(tiny_copy)


CASES = {
    # under water until 600, no washout: no team may work it; it reopens by itself at 600
    "flooded": (
        lambda e: [RoadHit(e, "flood", 0.0, True, 1.0, 0.0, None, recedes_at_min=600.0)],
        [
            (0, EventKind.PLACE_ISOLATED, "V4"),
            (600, EventKind.ROAD_CLEARED, None),
            (600, EventKind.PLACE_RECONNECTED, "V4"),
        ],
    ),
    # washed out: the team is assigned at 600, arrives at 660, works 180 min
    "washed_out": (
        lambda e: [RoadHit(e, "flood", 0.0, True, 1.0, 180.0, None, recedes_at_min=600.0)],
        [
            (0, EventKind.PLACE_ISOLATED, "V4"),
            (600, EventKind.REPAIR_TEAM_ASSIGNED, None),
            (660, EventKind.REPAIR_STARTED, None),
            (840, EventKind.ROAD_REPAIRED, None),
            (840, EventKind.PLACE_RECONNECTED, "V4"),
        ],
    ),
    # debris at 0 (work 90-270), water over it from 100 to 600: it reopens with the water
    "debris_then_water": (
        lambda e: [
            RoadHit(e, "landslide", 0.0, True, 1.0, 180.0, None),
            RoadHit(e, "flood", 100.0, True, 1.0, 0.0, None, recedes_at_min=600.0),
        ],
        [
            (0, EventKind.PLACE_ISOLATED, "V4"),
            (30, EventKind.REPAIR_TEAM_ASSIGNED, None),
            (90, EventKind.REPAIR_STARTED, None),
            (600, EventKind.ROAD_CLEARED, None),
            (600, EventKind.PLACE_RECONNECTED, "V4"),
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_team_cannot_reopen_a_flooded_edge_before_the_water_goes_down(monkeypatch, with_road_team, case):
    hits_of, expected = CASES[case]
    assert run_with_road_hits(monkeypatch, with_road_team, hits_of) == expected


def test_shipped_flood_cuts_roads_under_water_that_reopen_on_recession():
    """The shipped flood's cuts: most are under water and reopen recession_h after the cut."""
    from tests.conftest import load_scenario

    scen = load_scenario("zhangshu")
    s = settings_for("scenario=zhangshu", "hazard=flood")
    dmg = s.hazard.events["flood"].road_damage
    assert dmg.under_water > 0 and dmg.recession_h is not None
    hits = [
        h
        for rep in range(3)
        for h in hazards.draw_disaster(scen, s.hazard, Streams(7, rep)).roads
        if h.blocked
    ]
    water = [h for h in hits if h.recedes_at_min is not None]
    assert water and len(water) < len(hits)
    assert all(h.recedes_at_min == pytest.approx(h.at_min + dmg.recession_h * 60) for h in water)
