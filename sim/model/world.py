"""The world of one replication: builds the systems and runs them to the horizon.

The run lifecycle in one place (after desmod): draw the disaster from its own
random streams; build the live roads, shelters, relief and road-repair crews;
then let the disaster unfold (roads cut and slowed, villages struck, people
displaced into shelters, situation reports sent with their delays: sim/model/information.py)
and the response act on what it learns, until the horizon.

Same-instant tie-breaks: road damage before village hits (a village struck at
the moment its road is cut is already cut off); reports of one minute are
handled together after everything else of that minute, villages in file order.

The medical emergency system (sim/model/ems.py) runs beside relief on the same
live roads: routine calls plus the disaster's casualties, which reach the 120
centre at their drawn times.

Rescue teams (sim/model/teams.py) take the trapped people as they are trapped;
helicopters (sim/model/air.py) take rescues cut off by road from every capable
team, red and yellow casualties no ambulance can reach, and relief need deferred for
want of a road (lifted from the depot at their base).

Wiring (`build`): every part is given what it calls when built, in one order (roads, relief,
shelters, repair crews, EMS, rescue, air); the air's two-way link with relief, EMS and
rescue is the one second phase (`connect_air`, typed ports in sim/model/ports.py). The
log of road damage becoming known subscribes to `RoadState.learners`.
"""

from __future__ import annotations

import gc
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import simpy
from simpy.events import ProcessGenerator

from sim.errors import Problem
from sim.events import (
    CasualtiesOccurred,
    EventLog,
    HazardStruck,
    NeedArisen,
    PeopleCounted,
    PeopleDisplaced,
    PeopleStranded,
    PeopleTrapped,
    PowerCut,
    RoadCleared,
    RoadDamaged,
    RoadDamageKnown,
)
from sim.events import (
    VillageHit as VillageHitRecord,
)
from sim.model import air, ems, hazards
from sim.model.demand import Casualty, Disaster, RoadHit, Trapped, VillageHit, need_units
from sim.model.information import (
    DAY_MIN,
    ROADS_STREAM,
    TRAPPED_STREAM,
    casualty_calls,
    first_delay,
    report,
    road_delay,
    road_reported,
    trapped_known,
)
from sim.model.policies.relief import RELIEF_POLICIES
from sim.model.policies.repair import REPAIR_POLICIES
from sim.model.policies.rescue import RESCUE_POLICIES
from sim.model.policies.routes import ROUTE_POLICIES
from sim.model.relief import ReliefSystem
from sim.model.repair import RepairCrews
from sim.model.roads import RoadState
from sim.model.shelters import ShelterSystem, Site
from sim.model.teams import RescueSystem
from sim.rng import Streams
from sim.scenario import Place, Scenario
from sim.settings import Settings

REPORT_STREAM = "reporting.delay"


@dataclass
class World:
    env: simpy.Environment
    log: EventLog
    roads: RoadState
    relief: ReliefSystem
    crews: RepairCrews
    disaster: Disaster
    horizon_min: float
    ems: ems.EmsSystem | None = None
    rescue: RescueSystem | None = None
    air: air.AirSystem | None = None

    def run(self) -> EventLog:
        # The event log grows to hundreds of thousands of rows, which Python's cyclic garbage
        # collector would scan again and again (a third of the EMS check mode's run time).
        # SimPy drops its event-callback cycles as events are processed, so nothing needs
        # cycle collection during a run: pause the collector and restore it afterwards.
        paused = gc.isenabled()
        gc.disable()
        try:
            self.env.run(until=self.horizon_min)
        finally:
            if paused:
                gc.enable()
        return self.log


def check(scenario: Scenario, settings: Settings) -> list[Problem]:
    """Everything about this settings-scenario pair that would stop a run, found before it starts."""
    problems = hazards.check(scenario, settings.hazard) + ems.check(scenario, settings.ems)
    named: list[tuple[str, str, Mapping[str, object]]] = [
        ("policy.relief", settings.policy.relief, RELIEF_POLICIES),
        ("policy.repair", settings.policy.repair, REPAIR_POLICIES),
        ("trucks.routing", settings.trucks.routing, ROUTE_POLICIES),
    ]
    for key, name, registry in named:
        if name not in registry:
            problems.append(
                Problem(f"config key {key}", name, f"unknown policy; choose one of {', '.join(registry)}")
            )
    problems += air.check(scenario, settings.air)
    if not scenario.depots:  # relief has nowhere to come from: every village would fail for no stated cause
        problems.append(
            Problem(
                f"{scenario.dir}/depots.csv",
                "no rows",
                "a run needs at least one depot (the city reserve; one with 0 trucks and no stock "
                "when relief is not studied, as in scenarios/mmc)",
            )
        )
    if settings.rescue.policy not in RESCUE_POLICIES:
        problems.append(
            Problem(
                "config key rescue.policy",
                settings.rescue.policy,
                f"unknown policy; choose one of {', '.join(RESCUE_POLICIES)}",
            )
        )
    classes = {it.cls for it in scenario.items}
    for name, target in settings.targets.items():
        if target.measure != "relief_complete":
            continue
        if target.item_class != "all" and target.item_class not in classes:
            problems.append(
                Problem(
                    f"config key targets.{name}.item_class",
                    target.item_class,
                    f"scenario {scenario.name} has no items of this class",
                )
            )
    return problems


