"""Importing an OpenStreetMap extract as a scenario's road files, offline (`drsim import-osm`).

Covers: reading `.osm`, `.osm.bz2` and `.osm.pbf` files with pyosmium (libosmium, no
network); keeping the ways a relief truck can drive (`highway=` classes in ROAD_CLASSES,
minus ways closed to motor vehicles); lengths along the way's geometry (haversine between
consecutive OSM nodes); keeping the largest strongly connected part (every kept node can
reach and be reached from every other, one-way streets respected) and reporting what was
dropped; simplification (chains of nodes of degree 2 become one edge, the lengths summed,
while nodes where the road class or one-way status changes are kept, and chains are cut
at a geometry node about every `max_edge_km` so a place beside a long road still finds a
node near it); default speeds per class with a stated reason, every one overridable.

Leaves out: turn restrictions, `maxspeed` tags (legal limits, not what a loaded relief
truck drives), time-dependent access, ferries, bridges' weight limits and lane counts.
The road classes stay OSM's `highway=` values, so hazards can damage them by class.

Size: one pass from an OSM extract to road files (read, filter by access, keep the largest
strongly connected part, simplify, write), each step used only by the next.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
import yaml

from sim.authoring.write import ScenarioFiles, csv_text, replace_in_scenario, write_scenario
from sim.errors import InputError, Problem
from sim.safe_text import md_code, md_text
from sim.scenario import roads

GEO_EXTRA_HINT = "install the geospatial extra: pip install -e '.[geo]' (or pip install 'drsim[geo]')"
OSM_SUFFIXES = (".osm", ".osm.bz2", ".osm.pbf")
ATTRIBUTION = "© OpenStreetMap contributors"
MAX_EDGE_KM = 0.5  # a place beside a road finds a node within ~0.25 km along it; ~2 nodes/km stays small
SNAP_TOLERANCE_KM = 1.0  # a village's point may sit a few hundred metres off the road, plus node spacing
UNLOAD_MIN = 20  # as the shipped scenarios: unloading by hand with helpers (stylised)
JTG = "JTG B01-2014 (公路工程技术标准) design speed"


@dataclass(frozen=True)
class RoadClass:
    speed_kmh: float
    reason: str


# OSM highway=* values a relief truck may drive, with the default speed and why. OSM China
# tags administrative roads as trunk = 国道, primary = 省道, secondary = 县道, tertiary = 乡道,
# unclassified = 村道; the speeds are the JTG B01-2014 design speeds of the technical grade
# such roads usually have, taken at the lower end for a loaded truck in mixed traffic.
ROAD_CLASSES: dict[str, RoadClass] = {
    "motorway": RoadClass(100, f"高速公路, {JTG} 120/100/80; trucks ≤ 100 (道路交通安全法实施条例 §78)"),
    "trunk": RoadClass(80, f"国道, usually 一级公路: {JTG} 100/80/60, the middle value"),
    "primary": RoadClass(60, f"省道, usually 二级公路: {JTG} 80/60, the lower value (runs through towns)"),
    "secondary": RoadClass(40, f"县道, usually 三级公路: {JTG} 40/30, the upper value"),
    "tertiary": RoadClass(30, f"乡道, 三级/四级公路: {JTG} 30 (三级 lower, 四级 upper)"),
    "unclassified": RoadClass(20, f"村道, 四级公路: {JTG} 30/20, the lower value (often one lane)"),
    "residential": RoadClass(20, "streets in towns and villages: pedestrians, parked vehicles; as 四级 20"),
    "road": RoadClass(20, "class unknown to the mapper: taken as unclassified"),
    "living_street": RoadClass(10, "shared space, walking pace (assumed)"),
    "service": RoadClass(15, "access roads, yards and alleys (assumed)"),
    "track": RoadClass(15, "unpaved farm and forest tracks (机耕路), a light truck when dry (assumed)"),
    "motorway_link": RoadClass(50, "ramp: half the main road's speed for curves and merging (assumed)"),
    "trunk_link": RoadClass(40, "ramp: half the main road's speed (assumed)"),
    "primary_link": RoadClass(30, "link road: half the main road's speed (assumed)"),
    "secondary_link": RoadClass(20, "link road: half the main road's speed (assumed)"),
    "tertiary_link": RoadClass(15, "link road: half the main road's speed (assumed)"),
}
# Access values that close a way to a relief truck (access=*, vehicle=*, motor_vehicle=*,
# motorcar=*, hgv=*, the most specific tag present wins, as OSM's access hierarchy says).
CLOSED = {"no", "private", "agricultural", "forestry", "delivery", "customers", "discouraged"}
OPEN = {"yes", "designated", "destination", "permissive"}
ACCESS_KEYS = ("access", "vehicle", "motor_vehicle", "motorcar", "hgv")
FORWARD, BACKWARD = 1, -1


@dataclass
class Network:
    """Drivable road geometry as read: OSM nodes and the segments between consecutive ones."""

    node_osm_id: list[int] = field(default_factory=list)
    lon: list[float] = field(default_factory=list)
    lat: list[float] = field(default_factory=list)
    seg_u: list[int] = field(default_factory=list)  # indices into the node lists
    seg_v: list[int] = field(default_factory=list)
    seg_class: list[str] = field(default_factory=list)
    seg_oneway: list[bool] = field(default_factory=list)  # True: drivable u -> v only
    ways: Counter = field(default_factory=Counter)  # drivable ways read, by class
    skipped: Counter = field(default_factory=Counter)  # ways not kept, by reason
    index: dict[int, int] = field(default_factory=dict)

    def node(self, osm_id: int, lon: float, lat: float) -> int:
        i = self.index.get(osm_id)
        if i is None:
            i = self.index[osm_id] = len(self.node_osm_id)
            self.node_osm_id.append(osm_id)
            self.lon.append(lon)
            self.lat.append(lat)
        return i


@dataclass(frozen=True)
class Graph:
    """The simplified, strongly connected road graph, ready to write."""

    node_ids: list[str]
    lon: np.ndarray
    lat: np.ndarray
    u: np.ndarray  # indices into node_ids
    v: np.ndarray
    length_km: np.ndarray
    road_class: list[str]
    oneway: np.ndarray
    stats: dict[str, Any]


def parse_speeds(text: str | None) -> dict[str, float]:
    """`--speeds motorway=90,track=0` -> {class: km/h}; 0 drops the class."""
    if not text:
        return {}
    out: dict[str, float] = {}
    problems = []
    for part in text.split(","):
        cls, sep, value = part.partition("=")
        cls = cls.strip()
        try:
            speed = float(value)
        except ValueError:
            speed = float("nan")
        if not sep or not cls or not math.isfinite(speed) or not 0 <= speed <= 300:
            problems.append(
                Problem(
                    "command line --speeds",
                    part,
                    "must be class=km/h with 0 <= km/h <= 300 (0 drops the class), e.g. track=10,service=0",
                )
            )
            continue
        out[cls] = speed
    if problems:
        raise InputError(problems, heading="the road speeds could not be read")
    return out


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """`--bbox W,S,E,N` in WGS84 degrees."""
    if not text:
        return None
    try:
        w, s, e, n = (float(x) for x in text.split(","))
    except ValueError:
        w = s = e = n = float("nan")
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        raise InputError(
            Problem("command line --bbox", text, "must be W,S,E,N in degrees with W < E and S < N"),
        )
    return (w, s, e, n)


def classes_with_speeds(overrides: dict[str, float]) -> dict[str, RoadClass]:
    """The default classes with `overrides` applied; 0 drops a class, an unknown class is added."""
    out = dict(ROAD_CLASSES)
    for cls, speed in overrides.items():
        if speed == 0:
            out.pop(cls, None)
        else:
            out[cls] = RoadClass(speed, "set on the command line (--speeds)")
    return out


def _closed(tags) -> bool:
    state = None
    for key in ACCESS_KEYS:  # from general to specific: the last one present decides
        value = tags.get(key)
        if value in CLOSED:
            state = "closed"
        elif value in OPEN:
            state = "open"
    emergency = tags.get("emergency")
    if emergency in OPEN:  # relief trucks in a disaster are emergency traffic
        return False
    return state == "closed"


def _direction(tags, cls: str) -> int:
    """0 both ways, FORWARD or BACKWARD along the way's node order (OSM oneway rules)."""
    oneway = tags.get("oneway")
    if oneway in ("yes", "true", "1"):
        return FORWARD
    if oneway in ("-1", "reverse"):
        return BACKWARD
    if oneway in ("no", "false", "0", "reversible", "alternating"):
        return 0  # reversible lanes open each way at some hours: both ways
    if tags.get("junction") in ("roundabout", "circular") or cls == "motorway":
        return FORWARD  # implied by OSM convention
    return 0


