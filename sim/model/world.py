"""The world of one replication: builds the processes and runs them to the horizon.

Covers the run lifecycle in one place (after desmod): draw the disaster from
its own random streams, build the relief system, start the command centre,
run until the horizon; the medical emergency system (sim/model/ems.py) runs
beside relief. Leaves out: teams and helicopters (later issues add their
systems here, each beside relief).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby

import simpy

from sim.errors import Problem
from sim.events import Event, EventKind, EventLog
from sim.model import casualties, ems, hazards
from sim.model.policies import RELIEF_POLICIES
from sim.model.relief import ReliefSystem
from sim.rng import Streams
from sim.scenario import Scenario
from sim.settings import Settings


@dataclass
class World:
    env: simpy.Environment
    log: EventLog
    relief: ReliefSystem
    horizon_min: float
    ems: ems.EmsSystem | None = None

    def run(self) -> EventLog:
        # The event log grows to hundreds of thousands of rows, which Python's cyclic garbage
        # collector would scan again and again (a third of the check mode's run time). SimPy
        # drops its event-callback cycles as events are processed, so nothing needs cycle
        # collection during a run: pause the collector and restore it afterwards.
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
    if settings.policy.relief not in RELIEF_POLICIES:
        problems.append(
            Problem(
                "config key policy.relief",
                settings.policy.relief,
                f"unknown policy; choose one of {', '.join(RELIEF_POLICIES)}",
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
    needs = hazards.draw_needs(scenario, settings.hazard, streams(hazards.DISPLACED_STREAM))
    onset = settings.hazard.onset_min
    hurt = casualties.draw_casualties(
        scenario, settings.hazard, needs, streams(casualties.CASUALTY_STREAM)
    )
    # Built before the displaced rows are logged: its rows at minute 0 keep the log in time order.
    medical = ems.build(env, scenario, settings.ems, hurt, settings.run.horizon_min, streams, log)
    for vn in needs:
        log.add(
            Event(onset, EventKind.PEOPLE_DISPLACED, place=scenario.places[vn.place].id, qty=vn.displaced)
        )
    relief = ReliefSystem(
        env,
        scenario,
        RELIEF_POLICIES[settings.policy.relief],
        settings.costs,
        log,
        initial_first=settings.policy.load_order == "initial_first",
    )
    env.process(command_centre(env, relief, needs))
    return World(env, log, relief, settings.run.horizon_min, medical)


def command_centre(
    env: simpy.Environment, relief: ReliefSystem, needs: list[hazards.VillageNeed]
) -> Iterator[simpy.Event]:
    """Acts on reports as they arrive; reports of the same minute are handled together."""
    ordered = sorted(needs, key=lambda vn: (vn.reported_at_min, vn.place))
    for at, batch in groupby(ordered, key=lambda vn: vn.reported_at_min):
        if at > env.now:
            yield env.timeout(at - env.now)
        relief.handle_reports(list(batch))


def simulate(scenario: Scenario, settings: Settings, rep: int) -> EventLog:
    """One replication, start to horizon."""
    log = EventLog()
    build(scenario, settings, Streams(settings.run.seed, rep), log).run()
    return log
