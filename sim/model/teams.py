"""Rescue teams: turning out, driving to trapped people, bringing them out in crews, resting;
and how long the trapped survive while they wait.

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

Crews, not head count. A team turns out as crews, the units the command centre sends
(subject `TEAM#n`): for each rescue type it has the skill for, in the order water, collapse,
mountain, one crew per `rescue.crew_members[t]` of its members not yet in a crew, at most
one per boat (water; teams.csv `boats`) or large machine (collapse; teams.csv `machines`);
mountain crews need no equipment (split_crews). Members left over form no crew: head count
beyond the equipment adds nothing (diminishing returns; the rule and its reasons are in
configs/rescue/default.yaml). Each round of `rescue.round_min[t]` minutes a crew brings out
up to `rescue.round_people[t]` people (a boatload; one person from a collapse or down a
slope). Boats travel with the team; machines join their crews `rescue.equipment_delay_h`
after the team leaves its base (logged `equipment_ready`); until then those crews wait.

People trapped (sim/model/demand.py Trapped) become a rescue task when they are known to the
command centre (sim/model/information.py). A task no team has the skill for is reported unmet
at once (`no_team_with_skill`, or `no_team_with_equipment` when teams have the skill but no
crew) and never assigned; a task cut off by road from every capable team goes to the
helicopters when the county has any (sim/model/air.py). Otherwise a named policy
(sim/model/policies/rescue.py) assigns free crews of the task's type; a crew takes one
round's people, drives the live roads from wherever it is (travel between sites: it does not
go back to base between tasks), brings them out, and is free again for the next round (usually
at the same site, the nearest). After `rescue.max_shift_h` of work (driving and rescuing;
waiting idle does not count), or with too little shift left for its next drive and round, a
crew rests `rescue.rest_h` where it is. A crew helping another township records the
compensation the helped township owes (seed 002): its members x hours away on the task x the
rate.

Survival while trapped (the mechanism is sim/model/survival.py, shared with the red casualties
waiting for an ambulance). Each trapped person draws one uniform u (a stream named for the
trapping: "rescue.survival.PLACE.TYPE.MINUTE", so neither policy, fleet nor the order in which
reports arrive can shift it: common random numbers across cases) and dies at
    T = the first time since being trapped at which S(T) <= u,
S being the rescue type's curve `rescue.survival` (points joined linearly, flat after the
last), so P(alive after t hours trapped) = S(t) exactly. A person brought out before T is
rescued (`people_rescued`, value S at their hours trapped); at or after T they died while
trapped (`trapped_died`, logged at T, or when they are found if T came before the report) and
their body is recovered (`bodies_recovered`). Rescuers do not know who is alive: survival
never changes the rescue work, so rescue times and shares are the same with or without it.
Drawn rather than expected values: a person is then either saved or lost (the invariant "a
dead person is never rescued" can be checked on the log), and with common random numbers a
person (the k-th taken from a task) has the same death time in every case, so a case that
brings them out earlier saves them whenever the other does, and paired differences in lives
saved carry little noise.

A crew whose road is cut with no other way on stops where it is and hands its people back
(to another team, or to the helicopters if no capable team can now reach them).

Leaves out: searching (people are located when reported); sharing equipment between teams or
a county pool of machines; a crew changing type (a boat crew stays a boat crew); the drive
back to base; hand-tool collapse rescue by crews without a machine;
deterioration after rescue (sim/model/ems.py); injuries that make a person's survival differ
from the curve of their rescue type.

Connects to: the live roads (read when planning, `RoadState`); the aircraft through the
`AirRescue` port (sim/model/ports.py), connected by world.build with `connect_air`.

Size: one real-world process, rescue teams from alert to release (mobilisation, equipment,
assignment, rescue, rest, mutual aid), sharing the crews' state; the policies are in
sim/model/policies/rescue.py.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import simpy
from simpy.events import ProcessGenerator

from sim.events import (
    BodiesRecovered,
    EquipmentReady,
    EventLog,
    MutualAidRecorded,
    PeopleBroughtOut,
    PeopleRescued,
    RescueRequested,
    RescueStarted,
    RescueUnmet,
    TeamAlerted,
    TeamAssigned,
    TeamMobilised,
    TeamReleased,
    TeamRested,
    TeamRestStarted,
    TeamStoodDown,
    TrappedDied,
)
from sim.model.demand import Trapped
from sim.model.policies.rescue import RescuePolicy, RescueView, TeamChoice
from sim.model.ports import AirRescue
from sim.model.roads import NearestSearch, RoadState
from sim.model.survival import SurvivalCurve
from sim.rng import Streams
from sim.scenario import Scenario
from sim.settings import EQUIPMENT, EQUIPMENT_OF, RESCUE_TYPES, RescueSettings, RescueType
from sim.units import MIN_PER_H

TURNOUT_STREAM = "teams.turnout"
ASSEMBLY_STREAM = "teams.assembly"
SURVIVAL_STREAM = "rescue.survival"
# A team with less than this much of its shift left rests first: a rescue started with a
# few minutes of shift left would bring nobody out.
REST_BELOW_MIN = 30.0


@dataclass
class Task:
    ref: int
    place: int
    node: int
    township_id: str
    rescue_type: RescueType
    at_min: float
    waiting: int  # people not yet taken by a team (nor by the helicopters)
    # Person-level state (sim/model/teams.py survival): the minute each person dies while
    # trapped (inf: outlives the curve); empty = survival not tracked (everyone lives).
    dies_at: list[float] = field(default_factory=list)
    curve: SurvivalCurve | None = None
    waiting_persons: deque[int] = field(default_factory=deque)  # in the order teams take them
    by_air: deque[int] = field(default_factory=deque)  # handed to the helicopters
    out: set[int] = field(default_factory=set)  # brought out, alive or dead
    died: set[int] = field(default_factory=set)  # death logged

    def __post_init__(self) -> None:
        if not self.waiting_persons and not self.out:
            self.waiting_persons.extend(range(self.waiting))

    def take(self, n: int) -> list[int]:
        """The next n waiting people, taken by a team."""
        self.waiting -= n
        return [self.waiting_persons.popleft() for _ in range(n)]

    def give_back(self, persons: Sequence[int]) -> None:
        """People a team could not bring out go back to the head of the queue, in order."""
        self.waiting += len(persons)
        self.waiting_persons.extendleft(reversed(persons))

    def to_air(self) -> None:
        self.by_air.extend(self.waiting_persons)
        self.waiting_persons.clear()
        self.waiting = 0

    def alive_at(self, person: int, minute: float) -> bool:
        return not self.dies_at or self.dies_at[person] > minute

    def bring_out(
        self, now: float, subject: str, persons: Sequence[int], place_id: str, log: EventLog
    ) -> None:
        """Log `persons` brought out at `now` by `subject`: the living rescued, the dead
        recovered (a death not yet logged, at this very minute, is logged first)."""
        alive = [i for i in persons if self.alive_at(i, now)]
        dead = [i for i in persons if not self.alive_at(i, now)]
        self.out.update(persons)
        late = [i for i in dead if i not in self.died]
        if late:
            self.died.update(late)
            log.add(self._died(now, late, place_id))
        value = self.curve(now - self.at_min) if self.curve is not None else None
        record: type[PeopleBroughtOut]
        for record, who in ((PeopleRescued, alive), (BodiesRecovered, dead)):
            if who:
                log.add(
                    record(
                        now,
                        subject=subject,
                        place=place_id,
                        ref=self.ref,
                        qty=len(who),
                        note=self.rescue_type,
                        value=value,
                    )
                )

    def bring_out_by_air(self, now: float, aircraft: str, n: int, place_id: str, log: EventLog) -> None:
        """The helicopters' hook (sim/model/air.py): n of the people handed to them are hoisted."""
        queue = self.by_air if self.by_air else self.waiting_persons  # a task handed straight to the air
        self.bring_out(now, aircraft, [queue.popleft() for _ in range(n)], place_id, log)

    def _died(self, now: float, persons: Sequence[int], place_id: str) -> TrappedDied:
        return TrappedDied(
            now,
            place=place_id,
            ref=self.ref,
            qty=len(persons),
            note=self.rescue_type,
            value=max(self.dies_at[i] for i in persons),
        )


