"""Features -> scenario rows: places (with ids and townships) and the facilities that sit at them.

Place layers together make places.csv (each row's id from the layer or made from its kind's
prefix, a village without a township field given the nearest township); depots, EMS stations,
hospitals, helipads and shelters are tied to the place they name, or the nearest place, since
the scenario format puts a facility at its place's road node. Features far outside the road
network are refused by name. What it leaves out: facilities between places (they move to the
nearest one, and the distance is reported).
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from sim.authoring.gis_layers import Feature, Layer, _Cells, _parse_cell
from sim.authoring.gis_mapping import LAYER_KINDS
from sim.errors import Problem
from sim.scenario import roads
from sim.scenario.csvfile import bounded, read_csv
from sim.scenario.load import PLACES
from sim.scenario.types import OWNER_KINDS, PLACE_KINDS, STATION_KINDS

ID_PREFIX = {
    "city": "C",
    "township": "T",
    "industrial_park": "P",
    "village": "V",
    "depot": "D",
    "ems_station": "EMS",
    "hospital": "H",
    "helipad": "HP",
    "shelter": "SH",
}


def _places_from_layers(layers, mapping, problems) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    counters: Counter = Counter()
    for layer in layers:
        cells = _Cells(layer, mapping, problems)
        for f in layer.features:
            kind = layer.kind
            if kind == "places":
                kind = cells.get(f, "kind")
                if kind is None:
                    continue
                if kind not in PLACE_KINDS:
                    problems.append(
                        Problem(
                            f"{f.where}, field {layer.used.get('kind')}",
                            f.cells.get("kind"),
                            f"must map to one of {', '.join(PLACE_KINDS)} (mapping values.kind)",
                        )
                    )
                    continue
            counters[kind] += 1
            pid = cells.get(f, "id", required=False) or f"{ID_PREFIX[kind]}{counters[kind]:03d}"
            village = kind == "village"
            out.append(
                {
                    "place_id": pid,
                    "name": cells.get(f, "name", required=False) or pid,
                    "kind": kind,
                    # Everyone lives in a village or community; seats hold nobody (as shipped scenarios).
                    "population": cells.get(f, "population") if village else 0,
                    "township_raw": cells.get(f, "township", required=False, default="") if village else pid,
                    "township_field": village and "township" in layer.used,
                    "lon_in": f.lon_in,
                    "lat_in": f.lat_in,
                    "lon": f.lon,
                    "lat": f.lat,
                    "where": f.where,
                    "crs": layer.crs,
                }
            )
    return out


def _existing_places(folder: Path, problems: list[Problem]) -> list[dict[str, Any]]:
    rows = read_csv(folder / "places.csv", PLACES, problems, str(folder / "places.csv"))
    return [
        {
            "place_id": r["place_id"],
            "name": r["name"],
            "kind": r["kind"],
            "population": r["population"],
            "township_id": r["township_id"],
            "lon": float(r["lon"]),
            "lat": float(r["lat"]),
            "where": f"{folder / 'places.csv'} line {r.line}",
            "crs": "wgs84",
            "township_from": "kept",
        }
        for r in rows
    ]


def _match(raw: str, by_id: dict[str, dict], by_name: dict[str, list[dict]]) -> tuple[dict | None, str]:
    if raw in by_id:
        return by_id[raw], ""
    hits = by_name.get(raw, [])
    if len(hits) == 1:
        return hits[0], ""
    if len(hits) > 1:
        return None, f"names {len(hits)} places ({', '.join(h['place_id'] for h in hits[:4])}): use ids"
    return None, "matches no place id or name"


def _nearest(lon: float, lat: float, rows: list[dict]) -> tuple[dict, float]:
    d = roads.haversine_km(lon, lat, np.array([r["lon"] for r in rows]), np.array([r["lat"] for r in rows]))
    k = int(np.argmin(d))
    return rows[k], float(d[k])


def _assign_townships(places: list[dict], problems: list[Problem]) -> int:
    owners = [p for p in places if p["kind"] in OWNER_KINDS]
    by_id = {p["place_id"]: p for p in owners}
    by_name: dict[str, list[dict]] = {}
    for p in owners:
        by_name.setdefault(p["name"], []).append(p)
    nearest = 0
    for p in places:
        if "township_raw" not in p:
            continue  # kept from places.csv
        if p["kind"] != "village":
            p["township_id"], p["township_from"] = p["place_id"], "self"
        elif p["township_field"]:
            owner, why = _match(p["township_raw"], by_id, by_name)
            if owner is None:
                known = ", ".join(sorted(by_name)[:6])
                problems.append(
                    Problem(
                        f"{p['where']} (village {p['place_id']})",
                        p["township_raw"],
                        f"township {why}; townships, park and city known: {known or 'none'}",
                    )
                )
                continue
            p["township_id"], p["township_from"] = owner["place_id"], "field"
        elif owners:
            owner, _ = _nearest(p["lon"], p["lat"], owners)
            p["township_id"], p["township_from"] = owner["place_id"], "nearest"
            nearest += 1
    if not owners and places:
        problems.append(
            Problem(
                "places", "no township, industrial_park or city", "import a township layer with the villages"
            )
        )
    return nearest


def _facilities(
    layers, places, items: set[str], mapping, problems
) -> tuple[dict[str, list[dict]], list[dict]]:
    """Rows of depots/stock/ems_stations/hospitals/helipads/shelters and report rows."""
    by_id = {p["place_id"]: p for p in places}
    by_name: dict[str, list[dict]] = {}
    for p in places:
        by_name.setdefault(p["name"], []).append(p)
    tables: dict[str, list[dict]] = {}
    report: list[dict] = []
    counters: Counter = Counter()
    for layer in layers:
        table = LAYER_KINDS[layer.kind]
        tables.setdefault(table, [])
        if layer.kind == "depot":
            tables.setdefault("stock.csv", [])
            for item in {item for f in layer.features for item in f.stock}:
                if item not in items:
                    problems.append(
                        Problem(
                            f"mapping stock (layer {layer.label})",
                            item,
                            f"not an item of items.csv ({', '.join(sorted(items))})",
                        )
                    )
        cells = _Cells(layer, mapping, problems)
        for f in layer.features:
            counters[layer.kind] += 1
            fid = cells.get(f, "id", required=False) or f"{ID_PREFIX[layer.kind]}{counters[layer.kind]:03d}"
            if "place" in layer.used:
                place, why = _match(f.cells.get("place", ""), by_id, by_name)
                if place is None:
                    problems.append(
                        Problem(f"{f.where}, field {layer.used['place']}", f.cells.get("place"), why)
                    )
                    continue
                place_km = float(roads.haversine_km(f.lon, f.lat, place["lon"], place["lat"]))
                how = "field"
            elif places:
                place, place_km = _nearest(f.lon, f.lat, places)
                how = "nearest"
            else:
                continue
            row = _facility_row(layer, cells, f, fid, place["place_id"])
            if row is None:
                continue
            tables[table].append(row)
            if layer.kind == "depot":
                for item, raw in f.stock.items():
                    where = f"{f.where}, stock column for {item}"
                    qty = _parse_cell(raw or "0", bounded("stock.csv qty"), where, problems)
                    if qty and item in items:
                        tables["stock.csv"].append({"depot_id": fid, "item": item, "qty": qty})
            report.append(
                {
                    "table": table.removesuffix(".csv"),
                    "id": fid,
                    "name": row.get("name", ""),
                    "kind": layer.kind,
                    "source": f.where,
                    "crs": layer.crs,
                    "lon_in": f.lon_in,
                    "lat_in": f.lat_in,
                    "lon": f.lon,
                    "lat": f.lat,
                    "node_id": place.get("node_id"),
                    "snap_km": place.get("snap_km"),
                    "place_id": place["place_id"],
                    "place_km": round(place_km, 4),
                    "township_id": place.get("township_id"),
                    "township_from": how,
                }
            )
    return tables, report


def _facility_row(layer: Layer, cells: _Cells, f: Feature, fid: str, place_id: str) -> dict | None:
    kind = layer.kind
    if kind == "depot":
        name = cells.get(f, "name", required=False) or fid
        row = {"depot_id": fid, "name": name, "place_id": place_id}
        for key in ("tier", "trucks", "truck_capacity", "load_min"):
            row[key] = cells.get(f, key)
        row["lead_time_h"] = cells.get(f, "lead_time_h", required=False)
    elif kind == "ems_station":
        row = {"station_id": fid, "place_id": place_id}
        row["kind"] = cells.get(f, "kind")
        if row["kind"] is not None and row["kind"] not in STATION_KINDS:
            cells.problems.append(
                Problem(
                    f"{f.where}, field {layer.used.get('kind', 'kind')}",
                    row["kind"],
                    f"must map to one of {', '.join(STATION_KINDS)} (mapping values.kind)",
                )
            )
            return None
        row["ambulances"] = cells.get(f, "ambulances")
        row["negative_pressure"] = cells.get(f, "negative_pressure")
    elif kind == "hospital":
        row = {"hospital_id": fid, "place_id": place_id}
        row["beds"] = cells.get(f, "beds")
        row["infectious_beds"] = cells.get(f, "infectious_beds")
    elif kind == "helipad":
        row = {"helipad_id": fid, "place_id": place_id}
    else:
        row = {"shelter_id": fid, "place_id": place_id}
        row["class"] = cells.get(f, "class")
        row["area_m2"] = cells.get(f, "area_m2")
    return None if any(v is None for k, v in row.items() if k != "lead_time_h") else row


def _outside(layers: list[Layer], box: tuple[float, float, float, float], tol_km: float) -> list[Problem]:
    """One problem per layer with features outside the road extract (plus the snap margin)."""
    w, s, e, n = box
    dlat = tol_km / 111.2
    dlon = tol_km / (111.2 * max(math.cos(math.radians((s + n) / 2)), 0.01))
    out = []
    for layer in layers:
        bad = [
            f
            for f in layer.features
            if math.isfinite(f.lon) and not (w - dlon <= f.lon <= e + dlon and s - dlat <= f.lat <= n + dlat)
        ]
        if bad:
            shown = "; ".join(
                f"{f.where.removeprefix(layer.label).strip()} at {f.lon:.5f}, {f.lat:.5f}" for f in bad[:3]
            )
            out.append(
                Problem(
                    layer.label,
                    f"{len(bad)} of {len(layer.features)} features, e.g. {shown}",
                    f"lie outside the road extract (W,S,E,N {w:.4f}, {s:.4f}, {e:.4f}, {n:.4f}, "
                    f"± {tol_km:g} km): check the coordinate system (--crs, now {layer.crs}) "
                    "or import a larger OpenStreetMap extract",
                )
            )
    return out
