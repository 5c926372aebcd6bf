"""Starting experiments from a composed configuration, for the command line and the API alike.

`run_folder` is `drsim run`'s pipeline: config dict -> settings -> scenario -> replications ->
tables -> a result folder written whole (sim/outdir.py), returning the summary for the caller
to print. `compose_sweep` composes every case of an experiment (`drsim sweep`): the
experiment's overrides, then each case's, each case checked into Settings before anything
runs. sim/cli/ prints around them; sim/api.py calls them quietly. What it leaves out: where
replications run and how a sweep resumes (sim/experiment/sweep.py).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pandas as pd

from sim import outdir
from sim.config import compose, config_dir, resolve_data_dir
from sim.errors import InputError, Problem

if TYPE_CHECKING:
    from sim.experiment.spec import ExperimentSpec
    from sim.experiment.sweep import Case, Progress, SweepResult
    from sim.settings import Settings


class RunDone(NamedTuple):
    """What `drsim run` prints after its folder is written."""

    summary: pd.DataFrame
    settings: Settings
    verdicts: list[dict[str, Any]]  # one per target (sim/results/verdict.py)


SWEEP_ONLY_KEYS = ("executor", "workers", "workers_force", "address", "halfwidth", "max_reps")


def refuse_sweep_keys(run: Any) -> None:
    """`drsim run` runs its replications one after another in this process: a key that only a
    sweep reads (where replications run, sequential stopping) is refused by name rather than
    ignored, so nobody believes a run used 7 workers or stopped at a half-width."""
    from sim.settings import RunSettings

    problems = [
        Problem(
            f"run.{key}",
            str(getattr(run, key)),
            "only drsim sweep reads it (drsim run runs its replications in this process, "
            f"run.reps of them); leave it {_yaml_word(RunSettings.model_fields[key].default)} or "
            "run the case as an experiment with drsim sweep",
        )
        for key in SWEEP_ONLY_KEYS
        if getattr(run, key) != RunSettings.model_fields[key].default
    ]
    if problems:
        raise InputError(problems, heading="drsim run cannot use these settings")


def _yaml_word(value: Any) -> str:
    return {None: "unset (null)", False: "false", True: "true"}.get(value, f"at {value}")


def run_folder(config: dict[str, Any], out_dir: Path, argv: list[str], keep: tuple[str, ...] = ()) -> RunDone:
    """config dict -> settings -> scenario -> replications -> files; the summary is returned
    for the caller to print (sim/cli/terminal.py) or not (sim/api.py).

    The run folder is written whole into a temporary folder and renamed into place (sim/outdir.py):
    an existing run folder is replaced, anything else that holds files is refused. `keep`:
    entries a Hydra multirun job folder already holds (Hydra's own), carried over."""
    from sim.experiment import runner
    from sim.results import metrics
    from sim.settings import Settings

    started = time.perf_counter()
    settings = Settings.from_dict(config)
    refuse_sweep_keys(settings.run)
    outdir.check(out_dir, "run", replace=True, where="hydra.run.dir", keep=keep)  # before any work
    scen = runner.scenario_for(resolve_data_dir(settings.scenario.dir), settings)
    untested = runner.preflight(scen, settings)
    runner.check_resources(scen, settings)  # drsim run keeps every replication's tables until the end
    print(
        f"drsim: {scen.name} / {settings.hazard.name}, {settings.run.reps} replications, "
        f"horizon {settings.run.horizon_h:g} h, seed {settings.run.seed}",
        file=sys.stderr,
    )
    _warn_untested(untested, settings)
    result = runner.run_case(scen, settings, progress=runner.progress_printer(settings.run.progress))
    summary = metrics.summarise(result.reps, settings.targets)
    answers = runner.answers_for(result, summary, settings, scen, untested)
    man = runner.manifest(settings, config, result, scen, time.perf_counter() - started, argv)
    with outdir.staged(out_dir, "run", replace=True, where="hydra.run.dir", keep=keep) as stage:
        runner.write_run(stage, result, summary, man, answers)
    return RunDone(summary, settings, answers.verdicts)


def _warn_untested(untested: dict[str, str], settings: Any) -> None:
    """Say loudly which targets the run cannot test (sim/results/coverage.py). The queueing check mode
    compares queueing figures with theory and prints no verdict: its targets are not the point."""
    from sim.results.coverage import warning_lines

    if settings.ems.mode != "mmc":
        for line in warning_lines(untested):
            print(f"drsim: {line}", file=sys.stderr)


def compose_sweep(overrides: list[str], command_line: str) -> tuple[ExperimentSpec, list[Case], Path]:
    """(experiment spec, its cases, the sweep folder) of `drsim sweep OVERRIDES`: the folder is
    claimed and the executor checked (refused now, if at all) but nothing is made;
    `command_line` names the arguments in a message when no experiment is named."""
    from sim.experiment import spec as experiment
    from sim.experiment.executors import check_executor

    chosen = [o.split("=", 1)[1] for o in overrides if o.startswith("experiment=")]
    if not chosen:
        names = sorted(p.stem for p in (config_dir() / "experiment").glob("*.yaml"))
        raise InputError(
            Problem(
                "command line", command_line, f"name the experiment: experiment=NAME ({', '.join(names)})"
            )
        )
    base, _ = compose(overrides)
    spec = experiment.parse(base.get("experiment"), f"configs/experiment/{chosen[-1]}.yaml")
    explicit_dir = [o.split("=", 1)[1] for o in overrides if o.startswith("hydra.run.dir=")]
    out = Path(explicit_dir[-1]) if explicit_dir else Path("sweeps") / spec.name
    outdir.claim(explicit_dir[-1] if explicit_dir else out, "sweep", create=False)  # refused now, if at all
    cases = [sweep_case(spec, case, overrides) for case in spec.cases]
    run = cases[0].settings.run
    check_executor(run.executor, run.workers, run.address, run.workers_force)  # before any folder is made
    return spec, cases, out


def run_sweep(
    spec: ExperimentSpec, cases: list[Case], out: Path, argv: list[str], progress: Progress | None = None
) -> SweepResult:
    """The cases of `compose_sweep` through sim/experiment/sweep.py, on the executor their run
    settings name; returns the SweepResult (exit_code 0 complete, 3 incomplete)."""
    from sim.experiment import sweep
    from sim.experiment.executors import make_executor

    run = cases[0].settings.run
    return sweep.run_sweep(
        spec, cases, out, argv, lambda: make_executor(run.executor, run.workers, run.address), progress
    )


def sweep_case(spec, case, overrides: list[str]):
    from sim.experiment import spec as experiment
    from sim.experiment import sweep
    from sim.scenario.safe_yaml import forbidden_keys
    from sim.settings import Settings

    config, _ = compose([*overrides, *experiment.case_overrides(case)])
    config.pop("experiment", None)
    config = experiment.with_inline_changes(config, case)
    bad = forbidden_keys(config)
    if bad:
        raise InputError(
            [
                Problem(f"case {case.name}, config key {k}", k, "instantiation keys are not allowed")
                for k in bad
            ]
        )
    try:
        settings = Settings.from_dict(config)
    except InputError as exc:
        raise InputError(exc.problems, heading=f"case {case.name}: {exc.heading}") from None
    return sweep.Case(
        name=case.name,
        description=case.description,
        settings=settings,
        config=config,
        overrides=tuple(experiment.case_overrides(case)),
        data_dir=str(resolve_data_dir(settings.scenario.dir).resolve()),
    )
