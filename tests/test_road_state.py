"""The live road state's cached routes always equal a fresh Dijkstra on the current graph.

After every cut, slowdown and reopening (a seeded random sequence on zhangshu's road graph),
each cached row (from a source, and to a source) must match scipy's Dijkstra run from scratch
on the graph as it is now. This is what lets the model drop only the rows a change affects.
"""

from __future__ import annotations

import numpy as np
import simpy
from scipy.sparse.csgraph import dijkstra

from sim.model.roads import RoadState
from sim.rng import stream
from sim.scenario.roads import edge_minutes, time_matrix
from tests.conftest import load_scenario


def fresh(roads: RoadState):
    road = roads.scenario.road
    open_ = roads.factor > 0
    minutes = edge_minutes(road.length_km, road.speed_kmh)[open_] / roads.factor[open_]
    m = time_matrix(road.n_nodes, roads.u[open_], roads.v[open_], minutes, roads.oneway[open_])
    return m


def test_cached_rows_match_fresh_dijkstra_after_every_change():
    scen = load_scenario("zhangshu")
    roads = RoadState(simpy.Environment(), scen)
    rng = stream(1, 0, "test.road_state")
    sources = rng.choice(scen.road.n_nodes, size=12, replace=False)
    n_edges = len(scen.road.u)
    dropped = kept = 0
    for step in range(60):
        for s in sources:  # fill the caches
            roads.out_row(int(s))
            roads.in_row(int(s))
        before = set(roads._out)
        e = int(rng.integers(n_edges))
        factor = [0.0, 0.5, 1.0, 0.25][step % 4]
        roads.set_factor(e, factor)
        dropped += len(before - set(roads._out))
        kept += len(before & set(roads._out))
        m = fresh(roads)
        for s, row in roads._out.items():
            np.testing.assert_array_equal(row.dist, dijkstra(m, indices=s))
        for s, row in roads._in.items():
            np.testing.assert_array_equal(row.dist, dijkstra(m.T.tocsr(), indices=s))
    # On a mostly tree-like rural network most edges lie in most shortest-path trees, so many
    # rows are dropped (461 of 720 at this seed); the rest are kept, exactly.
    assert dropped > 0 and kept > 0


def test_route_follows_the_current_graph():
    scen = load_scenario("tiny")
    roads = RoadState(simpy.Environment(), scen)
    ids = {n: i for i, n in enumerate(scen.road.node_ids)}
    nodes, _edges, cum = roads.route(ids["n0"], ids["n6"])
    assert [scen.road.node_ids[k] for k in nodes] == ["n0", "n7", "n2", "n5", "n6"] and cum[-1] == 69
    j_t2 = next(
        e
        for e in range(len(scen.road.u))
        if {scen.road.node_ids[scen.road.u[e]], scen.road.node_ids[scen.road.v[e]]} == {"n7", "n2"}
    )
    roads.set_factor(j_t2, 0.0)
    nodes, _, cum = roads.route(ids["n0"], ids["n6"])
    assert [scen.road.node_ids[k] for k in nodes] == ["n0", "n9", "n2", "n5", "n6"] and cum[-1] == 111
    roads.set_factor(j_t2, 1.0)
    assert roads.route(ids["n0"], ids["n6"])[2][-1] == 69
