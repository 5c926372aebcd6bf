"""Bad configuration: every problem reported at once, key path + value + rule, exit 2, no files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import main


def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    return subprocess.run(
        [sys.executable, "-m", "sim", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )


@pytest.mark.slow  # a drsim process: about 2 s of CPU
def test_all_problems_at_once_and_nothing_written(tmp_path: Path):
    out = tmp_path / "out"
    proc = run_cli(
        tmp_path,
        "run",
        "scenario=tiny",
        "run.reps=-3",
        "hazard.events.flood.rates.high.displaced=2",
        "run.horizon_h=abc",
        "run.colour=blue",
        f"hydra.run.dir={out}",
    )
    assert proc.returncode == 2, proc.stderr
    err = proc.stderr
    assert "configuration is not valid (4 problems)" in err
    assert "config key run.reps: value -3 — input should be greater than or equal to 1" in err
    assert "config key hazard.events.flood.rates.high.displaced: value 2" in err
    assert "less than or equal to 1" in err
    assert "config key run.horizon_h: value 'abc' — input should be a valid number" in err
    assert "config key run.colour: value 'blue' — unknown key" in err
    assert "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("overrides", "fragments"),
    [
        (
            ["scenario=nowhere"],
            ["could not be composed", "scenario/nowhere", "jinjiang, mmc, tiny, zhangshu"],
        ),
        (["hazard=[flood,nowhere]"], ["hazard/nowhere", "Available options in 'hazard'", "flood_major, "]),
        (["policy.relief=fastest"], ["config key policy.relief", "'fastest'", "unknown policy"]),
        (
            ["hazard.events.flood.footprint.zone=coast"],
            ["config key hazard.events.flood.footprint.zone", "'coast'", "no such zone"],
        ),
        (
            ["~hazard.events.flood.rates.low"],
            ["config key hazard.events.flood", "rates missing for severity low", "never a silent zero"],
        ),
        (
            ["hazard=earthquake", "hazard.events.earthquake.footprint.centre_place=X9"],
            ["config key hazard.events.earthquake.footprint.centre_place", "'X9'", "neither a place_id"],
        ),
        (["run.reps=1000001"], ["config key run.reps", "less than or equal to 100000"]),
        (["run.keep_events=maybe"], ["config key run.keep_events", "'maybe'", "valid boolean"]),
        (["targets.relief_10h.deadline_h=0"], ["config key targets.relief_10h.deadline_h", "greater than 0"]),
        (["reporting.first_share=0"], ["config key reporting.first_share", "greater than 0"]),
        (["policy.repair=fastest"], ["config key policy.repair", "'fastest'", "unknown policy"]),
        (["scenario.dir=scenarios/none"], ["scenarios/none", "scenario folder does not exist"]),
        (
            ["budget.changes=[{add: 1}]"],
            ["config key budget.changes.0", "needs a known `kind:`", "add_stock"],
        ),
        (["--bogus"], ["command line", "--bogus", "unknown option"]),
    ],
)
def test_bad_config_exits_2(tmp_path: Path, capsys, overrides, fragments):
    out = tmp_path / "out"
    code = main(["run", "scenario=tiny", *overrides, f"hydra.run.dir={out}"])
    err = capsys.readouterr().err
    assert code == 2, err
    for fragment in fragments:
        assert fragment in err, f"{fragment!r} not in:\n{err}"
    assert not out.exists()


@pytest.mark.slow  # a drsim process: about 2 s of CPU
def test_debug_shows_traceback(tmp_path: Path):
    proc = run_cli(tmp_path, "run", "scenario=tiny", "run.reps=0", "--debug")
    assert proc.returncode != 0 and "Traceback" in proc.stderr


@pytest.mark.parametrize("name", ["../../etc", "a/b", ".hidden", "", "x" * 65])
def test_names_that_would_leave_the_output_root_are_refused(tmp_path: Path, capsys, name):
    code = main(["run", "scenario=tiny", f"scenario.name='{name}'", f"hydra.run.dir={tmp_path / 'out'}"])
    err = capsys.readouterr().err
    assert code == 2 and "config key scenario.name" in err and "should match pattern" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("args", "missing"),
    [
        (["report", "{tmp}"], "matplotlib"),
        (["sweep", "experiment=tiny_budget", "run.executor=dask", "hydra.run.dir={out}"], "distributed"),
    ],
)
def test_a_missing_optional_package_is_one_message_and_nothing_written(
    tmp_path: Path, monkeypatch, capsys, args, missing
):
    """Charts need the [report] extra and Dask sweeps the [dist] extra: without them, one line
    naming the package and how to install it, exit 2, and no sweep folder (seen before: a
    traceback, exit 1, and cases/ already written)."""
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a, **k: None if name == missing else real(name, *a, **k)
    )
    out = tmp_path / "out"
    assert main([a.format(tmp=tmp_path, out=out) for a in args]) == 2
    err = capsys.readouterr().err
    assert missing in err and "pip install 'drsim[" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) <= 2, err
    assert not out.exists()


@pytest.mark.parametrize("command", ["run", "validate", "sweep", "replay"])
def test_help_of_a_command_without_options_is_its_usage_not_an_error(command, capsys):
    """`drsim run --help` (and validate, sweep, replay, which take overrides or plain
    arguments) prints the command's usage and exits 0 (seen before: 'bad input', exit 2)."""
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"drsim {command} ") and "bad input" not in out


def test_a_speed_override_for_a_road_class_the_scenario_lacks_is_refused(tmp_path: Path, capsys):
    """scenario.road_speed_kmh={villagee: 15} (a typo) used to run, changing nothing."""
    out = tmp_path / "out"
    code = main(["run", "scenario=tiny", "scenario.road_speed_kmh={villagee:15}", f"hydra.run.dir={out}"])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert "scenario.road_speed_kmh.villagee" in err and "15" in err and "village" in err
    assert (
        main(
            [
                "run",
                "scenario=tiny",
                "run.reps=1",
                "scenario.road_speed_kmh={village:15}",
                f"hydra.run.dir={out}",
            ]
        )
        == 0
    )