def build(scenario: Scenario, settings: Settings, streams: Streams, log: EventLog) -> World:
    env = simpy.Environment()
    disaster = hazards.draw_disaster(scenario, settings.hazard, streams)
    roads = RoadState(env, scenario, knows_at_once=settings.reporting.roads == "at_once")
    roads.learners.append(lambda e, how: log.add(RoadDamageKnown(env.now, ref=e, note=how)))
    relief = ReliefSystem(
        env,
        scenario,
        roads,
        RELIEF_POLICIES[settings.policy.relief],
        settings.costs,
        log,
        initial_first=settings.policy.load_order == "initial_first",
        trucks=settings.trucks,
        route_policy=ROUTE_POLICIES[settings.trucks.routing],
    )
    shelters = ShelterSystem(scenario, settings.shelters, roads.ground, log)  # evacuees see the roads
    crews = RepairCrews(
        env, scenario, roads, relief, REPAIR_POLICIES[settings.policy.repair], log, settings.hazard.onset_min
    )
    calls = casualty_calls(disaster, settings.reporting)  # as the 120 centre hears of them
    medical = ems.build(env, scenario, settings.ems, roads, calls, settings.run.horizon_min, streams, log)
    rescue = RescueSystem(
        env,
        scenario,
        settings.rescue,
        roads,
        RESCUE_POLICIES[settings.rescue.policy],
        settings.costs.rescue_member_yuan_per_h,
        streams,
        log,
        settings.hazard.onset_min,
    )
    aircraft = air.AirSystem(
        env,
        scenario,
        settings.air,
        settings.hazard.onset_min,
        settings.ems.onset_clock_h,
        log,
        relief,
        medical,
    )
    if aircraft.enabled:  # the second phase of the air's two-way link (sim/model/ports.py)
        rescue.connect_air(aircraft)
        relief.connect_air(aircraft)
        medical.connect_air(aircraft)
    env.process(
        unfold(env, scenario, settings, disaster, roads, relief, shelters, crews, streams, log, rescue)
    )
    horizon = settings.run.horizon_min
    return World(env, log, roads, relief, crews, disaster, horizon, medical, rescue, aircraft)


