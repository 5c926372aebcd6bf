"""Event log -> tables: the per-village results and per-replication facts of one replication.

Pure functions of the event rows and the scenario (no SimPy, no model). Times
in tables are hours since onset (`*_at_h`), as planners state their targets;
the event log itself keeps minutes (`t_min`).

Size: the relief, rescue, air and shelter tables of one replication share the event rows'
indexing and the person counts (the EMS tables are ems_tables.py); one file keeps them in step.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.events import (
    EVENT_COLUMNS,
    AircraftArrived,
    AirMissionCancelled,
    AirMissionRequested,
    CasualtyDiedWaiting,
    CasualtyReachedCare,
    HazardStruck,
    LateralAidRecorded,
    NeedArisen,
    NeedReported,
    PeopleBroughtOut,
    PeopleDisplaced,
    PeopleRescued,
    PeopleStranded,
    PlaceIsolated,
    PlaceReconnected,
    ReliefAllocated,
    ReliefDeferred,
    ReliefShort,
    RescueRequested,
    Row,
    ShelterArrived,
    ShipmentDelivered,
    ShipmentLoaded,
    SituationReported,
    TrappedDied,
    TruckAssigned,
    TruckHeld,
    TruckRerouted,
    TruckReturned,
    VillageHit,
    as_row,
    typed,
)
from sim.results.relief_people import (
    PERSON_SUFFIXES,
    PersonCounts,
    PersonMeasure,
    SitePeople,
    relieved_within,
    rescue_counts,
    site_counts,
)
from sim.results.rescue_metrics import air_in_time
from sim.safe_text import FORMULA_START, csv_text  # noqa: F401 (re-exported: one CSV rule, sim/safe_text.py)
from sim.scenario import Scenario
from sim.settings import AirTargetSettings, AnyTarget, RescueTargetSettings, TargetSettings
from sim.units import MIN_PER_H

NAN = float("nan")
VILLAGE_COLUMNS = [
    "place_id", "name", "township_id", "population", "affected", "displaced", "stranded", "in_need",
    "in_shelters", "onset_at_h", "displaced_at_h", "in_need_at_h",
    "severity", "reported_at_h", "final_report_at_h", "reports", "need_units", "need_reported_units",
    "delivered_units", "unmet_units", "short_units", "deferred_units", "reserve_units",
    "lateral_aid_units", "isolated_h", "road_trouble_at_h", "truck_wait_h", "min_service_h",
    "first_delivery_at_h", "initial_complete_at_h", "basic_complete_at_h", "relief_complete_at_h",
]  # fmt: skip
SEVERITY_RANK = {None: 0, "low": 1, "medium": 2, "high": 3}
ROAD_TROUBLE = (ReliefDeferred, TruckHeld, TruckRerouted, PlaceIsolated)


def events_frame(rows: Sequence[Row], case: str, rep: int) -> pd.DataFrame:
    frame = pd.DataFrame.from_records([as_row(e) for e in rows], columns=list(EVENT_COLUMNS))
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


# id -> (scenario, minutes): the cache keeps the scenario alive, so its id cannot be reused by
# another scenario (a bare id key served a freed scenario's array to a new one of another size).
_SERVICE_CACHE: dict[int, tuple[Scenario, np.ndarray]] = {}


def min_service_min(scenario: Scenario) -> np.ndarray:
    """Per place: the fastest any depot could serve it on undamaged roads (load + drive + unload).

    The yardstick of the `report_delay` cause: a village whose full need was reported later
    than deadline - this could not have been served in time even by an idle truck.
    """
    key = id(scenario)
    if key not in _SERVICE_CACHE or _SERVICE_CACHE[key][0] is not scenario:
        from sim.scenario.roads import travel_table

        nodes = np.array([d.node for d in scenario.depots], dtype=np.int64)
        out, _ = travel_table(scenario.road.time_min, nodes)
        load = np.array([d.load_min + d.lead_time_min for d in scenario.depots])[:, None]
        place_nodes = np.array([p.node for p in scenario.places], dtype=np.int64)
        best = (out[:, place_nodes] + load).min(axis=0) + scenario.unload_min
        _SERVICE_CACHE.clear()  # one scenario at a time is plenty
        _SERVICE_CACHE[key] = (scenario, best)
    return _SERVICE_CACHE[key][1]


def person_measures(scenario: Scenario, targets: Mapping[str, AnyTarget]) -> list[PersonMeasure]:
    """The relief targets as sim.results.relief_people counts them: each one's kit of items."""
    out = []
    for name, t in targets.items():
        if isinstance(t, TargetSettings):
            kit = tuple(
                j
                for j, it in enumerate(scenario.items)
                if (t.item_class == "all" or it.cls == t.item_class) and it.need_per_person > 0
            )
            out.append(PersonMeasure(name, kit, t.deadline_min, t.clock, t.population))
    return out


