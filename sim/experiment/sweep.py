"""Monte Carlo sweeps: every case of an experiment x N replications, resumable, with provenance.

The unit of work is one (case, replication): `run_unit` loads the case's scenario
(once per worker process) and calls `runner.replicate`, the same function `drsim
run` and `drsim replay` use. Replication r of every case draws from the streams of
(run.seed, r), so cases are compared on the same disasters (common random numbers),
and a result never depends on which worker ran it.

A sweep directory:

    .drsim                     the marker: a drsim sweep folder (sim/outdir.py); a sweep
                               never writes into a folder without it unless new or empty
    manifest.json              the sweep: command, cases, hashes, code, packages, seeds,
                               sessions with timings, status (written last)
    cases/CASE/manifest.json   one case: resolved config and its hash, budget changes and
                               cost, scenario file hashes, seeds, timings, counts
    parts/CASE/rep-000012.parquet         one replication's village table (its
                               per-replication facts in the file's metadata)
    parts/CASE/rep-000012.events.parquet  its event log (run.keep_events=true)
    parts/CASE/rep-000012.calls.parquet, .hospitals.parquet, .shelters.parquet   its EMS
                               calls, ward beds and shelter occupancy
    scenario/                  a copy of the baseline case's scenario folder: the report draws
                               its maps from it, so the folder holds all it needs
    progress.jsonl             one line per finished or failed replication (append-only)
    failures.jsonl             one line per failure: case, rep, seed, worker, traceback
    reps.csv, villages.parquet, summary.csv, summary.json, relief_curves.parquet,
    calls.parquet, hospitals.parquet, shelters.parquet       as `drsim run`, all cases
    cases.csv, cases.json      the decision table: cost, P(holds), paired differences from
                               the baseline, gain per million yuan, frontier, equity
    townships.csv              each township's mean share served in time, per case and target

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
import hashlib
import json
import math
import os
import platform
import shutil
import socket
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, cast

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim import outdir
from sim.errors import InputError, Problem
from sim.experiment import budget, runner
from sim.experiment.executors import Executor
from sim.experiment.spec import CaseSpec, ExperimentSpec, identity
from sim.outdir import atomic_write
from sim.provenance import code_version, config_hash, package_versions
from sim.results import metrics, result_files, tables, verdict
from sim.results.tables import csv_text
from sim.scenario import Scenario
from sim.settings import MAX_REPS, Label, Settings

# a part's metadata: the replication's facts, and its relief curve rows (tables.relief_curve)
FACTS_KEY, CURVE_KEY = result_files.FACTS_KEY, result_files.CURVE_KEY
# a replication's other tables, each stored as a part of its own beside its village part
TABLE_PARTS = ("calls", "hospitals", "shelters")
SHELTER_COLUMNS = ["case", "rep", "shelter_id", "t_h", "occupancy"]
RUN_CASE = "base"  # the one case of `drsim run`
SCENARIO_COPY = result_files.SCENARIO_COPY
EXIT_INCOMPLETE = 3  # some replication failed or never ran: rerun the same command to finish
STREAMS = "numpy PCG64 from SeedSequence([seed, rep, blake2b(name)])"
MAX_REP_NUMBER = 999_999_999  # a replication a replay may name (part names hold 6+ digits)
# Sequential stopping without run.max_reps: at most this many rounds of run.reps.
DEFAULT_MAX_ROUNDS = 20


@dataclass(frozen=True)
class Case:
    name: str
    description: str
    settings: Settings
    config: dict[str, Any]  # the resolved configuration, as composed
    overrides: tuple[str, ...]
    data_dir: str  # the scenario folder, absolute
    label: Label | None = None  # the name a report shows (experiment `label`); not in the identity

    @property
    def identity_sha256(self) -> str:
        return config_hash(identity(self.config))


@dataclass(frozen=True)
class Unit:
    """One replication of one case: what a worker receives."""

    case: str
    rep: int
    settings: Settings
    data_dir: str


@dataclass(frozen=True)
class UnitResult:
    case: str
    rep: int
    seed: int
    villages: bytes | None  # the village part (parquet), facts in its metadata
    events: bytes | None  # the event part, when run.keep_events
    seconds: float
    worker: str
    error: str | None = None  # the traceback of a failure
    tables: tuple[tuple[str, bytes], ...] = ()  # (name, parquet) of each of TABLE_PARTS

    @property
    def ok(self) -> bool:
        return self.error is None

    @classmethod
    def failed(cls, unit: Unit, seconds: float, worker: str, error: str) -> UnitResult:
        return cls(unit.case, unit.rep, unit.settings.run.seed, None, None, seconds, worker, error)


# --- the worker side ------------------------------------------------------------------------

_SCENARIOS: dict[tuple[str, str], Scenario] = {}
_CACHE_LIMIT = 32  # cases per worker process; a sweep has a handful


def unit_scenario(data_dir: str, settings: Settings) -> Scenario:
    """The case's scenario, loaded once per worker process and kept (by folder and changes)."""
    key = (data_dir, settings.scenario.model_dump_json() + settings.budget.model_dump_json())
    scen = _SCENARIOS.get(key)
    if scen is None:
        if len(_SCENARIOS) >= _CACHE_LIMIT:
            _SCENARIOS.clear()
        scen = _SCENARIOS[key] = runner.scenario_for(Path(data_dir), settings)
    return scen


