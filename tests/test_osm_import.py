"""OpenStreetMap import (issue 8): a real extract through import-osm -> import-places ->
validate -> run, offline; every input format gives the same graph; lengths agree with an
independent reader (pyrosm); a hand-built extract gives the hand-computed graph; bad input
is one message and exit code 2."""

from __future__ import annotations

import bz2
import csv
import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sim import scenario
from sim.authoring import osm
from sim.cli import main
from sim.scenario import roads
from tests.conftest import helsinki_pbf, settings_for, simulate_checked

pytestmark = pytest.mark.usefixtures("no_network")


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_network_is_really_off():
    import socket

    with pytest.raises(OSError, match="disabled"):
        socket.create_connection(("127.0.0.1", 9))


# --- the planner's layers, derived from the imported road nodes -------------------------------


def write_planner_layers(roads_dir: Path, where: Path) -> list[str]:
    """Townships (CSV, CGCS2000), villages (GeoJSON polygons), depots with stock (CSV, place by
    township name), hospitals (GeoPackage in a projected CRS), EMS, shelters, helipads: Chinese
    field names throughout, as a county bureau's files would have them."""
    import pyogrio
    import pyproj
    import shapely

    nodes = sorted(rows(roads_dir / "road_nodes.csv"), key=lambda r: (float(r["lon"]), r["node_id"]))
    at = [(float(n["lon"]), float(n["lat"])) for n in nodes]
    where.mkdir(parents=True, exist_ok=True)
    towns = [("T_WEST", "西镇", at[40]), ("T_MID", "中镇", at[150]), ("T_EAST", "东镇", at[260])]
    with (where / "乡镇.csv").open("w", newline="", encoding="utf-8-sig") as f:  # Excel's CSV UTF-8
        w = csv.writer(f)
        w.writerow(["编码", "名称", "经度", "纬度", "备注"])
        for code, name, (x, y) in towns:
            w.writerow([code, name, x, y, "镇政府驻地"])
    features = []
    for k, i in enumerate(range(10, len(at) - 10, 25)):
        x, y = at[i]
        d = 0.0004  # a ~45 m square village boundary around a road node
        ring = [[x - d, y - d], [x + d, y - d], [x + d, y + d], [x - d, y + d], [x - d, y - d]]
        town = min(towns, key=lambda t: abs(t[2][0] - x))[1]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {
                    "村名": f"第{k + 1}村",
                    "户籍人口": 300 + 40 * k,
                    "所属乡镇": town,
                    "备注": "",
                },
            }
        )
    (where / "行政村.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), encoding="utf-8"
    )
    with (where / "储备库.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["名称", "级别", "所在地", "经度", "纬度", "车辆数", "饮用水", "方便食品", "棉被", "帐篷"])
        w.writerow(["市级救灾物资储备库", "市级", "中镇", *at[150], 3, 600, 1200, 600, 150])
        w.writerow(["西镇储备点", "乡镇", "T_WEST", *at[40], 1, 100, 200, 100, 25])
        w.writerow(["东镇储备点", "乡镇", "东镇", *at[260], 1, 100, 200, 100, 25])
    # Hospitals in ETRS-TM35FIN (EPSG:3067), a projected CRS: the importer must unproject.
    to_tm = pyproj.Transformer.from_crs(4326, 3067, always_xy=True)
    hx, hy = to_tm.transform([at[150][0], at[45][0]], [at[150][1], at[45][1]])
    pyogrio.raw.write(
        str(where / "医院.gpkg"),
        geometry=shapely.to_wkb(shapely.points(hx, hy)),
        field_data=[np.array(["人民医院", "中医院"], dtype=object), np.array([400, 120])],
        fields=["医院名称", "床位数"],
        layer="医院",
        driver="GPKG",
        geometry_type="Point",
        crs="EPSG:3067",
    )
    with (where / "急救站.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["名称", "类型", "救护车", "负压救护车", "经度", "纬度"])
        w.writerow(["120急救中心", "急救中心", 4, 1, *at[150]])
        w.writerow(["东镇急救站", "急救站", 2, 0, *at[260]])
    shelters = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": list(at[100])},
                "properties": {"名称": "公园避难场所", "等级": "Ⅱ类", "有效面积": 12000},
            }
        ],
    }
    (where / "避难场所.geojson").write_text(json.dumps(shelters, ensure_ascii=False), encoding="utf-8")
    with (where / "直升机起降点.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["名称", "经度", "纬度"], ["体育场", *at[120]]])
    (where / "mapping.yaml").write_text(
        "# how this county's files name things\n"
        "stock:\n  饮用水: water\n  方便食品: instant_food\n  棉被: quilt\n  帐篷: tent\n"
        "files:\n  乡镇.csv: {crs: cgcs2000}\n",
        encoding="utf-8",
    )
    return [
        f"township={where / '乡镇.csv'}",
        f"village={where / '行政村.geojson'}",
        f"depot={where / '储备库.csv'}",
        f"hospital={where / '医院.gpkg'}",
        f"ems_station={where / '急救站.csv'}",
        f"shelter={where / '避难场所.geojson'}",
        f"helipad={where / '直升机起降点.csv'}",
        "--mapping",
        str(where / "mapping.yaml"),
    ]


@pytest.mark.slow
def test_real_extract_import_osm_places_validate_run(tmp_path: Path, capsys):
    """Done means: a real OSM extract -> import-osm -> places import -> validate -> run, offline."""
    folder = tmp_path / "helsinki"
    assert main(["import-osm", str(helsinki_pbf()), "--out", str(folder)]) == 0
    assert "© OpenStreetMap contributors" in capsys.readouterr().out
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "© OpenStreetMap contributors" in readme and "ODbL" in readme and "Helsinki.osm.pbf" in readme
    meta = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8"))
    assert meta["generator"]["osm"]["header_bbox"] == pytest.approx(
        [24.9351762, 60.164155, 24.9534145, 60.179113]
    )

    layers = write_planner_layers(folder, tmp_path / "gis")
    assert main(["import-places", "--out", str(folder), *layers]) == 0
    printed = capsys.readouterr().out
    assert "name <- 村名" in printed and "population <- 户籍人口" in printed
    scen = scenario.load(folder)
    layer = json.loads((tmp_path / "gis" / "行政村.geojson").read_text(encoding="utf-8"))
    assert len(scen.villages()) == len(layer["features"]) == 12
    assert {p.kind for p in scen.places} == {"township", "village"}
    assert scen.zones["all"] == ("T_WEST", "T_MID", "T_EAST")
    city = next(d for d in scen.depots if d.tier == "city")
    assert city.trucks == 3 and city.place_id == "T_MID" and city.stock[0] == 600  # water
    assert {h.beds for h in scen.hospitals} == {400, 120}
    assert [s.kind for s in scen.ems_stations] == ["centre", "station"]
    assert scen.shelters[0].cls == "II" and scen.shelters[0].area_m2 == 12000
    # The report's snap distances are the loader's.
    report = pd.read_csv(folder / "snap_report.csv")
    places = report[report["table"] == "places"].set_index("id")
    for p in scen.places:
        assert places.loc[p.id, "snap_km"] == pytest.approx(p.snap_km, abs=1e-4)
        assert places.loc[p.id, "node_id"].astype(str) == scen.road.node_ids[p.node]
    # Hospitals came in projected: unprojected back onto the road node they were put at.
    hospitals = report[report["table"] == "hospitals"]
    assert hospitals["place_km"].max() < 0.5 and hospitals["lon_in"].between(24.9, 25.0).all()

    assert main(["validate", "--dir", str(folder)]) == 0
    assert "is valid" in capsys.readouterr().out
    run = [
        "run",
        f"scenario.dir={folder}",
        "scenario.name=helsinki",
        "hazard.events.flood.footprint.zone=all",
    ]
    settings = settings_for(*run[1:])
    log = simulate_checked(scen, settings, rep=0)  # every invariant holds on the real roads
    delivered = [r for r in log.rows if r.kind == "shipment_delivered"]
    assert delivered and {r.place for r in delivered} <= {p.id for p in scen.villages()}
    out = tmp_path / "run"
    assert main([*run, "run.reps=3", f"hydra.run.dir={out}"]) == 0
    reps = pd.read_csv(out / "reps.csv")
    assert len(reps) == 3 and (reps["delivered_units"] > 0).all() and (reps["displaced_people"] > 0).all()
    assert "relief_10h" in capsys.readouterr().out


@pytest.fixture(scope="module")
def extracts(tmp_path_factory) -> dict[str, Path]:
    """The Helsinki extract as .osm.pbf, .osm XML and .osm.bz2 (written by libosmium)."""
    import osmium

    where = tmp_path_factory.mktemp("formats")
    xml = where / "helsinki.osm"
    writer = osmium.SimpleWriter(str(xml))
    for obj in osmium.FileProcessor(str(helsinki_pbf())):
        writer.add(obj)
    writer.close()
    compressed = where / "helsinki.osm.bz2"
    compressed.write_bytes(bz2.compress(xml.read_bytes()))
    return {"pbf": helsinki_pbf(), "osm": xml, "bz2": compressed}


@pytest.mark.slow
def test_pbf_xml_and_bz2_give_identical_road_files(extracts, tmp_path: Path):
    outs = {}
    for fmt, path in extracts.items():
        outs[fmt] = tmp_path / fmt
        assert main(["import-osm", str(path), "--out", str(outs[fmt])]) == 0
    for name in ("road_nodes.csv", "road_edges.csv"):
        first = (outs["pbf"] / name).read_bytes()
        assert (outs["osm"] / name).read_bytes() == first, name
        assert (outs["bz2"] / name).read_bytes() == first, name


def test_lengths_agree_with_pyrosm(extracts):
    """An independent reader (pyrosm, its own parser and geometry) measures the same road km."""
    import pyrosm

    net = osm.read_network(extracts["pbf"], osm.ROAD_CLASSES, None)
    ours = osm.build_graph(net).stats["km_read_by_class"]
    theirs = pyrosm.OSM(str(extracts["pbf"])).get_network("driving").groupby("highway")["length"].sum() / 1000
    shared = sorted(set(ours) & set(theirs.index))
    assert {"primary", "secondary", "tertiary", "residential", "unclassified"} <= set(shared)
    for cls in shared:
        # Differences come only from ways the two drop differently (access tags, duplicates).
        assert ours[cls] == pytest.approx(theirs[cls], rel=0.002, abs=0.002), cls


def longest_segment_km() -> float:
    """The longest single OSM segment of the drivable Helsinki roads (no cut can shorten it)."""
    net = osm.read_network(helsinki_pbf(), osm.ROAD_CLASSES, None)
    u, v = np.array(net.seg_u), np.array(net.seg_v)
    lon, lat = np.array(net.lon), np.array(net.lat)
    return float(roads.haversine_km(lon[u], lat[u], lon[v], lat[v]).max())


def test_graph_invariants_on_the_real_extract(helsinki_roads: Path):
    scen_nodes = rows(helsinki_roads / "road_nodes.csv")
    edges = rows(helsinki_roads / "road_edges.csv")
    meta = yaml.safe_load((helsinki_roads / "scenario.yaml").read_text(encoding="utf-8"))
    info = meta["generator"]["osm"]
    lon = {r["node_id"]: float(r["lon"]) for r in scen_nodes}
    lat = {r["node_id"]: float(r["lat"]) for r in scen_nodes}
    length = np.array([float(e["length_km"]) for e in edges])
    crow = roads.haversine_km(
        [lon[e["u"]] for e in edges], [lat[e["u"]] for e in edges],
        [lon[e["v"]] for e in edges], [lat[e["v"]] for e in edges],
    )  # fmt: skip
    assert (length >= crow - 1e-6).all()  # along the geometry is never shorter than the crow flies
    # Nothing lost in simplification: kept km = read km - dropped km.
    assert length.sum() == pytest.approx(info["km_read"] - info["km_dropped"], abs=1e-3)
    assert info["km"] == pytest.approx(length.sum(), abs=1e-3)
    # Chains are cut about every 0.5 km: no edge longer unless one OSM segment is.
    assert length.max() <= max(osm.MAX_EDGE_KM, longest_segment_km()) + 1e-9
    # Merged away: no node where just two edges of one class and the same one-way status meet
    # unless the 0.5 km cut put it there.
    touching: dict[str, list[dict]] = {}
    for e in edges:
        touching.setdefault(e["u"], []).append(e)
        touching.setdefault(e["v"], []).append(e)
    merged_wrongly = [
        n
        for n, es in touching.items()
        if len(es) == 2
        and es[0]["road_class"] == es[1]["road_class"]
        and es[0]["oneway"] == es[1]["oneway"] == "false"
        and {es[0]["u"], es[0]["v"]} != {es[1]["u"], es[1]["v"]}
        and float(es[0]["length_km"]) + float(es[1]["length_km"]) <= osm.MAX_EDGE_KM
    ]
    assert merged_wrongly == []
    assert info["nodes"] == len(scen_nodes) < info["nodes_read"] and info["nodes_dropped"] > 0
    classes = {e["road_class"] for e in edges}
    assert classes <= set(meta["defaults"]["road_speed_kmh"]) and "footway" not in classes


# --- a hand-built extract ---------------------------------------------------------------------

KM_PER_MILLIDEG = 2 * math.pi * 6371.0088 / 360 / 1000  # 0.001 degree along the equator or a meridian


def write_osm(path: Path, nodes: dict[int, tuple[float, float]], ways: list[tuple[list[int], dict]]) -> Path:
    lines = ["<?xml version='1.0' encoding='UTF-8'?>", "<osm version='0.6' generator='drsim tests'>"]
    for nid, (x, y) in nodes.items():
        lines.append(f"  <node id='{nid}' version='1' lat='{y}' lon='{x}'/>")
    for k, (refs, tags) in enumerate(ways, start=1):
        lines.append(f"  <way id='{k}' version='1'>")
        lines += [f"    <nd ref='{r}'/>" for r in refs]
        lines += [f"    <tag k='{key}' v='{value}'/>" for key, value in tags.items()]
        lines.append("  </way>")
    lines.append("</osm>")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def hand_extract(path: Path) -> Path:
    """A ring of residential road and one tertiary stretch, plus everything that must go:
    a footway, a private drive, a one-way dead end, a road cut off from the rest, and a
    roundabout hanging off node 6."""
    nodes = {
        1: (0.0, 0.0), 2: (0.001, 0.0), 3: (0.002, 0.0), 4: (0.003, 0.0), 5: (0.004, 0.0), 6: (0.005, 0.0),
        7: (0.005, 0.001), 8: (0.0, 0.001),
        9: (0.002, -0.001), 10: (0.004, -0.001), 13: (0.001, -0.001),
        11: (0.05, 0.05), 12: (0.051, 0.05),
        21: (0.006, 0.0), 22: (0.006, 0.001),
    }  # fmt: skip
    ways = [
        ([1, 2, 3, 4], {"highway": "residential"}),
        ([4, 5, 6], {"highway": "tertiary"}),
        ([6, 7, 8, 1], {"highway": "residential"}),
        ([3, 9], {"highway": "footway"}),
        ([5, 10], {"highway": "service", "access": "private"}),
        ([2, 13], {"highway": "residential", "oneway": "yes"}),
        ([11, 12], {"highway": "residential"}),
        ([6, 21, 22, 6], {"highway": "tertiary", "junction": "roundabout"}),
    ]
    return write_osm(path, nodes, ways)


def test_hand_built_extract_gives_the_hand_computed_graph(tmp_path: Path):
    k = KM_PER_MILLIDEG
    net = osm.read_network(hand_extract(tmp_path / "hand.osm"), osm.ROAD_CLASSES, None)
    assert net.skipped["highway=footway"] == 1 and net.skipped["closed to motor vehicles (access tags)"] == 1
    g = osm.build_graph(net, max_edge_km=0.5)

    def edge(u: str, v: str, cls: str, one: bool, km: float) -> tuple:
        ends = (u, v) if one else tuple(sorted((u, v)))  # a two-way edge has no direction
        return (*ends, cls, one, round(km, 6))

    got = sorted(
        edge(g.node_ids[u], g.node_ids[v], c, bool(o), float(km))
        for u, v, c, o, km in zip(g.u, g.v, g.road_class, g.oneway, g.length_km, strict=True)
    )
    # The 7-8 segment runs along latitude 0.001 deg: a hair shorter than 5 millidegrees of equator.
    top = float(roads.haversine_km(0.005, 0.001, 0.0, 0.001))
    back = float(roads.haversine_km(0.006, 0.001, 0.005, 0.0))
    expected = sorted(
        [
            edge("4", "6", "tertiary", False, 2 * k),  # class changes at 4 and 6: both kept
            edge("4", "8", "residential", False, 4 * k),  # 4-3-2-1-8 merged: 1, 2, 3 interior
            edge("8", "7", "residential", False, top),  # cut: one segment longer than 0.5 km
            edge("7", "6", "residential", False, k),
            edge("6", "21", "tertiary", True, k),  # the roundabout, one way, cut in two (a loop)
            edge("21", "6", "tertiary", True, k + back),
        ]
    )
    assert got == expected
    assert g.stats["nodes_dropped"] == 3  # 13 (one-way dead end), 11 and 12 (cut off)
    cut_off = float(roads.haversine_km(0.05, 0.05, 0.051, 0.05))  # along latitude 0.05 deg
    assert g.stats["km_dropped"] == pytest.approx(k + cut_off, abs=1e-12)


def test_speeds_override_and_drop_a_class(tmp_path: Path):
    src = hand_extract(tmp_path / "hand.osm")
    assert main(["import-osm", str(src), "--out", str(tmp_path / "s"), "--speeds", "residential=15"]) == 0
    meta = yaml.safe_load((tmp_path / "s" / "scenario.yaml").read_text(encoding="utf-8"))
    assert meta["defaults"]["road_speed_kmh"] == {"residential": 15.0, "tertiary": 30.0}
    assert main(["import-osm", str(src), "--out", str(tmp_path / "t"), "--speeds", "residential=0"]) == 0
    classes = {e["road_class"] for e in rows(tmp_path / "t" / "road_edges.csv")}
    assert classes == {"tertiary"}  # the ring's residential part dropped; the roundabout remains


def test_a_speed_for_a_class_no_way_has_is_written_but_warned_about(tmp_path: Path, capsys):
    """--speeds may add a class; one that matches no way of the extract (a typo such as
    resdential=15) changes nothing, and the import says so."""
    src = hand_extract(tmp_path / "hand.osm")
    assert main(["import-osm", str(src), "--out", str(tmp_path / "s"), "--speeds", "resdential=15"]) == 0
    err = capsys.readouterr().err
    assert "warning: --speeds resdential: no highway=* way of that class" in err and "residential" in err
    assert main(["import-osm", str(src), "--out", str(tmp_path / "t"), "--speeds", "resdential=0"]) == 0
    assert "warning: --speeds resdential:" in capsys.readouterr().err  # a misspelt drop too
    for ok in ("residential=15", "residential=0"):
        assert main(["import-osm", str(src), "--out", str(tmp_path / ok), "--speeds", ok]) == 0
        assert "warning" not in capsys.readouterr().err


@pytest.mark.parametrize(
    "args, message",
    [
        (["--speeds", "motorway=fast"], "must be class=km/h"),
        (["--bbox", "10,20,5,30"], "must be W,S,E,N"),
        (["--bbox", "100,20,101,21"], "no drivable road"),
        (["--max-edge-km", "0"], "must be > 0"),
    ],
)
def test_bad_options_exit_2(tmp_path: Path, capsys, args, message):
    src = hand_extract(tmp_path / "hand.osm")
    assert main(["import-osm", str(src), "--out", str(tmp_path / "s"), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "s").exists()


def test_no_drivable_road_is_one_message_and_exit_2(tmp_path: Path, capsys):
    src = write_osm(
        tmp_path / "paths.osm",
        {1: (0.0, 0.0), 2: (0.001, 0.0), 3: (0.002, 0.0)},
        [([1, 2], {"highway": "footway"}), ([2, 3], {"highway": "cycleway"}), ([1, 3], {"building": "yes"})],
    )
    assert main(["import-osm", str(src), "--out", str(tmp_path / "s")]) == 2
    err = capsys.readouterr().err
    assert err.count("no drivable road") == 1 and "highway=footway (1)" in err and "(1 problem)" in err
    assert not (tmp_path / "s").exists()


def test_not_an_osm_file_exit_2(tmp_path: Path, capsys):
    bad = tmp_path / "broken.osm.pbf"
    bad.write_bytes(b"this is not protobuf")
    assert main(["import-osm", str(bad), "--out", str(tmp_path / "s")]) == 2
    assert "not a readable OSM file" in capsys.readouterr().err
    assert main(["import-osm", str(tmp_path / "roads.shp"), "--out", str(tmp_path / "s")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_reimport_roads_keeps_places_and_revalidates(helsinki: Path, tmp_path: Path, capsys):
    layers = write_planner_layers(helsinki, tmp_path / "gis")
    assert main(["import-places", "--out", str(helsinki), *layers]) == 0
    places = (helsinki / "places.csv").read_bytes()
    shutil.copy(helsinki / "road_edges.csv", tmp_path / "before_edges.csv")
    assert main(["import-osm", str(helsinki_pbf()), "--out", str(helsinki)]) == 2  # exists, no --force
    assert "--force" in capsys.readouterr().err
    assert (
        main(["import-osm", str(helsinki_pbf()), "--out", str(helsinki), "--force", "--max-edge-km", "0.2"])
        == 0
    )
    assert (helsinki / "places.csv").read_bytes() == places
    scen = scenario.load(helsinki)
    assert scen.road.length_km.max() <= max(0.2, longest_segment_km()) + 1e-9
    assert len(scen.road.u) > len(rows(tmp_path / "before_edges.csv")) and len(scen.villages()) == 12
    readme = (helsinki / "README.md").read_text(encoding="utf-8")
    assert readme.count("<!-- drsim import-osm -->") == 1 and "<!-- drsim import-places -->" in readme


def test_missing_geo_extra_is_a_clear_message(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "osmium", None)  # as if [geo] were not installed
    src = hand_extract(tmp_path / "hand.osm")
    assert main(["import-osm", str(src), "--out", str(tmp_path / "s")]) == 2
    assert "pip install -e '.[geo]'" in capsys.readouterr().err


@pytest.mark.slow
def test_core_import_does_not_load_geo_libraries():
    import subprocess
    import sys

    code = (
        "import sys, sim.cli, sim.authoring.osm, sim.authoring.gis, sim.experiment.runner; "
        "print(sorted(m for m in ('osmium', 'pyogrio', 'shapely', 'pyproj', 'pyrosm') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_scenario_folder_is_copyable(helsinki_roads: Path, tmp_path: Path):
    """The imported roads alone are not a scenario yet: validate says what is missing."""
    dest = tmp_path / "roads_only"
    shutil.copytree(helsinki_roads, dest)
    assert main(["validate", "--dir", str(dest)]) == 2
