"""Scale: generated counties of 300, 3,000 and 30,000 villages; seconds and peak memory per replication.

Each county is `drsim make-county --preset county --villages N` (sim/authoring/counties.py
`county`, seed 1; its road graph grows with it) written to a temporary folder. Each
replication runs in a fresh subprocess (`python bench/bench_scale.py --child DIR`), so
its peak resident memory (VmHWM from /proc/self/status, the whole process: interpreter,
libraries, scenario and model) is its own. Timed: `world.simulate` for one replication
(default hazard flood_major, rep 0) - scenario loading and imports are reported apart.

Growth: the exponent b of seconds ~ n^b, fitted between consecutive sizes and over all
(n log n between 3,000 and 30,000 is b of about 1.29). Targets: 30,000 villages under
60 s and 2 GB, growth no faster than n log n.

    python bench/bench_scale.py [--villages 300 3000 30000] [--repeats 3] [--large-repeats 1]
                                [--hazard flood_major]
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import machine_info, write_result  # noqa: E402

LARGE = 10_000  # counties this big take minutes a replication: fewer repeats by default


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM starts afresh at exec; ru_maxrss would carry
    the parent's peak over exec (Linux keeps it), inflating small counties run after big ones."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # elsewhere: the best there is


def child(folder: str, hazard: str, rep: int) -> None:
    started = time.perf_counter()
    from sim import scenario
    from sim.config import compose
    from sim.model import world
    from sim.settings import Settings

    config, _ = compose([f"scenario.dir={folder}", f"hazard={hazard}"])
    settings = Settings.from_dict(config)
    scen = scenario.load(Path(folder))
    loaded = time.perf_counter()
    log = world.simulate(scen, settings, rep)
    done = time.perf_counter()
    peak_mb = peak_rss_mb()
    print(
        json.dumps(
            {"load_s": loaded - started, "rep_s": done - loaded, "peak_mb": peak_mb, "log_rows": len(log)}
        )
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--villages", type=int, nargs="+", default=[300, 3000, 30000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--large-repeats", type=int, default=1, help=f"repeats from {LARGE:,} villages up")
    parser.add_argument("--hazard", default="flood_major")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--rep", type=int, default=0, help=argparse.SUPPRESS)
    ns = parser.parse_args(argv)
    if ns.child:
        child(ns.child, ns.hazard, ns.rep)
        return 0
    from sim.authoring.counties import county
    from sim.authoring.write import write_scenario

    info = machine_info()
    print(f"machine: {info['cpu']}, {info['cores']} cores, load average {info['load_average_at_start']}")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in ns.villages:
            folder = Path(tmp) / f"county{n}"
            write_scenario(folder, county("county", 1, n))
            runs = []
            for _ in range(ns.repeats if n < LARGE else min(ns.repeats, ns.large_repeats)):
                out = subprocess.run(
                    [sys.executable, __file__, "--child", str(folder), "--hazard", ns.hazard],
                    check=True,
                    capture_output=True,
                    text=True,
                    cwd=ROOT,
                )
                runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
            secs = [r["rep_s"] for r in runs]
            row = {
                "villages": n,
                "rep_s_min": min(secs),
                "rep_s_median": statistics.median(secs),
                "rep_s_runs": secs,
                "peak_mb_max": max(r["peak_mb"] for r in runs),
                "load_s_min": min(r["load_s"] for r in runs),
                "log_rows": runs[-1]["log_rows"],
            }
            results.append(row)
            print(
                f"  {n:>7,} villages: best {row['rep_s_min']:.2f} s, median {row['rep_s_median']:.2f} s per "
                f"replication; peak {row['peak_mb_max']:,.0f} MB; {row['log_rows']:,} log rows "
                f"(+ {row['load_s_min']:.1f} s imports and loading)",
                flush=True,
            )
    growth = {}
    for a, b in itertools.pairwise(results):
        key = f"{a['villages']}->{b['villages']}"
        span = math.log(b["villages"] / a["villages"])
        growth[key] = math.log(b["rep_s_min"] / a["rep_s_min"]) / span
        nlogn = math.log(b["villages"] * math.log(b["villages"]) / (a["villages"] * math.log(a["villages"])))
        print(f"  growth exponent {key}: {growth[key]:.2f} (n log n would be {nlogn / span:.2f})")
    path = write_result(
        "scale", {"machine": info, "hazard": ns.hazard, "results": results, "growth_exponent": growth}
    )
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
