"""How much a run will ask of the machine, estimated before it starts.

Every number of a scenario and a configuration keeps to its own bound (sim/bounds.py),
but bounds per row do not bound a whole run: a thousand depots of 10,000 trucks, a
call rate at its limit over a month's horizon, or ten thousand replications kept in
memory by `drsim run` each stay inside the rows' rules and still exhaust a machine. This
estimate counts what drives memory and time: the event-log rows of one replication
(ambulance calls, truck trips, people rescued, per-village reports), the vehicles and
team members the model holds, and the road network's cached routes, then multiplies by
what is held at once (every replication's tables for `drsim run`; one replication per
worker process for a sweep). Two figures: the least the run is sure to need (vehicles,
team members, routine and check-mode calls, which do not depend on where a hazard strikes)
and the most it may need (every hazard event at its most severe rates in every village;
on zhangshu and jinjiang 9 and 18 times the rows a replication logs). A run whose least
exceeds the memory this machine has free is refused (exit 2, with the estimate); one
whose most exceeds half of it, or that may compute for more than an hour, runs with a
warning.

It is an order-of-magnitude guard, not a forecast: the per-row and per-vehicle costs
below were measured on this code (the comments say where). It leaves
out disk space (a full disk is caught when writing, and nothing half-written is left:
sim/outdir.py) and remote Dask workers' memory (only this machine's is known).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from sim.errors import Problem
from sim.scenario import Scenario
from sim.settings import Settings

# Measured 2026-12-06, one replication each (`/usr/bin/time -f %M`):
BASE_BYTES = (
    230 * 2**20
)  # an interpreter with numpy, pandas, SimPy and Hydra loaded: tiny, zhangshu 215-233 MB
BYTES_PER_ROW = 480  # scenario=mmc, 574,005 log rows: 482 MB peak against 215 MB for 168 rows
BYTES_PER_VEHICLE = 1_100  # tiny with 10,000 trucks and 1,000 ambulances: +11 MB
BYTES_PER_MEMBER = 16  # a volunteer team draws a turnout and an assembly time per member (float64)
ROWS_PER_SECOND = 50_000  # the same mmc run: 574,005 rows in 11 s (log, tables and files)
SECONDS_PER_VEHICLE = 1e-4  # the same tiny run: 11,000 vehicles added 1 s
ROW_CACHE_BYTES = 1024 * 2**20  # sim/model/roads.py keeps at most this much of routes
KEPT_BYTES_PER_ROW = 120  # an event row kept in a run's table until the end (Parquet-ready columns)
KEPT_BYTES_PER_VILLAGE = 1_000  # a village's row of the per-replication table
# Log rows per thing that happens (counted in the events tables of tiny, zhangshu, jinjiang):
ROWS_PER_CALL_LEAST = 4  # any call: received, dispatched, on scene, returned (all a check-mode call has)
ROWS_PER_CALL = 8  # received, dispatched, on scene, left, at hospital, admitted, returned, beds
ROWS_PER_TRIP = 6  # allocated, assigned, loaded, departed, delivered, returned
ROWS_PER_RESCUED = 2  # trapped, rescued
ROWS_PER_VILLAGE = 12  # hit, displaced, reports, needs arisen, shelter, per item and report
WARN_SHARE = 0.5  # warn above half of the free memory
WARN_SECONDS = 3600.0


@dataclass(frozen=True)
class Estimate:
    """Two estimates of a run: `least` counts only what the run is sure to do (its vehicles, team
    members, routine and check-mode calls, a row per village and replication); `most` adds the
    hazard's demand with every event at its most severe rates in every village."""

    rows_least: float  # event-log rows of one replication
    rows_most: float
    bytes_least: float  # memory of one process
    bytes_most: float
    processes: int  # processes running at once
    seconds_most: float  # computing time, over the processes
    available_bytes: int | None

    def text(self, most: bool = True) -> str:
        rows, size = (self.rows_most, self.bytes_most) if most else (self.rows_least, self.bytes_least)
        free = f"{_gb(self.available_bytes)} free here" if self.available_bytes else "free memory unknown"
        what = "up to" if most else "at least"
        return (
            f"{what} {rows:,.0f} event rows a replication and {_gb(size)} of memory per process x "
            f"{self.processes} at once = {_gb(size * self.processes)} ({free})"
            + (f"; up to {_duration(self.seconds_most)} of computing" if most else "")
        )


def _gb(n: float) -> str:
    return f"{n / 2**30:,.1f} GB" if n >= 2**30 else f"{n / 2**20:,.0f} MB"


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:,.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:,.0f} min"
    return f"{seconds / 3600:,.1f} h"


def _ward_and_crew_rows(scenario: Scenario, settings: Settings) -> float:
    """Rows a county's wards and crews log whatever the disaster (sim/model/hospitals.py,
    sim/model/ems.py): patients in beds at onset leaving within the horizon (early discharges,
    then the expected share of the rest), a surge opening per ward, a crew change per shift."""
    ems, horizon_h = settings.ems, settings.run.horizon_h
    rows = 0.0
    for h in scenario.hospitals:
        for beds, occupancy in (
            (h.beds - h.infectious_beds, ems.general_bed_occupancy_at_onset),
            (h.infectious_beds, ems.infectious_bed_occupancy_at_onset),
        ):
            occupied = beds * occupancy
            early = occupied * ems.early_discharge_share
            rows += early * min(1.0, horizon_h / ems.early_discharge_h) + 1
            rows += (occupied - early) * -math.expm1(-horizon_h / ems.onset_stay_mean_h)
    ambulances = sum(s.ambulances for s in scenario.ems_stations)
    return rows + ambulances * horizon_h / ems.crew_shift_h


