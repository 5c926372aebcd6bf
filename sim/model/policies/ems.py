"""EMS decisions: which ambulance goes to a call, which hospital takes a patient.

Pure functions from a read-only snapshot to a decision, chosen by name in the
registries at the bottom (`ems.dispatch=reserve_for_red`). No SimPy, no clock, no
side effects that a decision could see: the snapshot's `nearest` may search the roads
and keep what it found, but its answers depend only on the snapshot. The model
(sim/model/ems.py) applies the decision. Ties go to the
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


# nearest(ok): of the entries where the bool array `ok` is true, the one with the shortest
# drive (or flight), ties to the lowest index; None when none of them can be reached. Drive
# times are asked for, not handed over: on a province-sized network a table of every
# ambulance's drive to every scene is a full shortest-path search per scene, where the
# nearest one is a short search outward from the scene (sim/model/roads.py NearestSearch).
Nearest = Callable[[np.ndarray], "int | None"]


@dataclass(frozen=True, slots=True)
class FleetView:
    """What the dispatcher knows of the fleet when it decides (arrays are per ambulance, read-only)."""

    free: np.ndarray  # bool: idle at its station
    negative_pressure: np.ndarray  # bool
    reachable: np.ndarray  # bool: a road leads from its station to the scene now
    nearest: Nearest  # by drive from its station to the scene
    reserve_negative_pressure: bool  # negative-pressure ambulances wait for infectious calls
    reserve_for_red: int  # reserve_for_red: suitable free ambulances kept for red calls


@dataclass(frozen=True, slots=True)
class PatientView:
    infectious: bool  # needs an infectious bed
    needs_bed: bool  # False: treated in the emergency department and released


@dataclass(frozen=True, slots=True)
class HospitalView:
    """Per hospital, for the kind of bed this patient needs (read-only)."""

    reachable: np.ndarray  # bool: a road (or, for an aircraft, a helipad) leads there now
    nearest: Nearest  # by drive (or flight) from the scene
    beds: np.ndarray  # beds of that kind (0: the hospital does not take such patients)
    free_beds: np.ndarray  # beds of that kind free now (not taken, not promised to an ambulance)


def free_for(call: CallView, fleet: FleetView) -> np.ndarray:
    """Free ambulances that may take this call (reachable or not)."""
    if call.infectious:
        return fleet.free & fleet.negative_pressure
    if fleet.reserve_negative_pressure:
        return fleet.free & ~fleet.negative_pressure
    return fleet.free


def nearest_in(ok: np.ndarray, minutes: np.ndarray) -> int | None:
    """`Nearest` over a table of minutes (inf: unreachable): the index of the smallest finite
    `minutes` where `ok`; ties: lowest index; None if none."""
    if ok.size == 0:
        return None
    k = int(np.where(ok, minutes, np.inf).argmin())
    return k if ok[k] and minutes[k] < np.inf else None


def nearest_free(call: CallView, fleet: FleetView) -> int | None:
    """The suitable free ambulance with the shortest drive; None = the call waits."""
    return fleet.nearest(free_for(call, fleet))


def reserve_for_red(call: CallView, fleet: FleetView) -> int | None:
    """nearest_free, but a yellow or green call waits while only `reserve_for_red` suitable
    ambulances are free (and can reach it): the last crews are kept for immediate (red) calls."""
    ok = free_for(call, fleet)
    if call.triage > 1 and int((ok & fleet.reachable).sum()) <= fleet.reserve_for_red:
        return None
    return fleet.nearest(ok)


def nearest_with_beds(patient: PatientView, hospitals: HospitalView) -> int | None:
    """The nearest reachable hospital with a free bed of the right kind; if every one is full,
    the nearest that has such beds at all (the ambulance waits there for a bed). A patient who
    needs no bed goes to the nearest hospital that takes the kind (infectious or not).
    None: no reachable hospital takes this patient."""
    takes = (hospitals.beds > 0) & hospitals.reachable
    if patient.needs_bed:
        choice = hospitals.nearest(takes & (hospitals.free_beds > 0))
        if choice is not None:
            return choice
    return hospitals.nearest(takes)


DispatchPolicy = Callable[[CallView, FleetView], "int | None"]
HospitalPolicy = Callable[[PatientView, HospitalView], "int | None"]

DISPATCH_POLICIES: dict[str, DispatchPolicy] = {
    "nearest_free": nearest_free,
    "reserve_for_red": reserve_for_red,
}
HOSPITAL_POLICIES: dict[str, HospitalPolicy] = {
    "nearest_with_beds": nearest_with_beds,
}