def part_bytes(
    frame: pd.DataFrame, facts: dict[str, Any] | None = None, curve: list[tuple] | None = None
) -> bytes:
    """A table as parquet bytes; a replication's facts and relief curve ride in its metadata."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    if facts is not None:
        meta[FACTS_KEY] = json.dumps(facts).encode("utf-8")  # insertion order: the table's columns
    if curve is not None:
        meta[CURVE_KEY] = json.dumps(curve).encode("utf-8")
    table = table.replace_schema_metadata(meta)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


def replication_part(one: runner.Replication) -> bytes:
    """The stored part of a replication: its village table with its facts and relief curve (the
    sweep stores it; replay rebuilds it byte for byte)."""
    return part_bytes(one.villages, one.facts, one.curve)


def table_parts(one: runner.Replication) -> tuple[tuple[str, bytes], ...]:
    """The parts of a replication's other tables (TABLE_PARTS): calls, hospitals, shelters."""
    shelters = pd.DataFrame(one.shelters, columns=SHELTER_COLUMNS)
    return tuple(
        (name, part_bytes(shelters if name == "shelters" else getattr(one, name))) for name in TABLE_PARTS
    )


MAX_BATCH = 8  # replications per task at most: fewer round trips, little work lost to a kill


def batches(units: list[Unit], workers: int) -> Iterator[tuple[Unit, ...]]:
    """Consecutive units in tasks of a few each (guided self-scheduling): a task holds about
    1/(4 x workers) of what is left, at most MAX_BATCH and at least one, so the coordinator's
    per-task work stays small beside the replications' in long sweeps, and tasks shrink to
    single replications at the end, when one long task would leave the other workers idle.
    Batching never changes a result."""
    i = 0
    while i < len(units):
        size = max(1, min(MAX_BATCH, (len(units) - i) // (4 * workers)))
        yield tuple(units[i : i + size])
        i += size


def run_batch(units: tuple[Unit, ...]) -> list[UnitResult]:
    return [run_unit(unit) for unit in units]


def run_unit(unit: Unit) -> UnitResult:
    """Run one replication; a failure comes back as a value with its traceback, never raised."""
    worker = f"{socket.gethostname()}:{os.getpid()}"
    started = time.perf_counter()
    try:
        scen = unit_scenario(unit.data_dir, unit.settings)
        one = runner.replicate(scen, unit.settings, unit.case, unit.rep)
        villages = replication_part(one)
        events = part_bytes(one.events) if one.events is not None else None
        tables_ = table_parts(one)
    except Exception:
        return UnitResult.failed(unit, time.perf_counter() - started, worker, traceback.format_exc())
    seconds = time.perf_counter() - started
    return UnitResult(
        unit.case, unit.rep, unit.settings.run.seed, villages, events, seconds, worker, tables=tables_
    )


# --- the sweep directory --------------------------------------------------------------------


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _json_bytes(obj: Any) -> bytes:
    return (json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n").encode("utf-8")


class SweepStore:
    """The files of one sweep directory."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._verified: set[Path] = set()  # parts read back or written by this process

    def part(self, case: str, rep: int) -> Path:
        return self.root / "parts" / case / f"rep-{rep:06d}.parquet"

    def events_part(self, case: str, rep: int) -> Path:
        return self.table_part(case, rep, "events")

    def table_part(self, case: str, rep: int, name: str) -> Path:
        """A replication's part for one of its other tables (events, calls, hospitals, shelters)."""
        return self.root / "parts" / case / f"rep-{rep:06d}.{name}.parquet"

    def case_manifest(self, case: str) -> Path:
        return self.root / "cases" / case / "manifest.json"

    def finished(self, case: str, keep_events: bool) -> set[int]:
        """Replications of `case` whose parts are on disk and readable. A part that cannot be read
        (cut short) is removed, to be run again; one that is readable but not drsim's part of that
        replication is refused (InputError naming it): drsim deletes nothing it did not write."""
        folder = self.root / "parts" / case
        done: set[int] = set()
        if not folder.is_dir():
            return done
        for path in folder.glob("rep-*.parquet"):
            stem = path.name[len("rep-") : -len(".parquet")]
            if not stem.isdigit():
                continue  # an events part
            rep = int(stem)
            if keep_events and not self.events_part(case, rep).is_file():
                continue
            # a part from before the calls, hospitals and shelters parts existed: run again
            if not all(self.table_part(case, rep, name).is_file() for name in TABLE_PARTS):
                continue
            if path not in self._verified:
                if not result_files.check_part(path, case, rep):
                    # Damaged (a power cut before the disk caught up): run it again.
                    path.unlink(missing_ok=True)
                    continue
                names = (*TABLE_PARTS, "events") if keep_events else TABLE_PARTS
                others = [self.table_part(case, rep, name) for name in names]
                cut = [p for p in others if p.is_file() and not result_files.readable_parquet(p)]
                if cut:  # the same for its other parts
                    for p in cut:
                        p.unlink(missing_ok=True)
                    continue
                self._verified.add(path)
            done.add(rep)
        return done

    def clean_temp(self) -> None:
        """Remove temporary files a killed coordinator left (never a finished part)."""
        for tmp in (self.root / "parts").glob("*/.*.tmp"):
            tmp.unlink(missing_ok=True)

    def save(self, res: UnitResult) -> None:
        if res.events is not None:
            atomic_write(self.events_part(res.case, res.rep), res.events)
        for name, data in res.tables:
            atomic_write(self.table_part(res.case, res.rep, name), data)
        assert res.villages is not None
        atomic_write(self.part(res.case, res.rep), res.villages)  # last: its presence means done
        self._verified.add(self.part(res.case, res.rep))

    def append(self, name: str, record: dict[str, Any], durable: bool = False) -> None:
        with open(self.root / name, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
            fh.flush()
            if durable:
                os.fsync(fh.fileno())

    def read_jsonl(self, name: str) -> list[dict[str, Any]]:
        return result_files.json_lines(self.root / name)  # a line cut by a kill is skipped

    def read_part(self, case: str, rep: int) -> tuple[pa.Table, dict[str, Any]]:
        return result_files.read_part(self.part(case, rep), case, rep)

    def read_table_part(self, case: str, rep: int, name: str) -> pd.DataFrame:
        """One of a finished replication's other tables (events, calls, hospitals), checked."""
        path = self.table_part(case, rep, name)
        kind = "events.parquet" if name == "events" else "table part"
        return result_files.read_parquet(path, kind, min_rows=0)

    def sessions(self) -> list[dict[str, Any]]:
        """The sessions the sweep's manifest records (none before its first session ended);
        a manifest that is damaged or another version's is refused, naming it."""
        path = self.root / "manifest.json"
        if not path.is_file():
            return []
        hint = (
            "move it away to resume: the sweep writes it again from its parts on disk (the record of "
            "earlier sessions is then lost)"
        )
        return list(result_files.read_json(path, result_files.SweepManifest, hint).sessions)

    @staticmethod
    def curve(table: pa.Table) -> list[list]:
        """A part's relief curve rows (none in a part written before the curves existed)."""
        raw = (table.schema.metadata or {}).get(CURVE_KEY)
        return json.loads(raw) if raw else []

    def copy_scenario(self, data_dir: str) -> None:
        """Copy the scenario folder the report draws (the baseline case's) into the result folder,
        once: its files as `folder_sha256` lists them, the marker left out. Written beside and
        renamed into place, so a copy is whole or absent."""
        target = self.root / SCENARIO_COPY
        if target.is_dir():
            return  # a resumed sweep: check_resume has found the scenario files unchanged
        stage = self.root / f".{SCENARIO_COPY}.tmp"
        shutil.rmtree(stage, ignore_errors=True)
        source = Path(data_dir)
        for name in outdir.folder_sha256(source):
            (stage / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / name, stage / name)
        stage.mkdir(parents=True, exist_ok=True)  # an empty scenario folder is refused earlier
        os.replace(stage, target)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """One coordinator per sweep directory at a time."""
        self.root.mkdir(parents=True, exist_ok=True)
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no advisory locks, run one at a time
            yield
            return
        with open(self.root / ".lock", "w") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise InputError(
                    Problem(str(self.root), "locked", "another drsim sweep is running in this directory")
                ) from None
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


# --- the coordinator ------------------------------------------------------------------------


@dataclass
class SweepResult:
    out: Path
    spec: ExperimentSpec
    cases: list[Case]
    reps: int  # replications per case asked for (after sequential stopping)
    complete: bool
    ok: dict[str, int]  # finished replications per case
    failures: list[dict[str, Any]]
    not_run: int
    ran: int  # replications run by this command (0 when everything was on disk)
    seconds: float
    cost: dict[str, budget.Cost]
    table: pd.DataFrame  # compare_cases output
    stopping: dict[str, Any] | None
    focus: str
    executor: str = ""
    notes: list[str] = field(default_factory=list)
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)  # the aggregate tables, by name

    @property
    def exit_code(self) -> int:
        return 0 if self.complete else EXIT_INCOMPLETE


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


def max_reps(settings: Settings) -> int:
    run = settings.run
    if run.halfwidth is None:
        return run.reps
    return run.max_reps or min(run.reps * DEFAULT_MAX_ROUNDS, MAX_REPS)


class _RepOutcomes:
    """Each finished replication's target outcomes (holds 1, fails 0, not tested None), read once
    from its part; the parts new in a round go through one `rep_table` call per case."""

    def __init__(self, store: SweepStore):
        self.store = store
        self._rows: dict[tuple[str, int], dict[str, int | None]] = {}

    def counts(self, case: Case, reps: list[int]) -> dict[str, tuple[int, int]]:
        """(replications held, replications tested) of `reps` per target."""
        new = [r for r in reps if (case.name, r) not in self._rows]
        if new:
            read = [self.store.read_part(case.name, r) for r in new]
            villages = pa.concat_tables([t for t, _ in read]).to_pandas()
            table = metrics.rep_table(
                villages, pd.DataFrame([f for _, f in read]), case.settings.targets, case.settings.costs
            )
            for row in table.to_dict("records"):
                self._rows[(case.name, int(row["rep"]))] = {
                    t: None if row[f"{t}_holds"] != row[f"{t}_holds"] else int(row[f"{t}_holds"])
                    for t in case.settings.targets
                }
        counts = dict.fromkeys(case.settings.targets, (0, 0))
        for r in reps:
            for t, h in self._rows[(case.name, r)].items():
                if h is not None:
                    k, n = counts[t]
                    counts[t] = (k + h, n + 1)
        return counts


def widest_halfwidth(outcomes: _RepOutcomes, cases: list[Case], n: int) -> tuple[float, str]:
    """The widest Wilson half-width of P(target holds) over every case and target, and where."""
    widest, where = 0.0, ""
    for case in cases:
        done = sorted(r for r in outcomes.store.finished(case.name, case.settings.run.keep_events) if r < n)
        if not done:
            return (math.inf, f"{case.name}: no finished replication")
        for t, (k, tested) in outcomes.counts(case, done).items():
            if not tested:  # never tested (nobody to count): more replications cannot narrow it
                continue
            hw = metrics.wilson_halfwidth(k, tested)
            if hw > widest:
                widest, where = float(hw), f"{case.name}/{t} (P = {k / tested:.3f}, n = {tested})"
    return (widest, where)


class Progress(Protocol):
    """What the sweep tells about its progress (sim/cli/sweep_text.py ProgressBar draws it)."""

    def start(self, left: dict[str, int], total: int, reps: int) -> None: ...
    def tick(self, case: str, ok: bool) -> None: ...
    def finish(self) -> None: ...


@dataclass
class Session:
    """What one session's loop over the missing replications did (`run_units`)."""

    reps: int  # replications per case asked for, after sequential stopping
    failures: dict[tuple[str, int], dict[str, Any]]
    ran: int
    executor: str
    stopping: dict[str, Any] | None


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
    outcomes = _RepOutcomes(store)
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
        cost = {c.name: budget.cost(c.settings.budget.changes, c.settings.costs) for c in cases}
        with store.locked():
            check_resume(store, spec, cases)
            store.clean_temp()
            for case in cases:
                write_case_manifest(store, case, cost[case.name], None)
            store.copy_scenario(_baseline(spec, cases).data_dir)
            session = run_units(store, cases, executor, progress)
            executor.close()  # every replication is on disk: free the workers before aggregating
            result = aggregate(store, spec, cases, session, cost, focus)
            result.notes += untested
            result.seconds = time.perf_counter() - started
            write_manifests(store, result, argv, started_at)
    return result


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
        cost = {case.name: budget.cost(case.settings.budget.changes, case.settings.costs)}
        write_case_manifest(store, case, cost[case.name], None)
        store.copy_scenario(case.data_dir)
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


# --- aggregation ----------------------------------------------------------------------------


def aggregate(
    store: SweepStore,
    spec: ExperimentSpec,
    cases: list[Case],
    session: Session,
    cost: dict[str, budget.Cost],
    focus: str,
    run_folder: bool = False,
) -> SweepResult:
    """Build every table from the parts on disk (never from memory), so an interrupted and
    resumed sweep aggregates byte for byte as one that ran straight through, and a run as a
    sweep of its one case. `run_folder` (`drsim run`): the event log is written whole
    (events.parquet) and the parts removed, and the comparison of cases (cases.csv, cases.json,
    townships.csv of shares) is left to the planner's answers (`run_one`)."""
    n = session.reps
    village_frames, rep_frames, ok, curve_rows = [], [], {}, []
    others: dict[str, list[pd.DataFrame]] = {name: [] for name in TABLE_PARTS}
    event_frames: list[pd.DataFrame] = []
    # Cases that share targets and costs (all of them, in most sweeps) get one rep_table call:
    # its fixed cost dominates a case of a few replications (a sensitivity study's design points).
    batch: list[tuple[pd.DataFrame, list[dict[str, Any]]]] = []

    def flush(settings: Settings) -> None:
        if batch:
            villages = pd.concat([v for v, _ in batch], ignore_index=True)
            facts = pd.DataFrame([f for _, fs in batch for f in fs])
            table = metrics.rep_table(villages, facts, settings.targets, settings.costs)
            order = {name: i for i, name in enumerate(dict.fromkeys(villages["case"]))}
            table = table.sort_values(["case", "rep"], key=lambda c: c.map(order) if c.name == "case" else c)
            rep_frames.append(table.reset_index(drop=True))
            batch.clear()

    last: Settings | None = None
    for case in cases:
        done = sorted(r for r in store.finished(case.name, case.settings.run.keep_events) if r < n)
        ok[case.name] = len(done)
        if not done:
            continue
        read, facts = [], []
        for rep in done:
            table, f = store.read_part(case.name, rep)
            read.append(table)
            facts.append(f)
            curve_rows += store.curve(table)
            for name in TABLE_PARTS:
                others[name].append(store.read_table_part(case.name, rep, name))
            if run_folder and case.settings.run.keep_events:
                event_frames.append(store.read_table_part(case.name, rep, "events"))
        villages = pa.concat_tables(read).to_pandas()
        village_frames.append(villages)
        s = case.settings
        if last is not None and (s.targets, s.costs) != (last.targets, last.costs):
            flush(last)
        batch.append((villages, facts))
        last = s
    if last is not None:
        flush(last)
    targets = cases[0].settings.targets
    missing = sum(n - k for k in ok.values())
    failed = [session.failures[k] for k in sorted(session.failures) if k[1] < n]
    complete = missing == 0
    table = pd.DataFrame()
    frames: dict[str, pd.DataFrame] = {}
    if rep_frames:
        # Each table is concatenated in pandas from its parts, as `drsim run` concatenated the
        # replications' frames: the same column types, so the same bytes.
        frames["villages"] = villages = pd.concat(village_frames, ignore_index=True)
        frames["reps"] = reps = pd.concat(rep_frames, ignore_index=True)
        frames["summary"] = summary = metrics.summarise(reps, targets)
        for name in ("calls", "hospitals"):
            frames[name] = pd.concat(others[name], ignore_index=True)
        # shelters: one table from every replication's rows, typed by all of them (a replication
        # without arrivals has untyped columns that would make a concatenation's objects)
        rows = [row for part in others["shelters"] for row in part.itertuples(index=False, name=None)]
        frames["shelters"] = pd.DataFrame(rows, columns=SHELTER_COLUMNS)
        if curve_rows:
            frames["relief_curves"] = pd.DataFrame(curve_rows, columns=["case", "rep", *tables.CURVE_COLUMNS])
        if event_frames:
            frames["events"] = pd.concat(event_frames, ignore_index=True)
        atomic_write(store.root / "reps.csv", csv_text(reps).encode("utf-8"))
        for name in ("villages", *TABLE_PARTS, "relief_curves", "events"):
            if name in frames:
                atomic_write(store.root / f"{name}.parquet", _parquet(frames[name]))
        atomic_write(store.root / "summary.csv", csv_text(summary).encode("utf-8"))
        write_summary(store.root, summary)
        if not run_folder:
            shares = metrics.township_shares(villages, targets)
            names = verdict.township_names(unit_scenario(cases[0].data_dir, cases[0].settings).places)
            plan_years = cases[0].settings.costs.plan_years
            table = metrics.compare_cases(
                reps,
                {c: cost[c].total_yuan for c in cost},
                targets,
                spec.baseline,
                focus,
                metrics.equity(shares, names),
                f"purchase + {plan_years} years of upkeep (configs/costs)",
            )
            townships = (
                shares.groupby(["case", "target", "township_id"], sort=False)["share"]
                .agg(share_mean="mean", n="count")
                .reset_index()
            )
            townships.insert(3, "township_name", townships["township_id"].map(lambda t: names.get(t, t)))
            townships["method"] = "mean over the replications in which the township had displaced people"
            atomic_write(store.root / "cases.csv", csv_text(table).encode("utf-8"))
            atomic_write(store.root / "cases.json", _json_bytes(_cases_json(table, cost, ok, n)))
            atomic_write(store.root / "townships.csv", csv_text(townships).encode("utf-8"))
    if run_folder:
        shutil.rmtree(store.root / "parts", ignore_errors=True)  # all of it is in the tables now
    return SweepResult(
        out=store.root,
        spec=spec,
        cases=cases,
        reps=n,
        complete=complete,
        ok=ok,
        failures=failed,
        not_run=missing - len(failed),
        ran=session.ran,
        seconds=0.0,
        cost=cost,
        table=table,
        stopping=session.stopping,
        focus=focus,
        executor=session.executor,
        frames=frames,
    )


def write_summary(root: Path, summary: pd.DataFrame, verdicts: dict[str, list[dict]] | None = None) -> None:
    """summary.json: per case, the verdict block when there is one (a run's), then targets, KPIs
    and late causes (runner.summary_json)."""
    atomic_write(root / "summary.json", _json_bytes(runner.summary_json(summary, verdicts)))


def _parquet(frame: pd.DataFrame) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), sink)
    return sink.getvalue().to_pybytes()


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _cases_json(table: pd.DataFrame, cost: dict[str, budget.Cost], ok: dict[str, int], n: int) -> dict:
    out: dict[str, Any] = {}
    for key, block in table.groupby("case", sort=False):
        case = cast(str, key)  # a case name
        c = cost[case]
        out[case] = {
            "replications": {"asked": n, "finished": ok[case]},
            "cost": {k: v for k, v in _cost_json(c).items() if k != "lines"},
            "measures": {
                r["measure"]: {
                    k: _clean(v)
                    for k, v in r.items()
                    if k not in ("case", "measure") and not (k == "n" and v is None)
                }
                for r in block.to_dict("records")
            },
        }
    return out


# --- manifests ------------------------------------------------------------------------------


def _cost_json(c: budget.Cost) -> dict[str, Any]:
    return {
        "purchase_yuan": c.purchase_yuan,
        "upkeep_yuan_per_year": c.upkeep_yuan_per_year,
        "plan_years": c.plan_years,
        "total_yuan": c.total_yuan,
        "lines": [
            {
                "change": line.change,
                "what": line.what,
                "purchase_yuan": line.purchase_yuan,
                "upkeep_yuan_per_year": line.upkeep_yuan_per_year,
            }
            for line in c.lines
        ],
    }


def write_case_manifest(
    store: SweepStore, case: Case, cost: budget.Cost, result: SweepResult | None
) -> dict[str, Any]:
    s = case.settings
    man: dict[str, Any] = {
        "case": case.name,
        "description": case.description,
        "label": case.label.model_dump() if case.label is not None else None,
        "overrides": list(case.overrides),
        "identity_sha256": case.identity_sha256,
        "identity_note": "SHA-256 of the resolved config without execution keys "
        "(run.reps, workers, executor, ...), which never change a replication",
        "config_hash": config_hash(case.config),
        "config": case.config,
        "scenario": {
            "name": s.scenario.name,
            "data_dir": case.data_dir,
            "files_sha256": outdir.folder_sha256(case.data_dir),
        },
        "budget": {
            "name": s.budget.name,
            "changes": [ch.model_dump() for ch in s.budget.changes],
            "cost": _cost_json(cost),
        },
        "seeds": {"seed": s.run.seed, "streams": STREAMS, "common_random_numbers": True},
        "code": code_version(),
        "packages": package_versions(),
    }
    if result is not None:
        seconds = [
            r["seconds"]
            for r in store.read_jsonl("progress.jsonl")
            if r.get("case") == case.name and r.get("status") == "ok"
        ]
        man["replications"] = {
            "asked": result.reps,
            "finished": result.ok.get(case.name, 0),
            "failed": [f["rep"] for f in result.failures if f["case"] == case.name],
        }
        man["timings"] = {
            "replications_timed": len(seconds),
            "rep_s_mean": round(sum(seconds) / len(seconds), 6) if seconds else None,
            "rep_s_total": round(sum(seconds), 3),
        }
    atomic_write(store.case_manifest(case.name), _json_bytes(man))
    return man


def write_manifests(store: SweepStore, result: SweepResult, argv: list[str], started_at: str) -> None:
    for case in result.cases:
        write_case_manifest(store, case, result.cost[case.name], result)
    path = store.root / "manifest.json"
    sessions = store.sessions()  # checked before the session started (check_resume)
    code = code_version()
    if sessions and sessions[-1].get("code") != code:
        result.notes.append(
            "the code changed since the last session of this sweep (see manifest.json sessions): "
            "replications from different code versions are mixed"
        )
    sessions.append(
        {
            "command": argv,
            "started_at": started_at,
            "wall_s": round(result.seconds, 3),
            "executor": result.executor,
            "replications_run": result.ran,
            "failed": len(result.failures),
            "code": code,
        }
    )
    first = result.cases[0].settings
    man = {
        "command": argv,
        "experiment": result.spec.name,
        "description": result.spec.description,
        "baseline": result.spec.baseline,
        "focus_target": result.focus,
        "status": "complete" if result.complete else "incomplete",
        "exit_code": result.exit_code,
        "config_hash": hashlib.sha256(
            "".join(c.identity_sha256 for c in result.cases).encode("ascii")
        ).hexdigest(),
        "cases": [
            {
                "name": c.name,
                "identity_sha256": c.identity_sha256,
                "manifest": f"cases/{c.name}/manifest.json",
                "finished": result.ok.get(c.name, 0),
            }
            for c in result.cases
        ],
        "code": code,
        "packages": package_versions(),
        "platform": {"machine": platform.machine(), "system": platform.system(), "cpus": os.cpu_count()},
        "seeds": {
            "seed": first.run.seed,
            "reps": result.reps,
            "streams": STREAMS,
            "common_random_numbers": "replication r of every case uses the streams of (seed, r)",
        },
        "replications": {
            "per_case": result.reps,
            "finished": sum(result.ok.values()),
            "failed": [{k: f[k] for k in ("case", "rep", "seed", "worker")} for f in result.failures],
            "not_run": result.not_run,
        },
        "stopping": result.stopping,
        "sessions": sessions,
        "notes": result.notes,
    }
    atomic_write(path, _json_bytes(man))  # last: the sweep's record of itself


# --- replay ---------------------------------------------------------------------------------


@dataclass
class ReplayResult:
    out: Path
    villages_identical: bool | None  # None: the sweep has no part for this replication
    events_identical: bool | None
    notes: list[str]


def replay(sweep_dir: Path, case: str, rep: int, out: Path | None = None) -> ReplayResult:
    """Run one replication of a sweep again, exactly, with its event log; compare with the
    stored part. The replay folder is written whole, replacing only an earlier replay (sim/outdir.py)."""
    outdir.safe_name(case, "command line CASE")  # never a path: it names folders in the sweep
    if isinstance(rep, bool) or not isinstance(rep, int) or not 0 <= rep <= MAX_REP_NUMBER:
        raise InputError(Problem("command line REP", rep, f"a replication number, 0 to {MAX_REP_NUMBER:,}"))
    store = SweepStore(sweep_dir)
    path = store.case_manifest(case)
    if not path.is_file():
        known = sorted(p.parent.name for p in (store.root / "cases").glob("*/manifest.json"))
        raise InputError(
            Problem(str(path), case, f"no such case in this sweep (cases: {', '.join(known) or 'none'})")
        )
    man = result_files.read_json(path, result_files.CaseManifest)
    try:
        settings = Settings.from_dict(man.config)
    except InputError as exc:
        raise InputError(
            exc.problems, heading=f"{result_files.DAMAGED}: the configuration in {path}"
        ) from None
    settings = settings.model_copy(update={"run": settings.run.model_copy(update={"keep_events": True})})
    data_dir = man.scenario.data_dir
    notes = []
    if outdir.folder_sha256(data_dir) != man.scenario.files_sha256:
        notes.append(f"the scenario files in {data_dir} changed since the sweep ran")
    if man.code.git_commit != code_version().get("git_commit"):
        notes.append(f"the code is not the sweep's (git commit {man.code.git_commit})")
    stored = store.part(case, rep)
    if stored.is_file() and not result_files.check_part(stored, case, rep):  # not drsim's: refused
        notes.append(f"the sweep's part {stored} is damaged (cut short): nothing to compare with")
        stored = store.root / "parts" / case / "(damaged)"
    target = out or store.root / "replay" / case / f"rep-{rep:06d}"
    where = "command line --out" if out else "replay folder"
    outdir.check(target, "replay", replace=True, where=where)  # before the work
    scen = runner.scenario_for(Path(data_dir), settings)
    runner.preflight(scen, settings)
    runner.check_resources(scen, settings, keeps_every_rep=False)
    one = runner.replicate(scen, settings, case, rep)
    villages = replication_part(one)
    assert one.events is not None
    events = part_bytes(one.events)
    reps = metrics.rep_table(one.villages, pd.DataFrame([one.facts]), settings.targets, settings.costs)
    with outdir.staged(target, "replay", replace=True, where=where) as stage:
        atomic_write(stage / "villages.parquet", villages)
        atomic_write(stage / "events.parquet", events)
        atomic_write(stage / "reps.csv", csv_text(reps).encode("utf-8"))
    same_v = stored.read_bytes() == villages if stored.is_file() else None
    stored_e = store.events_part(case, rep)
    same_e = stored_e.read_bytes() == events if stored_e.is_file() else None
    return ReplayResult(target, same_v, same_e, notes)
