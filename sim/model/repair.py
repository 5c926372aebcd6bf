"""Road repair: road-repair teams reopening cut roads.

Covers: every `road_repair` team of teams.csv leaves its base `mobilisation`
minutes after the disaster's onset; whenever it is free, the repair policy
chooses a cut edge the command centre knows of (roads.py: a cut may be unseen until
reported or reached) from what it knows (which reported people
still waiting for relief each cut would reconnect to a depot, and how far the
team must drive); the team drives the live road graph to the nearer reachable
end of that edge, works the edge's repair time, and reopens it. A cut no team
can reach waits for other repairs. Two teams never work the same edge. An edge
under water (a flood cut) is no team's work until the water goes down: it then
reopens by itself, or becomes a repair job if the flood washed it out; a team
that finishes clearing debris on an edge the water has since covered leaves it
to reopen with the water.

Leaves out: team size and equipment (every team works at the hazard's stated
rate); rest and shifts (the teams issue); slowed roads are not repaired.
"""

from __future__ import annotations

import numpy as np
import simpy

from sim.events import EventLog, RepairStarted, RepairTeamAssigned, RepairTeamIdled, RoadRepaired
from sim.model.policies.repair import RepairPolicy, RepairView
from sim.model.relief import ReliefSystem
from sim.model.roads import RoadState
from sim.scenario import Scenario


