"""One replication -> its tables: the unit of work of `drsim run`, `sweep` and `replay`.

One replication: build the world from (scenario, settings, rep), run it to the
horizon, turn its event log into tables; every case uses the same streams for rep r
(common random numbers). Also the checks before any work (preflight, resources), and the
planner's answers of a run (verdicts, per-place tables). Running many replications,
storing and aggregating them and writing the folder is sim/experiment/sweep.py's, for a run too
(an experiment of one case).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pandas as pd

from sim.errors import InputError
from sim.experiment import budget, estimate
from sim.model import hazards, world
from sim.outdir import atomic_write
from sim.results import (
    coverage,
    ems_metrics,
    ems_tables,
    metrics,
    place_answers,
    rescue_metrics,
    tables,
    verdict,
)
from sim.scenario import Scenario
from sim.scenario import load as load_scenario
from sim.settings import Settings


def scenario_for(data_dir: Path, settings: Settings) -> Scenario:
    """The scenario folder with the configured budget changes made: what every replication runs on."""
    return budget.apply(load_scenario(data_dir, settings.scenario), settings.budget.changes)


def preflight(scenario: Scenario, settings: Settings) -> dict[str, str]:
    """Raise InputError for anything that would stop a run, before any work or output, and for
    a run that would test no target (sim/results/coverage.py). Returns the targets it cannot test, each
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
    one, before any work or output (sim/experiment/estimate.py)."""
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


def summary_json(summary: pd.DataFrame, verdicts: dict[str, list[dict]] | None = None) -> dict[str, Any]:
    """Per case: the verdict block first (sim/results/verdict.py), then targets, KPIs and late causes."""
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


@dataclass
class Answers:
    """What a planner reads first: the verdict per target and the per-place answer tables."""

    verdicts: list[dict[str, Any]]
    villages: pd.DataFrame
    townships: pd.DataFrame


def answers_for(
    frames: dict[str, pd.DataFrame],
    summary: pd.DataFrame,
    settings: Settings,
    scenario: Scenario,
    case: str,
    untested: dict[str, str] | None = None,
) -> Answers:
    """The answers of `case` from its aggregate tables (villages, calls: sim/experiment/aggregate.py
    `aggregate`). `untested`: the targets the run could not test, with why (preflight's answer)."""
    names = verdict.township_names(scenario.places)
    villages = frames["villages"]
    return Answers(
        verdicts=verdict.verdicts(
            summary, settings.targets, villages, frames.get("calls"), names, case, untested
        ),
        villages=place_answers.village_answers(villages, settings.targets, names),
        townships=place_answers.township_answers(villages, settings.targets, names),
    )


def write_answers(out_dir: Path, answers: Answers) -> None:
    """villages.csv and townships.csv: UTF-8 with a byte-order mark, for Excel and WPS."""
    for name, frame in (("villages.csv", answers.villages), ("townships.csv", answers.townships)):
        atomic_write(out_dir / name, place_answers.excel_csv(frame))


class RepProgress:
    """`drsim run`'s progress line, "replications 3/30  1.2/s  ~22s left", on stderr (when it is a
    terminal, or run.progress=true), fed by the sweep loop (sim/experiment/sweep.py Progress)."""

    def __init__(self, enabled: bool | str):
        self.show = sys.stderr.isatty() if enabled == "auto" else bool(enabled)
        self.started = time.perf_counter()
        self.done = self.total = 0

    def start(self, left: dict[str, int], total: int, reps: int) -> None:
        self.done, self.total = 0, sum(left.values())

    def tick(self, case: str, ok: bool) -> None:
        self.done += 1
        if not self.show:
            return
        elapsed = time.perf_counter() - self.started
        left = elapsed / self.done * (self.total - self.done)
        end = "\n" if self.done == self.total else ""
        print(
            f"\r  replications {self.done}/{self.total}  {self.done / elapsed:.1f}/s  ~{left:.0f}s left ",
            end=end,
            file=sys.stderr,
            flush=True,
        )

    def finish(self) -> None:
        """Nothing more to draw: the last tick ended the line."""
