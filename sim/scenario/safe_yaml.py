"""Safe YAML for scenario data: no tags that name code, no instantiation keys.

Scenario folders and experiment cases are data. `yaml.safe_load` refuses
`!!python/...` tags; on top of that, Hydra's instantiate keys (`_target_` and
friends) are refused anywhere in the tree, so data can never name code to run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from sim.errors import Problem

FORBIDDEN_KEYS = ("_target_", "_partial_", "_args_", "_recursive_", "_convert_")
MAX_YAML_BYTES = 5 * 1024 * 1024  # a scenario.yaml is a page of text


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice (PyYAML would keep the last silently)."""


def _mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} given twice (first on line {seen[key] + 1})", key_node.start_mark
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def strict_safe_load(text: str) -> Any:
    """yaml.safe_load, but a key given twice is an error."""
    loader = _StrictLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def forbidden_keys(tree: Any, path: str = "") -> list[str]:
    """Key paths in `tree` that use a Hydra instantiation key."""
    found: list[str] = []
    if isinstance(tree, dict):
        for key, value in tree.items():
            here = f"{path}.{key}" if path else str(key)
            if key in FORBIDDEN_KEYS:
                found.append(here)
            found += forbidden_keys(value, here)
    elif isinstance(tree, list):
        for i, value in enumerate(tree):
            found += forbidden_keys(value, f"{path}[{i}]")
    return found


def load_yaml(path: Path, label: str, problems: list[Problem]) -> Any:
    """Parse `path` safely; on any problem append it and return None."""
    if not path.is_file():
        problems.append(Problem(label, None, "required file is missing"))
        return None
    if path.stat().st_size > MAX_YAML_BYTES:
        problems.append(Problem(label, f"{path.stat().st_size} bytes", f"larger than {MAX_YAML_BYTES} bytes"))
        return None
    try:
        tree = strict_safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        problems.append(Problem(label, None, "file is not UTF-8 text"))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{label} line {mark.line + 1}" if mark is not None else label
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        rule = "not valid YAML data"
        if "given twice" in str(what):
            rule = "each key may appear once"
        elif "python/" in str(exc) or "could not determine a constructor" in str(exc):
            rule = "YAML tags that name code (such as !!python/...) are not allowed in data"
        problems.append(Problem(where, what, rule))
        return None
    for key_path in forbidden_keys(tree):
        problems.append(
            Problem(
                f"{label} key {key_path}",
                key_path.rsplit(".", 1)[-1],
                "instantiation keys (_target_, _partial_, ...) are not allowed in data",
            )
        )
    return tree
