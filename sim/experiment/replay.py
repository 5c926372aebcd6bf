"""`drsim replay`: one replication of a sweep run again, exactly, with its event log.

Its configuration comes from its case manifest (manifests.py) and its random streams from (seed,
rep), so its village part is rebuilt byte for byte (units.py `replication_part`) and compared
with the part the sweep stored (store.py); notes say when the scenario files or the code changed
since the sweep ran. The replay folder (villages.parquet, events.parquet, reps.csv) is written
whole through sim/outdir.py's staging, replacing only an earlier replay.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim import outdir
from sim.errors import InputError, Problem
from sim.experiment import runner
from sim.experiment.store import SweepStore
from sim.experiment.units import part_bytes, replication_part
from sim.outdir import atomic_write
from sim.provenance import code_version
from sim.results import metrics, result_files
from sim.results.tables import csv_text
from sim.settings import Settings

MAX_REP_NUMBER = 999_999_999  # a replication a replay may name (part names hold 6+ digits)


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
