"""Replications per second of `zhangshu` (hazard flood_major) with 1 and 2 worker processes.

The model's own parallel throughput: a `concurrent.futures.ProcessPoolExecutor` whose
workers each load the scenario once and then run `world.simulate` for their share of
replications 0..N-1 (the event log is counted, not written). The whole sweep path -
parts on disk, resume, aggregation - is measured by bench/bench_sweep.py (issue 6);
`python -m bench` runs that one too when it is present.

    python bench/bench_workers.py [--reps 40] [--workers 1 2] [--repeats 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import machine_info, write_result  # noqa: E402

_STATE: dict[str, Any] = {}


def _load(hazard: str) -> None:
    from sim import scenario
    from sim.config import compose
    from sim.settings import Settings

    config, _ = compose(["scenario=zhangshu", f"hazard={hazard}"])
    _STATE["settings"] = Settings.from_dict(config)
    _STATE["scenario"] = scenario.load(ROOT / "scenarios" / "zhangshu")


def _replicate(rep: int) -> int:
    from sim.model import world

    return len(world.simulate(_STATE["scenario"], _STATE["settings"], rep))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=40)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--hazard", default="flood_major")
    ns = parser.parse_args(argv)
    info = machine_info()
    print(f"machine: {info['cpu']}, {info['cores']} cores, load average {info['load_average_at_start']}")
    rates: dict[int, list[float]] = {k: [] for k in ns.workers}
    for _ in range(ns.repeats):
        for k in ns.workers:  # interleaved, so load changes hit every worker count
            with ProcessPoolExecutor(k, initializer=_load, initargs=(ns.hazard,)) as pool:
                list(pool.map(_replicate, range(k)))  # start and load every worker first
                started = time.perf_counter()
                rows = sum(pool.map(_replicate, range(ns.reps)))
                rates[k].append(ns.reps / (time.perf_counter() - started))
    results = {}
    for k, r in rates.items():
        results[k] = {"reps_per_s_max": max(r), "reps_per_s_median": statistics.median(r), "runs": r}
        print(f"  {k} worker(s): {max(r):.1f} replications/s best, {statistics.median(r):.1f} median")
    if 1 in rates and 2 in rates:
        eff = max(rates[2]) / (2 * max(rates[1]))
        results["efficiency_2"] = eff
        print(f"  parallel efficiency at 2 workers: {eff:.2f} ({rows:,} log rows in the last round)")
    path = write_result(
        "workers", {"machine": info, "reps": ns.reps, "hazard": ns.hazard, "results": results}
    )
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
