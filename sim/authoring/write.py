"""Writing a scenario folder from rows (used by make-county and the importers).

The folder is written to a temporary sibling and renamed into place, so a
failed or interrupted write never leaves a half-written scenario; only a
scenario folder drsim made is ever replaced or changed (sim/outdir.py). Cells
go through the one CSV rule (sim/safe_text.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sim import outdir
from sim.errors import InputError, Problem
from sim.safe_text import csv_rows

COLUMNS: dict[str, list[str]] = {
    "places.csv": [
        "place_id",
        "name",
        "kind",
        "township_id",
        "lon",
        "lat",
        "population",
        "code",
        "division_kind",
    ],
    "road_nodes.csv": ["node_id", "lon", "lat"],
    "road_edges.csv": ["u", "v", "length_km", "road_class", "speed_kmh", "oneway"],
    "items.csv": ["item", "unit", "need_per_person", "class", "basis"],
    "depots.csv": [
        "depot_id",
        "name",
        "tier",
        "place_id",
        "trucks",
        "truck_capacity",
        "load_min",
        "lead_time_h",
    ],
    "stock.csv": ["depot_id", "item", "qty"],
    "ems_stations.csv": ["station_id", "kind", "place_id", "ambulances", "negative_pressure"],
    "hospitals.csv": ["hospital_id", "place_id", "beds", "infectious_beds"],
    "teams.csv": [
        "team_id",
        "kind",
        "base_place_id",
        "members",
        "skills",
        "mobilisation",
        "turnout",
        "boats",
        "machines",
    ],
    "helipads.csv": ["helipad_id", "place_id"],
    "shelters.csv": ["shelter_id", "class", "place_id", "area_m2"],
}
OPTIONAL = {"helipads.csv", "shelters.csv"}
# Trailing columns written only when some row has a value: a scenario without official codes
# keeps the shorter header it always had.
OPTIONAL_COLUMNS = {"places.csv": ("code", "division_kind")}


@dataclass
class ScenarioFiles:
    """A scenario as rows, ready to write."""

    meta: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    readme: str = ""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(round(value, 6)) if value != int(value) else str(int(value))
    return str(value)


def csv_text(columns: list[str], rows: list[dict[str, Any]]) -> str:
    return csv_rows(columns, ([_cell(row.get(c)) for c in columns] for row in rows))


def columns_for(name: str, rows: list[dict[str, Any]]) -> list[str]:
    """The columns of table `name` to write for `rows`: optional trailing columns only if used."""
    unused = {c for c in OPTIONAL_COLUMNS.get(name, ()) if all(row.get(c) in (None, "") for row in rows)}
    return [c for c in COLUMNS[name] if c not in unused]


def write_scenario(
    folder: str | Path, files: ScenarioFiles, overwrite: bool = False, where: str = "command line --out"
) -> Path:
    """Write a new scenario folder; `overwrite` replaces only a scenario folder drsim made
    (InputError otherwise, and for an unsafe path or a failed write: nothing is left)."""
    target = Path(folder)
    with outdir.staged(target, "scenario", replace=overwrite, force_hint=True, where=where) as tmp:
        (tmp / "scenario.yaml").write_text(
            yaml.safe_dump(files.meta, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8"
        )
        for name in COLUMNS:
            rows = files.tables.get(name)
            if rows is None and name in OPTIONAL:
                continue
            (tmp / name).write_text(csv_text(columns_for(name, rows or []), rows or []), encoding="utf-8")
        if files.readme:
            (tmp / "README.md").write_text(files.readme, encoding="utf-8")
    return target


def replace_in_scenario(
    folder: str | Path,
    texts: dict[str, str],
    check: Callable[[Path], object] | None = None,  # its result is ignored: it raises to refuse
    where: str = "command line --out",
) -> Path:
    """Replace some files of an existing scenario folder, all or nothing (used by the importers).

    Only a scenario folder drsim made is changed (sim/outdir.py `updated`): it is copied to a
    temporary sibling, `texts` (file name -> content) written there, `check(copy)` run (it
    raises to refuse), and only then swapped into place; the other files are kept as they
    were. Problems that `check` reports about the copy are renamed to name `folder`, so a
    planner never sees the temporary path.
    """
    target = Path(folder)
    with outdir.updated(target, "scenario", texts, where=where) as tmp:
        for name, content in texts.items():
            (tmp / name).write_text(content, encoding="utf-8")
        if check is not None:
            try:
                check(tmp)
            except InputError as exc:
                raise InputError(
                    [Problem(p.where.replace(str(tmp), str(target)), p.value, p.rule) for p in exc.problems],
                    heading=exc.heading.replace(str(tmp), str(target)),
                ) from None
    return target
