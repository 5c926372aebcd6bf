"""Monte Carlo sweeps: every case of an experiment x N replications, resumable, with provenance.

The coordinator: `run_sweep` (`drsim sweep`, and each stage of a sensitivity study) and `run_one`
(`drsim run`) check the cases, run every missing replication on an executor through `run_units`
(the one loop, saving each replication as it comes), then aggregate the parts on disk and write
the manifests. Its rooms, each a module of sim/experiment/:

    units.py          Case, Unit and the worker side (run_unit: one replication -> its parts)
    store.py          the sweep directory (SweepStore): its files, each part written atomically
    sweep_checks.py   before any work: the cases comparable, a folder's resume allowed
    stopping.py       sequential stopping (run.halfwidth): the widest Wilson half-width
    aggregate.py      every table from the parts on disk; Session in, SweepResult out
    manifests.py      manifest.json and cases/CASE/manifest.json (provenance)
    replay.py         `drsim replay`: one replication again, compared with its stored part

Never losing work: only the coordinator writes, each part atomically (a temporary
file, then `os.replace`), the event part before the village part, so a village part
on disk means the replication is finished. Running the same command again on the
directory runs only the missing replications (a damaged part is removed and run
again); a sweep killed at any moment (even `kill -9`) resumes to the same aggregate,
byte for byte, because the aggregate is always built from the parts on disk. A
replication that raises is written to failures.jsonl at once and counted; the sweep
then ends incomplete (exit code 3) and the next run tries it again.

`drsim run` is an experiment of one case (`run_one`, case `base`) through the same units,
executor, store and aggregate, into a staged folder (sim/outdir.py): the same files, plus the
event log whole (events.parquet) and the planner's answers (villages.csv, townships.csv)
instead of the comparison of cases; its parts are removed once aggregated, since a run is
never resumed (running it again replaces it).
"""

from __future__ import annotations

import contextlib
import json
import math
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from sim import outdir
from sim.experiment import budget, runner
from sim.experiment.aggregate import Session, SweepResult, aggregate, write_summary
from sim.experiment.executors import Executor
from sim.experiment.manifests import write_case_manifest, write_manifests
from sim.experiment.spec import CaseSpec, ExperimentSpec
from sim.experiment.stopping import RepOutcomes, max_reps, widest_halfwidth
from sim.experiment.store import SweepStore
from sim.experiment.sweep_checks import check_cases, check_resume
from sim.experiment.units import Case, Unit, UnitResult, batches, run_batch, unit_scenario
from sim.settings import Settings

RUN_CASE = "base"  # the one case of `drsim run`


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Progress(Protocol):
    """What the sweep tells about its progress (sim/cli/sweep_text.py ProgressBar draws it)."""

    def start(self, left: dict[str, int], total: int, reps: int) -> None: ...
    def tick(self, case: str, ok: bool) -> None: ...
    def finish(self) -> None: ...


