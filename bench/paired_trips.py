"""Paired relief shares of a `drsim sweep experiment=zhangshu_trips` (issue 20): each case against
the pairs it is compared with, per relief target, paired on the replication (common random numbers).

    python bench/paired_trips.py SWEEP_DIR [SWEEP_DIR ...]

Prints, per sweep folder, each case's mean share per relief target and the paired differences
single - multi, insertion - multi (experiment=zhangshu_routes), +4 city trucks - baseline and
+1 truck per point - baseline (under each routing), and +4 city trucks - +1 truck per point:
mean and Student t 95 % interval, in percentage points.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.results.metrics import paired_difference, t_interval  # noqa: E402

TARGETS = ("relief_10h", "initial_relief_12h", "basic_relief_24h")
PAIRS = (
    ("single", "multi"),
    ("insertion", "multi"),
    ("multi_city4", "multi"),
    ("multi_points1", "multi"),
    ("multi_city4", "multi_points1"),
    ("single_city4", "single"),
    ("single_points1", "single"),
    ("single_city4", "single_points1"),
)


def report(folder: Path) -> None:
    reps = pd.read_csv(folder / "reps.csv")
    share = {c: g.set_index("rep") for c, g in reps.groupby("case")}
    print(f"\n{folder}  ({reps['rep'].nunique()} replications)")
    print(f"{'case':32s}" + "".join(f"{t:>24s}" for t in TARGETS))
    for case, g in share.items():
        cells = []
        for t in TARGETS:
            mean, low, high = t_interval(g[f"{t}_share"].dropna())
            cells.append(f"{100 * mean:6.1f} [{100 * low:5.1f},{100 * high:5.1f}]")
        print(f"{case:32s}" + "".join(f"{c:>24s}" for c in cells))
    print(f"{'paired difference (pp)':32s}" + "".join(f"{t:>24s}" for t in TARGETS))
    for a, b in PAIRS:
        if a not in share or b not in share:
            continue
        cells = []
        for t in TARGETS:
            mean, low, high, _ = paired_difference(share[a][f"{t}_share"], share[b][f"{t}_share"])
            cells.append(f"{100 * mean:+6.1f} [{100 * low:+5.1f},{100 * high:+5.1f}]")
        print(f"{a + ' - ' + b:32s}" + "".join(f"{c:>24s}" for c in cells))


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        report(Path(arg))