class RepairCrews:
    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        roads: RoadState,
        relief: ReliefSystem,
        policy: RepairPolicy,
        log: EventLog,
        onset_min: float,
    ):
        self.env = env
        self.scenario = scenario
        self.roads = roads
        self.relief = relief
        self.policy = policy
        self.log = log
        self.repair_min: dict[int, float] = {}  # edge -> work minutes, for cut edges awaiting repair
        self.taken: set[int] = set()
        self.under_water: dict[int, float] = {}  # edge -> minute its water goes down
        self.pending: set[int] = set()  # edges with damage no team has cleared yet
        # (component labels, relief.unserved_version, served, waiting): see _waiting_by_component
        self._by_component: tuple[np.ndarray, int, np.ndarray, np.ndarray] | None = None
        self.news = env.event()  # fires when a new cut appears or becomes known: idle teams look again
        roads.learners.append(lambda _e, _how: self._wake())
        place_index = scenario.place_index()
        for team in scenario.teams:
            if team.kind == "road_repair":
                node = scenario.places[place_index[team.base_place_id]].node
                env.process(self._work(team.id, node, onset_min + team.mobilisation_min))

    def road_cut(self, edge: int, repair_min: float) -> None:
        self.repair_min[edge] = max(self.repair_min.get(edge, 0.0), repair_min)
        self.pending.add(edge)
        self._wake()

    def flooded(self, edge: int, recedes_at_min: float) -> None:
        """`edge` is under water until `recedes_at_min`: no team can reopen it before."""
        self.under_water[edge] = max(self.under_water.get(edge, 0.0), recedes_at_min)

    def receded(self, edge: int, repair_min: float) -> bool:
        """The water of one flood cut has gone down from `edge`. True if the edge now reopens by
        itself; False if another flood still covers it, the flood washed it out (`repair_min` >
        0: a team's job from now), or debris from another event still waits for a team."""
        if self.under_water.get(edge, 0.0) > self.env.now:
            return False  # a later flood's water is still on it
        self.under_water.pop(edge, None)
        if repair_min > 0.0:
            self.road_cut(edge, repair_min)
            return False
        if edge in self.pending:
            self._wake()  # its debris is workable now
            return False
        return True

    def _under_water(self, edge: int) -> bool:
        return self.under_water.get(edge, 0.0) > self.env.now

    def _wake(self) -> None:
        self.news.succeed()
        self.news = self.env.event()

    def road_reopened(self, edge: int) -> None:
        self.repair_min.pop(edge, None)

    def _reconnects(self, edges: list[int]) -> list[int]:
        """Waiting people each edge would reconnect to a depot if it alone reopened."""
        roads = self.roads
        label = roads.component_labels()  # changes only when an edge opens or closes
        served, waiting = self._waiting_by_component(label)
        cut = np.asarray(edges, dtype=np.int64)
        a, b = label[roads.u[cut]], label[roads.v[cut]]
        # an edge joining a served component to an unserved one reconnects the unserved one's people
        gain = np.where(served[a], waiting[b], waiting[a])
        return np.where(served[a] != served[b], gain, 0).tolist()

    def _waiting_by_component(self, label: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per component of the open roads: has it a depot; how many people wait for relief in
        it. Kept while the components and the waiting sites stay the same: every idle crew asks
        at every road change, mostly between the same two relief events."""
        relief, kept = self.relief, self._by_component
        if kept is None or kept[0] is not label or kept[1] != relief.unserved_version:
            served = np.zeros(label.max() + 1, dtype=bool)
            served[label[relief.depot_nodes]] = True
            unserved = relief.unserved.values()
            nodes = np.fromiter((d.node for d in unserved), dtype=np.int64, count=len(unserved))
            people = np.fromiter((d.people for d in unserved), dtype=np.int64, count=len(unserved))
            waiting = np.bincount(label[nodes], weights=people, minlength=len(served)).astype(np.int64)
            kept = self._by_component = (label, relief.unserved_version, served, waiting)
        return kept[2], kept[3]

    def _travel_min(self, node: int, edges: list[int]) -> list[float]:
        """Minutes from `node` to the nearer end of each edge (inf: cannot reach). Every idle team
        looks again at each new cut, mostly to find nothing it can reach or nothing untaken:
        only a team that can reach some end needs a shortest-path search."""
        roads = self.roads
        if not roads.reachable_any(node, [n for e in edges for n in (int(roads.u[e]), int(roads.v[e]))]):
            return [float("inf")] * len(edges)
        dist = roads.out_row(node).dist
        return np.minimum(dist[roads.u[edges]], dist[roads.v[edges]]).tolist()

    def _work(self, team: str, node: int, ready_at: float):
        env, roads = self.env, self.roads
        if ready_at > env.now:
            yield env.timeout(ready_at - env.now)
        idle_logged = False
        while True:
            edges = sorted(
                e
                for e in self.repair_min
                if e not in self.taken and roads.known_cut(e) and not self._under_water(e)
            )
            ends = self._travel_min(node, edges)
            view = RepairView(
                tuple(edges),
                tuple(self._reconnects(edges)),
                tuple(float(t) for t in ends),
                tuple(self.repair_min[e] for e in edges),
            )
            choice = self.policy(view) if edges else None
            if choice is None:
                if not idle_logged:
                    self.log.add(RepairTeamIdled(env.now, subject=team))
                    idle_logged = True
                yield self.news | roads.reopened
                continue
            idle_logged = False
            k = view.edges.index(choice)
            self.taken.add(choice)
            self.log.add(
                RepairTeamAssigned(env.now, subject=team, ref=choice, value=float(view.reconnects_people[k]))
            )
            a, b = int(roads.u[choice]), int(roads.v[choice])
            row = roads.out_row(node)  # the row _travel_min used: the team could reach this edge
            target = a if row.dist[a] <= row.dist[b] else b
            yield from roads.drive(node, target, lambda _n: None, lambda _n: None)
            node = target
            if roads.is_cut(choice) and not self._under_water(choice):  # water may have come meanwhile
                work = self.repair_min[choice]
                self.log.add(RepairStarted(env.now, subject=team, ref=choice, value=work))
                yield env.timeout(work)
                if self._under_water(choice):  # water came over it meanwhile: it reopens with the water
                    self.pending.discard(choice)
                elif roads.is_cut(choice):  # log first: the reopening's consequences follow it
                    self.log.add(RoadRepaired(env.now, subject=team, ref=choice))
                    self.pending.discard(choice)
                    roads.set_factor(choice, 1.0)
            self.taken.discard(choice)
