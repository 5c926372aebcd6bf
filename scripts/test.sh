#!/usr/bin/env bash
# The project's one test command, called by README.md's Quick start, CONTRIBUTING.md and .ci/run
# (so the three cannot drift). Makes .venv if it is missing, installs the package with the [dev]
# extra, then runs pytest on every core. Arguments go to pytest:
#   scripts/test.sh                  the whole suite (what CI runs)
#   scripts/test.sh -m "not slow"    the fast inner loop (under a minute on 2 cores)
#   scripts/test.sh tests/test_rng.py
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
if [ "${DRSIM_SKIP_INSTALL:-0}" != 1 ]; then
  .venv/bin/pip install -q -e ".[dev]"
fi
# --dist loadgroup: the tests that share a module or session fixture (a run, a sweep, a browser)
# run on one worker, so it is made once (tests/conftest.py pytest_collection_modifyitems)
exec .venv/bin/python -m pytest -q -n auto --dist loadgroup "$@"
