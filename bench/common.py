"""Shared helpers for the benchmarks: machine facts, timing, results as JSON.

Benchmarks are not tests: they print figures and write bench/results/NAME.json
(git-ignored). Times are wall-clock (time.perf_counter); report the minimum of
several repeats (least disturbed by other load) beside the median.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info(
    packages: tuple[str, ...] = ("drsim", "simpy", "numpy", "scipy", "pandas"),
) -> dict[str, Any]:
    versions = {}
    for name in packages:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "packages": versions,
        "load_average_at_start": load,
    }


def measure(fn: Callable[[], Any], repeats: int = 3) -> dict[str, Any]:
    """Run `fn` `repeats` times; min and median wall seconds, and the last return value."""
    seconds, value = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        value = fn()
        seconds.append(time.perf_counter() - started)
    return {"min_s": min(seconds), "median_s": statistics.median(seconds), "runs_s": seconds, "value": value}


def write_result(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
    return path
