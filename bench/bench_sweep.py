"""Benchmark: replications per second of a sweep, by worker count, and the parallel efficiency.

Runs the `zhangshu` baseline (hazard flood_major, the default configuration) as a
one-case sweep through the real path - `sim.experiment.sweep.run_sweep` with the local
process pool, parts written atomically, aggregate built from disk - once per
worker count, each in a fresh sweep directory. Reports for each:

    wall_s             the whole command: pool start, replications, aggregation
    steady_reps_per_s  replications finished per second over the middle of the run: from
                       the result that completes 10 % of the replications to the one that
                       completes 90 % (pool start-up, the first and last batches and the
                       aggregation left out; results arrive in batches, so each end is a
                       batch boundary and the count between them is exact)

and the parallel efficiency at k workers = steady rate(k) / (k x steady rate(1)).

Calibration: the same replications run in k independent processes at once (no pool,
no coordinator, no files), giving the machine's own ceiling for k-way parallel work
at that moment (shared caches, frequency scaling, other tenants). A sweep cannot beat
it; the report shows both, so a low figure on a busy machine is not mistaken for
overhead in the sweep.
Each worker count is measured --repeat times, interleaved (1, 2, 1, 2, ...), and the
best rate is reported beside every trial: on a shared machine other work only ever
slows a trial down, so the best is the closest to the code's own speed. The load
average before each trial is recorded too. Prints the figures and writes them as
JSON (bench/results/bench_sweep.json unless --out).

    python bench/bench_sweep.py [--reps 120] [--workers 1 2] [--repeat 3] [--keep-events] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.config import compose  # noqa: E402
from sim.experiment import sweep  # noqa: E402
from sim.experiment.executors import LocalExecutor  # noqa: E402
from sim.experiment.launch import sweep_case  # noqa: E402
from sim.experiment.spec import CaseSpec, ExperimentSpec  # noqa: E402
from sim.experiment.units import Unit, run_unit  # noqa: E402

BATCH_GAP_S = 0.005  # results of one batch are written within milliseconds of each other


class Clock:
    """A progress sink that records when each replication finished."""

    def __init__(self) -> None:
        self.times: list[float] = []

    def start(self, left: dict[str, int], total: int, reps: int) -> None:
        pass

    def tick(self, case: str, ok: bool) -> None:
        self.times.append(time.perf_counter())

    def finish(self) -> None:
        pass


def middle_rate(times: list[float], low: float = 0.1, high: float = 0.9) -> float:
    """Results per second between the batch that reaches `low` of them and the one reaching `high`."""
    n = len(times)

    def batch_end(fraction: float) -> tuple[float, int]:
        at = times[max(0, math.ceil(fraction * n) - 1)]
        done = sum(1 for x in times if x <= at + BATCH_GAP_S)  # the rest of that batch too
        return at, done

    t1, k1 = batch_end(low)
    t2, k2 = batch_end(high)
    if t2 <= t1:  # too few results (a --quick run): first to last result instead
        return (n - 1) / (times[-1] - times[0]) if times[-1] > times[0] else math.nan
    return (k2 - k1) / (t2 - t1)


def one(reps: int, workers: int, keep_events: bool) -> dict:
    spec = ExperimentSpec(name="bench", baseline="baseline", cases=[CaseSpec(name="baseline")])
    overrides = ["scenario=zhangshu", f"run.reps={reps}", f"run.keep_events={str(keep_events).lower()}"]
    compose(overrides)  # fail early on a bad override
    case = sweep_case(spec, spec.cases[0], overrides)
    load = round(os.getloadavg()[0], 2)
    with tempfile.TemporaryDirectory() as tmp:
        clock = Clock()
        started = time.perf_counter()
        result = sweep.run_sweep(
            spec, [case], Path(tmp) / "sweep", ["bench"], lambda: LocalExecutor(workers), clock
        )
        wall = time.perf_counter() - started
    assert result.complete and result.ran == reps, "the benchmark sweep did not finish"
    t = clock.times
    steady = middle_rate(t)
    return {
        "workers": workers,
        "reps": reps,
        "wall_s": round(wall, 3),
        "steady_reps_per_s": round(steady, 2),
        "overall_reps_per_s": round(reps / wall, 2),
        "load_avg_1min_before": load,
    }


def raw(units: int) -> float:
    """Mean seconds per replication of `units` replications run back to back in this process."""
    spec = ExperimentSpec(name="bench", baseline="baseline", cases=[CaseSpec(name="baseline")])
    case = sweep_case(spec, spec.cases[0], ["scenario=zhangshu", "run.keep_events=false"])
    run_unit(Unit("baseline", 0, case.settings, case.data_dir))  # load and warm up
    started = time.perf_counter()
    for rep in range(units):
        run_unit(Unit("baseline", rep, case.settings, case.data_dir))
    return (time.perf_counter() - started) / units


def calibrate(workers: int, units: int) -> dict:
    """k independent processes, each timing `units` replications, started together."""
    import subprocess

    cmd = [sys.executable, __file__, "--raw", str(units)]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) for _ in range(workers)]
    per_unit = [float(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
    return {"workers": workers, "units_each": units, "s_per_rep": [round(x, 5) for x in per_unit]}


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--raw":
        print(raw(int(sys.argv[2])))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=120)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=3, help="trials per worker count (best is kept)")
    parser.add_argument("--keep-events", action="store_true", help="also write each event log")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "bench_sweep.json"))
    ns = parser.parse_args()
    trials, calib = [], []
    for _ in range(ns.repeat):
        for w in ns.workers:
            calib.append(calibrate(w, max(10, ns.reps // 6)))
            trials.append(one(ns.reps, w, ns.keep_events))
    best = {
        w: max((t for t in trials if t["workers"] == w), key=lambda t: t["steady_reps_per_s"])
        for w in ns.workers
    }
    base = best[1]["steady_reps_per_s"] if 1 in best else None
    # Machine ceiling: k processes' aggregate rate / (k x one process's rate), best trials.
    raw_rate = {
        w: max(sum(1 / x for x in c["s_per_rep"]) for c in calib if c["workers"] == w) for w in ns.workers
    }
    summary = [
        {
            "workers": w,
            "best_steady_reps_per_s": b["steady_reps_per_s"],
            "best_wall_s": min(t["wall_s"] for t in trials if t["workers"] == w),
            "parallel_efficiency": round(b["steady_reps_per_s"] / (w * base), 3) if base else None,
            "machine_ceiling_efficiency": round(raw_rate[w] / (w * raw_rate[1]), 3)
            if 1 in raw_rate
            else None,
        }
        for w, b in best.items()
    ]
    report = {
        "benchmark": "bench_sweep",
        "what": "zhangshu baseline (flood_major), one-case sweep, local process pool, spawn",
        "reps_per_trial": ns.reps,
        "keep_events": ns.keep_events,
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "summary": summary,
        "trials": trials,
        "calibration": calib,
    }
    print(
        f"{'workers':>7} {'trial reps/s (steady)':>34} {'best':>7} {'efficiency':>11} {'machine ceiling':>16}"
    )
    for row in summary:
        w = row["workers"]
        rates = ", ".join(f"{t['steady_reps_per_s']:.1f}" for t in trials if t["workers"] == w)
        eff = "" if row["parallel_efficiency"] is None else f"{row['parallel_efficiency']:.0%}"
        ceil = "" if row["machine_ceiling_efficiency"] is None else f"{row['machine_ceiling_efficiency']:.0%}"
        print(f"{w:>7} {rates:>34} {row['best_steady_reps_per_s']:>7.1f} {eff:>11} {ceil:>16}")
    loads = [t["load_avg_1min_before"] for t in trials]
    print(f"load average before trials: {min(loads):.2f} to {max(loads):.2f} on {os.cpu_count()} CPUs")
    out = Path(ns.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
