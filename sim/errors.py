"""The one error type for a user's mistake in their input.

Every bad-input path raises `InputError` with one or more `Problem`s, each naming
where (file and row, or config key), the value found and the rule broken. The
command line prints them and exits with code 2; nothing else is written.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from dataclasses import dataclass

EXIT_BAD_INPUT = 2
# One source (a file) shows this many problems in full and counts the rest by kind: a
# mistake repeated down a 20 MB file is a few lines, not a message longer than the file.
MAX_SHOWN = 20
MAX_MESSAGE_PROBLEMS = 100  # a whole message, over every source


@dataclass(frozen=True)
class Problem:
    where: str  # "scenarios/tiny/depots.csv row 3, column trucks" or "config key run.reps"
    value: object
    rule: str

    def __str__(self) -> str:
        # every part is cut short: a hostile file's 200,000-character cell or column name is
        # named by its start, and a message stays a message
        shown = repr(self.value[:80]) if isinstance(self.value, str) else _short(repr(self.value), 120)
        return f"{_short(self.where, 300)}: value {shown} — {_short(self.rule, 600)}"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


class InputError(Exception):
    """A user's input breaks a rule. Carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem] | Problem, heading: str = "bad input"):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        self.heading = heading
        super().__init__(self.message())

    def __reduce__(self):
        # raised in a worker process, it is sent back to the parent by the process pool's own
        # serialisation of our own objects (never of input files): rebuild it from its problems
        # (by default it would be rebuilt with the message string as `problems`)
        return (type(self), (self.problems, self.heading))

    def message(self) -> str:
        n = len(self.problems)
        lines = [f"{self.heading} ({n} problem{'s' if n != 1 else ''}):"]
        shown = self.problems[:MAX_MESSAGE_PROBLEMS]
        lines += [f"  - {p}" for p in shown]
        if n > len(shown):
            lines.append(f"  - {summary(self.problems, len(shown))}")
        return "\n".join(lines)


def _kind(rule: str) -> str:
    """A rule without its numbers: "has 3 cells" and "has 5 cells" are one kind of problem."""
    return re.sub(r"[0-9][0-9,.]*", "#", rule)


class Tally:
    """How many problems of each kind, with the first rule of each kind as its example."""

    def __init__(self) -> None:
        self.kinds: Counter[str] = Counter()
        self.example: dict[str, str] = {}
        self.n = 0

    def add(self, problem: Problem) -> None:
        kind = _kind(problem.rule)
        self.kinds[kind] += 1
        self.example.setdefault(kind, problem.rule)
        self.n += 1

    def line(self, shown: int) -> str:
        """ "first 20 problems of 540,572 shown; all of the same kind: <rule>" (or the top kinds)."""
        if len(self.kinds) == 1:
            what = f"all of the same kind: {next(iter(self.example.values()))}"
        else:
            top = "; ".join(f"{n:,} x {self.example[k]}" for k, n in self.kinds.most_common(3))
            what = f"{len(self.kinds)} kinds, most often: {top}"
        return f"first {shown} problems of {self.n:,} shown; {what}"


def summary(problems: list[Problem], shown: int) -> str:
    tally = Tally()
    for p in problems:
        tally.add(p)
    return tally.line(shown)


class Capped:
    """Collects the problems of one source (a file) into `problems`: the first `limit` in full;
    `close()` then adds one line counting them all by kind. Nothing beyond `limit` is kept."""

    def __init__(self, problems: list[Problem], label: str, limit: int = MAX_SHOWN):
        self.problems, self.label, self.limit = problems, label, limit
        self.tally = Tally()

    def append(self, problem: Problem) -> None:
        self.tally.add(problem)
        if self.tally.n <= self.limit:
            self.problems.append(problem)

    def close(self) -> None:
        if self.tally.n > self.limit:
            self.problems.append(
                Problem(self.label, f"{self.tally.n:,} problems", self.tally.line(self.limit))
            )


def require_package(module: str, where: str, install: str) -> None:
    """An optional package the user's command needs (an extra of the install): one message,
    before anything is written, when it is not installed here."""
    if importlib.util.find_spec(module) is None:
        raise InputError(Problem(where, module, f"not installed here: {install}"))
