"""EMS decisions: which ambulance goes to a call, which hospital takes a patient.

Pure functions from a read-only snapshot to a decision, chosen by name in the
registries at the bottom (`ems.dispatch=reserve_for_red`). No SimPy, no clock, no
side effects; the model (sim/model/ems.py) applies the decision. Ties go to the
lowest index (file order of stations and hospitals), so decisions never depend
on set or dict order. Leaves out: pre-empting an ambulance already on its way to a
lower-priority call, sending two ambulances to one call, and choosing a hospital by
specialty (stroke, burns, trauma centre) rather than by bed kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class CallView:
    triage: int  # 1 immediate (red), 2 urgent (yellow), 3 delayed (green)
    infectious: bool  # needs a negative-pressure ambulance


@dataclass(frozen=True, slots=True)
class FleetView:
    """What the dispatcher knows of the fleet when it decides (arrays are per ambulance, read-only)."""

    free: np.ndarray  # bool: idle at its station
    negative_pressure: np.ndarray  # bool
    to_scene_min: np.ndarray  # drive from its station to the scene; inf if unreachable
    reserve_negative_pressure: bool  # negative-pressure ambulances wait for infectious calls
    reserve_for_red: int  # reserve_for_red: suitable free ambulances kept for red calls


@dataclass(frozen=True, slots=True)
class PatientView:
    infectious: bool  # needs an infectious bed
    needs_bed: bool  # False: treated in the emergency department and released


@dataclass(frozen=True, slots=True)
class HospitalView:
    """Per hospital, for the kind of bed this patient needs (read-only)."""

    to_hospital_min: np.ndarray  # drive from the scene; inf if unreachable
    beds: np.ndarray  # beds of that kind (0: the hospital does not take such patients)
    free_beds: np.ndarray  # beds of that kind free now (not taken, not promised to an ambulance)


def free_for(call: CallView, fleet: FleetView) -> np.ndarray:
    """Free ambulances that may take this call (reachable or not)."""
    if call.infectious:
        return fleet.free & fleet.negative_pressure
    if fleet.reserve_negative_pressure:
        return fleet.free & ~fleet.negative_pressure
    return fleet.free


def _nearest(ok: np.ndarray, minutes: np.ndarray) -> int | None:
    """The index of the smallest finite `minutes` where `ok`; ties: lowest index; None if none."""
    if ok.size == 0:
        return None
    k = int(np.where(ok, minutes, np.inf).argmin())
    return k if ok[k] and minutes[k] < np.inf else None


def nearest_free(call: CallView, fleet: FleetView) -> int | None:
    """The suitable free ambulance with the shortest drive; None = the call waits."""
    return _nearest(free_for(call, fleet), fleet.to_scene_min)


def reserve_for_red(call: CallView, fleet: FleetView) -> int | None:
    """nearest_free, but a yellow or green call waits while only `reserve_for_red` suitable
    ambulances are free (and can reach it): the last crews are kept for immediate (red) calls."""
    ok = free_for(call, fleet)
    if call.triage > 1 and int((ok & np.isfinite(fleet.to_scene_min)).sum()) <= fleet.reserve_for_red:
        return None
    return _nearest(ok, fleet.to_scene_min)


def nearest_with_beds(patient: PatientView, hospitals: HospitalView) -> int | None:
    """The nearest reachable hospital with a free bed of the right kind; if every one is full,
    the nearest that has such beds at all (the ambulance waits there for a bed). A patient who
    needs no bed goes to the nearest hospital that takes the kind (infectious or not).
    None: no reachable hospital takes this patient."""
    takes = (hospitals.beds > 0) & np.isfinite(hospitals.to_hospital_min)
    if patient.needs_bed:
        choice = _nearest(takes & (hospitals.free_beds > 0), hospitals.to_hospital_min)
        if choice is not None:
            return choice
    return _nearest(takes, hospitals.to_hospital_min)


DispatchPolicy = Callable[[CallView, FleetView], "int | None"]
HospitalPolicy = Callable[[PatientView, HospitalView], "int | None"]

DISPATCH_POLICIES: dict[str, DispatchPolicy] = {
    "nearest_free": nearest_free,
    "reserve_for_red": reserve_for_red,
}
HOSPITAL_POLICIES: dict[str, HospitalPolicy] = {
    "nearest_with_beds": nearest_with_beds,
}
