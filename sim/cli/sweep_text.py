"""What a sweep prints: the progress line while it runs and the decision table at the end
(cost, P(holds) per target, the focus target's paired change, frontier, equity, and the
method of every number). Reads a `SweepResult`; computes nothing of its own."""

from __future__ import annotations

import math
import sys
import time

from sim.experiment.aggregate import EXIT_INCOMPLETE, SweepResult
from sim.results import metrics

# --- progress -------------------------------------------------------------------------------


class ProgressBar:
    """One line on a terminal: cases finished, replications, rate, time left. Silent when the
    stream is not a terminal (CI logs, pipes) unless run.progress=true."""

    def __init__(self, enabled: bool | str, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled == "auto" else bool(enabled)
        self._last = 0.0

    def start(self, left: dict[str, int], total: int, reps: int) -> None:
        """`left`: replications still to run per case (this round); `total`: cases x reps."""
        self.left = dict(left)
        self.total, self.reps = total, reps
        self.done = total - sum(left.values())
        self.started = time.perf_counter()
        self.session = 0
        self.failed = 0

    def tick(self, case: str, ok: bool) -> None:
        self.done += 1
        self.session += 1
        self.failed += not ok
        self.left[case] -= 1
        now = time.perf_counter()
        if self.enabled and (now - self._last > 0.2 or self.done == self.total):
            self._last = now
            rate = self.session / max(now - self.started, 1e-9)
            left = (self.total - self.done) / rate if rate > 0 else math.inf
            cases_done = sum(1 for v in self.left.values() if v <= 0)
            failed = f"  {self.failed} failed" if self.failed else ""
            print(
                f"\r  cases {cases_done}/{len(self.left)}  replications {self.done}/{self.total}  "
                f"{rate:.1f}/s  ~{_duration(left)} left{failed} ",
                end="",
                file=self.stream,
                flush=True,
            )

    def finish(self) -> None:
        if self.enabled:
            print(file=self.stream, flush=True)


def _duration(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "?"
    if seconds < 90:
        return f"{seconds:.0f}s"
    if seconds < 5400:
        return f"{seconds / 60:.0f}min"
    return f"{seconds / 3600:.1f}h"


# --- the printed table ----------------------------------------------------------------------


def report_text(result: SweepResult) -> str:
    """The per-case table a planner reads: cost, P(holds) per target, the focus target's paired
    gain over the baseline, frontier and equity; then n and the method of every number."""
    if result.table.empty:
        return "no replication finished: nothing to report"
    t = result.table
    est = {(r["case"], r["measure"]): r for r in t.to_dict("records")}
    targets = list(result.cases[0].settings.targets)
    focus, base = result.focus, result.spec.baseline
    lines = []
    status = "complete" if result.complete else "INCOMPLETE"
    lines.append(
        f"sweep {result.spec.name}: {len(result.cases)} cases x {result.reps} replications "
        f"(common random numbers, seed {result.cases[0].settings.run.seed}) - {status}"
    )
    width = max(len(c.name) for c in result.cases) + 2
    per_block = 4  # targets per block of columns: the table stays within a terminal's width
    for first in range(0, len(targets), per_block):
        block = targets[first : first + per_block]
        head = f"{'case':<{width}}{'cost M yuan':>12}  " + "".join(f"{'P(' + n + ')':<25}" for n in block)
        lines += ["", head]
        for case in result.cases:
            c = case.name
            if (c, "cost_yuan") not in est:
                lines.append(f"{c:<{width}}   (no finished replication)")
                continue
            cells = []
            for n in block:
                r = est[(c, f"{n}_p_holds")]
                if not r["n"] or r["estimate"] != r["estimate"]:  # nobody to count in any replication
                    cells.append("NOT TESTED".ljust(25))
                    continue
                cells.append(f"{r['estimate']:.2f} [{r['ci_low']:.2f}, {r['ci_high']:.2f}]".ljust(25))
            lines.append(f"{c:<{width}}{est[(c, 'cost_yuan')]['estimate'] / 1e6:>12.2f}  " + "".join(cells))
    what = result.cases[0].settings.targets[focus].description or focus
    lines += [
        "",
        f"focus target {focus} ({what}): its share per replication, paired change vs {base}",
        f"{'case':<{width}}{'share':>8}  {'change (pp) [95% CI]':<24}{'pp per M yuan':>14}  "
        f"{'frontier':<9}{'worst township: share':<30}{'spread':>7}",
    ]
    for case in result.cases:
        c = case.name
        if (c, "cost_yuan") not in est:
            continue
        share = est[(c, f"{focus}_share")]["estimate"]
        d = est.get((c, f"{focus}_share_diff"))
        g = est.get((c, f"{focus}_share_gain_pp_per_myuan"))
        diff = (
            f"{d['estimate'] * 100:+.1f} [{d['ci_low'] * 100:+.1f}, {d['ci_high'] * 100:+.1f}]" if d else "-"
        )
        gain = "-" if g is None or not math.isfinite(g["estimate"]) else f"{g['estimate']:+.2f}"
        worst = est.get((c, f"{focus}_worst_township_share"))
        spread = est.get((c, f"{focus}_township_spread"))
        w = f"{worst['note'].replace('township ', '')}: {worst['estimate']:.1%}" if worst else "-"
        sp = f"{spread['estimate']:.2f}" if spread else "-"
        on = "yes" if est[(c, "frontier")]["estimate"] else ""
        share_txt = "n/a" if share != share else f"{share:.1%}"
        lines.append(f"{c:<{width}}{share_txt:>8}  {diff:<24}{gain:>14}  {on:<9}{w:<30}{sp:>7}")
    ns = sorted({result.ok[c.name] for c in result.cases})
    lines += [
        "",
        f"n = {', '.join(map(str, ns))} replications per case. P(holds): {metrics.WILSON_METHOD}. "
        f"Shares: mean, {metrics.FRACTION_METHOD}.",
        f"Changes vs {base}: {metrics.PAIRED_METHOD}; pp = percentage points.",
        f"Cost: purchase + {result.cases[0].settings.costs.plan_years} years of upkeep "
        "(configs/costs). Gain per M yuan = change / extra cost.",
        f"Frontier: no other case costs no more and does at least as well on P({focus}) then share, "
        "being better in one of the two.",
        "Worst township: lowest mean share over replications; spread: best minus worst township.",
    ]
    if result.stopping:
        s = result.stopping
        verdict = "reached" if s["reached"] else f"NOT reached by run.max_reps={s['max_reps']}"
        lines.append(
            f"Sequential stopping: Wilson half-width <= {s['halfwidth']} {verdict} at n = {s['reps']} "
            f"(widest {s['rounds'][-1]['widest_halfwidth']:.4f}, {s['rounds'][-1]['where']})"
            if s["rounds"]
            else f"Sequential stopping: no round finished (n = {s['reps']})"
        )
    if result.failures or result.not_run:
        lines.append("")
        for f in result.failures[:10]:
            last = (f["traceback"] or "").strip().splitlines()[-1:]  # the exception's line
            lines.append(
                f"FAILED: case {f['case']} rep {f['rep']} (seed {f['seed']}): {last[0] if last else ''}"
            )
        if len(result.failures) > 10:
            lines.append(f"... and {len(result.failures) - 10} more failures")
        lines.append(
            f"INCOMPLETE: {len(result.failures)} failed, {result.not_run} not run; tracebacks in "
            f"{result.out / 'failures.jsonl'}. Run the same command again to retry them (exit code "
            f"{EXIT_INCOMPLETE})."
        )
    for note in result.notes:
        lines.append(f"note: {note}")
    return "\n".join(lines)
