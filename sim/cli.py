"""The `drsim` command (also `python -m sim`). Thin: parse, compose, hand over, print.

    drsim run [overrides...]            one case, run.reps replications, files in a dated folder
    drsim run -m [overrides...]         Hydra multirun (ad-hoc factor sweeps, launchers)
    drsim run --cfg job [overrides...]  print the composed configuration and stop
    drsim run --assumptions [--lang zh|en] [overrides...]   print every assumption that shapes
                                        the answer, with its value in this run, source and range; stop
    drsim report DIR [--lang zh|en|zh,en] [--format png,pdf,svg] [--out FOLDER] [--html]   charts and appendix
                                        [--sensitivity STUDY]: with a study's section (docs/sensitivity.md)
    drsim validate [scenario=NAME | --dir PATH]   check a scenario folder without simulating
    drsim make-county --preset tiny|zhangshu|jinjiang|county|mmc [--seed S] [--villages N] --out DIR
    drsim make-county --divisions X_townships.csv [--seat CODE|NAME] [--population N] [--seed S] --out DIR
    drsim import-osm FILE.osm[.bz2|.pbf] --out DIR [--bbox W,S,E,N] [--speeds class=kmh,...] [--force]
    drsim import-places --out DIR KIND=FILE[::LAYER] ... [--mapping M.yaml] [--crs wgs84|cgcs2000|gcj02|bd09]
    drsim sweep experiment=NAME [overrides...]   cases x replications, resumable (exit 0 complete,
                                        3 incomplete: rerun the same command to finish)
    drsim replay DIR CASE REP [--out PATH]   one replication of a sweep again, with its event log
    drsim sensitivity sensitivity=NAME [--plan] [overrides...]   what the answer depends on: Morris,
                                        Sobol' and one-at-a-time indices of a study's factors, charts,
                                        appendix section (resumable: rerun the same command to finish);
                                        --plan prints the design and its time and stops

A user's mistake prints one message naming the file, row or key, the value and
the rule, and exits with code 2; `--debug` (or HYDRA_FULL_ERROR=1) shows the
traceback too. Every output folder is written whole or not at all, and never over
anything drsim did not make (sim/outdir.py).
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path
from typing import Any

from sim import outdir
from sim.errors import EXIT_BAD_INPUT, InputError, Problem, require_package
from sim.provenance import PROJECT_ROOT

USAGE = __doc__ or ""


def config_dir() -> Path:
    """configs/ of the working directory if it has one, else the installed project's."""
    env = os.environ.get("DRSIM_CONFIG_DIR")
    if env:
        return Path(env).resolve()
    here = Path.cwd() / "configs"
    return here.resolve() if (here / "config.yaml").is_file() else PROJECT_ROOT / "configs"


def resolve_data_dir(path: str) -> Path:
    """A scenario dir from the config: as given if absolute or present here, else in the project."""
    p = Path(path)
    if p.is_absolute() or p.exists():
        return p
    return PROJECT_ROOT / p if (PROJECT_ROOT / p).exists() else p


def _force(override: str) -> str:
    """`a.b=v` -> `++a.b=v`, so an unknown key reaches validation (which names it with every
    other problem) instead of stopping Hydra's composition at the first one."""
    key = override.split("=", 1)[0]
    if "=" not in override or key.startswith(("+", "~", "hydra")) or "." not in key:
        return override  # group choices (scenario=tiny), deletions, additions, Hydra's own keys
    return "++" + override


def _combined_hazard_name(overrides: list[str]) -> str | None:
    """`a-b` for `hazard=[a,b]` on the command line: each hazard file names itself, so the last
    would name the whole run. None for one file, or when `hazard.name=` is given (a list set
    inside an experiment file keeps the last file's name: Hydra does not record list choices)."""
    pairs = [o.split("=", 1) for o in overrides if "=" in o]
    if any(key.lstrip("+~") == "hazard.name" for key, _ in pairs):
        return None
    chosen = [value for key, value in pairs if key.lstrip("+~") == "hazard"]
    if not chosen or not chosen[-1].startswith("["):
        return None
    names = [n.strip().strip("'\"") for n in chosen[-1].strip("[]").split(",") if n.strip()]
    return "-".join(names) if len(names) > 1 else None


