"""Golden back-test of `tiny`: today's outputs must equal the stored ones, cell for cell.

The golden files change only by an explicit command, after a reviewed change of behaviour:

    python -m tests.test_golden --regenerate

(The default `tiny` run: the `flood_major` hazard with road damage, reports, shelters and
ambulances, 5 replications, seed 7.)
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from sim.experiment import runner
from sim.results import metrics
from tests.conftest import load_scenario, settings_for

GOLDEN = Path(__file__).resolve().parent / "golden"
OVERRIDES = ("scenario=tiny", "hazard=flood_major", "run.reps=5", "run.seed=7")


def current() -> dict[str, str]:
    s = settings_for(*OVERRIDES)
    result = runner.run_case(load_scenario("tiny"), s)
    summary = metrics.summarise(result.reps, s.targets)
    villages = result.villages.drop(columns=["name"])
    return {
        "tiny_reps.csv": result.reps.to_csv(index=False),
        "tiny_villages.csv": villages.to_csv(index=False),
        "tiny_summary.csv": summary.to_csv(index=False),
    }


def test_tiny_matches_golden_outputs():
    for name, text in current().items():
        stored = (GOLDEN / name).read_text(encoding="utf-8")
        if text != stored:
            new = pd.read_csv(pd.io.common.StringIO(text))
            old = pd.read_csv(pd.io.common.StringIO(stored))
            same_labels = list(old.columns) == list(new.columns) and old.shape == new.shape
            was, now = (list(old.columns), old.shape), (list(new.columns), new.shape)
            diff = old.compare(new) if same_labels else f"columns or shape changed: {was} -> {now}"
            raise AssertionError(
                f"{name} differs from the golden copy:\n{diff}\n"
                "If the change is intended: python -m tests.test_golden --regenerate"
            )


if __name__ == "__main__":
    if sys.argv[1:] != ["--regenerate"]:
        sys.exit("usage: python -m tests.test_golden --regenerate")
    GOLDEN.mkdir(exist_ok=True)
    for name, text in current().items():
        (GOLDEN / name).write_text(text, encoding="utf-8")
        print(f"wrote {GOLDEN / name}")
