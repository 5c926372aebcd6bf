"""Replications -> tables -> files: the run lifecycle of `drsim run`.

One replication: build the world from (scenario, settings, rep), run it to the
horizon, turn its event log into tables. Many replications: the same with
rep = 0..n-1; every case uses the same streams for rep r (common random
numbers). Files are written only after every replication finished, each one
atomically (temporary name, then rename), so a run directory never holds a
half-written table.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, cast

import pandas as pd

from sim import (
    budget,
    coverage,
    ems_metrics,
    ems_tables,
    estimate,
    metrics,
    place_answers,
    rescue_metrics,
    tables,
    verdict,
)
from sim.errors import InputError
from sim.model import hazards, world
from sim.outdir import atomic_write
from sim.provenance import code_version, config_hash, package_versions
from sim.scenario import Scenario
from sim.scenario import load as load_scenario
from sim.settings import Settings


@dataclass
class CaseResult:
    case: str
    events: pd.DataFrame | None
    villages: pd.DataFrame
    reps: pd.DataFrame
    shelters: pd.DataFrame
    rep_seconds: list[float] = field(default_factory=list)
    calls: pd.DataFrame | None = None  # EMS: one row per (case, rep, call)
    hospitals: pd.DataFrame | None = None  # EMS: beds occupied per hospital, kind and hour
    curves: pd.DataFrame | None = None  # relief curves per (case, rep, item class, hour)


def scenario_for(data_dir: Path, settings: Settings) -> Scenario:
    """The scenario folder with the configured budget changes made: what every replication runs on."""
    return budget.apply(load_scenario(data_dir, settings.scenario), settings.budget.changes)


def preflight(scenario: Scenario, settings: Settings) -> dict[str, str]:
    """Raise InputError for anything that would stop a run, before any work or output, and for
    a run that would test no target (sim/coverage.py). Returns the targets it cannot test, each
    with the reason (the command warns; the verdict says NOT TESTED and why)."""
    problems = world.check(scenario, settings)
    if problems:
        raise InputError(problems, heading="the configuration does not fit the scenario")
    hazards.warn(scenario, settings.hazard)  # a hazard that strikes no village: a warning, not a failure
    return coverage.check(settings, scenario)


def check_resources(
    scenario: Scenario, settings: Settings, processes: int = 1, keeps_every_rep: bool = True
) -> None:
    """Refuse a run that would exceed this machine's free memory, warn of a very large or long
    one, before any work or output (sim/estimate.py)."""
    est = estimate.estimate(scenario, settings, processes, keeps_every_rep)
    problems, warnings = estimate.check(est, f"scenario {scenario.name} with run.reps={settings.run.reps}")
    if problems:
        raise InputError(problems, heading="the run is too large for this machine")
    for line in warnings:
        print(f"drsim: warning: {line}", file=sys.stderr)


@dataclass
class Replication:
    """The tables of one replication: the unit of work of `run`, `sweep` and `replay`."""

    case: str
    rep: int
    villages: pd.DataFrame  # with each target's lateness cause
    facts: dict[str, Any]  # case, rep, seed, rep_facts and the EMS call KPIs of this replication
    events: pd.DataFrame | None
    seconds: float
    calls: pd.DataFrame | None = None
    hospitals: pd.DataFrame | None = None
    shelters: list[tuple] = field(default_factory=list)
    curve: list[tuple] = field(default_factory=list)  # (case, rep, item_class, hour, people, people_in_time)


def replicate(scenario: Scenario, settings: Settings, case: str, rep: int) -> Replication:
    """Run replication `rep` to the horizon and turn its event log into tables."""
    started = time.perf_counter()
    rows = world.simulate(scenario, settings, rep).rows
    measures = tables.person_measures(scenario, settings.targets)
    rescues = tables.rescue_measures(settings.targets)
    sites = tables.relief_sites(rows, scenario)
    air = tables.air_targets(settings.targets)
    columns = tables.village_results(rows, scenario, measures, settings.run.horizon_min, rescues, sites, air)
    curve = [(case, rep, *row) for row in tables.relief_curve(sites, scenario, settings.run.horizon_min)]
    villages = tables.villages_frame(columns, case, rep)
    villages = metrics.add_late_causes(villages, settings.targets)
    calls, beds, ems_facts = ems_tables.rep_tables(rows, scenario, settings.run.horizon_min, case, rep)
    facts: dict[str, Any] = {
        "case": case,
        "rep": rep,
        "seed": settings.run.seed,
        **tables.rep_facts(rows),
        **ems_facts,
        **rescue_metrics.rep_kpis(rows, settings.targets, settings.run.horizon_min),
    }
    key = pd.DataFrame([{"case": case, "rep": rep}])
    run = settings.run
    ems_kpis = ems_metrics.add_ems(key, calls, settings.targets, run.horizon_h, settings.ems.warmup_h)
    # plain Python numbers: facts travel as JSON in sweep parts
    facts.update(
        {
            cast(str, k): getattr(v, "item", lambda v=v: v)()  # k: a column name
            for k, v in ems_kpis.iloc[0].items()
            if k not in ("case", "rep")
        }
    )
    facts.update(ems_metrics.lives_all(facts))
    events = tables.events_frame(rows, case, rep) if settings.run.keep_events else None
    shelters = [(case, rep, *row) for row in tables.shelter_rows(rows)]
    seconds = time.perf_counter() - started
    return Replication(case, rep, villages, facts, events, seconds, calls, beds, shelters, curve)


def run_case(
    scenario: Scenario,
    settings: Settings,
    case: str = "base",
    progress: Callable[[int, int], None] | None = None,
) -> CaseResult:
    preflight(scenario, settings)
    event_frames, village_frames, facts, seconds, shelter_rows, curve_rows = [], [], [], [], [], []
    call_frames, hospital_frames = [], []
    n = settings.run.reps
    for rep in range(n):
        one = replicate(scenario, settings, case, rep)
        village_frames.append(one.villages)
        facts.append(one.facts)
        call_frames.append(one.calls)
        hospital_frames.append(one.hospitals)
        shelter_rows += one.shelters
        curve_rows += one.curve
        if one.events is not None:
            event_frames.append(one.events)
        seconds.append(one.seconds)
        if progress is not None:
            progress(rep + 1, n)
    villages = pd.concat(village_frames, ignore_index=True)
    reps = metrics.rep_table(villages, pd.DataFrame(facts), settings.targets, settings.costs)
    events = pd.concat(event_frames, ignore_index=True) if event_frames else None
    shelters = pd.DataFrame(shelter_rows, columns=["case", "rep", "shelter_id", "t_h", "occupancy"])
    calls = pd.concat(call_frames, ignore_index=True)
    hospitals = pd.concat(hospital_frames, ignore_index=True)
    curves = pd.DataFrame(curve_rows, columns=["case", "rep", *tables.CURVE_COLUMNS])
    return CaseResult(case, events, villages, reps, shelters, seconds, calls, hospitals, curves)


def manifest(
    settings: Settings,
    resolved: dict[str, Any],
    result: CaseResult,
    scenario: Scenario,
    seconds: float,
    argv: list[str],
) -> dict[str, Any]:
    return {
        "command": argv,
        "config_hash": config_hash(resolved),
        "config": resolved,
        "scenario": {"name": scenario.name, "dir": scenario.dir},
        "code": code_version(),
        "packages": package_versions(),
        "platform": {"machine": platform.machine(), "system": platform.system(), "cpus": os.cpu_count()},
        "seeds": {
            "seed": settings.run.seed,
            "reps": settings.run.reps,
            "streams": "numpy PCG64 from SeedSequence([seed, rep, blake2b(name)])",
        },
        "timings": {
            "total_s": round(seconds, 3),
            "rep_s_mean": round(sum(result.rep_seconds) / max(len(result.rep_seconds), 1), 4),
        },
        "replications": [{"case": result.case, "rep": r, "status": "ok"} for r in range(settings.run.reps)],
    }


def summary_json(summary: pd.DataFrame, verdicts: dict[str, list[dict]] | None = None) -> dict[str, Any]:
    """Per case: the verdict block first (sim/verdict.py), then targets, KPIs and late causes."""
    out: dict[str, Any] = {}
    for case, records in (verdicts or {}).items():
        out[case] = {"verdict": records}
    for row in summary.to_dict("records"):
        case = out.setdefault(row["case"], {})
        for key in ("targets", "kpis", "late_causes"):
            case.setdefault(key, {})
        entry = {
            k: (None if isinstance(v, float) and v != v else v)
            for k, v in row.items()
            if k not in ("case", "measure", "kind")
            and not (isinstance(v, float) and v != v and k in ("deadline_h", "required_share"))
        }
        section = {"target": "targets", "late_cause": "late_causes"}.get(row["kind"], "kpis")
        case[section][row["measure"]] = entry
    return out


def write_run(
    out_dir: Path,
    result: CaseResult,
    summary: pd.DataFrame,
    man: dict[str, Any],
    answers: Answers | None = None,
) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    atomic_write(out_dir / "reps.csv", lambda p: p.write_text(tables.csv_text(result.reps), encoding="utf-8"))
    atomic_write(
        out_dir / "villages.parquet", lambda p: result.villages.to_parquet(p, index=False, engine="pyarrow")
    )
    atomic_write(
        out_dir / "shelters.parquet", lambda p: result.shelters.to_parquet(p, index=False, engine="pyarrow")
    )
    events = result.events
    if events is not None:
        atomic_write(
            out_dir / "events.parquet", lambda p: events.to_parquet(p, index=False, engine="pyarrow")
        )
    for name, frame in (
        ("calls", result.calls),
        ("hospitals", result.hospitals),
        ("relief_curves", result.curves),
    ):
        if frame is not None:
            write = partial(frame.to_parquet, index=False, engine="pyarrow")
            atomic_write(out_dir / f"{name}.parquet", write)
    atomic_write(out_dir / "summary.csv", lambda p: p.write_text(tables.csv_text(summary), encoding="utf-8"))
    atomic_write(
        out_dir / "summary.json",
        lambda p: p.write_text(
            json.dumps(
                summary_json(summary, None if answers is None else {result.case: answers.verdicts}),
                indent=2,
                ensure_ascii=False,
            ),
            encoding="utf-8",
        ),
    )
    if answers is not None:
        write_answers(out_dir, answers)
    # The manifest goes last: its presence says the run directory is complete.
    atomic_write(
        out_dir / "manifest.json",
        lambda p: p.write_text(json.dumps(man, indent=2, ensure_ascii=False, default=str), encoding="utf-8"),
    )


@dataclass
class Answers:
    """What a planner reads first: the verdict per target and the per-place answer tables."""

    verdicts: list[dict[str, Any]]
    villages: pd.DataFrame
    townships: pd.DataFrame


def answers_for(
    result: CaseResult,
    summary: pd.DataFrame,
    settings: Settings,
    scenario: Scenario,
    untested: dict[str, str] | None = None,
) -> Answers:
    """`untested`: the targets the run could not test, with why (preflight's answer)."""
    names = verdict.township_names(scenario.places)
    return Answers(
        verdicts=verdict.verdicts(
            summary, settings.targets, result.villages, result.calls, names, result.case, untested
        ),
        villages=place_answers.village_answers(result.villages, settings.targets, names),
        townships=place_answers.township_answers(result.villages, settings.targets, names),
    )


def write_answers(out_dir: Path, answers: Answers) -> None:
    """villages.csv and townships.csv: UTF-8 with a byte-order mark, for Excel and WPS."""
    for name, frame in (("villages.csv", answers.villages), ("townships.csv", answers.townships)):
        atomic_write(out_dir / name, place_answers.excel_csv(frame))


def progress_printer(enabled: bool | str) -> Callable[[int, int], None] | None:
    show = sys.stderr.isatty() if enabled == "auto" else bool(enabled)
    if not show:
        return None
    started = time.perf_counter()

    def report(done: int, total: int) -> None:
        elapsed = time.perf_counter() - started
        left = elapsed / done * (total - done)
        end = "\n" if done == total else ""
        print(
            f"\r  replications {done}/{total}  {done / elapsed:.1f}/s  ~{left:.0f}s left ",
            end=end,
            file=sys.stderr,
            flush=True,
        )

    return report
