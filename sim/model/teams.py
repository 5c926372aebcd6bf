"""Rescue teams: turning out, driving to trapped people, bringing them out, resting.

Covers: every team of teams.csv except `road_repair` (sim/model/repair.py) is alerted at
the disaster's onset. Mobilisation by kind:
- fire_rescue, professional, flood, forest_fire (on duty) and semi_professional,
  enterprise (assembled after the call) leave their base `mobilisation` minutes after
  onset with `round(members x turnout)` members (the share on duty or reachable);
- volunteer teams are alerted by phone or SMS: each member accepts with probability
  `turnout` (stream "teams.turnout") and reaches the assembly point after an exponential
  delay with mean `mobilisation` minutes (stream "teams.assembly"); the team leaves when
  `rescue.volunteer_leave_members` members have gathered, or when all who accepted have
  gathered if fewer accepted; with fewer than `rescue.volunteer_min_members` acceptances
  it is stood down (out of service). One draw per member of every volunteer team, in file
  order, whether or not it is used, so a change of policy cannot shift these streams.
People trapped (sim/model/demand.py Trapped) become a rescue task when they are trapped
(calls for help reach the command centre at once). A task no team has the skill for is
reported unmet at once and never assigned; a task cut off by road from every capable team
goes to the helicopters when the county has any (sim/model/air.py). Otherwise a named
policy (sim/model/rescue_policies.py) assigns free capable teams; a team takes as many
people as it can bring out in what is left of its shift, drives the live roads, and
brings them out one at a time at `people_per_h_per_10 x members / 10` per hour. After
`rescue.max_shift_h` of work (driving and rescuing; waiting idle does not count) it rests
`rescue.rest_h` where it is. A team helping another township records the compensation the
helped township owes (seed 002): members x hours away on the task x the cost rate.

A team whose road is cut with no other way on stops where it is and hands its people back
(to another team, or to the helicopters if no capable team can now reach them).

Leaves out: people dying while trapped; equipment (boats, cranes) apart from team size;
teams splitting; the drive back to base; reports of trapped people arriving late.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import simpy

from sim.events import Event, EventKind, EventLog
from sim.model.demand import Trapped
from sim.model.rescue_policies import RescuePolicy, RescueView, TeamChoice
from sim.model.roads import NearestSearch, RoadState
from sim.rng import Streams
from sim.scenario import Scenario
from sim.settings import RESCUE_TYPES, RescueSettings
from sim.units import MIN_PER_H

TURNOUT_STREAM = "teams.turnout"
ASSEMBLY_STREAM = "teams.assembly"
# A team with less than this much of its shift left rests first: a rescue started with a
# few minutes of shift left would bring nobody out.
REST_BELOW_MIN = 30.0


@dataclass
class Task:
    ref: int
    place: int
    node: int
    township_id: str
    rescue_type: str
    at_min: float
    waiting: int  # people not yet taken by a team


@dataclass
class Crew:
    id: str
    kind: str
    base_place_id: str
    township_id: str
    node: int
    members: int
    types: frozenset[str]  # rescue types it is qualified for
    leaves_at_min: float | None  # None = stood down
    accepted: int
    state: str = "off"  # off | idle | busy | resting | out
    worked_min: float = 0.0  # driving and rescuing since the last rest


def team_types(skills: tuple[str, ...], rules: RescueSettings) -> frozenset[str]:
    return frozenset(t for t in RESCUE_TYPES if set(skills) & set(rules.skills.get(t, ())))


def volunteer_turnout(
    members: int, turnout: float, mean_min: float, rules: RescueSettings, streams: Streams
) -> tuple[int, int, float | None]:
    """(accepted, leaving, minutes after the alert the team leaves or None if stood down).

    Draws one acceptance uniform and one assembly delay per member, used or not."""
    u = streams(TURNOUT_STREAM).random(members)
    delay = streams(ASSEMBLY_STREAM).exponential(mean_min, members) if mean_min > 0 else np.zeros(members)
    took = np.sort(delay[u < turnout])
    accepted = len(took)
    if accepted < rules.volunteer_min_members:
        return accepted, 0, None
    leaving = min(rules.volunteer_leave_members, accepted)
    return accepted, leaving, float(took[leaving - 1])


class RescueSystem:
    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        rules: RescueSettings,
        roads: RoadState,
        policy: RescuePolicy,
        member_yuan_per_h: float,
        streams: Streams,
        log: EventLog,
        onset_min: float,
    ):
        self.env = env
        self.scenario = scenario
        self.rules = rules
        self.roads = roads
        self.policy = policy
        self.yuan_per_member_h = member_yuan_per_h
        self.log = log
        self.air = None  # sim.model.air.AirSystem, when the county has aircraft
        self.tasks: list[Task] = []
        self.queue: list[Task] = []
        self.crews: list[Crew] = []
        index = scenario.place_index()
        for team in scenario.teams:
            if team.kind == "road_repair":
                continue
            place = scenario.places[index[team.base_place_id]]
            if team.kind == "volunteer":
                accepted, leaving, after = volunteer_turnout(
                    team.members, team.turnout, team.mobilisation_min, rules, streams
                )
                leaves = None if after is None else onset_min + after
            else:
                accepted = leaving = max(1, round(team.members * team.turnout))
                leaves = onset_min + team.mobilisation_min
            crew = Crew(
                team.id,
                team.kind,
                place.id,
                place.township_id,
                place.node,
                leaving,
                team_types(team.skills, rules),
                leaves,
                accepted,
            )
            self.crews.append(crew)
            env.process(self._turn_out(crew, team.members, onset_min))
        env.process(self._watch_roads())

    # ---- arrivals ------------------------------------------------------------------------
    def trapped(self, what: Trapped) -> None:
        """People trapped at `what.at_min`, known to the command centre now: a new rescue task
        (called by the information model, sim/model/information.py)."""
        place = self.scenario.places[what.place]
        task = Task(
            len(self.tasks),
            what.place,
            place.node,
            place.township_id,
            what.rescue_type,
            what.at_min,  # when they were trapped: the queue's order and the targets' clock
            what.people,
        )
        self.tasks.append(task)
        self.log.add(
            Event(
                self.env.now,
                EventKind.RESCUE_REQUESTED,
                place=place.id,
                ref=task.ref,
                qty=task.waiting,
                note=task.rescue_type,
                value=self.env.now - what.at_min,  # minutes from being trapped to being known
            )
        )
        able = [c for c in self.crews if task.rescue_type in c.types and c.state != "out"]
        if not able:
            self.log.add(
                Event(
                    self.env.now,
                    EventKind.RESCUE_UNMET,
                    place=place.id,
                    ref=task.ref,
                    qty=task.waiting,
                    note="no_team_with_skill",
                )
            )
            return
        if self._to_air(task, able):
            return
        self.queue.append(task)
        self._dispatch()

    def _to_air(self, task: Task, able: list[Crew]) -> bool:
        """Hand the task's waiting people to the helicopters when no capable team can reach them by road."""
        if self.air is None or not self.air.enabled or task.waiting == 0:
            return False
        if any(self.roads.reachable(c.node, task.node) for c in able):
            return False
        self.air.rescue(task)
        task.waiting = 0
        return True

    # ---- decisions -----------------------------------------------------------------------
    def per_person_min(self, crew: Crew, rescue_type: str) -> float:
        rate_h = self.rules.people_per_h_per_10[rescue_type] * crew.members / 10.0
        return MIN_PER_H / rate_h

    def _dispatch(self) -> None:
        while True:
            self.queue = [t for t in self.queue if t.waiting > 0]
            free = [c for c in self.crews if c.state == "idle"]
            if not self.queue or not free:
                return
            queue = self.queue
            nearest: dict[int, TeamChoice | None] = {}

            def nearest_team(k: int, free=free, queue=queue, nearest=nearest) -> TeamChoice | None:
                if k not in nearest:
                    nearest[k] = self._nearest_team(free, queue[k])
                return nearest[k]

            def drive_min(i: int, k: int, free=free, queue=queue) -> float:
                crew, task = free[i], queue[k]
                if task.rescue_type not in crew.types:
                    return math.inf
                minutes = self.roads.minutes(crew.node, task.node)
                return minutes if self._has_room(crew, task, minutes) else math.inf

            view = RescueView(
                tuple(t.waiting for t in queue),
                tuple(t.rescue_type for t in queue),
                tuple(t.at_min for t in queue),
                tuple(c.types for c in free),
                nearest_team,
                drive_min,
            )
            choice = self.policy(view)
            if choice is None:
                return
            crew, task = free[choice[0]], queue[choice[1]]
            minutes = drive_min(*choice)
            if not math.isfinite(minutes):
                raise RuntimeError(f"rescue policy chose team {crew.id}, which cannot reach task {task.ref}")
            shift = self.rules.max_shift_min
            per = self.per_person_min(crew, task.rescue_type)
            can = math.floor((shift - crew.worked_min - minutes) / per + 1e-9)
            take = max(1, min(task.waiting, can))
            task.waiting -= take
            crew.state = "busy"
            self.log.add(
                Event(
                    self.env.now,
                    EventKind.TEAM_ASSIGNED,
                    subject=crew.id,
                    place=self.scenario.places[task.place].id,
                    ref=task.ref,
                    qty=take,
                    value=minutes,
                )
            )
            self.env.process(self._serve(crew, task, take))

    def _has_room(self, crew: Crew, task: Task, minutes: float) -> bool:
        """Room in the crew's shift for the drive and at least one person."""
        room = self.rules.max_shift_min - crew.worked_min
        return minutes + self.per_person_min(crew, task.rescue_type) <= room

    def _nearest_team(self, free: list[Crew], task: Task) -> TeamChoice | None:
        """The free crew with the task's skill, room in its shift and the shortest drive to the
        task (minutes, index into `free`; ties to the lower index), or None: a search outward
        from the task rather than from every free team (sim/model/roads.py NearestSearch), with
        minutes as the team drives them."""
        able = np.array([task.rescue_type in c.types for c in free], dtype=bool)
        if not able.any():
            return None
        nodes = np.array([c.node for c in free], dtype=np.int64)
        search = NearestSearch(self.roads, task.node, nodes, toward=True)
        far = self.rules.max_shift_min - min(c.worked_min for c, a in zip(free, able, strict=True) if a)
        i = search(able, lambda k, minutes: self._has_room(free[k], task, minutes), far)
        return None if i is None else (search.minutes(i), i)

    # ---- processes -----------------------------------------------------------------------
    def _turn_out(self, crew: Crew, alerted: int, onset_min: float) -> Iterator[simpy.Event]:
        env = self.env
        if onset_min > env.now:
            yield env.timeout(onset_min - env.now)
        self.log.add(Event(env.now, EventKind.TEAM_ALERTED, subject=crew.id, qty=alerted, note=crew.kind))
        if crew.leaves_at_min is None:
            crew.state = "out"
            self.log.add(Event(env.now, EventKind.TEAM_STOOD_DOWN, subject=crew.id, qty=crew.accepted))
            return
        yield env.timeout(crew.leaves_at_min - env.now)
        crew.state = "idle"
        self.log.add(
            Event(
                env.now,
                EventKind.TEAM_MOBILISED,
                subject=crew.id,
                place=crew.base_place_id,
                qty=crew.members,
                value=float(crew.accepted),
            )
        )
        self._dispatch()

    def _serve(self, crew: Crew, task: Task, take: int) -> Iterator[simpy.Event]:
        env, log = self.env, self.log
        place_id = self.scenario.places[task.place].id
        started = env.now
        try:
            yield from self.roads.drive(crew.node, task.node, lambda _n: None, _give_up)
            crew.node = task.node
            log.add(Event(env.now, EventKind.RESCUE_STARTED, subject=crew.id, place=place_id, ref=task.ref))
            reached = True
        except _NoRoad as held:  # a road cut ahead and no other way: hand the people back
            crew.node = held.node
            reached = False
        per = self.per_person_min(crew, task.rescue_type)
        end_of_shift = started + self.rules.max_shift_min - crew.worked_min
        done = 0
        while reached and done < take and env.now + per <= end_of_shift + 1e-9:
            yield env.timeout(per)
            done += 1
            log.add(
                Event(
                    env.now,
                    EventKind.PEOPLE_RESCUED,
                    subject=crew.id,
                    place=place_id,
                    ref=task.ref,
                    qty=1,
                    note=task.rescue_type,
                )
            )
        busy = env.now - started
        crew.worked_min += busy
        back = take - done
        if back:
            task.waiting += back
            able = [c for c in self.crews if task.rescue_type in c.types and c.state != "out"]
            if not self._to_air(task, able) and task not in self.queue:
                self.queue.append(task)
        if task.township_id != crew.township_id:
            log.add(
                Event(
                    env.now,
                    EventKind.MUTUAL_AID_RECORDED,
                    subject=crew.id,
                    place=place_id,
                    ref=task.ref,
                    value=crew.members * busy / MIN_PER_H * self.yuan_per_member_h,
                    note=crew.township_id,
                )
            )
        log.add(
            Event(
                env.now,
                EventKind.TEAM_RELEASED,
                subject=crew.id,
                place=place_id,
                ref=task.ref,
                qty=back,
                value=busy,
            )
        )
        crew.state = "idle"
        if (reached and back) or self.rules.max_shift_min - crew.worked_min < REST_BELOW_MIN:
            crew.state = "resting"
            log.add(Event(env.now, EventKind.TEAM_REST_STARTED, subject=crew.id, value=self.rules.rest_min))
            self._dispatch()  # handed-back people may go to another team at once
            yield env.timeout(self.rules.rest_min)
            crew.worked_min = 0.0
            crew.state = "idle"
            log.add(Event(env.now, EventKind.TEAM_RESTED, subject=crew.id))
        self._dispatch()

    def _watch_roads(self) -> Iterator[simpy.Event]:
        """A reopened road may let a free team reach a waiting task."""
        while True:
            yield self.roads.reopened
            self._dispatch()


class _NoRoad(Exception):
    """Raised out of a drive when no road leads on: the team gives its task back."""

    def __init__(self, node: int):
        super().__init__(node)
        self.node = node


def _give_up(node: int) -> None:
    raise _NoRoad(node)
