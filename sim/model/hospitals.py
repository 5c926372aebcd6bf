"""Hospital wards: the beds that ambulance and helicopter patients are admitted to.

Covers: general and infectious ward beds per hospital, part of them occupied at onset; the
hospital chosen for a patient by a named pure policy (sim/model/policies/ems.py) on drive
or flight minutes and the beds free now; a bed promised when the patient leaves the scene
(a full hospital queues the promise, first come first served); admission after the handover;
discharge when the stay ends, which frees the bed. A patient whose triage class has no stay is
treated in the emergency department and released (no bed).

A hospital works like one in a disaster (issue 20); without these the beds taken at onset never
free and every ambulance ends up waiting at a full ward (the gridlock the issue measured):
- Patients in beds at onset leave. A share `ems.early_discharge_share` is sent home early
  (reverse triage), evenly over the first `ems.early_discharge_h` hours: of n such patients the
  j-th leaves at j x early_discharge_h / n. The others stay on with exponential remaining stays
  of mean `ems.onset_stay_mean_h`; they leave at the quantiles of that law, the j-th of m at
  -mean x ln(1 - (j - 1/2) / m): the expected discharge curve at the stated rate, without
  sampling noise (so every case of a sweep frees the same beds at the same minutes).
- Surge beds (平战结合): `ems.surge_bed_share` more beds of each kind (rounded per hospital)
  open `ems.surge_open_h` after onset (`hospital_surge_opened`).
- A bounded bed wait: a crew that finds no bed waits at most `ems.bed_wait_max_min` after it
  arrives, then hands the patient over to emergency-department staff (`patient_admitted` with
  note `ed_boarding`, no bed taken) and leaves after the handover. The patient keeps their
  place in the bed queue and moves to the ward when a bed frees (`patient_moved_to_ward`);
  the stay runs from then. So no ambulance waits at a hospital longer than
  bed_wait_max_min + handover_min.

Leaves out: emergency-department capacity (trolleys, staff: boarders are unlimited), walk-in
and elective admissions (elective ones are assumed postponed in a disaster; walk-in emergency
admissions that would take freed beds are not modelled, so freed beds are an upper bound),
inter-hospital transfers, beds closed by damage to the hospital, and the randomness of
onset patients' stays (their discharges follow the expected curve).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import simpy
from simpy.events import ProcessGenerator
from simpy.resources.container import ContainerGet

from sim.events import (
    EventLog,
    HospitalBedsCounted,
    HospitalSurgeOpened,
    PatientAdmitted,
    PatientDischarged,
    PatientMovedToWard,
)
from sim.model.ems_calls import TRIAGE_CLASSES, CallBook
from sim.model.policies.ems import HospitalPolicy, HospitalView, Nearest, PatientView, nearest_in
from sim.scenario import Scenario
from sim.settings import EmsSettings

BED_KINDS = ("general", "infectious")
NO_BED = "emergency"  # a patient treated in the emergency department and released
BOARDING = "ed_boarding"  # handed to emergency-department staff, waiting there for a ward bed
EARLY, STAY_ENDED = "early_discharge", "stay_ended"  # why a patient in bed at onset left


def round_half_up(x: float) -> int:
    return math.floor(x + 0.5)


def free_beds_at_onset(beds: int, occupancy: float) -> int:
    return beds - round_half_up(beds * occupancy)


def onset_discharges_min(occupied: int, ems: EmsSettings) -> list[tuple[float, str]]:
    """When the `occupied` patients in beds of one ward at onset leave, in time order, each with
    why: the early discharges (reverse triage) evenly over the window, the rest at the quantiles
    of an exponential remaining stay (see the module docstring)."""
    early = round_half_up(occupied * ems.early_discharge_share)
    window = ems.early_discharge_min
    out = [(j * window / early, EARLY) for j in range(1, early + 1)]
    rest = occupied - early
    mean = ems.onset_stay_mean_min
    out += [(-mean * math.log1p(-(j - 0.5) / rest), STAY_ENDED) for j in range(1, rest + 1)]
    return sorted(out)


class Hospitals:
    """The hospitals' ward beds of one replication, for the calls of `calls`. `county`: the
    beds change during the run (onset patients leave, surge beds open); the check mode has no
    hospital stage and leaves them as they are."""

    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        ems: EmsSettings,
        calls: CallBook,
        log: EventLog,
        policy: HospitalPolicy,
        county: bool = True,
    ):
        self.env, self.ems, self.calls, self.log, self.policy = env, ems, calls, log, policy
        self.place_ids = [p.id for p in scenario.places]
        self.ids = [h.id for h in scenario.hospitals]
        self.stay_min = [ems.stay_min(t) for t in TRIAGE_CLASSES]
        self.beds, self.pool = self._wards(scenario, county)

    def _wards(
        self, scenario: Scenario, county: bool
    ) -> tuple[dict[str, np.ndarray], dict[str, list[simpy.Container]]]:
        """Beds per kind (capacity arrays, without surge beds) and a SimPy container of free beds
        per hospital and kind (room for the surge beds too)."""
        ems = self.ems
        capacity = {
            "general": np.array([h.beds - h.infectious_beds for h in scenario.hospitals], dtype=np.int64),
            "infectious": np.array([h.infectious_beds for h in scenario.hospitals], dtype=np.int64),
        }
        occupancy = {
            "general": ems.general_bed_occupancy_at_onset,
            "infectious": ems.infectious_bed_occupancy_at_onset,
        }
        surge_share = {"general": ems.surge_bed_share.general, "infectious": ems.surge_bed_share.infectious}
        pools: dict[str, list[simpy.Container]] = {kind: [] for kind in BED_KINDS}
        for h, hid in enumerate(self.ids):
            for kind in BED_KINDS:
                beds = int(capacity[kind][h])
                free = free_beds_at_onset(beds, occupancy[kind])
                surge = round_half_up(beds * surge_share[kind]) if county else 0
                pool = simpy.Container(self.env, capacity=max(beds + surge, 1), init=free)
                pools[kind].append(pool)
                self.log.add(HospitalBedsCounted(0.0, depot=hid, note=kind, qty=free, value=float(beds)))
                if county and beds - free:
                    self.env.process(self._onset_patients_leave(hid, kind, pool, beds - free))
                if surge:
                    self.env.process(self._open_surge(hid, kind, pool, beds, surge))
        for kind in BED_KINDS:
            capacity[kind].flags.writeable = False
        return capacity, pools

    def _onset_patients_leave(
        self, hid: str, kind: str, pool: simpy.Container, occupied: int
    ) -> ProcessGenerator:
        env = self.env
        for at, why in onset_discharges_min(occupied, self.ems):
            yield env.timeout(at - env.now)
            self.log.add(PatientDischarged(env.now, depot=hid, note=kind, qty=1, subject=why))
            pool.put(1)

    def _open_surge(
        self, hid: str, kind: str, pool: simpy.Container, beds: int, surge: int
    ) -> ProcessGenerator:
        yield self.env.timeout(self.ems.surge_open_min)
        self.log.add(
            HospitalSurgeOpened(self.env.now, depot=hid, note=kind, qty=surge, value=float(beds + surge))
        )
        pool.put(surge)

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

    def cancel_bed(self, h: int, k: int, bed: simpy.Event | None) -> None:
        """Call k's patient will not be admitted at hospital h (died before reaching it): the
        promised bed goes back to the ward, or the promise leaves the queue."""
        if bed is None:
            return
        if bed.triggered:
            self.pool[self._bed_kind(k)][h].put(1)
        elif isinstance(bed, ContainerGet):  # a promise still queued: it leaves the queue
            bed.cancel()

    def admit(self, k: int, h: int, bed: simpy.Event | None, subject: str) -> ProcessGenerator:
        """At hospital h: wait for the promised bed at most `bed_wait_max_min`, hand over, admit
        (or leave the patient boarding in the emergency department); the stay frees the bed."""
        env, calls = self.env, self.calls
        kind = self._bed_kind(k)
        if bed is not None and not bed.triggered:
            yield bed | env.timeout(self.ems.bed_wait_max_min)
        yield env.timeout(self.ems.handover_min)
        # a bed that came during the handover is taken: the patient goes to the ward
        boarding = bed is not None and not bed.triggered
        if bed is None:
            note, qty = NO_BED, 0
        elif boarding:
            note, qty = BOARDING, 0
        else:
            note, qty = kind, 1
        self.log.add(
            PatientAdmitted(
                env.now,
                subject=subject,
                place=self.place_ids[calls.place[k]],
                depot=self.ids[h],
                note=note,
                qty=qty,
                ref=k,
            )
        )
        if boarding:
            assert bed is not None
            handed = env.now
            bed.callbacks.append(lambda _event: self._to_ward(h, kind, k, handed))
        elif bed is not None:
            self._stay(h, kind, k)

    def _to_ward(self, h: int, kind: str, k: int, handed: float) -> None:
        """A bed freed for a patient boarding in the emergency department since `handed`."""
        now = self.env.now
        self.log.add(PatientMovedToWard(now, depot=self.ids[h], note=kind, qty=1, ref=k, value=now - handed))
        self._stay(h, kind, k)

    def _stay(self, h: int, kind: str, k: int) -> None:
        stay = self.stay_min[self.calls.triage[k] - 1]
        if math.isfinite(stay):
            self.env.timeout(stay).callbacks.append(lambda _event: self._discharge(h, kind, k))

    def _discharge(self, h: int, kind: str, k: int) -> None:
        self.log.add(PatientDischarged(self.env.now, depot=self.ids[h], note=kind, qty=1, ref=k))
        self.pool[kind][h].put(1)
