"""Travel-time tables: the project's csgraph table vs networkx, on one generated road graph, in one run.

Graph: a jittered square grid of about 50,000 nodes (224 x 224), every grid street
two-way, lengths from the jittered coordinates (0.5-1.5 km), speeds 30/60/80 km/h by
a fixed pattern, about 100,000 streets. 400 facilities at nodes spread over the grid.

    drsim     sim.scenario.roads.time_matrix + travel_table: minutes from each facility to
              every node and back (scipy.sparse.csgraph.dijkstra, 2 x 400 sources)
    networkx  the same table with nx.single_source_dijkstra_path_length, one call per facility
              and direction on a DiGraph; by default on the first --nx-sources facilities only
              and scaled to 400 (per-source cost does not depend on which source; stated in
              the output), --nx-sources 400 for all of them

Both tables are compared on the facilities networkx did (max absolute difference).

    python bench/bench_travel.py [--side 224] [--facilities 400] [--nx-sources 40] [--repeats 3]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import machine_info, measure, write_result  # noqa: E402
from sim.scenario.roads import edge_minutes, time_matrix, travel_table  # noqa: E402


def grid_graph(side: int, seed: int = 7):
    rng = np.random.default_rng(seed)
    ij = np.arange(side * side).reshape(side, side)
    x = np.repeat(np.arange(side, dtype=float), side).reshape(side, side) + rng.uniform(
        -0.25, 0.25, (side, side)
    )
    y = np.tile(np.arange(side, dtype=float), side).reshape(side, side) + rng.uniform(
        -0.25, 0.25, (side, side)
    )
    u = np.concatenate([ij[:, :-1].ravel(), ij[:-1, :].ravel()])
    v = np.concatenate([ij[:, 1:].ravel(), ij[1:, :].ravel()])
    length_km = np.hypot(x.ravel()[u] - x.ravel()[v], y.ravel()[u] - y.ravel()[v])
    speed_kmh = np.choose(np.arange(len(u)) % 7 == 0, [30.0, 60.0]) + 20.0 * (np.arange(len(u)) % 23 == 0)
    return side * side, u, v, edge_minutes(length_km, speed_kmh)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=224)
    parser.add_argument("--facilities", type=int, default=400)
    parser.add_argument("--nx-sources", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=3)
    ns = parser.parse_args(argv)
    import networkx as nx

    info = machine_info(("drsim", "numpy", "scipy", "networkx"))
    n, u, v, minutes = grid_graph(ns.side)
    oneway = np.zeros(len(u), dtype=bool)
    facilities = np.linspace(0, n - 1, ns.facilities).round().astype(np.int64)
    print(f"machine: {info['cpu']}, {info['cores']} cores, load average {info['load_average_at_start']}")
    print(f"graph: {n:,} nodes, {len(u):,} two-way streets; {ns.facilities} facilities")

    def drsim_table():
        return travel_table(time_matrix(n, u, v, minutes, oneway), facilities)

    ours = measure(drsim_table, ns.repeats)
    out, back = ours["value"]

    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    for a, b, w in zip(u.tolist(), v.tolist(), minutes.tolist(), strict=True):
        g.add_edge(a, b, weight=w)
        g.add_edge(b, a, weight=w)
    rev = g.reverse(copy=False)
    k = min(ns.nx_sources, ns.facilities)

    def nx_table():
        rows = []
        for s in facilities[:k].tolist():
            o = nx.single_source_dijkstra_path_length(g, s, weight="weight")
            b = nx.single_source_dijkstra_path_length(rev, s, weight="weight")
            rows.append((o, b))
        return rows

    theirs = measure(nx_table, min(ns.repeats, 2) if k < ns.facilities else 1)  # it is the slow one
    diff = 0.0
    for i, (o, b) in enumerate(theirs["value"]):
        ref_o = np.full(n, np.inf)
        ref_o[list(o)] = list(o.values())
        ref_b = np.full(n, np.inf)
        ref_b[list(b)] = list(b.values())
        diff = max(diff, float(np.max(np.abs(ref_o - out[i]))), float(np.max(np.abs(ref_b - back[i]))))
    scale = ns.facilities / k
    nx_min, nx_med = theirs["min_s"] * scale, theirs["median_s"] * scale
    speedup = nx_min / ours["min_s"]
    print(
        f"  drsim    table, {ns.facilities} x 2 directions: "
        f"best {ours['min_s']:.2f} s, median {ours['median_s']:.2f} s"
    )
    print(
        f"  networkx {k} facilities x 2 directions: "
        f"best {theirs['min_s']:.2f} s, median {theirs['median_s']:.2f} s"
        f"{f' -> {nx_min:.1f} s for {ns.facilities} (scaled x{scale:g})' if k < ns.facilities else ''}"
    )
    print(f"  drsim is {speedup:.0f}x as fast (target >= 20x and < 5 s); max |difference| {diff:.2e} min")
    path = write_result(
        "travel",
        {
            "machine": info,
            "graph": {"nodes": n, "two_way_streets": len(u), "facilities": ns.facilities},
            "drsim": {k2: ours[k2] for k2 in ("min_s", "median_s", "runs_s")},
            "networkx": {
                "sources_timed": k,
                "min_s": theirs["min_s"],
                "median_s": theirs["median_s"],
                "runs_s": theirs["runs_s"],
                "scaled_to_all_min_s": nx_min,
                "scaled_to_all_median_s": nx_med,
            },
            "speedup_min": speedup,
            "max_abs_difference_min": diff,
        },
    )
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