def _compose_error(text: str) -> str:
    """Hydra's message on one line, with the files a config group offers and without its
    search path (internal detail)."""
    lines = [line.strip() for line in text.strip().splitlines()]
    if "Config search path:" in lines:
        lines = lines[: lines.index("Config search path:")]
    head, options = [], []
    for line in filter(None, lines):
        if head and head[-1].startswith("Available options"):
            options.append(line)
        else:
            head.append(line)
    message = " ".join(line if line.endswith((".", ":")) else f"{line}." for line in head)
    missing = re.search(r"Could not load '([\w./-]+)/[^/']*'", message)
    if not options and missing and (config_dir() / missing[1]).is_dir():
        message += f" Available options in '{missing[1]}':"
        options = sorted(p.stem for p in (config_dir() / missing[1]).glob("*.yaml"))
    return f"{message} {', '.join(options)}" if options else message


_CHECKED: set[Path] = set()


def check_config_yaml(overrides: list[str]) -> None:
    """Read every YAML file Hydra may read (the config folder and any `hydra.searchpath` folder)
    with drsim's reader first (sim/scenario/safe_yaml.py): Hydra's reader has no limits, so an
    alias bomb or a 50,000-level nesting in an experiment file would hang or overflow it."""
    from sim.scenario.safe_yaml import check_config_files

    folders = [config_dir()]
    for override in overrides:
        key, _, value = override.partition("=")
        if key.lstrip("+~") == "hydra.searchpath":
            for entry in re.findall(r"file://([^,\]'\"]+)", value):
                folders.append(Path(entry))
    todo = [f.resolve() for f in folders if f.resolve() not in _CHECKED]
    problems = check_config_files(todo)
    if problems:
        raise InputError(problems, heading="the configuration files cannot be read")
    _CHECKED.update(todo)  # a sweep composes once a case: each folder is read once


def compose(overrides: list[str]) -> tuple[dict[str, Any], str]:
    """Compose configs/ with Hydra; return (plain config dict, resolved run dir)."""
    check_config_yaml(overrides)
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.errors import HydraException
    from omegaconf import OmegaConf, open_dict
    from omegaconf.errors import OmegaConfBaseException

    try:
        with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3", job_name="drsim"):
            cfg = hydra_compose(
                config_name="config", overrides=[_force(o) for o in overrides], return_hydra_config=True
            )
            combined = _combined_hazard_name(overrides)
            if combined:
                with open_dict(cfg):
                    cfg.hazard.name = combined
            run_dir = str(OmegaConf.select(cfg, "hydra.run.dir"))
            with open_dict(cfg):
                del cfg["hydra"]
            plain = OmegaConf.to_container(cfg, resolve=True)
    except (HydraException, OmegaConfBaseException) as exc:
        raise InputError(
            Problem("command line overrides", " ".join(overrides), _compose_error(str(exc))),
            heading="the configuration could not be composed",
        ) from None
    assert isinstance(plain, dict)
    return plain, run_dir


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


def _option(args: list[str], name: str, default: str) -> str:
    """The value after `name` in args (checked against the appendix languages for --lang)."""
    if name not in args:
        return default
    i = args.index(name)
    value = args[i + 1] if i + 1 < len(args) else ""
    if value not in ("zh", "en"):
        raise InputError(Problem("command line", f"{name} {value}".strip(), "needs zh or en after it"))
    return value


def _print_assumptions(config: dict[str, Any], lang: str) -> int:
    """`drsim run --assumptions`: the table for these settings and scenario, without running."""
    from sim import assumptions, runner
    from sim.settings import Settings

    settings = Settings.from_dict(config)
    scen = runner.scenario_for(resolve_data_dir(settings.scenario.dir), settings)
    print(assumptions.print_table(settings, scen, lang))
    return 0


SWEEP_ONLY_KEYS = ("executor", "workers", "workers_force", "address", "halfwidth", "max_reps")


def refuse_sweep_keys(run: Any) -> None:
    """`drsim run` runs its replications one after another in this process: a key that only a
    sweep reads (where replications run, sequential stopping) is refused by name rather than
    ignored, so nobody believes a run used 7 workers or stopped at a half-width."""
    from sim.settings import RunSettings

    problems = [
        Problem(
            f"run.{key}",
            str(getattr(run, key)),
            "only drsim sweep reads it (drsim run runs its replications in this process, "
            f"run.reps of them); leave it {_yaml_word(RunSettings.model_fields[key].default)} or "
            "run the case as an experiment with drsim sweep",
        )
        for key in SWEEP_ONLY_KEYS
        if getattr(run, key) != RunSettings.model_fields[key].default
    ]
    if problems:
        raise InputError(problems, heading="drsim run cannot use these settings")


