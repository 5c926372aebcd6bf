"""Write sim/data/default_config.json: the configuration `drsim run` composes with no overrides.

`Settings.defaults()` (sim/settings.py) reads it so that tests and notebooks get the default
settings in one call without Hydra. Run this after changing a default in configs/ (the
configuration files' defaults list, or a value in a chosen group file):

    .venv/bin/python scripts/default_config.py

tests/test_settings_defaults.py fails, naming this command, while the file and configs/ differ.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.config import compose  # noqa: E402
from sim.settings import DEFAULT_CONFIG  # noqa: E402


def default_config() -> dict:
    """configs/ composed with no overrides, as `drsim run` composes it (sim/cli/run.py)."""
    config, _ = compose([])
    config.pop("experiment", None)
    return config


def text(config: dict) -> str:
    return json.dumps(config, indent=1, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    DEFAULT_CONFIG.write_text(text(default_config()), encoding="utf-8")
    print(f"wrote {DEFAULT_CONFIG.relative_to(ROOT)}")
