"""Multi-drop route building: the model's trips vs PyVRP, for the same decision and for whole plans.

The model builds a truck's trip when the truck is free (sim/model/policies/routes.py multi_drop): the
most urgent site, further sites by insertion, then local search over which sites ride along,
within the truck's capacity, `max_stops` drops and no drop arriving more than `max_delay_min`
later than a truck driving straight to it. Two comparisons with PyVRP 0.14 (hybrid genetic
search, fixed seed, an iteration limit: the same answer on every machine):

1. The decision (like for like). A free truck, the first site and the candidates the model
   hands the route policy (the same RouteView): PyVRP solves the same one-truck problem, the
   first site required, every other candidate optional with a prize of its round trip straight
   from the depot (the minutes a trip of its own would drive), the same capacity, drop limit
   (a second load dimension) and delay rule (time windows). Cost = the trip's driving minutes
   plus the round trips of the candidates it leaves; the figure is the policy's cost over
   PyVRP's. Views come from the model itself (every route decision of `--model-reps`
   replications of zhangshu flood_moderate) and from generated counties (a random first site
   and the 20 waiting sites nearest it that fit, as sim/model/relief.py picks them).
2. The whole static plan. Each instance is a depot and all its waiting sites, known at once,
   served by as many trucks as needed; the policy builds trips one after another, each from the
   farthest unserved site (on a static instance no site is more urgent than another); PyVRP
   plans all trips at once with the same rules. Figure: total driving minutes over PyVRP's
   (unloading is the same in both and left out). This is not the model's decision - the model
   never knows all the work at once - and is reported as the cost of building trips one by one.

Instances: sites uniform in a square county of `--side-km`, the depot at one corner or the
centre, drives = straight km x 1.3 (roads wind) at 40 km/h, units per site from a mix of small
pockets (1-30 units: people at home, a hamlet) and village loads (50-400), trucks of 600 units,
unloading 15 min. Needs `pip install pyvrp` (the [bench] extra). Results: bench/routes-DATE.json.

    python bench/bench_routes.py [--instances 20] [--sites 40] [--iterations 2000] [--model-reps 3]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from collections.abc import Iterable
from itertools import pairwise
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import machine_info, write_result  # noqa: E402
from sim.model.policies.routes import ROUTE_POLICIES, RouteView, insertion_drop, multi_drop  # noqa: E402

SCALE = 100  # PyVRP works in integers: minutes x 100
MAX_STOPS = 5  # trucks.max_stops, the model's default


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


POLICIES = {"multi_drop": multi_drop, "insertion_drop": insertion_drop}


def heuristic(
    minutes: np.ndarray, units: np.ndarray, capacity: int, unload: float, delay: float, policy=multi_drop
):
    """Trips built one after another by the route policy, each from the farthest site left, with
    the candidates the model would offer (sim/model/relief.py _route): the first site, then the
    MAX_STOPS * 4 sites nearest it whose units fit the room left."""
    left = list(range(len(units)))
    trips = []
    while left:
        seed = max(left, key=lambda s: (minutes[0, s + 1], -s))
        cand, view = model_view(minutes, units, seed, left, capacity, unload, delay)
        trip = [cand[k] for k in policy(view)]
        trips.append(trip)
        left = [s for s in left if s not in trip]
    return trips


def model_view(
    minutes: np.ndarray,
    units: np.ndarray,
    first: int,
    waiting: Iterable[int],
    capacity: int,
    unload: float,
    delay: float,
) -> tuple[list[int], RouteView]:
    """(sites, view) as the model offers them (sim/model/relief.py _route): the first site, then
    the 4 x MAX_STOPS waiting sites nearest it whose units fit the room it leaves."""
    room = capacity - min(int(units[first]), capacity)
    fits = [s for s in waiting if s != first and units[s] <= room]
    near = sorted(fits, key=lambda s: (minutes[first + 1, s + 1], s))[: 4 * MAX_STOPS]
    cand = [first, *sorted(near)]
    idx = [0, *(s + 1 for s in cand)]
    view = RouteView(
        capacity=capacity,
        units=tuple(int(units[s]) for s in cand),
        minutes=minutes[np.ix_(idx, idx)],
        unload_min=unload,
        max_stops=MAX_STOPS,
        max_delay_min=delay,
    )
    return cand, view


def drive_min(trips: list[list[int]], minutes: np.ndarray) -> float:
    total = 0.0
    for trip in trips:
        nodes = [0, *(s + 1 for s in trip), 0]
        total += sum(minutes[a, b] for a, b in pairwise(nodes))
    return total


def pyvrp_plan(minutes, units, capacity: int, unload: float, delay: float, iterations: int, seed: int):
    from pyvrp import Model
    from pyvrp.stop import MaxIterations

    m = Model()
    locs = [m.add_location(x=0, y=0) for _ in range(len(units) + 1)]  # edges carry the drives
    m.add_depot(locs[0])
    m.add_vehicle_type(num_available=len(units), capacity=[capacity, MAX_STOPS])
    for s, q in enumerate(units):
        late = math.inf if math.isinf(delay) else minutes[0, s + 1] + delay
        m.add_client(
            locs[s + 1],
            delivery=[int(q), 1],
            service_duration=round(unload * SCALE),
            tw_late=int(late * SCALE) if math.isfinite(late) else 2**40,
        )
    for a, fa in enumerate(locs):
        for b, fb in enumerate(locs):
            if a != b:
                d = round(minutes[a, b] * SCALE)
                m.add_edge(fa, fb, distance=d, duration=d)
    result = m.solve(stop=MaxIterations(iterations), seed=seed, display=False)
    best = result.best
    assert best.num_clients() == len(units)
    return best.distance() / SCALE, result.is_feasible()


BIG_MIN = 10**7  # a leg with no road now: PyVRP needs a number; no plan takes it


def decision_cost(route: list[int], view: RouteView) -> float:
    """The trip's driving minutes plus the round trips of the candidates it leaves (reachable ones)."""
    m = view.minutes
    alone = m[0, 1:] + m[1:, 0]
    nodes = [0, *(k + 1 for k in route), 0]
    drive = sum(m[a, b] for a, b in pairwise(nodes))
    return float(
        drive + sum(alone[k] for k in range(1, len(alone)) if k not in route and np.isfinite(alone[k]))
    )


