"""Fingerprint drsim's outputs: sha256 of every event log and result table of a fixed set of runs.

A pure move of code (issue 22: new folders, typed events, ports) must leave what the model
does and what the results say unchanged, byte for byte. This script runs the shipped
scenarios (tiny, zhangshu under every hazard, jinjiang under three, and a sweep) into a
folder, hashes each table, and writes one line per file. Run it before and after a change
and compare the two listings:

    python scripts/fingerprint.py --out /tmp/fp-before > before.txt
    ... change ...
    python scripts/fingerprint.py --out /tmp/fp-after > after.txt
    diff before.txt after.txt            # no output: the change moved nothing

`--quick` runs a smaller set (tiny, zhangshu flood_major and earthquake, the tiny sweep) in
about a minute, for checking a change while working. Files that carry a run's time or
folder (manifest.json, summary.json) are not hashed: they differ between any two runs.
Each run is a separate `drsim` process with `PYTHONHASHSEED` set to a different value, so
an accidental dependence on hash order also shows as a difference.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
from pathlib import Path

ZHANGSHU_HAZARDS = (
    "none",
    "flood",
    "flood_moderate",
    "flood_major",
    "typhoon",
    "earthquake",
    "landslide",
    "forest_fire",
    "hazchem",
)
JINJIANG_HAZARDS = ("flood_major", "earthquake", "typhoon")

HASHED = (".parquet", ".csv")


def runs(quick: bool) -> list[tuple[str, list[str]]]:
    """(name, drsim arguments) of every run; replications kept small: a move changes all or nothing."""
    out: list[tuple[str, list[str]]] = [("run_tiny", ["run", "scenario=tiny", "run.reps=3"])]
    zh = ("flood_major", "earthquake") if quick else ZHANGSHU_HAZARDS
    out += [(f"run_zhangshu_{h}", ["run", "scenario=zhangshu", f"hazard={h}", "run.reps=2"]) for h in zh]
    if not quick:
        out += [
            (f"run_jinjiang_{h}", ["run", "scenario=jinjiang", f"hazard={h}", "run.reps=1"])
            for h in JINJIANG_HAZARDS
        ]
    out.append(("sweep_tiny_budget", ["sweep", "experiment=tiny_budget", "run.reps=4", "run.workers=1"]))
    if not quick:
        out.append(
            (
                "sweep_zhangshu_trips",
                ["sweep", "experiment=zhangshu_trips", "run.reps=2", "run.workers=2", "run.keep_events=true"],
            )
        )
    return out


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="a new folder for the runs (refused if it exists)")
    parser.add_argument("--quick", action="store_true", help="a smaller set, about a minute")
    parser.add_argument("--drsim", default=str(Path(sys.executable).with_name("drsim")))
    ns = parser.parse_args(argv)
    root = Path(ns.out)
    if root.exists():
        print(f"fingerprint: {root} exists; give a new folder", file=sys.stderr)
        return 2
    root.mkdir(parents=True)
    for i, (name, args) in enumerate(runs(ns.quick)):
        target = root / name
        env = {**os.environ, "PYTHONHASHSEED": str(101 + 7 * i)}
        cmd = [ns.drsim, *args, f"hydra.run.dir={target}", "run.progress=false"]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"fingerprint: {' '.join(cmd)} exited {proc.returncode}\n{proc.stderr}", file=sys.stderr)
            return 1
        print(f"# {name}: drsim {' '.join(args)}", file=sys.stderr)
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in HASHED):
        print(f"{sha256(path)}  {path.relative_to(root)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
