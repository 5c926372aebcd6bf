"""The unit of work of every run and sweep: one replication of one case, and the worker side.

A `Case` is one configuration of an experiment (a sweep's case, or `drsim run`'s one case
`base`); a `Unit` is one replication of one case, what a worker receives. `run_unit` loads the
case's scenario (once per worker process) and calls `runner.replicate`, the same function `drsim
run` and `drsim replay` use, and returns the replication's parts as parquet bytes (`UnitResult`);
a failure comes back as a value with its traceback. Replication r of every case draws from the
streams of (run.seed, r), so cases are compared on the same disasters (common random numbers),
and a result never depends on which worker ran it. `batches` groups units into tasks.

Not here: where units run (executors.py), where their parts are stored (store.py). (Not to be
confused with sim/units.py, the units of measure.)
"""

from __future__ import annotations

import json
import os
import socket
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.experiment import runner
from sim.experiment.spec import identity
from sim.provenance import config_hash
from sim.results import result_files
from sim.scenario import Scenario
from sim.settings import Label, Settings

# a part's metadata: the replication's facts, and its relief curve rows (tables.relief_curve)
FACTS_KEY, CURVE_KEY = result_files.FACTS_KEY, result_files.CURVE_KEY
# a replication's other tables, each stored as a part of its own beside its village part
TABLE_PARTS = ("calls", "hospitals", "shelters")
SHELTER_COLUMNS = ["case", "rep", "shelter_id", "t_h", "occupancy"]


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
