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


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, tmp_path, monkeypatch):
    monkeypatch.setenv("DRSIM_NB_REPS", "2")
    monkeypatch.setenv("DRSIM_NB_OUT", str(tmp_path))
    monkeypatch.chdir(path.parent.parent)  # configs/ and scenarios/ resolve as in the project
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": os.getcwd()}}
    ).execute()
    assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
    figure_cells = [c for c in nb.cells if c.cell_type == "code" and "api.figure(" in c.source]
    assert figure_cells, "every notebook draws at least one figure"
    for c in figure_cells:  # shown inline as an image, not only "<Figure size ...>"
        kinds = [k for o in c.get("outputs", []) for k in o.get("data", {})]
        assert "image/png" in kinds, (path.name, c.source.splitlines()[0], kinds)
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert f"results are written to {tmp_path}" in printed  # each notebook names its folder