def rescue_measures(targets: Mapping[str, AnyTarget]) -> list[PersonMeasure]:
    """The rescue targets, counted per village (trapped people and those out in time)."""
    return [
        PersonMeasure(name, (), t.deadline_min, t.clock)
        for name, t in targets.items()
        if isinstance(t, RescueTargetSettings)
    ]


def air_targets(targets: Mapping[str, AnyTarget]) -> dict[str, AirTargetSettings]:
    """The helicopter targets, counted per village (air missions and those on time)."""
    return {name: t for name, t in targets.items() if isinstance(t, AirTargetSettings)}


def village_results(
    rows: Sequence[Row],
    scenario: Scenario,
    measures: Sequence[PersonMeasure] = (),
    horizon_min: float = math.inf,
    rescues: Sequence[PersonMeasure] = (),
    sites: ReliefSites | None = None,
    air: Mapping[str, AirTargetSettings] | None = None,
) -> dict[str, list[Any]]:
    """One entry per village of the scenario (file order), as columns.

    Completion times are against the true need (need_arisen), not the reported one:
    a village is relieved when its people have what they need, whatever was reported (of a
    daily item, the first day's; `need_units` and `unmet_units` count every day's to the horizon).
    Per relief target in `measures`: the people counted and relieved in time, the people
    counted apart and the units, by sim.results.relief_people's rule (`<target>_people` ...). Per rescue
    target in `rescues`: the trapped people counted and those brought out in time, by
    sim.results.rescue_metrics.rescue_counts' rule (`<target>_people`, `<target>_people_in_time`). Per
    helicopter target in `air`: the air missions to the village it counts and those on time, by
    sim.results.rescue_metrics.air_in_time's rule (`<target>_missions`, `<target>_missions_in_time`).
    """
    villages = scenario.villages()
    v_index = {p.id: k for k, p in enumerate(villages)}
    i_index = {it.id: j for j, it in enumerate(scenario.items)}
    reserve = {d.id for d in scenario.depots if d.tier in ("contract", "province")}
    n, m = len(villages), len(scenario.items)
    col: dict[str, list[Any]] = {
        c: [0] * n
        for c in (
            "affected",
            "displaced",
            "stranded",
            "in_shelters",
            "reports",
            "short_units",
            "deferred_units",
            "reserve_units",
            "lateral_aid_units",
            "lives_saved",  # trapped people brought out alive (sim/model/teams.py survival)
            "lives_lost_waiting",  # trapped people who died before they were brought out
            "red_saved",  # red casualties who reached a hospital alive (sim/model/ems.py survival)
            "red_lost_waiting",  # red casualties who died before reaching a hospital
        )
    }
    for c in (
        "reported_at_h",
        "final_report_at_h",
        "road_trouble_at_h",
        "first_delivery_at_h",
        "displaced_at_h",
        "in_need_at_h",
    ):
        col[c] = [NAN] * n
    col["truck_wait_h"] = [0.0] * n
    severity: list[str | None] = [None] * n
    need = np.zeros((n, m), dtype=np.int64)  # over the horizon: every day of a daily item
    first_need = np.zeros((n, m), dtype=np.int64)  # the first kit: one day of a daily item
    reported = np.zeros((n, m), dtype=np.int64)
    allocated = np.zeros((n, m), dtype=np.int64)
    delivered = np.zeros((n, m), dtype=np.int64)
    isolated_since: dict[int, float] = {}
    isolated_min = [0.0] * n
    shipment_villages: dict[int, set[int]] = {}  # a truckload may serve several villages' people
    load_wait_h: dict[int, float] = {}
    troubles: list[tuple[float, tuple[int, ...]]] = []
    truck_troubles: list[tuple[float, int]] = []
    arrivals: dict[tuple[int, int], list[tuple[float, int]]] = {}
    tasks: dict[int, tuple[int | None, float, int]] = {}  # rescue task -> (village, minute trapped, people)
    rescued: list[tuple[int, float, int]] = []
    missions: dict[int, dict[int, tuple[float, float, str]]] = {}  # village -> air missions
    flown: dict[int, float] = {}  # air mission -> minutes from request to first arrival
    to_h = 1.0 / MIN_PER_H
    end = 0.0
    for e in typed(rows):
        end = e.t_min
        place: str | None = getattr(e, "place", None)  # a record reads None for a column it does not fill
        v = v_index.get(place) if place is not None else None
        if isinstance(e, ShipmentDelivered):
            w, j = v_index[e.place], i_index[e.item]
            delivered[w, j] += e.qty
            arrivals.setdefault((w, j), []).append((e.t_min, e.qty))
            if math.isnan(col["first_delivery_at_h"][w]):
                col["first_delivery_at_h"][w] = e.t_min * to_h
        elif isinstance(e, RescueRequested):
            tasks[e.ref] = (v, e.t_min - (e.value or 0.0), e.qty)  # from being trapped, not from being known
        elif isinstance(e, PeopleBroughtOut):
            rescued.append((e.ref, e.t_min, e.qty))  # brought out, alive or dead: the targets' count
            if isinstance(e, PeopleRescued) and v is not None:
                col["lives_saved"][v] += e.qty
        elif isinstance(e, TrappedDied) and v is not None:
            col["lives_lost_waiting"][v] += e.qty
        elif isinstance(e, CasualtyReachedCare) and v is not None and e.qty == 1:
            col["red_saved"][v] += 1
        elif isinstance(e, CasualtyDiedWaiting) and v is not None and e.qty == 1:
            col["red_lost_waiting"][v] += 1
        elif isinstance(e, AirMissionRequested) and v is not None:
            missions.setdefault(v, {})[e.ref] = (e.t_min, e.value, e.note)
        elif isinstance(e, AircraftArrived):
            flown.setdefault(e.ref, e.value)
        elif isinstance(e, AirMissionCancelled) and v is not None:
            missions.get(v, {}).pop(e.ref, None)
        elif isinstance(e, ReliefAllocated):
            w = v_index[e.place]
            allocated[w, i_index[e.item]] += e.qty
            if e.depot in reserve:
                col["reserve_units"][w] += e.qty
        elif isinstance(e, NeedArisen):
            w = v_index[e.place]
            need[w, i_index[e.item]] += e.qty
            if e.ref is None or e.ref == 1:  # a daily item's later days do not delay "complete"
                first_need[w, i_index[e.item]] += e.qty
        elif isinstance(e, NeedReported):
            reported[v_index[e.place], i_index[e.item]] += e.qty
        elif isinstance(e, SituationReported):
            w = v_index[e.place]
            col["reports"][w] += 1
            if math.isnan(col["reported_at_h"][w]):
                col["reported_at_h"][w] = e.t_min * to_h
            col["final_report_at_h"][w] = e.t_min * to_h
        elif isinstance(e, VillageHit):
            w = v_index[e.place]
            col["affected"][w] += e.qty
            if SEVERITY_RANK[e.note] > SEVERITY_RANK[severity[w]]:
                severity[w] = e.note
        elif isinstance(e, PeopleDisplaced):
            w = v_index[e.place]
            col["displaced"][w] += e.qty
            if math.isnan(col["displaced_at_h"][w]):
                col["displaced_at_h"][w] = e.t_min * to_h
            if math.isnan(col["in_need_at_h"][w]):
                col["in_need_at_h"][w] = e.t_min * to_h
        elif isinstance(e, PeopleStranded):
            w = v_index[e.place]
            col["stranded"][w] += e.qty
            if math.isnan(col["in_need_at_h"][w]):
                col["in_need_at_h"][w] = e.t_min * to_h
        elif isinstance(e, ShelterArrived):
            col["in_shelters"][v_index[e.place]] += e.qty
        elif isinstance(e, ReliefShort):
            col["short_units"][v_index[e.place]] += e.qty
        elif isinstance(e, LateralAidRecorded):
            col["lateral_aid_units"][v_index[e.place]] += e.qty
        elif isinstance(e, ShipmentLoaded) and v is not None:  # None: a township point's top-up
            shipment_villages.setdefault(e.ref, set()).add(v)
        elif isinstance(e, TruckAssigned):
            load_wait_h[e.ref] = e.value * to_h
        elif isinstance(e, PlaceReconnected) and v is not None and v in isolated_since:
            isolated_min[v] += e.t_min - isolated_since.pop(v)
        if v is not None and isinstance(e, ROAD_TROUBLE):
            if isinstance(e, (ReliefDeferred, PlaceIsolated)):  # no load: the village itself
                troubles.append((e.t_min, (v,)))
            else:  # truck events name a village on the outbound leg only; they concern the whole load
                truck_troubles.append((e.t_min, e.ref))
            if isinstance(e, PlaceIsolated):
                isolated_since[v] = e.t_min
    for v, since in isolated_since.items():
        isolated_min[v] += end - since
    for ref, wait_h in load_wait_h.items():
        for w in shipment_villages.get(ref, ()):
            col["truck_wait_h"][w] = max(col["truck_wait_h"][w], wait_h)
    troubles += [(t, tuple(shipment_villages.get(ref, ()))) for t, ref in truck_troubles]
    for t, hit in sorted(troubles):
        for w in hit:
            if math.isnan(col["road_trouble_at_h"][w]):
                col["road_trouble_at_h"][w] = t * to_h
    classes = {c: [j for j, it in enumerate(scenario.items) if it.cls == c] for c in ("initial", "basic")}
    classes["all"] = list(range(m))
    done = {c: [NAN] * n for c in classes}
    for v in range(n):
        if col["displaced"][v] + col["stranded"][v] == 0:
            continue
        item_done = [
            _complete_at(arrivals.get((v, j), []), int(first_need[v, j])) if first_need[v, j] > 0 else None
            for j in range(m)
        ]
        for c, members in classes.items():
            times = [x for j in members if (x := item_done[j]) is not None]
            if times and not any(math.isnan(t) for t in times):
                done[c][v] = max(times)
    if sites is None:
        sites = relief_sites(rows, scenario)
    onset = sites.onset_min
    persons = _person_counts(len(villages), sites, measures, horizon_min)
    service = min_service_min(scenario)
    p_index = scenario.place_index()
    col["deferred_units"] = (reported - allocated).sum(axis=1).tolist()
    for v in range(n):
        col["deferred_units"][v] -= col["short_units"][v]
    return {
        "place_id": [p.id for p in villages],
        "name": [p.name for p in villages],
        "township_id": [p.township_id for p in villages],
        "population": [p.population for p in villages],
        "affected": col["affected"],
        "displaced": col["displaced"],
        "stranded": col["stranded"],
        "in_need": [a + b for a, b in zip(col["displaced"], col["stranded"], strict=True)],
        "in_shelters": col["in_shelters"],
        "onset_at_h": [onset * to_h] * n,
        "displaced_at_h": col["displaced_at_h"],
        "in_need_at_h": col["in_need_at_h"],
        "severity": severity,
        "reported_at_h": col["reported_at_h"],
        "final_report_at_h": col["final_report_at_h"],
        "reports": col["reports"],
        "need_units": need.sum(axis=1).tolist(),
        "need_reported_units": reported.sum(axis=1).tolist(),
        "delivered_units": delivered.sum(axis=1).tolist(),
        "unmet_units": (need - np.minimum(delivered, need)).sum(axis=1).tolist(),
        "short_units": col["short_units"],
        "deferred_units": col["deferred_units"],
        "reserve_units": col["reserve_units"],
        "lateral_aid_units": col["lateral_aid_units"],
        "lives_saved": col["lives_saved"],
        "lives_lost_waiting": col["lives_lost_waiting"],
        "red_saved": col["red_saved"],
        "red_lost_waiting": col["red_lost_waiting"],
        "isolated_h": [t * to_h for t in isolated_min],
        "road_trouble_at_h": col["road_trouble_at_h"],
        "truck_wait_h": col["truck_wait_h"],
        "min_service_h": [float(service[p_index[p.id]]) * to_h for p in villages],
        "first_delivery_at_h": col["first_delivery_at_h"],
        "initial_complete_at_h": [t * to_h for t in done["initial"]],
        "basic_complete_at_h": [t * to_h for t in done["basic"]],
        "relief_complete_at_h": [t * to_h for t in done["all"]],
        **persons,
        **_rescue_counts(n, tasks, rescued, rescues, onset, horizon_min),
        **_air_counts(n, missions, flown, air or {}, horizon_min),
    }


