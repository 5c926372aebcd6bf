"""Stylised county scenarios: `drsim make-county --preset zhangshu|jinjiang|county`.

A county is a set of units (the city district, townships/streets, an industrial park), each
owning villages/communities. Every place sits exactly on its own road node; roads are
generated, not real. Randomness comes only from named streams
`sim.rng.stream(seed, 0, "make_county.<part>")` and every collection is ordered (lists,
insertion-ordered dicts), so one seed gives byte-identical files under any PYTHONHASHSEED.
Figures from the planning documents are quoted with their seed file in each README; all
others are stylised, with a one-line reason.

The parts, one module each: items, teams, geography, roads and services
(sim/authoring/county_base.py), the counties' layouts (county_layouts.py) and their READMEs
(county_readme.py); `county()` here puts one together.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.authoring import divisions
from sim.authoring.county_base import ITEMS, LON_LAT, SPEEDS, _allocate, _rng, _rows
from sim.authoring.county_layouts import (
    ZS_HILLS,
    ZS_RIVER,
    GridPlan,
    _generic_units,
    _grid_county,
    _jinjiang,
    official_units,
)
from sim.authoring.county_readme import _readme_common, _readme_grid, _readme_jinjiang, _readme_official
from sim.authoring.divisions import Divisions
from sim.authoring.write import ScenarioFiles


def _county_plan(n: int, seed: int) -> tuple[GridPlan, dict]:
    """The parametric county: Zhangshu's proportions, scaled, with neutral names."""
    n_towns = max(3, round(n / 13))
    city_v = max(1, round(0.04 * n))  # urban communities of the city district
    park_v = max(1, round(0.013 * n))  # the park's few communities
    shares = _rng(seed, "allocation").lognormal(0.0, 0.3, n_towns)
    counts = np.concatenate([[city_v, park_v], _allocate(n - city_v - park_v, shares, 1)]).tolist()
    plan = GridPlan(_generic_units(n_towns, "示例", "Example"), counts, round(n * 550_000 / 300),
                    LON_LAT["county"], "示例市区")  # fmt: skip
    return plan, dict(city_v=city_v, park_v=park_v)


def _official_plan(div: Divisions, seat: str | None, population: int, county_zh: str, lon_lat) -> GridPlan:
    units = official_units(div, divisions.seat(div, seat).code)
    return GridPlan(units, [], population, lon_lat, county_zh)