def run_units(store: SweepStore, cases: list[Case], executor: Executor, progress: Progress | None) -> Session:
    """Run every replication of `cases` missing from the store on `executor`, saving each as it
    comes, in rounds when the run settings ask for sequential stopping (run.halfwidth). The one
    loop of `drsim sweep` and `drsim run`; failures are recorded, never raised."""
    run = cases[0].settings.run
    limit = max_reps(cases[0].settings)
    n = run.reps
    failures: dict[tuple[str, int], dict[str, Any]] = {}
    description = "none needed (every replication was on disk)"
    ran = 0
    broken = False
    rounds: list[dict[str, Any]] = []
    outcomes = RepOutcomes(store)
    while True:
        done = {c.name: store.finished(c.name, c.settings.run.keep_events) for c in cases}
        # Case by case: a task's replications share their case's scenario, which each
        # worker loads once (unit_scenario) even when the cases outnumber its cache (a
        # sensitivity study's hundreds of design points). The order never changes a result.
        todo = [
            Unit(c.name, r, c.settings, c.data_dir)
            for c in cases
            for r in range(n)
            if r not in done[c.name] and (c.name, r) not in failures
        ]
        if todo:
            description = executor.description
            if progress is not None:
                left = {c.name: 0 for c in cases}
                for unit in todo:
                    left[unit.case] += 1
                progress.start(left, len(cases) * n, n)
            with open(store.root / "progress.jsonl", "a", encoding="utf-8") as log:
                for batch, outcome in executor.map_unordered(run_batch, batches(todo, executor.workers)):
                    if isinstance(outcome, BaseException):
                        results = [_machinery_failure(unit, outcome) for unit in batch]
                        broken = True
                    else:
                        results = outcome
                    for res in results:
                        if res.ok:
                            store.save(res)
                            ran += 1
                        else:
                            record = _failure_record(res)
                            failures[(res.case, res.rep)] = record
                            store.append("failures.jsonl", record, durable=True)
                        log.write(json.dumps(_progress_record(res)) + "\n")
                        log.flush()
                        if progress is not None:
                            progress.tick(res.case, res.ok)
            if progress is not None:
                progress.finish()
        if run.halfwidth is None or broken:
            break
        widest, where = widest_halfwidth(outcomes, cases, n)
        rounds.append({"reps": n, "widest_halfwidth": round(widest, 6), "where": where})
        if widest <= run.halfwidth or n >= limit:
            break
        n = min(n + run.reps, limit)
    stopping = None
    if run.halfwidth is not None:
        last: dict[str, Any] = rounds[-1] if rounds else {"widest_halfwidth": math.nan, "where": ""}
        stopping = {
            "rule": "add run.reps replications per case per round until every target's Wilson 95% "
            "half-width is at most run.halfwidth in every case, or run.max_reps",
            "halfwidth": run.halfwidth,
            "max_reps": limit,
            "reps": n,
            "reached": bool(last["widest_halfwidth"] <= run.halfwidth),
            "rounds": rounds,
        }
    return Session(n, failures, ran, description, stopping)


def _closing(executor: Executor) -> contextlib.AbstractContextManager[None]:
    """Stop the executor's workers however the block ends: at once on Ctrl-C (they ignore
    SIGINT themselves), after their tasks otherwise."""

    @contextlib.contextmanager
    def block() -> Iterator[None]:
        try:
            yield
        except KeyboardInterrupt:
            executor.close(abort=True)
            raise
        finally:
            executor.close()

    return block()


def run_sweep(
    spec: ExperimentSpec,
    cases: list[Case],
    out: Path,
    argv: list[str],
    make_executor: Callable[[], Executor],
    progress: Progress | None = None,
) -> SweepResult:
    """Run what is missing, then aggregate everything on disk. Raises InputError before any
    work for a user's mistake; replication failures are recorded, never raised."""
    started = time.perf_counter()
    started_at = _now()
    for case in cases:  # each names folders under cases/ and parts/: a name, never a path
        outdir.safe_name(case.name, f"case {case.name!r} of experiment {spec.name}")
    store = SweepStore(out)
    untested: list[str] = []
    focus = check_cases(spec, cases, untested)
    for line in untested:
        print(f"drsim sweep: WARNING: {line}", file=sys.stderr)
    # The executor first: an unreachable scheduler or a worker that cannot start is refused
    # before the sweep folder is made or changed.
    executor = make_executor()
    with _closing(executor):
        outdir.claim(out, "sweep")  # a new or empty folder, or a sweep's: never another folder
        cost = _costs(cases)
        with store.locked():
            check_resume(store, spec, cases)
            store.clean_temp()
            _open_cases(store, cases, cost, _baseline(spec, cases).data_dir)
            session = run_units(store, cases, executor, progress)
            executor.close()  # every replication is on disk: free the workers before aggregating
            result = aggregate(store, spec, cases, session, cost, focus)
            result.notes += untested
            result.seconds = time.perf_counter() - started
            write_manifests(store, result, argv, started_at)
    return result