def unfold(
    env: simpy.Environment,
    scenario: Scenario,
    settings: Settings,
    disaster: Disaster,
    roads: RoadState,
    relief: ReliefSystem,
    shelters: ShelterSystem,
    crews: RepairCrews,
    streams: Streams,
    log: EventLog,
    rescue: RescueSystem | None = None,
) -> ProcessGenerator:
    """The disaster's timeline: onsets, road damage, clearances, village hits, casualties, trapped."""
    # (minute, tie-break rank, order, what): a hazard's onset, a road's clearing or receding
    # (tuples), a road or village hit, a casualty, trapped people
    timeline: list[tuple[float, int, int, tuple[Any, ...] | RoadHit | VillageHit | Casualty | Trapped]] = []
    for name, ev in settings.hazard.events.items():
        timeline.append((ev.onset_min, 0, len(timeline), ("onset", name, ev.kind)))
    for k, hit in enumerate(disaster.roads):
        timeline.append((hit.at_min, 1, k, hit))
        if hit.clears_at_min is not None:
            timeline.append((hit.clears_at_min, 1, k, ("clear", hit.edge)))
        if hit.recedes_at_min is not None:
            timeline.append((hit.recedes_at_min, 1, k, ("recede", hit.edge, hit.repair_min)))
    for k, village_hit in enumerate(disaster.hits):
        timeline.append((village_hit.at_min, 2, k, village_hit))
    for k, c in enumerate(disaster.casualties):
        timeline.append((c.at_min, 3, k, c))
    for k, t in enumerate(disaster.trapped):
        timeline.append((t.at_min, 3, len(disaster.casualties) + k, t))
    timeline.sort(key=lambda x: x[:3])
    delays = streams(REPORT_STREAM)
    trapped_delays = streams(TRAPPED_STREAM)
    road_delays = streams(ROADS_STREAM)
    places = scenario.places
    for at, _, _, what in timeline:
        if at > env.now:
            yield env.timeout(at - env.now)
        if isinstance(what, tuple) and what[0] == "onset":
            log.add(HazardStruck(env.now, subject=what[1], note=what[2], value=_grade(disaster, what[1])))
        elif isinstance(what, tuple) and what[0] == "clear":
            if roads.is_cut(what[1]):
                log.add(RoadCleared(env.now, ref=what[1]))
                roads.set_factor(what[1], 1.0)
        elif isinstance(what, tuple) and what[0] == "recede":
            if crews.receded(what[1], what[2]) and roads.is_cut(what[1]):
                log.add(RoadCleared(env.now, ref=what[1]))
                roads.set_factor(what[1], 1.0)
        elif isinstance(what, RoadHit):
            factor = 0.0 if what.blocked else min(what.factor, roads.factor[what.edge])
            log.add(
                RoadDamaged(
                    env.now,
                    subject=what.event,
                    ref=what.edge,
                    note="blocked" if what.blocked else "slowed",
                    value=what.factor,
                )
            )
            delay = road_delay(settings.reporting, road_delays)  # drawn for every hit: no shift
            if not roads.set_factor(what.edge, factor):
                env.process(road_reported(env, roads, what.edge, delay))
            if what.blocked and what.recedes_at_min is not None:
                crews.flooded(what.edge, what.recedes_at_min)
            elif what.blocked and what.clears_at_min is None:
                crews.road_cut(what.edge, what.repair_min)
        elif isinstance(what, VillageHit):
            place = places[what.place]
            log.add(
                VillageHitRecord(
                    env.now, subject=what.event, place=place.id, qty=what.affected, note=what.severity
                )
            )
            if what.power_cut:
                log.add(PowerCut(env.now, subject=what.event, place=place.id))
            if what.displaced == 0 and what.stranded == 0:
                continue
            record: type[PeopleCounted]
            for record, people in ((PeopleDisplaced, what.displaced), (PeopleStranded, what.stranded)):
                if people:
                    log.add(record(env.now, subject=what.event, place=place.id, qty=people))
            sites = at_home(shelters.admit(what.place, what.displaced), place, what.stranded)
            log_need(log, env.now, scenario, place.id, sites, day=1)
            if any(it.daily for it in scenario.items):
                env.process(daily_need(env, scenario, place.id, sites, log))
            relief.watch_isolation(what.place)
            cut_off = what.power_cut or relief.isolated[what.place]
            delay = first_delay(settings.reporting, delays, cut_off)
            env.process(report(env, scenario, settings.reporting, relief, what.place, sites, delay, log))
        elif isinstance(what, Casualty):
            log.add(
                CasualtiesOccurred(
                    env.now,
                    place=places[what.place].id,
                    qty=1,
                    note=f"triage{what.triage}",
                    value=1.0 if what.infectious else 0.0,
                )
            )
        elif isinstance(what, Trapped):
            log.add(
                PeopleTrapped(env.now, place=places[what.place].id, qty=what.people, note=what.rescue_type)
            )
            if rescue is not None:
                # the delay is drawn for every trapping, so the stream never shifts
                cut_off = relief.isolated.get(what.place, False)
                delay = first_delay(settings.reporting, trapped_delays, cut_off)
                if settings.reporting.trapped == "at_once" or delay <= 0:
                    rescue.trapped(what)
                else:
                    env.process(trapped_known(env, rescue, what, delay))


def at_home(sites: list[Site], place: Place, stranded: int) -> list[Site]:
    """The sites of a hit's people: the displaced where the shelters put them, and the stranded at
    their village's own site (with any displaced who stayed there: one site, one need)."""
    if not stranded:
        return sites
    home = [s for s in sites if s.key == place.id]
    people = stranded + sum(s.people for s in home)
    return [s for s in sites if s.key != place.id] + [Site(place.id, place.node, place.township_id, people)]


def _grade(disaster: Disaster, event: str) -> float | None:
    grade = disaster.grades.get(event)
    return None if grade is None else float(grade)


def daily_need(
    env: simpy.Environment, scenario: Scenario, place_id: str, sites: list[Site], log: EventLog
) -> ProcessGenerator:
    """The true need of daily items (water, food) again each day the people stay displaced.

    The first day's need arose with the displacement; day d's arises (d - 1) x 24 h later.
    People stay displaced to the horizon (the model has no return home).
    """
    day = 1
    while True:
        yield env.timeout(DAY_MIN)
        day += 1
        log_need(log, env.now, scenario, place_id, sites, day)


def log_need(
    log: EventLog, now: float, scenario: Scenario, place_id: str, sites: list[Site], day: int
) -> None:
    """need_arisen for the people of each site on `day`: every item on day 1 (a daily item's
    first day, ref 1), only the daily items on later days (ref = day)."""
    for site in sites:
        need = need_units(scenario, site.people, daily_only=day > 1)
        for item, q in zip(scenario.items, need, strict=True):
            if q:
                ref = day if item.daily else None
                log.add(NeedArisen(now, place=place_id, item=item.id, qty=q, note=site.key, ref=ref))


def simulate(scenario: Scenario, settings: Settings, rep: int) -> EventLog:
    """One replication, start to horizon."""
    log = EventLog()
    build(scenario, settings, Streams(settings.run.seed, rep), log).run()
    return log