def _yaml_word(value: Any) -> str:
    return {None: "unset (null)", False: "false", True: "true"}.get(value, f"at {value}")


def run_pipeline(config: dict[str, Any], out_dir: Path, argv: list[str], keep: tuple[str, ...] = ()) -> int:
    """config dict -> settings -> scenario -> replications -> files -> printed summary.

    The run folder is written whole into a temporary folder and renamed into place (sim/outdir.py):
    an existing run folder is replaced, anything else that holds files is refused. `keep`:
    entries a Hydra multirun job folder already holds (Hydra's own), carried over."""
    from sim import metrics, runner, terminal
    from sim.settings import Settings

    started = time.perf_counter()
    settings = Settings.from_dict(config)
    refuse_sweep_keys(settings.run)
    outdir.check(out_dir, "run", replace=True, where="hydra.run.dir", keep=keep)  # before any work
    scen = runner.scenario_for(resolve_data_dir(settings.scenario.dir), settings)
    untested = runner.preflight(scen, settings)
    runner.check_resources(scen, settings)  # drsim run keeps every replication's tables until the end
    print(
        f"drsim: {scen.name} / {settings.hazard.name}, {settings.run.reps} replications, "
        f"horizon {settings.run.horizon_h:g} h, seed {settings.run.seed}",
        file=sys.stderr,
    )
    _warn_untested(untested, settings)
    result = runner.run_case(scen, settings, progress=runner.progress_printer(settings.run.progress))
    summary = metrics.summarise(result.reps, settings.targets)
    answers = runner.answers_for(result, summary, settings, scen, untested)
    man = runner.manifest(settings, config, result, scen, time.perf_counter() - started, argv)
    with outdir.staged(out_dir, "run", replace=True, where="hydra.run.dir", keep=keep) as stage:
        runner.write_run(stage, result, summary, man, answers)
    terminal.print_summary(summary, settings, answers.verdicts)
    print(f"\nresults: {out_dir}")
    return 0


def _warn_untested(untested: dict[str, str], settings: Any) -> None:
    """Say loudly which targets the run cannot test (sim/coverage.py). The queueing check mode
    compares queueing figures with theory and prints no verdict: its targets are not the point."""
    from sim.coverage import warning_lines

    if settings.ems.mode != "mmc":
        for line in warning_lines(untested):
            print(f"drsim: {line}", file=sys.stderr)


def cmd_validate(args: list[str]) -> int:
    from sim import scenario
    from sim.settings import ScenarioSettings

    if "--dir" in args:
        i = args.index("--dir")
        if i + 1 >= len(args):
            raise InputError(Problem("command line", "--dir", "needs a folder path after it"))
        folder, overrides = Path(args[i + 1]), None
    else:
        config, _ = compose(_overrides(args))
        try:
            overrides = ScenarioSettings.model_validate(config["scenario"])
        except Exception:
            from sim.settings import Settings

            Settings.from_dict(config)  # raises the full InputError
            raise
        folder = resolve_data_dir(overrides.dir)
    scen = scenario.load(folder, overrides)
    villages = len(scen.villages())
    stock = sum(sum(d.stock) for d in scen.depots)
    print(
        f"scenario {scen.name} ({folder}) is valid: {len(scen.places)} places ({villages} villages), "
        f"{scen.road.n_nodes} road nodes, {len(scen.road.u)} edges, {len(scen.depots)} depots "
        f"holding {stock} units of {len(scen.items)} items; farthest snap "
        f"{max(p.snap_km for p in scen.places):.3f} km (tolerance {scen.snap_tolerance_km:g} km)"
    )
    return 0