def _rescue_counts(
    n: int,
    tasks: dict[int, tuple[int | None, float, int]],
    rescued: list[tuple[int, float, int]],
    rescues: Sequence[PersonMeasure],
    onset_min: float,
    horizon_min: float,
) -> dict[str, list[int]]:
    """Per village, per rescue target: trapped people counted and brought out in time."""
    trapped: dict[int, dict[int, tuple[float, int]]] = {}  # village -> task -> (minute, people)
    out_of: dict[int, list[tuple[int, float, int]]] = {}  # village -> rescues of its tasks
    for ref, (v, t, q) in tasks.items():
        if v is not None:
            trapped.setdefault(v, {})[ref] = (t, q)
    for r in rescued:
        v = tasks[r[0]][0] if r[0] in tasks else None
        if v is not None:
            out_of.setdefault(v, []).append(r)
    out: dict[str, list[int]] = {}
    for m in rescues:
        people, in_time = [0] * n, [0] * n
        for v, mine in trapped.items():
            counted, ok, _, _ = rescue_counts(
                mine, out_of.get(v, []), m.deadline_min, m.clock, onset_min, horizon_min
            )
            people[v], in_time[v] = counted, ok
        out[f"{m.name}_people"], out[f"{m.name}_people_in_time"] = people, in_time
    return out


