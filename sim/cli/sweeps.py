"""The experiment commands: `drsim sweep` (every case of an experiment x replications,
resumable), `drsim sensitivity` (what a verdict depends on) and `drsim replay` (one
replication of a sweep again, with its event log). Each case is composed here (sim/config.py)
and handed to sim/experiment/; the progress bar and decision table are sim/cli/sweep_text.py.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from sim import outdir
from sim.cli.args import _overrides
from sim.config import (
    compose,
    config_dir,
    resolve_data_dir,
)
from sim.errors import InputError, Problem


def cmd_sweep(args: list[str]) -> int:
    """Compose every case of an experiment, then hand them to sim.experiment.sweep (exit 0
    complete, 3 not)."""
    from sim.cli import sweep_text
    from sim.experiment.launch import compose_sweep, run_sweep

    spec, cases, out = compose_sweep(_overrides(args), " ".join(args))
    run = cases[0].settings.run
    progress = sweep_text.ProgressBar(run.progress)
    print(
        f"drsim sweep {spec.name}: {len(cases)} cases x {run.reps} replications"
        + (f" (sequential stopping at half-width {run.halfwidth})" if run.halfwidth else "")
        + f", seed {run.seed}, executor {run.executor} -> {out}",
        file=sys.stderr,
    )
    try:
        result = run_sweep(spec, cases, out, ["drsim", "sweep", *args], progress)
    except KeyboardInterrupt:  # the workers are stopped (sim/experiment/executors.py); one line, no traceback
        kept = (
            f"finished replications are kept in {out}: run the same command again to resume"
            if (out / outdir.MARKER).is_file()
            else "nothing was written"
        )
        print(f"\ndrsim sweep: interrupted; {kept}", file=sys.stderr)
        return 130
    print(sweep_text.report_text(result))
    print(f"\nresults: {out} ({result.ran} replications run now, {result.seconds:.1f} s, {result.executor})")
    return result.exit_code


def cmd_sensitivity(args: list[str]) -> int:
    """Compose the study's base configuration once, then hand the study to sim.experiment.sensitivity
    (exit 0 complete, 3 incomplete: rerun the same command to finish)."""
    from sim.cli import sweep_text
    from sim.experiment import sensitivity
    from sim.experiment.aggregate import EXIT_INCOMPLETE
    from sim.experiment.executors import check_executor, default_workers, make_executor
    from sim.settings import Settings

    overrides = _overrides(args)
    chosen = [o.split("=", 1)[1] for o in overrides if o.startswith("sensitivity=")]
    if not chosen:
        names = sorted(p.stem for p in (config_dir() / "sensitivity").glob("*.yaml"))
        raise InputError(
            Problem("command line", " ".join(args), f"name the study: sensitivity=NAME ({', '.join(names)})")
        )
    source = f"configs/sensitivity/{chosen[-1]}.yaml"
    base, _ = compose(overrides)
    spec = sensitivity.parse(base.pop("sensitivity", None), source)
    if base.pop("experiment", None) is not None:
        raise InputError(
            Problem("command line", "experiment=...", "a study makes its own cases: drop experiment=")
        )
    settings = Settings.from_dict(base)  # the nominal configuration, checked before anything else
    base["scenario"]["dir"] = str(resolve_data_dir(settings.scenario.dir).resolve())
    explicit_dir = [o.split("=", 1)[1] for o in overrides if o.startswith("hydra.run.dir=")]
    out = Path(explicit_dir[-1]) if explicit_dir else Path("sensitivity") / spec.name
    outdir.claim(out, "sensitivity", create=False)  # refused now, if at all
    run = settings.run
    check_executor(run.executor, run.workers, run.address, run.workers_force)
    result = sensitivity.run_study(
        spec,
        base,
        source,
        out,
        ["drsim", "sensitivity", *args],
        lambda: make_executor(run.executor, run.workers, run.address),
        run.workers or default_workers(),
        lambda: sweep_text.ProgressBar(run.progress),
        plan_only="--plan" in args,
    )
    if result is None:  # --plan: the design and its time, nothing run or written
        return 0
    print(sensitivity.summary_text(result))
    print(f"\nresults: {out} ({result.replications} replications run now, {result.seconds:.1f} s)")
    return 0 if result.complete else EXIT_INCOMPLETE


def cmd_replay(args: list[str]) -> int:
    """drsim replay DIR CASE REP [--out PATH]: one replication again, with its event log."""
    from sim.experiment.replay import replay

    out = None
    if "--out" in args:
        i = args.index("--out")
        if i + 1 >= len(args):
            raise InputError(Problem("command line", "--out", "needs a folder path after it"))
        out = Path(args[i + 1])
        args = args[:i] + args[i + 2 :]
    args = [a for a in args if a != "--debug"]
    if len(args) != 3 or not re.fullmatch(r"[0-9]{1,9}", args[2]):
        raise InputError(
            Problem(
                "command line",
                " ".join(args),
                "usage: drsim replay DIR CASE REP [--out PATH] (REP a replication number, 0 to 999999999)",
            )
        )
    outdir.safe_name(args[1], "command line CASE")  # a case names a folder: never a path
    result = replay(Path(args[0]), args[1], int(args[2]), out)
    for note in result.notes:
        print(f"drsim replay: warning: {note}", file=sys.stderr)
    verdict = {
        True: "byte-identical to the sweep's part",
        False: "DIFFERENT from the sweep's part",
        None: "written (the sweep kept no part to compare with)",
    }
    print(f"replayed {args[1]} rep {args[2]} -> {result.out}")
    print(f"  village table: {verdict[result.villages_identical]}")
    print(f"  event log:     {verdict[result.events_identical]}")
    return 1 if False in (result.villages_identical, result.events_identical) else 0
