"""Official division lists (sim/authoring/divisions.py) and `drsim make-county --divisions`: the
shipped lists read as their README counts them; a county built from the Linqing or Shanghang list
has their names, codes, kinds and structure and is valid; random lists come back unchanged; every
mistake in a list, the option or places.csv codes is one message, exit 2, nothing written."""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.authoring import divisions
from sim.authoring.counties import county
from sim.authoring.write import write_scenario
from sim.cli import main
from sim.errors import InputError
from sim.scenario.load import load as load_folder
from tests.conftest import SCENARIOS
from tests.test_bad_inputs import check  # exit 2, one problem, no traceback

SHIPPED = divisions.SHIPPED


@pytest.mark.parametrize(
    ("name", "units", "villages", "kinds"),
    [
        ("zhangshu", 22, 310, {"street": 5, "town": 10, "township": 4, "park": 2, "farm": 1}),
        ("jinjiang", 22, 405, {"street": 6, "town": 13, "park": 3}),
        ("linqing", 16, 116, {"street": 4, "town": 12}),
        ("shanghang", 21, 345, {"town": 17, "township": 4}),
    ],
)
def test_shipped_lists_read_as_their_readme_counts_them(name, units, villages, kinds):
    div = divisions.shipped(name)
    assert len(div.townships) == units and div.n_villages == villages
    assert Counter(t.kind for t in div.townships) == kinds
    assert all(v.code.startswith(t.code) for t in div.townships for v in t.villages)


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))[1:]


@pytest.mark.parametrize(("name", "seat"), [("linqing_371581", "青年路街道"), ("shanghang_350823", "临江镇")])
def test_make_county_from_a_division_list_keeps_its_names_and_structure(tmp_path, capsys, name, seat):
    """Linqing (4 streets, 12 towns: the seat is the first street) and Shanghang (no streets: the
    seat is the first town, 临江镇, Shanghang's real seat): every official unit and village is a
    place with its name and code, each village under its own township, and the folder is valid."""
    out = tmp_path / name
    townships_csv = SHIPPED / f"{name}_townships.csv"
    assert main(["make-county", "--divisions", str(townships_csv), "--out", str(out)]) == 0
    official_t = {code: nm for code, nm in _rows(townships_csv)}
    official_v = {code: (nm, t) for code, nm, t in _rows(SHIPPED / f"{name}_villages.csv")}
    scen = load_folder(out)
    by_id = {p.id: p for p in scen.places}
    units = [p for p in scen.places if p.kind != "village"]
    assert {p.code: p.name for p in units} == official_t
    assert by_id["C"].name == seat and by_id["C"].kind == "city"
    got = {p.code: (p.name, by_id[p.township_id].code) for p in scen.villages()}
    assert got == official_v
    assert {p.division_kind for p in scen.villages()} <= {"community", "village"}
    # every street, town, township and farm has its storage point; the seat also has the city depot
    points = sorted(d.place_id for d in scen.depots if d.tier == "township")
    assert points == sorted(p.id for p in units if p.division_kind != "park")
    assert [d.place_id for d in scen.depots if d.tier == "city"] == ["C"]
    assert scen.name == name.split("_")[0]
    assert main(["validate", "--dir", str(out)]) == 0
    capsys.readouterr()


def test_seat_and_population_options(tmp_path, capsys):
    out = tmp_path / "lq"
    args = ["make-county", "--divisions", str(SHIPPED / "linqing_371581_villages.csv"), "--out", str(out)]
    assert main([*args, "--seat", "松林镇", "--population", "300000"]) == 0
    scen = load_folder(out)
    assert next(p for p in scen.places if p.id == "C").name == "松林镇"
    assert sum(p.population for p in scen.places) == 300_000
    assert "--seat 371581101 --population 300000" in (out / "README.md").read_text(encoding="utf-8")
    capsys.readouterr()


# --- random lists -----------------------------------------------------------------------------


