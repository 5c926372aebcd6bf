"""What the command centre learns about needs, and when: the village's situation reports.

Covers the reports of seed 000's 初报/续报/核报 as the plans describe them: a village's first
report reaches the command centre after a lognormal delay (longer when the village is cut off
by road or power), counting `first_share` of its people; follow-ups revise it until the last
is exact; and while people stay displaced, each day after the first report the next day's
ration of daily items (water, food) is asked for (the 24-hour reporting rule, 自然灾害情况统计
调查制度). The command centre acts on what is reported; tables compare it with the truth.

Trapped people reach the command centre with the village's first report (`reporting.trapped:
first_report`, a delay drawn like that report's from its own stream) or at once (`at_once`);
the rescue targets' clock still runs from the moment they were trapped.

Road damage (a cut or a slowdown) is reported `road_delay_min` after it happens (lognormal,
its own stream, one draw per damaged edge in timeline order whether or not it is needed) or
found earlier by a vehicle that reaches it (sim/model/roads.py); until then every route is
planned as if the road were whole (`reporting.roads: reached_or_reported`). With `at_once`
the centre knows every change the moment it happens (the old lower bound).

Casualty calls reach the 120 centre at their call times (sim/model/ems_calls.py): calls
trickle in over the first two hours after a hit (hazards.CASUALTY_SPREAD_MIN); from a village
that has lost power and phone (`power_cut`), a call gets through `cut_off_extra_min` later, by
the same runner or satellite phone that carries the village's report (`casualty_calls`). The
ambulance response time is measured from the call, as the 120 centre measures it; the hazard
part of the log keeps the moment of injury.

Leaves out: a report of road damage that was cleared before the report arrives (it is then
simply not learned); reports naming the wrong place; information officers cut off from the
phone network reporting road damage later (only the village reports take `cut_off_extra_min`).
"""

from __future__ import annotations

import math
from dataclasses import replace

import simpy
from simpy.events import ProcessGenerator

from sim.events import EventLog, SituationReported
from sim.model.demand import Casualty, Disaster, Trapped, need_units
from sim.model.relief import ReliefSystem, Report
from sim.model.roads import REPORTED, RoadState
from sim.model.shelters import Site
from sim.model.teams import RescueSystem
from sim.scenario import Scenario
from sim.settings import ReportingSettings
from sim.units import H_PER_DAY, MIN_PER_H

DAY_MIN = H_PER_DAY * MIN_PER_H  # daily items are needed again each day
TRAPPED_STREAM = "reporting.trapped"  # its own stream: the relief reports' draws never shift
ROADS_STREAM = "reporting.roads"  # likewise for road damage reports


def trapped_known(
    env: simpy.Environment, rescue: RescueSystem, what: Trapped, delay: float
) -> ProcessGenerator:
    """The trapped people of `what` become a rescue task `delay` minutes after they were trapped."""
    yield env.timeout(delay)
    rescue.trapped(what)


def casualty_calls(disaster: Disaster, rep: ReportingSettings) -> list[Casualty]:
    """The casualties as the 120 centre hears of them: a casualty in a village whose phones are
    down (a hit of any event with `power_cut` at or before the injury) calls `cut_off_extra_min`
    later. The order is kept (the calls' own draws follow it); ems_calls sorts by call time."""
    cut_at: dict[int, float] = {}
    for h in disaster.hits:
        if h.power_cut:
            cut_at[h.place] = min(cut_at.get(h.place, math.inf), h.at_min)
    extra = rep.cut_off_extra_min
    return [
        replace(c, at_min=c.at_min + extra) if extra > 0 and cut_at.get(c.place, math.inf) <= c.at_min else c
        for c in disaster.casualties
    ]


def road_reported(env: simpy.Environment, roads: RoadState, edge: int, delay: float) -> ProcessGenerator:
    """The damage on `edge` is reported `delay` minutes from now (learned unless found first)."""
    yield env.timeout(delay)
    roads.learn(edge, REPORTED)


def road_delay(rep: ReportingSettings, rng) -> float:
    """Minutes from road damage to its report: lognormal about `road_delay_min`."""
    return rep.road_delay_min * math.exp(rep.road_delay_sigma * rng.standard_normal())


def first_delay(rep: ReportingSettings, rng, cut_off: bool) -> float:
    z = rng.standard_normal()  # drawn for every hit, so the stream never shifts
    base = rep.first_delay_min * math.exp(rep.first_delay_sigma * z)
    return base + (rep.cut_off_extra_min if cut_off else 0.0)


def report(
    env: simpy.Environment,
    scenario: Scenario,
    rep: ReportingSettings,
    relief: ReliefSystem,
    village: int,
    sites: list[Site],
    delay: float,
    log: EventLog,
) -> ProcessGenerator:
    """First report after `delay`, follow-ups every `followup_every_min`; the last one is exact.

    A report states the people counted so far at each site (the truth times the report's
    share, rounded); the need sent to the command centre is the increase since the last report.
    """
    yield env.timeout(delay)
    n = rep.followups
    said = {site.key: (0, (0,) * len(scenario.items)) for site in sites}
    if any(it.daily for it in scenario.items):
        env.process(ration(env, scenario, relief, village, sites, said))
    for j in range(n + 1):
        if j:
            yield env.timeout(rep.followup_every_min)
        share = 1.0 if j == n else rep.first_share + (1.0 - rep.first_share) * j / n
        total = 0
        for site in sites:
            people = site.people if j == n else math.floor(site.people * share + 0.5)
            need = need_units(scenario, people)
            before_people, before_need = said[site.key]
            delta = tuple(max(0, a - b) for a, b in zip(need, before_need, strict=True))
            said[site.key] = (people, need)
            total += people
            if any(delta):
                new_people = people - before_people
                relief.receive(Report(village, site.key, site.node, site.township_id, new_people, delta))
        log.add(SituationReported(env.now, place=scenario.places[village].id, qty=total, ref=j + 1))


def ration(
    env: simpy.Environment,
    scenario: Scenario,
    relief: ReliefSystem,
    village: int,
    sites: list[Site],
    said: dict[str, tuple[int, tuple[int, ...]]],
) -> ProcessGenerator:
    """Each day after the first report, the next day's ration of daily items for the people
    reported so far at each site (the daily report of the 24-hour reporting rule for a disaster
    in progress, 灾情稳定前执行24小时零报告制度, in 自然灾害情况统计调查制度).

    The first report asked for the first day's; so day d's ration is asked (d - 1) x 24 h after it.
    """
    while True:
        yield env.timeout(DAY_MIN)
        for site in sites:
            people = said[site.key][0]
            need = need_units(scenario, people, daily_only=True)
            if any(need):
                relief.receive(Report(village, site.key, site.node, site.township_id, 0, need))
