"""The live road matrix, built without sorting and rewritten in place on each road change, is
exactly what time_matrix builds from the open edges, but for inf entries where no edge of a
pair is open (which csgraph never relaxes)."""

from __future__ import annotations

import numpy as np
import simpy
from scipy.sparse.csgraph import dijkstra

from sim.model.roads import RoadState
from sim.scenario.roads import time_matrix
from tests.conftest import load_scenario


def _open(m):
    """The matrix without its inf entries (pairs whose every edge is closed)."""
    m = m.copy()
    m.data[np.isinf(m.data)] = 0
    m.eliminate_zeros()
    return m


def _same(a, b) -> bool:
    a, b = _open(a), _open(b)
    return (
        a.shape == b.shape
        and np.array_equal(a.indptr, b.indptr)
        and np.array_equal(a.indices, b.indices)
        and np.array_equal(a.data, b.data)
    )


def test_rebuilt_matrix_equals_time_matrix_with_one_way_and_parallel_edges():
    scen = load_scenario("zhangshu")
    roads = RoadState(simpy.Environment(), scen)
    rng = np.random.default_rng(3)
    k = 60  # duplicate some streets at other speeds, and make about a third one-way
    roads.u = np.concatenate([roads.u, roads.u[:k]])
    roads.v = np.concatenate([roads.v, roads.v[:k]])
    roads.base_min = np.concatenate([roads.base_min, roads.base_min[:k] * rng.choice([0.5, 1.0, 2.0], k)])
    roads.oneway = rng.random(len(roads.u)) < 0.3
    roads.factor = np.ones(len(roads.u))
    roads.known = roads.factor  # the matrix is built from the known state: here the same array
    roads._index_arcs()
    n = len(scen.road.node_ids)
    for _ in range(20):
        roads.factor[:] = rng.choice([0.0, 0.5, 1.0], size=len(roads.u))
        roads._rebuild()
        o = roads.factor > 0
        ref = time_matrix(n, roads.u[o], roads.v[o], roads.base_min[o] / roads.factor[o], roads.oneway[o])
        assert _same(roads._matrix, ref)
        assert _same(roads._matrix_t, ref.T.tocsr())


def test_matrix_rewritten_in_place_after_each_change_equals_time_matrix():
    scen = load_scenario("zhangshu")
    roads = RoadState(simpy.Environment(), scen)
    rng = np.random.default_rng(4)
    n = len(scen.road.node_ids)
    for _ in range(80):
        roads.set_factor(int(rng.integers(len(roads.u))), float(rng.choice([0.0, 0.5, 1.0])))
        o = roads.factor > 0
        ref = time_matrix(n, roads.u[o], roads.v[o], roads.base_min[o] / roads.factor[o], roads.oneway[o])
        assert _same(roads._matrix, ref)
        assert _same(roads._matrix_t, ref.T.tocsr())
    assert (roads.factor == 0).sum() > 5


def test_two_way_network_shares_rows_between_directions():
    scen = load_scenario("zhangshu")
    roads = RoadState(simpy.Environment(), scen)
    assert not roads.oneway.any()
    roads.set_factor(5, 0.0)
    roads.set_factor(17, 0.5)
    assert _same(roads._matrix, roads._matrix_t)
    dist, pred = dijkstra(roads._matrix_t, indices=40, return_predecessors=True)
    row = roads.in_row(40)
    assert np.array_equal(row.dist, dist) and np.array_equal(row.pred, pred)
    assert roads.in_row(40) is roads.out_row(40)


def test_row_cache_is_bounded_and_drops_the_least_recently_used():
    roads = RoadState(simpy.Environment(), load_scenario("zhangshu"))
    roads._max_rows = 2
    first = roads.out_row(1)
    roads.out_row(2)
    roads.out_row(1)  # 1 used again: 2 is now the oldest
    roads.out_row(3)
    assert list(roads._out) == [1, 3]
    assert roads.out_row(1) is first
    again = roads.out_row(2)  # recomputed on the same matrix: the same row
    dist, pred = dijkstra(roads._matrix, indices=2, return_predecessors=True)
    assert np.array_equal(again.dist, dist) and np.array_equal(again.pred, pred)


def test_route_takes_the_fastest_parallel_street_and_sums_minutes_from_the_start():
    """A route's steps are looked up among the node pairs: on each step the fastest open street
    of those joining the pair (ties to the lower id), minutes added one by one from the start,
    ending on the row's own minutes."""
    scen = load_scenario("zhangshu")
    roads = RoadState(simpy.Environment(), scen)
    rng = np.random.default_rng(5)
    k = 80  # duplicate some streets: faster, slower, or exactly as fast (a tie)
    roads.u = np.concatenate([roads.u, roads.u[:k]])
    roads.v = np.concatenate([roads.v, roads.v[:k]])
    roads.base_min = np.concatenate([roads.base_min, roads.base_min[:k] * rng.choice([0.5, 1.0, 2.0], k)])
    roads.oneway = np.zeros(len(roads.u), dtype=bool)
    roads.factor = np.ones(len(roads.u))
    roads.known = np.ones(len(roads.u))  # known at once (the default): kept equal by set_factor
    roads._index_arcs()
    roads._rebuild()
    for e in rng.choice(len(roads.u), 12, replace=False).tolist():
        roads.set_factor(e, float(rng.choice([0.0, 0.5])))
    n, checked_parallel = len(scen.road.node_ids), 0
    for src, dst in rng.integers(n, size=(60, 2)).tolist():
        planned = roads.route(src, dst)
        if planned is None:
            assert not np.isfinite(roads.minutes(src, dst))
            continue
        nodes, edges, cum = planned
        assert nodes[0] == src and nodes[-1] == dst and cum[0] == 0.0
        total = 0.0
        for a, b, e in zip(nodes[:-1], nodes[1:], edges, strict=True):
            ends = [{int(x), int(y)} for x, y in zip(roads.u, roads.v, strict=True)]
            joining = [x for x in range(len(roads.u)) if ends[x] == {a, b} and roads.factor[x] > 0]
            assert e == min(joining, key=lambda x: (roads.edge_min(x), x))
            checked_parallel += len(joining) > 1
            total += roads.edge_min(e)
        assert cum[-1] == total == roads.out_row(src).dist[dst]
    assert checked_parallel > 0
