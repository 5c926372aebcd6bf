"""drsim sensitivity (issue 21): the indices are right on functions with known answers, a factor
that changes nothing is ranked last, the same seed gives byte-identical indices on 1 and 2
workers and after a kill and resume, and a bad study is refused with nothing written."""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.config import compose
from sim.errors import InputError
from sim.experiment import sensitivity as sa
from sim.experiment.executors import LocalExecutor
from sim.report import sensitivity as charts

ROOT = Path(__file__).resolve().parents[1]


def study(**extra) -> dict:
    tree = {
        "name": "t",
        "outputs": [{"name": "y"}],
        "methods": {"morris": {"trajectories": 20}, "sobol": {"base_samples": 2048}},
        "factors": [
            {"name": f"x{i}", "key": f"a.x{i}", "kind": "assumption", "low": -math.pi, "high": math.pi}
            for i in range(1, 4)
        ],
    }
    tree.update(extra)
    return tree


def evaluate(
    spec: sa.StudySpec, method: str, names: list[str], unit: np.ndarray, fn
) -> tuple[sa.Stage, pd.DataFrame]:
    """A design's stage and a one-replication reps table of fn(values) per point: the analysis
    exactly as the command runs it, with a function in place of the simulation."""
    nominal = {f.name: (f.low + f.high) / 2 for f in spec.factors}
    values = sa.to_values(spec, names, unit, nominal)
    stage = sa.make_stage(method, [(method, i, "", v) for i, v in enumerate(values)], nominal)
    reps = pd.DataFrame(
        {
            "case": [sa.point_name(i) for i in range(len(stage.points))],
            "rep": 0,
            "y": [fn(p) for p in stage.points],
        }
    )
    return stage, reps


def ishigami(p: dict[str, float], a: float = 7.0, b: float = 0.1) -> float:
    return math.sin(p["x1"]) + a * math.sin(p["x2"]) ** 2 + b * p["x3"] ** 4 * math.sin(p["x1"])


def test_sobol_indices_of_the_ishigami_function_contain_the_known_values():
    # Ishigami & Homma (1990), a = 7, b = 0.1, x uniform on [-pi, pi]: analytic S1 and ST
    # (Saltelli et al. 2008, Global Sensitivity Analysis: The Primer, section 4.6)
    a, b = 7.0, 0.1
    v = 0.5 + a * a / 8 + b * math.pi**4 / 5 + b * b * math.pi**8 / 18
    v1 = 0.5 * (1 + b * math.pi**4 / 5) ** 2
    v2 = a * a / 8
    v13 = b * b * math.pi**8 * (1 / 18 - 1 / 50)
    known = {"x1": (v1 / v, (v1 + v13) / v), "x2": (v2 / v, v2 / v), "x3": (0.0, v13 / v)}
    spec = sa.parse(study(), "test")
    names = ["x1", "x2", "x3"]
    unit = sa.sobol_design(names, spec.methods.sobol, seed=7)
    stage, reps = evaluate(spec, "sobol", names, unit, ishigami)
    rows, notes = sa.sobol_indices(spec, stage, names, reps, seed=8)
    assert not notes
    got = {(r["factor"], r["index"]): r for r in rows}
    for f, (s1, st_) in known.items():
        for index, truth in (("S1", s1), ("ST", st_)):
            r = got[(f, index)]
            assert r["ci_low"] <= truth <= r["ci_high"], (f, index, truth, r)
            assert r["ci_high"] - r["ci_low"] < 0.15, "an interval this wide would hold anything"