@st.composite
def division_lists(draw):
    """A random county: 1-6 township-level units with codes from every range (street, town,
    township, zone, farm) and 1-5 village-level units each, from every village range."""
    county_code = draw(st.sampled_from(["360982", "110101", "654321"]))
    segments = draw(
        st.lists(
            st.one_of(
                st.integers(1, 99), st.integers(100, 199), st.integers(200, 399), st.integers(400, 599)
            ),
            min_size=1,
            max_size=6,
            unique=True,
        )
    )
    towns = []
    for seg in segments:
        suffix = draw(st.sampled_from(["街道", "镇", "乡", "开发区", "农场", "园艺场"]))
        vsegs = draw(st.lists(st.integers(1, 599), min_size=1, max_size=5, unique=True))
        code = f"{county_code}{seg:03d}"
        vnames = [
            draw(st.sampled_from(["东村", "西社区", "新村委会", "中心", "A村"])) + str(k) for k in vsegs
        ]
        towns.append(
            (code, f"单位{seg}{suffix}", [(f"{code}{v:03d}", n) for v, n in zip(vsegs, vnames, strict=True)])
        )
    return towns


def _write(folder: Path, towns, prefix: str = "random_000000") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    t_path = folder / f"{prefix}_townships.csv"
    with t_path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["code", "name"])
        w.writerows([(c, n) for c, n, _ in towns])
    with (folder / f"{prefix}_villages.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["code", "name", "township_code"])
        w.writerows([(vc, vn, c) for c, _, vs in towns for vc, vn in vs])
    return t_path


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(towns=division_lists())
def test_random_lists_give_valid_counties_with_their_names_and_codes(tmp_path_factory, towns):
    folder = tmp_path_factory.mktemp("div")
    div = divisions.read(_write(folder, towns))
    assert [t.code for t in div.townships] == sorted(c for c, _, _ in towns)
    for t in div.townships:
        seg = int(t.segment)
        expect = "street" if seg < 100 else "town" if seg < 200 else "township" if seg < 400 else None
        assert t.kind == expect or (seg >= 400 and t.kind == ("farm" if t.name.endswith("场") else "park"))
        for v in t.villages:
            vseg = int(v.code[9:])
            assert v.kind == ("community" if vseg < 200 or 400 <= vseg < 500 else "village")
    seat = divisions.seat(div).code
    own = [t for t in div.townships if t.kind != "park" and t.code != seat]
    source = str(folder / "random_000000_townships.csv")
    if len(own) < 2:
        with pytest.raises(ValueError, match="at least two streets, towns, townships or farms"):
            county("divisions", division_list=div, source=source)
        return
    out = folder / "county"
    write_scenario(out, county("divisions", division_list=div, source=source))
    scen = load_folder(out)
    by_id = {p.id: p for p in scen.places}
    want = {vc: (vn, c) for c, _, vs in towns for vc, vn in vs}
    assert {p.code: (p.name, by_id[p.township_id].code) for p in scen.villages()} == want
    assert sorted(p.code for p in scen.places if p.kind != "village") == sorted(c for c, _, _ in towns)


# --- mistakes ------------------------------------------------------------------------------------

GOOD = [
    ("360982001", "甲街道", [("360982001001", "一社区"), ("360982001201", "二村")]),
    ("360982100", "乙镇", [("360982100200", "三村"), ("360982100201", "四村")]),
]


def _bad(towns=GOOD, t_extra: str = "", v_extra: str = "", replace: tuple[str, str] | None = None):
    def make(folder: Path) -> Path:
        t_path = _write(folder, towns, "bad_360982")
        v_path = folder / "bad_360982_villages.csv"
        with t_path.open("a", encoding="utf-8") as f:
            f.write(t_extra)
        with v_path.open("a", encoding="utf-8") as f:
            f.write(v_extra)
        if replace:
            for p in (t_path, v_path):
                p.write_text(p.read_text(encoding="utf-8").replace(*replace), encoding="utf-8")
        return t_path

    return make


@pytest.mark.parametrize(
    ("make", "expect"),
    [
        (
            _bad(v_extra="360982300201,五村,360982300\n"),
            ["bad_360982_villages.csv line 6", "is not a code in"],
        ),
        (
            _bad(v_extra="360982001202,五村,360982100\n"),
            ["line 6, column code", "must start with its township_code"],
        ),
        (_bad(v_extra="36098210020,五村,360982100\n"), ["line 6, column code", "12-digit statistical code"]),
        (_bad(v_extra="360982100700,五村,360982100\n"), ["line 6, column code", "must be 001-599"]),
        (
            _bad(v_extra="360982100200,又三村,360982100\n"),
            ["line 6, column code", "appears twice (first on line 4)"],
        ),
        (
            _bad(t_extra="110101200,丙乡\n", v_extra="110101200201,五村,110101200\n"),
            ["bad_360982_townships.csv line 4", "must start with the county code"],
        ),
        (_bad(t_extra="360982200,丙乡\n"), ["bad_360982_townships.csv line 4", "has no village-level unit"]),
        (_bad(replace=("甲街道", "")), ["bad_360982_townships.csv line 2, column name", "must not be empty"]),
    ],
)
def test_a_mistake_in_a_division_list_is_one_message(tmp_path, capsys, make, expect):
    t_path = make(tmp_path / "list")
    out = tmp_path / "out"
    code = main(["make-county", "--divisions", str(t_path), "--out", str(out)])
    check(capsys, code, expect)
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (["--divisions", "lists/linqing.csv"], ["--divisions", "_townships.csv or _villages.csv"]),
        (["--divisions", "ALONE"], ["alone_371581_villages.csv", "required file is missing"]),
        (
            ["--preset", "tiny", "--divisions", "x_townships.csv"],
            ["exactly one of --preset NAME or --divisions"],
        ),
        (["--preset", "zhangshu", "--seat", "临江镇"], ["--seat and --population go with --divisions"]),
        (["--divisions", "LQ", "--seat", "不存在镇"], ["command line --seat", "不存在镇"]),
        (["--divisions", "LQ", "--population", "1000"], ["population must be at least 100 per village"]),
    ],
)
def test_a_mistake_on_the_command_line_is_one_message(tmp_path, capsys, args, expect):
    lq = str(SHIPPED / "linqing_371581_townships.csv")
    alone = tmp_path / "alone_371581_townships.csv"  # its villages file is missing
    shutil.copy(lq, alone)
    out = tmp_path / "out"
    given = {"LQ": lq, "ALONE": str(alone)}
    code = main(["make-county", *[given.get(a, a) for a in args], "--out", str(out)])
    check(capsys, code, expect)
    assert not out.exists()


@pytest.mark.parametrize(
    ("old", "new", "expect"),
    [
        (
            ",360982100201,village",
            ",360982101201,village",
            ["column code", "must start with the code 360982100"],
        ),
        (",360982100201,village", ",36098210020,village", ["column code", "9 digits (township-level) or 12"]),
        (
            ",360982100201,village",
            ",360982100,village",
            ["column code", "village place's code has 12 digits"],
        ),
        (
            ",360982100201,village",
            ",360982100201,town",
            ["column division_kind", "must be one of community, village"],
        ),
    ],
)
def test_bad_codes_in_places_csv_are_one_message(tmp_path, capsys, old, new, expect):
    folder = tmp_path / "zs"
    shutil.copytree(SCENARIOS / "zhangshu", folder)
    places = folder / "places.csv"
    text = places.read_text(encoding="utf-8")
    assert old in text
    places.write_text(text.replace(old, new, 1), encoding="utf-8")
    check(capsys, main(["validate", "--dir", str(folder)]), ["places.csv line", *expect])
    with pytest.raises(InputError):
        load_folder(folder)
