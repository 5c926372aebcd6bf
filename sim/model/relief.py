"""Relief logistics: the tiered stockpiles, their trucks, and shipments to where people are.

Covers: depots by tier (city, township, contract, province) holding integer
stock per item; a command centre that acts on reports as they arrive (reports
of the same minute together, villages in file order): for each new need it asks
the relief policy which depots give what, reserves that stock at once and sends
it in truckloads (several trucks per depot in parallel; shipments may be
partial). Reserved stock waits at its depot as orders; a free truck takes the
most urgent site (initial relief first, then the oldest order) and loads
everything waiting for that site up to its capacity, so people of several
villages in one shelter share full trucks. With room left, the route policy
(`trucks.routing`, sim/model/policies/routes.py) adds further sites waiting at the depot
near it, each with all its waiting units, within the truck's capacity, at most
`max_stops` drops and no drop more than `max_delay_min` behind a straight drive
(multi_drop: insertion, then local search; single_drop keeps one site a trip). Need the policy cannot cover is
either short for good (no unreserved stock anywhere) or deferred (stock exists but
no road reaches the site now); deferred need is retried whenever a road reopens or
a top-up arrives (new stock where a road may reach). Contract and province
reserves ship only after their lead time, counted from the first call-off;
lateral aid between township points is recorded with its replacement cost. A
trip: load everything at once, then per drop wait for a driver who may drive the
leg (sim/model/drivers.py), drive the live road graph (re-routing round cuts,
waiting where no road leads on), unload (delivered at the end of unloading);
then drive back. Loads carrying initial-relief items go first when
`policy.load_order = initial_first`. Villages reached by no depot are logged as
isolated.

Restocking: once an instant's reports are served, a township point whose
unreserved stock of an item (with top-ups on their way) is below
`trucks.restock_below` of its starting stock is ordered back up to it from the
city depots, then the contract reserves (which start their lead time), whichever a
road joins to it now. The top-up is reserved at the source and carried by its
trucks after every load for people there (people first: a top-up only moves stock
nearer to where the next reports will come from).

Leaves out: truck breakdowns; resupply of depots from production or the province
reserve's restocking of the city; splitting one site's load over a trip's drops
(a further site rides along only whole); loading bays as a separate limit (loading
is done by the truck's own crew).

Stock flow, all in integer units and visible in the event log:
on hand --relief_allocated | restock_ordered (reserved, still on hand)--> shipment_loaded
(in transit) --> shipment_delivered (delivered) | depot_restocked (on hand at the
township point). Conservation is checked on the log by tests.

Connects to: the live roads (subscribes to `RoadState.listeners`); the aircraft through the
`DeferredRelief` port (sim/model/ports.py), connected by world.build with `connect_air`
when the county has aircraft; serves the aircraft as their `AirStock`.

Size: one real-world process, relief from a reported need to a delivery (allocation, trucks, trips,
restocking, air hand-off), whose parts share the depots' stock and the trucks' state; split, they
would pass that state between files.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import simpy

from sim.events import (
    CargoMoved,
    ContractActivated,
    DepotRestocked,
    EventLog,
    LateralAidRecorded,
    NeedReported,
    PlaceIsolated,
    PlaceReconnected,
    ReliefAllocated,
    ReliefDeferred,
    ReliefShort,
    RestockOrdered,
    ShipmentDelivered,
    ShipmentDeparted,
    ShipmentLoaded,
    TruckAssigned,
    TruckHeld,
    TruckRerouted,
    TruckRested,
    TruckReturned,
)
from sim.model.drivers import Crew
from sim.model.policies.relief import DepotView, ReliefPolicy, ReliefRequest
from sim.model.policies.routes import RoutePolicy, RouteView, single_drop
from sim.model.ports import DeferredRelief
from sim.model.roads import FLUSH_PRIORITY, RoadState
from sim.scenario import Scenario
from sim.settings import CostSettings, TruckSettings

# A multi-drop trip considers, beside its most urgent site, the sites waiting at the depot
# nearest that site, this many per allowed drop (tuning only: the far ones rarely pass the delay rule).
ROUTE_CANDIDATES_PER_STOP = 4


@dataclass(frozen=True)
class Report:
    """New need reported for the people of `village` at one site."""

    village: int  # index into scenario.places
    site: str  # the village's place id or a shelter id
    node: int
    township_id: str  # the township the site lies in
    people: int  # people newly reported at the site
    need: tuple[int, ...]  # units newly reported, per item


@dataclass
class Demand:
    """Need at one (village, site): what was reported, what waits for a road."""

    village: int
    site: str
    node: int
    township_id: str  # of the site: people in a shelter are served first by the shelter's township
    pending: list[int] = field(default_factory=list)  # reported, not allocated: no road to stock
    people: int = 0  # reported so far
    reported_units: int = 0
    delivered_units: int = 0
    to_depot: int = -1  # a township point being restocked (its stock, not people, is the site)

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


@dataclass
class Order:
    """Reserved stock at a depot waiting for a truck to one site."""

    seq: int  # reservation order: older orders go first
    demand: Demand
    item: int
    units: int
    since_min: float  # when it could first ship (reserved, or the reserve's ready time)
    cycle_min: float = 0.0  # a truck's expected round trip for it (load, drive, unload, back)


def order_urgency(o: Order, initial: list[bool], initial_first: bool) -> tuple[int, int]:
    """Which order a truck takes first: initial-relief items (under initial_first), then the
    rest, then restocking of township points (people first: a top-up only moves stock nearer),
    each oldest first."""
    if o.demand.to_depot >= 0:
        return (2, o.seq)
    return (0 if (not initial_first or initial[o.item]) else 1, o.seq)


def next_load(
    orders: list[Order], capacity: int, initial: list[bool], initial_first: bool
) -> tuple[str, list[tuple[Order, int]]]:
    """The next truckload at a depot: (site, [(order, units taken)]).

    The most urgent site goes first: a site waiting for any initial-relief item (under
    initial_first), then the site with the oldest order. Its orders fill the truck,
    initial items first, then oldest first; the last may be split.
    """

    def urgency(o: Order) -> tuple[int, int]:
        return order_urgency(o, initial, initial_first)

    site = min(orders, key=urgency).demand.site
    taken, room = [], capacity
    for o in sorted((o for o in orders if o.demand.site == site), key=urgency):
        if room == 0:
            break
        q = min(o.units, room)
        taken.append((o, q))
        room -= q
    return site, taken


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
        trucks: TruckSettings,
        route_policy: RoutePolicy = single_drop,
    ):
        self.env = env
        self.scenario = scenario
        self.roads = roads
        self.policy = policy
        self.costs = costs
        self.log = log
        self.initial_first = initial_first
        self.trucks = trucks
        self.route_policy = route_policy
        depots = scenario.depots
        self.available = np.array([d.stock for d in depots], dtype=np.int64).reshape(
            len(depots), len(scenario.items)
        )
        self.starting = self.available.copy()
        self.due = np.zeros_like(self.available)  # restocking ordered for a township point, not yet there
        # sources of a top-up: city depots, then contract reserves, each in file order
        self.restock_sources = [d for d, x in enumerate(depots) if x.tier == "city"] + [
            d for d, x in enumerate(depots) if x.tier == "contract"
        ]
        self.restock_demands: dict[int, Demand] = {}
        self._low: set[int] = set()  # depots that gave stock this instant
        self.queue: list[list[Order]] = [[] for _ in depots]  # reserved stock waiting for a truck
        # per depot, per truck: when it is expected back (now or earlier: at the depot); the
        # relief policy sees it through truck_free_at
        self.truck_back: list[list[float]] = [[0.0] * d.trucks for d in depots]
        # truck_free_at per (depot, urgent): the queued loads (_queued_loads) kept while the
        # depot's queue, trucks' expected returns and ready time stay as they were, and the answer
        # while the clock stays too; every change to those bumps depot_version (_depot_changed).
        # Many sites are served at one instant, each asking for every depot.
        self.depot_version = [0] * len(depots)
        self._free_at: dict[tuple[int, bool], tuple[float, int, float, list[tuple[int, float]]]] = {}
        self.load_min = np.array([d.load_min for d in depots], dtype=float)
        self.work = [env.event() for _ in depots]  # fires when orders arrive at a depot
        self.ready_at = np.array([0.0 if d.lead_time_min == 0 else np.nan for d in depots])
        self.lead = np.array([d.lead_time_min for d in depots])
        self.depot_nodes = np.array([d.node for d in depots], dtype=np.int64)
        self.tier = tuple(d.tier for d in depots)
        self.township = tuple(d.township_id for d in depots)
        self.initial = [it.cls == "initial" for it in scenario.items]
        self.demands: dict[tuple[int, str], Demand] = {}
        self.unserved: dict[tuple[int, str], Demand] = {}  # those still waiting for units
        self.unserved_version = 0  # bumped when a site joins or leaves them, or its people change
        self.isolated: dict[int, bool] = {}  # struck village -> cut off from every depot
        self._inbox: list[Report] = []
        self._flush_due = False
        self._retry = False
        self._orders = 0
        self._loads = 0
        # called with a Demand whose need was deferred for want of a road (the helicopters' relief
        # lift, sim/model/air.py, when the county has aircraft)
        self.air: DeferredRelief | None = None  # the aircraft, once connected (connect_air)
        self.air_orders: list[Order] = []  # stock set aside at the air depot for the aircraft
        self.air_depot = -1
        roads.listeners.append(self._road_changed)
        for d, depot in enumerate(depots):
            for k in range(depot.trucks):
                env.process(self._truck(d, k, f"{depot.id}/truck{k + 1}"))

    # ---- reports -------------------------------------------------------------------------

    def connect_air(self, air: DeferredRelief) -> None:
        """Connect the aircraft (sim/model/ports.py; wired once by world.build after both are built):
        need deferred for want of a road is then handed to the aircraft to lift."""
        self.air = air

    def receive(self, report: Report) -> None:
        """Queue a report; reports of the same instant are handled together."""
        self._inbox.append(report)
        self._schedule_flush()

    def _schedule_flush(self) -> None:
        if not self._flush_due:
            self._flush_due = True
            _Flush(self.env, self._flush)

    def _flush(self, _event: simpy.Event) -> None:
        """Allocate for this instant's reports, and deferred need again if a road reopened."""
        self._flush_due = False
        batch = sorted(self._inbox, key=lambda r: (r.village, r.site))
        self._inbox = []
        for r in batch:
            self._handle(r)
        if self._retry:
            self._retry = False
            for key in sorted(self.demands):
                d = self.demands[key]
                if any(d.pending):
                    need, d.pending = tuple(d.pending), [0] * len(d.pending)
                    self._allocate(d, need)
        if self._low:  # people first: top-ups take only what this instant's needs left
            low, self._low = sorted(self._low), set()
            self._restock(low)

    def _handle(self, r: Report) -> None:
        place = self.scenario.places[r.village]
        key = (r.village, r.site)
        demand = self.demands.get(key)
        if demand is None:
            demand = self.demands[key] = Demand(r.village, r.site, r.node, r.township_id, [0] * len(r.need))
        for i, q in enumerate(r.need):
            if q > 0:
                self.log.add(
                    NeedReported(
                        self.env.now, place=place.id, item=self.scenario.items[i].id, qty=q, note=r.site
                    )
                )
        demand.people += r.people
        demand.reported_units += sum(r.need)
        if demand.waiting:
            self.unserved[key] = demand
        self.unserved_version += 1
        need = tuple(p + q for p, q in zip(demand.pending, r.need, strict=True))
        demand.pending = [0] * len(need)
        self._allocate(demand, need)

    def _allocate(self, demand: Demand, need: tuple[int, ...]) -> None:
        now = self.env.now
        place = self.scenario.places[demand.village]
        request = ReliefRequest(demand.village, demand.node, demand.township_id, need, now)
        view = self.view(demand.node)
        allocations = self.policy(request, view)
        by_depot: dict[int, dict[int, int]] = defaultdict(dict)
        given = [0] * len(need)
        deferred = False
        for d, i, q in allocations:
            if q <= 0 or q > self.available[d, i] or not view.reachable[d]:
                raise RuntimeError(
                    f"policy allocated {q} of item {i} at depot {d} (available "
                    f"{self.available[d, i]}, road to the site: {bool(view.reachable[d])})"
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
                # (stock reserved for a township point's top-up is not: it is short, as for a village)
                demand.pending[i] += rest
                self.log.add(ReliefDeferred(now, place=place.id, item=item, qty=rest, note=demand.site))
                deferred = True
            else:
                self.log.add(ReliefShort(now, place=place.id, item=item, qty=rest, note=demand.site))
        for d in sorted(by_depot):
            self._reserve(d, demand, by_depot[d])
        self._low.update(by_depot)  # looked at once this instant's reports are served (_flush)
        if deferred and self.air is not None:
            self.air.lift(demand)

    def view(self, node: int) -> DepotView:
        """The depots as the command centre sees them for a site at road node `node`:
        drives from each depot on the live roads, asked for as far as the policy needs them,
        and when each depot's trucks could take it (truck_free_at)."""
        available = self.available.view()
        available.flags.writeable = False
        roads, depots = self.roads, self.depot_nodes
        reachable = roads.reaching(node, depots, toward=True)
        reachable.flags.writeable = False

        def travel_beyond(known: float) -> tuple[np.ndarray, float]:
            row = roads.row_beyond(node, known, toward=True)
            return row.dist[depots], row.limit

        return DepotView(
            tier=self.tier,
            township_id=self.township,
            available=available,
            reachable=reachable,
            travel_beyond=travel_beyond,
            ready_at_min=self.ready_at.copy(),
            lead_time_min=self.lead,
            truck_free_at_min=self.truck_free_at(self.initial_first),
            load_min=self.load_min,
            first_items=tuple(self.initial) if self.initial_first else None,
            truck_free_rest_at_min=self.truck_free_at(False) if self.initial_first else None,
        )

    def truck_free_at(self, urgent: bool) -> np.ndarray:
        """Per depot, when a truck could start loading a new order: the trucks' expected returns,
        then the loads queued ahead of it taken in turn by whichever truck is back first (an
        estimate: each queued site's units in full truckloads, on the round trip its orders
        expected when reserved). Ahead of an urgent order (one with initial-relief items, under
        initial_first) are only the initial-relief units queued; ahead of any other, all.
        inf for a depot without trucks. Orders that arrive later and jump ahead are not foreseen."""
        now = self.env.now
        free = np.full(len(self.truck_back), math.inf)
        for d, backs in enumerate(self.truck_back):
            if not backs:
                continue
            if not self.queue[d]:
                free[d] = max(min(backs), now)
                continue
            version = self.depot_version[d]
            kept = self._free_at.get((d, urgent))
            if kept is not None and kept[1] == version:
                at, _, value, loads = kept
                if at == now:
                    free[d] = value
                    continue
            else:
                loads = self._queued_loads(d, urgent)
            start = now if np.isnan(self.ready_at[d]) else max(now, self.ready_at[d])  # a reserve's lead
            trucks = [max(b, start) for b in backs]
            heapq.heapify(trucks)
            for n, cycle in loads:
                for _ in range(n):
                    heapq.heappush(trucks, heapq.heappop(trucks) + cycle)
            free[d] = trucks[0]
            self._free_at[d, urgent] = (now, version, trucks[0], loads)
        return free

    def _queued_loads(self, d: int, urgent: bool) -> list[tuple[int, float]]:
        """Depot d's queued sites in the order they queued, as (truckloads, expected round trip):
        each site's units (only initial-relief ones when `urgent`) in full truckloads, the last
        one partial, on the longest round trip its orders expected when reserved."""
        units: dict[str, int] = {}
        cycle: dict[str, float] = {}
        for o in sorted(self.queue[d], key=lambda o: o.seq):  # sites in the order they queued
            if urgent and not self.initial[o.item]:
                continue
            units[o.demand.site] = units.get(o.demand.site, 0) + o.units
            cycle[o.demand.site] = max(cycle.get(o.demand.site, 0.0), o.cycle_min)
        cap = self.scenario.depots[d].truck_capacity
        return [(-(-q // cap), cycle[site]) for site, q in units.items()]

    def _depot_changed(self, d: int) -> None:
        """Depot d's queue, trucks' expected returns or ready time changed: truck_free_at recounts."""
        self.depot_version[d] += 1

    def _cycle_min(self, d: int, node: int) -> float:
        """A truck's expected round trip from depot d to road node `node` on the roads of now:
        loading, the drive there, unloading, the same drive back (inf where no road leads)."""
        depot = self.scenario.depots[d]
        drive = self.roads.minutes(depot.node, node)
        return depot.load_min + 2 * drive + self.scenario.unload_min

    def _reserve(self, d: int, demand: Demand, units: dict[int, int]) -> None:
        """Reserve `units` at depot `d` for a site: they wait there as orders for a truck."""
        now = self.env.now
        depot = self.scenario.depots[d]
        if np.isnan(self.ready_at[d]):
            self.ready_at[d] = now + depot.lead_time_min
            self.log.add(ContractActivated(now, depot=depot.id, value=float(self.ready_at[d])))
        cycle = self._cycle_min(d, demand.node)
        for i in sorted(units):
            seq = self._allocated(d, demand, i, units[i])
            self.queue[d].append(Order(seq, demand, i, units[i], max(now, self.ready_at[d]), cycle))
        if demand.to_depot < 0:
            self._record_lateral_aid(d, demand, units)
        self._depot_changed(d)
        self.work[d].succeed()
        self.work[d] = self.env.event()

    def _allocated(self, d: int, demand: Demand, i: int, q: int) -> int:
        """Log q units of item i reserved at depot d for demand's site (people, or a township
        point's top-up); the order's number."""
        self._orders += 1
        self.log.add(
            (RestockOrdered if demand.to_depot >= 0 else ReliefAllocated)(
                self.env.now,
                place=self.scenario.places[demand.village].id,
                depot=self.scenario.depots[d].id,
                item=self.scenario.items[i].id,
                qty=q,
                ref=self._orders,
                note=demand.site,
            )
        )
        return self._orders

    def _record_lateral_aid(self, d: int, demand: Demand, units: dict[int, int]) -> None:
        """Stock of one township's point sent to another township's site: its replacement cost."""
        depot = self.scenario.depots[d]
        if depot.tier != "township" or depot.township_id == demand.township_id:
            return
        cost = sum(q * self.costs.item_yuan(self.scenario.items[i].id) for i, q in units.items())
        self.log.add(
            LateralAidRecorded(
                self.env.now,
                place=self.scenario.places[demand.village].id,
                depot=depot.id,
                qty=sum(units.values()),
                value=float(cost),
                note=demand.site,
            )
        )

    # ---- restocking township points -----------------------------------------------------
    def _restock(self, depots: list[int]) -> None:
        """Top up township points that ran low: an item whose unreserved stock (with any top-up
        already on its way) is below `restock_below` of the point's starting stock is ordered back
        up to the starting stock, from the city depots, then the contract reserves, whichever a
        road joins to the point now. The order is reserved at the source at once and waits
        there behind every load for people (order_urgency)."""
        share = self.trucks.restock_below
        if share <= 0:
            return
        for d in depots:
            if self.tier[d] != "township":
                continue
            for i in range(self.available.shape[1]):
                start = int(self.starting[d, i])
                have = int(self.available[d, i] + self.due[d, i])
                if start == 0 or have >= share * start:
                    continue
                want = start - have
                to = int(self.depot_nodes[d])
                for src in self.restock_sources:
                    q = min(want, int(self.available[src, i]))
                    if q <= 0 or not self.roads.reachable(int(self.depot_nodes[src]), to):
                        continue
                    self.available[src, i] -= q
                    self.due[d, i] += q
                    self._reserve(src, self._restock_demand(d), {i: q})
                    want -= q
                    if want == 0:
                        break

    def _restock_demand(self, d: int) -> Demand:
        """The township point `d` as a site its top-ups are carried to."""
        if d not in self.restock_demands:
            depot = self.scenario.depots[d]
            village = self.scenario.place_index()[depot.place_id]
            self.restock_demands[d] = Demand(
                village, depot.id, depot.node, depot.township_id, [0] * len(self.initial), to_depot=d
            )
        return self.restock_demands[d]

    def _restocked(self, truck: str, depot: str, taken: list[tuple[Order, int]], load: int) -> None:
        """A top-up is unloaded at its township point: its stock is on hand there again, and
        need deferred for want of a road to stock is tried again (this stock may be within reach)."""
        for order, q in taken:
            target = order.demand.to_depot
            self.available[target, order.item] += q
            self.due[target, order.item] -= q
            self.log.add(
                DepotRestocked(
                    self.env.now,
                    subject=truck,
                    place=self.scenario.places[order.demand.village].id,
                    depot=depot,
                    item=self.scenario.items[order.item].id,
                    qty=q,
                    ref=load,
                    note=order.demand.site,
                )
            )
        if any(any(d.pending) for d in self.demands.values()):
            self._retry = True
            self._schedule_flush()

    # ---- aircraft ------------------------------------------------------------------------
    def reserve_for_air(self, d: int, demand: Demand, cap_units: int) -> int:
        """Set aside at depot `d`, for the aircraft, `demand`'s deferred need (initial-relief items
        first under initial_first, then in item order) until `cap_units` wait there for an
        aircraft; returns the units now waiting. Reserved at once, as for trucks, so the stock
        is not given to others while the aircraft flies missions that save life."""
        waiting = sum(o.units for o in self.air_orders if o.demand is demand)
        if not self.ready_at[d] <= self.env.now:  # a reserve not yet ready sets nothing aside
            return waiting
        first = [not self.initial_first or self.initial[i] for i in range(len(demand.pending))]
        units: dict[int, int] = {}
        for i in sorted(range(len(demand.pending)), key=lambda i: (0 if first[i] else 1, i)):
            q = min(demand.pending[i], int(self.available[d, i]), cap_units - waiting)
            if q <= 0:
                continue
            self.available[d, i] -= q
            demand.pending[i] -= q
            waiting += q
            units[i] = q
            self.air_orders.append(Order(self._allocated(d, demand, i, q), demand, i, q, self.env.now))
        if units:
            self.air_depot = d
            self._record_lateral_aid(d, demand, units)
        return waiting

    def take_air_load(self, demand: Demand, capacity: int) -> tuple[int, list[tuple[Order, int]]]:
        """An aircraft's load for `demand`'s site from the stock set aside for it: (load number,
        [(order, units)]), as a truckload is taken (next_load); no parts if none is left."""
        mine = [o for o in self.air_orders if o.demand is demand]
        if not mine:
            return 0, []
        _, taken = next_load(mine, capacity, self.initial, self.initial_first)
        for order, q in taken:
            order.units -= q
        self.air_orders = [o for o in self.air_orders if o.units > 0]
        self._loads += 1
        return self._loads, taken

    def _air_orders_to_trucks(self) -> None:
        """A road reopened: stock set aside for the aircraft that a truck of its depot can now
        reach its site with goes to the trucks (they carry more; aircraft are scarce)."""
        if not self.air_orders:
            return
        d = self.air_depot
        keep = []
        for o in self.air_orders:
            if self.roads.reachable(int(self.depot_nodes[d]), o.demand.node):
                o.cycle_min = self._cycle_min(d, o.demand.node)  # set aside for air: no round trip yet
                self.queue[d].append(o)
                self._depot_changed(d)
            else:
                keep.append(o)
        if len(keep) < len(self.air_orders):
            self.air_orders = keep
            self.work[d].succeed()
            self.work[d] = self.env.event()

    # ---- trucks --------------------------------------------------------------------------
    def _truck(self, d: int, k: int, truck: str):
        """Truck k of depot `d`: take the next trip, drive it drop by drop, come back, repeat."""
        env, log = self.env, self.log
        depot = self.scenario.depots[d]
        places = self.scenario.places
        t = self.trucks
        crew = Crew(t.drivers, t.continuous_drive_min, t.rest_min, t.daily_drive_min)
        while True:
            while not self.queue[d]:
                yield self.work[d]
            if self.ready_at[d] > env.now:  # a reserve ships only after its lead time
                yield env.timeout(self.ready_at[d] - env.now)
                continue  # another truck may have taken the work meanwhile
            stops = self._next_trip(d)
            everything = [part for _, taken in stops for part in taken]
            self._loads += 1
            load = self._loads
            first_site, first_taken = stops[0]
            first = places[first_taken[0][0].demand.village].id  # marks the trip in truck events
            started = env.now
            self.truck_back[d][k] = started + self._trip_min(d, stops)  # as the policy expects it
            self._depot_changed(d)
            waited = started - min(o.since_min for o, _ in everything)
            log.add(
                TruckAssigned(
                    started,
                    subject=truck,
                    place=first,
                    depot=depot.id,
                    ref=load,
                    value=waited,
                    note=first_site,
                )
            )
            yield env.timeout(depot.load_min)
            for site, taken in stops:
                self.log_parts(ShipmentLoaded, truck, depot.id, taken, load, site)
            here = depot.node
            for site, taken in stops:
                demand = taken[0][0].demand
                place = places[demand.village].id
                log.add(
                    ShipmentDeparted(
                        env.now,
                        subject=truck,
                        place=place,
                        depot=depot.id,
                        ref=load,
                        value=self.roads.minutes(here, demand.node),
                        note=site,
                    )
                )
                yield from self._leg(crew, truck, load, here, demand.node, place)
                yield env.timeout(self.scenario.unload_min)
                if demand.to_depot >= 0:
                    self._restocked(truck, depot.id, taken, load)
                else:
                    self.deliver(truck, depot.id, taken, load, site)
                here = demand.node
            yield from self._leg(crew, truck, load, here, depot.node, None)
            self.truck_back[d][k] = env.now
            self._depot_changed(d)
            log.add(
                TruckReturned(
                    env.now, subject=truck, depot=depot.id, ref=load, value=float(env.now - started)
                )
            )

    def _leg(self, crew: Crew, truck: str, load: int, src: int, dst: int, place: str | None):
        """One leg of a trip: wait for a driver who may drive it (sim/model/drivers.py), then drive."""
        env = self.env
        at, who, why = crew.next_leg(env.now, self.roads.minutes(src, dst))
        if why:
            self.log.add(TruckRested(env.now, subject=truck, ref=load, value=at - env.now, note=why))
            yield env.timeout(at - env.now)
        started = env.now
        yield from self.roads.drive(src, dst, *self._road_log(truck, place, load))
        crew.drove(who, started, env.now)

    def _next_trip(self, d: int) -> list[tuple[str, list[tuple[Order, int]]]]:
        """Take the next trip from depot d's queue: [(site, [(order, units)])] in visiting order.
        The most urgent site's load first (next_load); then, if room is left, the route policy
        adds whole sites among those waiting nearest it."""
        depot = self.scenario.depots[d]
        queue = self.queue[d]
        site, taken = next_load(queue, depot.truck_capacity, self.initial, self.initial_first)
        for order, q in taken:
            order.units -= q
        room = depot.truck_capacity - sum(q for _, q in taken)
        stops = [(site, taken)]
        if room > 0 and self.trucks.max_stops > 1 and self.route_policy is not single_drop:
            stops = self._route(d, site, taken, room)
        self.queue[d] = [o for o in queue if o.units > 0]
        self._depot_changed(d)
        return stops

    def _route(
        self, d: int, site: str, taken: list[tuple[Order, int]], room: int
    ) -> list[tuple[str, list[tuple[Order, int]]]]:
        """The route policy's trip from the first site's load and the sites waiting near it."""
        waiting: dict[str, list[Order]] = {}
        for o in sorted(self.queue[d], key=lambda o: order_urgency(o, self.initial, self.initial_first)):
            if o.units > 0 and o.demand.site != site:
                waiting.setdefault(o.demand.site, []).append(o)
        fits = [s for s, orders in waiting.items() if sum(o.units for o in orders) <= room]
        if not fits:
            return [(site, taken)]
        roads, seed = self.roads, taken[0][0].demand.node
        near = sorted(  # nearest first, urgency breaking ties (fits is in urgency order)
            range(len(fits)), key=lambda j: (roads.minutes(seed, waiting[fits[j]][0].demand.node), j)
        )[: ROUTE_CANDIDATES_PER_STOP * self.trucks.max_stops]
        cands = [fits[j] for j in sorted(near)]
        nodes = [int(self.depot_nodes[d]), seed, *(waiting[c][0].demand.node for c in cands)]
        minutes = np.array([[0.0 if a == b else roads.minutes(a, b) for b in nodes] for a in nodes])
        capacity = self.scenario.depots[d].truck_capacity
        view = RouteView(
            capacity=capacity,
            units=(capacity - room, *(sum(o.units for o in waiting[c]) for c in cands)),
            minutes=minutes,
            unload_min=self.scenario.unload_min,
            max_stops=self.trucks.max_stops,
            max_delay_min=self.trucks.max_delay_min,
        )
        order = self.route_policy(view)
        if 0 not in order or len(set(order)) != len(order) or not set(order) <= set(range(len(nodes) - 1)):
            raise RuntimeError(f"route policy returned {order}: each candidate at most once, 0 included")
        stops = []
        for j in order:
            if j == 0:
                stops.append((site, taken))
                continue
            parts = [(o, o.units) for o in waiting[cands[j - 1]]]
            room -= sum(q for _, q in parts)
            for o, _ in parts:
                o.units = 0
            stops.append((cands[j - 1], parts))
        if room < 0:
            raise RuntimeError(f"route policy overloaded a truck of depot {self.scenario.depots[d].id}")
        return stops

    def _trip_min(self, d: int, stops: list[tuple[str, list[tuple[Order, int]]]]) -> float:
        """A trip's expected minutes on the roads of now: loading, legs, unloading at each drop."""
        depot = self.scenario.depots[d]
        nodes = [depot.node, *(taken[0][0].demand.node for _, taken in stops), depot.node]
        legs = sum(self.roads.minutes(a, b) for a, b in pairwise(nodes))
        return depot.load_min + legs + len(stops) * self.scenario.unload_min

    def log_parts(
        self,
        record: type[CargoMoved],
        vehicle: str,
        depot: str,
        taken: list[tuple[Order, int]],
        load: int,
        site: str,
    ) -> None:
        """One row per (village, item) part of a truckload or air load: loaded (on hand ->
        transit) or delivered (transit -> delivered)."""
        places, items, now = self.scenario.places, self.scenario.items, self.env.now
        for order, q in taken:
            self.log.add(
                record(
                    now,
                    subject=vehicle,
                    place=places[order.demand.village].id,
                    depot=depot,
                    item=items[order.item].id,
                    qty=q,
                    ref=load,
                    note=site,
                )
            )

    def deliver(self, vehicle: str, depot: str, taken: list[tuple[Order, int]], load: int, site: str) -> None:
        """A truckload or air load is unloaded at its site: delivered."""
        self.log_parts(ShipmentDelivered, vehicle, depot, taken, load, site)
        for order, q in taken:
            demand = order.demand
            demand.delivered_units += q
            if not demand.waiting and self.unserved.pop((demand.village, demand.site), False):
                self.unserved_version += 1

    def _road_log(self, truck: str, place: str | None, shipment: int):
        node_ids = self.scenario.road.node_ids

        def rerouted(node: int) -> None:
            self.log.add(
                TruckRerouted(self.env.now, subject=truck, place=place, ref=shipment, note=node_ids[node])
            )

        def held(node: int) -> None:
            self.log.add(
                TruckHeld(self.env.now, subject=truck, place=place, ref=shipment, note=node_ids[node])
            )

        return rerouted, held

    # ---- roads ---------------------------------------------------------------------------
    def watch_isolation(self, village: int) -> None:
        """Start tracking whether a struck village can be reached from any depot."""
        if village not in self.isolated:
            self.isolated[village] = False
            self._update_isolation([village], self.roads.reached_from(self.depot_nodes))

    def _update_isolation(self, villages: list[int], reached: np.ndarray) -> None:
        for village in villages:
            place = self.scenario.places[village]
            cut = not reached[place.node]
            if cut != self.isolated[village]:
                self.isolated[village] = cut
                record = PlaceIsolated if cut else PlaceReconnected
                self.log.add(record(self.env.now, place=place.id))

    def _road_changed(self, _edge: int, old: float, new: float) -> None:
        if old != 0 and new != 0:
            return  # a slowdown or speed-up never cuts anything off
        if self.isolated:
            self._update_isolation(sorted(self.isolated), self.roads.reached_from(self.depot_nodes))
        if old == 0:
            self._air_orders_to_trucks()
        if old == 0 and any(any(d.pending) for d in self.demands.values()):
            self._retry = True
            self._schedule_flush()
