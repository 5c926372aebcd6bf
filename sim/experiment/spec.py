"""Experiments: the cases of a sweep, as data (`configs/experiment/NAME.yaml`).

An experiment file is a Hydra config (`# @package _global_`) that sets the common
configuration of every case (scenario, hazard, run.reps, run.seed, ...) and lists
its cases under `experiment:`:

    experiment:
      name: zhangshu_budget
      baseline: baseline          # the case every other case is compared with
      focus_target: basic_relief_24h
      cases:
        - name: baseline
        - name: more_trucks
          label: {zh: 市级储备库增车4辆, en: Four more city trucks}   # optional: the name charts show
          changes: [{kind: add_trucks, depot: D_CITY, trucks: 4}]   # inline budget changes
        - name: river_points
          budget: river_points    # or a file in configs/budget/
          overrides: [policy.load_order=fifo]   # or a mapping {policy.load_order: fifo}

A case's configuration is composed by Hydra from: the experiment, then the
command line's overrides (they apply to every case), then the case's own
overrides and budget. Cases are data: Hydra's instantiation keys (`_target_`...)
are refused anywhere, and a case may not change what makes cases comparable
(`run.*`: the replications and seeds of common random numbers; `targets.*`).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.errors import InputError, Problem
from sim.outdir import SAFE_NAME
from sim.scenario.safe_yaml import forbidden_keys
from sim.settings import Label

CASE_NAME = rf"^{SAFE_NAME}$"  # also a directory name on every filesystem (sim/outdir.py)
# Keys a case may not override: they define what is compared with what.
FIXED_PREFIXES = ("run", "targets", "experiment", "hydra")
# Execution keys: they decide where and how long replications run, never a result, so
# they are left out of a case's identity (a sweep may resume with more workers or reps).
EXECUTION_KEYS = (
    "reps",
    "progress",
    "executor",
    "workers",
    "workers_force",
    "address",
    "halfwidth",
    "max_reps",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class CaseSpec(_Strict):
    name: Annotated[str, Field(pattern=CASE_NAME)]
    description: str = ""
    # the case's name for a reader of the report, in each language (else `name`): a label only,
    # not part of the case's identity (relabelling never reruns a replication)
    label: Label | None = None
    overrides: list[str] | dict[str, Any] = Field(default_factory=list)
    budget: str | None = None  # a file in configs/budget/
    changes: list[dict[str, Any]] = Field(default_factory=list)  # inline budget changes


class ExperimentSpec(_Strict):
    name: Annotated[str, Field(pattern=CASE_NAME)]
    description: str = ""
    baseline: str
    focus_target: str | None = None  # the target of the frontier, gains and equity columns
    cases: list[CaseSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _names(self) -> ExperimentSpec:
        names = [c.name for c in self.cases]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"case names must be unique; given twice: {', '.join(dup)}")
        if self.baseline not in names:
            raise ValueError(f"baseline {self.baseline!r} is not one of the cases ({', '.join(names)})")
        return self


def parse(tree: Any, source: str) -> ExperimentSpec:
    """Validate the composed `experiment:` node; raise InputError naming every problem."""
    if not isinstance(tree, dict):
        raise InputError(
            Problem(
                source, tree, "an experiment needs an `experiment:` mapping with name, baseline and cases"
            ),
            heading="the experiment is not valid",
        )
    bad = forbidden_keys(tree, "experiment")
    if bad:
        raise InputError(
            [
                Problem(
                    f"{source} key {path}",
                    path.rsplit(".", 1)[-1],
                    "instantiation keys (_target_, _partial_, ...) are not allowed: cases are data",
                )
                for path in bad
            ],
            heading="the experiment is not valid",
        )
    try:
        spec = ExperimentSpec.model_validate(tree)
    except ValidationError as exc:
        raise InputError(
            validation_problems(exc, source, "experiment"), heading="the experiment is not valid"
        ) from None
    problems = []
    for i, case in enumerate(spec.cases):
        for override in case_overrides(case):
            key = override.lstrip("+~").split("=", 1)[0]
            if key.split(".", 1)[0].split("/", 1)[0] in FIXED_PREFIXES:
                problems.append(
                    Problem(
                        f"{source} key experiment.cases[{i}].overrides",
                        override,
                        "a case may not change run.*, targets.*, experiment or hydra: every case shares "
                        "the replications, seeds and targets it is compared on (set them for the whole "
                        "sweep on the command line)",
                    )
                )
    if problems:
        raise InputError(problems, heading="the experiment is not valid")
    return spec


def validation_problems(exc: ValidationError, source: str, root: str) -> list[Problem]:
    """One Problem per pydantic error of a config file's `root:` node, naming its key path."""
    problems = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in (root, *err["loc"]))
        rule = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
        problems.append(Problem(f"{source} key {loc}", err.get("input"), rule))
    return problems


def render(value: Any) -> str:
    """A value in Hydra's override grammar (for a case's `overrides:` mapping)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_./-]*", value) and value not in ("null", "true", "false"):
            return value
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, list | tuple):
        return "[" + ",".join(render(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{k}:{render(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} as a Hydra override")


def case_overrides(case: CaseSpec) -> list[str]:
    """The case's overrides as Hydra override strings (its budget file last)."""
    if isinstance(case.overrides, dict):
        out = [f"{k}={render(v)}" for k, v in case.overrides.items()]
    else:
        out = list(case.overrides)
    if case.budget is not None:
        out.append(f"budget={case.budget}")
    return out


def with_inline_changes(config: dict[str, Any], case: CaseSpec) -> dict[str, Any]:
    """The composed config with the case's inline budget changes added after its budget file's."""
    if not case.changes:
        return config
    budget = dict(config.get("budget") or {})
    budget["changes"] = [*(budget.get("changes") or []), *case.changes]
    budget["name"] = case.name  # no longer the file's budget alone
    budget["description"] = case.description or budget.get("description", "")
    return {**config, "budget": budget}


def identity(config: dict[str, Any]) -> dict[str, Any]:
    """What makes a case's replications what they are: its config without execution keys."""
    run = {k: v for k, v in (config.get("run") or {}).items() if k not in EXECUTION_KEYS}
    return {**config, "run": run}