def read_network(
    path: Path, classes: dict[str, RoadClass], bbox: tuple[float, float, float, float] | None
) -> Network:
    """Every drivable segment of the extract (inside `bbox`, if given), with node coordinates."""
    try:
        import osmium
    except ImportError:
        raise InputError(
            Problem(str(path), "osmium", f"reading OSM files needs pyosmium: {GEO_EXTRA_HINT}")
        ) from None
    net = Network()
    processor = (
        osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()
        .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
        .with_filter(osmium.filter.KeyFilter("highway"))
    )
    try:
        for entity in processor:
            way = cast("osmium.osm.Way", entity)  # the entity filter above passes ways only
            tags = way.tags
            cls = tags.get("highway")
            if cls not in classes:
                net.skipped[f"highway={cls}"] += 1
                continue
            if tags.get("area") == "yes":
                net.skipped["area=yes"] += 1
                continue
            if _closed(tags):
                net.skipped["closed to motor vehicles (access tags)"] += 1
                continue
            direction = _direction(tags, cls)
            prev = None
            kept = 0
            for nd in way.nodes:
                loc = nd.location
                here = None
                if loc.valid():
                    lon, lat = loc.lon, loc.lat
                    if bbox is None or (bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]):
                        here = net.node(nd.ref, lon, lat)
                if here is not None and prev is not None and here != prev:
                    a, b = (prev, here) if direction != BACKWARD else (here, prev)
                    net.seg_u.append(a)
                    net.seg_v.append(b)
                    net.seg_class.append(cls)
                    net.seg_oneway.append(direction != 0)
                    kept += 1
                prev = here  # a node outside the bbox or missing from the extract cuts the way
            if kept:
                net.ways[cls] += 1
            else:
                net.skipped["outside the bbox or nodes missing from the extract"] += 1
    except RuntimeError as exc:  # libosmium's parse and I/O errors
        raise InputError(
            Problem(str(path), str(exc).splitlines()[0][:200], "not a readable OSM file")
        ) from None
    return net


