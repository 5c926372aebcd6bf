"""EMS on the surface: config errors (exit 2, key, value, rule), `drsim run` output files and
printed summaries, byte-identical EMS tables under any PYTHONHASHSEED, and the invariant
checker catching broken EMS logs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sim.checks import invariants
from sim.cli import main
from sim.events import Event, EventKind
from tests.conftest import load_scenario
from tests.test_cli_end_to_end import drsim
from tests.test_config_errors import test_bad_config_exits_2 as bad_config_exits_2


@pytest.mark.parametrize(
    ("overrides", "fragments"),
    [
        (["ems.servers=3"], ["config key ems.servers: value 3", "only applies to the check mode"]),
        (["ems.dispatch=fastest"], ["config key ems.dispatch", "unknown policy", "nearest_free"]),
        (["ems.hospital=any"], ["config key ems.hospital", "unknown policy"]),
        (["ems.routine_triage_shares.immediate=0.5"], ["key ems.routine_triage_shares", "add up to 1"]),
        (["ems.scene_min=-5"], ["config key ems.scene_min", "greater than or equal to 0"]),
        (["ems.when_all_busy=drop"], ["config key ems.when_all_busy", "'drop'"]),
        (["ems.routine_hour_profile=[1,2]"], ["config key ems.routine_hour_profile", "at least 24"]),
        (["targets.ems_response.limit_min=0"], ["key targets.ems_response.limit_min", "greater than 0"]),
        (["targets.ems_response.area=town"], ["config key targets.ems_response.area", "'town'"]),
        (["ems.stay_h.immediate=-1"], ["config key ems.stay_h.immediate", "greater than or equal to 0"]),
        (["ems.stay_h.red=1"], ["config key ems.stay_h.red", "unknown key"]),
        (["scenario=mmc", "ems.dispatch_delay_min=2"], ["key ems.dispatch_delay_min", "no dispatch delay"]),
        (["scenario=mmc", "ems.calls_per_h=null"], ["config key ems.calls_per_h", "needs a value"]),
        (["scenario=mmc", "ems.servers=0"], ["config key ems.servers", "greater than or equal to 1"]),
        (["scenario=jinjiang", "ems.mode=mmc", "ems.servers=2", "ems.calls_per_h=1", "ems.service_mean_min=9",
          "ems.dispatch_delay_min=0"], ["ems_stations.csv", "exactly one station"]),
    ],
)  # fmt: skip
def test_bad_ems_config_exits_2(tmp_path: Path, capsys, overrides, fragments):
    """The same checks as tests/test_config_errors.py (exit 2, key, value, rule, nothing written)."""
    bad_config_exits_2(tmp_path, capsys, overrides, fragments)


def test_check_mode_prints_theory_and_writes_calls(tmp_path: Path, capsys):
    out = tmp_path / "mmc"
    args = ["run", "scenario=mmc", "ems.servers=4", "ems.calls_per_h=3", "ems.service_mean_min=50"]
    assert main([*args, "run.reps=3", "run.horizon_h=100", f"hydra.run.dir={out}"]) == 0
    printed = capsys.readouterr().out
    assert "check mode: c=4 ambulances, 3 calls/h" in printed
    for label in ("mean wait (min)", "P(wait)", "share diverted", "Erlang C"):
        assert label in printed
    assert "relief_10h" not in printed  # the check mode has no relief
    calls = pd.read_parquet(out / "calls.parquet")
    assert (
        set(calls["rep"]) == {0, 1, 2} and (calls["outcome"].isin(["responded", "en_route", "waiting"])).all()
    )
    reps = pd.read_csv(out / "reps.csv")
    for col in ("ems_wait_min_mean", "ems_wait_share", "ems_diverted_share", "ambulance_utilisation"):
        assert reps[col].notna().all(), col
    assert (reps["ambulances"] == 4).all()


@pytest.mark.slow
def test_county_run_prints_ems_beside_relief_targets(tmp_path: Path):
    out = tmp_path / "j"
    proc = drsim(
        tmp_path, "run", "scenario=jinjiang", "hazard=flood_major", "run.reps=3", f"hydra.run.dir={out}"
    )
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert text.index("relief_10h") < text.index("EMS: 46 ambulances")
    for label in (
        "ems_response",
        "red (t1)",
        "urban",
        "rural",
        "casualties in hospital by 12 h",
        "utilisation",
    ):
        assert label in text, label
    reps = pd.read_csv(out / "reps.csv")
    for col in (
        "ems_response_min_mean",
        "ems_response_t1_min_p90",
        "ems_response_urban_min_p50",
        "ems_response_rural_min_mean",
        "ems_response_share",
        "ems_response_holds",
        "casualties_delivered_12h_share",
        "casualties_delivered_24h_share",
        "ambulance_utilisation",
        "hospital_occupancy_peak_share",
        "ems_diverted_calls",
        "ems_waiting_at_horizon_calls",
    ):
        assert col in reps.columns, col
    assert (reps["ems_casualty_calls"] > 0).all() and (reps["ems_response_min_mean"] > 0).all()
    beds = pd.read_parquet(out / "hospitals.parquet")
    assert set(beds["bed_kind"]) == {"general", "infectious"} and (beds["occupied"] <= beds["beds"]).all()
    summary = pd.read_csv(out / "summary.csv")
    assert "ems_response_holds" in set(summary["measure"])


@pytest.mark.slow
def test_ems_tables_byte_identical_under_any_hash_seed(tmp_path: Path):
    outs = []
    for k, hashseed in enumerate(["0", "4242"]):
        out = tmp_path / f"run{k}"
        proc = drsim(
            tmp_path, "run", "scenario=zhangshu", "run.reps=2", f"hydra.run.dir={out}", hashseed=hashseed
        )
        assert proc.returncode == 0, proc.stderr
        outs.append(out)
    for name in ("calls.parquet", "hospitals.parquet", "reps.csv"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


def _log(*rows: tuple) -> list[Event]:
    return [Event(*r) for r in rows]


STATIONED = [
    (0.0, EventKind.AMBULANCE_STATIONED, "S/amb1", None, "S", None, None, None, 0.0),
    (0.0, EventKind.HOSPITAL_BEDS_COUNTED, None, None, "H", None, 1, None, 2.0, "general"),
]


def test_invariants_catch_an_ambulance_on_two_calls():
    rows = _log(
        *STATIONED,
        (1.0, EventKind.CALL_RECEIVED, None, "V1", None, None, 1, 0, 0.0, "routine"),
        (1.0, EventKind.AMBULANCE_DISPATCHED, "S/amb1", "V1", "S", None, None, 0, 5.0),
        (2.0, EventKind.CALL_RECEIVED, None, "V1", None, None, 1, 1, 1.0, "routine"),
        (2.0, EventKind.AMBULANCE_DISPATCHED, "S/amb1", "V1", "S", None, None, 1, 5.0),
        (3.0, EventKind.CALL_DIVERTED, None, "V1", None, None, None, 1, None),
    )
    problems = invariants.check_all(rows, load_scenario("tiny"))
    assert any("while on call 0" in p for p in problems)
    assert any("infectious call 1 got regular ambulance" in p for p in problems)
    assert any("call 1 diverted while served" in p for p in problems)


def test_invariants_catch_overfull_beds_and_jobs_out_of_order():
    rows = _log(
        *STATIONED,
        (1.0, EventKind.CALL_RECEIVED, None, "V1", None, None, 1, 0, 0.0, "routine"),
        (1.0, EventKind.AMBULANCE_DISPATCHED, "S/amb1", "V1", "S", None, None, 0, 5.0),
        (6.0, EventKind.AMBULANCE_LEFT_SCENE, "S/amb1", "V1", "H", None, None, 0, 5.0),
        (7.0, EventKind.AMBULANCE_ARRIVED_SCENE, "S/amb1", "V1", None, None, None, 0, None),
        (9.0, EventKind.PATIENT_ADMITTED, "S/amb1", "V1", "H", None, 1, 0, None, "general"),
        (9.0, EventKind.PATIENT_ADMITTED, "S/amb1", "V1", "H", None, 1, 0, None, "general"),
    )
    problems = invariants.check_all(rows, load_scenario("tiny"))
    assert any("out of order" in p for p in problems)
    assert any("occupancy 3 outside 0..2 beds" in p for p in problems)