def _air_counts(
    n: int,
    missions: Mapping[int, Mapping[int, tuple[float, float, str]]],
    flown: Mapping[int, float],
    air: Mapping[str, AirTargetSettings],
    horizon_min: float,
) -> dict[str, list[int]]:
    """Per village, per helicopter target: air missions counted and on time."""
    out: dict[str, list[int]] = {}
    for name, t in air.items():
        counted, on_time = [0] * n, [0] * n
        for v, mine in missions.items():
            refs, ok = air_in_time(mine, flown, t.limit_min, t.radius_km, horizon_min)
            counted[v], on_time[v] = len(refs), ok
        out[f"{name}_missions"], out[f"{name}_missions_in_time"] = counted, on_time
    return out


@dataclass(frozen=True)
class ReliefSites:
    """The people of every site (village index, site key) and the disaster's onset minute."""

    sites: dict[tuple[int, str], SitePeople]
    onset_min: float


def relief_sites(rows: Sequence[Row], scenario: Scenario) -> ReliefSites:
    """Who is at each site, in arrival order, and what was delivered there (sim/results/relief_people.py).

    A hit's displaced people go to shelters (shelter_arrived, same minute) and the rest stay at
    the village's own site (keyed by the village id, as the model keys it and deliveries name it),
    with the hit's stranded people after them (people_stranded: at home, needing living relief).
    """
    v_index = {p.id: k for k, p in enumerate(scenario.villages())}
    i_index = {it.id: j for j, it in enumerate(scenario.items)}
    displaced_at: dict[tuple[int, float], int] = {}
    stranded_at: dict[tuple[int, float], int] = {}
    sheltered_at: dict[tuple[int, float], list[tuple[str, int]]] = {}
    arrivals: dict[tuple[int, str], dict[int, list[tuple[float, int]]]] = {}
    onset = math.inf
    for e in typed(rows):
        if isinstance(e, ShipmentDelivered):
            v = v_index[e.place]
            arrivals.setdefault((v, e.note or e.place), {}).setdefault(i_index[e.item], []).append(
                (e.t_min, e.qty)
            )
        elif isinstance(e, PeopleDisplaced):
            key = (v_index[e.place], e.t_min)
            displaced_at[key] = displaced_at.get(key, 0) + e.qty
        elif isinstance(e, PeopleStranded):
            key = (v_index[e.place], e.t_min)
            stranded_at[key] = stranded_at.get(key, 0) + e.qty
        elif isinstance(e, ShelterArrived):
            sheltered_at.setdefault((v_index[e.place], e.t_min), []).append((e.subject, e.qty))
        elif isinstance(e, HazardStruck):
            onset = min(onset, e.t_min)
    villages = scenario.villages()
    cohorts: dict[tuple[int, str], list[tuple[float, int, int]]] = {}  # (minute, people, displaced)
    for v, t in sorted(displaced_at.keys() | stranded_at.keys()):
        n = displaced_at.get((v, t), 0)
        for site, q in sheltered_at.get((v, t), []):
            cohorts.setdefault((v, site), []).append((t, q, q))
            n -= q
        home = n + stranded_at.get((v, t), 0)  # the displaced who stayed, then the stranded: one need
        if home > 0:
            cohorts.setdefault((v, villages[v].id), []).append((t, home, n))
    per_person = [it.need_per_person for it in scenario.items]
    daily = [it.daily for it in scenario.items]
    sites = {
        key: SitePeople(
            [(t, n) for t, n, _ in people],
            arrivals.get(key, {}),
            per_person,
            daily,
            [d for _, _, d in people],
        )
        for key, people in cohorts.items()
    }
    return ReliefSites(sites, 0.0 if math.isinf(onset) else onset)


