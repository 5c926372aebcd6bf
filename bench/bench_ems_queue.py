"""The EMS check mode against the same queue in plain SimPy and in Ciw, in one run.

M/M/c with c = 46 (Jinjiang's fleet), utilisation 0.9, about 200,000 calls: the
project's `scenario=mmc` path (world.simulate: call and service draws, dispatcher
with the named policy, priority queue, event log) vs a textbook SimPy model
(simpy.Resource, one process per customer) vs Ciw. Every model gets the same
horizon, so each serves a Poisson number of calls near 200,000; speed is
customers per second. The time to turn the project's event log into its calls
table is reported separately (the other two only keep a list of waits).

    python bench/bench_ems_queue.py [--calls 200000] [--repeats 3]

Writes bench/results/ems_queue.json. Needs `pip install -e ".[bench]"` (ciw).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import simpy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import machine_info, measure, write_result
from bench.engine import poisson_customers

SERVERS = 46
UTILISATION = 0.9
SERVICE_MEAN_MIN = 5.0  # short services keep 200,000 calls inside the 720 h settings allow


def project(horizon_h: float, calls_per_h: float):
    from sim import scenario
    from sim.config import compose
    from sim.events import EventKind
    from sim.model import world
    from sim.provenance import PROJECT_ROOT
    from sim.results import ems_tables
    from sim.settings import Settings

    config, _ = compose(
        [
            "scenario=mmc",
            f"ems.servers={SERVERS}",
            f"ems.calls_per_h={calls_per_h}",
            f"ems.service_mean_min={SERVICE_MEAN_MIN}",
            f"run.horizon_h={horizon_h}",
            "ems.warmup_h=0",
        ]
    )
    settings = Settings.from_dict(config)
    scen = scenario.load(PROJECT_ROOT / "scenarios" / "mmc")

    def run():
        log = world.simulate(scen, settings, 0)
        return sum(1 for e in log.rows if e.kind is EventKind.AMBULANCE_DISPATCHED), log

    def tables(log):
        return len(ems_tables.call_results(log.rows, scen, settings.run.horizon_min)["call_id"])

    return run, tables


def plain_simpy(horizon_min: float, rate_per_min: float, seed: int = 1):
    """The same M/M/c written the textbook way: simpy.Resource, a process per customer."""

    def run():
        arrivals, services = poisson_customers(rate_per_min, horizon_min, SERVICE_MEAN_MIN, seed)
        env = simpy.Environment()
        ambulances = simpy.Resource(env, capacity=SERVERS)
        waits: list[float] = []

        def customer(service: float):
            arrived = env.now
            with ambulances.request() as req:
                yield req
                waits.append(env.now - arrived)
                yield env.timeout(service)

        def source():
            for at, service in zip(arrivals, services, strict=True):
                yield env.timeout(at - env.now)
                env.process(customer(service))

        env.process(source())
        env.run(until=horizon_min)
        return len(waits), waits

    return run


def ciw_model(horizon_min: float, rate_per_min: float, seed: int = 1):
    import ciw

    def run():
        ciw.seed(seed)
        network = ciw.create_network(
            arrival_distributions=[ciw.dists.Exponential(rate=rate_per_min)],
            service_distributions=[ciw.dists.Exponential(rate=1.0 / SERVICE_MEAN_MIN)],
            number_of_servers=[SERVERS],
        )
        sim = ciw.Simulation(network)
        sim.simulate_until_max_time(horizon_min)
        records = sim.get_all_records()
        return len(records), records

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-ciw", action="store_true")
    ns = parser.parse_args(argv)
    rate_per_min = UTILISATION * SERVERS / SERVICE_MEAN_MIN
    horizon_min = ns.calls / rate_per_min
    horizon_h = horizon_min / 60.0
    calls_per_h = rate_per_min * 60.0
    info = machine_info(("drsim", "simpy", "numpy", "scipy", "pandas", "ciw"))
    print(
        f"machine: {info['cpu']}, {info['cores']} cores, Python {info['python']}, "
        f"load average {info['load_average_at_start']}"
    )
    print(
        f"M/M/{SERVERS}, utilisation {UTILISATION}, mean service {SERVICE_MEAN_MIN} min, "
        f"{calls_per_h:.1f} calls/h over {horizon_h:.1f} h (about {ns.calls:,} calls), "
        f"best of {ns.repeats} rounds"
    )
    run_project, tables = project(round(horizon_h, 6), round(calls_per_h, 6))
    results = {}
    timed = {
        "drsim mmc": run_project,
        "plain SimPy": plain_simpy(horizon_min, rate_per_min),
    }
    if not ns.skip_ciw:
        timed["Ciw"] = ciw_model(horizon_min, rate_per_min)
    # Round robin (each model once per round) so a change in machine load hits all alike.
    runs: dict[str, list[float]] = {name: [] for name in timed}
    last: dict[str, object] = {}
    for _ in range(ns.repeats):
        for name, fn in timed.items():
            m = measure(fn, 1)
            runs[name].append(m["min_s"])
            last[name] = m["value"]
    for name, seconds in runs.items():
        served = last[name][0]
        best, median = min(seconds), statistics.median(seconds)
        results[name] = {
            "customers": served,
            "min_s": best,
            "median_s": median,
            "runs_s": seconds,
            "customers_per_s": served / best,
        }
        print(
            f"  {name:<12} {served:>8,} customers  best {best:.2f} s  median {median:.2f} s  "
            f"{served / best:>9,.0f} customers/s"
        )
    log = last["drsim mmc"][1]
    t = measure(lambda: tables(log), 1)
    results["drsim mmc"]["calls_table_s"] = t["min_s"]
    print(f"  {'':<12} (+ {t['min_s']:.2f} s to build the calls table from its event log)")
    base = results["drsim mmc"]["customers_per_s"]
    ratios = {f"drsim / {k}": base / v["customers_per_s"] for k, v in results.items() if k != "drsim mmc"}
    for k, v in ratios.items():
        print(f"  {k}: {v:.2f}x")
    path = write_result(
        "ems_queue",
        {
            "machine": info,
            "setup": {
                "servers": SERVERS,
                "utilisation": UTILISATION,
                "service_mean_min": SERVICE_MEAN_MIN,
                "calls_per_h": calls_per_h,
                "horizon_h": horizon_h,
                "target_calls": ns.calls,
                "repeats": ns.repeats,
            },
            "results": results,
            "ratios": ratios,
        },
    )
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
