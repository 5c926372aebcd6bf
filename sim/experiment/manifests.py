"""Provenance: the manifests of a run or sweep folder (manifest.json, cases/CASE/manifest.json).

A case's manifest records its resolved configuration and identity hash, its budget changes and
their cost, the scenario files' hashes, the seeds and streams, the code and package versions,
and, once the session ends, its replications and timings. The folder's manifest.json records
the command, the cases, the status and exit code, the seeds, the sequential stopping, every
session (command, wall time, executor, code) and the notes; it is written last, the folder's
record of itself. Reading and checking them is sim/results/result_files.py's.
"""

from __future__ import annotations

import hashlib
import os
import platform
from typing import Any

from sim import outdir
from sim.experiment import budget
from sim.experiment.aggregate import SweepResult, cost_json
from sim.experiment.store import SweepStore, json_bytes
from sim.experiment.units import Case
from sim.outdir import atomic_write
from sim.provenance import code_version, config_hash, package_versions

STREAMS = "numpy PCG64 from SeedSequence([seed, rep, blake2b(name)])"


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
            "cost": cost_json(cost),
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
    atomic_write(store.case_manifest(case.name), json_bytes(man))
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
    atomic_write(path, json_bytes(man))  # last: the sweep's record of itself
