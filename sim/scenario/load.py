"""Loading and validating a scenario folder (DESIGN section 5) into a Scenario.

Every file is parsed with safe readers; every problem in every file is
collected and raised together as one InputError, so `drsim validate` tells a
planner everything that is wrong in one pass. Hours become minutes here.

Size: one loader per scenario file, all collecting into one problem list so that every mistake
in every file is reported in one pass; `load` is the map of the folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from sim.bounds import SCENARIO
from sim.errors import InputError, Problem
from sim.scenario import roads
from sim.scenario.csvfile import (
    Column,
    Row,
    boolean,
    bounded,
    check_unique,
    identifier,
    one_of,
    read_csv,
    text,
    word_list,
)
from sim.scenario.division_codes import TOWNSHIP_KINDS, VILLAGE_KINDS, division_code
from sim.scenario.safe_yaml import load_mapping
from sim.scenario.types import (
    ITEM_CLASSES,
    NEED_BASES,
    OWNER_KINDS,
    PLACE_KINDS,
    SHELTER_CLASSES,
    STATION_KINDS,
    TEAM_KINDS,
    TIERS,
    Depot,
    EmsStation,
    Helipad,
    Hospital,
    Item,
    Place,
    RoadGraph,
    Scenario,
    Shelter,
    Team,
)
from sim.settings import ScenarioSettings
from sim.units import h_to_min

LON = bounded("places.csv lon")
LAT = bounded("places.csv lat")
MAX_ROAD_NODES = 5_000_000  # a whole province's drivable OSM graph is well below this

PLACES = [
    Column("place_id", identifier),
    Column("name", text),
    Column("kind", one_of(*PLACE_KINDS)),
    Column("township_id", identifier),
    Column("lon", text),
    Column("lat", text),
    Column("population", bounded("places.csv population")),
    # optional: the official statistical code and kind (sim/scenario/division_codes.py)
    Column("code", division_code, required=False, allow_empty=True),
    Column("division_kind", one_of(*TOWNSHIP_KINDS, *VILLAGE_KINDS), required=False, allow_empty=True),
]
NODES = [Column("node_id", identifier), Column("lon", text), Column("lat", text)]
EDGES = [
    Column("u", identifier),
    Column("v", identifier),
    Column("length_km", bounded("road_edges.csv length_km")),
    Column("road_class", identifier),
    Column("speed_kmh", bounded("road_edges.csv speed_kmh"), required=False, allow_empty=True),
    Column("oneway", boolean, required=False, allow_empty=True),
]
ITEMS = [
    Column("item", identifier),
    Column("unit", text),
    Column("need_per_person", bounded("items.csv need_per_person")),
    Column("class", one_of(*ITEM_CLASSES)),
    Column("basis", one_of(*NEED_BASES), required=False, allow_empty=True),
]
DEPOTS = [
    Column("depot_id", identifier),
    Column("name", text),
    Column("tier", one_of(*TIERS)),
    Column("place_id", identifier),
    Column("trucks", bounded("depots.csv trucks")),
    Column("truck_capacity", bounded("depots.csv truck_capacity")),
    Column("load_min", bounded("depots.csv load_min")),
    Column("lead_time_h", bounded("depots.csv lead_time_h"), allow_empty=True),
]
STOCK = [Column("depot_id", identifier), Column("item", identifier), Column("qty", bounded("stock.csv qty"))]
STATIONS = [
    Column("station_id", identifier),
    Column("kind", one_of(*STATION_KINDS)),
    Column("place_id", identifier),
    Column("ambulances", bounded("ems_stations.csv ambulances")),
    Column("negative_pressure", bounded("ems_stations.csv negative_pressure")),
]
HOSPITALS = [
    Column("hospital_id", identifier),
    Column("place_id", identifier),
    Column("beds", bounded("hospitals.csv beds")),
    Column("infectious_beds", bounded("hospitals.csv infectious_beds")),
]
TEAMS = [
    Column("team_id", identifier),
    Column("kind", one_of(*TEAM_KINDS)),
    Column("base_place_id", identifier),
    Column("members", bounded("teams.csv members")),
    Column("skills", word_list),
    Column("mobilisation", bounded("teams.csv mobilisation")),
    Column("turnout", bounded("teams.csv turnout")),
    # optional: equipment (sim/model/teams.py); a missing column or empty cell means none
    Column("boats", bounded("teams.csv boats"), required=False, allow_empty=True),
    Column("machines", bounded("teams.csv machines"), required=False, allow_empty=True),
]
HELIPADS = [Column("helipad_id", identifier), Column("place_id", identifier)]
SHELTERS = [
    Column("shelter_id", identifier),
    Column("class", one_of(*SHELTER_CLASSES)),
    Column("place_id", identifier),
    Column("area_m2", bounded("shelters.csv area_m2")),
]

SCENARIO_KEYS = {
    "name",
    "title",  # {zh: ..., en: ...}: the name charts and the appendix print (else `name`)
    "description",
    "provenance",
    "licence",
    "crs",
    "stylised",
    "zones",
    "defaults",
    "generator",
}
DEFAULT_KEYS = {"snap_tolerance_km", "unload_min", "road_speed_kmh"}


def load(path: str | Path, overrides: ScenarioSettings | None = None) -> Scenario:
    """Load and validate the scenario folder at `path`; raise InputError listing every problem."""
    folder = Path(path)
    problems: list[Problem] = []
    if not folder.is_dir():
        raise InputError(Problem(str(folder), str(folder), "scenario folder does not exist"))

    def label(name: str) -> str:
        return str(folder / name)

    meta = _scenario_yaml(folder / "scenario.yaml", label("scenario.yaml"), problems)
    if meta is None:  # without its defaults every later message would be noise
        raise InputError(problems, heading=f"scenario {folder} is not valid")
    defaults = dict(meta.get("defaults") or {})
    if overrides is not None:
        for key in ("snap_tolerance_km", "unload_min"):
            if getattr(overrides, key) is not None:
                defaults[key] = getattr(overrides, key)
        if overrides.road_speed_kmh:
            defaults["road_speed_kmh"] = {
                **(defaults.get("road_speed_kmh") or {}),
                **overrides.road_speed_kmh,
            }
    snap_tol = _default_number(defaults, "snap_tolerance_km", label("scenario.yaml"), problems, 1.0)
    unload_min = _default_number(defaults, "unload_min", label("scenario.yaml"), problems, 15.0)
    speeds = _speeds(defaults.get("road_speed_kmh"), label("scenario.yaml"), problems)

    # A file with any problem of its own is checked no further against the others: its rows
    # are incomplete, and every reference to a row it lost would blame a valid file.
    clean: dict[str, bool] = {}

    def read(name: str, columns: list[Column], optional: bool = False) -> list[Row]:
        before = len(problems)
        if optional and not (folder / name).exists():
            rows: list[Row] = []
        else:
            rows = read_csv(folder / name, columns, problems, label(name))
        clean[name] = len(problems) == before
        return rows

    place_rows = read("places.csv", PLACES)
    node_rows = read("road_nodes.csv", NODES)
    edge_rows = read("road_edges.csv", EDGES)
    item_rows = read("items.csv", ITEMS)
    depot_rows = read("depots.csv", DEPOTS)
    stock_rows = read("stock.csv", STOCK)
    station_rows = read("ems_stations.csv", STATIONS)
    hospital_rows = read("hospitals.csv", HOSPITALS)
    team_rows = read("teams.csv", TEAMS)
    helipad_rows = read("helipads.csv", HELIPADS, optional=True)
    shelter_rows = read("shelters.csv", SHELTERS, optional=True)
    if overrides is not None and overrides.road_speed_kmh:  # a misspelt class would change nothing
        used = sorted({str(r["road_class"]) for r in edge_rows})
        for cls in sorted(set(overrides.road_speed_kmh) - set(used)):
            problems.append(
                Problem(
                    f"scenario.road_speed_kmh.{cls}",
                    overrides.road_speed_kmh[cls],
                    f"no road of this class in {label('road_edges.csv')}: {', '.join(used)}",
                )
            )

    for rows, key, name in [
        (place_rows, "place_id", "places.csv"),
        (node_rows, "node_id", "road_nodes.csv"),
        (item_rows, "item", "items.csv"),
        (depot_rows, "depot_id", "depots.csv"),
        (station_rows, "station_id", "ems_stations.csv"),
        (hospital_rows, "hospital_id", "hospitals.csv"),
        (team_rows, "team_id", "teams.csv"),
        (helipad_rows, "helipad_id", "helipads.csv"),
        (shelter_rows, "shelter_id", "shelters.csv"),
    ]:
        check_unique(rows, key, label(name), problems)

    _coordinates(place_rows, label("places.csv"), problems)
    _coordinates(node_rows, label("road_nodes.csv"), problems)
    place_by_id = {r["place_id"]: r for r in place_rows}
    zones: dict[str, tuple[str, ...]] = {}
    if clean["places.csv"]:
        _check_places(place_rows, label("places.csv"), problems)
        zones = _zones(meta.get("zones"), place_by_id, label("scenario.yaml"), problems)
    road = None
    if clean["road_nodes.csv"] and clean["road_edges.csv"]:
        road = _road_graph(node_rows, edge_rows, speeds, label, problems)
    if problems:
        raise InputError(problems, heading=f"scenario {folder} is not valid")

    # Snapping needs a valid graph, so it comes after the file-level checks.
    assert road is not None
    place_lon = np.array([r["lon"] for r in place_rows], dtype=float)
    place_lat = np.array([r["lat"] for r in place_rows], dtype=float)
    nodes, dists = roads.snap(road.lon, road.lat, place_lon, place_lat)
    for row, d in zip(place_rows, dists, strict=True):
        if d > snap_tol:
            problems.append(
                Problem(
                    f"{label('places.csv')} line {row.line}, place {row['place_id']}",
                    f"{d:.2f} km from the nearest road node",
                    f"must lie within snap_tolerance_km = {snap_tol:g} km of a road node",
                )
            )
    places = tuple(
        Place(
            r["place_id"],
            r["name"],
            r["kind"],
            r["township_id"],
            r["lon"],
            r["lat"],
            r["population"],
            int(n),
            float(d),
            r["code"] or "",
            r["division_kind"] or "",
        )
        for r, n, d in zip(place_rows, nodes, dists, strict=True)
    )
    items = tuple(
        Item(r["item"], r["unit"], r["need_per_person"], r["class"], r["basis"] or "once") for r in item_rows
    )
    depots = _depots(depot_rows, stock_rows, items, places, label, problems)
    refs = [
        (station_rows, "place_id", "ems_stations.csv"),
        (hospital_rows, "place_id", "hospitals.csv"),
        (team_rows, "base_place_id", "teams.csv"),
        (helipad_rows, "place_id", "helipads.csv"),
        (shelter_rows, "place_id", "shelters.csv"),
    ]
    for rows, key, name in refs:
        _known_places(rows, key, place_by_id, label(name), problems)
    for r in station_rows:
        if r["negative_pressure"] > r["ambulances"]:
            problems.append(
                Problem(
                    f"{label('ems_stations.csv')} line {r.line}, column negative_pressure",
                    r["negative_pressure"],
                    f"must be <= ambulances ({r['ambulances']})",
                )
            )
    for r in hospital_rows:
        if r["infectious_beds"] > r["beds"]:
            problems.append(
                Problem(
                    f"{label('hospitals.csv')} line {r.line}, column infectious_beds",
                    r["infectious_beds"],
                    f"must be <= beds ({r['beds']})",
                )
            )
    if problems:
        raise InputError(problems, heading=f"scenario {folder} is not valid")

    return Scenario(
        name=str(meta.get("name", folder.name)),
        dir=str(folder),
        meta=meta,
        zones=zones,
        places=places,
        items=items,
        depots=depots,
        ems_stations=tuple(
            EmsStation(r["station_id"], r["kind"], r["place_id"], r["ambulances"], r["negative_pressure"])
            for r in station_rows
        ),
        hospitals=tuple(
            Hospital(r["hospital_id"], r["place_id"], r["beds"], r["infectious_beds"]) for r in hospital_rows
        ),
        teams=tuple(
            Team(
                r["team_id"],
                r["kind"],
                r["base_place_id"],
                r["members"],
                r["skills"],
                r["mobilisation"],
                r["turnout"],
                r["boats"] or 0,
                r["machines"] or 0,
            )
            for r in team_rows
        ),
        helipads=tuple(Helipad(r["helipad_id"], r["place_id"]) for r in helipad_rows),
        shelters=tuple(
            Shelter(r["shelter_id"], r["class"], r["place_id"], r["area_m2"]) for r in shelter_rows
        ),
        road=road,
        unload_min=unload_min,
        snap_tolerance_km=snap_tol,
        road_speed_kmh=speeds,
    )


def _scenario_yaml(path: Path, label: str, problems: list[Problem]) -> dict[str, Any] | None:
    tree = load_mapping(path, label, problems)
    if tree is None:
        return None
    for key in tree:
        if key not in SCENARIO_KEYS:
            problems.append(
                Problem(
                    f"{label} key {key}", key, f"unknown key; allowed: {', '.join(sorted(SCENARIO_KEYS))}"
                )
            )
    title = tree.get("title")
    if title is not None and not (
        isinstance(title, dict)
        and set(title) == {"zh", "en"}
        and all(isinstance(v, str) and 0 < len(v) <= 80 for v in title.values())
    ):
        problems.append(
            Problem(f"{label} key title", title, "must be {zh: NAME, en: NAME}, each 1-80 characters")
        )
        tree.pop("title")
    crs = tree.get("crs", "EPSG:4326")
    if crs != "EPSG:4326":
        problems.append(
            Problem(
                f"{label} key crs", crs, "coordinates must be WGS84 lon/lat (EPSG:4326); convert on import"
            )
        )
    defaults = tree.get("defaults") or {}
    if not isinstance(defaults, dict):
        problems.append(Problem(f"{label} key defaults", defaults, "must be a mapping"))
        tree["defaults"] = {}
    else:
        for key in defaults:
            if key not in DEFAULT_KEYS:
                problems.append(
                    Problem(
                        f"{label} key defaults.{key}",
                        key,
                        f"unknown key; allowed: {', '.join(sorted(DEFAULT_KEYS))}",
                    )
                )
    return tree


def _default_number(
    defaults: Mapping[str, Any], key: str, label: str, problems: list[Problem], fallback: float
) -> float:
    value = defaults.get(key, fallback)
    rule = SCENARIO[f"scenario.yaml defaults.{key}"].check(value)
    if rule is not None:
        problems.append(Problem(f"{label} key defaults.{key}", value, rule))
        return fallback
    return float(value)


def _speeds(tree: Any, label: str, problems: list[Problem]) -> dict[str, float]:
    if tree is None:
        return {}
    if not isinstance(tree, dict):
        problems.append(Problem(f"{label} key defaults.road_speed_kmh", tree, "must map road class to km/h"))
        return {}
    out: dict[str, float] = {}
    bound = SCENARIO["scenario.yaml defaults.road_speed_kmh.*"]
    for cls, speed in tree.items():
        rule = bound.check(speed)
        if rule is not None:
            problems.append(Problem(f"{label} key defaults.road_speed_kmh.{cls}", speed, rule))
        else:
            out[str(cls)] = float(speed)
    return out


def _zones(
    tree: Any, places: dict[str, Row], label: str, problems: list[Problem]
) -> dict[str, tuple[str, ...]]:
    if tree is None:
        return {}
    if not isinstance(tree, dict):
        problems.append(Problem(f"{label} key zones", tree, "must map a zone name to township ids"))
        return {}
    zones: dict[str, tuple[str, ...]] = {}
    for name, members in tree.items():
        if not isinstance(members, list) or not members:
            problems.append(
                Problem(f"{label} key zones.{name}", members, "must be a non-empty list of township ids")
            )
            continue
        for m in members:
            row = places.get(str(m))
            if row is None or row["kind"] not in OWNER_KINDS:
                problems.append(
                    Problem(
                        f"{label} key zones.{name}",
                        m,
                        "must be the place_id of a township, industrial park or city in places.csv",
                    )
                )
        zones[str(name)] = tuple(str(m) for m in members)
    return zones


def _coordinates(rows: list[Row], label: str, problems: list[Problem]) -> None:
    """Parse lon/lat together so a swapped pair is named as such; a bad pair becomes NaN."""
    for row in rows:
        before = len(problems)
        where = f"{label} line {row.line}"
        try:
            lon = float(row["lon"])
            lat = float(row["lat"])
        except (TypeError, ValueError):
            problems.append(
                Problem(
                    f"{where}, columns lon/lat",
                    f"{row['lon']}, {row['lat']}",
                    "must be numbers (WGS84 degrees)",
                )
            )
            row.values["lon"] = row.values["lat"] = float("nan")
            continue
        if not (np.isfinite(lon) and np.isfinite(lat)):
            problems.append(Problem(f"{where}, columns lon/lat", f"{lon}, {lat}", "must be finite numbers"))
        elif abs(lat) > 90 and abs(lon) <= 90:
            problems.append(
                Problem(
                    f"{where}, columns lon/lat",
                    f"{lon}, {lat}",
                    "latitude must be within ±90: lon and lat look swapped",
                )
            )
        elif abs(lat) > 90 or abs(lon) > 180:
            problems.append(
                Problem(
                    f"{where}, columns lon/lat",
                    f"{lon}, {lat}",
                    "must be lon within ±180 and lat within ±90 (WGS84 degrees)",
                )
            )
        if len(problems) > before:
            lon = lat = float("nan")
        row.values["lon"], row.values["lat"] = lon, lat


def _check_places(rows: list[Row], label: str, problems: list[Problem]) -> None:
    by_id = {r["place_id"]: r for r in rows}
    for r in rows:
        owner = by_id.get(r["township_id"])
        if owner is None or owner["kind"] not in OWNER_KINDS:
            problems.append(
                Problem(
                    f"{label} line {r.line}, column township_id",
                    r["township_id"],
                    "must be the place_id of a township, industrial_park or city place",
                )
            )
        elif r["kind"] in OWNER_KINDS and r["township_id"] != r["place_id"]:
            problems.append(
                Problem(
                    f"{label} line {r.line}, column township_id",
                    r["township_id"],
                    f"a {r['kind']} belongs to itself: must be {r['place_id']}",
                )
            )
    if not any(r["kind"] == "village" for r in rows):
        problems.append(Problem(label, "no village rows", "a scenario needs at least one village"))
    _check_divisions(rows, by_id, label, problems)


def _check_divisions(rows: list[Row], by_id: dict[str, Row], label: str, problems: list[Problem]) -> None:
    """The optional official columns agree with the structure: a village's code is 12 digits and
    starts with its township's code, a township-level place's code is 9 digits; a village's
    division_kind is community or village, a township-level place's one of the township kinds."""
    for r in rows:
        village = r["kind"] == "village"
        code, dkind = r["code"], r["division_kind"]
        where = f"{label} line {r.line}"
        if code is not None and len(code) != (12 if village else 9):
            problems.append(
                Problem(
                    f"{where}, column code",
                    code,
                    f"a {r['kind']} place's code has {12 if village else 9} digits "
                    "(county 6 + township 3" + (" + village 3)" if village else ")"),
                )
            )
        elif code is not None and village:
            owner = by_id.get(r["township_id"])
            if owner is not None and owner["code"] is not None and not code.startswith(owner["code"]):
                problems.append(
                    Problem(
                        f"{where}, column code",
                        code,
                        f"must start with the code {owner['code']} of its township {r['township_id']}",
                    )
                )
        allowed = VILLAGE_KINDS if village else TOWNSHIP_KINDS
        if dkind is not None and dkind not in allowed:
            problems.append(
                Problem(
                    f"{where}, column division_kind",
                    dkind,
                    f"a {r['kind']} place's must be one of {', '.join(allowed)}",
                )
            )


