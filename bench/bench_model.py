"""The model's event rate on `zhangshu` against the engine floor, in one run.

Engine floor (bench/engine.py): plain SimPy, a bare timeout loop and an M/M/c
`simpy.Resource` queue. Model: `world.build` + `World.run` for one replication of
`scenario=zhangshu hazard=<flood>` (default `flood`), the same path `drsim run`
takes, without writing tables. Counted per replication:

    simpy_events   entries put on SimPy's event heap (the unit of the engine floor)
    log_rows       rows of the event log (what the model reports happening)

Rates are per second of the replication's wall time (build + run); the target is a
model SimPy-event rate of at least half the M/M/c floor, and a replication under 0.5 s.
Round robin: every round runs each workload once, so a load change hits all alike.

    python bench/bench_model.py [--repeats 5] [--reps 5] [--hazard flood]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import engine  # noqa: E402
from bench.common import machine_info, write_result  # noqa: E402


def model_workload(hazard: str, reps: int):
    from sim import scenario
    from sim.config import compose
    from sim.events import EventLog
    from sim.model import world
    from sim.rng import Streams
    from sim.settings import Settings

    config, _ = compose(["scenario=zhangshu", f"hazard={hazard}"])
    settings = Settings.from_dict(config)
    scen = scenario.load(ROOT / "scenarios" / "zhangshu")

    def run() -> dict[str, Any]:
        events = rows = 0
        per_rep: list[float] = []
        for rep in range(reps):
            started = time.perf_counter()
            log = EventLog()
            w = world.build(scen, settings, Streams(settings.run.seed, rep), log)
            w.run()
            per_rep.append(time.perf_counter() - started)
            events += engine.scheduled_events(w.env)
            rows += len(log)
        return {"events": events, "log_rows": rows, "reps": reps, "rep_s": per_rep}

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--reps", type=int, default=5, help="replications per round (reps 0..N-1)")
    parser.add_argument("--hazard", default="flood")
    ns = parser.parse_args(argv)
    info = machine_info()
    print(f"machine: {info['cpu']}, {info['cores']} cores, load average {info['load_average_at_start']}")
    work = {
        "simpy bare timeouts": engine.bare_timeouts,
        "simpy M/M/c Resource": engine.mmc_resource,
        f"drsim zhangshu {ns.hazard}": model_workload(ns.hazard, ns.reps),
    }
    work[f"drsim zhangshu {ns.hazard}"]()  # warm imports and caches outside the timing
    rates: dict[str, list[float]] = {k: [] for k in work}
    seconds: dict[str, list[float]] = {k: [] for k in work}
    last: dict[str, dict[str, Any]] = {}
    for _ in range(ns.repeats):
        for name, fn in work.items():
            started = time.perf_counter()
            value = fn()
            dt = time.perf_counter() - started
            seconds[name].append(dt)
            rates[name].append(value["events"] / dt)
            last[name] = value
    results: dict[str, Any] = {}
    for name in work:
        results[name] = {
            "events": last[name]["events"],
            "events_per_s_max": max(rates[name]),
            "events_per_s_median": statistics.median(rates[name]),
            "min_s": min(seconds[name]),
            "median_s": statistics.median(seconds[name]),
        }
        print(
            f"  {name:<24} {last[name]['events']:>9,} events  best {min(seconds[name]):.3f} s  "
            f"{max(rates[name]):>9,.0f} events/s (median {statistics.median(rates[name]):,.0f})"
        )
    model = f"drsim zhangshu {ns.hazard}"
    m = last[model]
    rep_s = [s / ns.reps for s in seconds[model]]
    results[model] |= {
        "reps_per_round": ns.reps,
        "log_rows": m["log_rows"],
        "log_rows_per_s_max": m["log_rows"] / min(seconds[model]),
        "rep_s_min": min(rep_s),
        "rep_s_median": statistics.median(rep_s),
        "rep_s_each_last_round": m["rep_s"],
    }
    floor = results["simpy M/M/c Resource"]["events_per_s_max"]
    ratio = results[model]["events_per_s_max"] / floor
    print(
        f"  per replication: {min(rep_s):.3f} s best, {statistics.median(rep_s):.3f} s median; "
        f"{m['events'] / ns.reps:,.0f} SimPy events, {m['log_rows'] / ns.reps:,.0f} log rows"
    )
    print(f"  model / M/M/c floor: {ratio:.2f} (target >= 0.5); replication target < 0.5 s")
    path = write_result(
        "model",
        {"machine": info, "hazard": ns.hazard, "results": results, "model_over_mmc_floor": ratio},
    )
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
