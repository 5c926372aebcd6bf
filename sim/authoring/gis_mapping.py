"""What a GIS layer's fields and values mean: the built-in mapping and a --mapping file.

Layer kinds and the table each fills, the drsim fields with their per-cell parsers (the same
rules as the scenario files), the source field names Chinese counties use (名称, 人口, 所属乡镇
-> name, population, township), coded values (乡镇 -> township, 市级 -> city), defaults for
fields a layer lacks (each with its reason), and the YAML mapping file of `drsim
import-places --mapping` that adds to the built-in one and wins where both name a source.
Read by sim/authoring/gis_layers.py; `drsim import-places --print-mapping` prints it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sim.errors import InputError, Problem
from sim.scenario.csvfile import bounded, identifier, one_of, text
from sim.scenario.load import LAT, LON
from sim.scenario.safe_yaml import load_yaml
from sim.scenario.types import SHELTER_CLASSES, TIERS

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
