"""The one-way data flow of DESIGN section 2, enforced by import-linter contracts."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold():
    exe = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    proc = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken" in proc.stdout


def test_every_module_has_a_docstring():
    """Every module of sim/ (the model's files, the policies' folder, every other folder) opens
    with a docstring saying what job it covers."""
    paths = sorted((ROOT / "sim").rglob("*.py"))
    assert any(p.parent.name == "policies" for p in paths)  # the search reaches the sub-folders
    for path in paths:
        text = path.read_text(encoding="utf-8").lstrip()
        assert text.startswith('"""'), f"{path.relative_to(ROOT)} must open with a docstring"