def cmd_make_county(args: list[str]) -> int:
    import argparse

    from sim.scenario.write import write_scenario

    parser = argparse.ArgumentParser(prog="drsim make-county", description="Generate a scenario folder.")
    parser.add_argument("--preset", choices=["tiny", "zhangshu", "jinjiang", "county", "mmc"])
    parser.add_argument(
        "--divisions",
        help="an official division list, X_townships.csv or X_villages.csv (the pair is read): the "
        "county's township and village names, codes and structure (docs/guide/your-county.md)",
    )
    parser.add_argument(
        "--seat", help="with --divisions: the seat's unit, by code or name (default: first street)"
    )
    parser.add_argument("--population", type=int, help="with --divisions: people (default 1,833 per village)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--villages", type=int, default=None, help="villages, for --preset county")
    parser.add_argument("--out", required=True, help="folder to write (e.g. scenarios/zhangshu)")
    parser.add_argument("--force", action="store_true", help="replace a scenario folder that drsim made")
    try:
        ns = parser.parse_args(args)
    except SystemExit as exc:
        return EXIT_BAD_INPUT if exc.code else 0
    if (ns.preset is None) == (ns.divisions is None):
        raise InputError(
            Problem("command line", " ".join(args), "give exactly one of --preset NAME or --divisions FILE")
        )
    if ns.divisions is None and (ns.seat is not None or ns.population is not None):
        raise InputError(
            Problem("command line", " ".join(args), "--seat and --population go with --divisions")
        )
    # refused before generating: an unsafe path, or a folder drsim may not replace
    outdir.check(ns.out, "scenario", replace=ns.force, force_hint=True, where="command line --out")
    if ns.divisions is not None:
        from sim.scenario import divisions
        from sim.scenario.counties import county

        table = divisions.read(ns.divisions)
        divisions.seat(table, ns.seat)  # an unknown seat is refused here, naming --seat
        try:
            files = county(
                "divisions", seed=ns.seed, division_list=table, seat=ns.seat, population=ns.population,
                source=ns.divisions,
            )  # fmt: skip
        except ValueError as exc:
            raise InputError(Problem("command line", " ".join(args), str(exc))) from None
    elif ns.preset == "tiny":
        from sim.scenario.tiny import tiny

        files = tiny()
    elif ns.preset == "mmc":
        from sim.scenario.mmc import mmc

        files = mmc()
    else:
        from sim.scenario.counties import county

        if ns.preset == "county" and not ns.villages:
            raise InputError(
                Problem("command line --villages", ns.villages, "--preset county needs --villages N (N >= 1)")
            )
        try:
            files = county(ns.preset, seed=ns.seed, villages=ns.villages)
        except ValueError as exc:
            raise InputError(Problem("command line", " ".join(args), str(exc))) from None
    target = write_scenario(ns.out, files, overwrite=ns.force)
    from sim import scenario

    scen = scenario.load(target)
    print(
        f"wrote {target}: {len(scen.villages())} villages, {scen.road.n_nodes} road nodes, "
        f"{len(scen.depots)} depots"
    )
    return 0


def _parse(parser, args: list[str]):
    """argparse without its SystemExit: main() turns a usage mistake into exit code 2."""
    try:
        return parser.parse_args(args)
    except SystemExit as exc:
        raise _ArgparseExit(int(exc.code or 0)) from None


class _ArgparseExit(Exception):
    def __init__(self, code: int):
        self.code = code


def cmd_import_osm(args: list[str]) -> int:
    import argparse

    from sim.scenario import osm

    parser = argparse.ArgumentParser(
        prog="drsim import-osm",
        description="Build a scenario's road files from an OpenStreetMap extract (offline).",
    )
    parser.add_argument("file", help="an .osm, .osm.bz2 or .osm.pbf extract")
    parser.add_argument("--out", required=True, help="scenario folder to write, e.g. scenarios/mycounty")
    parser.add_argument("--bbox", help="W,S,E,N in WGS84 degrees: keep only road inside it")
    parser.add_argument("--speeds", help="class=km/h,... overriding the defaults (0 drops a class)")
    parser.add_argument(
        "--max-edge-km", type=float, default=osm.MAX_EDGE_KM, help="cut road chains about this often"
    )
    parser.add_argument("--name", help="scenario name (default: the folder name)")
    parser.add_argument("--force", action="store_true", help="replace the roads of an existing folder")
    ns = _parse(parser, args)
    outdir.absolute_target(ns.out, "command line --out")  # an unsafe path, before reading the extract
    info = osm.import_osm(
        ns.file,
        ns.out,
        bbox=osm.parse_bbox(ns.bbox),
        speeds=osm.parse_speeds(ns.speeds),
        max_edge_km=ns.max_edge_km,
        name=ns.name,
        force=ns.force,
    )
    print(
        f"wrote {ns.out}: {info['nodes']:,} road nodes, {info['edges']:,} edges, {info['km']:,.2f} km "
        f"(read {info['km_read']:,.2f} km; dropped {info['nodes_dropped']:,} nodes and "
        f"{info['km_dropped']:,.2f} km outside the largest strongly connected part)\n"
        f"road data {osm.ATTRIBUTION} (ODbL); next: drsim import-places --out {ns.out} ..."
    )
    found, dropped = info["ways_by_class"], info["ways_skipped"]
    unmatched = sorted(c for c in info["speeds_set"] if c not in found and f"highway={c}" not in dropped)
    if unmatched:  # a class may be added on purpose, but one that matches no way is likely a typo
        print(
            f"drsim import-osm: warning: --speeds {', '.join(unmatched)}: no highway=* way of that class "
            f"in the extract (its classes: {', '.join(found)})",
            file=sys.stderr,
        )
    return 0


