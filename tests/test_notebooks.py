"""The worked notebooks run top to bottom on a few replications, offline, through the public API only."""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_the_three_notebooks_exist_with_outputs_stripped():
    assert [p.stem for p in NOTEBOOKS] == ["01_zhangshu_relief_targets", "02_budget_cases", "03_jinjiang_ems"]
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, path.name
                assert "sim.model" not in "".join(cell["source"]), "notebooks use the public API only"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, tmp_path, monkeypatch):
    monkeypatch.setenv("DRSIM_NB_REPS", "2")
    monkeypatch.setenv("DRSIM_NB_OUT", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "agg")
    monkeypatch.chdir(path.parent.parent)  # configs/ and scenarios/ resolve as in the project
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": os.getcwd()}}
    ).execute()
    assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
