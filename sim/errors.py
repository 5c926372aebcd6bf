"""The one error type for a user's mistake in their input.

Every bad-input path raises `InputError` with one or more `Problem`s, each naming
where (file and row, or config key), the value found and the rule broken. The
command line prints them and exits with code 2; nothing else is written.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

EXIT_BAD_INPUT = 2


@dataclass(frozen=True)
class Problem:
    where: str  # "scenarios/tiny/depots.csv row 3, column trucks" or "config key run.reps"
    value: object
    rule: str

    def __str__(self) -> str:
        shown = repr(self.value) if not isinstance(self.value, str) else repr(self.value[:80])
        return f"{self.where}: value {shown} — {self.rule}"


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
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


def require_package(module: str, where: str, install: str) -> None:
    """An optional package the user's command needs (an extra of the install): one message,
    before anything is written, when it is not installed here."""
    if importlib.util.find_spec(module) is None:
        raise InputError(Problem(where, module, f"not installed here: {install}"))