def cmd_import_places(args: list[str]) -> int:
    import argparse

    from sim.scenario import gis

    parser = argparse.ArgumentParser(
        prog="drsim import-places",
        description="Places and facilities from CSV, GeoJSON or GeoPackage layers into a scenario folder.",
        epilog="KIND is one of: " + ", ".join(gis.LAYER_KINDS),
    )
    parser.add_argument("layers", nargs="*", metavar="KIND=FILE[::LAYER]", help="e.g. village=villages.gpkg")
    parser.add_argument("--out", help="scenario folder made by drsim import-osm")
    parser.add_argument("--mapping", help="YAML mapping of field names, values, stock columns, per-file CRS")
    parser.add_argument("--crs", choices=gis.CRS_CHOICES, help="coordinates' system (default wgs84)")
    parser.add_argument("--print-mapping", action="store_true", help="print the built-in mapping and stop")
    ns = _parse(parser, args)
    if ns.print_mapping:
        print(gis.default_mapping_yaml())
        return 0
    if not ns.out or not ns.layers:
        raise InputError(
            Problem("command line", " ".join(args), "needs --out DIR and at least one KIND=FILE layer")
        )
    outdir.absolute_target(ns.out, "command line --out")
    report = gis.import_places(ns.out, ns.layers, mapping=ns.mapping, crs=ns.crs)
    print("\n".join(report.lines()))
    return 0


def _overrides(args: list[str]) -> list[str]:
    out, skip = [], False
    for i, a in enumerate(args):
        if skip:
            skip = False
            continue
        if a == "--cfg":
            skip = i + 1 < len(args) and "=" not in args[i + 1]
            continue
        if a in ("--debug", "--assumptions", "--plan"):
            continue
        if a == "--lang":
            skip = True
            continue
        if a.startswith("-"):
            raise InputError(Problem("command line", a, "unknown option (overrides look like key=value)"))
        out.append(a)
    return out


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
    from sim import runner
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
        plain = OmegaConf.to_container(cfg, resolve=True)
        assert isinstance(plain, dict)
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


# --- drsim sweep / drsim replay ---------------------------------------------------------------


def cmd_sweep(args: list[str]) -> int:
    """Compose every case of an experiment, then hand them to sim.sweep (exit 0 complete, 3 not)."""
    from sim import experiment, sweep, sweep_text
    from sim.executors import check_executor, make_executor

    overrides = _overrides(args)
    chosen = [o.split("=", 1)[1] for o in overrides if o.startswith("experiment=")]
    if not chosen:
        names = sorted(p.stem for p in (config_dir() / "experiment").glob("*.yaml"))
        raise InputError(
            Problem(
                "command line", " ".join(args), f"name the experiment: experiment=NAME ({', '.join(names)})"
            )
        )
    base, _ = compose(overrides)
    spec = experiment.parse(base.get("experiment"), f"configs/experiment/{chosen[-1]}.yaml")
    explicit_dir = [o.split("=", 1)[1] for o in overrides if o.startswith("hydra.run.dir=")]
    out = Path(explicit_dir[-1]) if explicit_dir else Path("sweeps") / spec.name
    outdir.claim(explicit_dir[-1] if explicit_dir else out, "sweep", create=False)  # refused now, if at all
    cases = [sweep_case(spec, case, overrides) for case in spec.cases]
    run = cases[0].settings.run
    check_executor(run.executor, run.workers, run.address, run.workers_force)  # before any folder is made
    progress = sweep_text.ProgressBar(run.progress)
    print(
        f"drsim sweep {spec.name}: {len(cases)} cases x {run.reps} replications"
        + (f" (sequential stopping at half-width {run.halfwidth})" if run.halfwidth else "")
        + f", seed {run.seed}, executor {run.executor} -> {out}",
        file=sys.stderr,
    )
    try:
        result = sweep.run_sweep(
            spec,
            cases,
            out,
            ["drsim", "sweep", *args],
            lambda: make_executor(run.executor, run.workers, run.address),
            progress,
        )
    except KeyboardInterrupt:  # the workers are stopped (sim/executors.py); one line, no traceback
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


