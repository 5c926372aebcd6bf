"""Saved results -> the tables the figures need. Reads a run or a sweep directory; never runs the model.

A run directory (`drsim run`) has manifest.json, reps.csv, summary.csv, villages.parquet,
relief_curves.parquet and, when kept, events.parquet, calls.parquet, hospitals.parquet. A sweep
directory (`drsim sweep`)
has the same aggregate tables for every case plus cases.csv (cost, P(holds), frontier) and
townships.csv; its scenario and configuration are in cases/CASE/manifest.json.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from sim import metrics, verdict
from sim.errors import InputError, Problem
from sim.scenario import Scenario, load
from sim.settings import Settings, TargetSettings

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Results:
    """One run or sweep directory, read once."""

    dir: Path
    kind: str  # "run" or "sweep"
    settings: Settings  # of the run, or of the sweep's baseline case
    scenario: Scenario
    reps: pd.DataFrame
    summary: pd.DataFrame
    villages: pd.DataFrame
    events: pd.DataFrame | None = None
    calls: pd.DataFrame | None = None
    curves: pd.DataFrame | None = None  # relief curves (relief_curves.parquet; runs only)
    cases: pd.DataFrame | None = None  # sweep decision table (cases.csv)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def targets(self) -> dict[str, TargetSettings]:
        return metrics.relief_targets(self.settings.targets)

    @property
    def case_targets(self) -> list[str]:
        """(sweep) The targets the case table and chart compare: the relief targets, and the
        sweep's focus target when it is of another kind (an EMS sweep's ems_response)."""
        names = list(self.targets)
        focus = self.meta.get("focus_target")
        if focus and focus not in names and focus in self.settings.targets:
            names.append(focus)
        return names

    @property
    def place_names(self) -> dict[str, str]:
        """place id -> name, for every label a person reads (ids stay in files and joins)."""
        return {p.id: p.name for p in self.scenario.places}

    def team_label(self, team_id: str) -> str:
        """A team's id with its base place's id replaced by that place's name (TM_SEMI_T100 ->
        TM_SEMI_临江镇), so a chart names where the team is from."""
        base = {t.id: t.base_place_id for t in self.scenario.teams}.get(team_id)
        name = self.place_names.get(base or "")
        return team_id.replace(base, name) if base and name and base in team_id else team_id

    @property
    def n_reps(self) -> int:
        return int(self.reps.groupby("case")["rep"].nunique().max())

    @property
    def case_names(self) -> list[str]:
        return list(dict.fromkeys(self.reps["case"]))

    @property
    def main_case(self) -> str:
        """The case single-case figures show: the run's, or the sweep's baseline."""
        return str(self.meta.get("baseline") or self.case_names[0])

    def verdicts(self, case: str | None = None) -> list[dict[str, Any]]:
        """The verdict records of one case (the run's, or the sweep's baseline): sim/verdict.py's
        rule, with worst townships by name and main cause, as the terminal prints them."""
        return verdict.verdicts(
            self.summary,
            self.settings.targets,
            self.villages,
            self.calls,
            verdict.township_names(self.scenario.places),
            case=case or self.main_case,
        )

    def source_fields(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.name,
            "hazard": self.settings.hazard.name,
            "n": self.n_reps,
            "date": self.meta.get("date", ""),
        }


def _scenario_dir(path: str) -> Path:
    p = Path(path)
    if p.is_absolute() or p.exists():
        return p
    return PROJECT_ROOT / p


def _json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(Problem(str(path), type(exc).__name__, f"unreadable ({exc})")) from None


def _parquet(path: Path) -> pd.DataFrame | None:
    return pd.read_parquet(path) if path.is_file() else None


def _sweep_events(root: Path, case: str) -> pd.DataFrame | None:
    """A sweep keeps event logs per replication (run.keep_events=true): the baseline's, joined."""
    parts = sorted((root / "parts" / case).glob("rep-*.events.parquet"))
    return pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True) if parts else None


def _date(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).strftime("%Y-%m-%d")


def load_results(directory: str | Path) -> Results:
    """Read a run or sweep directory; InputError naming the directory if it is neither."""
    root = Path(directory)
    manifest_path = root / "manifest.json"
    missing = [
        name for name in ("manifest.json", "reps.csv", "villages.parquet") if not (root / name).is_file()
    ]
    if missing:
        raise InputError(
            Problem(
                str(root), ", ".join(missing), "not a finished drsim run or sweep directory (file missing)"
            )
        )
    manifest = _json(manifest_path)
    is_sweep = (root / "cases.csv").is_file()
    meta: dict[str, Any] = {"date": _date(manifest_path), "command": manifest.get("command")}
    if is_sweep:
        baseline = manifest.get("baseline") or manifest["cases"][0]["name"]
        case_manifest = _json(root / "cases" / baseline / "manifest.json")
        config = case_manifest["config"]
        scen_dir = case_manifest["scenario"]["data_dir"]
        meta |= {
            "baseline": baseline,
            "focus_target": manifest.get("focus_target"),
            "experiment": manifest.get("experiment"),
        }
    else:
        config = manifest["config"]
        scen_dir = manifest["scenario"]["dir"]
    settings = Settings.from_dict(config)
    scenario = load(_scenario_dir(scen_dir), settings.scenario)
    villages = pd.read_parquet(root / "villages.parquet")
    if not any(c.endswith("_late_cause") for c in villages.columns):
        villages = metrics.add_late_causes(villages, settings.targets)
    return Results(
        dir=root,
        kind="sweep" if is_sweep else "run",
        settings=settings,
        scenario=scenario,
        reps=pd.read_csv(root / "reps.csv"),
        summary=pd.read_csv(root / "summary.csv"),
        villages=villages,
        events=_parquet(root / "events.parquet") if not is_sweep else _sweep_events(root, meta["baseline"]),
        calls=_parquet(root / "calls.parquet"),
        curves=_parquet(root / "relief_curves.parquet"),
        cases=pd.read_csv(root / "cases.csv") if is_sweep else None,
        meta=meta,
    )