def pyvrp_trip(view: RouteView, iterations: int, seed: int = 0) -> list[int]:
    """PyVRP's best one-truck trip for the decision (module docstring, comparison 1)."""
    from pyvrp import Model
    from pyvrp.stop import MaxIterations

    m, n = view.minutes, len(view.units)
    keep = [0, *(k for k in range(1, n) if np.isfinite(m[0, k + 1]) and np.isfinite(m[k + 1, 0]))]
    model = Model()
    locs = [model.add_location(x=0, y=0) for _ in range(len(keep) + 1)]
    model.add_depot(locs[0])
    model.add_vehicle_type(num_available=1, capacity=[view.capacity, view.max_stops])
    for j, k in enumerate(keep):
        late = m[0, k + 1] + view.max_delay_min
        model.add_client(
            locs[j + 1],
            delivery=[min(int(view.units[k]), view.capacity), 1],
            service_duration=round(view.unload_min * SCALE),
            tw_late=round(late * SCALE) + 1 if math.isfinite(late) else 2**40,
            required=k == 0,
            prize=0 if k == 0 else round((m[0, k + 1] + m[k + 1, 0]) * SCALE),
        )
    idx = [0, *(k + 1 for k in keep)]
    for a, fa in enumerate(locs):
        for b, fb in enumerate(locs):
            if a != b:
                x = m[idx[a], idx[b]]
                d = round(x * SCALE) if np.isfinite(x) else BIG_MIN * SCALE
                model.add_edge(fa, fb, distance=d, duration=d)
    result = model.solve(stop=MaxIterations(iterations), seed=seed, display=False)
    assert result.is_feasible(), "PyVRP found no feasible trip"
    return [keep[a.idx] for r in result.best.routes() for a in r if a.is_client()]


def model_views(reps: int) -> list[RouteView]:
    """Every RouteView the model hands multi_drop in `reps` replications of zhangshu flood_moderate."""
    from sim import scenario
    from sim.config import compose
    from sim.events import EventLog
    from sim.model import world
    from sim.rng import Streams
    from sim.settings import Settings

    views: list[RouteView] = []

    def recording(view: RouteView) -> list[int]:
        views.append(view)
        return multi_drop(view)

    config, _ = compose(["scenario=zhangshu", "hazard=flood_moderate"])
    settings = Settings.from_dict(config)
    scen = scenario.load(ROOT / "scenarios" / "zhangshu")
    ROUTE_POLICIES["multi_drop"] = recording
    try:
        for rep in range(reps):
            world.build(scen, settings, Streams(settings.run.seed, rep), EventLog()).run()
    finally:
        ROUTE_POLICIES["multi_drop"] = multi_drop
    return [v for v in views if np.isfinite(v.minutes[0, 1])]  # a cut-off first site: no choice


