"""Importing places and facilities from GIS layers into a scenario folder (`drsim import-places`).

Covers: villages, townships, the city and industrial parks (places.csv), relief depots and
their stock (depots.csv, stock.csv), EMS stations, hospitals, helipads and shelters, read
from CSV (with coordinate columns), GeoJSON or GeoPackage; field names (often Chinese:
名称, 人口, 所属乡镇) and coded values (乡镇 -> township, 市级 -> city) mapped by a small YAML
file on top of a built-in mapping; coordinates in WGS84, CGCS2000, GCJ-02 or BD-09
(sim/scenario/coords.py) and projected layers unprojected with pyproj; every place snapped
to the nearest road node as the loader does, with the distance reported (snap_report.csv).

One call rebuilds every table it is given layers for (all place layers together make
places.csv; depot layers make depots.csv and stock.csv, ...) and keeps the others, then
the whole folder must pass `scenario.load` before anything is replaced.

Leaves out: polygons are reduced to a point inside them (a village boundary becomes a
point on its surface, not its settlement); a facility sits at the road node of the place
it belongs to (the scenario format ties facilities to places); GBK-encoded CSVs.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from sim.errors import InputError, Problem
from sim.safe_text import md_code, md_text
from sim.scenario import roads
from sim.scenario.coords import to_wgs84
from sim.scenario.csvfile import bounded, identifier, one_of, read_csv, read_header, text
from sim.scenario.load import ITEMS, LAT, LON, NODES, PLACES
from sim.scenario.osm import GEO_EXTRA_HINT, replace_section
from sim.scenario.safe_yaml import load_mapping, load_yaml
from sim.scenario.types import OWNER_KINDS, PLACE_KINDS, SHELTER_CLASSES, STATION_KINDS, TIERS
from sim.scenario.write import COLUMNS, columns_for, csv_text, replace_in_scenario

CRS_CHOICES = ("wgs84", "cgcs2000", "gcj02", "bd09")
# Layer kind -> the table it fills. `places` takes each row's kind from a field.
LAYER_KINDS = {
    "city": "places.csv",
    "township": "places.csv",
    "industrial_park": "places.csv",
    "village": "places.csv",
    "places": "places.csv",
    "depot": "depots.csv",
    "ems_station": "ems_stations.csv",
    "hospital": "hospitals.csv",
    "helipad": "helipads.csv",
    "shelter": "shelters.csv",
}
ID_PREFIX = {
    "city": "C",
    "township": "T",
    "industrial_park": "P",
    "village": "V",
    "depot": "D",
    "ems_station": "EMS",
    "hospital": "H",
    "helipad": "HP",
    "shelter": "SH",
}
GIS_SUFFIXES = (".geojson", ".json", ".gpkg")
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

# drsim field -> (parser, which layer kinds use it). Cells are text until parsed here, by the
# same per-cell rules as the scenario files.
FIELDS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "id": (identifier, tuple(LAYER_KINDS)),
    "name": (text, tuple(LAYER_KINDS)),
    "lon": (LON, tuple(LAYER_KINDS)),
    "lat": (LAT, tuple(LAYER_KINDS)),
    "kind": (text, ("places", "ems_station")),
    "population": (bounded("places.csv population"), ("village", "places")),
    "township": (text, ("village", "places")),
    "place": (text, ("depot", "ems_station", "hospital", "helipad", "shelter")),
    "tier": (one_of(*TIERS), ("depot",)),
    "trucks": (bounded("depots.csv trucks"), ("depot",)),
    "truck_capacity": (bounded("depots.csv truck_capacity"), ("depot",)),
    "load_min": (bounded("depots.csv load_min"), ("depot",)),
    "lead_time_h": (bounded("depots.csv lead_time_h"), ("depot",)),
    "ambulances": (bounded("ems_stations.csv ambulances"), ("ems_station",)),
    "negative_pressure": (bounded("ems_stations.csv negative_pressure"), ("ems_station",)),
    "beds": (bounded("hospitals.csv beds"), ("hospital",)),
    "infectious_beds": (bounded("hospitals.csv infectious_beds"), ("hospital",)),
    "class": (one_of(*SHELTER_CLASSES), ("shelter",)),
    "area_m2": (bounded("shelters.csv area_m2"), ("shelter",)),
}
REQUIRED = {
    "village": ("population",),
    "places": ("kind",),
    "hospital": ("beds",),
    "shelter": ("area_m2",),
}

# The built-in mapping: source field names (as GIS layers and spreadsheets in Chinese
# counties name them) -> drsim field, and coded values -> drsim values. A --mapping file
# adds to it and wins where both name the same source.
DEFAULT_FIELDS: dict[str, str] = {
    **dict.fromkeys(["id", "ID", "code", "编码", "代码", "编号", "行政区划代码", "区划代码"], "id"),
    **dict.fromkeys(
        ["name", "NAME", "名称", "名字", "村名", "村庄名称", "乡镇名称", "单位名称", "库名", "医院名称"],
        "name",
    ),
    **dict.fromkeys(["lon", "lng", "longitude", "x", "X", "经度"], "lon"),
    **dict.fromkeys(["lat", "latitude", "y", "Y", "纬度"], "lat"),
    **dict.fromkeys(["kind", "type", "类型"], "kind"),
    **dict.fromkeys(["population", "人口", "总人口", "户籍人口", "常住人口", "人口数"], "population"),
    **dict.fromkeys(["township", "township_id", "所属乡镇", "乡镇", "所属街道", "乡镇街道"], "township"),
    **dict.fromkeys(["place", "place_id", "所在地", "所在村", "所在乡镇"], "place"),
    **dict.fromkeys(["tier", "级别", "层级", "储备级别"], "tier"),
    **dict.fromkeys(["trucks", "车辆数", "运输车辆"], "trucks"),
    **dict.fromkeys(["truck_capacity", "单车运量"], "truck_capacity"),
    **dict.fromkeys(["load_min", "装车时间"], "load_min"),
    **dict.fromkeys(["lead_time_h", "响应时间"], "lead_time_h"),
    **dict.fromkeys(["ambulances", "救护车", "救护车数"], "ambulances"),
    **dict.fromkeys(["negative_pressure", "负压救护车"], "negative_pressure"),
    **dict.fromkeys(["beds", "床位", "床位数", "编制床位", "实有床位"], "beds"),
    **dict.fromkeys(["infectious_beds", "传染病床位", "感染病床位"], "infectious_beds"),
    **dict.fromkeys(["class", "等级", "避难场所等级"], "class"),
    **dict.fromkeys(["area_m2", "面积", "有效面积", "避难面积"], "area_m2"),
}
DEFAULT_VALUES: dict[str, dict[str, str]] = {
    "kind": {
        **dict.fromkeys(["城区", "市区", "县城", "主城区", "市辖区"], "city"),
        **dict.fromkeys(["乡镇", "乡", "镇", "街道", "农场", "林场", "场"], "township"),
        **dict.fromkeys(["行政村", "村", "社区", "居委会", "村委会"], "village"),
        **dict.fromkeys(["工业园区", "园区", "开发区", "经开区"], "industrial_park"),
        **dict.fromkeys(["急救中心", "120急救中心", "指挥中心"], "centre"),
        **dict.fromkeys(["急救分中心", "分中心", "分站"], "subcentre"),
        **dict.fromkeys(["急救站", "急救点", "站"], "station"),
    },
    "tier": {
        **dict.fromkeys(["市级", "县级", "市本级", "县本级", "区级"], "city"),
        **dict.fromkeys(["乡镇", "乡镇级", "储备点", "街道"], "township"),
        **dict.fromkeys(["协议", "协议储备", "商业储备", "社会储备", "企业"], "contract"),
        **dict.fromkeys(["省级", "省"], "province"),
    },
    "class": {
        **dict.fromkeys(["Ⅰ类", "I类", "一类", "Ⅰ"], "I"),
        **dict.fromkeys(["Ⅱ类", "II类", "二类", "Ⅱ"], "II"),
        **dict.fromkeys(["Ⅲ类", "III类", "三类", "Ⅲ"], "III"),
    },
}
# Values for fields a layer does not have, per layer kind, each with its reason.
DEFAULTS: dict[str, dict[str, Any]] = {
    # A 储备点 layer is usually the township points; the city depot's row should say 级别=市级.
    # One 4.2 m light truck of 300 item units, hand-loaded in 30 min: the shipped scenarios'
    # township point (stylised there too). Set your own with the mapping's `defaults:`.
    "depot": {"tier": "township", "trucks": 1, "truck_capacity": 300, "load_min": 30},
    # A plain 急救站 with two ambulances, as in the shipped scenarios (stylised).
    "ems_station": {"kind": "station", "ambulances": 2, "negative_pressure": 0},
    "hospital": {"infectious_beds": 0},  # infectious beds only where the layer says so
    "shelter": {"class": "III"},  # the smallest class when the layer does not say
}
MAPPING_KEYS = {"fields", "values", "stock", "defaults", "crs", "files"}


@dataclass
class Mapping:
    fields: dict[str, str]  # source field -> drsim field
    values: dict[str, dict[str, str]]
    stock: dict[str, str]  # source column -> item
    defaults: dict[str, dict[str, Any]]
    crs: str
    files: dict[str, dict[str, str]]  # file name -> {crs, layer}


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


def default_mapping_yaml() -> str:
    """The built-in mapping in the --mapping file format, to copy and edit."""
    tree = {
        "crs": "wgs84",
        "fields": DEFAULT_FIELDS,
        "values": DEFAULT_VALUES,
        "stock": {"饮用水": "water", "方便食品": "instant_food", "棉被": "quilt"},
        "defaults": DEFAULTS,
        "files": {"储备库.csv": {"crs": "bd09"}, "county.gpkg": {"layer": "行政村"}},
    }
    head = (
        "# drsim import-places mapping: the built-in fields, values and defaults, which every\n"
        "# import uses, and EXAMPLE stock and files entries, which apply only from a --mapping\n"
        "# file (a --mapping file adds to the built-in table).\n"
        "# fields: source field -> drsim field; values: coded cells -> drsim values;\n"
        "# stock: depot-layer column -> item of items.csv (examples: without a stock entry a\n"
        "#   depot layer brings no stock);\n"
        "# defaults: per layer kind, for fields a layer lacks; crs: wgs84|cgcs2000|gcj02|bd09;\n"
        "# files: per file name, its crs and (GeoPackage) layer (examples).\n"
    )
    return head + yaml.safe_dump(tree, allow_unicode=True, sort_keys=False, width=100)


def read_mapping(path: str | None, crs: str | None) -> Mapping:
    problems: list[Problem] = []
    tree: dict[str, Any] = {}
    label = str(path)
    if path is not None:
        loaded = load_yaml(Path(path), label, problems)
        if loaded is not None and not isinstance(loaded, dict):
            problems.append(Problem(label, type(loaded).__name__, "must be a mapping of keys to values"))
        elif isinstance(loaded, dict):
            tree = loaded
        if problems:
            raise InputError(problems, heading="the places mapping is not valid")
    for key in tree:
        if key not in MAPPING_KEYS:
            problems.append(
                Problem(f"{label} key {key}", key, f"unknown key; allowed: {', '.join(sorted(MAPPING_KEYS))}")
            )
    fields = dict(DEFAULT_FIELDS)
    for src, dst in _dict(tree, "fields", label, problems).items():
        if not isinstance(dst, str) or dst not in FIELDS:
            problems.append(Problem(f"{label} key fields.{src}", dst, f"must be one of {', '.join(FIELDS)}"))
        else:
            fields.pop(str(src), None)
            fields = {str(src): str(dst), **fields}  # the planner's names are tried first
    values = {k: dict(v) for k, v in DEFAULT_VALUES.items()}
    for target, table in _dict(tree, "values", label, problems).items():
        if target not in FIELDS or not isinstance(table, dict):
            problems.append(
                Problem(f"{label} key values.{target}", table, "must map a drsim field to {cell: value}")
            )
            continue
        values.setdefault(str(target), {}).update({str(k): str(v) for k, v in table.items()})
    stock = {str(k): str(v) for k, v in _dict(tree, "stock", label, problems).items()}
    defaults = {k: dict(v) for k, v in DEFAULTS.items()}
    for kind, table in _dict(tree, "defaults", label, problems).items():
        if kind not in LAYER_KINDS or not isinstance(table, dict):
            problems.append(
                Problem(f"{label} key defaults.{kind}", table, "must map a layer kind to {field: value}")
            )
            continue
        for name in table:
            if name not in FIELDS or kind not in FIELDS[name][1]:
                problems.append(
                    Problem(f"{label} key defaults.{kind}.{name}", name, f"not a field of a {kind} layer")
                )
        defaults.setdefault(str(kind), {}).update(table)
    files = {}
    for name, spec in _dict(tree, "files", label, problems).items():
        if not isinstance(spec, dict) or set(spec) - {"crs", "layer"}:
            problems.append(Problem(f"{label} key files.{name}", spec, "must be {crs: ..., layer: ...}"))
            continue
        if "crs" in spec and spec["crs"] not in CRS_CHOICES:
            problems.append(
                Problem(
                    f"{label} key files.{name}.crs", spec["crs"], f"must be one of {', '.join(CRS_CHOICES)}"
                )
            )
        files[str(name)] = {k: str(v) for k, v in spec.items()}
    default_crs = crs or tree.get("crs", "wgs84")
    if default_crs not in CRS_CHOICES:
        problems.append(Problem(f"{label} key crs", default_crs, f"must be one of {', '.join(CRS_CHOICES)}"))
    if problems:
        raise InputError(problems, heading="the places mapping is not valid")
    return Mapping(fields, values, stock, defaults, default_crs, files)


def _dict(tree: dict, key: str, label: str, problems: list[Problem]) -> dict:
    value = tree.get(key) or {}
    if not isinstance(value, dict):
        problems.append(Problem(f"{label} key {key}", value, "must be a mapping"))
        return {}
    return value


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


def _places_from_layers(layers, mapping, problems) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    counters: Counter = Counter()
    for layer in layers:
        cells = _Cells(layer, mapping, problems)
        for f in layer.features:
            kind = layer.kind
            if kind == "places":
                kind = cells.get(f, "kind")
                if kind is None:
                    continue
                if kind not in PLACE_KINDS:
                    problems.append(
                        Problem(
                            f"{f.where}, field {layer.used.get('kind')}",
                            f.cells.get("kind"),
                            f"must map to one of {', '.join(PLACE_KINDS)} (mapping values.kind)",
                        )
                    )
                    continue
            counters[kind] += 1
            pid = cells.get(f, "id", required=False) or f"{ID_PREFIX[kind]}{counters[kind]:03d}"
            village = kind == "village"
            out.append(
                {
                    "place_id": pid,
                    "name": cells.get(f, "name", required=False) or pid,
                    "kind": kind,
                    # Everyone lives in a village or community; seats hold nobody (as shipped scenarios).
                    "population": cells.get(f, "population") if village else 0,
                    "township_raw": cells.get(f, "township", required=False, default="") if village else pid,
                    "township_field": village and "township" in layer.used,
                    "lon_in": f.lon_in,
                    "lat_in": f.lat_in,
                    "lon": f.lon,
                    "lat": f.lat,
                    "where": f.where,
                    "crs": layer.crs,
                }
            )
    return out


def _existing_places(folder: Path, problems: list[Problem]) -> list[dict[str, Any]]:
    rows = read_csv(folder / "places.csv", PLACES, problems, str(folder / "places.csv"))
    return [
        {
            "place_id": r["place_id"],
            "name": r["name"],
            "kind": r["kind"],
            "population": r["population"],
            "township_id": r["township_id"],
            "lon": float(r["lon"]),
            "lat": float(r["lat"]),
            "where": f"{folder / 'places.csv'} line {r.line}",
            "crs": "wgs84",
            "township_from": "kept",
        }
        for r in rows
    ]


def _match(raw: str, by_id: dict[str, dict], by_name: dict[str, list[dict]]) -> tuple[dict | None, str]:
    if raw in by_id:
        return by_id[raw], ""
    hits = by_name.get(raw, [])
    if len(hits) == 1:
        return hits[0], ""
    if len(hits) > 1:
        return None, f"names {len(hits)} places ({', '.join(h['place_id'] for h in hits[:4])}): use ids"
    return None, "matches no place id or name"


def _nearest(lon: float, lat: float, rows: list[dict]) -> tuple[dict, float]:
    d = roads.haversine_km(lon, lat, np.array([r["lon"] for r in rows]), np.array([r["lat"] for r in rows]))
    k = int(np.argmin(d))
    return rows[k], float(d[k])


def _assign_townships(places: list[dict], problems: list[Problem]) -> int:
    owners = [p for p in places if p["kind"] in OWNER_KINDS]
    by_id = {p["place_id"]: p for p in owners}
    by_name: dict[str, list[dict]] = {}
    for p in owners:
        by_name.setdefault(p["name"], []).append(p)
    nearest = 0
    for p in places:
        if "township_raw" not in p:
            continue  # kept from places.csv
        if p["kind"] != "village":
            p["township_id"], p["township_from"] = p["place_id"], "self"
        elif p["township_field"]:
            owner, why = _match(p["township_raw"], by_id, by_name)
            if owner is None:
                known = ", ".join(sorted(by_name)[:6])
                problems.append(
                    Problem(
                        f"{p['where']} (village {p['place_id']})",
                        p["township_raw"],
                        f"township {why}; townships, park and city known: {known or 'none'}",
                    )
                )
                continue
            p["township_id"], p["township_from"] = owner["place_id"], "field"
        elif owners:
            owner, _ = _nearest(p["lon"], p["lat"], owners)
            p["township_id"], p["township_from"] = owner["place_id"], "nearest"
            nearest += 1
    if not owners and places:
        problems.append(
            Problem(
                "places", "no township, industrial_park or city", "import a township layer with the villages"
            )
        )
    return nearest


def _facilities(
    layers, places, items: set[str], mapping, problems
) -> tuple[dict[str, list[dict]], list[dict]]:
    """Rows of depots/stock/ems_stations/hospitals/helipads/shelters and report rows."""
    by_id = {p["place_id"]: p for p in places}
    by_name: dict[str, list[dict]] = {}
    for p in places:
        by_name.setdefault(p["name"], []).append(p)
    tables: dict[str, list[dict]] = {}
    report: list[dict] = []
    counters: Counter = Counter()
    for layer in layers:
        table = LAYER_KINDS[layer.kind]
        tables.setdefault(table, [])
        if layer.kind == "depot":
            tables.setdefault("stock.csv", [])
            for item in {item for f in layer.features for item in f.stock}:
                if item not in items:
                    problems.append(
                        Problem(
                            f"mapping stock (layer {layer.label})",
                            item,
                            f"not an item of items.csv ({', '.join(sorted(items))})",
                        )
                    )
        cells = _Cells(layer, mapping, problems)
        for f in layer.features:
            counters[layer.kind] += 1
            fid = cells.get(f, "id", required=False) or f"{ID_PREFIX[layer.kind]}{counters[layer.kind]:03d}"
            if "place" in layer.used:
                place, why = _match(f.cells.get("place", ""), by_id, by_name)
                if place is None:
                    problems.append(
                        Problem(f"{f.where}, field {layer.used['place']}", f.cells.get("place"), why)
                    )
                    continue
                place_km = float(roads.haversine_km(f.lon, f.lat, place["lon"], place["lat"]))
                how = "field"
            elif places:
                place, place_km = _nearest(f.lon, f.lat, places)
                how = "nearest"
            else:
                continue
            row = _facility_row(layer, cells, f, fid, place["place_id"])
            if row is None:
                continue
            tables[table].append(row)
            if layer.kind == "depot":
                for item, raw in f.stock.items():
                    where = f"{f.where}, stock column for {item}"
                    qty = _parse_cell(raw or "0", bounded("stock.csv qty"), where, problems)
                    if qty and item in items:
                        tables["stock.csv"].append({"depot_id": fid, "item": item, "qty": qty})
            report.append(
                {
                    "table": table.removesuffix(".csv"),
                    "id": fid,
                    "name": row.get("name", ""),
                    "kind": layer.kind,
                    "source": f.where,
                    "crs": layer.crs,
                    "lon_in": f.lon_in,
                    "lat_in": f.lat_in,
                    "lon": f.lon,
                    "lat": f.lat,
                    "node_id": place.get("node_id"),
                    "snap_km": place.get("snap_km"),
                    "place_id": place["place_id"],
                    "place_km": round(place_km, 4),
                    "township_id": place.get("township_id"),
                    "township_from": how,
                }
            )
    return tables, report


def _facility_row(layer: Layer, cells: _Cells, f: Feature, fid: str, place_id: str) -> dict | None:
    kind = layer.kind
    if kind == "depot":
        name = cells.get(f, "name", required=False) or fid
        row = {"depot_id": fid, "name": name, "place_id": place_id}
        for key in ("tier", "trucks", "truck_capacity", "load_min"):
            row[key] = cells.get(f, key)
        row["lead_time_h"] = cells.get(f, "lead_time_h", required=False)
    elif kind == "ems_station":
        row = {"station_id": fid, "place_id": place_id}
        row["kind"] = cells.get(f, "kind")
        if row["kind"] is not None and row["kind"] not in STATION_KINDS:
            cells.problems.append(
                Problem(
                    f"{f.where}, field {layer.used.get('kind', 'kind')}",
                    row["kind"],
                    f"must map to one of {', '.join(STATION_KINDS)} (mapping values.kind)",
                )
            )
            return None
        row["ambulances"] = cells.get(f, "ambulances")
        row["negative_pressure"] = cells.get(f, "negative_pressure")
    elif kind == "hospital":
        row = {"hospital_id": fid, "place_id": place_id}
        row["beds"] = cells.get(f, "beds")
        row["infectious_beds"] = cells.get(f, "infectious_beds")
    elif kind == "helipad":
        row = {"helipad_id": fid, "place_id": place_id}
    else:
        row = {"shelter_id": fid, "place_id": place_id}
        row["class"] = cells.get(f, "class")
        row["area_m2"] = cells.get(f, "area_m2")
    return None if any(v is None for k, v in row.items() if k != "lead_time_h") else row


def _outside(layers: list[Layer], box: tuple[float, float, float, float], tol_km: float) -> list[Problem]:
    """One problem per layer with features outside the road extract (plus the snap margin)."""
    w, s, e, n = box
    dlat = tol_km / 111.2
    dlon = tol_km / (111.2 * max(math.cos(math.radians((s + n) / 2)), 0.01))
    out = []
    for layer in layers:
        bad = [
            f
            for f in layer.features
            if math.isfinite(f.lon) and not (w - dlon <= f.lon <= e + dlon and s - dlat <= f.lat <= n + dlat)
        ]
        if bad:
            shown = "; ".join(
                f"{f.where.removeprefix(layer.label).strip()} at {f.lon:.5f}, {f.lat:.5f}" for f in bad[:3]
            )
            out.append(
                Problem(
                    layer.label,
                    f"{len(bad)} of {len(layer.features)} features, e.g. {shown}",
                    f"lie outside the road extract (W,S,E,N {w:.4f}, {s:.4f}, {e:.4f}, {n:.4f}, "
                    f"± {tol_km:g} km): check the coordinate system (--crs, now {layer.crs}) "
                    "or import a larger OpenStreetMap extract",
                )
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

Imported by `drsim import-places` (sim/scenario/gis.py). Coordinates were converted to WGS84
(GCJ-02 and BD-09 by the published transforms, CGCS2000 taken as WGS84: they differ by under a
metre). Each place snaps to its nearest road node: {snap} (tolerance {report.tolerance_km:g} km);
{REPORT} lists every place and facility with its source row, input and WGS84 coordinates, road
node, snap distance, and for facilities the place they were put at and how far away it is.
{report.nearest_township} villages had no township field and were given the nearest township.
Facilities sit at the road node of their place (the scenario format ties them to places).
Townships, the city and parks hold no people (everyone lives in a village or community);
`zones.all` in scenario.yaml lists every township (and `zones.typhoon`, a typhoon's footprint, too,
until you name the exposed ones). Values a layer lacked came from the mapping
defaults: {", ".join(f"{k} {v}" for k, v in DEFAULTS.items())} (see sim/scenario/gis.py for why).

| layer | kind | rows | coordinates | fields used |
|---|---|---|---|---|
{layer_rows}
{README_END}"""