def _person_counts(
    n: int, sites: ReliefSites, measures: Sequence[PersonMeasure], horizon_min: float
) -> dict[str, list[int]]:
    """Per village, per target: sim.results.relief_people's tally summed over the village's sites."""
    totals = [[PersonCounts() for _ in range(n)] for _ in measures]
    for (v, _), site in sites.sites.items():
        for k, m in enumerate(measures):
            totals[k][v] = totals[k][v] + site_counts(site, m, sites.onset_min, horizon_min)
    out: dict[str, list[int]] = {}
    for k, m in enumerate(measures):
        for i, suffix in enumerate(PERSON_SUFFIXES):
            out[f"{m.name}_{suffix}"] = [c.astuple()[i] for c in totals[k]]
    return out


CURVE_COLUMNS = ["item_class", "hour", "people", "people_in_time"]


def relief_curve(
    sites: ReliefSites, scenario: Scenario, horizon_min: float
) -> list[tuple[str, int, int, int]]:
    """Per item class and whole hour h: the displaced people seen for h hours before the horizon
    and those whose kit of the class was in place within h of being displaced (the relief curve
    the targets read at their deadlines; relief_curves.parquet)."""
    hours = np.arange(0, int(horizon_min // MIN_PER_H) + 1)
    out = []
    for cls in ("initial", "basic", "all"):
        items = [j for j, it in enumerate(scenario.items) if cls == "all" or it.cls == cls]
        seen = np.zeros(len(hours), dtype=np.int64)
        ok = np.zeros(len(hours), dtype=np.int64)
        for site in sites.sites.values():
            a, b = relieved_within(site, items, hours, horizon_min)
            seen += a
            ok += b
        out += [(cls, int(h), int(x), int(y)) for h, x, y in zip(hours, seen, ok, strict=True)]
    return out


def shelter_rows(rows: Sequence[Row]) -> list[tuple[str, float, int]]:
    """(shelter, hour, occupancy after the change) for every arrival: occupancy over time."""
    return [
        (e.subject, e.t_min / MIN_PER_H, int(e.value)) for e in typed(rows) if isinstance(e, ShelterArrived)
    ]


def rep_facts(rows: Sequence[Row]) -> dict[str, float]:
    """Per-replication totals that are not per village."""
    truck_min = 0.0
    lateral_yuan = 0.0
    for e in typed(rows):
        if isinstance(e, TruckReturned):
            truck_min += e.value
        elif isinstance(e, LateralAidRecorded):
            lateral_yuan += e.value
    return {
        "events": float(len(rows)),
        "truck_busy_h": truck_min / MIN_PER_H,
        "lateral_aid_cost_yuan": lateral_yuan,
    }


def villages_frame(columns: dict[str, list[Any]], case: str, rep: int) -> pd.DataFrame:
    extra = [c for c in columns if c not in VILLAGE_COLUMNS]  # the per-target person counts
    frame = pd.DataFrame(columns, columns=[*VILLAGE_COLUMNS, *extra])
    frame["severity"] = frame["severity"].astype("string")  # one schema, even when nobody is hit
    frame.insert(0, "rep", rep)
    frame.insert(0, "case", case)
    return frame
