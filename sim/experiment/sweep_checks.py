"""The checks before a sweep does any work: its cases can be compared, its folder resumed.

`check_cases`: every case shares the run settings and the targets, the focus target is a
configured one, and each case's scenario loads and passes the runner's preflight and resource
checks (a target a case cannot test becomes a note). `check_resume`: an existing folder is
resumed only by the same cases on the same scenario files, and only when every file it will
read is drsim's and whole. Each raises one InputError naming the files, keys and rules.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sim import outdir
from sim.errors import InputError, Problem
from sim.experiment import runner
from sim.experiment.spec import ExperimentSpec, identity
from sim.experiment.store import SweepStore
from sim.experiment.units import Case
from sim.results import result_files


def check_cases(spec: ExperimentSpec, cases: list[Case], notes: list[str] | None = None) -> str:
    """Everything that would stop the sweep, found before any work; returns the focus target.
    `notes` receives a line per target a case cannot test (sim/results/coverage.py)."""
    first = cases[0].settings
    problems = []
    for case in cases[1:]:
        if case.settings.run != first.run:
            problems.append(Problem(f"case {case.name}", "run.*", "every case must share the run settings"))
        if case.settings.targets != first.targets:
            problems.append(Problem(f"case {case.name}", "targets.*", "every case must share the targets"))
    focus = spec.focus_target or list(first.targets)[-1]
    if focus not in first.targets:
        problems.append(
            Problem(
                "experiment key focus_target",
                focus,
                f"not a configured target ({', '.join(first.targets)})",
            )
        )
    if problems:
        raise InputError(problems, heading="the experiment's cases cannot be compared")
    by_reason: dict[tuple[str, str], list[str]] = {}
    for case in cases:
        try:
            scen = runner.scenario_for(Path(case.data_dir), case.settings)
            untested = runner.preflight(scen, case.settings)
            run = case.settings.run  # a sweep's workers hold one replication each
            local = run.executor == "local" or run.address is None
            workers = (run.workers or os.cpu_count() or 1) if local else 1
            runner.check_resources(scen, case.settings, workers, keeps_every_rep=False)
        except InputError as exc:
            raise InputError(exc.problems, heading=f"case {case.name}: {exc.heading}") from None
        for t, why in untested.items():
            by_reason.setdefault((t, why), []).append(case.name)
    if notes is not None:
        for (t, why), names in by_reason.items():
            which = "every case" if len(names) == len(cases) else "case " + ", ".join(names)
            notes.append(f"target {t} is NOT TESTED in {which}: {why}")
    return focus


RESUME_HINT = (
    "without it the sweep cannot tell which configuration its replications ran with: restore the "
    "file, or start the sweep in a new hydra.run.dir"
)


def check_resume(store: SweepStore, spec: ExperimentSpec, cases: list[Case]) -> None:
    """An existing sweep directory may only be resumed by the same cases on the same data, and
    only when every file it will read is drsim's and whole (sim/results/result_files.py): the manifest,
    each case manifest, each part. Checked before anything is written."""
    store.sessions()
    for case in cases:
        store.finished(case.name, case.settings.run.keep_events)
    problems = []
    for case in cases:
        path = store.case_manifest(case.name)
        if not path.is_file():
            continue
        old = result_files.read_json(path, result_files.CaseManifest, RESUME_HINT)
        if old.identity_sha256 != case.identity_sha256:
            diff = _differing_keys(identity(old.config), identity(case.config))
            problems.append(
                Problem(
                    f"{path}",
                    ", ".join(diff[:6]) or "configuration",
                    "this directory holds case "
                    f"{case.name} run with a different configuration; resume with the same settings "
                    "(only run.reps and execution keys may change), or choose another hydra.run.dir",
                )
            )
        elif old.scenario.files_sha256 != outdir.folder_sha256(case.data_dir):
            problems.append(
                Problem(
                    f"{path}",
                    case.data_dir,
                    "the scenario files changed since this sweep started; results would mix two data "
                    "sets: choose another hydra.run.dir",
                )
            )
    if problems:
        raise InputError(problems, heading=f"cannot resume the sweep in {store.root}")


def _differing_keys(a: Any, b: Any, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b), key=str):
            out += _differing_keys(a.get(key), b.get(key), f"{path}.{key}" if path else str(key))
        return out
    return [] if a == b else [path or "(root)"]
