"""The public API for notebooks and scripts: run a case, load saved results, draw the plan's charts.

    from sim import api
    res = api.run(["scenario=zhangshu", "run.reps=30"], out="outputs/nb")   # -> Results
    res = api.load("outputs/2026-11-22/...")          # a saved run or sweep directory
    print(api.verdict(res))                            # the verdict block, as drsim run prints it
    sw = api.sweep(["experiment=tiny_budget"], out="outputs/sw")  # a sweep of budget cases
    api.summary(res)                                   # P(holds) and shares with intervals
    fig = api.figure("relief_curves", res, lang="zh")  # any name in api.FIGURES
    api.report("outputs/...", langs=("zh",), formats=("png",))

Everything goes through the same path as the command line (`drsim run`, `drsim sweep`,
`drsim report`): the command line calls the functions this module calls (sim/config.py,
sim/experiment/launch.py), never the reverse, so the API sits below it.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pandas as pd

from sim.report import build as report
from sim.report.data import Results
from sim.report.data import load_results as load
from sim.report.figures import FIGURES

__all__ = ["FIGURES", "Results", "figure", "load", "report", "run", "summary", "sweep", "verdict"]


def run(overrides: list[str], out: str | Path, quiet: bool = True) -> Results:
    """`drsim run OVERRIDES` into the folder `out` (replaced if it holds a run), then load it.
    A mistake in the overrides or the scenario raises `sim.errors.InputError`."""
    from sim.config import compose
    from sim.experiment.launch import run_folder

    config, _ = compose(list(overrides))
    sink = io.StringIO()
    with contextlib.ExitStack() as stack:
        if quiet:
            stack.enter_context(contextlib.redirect_stdout(sink))
            stack.enter_context(contextlib.redirect_stderr(sink))
        run_folder(config, Path(out), ["drsim", "run", *overrides])
    return load(out)


def sweep(overrides: list[str], out: str | Path, quiet: bool = True) -> Results:
    """`drsim sweep OVERRIDES` (name the experiment: `experiment=NAME`) into the folder `out`
    (resumed when it holds the same sweep), then load it. A mistake in the overrides raises
    `sim.errors.InputError`; a sweep that did not complete raises RuntimeError (its message is
    what the sweep printed)."""
    from sim.experiment.launch import compose_sweep, run_sweep

    args = [*overrides, f"hydra.run.dir={Path(out)}"]
    spec, cases, folder = compose_sweep(args, " ".join(args))
    sink = io.StringIO()
    with contextlib.ExitStack() as stack:
        if quiet:
            stack.enter_context(contextlib.redirect_stdout(sink))
            stack.enter_context(contextlib.redirect_stderr(sink))
        result = run_sweep(spec, cases, folder, ["drsim", "sweep", *args])
    if result.exit_code != 0:
        raise RuntimeError(f"drsim sweep exited {result.exit_code}:\n{sink.getvalue()}")
    return load(out)


def summary(res: Results, kind: str = "target") -> pd.DataFrame:
    """The summary rows of one kind (target, kpi, late_cause) for every case."""
    return res.summary[res.summary["kind"] == kind].reset_index(drop=True)


def verdict(res: Results, case: str | None = None) -> str:
    """The verdict block of one case (the run's, or the sweep's baseline): one line per target,
    HOLDS / FAILS / UNDECIDED / NOT TESTED, with worst townships and main cause (sim/results/verdict.py),
    as `drsim run` prints it."""
    from sim.results.verdict import verdict_lines

    return "\n".join(verdict_lines(res.verdicts(case), res.settings.targets))


def figure(name: str, res: Results, lang: str = "zh"):
    """One of the plan's figures (a matplotlib Figure) for these results."""
    return FIGURES[name](res, lang)
