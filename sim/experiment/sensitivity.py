"""Global sensitivity analysis: what a verdict depends on (`drsim sensitivity sensitivity=NAME`).

The real-world job: a planner who reads "the 10 h target fails" must also learn which
uncertain assumptions (how fast first reports come, how big the flood is) and which of the
county's own levers (trucks, stock, contract lead times, shelters) move that answer most.
A study (`configs/sensitivity/NAME.yaml`) lists factors - any configuration key, any scenario
default (`scenario.road_speed_kmh.village`), or a budget change whose size is the factor
(`{kind: add_trucks, depot: D_CITY, trucks: "@value"}`) - each with a range and a kind
(`assumption` or `lever`), and the outputs (columns of reps.csv).

Methods (SALib, Herman & Usher 2017):
- **one at a time (OAT)**: each factor at the low and high end of its range, the others at
  their nominal values; paired with the nominal point replication by replication, so each
  change comes with a Student-t interval (the tornado chart);
- **Morris elementary effects** for screening: r trajectories of k+1 points; mu* (mean
  absolute effect over the factor's whole range) and sigma (spread: interaction or
  non-linearity), mu* with a bootstrap interval;
- **Sobol' first-order (S1) and total (ST) indices** with bootstrap intervals, on the few
  factors Morris ranks highest (the others held at nominal): N(k+2) points (Saltelli 2010).

Each design point is a case of an ordinary sweep (sim/experiment/sweep.py): its replications use
common random numbers (replication r of every point sees the disaster of (seed, r)), so an
index measures the factor, not the noise; the sweep machinery gives all cores or a Dask
cluster, resumption after a kill, provenance and `drsim replay`. Each stage is a sweep folder
(`screen/`: the nominal point, OAT and Morris; `sobol/`); a design point's output is its mean
over the replications (P(holds) for a `_holds` column: over the replications that tested it).

Left out: second-order Sobol' indices, correlated factors, and factors that are not numbers
(a policy name); a Sobol' index is conditional on the factors screened out staying at nominal.

Size: a study's five steps (factors, designs, stages as sweeps, indices, the command), marked by
section lines, each used only by the next; the charts are sim/report/sensitivity.py.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim import outdir
from sim.errors import InputError, Problem
from sim.experiment import budget, runner, sweep
from sim.experiment.aggregate import SweepResult, parquet_bytes
from sim.experiment.estimate import _duration
from sim.experiment.spec import CASE_NAME, CaseSpec, ExperimentSpec, render, validation_problems
from sim.experiment.store import SweepStore, json_bytes
from sim.experiment.units import Case
from sim.outdir import atomic_write
from sim.provenance import code_version
from sim.results import metrics
from sim.results.tables import csv_text
from sim.scenario.safe_yaml import forbidden_keys, load_mapping
from sim.settings import Settings

VALUE = "@value"  # where a budget-change template takes the factor's value
_PLACEHOLDER = re.compile(r"^@([A-Za-z][A-Za-z0-9_]*)(?:\*([0-9]+(?:\.[0-9]+)?))?$")
NOMINAL = "nominal"
COST_OUTPUT = "budget_cost_yuan"  # the design point's purchase + upkeep (configs/costs), no simulation
KINDS = ("assumption", "lever")
METHOD_NOTE = {
    "oat": "one at a time: the factor at the low or high end of its range, the others at nominal; "
    "change from the nominal point paired by replication (common random numbers), Student t",
    "morris": "Morris elementary effects (SALib): mu* = mean |effect| over the factor's whole range, "
    "sigma = their spread; mu* interval by bootstrap over trajectories",
    "sobol": "Sobol' indices (SALib, Saltelli 2010 estimator): S1 first order, ST total; "
    "intervals by bootstrap over the base samples; factors not in the stage held at nominal",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Label(_Strict):
    en: str = ""
    zh: str = ""


class FactorSpec(_Strict):
    name: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$")]  # also "@NAME" in templates
    kind: Literal["assumption", "lever"]
    key: str | None = None  # a config key, e.g. reporting.first_share or scenario.road_speed_kmh.village
    changes: list[dict[str, Any]] | None = None  # budget-change templates holding "@value"
    # neither: a value that another factor's changes take ("@NAME", e.g. a contract's lead time)
    low: float
    high: float
    nominal: float | None = None  # default: the composed config's (or the scenario's) value
    distribution: Literal["uniform", "triangular"] = "uniform"  # triangular: peak at nominal
    integer: bool = False
    unit: str = ""  # shown after values in words: "trucks", "km/h", "share"
    label: Label = Field(default_factory=Label)
    # why this range: a citation or a one-line reason; {en, zh} so a Chinese appendix reads it in
    # Chinese (a plain string is English and shown only in the English section)
    source: str | Label = ""

    @model_validator(mode="after")
    def _check(self) -> FactorSpec:
        if self.key is not None and self.changes is not None:
            raise ValueError("give one of `key` (a config key) or `changes` (budget changes), not both")
        if not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        if self.integer and not (float(self.low).is_integer() and float(self.high).is_integer()):
            raise ValueError("an integer factor needs whole low and high")
        if self.key is None and self.nominal is None:
            raise ValueError("a factor without a config key needs `nominal` (usually 0: the plan as built)")
        if self.nominal is not None and not self.low <= self.nominal <= self.high:
            raise ValueError(f"nominal ({self.nominal}) must lie within [low, high]")
        return self


class OutputSpec(_Strict):
    name: str = Field(min_length=1)  # a reps.csv column, or budget_cost_yuan
    label: Label = Field(default_factory=Label)


class OatSpec(_Strict):
    pass


class MorrisSpec(_Strict):
    trajectories: int = Field(ge=2, le=1000)  # r: r(k+1) points (Campolongo et al. 2007: 10-50)
    levels: int = Field(default=4, ge=2, le=20)  # p: grid levels (Saltelli et al. 2008: 4)


class SobolSpec(_Strict):
    base_samples: int = Field(ge=4, le=65536)  # N, a power of 2 (Sobol' sequence): N(k+2) points
    top: int | None = Field(default=None, ge=2)  # the factors Morris ranks highest; None: all

    @model_validator(mode="after")
    def _power(self) -> SobolSpec:
        if self.base_samples & (self.base_samples - 1):
            raise ValueError(f"base_samples ({self.base_samples}) must be a power of 2 (Sobol' sequence)")
        return self


class Methods(_Strict):
    oat: OatSpec | None = None
    morris: MorrisSpec | None = None
    sobol: SobolSpec | None = None


class StudySpec(_Strict):
    name: Annotated[str, Field(pattern=CASE_NAME)]
    description: str = ""
    factors: list[FactorSpec] = Field(min_length=2)
    outputs: list[OutputSpec] = Field(min_length=1)
    focus: str | None = None  # the output the charts and appendix rank by (default: the first)
    methods: Methods
    confidence: float = Field(default=0.95, gt=0.5, lt=1.0)
    bootstrap: int = Field(default=1000, ge=100, le=100_000)  # resamples for the SALib intervals

    @model_validator(mode="after")
    def _names(self) -> StudySpec:
        for what, names in (("factor", [f.name for f in self.factors]), ("output", self.output_names)):
            dup = sorted({n for n in names if names.count(n) > 1})
            if dup:
                raise ValueError(f"{what} names must be unique; given twice: {', '.join(dup)}")
        if self.focus is not None and self.focus not in self.output_names:
            raise ValueError(
                f"focus {self.focus!r} is not one of the outputs ({', '.join(self.output_names)})"
            )
        if not (self.methods.oat or self.methods.morris or self.methods.sobol):
            raise ValueError("name at least one method: oat, morris or sobol")
        factor_names = {f.name for f in self.factors}
        used: set[str] = set()
        for f in self.factors:
            refs = placeholders(f.changes or [])
            unknown = sorted(refs - factor_names - {"value"})
            if unknown:
                raise ValueError(f"factor {f.name}: its changes name no factor @{', @'.join(unknown)}")
            if f.changes is not None and "value" not in refs:
                raise ValueError(f'factor {f.name}: its changes must hold "{VALUE}" where its value goes')
            used |= refs
        idle = [f.name for f in self.factors if f.key is None and f.changes is None and f.name not in used]
        if idle:
            raise ValueError(
                f"factor {', '.join(idle)} has no `key` or `changes` and no other factor's changes "
                "name it (@NAME): it would change nothing"
            )
        top = self.methods.sobol.top if self.methods.sobol else None
        if top is not None and top > len(self.factors):
            raise ValueError(f"sobol.top ({top}) is more than the {len(self.factors)} factors")
        return self

    @property
    def output_names(self) -> list[str]:
        return [o.name for o in self.outputs]

    @property
    def focus_output(self) -> str:
        return self.focus or self.outputs[0].name


def parse(tree: Any, source: str) -> StudySpec:
    """Validate the composed `sensitivity:` node; raise InputError naming every problem."""
    heading = "the sensitivity study is not valid"
    if not isinstance(tree, dict):
        raise InputError(
            Problem(
                source, tree, "a study needs a `sensitivity:` mapping with name, factors, outputs, methods"
            ),
            heading=heading,
        )
    bad = forbidden_keys(tree, "sensitivity")
    if bad:
        raise InputError(
            [
                Problem(f"{source} key {p}", p.rsplit(".", 1)[-1], "instantiation keys are not allowed")
                for p in bad
            ],
            heading=heading,
        )
    try:
        return StudySpec.model_validate(tree)
    except ValidationError as exc:
        raise InputError(validation_problems(exc, source, "sensitivity"), heading=heading) from None


# --- factors -> configurations -----------------------------------------------------------------


def _walk(config: dict[str, Any], key: str) -> tuple[dict[str, Any] | None, str, bool]:
    """(the mapping that holds `key`'s last part, that part, whether that mapping is open: a
    group the scenario fills, `scenario.road_speed_kmh: null`, which takes new names); None when
    the path is missing."""
    parts = key.split(".")
    node: Any = config
    opened = False
    for i, part in enumerate(parts[:-1]):
        if not isinstance(node, dict) or part not in node:
            return None, parts[-1], False
        if node[part] is None and i == len(parts) - 2:
            node[part] = {}  # left to the scenario's defaults: the scenario checks the name
            opened = True
        node = node[part]
    return (node if isinstance(node, dict) else None), parts[-1], opened


def config_value(config: dict[str, Any], key: str) -> Any:
    node: Any = config
    for part in key.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def scenario_default(data_dir: Path, key: str) -> Any:
    """`scenario.X.Y` -> scenario.yaml `defaults.X.Y` (None keeps the folder's value in the config)."""
    problems: list[Problem] = []
    tree = load_mapping(data_dir / "scenario.yaml", str(data_dir / "scenario.yaml"), problems) or {}
    return config_value(tree.get("defaults") or {}, key.split(".", 1)[1])


def nominal_values(spec: StudySpec, base: dict[str, Any], data_dir: Path, source: str) -> dict[str, float]:
    """Each factor's nominal value: as the study gives it, else the composed config's, else the
    scenario's default. A key found nowhere is refused, naming the factor."""
    out, problems = {}, []
    for i, f in enumerate(spec.factors):
        value: Any = f.nominal
        if value is None and f.key is not None:
            value = config_value(base, f.key)
            if value is None and f.key.startswith("scenario."):
                value = scenario_default(data_dir, f.key)
        where = f"{source} key sensitivity.factors[{i}] ({f.name})"
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(
                Problem(where, f.key, "no number at this config key or scenario default: give `nominal`")
            )
            continue
        if not f.low <= float(value) <= f.high:
            problems.append(
                Problem(
                    where, value, f"the nominal value must lie within [low, high] = [{f.low:g}, {f.high:g}]"
                )
            )
            continue
        out[f.name] = float(value)
    if problems:
        raise InputError(problems, heading="the sensitivity study does not fit the configuration")
    return out


def _fill(template: Any, value: float, values: dict[str, float]) -> tuple[Any, bool]:
    """The template with its placeholders filled: "@value" (this factor's value), "@value*K"
    (K times it, rounded: units are counted), "@NAME" / "@NAME*K" (another factor's value). The
    flag says this factor's own value filled a 0 (the change then adds nothing)."""
    if isinstance(template, dict):
        pairs = [(k, _fill(v, value, values)) for k, v in template.items()]
        return {k: v for k, (v, _) in pairs}, any(z for _, (_, z) in pairs)
    if isinstance(template, list):
        items = [_fill(v, value, values) for v in template]
        return [v for v, _ in items], any(z for _, z in items)
    m = _PLACEHOLDER.match(template) if isinstance(template, str) else None
    if m is None:
        return template, False
    own = m[1] == "value"
    x = value if own else values[m[1]]
    filled: float | int = x if m[2] is None else round(x * float(m[2]))
    return filled, own and filled == 0


def placeholders(template: Any) -> set[str]:
    """The factor names a template refers to ("value" for its own)."""
    if isinstance(template, dict):
        return set().union(*(placeholders(v) for v in template.values())) if template else set()
    if isinstance(template, list):
        return set().union(*(placeholders(v) for v in template)) if template else set()
    m = _PLACEHOLDER.match(template) if isinstance(template, str) else None
    return {m[1]} if m else set()


def typed(f: FactorSpec, value: float) -> float | int:
    return round(value) if f.integer else float(value)


def point_config(
    base: dict[str, Any], spec: StudySpec, values: dict[str, float], name: str
) -> tuple[dict[str, Any], list[str]]:
    """The composed config of one design point and its overrides in Hydra's grammar. A budget
    change whose filled number is 0 adds nothing and is left out (0 extra trucks)."""
    config = json.loads(json.dumps(base))
    overrides, changes = [], []
    typed_values = {g.name: typed(g, values[g.name]) for g in spec.factors}
    for f in spec.factors:
        value = typed(f, values[f.name])
        if f.key is not None:
            holder, last, _ = _walk(config, f.key)
            assert holder is not None, f.key  # checked by check_keys
            holder[last] = value
            overrides.append(f"{f.key}={render(value)}")
        else:
            for template in f.changes or []:  # none: another factor's changes take its value
                filled, zero = _fill(template, value, typed_values)
                if not zero:
                    changes.append(filled)
            overrides.append(f"{f.name}={render(value)}")
    if changes:
        old = config.get("budget") or {}
        config["budget"] = {
            **old,
            "name": name,
            "description": "sensitivity design point",
            "changes": [*(old.get("changes") or []), *changes],
        }
    return config, overrides


def check_keys(spec: StudySpec, base: dict[str, Any], source: str) -> None:
    problems = []
    for i, f in enumerate(spec.factors):
        if f.key is None:
            continue
        head = f.key.split(".", 1)[0]
        holder, last, opened = _walk(json.loads(json.dumps(base)), f.key)
        missing = holder is None or (last not in holder and not opened)
        if head in ("run", "targets", "sensitivity", "experiment", "hydra") or missing:
            rule = (
                "no such config key (see `drsim run --cfg job`)"
                if missing
                else "run.*, targets.* and the study itself are what every design point shares"
            )
            problems.append(Problem(f"{source} key sensitivity.factors[{i}].key", f.key, rule))
        elif holder is not None and isinstance(holder.get(last), dict | list):
            problems.append(
                Problem(f"{source} key sensitivity.factors[{i}].key", f.key, "names a group, not one number")
            )
    if problems:
        raise InputError(problems, heading="the sensitivity study does not fit the configuration")


# --- designs ----------------------------------------------------------------------------------


def to_values(spec: StudySpec, factors: list[str], unit: np.ndarray, nominal: dict[str, float]) -> list[dict]:
    """Rows of the unit hypercube -> factor values (inverse CDF); factors not in `factors` at nominal."""
    from scipy import stats

    by = {f.name: f for f in spec.factors}
    out = []
    for row in unit:
        values = dict(nominal)
        for name, u in zip(factors, row, strict=True):
            f = by[name]
            u = float(min(max(u, 0.0), 1.0))
            if f.integer:
                v = min(f.low + math.floor(u * (f.high - f.low + 1)), f.high)
            elif f.distribution == "triangular":
                c = (nominal[name] - f.low) / (f.high - f.low)
                v = float(stats.triang.ppf(u, c, loc=f.low, scale=f.high - f.low))
            else:
                v = f.low + u * (f.high - f.low)
            values[name] = float(v)
        out.append(values)
    return out


def problem(factors: list[str]) -> dict[str, Any]:
    return {"num_vars": len(factors), "names": list(factors), "bounds": [[0.0, 1.0]] * len(factors)}


def morris_design(factors: list[str], m: MorrisSpec, seed: int) -> np.ndarray:
    from SALib.sample import morris

    return morris.sample(problem(factors), N=m.trajectories, num_levels=m.levels, seed=seed)


def sobol_design(factors: list[str], s: SobolSpec, seed: int) -> np.ndarray:
    import warnings

    from SALib.sample import sobol

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SALib's note on the sample size; base_samples is checked
        return sobol.sample(problem(factors), s.base_samples, calc_second_order=False, seed=seed)


def oat_values(spec: StudySpec, nominal: dict[str, float]) -> list[tuple[str, str, dict[str, float]]]:
    out = []
    for f in spec.factors:
        for end, v in (("low", f.low), ("high", f.high)):
            out.append((f.name, end, {**nominal, f.name: float(v)}))
    return out


def design_seed(seed: int, stage: str) -> int:
    """A design's own seed from run.seed and the stage: the design never shares a stream with
    the replications, and a study run again draws the same design."""
    digest = hashlib.blake2b(f"{seed}:{stage}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big")


# --- the stages as sweeps -----------------------------------------------------------------------


@dataclass
class Stage:
    name: str  # screen | sobol
    points: list[dict[str, float]]  # unique design points; points[0] is the nominal point
    rows: pd.DataFrame  # one row per design row: method, index in its design, point number, end/factor


def _point_key(values: dict[str, float]) -> str:
    return json.dumps({k: round(v, 12) for k, v in sorted(values.items())})


def make_stage(
    name: str, design: list[tuple[str, int, str, dict[str, float]]], nominal: dict[str, float]
) -> Stage:
    """Unique points (identical rows, e.g. the nominal point of OAT and Morris, run once)."""
    index: dict[str, int] = {_point_key(nominal): 0}
    points = [dict(nominal)]
    rows = []
    for method, i, label, values in design:
        key = _point_key(values)
        if key not in index:
            index[key] = len(points)
            points.append(values)
        rows.append({"method": method, "row": i, "label": label, "point": index[key]})
    return Stage(name, points, pd.DataFrame(rows, columns=["method", "row", "label", "point"]))


def point_name(i: int) -> str:
    return "nominal" if i == 0 else f"p{i:05d}"


def stage_cases(
    stage: Stage, spec: StudySpec, base: dict[str, Any], data_dir: str, source: str
) -> list[Case]:
    cases, problems = [], []
    for i, values in enumerate(stage.points):
        name = point_name(i)
        config, overrides = point_config(base, spec, values, name)
        try:
            settings = Settings.from_dict(config)
        except InputError as exc:
            shown = ", ".join(f"{k}={v:g}" for k, v in values.items())
            problems += [
                Problem(f"{source}: design point {name} ({shown}); {p.where}", p.value, p.rule)
                for p in exc.problems
            ]
            if len(problems) > 20:
                break
            continue
        text = "; ".join(f"{f.name}={typed(f, values[f.name])}" for f in spec.factors)
        cases.append(Case(name, text, settings, config, tuple(overrides), data_dir))
    if problems:
        raise InputError(problems, heading="a design point is not a valid configuration (check the ranges)")
    return cases


def point_outputs(store: Path, cases: list[Case], outputs: list[str]) -> pd.DataFrame:
    """Per design point: each output's mean over its replications (NaN replications, a target
    not tested, left out), and the replication table for the paired OAT intervals."""
    reps = pd.read_csv(store / "reps.csv")
    cost = {c.name: budget.cost(c.settings.budget.changes, c.settings.costs).total_yuan for c in cases}
    reps = reps.copy()  # one block: the aggregate's many columns came one by one
    reps[COST_OUTPUT] = reps["case"].map(cost)
    missing = [o for o in outputs if o not in reps.columns]
    if missing:
        known = ", ".join(c for c in reps.columns if c.endswith(("_share", "_holds", "_people", "_yuan")))
        raise InputError(
            Problem(
                "sensitivity outputs",
                ", ".join(missing),
                f"not a column of reps.csv (some that are: {known})",
            ),
            heading="the sensitivity study names an unknown output",
        )
    return reps[["case", "rep", *outputs]]


# --- indices ------------------------------------------------------------------------------------


def _row(method, output, factor, kind, index, value, low=math.nan, high=math.nan, n=None, **extra):
    return {
        "method": method,
        "output": output,
        "factor": factor,
        "kind": kind,
        "index": index,
        "value": value,
        "ci_low": low,
        "ci_high": high,
        "n": n,
        **extra,
    }


def oat_indices(spec: StudySpec, stage: Stage, reps: pd.DataFrame, confidence: float) -> list[dict]:
    kinds = {f.name: f.kind for f in spec.factors}
    by_case = {c: g.set_index("rep") for c, g in reps.groupby("case", sort=False)}
    nominal = by_case.get(point_name(0))
    out = []
    for r in stage.rows[stage.rows["method"] == "oat"].to_dict("records"):
        factor, end = r["label"].split(":")
        point = by_case.get(point_name(r["point"]))
        for o in spec.output_names:
            if point is None or nominal is None:
                mean = lo = hi = math.nan
                n = 0
            else:
                mean, lo, hi, n = metrics.paired_difference(point[o], nominal[o], confidence)
            value = stage.points[r["point"]][factor]
            out.append(
                _row("oat", o, factor, kinds[factor], f"change_{end}", mean, lo, hi, n, factor_value=value)
            )
    return out


def _means(stage: Stage, reps: pd.DataFrame, output: str, method: str) -> np.ndarray:
    mean = reps.groupby("case", sort=False)[output].mean()
    rows = stage.rows[stage.rows["method"] == method]
    return np.array([mean.get(point_name(p), math.nan) for p in rows["point"]], dtype=float)


def morris_indices(
    spec: StudySpec, stage: Stage, unit: np.ndarray, reps: pd.DataFrame, seed: int
) -> tuple[list[dict], list[str]]:
    from SALib.analyze import morris

    m = spec.methods.morris
    assert m is not None
    names = [f.name for f in spec.factors]
    kinds = {f.name: f.kind for f in spec.factors}
    out, notes = [], []
    for o in spec.output_names:
        y = _means(stage, reps, o, "morris")
        if np.isnan(y).any():
            notes.append(
                f"morris: output {o} is missing at {int(np.isnan(y).sum())} design points "
                "(a target tested in no replication there): no Morris indices for it"
            )
            continue
        res = morris.analyze(
            problem(names),
            unit,
            y,
            num_resamples=spec.bootstrap,
            conf_level=spec.confidence,
            num_levels=m.levels,
            seed=seed,
        )
        for j, f in enumerate(names):
            ms, conf = float(res["mu_star"][j]), float(res["mu_star_conf"][j])
            n = m.trajectories
            out.append(_row("morris", o, f, kinds[f], "mu_star", ms, ms - conf, ms + conf, n))
            out.append(_row("morris", o, f, kinds[f], "sigma", float(res["sigma"][j]), n=n))
            out.append(_row("morris", o, f, kinds[f], "mu", float(res["mu"][j]), n=n))
    return out, notes


def sobol_indices(
    spec: StudySpec, stage: Stage, factors: list[str], reps: pd.DataFrame, seed: int
) -> tuple[list[dict], list[str]]:
    from SALib.analyze import sobol

    s = spec.methods.sobol
    assert s is not None
    kinds = {f.name: f.kind for f in spec.factors}
    out, notes = [], []
    for o in spec.output_names:
        y = _means(stage, reps, o, "sobol")
        if np.isnan(y).any() or np.ptp(y) == 0:
            notes.append(
                f"sobol: output {o} is missing or constant over the design: no Sobol' indices for it"
            )
            continue
        res = sobol.analyze(
            problem(factors),
            y,
            calc_second_order=False,
            num_resamples=spec.bootstrap,
            conf_level=spec.confidence,
            seed=seed,
        )
        for j, f in enumerate(factors):
            for index in ("S1", "ST"):
                v, conf = float(res[index][j]), float(res[f"{index}_conf"][j])
                out.append(_row("sobol", o, f, kinds[f], index, v, v - conf, v + conf, s.base_samples))
    return out, notes


def screened(spec: StudySpec, rows: list[dict]) -> list[str]:
    """The factors of the Sobol' stage: every factor, or the `top` by Morris mu* of the focus
    output (ties in study order)."""
    s = spec.methods.sobol
    names = [f.name for f in spec.factors]
    if s is None or s.top is None or not spec.methods.morris:
        return names
    mu = {
        r["factor"]: r["value"]
        for r in rows
        if r["method"] == "morris" and r["index"] == "mu_star" and r["output"] == spec.focus_output
    }
    if not mu:
        return names
    ranked = sorted(names, key=lambda n: (-mu.get(n, 0.0), names.index(n)))
    return [n for n in names if n in ranked[: s.top]]


# --- the command ----------------------------------------------------------------------------------


@dataclass
class StudyResult:
    out: Path
    spec: StudySpec
    table: pd.DataFrame
    complete: bool
    seconds: float
    replications: int  # run by this command
    notes: list[str]


def plan_lines(
    spec: StudySpec, n_screen: int, n_sobol: int, reps: int, rep_s: float, workers: int, done: int = 0
) -> list[str]:
    """What the study will run and about how long it takes: told before it starts (`done`:
    replications already on disk from an earlier session, which a resumed study skips)."""
    total = (n_screen + n_sobol) * reps
    left = max(total - done, 0)
    wall = left * rep_s / max(workers, 1)
    return [
        f"design: {n_screen} screening points (nominal"
        + (", one at a time" if spec.methods.oat else "")
        + (f", Morris r={spec.methods.morris.trajectories}" if spec.methods.morris else "")
        + ")"
        + (f" + {n_sobol} Sobol' points" if n_sobol else ""),
        f"{total:,} replications ({reps} per point, common random numbers)"
        + (f", {min(done, total):,} already on disk" if done else "")
        + f"; {rep_s:.2f} s each here, so about {_duration(wall)} on {workers} worker(s) "
        "(more if the machine is shared)",
    ]


def screening(
    spec: StudySpec, base: dict[str, Any], source: str
) -> tuple[dict[str, float], Stage, np.ndarray | None, list[Case]]:
    """The screening stage (nominal, OAT, Morris) with every design point's configuration
    validated: a study that does not fit is refused here, before any work or output."""
    data_dir = Path(base["scenario"]["dir"])
    check_keys(spec, base, source)
    nominal = nominal_values(spec, base, data_dir, source)
    seed = Settings.from_dict(base).run.seed
    names = [f.name for f in spec.factors]
    design: list[tuple[str, int, str, dict[str, float]]] = []
    if spec.methods.oat:
        design += [("oat", i, f"{f}:{end}", v) for i, (f, end, v) in enumerate(oat_values(spec, nominal))]
    morris_unit = None
    if spec.methods.morris:
        morris_unit = morris_design(names, spec.methods.morris, design_seed(seed, "morris"))
        design += [("morris", i, "", v) for i, v in enumerate(to_values(spec, names, morris_unit, nominal))]
    screen = make_stage("screen", design, nominal)
    return nominal, screen, morris_unit, stage_cases(screen, spec, base, str(data_dir), source)


def run_study(
    spec: StudySpec,
    base: dict[str, Any],
    source: str,
    out: Path,
    argv: list[str],
    make_executor: Callable[[], Any],
    workers: int,
    progress_factory: Callable[[], Any] | None = None,
    say: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
    plan_only: bool = False,
    report: bool = True,
) -> StudyResult | None:
    """Screen (nominal, OAT, Morris), then Sobol' on the factors that matter; write the indices."""
    started = time.perf_counter()
    settings = Settings.from_dict(base)
    data_dir = Path(base["scenario"]["dir"])
    seed = settings.run.seed
    names = [f.name for f in spec.factors]
    nominal, screen, morris_unit, cases = screening(spec, base, source)
    s = spec.methods.sobol
    n_sobol = s.base_samples * ((s.top or len(names)) + 2) if s else 0
    rep_s = _time_point(cases[0])
    say(f"drsim sensitivity {spec.name}: {len(names)} factors, seed {seed}, -> {out}")
    done = sum(1 for p in out.glob("*/parts/*/rep-*.parquet") if not p.name.endswith(".events.parquet"))
    for line in plan_lines(spec, len(screen.points), n_sobol, settings.run.reps, rep_s, workers, done):
        say("  " + line)
    if plan_only:
        return None
    outdir.claim(out, "sensitivity")
    notes: list[str] = []
    experiment = ExperimentSpec(
        name=spec.name,
        description=spec.description,
        baseline="nominal",
        focus_target=None,
        cases=[CaseSpec(name="nominal")],
    )

    def run_stage(name: str, stage_cases: list[Case]) -> SweepResult:
        progress = progress_factory() if progress_factory else None
        return sweep.run_sweep(
            experiment, stage_cases, out / name, [*argv, f"(stage {name})"], make_executor, progress
        )

    first = run_stage("screen", cases)
    ran = first.ran
    complete = first.complete
    rows: list[dict] = []
    stage_info: dict[str, Any] = {"screen": _stage_json(screen, first)}
    if first.ok.get("nominal"):
        reps = point_outputs(out / "screen", cases, spec.output_names)
        rows += oat_indices(spec, screen, reps, spec.confidence) if spec.methods.oat else []
        if morris_unit is not None and complete:
            got, more = morris_indices(spec, screen, morris_unit, reps, design_seed(seed, "morris-bootstrap"))
            rows += got
            notes += more
    if s is not None and complete:
        chosen = screened(spec, rows)
        unit = sobol_design(chosen, s, design_seed(seed, "sobol"))
        stage = make_stage(
            "sobol",
            [("sobol", i, "", v) for i, v in enumerate(to_values(spec, chosen, unit, nominal))],
            nominal,
        )
        scases = stage_cases(stage, spec, base, str(data_dir), source)
        say(f"  Sobol' stage: {len(stage.points)} points on {', '.join(chosen)}")
        second = run_stage("sobol", scases)
        ran += second.ran
        complete = complete and second.complete
        stage_info["sobol"] = {**_stage_json(stage, second), "factors": chosen}
        if second.complete:
            reps2 = point_outputs(out / "sobol", scases, spec.output_names)
            got, more = sobol_indices(spec, stage, chosen, reps2, design_seed(seed, "sobol-bootstrap"))
            rows += got
            notes += more
    table = pd.DataFrame(rows, columns=[*_row("", "", "", "", "", 0).keys(), "factor_value"])
    result = StudyResult(out, spec, table, complete, time.perf_counter() - started, ran, notes)
    write_results(result, nominal, stage_info, settings, argv, rep_s)
    if report and not table.empty:
        write_report(out)
    return result


def _time_point(case: Case) -> float:
    """Seconds one replication of a design point takes here, on average over run.reps: the first
    on a freshly loaded scenario (its travel tables are built then, once per design point that
    changes the scenario) and a second (the rest of the point's replications) are timed."""
    scen = runner.scenario_for(Path(case.data_dir), case.settings)
    runner.preflight(scen, case.settings)
    times = []
    for rep in (0, 1):
        started = time.perf_counter()
        runner.replicate(scen, case.settings, case.name, rep)
        times.append(time.perf_counter() - started)
    reps = case.settings.run.reps
    return (times[0] + (reps - 1) * times[1]) / reps


def _stage_json(stage: Stage, res: SweepResult) -> dict[str, Any]:
    return {
        "folder": res.out.name,
        "points": len(stage.points),
        "design_rows": {m: int((stage.rows["method"] == m).sum()) for m in stage.rows["method"].unique()},
        "complete": res.complete,
        "replications_per_point": res.reps,
        "seconds_this_session": round(res.seconds, 3),
    }


def reader_labels(settings: Settings) -> dict[str, dict[str, str]]:
    """The scenario's and hazard's names for a reader, per language (scenario.yaml `title`, the
    hazard's `label`; else their file names): the report never prints a code in Chinese."""
    from sim.scenario.load import load as load_scenario

    meta_title = load_scenario(settings.scenario.dir, settings.scenario).meta.get("title")
    title: dict = meta_title if isinstance(meta_title, dict) else {}  # {lang: name}, when given
    hazard = settings.hazard.label
    return {
        lang: {
            "scenario": str(title[lang]) if lang in title else settings.scenario.name,
            "hazard": getattr(hazard, lang) if hazard is not None else settings.hazard.name,
        }
        for lang in ("zh", "en")
    }


def write_results(
    result: StudyResult,
    nominal: dict[str, float],
    stages: dict[str, Any],
    settings: Settings,
    argv: list[str],
    rep_s: float,
) -> None:
    """sensitivity.csv / .parquet (tidy: one row per method, output, factor, index) and
    sensitivity.json (the study, nominal values, stages, seeds, methods, notes). The bytes depend
    only on the parts on disk and the seed, never on workers or timings (timings are in the
    stages' manifests)."""
    spec, out = result.spec, result.out
    table = result.table
    atomic_write(out / "sensitivity.csv", csv_text(table).encode("utf-8"))
    atomic_write(out / "sensitivity.parquet", parquet_bytes(table))
    info = {
        "study": spec.model_dump(),
        "complete": result.complete,
        "seed": settings.run.seed,
        "replications_per_point": settings.run.reps,
        "scenario": settings.scenario.name,
        "hazard": settings.hazard.name,
        "labels": reader_labels(settings),
        "nominal": nominal,
        "focus_output": spec.focus_output,
        "methods": {m: METHOD_NOTE[m] for m in ("oat", "morris", "sobol") if getattr(spec.methods, m)},
        "confidence": spec.confidence,
        "stages": {
            k: {kk: vv for kk, vv in v.items() if kk != "seconds_this_session"} for k, v in stages.items()
        },
        "notes": result.notes,
        "code": code_version(),
    }
    atomic_write(out / "sensitivity.json", json_bytes(info))
    timing = {
        "command": argv,
        "at": sweep._now(),
        "seconds": round(result.seconds, 3),
        "replications_run": result.replications,
        "one_replication_s": round(rep_s, 4),
        "cpus": os.cpu_count(),
        "stages": stages,
    }
    SweepStore(out).append("sessions.jsonl", timing)


def write_report(
    out: Path, langs: tuple[str, ...] = ("zh", "en"), formats: tuple[str, ...] = ("png", "svg")
) -> None:
    """report/LANG/: the tornado and Morris charts and the appendix section (depends_on.md),
    written whole beside any old report and swapped in (sim/outdir.py)."""
    from sim.report import sensitivity as charts

    with outdir.staged(out / "report", "report", replace=True, where="report folder (DIR/report)") as stage:
        charts.build(out, langs, formats, stage)


def summary_text(result: StudyResult) -> str:
    """The ranking of the focus output a planner reads at the end (assumptions, then levers)."""
    from sim.report import sensitivity as charts

    spec, t = result.spec, result.table
    output = spec.focus_output
    lines = [
        f"What {output} depends on ({'complete' if result.complete else 'INCOMPLETE: rerun to finish'}):"
    ]
    if t.empty:
        return lines[0] + " nothing finished yet"
    rank = charts.ranking(t, output)
    frac = charts.is_fraction(output)

    def num(v: float) -> str:
        if v != v:
            return "-"
        return f"{v * 100:+.1f}" if frac else f"{v:+.4g}"

    head = f"  {'factor':<22} {'kind':<10} {'ST':>12} {'mu*':>8} {'sigma':>8} {'low':>8} {'high':>8}"
    for kind in KINDS:
        part = rank[rank["kind"] == kind]
        if part.empty:
            continue
        lines += [f"{kind}s:", head]
        for _, r in part.iterrows():
            st = f"{r['st']:.2f}±{(r['st_hi'] - r['st_lo']) / 2:.2f}" if r.get("st") == r.get("st") else "-"
            cells = [num(r.get(c, math.nan)) for c in ("mu_star", "sigma", "low", "high")]
            lines.append(f"  {r['factor']:<22} {kind:<10} {st:>12} " + " ".join(f"{c:>8}" for c in cells))
    unit = "percentage points" if frac else "output units"
    lines.append(f"mu*, sigma, low/high changes in {unit}; ST: Sobol' total index with its 95% half-width.")
    lines += [f"note: {n}" for n in result.notes]
    return "\n".join(lines)
