"""Sequential stopping (run.halfwidth): how many replications per case a sweep runs.

Without run.halfwidth a sweep runs run.reps replications per case. With it, the loop of
sweep.py (`run_units`) adds run.reps replications per case per round until the widest Wilson
95% half-width of P(target holds), over every case and target (`widest_halfwidth`), is at most
run.halfwidth, or `max_reps` is reached. Each finished replication's outcomes are read from its
part once (`RepOutcomes`).
"""

from __future__ import annotations

import math

import pandas as pd
import pyarrow as pa

from sim.experiment.store import SweepStore
from sim.experiment.units import Case
from sim.results import metrics
from sim.settings import MAX_REPS, Settings

# Sequential stopping without run.max_reps: at most this many rounds of run.reps.
DEFAULT_MAX_ROUNDS = 20


def max_reps(settings: Settings) -> int:
    run = settings.run
    if run.halfwidth is None:
        return run.reps
    return run.max_reps or min(run.reps * DEFAULT_MAX_ROUNDS, MAX_REPS)


class RepOutcomes:
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


def widest_halfwidth(outcomes: RepOutcomes, cases: list[Case], n: int) -> tuple[float, str]:
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
