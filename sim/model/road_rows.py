"""Cached fastest-route rows of the live road network, and what a road change does to them.

Covers: a row (minutes and predecessors from one node, exact within a limit) and bringing it
up to date after edges get slower, close, get faster or reopen, by searching again only the
nodes a change can have altered. Pure functions of a row and scipy sparse graphs; the road
state (sim/model/roads.py) notes changes on its rows and calls `update` when it reads one.

Leaves out: choosing which rows to keep (the road state's cache) and searching whole rows
(csgraph's Dijkstra, in the road state).
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix

NO_PRED = -9999  # csgraph's predecessor of a node with none
# A row's changed part is searched again node by node in Python (a few us a node, where
# csgraph searches a whole row at about 0.12 us a node) up to this share of the network, at
# least SPREAD_MIN_NODES; past it the row is cut back and searched afresh when asked
# (tuning only: the answers are the same).
SPREAD_SHARE = 32
SPREAD_MIN_NODES = 64


@dataclass
class Row:
    """Fastest routes from (or to) one node: exact for every node within `limit` minutes;
    a node farther than that shows inf (as one with no road) and no predecessor.

    A road change does not drop the row: it notes on it what it may have changed, and the
    row is brought up to date when next read (`update`). An edge that got slower
    or closed changes only the nodes whose route used it, the subtree below it in the row's
    tree (`worse`: the subtrees' top nodes); an edge that got faster changes only nodes it
    now gives a shorter route, all beyond its ends (`better`). The subtrees are forgotten
    and searched again, with the faster edges' gains, from the arcs into them (`spread`).
    On a tree-like rural network nearly every cut lies in nearly every row's tree, but
    mostly far out: at 30,000 villages the subtree below a cut held 1.4 % of a row's nodes
    on average (median 0.02 %). Where more would change than `spread` should follow node
    by node, the row is cut back to the nodes nearer than any change can reach."""

    dist: np.ndarray
    pred: np.ndarray
    limit: float = math.inf
    worse: list[int] = field(default_factory=list)
    better: list[int] = field(default_factory=list)


def update(row: Row, searched: csr_matrix, into: csr_matrix, most: int) -> Row:
    """Apply the road changes noted on `row` (see `Row`), on the road graph as it is now:
    `searched` is the graph the row was searched on, `into` its transpose (a node's row of it
    lists the arcs into the node); `most` nodes at most are followed one by one."""
    if not (row.worse or row.better):
        return row
    dist = row.dist
    starts = set(row.better)
    roots = [x for x in row.worse if dist[x] < math.inf]
    row.better, row.worse = [], []
    below = subtree(row.pred, roots, searched, most)
    if below is not None:
        if below:  # forget the subtree; search it again from the arcs into it
            nodes = np.fromiter(below, dtype=np.int64, count=len(below))
            dist[nodes] = np.inf
            row.pred[nodes] = NO_PRED
            ptr, ind = into.indptr, into.indices
            for x in below:
                starts.update(y for y in ind[ptr[x] : ptr[x + 1]].tolist() if y not in below)
        ends = sorted(x for x in starts if dist[x] < math.inf)
        cut = min((float(dist[x]) for x in ends), default=math.inf)
        if spread(row, ends, searched, most):
            return row
    else:  # too many to follow node by node
        cut = float(min(dist[x] for x in [*roots, *starts]))
    # keep the nodes nearer than any change can reach; the rest is searched when asked
    keep = row.dist < cut
    row.dist = np.where(keep, row.dist, np.inf)
    row.pred = np.where(keep, row.pred, NO_PRED).astype(row.pred.dtype)
    row.limit = min(row.limit, float(np.nextafter(cut, -np.inf)))
    return row


def child_below(row: Row, a: int, b: int, both: bool, reverse: bool) -> int:
    """Where the row's tree uses arc a->b (or b->a if two-way): the node at its far end, whose
    subtree the arc leads to; else -1."""
    p = row.pred
    if reverse:  # a tree of the transposed graph uses original arc x->y when pred[x] == y
        return a if p[a] == b else b if both and p[b] == a else -1
    return b if p[b] == a else a if both and p[a] == b else -1


def subtree(pred: np.ndarray, roots: list[int], graph: csr_matrix, most: int) -> set[int] | None:
    """The nodes at or below any of `roots` in a row's tree (a node's children are the heads
    of its arcs in the searched `graph` whose predecessor it is), or None if more than
    `most`: a walk down from the roots, so it costs what the subtree holds, not the row."""
    ptr, ind = graph.indptr, graph.indices
    inside = set(roots)
    stack = list(inside)
    while stack:
        x = stack.pop()
        for y in ind[ptr[x] : ptr[x + 1]].tolist():
            if pred[y] == x and y not in inside:
                inside.add(y)
                stack.append(y)
        if len(inside) > most:
            return None
    return inside


def spread(row: Row, ends: list[int], graph: csr_matrix, most: int) -> bool:
    """Follow the gains out of `ends` through the row, nearest first: a Dijkstra that settles
    only nodes it gives a shorter route (within the row's limit), adding minutes in the order
    csgraph does. Every minute in the row must be that of a real route and every route that can
    beat one must leave one of `ends` (the arcs into a forgotten subtree, faster arcs). False
    if more than `most` nodes improved: the row is then partly updated, and only nodes nearer
    than every end are sure."""
    ptr, ind, dat = graph.indptr, graph.indices, graph.data
    dist, pred, limit = row.dist, row.pred, row.limit
    heap = [(float(dist[x]), x) for x in ends if dist[x] < math.inf]
    heapq.heapify(heap)
    improved = 0
    while heap:
        d, x = heapq.heappop(heap)
        if d > dist[x]:
            continue  # improved again since it was queued
        improved += 1
        if improved > most + len(ends):
            return False
        lo, hi = ptr[x], ptr[x + 1]
        for y, w in zip(ind[lo:hi].tolist(), dat[lo:hi].tolist(), strict=True):
            nd = d + w
            if nd < dist[y] and nd <= limit:
                dist[y] = nd
                pred[y] = x
                heapq.heappush(heap, (nd, y))
    return True


def shortens(row: Row, a: int, b: int, w: float, both: bool, reverse: bool) -> bool:
    """Does arc a->b (or b->a if two-way), now `w` minutes, give a node a shorter route than the
    row holds, within its limit? (Read before pending changes are applied, the row's minutes
    may be stale where a slower edge lies: a gain it hides there is found when the subtree
    is searched again, from the arcs into it.)"""
    d, lim = row.dist, row.limit
    if reverse:  # d[x] = minutes from x to the source; arc a->b helps a if w + d[b] < d[a]
        return _shorter(w + d[b], d[a], lim) or (both and _shorter(w + d[a], d[b], lim))
    return _shorter(d[a] + w, d[b], lim) or (both and _shorter(d[b] + w, d[a], lim))


def _shorter(new: float, old: float, limit: float) -> bool:
    return new < old and new <= limit
