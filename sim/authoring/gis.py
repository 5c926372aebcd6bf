"""Importing places and facilities from GIS layers into a scenario folder (`drsim import-places`).

Covers: villages, townships, the city and industrial parks (places.csv), relief depots and
their stock (depots.csv, stock.csv), EMS stations, hospitals, helipads and shelters, read
from CSV (with coordinate columns), GeoJSON or GeoPackage; field names (often Chinese:
名称, 人口, 所属乡镇) and coded values (乡镇 -> township, 市级 -> city) mapped by a small YAML
file on top of a built-in mapping; coordinates in WGS84, CGCS2000, GCJ-02 or BD-09
(sim/authoring/coords.py) and projected layers unprojected with pyproj; every place snapped
to the nearest road node as the loader does, with the distance reported (snap_report.csv).

One call rebuilds every table it is given layers for (all place layers together make
places.csv; depot layers make depots.csv and stock.csv, ...) and keeps the others, then
the whole folder must pass `scenario.load` before anything is replaced.

Leaves out: polygons are reduced to a point inside them (a village boundary becomes a
point on its surface, not its settlement); a facility sits at the road node of the place
it belongs to (the scenario format ties facilities to places); GBK-encoded CSVs.

The steps, one module each: what fields and values mean (sim/authoring/gis_mapping.py),
reading a layer into features (gis_layers.py), features into places and facilities
(gis_rows.py); this module runs them, checks the folder and writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from sim.authoring.coords import to_wgs84
from sim.authoring.gis_layers import Layer, read_layer
from sim.authoring.gis_mapping import DEFAULTS, LAYER_KINDS, read_mapping
from sim.authoring.gis_rows import (
    _assign_townships,
    _existing_places,
    _facilities,
    _outside,
    _places_from_layers,
)
from sim.authoring.osm import replace_section
from sim.authoring.write import COLUMNS, columns_for, csv_text, replace_in_scenario
from sim.errors import InputError, Problem
from sim.safe_text import md_code, md_text
from sim.scenario import roads
from sim.scenario.csvfile import read_csv
from sim.scenario.load import ITEMS, NODES
from sim.scenario.safe_yaml import load_mapping
from sim.scenario.types import OWNER_KINDS

REPORT = "snap_report.csv"


REPORT_COLUMNS = [
    "table",
    "id",
    "name",
    "kind",
    "source",
    "crs",
    "lon_in",
    "lat_in",
    "lon",
    "lat",
    "node_id",
    "snap_km",
    "place_id",
    "place_km",
    "township_id",
    "township_from",
]


README_START, README_END = "<!-- drsim import-places -->", "<!-- /drsim import-places -->"


@dataclass
class PlacesReport:
    out: Path
    layers: list[Layer]
    counts: dict[str, int]
    snap_km: np.ndarray
    tolerance_km: float
    nearest_township: int
    nearest_place: list[float]
    stock_units: int

    def lines(self) -> list[str]:
        out = []
        for layer in self.layers:
            used = ", ".join(f"{k} <- {v}" for k, v in layer.used.items())
            out.append(
                f"{layer.label}: {len(layer.features)} {layer.kind} rows, coordinates {layer.crs}"
                f"{layer.note}; fields {used}"
            )
        counts = ", ".join(f"{n} {t}" for t, n in self.counts.items())
        out.append(f"wrote {self.out}: {counts}; {self.stock_units} stock units")
        if len(self.snap_km):
            s = self.snap_km
            out.append(
                f"places snapped to road nodes: median {np.median(s):.3f} km, 90th percentile "
                f"{np.percentile(s, 90):.3f} km, max {s.max():.3f} km (tolerance {self.tolerance_km:g} km); "
                f"every distance in {self.out / REPORT}"
            )
        if self.nearest_township:
            out.append(f"{self.nearest_township} villages given the nearest township (no township field)")
        if self.nearest_place:
            out.append(
                f"{len(self.nearest_place)} facilities placed at the nearest place (no place field), "
                f"at most {max(self.nearest_place):.3f} km away"
            )
        return out


def import_places(out: str | Path, layer_args: list[str], mapping: str | None = None, crs: str | None = None):
    """Read the layers, check them against the roads, and replace the tables they make."""
    folder = Path(out)
    if not (folder / "scenario.yaml").is_file():
        raise InputError(
            Problem("command line --out", str(folder), "not a scenario folder: run drsim import-osm first")
        )
    maps = read_mapping(mapping, crs)
    problems: list[Problem] = []
    meta = load_mapping(folder / "scenario.yaml", str(folder / "scenario.yaml"), problems)
    node_rows = read_csv(folder / "road_nodes.csv", NODES, problems, str(folder / "road_nodes.csv"))
    item_rows = read_csv(folder / "items.csv", ITEMS, problems, str(folder / "items.csv"))
    if problems:
        raise InputError(problems, heading=f"scenario {folder} cannot take places")
    if not node_rows:
        raise InputError(
            Problem(
                str(folder / "road_nodes.csv"),
                "no road nodes",
                "no drivable road to snap places to: run drsim import-osm on an extract with roads first",
            )
        )
    defaults = (meta or {}).get("defaults") or {}
    tol = float(defaults.get("snap_tolerance_km", 1.0))
    node_ids = [r["node_id"] for r in node_rows]
    node_lon = np.array([float(r["lon"]) for r in node_rows])
    node_lat = np.array([float(r["lat"]) for r in node_rows])

    layers = [layer for arg in layer_args if (layer := read_layer(arg, maps, problems)) is not None]
    if problems:
        raise InputError(problems, heading="the layers could not be read")
    for layer in layers:  # to WGS84 once, for every later step
        lon, lat = to_wgs84(layer.crs, [f.lon_in for f in layer.features], [f.lat_in for f in layer.features])
        for f, x, y in zip(layer.features, lon.tolist(), lat.tolist(), strict=True):
            f.lon, f.lat = x, y
    box = (float(node_lon.min()), float(node_lat.min()), float(node_lon.max()), float(node_lat.max()))
    outside = _outside(layers, box, tol)
    if outside:
        raise InputError(outside, heading="places outside the road extract")

    place_layers = [layer for layer in layers if LAYER_KINDS[layer.kind] == "places.csv"]
    if place_layers:
        places = _places_from_layers(place_layers, maps, problems)
    else:
        places = _existing_places(folder, problems)
    nearest_township = _assign_townships(places, problems)
    _check_unique_ids(places, "place_id", problems)
    snap = np.zeros(0)
    if places:
        idx, snap = roads.snap(
            node_lon, node_lat, np.array([p["lon"] for p in places]), np.array([p["lat"] for p in places])
        )
        far = []
        for p, k, d in zip(places, idx.tolist(), snap.tolist(), strict=True):
            p["node_id"], p["snap_km"] = node_ids[k], round(d, 4)
            if d > tol:
                far.append(
                    Problem(
                        f"{p['where']} (place {p['place_id']} {p['name']})",
                        f"{d:.2f} km from the nearest road node",
                        f"must lie within snap_tolerance_km = {tol:g} km of a road node (scenario.yaml "
                        "defaults): check its coordinates and --crs, or raise the tolerance",
                    )
                )
        problems += far[:20]
        if len(far) > 20:
            problems.append(Problem("places", f"{len(far) - 20} more", "also beyond the snap tolerance"))
    facility_layers = [layer for layer in layers if LAYER_KINDS[layer.kind] != "places.csv"]
    items = {r["item"] for r in item_rows}
    tables, facility_report = _facilities(facility_layers, places, items, maps, problems)
    for table, key in (
        ("depots.csv", "depot_id"),
        ("ems_stations.csv", "station_id"),
        ("hospitals.csv", "hospital_id"),
        ("helipads.csv", "helipad_id"),
        ("shelters.csv", "shelter_id"),
    ):
        _check_unique_ids(tables.get(table, []), key, problems)
    if problems:
        raise InputError(problems, heading=f"the places could not be imported into {folder}")

    texts: dict[str, str] = {}
    if place_layers:
        texts["places.csv"] = csv_text(
            columns_for("places.csv", places),
            [{**p, "lon": f"{p['lon']:.7f}", "lat": f"{p['lat']:.7f}"} for p in places],
        )
    for table, rows in tables.items():
        texts[table] = csv_text(COLUMNS[table], rows)
    meta = dict(meta or {})
    zones = dict(meta.get("zones") or {})
    owners = [p["place_id"] for p in places if p["kind"] in OWNER_KINDS]
    if owners:
        zones["all"] = owners
        # a typhoon covers every unit until the planner names the exposed ones (hazard/typhoon.yaml)
        zones.setdefault("typhoon", list(owners))
    meta["zones"] = zones
    texts["scenario.yaml"] = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100)
    report_rows = [
        {
            "table": "places",
            "id": p["place_id"],
            "name": p["name"],
            "kind": p["kind"],
            "source": p["where"],
            "crs": p["crs"],
            "lon_in": p.get("lon_in", p["lon"]),
            "lat_in": p.get("lat_in", p["lat"]),
            "lon": f"{p['lon']:.7f}",
            "lat": f"{p['lat']:.7f}",
            "node_id": p["node_id"],
            "snap_km": p["snap_km"],
            "place_id": p["place_id"],
            "place_km": 0.0,
            "township_id": p.get("township_id"),
            "township_from": p.get("township_from"),
        }
        for p in places
    ] + facility_report
    texts[REPORT] = csv_text(REPORT_COLUMNS, report_rows)
    report = PlacesReport(
        out=folder,
        layers=layers,
        counts={
            t.removesuffix(".csv"): len(_rows_of(texts, t))
            for t in texts
            if t.endswith(".csv") and t != REPORT
        },
        snap_km=np.asarray(snap, dtype=float),
        tolerance_km=tol,
        nearest_township=nearest_township,
        nearest_place=[r["place_km"] for r in facility_report if r["township_from"] == "nearest"],
        stock_units=sum(r["qty"] for r in tables.get("stock.csv", [])),
    )
    readme_path = folder / "README.md"
    readme = readme_path.read_text(encoding="utf-8") if readme_path.is_file() else f"# {folder.name}\n"
    texts["README.md"] = replace_section(readme, README_START, README_END, _readme_section(report))

    from sim.scenario.load import load

    replace_in_scenario(folder, texts, check=lambda tmp: load(tmp))
    return report


def _rows_of(texts: dict[str, str], name: str) -> list[str]:
    return texts[name].strip().splitlines()[1:]


def _check_unique_ids(rows: list[dict], key: str, problems: list[Problem]) -> None:
    seen: dict[str, str] = {}
    for r in rows:
        rid = r[key]
        if rid in seen:
            problems.append(Problem(r.get("where", key), rid, f"duplicate {key} (first from {seen[rid]})"))
        else:
            seen[rid] = r.get("where", key)


def _readme_section(report: PlacesReport) -> str:
    # file, layer and field names come from the user's files: Markdown-escaped (sim/safe_text.py)
    layer_rows = "\n".join(
        f"| {md_code(layer.label)} | {md_text(layer.kind)} | {len(layer.features)} | "
        f"{md_text(f'{layer.crs}{layer.note}')} | "
        + md_text(", ".join(f"{k} ← {v}" for k, v in layer.used.items()))
        + " |"
        for layer in report.layers
    )
    s = report.snap_km
    snap = (
        f"median {np.median(s):.3f} km, 90th percentile {np.percentile(s, 90):.3f} km, max {s.max():.3f} km"
        if len(s)
        else "no places"
    )
    return f"""{README_START}
## Places and facilities: GIS import

Imported by `drsim import-places` (sim/authoring/gis.py). Coordinates were converted to WGS84
(GCJ-02 and BD-09 by the published transforms, CGCS2000 taken as WGS84: they differ by under a
metre). Each place snaps to its nearest road node: {snap} (tolerance {report.tolerance_km:g} km);
{REPORT} lists every place and facility with its source row, input and WGS84 coordinates, road
node, snap distance, and for facilities the place they were put at and how far away it is.
{report.nearest_township} villages had no township field and were given the nearest township.
Facilities sit at the road node of their place (the scenario format ties them to places).
Townships, the city and parks hold no people (everyone lives in a village or community);
`zones.all` in scenario.yaml lists every township (and `zones.typhoon`, a typhoon's footprint, too,
until you name the exposed ones). Values a layer lacked came from the mapping
defaults: {", ".join(f"{k} {v}" for k, v in DEFAULTS.items())} (see sim/authoring/gis_mapping.py for why).

| layer | kind | rows | coordinates | fields used |
|---|---|---|---|---|
{layer_rows}
{README_END}"""
