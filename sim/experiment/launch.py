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
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pandas as pd

from sim import outdir
from sim.config import compose, config_dir, resolve_data_dir
from sim.errors import InputError, Problem

if TYPE_CHECKING:
    from sim.experiment.aggregate import SweepResult
    from sim.experiment.spec import ExperimentSpec
    from sim.experiment.sweep import Progress
    from sim.experiment.units import Case
    from sim.settings import Settings


class RunDone(NamedTuple):
    """What `drsim run` prints after its folder is written."""

    summary: pd.DataFrame
    settings: Settings
    verdicts: list[dict[str, Any]]  # one per target (sim/results/verdict.py)


def run_folder(config: dict[str, Any], out_dir: Path, argv: list[str], keep: tuple[str, ...] = ()) -> RunDone:
    """config dict -> settings -> scenario -> replications -> files; the summary is returned
    for the caller to print (sim/cli/terminal.py) or not (sim/api.py).

    The run folder is written whole into a temporary folder and renamed into place (sim/outdir.py):
    an existing run folder is replaced, anything else that holds files is refused. `keep`:
    entries a Hydra multirun job folder already holds (Hydra's own), carried over."""
    from sim.experiment import runner, sweep
    from sim.experiment.executors import check_executor, make_run_executor
    from sim.experiment.units import unit_scenario
    from sim.settings import Settings

    settings = Settings.from_dict(config)
    run = settings.run
    check_executor(run.executor, run.workers, run.address, run.workers_force)
    outdir.check(out_dir, "run", replace=True, where="hydra.run.dir", keep=keep)  # before any work
    spec, case = sweep.one_case(config, settings, resolve_data_dir(settings.scenario.dir))
    scen = unit_scenario(case.data_dir, settings)
    untested = runner.preflight(scen, settings)
    runner.check_resources(scen, settings, run.workers or 1)  # the event log is kept whole at the end
    print(
        f"drsim: {scen.name} / {settings.hazard.name}, {run.reps} replications, "
        f"horizon {run.horizon_h:g} h, seed {run.seed}",
        file=sys.stderr,
    )
    _warn_untested(untested, settings)
    with outdir.staged(out_dir, "run", replace=True, where="hydra.run.dir", keep=keep) as stage:
        executor = make_run_executor(run.executor, run.workers, run.address)
        done = sweep.run_one(spec, case, stage, argv, executor, runner.RepProgress(run.progress), untested)
    return RunDone(done.summary, settings, done.answers.verdicts)


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
    from sim.experiment.units import Case
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
    return Case(
        name=case.name,
        description=case.description,
        label=case.label,
        settings=settings,
        config=config,
        overrides=tuple(experiment.case_overrides(case)),
        data_dir=str(resolve_data_dir(settings.scenario.dir).resolve()),
    )