def build_graph(net: Network, max_edge_km: float = MAX_EDGE_KM) -> Graph:
    """Deduplicate, keep the largest strongly connected part, merge degree-2 chains."""
    n = len(net.node_osm_id)
    lon = np.asarray(net.lon, dtype=float)
    lat = np.asarray(net.lat, dtype=float)
    # Two ways sharing consecutive nodes describe one road: keep the first seen.
    seen: dict[tuple[int, int], int] = {}
    keep = []
    for k, (a, b) in enumerate(zip(net.seg_u, net.seg_v, strict=True)):
        key = (a, b) if a < b else (b, a)
        if key not in seen:
            seen[key] = k
            keep.append(k)
    su = np.asarray(net.seg_u, dtype=np.int64)[keep]
    sv = np.asarray(net.seg_v, dtype=np.int64)[keep]
    one = np.asarray(net.seg_oneway, dtype=bool)[keep]
    cls = [net.seg_class[k] for k in keep]
    seg_km = roads.haversine_km(lon[su], lat[su], lon[sv], lat[sv]) if len(keep) else np.zeros(0)
    km_by_class: Counter = Counter()
    for c, km in zip(cls, seg_km.tolist(), strict=True):
        km_by_class[c] += km

    # Largest strongly connected part (ties: the part of the lowest-numbered node).
    matrix = roads.time_matrix(n, su, sv, seg_km + 1e-9, one)
    _, labels = roads.strongly_connected(matrix)
    sizes = np.bincount(labels, minlength=1)
    main = int(np.argmax(sizes))
    in_main = labels == main
    kept_seg = in_main[su] & in_main[sv]
    stats: dict[str, Any] = {
        "nodes_read": n,
        "segments_read": len(keep),
        "km_read": float(seg_km.sum()),
        "km_read_by_class": {c: km_by_class[c] for c in sorted(km_by_class)},
        "parts": len(sizes),
        "nodes_dropped": int(n - in_main.sum()),
        "km_dropped": float(seg_km[~kept_seg].sum()),
    }
    idx = np.flatnonzero(kept_seg)
    su, sv, one, seg_km = su[idx], sv[idx], one[idx], seg_km[idx]
    cls = [cls[k] for k in idx]

    # Incidence lists; a node is interior to a chain when exactly two segments meet there,
    # to two different neighbours, of one class, and traffic can flow straight through.
    incident: dict[int, list[int]] = {}
    for k in range(len(su)):
        incident.setdefault(int(su[k]), []).append(k)
        incident.setdefault(int(sv[k]), []).append(k)

    def interior(node: int) -> bool:
        segs = incident[node]
        if len(segs) != 2:
            return False
        a, b = segs
        if cls[a] != cls[b] or one[a] != one[b]:
            return False
        if _other(su, sv, a, node) == _other(su, sv, b, node):
            return False
        return not one[a] or ((sv[a] == node) != (sv[b] == node))  # one in, one out

    kept_nodes = {node for node in incident if not interior(node)}
    used = np.zeros(len(su), dtype=bool)
    edges: list[tuple[int, int, float, str, bool]] = []

    def walk(start: int, seg: int) -> None:
        first, path, lengths, node = seg, [start], [], start
        while True:
            used[seg] = True
            nxt = _other(su, sv, seg, node)
            path.append(nxt)
            lengths.append(float(seg_km[seg]))
            if nxt in kept_nodes:
                break
            a, b = incident[nxt]
            seg, node = (b if a == seg else a), nxt
        if one[first] and su[first] != start:  # walked against the traffic: turn the chain round
            path.reverse()
            lengths.reverse()
        for i, j in _cuts(path, lengths, max_edge_km):
            edges.append((path[i], path[j], sum(lengths[i:j]), cls[first], bool(one[first])))

    for node in sorted(kept_nodes):
        for seg in incident[node]:
            if not used[seg]:
                walk(node, seg)
    # Rings with no junction at all (a closed loop on its own): start at their first node.
    for seg in np.flatnonzero(~used).tolist():
        if not used[seg]:
            start = int(min(su[seg], sv[seg]))
            kept_nodes.add(start)
            walk(start, seg)

    ends = sorted({e[0] for e in edges} | {e[1] for e in edges})
    pos = {node: i for i, node in enumerate(ends)}
    stats.update(
        {
            "nodes": len(ends),
            "edges": len(edges),
            "km": float(sum(e[2] for e in edges)),
        }
    )
    return Graph(
        node_ids=[str(net.node_osm_id[i]) for i in ends],
        lon=lon[ends] if ends else np.zeros(0),
        lat=lat[ends] if ends else np.zeros(0),
        u=np.array([pos[e[0]] for e in edges], dtype=np.int64),
        v=np.array([pos[e[1]] for e in edges], dtype=np.int64),
        length_km=np.array([e[2] for e in edges], dtype=float),
        road_class=[e[3] for e in edges],
        oneway=np.array([e[4] for e in edges], dtype=bool),
        stats=stats,
    )


