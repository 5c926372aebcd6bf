"""Relief logistics: the tiered stockpiles, their trucks, and shipments to villages.

Covers: depots by tier (city, township, contract, province) holding integer
stock per item; a command centre that, when a village's needs are reported,
asks the relief policy which depots give what, reserves that stock at once and
sends it in truckloads (several trucks per depot run in parallel; a shipment
may be partial); contract and province reserves ship only after their lead
time, counted from the first call-off; lateral aid between township points is
recorded with its replacement cost. A truck cycle is: wait for a truck, load,
drive (fastest road path), unload (delivered at the end of unloading), drive
back. Loads carrying initial-relief items go before basic-only loads when
`policy.load_order = initial_first`.

Leaves out: multi-stop truck tours; truck breakdowns; road damage and
re-routing (the hazards issue); resupply of depots from production; loading
bays as a separate limit (loading is done by the truck's own crew).

Stock flow, all in integer units and visible in the event log:
on hand --relief_allocated (reserved, still on hand)--> shipment_loaded (in transit)
--> shipment_delivered (delivered). Conservation is checked on the log by tests.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import simpy

from sim.events import Event, EventKind, EventLog
from sim.model.hazards import VillageNeed
from sim.model.policies import DepotView, ReliefPolicy, ReliefRequest
from sim.scenario import Scenario
from sim.scenario.roads import travel_table
from sim.settings import CostSettings


@dataclass(frozen=True)
class Load:
    """One truckload for one village: (item index, units) pairs."""

    depot: int
    place: int
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
        policy: ReliefPolicy,
        costs: CostSettings,
        log: EventLog,
        initial_first: bool,
    ):
        self.env = env
        self.scenario = scenario
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
        nodes = np.array([d.node for d in depots], dtype=np.int64)
        self.out_min, self.back_min = travel_table(scenario.road.time_min, nodes)
        self.initial = [it.cls == "initial" for it in scenario.items]
        self._shipments = 0

    def view(self) -> DepotView:
        available = self.available.view()
        available.flags.writeable = False
        return DepotView(
            tier=tuple(d.tier for d in self.scenario.depots),
            township_id=tuple(d.township_id for d in self.scenario.depots),
            available=available,
            out_min=self.out_min,
            ready_at_min=self.ready_at.copy(),
            lead_time_min=self.lead,
        )

    def handle_reports(self, batch: list[VillageNeed]) -> None:
        """Allocate stock for villages reported at the same minute, then send the loads.

        Villages are served in report order (same minute: file order), each reserving
        stock before the next is considered. Loads then queue for trucks, initial
        relief first, so a basic-only load of an earlier village cannot take a truck
        ahead of initial relief reported at the same minute.
        """
        now = self.env.now
        items = self.scenario.items
        loads: list[Load] = []
        for vn in batch:
            place = self.scenario.places[vn.place]
            for i, q in enumerate(vn.need):
                if q > 0:
                    self.log.add(Event(now, EventKind.NEED_REPORTED, place=place.id, item=items[i].id, qty=q))
            request = ReliefRequest(vn.place, place.node, place.township_id, vn.need, now)
            allocations = self.policy(request, self.view())
            by_depot: dict[int, dict[int, int]] = defaultdict(dict)
            given = [0] * len(items)
            for d, i, q in allocations:
                if q <= 0 or q > self.available[d, i]:
                    raise RuntimeError(
                        f"policy allocated {q} of item {i} at depot {d}, "
                        f"which has {self.available[d, i]} available"
                    )
                self.available[d, i] -= q
                given[i] += q
                by_depot[d][i] = by_depot[d].get(i, 0) + q
            for i, q in enumerate(vn.need):
                if given[i] > q:
                    raise RuntimeError(f"policy allocated {given[i]} of item {i}, need was {q}")
                if given[i] < q:
                    self.log.add(
                        Event(now, EventKind.RELIEF_SHORT, place=place.id, item=items[i].id, qty=q - given[i])
                    )
            for d in sorted(by_depot):
                loads += self._ship(d, vn.place, by_depot[d])
        for load in sorted(loads, key=lambda ld: (ld.priority, ld.shipment)):
            self.env.process(self._deliver(load))

    def _ship(self, d: int, p: int, units: dict[int, int]) -> list[Load]:
        """Record the reservation of `units` at depot `d` for place `p`; return its loads."""
        now = self.env.now
        depot = self.scenario.depots[d]
        place = self.scenario.places[p]
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
        return [Load(d, p, items, prio, shipment) for items, prio in packed]

    def _deliver(self, load: Load):
        env, log = self.env, self.log
        depot = self.scenario.depots[load.depot]
        place = self.scenario.places[load.place]
        items = self.scenario.items
        wait = self.ready_at[load.depot] - env.now
        if wait > 0:
            yield env.timeout(wait)
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
                    )
                )
            out = float(self.out_min[load.depot, place.node])
            log.add(
                Event(
                    env.now,
                    EventKind.SHIPMENT_DEPARTED,
                    subject=truck,
                    place=place.id,
                    depot=depot.id,
                    ref=load.shipment,
                    value=out,
                )
            )
            yield env.timeout(out + self.scenario.unload_min)
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
                    )
                )
            back = float(self.back_min[load.depot, place.node])
            if not math.isfinite(back):
                back = out  # cannot happen on a strongly connected graph; keep the truck honest
            yield env.timeout(back)
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
