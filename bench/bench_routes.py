"""Multi-drop route building: the model's cheapest insertion vs PyVRP, on generated counties.

The model builds a truck's trip when the truck is free (sim/model/policies.py multi_drop): the
most urgent site, then further sites by cheapest insertion, within the truck's capacity and
with no drop arriving more than `max_delay_min` later than a truck driving straight to it. This
benchmark asks how far the trips it builds one by one are from a well-kept vehicle-routing
solver's plan for the same work: each instance is a depot and its waiting sites (all known at
once), served by as many trucks as needed; the heuristic builds trips one after another, each
started from the farthest unserved site (the classic seed: on a static instance no site is more
urgent than another); PyVRP (hybrid genetic search, fixed seed, a time limit) solves the same
capacitated problem with the same delay rule as time windows (latest arrival = straight drive
+ max delay, trucks leaving at 0). The figure is the heuristic's total driving minutes over
PyVRP's, per instance (unloading minutes are the same in both and left out).

Instances: sites uniform in a square county of `--side-km`, the depot at one corner or the
centre, drives = straight km x 1.3 (roads wind) at 40 km/h, units per site from a mix of small
pockets (1-30 units: people at home, a hamlet) and village loads (50-400), trucks of 600 units,
unloading 15 min. Needs `pip install pyvrp` (the [bench] extra).

    python bench/bench_routes.py [--instances 20] [--sites 40] [--seconds 2]
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from itertools import pairwise
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import machine_info, write_result  # noqa: E402
from sim.model.policies import RouteView, multi_drop  # noqa: E402

SCALE = 100  # PyVRP works in integers: minutes x 100


def instance(seed: int, sites: int, side_km: float) -> tuple[np.ndarray, np.ndarray]:
    """(minutes (n+1, n+1) with the depot at 0, units per site)."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, side_km, (sites, 2))
    depot = np.array([[0.0, 0.0]]) if seed % 2 else np.array([[side_km / 2, side_km / 2]])
    pts = np.vstack([depot, xy])
    km = np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1)) * 1.3
    minutes = np.round(km / 40 * 60, 2)
    small = rng.random(sites) < 0.6
    units = np.where(small, rng.integers(1, 31, sites), rng.integers(50, 401, sites))
    return minutes, units


def heuristic(minutes: np.ndarray, units: np.ndarray, capacity: int, unload: float, delay: float):
    """Trips built one after another by the model's multi_drop, each from the farthest site left."""
    left = list(range(len(units)))
    trips = []
    while left:
        seed = max(left, key=lambda s: (minutes[0, s + 1], -s))
        cand = [seed, *(s for s in left if s != seed)]
        idx = [0, *(s + 1 for s in cand)]
        view = RouteView(
            capacity=capacity,
            units=tuple(int(units[s]) for s in cand),
            minutes=minutes[np.ix_(idx, idx)],
            unload_min=unload,
            max_stops=len(cand),
            max_delay_min=delay,
        )
        trip = [cand[k] for k in multi_drop(view)]
        trips.append(trip)
        left = [s for s in left if s not in trip]
    return trips


def drive_min(trips: list[list[int]], minutes: np.ndarray) -> float:
    total = 0.0
    for trip in trips:
        nodes = [0, *(s + 1 for s in trip), 0]
        total += sum(minutes[a, b] for a, b in pairwise(nodes))
    return total


def pyvrp_plan(minutes, units, capacity: int, unload: float, delay: float, seconds: float, seed: int):
    from pyvrp import Model
    from pyvrp.stop import MaxRuntime

    m = Model()
    locs = [m.add_location(x=0, y=0) for _ in range(len(units) + 1)]  # edges carry the drives
    m.add_depot(locs[0])
    m.add_vehicle_type(num_available=len(units), capacity=capacity)
    for s, q in enumerate(units):
        late = math.inf if math.isinf(delay) else minutes[0, s + 1] + delay
        m.add_client(
            locs[s + 1],
            delivery=int(q),
            service_duration=round(unload * SCALE),
            tw_late=int(late * SCALE) if math.isfinite(late) else 2**40,
        )
    for a, fa in enumerate(locs):
        for b, fb in enumerate(locs):
            if a != b:
                d = round(minutes[a, b] * SCALE)
                m.add_edge(fa, fb, distance=d, duration=d)
    result = m.solve(stop=MaxRuntime(seconds), seed=seed, display=False)
    best = result.best
    assert best.num_clients() == len(units)
    return best.distance() / SCALE, result.is_feasible()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--instances", type=int, default=20)
    p.add_argument("--sites", type=int, default=40)
    p.add_argument("--side-km", type=float, default=40.0)
    p.add_argument("--capacity", type=int, default=600)
    p.add_argument("--unload-min", type=float, default=15.0)
    p.add_argument("--seconds", type=float, default=2.0, help="PyVRP time limit per instance")
    ns = p.parse_args(argv)
    out = {"machine": machine_info(("drsim", "numpy", "pyvrp")), "args": vars(ns), "rules": {}}
    for delay in (60.0, math.inf):
        ratios, heur_s = [], []
        for i in range(ns.instances):
            minutes, units = instance(1000 + i, ns.sites, ns.side_km)
            t0 = time.perf_counter()
            trips = heuristic(minutes, units, ns.capacity, ns.unload_min, delay)
            heur_s.append(time.perf_counter() - t0)
            ref, feasible = pyvrp_plan(minutes, units, ns.capacity, ns.unload_min, delay, ns.seconds, seed=i)
            assert feasible, f"PyVRP found no feasible plan for instance {i}"
            assert sorted(s for t in trips for s in t) == list(range(ns.sites))
            ratios.append(drive_min(trips, minutes) / ref)
        label = f"max_delay_min={delay:g}"
        out["rules"][label] = {
            "ratio_mean": statistics.mean(ratios),
            "ratio_median": statistics.median(ratios),
            "ratio_max": max(ratios),
            "ratio_min": min(ratios),
            "heuristic_s_per_instance_mean": statistics.mean(heur_s),
            "ratios": ratios,
        }
        print(
            f"{label:22s} heuristic / PyVRP driving minutes over {ns.instances} instances of "
            f"{ns.sites} sites: mean {statistics.mean(ratios):.3f}, median {statistics.median(ratios):.3f}, "
            f"range {min(ratios):.3f}-{max(ratios):.3f}; heuristic {statistics.mean(heur_s) * 1e3:.1f} ms "
            f"for all trips of an instance, PyVRP {ns.seconds:g} s"
        )
    path = write_result("routes", out)
    print(f"written: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
