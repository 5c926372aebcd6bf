"""A sweep case's `label: {zh, en}`: the name a report shows instead of the case's key, checked
like every other experiment key, and no part of what the case is (relabelling reruns nothing)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.config import compose
from sim.errors import InputError
from sim.experiment import spec as experiment
from sim.experiment.launch import sweep_case

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")
SHIPPED = sorted(p.stem for p in (ROOT / "configs" / "experiment").glob("*.yaml"))


def _tree(label: object) -> dict:
    return {
        "name": "e",
        "baseline": "a",
        "cases": [{"name": "a"}, {"name": "b", "label": label}],
    }


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_case_has_a_chinese_and_an_english_label(name):
    tree = yaml.safe_load((ROOT / "configs" / "experiment" / f"{name}.yaml").read_text(encoding="utf-8"))
    spec = experiment.parse(tree["experiment"], name)
    for case in spec.cases:
        assert case.label is not None, case.name
        assert CJK.search(case.label.zh) and not CJK.search(case.label.en[:1]), case.label
    zh = [c.label.zh for c in spec.cases if c.label]
    assert len(set(zh)) == len(zh)  # two cases with one label could not be told apart


# Each bad label with the words of the rule the message must give.
BAD = [
    ("市级增车", "valid dictionary"),  # a string, not {zh, en}
    ({"zh": "市级增车"}, "Field required"),  # no English
    ({"zh": "", "en": "x"}, "at least 1 character"),
    ({"zh": "长" * 61, "en": "x"}, "at most 60 characters"),
    ({"zh": "市级增车", "en": "x", "fr": "x"}, "unknown key"),
    ({"zh": 4, "en": "x"}, "valid string"),
]


@pytest.mark.parametrize(("label", "rule"), BAD)
def test_a_bad_label_is_one_message_naming_the_key_and_the_rule(label, rule):
    with pytest.raises(InputError) as err:
        experiment.parse(_tree(label), "configs/experiment/e.yaml")
    message = err.value.message()
    assert "configs/experiment/e.yaml key experiment.cases.1.label" in message, message
    assert rule in message, message


@settings(max_examples=60, deadline=None)
@given(zh=st.text(min_size=1, max_size=60), en=st.text(min_size=1, max_size=80))
def test_any_label_within_the_limits_is_taken_as_written(zh, en):
    spec = experiment.parse(_tree({"zh": zh, "en": en}), "e")
    assert spec.cases[1].label is not None
    assert (spec.cases[1].label.zh, spec.cases[1].label.en) == (zh, en)


def test_a_bad_label_on_the_command_line_exits_2_and_writes_nothing(tmp_path, monkeypatch, capsys):
    configs = tmp_path / "configs"
    shutil.copytree(ROOT / "configs", configs)
    exp = (configs / "experiment" / "tiny_budget.yaml").read_text(encoding="utf-8")
    bad = exp.replace("label: {zh: '市级增车1辆', en: 'One more city truck'}", "label: 市级增车1辆")
    assert bad != exp
    (configs / "experiment" / "bad_label.yaml").write_text(bad, encoding="utf-8")
    monkeypatch.setenv("DRSIM_CONFIG_DIR", str(configs))
    out = tmp_path / "out"
    assert main(["sweep", "experiment=bad_label", f"hydra.run.dir={out}"]) == 2
    err = capsys.readouterr().err
    assert "experiment.cases.1.label" in err and "市级增车1辆" in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.slow  # three Hydra compositions
def test_a_label_is_not_part_of_what_a_case_is(tmp_path, monkeypatch):
    """Relabelling a case keeps its identity (a sweep resumes without rerunning it); the case
    manifest carries the label to the report."""
    configs = tmp_path / "configs"
    shutil.copytree(ROOT / "configs", configs)
    exp = (configs / "experiment" / "tiny_budget.yaml").read_text(encoding="utf-8")
    (configs / "experiment" / "relabelled.yaml").write_text(
        exp.replace("'市级增车1辆'", "'城区增加一辆卡车'"), encoding="utf-8"
    )
    monkeypatch.setenv("DRSIM_CONFIG_DIR", str(configs))
    cases = {}
    for name in ("tiny_budget", "relabelled"):
        base, _ = compose([f"experiment={name}"])
        spec = experiment.parse(base["experiment"], name)
        cases[name] = sweep_case(spec, spec.cases[1], [f"experiment={name}"])
    a, b = cases["tiny_budget"], cases["relabelled"]
    assert a.label is not None and b.label is not None
    assert (a.label.zh, b.label.zh) == ("市级增车1辆", "城区增加一辆卡车")
    assert a.identity_sha256 == b.identity_sha256
