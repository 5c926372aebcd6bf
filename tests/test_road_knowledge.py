"""Vehicles plan on the roads as known and learn unseen damage where they reach it.

For generated sets of unseen cuts and slowdowns on zhangshu's road graph, one vehicle driving
from a random node to another must arrive when an independent walk says: plan the fastest route
on the known graph (a fresh scipy Dijkstra), drive it up to the first edge whose damage is not
known yet, learn that edge there, plan again. It learns exactly the damaged edges that walk
meets, in that order, and stops where no known road leads on. Hand-timed cases on `tiny` are in
tests/test_roads_by_hand.py.
"""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np
import pytest
import simpy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import dijkstra

from sim.model.roads import REACHED, RoadState
from sim.scenario.roads import time_matrix
from tests.conftest import load_scenario


def oracle(roads: RoadState, damage: dict[int, float], src: int, dst: int):
    """(arrival minute or None if it ends held, learned edges in order, node where it is)."""
    road = roads.scenario.road
    known = np.ones(len(roads.u))
    t, learned, node = 0.0, [], src
    while node != dst:
        open_ = known > 0
        m = time_matrix(
            road.n_nodes,
            roads.u[open_],
            roads.v[open_],
            roads.base_min[open_] / known[open_],
            roads.oneway[open_],
        )
        dist, pred = dijkstra(m, indices=node, return_predecessors=True)
        if not math.isfinite(dist[dst]):
            return None, learned, node
        path = [dst]
        while path[-1] != node:
            path.append(int(pred[path[-1]]))
        path.reverse()
        for a, b in pairwise(path):
            # the edge the route takes between a and b: the fastest known, lower id on a tie
            cands = [
                e
                for e in range(len(roads.u))
                if (roads.u[e], roads.v[e]) == (a, b)
                or (not roads.oneway[e] and (roads.v[e], roads.u[e]) == (a, b))
            ]
            e = min(cands, key=lambda k: (math.inf if known[k] == 0 else roads.base_min[k] / known[k], k))
            if e in damage and e not in learned:
                learned.append(e)
                known[e] = damage[e]
                node = a
                break
            t += roads.base_min[e] / known[e]
            node = b
    return t, learned, node


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**31 - 1), st.integers(1, 300))
def test_vehicle_learns_unseen_damage_where_an_independent_walk_says(seed, n_damaged):
    scen = load_scenario("zhangshu")
    env = simpy.Environment()
    roads = RoadState(env, scen, knows_at_once=False)
    rng = np.random.default_rng(seed)
    edges = rng.choice(len(roads.u), size=n_damaged, replace=False).tolist()
    damage = {e: float(rng.choice([0.0, 0.0, 0.5])) for e in edges}
    src, dst = (int(x) for x in rng.choice(scen.road.n_nodes, size=2, replace=False))
    learned: list[tuple[float, int, str]] = []
    roads.learners.append(lambda e, how: learned.append((env.now, e, how)))
    held: list[int] = []
    arrived: list[float] = []

    def vehicle():
        yield from roads.drive(src, dst, lambda _n: None, held.append)
        arrived.append(env.now)

    for e, f in damage.items():
        assert roads.set_factor(e, f) is False  # worse than known: unseen
    env.process(vehicle())
    env.run(until=10_000)
    t, order, node = oracle(roads, damage, src, dst)
    assert [e for _, e, _ in learned] == order
    assert all(how == REACHED for _, _, how in learned)
    if t is None:
        assert arrived == [] and held and held[-1] == node
    else:
        assert arrived == [pytest.approx(t, rel=1e-9, abs=1e-6)]
    # what was learned is known; the rest stays unseen
    assert roads.unseen == set(damage) - set(order)
    for e in order:
        assert roads.known[e] == damage[e]
    STATS.append((len(order), t is None))


STATS: list[tuple[int, bool]] = []


def test_generated_walks_did_learn_and_did_hold():
    """The generated cases exercise the mechanism: some learn several edges, some end held."""
    test_vehicle_learns_unseen_damage_where_an_independent_walk_says()
    assert max(n for n, _ in STATS) >= 2 and any(h for _, h in STATS) and any(not h for _, h in STATS)


def test_improvement_is_known_at_once_and_unseen_damage_cleared_is_never_learned():
    scen = load_scenario("tiny")
    env = simpy.Environment()
    roads = RoadState(env, scen, knows_at_once=False)
    assert roads.set_factor(0, 0.0) is False and roads.known[0] == 1.0 and roads.is_cut(0)
    assert not roads.known_cut(0)
    assert roads.set_factor(0, 1.0) is True and roads.unseen == set()
    assert roads.learn(0, "reported") is False  # nothing left to learn
    assert roads.set_factor(1, 0.0) is False and roads.learn(1, "reported") is True
    assert roads.known_cut(1)
    assert roads.set_factor(1, 1.0) is True and not roads.known_cut(1)  # a reopening: known at once
