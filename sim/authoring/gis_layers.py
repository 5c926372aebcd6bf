"""Reading one GIS layer into features: CSV with coordinate columns, GeoJSON or GeoPackage.

Each `KIND=FILE[::LAYER]` argument of `drsim import-places` becomes a Layer of Features: the
fields it has mapped to drsim fields (sim/authoring/gis_mapping.py), stock columns, and every
point in WGS84 (GCJ-02 and BD-09 through sim/authoring/coords.py, projected layers such as
CGCS2000 Gauss-Kruger unprojected with pyproj; a polygon reduced to a point on its surface).
Every problem is collected, naming the file, feature or line, the value and the rule. What it
leaves out: GBK-encoded CSVs, and lines (a road layer is `drsim import-osm`'s job).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.authoring.gis_mapping import FIELDS, LAYER_KINDS, Mapping
from sim.authoring.osm import GEO_EXTRA_HINT
from sim.errors import Problem
from sim.scenario.csvfile import read_csv, read_header
from sim.scenario.load import LAT, LON

GIS_SUFFIXES = (".geojson", ".json", ".gpkg")


@dataclass
class Feature:
    where: str  # "villages.gpkg feature 3" or "depots.csv line 4"
    cells: dict[str, str]  # drsim field -> cell text ("" when empty)
    stock: dict[str, str]  # item -> cell text
    lon_in: float  # as read (after unprojecting a projected layer)
    lat_in: float
    lon: float = math.nan  # WGS84
    lat: float = math.nan


@dataclass
class Layer:
    kind: str
    path: Path
    label: str
    crs: str
    used: dict[str, str]  # drsim field -> source field
    features: list[Feature] = field(default_factory=list)
    note: str = ""


def read_layer(arg: str, mapping: Mapping, problems: list[Problem]) -> Layer | None:
    """`KIND=FILE[::LAYER]` -> its features with cells named by drsim field; None if unreadable."""
    kind, sep, rest = arg.partition("=")
    if not sep or kind not in LAYER_KINDS or not rest:
        problems.append(
            Problem(
                "command line",
                arg,
                f"a layer is KIND=FILE[::LAYER] with KIND one of {', '.join(LAYER_KINDS)}",
            )
        )
        return None
    path_text, _, layer_name = rest.partition("::")
    path = Path(path_text)
    spec = mapping.files.get(path.name, {})
    source_layer: str | None = layer_name or spec.get("layer") or None
    crs = spec.get("crs", mapping.crs)
    label = str(path) + (f" layer {source_layer}" if source_layer else "")
    if not path.is_file():
        problems.append(Problem(str(path), path.name, "file not found"))
        return None
    suffix = path.suffix.lower()
    if suffix == ".csv":
        layer = _read_csv_layer(kind, path, label, crs, mapping, problems)
    elif suffix in GIS_SUFFIXES:
        layer = _read_gis_layer(kind, path, source_layer, label, crs, mapping, problems)
    else:
        problems.append(Problem(str(path), path.suffix, "must be .csv, .geojson, .json or .gpkg"))
        return None
    if layer is not None and not layer.features:
        problems.append(Problem(label, 0, "the layer has no features"))
    return layer


def _resolve(names: list[str], kind: str, mapping: Mapping) -> dict[str, str]:
    """drsim field -> the first source field present (the planner's mapping first)."""
    used: dict[str, str] = {}
    for src, dst in mapping.fields.items():
        if src in names and dst not in used and kind in FIELDS[dst][1]:
            used[dst] = src
    return used


def _stock_columns(kind: str, names: list[str], mapping: Mapping) -> dict[str, str]:
    return {src: item for src, item in mapping.stock.items() if kind == "depot" and src in names}


def _read_csv_layer(kind, path: Path, label: str, crs: str, mapping: Mapping, problems) -> Layer | None:
    before = len(problems)
    header = read_header(path, problems, label)
    if len(problems) > before:
        return None
    used = _resolve(header, kind, mapping)
    stock = _stock_columns(kind, header, mapping)
    if "lon" not in used or "lat" not in used:
        problems.append(
            Problem(
                f"{label} header",
                ", ".join(header),
                "needs coordinate columns: lon/经度 and lat/纬度 (or name yours in the mapping's fields:)",
            )
        )
        return None
    layer = Layer(kind, path, label, crs, used)
    for row in read_csv(path, [], problems, label, ignore_unknown=True):
        cells = {f: row[src] or "" for f, src in used.items()}
        where = f"{label} line {row.line}"
        lon = _parse_cell(cells["lon"], LON, f"{where}, column {used['lon']}", problems)
        lat = _parse_cell(cells["lat"], LAT, f"{where}, column {used['lat']}", problems)
        layer.features.append(
            Feature(
                where,
                cells,
                {item: row[src] or "" for src, item in stock.items()},
                math.nan if lon is None else lon,
                math.nan if lat is None else lat,
            )
        )
    return layer


def _read_gis_layer(kind, path: Path, layer_name, label: str, crs: str, mapping, problems) -> Layer | None:
    try:
        import pyogrio
        import shapely
    except ImportError:
        problems.append(
            Problem(str(path), path.suffix, f"GeoJSON and GeoPackage need pyogrio: {GEO_EXTRA_HINT}")
        )
        return None
    try:
        names = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
        if layer_name is None and len(names) > 1:
            problems.append(
                Problem(str(path), ", ".join(names), "has several layers: name one as FILE::LAYER")
            )
            return None
        if layer_name is not None and layer_name not in names:
            problems.append(Problem(label, layer_name, f"no such layer; the file has {', '.join(names)}"))
            return None
        meta, _, geometry, values = pyogrio.raw.read(path, layer=layer_name)
    except Exception as exc:  # pyogrio/GDAL raise their own error classes for unreadable files
        problems.append(
            Problem(str(path), str(exc).splitlines()[0][:200], "not a readable GeoJSON or GeoPackage")
        )
        return None
    fields = [str(f) for f in meta["fields"]]
    used = _resolve(fields, kind, mapping)
    stock = _stock_columns(kind, fields, mapping)
    column = {name: values[i] for i, name in enumerate(fields)}
    n = len(values[0]) if values else (0 if geometry is None else len(geometry))
    layer = Layer(kind, path, label, crs, {k: v for k, v in used.items() if k not in ("lon", "lat")})
    if geometry is not None:
        shapes = shapely.from_wkb(geometry)
        empty = shapely.is_missing(shapes) | shapely.is_empty(shapes)
        points = shapely.point_on_surface(np.where(empty, None, shapes))
        x = np.where(empty, np.nan, shapely.get_x(points))
        y = np.where(empty, np.nan, shapely.get_y(points))
        layer.used["lon/lat"] = f"geometry ({meta['geometry_type']}; a point on each polygon's surface)"
    elif "lon" in used and "lat" in used:
        x = np.array([_number_or_nan(v) for v in column[used["lon"]]])
        y = np.array([_number_or_nan(v) for v in column[used["lat"]]])
        layer.used["lon/lat"] = f"{used['lon']}, {used['lat']}"
    else:
        problems.append(Problem(label, ", ".join(fields), "has no geometry and no lon/lat fields"))
        return None
    if meta.get("crs"):
        x, y, layer.note = _unproject(meta["crs"], x, y)
    for i in range(n):
        where = f"{label} feature {i + 1}"
        cells = {f: _text(column[src][i]) for f, src in used.items() if f not in ("lon", "lat")}
        if not (math.isfinite(x[i]) and math.isfinite(y[i])):
            problems.append(Problem(where, "empty geometry", "every feature needs a location"))
        layer.features.append(
            Feature(
                where,
                cells,
                {item: _text(column[src][i]) for src, item in stock.items()},
                float(x[i]),
                float(y[i]),
            )
        )
    return layer


def _unproject(crs_text: str, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, str]:
    """A layer's coordinates as longitude/latitude (WGS84 or CGCS2000, the same here)."""
    import pyproj

    crs = pyproj.CRS.from_user_input(crs_text)
    if crs.is_geographic and crs.to_epsg() in (4326, 4490):
        return x, y, ""
    to = pyproj.Transformer.from_crs(crs, pyproj.CRS.from_epsg(4326), always_xy=True)
    lon, lat = to.transform(x, y)
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float), f" (file CRS {crs.name} -> lon/lat)"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, float | np.floating):
        if not math.isfinite(value):
            return ""
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    return str(value).strip()