def sweep_case(spec, case, overrides: list[str]):
    from sim import experiment, sweep
    from sim.scenario.safe_yaml import forbidden_keys
    from sim.settings import Settings

    config, _ = compose([*overrides, *experiment.case_overrides(case)])
    config.pop("experiment", None)
    config = experiment.with_inline_changes(config, case)
    bad = forbidden_keys(config)
    if bad:
        raise InputError(
            [
                Problem(f"case {case.name}, config key {k}", k, "instantiation keys are not allowed")
                for k in bad
            ]
        )
    try:
        settings = Settings.from_dict(config)
    except InputError as exc:
        raise InputError(exc.problems, heading=f"case {case.name}: {exc.heading}") from None
    return sweep.Case(
        name=case.name,
        description=case.description,
        label=case.label,
        settings=settings,
        config=config,
        overrides=tuple(experiment.case_overrides(case)),
        data_dir=str(resolve_data_dir(settings.scenario.dir).resolve()),
    )


def cmd_sensitivity(args: list[str]) -> int:
    """Compose the study's base configuration once, then hand the study to sim.sensitivity
    (exit 0 complete, 3 incomplete: rerun the same command to finish)."""
    from sim import sensitivity, sweep, sweep_text
    from sim.executors import check_executor, default_workers, make_executor
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
    return 0 if result.complete else sweep.EXIT_INCOMPLETE


def cmd_replay(args: list[str]) -> int:
    """drsim replay DIR CASE REP [--out PATH]: one replication again, with its event log."""
    from sim import sweep

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
    result = sweep.replay(Path(args[0]), args[1], int(args[2]), out)
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


def cmd_report(args: list[str]) -> int:
    """Charts and the appendix from a saved run or sweep directory (no model run)."""
    import argparse

    require_package("matplotlib", "drsim report (charts)", "pip install 'drsim[report]'")
    from sim.report import FORMATS, build
    from sim.report.i18n import LANGS, text

    parser = argparse.ArgumentParser(
        prog="drsim report", description="Charts and appendix from saved results."
    )
    parser.add_argument(
        "dir", help="a run (drsim run), sweep (drsim sweep) or study (drsim sensitivity) directory"
    )
    parser.add_argument("--lang", default="zh,en", help="zh, en or zh,en (default: both)")
    parser.add_argument("--format", default="png,pdf,svg", help="any of png,pdf,svg (default: all three)")
    parser.add_argument("--out", default=None, help="folder to write to (default: DIR/report)")
    parser.add_argument(
        "--sensitivity",
        default=None,
        help="a study folder (drsim sensitivity): its section 'What this answer depends on' and "
        "charts join the appendix",
    )
    parser.add_argument(
        "--html",
        action="store_true",
        help="write the offline interactive view (view-LANG.html: map, time replay, tables) "
        "instead of the figures",
    )
    ns = _parse(parser, args)
    langs = tuple(x.strip() for x in ns.lang.split(",") if x.strip())
    formats = tuple(x.strip() for x in ns.format.split(",") if x.strip())
    problems = [Problem("--lang", x, f"one of {', '.join(LANGS)}") for x in langs if x not in LANGS]
    problems += [Problem("--format", x, f"one of {', '.join(FORMATS)}") for x in formats if x not in FORMATS]
    if ns.html and ns.sensitivity is not None:
        problems.append(Problem("--sensitivity", ns.sensitivity, "not with --html: the view holds no study"))
    if problems or not langs or not formats:
        raise InputError(problems or [Problem("--lang/--format", "", "at least one value")])
    if ns.sensitivity is not None:  # refused before any drawing
        from sim.report.sensitivity import study_folder

        study_folder(ns.sensitivity, "command line --sensitivity")
    root = Path(ns.out) if ns.out is not None else Path(ns.dir) / "report"
    where = "command line --out" if ns.out is not None else "report folder (DIR/report)"
    if ns.html:
        require_package("plotly", "drsim report --html", "pip install 'drsim[report]'")
        from sim.report import html

        for path in html.build(ns.dir, langs, root, where):
            print(f"{path} ({path.stat().st_size / 1e6:.1f} MB, opens offline in any browser)")
        return 0
    if (Path(ns.dir) / "sensitivity.json").is_file():  # a study's charts and appendix section
        from sim.report import sensitivity

        with outdir.staged(root, "report", replace=True, where=where) as stage:
            drawn = sensitivity.build(ns.dir, langs, formats, stage)
        for lang, names in drawn.items():
            print(f"{lang}: {', '.join(names)} in {root / lang}")
        return 0
    # written whole beside the old report, then swapped in: a failed report leaves the old one
    with outdir.staged(root, "report", replace=True, where=where) as stage:
        done = build(ns.dir, langs, formats, stage, sensitivity=ns.sensitivity)
    for lang, parts in done.items():
        figures = parts["figures"]
        assert isinstance(figures, dict) and isinstance(parts["skipped"], dict)
        appendix = str(parts["appendix"][0]).replace(str(stage), str(root))
        print(f"{lang}: {len(figures)} figures x {len(formats)} formats, appendix {appendix}")
        for name, reason in parts["skipped"].items():
            print(f"  {name}: not drawn ({text(str(reason), 'en')})")
    return 0