def _road_graph(
    node_rows: list[Row], edge_rows: list[Row], speeds: dict[str, float], label, problems: list[Problem]
) -> RoadGraph | None:
    if not node_rows or not edge_rows:
        # Both files were read without a problem (a missing one is reported by read_csv and
        # never gets here), so an empty one has its header and no row: each is named.
        for name, rows in (("road_nodes.csv", node_rows), ("road_edges.csv", edge_rows)):
            if not rows:
                problems.append(
                    Problem(label(name), 0, "no rows: the road graph needs at least one node and one edge")
                )
        return None
    if len(node_rows) > MAX_ROAD_NODES:
        problems.append(Problem(label("road_nodes.csv"), len(node_rows), f"more than {MAX_ROAD_NODES} nodes"))
        return None
    index = {r["node_id"]: i for i, r in enumerate(node_rows)}
    lon = np.array([r["lon"] for r in node_rows], dtype=float)
    lat = np.array([r["lat"] for r in node_rows], dtype=float)
    us, vs, lengths, classes, speed_list, oneways = [], [], [], [], [], []
    kept: list[Row] = []
    edges_label = label("road_edges.csv")
    for r in edge_rows:
        where = f"{edges_label} line {r.line}"
        ok = True
        for end in ("u", "v"):
            if r[end] not in index:
                problems.append(
                    Problem(f"{where}, column {end}", r[end], "unknown node_id (not in road_nodes.csv)")
                )
                ok = False
        if ok and r["u"] == r["v"]:
            problems.append(Problem(f"{where}, columns u/v", r["u"], "an edge must join two different nodes"))
            ok = False
        speed = r["speed_kmh"]
        if speed is None:
            speed = speeds.get(r["road_class"])
            if speed is None:
                problems.append(
                    Problem(
                        f"{where}, column speed_kmh",
                        "",
                        f"empty, and road class {r['road_class']!r} has no default speed in "
                        "scenario.yaml defaults.road_speed_kmh",
                    )
                )
                ok = False
        if not ok:
            continue
        kept.append(r)
        us.append(index[r["u"]])
        vs.append(index[r["v"]])
        lengths.append(r["length_km"])
        classes.append(r["road_class"])
        speed_list.append(speed)
        oneways.append(bool(r["oneway"]) if r["oneway"] is not None else False)
    # A road is never shorter than the crow flies; 5 % + 50 m allows for rounding of
    # coordinates. A violation usually means metres written as km or swapped nodes.
    crow = roads.haversine_km(lon[us], lat[us], lon[vs], lat[vs])  # nan where a node is bad
    for k in np.flatnonzero(np.asarray(lengths) < crow * 0.95 - 0.05):
        r = kept[k]
        problems.append(
            Problem(
                f"{edges_label} line {r.line}, column length_km",
                r["length_km"],
                f"shorter than the straight-line distance {crow[k]:.3f} km between {r['u']} and {r['v']}",
            )
        )
    if problems:
        return None
    u = np.array(us, dtype=np.int32)
    v = np.array(vs, dtype=np.int32)
    length = np.array(lengths, dtype=float)
    speed = np.array(speed_list, dtype=float)
    oneway = np.array(oneways, dtype=bool)
    matrix = roads.time_matrix(len(node_rows), u, v, roads.edge_minutes(length, speed), oneway)
    n_weak, labels = roads.components(matrix)
    if n_weak > 1:
        sizes, stray = _outside_largest(labels, node_rows)
        problems.append(
            Problem(
                label("road_edges.csv"),
                f"{n_weak} separate parts, sizes {sorted(sizes.tolist(), reverse=True)[:5]}",
                "the road graph must be connected; nodes cut off from the largest part include "
                + ", ".join(stray),
            )
        )
        return None
    n_strong, labels = roads.strongly_connected(matrix)
    if n_strong > 1:
        _, stray = _outside_largest(labels, node_rows)
        problems.append(
            Problem(
                label("road_edges.csv"),
                f"{n_strong} one-way traps",
                f"every node must be reachable from every other (check oneway); e.g. {', '.join(stray)}",
            )
        )
        return None
    return RoadGraph(
        node_ids=tuple(r["node_id"] for r in node_rows),
        lon=lon,
        lat=lat,
        u=u,
        v=v,
        length_km=length,
        road_class=tuple(classes),
        speed_kmh=speed,
        oneway=oneway,
        time_min=matrix,
    )


