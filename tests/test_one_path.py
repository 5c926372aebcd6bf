"""`drsim run` is an experiment of one case: the sweep's units, executor, store and aggregate.

What that promises, checked here: a run folder and a one-case sweep folder hold the same tables,
byte for byte (calls, hospitals and shelters included, which a sweep did not write before); a
run gives the same bytes with one worker or several, and stops at a half-width as a sweep does;
a result folder reports from its own copy of the scenario after the scenario folder is gone;
older folders fall back with a note (a sweep) or are refused with the command that makes them
again (a run).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main
from sim.config import compose
from sim.experiment import sweep
from sim.experiment.executors import InlineExecutor
from sim.settings import Settings
from tests.conftest import SCENARIOS

TABLES = (
    "villages.parquet",
    "reps.csv",
    "summary.csv",
    "calls.parquet",
    "hospitals.parquet",
    "shelters.parquet",
    "relief_curves.parquet",
)


def run(out: Path, *overrides: str) -> None:
    args = ["run", *overrides, "run.progress=false", f"hydra.run.dir={out}"]
    assert main(args) == 0


@pytest.mark.slow
def test_a_run_folder_and_a_one_case_sweep_folder_hold_the_same_tables(tmp_path: Path):
    overrides = ["scenario=tiny", "hazard=earthquake", "run.reps=3"]
    run(tmp_path / "run", *overrides)
    config, _ = compose(overrides)
    config.pop("experiment", None)
    settings = Settings.from_dict(config)
    spec, case = sweep.one_case(config, settings, SCENARIOS / "tiny")
    result = sweep.run_sweep(spec, [case], tmp_path / "sweep", ["test"], InlineExecutor)
    assert result.complete
    for name in TABLES:
        a, b = (tmp_path / d / name for d in ("run", "sweep"))
        assert a.read_bytes() == b.read_bytes(), name
    assert len(pd.read_parquet(tmp_path / "sweep" / "shelters.parquet")) > 0  # a table with rows
    # the run's event log whole is the sweep's event parts joined
    parts = sorted((tmp_path / "sweep" / "parts" / "base").glob("rep-*.events.parquet"))
    joined = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "run" / "events.parquet"), joined)
    # the run keeps no parts (never resumed), the sweep keeps them; both hold their scenario
    assert not (tmp_path / "run" / "parts").exists()
    for d in ("run", "sweep"):
        copied = sorted(p.name for p in (tmp_path / d / "scenario").iterdir())
        assert copied == sorted(p.name for p in (SCENARIOS / "tiny").iterdir() if p.name != ".drsim")


@pytest.mark.slow
def test_a_run_gives_the_same_bytes_on_any_number_of_workers(tmp_path: Path):
    """run.workers=2 runs the replications in two processes; every table is the same bytes."""
    run(tmp_path / "one", "scenario=tiny", "run.reps=4")
    run(tmp_path / "two", "scenario=tiny", "run.reps=4", "run.workers=2", "run.workers_force=true")
    for name in (*TABLES, "events.parquet", "villages.csv", "townships.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
    executors = [
        s["executor"] for s in json.loads((tmp_path / "two" / "manifest.json").read_text())["sessions"]
    ]
    assert executors == ["local process pool, 2 worker(s), spawn"]


@pytest.mark.slow
def test_a_run_stops_at_a_half_width_as_a_sweep_does(tmp_path: Path):
    """run.halfwidth adds run.reps replications per round until every target's Wilson half-width
    is at most it, or run.max_reps: read by drsim run now, not refused."""
    out = tmp_path / "seq"
    run(out, "scenario=tiny", "hazard=none", "run.reps=2", "run.halfwidth=0.2", "run.max_reps=6")
    stopping = json.loads((out / "manifest.json").read_text())["stopping"]
    reps = pd.read_csv(out / "reps.csv")
    assert stopping["reps"] == len(reps) == 6  # 2 + 2 + 2: a half-width of 0.2 needs more than 6
    assert [r["reps"] for r in stopping["rounds"]] == [2, 4, 6] and not stopping["reached"]


@pytest.mark.slow
def test_the_report_draws_its_maps_after_the_scenario_folder_is_gone(tmp_path: Path):
    from sim import api

    scen = tmp_path / "county"
    shutil.copytree(SCENARIOS / "tiny", scen)
    out = tmp_path / "run"
    run(out, "scenario=tiny", f"scenario.dir={scen}", "run.reps=2")
    places = sorted(p.id for p in api.load(out).scenario.places)
    shutil.rmtree(scen)
    res = api.load(out)
    assert sorted(p.id for p in res.scenario.places) == places
    assert api.figure("relief_map", res, lang="en").axes  # drawn from the folder's copy


def _old_sweep(tmp_path: Path, scen: Path) -> Path:
    out = tmp_path / "sweep"
    config, _ = compose(["scenario=tiny", "run.reps=2", f"scenario.dir={scen}"])
    config.pop("experiment", None)
    spec, case = sweep.one_case(config, Settings.from_dict(config), scen)
    assert sweep.run_sweep(spec, [case], out, ["test"], InlineExecutor).complete
    shutil.rmtree(out / "scenario")  # as a sweep made before the copy existed
    return out


def test_an_older_sweep_without_its_scenario_reports_with_a_note_or_says_why_not(tmp_path, capsys):
    from sim import api

    scen = tmp_path / "county"
    shutil.copytree(SCENARIOS / "tiny", scen)
    out = _old_sweep(tmp_path, scen)
    capsys.readouterr()
    from sim import scenario

    want = [p.id for p in scenario.load(scen).places]
    assert [p.id for p in api.load(out).scenario.places] == want  # from the folder where it is
    err = capsys.readouterr().err
    assert "holds no copy of its scenario" in err and str(scen) in err and len(err.splitlines()) == 1
    shutil.rmtree(scen)
    assert main(["report", str(out), "--lang", "en", "--format", "png"]) == 2
    err = capsys.readouterr().err
    assert "the scenario folder it was made from is gone" in err and "Traceback" not in err
    assert not (out / "report").exists()


def test_a_run_folder_of_the_old_format_is_refused_with_its_command(tmp_path: Path, capsys):
    old = tmp_path / "old"
    old.mkdir()
    command = ["drsim", "run", "scenario=tiny", "run.reps=3"]
    manifest = {"command": command, "config": {}, "replications": [{"case": "base", "rep": 0}]}
    (old / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    for name in ("reps.csv", "villages.parquet"):
        (old / name).write_text("x", encoding="utf-8")
    assert main(["report", str(old)]) == 2
    err = capsys.readouterr().err
    assert "older drsim" in err and "`drsim run scenario=tiny run.reps=3`" in err and "Traceback" not in err
