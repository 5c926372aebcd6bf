"""Hospital wards: the beds that ambulance and helicopter patients are admitted to.

Covers: general and infectious ward beds per hospital, part of them occupied at onset; the
hospital chosen for a patient by a named pure policy (sim/model/ems_policies.py) on drive
or flight minutes and the beds free now; a bed promised when the patient leaves the scene
(a full hospital queues the promise); admission after the handover; discharge when the stay
ends, which frees the bed. A patient whose triage class has no stay is treated in the
emergency department and released (no bed).

Leaves out: emergency-department capacity (only ward beds are counted), inter-hospital
transfers, and beds opened or closed during the disaster.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

import numpy as np
import simpy

from sim.events import Event, EventKind, EventLog
from sim.model.ems_calls import TRIAGE_CLASSES, CallBook
from sim.model.ems_policies import HospitalPolicy, HospitalView, Nearest, PatientView, nearest_in
from sim.scenario import Scenario
from sim.settings import EmsSettings

BED_KINDS = ("general", "infectious")
NO_BED = "emergency"  # a patient treated in the emergency department and released


def free_beds_at_onset(beds: int, occupancy: float) -> int:
    return beds - math.floor(beds * occupancy + 0.5)


class Hospitals:
    """The hospitals' ward beds of one replication, for the calls of `calls`."""

    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        ems: EmsSettings,
        calls: CallBook,
        log: EventLog,
        policy: HospitalPolicy,
    ):
        self.env, self.ems, self.calls, self.log, self.policy = env, ems, calls, log, policy
        self.place_ids = [p.id for p in scenario.places]
        self.ids = [h.id for h in scenario.hospitals]
        self.stay_min = [ems.stay_min(t) for t in TRIAGE_CLASSES]
        self.beds, self.pool = self._wards(scenario)

    def _wards(self, scenario: Scenario) -> tuple[dict[str, np.ndarray], dict[str, list[simpy.Container]]]:
        """Beds per kind (capacity arrays) and a SimPy container of free beds per hospital and kind."""
        ems = self.ems
        capacity = {
            "general": np.array([h.beds - h.infectious_beds for h in scenario.hospitals], dtype=np.int64),
            "infectious": np.array([h.infectious_beds for h in scenario.hospitals], dtype=np.int64),
        }
        occupancy = {
            "general": ems.general_bed_occupancy_at_onset,
            "infectious": ems.infectious_bed_occupancy_at_onset,
        }
        pools: dict[str, list[simpy.Container]] = {kind: [] for kind in BED_KINDS}
        for h, hid in enumerate(self.ids):
            for kind in BED_KINDS:
                beds = int(capacity[kind][h])
                free = free_beds_at_onset(beds, occupancy[kind])
                pools[kind].append(simpy.Container(self.env, capacity=max(beds, 1), init=free))
                self.log.add(
                    Event(
                        0.0,
                        EventKind.HOSPITAL_BEDS_COUNTED,
                        depot=hid,
                        note=kind,
                        qty=free,
                        value=float(beds),
                    )
                )
        for kind in BED_KINDS:
            capacity[kind].flags.writeable = False
        return capacity, pools

    def _bed_kind(self, k: int) -> str:
        return "infectious" if self.calls.infectious[k] else "general"

    def choose(self, k: int, reachable: np.ndarray, nearest: Nearest) -> int | None:
        """The hospital policy's choice for call k's patient (None: treated on scene)."""
        kind = self._bed_kind(k)
        stay = self.stay_min[self.calls.triage[k] - 1]
        free = np.array([c.level for c in self.pool[kind]], dtype=np.int64)
        patient = PatientView(self.calls.infectious[k], stay > 0)
        return self.policy(patient, HospitalView(reachable, nearest, self.beds[kind], free))

    def choose_by_air(self, k: int, flight_min: Sequence[float]) -> int | None:
        """The hospital policy's choice for call k's patient on flight minutes (inf: no helipad)."""
        flight = np.asarray(flight_min, dtype=float)
        helipad = np.isfinite(flight)
        helipad.flags.writeable = False
        return self.choose(k, helipad, lambda ok: nearest_in(ok, flight))

    def promise_bed(self, k: int, h: int) -> simpy.Event | None:
        """The bed request for call k's patient at hospital h, made when the patient leaves the
        scene (the crew phones ahead; a full hospital queues it); None: no stay, no bed."""
        stay = self.stay_min[self.calls.triage[k] - 1]
        return self.pool[self._bed_kind(k)][h].get(1) if stay > 0 else None

    def admit(self, k: int, h: int, bed: simpy.Event | None, subject: str) -> Iterator[simpy.Event]:
        """At hospital h: wait for the promised bed, hand over, admit; the stay frees the bed."""
        env, calls = self.env, self.calls
        kind = self._bed_kind(k)
        stay = self.stay_min[calls.triage[k] - 1]
        if bed is not None:
            yield bed
        yield env.timeout(self.ems.handover_min)
        self.log.add(
            Event(
                env.now,
                EventKind.PATIENT_ADMITTED,
                subject=subject,
                place=self.place_ids[calls.place[k]],
                depot=self.ids[h],
                note=kind if bed is not None else NO_BED,
                qty=1 if bed is not None else 0,
                ref=k,
            )
        )
        if bed is not None and math.isfinite(stay):
            env.timeout(stay).callbacks.append(lambda _event: self._discharge(h, kind, k))

    def _discharge(self, h: int, kind: str, k: int) -> None:
        self.log.add(
            Event(
                self.env.now,
                EventKind.PATIENT_DISCHARGED,
                depot=self.ids[h],
                note=kind,
                qty=1,
                ref=k,
            )
        )
        self.pool[kind][h].put(1)