@settings(max_examples=25, deadline=None)
@given(
    coefs=st.lists(st.floats(0.5, 20.0), min_size=2, max_size=5),
    zero_at=st.integers(0, 5),
    seed=st.integers(0, 2**31),
)
def test_morris_and_sobol_rank_a_factor_that_changes_nothing_last(coefs, zero_at, seed):
    """y = sum c_i x_i with one c_i = 0: that factor's every elementary effect is exactly 0 (mu* = 0,
    last), and its total Sobol' index is 0 (f(A) = f(AB_i) exactly), while every other factor's
    mu* equals |c_i| x its range, as a linear model's must."""
    k = len(coefs) + 1
    zero_at %= k
    c = [*coefs[:zero_at], 0.0, *coefs[zero_at:]]
    factors = [
        {"name": f"x{i}", "key": f"a.x{i}", "kind": "assumption", "low": 0.0, "high": 2.0} for i in range(k)
    ]
    spec = sa.parse(
        study(factors=factors, methods={"morris": {"trajectories": 4}, "sobol": {"base_samples": 16}}), "t"
    )
    names = [f"x{i}" for i in range(k)]

    def linear(p):
        return sum(ci * p[f"x{i}"] for i, ci in enumerate(c))

    unit = sa.morris_design(names, spec.methods.morris, seed)
    stage, reps = evaluate(spec, "morris", names, unit, linear)
    rows, _ = sa.morris_indices(spec, stage, unit, reps, seed)
    mu = {r["factor"]: r["value"] for r in rows if r["index"] == "mu_star"}
    assert mu[f"x{zero_at}"] == 0.0
    assert min(mu, key=lambda n: (mu[n], n != f"x{zero_at}")) == f"x{zero_at}"
    for i, ci in enumerate(c):
        assert mu[f"x{i}"] == pytest.approx(ci * 2.0, rel=1e-9)  # effect per unit of the [0, 1] scale
    unit = sa.sobol_design(names, spec.methods.sobol, seed)
    stage, reps = evaluate(spec, "sobol", names, unit, linear)
    rows, _ = sa.sobol_indices(spec, stage, names, reps, seed)
    total = {r["factor"]: r["value"] for r in rows if r["index"] == "ST"}
    assert total[f"x{zero_at}"] == 0.0


@settings(max_examples=50, deadline=None)
@given(value=st.floats(0, 50), k=st.integers(1, 400), other=st.floats(0.5, 24))
def test_a_budget_template_takes_the_values_it_names(value, k, other):
    template = {"kind": "add_stock", "items": {"water": f"@value*{k}"}, "lead_time_h": "@lead", "n": "@value"}
    filled, zero = sa._fill(template, value, {"lead": other})
    assert filled["items"]["water"] == round(value * k)
    assert filled["lead_time_h"] == other and filled["n"] == value
    assert zero == (round(value * k) == 0 or value == 0)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"methods": {}}, "at least one method"),
        (
            {"factors": [{"name": "a", "key": "x.y", "kind": "assumption", "low": 2, "high": 1}] * 2},
            "must be below",
        ),
        (
            {"factors": [{"name": "a", "key": "x", "kind": "guess", "low": 0, "high": 1}] * 2},
            "sensitivity.factors.0.kind",
        ),
        ({"focus": "nope"}, "not one of the outputs"),
        ({"methods": {"sobol": {"base_samples": 100}}}, "power of 2"),
        ({"extra": 1}, "unknown key"),
        (
            {
                "factors": [
                    {
                        "name": "a",
                        "kind": "lever",
                        "low": 0,
                        "high": 1,
                        "nominal": 0,
                        "changes": [{"kind": "add_trucks"}],
                    },
                    {"name": "b", "key": "x", "kind": "assumption", "low": 0, "high": 1},
                ]
            },
            'must hold "@value"',
        ),
        (
            {
                "factors": [
                    {
                        "name": "a",
                        "kind": "lever",
                        "low": 0,
                        "high": 1,
                        "nominal": 0,
                        "changes": [{"t": "@value", "u": "@nobody"}],
                    },
                    {"name": "b", "key": "x", "kind": "assumption", "low": 0, "high": 1},
                ]
            },
            "name no factor @nobody",
        ),
        (
            {
                "factors": [
                    {"name": "a", "kind": "lever", "low": 0, "high": 1, "nominal": 0},
                    {"name": "b", "key": "x", "kind": "assumption", "low": 0, "high": 1},
                ]
            },
            "would change nothing",
        ),
        (
            {
                "factors": [
                    {"name": "a", "key": "x", "kind": "assumption", "low": 0, "high": 1, "nominal": 3}
                ]
                * 2
            },
            "within [low, high]",
        ),
    ],
)
def test_a_bad_study_is_one_message_naming_the_key(change, words):
    with pytest.raises(InputError) as err:
        sa.parse(study(**change), "configs/sensitivity/t.yaml")
    assert words in err.value.message()
    assert "configs/sensitivity/t.yaml" in err.value.message()


