"""GIS places import (issue 8): GCJ-02/BD-09 against published reference points, Chinese field
mapping, projected layers, and every planner mistake as one message with exit code 2."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import scenario
from sim.authoring import coords, gis_mapping
from sim.cli import main
from sim.scenario.roads import haversine_km

pytestmark = pytest.mark.usefixtures("no_network")


def metres(lon1, lat1, lon2, lat2) -> float:
    return float(haversine_km(lon1, lat1, lon2, lat2)) * 1000


# --- coordinate systems -----------------------------------------------------------------------
# Reference 1: Alibaba Cloud address-purification API documentation, "坐标系转换 TransferCoord"
# (help.aliyun.com/zh/address-purification/addrpapi/developer-reference/coordinate-system-conversion):
# its example converts GCJ02 120.026268,30.279164 (Hangzhou) to WGS84 120.021519,30.281543,
# CGCS2000 120.021519,30.281543 and BD09 120.032768,30.285238.
ALIYUN = {
    "gcj02": (120.026268, 30.279164),
    "wgs84": (120.021519, 30.281543),
    "bd09": (120.032768, 30.285238),
}
# Reference 2: the test pairs of eviltransform (github.com/googollee/eviltransform, python/test.py):
# (WGS84 lon, lat) -> (GCJ-02 lon, lat) in Shanghai, Shenzhen and Beijing.
EVILTRANSFORM = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),
]


def test_gcj02_to_wgs84_within_a_few_metres_of_published_reference():
    lon, lat = coords.gcj02_to_wgs84(*ALIYUN["gcj02"])
    # Aliyun's WGS84 is the one-step approximate inverse (g - offset(g)), good to 1-2 m; ours is
    # exact (below), so the two differ by that approximation: 1.75 m here.
    assert metres(lon, lat, *ALIYUN["wgs84"]) < 3.0
    # Our forward transform maps our answer back onto the published GCJ-02 point.
    assert metres(*coords.wgs84_to_gcj02(lon, lat), *ALIYUN["gcj02"]) < 0.01
    for wgs, gcj in EVILTRANSFORM:
        assert metres(*coords.wgs84_to_gcj02(*wgs), *gcj) < 0.01
        assert metres(*coords.gcj02_to_wgs84(*gcj), *wgs) < 0.01
    # GCJ-02 really is offset by hundreds of metres: the test above could fail.
    assert 300 < metres(*ALIYUN["gcj02"], *ALIYUN["wgs84"]) < 700


def test_bd09_to_wgs84_within_a_few_metres_of_published_reference():
    lon, lat = coords.bd09_to_wgs84(*ALIYUN["bd09"])
    assert metres(lon, lat, *ALIYUN["wgs84"]) < 3.0
    assert metres(*coords.gcj02_to_bd09(*ALIYUN["gcj02"]), *ALIYUN["bd09"]) < 0.1
    assert metres(*coords.bd09_to_gcj02(*ALIYUN["bd09"]), *ALIYUN["gcj02"]) < 0.1
    assert metres(*ALIYUN["bd09"], *ALIYUN["wgs84"]) > 1000


@settings(max_examples=200, deadline=None)
@given(st.floats(73.0, 135.0), st.floats(18.0, 53.0))
def test_inverses_round_trip_anywhere_in_china(lon, lat):
    assert metres(*coords.gcj02_to_wgs84(*coords.wgs84_to_gcj02(lon, lat)), lon, lat) < 0.001
    assert metres(*coords.bd09_to_wgs84(*coords.wgs84_to_bd09(lon, lat)), lon, lat) < 0.001


def test_outside_china_and_cgcs2000_are_unchanged():
    lon, lat = np.array([24.94, -74.0]), np.array([60.17, 40.7])  # Helsinki, New York
    for crs in ("gcj02", "bd09", "cgcs2000", "wgs84"):
        out = coords.to_wgs84(crs, lon, lat)
        assert np.array_equal(out[0], lon) and np.array_equal(out[1], lat)


# --- the planner's files ----------------------------------------------------------------------


def road_points(folder: Path) -> list[tuple[float, float]]:
    with (folder / "road_nodes.csv").open(encoding="utf-8") as f:
        nodes = sorted(csv.DictReader(f), key=lambda r: (float(r["lon"]), r["node_id"]))
    return [(float(r["lon"]), float(r["lat"])) for r in nodes]


def write_csv(path: Path, header: list[str], body: list[list]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header, *body])
    return path


def one_layer_places(folder: Path, tmp: Path, transform=None) -> Path:
    """One CSV of townships and villages (类型 column with Chinese values)."""
    pts = road_points(folder)
    if transform is not None:
        pts = [transform(*p) for p in pts]
    at = [pts[int(f * (len(pts) - 1))] for f in (0.1, 0.7, 0.15, 0.2, 0.75)]
    return write_csv(
        tmp / "places.csv",
        ["名称", "类型", "人口", "所属乡镇", "经度", "纬度"],
        [
            ["甲镇", "镇", 12000, "", *at[0]],
            ["乙街道", "街道", 8000, "", *at[1]],
            ["一村", "行政村", 800, "甲镇", *at[2]],
            ["二村", "行政村", 650, "甲镇", *at[3]],
            ["三社区", "社区", 1200, "乙街道", *at[4]],
        ],
    )


def test_one_places_layer_with_kind_values(helsinki: Path, tmp_path: Path, capsys):
    layer = one_layer_places(helsinki, tmp_path)
    assert main(["import-places", "--out", str(helsinki), f"places={layer}"]) == 0
    scen = scenario.load(helsinki)
    kinds = {p.name: (p.kind, p.township_id, p.population) for p in scen.places}
    assert kinds["甲镇"] == ("township", "T001", 0)  # seats hold nobody: people live in villages
    assert kinds["三社区"] == ("village", "T002", 1200)
    assert scen.zones["all"] == ("T001", "T002")
    assert max(p.snap_km for p in scen.places) < 1e-6  # placed exactly on road nodes


def test_gcj02_layer_lands_where_the_wgs84_one_does(tmp_path: Path):
    """Points given in GCJ-02 convert back onto the WGS84 road nodes they were made from.
    (Chinese offsets apply only inside China, so this uses a small road net made there.)"""
    from tests.test_osm_import import write_osm

    nodes = {i + 1: (116.39 + 0.001 * (i % 10), 39.90 + 0.001 * (i // 10)) for i in range(40)}
    ways = [([r * 10 + c + 1 for c in range(10)], {"highway": "residential"}) for r in range(4)]
    ways += [([r * 10 + c + 1 for r in range(4)], {"highway": "residential"}) for c in range(10)]
    src = write_osm(tmp_path / "beijing.osm", nodes, ways)
    folder = tmp_path / "bj"
    assert main(["import-osm", str(src), "--out", str(folder)]) == 0
    for crs, fwd in (("gcj02", coords.wgs84_to_gcj02), ("bd09", coords.wgs84_to_bd09)):
        layer = one_layer_places(folder, tmp_path, transform=lambda x, y, f=fwd: tuple(map(float, f(x, y))))
        assert metres(*[float(v) for v in fwd(116.39, 39.90)], 116.39, 39.90) > 100  # really shifted
        assert main(["import-places", "--out", str(folder), f"places={layer}", "--crs", crs]) == 0
        report = pd.read_csv(folder / "snap_report.csv")
        assert report["snap_km"].max() < 1e-4, crs  # within 0.1 m of the road node
        assert (report["crs"] == crs).all()


def test_print_mapping_is_a_valid_mapping_file(tmp_path: Path, capsys):
    assert main(["import-places", "--print-mapping"]) == 0
    text = capsys.readouterr().out
    assert "名称: name" in text and "人口: population" in text
    (tmp_path / "m.yaml").write_text(text, encoding="utf-8")
    assert gis_mapping.read_mapping(str(tmp_path / "m.yaml"), None).fields["村名"] == "name"


def test_mapping_file_renames_fields_and_sets_defaults(helsinki: Path, tmp_path: Path):
    pts = road_points(helsinki)
    towns = write_csv(tmp_path / "t.csv", ["镇名", "经度", "纬度"], [["甲镇", *pts[30]]])
    villages = write_csv(
        tmp_path / "v.csv", ["自然村", "在册人数", "经度", "纬度"], [["一村", 500, *pts[50]]]
    )
    depots = write_csv(tmp_path / "d.csv", ["名称", "经度", "纬度", "水"], [["甲镇点", *pts[30], 80]])
    (tmp_path / "m.yaml").write_text(
        "fields: {镇名: name, 自然村: name, 在册人数: population}\n"
        "stock: {水: water}\n"
        "defaults: {depot: {trucks: 2, truck_capacity: 150}}\n",
        encoding="utf-8",
    )
    args = [
        f"township={towns}",
        f"village={villages}",
        f"depot={depots}",
        "--mapping",
        str(tmp_path / "m.yaml"),
    ]
    assert main(["import-places", "--out", str(helsinki), *args]) == 0
    scen = scenario.load(helsinki)
    assert [p.name for p in scen.places] == ["甲镇", "一村"] and scen.villages()[0].township_id == "T001"
    (depot,) = scen.depots
    assert (depot.trucks, depot.truck_capacity, depot.tier, depot.stock[0]) == (2, 150, "township", 80)
    # A later call with only facility layers keeps places.csv and replaces the depots.
    before = (helsinki / "places.csv").read_bytes()
    hospitals = write_csv(
        tmp_path / "h.csv",
        ["医院名称", "床位", "所在乡镇", "经度", "纬度"],
        [["卫生院", 30, "甲镇", *pts[31]]],
    )
    assert main(["import-places", "--out", str(helsinki), f"hospital={hospitals}"]) == 0
    assert (helsinki / "places.csv").read_bytes() == before
    assert scenario.load(helsinki).hospitals[0].place_id == "T001"


def unchanged(folder: Path):
    """Snapshot of a folder's files, to show a refused import wrote nothing."""
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_places_outside_the_extract_one_message_exit_2(helsinki: Path, tmp_path: Path, capsys):
    pts = road_points(helsinki)
    towns = write_csv(tmp_path / "t.csv", ["名称", "经度", "纬度"], [["甲镇", *pts[30]]])
    # Coordinates from another city (e.g. the planner's own county while the extract is elsewhere).
    far = [
        ["一村", 500, "甲镇", 115.55, 28.07],
        ["二村", 400, "甲镇", 115.56, 28.08],
        ["三村", 300, "甲镇", *pts[5]],
    ]
    villages = write_csv(tmp_path / "v.csv", ["名称", "人口", "所属乡镇", "经度", "纬度"], far)
    before = unchanged(helsinki)
    assert main(["import-places", "--out", str(helsinki), f"township={towns}", f"village={villages}"]) == 2
    err = capsys.readouterr().err
    assert "(1 problem)" in err and "2 of 3 features" in err and "outside the road extract" in err
    assert "line 2 at 115.55000, 28.07000" in err and "--crs" in err and "Traceback" not in err
    assert unchanged(helsinki) == before


