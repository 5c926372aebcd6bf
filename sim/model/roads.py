"""The live road network: damage, reopening, fastest routes, and vehicles driving them.

Covers: edges cut or slowed at event times and reopened later (by a repair
team, or by themselves when a plume disperses); fastest-route times from any
node, computed with scipy's csgraph Dijkstra and cached per source; a change is
noted on the cached rows it affects and each is brought up to date when next read,
searching again only what the change can have altered (a cut or slowdown: the
nodes whose route used the edge; a reopening: the nodes it now gives a shorter
route), and at most ROW_CACHE_BYTES of rows are kept, least recently used dropped
first (where two routes tie exactly, an updated row keeps the one it had and a row
computed afresh may pick the other of the two); on a network of fewer than
BOUNDED_FROM_NODES nodes, where a whole search is cheap, the rows a change affects are
dropped instead. On networks of BOUNDED_FROM_NODES nodes and more a row may be a
search stopped at a distance (exact within it) and is widened when a farther node is
asked for: shelter choice searches as far as its limit; the nearest
ambulance, hospital or rescue team (NearestSearch) is searched outward from the scene
until it is surely inside; a route searches as far as the length a row from the other end
gives, or else as far as a straight-line guess, widened until it arrives. Where component
labels of the open roads already say there is no road, no search is made. Vehicles
driving a route re-plan at the next node when an edge ahead is cut or slowed, and wait
where they are when no road leads to their destination, until a reopening.

What is known of the roads: routes are planned on the roads as the command centre knows
them (`known`), vehicles drive the roads as they are (`factor`). With `knows_at_once` (the
old lower bound) the two are always the same. Otherwise damage (a cut or a slowdown) is
unseen until it is reported (`learn(e, "reported")`, a delay drawn by
sim/model/information.py) or a vehicle reaches the damaged edge's end and finds it
(`learn(e, "reached")`: the driver radios it in, so from then on every vehicle and the
command centre know it); a vehicle whose route runs into unseen damage drives to it, learns
it there and re-plans. A road that gets better (a repair, water going down, a plume
dispersing) is known at once: the centre's own crews reopen it or watch it. People who move on
what they see (villagers evacuating to a shelter) use `ground`, the roads as they are.

Leaves out: congestion (travel times do not depend on traffic); a vehicle
already on an edge when it is cut finishes that edge (it was past the damage);
routes are not re-planned when a faster road opens while a vehicle is driving.

Size: one real-world process, the road network's state and what each party knows of it (damage,
reopening, shortest paths for the live and the known network); the row helpers are in road_rows.py.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import simpy
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from simpy.events import EventPriority, ProcessGenerator

from sim.model.road_rows import SPREAD_MIN_NODES, SPREAD_SHARE, Row, child_below, shortens, update
from sim.scenario import Scenario
from sim.scenario.roads import edge_minutes, haversine_km
from sim.units import MIN_PER_H

# Cached shortest-path rows per direction: 1 GB keeps every row a county run asks for
# (300-3,000 villages, a few thousand nodes) and bounds a province run (30,000 villages:
# about 2,700 rows of 32,000 nodes; measured: 124 s and 1.3 GB peak a replication, where
# 256 MB dropped 11,700 rows to be recomputed: 143 s, 0.6 GB); a dropped row is recomputed
# when next needed.
ROW_CACHE_BYTES = 1024 * 2**20
MIN_CACHED_ROWS = 64  # at least this many, however large the network
# why a trip is interrupted: a known change ahead (re-plan, logged as a re-route), or unseen
# damage ahead (drive on to it; nothing to log until it is found), and how damage is learned
CHANGED, UNSEEN = "road changed", "unseen damage ahead"
REACHED, REPORTED = "reached", "reported"
FLUSH_PRIORITY = EventPriority(2)  # after SimPy's URGENT (0) and NORMAL (1) events of the same instant
# Searches stopped at a distance, and rows brought up to date after a road change rather
# than dropped, pay from this many nodes up: below it csgraph's fixed cost per call (about
# 20 us) outweighs the part of the network left out, and a whole search costs less than
# following a change node by node (300 villages: 0.16-0.20 s a replication dropping rows,
# 0.24-0.25 s keeping them), so a county-sized run searches whole rows afresh (tuning only,
# like the constants below: the answers are the same).
BOUNDED_FROM_NODES = 2_000
# A search for the nearest of several nodes starts this far out and widens by this factor
# (tuning only: the answer is the same whatever they are; at 30,000 villages a factor of 2
# took 50-52 s a replication where 3 took 59-62 s, run alternately).
FIRST_SEARCH_MIN = 20.0
SEARCH_GROWTH = 2.0
MAX_SEARCH_MIN = 30 * 24 * 60.0  # past a month's drive, search the whole network
# A nearest search among this few targets measures each from its own end (their rows are
# kept for the next scene), not outward from the scene (tuning only: the same answer).
FEW_TARGETS = 3
# A route with nothing cached toward it first searches this many times the straight-line
# minutes at the network's top speed (roads wind and most are slower; tuning only: 3
# rather than 2 saves a second search on most routes of the 30,000-village county).
ROUTE_GUESS = 3.0


@dataclass
class Trip:
    process: simpy.Process
    nodes: list[int]
    edges: list[int]
    cum_min: list[float]  # minutes from the start to each node of `nodes`
    start_min: float
    interrupted: bool = False
    stop: int | None = None  # index of unseen damage ahead: the trip ends at its near node
    cause: str = ""  # why it was interrupted: CHANGED wins over UNSEEN at the same instant
    edge_set: set[int] = field(init=False)  # a cut edge is looked up here among the trips under way

    def __post_init__(self) -> None:
        self.edge_set = set(self.edges)


@dataclass
class RoadState:
    env: simpy.Environment
    scenario: Scenario
    knows_at_once: bool = True  # every road change known the moment it happens (module docstring)
    base_min: np.ndarray = field(init=False)  # undamaged minutes per edge
    factor: np.ndarray = field(init=False)  # speed multiplier per edge as it is; 0 = cut
    known: np.ndarray = field(init=False)  # the same as the command centre knows it: routes use this
    # (edge, old, new) of the known state: what plans react to
    listeners: list[Callable[[int, float, float], None]] = field(default_factory=list)
    # (edge, how) when unseen damage becomes known, before its consequences: "reached" | "reported"
    learners: list[Callable[[int, str], None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        road = self.scenario.road
        self.base_min = edge_minutes(road.length_km, road.speed_kmh)
        self.factor = np.ones(len(road.u))
        self.known = np.ones(len(road.u))
        self.unseen: set[int] = set()  # edges whose damage the command centre does not know yet
        self._ground: RoadState | None = None  # the roads as they are, for those who see them
        self.u = road.u.astype(np.int64)
        self.v = road.v.astype(np.int64)
        self.oneway = road.oneway
        self._two_way = not self.oneway.any()  # cuts and repairs close and open both directions
        self.bounded = len(road.node_ids) >= BOUNDED_FROM_NODES  # see BOUNDED_FROM_NODES
        self._lon, self._lat = road.lon, road.lat
        self._top_kmh = float(road.speed_kmh.max()) if len(road.u) else 0.0
        # A cached row holds float64 minutes and int32 predecessors per node; cap each cache at
        # ROW_CACHE_BYTES so a province-sized network does not keep thousands of rows.
        row_bytes = 12 * max(1, len(road.node_ids))
        self._max_rows = max(MIN_CACHED_ROWS, ROW_CACHE_BYTES // row_bytes)
        self._spread_max = max(SPREAD_MIN_NODES, len(road.node_ids) // SPREAD_SHARE)
        self._out: dict[int, Row] = {}
        self._in: dict[int, Row] = {}
        # the trips under way by id, in the order they set off: a set would be iterated in
        # memory-address order, so interruptions (and the log) would vary run to run
        self._trips: dict[int, Trip] = {}
        self.reopened = self.env.event()  # fires (and is replaced) whenever an edge reopens
        # Minutes of one route summed from its two ends (a search from each end) add the same
        # edge minutes in opposite orders; with fewer than n edges each sum is within
        # n * 2**-53 of the exact one (relative), so the two differ by less than this:
        self.path_tolerance = 4.0 * max(1, len(road.node_ids)) * 2.0**-53
        self._connectivity = 0  # bumped only when an edge closes or reopens
        self._reached: tuple[int, bytes, np.ndarray] | None = None
        self._labels: tuple[int, np.ndarray] | None = None
        self._rebuild()

    # ---- state ---------------------------------------------------------------------------
    def edge_min(self, e: int) -> float:
        """Minutes of edge `e` as known (what routes are planned and timed with)."""
        f = self.known[e]
        return float("inf") if f == 0 else float(self.base_min[e] / f)

    def is_cut(self, e: int) -> bool:
        """Is edge `e` cut (as it is, known or not)?"""
        return self.factor[e] == 0

    def known_cut(self, e: int) -> bool:
        """Does the command centre know edge `e` is cut?"""
        return self.known[e] == 0

    def cut_edges(self) -> list[int]:
        return np.flatnonzero(self.factor == 0).tolist()

    def _index_arcs(self) -> None:
        """Sort the directed arcs by (from, to) once: parallel arcs share one matrix entry. Also
        the edges per (from, to), in id order, which a route's steps look up."""
        self._arcs: dict[tuple[int, int], list[int]] = defaultdict(list)
        for e, (a, b) in enumerate(zip(self.u.tolist(), self.v.tolist(), strict=True)):
            self._arcs[(a, b)].append(e)
            if not self.oneway[e]:
                self._arcs[(b, a)].append(e)
        n = len(self.scenario.road.node_ids)
        both = ~self.oneway
        edge = np.arange(len(self.u))
        rows = np.concatenate([self.u, self.v[both]])
        cols = np.concatenate([self.v, self.u[both]])
        order = np.lexsort((cols, rows))
        rows, cols = rows[order], cols[order]
        self._arc_edge = np.concatenate([edge, edge[both]])[order]
        new_pair = np.ones(len(rows), dtype=bool)
        new_pair[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
        self._pair_start = np.flatnonzero(new_pair)
        self._pair_end = np.append(self._pair_start[1:], len(rows))
        self._pair_row = rows[new_pair].astype(np.int32)
        self._pair_col = cols[new_pair].astype(np.int32)
        self._pair_t = np.lexsort((self._pair_row, self._pair_col))  # the same pairs by (to, from)
        self._pair_at_t = np.empty_like(self._pair_t)  # where each pair sits in the transpose
        self._pair_at_t[self._pair_t] = np.arange(len(self._pair_t))
        self._edge_pairs: list[list[int]] = [[] for _ in range(len(self.u))]
        for p, arc_edge in zip((np.cumsum(new_pair) - 1).tolist(), self._arc_edge.tolist(), strict=True):
            self._edge_pairs[arc_edge].append(p)
        self._n_nodes = n

    def _rebuild(self) -> None:
        """The node x node minutes matrix and its transpose (fastest of parallel edges), without
        sorting. Every pair of nodes an edge joins keeps its entry, inf while no edge of it is
        open (csgraph never relaxes an inf arc: the searches are those of time_matrix's
        matrix of the open edges), so a road change rewrites its entries in place
        (`_set_pairs`)."""
        if not hasattr(self, "_pair_start"):
            self._index_arcs()
        minutes = np.full(len(self.known), np.inf)
        open_ = self.known > 0
        minutes[open_] = self.base_min[open_] / self.known[open_]
        pair_min = np.minimum.reduceat(minutes[self._arc_edge], self._pair_start) if len(minutes) else minutes
        self._matrix = self._csr(pair_min, self._pair_row, self._pair_col)
        t = self._pair_t
        self._matrix_t = self._csr(pair_min[t], self._pair_col[t], self._pair_row[t])

    def _csr(self, values: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> csr_matrix:
        n = self._n_nodes
        indptr = np.zeros(n + 1, dtype=np.int32)
        np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
        return csr_matrix((values, cols, indptr), shape=(n, n))

    def _set_pairs(self, e: int) -> None:
        """Rewrite the matrix entries of edge `e`'s node pairs after its minutes changed."""
        for p in self._edge_pairs[e]:
            lo, hi = self._pair_start[p], self._pair_end[p]
            m = min(self.edge_min(k) for k in self._arc_edge[lo:hi].tolist())
            self._matrix.data[p] = m
            self._matrix_t.data[self._pair_at_t[p]] = m

    @property
    def ground(self) -> RoadState:
        """The roads as they are, for people who move on what they see (villagers evacuating to a
        shelter): this same state when damage is known at once, else a mirror kept up to date by
        `set_factor` (it plans nothing for the command centre, so it has no trips or listeners)."""
        if self.knows_at_once:
            return self
        if self._ground is None:
            g = RoadState(self.env, self.scenario)
            g.factor[:] = self.factor
            g.known[:] = self.factor
            g._connectivity += 1
            g._rebuild()
            self._ground = g
        return self._ground

    def set_factor(self, e: int, factor: float) -> bool:
        """Edge `e` is cut (0), slowed (<1) or reopened (1) as it is. The change is known at once
        when `knows_at_once` or when it is no worse than what is known; else it stays unseen until
        `learn`, and trips planned through it are stopped at its near end. Returns whether the
        change is known."""
        if factor == self.factor[e]:
            return e not in self.unseen
        self.factor[e] = factor
        if self._ground is not None:
            self._ground.set_factor(e, factor)
        if self.knows_at_once or factor >= self.known[e]:
            self.unseen.discard(e)
            self._know(e, factor)
            return True
        self.unseen.add(e)
        self._divert_all(e, UNSEEN)
        return False

    def learn(self, e: int, how: str) -> bool:
        """Unseen damage on edge `e` becomes known (`how`: "reached" or "reported"); False if
        there was none to learn (already known, or the road has since got better)."""
        if e not in self.unseen:
            return False
        self.unseen.discard(e)
        for learner in self.learners:  # first: the learning is logged before its consequences
            learner(e, how)
        self._know(e, float(self.factor[e]))
        return True

    def _know(self, e: int, factor: float) -> None:
        """The command centre's view of edge `e` changes to `factor`: note it on the cached rows
        it affects, to be brought up to date when next read (`Row`); divert trips; tell listeners."""
        old = self.known[e]
        if factor == old:
            return
        self.known[e] = factor
        if old == 0 or factor == 0:
            self._connectivity += 1
        a, b = int(self.u[e]), int(self.v[e])
        both = not self.oneway[e]
        w = self.base_min[e] / factor if factor > 0 else math.inf
        worse = factor < old
        for cache, rev in ((self._out, False), (self._in, True)):
            hit = []
            for s, row in cache.items():
                if worse:
                    child = child_below(row, a, b, both, rev)
                    if child >= 0:
                        row.worse.append(child)
                        hit.append(s)
                elif shortens(row, a, b, w, both, rev):
                    row.better += (a, b)
                    hit.append(s)
            if not self.bounded:  # a small network: searching afresh costs less (BOUNDED_FROM_NODES)
                for s in hit:
                    del cache[s]
        self._set_pairs(e)
        if factor < old:
            self._divert_all(e, CHANGED)
        for listener in self.listeners:
            listener(e, old, factor)
        if factor > old:
            self.reopened.succeed()
            self.reopened = self.env.event()

    # ---- queries -------------------------------------------------------------------------
    # A row asked for `within` minutes is a Dijkstra stopped at that distance (csgraph's
    # `limit`): every node it reaches has the minutes and predecessor of the full search
    # (nodes on a fastest route to it are nearer still), and the far part of a big network
    # is never touched. A cached row serves any request within its limit; a wider request
    # replaces it with a wider search.
    def out_row(self, src: int, within: float = math.inf) -> Row:
        """Fastest routes from `src`, exact for every node within `within` minutes."""
        return self._row(self._out, self._matrix, src, within)

    def in_row(self, dst: int, within: float = math.inf) -> Row:
        """Fastest routes to `dst` (dist[x] = minutes from x), exact within `within` minutes."""
        if self._two_way:  # the transposed matrix is the matrix itself: the same Dijkstra, one cache
            return self.out_row(dst, within)
        return self._row(self._in, self._matrix_t, dst, within)

    def _row(self, cache: dict[int, Row], matrix: csr_matrix, node: int, within: float) -> Row:
        """A cached row, least recently used last to go: a dict keeps insertion order, so a hit
        moves the row to the end and an overflow drops the first."""
        row = cache.pop(node, None)
        if row is not None and row.limit >= within:  # a row to be searched wider is not repaired first
            self._current(row, cache is self._in)
        if row is None or row.limit < within:
            if row is None and len(cache) >= self._max_rows:
                del cache[next(iter(cache))]
            if row is not None:  # asked farther again: widen at least geometrically
                within = max(within, wider(row.limit))
            if math.isinf(within):
                dist, pred = dijkstra(matrix, indices=node, return_predecessors=True)
            else:
                dist, pred = dijkstra(matrix, indices=node, return_predecessors=True, limit=within)
            row = Row(dist, pred, within)
        cache[node] = row
        return row

    def _peek(self, cache: dict[int, Row], node: int) -> Row | None:
        """A cached row, brought up to date, without marking it used."""
        row = cache.get(node)
        return None if row is None else self._current(row, cache is self._in)

    def _current(self, row: Row, toward: bool) -> Row:
        """Apply the road changes noted on `row` since it was last read (`road_rows.update`)."""
        if row.worse or row.better:  # the searched graph, and its transpose for arcs into a node
            searched, into = (self._matrix_t, self._matrix) if toward else (self._matrix, self._matrix_t)
            update(row, searched, into, self._spread_max)
        return row

    def _out_row_to(self, src: int, dst: int) -> Row:
        """A row from `src` exact at `dst`: the cached one if it reaches `dst`; else, when a
        cached row toward `dst` gives the distance from the other end, a search stopped just
        past it (that distance with the tolerance of two summing orders); else the full search."""
        row = self._peek(self._out, src)
        if row is not None and (row.limit == math.inf or math.isfinite(row.dist[dst])):
            return self._row(self._out, self._matrix, src, 0.0)  # a hit: marks it recently used
        back = self._peek(self._out if self._two_way else self._in, dst)
        if back is not None and math.isfinite(back.dist[src]):
            return self.out_row(src, within=float(back.dist[src]) * (1.0 + self.path_tolerance))
        if not self.bounded or not self._top_kmh > 0:  # small network, or no speed to guess from
            return self.out_row(src)
        # nothing known of the distance: a search stopped at a guess from the straight line,
        # widened until it reaches `dst` (most routes are short beside the whole network)
        crow_km = float(haversine_km(self._lon[src], self._lat[src], self._lon[dst], self._lat[dst]))
        limit = max(FIRST_SEARCH_MIN, ROUTE_GUESS * crow_km / self._top_kmh * MIN_PER_H)
        while True:
            row = self.out_row(src, within=limit if limit < MAX_SEARCH_MIN else math.inf)
            if row.limit == math.inf or math.isfinite(row.dist[dst]):
                return row
            limit = wider(row.limit)

    def reached_from(self, sources: np.ndarray) -> np.ndarray:
        """Per node: does an open road lead to it from any of `sources`? Component labels where
        streets are two-way, else one search from all of them. Read-only; the same array until
        an edge closes or reopens."""
        key = np.asarray(sources).tobytes()
        if self._reached is None or self._reached[0] != self._connectivity or self._reached[1] != key:
            if self._two_way:
                labels = self.component_labels()
                reached = np.isin(labels, labels[sources])
            else:
                reached = np.isfinite(dijkstra(self._matrix, indices=sources, min_only=True))
            reached.flags.writeable = False
            self._reached = (self._connectivity, key, reached)
        return self._reached[2]

    def reachable(self, src: int, dst: int) -> bool:
        """Is there an open road from `src` to `dst` now? On a network without one-way streets,
        both lie in one component of the open roads (labelled once per set of open edges)."""
        if not self._two_way:
            return math.isfinite(self.minutes(src, dst))
        labels = self.component_labels()
        return bool(labels[src] == labels[dst])

    def reachable_any(self, src: int, dsts: list[int]) -> bool:
        """Is there an open road from `src` to any of `dsts` now?"""
        return bool(dsts) and bool(self.reaching(src, np.asarray(dsts), toward=False).any())

    def reaching(self, node: int, nodes: np.ndarray, toward: bool) -> np.ndarray:
        """Per node of `nodes`: is there an open road from it to `node` (toward) or from `node`
        to it now? Component labels where streets are two-way; else a full search."""
        if self._two_way:
            labels = self.component_labels()
            return labels[nodes] == labels[node]
        row = self.in_row(node) if toward else self.out_row(node)
        return np.isfinite(row.dist[nodes])

    def row_beyond(self, node: int, known: float, toward: bool) -> Row:
        """A row from `node` (or toward it) exact farther than `known` minutes: the first of a
        widening search when `known` is 0, whole rows on a small network (BOUNDED_FROM_NODES)."""
        limit = (FIRST_SEARCH_MIN if known <= 0 else wider(known)) if self.bounded else math.inf
        return self.in_row(node, limit) if toward else self.out_row(node, limit)

    def component_labels(self) -> np.ndarray:
        """Per node, a label of its component of the open roads taken as undirected
        (computed once per set of open edges)."""
        if self._labels is None or self._labels[0] != self._connectivity:
            n = self._n_nodes
            open_ = self.known > 0
            graph = coo_matrix((np.ones(int(open_.sum())), (self.u[open_], self.v[open_])), shape=(n, n))
            self._labels = (self._connectivity, connected_components(graph, directed=False)[1])
        return self._labels[1]

    def minutes(self, src: int, dst: int) -> float:
        if self._two_way and not self.reachable(src, dst):  # no search needed to know there is none
            return math.inf
        return float(self._out_row_to(src, dst).dist[dst])

    def route(self, src: int, dst: int) -> tuple[list[int], list[int], list[float]] | None:
        """Nodes, edges and cumulative minutes of the fastest route, or None if there is none."""
        if self._two_way and not self.reachable(src, dst):  # a vehicle waiting for a reopening
            return None
        row = self._out_row_to(src, dst)
        if not np.isfinite(row.dist[dst]):
            return None
        pred, x, nodes = row.pred, dst, [dst]
        while x != src:
            x = pred.item(x)
            nodes.append(x)
        nodes.reverse()
        edges, cum = [], [0.0]
        arcs = self._arcs
        for a, b in pairwise(nodes):
            between = arcs[(a, b)]
            e = between[0] if len(between) == 1 else min(between, key=lambda k: (self.edge_min(k), k))
            edges.append(e)
            cum.append(cum[-1] + self.edge_min(e))
        return nodes, edges, cum

    # ---- driving -------------------------------------------------------------------------
    def drive(
        self, src: int, dst: int, on_reroute: Callable[[int], None], on_hold: Callable[[int], None]
    ) -> ProcessGenerator:
        """Drive from node `src` to node `dst` (use with `yield from` inside a process): on the
        route known fastest, as far as the first unseen damage on it, where the damage becomes
        known and the route is planned again."""
        env = self.env
        while src != dst:
            planned = self.route(src, dst)
            if planned is None:
                on_hold(src)
                yield self.reopened
                continue
            nodes, edges, cum = planned
            stop = self._first_unseen(edges)
            trip = Trip(env.active_process, nodes, edges, cum, env.now, stop=stop)  # type: ignore[arg-type]
            end = len(nodes) - 1 if stop is None else stop
            self._register(trip)
            try:
                if end > 0:
                    yield env.timeout(cum[end])
                self._unregister(trip)
                if stop is None:
                    return
                src = nodes[stop]
                if self.learn(edges[stop], REACHED):
                    on_reroute(src)
            except simpy.Interrupt:
                self._unregister(trip)
                elapsed = env.now - trip.start_min
                k = max(i for i, c in enumerate(cum) if c <= elapsed + 1e-9)
                if k < len(nodes) - 1 and cum[k] < elapsed - 1e-9:
                    yield env.timeout(cum[k + 1] - elapsed)  # finish the edge it is on
                    k += 1
                src = nodes[k]
                if trip.cause != UNSEEN:  # unseen damage ahead: the same route, now stopping at it
                    on_reroute(src)

    def _first_unseen(self, edges: list[int]) -> int | None:
        """Index in `edges` of the first with damage not yet known, or None."""
        if not self.unseen:
            return None
        unseen = self.unseen
        return next((i for i, e in enumerate(edges) if e in unseen), None)

    def _register(self, trip: Trip) -> None:
        self._trips[id(trip)] = trip

    def _unregister(self, trip: Trip) -> None:
        self._trips.pop(id(trip), None)

    def _divert_all(self, e: int, cause: str) -> None:
        """Divert every trip under way whose route holds edge `e` (`_divert` says if it lies ahead)."""
        for trip in [t for t in self._trips.values() if e in t.edge_set]:
            self._divert(trip, e, cause)

    def _divert(self, trip: Trip, e: int, cause: str) -> None:
        """Interrupt a trip when `e` lies ahead of it (not the edge it is on) and before any
        unseen damage it stops at."""
        elapsed = self.env.now - trip.start_min
        k = max(i for i, c in enumerate(trip.cum_min) if c <= elapsed + 1e-9)
        on_node = trip.cum_min[k] >= elapsed - 1e-9
        end = len(trip.edges) if trip.stop is None else trip.stop + 1
        if e not in (trip.edges[k:end] if on_node else trip.edges[k + 1 : end]):
            return
        if trip.interrupted:  # once per trip; a known change the same instant still gets logged
            if cause == CHANGED:
                trip.cause = CHANGED
            return
        trip.interrupted, trip.cause = True, cause
        trip.process.interrupt(cause)


def wider(limit: float) -> float:
    """The next limit of a widening search: SEARCH_GROWTH times farther; the whole network
    past MAX_SEARCH_MIN."""
    limit *= SEARCH_GROWTH
    return limit if limit < MAX_SEARCH_MIN else math.inf


# fits(k, minutes): may target k take the job `minutes` away (a team with room in its shift)?
Fits = Callable[[int, float], bool]


class NearestSearch:
    """Of fixed `targets` (road nodes), the one with the fastest route to `node` (toward) or
    from it, among any subset asked for (`ems_policies.Nearest`) and, optionally, only those
    that `fits` at their minutes; ties to the lower index. For one road state (build a new
    one after a change).

    Minutes are those of the route as driven, summed from where it starts (a target's end when
    toward, `node`'s end otherwise), the way `minutes` and `route` give them. Where only a few
    targets qualify toward `node`, each is measured from its own end (its rows serve every
    scene it is asked about). Otherwise one search outward from `node`, stopped at a distance
    and widened until the nearest is surely inside, instead of a full row; toward `node`,
    minutes summed from `node`'s end add the same roads in the other order and may differ in
    the last bits (at most a relative `path_tolerance`), so the targets that could be nearest
    after all are measured from their own end: the answer is the same either way. Where the
    streets are all two-way, targets with no road at all are known from component labels
    without a search; with one-way streets `reachable` takes a full search."""

    def __init__(self, roads: RoadState, node: int, targets: np.ndarray, toward: bool):
        self.roads, self.node, self.targets, self.toward = roads, node, targets, toward
        self.reachable = roads.reaching(node, targets, toward)
        self.reachable.flags.writeable = False
        self._eps = roads.path_tolerance if toward else 0.0
        self._within = FIRST_SEARCH_MIN if roads.bounded else math.inf
        self._exact: dict[int, float] = {}  # by target node: targets may share one

    def minutes(self, k: int) -> float:
        """Minutes of target k's fastest route now, as driven (inf: none)."""
        t = int(self.targets[k])
        m = self._exact.get(t)
        if m is None:
            roads = self.roads
            m = self._exact[t] = roads.minutes(t, self.node) if self.toward else roads.minutes(self.node, t)
        return m

    def _nearest_of(self, ks: list[int], fits: Fits | None) -> int | None:
        """The one of `ks` with the fewest minutes (ties: lower index) that can be reached and fits."""
        best: tuple[float, int] | None = None
        for k in ks:
            m = self.minutes(k)
            if m < math.inf and (fits is None or fits(k, m)) and (best is None or (m, k) < best):
                best = (m, k)
        return None if best is None else best[1]

    def __call__(self, ok: np.ndarray, fits: Fits | None = None, far: float = math.inf) -> int | None:
        """The nearest of the targets where `ok` that fits; none fits farther than `far` minutes."""
        cand = np.flatnonzero(ok & self.reachable)
        if len(cand) == 0:  # no search where the labels already say there is no road
            return None
        if self.toward and len(cand) <= FEW_TARGETS:
            return self._nearest_of(cand.tolist(), fits)
        roads, eps, limit = self.roads, self._eps, self._within
        while True:
            within = limit if limit < far else math.inf
            row = roads.in_row(self.node, within) if self.toward else roads.out_row(self.node, within)
            best = self._nearest_of(self._shortlist(cand, row.dist[self.targets[cand]], fits), fits)
            # a target not seen is farther than the row's limit from either end
            if row.limit == math.inf or (best is not None and self.minutes(best) <= row.limit * (1.0 - eps)):
                self._within = row.limit
                return best
            limit = wider(row.limit)  # the row may be a wider one kept from before

    def _shortlist(self, cand: np.ndarray, rough: np.ndarray, fits: Fits | None) -> list[int]:
        """The candidates a row from `node` shows (`rough` minutes; inf: beyond its limit) that
        could be the nearest fitting one, measured from either end: within the tolerance of the
        nearest that surely fits."""
        eps = self._eps
        if fits is None:  # the same rule in numpy: the EMS asks it of hundreds of ambulances
            seen = np.isfinite(rough)
            if not seen.any():
                return []
            surely = float((rough[seen] * (1.0 + eps)).min())
            return cand[seen & (rough * (1.0 - eps) <= surely)].tolist()
        maybe, surely = [], math.inf
        for k, r in zip(cand.tolist(), rough.tolist(), strict=True):
            if r == math.inf or not fits(k, r * (1.0 - eps)):
                continue
            maybe.append((r * (1.0 - eps), k))
            if fits(k, r * (1.0 + eps)):
                surely = min(surely, r * (1.0 + eps))
        return [k for lo, k in maybe if lo <= surely]
