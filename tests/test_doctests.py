"""The worked examples in the package's docstrings (`>>>` lines) are run, so none of them can
go stale: every module of `sim` that holds one is found and checked with doctest."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

SIM = Path(__file__).resolve().parents[1] / "sim"
MODULES = sorted(
    ".".join(p.relative_to(SIM.parent).with_suffix("").parts)
    for p in SIM.rglob("*.py")
    if ">>>" in p.read_text(encoding="utf-8")
)


def test_some_modules_have_examples():
    assert "sim.results.relief_people" in MODULES and "sim.results.verdict" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name: str):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0, name
