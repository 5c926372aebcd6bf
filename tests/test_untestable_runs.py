"""Runs that cannot test a target (issue 18, class 4): hazard onsets after the horizon, deadlines
longer than the run, no event early enough. sim/results/coverage.py decides before the run; these tests
generate onsets, horizons, deadlines and clocks (hypothesis), run the replication, and hold the
decision against what the measures then counted:
- every target the check calls untestable is NOT TESTED in the replication (no false verdict);
- a relief or rescue target with a hit early enough (margin for the rise and the move to a shelter)
  IS tested: the check does not hide a target that the run can test;
- a run that would test nothing, or simulate no disaster, is refused: exit 2, one message naming
  the keys, nothing written; otherwise the command warns and the verdict says why."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.config import compose, resolve_data_dir
from sim.errors import InputError
from sim.experiment import runner
from sim.results import coverage, metrics
from sim.settings import Settings

from .test_output_safety import drsim, scratch, snapshot

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
RISE_H = 1.0  # the generated floods rise over an hour
MARGIN_H = RISE_H + 4.0  # hit, then moved to a shelter: displaced by then in tiny (roads < 1 h)


@pytest.fixture(scope="module")
def base() -> tuple[dict, object]:
    config, _ = compose(["scenario=tiny", "hazard=flood", "run.reps=1", "run.keep_events=false"])
    config.pop("experiment", None)
    settings_ = Settings.from_dict(config)
    return config, runner.scenario_for(resolve_data_dir(settings_.scenario.dir), settings_)


hours = st.integers(0, 200).map(lambda k: k / 2)  # 0 to 100 h by half hours


@st.composite
def cases(draw) -> dict:
    return {
        "onsets": draw(st.lists(hours, min_size=1, max_size=3)),
        "horizon_h": draw(st.integers(2, 192).map(lambda k: k / 2)),
        "relief": draw(st.lists(st.integers(1, 96).map(lambda k: k / 2), min_size=1, max_size=3)),
        "rescue": draw(st.lists(st.integers(1, 96).map(lambda k: k / 2), max_size=2)),
        "clock": draw(st.sampled_from(["affected", "event_onset"])),
        "ems_limit_min": draw(st.sampled_from([None, 15.0, 600.0, 3000.0])),
        "warmup_h": draw(st.sampled_from([0.0, 0.0, 20.0])),
    }


def configured(config: dict, case: dict) -> dict:
    c = copy.deepcopy(config)
    flood = c["hazard"]["events"].pop("flood")
    flood |= {"rise_h": RISE_H, "severity_probs": {"high": 1.0}}  # every river village is struck
    c["hazard"]["events"] = {f"e{i}": {**flood, "onset_h": t} for i, t in enumerate(case["onsets"])}
    c["run"]["horizon_h"] = case["horizon_h"]
    c["ems"]["warmup_h"] = case["warmup_h"]
    base_relief = c["targets"]["relief_10h"]
    base_rescue = c["targets"]["rescue_12h"]
    ems = c["targets"]["ems_response"]
    targets = {}
    for i, d in enumerate(case["relief"]):
        targets[f"relief_{i}"] = {**base_relief, "deadline_h": d, "clock": case["clock"]}
    for i, d in enumerate(case["rescue"]):
        targets[f"rescue_{i}"] = {**base_rescue, "deadline_h": d, "clock": case["clock"]}
    if case["ems_limit_min"] is not None:
        targets["ems"] = {**ems, "limit_min": case["ems_limit_min"], "rural_limit_min": None}
    c["targets"] = targets
    return c


@pytest.mark.slow  # 25 generated runs: about 4 s of CPU
@FAST
@given(case=cases())
def test_untestable_targets_are_never_tested_and_testable_ones_are(base, case):
    config, scen = base
    s = Settings.from_dict(configured(config, case))
    try:
        untested = runner.preflight(scen, s)
    except InputError as exc:
        disaster_after_horizon = min(case["onsets"]) >= case["horizon_h"]
        assert disaster_after_horizon or set(coverage.untested(s, scen)) == set(s.targets), exc.message()
        assert "Traceback" not in exc.message()
        return
    assert set(untested) < set(s.targets)  # something is tested, or it was refused
    one = runner.replicate(scen, s, "base", 0)
    reps = metrics.rep_table(one.villages, pd.DataFrame([one.facts]), s.targets, s.costs)
    holds = {name: float(reps[f"{name}_holds"].iloc[0]) for name in s.targets}
    for name in untested:
        assert math.isnan(holds[name]), (name, untested[name], case)
    first = min(case["onsets"])
    for name, t in s.targets.items():
        if t.measure not in ("relief_complete", "rescue_share"):
            continue
        due = first + t.deadline_h  # both clocks: the earliest hit, or the onset, plus the deadline
        if t.measure == "relief_complete" and due + MARGIN_H <= case["horizon_h"]:
            assert name not in untested
            assert not math.isnan(holds[name]), (name, case)  # the run could, and did, test it
        if name not in untested:
            assert due <= case["horizon_h"] + 1e-9  # a flagged-testable target has its deadline in the run


@FAST
@given(case=cases())
def test_the_reason_names_the_horizon_or_the_onset(base, case):
    config, scen = base
    s = Settings.from_dict(configured(config, case))
    for name, why in coverage.untested(s, scen).items():
        t = s.targets[name]
        assert f"{case['horizon_h']:g} h" in why or "no call" in why or "no routine" in why, (name, why)
        if t.measure != "ems_response" and t.deadline_h > case["horizon_h"]:
            assert "longer than the run" in why


def run_tiny(cwd: Path, out: Path, *overrides: str) -> tuple[int, str]:
    """`drsim run` of two replications of tiny's flood, with `overrides`, into `out`."""
    return drsim(
        cwd, "run", "scenario=tiny", "hazard=flood", "run.reps=2", *overrides, f"hydra.run.dir={out}"
    )


@pytest.mark.slow  # 6 generated CLI runs: about 2 s of CPU
@settings(max_examples=6, deadline=None)
@given(onset=st.integers(20, 60), horizon=st.integers(2, 19))
def test_cli_refuses_a_run_without_disaster_and_writes_nothing(onset, horizon):
    with scratch() as root:
        before = snapshot(root)
        code, err = run_tiny(
            root, root / "out", f"hazard.events.flood.onset_h={onset}", f"run.horizon_h={horizon}"
        )
        assert code == 2, err
        assert "Traceback" not in err
        assert "hazard.events.flood.onset_h" in err and "no disaster" in err
        assert snapshot(root) == before


def test_cli_refuses_when_every_deadline_is_past_the_horizon(tmp_path):
    code, err = run_tiny(tmp_path, tmp_path / "out", "run.horizon_h=0.1")
    assert code == 2, err
    assert "would test no target" in err and "targets.relief_10h" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_cli_warns_and_the_verdict_says_why(tmp_path):
    out = tmp_path / "out"
    code, err = run_tiny(tmp_path, out, "run.horizon_h=11")
    assert code == 0, err
    assert "WARNING: " in err and "basic_relief_24h: its deadline (24 h) is longer than the run" in err
    verdicts = {r["target"]: r for r in json.loads((out / "summary.json").read_text())["base"]["verdict"]}
    assert verdicts["basic_relief_24h"]["verdict"] == "NOT TESTED"
    assert "longer than the run" in verdicts["basic_relief_24h"]["not_tested"]
    assert "not_tested" not in verdicts["relief_10h"]
    assert Path(out / "manifest.json").is_file()