def test_roads_without_drivable_road_one_message_exit_2(tmp_path: Path, capsys):
    from sim.authoring.write import ScenarioFiles, write_scenario

    folder = write_scenario(tmp_path / "empty", ScenarioFiles({"name": "empty", "crs": "EPSG:4326"}))
    layer = write_csv(tmp_path / "t.csv", ["名称", "经度", "纬度"], [["甲镇", 115.5, 28.0]])
    assert main(["import-places", "--out", str(folder), f"township={layer}"]) == 2
    err = capsys.readouterr().err
    assert "(1 problem)" in err and "no drivable road" in err


@pytest.mark.parametrize(
    "case, message",
    [
        ("unknown_township", "township matches no place id or name"),
        ("too_far", "must lie within snap_tolerance_km = 0.001 km"),
        ("bad_population", "must be a whole number"),
        ("no_coordinates", "needs coordinate columns"),
        ("gbk", "file is not UTF-8 text"),
        ("target_key", "instantiation keys"),
        ("python_tag", "name code"),
        ("bad_kind", "KIND=FILE"),
        ("stock_item", "not an item of items.csv"),
        ("missing_beds", "beds is not in the layer"),
    ],
)
def test_planner_mistakes_name_file_row_value_exit_2(helsinki: Path, tmp_path: Path, capsys, case, message):
    pts = road_points(helsinki)
    towns = write_csv(tmp_path / "t.csv", ["名称", "经度", "纬度"], [["甲镇", *pts[30]]])
    village = ["一村", 500, "甲镇", *pts[50]]
    header = ["名称", "人口", "所属乡镇", "经度", "纬度"]
    extra: list[str] = []
    if case == "unknown_township":
        village[2] = "丙镇"
    elif case == "too_far":  # 11 m off the road node, with a 1 m tolerance
        village[4] = pts[50][1] + 0.0001
        meta = (helsinki / "scenario.yaml").read_text(encoding="utf-8")
        (helsinki / "scenario.yaml").write_text(
            meta.replace("snap_tolerance_km: 1.0", "snap_tolerance_km: 0.001")
        )
    elif case == "bad_population":
        village[1] = "很多"
    elif case == "no_coordinates":
        header = ["名称", "人口", "所属乡镇", "东", "北"]
    elif case == "target_key":
        (tmp_path / "m.yaml").write_text("fields:\n  名称: {_target_: os.system}\n", encoding="utf-8")
        extra = ["--mapping", str(tmp_path / "m.yaml")]
    elif case == "python_tag":
        (tmp_path / "m.yaml").write_text(
            "fields: !!python/object/apply:os.system ['true']\n", encoding="utf-8"
        )
        extra = ["--mapping", str(tmp_path / "m.yaml")]
    elif case == "bad_kind":
        extra = [f"villages={tmp_path / 'v.csv'}"]
    elif case == "stock_item":
        depot = write_csv(tmp_path / "d.csv", ["名称", "经度", "纬度", "矿泉水"], [["甲镇点", *pts[30], 5]])
        (tmp_path / "m.yaml").write_text("stock: {矿泉水: mineral_water}\n", encoding="utf-8")
        extra = [f"depot={depot}", "--mapping", str(tmp_path / "m.yaml")]
    elif case == "missing_beds":
        extra = [
            f"hospital={write_csv(tmp_path / 'h.csv', ['名称', '经度', '纬度'], [['卫生院', *pts[31]]])}"
        ]
    villages = write_csv(tmp_path / "v.csv", header, [village])
    if case == "gbk":
        villages.write_bytes(villages.read_text(encoding="utf-8").encode("gbk"))
    before = unchanged(helsinki)
    assert (
        main(["import-places", "--out", str(helsinki), f"township={towns}", f"village={villages}", *extra])
        == 2
    )
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err, err
    assert unchanged(helsinki) == before
    if case in ("unknown_township", "bad_population"):
        assert "v.csv line 2" in err  # the planner's own file and row, not places.csv


