"""Saved results -> the tables the figures need. Reads a result folder; never runs the model.

One kind of folder (sim/experiment/store.py): a sweep's, or a run's, which is a sweep of one case
(`base`). manifest.json names the cases and the baseline; cases/CASE/manifest.json holds each
case's configuration; reps.csv, summary.csv, villages.parquet, relief_curves.parquet,
calls.parquet hold every case; a sweep adds cases.csv (cost, P(holds), frontier). The event log
is events.parquet (a run's) or the baseline's event parts (a sweep's, run.keep_events=true).
The maps and labels come from the folder's copy of the baseline's scenario (scenario/), so a
result folder reports after its scenario folder was moved, changed or deleted. Older folders:
a sweep without the copy is drawn from its scenario folder where it is now, with a one-line
note; a run folder of the format before runs were sweeps of one case is refused, naming the
command that makes it again.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from sim import outdir
from sim.errors import InputError, Problem
from sim.results import metrics, verdict
from sim.results.result_files import (
    DAMAGED,
    SCENARIO_COPY,
    CaseManifest,
    SweepManifest,
    load_json,
    read_csv,
    read_json,
    read_parquet,
    relief_columns,
)
from sim.scenario import Scenario, load
from sim.settings import Settings, TargetSettings


@dataclass
class Results:
    """One run or sweep directory, read once."""

    dir: Path
    kind: str  # "run" (one case, no comparison of cases) or "sweep"
    settings: Settings  # of the run, or of the sweep's baseline case
    scenario: Scenario
    reps: pd.DataFrame
    summary: pd.DataFrame
    villages: pd.DataFrame
    events: pd.DataFrame | None = None
    calls: pd.DataFrame | None = None
    curves: pd.DataFrame | None = None  # relief curves (relief_curves.parquet)
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

    def team_label(self, team_id: str, lang: str) -> str:
        """A team as a reader knows it: its kind and its base's name (TM_SEMI_T100 -> 临江镇
        半专业救援队 / Semi-professional team, 临江镇), numbered where one base has several of a
        kind; a kind without a translation keeps its key."""
        from sim.report.i18n import TEXT, text

        teams = {t.id: t for t in self.scenario.teams}
        team = teams.get(team_id)
        if team is None:
            return team_id
        place = self.place_names.get(team.base_place_id, team.base_place_id)
        key = f"team_kind.{team.kind}"
        kind = text(key, lang) if key in TEXT else team.kind
        label = f"{place}{kind}" if lang == "zh" else f"{kind}, {place}"
        same = [
            t.id for t in self.scenario.teams if (t.kind, t.base_place_id) == (team.kind, team.base_place_id)
        ]
        return label if len(same) == 1 else f"{label} {same.index(team_id) + 1}"

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
        """The verdict records of one case (the run's, or the sweep's baseline): sim/results/verdict.py's
        rule, with worst townships by name and main cause, as the terminal prints them."""
        return verdict.verdicts(
            self.summary,
            self.settings.targets,
            self.villages,
            self.calls,
            verdict.township_names(self.scenario.places),
            case=case or self.main_case,
        )

    def source_fields(self, lang: str) -> dict[str, Any]:
        return {
            "scenario": self.scenario_label(lang),
            "hazard": self.hazard_label(lang),
            "n": self.n_reps,
            "date": self.meta.get("date", ""),
        }

    def scenario_label(self, lang: str) -> str:
        """The scenario's name for a reader: scenario.yaml `title` in `lang`, else its folder name."""
        title = self.scenario.meta.get("title")
        return str(title[lang]) if isinstance(title, dict) and lang in title else self.scenario.name

    def hazard_label(self, lang: str) -> str:
        """The hazard's name for a reader: its `label` in `lang`, else its file name."""
        label = self.settings.hazard.label
        return getattr(label, lang) if label is not None else self.settings.hazard.name

    def case_label(self, case: str, lang: str) -> str:
        """A sweep case's name for a reader: the experiment's `label` in `lang` (kept in
        cases/CASE/manifest.json), else the case's name."""
        labels = self.meta.get("case_labels")
        if labels is None:
            labels = {}
            for name in self.case_names if self.kind == "sweep" else ():
                path = self.dir / "cases" / outdir.safe_name(name, "case") / "manifest.json"
                label = read_json(path, CaseManifest).label if path.is_file() else None
                if label is not None:
                    labels[name] = label
            self.meta["case_labels"] = labels
        return str(labels.get(case, {}).get(lang, case))

    def target_label(self, name: str, lang: str) -> str:
        """A target's name for a reader: its `label` in `lang`, else its key (relief_10h)."""
        label = getattr(self.settings.targets.get(name), "label", None)
        return getattr(label, lang) if label is not None else name


def _parquet(path: Path, kind: str) -> pd.DataFrame | None:
    """An optional table (events, calls, relief curves): None when absent, checked when present."""
    return read_parquet(path, kind, min_rows=0) if path.is_file() else None


def _sweep_events(root: Path, case: str) -> pd.DataFrame | None:
    """A sweep keeps event logs per replication (run.keep_events=true): the baseline's, joined."""
    parts = sorted((root / "parts" / case).glob("rep-*.events.parquet"))
    frames = [read_parquet(p, "events.parquet", min_rows=0) for p in parts]
    return pd.concat(frames, ignore_index=True) if frames else None


