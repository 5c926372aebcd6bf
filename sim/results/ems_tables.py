"""Event log -> EMS tables: one row per call, hospital occupancy by hour, per-replication facts.

Pure functions of the event rows and the scenario (no SimPy, no model). Points in
time are hours since onset (`*_at_h`), as in the other tables; durations that
planners read in minutes (waits, responses) are minutes (`*_min`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.events import (
    AircraftArrived,
    AmbulanceArrivedHospital,
    AmbulanceArrivedScene,
    AmbulanceDispatched,
    AmbulanceLeftScene,
    AmbulanceOffDuty,
    AmbulanceOnDuty,
    AmbulanceReturned,
    AmbulanceStationed,
    CallAirlifted,
    CallDiverted,
    CallReceived,
    CallTransferred,
    CasualtyDiedWaiting,
    CasualtyReachedCare,
    HospitalBedsCounted,
    HospitalSurgeOpened,
    PatientAdmitted,
    PatientDischarged,
    PatientMovedToWard,
    PatientTreatedOnScene,
    Row,
    typed,
)
from sim.scenario import Scenario
from sim.units import MIN_PER_H

NAN = float("nan")
URBAN_ZONE = "urban"
URBAN_KINDS = ("city", "industrial_park")
CALL_COLUMNS = [
    "call_id",
    "source",
    "place_id",
    "township_id",
    "area",
    "triage",
    "infectious",
    "received_at_h",
    "dispatched_at_h",
    "ambulance",
    "station_id",
    "arrived_scene_at_h",
    "hospital_id",
    "admitted_at_h",
    "outcome",
    "wait_min",
    "response_min",
    "call_to_hospital_min",
    "by_air",
    "reached_care_at_h",
    "survival_at_care",
    "died_waiting_at_h",
]
HOSPITAL_COLUMNS = ["hospital_id", "bed_kind", "at_h", "beds", "occupied", "occupancy_share"]


def urban_units(scenario: Scenario) -> set[str]:
    """Units whose places count as urban: the scenario's zone `urban` if it has one (scenario.yaml),
    else the city district and industrial parks."""
    if URBAN_ZONE in scenario.zones:
        return set(scenario.zones[URBAN_ZONE])
    return {p.id for p in scenario.places if p.kind in URBAN_KINDS}


def call_results(rows: Sequence[Row], scenario: Scenario, horizon_min: float) -> dict[str, list[Any]]:
    """One entry per call, in call order, as columns.

    A call no ambulance could reach by road may be flown (by_air): dispatched is when the
    helicopters took it, arrived_scene when the aircraft landed at the scene, and the ambulance
    columns stay empty unless the patient was set down at a helipad and an ambulance took over.

    Survival while waiting (sim/model/ems.py; only casualties whose triage class has a curve):
    reached_care_at_h is their arrival at a hospital alive, survival_at_care the curve there;
    died_waiting_at_h their death before (outcome `died_waiting`, whatever happened after).

    outcome: died_waiting (see above), delivered (handed over at a hospital), treated_on_scene
    (no reachable hospital), responded (an ambulance on scene, patient not yet delivered at the
    horizon; in the check mode every served call), en_route (dispatched, not yet on scene),
    waiting (no ambulance by the horizon), diverted (lost: no ambulance free and ems.when_all_busy = divert).
    A call still waiting at the horizon has wait_min censored at the horizon.
    """
    places = {p.id: p for p in scenario.places}
    urban = urban_units(scenario)
    calls: dict[int, dict[str, Any]] = {}
    flown: dict[int, int] = {}  # air mission -> call
    for e in typed(rows):
        if isinstance(e, CallReceived):
            place = places[e.place]
            calls[e.ref] = {
                "call_id": e.ref,
                "source": e.note,
                "place_id": e.place,
                "township_id": place.township_id,
                "area": "urban" if place.township_id in urban else "rural",
                "triage": e.qty,
                "infectious": e.value == 1.0,
                "received": e.t_min,
                "outcome": "waiting",
                "by_air": False,
            }
        elif isinstance(e, AmbulanceDispatched):
            c = calls[e.ref]
            c.update(ambulance=e.subject, station_id=e.depot)
            if "dispatched" not in c:  # a flown patient's response was the aircraft's
                c.update(dispatched=e.t_min, outcome="en_route")
        elif isinstance(e, AmbulanceArrivedScene):
            c = calls[e.ref]
            c.setdefault("arrived", e.t_min)
            if c["outcome"] != "died_waiting":
                c["outcome"] = "responded"
        elif isinstance(e, CallAirlifted):
            flown[int(e.value)] = e.ref
            calls[e.ref].update(dispatched=e.t_min, outcome="en_route", by_air=True)
        elif isinstance(e, CallTransferred) and e.depot is None:  # back to the road, not flown
            c = calls[e.ref]
            del c["dispatched"]
            c.update(outcome="waiting", by_air=False)
        elif isinstance(e, AircraftArrived) and e.ref in flown:
            c = calls[flown[e.ref]]
            c["arrived"] = e.t_min
            if c["outcome"] != "died_waiting":
                c["outcome"] = "responded"
        elif isinstance(e, AmbulanceLeftScene):
            calls[e.ref]["hospital_id"] = e.depot
        elif isinstance(e, PatientAdmitted):
            calls[e.ref].update(admitted=e.t_min, outcome="delivered", hospital_id=e.depot)
        elif isinstance(e, PatientTreatedOnScene):
            calls[e.ref]["outcome"] = "treated_on_scene"
        elif isinstance(e, CallDiverted):
            calls[e.ref]["outcome"] = "diverted"
        elif isinstance(e, CasualtyReachedCare):
            calls[e.ref].update(reached_care=e.t_min, survival_at_care=e.value)
        elif isinstance(e, CasualtyDiedWaiting):
            calls[e.ref].update(died=e.t_min, outcome="died_waiting")
    ordered = [calls[k] for k in sorted(calls)]
    to_h = 1.0 / MIN_PER_H

    def at_h(c: dict[str, Any], key: str) -> float:
        return c.get(key, NAN) * to_h

    def since_call(c: dict[str, Any], key: str) -> float:
        return c.get(key, NAN) - c["received"]

    def wait(c: dict[str, Any]) -> float:
        if c["outcome"] == "waiting":
            return horizon_min - c["received"]
        if "dispatched" not in c and "died" in c:  # died before any vehicle was sent: waited till then
            return c["died"] - c["received"]
        return since_call(c, "dispatched")

    return {
        "call_id": [c["call_id"] for c in ordered],
        "source": [c["source"] for c in ordered],
        "place_id": [c["place_id"] for c in ordered],
        "township_id": [c["township_id"] for c in ordered],
        "area": [c["area"] for c in ordered],
        "triage": [c["triage"] for c in ordered],
        "infectious": [c["infectious"] for c in ordered],
        "received_at_h": [at_h(c, "received") for c in ordered],
        "dispatched_at_h": [at_h(c, "dispatched") for c in ordered],
        "ambulance": [c.get("ambulance") for c in ordered],
        "station_id": [c.get("station_id") for c in ordered],
        "arrived_scene_at_h": [at_h(c, "arrived") for c in ordered],
        "hospital_id": [c.get("hospital_id") for c in ordered],
        "admitted_at_h": [at_h(c, "admitted") for c in ordered],
        "outcome": [c["outcome"] for c in ordered],
        "wait_min": [wait(c) for c in ordered],
        "response_min": [since_call(c, "arrived") for c in ordered],
        "call_to_hospital_min": [since_call(c, "admitted") for c in ordered],
        "by_air": [c["by_air"] for c in ordered],
        "reached_care_at_h": [at_h(c, "reached_care") for c in ordered],
        "survival_at_care": [c.get("survival_at_care", NAN) for c in ordered],
        "died_waiting_at_h": [at_h(c, "died") for c in ordered],
    }


def calls_frame(columns: dict[str, list[Any]], case: str, rep: int) -> pd.DataFrame:
    frame = pd.DataFrame(columns, columns=CALL_COLUMNS)
    frame["triage"] = frame["triage"].astype("int64")
    frame["infectious"] = frame["infectious"].astype(bool)
    frame["by_air"] = frame["by_air"].astype(bool)
    for col in (
        "received_at_h",
        "dispatched_at_h",
        "arrived_scene_at_h",
        "admitted_at_h",
        "reached_care_at_h",
        "survival_at_care",
        "died_waiting_at_h",
    ):
        frame[col] = frame[col].astype(float)
    frame.insert(0, "rep", rep)
    frame.insert(0, "case", case)
    return frame


def _bed_changes(rows: Sequence[Row]):
    """{(hospital, kind): beds at onset}, {(hospital, kind): occupied at onset}, and the changes
    [(t, hospital, kind, occupied +-n, beds +n)]: admissions, moves from the emergency department
    to a ward, discharges, surge beds opened."""
    beds: dict[tuple[str, str], int] = {}
    start: dict[tuple[str, str], int] = {}
    changes: list[tuple[float, str, str, int, int]] = []
    for e in typed(rows):
        if isinstance(e, HospitalBedsCounted):
            beds[(e.depot, e.note)] = int(e.value)
            start[(e.depot, e.note)] = int(e.value) - e.qty
        elif isinstance(e, (PatientAdmitted, PatientMovedToWard)) and e.qty:
            changes.append((e.t_min, e.depot, e.note, e.qty, 0))
        elif isinstance(e, PatientDischarged):
            changes.append((e.t_min, e.depot, e.note, -e.qty, 0))
        elif isinstance(e, HospitalSurgeOpened):
            changes.append((e.t_min, e.depot, e.note, 0, e.qty))
    return beds, start, changes


def hospital_occupancy(rows: Sequence[Row], horizon_min: float) -> dict[str, list[Any]]:
    """Occupied beds per hospital and bed kind at every whole hour from onset to the horizon
    (including patients in beds before the disaster); `beds` includes surge beds opened by then."""
    beds, start, changes = _bed_changes(rows)
    hours = np.arange(0, math.floor(horizon_min / MIN_PER_H) + 1, dtype=float)
    out: dict[str, list[Any]] = {c: [] for c in HOSPITAL_COLUMNS}
    for (hospital, kind), n_beds in beds.items():
        mine = [c for c in changes if (c[1], c[2]) == (hospital, kind)]
        times = np.array([c[0] for c in mine], dtype=float)
        done = np.searchsorted(times, hours * MIN_PER_H, side="right")  # changes up to each hour
        occupied = start[(hospital, kind)] + np.concatenate([[0], np.cumsum([c[3] for c in mine])])[done]
        n = n_beds + np.concatenate([[0], np.cumsum([c[4] for c in mine])])[done]
        out["hospital_id"] += [hospital] * len(hours)
        out["bed_kind"] += [kind] * len(hours)
        out["at_h"] += hours.tolist()
        out["beds"] += n.astype(np.int64).tolist()
        out["occupied"] += occupied.astype(np.int64).tolist()
        share = np.divide(occupied, n, out=np.full(len(hours), NAN), where=n > 0)
        out["occupancy_share"] += share.tolist()
    return out


def hospitals_frame(columns: dict[str, list[Any]], case: str, rep: int) -> pd.DataFrame:
    frame = pd.DataFrame(columns, columns=HOSPITAL_COLUMNS)
    frame.insert(0, "rep", rep)
    frame.insert(0, "case", case)
    return frame


def _longest_all_at_hospital(rows: Sequence[Row], ambulances: int, horizon_min: float) -> tuple[float, float]:
    """(ambulance-minutes spent at hospitals, arrival to handover; the longest spell in which
    every ambulance of the fleet stood at a hospital at once, in minutes, a spell still under way
    at the horizon counted to it)."""
    at_hospital: dict[str, float] = {}
    total = longest = 0.0
    spell_from: float | None = None
    for e in typed(rows):
        if isinstance(e, AmbulanceArrivedHospital):
            at_hospital[e.subject] = e.t_min
            if ambulances and len(at_hospital) == ambulances:
                spell_from = e.t_min
        elif isinstance(e, PatientAdmitted) and e.subject in at_hospital:
            total += e.t_min - at_hospital.pop(e.subject)
            if spell_from is not None:
                longest = max(longest, e.t_min - spell_from)
                spell_from = None
    total += sum(horizon_min - t for t in at_hospital.values())
    if spell_from is not None:
        longest = max(longest, horizon_min - spell_from)
    return total, longest


def rep_facts(rows: Sequence[Row], horizon_min: float) -> dict[str, float]:
    """Per-replication EMS totals: fleet, busy hours and utilisation, hours at hospitals (arrival to
    handover) and the longest spell with every ambulance at a hospital at once (the gridlock
    measure), hours off duty (no rested crew), patients handed to emergency-department staff
    without a ward bed, peak bed occupancy (surge beds counted once open)."""
    ambulances = 0
    busy_min = off_min = 0.0
    boarded = 0
    out_at: dict[str, float] = {}
    off_at: dict[str, float] = {}
    for e in typed(rows):
        if isinstance(e, AmbulanceStationed):
            ambulances += 1
        elif isinstance(e, AmbulanceDispatched):
            out_at[e.subject] = e.t_min
        elif isinstance(e, AmbulanceReturned):
            busy_min += e.value
            out_at.pop(e.subject, None)
        elif isinstance(e, AmbulanceOffDuty):
            off_at[e.subject] = e.t_min
        elif isinstance(e, AmbulanceOnDuty):
            off_min += e.t_min - off_at.pop(e.subject)
        elif isinstance(e, PatientAdmitted) and e.note == "ed_boarding":
            boarded += 1
    busy_min += sum(horizon_min - t for t in out_at.values())  # jobs still under way
    off_min += sum(horizon_min - t for t in off_at.values())
    at_hospital_min, all_stuck_min = _longest_all_at_hospital(rows, ambulances, horizon_min)
    beds, start, changes = _bed_changes(rows)
    occupied, n_beds = dict(start), dict(beds)
    peak = {key: occupied[key] / n for key, n in beds.items() if n > 0}
    for _, h, k, d, extra in changes:
        occupied[(h, k)] += d
        n_beds[(h, k)] += extra
        if n_beds[(h, k)] > 0:
            peak[(h, k)] = max(peak.get((h, k), 0.0), occupied[(h, k)] / n_beds[(h, k)])
    fleet_min = ambulances * horizon_min
    return {
        "ambulances": float(ambulances),
        "ambulance_busy_h": busy_min / MIN_PER_H,
        "ambulance_utilisation": busy_min / fleet_min if ambulances else NAN,
        "ambulance_at_hospital_share": at_hospital_min / fleet_min if ambulances else NAN,
        "ambulances_all_at_hospital_max_min": all_stuck_min,
        "ambulance_off_duty_share": off_min / fleet_min if ambulances else NAN,
        "patients_ed_boarding": float(boarded),
        "hospital_occupancy_peak_share": max(peak.values()) if peak else NAN,
    }


def rep_tables(
    rows: Sequence[Row], scenario: Scenario, horizon_min: float, case: str, rep: int
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, float]]:
    """The EMS tables of one replication: calls, hospital occupancy, per-replication facts."""
    return (
        calls_frame(call_results(rows, scenario, horizon_min), case, rep),
        hospitals_frame(hospital_occupancy(rows, horizon_min), case, rep),
        rep_facts(rows, horizon_min),
    )
