"""`drsim run`: one case, its replications and its result folder, then the summary printed.

Also `drsim run -m` (a Hydra multirun: every job checked before Hydra writes anything),
`--cfg job` (print the composed configuration) and `--assumptions` (print what shapes the
answer, without running). The work is done in sim/experiment/ and sim/results/; this module
composes, checks, hands over and prints (sim/cli/terminal.py).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, cast

from sim import outdir
from sim.cli.args import _option, _overrides
from sim.config import (
    _combined_hazard_name,
    _compose_error,
    check_config_yaml,
    compose,
    config_dir,
    resolve_data_dir,
)
from sim.errors import EXIT_BAD_INPUT, InputError, Problem


def cmd_run(args: list[str]) -> int:
    if "-m" in args or "--multirun" in args:
        return _hydra_multirun(args)
    show_cfg = "--cfg" in args
    show_assumptions = "--assumptions" in args
    lang = _option(args, "--lang", "en")
    overrides = _overrides(args)
    config, run_dir = compose(overrides)
    if config.get("experiment") is not None:
        raise InputError(
            Problem("command line", "experiment=...", "an experiment has several cases: use `drsim sweep`")
        )
    config.pop("experiment", None)
    if show_cfg:
        import yaml

        print(yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
        return 0
    if show_assumptions:
        return _print_assumptions(config, lang)
    outdir.check(run_dir, "run", replace=True, where="hydra.run.dir")  # "" or "." is refused here
    return run_pipeline(config, Path(run_dir), ["drsim", "run", *args])


def _print_assumptions(config: dict[str, Any], lang: str) -> int:
    """`drsim run --assumptions`: the table for these settings and scenario, without running."""
    from sim import assumptions
    from sim.experiment import runner
    from sim.settings import Settings

    settings = Settings.from_dict(config)
    scen = runner.scenario_for(resolve_data_dir(settings.scenario.dir), settings)
    print(assumptions.print_table(settings, scen, lang))
    return 0


def run_pipeline(config: dict[str, Any], out_dir: Path, argv: list[str], keep: tuple[str, ...] = ()) -> int:
    """`drsim run`'s folder (sim/experiment/launch.py), then the summary printed.

    The run folder is written whole into a temporary folder and renamed into place (sim/outdir.py):
    an existing run folder is replaced, anything else that holds files is refused. `keep`:
    entries a Hydra multirun job folder already holds (Hydra's own), carried over."""
    from sim.cli import terminal
    from sim.experiment.launch import run_folder

    done = run_folder(config, out_dir, argv, keep)
    terminal.print_summary(done.summary, done.settings, done.verdicts)
    print(f"\nresults: {out_dir}")
    return 0


def multirun_jobs(overrides: list[str]) -> list[list[str]]:
    """The overrides of every job a `drsim run -m` command line would run, as Hydra's basic
    sweeper expands them (`run.reps=1,2 hazard=flood,typhoon`: four jobs)."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException

    try:
        parsed = OverridesParser.create().parse_overrides(overrides)
        batches = BasicSweeper.split_arguments(parsed, None)
    except HydraException as exc:
        raise InputError(
            Problem("command line overrides", " ".join(overrides), _compose_error(str(exc))),
            heading="the multirun could not be expanded",
        ) from None
    return [job for batch in batches for job in batch]


def check_multirun(overrides: list[str]) -> int:
    """Every job of a multirun, checked as `drsim run` checks one before Hydra starts and writes
    its sweep folder (multirun/DATE/TIME with its configs and logs): a bad value or a misspelt
    key is one message and exit code 2, with nothing written. Returns the number of jobs."""
    from sim.experiment import runner
    from sim.settings import Settings

    if any(o.lstrip("+~").startswith(("hydra/sweeper", "hydra.sweeper")) for o in overrides):
        return 0  # a sweeper plugin (Optuna, Ax...) draws its own jobs: each is checked as it runs
    jobs = multirun_jobs(overrides)
    for i, job in enumerate(jobs):
        try:
            config, _ = compose(job)
            if config.get("experiment") is not None:
                raise InputError(
                    Problem(
                        "command line", "experiment=...", "an experiment has several cases: use `drsim sweep`"
                    )
                )
            config.pop("experiment", None)
            settings = Settings.from_dict(config)
            scen = runner.scenario_for(resolve_data_dir(settings.scenario.dir), settings)
            runner.preflight(scen, settings)
        except InputError as exc:
            heading = f"multirun job {i + 1} of {len(jobs)} ({' '.join(job)}), nothing was run: {exc.heading}"
            raise InputError(exc.problems, heading=heading) from None
    return len(jobs)


def _hydra_multirun(args: list[str]) -> int:
    """Hand the command line to Hydra so sweepers and launchers work as documented, after every
    job has been checked (`check_multirun`): a refusal writes nothing."""
    check_multirun(_overrides([a for a in args if a not in ("-m", "--multirun")]))
    import hydra
    from hydra.core.hydra_config import HydraConfig
    from omegaconf import DictConfig, OmegaConf

    @hydra.main(config_path=str(config_dir()), config_name="config", version_base="1.3")
    def task(cfg: DictConfig) -> int:
        container = OmegaConf.to_container(cfg, resolve=True)
        assert isinstance(container, dict)
        plain = cast(dict[str, Any], container)
        hydra_cfg = HydraConfig.get()
        combined = _combined_hazard_name(list(hydra_cfg.overrides.task))
        if combined:
            plain["hazard"]["name"] = combined
        # the job folder already holds Hydra's own files (its config folder, its log): kept
        keep = tuple(x for x in (hydra_cfg.output_subdir, f"{hydra_cfg.job.name}.log") if x)
        try:
            return run_pipeline(plain, Path(hydra_cfg.runtime.output_dir), ["drsim", "run", *args], keep=keep)
        except InputError as exc:
            print(exc.message(), file=sys.stderr)
            sys.exit(EXIT_BAD_INPUT)

    check_config_yaml([a for a in args if "=" in a])
    sys.argv = ["drsim run", *[a for a in args if a != "--debug"]]
    task()
    return 0
