"""`Settings.defaults()`: the settings of `drsim run` with no overrides, in one call, without Hydra.

It reads sim/data/default_config.json (scripts/default_config.py writes it from configs/), so
the file must stay what configs/ compose to, and the settings it gives must be those
`drsim run` composes: both are checked here against Hydra's own composition.
"""

from __future__ import annotations

import json

import yaml

from sim.cli import main
from sim.settings import DEFAULT_CONFIG, Settings
from tests.conftest import ROOT
from tests.test_docs import _script

default_config = _script("default_config")  # scripts/default_config.py


def test_the_default_file_is_what_configs_compose_to():
    composed = default_config.default_config()
    saved = json.loads(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    assert saved == composed, (
        f"{DEFAULT_CONFIG.relative_to(ROOT)} differs from configs/: run "
        ".venv/bin/python scripts/default_config.py"
    )
    assert DEFAULT_CONFIG.read_text(encoding="utf-8") == default_config.text(composed)


def test_defaults_are_what_drsim_run_composes_with_no_overrides(capsys):
    assert main(["run", "--cfg", "job"]) == 0  # drsim run's own composition, printed as YAML
    printed = yaml.safe_load(capsys.readouterr().out)
    ran = Settings.from_dict(printed)
    got = Settings.defaults()
    assert got == ran
    assert got.scenario.name == "zhangshu" and got.hazard.name == "flood_major"
    # a different configuration is a different Settings: the comparison can fail
    more_reps = {**printed, "run": {**printed["run"], "reps": printed["run"]["reps"] + 1}}
    assert got != Settings.from_dict(more_reps)