def _settings(config: dict[str, Any], path: Path, commit: str | None = None) -> Settings:
    """The configuration a manifest holds, checked as any configuration, the file named. Keys
    this version needs that the configuration lacks mean an older drsim made the run."""
    try:
        return Settings.from_dict(config)
    except InputError as exc:
        if exc.problems and all("required key is missing" in p.rule for p in exc.problems):
            made_by = f" (drsim commit {commit[:10]})" if commit else ""
            raise InputError(
                exc.problems,
                heading=f"{path}: made by an older drsim{made_by} whose configuration lacks keys this "
                "version needs; report it with that version, or run it again",
            ) from None
        raise InputError(exc.problems, heading=f"{DAMAGED}: the configuration in {path}") from None


def _date(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).strftime("%Y-%m-%d")


def _scenario(root: Path, case: CaseManifest, settings: Settings, case_path: Path) -> Scenario:
    """The scenario the results were made with: the folder's copy (checked against the files the
    case manifest lists), or, in a folder made before the copy, the scenario folder where the
    case manifest says it was (a note says so)."""
    copy = root / SCENARIO_COPY
    if copy.is_dir():
        have, want = outdir.folder_sha256(copy), case.scenario.files_sha256
        differ = sorted(name for name in have.keys() | want.keys() if have.get(name) != want.get(name))
        if differ:
            raise InputError(
                [
                    Problem(
                        str(copy / name),
                        "missing" if name not in have else ("not listed" if name not in want else "changed"),
                        f"the scenario copy must hold the files {case_path} lists, unchanged (SHA-256)",
                    )
                    for name in differ
                ],
                heading=DAMAGED,
            )
        return load(copy, settings.scenario)
    where = Path(case.scenario.data_dir)
    if not where.is_dir():
        raise InputError(
            Problem(
                str(root),
                str(where),
                f"holds no copy of its scenario ({SCENARIO_COPY}/: made by an older drsim) and the "
                "scenario folder it was made from is gone: put it back there, or run the case again",
            )
        )
    print(
        f"drsim report: note: {root} holds no copy of its scenario (made by an older drsim): maps "
        f"and names come from {where} as it is now",
        file=sys.stderr,
    )
    return load(where, settings.scenario)


def _old_run(path: Path) -> None:
    """Refuse a run folder of the format before runs were sweeps of one case, saying how to make
    it again (a run is reproducible: the same command gives the same tables)."""
    data = load_json(path)
    if isinstance(data, dict) and "cases" not in data and isinstance(data.get("replications"), list):
        command = data.get("command")
        again = (
            " ".join(command)
            if isinstance(command, list) and all(isinstance(c, str) for c in command)
            else ""
        )
        raise InputError(
            Problem(
                str(path),
                "no cases",
                "a run folder of an older drsim (before a run was a sweep of one case); this drsim "
                "reads the new format only: run it again"
                + (f" with `{again}` (same seed, same tables)" if again else ""),
            )
        )


def load_results(directory: str | Path) -> Results:
    """Read a result folder (a run or a sweep); InputError naming the folder if it is neither."""
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
    _old_run(manifest_path)
    is_sweep = (root / "cases.csv").is_file()
    sweep = read_json(manifest_path, SweepManifest)
    baseline = sweep.baseline
    case_path = root / "cases" / outdir.safe_name(baseline, f"{manifest_path} key baseline") / "manifest.json"
    case_manifest = read_json(case_path, CaseManifest)
    meta: dict[str, Any] = {
        "date": _date(manifest_path),
        "command": sweep.command,
        "baseline": baseline,
        "focus_target": sweep.focus_target,
        "experiment": sweep.experiment,
    }
    settings = _settings(case_manifest.config, case_path, case_manifest.code.git_commit)
    scenario = _scenario(root, case_manifest, settings, case_path)
    villages = read_parquet(root / "villages.parquet", "villages.parquet", relief_columns(settings.targets))
    if not any(c.endswith("_late_cause") for c in villages.columns):
        villages = metrics.add_late_causes(villages, settings.targets)
    reps = read_csv(root / "reps.csv", "reps.csv")
    for name, frame in (("reps.csv", reps), ("villages.parquet", villages)):
        if baseline not in set(frame["case"]):
            raise InputError(
                Problem(
                    str(root / name),
                    baseline,
                    f"has no rows of case {baseline} (the manifest's): not this folder's",
                ),
                heading=DAMAGED,
            )
    events = _parquet(root / "events.parquet", "events.parquet")
    return Results(
        dir=root,
        kind="sweep" if is_sweep else "run",
        settings=settings,
        scenario=scenario,
        reps=reps,
        summary=read_csv(root / "summary.csv", "summary.csv"),
        villages=villages,
        events=events if events is not None else _sweep_events(root, baseline),
        calls=_parquet(root / "calls.parquet", "calls.parquet"),
        curves=_parquet(root / "relief_curves.parquet", "relief_curves.parquet"),
        cases=read_csv(root / "cases.csv", "cases.csv") if is_sweep else None,
        meta=meta,
    )
