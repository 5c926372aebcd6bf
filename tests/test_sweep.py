"""Sweeps end to end: identical results on every executor, resume after kill -9, failures recorded,
replay byte for byte, sequential stopping, refusing to mix configurations, bad experiments."""

from __future__ import annotations

import io
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main, sweep_text
from sim.config import compose
from sim.errors import InputError
from sim.experiment import budget, runner, sweep
from sim.experiment import spec as experiment
from sim.experiment.aggregate import EXIT_INCOMPLETE
from sim.experiment.executors import DaskExecutor, LocalExecutor
from sim.experiment.launch import sweep_case
from sim.experiment.replay import replay
from sim.experiment.sweep_checks import check_cases
from sim.experiment.units import MAX_BATCH, TABLE_PARTS, Unit, batches, run_unit, unit_scenario
from sim.model import world
from sim.results import metrics

ROOT = Path(__file__).resolve().parents[1]
AGGREGATES = (
    "reps.csv",
    "villages.parquet",
    "summary.csv",
    "summary.json",
    "cases.csv",
    "cases.json",
    "townships.csv",
)


def forked(workers: int):
    """A local pool whose workers fork from the test process: the same code as the default spawn
    pool, without importing everything again in each worker (tests about executors use spawn)."""
    return lambda: LocalExecutor(workers, context="fork")


def tiny_sweep(*overrides: str) -> tuple[experiment.ExperimentSpec, list[sweep.Case]]:
    """The shipped tiny_budget experiment's cases, composed as `drsim sweep` composes them."""
    ov = ["experiment=tiny_budget", *overrides]
    base, _ = compose(ov)
    spec = experiment.parse(base["experiment"], "tiny_budget")
    return spec, [sweep_case(spec, c, ov) for c in spec.cases]


def drsim(cwd: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": "0", **kw.pop("env", {})}
    return subprocess.run(
        [sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )


def parts(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "parts").rglob("rep-*"))}


def village_parts(root: Path) -> list[Path]:
    """The village parts (rep-000012.parquet): one per finished replication."""
    return [p for p in (root / "parts").glob("*/rep-*.parquet") if p.name[4:-8].isdigit()]


