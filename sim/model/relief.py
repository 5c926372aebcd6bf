"""Relief logistics: the tiered stockpiles, their trucks, and shipments to where people are.

Covers: depots by tier (city, township, contract, province) holding integer
stock per item; a command centre that acts on reports as they arrive (reports
of the same minute together, villages in file order): for each new need it asks
the relief policy which depots give what, reserves that stock at once and sends
it in truckloads (several trucks per depot in parallel; shipments may be
partial). Need the policy cannot cover is either short for good (no stock
anywhere) or deferred (stock exists but no road reaches the site now); deferred
need is retried whenever a road reopens. Contract and province reserves ship
only after their lead time, counted from the first call-off; lateral aid between
township points is recorded with its replacement cost. A truck cycle: wait for
a truck, load, drive the live road graph (re-routing round cuts, waiting where
no road leads on), unload (delivered at the end of unloading), drive back.
Loads carrying initial-relief items go first when `policy.load_order =
initial_first`. Villages reached by no depot are logged as isolated.

Leaves out: multi-stop truck tours; truck breakdowns; resupply of depots from
production; loading bays as a separate limit (loading is done by the truck's
own crew).

Stock flow, all in integer units and visible in the event log:
on hand --relief_allocated (reserved, still on hand)--> shipment_loaded (in transit)
--> shipment_delivered (delivered). Conservation is checked on the log by tests.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import simpy

from sim.events import Event, EventKind, EventLog
from sim.model.policies import DepotView, ReliefPolicy, ReliefRequest
from sim.model.roads import FLUSH_PRIORITY, RoadState
from sim.scenario import Scenario
from sim.settings import CostSettings


@dataclass(frozen=True)
class Report:
    """New need reported for the people of `village` at one site."""

    village: int  # index into scenario.places
    site: str  # the village's place id or a shelter id
    node: int
    people: int  # people newly reported at the site
    need: tuple[int, ...]  # units newly reported, per item


@dataclass
class Demand:
    """Need at one (village, site): what was reported, what waits for a road."""

    village: int
    site: str
    node: int
    pending: list[int] = field(default_factory=list)  # reported, not allocated: no road to stock
    people: int = 0  # reported so far
    reported_units: int = 0
    delivered_units: int = 0

    @property
    def waiting(self) -> bool:
        return self.delivered_units < self.reported_units


class _Flush(simpy.Event):
    """An event processed after every other event of the same instant (as SimPy's Timeout
    is built: already triggered, then scheduled), so same-minute reports are handled together."""

    def __init__(self, env: simpy.Environment, callback) -> None:
        super().__init__(env)
        self._ok = True
        self._value = None
        self.callbacks.append(callback)
        env.schedule(self, priority=FLUSH_PRIORITY)


@dataclass(frozen=True)
class Load:
    """One truckload for one site: (item index, units) pairs."""

    depot: int
    demand: Demand
    items: tuple[tuple[int, int], ...]
    priority: int  # 0 goes first
    shipment: int


def pack(
    units: dict[int, int], capacity: int, initial: list[bool], initial_first: bool
) -> list[tuple[tuple[tuple[int, int], ...], int]]:
    """Split {item: units} into truckloads of at most `capacity` units.

    Initial-relief items are packed first so they travel on the first trucks.
    Returns [(((item, units), ...), priority)], priority 0 when a load carries an
    initial item (or always 0 under FIFO), else 1.
    """
    order = sorted(units, key=lambda i: (not initial[i], i))
    loads: list[tuple[tuple[int, int], ...]] = []
    current: list[tuple[int, int]] = []
    room = capacity
    for i in order:
        left = units[i]
        while left > 0:
            take = min(left, room)
            current.append((i, take))
            left -= take
            room -= take
            if room == 0:
                loads.append(tuple(current))
                current, room = [], capacity
    if current:
        loads.append(tuple(current))
    return [(load, 0 if (not initial_first or any(initial[i] for i, _ in load)) else 1) for load in loads]


class ReliefSystem:
    """The stockpiles and trucks of one replication."""

    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        roads: RoadState,
        policy: ReliefPolicy,
        costs: CostSettings,
        log: EventLog,
        initial_first: bool,
    ):
        self.env = env
        self.scenario = scenario
        self.roads = roads
        self.policy = policy
        self.costs = costs
        self.log = log
        self.initial_first = initial_first
        depots = scenario.depots
        self.available = np.array([d.stock for d in depots], dtype=np.int64).reshape(
            len(depots), len(scenario.items)
        )
        self.trucks = [simpy.PriorityResource(env, capacity=max(d.trucks, 1)) for d in depots]
        self.free_trucks = [list(range(d.trucks)) for d in depots]
        self.ready_at = np.array([0.0 if d.lead_time_min == 0 else np.nan for d in depots])
        self.lead = np.array([d.lead_time_min for d in depots])
        self.depot_nodes = np.array([d.node for d in depots], dtype=np.int64)
        self.tier = tuple(d.tier for d in depots)
        self.township = tuple(d.township_id for d in depots)
        self.initial = [it.cls == "initial" for it in scenario.items]
        self.demands: dict[tuple[int, str], Demand] = {}
        self.isolated: dict[int, bool] = {}  # struck village -> cut off from every depot
        self._inbox: list[Report] = []
        self._flush_due = False
        self._retry = False
        self._shipments = 0
        roads.listeners.append(self._road_changed)

    # ---- reports -------------------------------------------------------------------------
    def receive(self, report: Report) -> None:
        """Queue a report; reports of the same instant are handled together."""
        self._inbox.append(report)
        self._schedule_flush()

    def _schedule_flush(self) -> None:
        if not self._flush_due:
            self._flush_due = True
            _Flush(self.env, self._flush)

    def _flush(self, _event: simpy.Event) -> None:
        self._flush_due = False
        batch = sorted(self._inbox, key=lambda r: (r.village, r.site))
        self._inbox = []
        loads: list[Load] = []
        for r in batch:
            loads += self._handle(r)
        if self._retry:
            self._retry = False
            for key in sorted(self.demands):
                d = self.demands[key]
                if any(d.pending):
                    need, d.pending = tuple(d.pending), [0] * len(d.pending)
                    loads += self._allocate(d, need)
        for load in sorted(loads, key=lambda ld: (ld.priority, ld.shipment)):
            self.env.process(self._deliver(load))

    def _handle(self, r: Report) -> list[Load]:
        place = self.scenario.places[r.village]
        key = (r.village, r.site)
        demand = self.demands.get(key)
        if demand is None:
            demand = self.demands[key] = Demand(r.village, r.site, r.node, [0] * len(r.need))
        for i, q in enumerate(r.need):
            if q > 0:
                self.log.add(
                    Event(
                        self.env.now,
                        EventKind.NEED_REPORTED,
                        place=place.id,
                        item=self.scenario.items[i].id,
                        qty=q,
                        note=r.site,
                    )
                )
        demand.people += r.people
        demand.reported_units += sum(r.need)
        need = tuple(p + q for p, q in zip(demand.pending, r.need, strict=True))
        demand.pending = [0] * len(need)
        return self._allocate(demand, need)

    def _allocate(self, demand: Demand, need: tuple[int, ...]) -> list[Load]:
        now = self.env.now
        place = self.scenario.places[demand.village]
        travel = self.roads.in_row(demand.node).dist[self.depot_nodes]
        request = ReliefRequest(demand.village, demand.node, place.township_id, need, now)
        allocations = self.policy(request, self.view(travel))
        by_depot: dict[int, dict[int, int]] = defaultdict(dict)
        given = [0] * len(need)
        for d, i, q in allocations:
            if q <= 0 or q > self.available[d, i] or not np.isfinite(travel[d]):
                raise RuntimeError(
                    f"policy allocated {q} of item {i} at depot {d} (available "
                    f"{self.available[d, i]}, travel {travel[d]})"
                )
            self.available[d, i] -= q
            given[i] += q
            by_depot[d][i] = by_depot[d].get(i, 0) + q
        for i, q in enumerate(need):
            if given[i] > q:
                raise RuntimeError(f"policy allocated {given[i]} of item {i}, need was {q}")
            rest = q - given[i]
            if rest == 0:
                continue
            item = self.scenario.items[i].id
            if (self.available[:, i] > 0).any():  # stock exists, but no road reaches the site now
                demand.pending[i] += rest
                self.log.add(
                    Event(
                        now, EventKind.RELIEF_DEFERRED, place=place.id, item=item, qty=rest, note=demand.site
                    )
                )
            else:
                self.log.add(
                    Event(now, EventKind.RELIEF_SHORT, place=place.id, item=item, qty=rest, note=demand.site)
                )
        loads: list[Load] = []
        for d in sorted(by_depot):
            loads += self._ship(d, demand, by_depot[d])
        return loads

    def view(self, travel: np.ndarray) -> DepotView:
        available = self.available.view()
        available.flags.writeable = False
        return DepotView(
            tier=self.tier,
            township_id=self.township,
            available=available,
            travel_min=travel,
            ready_at_min=self.ready_at.copy(),
            lead_time_min=self.lead,
        )

    def _ship(self, d: int, demand: Demand, units: dict[int, int]) -> list[Load]:
        """Record the reservation of `units` at depot `d` for a site; return its loads."""
        now = self.env.now
        depot = self.scenario.depots[d]
        place = self.scenario.places[demand.village]
        self._shipments += 1
        shipment = self._shipments
        for i in sorted(units):
            self.log.add(
                Event(
                    now,
                    EventKind.RELIEF_ALLOCATED,
                    place=place.id,
                    depot=depot.id,
                    item=self.scenario.items[i].id,
                    qty=units[i],
                    ref=shipment,
                    note=demand.site,
                )
            )
        if np.isnan(self.ready_at[d]):
            self.ready_at[d] = now + depot.lead_time_min
            self.log.add(
                Event(now, EventKind.CONTRACT_ACTIVATED, depot=depot.id, value=float(self.ready_at[d]))
            )
        if depot.tier == "township" and depot.township_id != place.township_id:
            cost = sum(q * self.costs.item_yuan(self.scenario.items[i].id) for i, q in units.items())
            self.log.add(
                Event(
                    now,
                    EventKind.LATERAL_AID_RECORDED,
                    place=place.id,
                    depot=depot.id,
                    qty=sum(units.values()),
                    ref=shipment,
                    value=float(cost),
                )
            )
        packed = pack(units, depot.truck_capacity, self.initial, self.initial_first)
        return [Load(d, demand, items, prio, shipment) for items, prio in packed]

    # ---- trucks --------------------------------------------------------------------------
    def _deliver(self, load: Load):
        env, log = self.env, self.log
        depot = self.scenario.depots[load.depot]
        place = self.scenario.places[load.demand.village]
        site = load.demand.site
        items = self.scenario.items
        wait = self.ready_at[load.depot] - env.now
        if wait > 0:
            yield env.timeout(wait)
        asked = env.now
        with self.trucks[load.depot].request(priority=load.priority) as req:
            yield req
            truck_no = heapq.heappop(self.free_trucks[load.depot])
            truck = f"{depot.id}/truck{truck_no + 1}"
            started = env.now
            log.add(
                Event(
                    started,
                    EventKind.TRUCK_ASSIGNED,
                    subject=truck,
                    place=place.id,
                    depot=depot.id,
                    ref=load.shipment,
                    value=started - asked,
                    note=site,
                )
            )
            yield env.timeout(depot.load_min)
            for i, q in load.items:
                log.add(
                    Event(
                        env.now,
                        EventKind.SHIPMENT_LOADED,
                        subject=truck,
                        place=place.id,
                        depot=depot.id,
                        item=items[i].id,
                        qty=q,
                        ref=load.shipment,
                        note=site,
                    )
                )
            planned = self.roads.minutes(depot.node, load.demand.node)
            log.add(
                Event(
                    env.now,
                    EventKind.SHIPMENT_DEPARTED,
                    subject=truck,
                    place=place.id,
                    depot=depot.id,
                    ref=load.shipment,
                    value=planned,
                    note=site,
                )
            )
            yield from self.roads.drive(
                depot.node, load.demand.node, *self._road_log(truck, place.id, load.shipment)
            )
            yield env.timeout(self.scenario.unload_min)
            for i, q in load.items:
                log.add(
                    Event(
                        env.now,
                        EventKind.SHIPMENT_DELIVERED,
                        subject=truck,
                        place=place.id,
                        depot=depot.id,
                        item=items[i].id,
                        qty=q,
                        ref=load.shipment,
                        note=site,
                    )
                )
            load.demand.delivered_units += sum(q for _, q in load.items)
            yield from self.roads.drive(
                load.demand.node, depot.node, *self._road_log(truck, None, load.shipment)
            )
            log.add(
                Event(
                    env.now,
                    EventKind.TRUCK_RETURNED,
                    subject=truck,
                    depot=depot.id,
                    ref=load.shipment,
                    value=float(env.now - started),
                )
            )
            heapq.heappush(self.free_trucks[load.depot], truck_no)

    def _road_log(self, truck: str, place: str | None, shipment: int):
        node_ids = self.scenario.road.node_ids

        def rerouted(node: int) -> None:
            self.log.add(
                Event(
                    self.env.now,
                    EventKind.TRUCK_REROUTED,
                    subject=truck,
                    place=place,
                    ref=shipment,
                    note=node_ids[node],
                )
            )

        def held(node: int) -> None:
            self.log.add(
                Event(
                    self.env.now,
                    EventKind.TRUCK_HELD,
                    subject=truck,
                    place=place,
                    ref=shipment,
                    note=node_ids[node],
                )
            )

        return rerouted, held

    # ---- roads ---------------------------------------------------------------------------
    def watch_isolation(self, village: int) -> None:
        """Start tracking whether a struck village can be reached from any depot."""
        if village not in self.isolated:
            self.isolated[village] = False
            self._update_isolation([village], self.roads.nearest_source_min(self.depot_nodes))

    def _update_isolation(self, villages: list[int], reach_min: np.ndarray) -> None:
        for village in villages:
            place = self.scenario.places[village]
            cut = not np.isfinite(reach_min[place.node])
            if cut != self.isolated[village]:
                self.isolated[village] = cut
                kind = EventKind.PLACE_ISOLATED if cut else EventKind.PLACE_RECONNECTED
                self.log.add(Event(self.env.now, kind, place=place.id))

    def _road_changed(self, _edge: int, old: float, new: float) -> None:
        if old != 0 and new != 0:
            return  # a slowdown or speed-up never cuts anything off
        if self.isolated:
            self._update_isolation(sorted(self.isolated), self.roads.nearest_source_min(self.depot_nodes))
        if old == 0 and any(any(d.pending) for d in self.demands.values()):
            self._retry = True
            self._schedule_flush()