def _other(su: np.ndarray, sv: np.ndarray, seg: int, node: int) -> int:
    return int(sv[seg]) if su[seg] == node else int(su[seg])


def _cuts(path: list[int], lengths: list[float], max_km: float) -> list[tuple[int, int]]:
    """Pieces (i, j) of a chain: each at most `max_km` long unless one segment is longer,
    and never a piece that starts and ends at the same node (a loop is cut in two)."""
    pieces, start, acc = [], 0, 0.0
    for k, km in enumerate(lengths):
        if acc > 0 and acc + km > max_km:
            pieces.append((start, k))
            start, acc = k, 0.0
        acc += km
    pieces.append((start, len(lengths)))
    out = []
    for i, j in pieces:
        if path[i] == path[j]:  # a loop: keep a node in its middle
            m = (i + j) // 2
            out += [(i, m), (m, j)]
        else:
            out.append((i, j))
    return out


README_START, README_END = "<!-- drsim import-osm -->", "<!-- /drsim import-osm -->"


def import_osm(
    source: str | Path,
    out: str | Path,
    bbox: tuple[float, float, float, float] | None = None,
    speeds: dict[str, float] | None = None,
    max_edge_km: float = MAX_EDGE_KM,
    name: str | None = None,
    force: bool = False,
) -> dict[str, Any]:
    """Read `source`, build the road graph and write (or, with `force`, replace) the road
    files of the scenario folder `out`. Returns the statistics that were printed/recorded."""
    src, target = Path(source), Path(out)
    if not src.is_file():
        raise InputError(Problem(str(src), str(src), "file not found"))
    if not src.name.lower().endswith(OSM_SUFFIXES):
        raise InputError(
            Problem(str(src), src.name, f"an OpenStreetMap extract must end in {', '.join(OSM_SUFFIXES)}")
        )
    if not (0 < max_edge_km <= 100):
        raise InputError(Problem("command line --max-edge-km", max_edge_km, "must be > 0 and <= 100"))
    if target.exists() and not force:
        raise InputError(
            Problem(
                "command line --out",
                str(target),
                "exists: use --force to replace its roads (places and the other files are kept)",
            )
        )
    overrides = dict(speeds or {})
    classes = classes_with_speeds(overrides)
    net = read_network(src, classes, bbox)
    if not net.seg_u:
        found = ", ".join(f"{k} ({n})" for k, n in net.skipped.most_common(6)) or "no highway=* ways at all"
        where = f"{src} within --bbox {','.join(f'{x:g}' for x in bbox)}" if bbox else str(src)
        raise InputError(
            Problem(
                where,
                found,
                "no drivable road: an extract needs ways with highway="
                + "|".join(sorted(classes))
                + " open to motor vehicles (check the file, its area and --bbox)",
            ),
            heading="the OpenStreetMap extract cannot make a road graph",
        )
    graph = build_graph(net, max_edge_km)
    if len(graph.node_ids) < 2:
        raise InputError(
            Problem(str(src), f"{graph.stats['km_read']:.2f} km of drivable road", "no two places are joined")
        )
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    used = sorted(set(graph.road_class))
    info: dict[str, Any] = {
        "source": src.name,
        "sha256": digest,
        "bytes": src.stat().st_size,
        "imported_on": dt.date.today().isoformat(),
        "header_bbox": _header_bbox(src),
        "bbox": list(bbox) if bbox else None,
        "extent": [
            round(float(graph.lon.min()), 6),
            round(float(graph.lat.min()), 6),
            round(float(graph.lon.max()), 6),
            round(float(graph.lat.max()), 6),
        ],
        "max_edge_km": max_edge_km,
        "speeds_set": overrides,
        "ways_by_class": dict(sorted(net.ways.items())),
        "ways_skipped": dict(net.skipped.most_common()),
        **{k: (round(v, 3) if isinstance(v, float) else v) for k, v in graph.stats.items()},
    }
    info["km_read_by_class"] = {k: round(v, 3) for k, v in graph.stats["km_read_by_class"].items()}
    node_rows = [
        {"node_id": nid, "lon": f"{x:.7f}", "lat": f"{y:.7f}"}  # OSM stores 7 decimals (1 cm)
        for nid, x, y in zip(graph.node_ids, graph.lon, graph.lat, strict=True)
    ]
    edge_rows = [
        {
            "u": graph.node_ids[a],
            "v": graph.node_ids[b],
            "length_km": float(km),
            "road_class": c,
            "speed_kmh": None,
            "oneway": bool(o),
        }
        for a, b, km, c, o in zip(
            graph.u, graph.v, graph.length_km, graph.road_class, graph.oneway, strict=True
        )
    ]
    speeds_used = {c: float(classes[c].speed_kmh) for c in used}
    section = _readme_section(info, classes, used)
    if target.exists():
        _replace_roads(target, node_rows, edge_rows, speeds_used, info, section)
    else:
        from sim.authoring.county_base import ITEMS

        meta = {
            "name": name or target.name,
            "description": f"Roads from OpenStreetMap ({src.name}); places and depots from the planner.",
            "provenance": f"drsim import-osm {src.name} (sha256 {digest[:12]}…) on {info['imported_on']}",
            "licence": f"Roads: ODbL-1.0, {ATTRIBUTION}",
            "crs": "EPSG:4326",
            "stylised": False,
            "defaults": {
                "snap_tolerance_km": SNAP_TOLERANCE_KM,
                "unload_min": UNLOAD_MIN,
                "road_speed_kmh": speeds_used,
            },
            "generator": {"osm": info},
        }
        items = [
            {"item": i, "unit": u, "need_per_person": n, "class": c, "basis": b} for i, u, n, c, b, _ in ITEMS
        ]
        readme = f"# {meta['name']}\n\n{section}\n\n{NEXT_STEPS.format(out=target)}"
        write_scenario(
            target,
            ScenarioFiles(
                meta, {"road_nodes.csv": node_rows, "road_edges.csv": edge_rows, "items.csv": items}, readme
            ),
        )
    return info