COMMANDS = {
    "run": cmd_run,
    "report": cmd_report,
    "validate": cmd_validate,
    "make-county": cmd_make_county,
    "import-osm": cmd_import_osm,
    "import-places": cmd_import_places,
    "sweep": cmd_sweep,
    "replay": cmd_replay,
    "sensitivity": cmd_sensitivity,
}


# commands that take key=value overrides or plain arguments, not argparse options
OVERRIDE_COMMANDS = ("run", "validate", "sweep", "replay", "sensitivity")


def command_help(name: str) -> str:
    """The usage lines of one command (from the module docstring) and where its keys are."""
    lines, mine = [], False
    for line in USAGE.splitlines():
        if line.startswith("    drsim "):
            mine = line.startswith(f"    drsim {name} ")
        elif not line.startswith("      "):
            mine = False
        if mine:
            lines.append(line[4:])
    if name == "replay":
        return "\n".join(lines)
    lines += [
        "",
        "Overrides are key=value settings of the configuration in configs/ (groups such as",
        "scenario=, hazard=, policy=, ems=, rescue=, air=, targets=, budget=, costs=, run=,",
        "and experiment= for a sweep);",
        "`drsim run --cfg job [overrides...]` prints every key and value; docs/guide/run.md has the rest.",
    ]
    return "\n".join(lines)


EXIT_BROKEN_PIPE = 141  # the shell's code for a writer whose reader went away (128 + SIGPIPE)


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(list(sys.argv[1:] if argv is None else argv))
    except BrokenPipeError:  # output piped into a reader that stopped early (| head): no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nor a second error at exit
        return EXIT_BROKEN_PIPE


def _main(args: list[str]) -> int:
    debug = "--debug" in args or os.environ.get("HYDRA_FULL_ERROR") == "1"
    if not args or args[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    if args[0] == "--version":
        from sim import __version__

        print(f"drsim {__version__}")
        return 0
    command = COMMANDS.get(args[0])
    if command is not None and args[0] in OVERRIDE_COMMANDS and {"-h", "--help"} & set(args[1:]):
        print(command_help(args[0]))
        return 0
    if command is None:
        print(
            f"drsim: unknown command {args[0]!r}; commands: {', '.join(COMMANDS)}\n\n{USAGE}", file=sys.stderr
        )
        return EXIT_BAD_INPUT
    try:
        return command(args[1:])
    except InputError as exc:
        if debug:
            raise
        print(f"drsim {args[0]}: {exc.message()}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except _ArgparseExit as exc:  # argparse has printed its usage message
        return EXIT_BAD_INPUT if exc.code else 0
    except KeyboardInterrupt:
        print("drsim: interrupted", file=sys.stderr)
        return 130