def generated_view(
    seed: int, sites: int, side_km: float, capacity: int, unload: float, delay: float
) -> RouteView:
    """A random first site of a generated county and the 20 waiting sites nearest it that fit."""
    minutes, units = instance(seed, sites, side_km)
    rng = np.random.default_rng(seed + 7)
    return model_view(minutes, units, int(rng.integers(sites)), range(sites), capacity, unload, delay)[1]


def summary(ratios: list[float], seconds: list[float]) -> dict:
    return {
        "n": len(ratios),
        "ratio_mean": statistics.mean(ratios),
        "ratio_median": statistics.median(ratios),
        "ratio_min": min(ratios),
        "ratio_max": max(ratios),
        "share_above_1_01": sum(r > 1.01 for r in ratios) / len(ratios),
        "policy_ms_mean": 1e3 * statistics.mean(seconds),
        "policy_ms_max": 1e3 * max(seconds),
    }


def compare_decisions(label: str, views: list[RouteView], iterations: int, out: dict) -> None:
    refs = [decision_cost(pyvrp_trip(v, iterations), v) for v in views]
    for name, policy in POLICIES.items():
        ratios, secs = [], []
        for v, ref in zip(views, refs, strict=True):
            t0 = time.perf_counter()
            route = policy(v)
            secs.append(time.perf_counter() - t0)
            ratios.append(decision_cost(route, v) / ref)
        out.setdefault("decision", {}).setdefault(label, {})[name] = s = summary(ratios, secs)
        print(
            f"decision {label:34s} {name:15s} / PyVRP: mean {s['ratio_mean']:.4f}, "
            f"median {s['ratio_median']:.4f}, "
            f"range {s['ratio_min']:.4f}-{s['ratio_max']:.4f} over {s['n']} views; "
            f"{s['policy_ms_mean']:.2f} ms a trip (max {s['policy_ms_max']:.1f})"
        )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--instances", type=int, default=20)
    p.add_argument("--sites", type=int, default=40)
    p.add_argument("--side-km", type=float, default=40.0)
    p.add_argument("--capacity", type=int, default=600)
    p.add_argument("--unload-min", type=float, default=15.0)
    p.add_argument("--iterations", type=int, default=2000, help="PyVRP iteration limit per problem")
    p.add_argument(
        "--model-reps", type=int, default=3, help="zhangshu replications whose decisions are compared"
    )
    ns = p.parse_args(argv)
    out: dict = {"machine": machine_info(("drsim", "numpy", "pyvrp")), "args": vars(ns), "static_plan": {}}
    compare_decisions(
        f"zhangshu flood_moderate x{ns.model_reps} reps", model_views(ns.model_reps), ns.iterations, out
    )
    for delay in (60.0, math.inf):
        views = [
            generated_view(2000 + i, ns.sites, ns.side_km, ns.capacity, ns.unload_min, delay)
            for i in range(2 * ns.instances)
        ]
        compare_decisions(f"generated 21 candidates, delay {delay:g}", views, ns.iterations, out)
    for delay in (60.0, math.inf):
        label = f"max_delay_min={delay:g}"
        refs = []
        for i in range(ns.instances):
            minutes, units = instance(1000 + i, ns.sites, ns.side_km)
            ref, feasible = pyvrp_plan(
                minutes, units, ns.capacity, ns.unload_min, delay, ns.iterations, seed=i
            )
            assert feasible, f"PyVRP found no feasible plan for instance {i}"
            refs.append(ref)
        for name, policy in POLICIES.items():
            ratios, secs = [], []
            for i in range(ns.instances):
                minutes, units = instance(1000 + i, ns.sites, ns.side_km)
                t0 = time.perf_counter()
                trips = heuristic(minutes, units, ns.capacity, ns.unload_min, delay, policy)
                secs.append(time.perf_counter() - t0)
                assert sorted(s for t in trips for s in t) == list(range(ns.sites))
                ratios.append(drive_min(trips, minutes) / refs[i])
            out["static_plan"].setdefault(label, {})[name] = s = summary(ratios, secs)
            s["ratios"] = ratios
            print(
                f"static plan {label:18s} {name:15s} / PyVRP driving minutes over {ns.instances} "
                f"instances of "
                f"{ns.sites} sites: mean {s['ratio_mean']:.3f}, median {s['ratio_median']:.3f}, "
                f"range {s['ratio_min']:.3f}-{s['ratio_max']:.3f}; {s['policy_ms_mean']:.0f} ms for all trips"
            )
    path = write_result("routes", out)
    dated = ROOT / "bench" / f"routes-{out['machine']['date'][:10]}.json"
    dated.write_text(json.dumps(out, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"written: {path}, {dated.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
