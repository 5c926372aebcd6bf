"""The one YAML reader for everything a user gives drsim: data, never code, and never a bomb.

Scenario folders (`scenario.yaml`), mapping files of `drsim import-places`, and the
Hydra configuration a command composes (`configs/`: experiment, budget and every other
group file, checked by `check_config_files` before Hydra reads them) are data.
`yaml.safe_load` already refuses `!!python/...` tags; on top of that this reader refuses,
each with one message naming the file, line and rule:

- Hydra's instantiate keys (`_target_` and friends) anywhere in a data tree;
- a key given twice (PyYAML would keep the last silently);
- a key that is a list or a mapping (`? [a, b]`): keys are names;
- nesting deeper than MAX_DEPTH levels (50,000 levels overflowed Python's stack);
- more than MAX_NODES values once aliases are expanded (a 700-byte "billion laughs"
  file names 10^9 values through nested aliases and hung whatever walked the tree),
  and an alias that contains itself;
- whole numbers beyond 64 bits (no count in a county needs them; numpy cannot hold them);
- files larger than MAX_YAML_BYTES.

Merge keys (`<<: *defaults`, standard YAML 1.1) are accepted.

Leaves out: the meaning of the values (sim/scenario/load.py, sim/settings.py, sim/bounds.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from sim.errors import Problem

FORBIDDEN_KEYS = ("_target_", "_partial_", "_args_", "_recursive_", "_convert_")
MAX_YAML_BYTES = 5 * 1024 * 1024  # a scenario.yaml is a page of text; the largest config file is 8 KB
# The shipped configuration nests 6 levels deep; 64 leaves room and stays far below the
# Python stack that the composer, Hydra and our own tree walks recurse on.
MAX_DEPTH = 64
# The largest shipped file holds about 400 values; a scenario's zones for a province a few
# thousand. 200,000 values, aliases expanded, is far above both and is walked in well under 1 s.
MAX_NODES = 200_000
MAX_INT = 2**63 - 1  # whole numbers beyond 64 bits: numpy, Parquet and JSON readers cannot hold them
MAX_CONFIG_FILES = 10_000  # a configuration folder holds dozens of files
MERGE_TAG = "tag:yaml.org,2002:merge"


class YamlLimit(yaml.YAMLError):
    """A limit of this reader, with the rule to name and the line it was found on."""

    def __init__(self, rule: str, value: object, mark: yaml.Mark | None):
        super().__init__(rule)
        self.rule = rule
        self.value = value
        self.problem_mark = mark


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader with the limits above."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        # the composer recurses once per level: stop before Python's stack does
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise YamlLimit(f"nested more than {MAX_DEPTH} levels deep", f"> {MAX_DEPTH} levels", mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def get_single_node(self) -> Any:
        node = super().get_single_node()
        if node is not None:
            _check_expanded(node)
        return node


def _check_expanded(root: yaml.Node) -> None:
    """Count values and depth with every alias expanded, without expanding anything: each node
    is visited once (iteratively: an alias may nest deeper than the text does)."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    on_path: set[int] = set()
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            kids = _children(node)
            size[key] = 1 + sum(size[id(k)] for k in kids)
            depth[key] = 1 + max((depth[id(k)] for k in kids), default=0)
            if size[key] > MAX_NODES:
                raise YamlLimit(
                    f"more than {MAX_NODES:,} values once aliases (*name) are expanded",
                    f"{size[key]:,} values",
                    node.start_mark,
                )
            if depth[key] > MAX_DEPTH:
                raise YamlLimit(
                    f"nested more than {MAX_DEPTH} levels deep once aliases (*name) are expanded",
                    f"{depth[key]} levels",
                    node.start_mark,
                )
            continue
        if key in size:
            continue
        if key in on_path:
            raise YamlLimit("an alias (*name) refers to a value that contains it", "a loop", node.start_mark)
        on_path.add(key)
        stack.append((node, True))
        stack.extend((k, False) for k in _children(node) if id(k) not in size)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == MERGE_TAG:
            continue  # `<<: *base`: merged keys may be given again here (they win)
        if not isinstance(key_node, yaml.ScalarNode):
            raise YamlLimit(
                "a key must be a plain name or number, not a list or mapping (`? [a, b]`)",
                type(key_node).__name__.replace("Node", "").lower(),
                key_node.start_mark,
            )
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise YamlLimit(
                f"each key may appear once: key {key!r} given twice (first on line {seen[key] + 1})",
                key,
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


def _int(loader: _StrictLoader, node: yaml.ScalarNode) -> int:
    value = yaml.SafeLoader.construct_yaml_int(loader, node)
    if abs(value) > MAX_INT:
        raise YamlLimit(
            "whole numbers must fit 64 bits (at most 9,223,372,036,854,775,807)",
            node.value[:40] + ("..." if len(node.value) > 40 else ""),
            node.start_mark,
        )
    return value


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_StrictLoader.add_constructor("tag:yaml.org,2002:int", _int)


def strict_safe_load(text: str) -> Any:
    """yaml.safe_load with the limits of this module (raises yaml.YAMLError, YamlLimit among them)."""
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


def parse_yaml(path: Path, label: str, problems: list[Problem]) -> Any:
    """Parse `path` with the limits of this module; on any problem append it and return None."""
    if not path.is_file():
        problems.append(Problem(label, None, "required file is missing"))
        return None
    size = path.stat().st_size
    if size > MAX_YAML_BYTES:
        problems.append(Problem(label, f"{size:,} bytes", f"larger than {MAX_YAML_BYTES:,} bytes"))
        return None
    try:
        return strict_safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        problems.append(
            Problem(
                f"{label} byte {exc.start}",
                exc.object[exc.start : exc.start + 4].hex(),
                "file is not UTF-8 text",
            )
        )
    except YamlLimit as exc:
        problems.append(Problem(_at(label, exc), exc.value, exc.rule))
    except yaml.YAMLError as exc:
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        rule = "not valid YAML data"
        if "python/" in str(exc):
            rule = "YAML tags that name code (such as !!python/...) are not allowed in data"
        elif "could not determine a constructor" in str(exc):
            rule = "unknown YAML tag (!...): data uses plain values"
        problems.append(Problem(_at(label, exc), what, rule))
    except RecursionError:  # a limit above should always stop first; never a traceback
        problems.append(Problem(label, None, f"nested too deeply (at most {MAX_DEPTH} levels)"))
    return None


def _at(label: str, exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    return f"{label} line {mark.line + 1}" if mark is not None else label


def load_yaml(path: Path, label: str, problems: list[Problem]) -> Any:
    """Parse a data file (`path`) safely: the limits above, and no instantiation keys. On any
    problem append it and return None."""
    tree = parse_yaml(path, label, problems)
    if tree is None:
        return None
    bad = forbidden_keys(tree)
    for key_path in bad:
        problems.append(
            Problem(
                f"{label} key {key_path}",
                key_path.rsplit(".", 1)[-1],
                "instantiation keys (_target_, _partial_, ...) are not allowed in data",
            )
        )
    return None if bad else tree


def load_mapping(path: Path, label: str, problems: list[Problem]) -> dict[str, Any] | None:
    """`load_yaml` of a file that must hold a mapping of keys to values (scenario.yaml): an empty
    file, a list or a bare value is one problem, and None."""
    before = len(problems)
    tree = load_yaml(path, label, problems)
    if isinstance(tree, dict):
        return tree
    if len(problems) == before:
        found = "an empty file" if tree is None else type(tree).__name__
        problems.append(Problem(label, found, "must be a mapping of keys to values (key: value lines)"))
    return None


def check_config_files(folders: list[Path]) -> list[Problem]:
    """Every YAML file under `folders` (a Hydra configuration), read by this module's reader
    before Hydra reads any of them: Hydra's own reader has no limits."""
    problems: list[Problem] = []
    files: list[Path] = []
    for folder in folders:
        if folder.is_dir():
            files += sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    if len(files) > MAX_CONFIG_FILES:
        return [
            Problem(", ".join(map(str, folders)), f"{len(files):,} files", f"more than {MAX_CONFIG_FILES:,}")
        ]
    for path in files:
        parse_yaml(path, str(path), problems)
    return problems