def county(
    preset: str,
    seed: int = 1,
    villages: int | None = None,
    division_list: Divisions | None = None,
    seat: str | None = None,
    population: int | None = None,
    source: str = "",
) -> ScenarioFiles:
    """A stylised county: preset `zhangshu` (seed 001, official names), `jinjiang` (seed 004,
    official names), `county` (parametric: `villages` villages, about villages/13 townships),
    or `divisions`: the units, villages, names and codes of `division_list` (read from the
    file named `source`), with the seat `seat` and `population` people (by default 1,833 per
    village, Zhangshu's stylised ratio). Same inputs and seed, same files."""
    if preset in ("zhangshu", "jinjiang", "divisions") and villages is not None:
        raise ValueError(f"preset {preset!r} has a fixed number of villages; use preset 'county'")
    command = f"drsim make-county --preset {preset} --seed {seed}"
    name = preset
    if preset == "zhangshu":
        div = divisions.shipped("zhangshu")
        plan = _official_plan(div, None, 550_000, "樟树市", LON_LAT["zhangshu"])
        at = {u.code: i for i, u in enumerate(plan.units)}
        plan.river, plan.hills = [at[c] for c in ZS_RIVER], [at[c] for c in ZS_HILLS]
        plan.shelter_names = ("湿地公园", "药都公园", "鹿江公园")
        geo, out = _grid_county(plan, seed)
        about = "Stylised Zhangshu (樟树, Jiangxi): the '1+22' relief-material reserve of seed 001."
        title = {"zh": "樟树市（示意）", "en": "Zhangshu (stylised)"}
    elif preset == "county":
        n = 300 if villages is None else int(villages)
        if n < 20:
            raise ValueError(f"villages must be at least 20, got {n}")
        plan, extra = _county_plan(n, seed)
        geo, out = _grid_county(plan, seed)
        out["info"] |= extra
        about = f"Parametric stylised county: {geo.n_units - 2} townships, {n} villages (Zhangshu-like)."
        title = {"zh": "示意县", "en": "Stylised county"}
    elif preset == "jinjiang":
        geo, out = _jinjiang(seed)
        about = "Stylised coastal Jinjiang (晋江, Fujian): the 10-hour relief target of seed 004."
        title = {"zh": "晋江市（示意）", "en": "Jinjiang (stylised)"}
    elif preset == "divisions":
        if division_list is None:
            raise ValueError("preset 'divisions' needs a division list (--divisions FILE)")
        n = division_list.n_villages
        seat_code = divisions.seat(division_list, seat).code
        own = [t for t in division_list.townships if t.kind != "park" and t.code != seat_code]
        if len(own) < 2:
            raise ValueError(
                "a county needs at least two streets, towns, townships or farms besides the seat "
                f"(units with villages and a storage point of their own); the list has {len(own)}"
            )
        people = round(n * 550_000 / 300) if population is None else int(population)
        if people < 100 * n:
            raise ValueError(f"population must be at least 100 per village ({100 * n:,}), got {people:,}")
        plan = _official_plan(division_list, seat, people, "县级", LON_LAT["county"])
        geo, out = _grid_county(plan, seed)
        name = Path(source).name.split("_")[0] or "county"
        title = {"zh": f"{name}（示意）", "en": f"{name} (stylised)"}
        about = (
            f"Stylised county from the division list {Path(source).name} ({division_list.county_code}): "
            f"{len(division_list.townships)} township-level units, {n} village-level units."
        )
        command = f"drsim make-county --divisions {source} --seed {seed}"
        command += f" --seat {plan.units[0].code}" + (f" --population {population}" if population else "")
    else:
        raise ValueError(f"unknown preset {preset!r}; choose zhangshu, jinjiang or county")
    tables = {"items.csv": _rows("items.csv", [i[:5] for i in ITEMS]), **out["tables"]}
    provenance = (
        f"Generated by `{command}` (sim/authoring/counties.py). "
        "Seed-document figures are quoted in README.md; everything else is stylised. "
        "Geometry is generated, not the real roads."
    )
    generator = {"module": "sim.authoring.counties", "preset": preset, "seed": seed,
                 "villages": len(geo.ids) - geo.n_units}  # fmt: skip
    if preset == "divisions":
        generator["divisions"] = division_list.source if division_list else ""
    meta = {
        "name": name, "title": title, "description": about, "provenance": provenance, "licence": "CC-BY-4.0",
        "crs": "EPSG:4326", "stylised": True, "zones": out["zones"],
        "defaults": {"snap_tolerance_km": 0.05, "unload_min": 20, "road_speed_kmh": dict(SPEEDS)},
        "generator": generator,
    }  # fmt: skip
    if preset == "jinjiang":
        body = _readme_jinjiang(geo, out)
    elif preset == "county":
        body = _readme_grid(preset, geo, out)
    else:
        body = _readme_official(preset, geo, out, division_list, name)
    heading, rest = body.split("\n", 1)
    intro = (
        f"\nGenerated by `{command}` (sim/authoring/counties.py). "
        "**Stylised: geometry is generated, not the real roads.** Licence CC-BY-4.0; WGS84 lon/lat. "
        "Figures from the planning documents name their seed file (seeds/00N); every other number "
        "is stylised/assumed, with a one-line reason.\n"
    )
    return ScenarioFiles(
        meta=meta,
        tables=tables,
        readme=heading + "\n" + intro + rest + _readme_common(geo, tables, preset, seed, command),
    )