def _outside_largest(labels: np.ndarray, node_rows: list[Row]) -> tuple[np.ndarray, list[str]]:
    """Component sizes, and up to five node ids outside the largest component (for the message)."""
    sizes = np.bincount(labels)
    main = int(np.argmax(sizes))
    return sizes, [node_rows[i]["node_id"] for i in np.flatnonzero(labels != main)[:5]]


def _known_places(
    rows: list[Row], key: str, places: dict[str, Row], label: str, problems: list[Problem]
) -> None:
    for r in rows:
        if r[key] not in places:
            problems.append(
                Problem(
                    f"{label} line {r.line}, column {key}", r[key], "unknown place_id (not in places.csv)"
                )
            )


def _depots(
    depot_rows: list[Row],
    stock_rows: list[Row],
    items: tuple[Item, ...],
    places: tuple[Place, ...],
    label,
    problems: list[Problem],
) -> tuple[Depot, ...]:
    place_by_id = {p.id: p for p in places}
    item_index = {it.id: i for i, it in enumerate(items)}
    depot_ids = {r["depot_id"] for r in depot_rows}
    stock: dict[str, list[int]] = {d: [0] * len(items) for d in depot_ids}
    seen: dict[tuple[str, str], int] = {}
    for r in stock_rows:
        where = f"{label('stock.csv')} line {r.line}"
        if r["depot_id"] not in depot_ids:
            problems.append(
                Problem(f"{where}, column depot_id", r["depot_id"], "unknown depot_id (not in depots.csv)")
            )
            continue
        if r["item"] not in item_index:
            problems.append(Problem(f"{where}, column item", r["item"], "unknown item (not in items.csv)"))
            continue
        key = (r["depot_id"], r["item"])
        if key in seen:
            problems.append(
                Problem(
                    f"{where}",
                    f"{key[0]}, {key[1]}",
                    f"depot and item listed twice (first on line {seen[key]})",
                )
            )
            continue
        seen[key] = r.line
        stock[r["depot_id"]][item_index[r["item"]]] = r["qty"]
    out = []
    for r in depot_rows:
        where = f"{label('depots.csv')} line {r.line}"
        place = place_by_id.get(r["place_id"])
        if place is None:
            problems.append(
                Problem(f"{where}, column place_id", r["place_id"], "unknown place_id (not in places.csv)")
            )
            continue
        lead_h = r["lead_time_h"] or 0.0
        if r["tier"] in ("city", "township") and lead_h > 0:
            problems.append(
                Problem(
                    f"{where}, column lead_time_h",
                    lead_h,
                    "only contract and province reserves have a lead time; leave empty or 0",
                )
            )
        held = stock.get(r["depot_id"], [])
        if sum(held) > 0 and r["trucks"] == 0:
            problems.append(
                Problem(f"{where}, column trucks", 0, "a depot that holds stock needs at least one truck")
            )
        out.append(
            Depot(
                r["depot_id"],
                r["name"],
                r["tier"],
                r["place_id"],
                place.township_id,
                place.node,
                r["trucks"],
                r["truck_capacity"],
                r["load_min"],
                h_to_min(lead_h),
                tuple(held),
            )
        )
    return tuple(out)
