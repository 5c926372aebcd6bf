"""Aggregation: every table of a run or sweep folder, built from the parts on disk.

`aggregate` reads each finished replication's parts (never memory), so an interrupted and
resumed sweep aggregates byte for byte as one that ran straight through, and a run as a sweep of
its one case; it writes reps.csv, villages.parquet, summary.csv and summary.json,
relief_curves.parquet, calls, hospitals and shelters.parquet, and for a sweep the comparison of
cases (cases.csv, cases.json, townships.csv). `Session` is what the loop of sweep.py hands it;
`SweepResult` is what it returns, for the manifests (manifests.py) and the printed report
(sim/cli/sweep_text.py). What the tables mean (KPIs, P(holds), paired differences, equity) is
computed in sim/results/metrics.py.
"""

from __future__ import annotations

import math
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.experiment import budget, runner
from sim.experiment.spec import ExperimentSpec
from sim.experiment.store import SweepStore, json_bytes
from sim.experiment.units import SHELTER_COLUMNS, TABLE_PARTS, Case, unit_scenario
from sim.outdir import atomic_write
from sim.results import metrics, tables, verdict
from sim.results.tables import csv_text
from sim.settings import Settings

EXIT_INCOMPLETE = 3  # some replication failed or never ran: rerun the same command to finish


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


@dataclass
class Session:
    """What one session's loop over the missing replications did (`run_units`)."""

    reps: int  # replications per case asked for, after sequential stopping
    failures: dict[tuple[str, int], dict[str, Any]]
    ran: int
    executor: str
    stopping: dict[str, Any] | None


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
                atomic_write(store.root / f"{name}.parquet", parquet_bytes(frames[name]))
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
            atomic_write(store.root / "cases.json", json_bytes(_cases_json(table, cost, ok, n)))
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
    atomic_write(root / "summary.json", json_bytes(runner.summary_json(summary, verdicts)))


def parquet_bytes(frame: pd.DataFrame) -> bytes:
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
            "cost": {k: v for k, v in cost_json(c).items() if k != "lines"},
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


def cost_json(c: budget.Cost) -> dict[str, Any]:
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