@dataclass
class Crew:
    """One working crew of a team (the unit the command centre sends): its members, the one
    rescue type it works and the boat or machine it works with."""

    id: str  # TEAM_ID#n
    team_id: str
    base_place_id: str
    township_id: str
    node: int
    members: int
    types: frozenset[RescueType]  # the rescue type it works
    equipment: str | None  # boats | machines | None
    state: str = "off"  # off | idle | busy | resting | out
    worked_min: float = 0.0  # driving and rescuing since the last rest
    ready: bool = False  # its equipment has joined it


@dataclass
class TeamRoll:
    """A team as alerted: how many turned out, when it leaves, and the crews it forms."""

    id: str
    kind: str
    base_place_id: str
    alerted: int
    accepted: int
    leaving: int
    leaves_at_min: float | None  # None = stood down
    equipment: dict[str, int]
    crews: list[Crew]


def team_types(skills: tuple[str, ...], rules: RescueSettings) -> frozenset[RescueType]:
    return frozenset(t for t in RESCUE_TYPES if set(skills) & set(rules.skills.get(t, ())))


def split_crews(
    members: int, types: frozenset[RescueType], equipment: dict[str, int], rules: RescueSettings
) -> list[tuple[RescueType, str | None]]:
    """The crews a team of `members` forms, as (rescue type, equipment): for each type it has
    the skill for, in the order water, collapse, mountain, one crew per `crew_members` of the
    members not yet in a crew, at most one per boat (water) or machine (collapse). Members left
    over form no crew: head count beyond the equipment adds nothing."""
    out: list[tuple[RescueType, str | None]] = []
    left = members
    for t in RESCUE_TYPES:
        if t not in types:
            continue
        need = EQUIPMENT_OF[t]
        n = left // rules.crew_members[t]
        if need is not None:
            n = min(n, equipment.get(need, 0))
        out += [(t, need)] * n
        left -= n * rules.crew_members[t]
    return out


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
        self.streams = streams
        self.log = log
        self.curves = {t: SurvivalCurve(rules.survival[t]) for t in RESCUE_TYPES}
        self.air: AirRescue | None = None  # the aircraft, once connected (connect_air)
        self.tasks: list[Task] = []
        self.queue: list[Task] = []
        self.crews: list[Crew] = []
        self.teams: list[TeamRoll] = []
        self.skilled: set[str] = set()  # rescue types some team in the county has the skill for
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
            equipment = {"boats": team.boats, "machines": team.machines}
            types = team_types(team.skills, rules)
            crews = [
                Crew(
                    f"{team.id}#{n}",
                    team.id,
                    place.id,
                    place.township_id,
                    place.node,
                    rules.crew_members[t],
                    frozenset({t}),
                    need,
                )
                for n, (t, need) in enumerate(
                    split_crews(leaving if leaves is not None else 0, types, equipment, rules), 1
                )
            ]
            roll = TeamRoll(
                team.id, team.kind, place.id, team.members, accepted, leaving, leaves, equipment, crews
            )
            self.teams.append(roll)
            self.crews += crews
            self.skilled |= types
            env.process(self._turn_out(roll, onset_min))
        env.process(self._watch_roads())

    # ---- crews ---------------------------------------------------------------------------

    def connect_air(self, air: AirRescue) -> None:
        """Connect the aircraft (sim/model/ports.py; wired once by world.build after both are built):
        tasks no capable team can reach by road go to the aircraft."""
        self.air = air

    def crews_of(self, crew: Crew, rescue_type: RescueType, now: bool = True) -> int:
        """1 when `crew` works `rescue_type` and (now=True) its equipment has joined it, else 0."""
        if rescue_type not in crew.types:
            return 0
        return 1 if crew.equipment is None or crew.ready or not now else 0

    def _able(self, rescue_type: RescueType) -> list[Crew]:
        """Crews in service that work this type (now, or once their equipment joins them)."""
        return [c for c in self.crews if c.state != "out" and self.crews_of(c, rescue_type, now=False) > 0]

    # ---- arrivals ------------------------------------------------------------------------
    def trapped(self, what: Trapped) -> None:
        """People trapped at `what.at_min`, known to the command centre now: a new rescue task
        (called by the information model, sim/model/information.py)."""
        place = self.scenario.places[what.place]
        curve = self.curves[what.rescue_type]
        name = f"{SURVIVAL_STREAM}.{place.id}.{what.rescue_type}.{what.at_min!r}"
        task = Task(
            len(self.tasks),
            what.place,
            place.node,
            place.township_id,
            what.rescue_type,
            what.at_min,  # when they were trapped: the queue's order and the targets' clock
            what.people,
            dies_at=curve.deaths_min(self.streams, name, what.at_min, what.people),
            curve=curve,
        )
        self.tasks.append(task)
        self.log.add(
            RescueRequested(
                self.env.now,
                place=place.id,
                ref=task.ref,
                qty=task.waiting,
                note=task.rescue_type,
                value=self.env.now - what.at_min,
            )
        )
        self.env.process(self._deaths(task, place.id))
        able = self._able(task.rescue_type)
        if not able:
            skilled = task.rescue_type in self.skilled
            self.log.add(
                RescueUnmet(
                    self.env.now,
                    place=place.id,
                    ref=task.ref,
                    qty=task.waiting,
                    note="no_team_with_equipment" if skilled else "no_team_with_skill",
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
        task.to_air()
        return True

    # ---- decisions -----------------------------------------------------------------------
    def _dispatch(self) -> None:
        while True:
            self.queue = [t for t in self.queue if t.waiting > 0]
            free = [c for c in self.crews if c.state == "idle"]
            if not self.queue or not free:
                return
            queue = self.queue
            # Per dispatch round, once (a province-sized run has hundreds of crews and tasks):
            # which free crews work each type now, where they are, the longest drive any can fit.
            can = [frozenset(t for t in c.types if self.crews_of(c, t) > 0) for c in free]
            able = {t: np.array([t in c for c in can], dtype=bool) for t in RESCUE_TYPES}
            worked = {t for t, crews in able.items() if crews.any()}  # per type, not per task
            if not any(t.rescue_type in worked for t in queue):
                return  # no free crew works any waiting type (and none of them is spent for one)
            nodes = np.array([c.node for c in free], dtype=np.int64)
            nearest: dict[int, TeamChoice | None] = {}

            def nearest_team(k: int, free=free, queue=queue, nearest=nearest, nodes=nodes, able=able):
                if k not in nearest:
                    nearest[k] = self._nearest_team(free, queue[k], nodes, able[queue[k].rescue_type])
                return nearest[k]

            def drive_min(i: int, k: int, free=free, queue=queue) -> float:
                crew, task = free[i], queue[k]
                if self.crews_of(crew, task.rescue_type) == 0:
                    return math.inf
                minutes = self.roads.minutes(crew.node, task.node)
                return minutes if self._has_room(crew, task, minutes) else math.inf

            view = RescueView(
                tuple(t.waiting for t in queue),
                tuple(t.rescue_type for t in queue),
                tuple(t.at_min for t in queue),
                tuple(can),
                nearest_team,
                drive_min,
            )
            choice = self.policy(view)
            if choice is None:
                self._rest_the_spent(free, can, queue)
                return
            crew, task = free[choice[0]], queue[choice[1]]
            minutes = drive_min(*choice)
            if not math.isfinite(minutes):
                raise RuntimeError(f"rescue policy chose team {crew.id}, which cannot reach task {task.ref}")
            # one round's people at a time: the crew comes back to the command centre after each
            # round, so free crews spread over the waiting people instead of one crew queueing
            # a site's people behind it (it usually takes the same site again: it is nearest)
            take = min(task.waiting, self.rules.round_people[task.rescue_type])
            persons = task.take(take)
            crew.state = "busy"
            self.log.add(
                TeamAssigned(
                    self.env.now,
                    subject=crew.id,
                    place=self.scenario.places[task.place].id,
                    ref=task.ref,
                    qty=take,
                    value=minutes,
                )
            )
            self.env.process(self._serve(crew, task, persons))

    def _rest_the_spent(self, free: list[Crew], can: list[frozenset[RescueType]], queue: list[Task]) -> None:
        """A free crew that has worked and can reach a waiting task of a type it works now, but has
        no room left in its shift for the drive and a round, rests now (else it would stand idle
        with part of a shift left while people wait)."""
        waiting = {t: [task for task in queue if task.rescue_type == t] for t in RESCUE_TYPES}
        for crew, types in zip(free, can, strict=True):
            if crew.worked_min <= 0:
                continue
            tasks = [task for t in sorted(types) for task in waiting[t]]
            if not tasks:
                continue
            reach = self.roads.reaching(crew.node, np.array([task.node for task in tasks]), toward=False)
            for task, ok in zip(tasks, reach, strict=True):
                if ok and not self._has_room(crew, task, self.roads.minutes(crew.node, task.node)):
                    crew.state = "resting"
                    self.env.process(self._rest(crew))
                    break

    def _rest(self, crew: Crew) -> ProcessGenerator:
        env = self.env
        self.log.add(TeamRestStarted(env.now, subject=crew.id, value=self.rules.rest_min))
        yield env.timeout(self.rules.rest_min)
        crew.worked_min = 0.0
        crew.state = "idle"
        self.log.add(TeamRested(env.now, subject=crew.id))
        self._dispatch()

    def _has_room(self, crew: Crew, task: Task, minutes: float) -> bool:
        """Room in the crew's shift for the drive and at least one round."""
        room = self.rules.max_shift_min - crew.worked_min
        return minutes + self.rules.round_min[task.rescue_type] <= room + 1e-9

    def _nearest_team(
        self, free: list[Crew], task: Task, nodes: np.ndarray, able: np.ndarray
    ) -> TeamChoice | None:
        """The free crew that works the task's type now (`able`), has room in its shift and the
        shortest drive to the task (minutes, index into `free`; ties to the lower index), or None:
        a search outward from the task rather than from every free crew (sim/model/roads.py
        NearestSearch), with minutes as the crew drives them."""
        if not able.any():
            return None
        search = NearestSearch(self.roads, task.node, nodes, toward=True)
        far = self.rules.max_shift_min - min(c.worked_min for c, a in zip(free, able, strict=True) if a)
        i = search(able, lambda k, minutes: self._has_room(free[k], task, minutes), far)
        return None if i is None else (search.minutes(i), i)

    # ---- processes -----------------------------------------------------------------------
    def _turn_out(self, team: TeamRoll, onset_min: float) -> ProcessGenerator:
        env = self.env
        if onset_min > env.now:
            yield env.timeout(onset_min - env.now)
        self.log.add(TeamAlerted(env.now, subject=team.id, qty=team.alerted, note=team.kind))
        if team.leaves_at_min is None:
            for crew in team.crews:
                crew.state = "out"
            self.log.add(TeamStoodDown(env.now, subject=team.id, qty=team.accepted))
            return
        yield env.timeout(team.leaves_at_min - env.now)
        for crew in team.crews:
            crew.state = "idle"
        self.log.add(
            TeamMobilised(
                env.now,
                subject=team.id,
                place=team.base_place_id,
                qty=team.leaving,
                value=float(team.accepted),
                note=str(len(team.crews)),
            )
        )
        later = []
        for name in EQUIPMENT:
            if team.equipment[name] == 0:
                continue
            delay = self.rules.equipment_delay_min(name)
            if delay <= 0:
                self._equipment_ready(team, name)
            else:
                later.append((delay, name))
        self._dispatch()
        for delay, name in sorted(later):
            yield env.timeout(team.leaves_at_min + delay - env.now)
            self._equipment_ready(team, name)
            self._dispatch()

    def _equipment_ready(self, team: TeamRoll, name: str) -> None:
        for crew in team.crews:
            if crew.equipment == name:
                crew.ready = True
        self.log.add(EquipmentReady(self.env.now, subject=team.id, item=name, qty=team.equipment[name]))

    def _deaths(self, task: Task, place_id: str) -> ProcessGenerator:
        """Log each trapped person's death when it comes, unless they were brought out first;
        deaths before the task was known are logged at once (value: the minute of death)."""
        env = self.env
        order = sorted((t, i) for i, t in enumerate(task.dies_at) if math.isfinite(t))
        k = 0
        while k < len(order):
            if order[k][0] > env.now:
                yield env.timeout(order[k][0] - env.now)
            group = []
            while k < len(order) and order[k][0] <= env.now + 1e-9:
                group.append(order[k][1])
                k += 1
            who = [i for i in group if i not in task.out and i not in task.died]
            if who:
                task.died.update(who)
                self.log.add(task._died(env.now, who, place_id))

    def _serve(self, crew: Crew, task: Task, persons: list[int]) -> ProcessGenerator:
        env, log, rules = self.env, self.log, self.rules
        place_id = self.scenario.places[task.place].id
        started = env.now
        try:
            yield from self.roads.drive(crew.node, task.node, lambda _n: None, _give_up)
            crew.node = task.node
            log.add(RescueStarted(env.now, subject=crew.id, place=place_id, ref=task.ref))
            reached = True
        except _NoRoad as held:  # a road cut ahead and no other way: hand the people back
            crew.node = held.node
            reached = False
        round_min = rules.round_min[task.rescue_type]
        per_round = rules.round_people[task.rescue_type]
        end_of_shift = started + rules.max_shift_min - crew.worked_min
        done = 0
        while reached and done < len(persons) and env.now + round_min <= end_of_shift + 1e-9:
            yield env.timeout(round_min)
            batch = persons[done : done + per_round]
            done += len(batch)
            task.bring_out(env.now, crew.id, batch, place_id, log)
        busy = env.now - started
        crew.worked_min += busy
        back = persons[done:]
        if back:
            task.give_back(back)
            if not self._to_air(task, self._able(task.rescue_type)) and task not in self.queue:
                self.queue.append(task)
        if task.township_id != crew.township_id:
            log.add(
                MutualAidRecorded(
                    env.now,
                    subject=crew.id,
                    place=place_id,
                    ref=task.ref,
                    value=crew.members * busy / MIN_PER_H * self.yuan_per_member_h,
                    note=crew.township_id,
                )
            )
        log.add(
            TeamReleased(env.now, subject=crew.id, place=place_id, ref=task.ref, qty=len(back), value=busy)
        )
        crew.state = "idle"
        if (reached and back) or rules.max_shift_min - crew.worked_min < REST_BELOW_MIN:
            crew.state = "resting"
            self.env.process(self._rest(crew))
        self._dispatch()  # handed-back people may go to another team at once

    def _watch_roads(self) -> ProcessGenerator:
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
