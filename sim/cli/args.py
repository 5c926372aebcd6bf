"""What every `drsim` command does with its command line: key=value overrides apart from
options, an option's value checked, and argparse without its SystemExit (a usage mistake is
exit code 2 through sim/cli/__init__.py, never a traceback)."""

from __future__ import annotations

from sim.errors import InputError, Problem


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


def _option(args: list[str], name: str, default: str) -> str:
    """The value after `name` in args (checked against the appendix languages for --lang)."""
    if name not in args:
        return default
    i = args.index(name)
    value = args[i + 1] if i + 1 < len(args) else ""
    if value not in ("zh", "en"):
        raise InputError(Problem("command line", f"{name} {value}".strip(), "needs zh or en after it"))
    return value


def _parse(parser, args: list[str]):
    """argparse without its SystemExit: main() turns a usage mistake into exit code 2."""
    try:
        return parser.parse_args(args)
    except SystemExit as exc:
        raise _ArgparseExit(int(exc.code or 0)) from None


class _ArgparseExit(Exception):
    def __init__(self, code: int):
        self.code = code
