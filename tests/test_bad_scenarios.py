"""`drsim validate` rejects broken scenario folders: one clear message each, exit code 2.

Each case breaks a copy of `tiny` in one way and names the fragment the message
must contain (file, row or key, and the rule).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from sim.cli import main


def edit(name: str, old: str, new: str, count: int = 1) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"test setup: {old!r} not in {name}"
        path.write_text(text.replace(old, new, count), encoding="utf-8")

    return apply


def append(name: str, line: str) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        with (folder / name).open("a", encoding="utf-8") as f:
            f.write(line + "\n")

    return apply


def remove(name: str) -> Callable[[Path], None]:
    return lambda folder: (folder / name).unlink()


def write_bytes(name: str, data: bytes) -> Callable[[Path], None]:
    return lambda folder: (folder / name).write_bytes(data)


CASES = [
    ("missing_file", remove("depots.csv"), ["depots.csv", "required file is missing"]),
    (
        "unknown_column",
        edit("stock.csv", "depot_id,item,qty", "depot_id,item,qty,colour"),
        ["stock.csv header", "colour", "unknown column"],
    ),
    (
        "missing_column",
        edit("items.csv", "item,unit,need_per_person,class", "item,unit,class"),
        ["items.csv header", "missing column need_per_person"],
    ),
    (
        "duplicate_id",
        append("places.csv", "V1,Again,village,T1,115.85,28.09,10"),
        ["places.csv line 9, column place_id", "duplicate id (first used on line 5)"],
    ),
    (
        "negative_stock",
        edit("stock.csv", "D_C,water,200", "D_C,water,-5"),
        ["stock.csv line 2, column qty", "'-5'", "must be >= 0"],
    ),
    (
        "fractional_stock",
        edit("stock.csv", "D_C,water,200", "D_C,water,2.5"),
        ["stock.csv line 2, column qty", "must be a whole number"],
    ),
    (
        "depot_unknown_place",
        edit("depots.csv", "D_T2,Township 2 point,township,T2", "D_T2,Township 2 point,township,T9"),
        ["depots.csv line 4, column place_id", "'T9'", "unknown place_id"],
    ),
    (
        "disconnected_graph",
        edit("road_edges.csv", "n5,n6,3,village,,\n", ""),
        ["road_edges.csv", "the road graph must be connected", "n6"],
    ),
    (
        "place_far_from_road",
        edit(
            "places.csv",
            "V4,Village 4,village,T2,115.876861,27.847116",
            "V4,Village 4,village,T2,115.976861,27.847116",
        ),
        ["places.csv line 8, place V4", "must lie within snap_tolerance_km = 0.5 km"],
    ),
    (
        "nan_speed",
        edit("road_edges.csv", "n0,n7,30,county,,", "n0,n7,30,county,nan,"),
        ["road_edges.csv line 2, column speed_kmh", "'nan'", "finite number"],
    ),
    (
        "unknown_tier",
        edit("depots.csv", "D_C,City depot,city", "D_C,City depot,county"),
        ["depots.csv line 2, column tier", "'county'", "must be one of city, township, contract, province"],
    ),
    (
        "swapped_coordinates",
        edit("road_nodes.csv", "n0,115.5,28\n", "n0,28,115.5\n"),
        ["road_nodes.csv line 2, columns lon/lat", "look swapped"],
    ),
    (
        "out_of_range_coordinates",
        edit("road_nodes.csv", "n0,115.5,28\n", "n0,215.5,28\n"),
        ["road_nodes.csv line 2, columns lon/lat", "lon within ±180"],
    ),
    (
        "yaml_python_tag",
        edit("scenario.yaml", "name: tiny", "name: !!python/object/apply:os.system ['echo hi']"),
        ["scenario.yaml line 1", "tags that name code"],
    ),
    (
        "yaml_target_key",
        edit("scenario.yaml", "preset: tiny", "_target_: os.system"),
        ["scenario.yaml key generator._target_", "instantiation keys"],
    ),
    (
        "yaml_duplicate_key",
        edit("scenario.yaml", "name: tiny", "name: tiny\nname: other"),
        ["scenario.yaml line 2", "key 'name' given twice (first on line 1)", "each key may appear once"],
    ),
    (
        "edge_unknown_node",
        edit("road_edges.csv", "n0,n7,30", "n0,n77,30"),
        ["road_edges.csv line 2, column v", "'n77'", "unknown node_id"],
    ),
    (
        "stock_unknown_item",
        edit("stock.csv", "D_C,water,200", "D_C,juice,200"),
        ["stock.csv line 2, column item", "'juice'", "unknown item"],
    ),
    (
        "unknown_item_class",
        edit("items.csv", "1,initial", "1,urgent"),
        ["items.csv line 2, column class", "'urgent'", "must be one of initial, basic"],
    ),
    (
        "village_in_unknown_township",
        edit("places.csv", "V2,Village 2,village,T1", "V2,Village 2,village,V1"),
        ["places.csv line 6, column township_id", "'V1'", "must be the place_id of a township"],
    ),
    (
        "edge_shorter_than_crow_flies",
        edit("road_edges.csv", "n0,n7,30", "n0,n7,3"),
        ["road_edges.csv line 2, column length_km", "shorter than the straight-line distance"],
    ),
    (
        "zero_length_edge",
        edit("road_edges.csv", "n0,n7,30", "n0,n7,0"),
        ["road_edges.csv line 2, column length_km", "must be > 0"],
    ),
    (
        "not_utf8",
        write_bytes("items.csv", "item,unit,need_per_person,class\nwater,箱,1,initial\n".encode("gbk")),
        ["items.csv byte", "not UTF-8", "CSV UTF-8"],
    ),
    (
        "duplicate_stock_row",
        append("stock.csv", "D_C,water,5"),
        ["stock.csv line 8", "depot and item listed twice (first on line 2)"],
    ),
    (
        "stock_without_trucks",
        edit("depots.csv", "D_T1,Township 1 point,township,T1,1,", "D_T1,Township 1 point,township,T1,0,"),
        ["depots.csv line 3, column trucks", "needs at least one truck"],
    ),
    (
        "more_negative_pressure_than_ambulances",
        edit("ems_stations.csv", "C,2,1", "C,2,3"),
        ["ems_stations.csv line 2, column negative_pressure", "must be <= ambulances (2)"],
    ),
    (
        "one_way_trap",
        edit("road_edges.csv", "n5,n6,3,village,,", "n5,n6,3,village,,true"),
        ["road_edges.csv", "every node must be reachable from every other", "n6"],
    ),
    (
        "unknown_scenario_key",
        edit("scenario.yaml", "name: tiny", "name: tiny\ncolour: blue"),
        ["scenario.yaml key colour", "unknown key"],
    ),
    (
        "short_row",
        append("depots.csv", "D_X,Broken,city"),
        ["depots.csv line 5", "has 3 cells, the header has 8"],
    ),
]


@pytest.mark.parametrize(("mutate", "fragments"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_validate_rejects(tiny_copy: Path, capsys, mutate, fragments):
    mutate(tiny_copy)
    code = main(["validate", "--dir", str(tiny_copy)])
    err = capsys.readouterr().err
    assert code == 2, err
    for fragment in fragments:
        assert fragment in err, f"{fragment!r} not in:\n{err}"
    assert "(1 problem)" in err, f"expected exactly one problem:\n{err}"
    assert "Traceback" not in err


def test_catalogue_is_big_enough():
    assert len({c[0] for c in CASES}) >= 15


def test_real_process_exits_2_without_traceback(tiny_copy: Path):
    (tiny_copy / "stock.csv").write_text("depot_id,item,qty\nD_C,water,-1\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "validate", "--dir", str(tiny_copy)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "stock.csv line 2, column qty" in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_valid_tiny_passes(capsys):
    assert main(["validate", "scenario=tiny"]) == 0
    assert "is valid" in capsys.readouterr().out