# --- the real simulation (tiny) -------------------------------------------------------------

STUDY = """\
# @package _global_
defaults:
  - override /scenario: tiny
  - override /hazard: flood_major
run:
  reps: 2
  keep_events: false
hazard:
  events:
    flood:
      severity_probs: {high: 0.4, medium: 0.4, low: 0.2}
sensitivity:
  name: tiny_test
  focus: initial_relief_12h_share
  outputs:
    - {name: initial_relief_12h_share, label: {en: 12 h share, zh: 12小时比例}}
    - {name: budget_cost_yuan}
  methods:
    oat: {}
    morris: {trajectories: 2}
    sobol: {base_samples: 4, top: 2}
  bootstrap: 100
  factors:
    - {name: first_delay, key: reporting.first_delay_min, kind: assumption, low: 20, high: 600}
    # tiny has no helipad: no-fly hours change nothing
    - {name: night_start, key: air.night_start_clock_h, kind: assumption, low: 17, high: 21}
    - {name: city_trucks, kind: lever, integer: true, low: 0, high: 2, nominal: 0,
       changes: [{kind: add_trucks, depot: D_C, trucks: "@value"}]}
"""


@pytest.fixture
def configs(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "configs"
    shutil.copytree(ROOT / "configs", folder)
    (folder / "sensitivity" / "tiny_test.yaml").write_text(STUDY, encoding="utf-8")
    monkeypatch.setenv("DRSIM_CONFIG_DIR", str(folder))
    return folder


class Interrupt:
    """A progress bar that presses Ctrl-C after `after` replications: the study stops mid-stage."""

    def __init__(self, after: int):
        self.after = after

    def start(self, left, total, reps):
        pass

    def tick(self, case, ok):
        self.after -= 1
        if self.after == 0:
            raise KeyboardInterrupt

    def finish(self):
        pass


def run_in_process(base: dict, out: Path, workers: int, progress=None, report: bool = True):
    base = json.loads(json.dumps(base))
    spec = sa.parse(base.pop("sensitivity"), "tiny_test")
    return sa.run_study(
        spec,
        base,
        "tiny_test",
        out,
        ["test"],
        lambda: LocalExecutor(workers, context="fork"),
        workers,
        progress,
        say=lambda line: None,
        report=report,
    )


@pytest.mark.slow
def test_same_seed_same_bytes_on_one_and_two_workers_and_after_an_interruption(tmp_path, configs):
    base, _ = compose(["sensitivity=tiny_test"])
    base.pop("experiment", None)
    base["scenario"]["dir"] = str((ROOT / base["scenario"]["dir"]).resolve())
    straight = run_in_process(base, tmp_path / "two", workers=2)
    assert straight is not None and straight.complete
    # a factor that changes nothing (no-fly hours in a county without a helipad) is ranked last
    t = straight.table
    focus = t[t["output"] == "initial_relief_12h_share"]
    mu = focus[(focus["method"] == "morris") & (focus["index"] == "mu_star")]
    mu = dict(zip(mu["factor"], mu["value"], strict=True))
    assert mu["night_start"] == 0.0 and mu["first_delay"] > 0.0
    assert min(mu, key=mu.get) == "night_start"
    oat = focus[(focus["method"] == "oat") & (focus["factor"] == "night_start")]
    assert len(oat) == 2 and (oat["value"] == 0.0).all()
    cost = t[(t["method"] == "oat") & (t["factor"] == "city_trucks") & (t["output"] == "budget_cost_yuan")]
    assert cost.set_index("index").loc["change_high", "value"] > 0  # two trucks cost money
    for lang in ("zh", "en"):
        for name in ("tornado.png", "tornado.svg", "morris.png", "depends_on.md"):
            assert (tmp_path / "two" / "report" / lang / name).is_file(), (lang, name)
    md = (tmp_path / "two" / "report" / "zh" / "depends_on.md").read_text(encoding="utf-8")
    assert "本结论取决于什么" in md and "### 假设" in md and "### 手段" in md
    # the hazard's name for a reader, not its file name
    assert re.search("灾种 [\u4e00-\u9fff]", md) and "flood" not in md
    assert (tmp_path / "two" / "report" / "zh" / "depends_on.pdf").read_bytes().startswith(b"%PDF")

    # one worker, interrupted in the middle of the screening stage, then run again: same bytes
    one = tmp_path / "one"
    with pytest.raises(KeyboardInterrupt):
        run_in_process(base, one, workers=1, progress=lambda: Interrupt(after=7), report=False)
    # finished replications: their village parts (rep-000012.parquet; the other parts beside)
    done = len([p for p in (one / "screen" / "parts").glob("*/rep-*.parquet") if p.name[4:-8].isdigit()])
    assert 7 <= done < straight.replications and not (one / "sensitivity.csv").exists()
    again = run_in_process(base, one, workers=1, report=False)
    assert again is not None and again.complete
    assert again.replications == straight.replications - done  # nothing finished ran twice
    for name in ("sensitivity.csv", "sensitivity.parquet"):
        assert (one / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


def test_a_study_that_does_not_fit_the_configuration_writes_nothing(tmp_path, configs, capsys):
    bad = STUDY.replace("key: air.night_start_clock_h", "key: air.night_start_clock_hour")
    (configs / "sensitivity" / "bad_key.yaml").write_text(bad, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["sensitivity", "sensitivity=bad_key", f"hydra.run.dir={out}"]) == 2
    err = capsys.readouterr().err
    assert "air.night_start_clock_hour" in err and "no such config key" in err and "Traceback" not in err
    assert not out.exists()
    # a range that leaves the configuration's own bounds: refused before any replication
    wide = STUDY.replace("low: 20, high: 600", "low: -5, high: 600")
    (configs / "sensitivity" / "wide.yaml").write_text(wide, encoding="utf-8")
    assert main(["sensitivity", "sensitivity=wide", f"hydra.run.dir={out}"]) == 2
    err = capsys.readouterr().err
    assert "reporting.first_delay_min" in err and "design point" in err
    assert not out.exists()
    assert main(["sensitivity", f"hydra.run.dir={out}"]) == 2
    assert "sensitivity=NAME" in capsys.readouterr().err


@pytest.mark.slow
def test_the_shipped_studies_fit_the_configuration_and_plan_their_time(capsys):
    assert main(["sensitivity", "sensitivity=tiny_relief", "--plan"]) == 0
    err = capsys.readouterr().err
    assert "replications" in err and "so about" in err, err
    base, _ = compose(["sensitivity=zhangshu_relief"])
    spec = sa.parse(base.pop("sensitivity"), "zhangshu_relief")
    base["scenario"]["dir"] = str(ROOT / base["scenario"]["dir"])
    assert len(spec.factors) >= 10 and {f.kind for f in spec.factors} == {"assumption", "lever"}
    nominal, screen, _, cases = sa.screening(spec, base, "zhangshu_relief")  # every point validated
    assert len(cases) == len(screen.points) > 2 * len(spec.factors)
    assert nominal["village_speed"] == 25.0  # a scenario default, read from scenarios/zhangshu


def test_ranking_puts_morris_first_then_sobol_then_the_tornado_swing():
    rows = [
        sa._row("oat", "y", "a", "assumption", "change_high", 0.5, 0.4, 0.6, 3, factor_value=1.0),
        sa._row("oat", "y", "b", "lever", "change_high", 0.1, 0.0, 0.2, 3, factor_value=1.0),
        sa._row("morris", "y", "a", "assumption", "mu_star", 0.4, 0.3, 0.5, 3),
        sa._row("morris", "y", "b", "lever", "mu_star", 0.3, 0.2, 0.4, 3),
        sa._row("sobol", "y", "b", "lever", "ST", 0.7, 0.6, 0.8, 4),
        sa._row("oat", "y", "c", "lever", "change_high", 0.9, 0.8, 1.0, 3, factor_value=1.0),
        sa._row("oat", "y", "d", "lever", "change_high", 0.05, 0.0, 0.1, 3, factor_value=1.0),
        sa._row("sobol", "y", "d", "lever", "ST", 0.1, 0.0, 0.2, 4),
    ]
    rank = charts.ranking(pd.DataFrame(rows), "y")
    # by mu* (a before b although only b has an ST); then c and d, which Morris did not reach:
    # d by its ST, c by its swing
    assert list(rank["factor"]) == ["a", "b", "d", "c"]


@pytest.mark.slow
def test_help_and_report_of_a_study_folder(tmp_path, capsys):
    assert main(["sensitivity", "--help"]) == 0
    assert capsys.readouterr().out.startswith("drsim sensitivity ")
    # `drsim report` on a study folder redraws its charts and section from the saved table alone
    rows = [
        sa._row("oat", "y_share", f, k, f"change_{end}", v, v - 0.01, v + 0.01, 3, factor_value=at)
        for f, k in (("a", "assumption"), ("b", "lever"))
        for end, v, at in (("low", -0.02, 0.0), ("high", 0.05, 1.0))
    ] + [
        sa._row("morris", "y_share", f, k, i, 0.03, 0.02, 0.04, 4)
        for f, k in (("a", "assumption"), ("b", "lever"))
        for i in ("mu_star", "sigma")
    ]
    folder = tmp_path / "study"
    folder.mkdir()
    pd.DataFrame(rows).to_csv(folder / "sensitivity.csv", index=False)
    info = {
        "study": {
            "name": "s",
            "factors": [
                {"name": "a", "unit": "h", "source": "assumed, from a plan"},
                {"name": "b", "integer": True, "source": {"en": "a budget case", "zh": "预算方案"}},
            ],
            "outputs": [{"name": "y_share", "label": {"en": "share", "zh": "比例"}}],
        },
        "scenario": "tiny",
        "hazard": "flood",
        "replications_per_point": 3,
        "seed": 1,
        "focus_output": "y_share",
        "nominal": {"a": 0.5, "b": 0},
        "complete": True,
    }
    (folder / "sensitivity.json").write_text(json.dumps(info), encoding="utf-8")
    assert main(["report", str(folder), "--format", "png"]) == 0
    en = (folder / "report" / "en" / "depends_on.md").read_text(encoding="utf-8")
    assert "at 1 h the share would change by +5.0 points [+4.0, +6.0]" in en
    assert "assumed, from a plan" in en and "a budget case" in en
    zh = (folder / "report" / "zh" / "depends_on.md").read_text(encoding="utf-8")
    assert "预算方案" in zh and "assumed" not in zh  # an English-only source stays out of Chinese
    assert (folder / "report" / "zh" / "tornado.png").is_file() and (
        folder / "report" / "en" / "morris.png"
    ).is_file()
    pdf_pages = len(re.findall(rb"/Type /Page\b", (folder / "report" / "en" / "depends_on.pdf").read_bytes()))
    assert pdf_pages == 4  # the section's words, the table of indices, the tornado and Morris charts
    # ... and joins a run's plan appendix, Markdown and PDF, before the assumptions
    run = tmp_path / "run"
    assert main(["run", "scenario=tiny", "run.reps=2", f"hydra.run.dir={run}"]) == 0
    capsys.readouterr()

    def appendix_pdf_pages() -> int:
        return len(re.findall(rb"/Type /Page\b", (run / "report" / "en" / "appendix.pdf").read_bytes()))

    assert main(["report", str(run), "--lang", "en", "--format", "png"]) == 0
    alone = appendix_pdf_pages()
    assert main(["report", str(run), "--lang", "en", "--format", "png", "--sensitivity", str(folder)]) == 0
    assert appendix_pdf_pages() == alone + pdf_pages
    appendix = (run / "report" / "en" / "appendix.md").read_text(encoding="utf-8")
    assert (
        appendix.index("## Targets")
        < appendix.index("## What this answer depends on")
        < appendix.index("### Assumptions, ranked by influence")
        < appendix.index("### Table of indices")
        < appendix.index("\n## Assumptions that shape the answer")
        < appendix.index("## Technical annex")  # the annex stays last
    )
    assert "1. a (nominal 0.5 h)" in appendix and "](tornado.png)" in appendix
    assert (run / "report" / "en" / "tornado.png").is_file()
    assert main(["report", str(run), "--sensitivity", str(tmp_path / "nothing")]) == 2
    assert "not a study folder" in capsys.readouterr().err
