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
import sys

from sim.cli.args import _ArgparseExit
from sim.cli.report import cmd_report
from sim.cli.run import cmd_run
from sim.cli.scenarios import cmd_import_osm, cmd_import_places, cmd_make_county, cmd_validate
from sim.cli.sweeps import cmd_replay, cmd_sensitivity, cmd_sweep
from sim.errors import EXIT_BAD_INPUT, InputError

USAGE = __doc__ or ""


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
