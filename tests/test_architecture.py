"""The one-way data flow of DESIGN section 2, enforced by import-linter contracts."""

from __future__ import annotations

import ast
import re
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


LONG_MODULE_LINES = 500
# Long modules that other issue-22 branches are rewriting, so their docstrings are not edited
# here (a merge would conflict): the reason a module is long, until it moves into the docstring
# or the module is split once those branches have landed.
PENDING_SIZE_REASONS: dict[str, str] = {}  # none pending now


def test_long_modules_say_why():
    """A module over 500 lines is split, or says in its docstring why not (a line `Size: ...`)."""
    unexplained, stale = [], []
    for path in sorted((ROOT / "sim").rglob("*.py")):
        name = str(path.relative_to(ROOT))
        text = path.read_text(encoding="utf-8")
        doc = ast.get_docstring(ast.parse(text)) or ""
        long = len(text.splitlines()) > LONG_MODULE_LINES
        says = re.search(r"^Size: \S.{20,}", doc, re.MULTILINE) is not None
        if long and not says and name not in PENDING_SIZE_REASONS:
            unexplained.append(name)
        if name in PENDING_SIZE_REASONS and (says or not long):
            stale.append(name)
    assert not unexplained, (
        f"over {LONG_MODULE_LINES} lines with no `Size:` line in the docstring: {unexplained}"
    )
    assert not stale, f"drop from PENDING_SIZE_REASONS (split, or the docstring says why): {stale}"