def rows_per_replication(scenario: Scenario, settings: Settings) -> tuple[float, float]:
    """(least, most) event-log rows of one replication."""
    horizon_h = settings.run.horizon_h
    people = float(sum(p.population for p in scenario.places))
    villages = len(scenario.villages())
    ems = settings.ems
    if ems.mode == "mmc":
        calls = (ems.calls_per_h or 0.0) * horizon_h  # the expected count: Poisson at this rate
    else:
        calls = people / 1000 * ems.routine_calls_per_1000_per_day * horizon_h / 24
    least = calls * ROWS_PER_CALL_LEAST + (
        0.0 if ems.mode == "mmc" else _ward_and_crew_rows(scenario, settings)
    )
    affected = displaced = casualties = trapped = 0.0
    for ev in settings.hazard.events.values():  # each event at its most severe rates everywhere
        rates = list(ev.rates.values())
        affected += max((r.affected for r in rates), default=0.0)
        displaced += max((r.displaced for r in rates), default=0.0)
        casualties += max((sum(r.casualties.values()) for r in rates), default=0.0)
        trapped += max((sum(r.trapped.values()) for r in rates), default=0.0)
    calls += people * min(affected, 1.0) * casualties * max(ems.casualty_call_share.values())
    need = people * min(displaced, 1.0) * sum(it.need_per_person for it in scenario.items)
    stock = float(sum(sum(d.stock) for d in scenario.depots))
    capacity = min((d.truck_capacity for d in scenario.depots if d.trucks), default=1)
    reports = settings.reporting.followups + 1
    trips = min(need, stock) / capacity + villages * len(scenario.items) * reports
    rescued = people * min(affected, 1.0) * trapped
    most = (
        calls * ROWS_PER_CALL
        + trips * ROWS_PER_TRIP
        + rescued * ROWS_PER_RESCUED
        + villages * (ROWS_PER_VILLAGE + len(scenario.items) * reports)
    )
    return least, max(least, most)


def estimate(
    scenario: Scenario, settings: Settings, processes: int = 1, keeps_every_rep: bool = True
) -> Estimate:
    """Memory and time of running `settings.run.reps` replications of `scenario`: in one process
    keeping every replication's tables (`drsim run`), or `processes` workers holding one
    replication each (a sweep)."""
    least, most = rows_per_replication(scenario, settings)
    vehicles = sum(d.trucks for d in scenario.depots) + sum(s.ambulances for s in scenario.ems_stations)
    if settings.ems.mode == "mmc":
        vehicles += settings.ems.servers or 0
    members = sum(t.members for t in scenario.teams)
    n = scenario.road.n_nodes
    routes = min(ROW_CACHE_BYTES, 16.0 * n * min(n, len(scenario.places) + len(scenario.depots) + vehicles))
    fixed = BASE_BYTES + vehicles * BYTES_PER_VEHICLE + members * BYTES_PER_MEMBER
    reps = settings.run.reps

    def memory(rows: float, cached_routes: float) -> float:
        one = fixed + rows * BYTES_PER_ROW + cached_routes
        if keeps_every_rep:  # drsim run holds every replication's tables until it writes them
            kept: float = KEPT_BYTES_PER_VILLAGE * len(scenario.villages())
            kept += KEPT_BYTES_PER_ROW * rows if settings.run.keep_events else 0
            one += kept * reps
        return one

    workers = max(1, processes)
    seconds = reps * (most / ROWS_PER_SECOND + vehicles * SECONDS_PER_VEHICLE) / workers
    return Estimate(
        least, most, memory(least, 0.0), memory(most, routes), workers, seconds, available_memory()
    )


def available_memory() -> int | None:
    """Bytes of memory free for new work on this machine (Linux MemAvailable), or None."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        return None


def check(est: Estimate, where: str) -> tuple[list[Problem], list[str]]:
    """(problems that refuse the run, warnings): refused when even the least it will need is more
    memory than this machine has free; a warning when the most it may need is above half of it,
    or it may compute for more than an hour."""
    free = est.available_bytes
    if free and est.bytes_least * est.processes > free:
        return [
            Problem(
                where,
                _gb(est.bytes_least * est.processes),
                f"{est.text(most=False)}: more memory than this machine has free; run fewer "
                "replications at once (a sweep keeps one per worker), fewer workers, a shorter "
                "run.horizon_h, run.keep_events=false, or check the scenario's counts",
            )
        ], []
    if free and est.bytes_most * est.processes > WARN_SHARE * free:
        return [], [f"a large run: {est.text()}"]
    if est.seconds_most > WARN_SECONDS:
        return [], [f"a long run: {est.text()}"]
    return [], []