def _replace_roads(target: Path, nodes, edges, speeds: dict[str, float], info, section: str) -> None:
    """New road files in an existing scenario; kept only if the whole folder still loads."""
    from sim.authoring.write import COLUMNS
    from sim.scenario.load import load
    from sim.scenario.safe_yaml import load_mapping

    problems: list[Problem] = []
    meta = load_mapping(target / "scenario.yaml", str(target / "scenario.yaml"), problems)
    if meta is None:
        raise InputError(
            problems,
            heading=f"{target} is not a scenario folder whose roads can be replaced",
        )
    defaults = meta.setdefault("defaults", {}) or {}
    defaults["road_speed_kmh"] = speeds
    meta["defaults"] = defaults
    meta["licence"] = f"Roads: ODbL-1.0, {ATTRIBUTION}"
    generator = meta.get("generator")
    meta["generator"] = {**(generator if isinstance(generator, dict) else {}), "osm": info}
    readme_path = target / "README.md"
    readme = readme_path.read_text(encoding="utf-8") if readme_path.is_file() else f"# {target.name}\n"
    texts = {
        "scenario.yaml": yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100),
        "road_nodes.csv": csv_text(COLUMNS["road_nodes.csv"], nodes),
        "road_edges.csv": csv_text(COLUMNS["road_edges.csv"], edges),
        "README.md": replace_section(readme, README_START, README_END, section),
    }
    has_places = (target / "places.csv").is_file() and len(
        (target / "places.csv").read_text(encoding="utf-8-sig").strip().splitlines()
    ) > 1
    replace_in_scenario(target, texts, check=(lambda folder: load(folder)) if has_places else None)


