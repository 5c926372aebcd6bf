"""`drsim run` end to end: every output file, the printed summary, byte-identical reruns."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

OUTPUTS = ("manifest.json", "reps.csv", "villages.parquet", "events.parquet", "summary.csv", "summary.json")


def drsim(cwd: Path, *args: str, hashseed: str = "0") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": hashseed}
    return subprocess.run(
        [sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=600
    )


@pytest.mark.slow
def test_run_writes_every_output_and_prints_targets(tmp_path: Path):
    out = tmp_path / "run"
    proc = drsim(tmp_path, "run", "scenario=tiny", "run.reps=4", f"hydra.run.dir={out}")
    assert proc.returncode == 0, proc.stderr
    for name in OUTPUTS:
        assert (out / name).is_file(), name
    for target in ("relief_10h", "initial_relief_12h", "basic_relief_24h"):
        assert target in proc.stdout
    assert "P(target holds)" in proc.stdout and "Wilson" in proc.stdout
    reps = pd.read_csv(out / "reps.csv")
    assert list(reps["rep"]) == [0, 1, 2, 3]
    villages = pd.read_parquet(out / "villages.parquet")
    assert len(villages) == 4 * 4
    for col in (
        "displaced",
        "need_units",
        "first_delivery_at_h",
        "initial_complete_at_h",
        "basic_complete_at_h",
        "unmet_units",
    ):
        assert col in villages.columns
    man = json.loads((out / "manifest.json").read_text())
    assert man["seeds"]["reps"] == 4 and len(man["config_hash"]) == 64
    assert man["status"] == "complete" and man["replications"]["finished"] == 4  # a sweep's manifest
    assert [c["name"] for c in man["cases"]] == ["base"]
    summary = json.loads((out / "summary.json").read_text())
    holds = summary["base"]["targets"]["relief_10h_holds"]
    assert holds["n"] == 4 and 0 <= holds["ci_low"] <= holds["mean"] <= holds["ci_high"] <= 1


@pytest.mark.slow
def test_same_seed_byte_identical_under_any_hash_seed(tmp_path: Path):
    """The same seed gives byte-identical tables, whatever PYTHONHASHSEED is."""
    outs = []
    for k, hashseed in enumerate(["0", "1", "4242"]):
        out = tmp_path / f"run{k}"
        proc = drsim(
            tmp_path, "run", "scenario=tiny", "run.reps=6", f"hydra.run.dir={out}", hashseed=hashseed
        )
        assert proc.returncode == 0, proc.stderr
        outs.append(out)
    for name in ("reps.csv", "villages.parquet", "events.parquet", "summary.csv"):
        first = (outs[0] / name).read_bytes()
        assert all((o / name).read_bytes() == first for o in outs[1:]), name


@pytest.mark.slow
def test_different_seed_differs(tmp_path: Path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert drsim(tmp_path, "run", "scenario=tiny", "run.reps=3", f"hydra.run.dir={a}").returncode == 0
    assert (
        drsim(tmp_path, "run", "scenario=tiny", "run.reps=3", "run.seed=7", f"hydra.run.dir={b}").returncode
        == 0
    )
    assert (a / "villages.parquet").read_bytes() != (b / "villages.parquet").read_bytes()


def test_console_script_and_module_agree(tmp_path: Path):
    exe = Path(sys.executable).with_name("drsim")
    if not exe.exists():
        pytest.skip("console script not installed next to this interpreter")
    proc = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "drsim run" in proc.stdout


def test_cfg_job_prints_composed_config(tmp_path: Path):
    proc = drsim(tmp_path, "run", "--cfg", "job", "scenario=tiny")
    assert proc.returncode == 0, proc.stderr
    assert "name: tiny" in proc.stdout and "relief: tiered_nearest" in proc.stdout


@pytest.mark.slow
def test_multirun_runs_each_combination(tmp_path: Path):
    proc = drsim(
        tmp_path,
        "run",
        "-m",
        "scenario=tiny",
        "run.reps=2",
        "policy=tiered_nearest,nearest_stock",
        f"hydra.sweep.dir={tmp_path / 'multi'}",
    )
    assert proc.returncode == 0, proc.stderr
    for job in ("0", "1"):
        assert (tmp_path / "multi" / job / "reps.csv").is_file()


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised():
    from sim.results.tables import csv_text

    frame = pd.DataFrame(
        {"case": ['=HYPERLINK("x")', "+1", "-cmd", "@sum", "plain"], "value": [-1.5, 2, 3, 4, 5]}
    )
    text = csv_text(frame)
    assert "'=HYPERLINK" in text and "'+1" in text and "'-cmd" in text and "'@sum" in text
    assert ",-1.5" in text and "\nplain," in text  # numbers and ordinary text untouched


def test_combined_hazard_files_name_the_run_after_all_of_them():
    """hazard=[flood,landslide] runs both events; the run's name and folder say both (they
    used to take the last file's name only)."""
    from sim.config import compose

    config, run_dir = compose(["hazard=[flood,landslide]"])
    assert config["hazard"]["name"] == "flood-landslide" and run_dir.endswith("_zhangshu_flood-landslide")
    assert set(config["hazard"]["events"]) == {"flood", "landslide"}
    assert compose(["hazard=typhoon"])[0]["hazard"]["name"] == "typhoon"


def test_a_combined_hazard_name_yields_to_an_explicit_one_and_a_removed_group_is_one_message(
    tmp_path: Path, capsys
):
    from sim.cli import main
    from sim.config import compose

    assert compose(["hazard=[flood,landslide]", "hazard.name=mine"])[0]["hazard"]["name"] == "mine"
    assert compose(["hazard=[flood]"])[0]["hazard"]["name"] == "flood"
    assert main(["run", "~hazard", f"hydra.run.dir={tmp_path / 'out'}"]) == 2  # was an IndexError
    assert "Traceback" not in capsys.readouterr().err and not (tmp_path / "out").exists()


def test_output_into_a_closed_pipe_is_no_traceback(tmp_path: Path):
    """`drsim --help | head -1` and the like: the reader goes away, drsim ends quietly with the
    shell's code for it (141), not a BrokenPipeError traceback."""
    for args in (["--help"], ["run", "--help"], ["import-places", "--print-mapping"]):
        proc = subprocess.Popen(
            [sys.executable, "-m", "sim", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path
        )
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # the reader leaves before reading anything
        err = proc.stderr.read().decode()
        assert proc.wait(timeout=60) == 141 and "Traceback" not in err, (args, err)
