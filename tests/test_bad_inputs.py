"""The bad-input catalogue (tests/bad_inputs/catalogue.yaml): each mistake gets one clear
message naming file, row or key, exit code 2, no traceback, and nothing written."""

from __future__ import annotations

import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sim.cli import main
from sim.errors import InputError, Problem
from tests.conftest import SCENARIOS

HERE = Path(__file__).resolve().parent / "bad_inputs"
CATALOGUE = yaml.safe_load((HERE / "catalogue.yaml").read_text(encoding="utf-8"))


def apply(change: dict, folder: Path) -> None:
    if "remove" in change:
        (folder / change["remove"]).unlink()
        return
    path = folder / change["file"]
    if "replace" in change:
        old, new = change["replace"]
        text = path.read_text(encoding="utf-8")
        assert old in text, f"catalogue setup: {old!r} not in {change['file']}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    elif "append" in change:
        with path.open("a", encoding="utf-8") as f:
            f.write(change["append"] + "\n")
    elif "write_gbk" in change:
        path.write_bytes(change["write_gbk"].encode("gbk"))
    else:
        raise ValueError(f"unknown change {change}")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def check(capsys, code: int, expect: list[str]) -> None:
    err = capsys.readouterr().err
    assert code == 2, err
    for fragment in expect:
        assert fragment in err, f"{fragment!r} not in:\n{err}"
    assert "(1 problem)" in err, f"expected exactly one problem:\n{err}"
    assert "Traceback" not in err


def test_catalogue_has_forty_or_more_distinct_mistakes():
    ids = [c["id"] for c in CATALOGUE]
    assert len(ids) == len(set(ids)) >= 40
    assert {c["kind"] for c in CATALOGUE} == {"scenario", "config", "command"}


@pytest.mark.parametrize("case", CATALOGUE, ids=[c["id"] for c in CATALOGUE])
def test_bad_input(case: dict, tmp_path: Path, capsys):
    scenario = tmp_path / "tiny"
    shutil.copytree(SCENARIOS / "tiny", scenario)
    out = tmp_path / "out"
    for change in case.get("changes", []):
        apply(change, scenario)
    before = snapshot(scenario)
    if case["kind"] == "scenario":
        check(capsys, main(["validate", "--dir", str(scenario)]), case["expect"])
        code = main(["run", "scenario=tiny", f"scenario.dir={scenario}", f"hydra.run.dir={out}"])
        check(capsys, code, case["expect"])
    elif case["kind"] == "config":
        check(capsys, main(["run", "scenario=tiny", *case["args"], f"hydra.run.dir={out}"]), case["expect"])
    else:
        fill = {"{files}": str(HERE / "files"), "{scenario}": str(scenario), "{out}": str(out)}
        args = []
        for a in case["args"]:
            for key, value in fill.items():
                a = a.replace(key, value)
            args.append(a)
        check(capsys, main(args), case["expect"])
    assert not out.exists(), "a refused input must write nothing"
    assert snapshot(scenario) == before, "a refused import must leave the scenario as it was"


def test_real_process_exits_2_without_traceback(tmp_path: Path):
    folder = tmp_path / "tiny"
    shutil.copytree(SCENARIOS / "tiny", folder)
    (folder / "stock.csv").write_text("depot_id,item,qty\nD_C,water,-1\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "validate", "--dir", str(folder)],
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


def test_input_error_survives_a_worker_process():
    """A worker's InputError reaches the parent whole (pickled), not as one problem a character."""
    err = InputError([Problem("depots.csv row 3, column trucks", -1, "must be >= 0")], heading="bad scenario")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is InputError and back.heading == "bad scenario"
    assert back.problems == err.problems and str(back) == str(err)