def test_projected_geopackage_is_unprojected(helsinki: Path, tmp_path: Path):
    import pyogrio
    import pyproj
    import shapely

    pts = road_points(helsinki)
    to_tm = pyproj.Transformer.from_crs(4326, 3067, always_xy=True)
    x, y = to_tm.transform([pts[30][0], pts[80][0]], [pts[30][1], pts[80][1]])
    path = tmp_path / "county.gpkg"
    for layer, names in (("乡镇", ["甲镇", "乙镇"]), ("其他", ["x", "y"])):
        pyogrio.raw.write(
            str(path),
            geometry=shapely.to_wkb(shapely.points(x, y)),
            field_data=[np.array(names, dtype=object)],
            fields=["名称"],
            layer=layer,
            driver="GPKG",
            geometry_type="Point",
            crs="EPSG:3067",
            append=path.exists(),
        )
    villages = write_csv(
        tmp_path / "v.csv", ["名称", "人口", "所属乡镇", "经度", "纬度"], [["一村", 9, "乙镇", *pts[81]]]
    )
    assert main(["import-places", "--out", str(helsinki), f"township={path}", f"village={villages}"]) == 2
    assert (
        main(["import-places", "--out", str(helsinki), f"township={path}::乡镇", f"village={villages}"]) == 0
    )
    report = pd.read_csv(helsinki / "snap_report.csv").set_index("name")
    assert metres(report.loc["甲镇", "lon"], report.loc["甲镇", "lat"], *pts[30]) < 0.01
    assert report.loc["乙镇", "snap_km"] < 1e-5


def test_missing_geo_extra_for_geojson_is_a_clear_message(
    helsinki: Path, tmp_path: Path, capsys, monkeypatch
):
    monkeypatch.setitem(__import__("sys").modules, "pyogrio", None)
    (tmp_path / "t.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": []}))
    assert main(["import-places", "--out", str(helsinki), f"township={tmp_path / 't.geojson'}"]) == 2
    assert "pip install -e '.[geo]'" in capsys.readouterr().err
