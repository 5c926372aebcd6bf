"""Checks used by the tests, not by a run: invariants every event log must satisfy.

`invariants` checks a log for conservation of stock, causality, one task per truck and crew,
beds and waits within bounds; `tests/conftest.py` runs it on every log a test produces. No
command and no result file calls it: it lives in the package (not in tests/) so that the
benchmarks and a notebook can check a log the same way.
"""