def _number_or_nan(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _parse_cell(raw: str, parse, where: str, problems: list[Problem]) -> Any:
    try:
        return parse(raw)
    except ValueError as exc:
        problems.append(Problem(where, raw, str(exc)))
        return None


class _Cells:
    """Parses one layer's cells by drsim field, with the mapping's values and defaults."""

    def __init__(self, layer: Layer, mapping: Mapping, problems: list[Problem]):
        self.layer, self.mapping, self.problems = layer, mapping, problems
        self.defaults = mapping.defaults.get(layer.kind, {})

    def get(self, f: Feature, name: str, required: bool = True, default: Any = None) -> Any:
        raw = f.cells.get(name, "")
        source = self.layer.used.get(name, name)
        where = f"{f.where}, field {source}"
        if raw == "":
            if name in self.defaults:
                raw, where = str(self.defaults[name]), f"mapping defaults.{self.layer.kind}.{name}"
            elif not required:
                return default
            else:
                missing = "is empty" if name in self.layer.used else "is not in the layer"
                self.problems.append(
                    Problem(
                        where, "", f"{name} {missing}: name its field in the mapping (fields:) or fill it"
                    )
                )
                return None
        value = self.mapping.values.get(name, {}).get(raw, raw)
        return _parse_cell(value, FIELDS[name][0], where, self.problems)
