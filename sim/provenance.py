"""Where a result came from: the project's folder, the code's version, the packages and a
configuration's hash — written into every manifest (run, sweep, sensitivity study) by the same
functions, so two kinds of result folder cannot disagree on what they record.

Left out: the machine's load and timings (each manifest records its own).
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

# The installed project's folder (configs/, scenarios/, docs/ beside sim/), for a command run
# from elsewhere.
PROJECT_ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (
    "simpy",
    "numpy",
    "scipy",
    "pandas",
    "pyarrow",
    "hydra-core",
    "omegaconf",
    "pydantic",
    "dask",
    "distributed",
)


def config_hash(resolved: dict[str, Any]) -> str:
    text = json.dumps(resolved, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def code_version() -> dict[str, Any]:
    """The package version and, in a git checkout, the commit and whether files were changed."""

    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    dirty = git("status", "--porcelain", "--untracked-files=no")
    from sim import __version__

    return {"package": __version__, "git_commit": commit, "git_dirty": None if dirty is None else bool(dirty)}


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out
