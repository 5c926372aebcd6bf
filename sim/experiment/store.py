"""The sweep directory: the files of one run or sweep folder, each part written atomically.

`SweepStore` names the folder's files, saves each replication's parts (the village part last:
its presence means the replication is finished), finds the finished replications (removing a
part cut short, refusing one that is not drsim's), appends the progress and failure logs, copies
the scenario the report draws, and locks the folder to one coordinator. Which tables are built
from the parts is aggregate.py's; the manifests are manifests.py's; the checks of what is read
back, sim/results/result_files.py's.

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
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from sim import outdir
from sim.errors import InputError, Problem
from sim.experiment.units import CURVE_KEY, TABLE_PARTS, UnitResult
from sim.outdir import atomic_write
from sim.results import result_files

SCENARIO_COPY = result_files.SCENARIO_COPY


def json_bytes(obj: Any) -> bytes:
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
