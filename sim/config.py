"""The configuration a command runs with: `configs/` composed by Hydra into one plain dict.

`compose` reads every YAML file Hydra may read with drsim's own reader first (no alias bombs,
no code), composes `configs/config.yaml` with the command line's overrides, names a run of
several hazard files after all of them, and turns Hydra's errors into one InputError naming
the override. `config_dir` and `resolve_data_dir` find `configs/` and a scenario folder from
the working directory or the installed project. Used by the command line and by the public
API (sim/api.py), which is why it sits below both; `Settings.from_dict` (sim/settings.py)
then checks the dict. What it leaves out: Hydra multirun sweeps (sim/cli/run.py hands those
to Hydra itself).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, cast

from sim.errors import InputError, Problem
from sim.provenance import PROJECT_ROOT


def config_dir() -> Path:
    """configs/ of the working directory if it has one, else the installed project's."""
    env = os.environ.get("DRSIM_CONFIG_DIR")
    if env:
        return Path(env).resolve()
    here = Path.cwd() / "configs"
    return here.resolve() if (here / "config.yaml").is_file() else PROJECT_ROOT / "configs"


def resolve_data_dir(path: str) -> Path:
    """A scenario dir from the config: as given if absolute or present here, else in the project."""
    p = Path(path)
    if p.is_absolute() or p.exists():
        return p
    return PROJECT_ROOT / p if (PROJECT_ROOT / p).exists() else p


def _force(override: str) -> str:
    """`a.b=v` -> `++a.b=v`, so an unknown key reaches validation (which names it with every
    other problem) instead of stopping Hydra's composition at the first one."""
    key = override.split("=", 1)[0]
    if "=" not in override or key.startswith(("+", "~", "hydra")) or "." not in key:
        return override  # group choices (scenario=tiny), deletions, additions, Hydra's own keys
    return "++" + override


def _combined_hazard_name(overrides: list[str]) -> str | None:
    """`a-b` for `hazard=[a,b]` on the command line: each hazard file names itself, so the last
    would name the whole run. None for one file, or when `hazard.name=` is given (a list set
    inside an experiment file keeps the last file's name: Hydra does not record list choices)."""
    pairs = [o.split("=", 1) for o in overrides if "=" in o]
    if any(key.lstrip("+~") == "hazard.name" for key, _ in pairs):
        return None
    chosen = [value for key, value in pairs if key.lstrip("+~") == "hazard"]
    if not chosen or not chosen[-1].startswith("["):
        return None
    names = [n.strip().strip("'\"") for n in chosen[-1].strip("[]").split(",") if n.strip()]
    return "-".join(names) if len(names) > 1 else None


def _compose_error(text: str) -> str:
    """Hydra's message on one line, with the files a config group offers and without its
    search path (internal detail)."""
    lines = [line.strip() for line in text.strip().splitlines()]
    if "Config search path:" in lines:
        lines = lines[: lines.index("Config search path:")]
    head: list[str] = []
    options: list[str] = []
    for line in filter(None, lines):
        if head and head[-1].startswith("Available options"):
            options.append(line)
        else:
            head.append(line)
    message = " ".join(line if line.endswith((".", ":")) else f"{line}." for line in head)
    missing = re.search(r"Could not load '([\w./-]+)/[^/']*'", message)
    if not options and missing and (config_dir() / missing[1]).is_dir():
        message += f" Available options in '{missing[1]}':"
        options = sorted(p.stem for p in (config_dir() / missing[1]).glob("*.yaml"))
    return f"{message} {', '.join(options)}" if options else message


_CHECKED: set[Path] = set()


def check_config_yaml(overrides: list[str]) -> None:
    """Read every YAML file Hydra may read (the config folder and any `hydra.searchpath` folder)
    with drsim's reader first (sim/scenario/safe_yaml.py): Hydra's reader has no limits, so an
    alias bomb or a 50,000-level nesting in an experiment file would hang or overflow it."""
    from sim.scenario.safe_yaml import check_config_files

    folders = [config_dir()]
    for override in overrides:
        key, _, value = override.partition("=")
        if key.lstrip("+~") == "hydra.searchpath":
            for entry in re.findall(r"file://([^,\]'\"]+)", value):
                folders.append(Path(entry))
    todo = [f.resolve() for f in folders if f.resolve() not in _CHECKED]
    problems = check_config_files(todo)
    if problems:
        raise InputError(problems, heading="the configuration files cannot be read")
    _CHECKED.update(todo)  # a sweep composes once a case: each folder is read once


def compose(overrides: list[str]) -> tuple[dict[str, Any], str]:
    """Compose configs/ with Hydra; return (plain config dict, resolved run dir)."""
    check_config_yaml(overrides)
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.errors import HydraException
    from omegaconf import OmegaConf, open_dict
    from omegaconf.errors import OmegaConfBaseException

    try:
        with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3", job_name="drsim"):
            cfg = hydra_compose(
                config_name="config", overrides=[_force(o) for o in overrides], return_hydra_config=True
            )
            combined = _combined_hazard_name(overrides)
            if combined:
                with open_dict(cfg):
                    cfg.hazard.name = combined
            run_dir = str(OmegaConf.select(cfg, "hydra.run.dir"))
            with open_dict(cfg):
                del cfg["hydra"]
            plain = OmegaConf.to_container(cfg, resolve=True)
    except (HydraException, OmegaConfBaseException) as exc:
        raise InputError(
            Problem("command line overrides", " ".join(overrides), _compose_error(str(exc))),
            heading="the configuration could not be composed",
        ) from None
    assert isinstance(plain, dict)
    return cast(dict[str, Any], plain), run_dir
