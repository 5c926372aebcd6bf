"""Run every benchmark in turn: `python -m bench [--quick] [--only NAME ...]`.

Each prints its table and writes bench/results/NAME.json (machine, versions, every
figure with min and median over repeats). The engine floor is measured inside
bench_model, in the same run as the model's own rate. `--quick` shrinks the
workloads for a smoke run (its figures are not the README's).
Needs `pip install -e ".[bench]"` (Ciw, networkx, pyinstrument, PyVRP).
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# name -> (module, full arguments, quick arguments)
SUITE: dict[str, tuple[str, list[str], list[str]]] = {
    "model": ("bench.bench_model", [], ["--repeats", "2", "--reps", "2"]),
    "ems_queue": ("bench.bench_ems_queue", [], ["--calls", "20000", "--repeats", "1"]),
    "travel": ("bench.bench_travel", [], ["--side", "60", "--facilities", "40", "--nx-sources", "4"]),
    "scale": ("bench.bench_scale", [], ["--villages", "300", "1000", "--repeats", "1"]),
    "workers": ("bench.bench_workers", [], ["--reps", "8", "--repeats", "1"]),
    "sweep": ("bench.bench_sweep", ["--reps", "100", "--repeat", "2"], ["--reps", "8", "--repeat", "1"]),
    "routes": ("bench.bench_routes", [], ["--instances", "3", "--iterations", "300", "--model-reps", "1"]),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="+", choices=list(SUITE))
    ns = parser.parse_args(argv)
    failed = []
    for name, (module, full, quick) in SUITE.items():
        if ns.only and name not in ns.only:
            continue
        print(f"\n== {name} ({module}) ==", flush=True)
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as err:
            if err.name != module:
                raise  # a missing dependency is an error, not a benchmark still to come
            print(f"  not here yet: {module} (comes with its issue's branch)")
            continue
        started = time.perf_counter()
        args = quick if ns.quick else full
        if inspect.signature(mod.main).parameters:
            code = mod.main(args)
        else:  # a benchmark that reads sys.argv itself
            saved, sys.argv = sys.argv, [mod.__file__, *args]
            try:
                code = mod.main()
            finally:
                sys.argv = saved
        print(f"  ({time.perf_counter() - started:.0f} s)", flush=True)
        if code:
            failed.append(name)
    if failed:
        print(f"\nnot completed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
