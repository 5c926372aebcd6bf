"""Event log -> tables: the per-village results and per-replication facts of one replication.

Pure functions of the event rows and the scenario (no SimPy, no model). Times
in tables are hours since onset (`*_at_h`), as planners state their targets;
the event log itself keeps minutes (`t_min`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.events import EVENT_COLUMNS, Event, EventKind
from sim.scenario import Scenario
from sim.units import MIN_PER_H

NAN = float("nan")
VILLAGE_COLUMNS = [
    "place_id",
    "name",
    "township_id",
    "population",
    "displaced",
    "reported_at_h",
    "need_units",
    "delivered_units",
    "unmet_units",
    "short_units",
    "lateral_aid_units",
    "first_delivery_at_h",
    "initial_complete_at_h",
    "basic_complete_at_h",
    "relief_complete_at_h",
]


def events_frame(rows: Sequence[Event], case: str, rep: int) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(list(rows), columns=list(EVENT_COLUMNS))
    frame["kind"] = frame["kind"].astype(str)
    for col in ("qty", "ref"):
        frame[col] = frame[col].astype("Int64")
    frame["value"] = frame["value"].astype(float)
    frame.insert(0, "rep", rep)
    frame.insert(0, "case", case)
    return frame


def _complete_at(deliveries: list[tuple[float, int]], need: int) -> float:
    """Minute at which the deliveries (time order) first cover `need`; nan if never."""
    got = 0
    for t, q in deliveries:
        got += q
        if got >= need:
            return t
    return NAN


def village_results(rows: Sequence[Event], scenario: Scenario) -> dict[str, list[Any]]:
    """One entry per village of the scenario (file order), as columns."""
    villages = scenario.villages()
    v_index = {p.id: k for k, p in enumerate(villages)}
    i_index = {it.id: j for j, it in enumerate(scenario.items)}
    n, m = len(villages), len(scenario.items)
    displaced = [0] * n
    reported = [NAN] * n
    first = [NAN] * n
    need = np.zeros((n, m), dtype=np.int64)
    delivered = np.zeros((n, m), dtype=np.int64)
    short = [0] * n
    lateral = [0] * n
    arrivals: dict[tuple[int, int], list[tuple[float, int]]] = {}
    for e in rows:
        kind = e.kind
        if kind is EventKind.SHIPMENT_DELIVERED:
            v, j = v_index[e.place], i_index[e.item]
            delivered[v, j] += e.qty
            arrivals.setdefault((v, j), []).append((e.t_min, e.qty))
            if math.isnan(first[v]):
                first[v] = e.t_min
        elif kind is EventKind.NEED_REPORTED:
            v = v_index[e.place]
            need[v, i_index[e.item]] += e.qty
            if math.isnan(reported[v]):
                reported[v] = e.t_min
        elif kind is EventKind.PEOPLE_DISPLACED:
            displaced[v_index[e.place]] += e.qty
        elif kind is EventKind.RELIEF_SHORT:
            short[v_index[e.place]] += e.qty
        elif kind is EventKind.LATERAL_AID_RECORDED:
            lateral[v_index[e.place]] += e.qty
    classes = {c: [j for j, it in enumerate(scenario.items) if it.cls == c] for c in ("initial", "basic")}
    classes["all"] = list(range(m))
    done = {c: [NAN] * n for c in classes}
    for v in range(n):
        if displaced[v] == 0:
            continue
        item_done = [
            _complete_at(arrivals.get((v, j), []), int(need[v, j])) if need[v, j] > 0 else None
            for j in range(m)
        ]
        for c, members in classes.items():
            times = [item_done[j] for j in members if item_done[j] is not None]
            if times and not any(math.isnan(t) for t in times):
                done[c][v] = max(times)
    to_h = 1.0 / MIN_PER_H
    return {
        "place_id": [p.id for p in villages],
        "name": [p.name for p in villages],
        "township_id": [p.township_id for p in villages],
        "population": [p.population for p in villages],
        "displaced": displaced,
        "reported_at_h": [t * to_h for t in reported],
        "need_units": need.sum(axis=1).tolist(),
        "delivered_units": delivered.sum(axis=1).tolist(),
        "unmet_units": (need - np.minimum(delivered, need)).sum(axis=1).tolist(),
        "short_units": short,
        "lateral_aid_units": lateral,
        "first_delivery_at_h": [t * to_h for t in first],
        "initial_complete_at_h": [t * to_h for t in done["initial"]],
        "basic_complete_at_h": [t * to_h for t in done["basic"]],
        "relief_complete_at_h": [t * to_h for t in done["all"]],
    }


def rep_facts(rows: Sequence[Event]) -> dict[str, float]:
    """Per-replication totals that are not per village."""
    truck_min = 0.0
    lateral_yuan = 0.0
    for e in rows:
        if e.kind is EventKind.TRUCK_RETURNED:
            truck_min += e.value
        elif e.kind is EventKind.LATERAL_AID_RECORDED:
            lateral_yuan += e.value
    return {
        "events": float(len(rows)),
        "truck_busy_h": truck_min / MIN_PER_H,
        "lateral_aid_cost_yuan": lateral_yuan,
    }


def villages_frame(columns: dict[str, list[Any]], case: str, rep: int) -> pd.DataFrame:
    frame = pd.DataFrame(columns, columns=VILLAGE_COLUMNS)
    frame.insert(0, "rep", rep)
    frame.insert(0, "case", case)
    return frame