def _costs(cases: list[Case]) -> dict[str, budget.Cost]:
    """What each case's budget changes cost (an InputError names a missing unit cost)."""
    return {c.name: budget.cost(c.settings.budget.changes, c.settings.costs) for c in cases}


def _open_cases(
    store: SweepStore, cases: list[Case], cost: dict[str, budget.Cost], scenario_dir: str
) -> None:
    """Each case's manifest and the copy of the scenario the report draws from: what a run and
    a sweep write before their first replication."""
    for case in cases:
        write_case_manifest(store, case, cost[case.name], None)
    store.copy_scenario(scenario_dir)


def _baseline(spec: ExperimentSpec, cases: list[Case]) -> Case:
    return next(c for c in cases if c.name == spec.baseline)


def one_case(config: dict[str, Any], settings: Settings, data_dir: Path) -> tuple[ExperimentSpec, Case]:
    """`drsim run`'s configuration as an experiment of one case, `base`."""
    spec = ExperimentSpec(
        name="run", description="drsim run: one case", baseline=RUN_CASE, cases=[CaseSpec(name=RUN_CASE)]
    )
    case = Case(RUN_CASE, "", settings, config, (), str(data_dir.resolve()))
    return spec, case


@dataclass
class RunOutcome:
    result: SweepResult
    summary: pd.DataFrame
    answers: runner.Answers


def run_one(
    spec: ExperimentSpec,
    case: Case,
    stage: Path,
    argv: list[str],
    executor: Executor,
    progress: Progress | None,
    untested: dict[str, str],
) -> RunOutcome:
    """`drsim run`: the one case's replications into `stage` (a staged folder: sim/outdir.py),
    aggregated as a sweep's, then the planner's answers and the manifests. A replication that
    fails stops the run (RuntimeError with its traceback): nothing is written."""
    started = time.perf_counter()
    started_at = _now()
    store = SweepStore(stage)
    with _closing(executor):
        cost = _costs([case])
        _open_cases(store, [case], cost, case.data_dir)
        session = run_units(store, [case], executor, progress)
    if session.failures:
        first = session.failures[min(session.failures)]
        raise RuntimeError(f"replication {first['rep']} of the run failed:\n{first['traceback']}")
    focus = spec.focus_target or list(case.settings.targets)[-1]
    result = aggregate(store, spec, [case], session, cost, focus, run_folder=True)
    scen = unit_scenario(case.data_dir, case.settings)
    summary = result.frames["summary"]
    answers = runner.answers_for(result.frames, summary, case.settings, scen, case.name, untested)
    write_summary(store.root, summary, {case.name: answers.verdicts})
    runner.write_answers(store.root, answers)
    result.notes += [f"target {t} is NOT TESTED: {why}" for t, why in untested.items()]
    result.seconds = time.perf_counter() - started
    write_manifests(store, result, argv, started_at)
    return RunOutcome(result, summary, answers)


def _machinery_failure(unit: Unit, exc: BaseException) -> UnitResult:
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return UnitResult.failed(
        unit,
        0.0,
        "unknown (the worker was lost)",
        f"the worker running this replication stopped (killed, out of memory, or lost):\n{text}",
    )


def _progress_record(res: UnitResult) -> dict[str, Any]:
    return {
        "case": res.case,
        "rep": res.rep,
        "status": "ok" if res.ok else "failed",
        "seconds": round(res.seconds, 6),
        "worker": res.worker,
        "at": _now(),
    }


def _failure_record(res: UnitResult) -> dict[str, Any]:
    return {
        "case": res.case,
        "rep": res.rep,
        "seed": res.seed,
        "streams": f"(seed {res.seed}, rep {res.rep}, name)",
        "worker": res.worker,
        "at": _now(),
        "replay": f"drsim replay DIR {res.case} {res.rep}",
        "traceback": res.error,
    }