def children(pid: int) -> list[int]:
    """Process ids whose parent is `pid` (Linux /proc)."""
    out = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if f"\nPPid:\t{pid}\n" in text:
            out.append(int(status.parent.name))
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dask_cluster():
    """A real Dask cluster on 127.0.0.1: a scheduler and two single-threaded workers, started by the
    `dask` command line as on a cluster's nodes."""
    from distributed import Client

    exe = str(Path(sys.executable).with_name("dask"))
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [
        subprocess.Popen(
            [exe, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    ]
    for _ in range(2):
        procs.append(
            subprocess.Popen(
                [exe, "worker", address, "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # a group: the worker's nanny and its process go together
            )
        )
    try:
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        for p in reversed(procs):
            os.killpg(p.pid, signal.SIGKILL)
        for p in procs:
            p.wait(timeout=30)


@pytest.mark.slow
def test_identical_results_on_one_worker_two_workers_and_a_dask_cluster(tmp_path, dask_cluster):
    spec, cases = tiny_sweep("run.reps=6", "run.keep_events=true")
    runs = {
        "local1": lambda: LocalExecutor(1),
        "local2": lambda: LocalExecutor(2),
        "dask": lambda: DaskExecutor(dask_cluster),
    }
    results = {}
    for name, make in runs.items():
        results[name] = sweep.run_sweep(spec, cases, tmp_path / name, ["test"], make)
        assert results[name].complete and results[name].ran == 4 * 6
    first = parts(tmp_path / "local1")
    # village, events, calls, hospitals and shelters part per (case, rep)
    assert len(first) == 4 * 6 * (2 + len(TABLE_PARTS))
    for name in ("local2", "dask"):
        assert parts(tmp_path / name) == first, name
        for f in AGGREGATES:
            assert (tmp_path / name / f).read_bytes() == (tmp_path / "local1" / f).read_bytes(), (name, f)
    # Both workers really worked, in the pool and on the cluster.
    for name in ("local2", "dask"):
        log = [json.loads(x) for x in (tmp_path / name / "progress.jsonl").read_text().splitlines()]
        assert len({r["worker"] for r in log}) == 2, name
    assert "dask at tcp://127.0.0.1" in results["dask"].executor


@pytest.mark.slow
def test_sigkill_midway_then_resume_matches_an_uninterrupted_sweep(tmp_path):
    args = ["sweep", "experiment=tiny_budget", "run.reps=30", "run.workers=1"]
    killed = tmp_path / "killed"
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", *args, f"hydra.run.dir={killed}"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if len(village_parts(killed)) >= 12:
            break
        time.sleep(0.01)
    workers = children(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)  # `kill -9` of the coordinator alone
    proc.wait(timeout=30)
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{w}").exists() for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert workers and not any(Path(f"/proc/{w}").exists() for w in workers), "orphaned workers kept running"
    before = {p: p.stat().st_mtime_ns for p in village_parts(killed)}
    assert 12 <= len(before) < 4 * 30, "the sweep must be killed part-way for this test to mean anything"
    assert not (killed / "reps.csv").exists()  # killed before it could aggregate

    again = drsim(tmp_path, *args, f"hydra.run.dir={killed}")
    assert again.returncode == 0, again.stderr
    assert f"{4 * 30 - len(before)} replications run now" in again.stdout
    for path, mtime in before.items():
        assert path.stat().st_mtime_ns == mtime, f"{path} was rerun"
    log = [json.loads(x) for x in (killed / "progress.jsonl").read_text().splitlines() if x.endswith("}")]
    ok = [(r["case"], r["rep"]) for r in log if r["status"] == "ok"]
    assert len(ok) == len(set(ok)), "a finished replication ran twice"

    straight = tmp_path / "straight"
    spec, cases = tiny_sweep("run.reps=30")
    assert sweep.run_sweep(spec, cases, straight, ["test"], forked(2)).complete
    for f in AGGREGATES:
        assert (killed / f).read_bytes() == (straight / f).read_bytes(), f
    assert parts(killed) == parts(straight)


@pytest.mark.slow
def test_a_failing_replication_is_recorded_counted_and_retried(tmp_path, monkeypatch):
    spec, cases = tiny_sweep("run.reps=8")
    real = world.simulate

    def flaky(scen, settings, rep):
        if rep == 3 and any(d.id == "D_SHOP" for d in scen.depots):  # the contract case only
            raise RuntimeError("policy allocated more than the depot holds")
        return real(scen, settings, rep)

    monkeypatch.setattr(world, "simulate", flaky)
    out = tmp_path / "sweep"
    # fork: the workers inherit the patched model (a stand-in for a real model bug)
    result = sweep.run_sweep(spec, cases, out, ["test"], forked(2))
    assert not result.complete and result.exit_code == EXIT_INCOMPLETE
    assert result.ok == {"baseline": 8, "city_truck": 8, "t1_stock": 8, "contract": 7}
    (record,) = [json.loads(x) for x in (out / "failures.jsonl").read_text().splitlines()]
    assert (record["case"], record["rep"], record["seed"]) == ("contract", 3, 20261122)
    assert "RuntimeError: policy allocated more than the depot holds" in record["traceback"]
    man = json.loads((out / "manifest.json").read_text())
    assert man["status"] == "incomplete" and man["exit_code"] == 3
    assert man["replications"]["failed"][0]["case"] == "contract"
    cases_json = json.loads((out / "cases.json").read_text())
    assert cases_json["contract"]["replications"] == {"asked": 8, "finished": 7}
    # The paired comparison uses the 7 replications both cases finished.
    diff = cases_json["contract"]["measures"]["initial_relief_12h_share_diff"]
    assert diff["n"] == 7
    text = sweep_text.report_text(result)
    assert "FAILED: case contract rep 3 (seed 20261122)" in text and "INCOMPLETE" in text

    monkeypatch.undo()
    retry = sweep.run_sweep(spec, cases, out, ["test"], forked(1))
    assert retry.complete and retry.ran == 1
    clean = tmp_path / "clean"
    assert sweep.run_sweep(spec, cases, clean, ["test"], forked(2)).complete
    for f in AGGREGATES:
        assert (out / f).read_bytes() == (clean / f).read_bytes(), f


@pytest.mark.slow  # a process pool, a worker killed and a rerun: about 4 s of CPU
def test_a_killed_worker_is_recorded_and_the_rerun_finishes(tmp_path, monkeypatch):
    """A worker process that dies (the OOM killer) fails its replications, not the coordinator."""
    spec, cases = tiny_sweep("run.reps=4")
    real = world.simulate

    def oom(scen, settings, rep):
        if rep == 2 and len(scen.depots) == 3 and scen.depots[0].trucks == 3:  # city_truck only
            os.kill(os.getpid(), signal.SIGKILL)
        return real(scen, settings, rep)

    monkeypatch.setattr(world, "simulate", oom)
    out = tmp_path / "sweep"
    result = sweep.run_sweep(spec, cases, out, ["test"], forked(1))
    assert not result.complete
    records = [json.loads(x) for x in (out / "failures.jsonl").read_text().splitlines()]
    assert ("city_truck", 2) in {(r["case"], r["rep"]) for r in records}
    assert all("worker running this replication stopped" in r["traceback"] for r in records)
    monkeypatch.undo()
    assert sweep.run_sweep(spec, cases, out, ["test"], forked(1)).complete


@pytest.mark.slow
def test_replay_reproduces_the_stored_tables_byte_for_byte(tmp_path, capsys):
    out = tmp_path / "sweep"
    spec, cases = tiny_sweep("run.reps=6", "run.keep_events=true")
    assert sweep.run_sweep(spec, cases, out, ["test"], forked(2)).complete
    assert main(["replay", str(out), "contract", "4"]) == 0
    assert capsys.readouterr().out.count("byte-identical to the sweep's part") == 2
    got = out / "replay" / "contract" / "rep-000004"
    assert (got / "villages.parquet").read_bytes() == (out / "parts/contract/rep-000004.parquet").read_bytes()
    assert (got / "events.parquet").read_bytes() == (
        out / "parts/contract/rep-000004.events.parquet"
    ).read_bytes()
    stored = pd.read_csv(out / "reps.csv")
    row = stored[(stored["case"] == "contract") & (stored["rep"] == 4)].reset_index(drop=True)
    # values exactly; dtypes may differ: a replication with no EMS call writes its count as 0.0,
    # which makes the whole column of the sweep's reps.csv float when read back
    pd.testing.assert_frame_equal(pd.read_csv(got / "reps.csv"), row, check_dtype=False)
    with pytest.raises(InputError, match="no such case in this sweep"):
        replay(out, "nowhere", 1)


@pytest.mark.slow
def test_sequential_stopping_adds_rounds_until_every_interval_is_narrow(tmp_path):
    spec, cases = tiny_sweep("run.reps=5", "run.halfwidth=0.2", "run.max_reps=40")
    out = tmp_path / "sweep"
    result = sweep.run_sweep(spec, cases, out, ["test"], forked(2))
    s = result.stopping
    assert result.complete and s["reached"] and result.reps == s["reps"] and result.reps % 5 == 0
    assert [r["reps"] for r in s["rounds"]] == list(range(5, result.reps + 1, 5))
    assert all(r["widest_halfwidth"] > 0.2 for r in s["rounds"][:-1])
    reps = pd.read_csv(out / "reps.csv")
    widest = max(
        metrics.wilson_halfwidth(int(block[f"{t}_holds"].sum()), len(block))
        for _, block in reps.groupby("case")
        for t in cases[0].settings.targets
    )
    assert widest <= 0.2 and len(reps) == 4 * result.reps
    assert "Sequential stopping: Wilson half-width <= 0.2 reached" in sweep_text.report_text(result)
    again = sweep.run_sweep(spec, cases, out, ["test"], forked(1))
    assert again.ran == 0 and again.reps == result.reps  # the same decision from the same parts


@pytest.mark.slow
def test_resume_extends_reps_but_refuses_a_changed_configuration(tmp_path):
    out = tmp_path / "sweep"
    spec, cases = tiny_sweep("run.reps=2")
    assert sweep.run_sweep(spec, cases, out, ["t"], forked(1)).ran == 8
    spec, more = tiny_sweep("run.reps=4", "run.workers=2")  # execution keys may change
    assert sweep.run_sweep(spec, more, out, ["t"], forked(1)).ran == 8
    damaged = out / "parts" / "t1_stock" / "rep-000001.parquet"
    damaged.write_bytes(damaged.read_bytes()[:40])  # as a power cut might leave it
    assert sweep.run_sweep(spec, more, out, ["t"], forked(1)).ran == 1
    spec, other = tiny_sweep("run.reps=4", "run.seed=7")
    with pytest.raises(InputError) as err:
        sweep.run_sweep(spec, other, out, ["t"], forked(1))
    assert "run.seed" in err.value.message() and "different configuration" in err.value.message()


@pytest.mark.slow
def test_cli_sweep_prints_the_table_quietly_and_bad_experiments_exit_2(tmp_path, monkeypatch, capsys):
    out = tmp_path / "sweep"
    proc = drsim(tmp_path, "sweep", "experiment=tiny_budget", "run.reps=2", f"hydra.run.dir={out}")
    assert proc.returncode == 0, proc.stderr
    for fragment in ("cost M yuan", "P(initial_relief_12h)", "frontier", "worst township", "n = 2"):
        assert fragment in proc.stdout
    assert "\r" not in proc.stderr  # no progress bar in a log
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"

    configs = tmp_path / "configs"
    shutil.copytree(ROOT / "configs", configs)
    exp = (configs / "experiment" / "tiny_budget.yaml").read_text()
    bad = exp.replace("{kind: add_trucks, depot: D_C, trucks: 1}", "{kind: add_trucks, _target_: os.system}")
    (configs / "experiment" / "bad_target.yaml").write_text(bad)
    seed = exp.replace(
        "      description: One more truck at the city depot\n",
        "      description: x\n      overrides: [run.seed=1]\n",
    )
    (configs / "experiment" / "bad_seed.yaml").write_text(seed)
    monkeypatch.setenv("DRSIM_CONFIG_DIR", str(configs))
    for args, fragment in (
        (["experiment=bad_target"], "experiment.cases[1].changes[0]._target_"),
        (["experiment=bad_seed"], "a case may not change run.*"),
        (["experiment=nowhere"], "could not be composed"),
        (["run.reps=2"], "name the experiment: experiment=NAME"),
    ):
        assert main(["sweep", *args]) == 2
        err = capsys.readouterr().err
        assert fragment in err, (args, err)
    assert main(["run", "experiment=tiny_budget"]) == 2
    assert "use `drsim sweep`" in capsys.readouterr().err


def test_progress_bar_on_a_terminal_only():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty, log = Tty(), io.StringIO()
    for stream in (tty, log):
        bar = sweep_text.ProgressBar("auto", stream)
        bar.start({"a": 2, "b": 1}, 4, 2)
        for case in ("a", "b", "a"):
            bar.tick(case, ok=True)
        bar.finish()
    assert log.getvalue() == ""
    text = tty.getvalue()
    assert "cases 2/2" in text and "replications 4/4" in text and "/s" in text and "left" in text


def test_case_overrides_as_a_mapping_render_through_hydra():
    case = experiment.CaseSpec(
        name="x", overrides={"policy.load_order": "fifo", "hazard.displaced_share": 0.2, "run.x": None}
    )
    assert experiment.case_overrides(case) == [
        "policy.load_order=fifo",
        "hazard.displaced_share=0.2",
        "run.x=null",
    ]
    assert experiment.render({"a": [1, "two words"], "b": True}) == "{a:[1,'two words'],b:true}"
    spec = experiment.ExperimentSpec(
        name="m",
        baseline="x",
        cases=[experiment.CaseSpec(name="x", overrides={"policy.load_order": "fifo"})],
    )
    got = sweep_case(spec, spec.cases[0], ["scenario=tiny"])
    assert got.settings.policy.load_order == "fifo"


@pytest.mark.slow
def test_shipped_experiments_compose_apply_and_run_one_replication():
    """zhangshu_budget and jinjiang_ems: every case composes, its changes apply and cost; one
    replication runs with each kind of new entity (point, contract reserve, ambulance stations);
    jinjiang_ems's changes land in the scenario's ambulance stations."""
    for name, n_cases in (("zhangshu_budget", 6), ("jinjiang_ems", 5)):
        base, _ = compose([f"experiment={name}"])
        spec = experiment.parse(base["experiment"], name)
        assert len(spec.cases) >= n_cases
        cases = [sweep_case(spec, c, [f"experiment={name}"]) for c in spec.cases]
        check_cases(spec, cases)
        kinds = {ch.kind for c in cases for ch in c.settings.budget.changes}
        for c in cases:
            if c.name in ("far_points", "contract_first", "new_stations_10"):
                res = run_unit(Unit(c.name, 0, c.settings, c.data_dir))
                assert res.ok, res.error
        if name == "zhangshu_budget":
            assert {"add_stock", "add_township_point", "add_trucks", "add_contract_reserve"} <= kinds
        else:
            assert kinds == {"add_ambulances"}
            by = {c.name: c for c in cases}
            base_st = {
                s.id: s for s in unit_scenario(by["baseline"].data_dir, by["baseline"].settings).ems_stations
            }
            new = unit_scenario(by["new_stations_10"].data_dir, by["new_stations_10"].settings)
            added = {s.id: s for s in new.ems_stations if s.id not in base_st}
            assert (
                sum(s.ambulances for s in new.ems_stations)
                == sum(s.ambulances for s in base_st.values()) + 10
            )
            assert added["EMS_P_EDZ"].place_id == "P_EDZ" and added["EMS_P_EDZ"].negative_pressure == 1
            centre = unit_scenario(by["centre_10"].data_dir, by["centre_10"].settings).ems_stations[0]
            assert (centre.ambulances, centre.negative_pressure) == (
                base_st["EMS_C"].ambulances + 10,
                base_st["EMS_C"].negative_pressure + 2,
            )
            costs = {
                c.name: budget.cost(c.settings.budget.changes, c.settings.costs).total_yuan for c in cases
            }
            assert costs["baseline"] == 0 and math.isclose(costs["centre_10"], costs["coast_10"])


@pytest.mark.slow  # a sweep of shipped-scenario cases: about 2.5 s of CPU
def test_a_worker_loads_each_case_scenario_once(monkeypatch):
    _, cases = tiny_sweep("run.reps=3")
    calls = []
    real = runner.scenario_for

    def counting(data_dir, settings):
        calls.append(settings.budget.name)
        return real(data_dir, settings)

    monkeypatch.setattr(runner, "scenario_for", counting)
    monkeypatch.setattr("sim.experiment.units._SCENARIOS", {})
    for rep in range(3):
        for c in cases:
            assert run_unit(Unit(c.name, rep, c.settings, c.data_dir)).ok
    assert sorted(calls) == sorted(c.settings.budget.name for c in cases)  # once per case


def test_batches_cover_every_unit_in_order_and_shrink_at_the_end():
    units = list(range(1000))
    got = list(batches(units, 2))
    assert [u for b in got for u in b] == units
    assert max(len(b) for b in got) == MAX_BATCH and all(len(b) == 1 for b in got[-8:])
    assert [len(b) for b in batches(list(range(5)), 4)] == [1] * 5  # little work: spread it