def replace_section(text: str, start: str, end: str, section: str) -> str:
    """`text` with the part between the `start` and `end` markers replaced (or appended)."""
    if start in text and end in text:
        head, rest = text.split(start, 1)
        return head + section + rest.split(end, 1)[1]
    return text.rstrip("\n") + "\n\n" + section + "\n"


def _header_bbox(src: Path) -> list[float] | None:
    import osmium

    try:
        box = osmium.io.Reader(str(src), osmium.osm.NOTHING).header().box()
    except RuntimeError:
        return None
    if not box.valid():
        return None
    return [box.bottom_left.lon, box.bottom_left.lat, box.top_right.lon, box.top_right.lat]


def _readme_section(info: dict[str, Any], classes: dict[str, RoadClass], used: list[str]) -> str:
    bbox = info["bbox"] or info["header_bbox"]
    bbox_txt = ", ".join(f"{x:g}" for x in bbox) if bbox else "none recorded in the file"
    km = info["km_read_by_class"]
    rows = "\n".join(
        f"| {md_code(c)} | {classes[c].speed_kmh:g} | {km.get(c, 0):,.1f} | {md_text(classes[c].reason)} |"
        for c in sorted(classes, key=lambda c: (-classes[c].speed_kmh, c))
        if c in used or c in info["km_read_by_class"]
    )
    bbox_from = "(--bbox: only road inside it was kept)" if info["bbox"] else "(file header; no --bbox)"
    extent = ", ".join(f"{x:g}" for x in info["extent"])
    # class names and the file name come from the extract: Markdown-escaped (sim/safe_text.py)
    skipped = ", ".join(f"{md_text(k)} {n}" for k, n in list(info["ways_skipped"].items())[:8]) or "none"
    speeds_set = md_text(info["speeds_set"]) if info["speeds_set"] else "none"
    return f"""{README_START}
## Roads: OpenStreetMap

Road data {ATTRIBUTION}, licensed under the Open Database License (ODbL 1.0,
https://opendatacommons.org/licenses/odbl/). If you publish results or this folder, keep this
attribution and share changes to the road files under the same licence.

- Source file: {md_code(info["source"])} ({info["bytes"]:,} bytes, sha256 `{info["sha256"]}`)
- Imported on {info["imported_on"]} by `drsim import-osm` (sim/authoring/osm.py), offline.
- Bounding box (W, S, E, N): {bbox_txt} {bbox_from}; extent of the kept nodes: {extent}.
- Read: {info["nodes_read"]:,} OSM nodes, {info["segments_read"]:,} road segments,
  {info["km_read"]:,.2f} km of drivable road in {sum(info["ways_by_class"].values()):,} ways.
  Ways not kept: {skipped}.
- Kept the largest strongly connected part (every node reachable from every other, one-way
  streets respected): dropped {info["nodes_dropped"]:,} nodes and {info["km_dropped"]:,.2f} km in
  {info["parts"] - 1:,} smaller parts (cut off by the extract's edge, private roads or one-way traps).
- Simplified: chains of degree-2 nodes merged (lengths summed along the geometry, haversine),
  nodes kept where the class or one-way status changes, chains cut about every
  {info["max_edge_km"]:g} km so a place beside a long road still snaps near it:
  {info["nodes"]:,} nodes and {info["edges"]:,} edges, {info["km"]:,.2f} km.
- `road_class` is OSM's `highway=` value; `speed_kmh` is left empty so the class speed in
  `scenario.yaml` `defaults.road_speed_kmh` applies (override per run with
  `scenario.road_speed_kmh={{track:10}}`, or at import with `--speeds track=10,service=0`;
  0 drops a class). Speeds set at import: {speeds_set}.
- `defaults.snap_tolerance_km` {SNAP_TOLERANCE_KM:g}: a village's point may lie a few hundred
  metres off the road plus half the node spacing. `defaults.unload_min` {UNLOAD_MIN}: unloading
  by hand with helpers, as in the shipped scenarios (stylised).

| class | km/h | km read | why this speed |
|---|---|---|---|
{rows}
{README_END}"""


NEXT_STEPS = """## Finishing this scenario

1. Places and facilities from your GIS layers or tables (CSV, GeoJSON, GeoPackage; Chinese field
   names are mapped; coordinates in WGS84, CGCS2000, GCJ-02 or BD-09):
   `drsim import-places --out {out} township=乡镇.geojson village=行政村.gpkg depot=储备库.csv
   hospital=医院.csv ems_station=急救站.csv helipad=直升机起降点.csv shelter=避难场所.csv --crs gcj02`
   (`drsim import-places --print-mapping` shows the field names it understands).
2. `items.csv` is a template: the six relief items of the shipped scenarios (water, instant
   food, quilt, tent, folding bed, clothing) with their need per displaced person. Change it
   to your plan's items; the depot layer's stock columns (mapping `stock:`) fill `stock.csv`.
3. Add `teams.csv` rows if you model teams, and `zones:` in `scenario.yaml` for hazard
   footprints (`all` lists every township after the places import).
4. `drsim validate --dir {out}`
5. `drsim run scenario.dir={out} scenario.name=NAME hazard.events.flood.footprint.zone=all`
"""
