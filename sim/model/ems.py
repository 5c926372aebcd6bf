"""Medical emergency system: ambulance stations, the fleet, 120 calls and hospitals.

Covers: stations (centre, sub-centres, stations) with regular and negative-pressure
ambulances; routine calls that keep arriving during the disaster (Poisson by
village population with an hour-of-day profile) on top of the hazard's
casualties (triage classes; infectious or contaminated cases need a
negative-pressure ambulance and an infectious bed); dispatch by a named pure
policy (sim/model/policies/ems.py) on drive times of the live road network;
calls that find no suitable ambulance wait in a priority queue (triage class,
then call time) or, with `when_all_busy=divert`, are lost. The job cycle:
dispatch delay (call taking and turn-out), drive from the station, scene time,
drive to the hospital chosen by a named policy (a bed is promised when the
ambulance leaves the scene; if every suitable hospital is full the ambulance
waits at the nearest for a bed, at most `ems.bed_wait_max_min`, then hands the
patient to emergency-department staff), handover, decontamination after an
infectious transport, drive back to the station, where the ambulance is free
again. The hospitals' beds (promise, admission, discharge of patients in beds at
onset, surge beds, the bounded bed wait) are sim/model/hospitals.py.

Crews: each ambulance has `ems.crews_per_ambulance` crews, the first on duty from
onset. A crew that has been on duty `ems.crew_shift_h` ends its shift at the station:
at once when the ambulance stands idle there, else when it returns from its job
(nobody leaves a patient; the overrun is overtime). The crew then rests
`ems.crew_rest_h`; the crew that has rested longest takes over at once if its rest
is done (`ambulance_crew_changed`), else the ambulance stands at its station, not
dispatchable, until it is (`ambulance_off_duty`, `ambulance_on_duty`). Why: with
the usual two crews on 12-hour shifts an ambulance runs round the clock; with one
crew (staff sent elsewhere) it cannot, and a plan should see that.
Drives use sim/model/roads.py: they re-route round a road cut ahead and wait where
they are when no road leads on; a call no free ambulance can reach waits, and is
offered again when a road reopens.

The check mode (ems.mode=mmc) runs the same dispatcher, queue and fleet with one
station, zero travel and a single service stage: an M/G/c queue (with divert,
M/G/c/c) to hold against Erlang C and B.

Leaves out: dispatching an ambulance that is on its way back (it is free only at
its station); relocation of idle ambulances to cover empty areas; several
patients per ambulance; calls that need no transport (treat and release on
scene) except when no hospital can take the patient; re-choosing the hospital
when the road to it is cut on the way (the ambulance re-routes or waits);
breakdowns and refuelling; crew changes taking time, shifts on the clock (the
crew on duty at onset starts its shift then) and crews resting away from the
station; emergency-department capacity (only ward beds are counted);
inter-hospital transfers. The check mode has no crews (M/G/c theory has none).

Helicopters: a red or yellow call whose scene no ambulance of the county can reach by road
(free or busy) goes to the aircraft (sim/model/air.py), which fly the patient to a hospital
with a helipad (admitted by `hospitals.admit`) or, with none, set the patient down at a helipad,
from where the call waits for an ambulance like any other (`transfer`).

Survival while waiting (issue 20; the mechanism is sim/model/survival.py, shared with trapped
people): a hazard casualty whose triage class has an `ems.survival` curve (the red ones, by
default) has a death minute drawn before the run (sim/model/ems_calls.py), counted from its
injury. Definitive care is arrival at the hospital (by ambulance or helicopter), not the
handover: from the door the patient is in the emergency department's hands, and the bed wait
that may follow is for a ward bed, not for resuscitation; counting it would charge ward
shortage to the pre-hospital chain. A casualty at a hospital by its death minute has reached
care alive (`casualty_reached_care`, value = the curve at its minutes since injury); otherwise
it dies at that minute (`casualty_died_waiting`, note where it was: `waiting` for an
ambulance, `ambulance` with a crew sent, on scene or on board, `air`, or `treated_on_scene`
when no hospital could take it), and:
- a call still waiting leaves the queue (no ambulance is sent to a death);
- a call with the helicopters before any aircraft took off is cancelled (`patient_died`);
- a crew already sent drives on and finds the patient dead (a 120 crew confirms a death on
  scene: the centre does not stand it down on a bystander's word), transports nobody and
  returns to its station; a patient who dies on board is driven on to the hospital (the crew
  resuscitates on the way) but not admitted: the promised bed is given back, the crew leaves
  at once. Yellow and green casualties do not deteriorate by default (`ems.survival` has no
  curve for them): they are by definition stable enough to wait hours (a curve can be given).

Randomness: the calls, their triage and their scene or service times are drawn before the
run from their own streams (sim/model/ems_calls.py), so a call's needs never depend on
dispatch decisions, and cases with a different fleet or policy see the same calls.

Connects to: the live roads (subscribes to `RoadState.listeners`); its hospitals
(sim/model/hospitals.py), built with it; the aircraft through the `AirEvacuation` port
(sim/model/ports.py), connected by world.build with `connect_air`; serves the aircraft as
their `AirMedical`.

Size: one real-world process, a call from its arrival to the ambulance's return (dispatch, scene,
transport, decontamination, crews, survival while waiting), sharing the fleet's state; the call
book, hospitals and policies are already files of their own.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import simpy
from simpy.events import ProcessGenerator

from sim.errors import Problem
from sim.events import (
    AmbulanceArrivedHospital,
    AmbulanceArrivedScene,
    AmbulanceCrewChanged,
    AmbulanceDecontaminated,
    AmbulanceDispatched,
    AmbulanceHeld,
    AmbulanceLeftScene,
    AmbulanceOffDuty,
    AmbulanceOnDuty,
    AmbulanceRerouted,
    AmbulanceReturned,
    AmbulanceStationed,
    CallAirlifted,
    CallDiverted,
    CallReceived,
    CallTransferred,
    CasualtyDiedWaiting,
    CasualtyReachedCare,
    EventLog,
    PatientTreatedOnScene,
)
from sim.model.demand import Casualty
from sim.model.ems_calls import TRIAGE_CLASSES, CallBook, check_calls, county_calls
from sim.model.hospitals import Hospitals
from sim.model.policies.ems import (
    DISPATCH_POLICIES,
    HOSPITAL_POLICIES,
    CallView,
    DispatchPolicy,
    FleetView,
    HospitalPolicy,
    Nearest,
    nearest_in,
)
from sim.model.ports import AirEvacuation
from sim.model.roads import NearestSearch, RoadState
from sim.model.survival import SurvivalCurve
from sim.rng import Streams
from sim.scenario import Scenario
from sim.settings import EmsSettings

# --- the fleet, the roads it uses, the hospitals ----------------------------------------------


@dataclass(frozen=True)
class Ambulance:
    id: str  # "STATION/ambK"
    station: int  # index into scenario.ems_stations
    negative_pressure: bool


def fleet(scenario: Scenario, ems: EmsSettings) -> list[Ambulance]:
    """The ambulances, station by station in file order; the first `negative_pressure` of a
    station's ambulances are its negative-pressure ones. Check mode: `servers` regular
    ambulances at the one station."""
    if ems.mode == "mmc":
        assert ems.servers is not None
        sid = scenario.ems_stations[0].id
        return [Ambulance(f"{sid}/amb{k + 1}", 0, False) for k in range(ems.servers)]
    return [
        Ambulance(f"{st.id}/amb{k + 1}", s, k < st.negative_pressure)
        for s, st in enumerate(scenario.ems_stations)
        for k in range(st.ambulances)
    ]


class EmsRoads:
    """Every drive the EMS makes, in one place, on the live road state (sim/model/roads.py):
    drive times from the current (damaged, repaired) network, and drives that re-route round
    a cut ahead or wait where they are until a road reopens."""

    def __init__(self, scenario: Scenario, roads: RoadState, ambulances: Sequence[Ambulance]):
        place_index = scenario.place_index()
        self.roads = roads
        self.node_ids = scenario.road.node_ids
        self.station_node = np.array(
            [scenario.places[place_index[s.place_id]].node for s in scenario.ems_stations], dtype=np.int64
        )
        self.hospital_node = np.array(
            [scenario.places[place_index[h.place_id]].node for h in scenario.hospitals], dtype=np.int64
        )
        self.amb_node = np.array([self.station_node[a.station] for a in ambulances], dtype=np.int64)

    def ambulances_to(self, node: int) -> NearestSearch:
        """The ambulances by drive from their stations to `node`, on the roads as they are now."""
        return NearestSearch(self.roads, node, self.amb_node, toward=True)

    def to_hospitals(self, node: int) -> NearestSearch:
        """The hospitals by drive from `node`, on the roads as they are now."""
        return NearestSearch(self.roads, node, self.hospital_node, toward=False)

    def drive(self, src: int, dst: int, log: EventLog, subject: str, call: int) -> ProcessGenerator:
        """Drive `src` -> `dst` (use with `yield from`), logging re-routes and holds."""
        env, node_ids = self.roads.env, self.node_ids

        def rerouted(node: int) -> None:
            log.add(AmbulanceRerouted(env.now, subject=subject, ref=call, note=node_ids[node]))

        def held(node: int) -> None:
            log.add(AmbulanceHeld(env.now, subject=subject, ref=call, note=node_ids[node]))

        yield from self.roads.drive(src, dst, rerouted, held)


# --- the system ---------------------------------------------------------------------------------


class EmsSystem:
    """The stations, ambulances, dispatch queue and hospitals of one replication."""

    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        ems: EmsSettings,
        calls: CallBook,
        log: EventLog,
        dispatch: DispatchPolicy,
        hospital: HospitalPolicy,
        roads: RoadState | None = None,
    ):
        self.env = env
        self.scenario = scenario
        self.ems = ems
        self.calls = calls
        self.log = log
        self.dispatch = dispatch
        self.check_mode = ems.mode == "mmc"
        self.divert = ems.when_all_busy == "divert"
        self.ambulances = fleet(scenario, ems)
        n = len(self.ambulances)
        self.free = np.ones(n, dtype=bool)
        self.n_free = n
        free_ro = self.free.view()
        free_ro.flags.writeable = False
        negative = np.array([a.negative_pressure for a in self.ambulances], dtype=bool)
        negative.flags.writeable = False
        self._fleet_args = (free_ro, negative)
        # Waiting calls, grouped by what the dispatcher sees of them (call view, scene node): the
        # policy gives every call of a group the same answer for the same fleet, so a pass over
        # the queue asks once per group, not once per call. Call ids in the order they came to
        # wait (a call handed back from the aircraft joins its group's end, keeping its call time).
        self.waiting: dict[tuple[CallView, int], deque[int]] = {}
        self.n_waiting = 0
        # The groups' first calls in priority order, one entry per group, kept between passes:
        # rebuilding it from every group at every free ambulance cost more than the dispatch
        # itself when thousands of scenes wait (a province-sized run)
        self._heads: list[tuple[int, float, int, tuple[CallView, int]]] = []
        self.place_ids = [p.id for p in scenario.places]
        self.station_ids = [s.id for s in scenario.ems_stations]
        views = {(t, i): CallView(t, i) for t in TRIAGE_CLASSES for i in (False, True)}
        self._call_view = [views[key] for key in zip(calls.triage, calls.infectious, strict=True)]
        # by scene node, with the search behind it (None in the check mode); see _road_changed
        self._fleet_views: dict[int, tuple[FleetView, NearestSearch | None]] = {}
        self.air: AirEvacuation | None = None  # the aircraft, once connected (connect_air)
        self.moved: dict[int, int] = {}  # call -> road node of the helipad its patient was set down at
        self.roads: EmsRoads | None = None
        no_travel = np.zeros(n)
        self._everywhere = np.ones(n, dtype=bool)
        self._everywhere.flags.writeable = False
        self._no_travel: Nearest = lambda ok: nearest_in(ok, no_travel)
        if not self.check_mode:
            if roads is None:
                raise ValueError("the EMS needs the road state outside the check mode")
            self.roads = EmsRoads(scenario, roads, self.ambulances)
            roads.listeners.append(self._road_changed)
        self.hospitals = Hospitals(env, scenario, ems, calls, log, hospital, county=not self.check_mode)
        # survival while waiting: the curves by triage class, the calls waiting in the queue (alive),
        # with the helicopters, dead before care, and at a hospital alive
        self.curves = {t: SurvivalCurve(p) for t in TRIAGE_CLASSES if (p := ems.survival_points(t))}
        self.queued: set[int] = set()
        self.with_air: set[int] = set()
        self.dead: set[int] = set()
        self.at_care: set[int] = set()
        self.left_on_scene: set[int] = set()  # no hospital could take them: still not at care
        for a in self.ambulances:
            log.add(
                AmbulanceStationed(
                    0.0, subject=a.id, depot=self.station_ids[a.station], value=float(a.negative_pressure)
                )
            )
        # Crews (county mode): the crew on duty per ambulance, when its shift ends, and the crews
        # off duty in the order they went off, each with the minute its rest is done.
        self.shifts = not self.check_mode
        self.crew_on = [1] * n
        self.shift_end = [ems.crew_shift_min] * n
        self.off_crews: list[deque[tuple[float, int]]] = [
            deque((0.0, c) for c in range(2, ems.crews_per_ambulance + 1)) for _ in range(n)
        ]
        if self.shifts:
            for i in range(n):
                self._shift_timer(i)
        env.process(self._arrivals())

    # --- calls and dispatch ---------------------------------------------------------------

    def connect_air(self, air: AirEvacuation) -> None:
        """Connect the aircraft (sim/model/ports.py; wired once by world.build after both are built):
        calls no ambulance can reach by road go to the aircraft (never in the check mode: it has no
        roads to be cut off from, and _to_air gives nothing without them)."""
        self.air = air

    def _arrivals(self) -> ProcessGenerator:
        env = self.env
        for k, at in enumerate(self.calls.at_min):
            if at > env.now:
                yield env.timeout(at - env.now)
            self._receive(k)

    def _receive(self, k: int) -> None:
        calls = self.calls
        place = self.place_ids[calls.place[k]]
        self.log.add(
            CallReceived(
                self.env.now,
                place=place,
                note="casualty" if calls.casualty[k] else "routine",
                qty=calls.triage[k],
                ref=k,
                value=1.0 if calls.infectious[k] else 0.0,
            )
        )
        dies_at = calls.dies_at(k)
        if dies_at < float("inf"):
            self.env.timeout(max(dies_at - self.env.now, 0.0)).callbacks.append(lambda _e: self._dies(k))
        if self.n_free and self._try_dispatch(k):
            return
        if self._to_air(k):
            return
        if self.divert:
            self.log.add(CallDiverted(self.env.now, place=place, ref=k))
        else:
            self._wait(k)

    def _node(self, k: int) -> int:
        """The road node of call k's scene (-1 in the check mode, which has no roads); a patient
        set down at a helipad is picked up there."""
        if self.roads is None:
            return -1
        return self.moved.get(k, self.scenario.places[self.calls.place[k]].node)

    def _to_air(self, k: int) -> bool:
        """Give call k to the helicopters when no ambulance of the county can reach its scene by
        road (free or not) and the air takes such patients (sim/model/air.py)."""
        if self.air is None or self.roads is None or k in self.moved or self._reachable(k):
            return False
        calls = self.calls
        mission = self.air.evacuate(k, calls.place[k], calls.triage[k], calls.infectious[k])
        if mission is None:
            return False
        self.with_air.add(k)
        self.log.add(
            CallAirlifted(self.env.now, place=self.place_ids[calls.place[k]], ref=k, value=float(mission.ref))
        )
        return True

    def _fleet_view(self, k: int) -> tuple[FleetView, NearestSearch | None]:
        """The dispatcher's view of the fleet for call k, and the search behind its drive times
        (None in the check mode: no travel). Its arrays follow the fleet's state, so one view per
        scene node is built once and kept until the roads change."""
        node = self._node(k)
        kept = self._fleet_views.get(node)
        if kept is None:
            ems = self.ems
            search: NearestSearch | None = None
            reachable, nearest = self._everywhere, self._no_travel
            if self.roads is not None:
                search = self.roads.ambulances_to(node)
                reachable, nearest = search.reachable, search
            view = FleetView(
                *self._fleet_args, reachable, nearest, ems.reserve_negative_pressure, ems.reserve_for_red
            )
            kept = self._fleet_views[node] = (view, search)
        return kept

    def _road_changed(self, _edge: int, old: float, new: float) -> None:
        """Drive times changed: rebuild the dispatch views; after a reopening or speed-up, offer
        the free ambulances to the waiting calls again (a call may be reachable now)."""
        self._fleet_views.clear()
        if new > old and self.air is not None:
            for k in self.air.withdraw_evacuations(self._reachable):
                self._back_from_air(k)
        if new > old and self.n_waiting and self.n_free:
            self._serve_waiting()

    def _reachable(self, k: int) -> bool:
        """Some ambulance of the county (free or busy) can reach call k's scene by road now."""
        return bool(self._fleet_view(k)[0].reachable.any())

    def _try_dispatch(self, k: int) -> bool:
        """Ask the policy for an ambulance for call k; start the job if it names one."""
        view, search = self._fleet_view(k)
        a = self.dispatch(self._call_view[k], view)
        if a is None:
            return False
        if not self.free[a]:
            raise RuntimeError(f"dispatch policy chose busy ambulance {self.ambulances[a].id}")
        self.free[a] = False
        self.n_free -= 1
        amb = self.ambulances[a]
        drive = 0.0 if search is None else search.minutes(a)
        self.log.add(
            AmbulanceDispatched(
                self.env.now,
                subject=amb.id,
                place=self.place_ids[self.calls.place[k]],
                depot=self.station_ids[amb.station],
                ref=k,
                value=drive,
            )
        )
        if self.check_mode:
            self._check_job(a, k)
        else:
            self.env.process(self._job(a, k))
        return True

    def _serve_waiting(self) -> None:
        """Offer the free ambulances to the waiting calls in priority order (triage class, call
        time, call id). A group the policy refuses is not asked again in this pass: within a
        pass the fleet only shrinks, so the answer stays no."""
        heads, refused = self._heads, []
        while heads and self.n_free:
            head = heapq.heappop(heads)
            k, key = head[2], head[3]
            dead = k in self.dead  # died waiting: left in its group, dropped here (see _dies)
            if not dead and not self._try_dispatch(k):
                refused.append(head)
                continue
            queue = self.waiting[key]
            queue.popleft()
            if not dead:
                self.n_waiting -= 1
                self.queued.discard(k)
            if queue:
                heapq.heappush(heads, self._head(key, queue[0]))
            else:
                del self.waiting[key]
        for head in refused:
            heapq.heappush(heads, head)

    def _head(self, key: tuple[CallView, int], k: int) -> tuple[int, float, int, tuple[CallView, int]]:
        """The heap entry of a waiting group whose first call is k (call ids are unique, so the
        key is never compared)."""
        return (self.calls.triage[k], self.calls.at_min[k], k, key)

    # --- the job cycle ---------------------------------------------------------------------

    def _job(self, a: int, k: int) -> ProcessGenerator:
        env, log, calls, roads = self.env, self.log, self.calls, self.roads
        assert roads is not None
        amb = self.ambulances[a]
        started = env.now
        place = self.place_ids[calls.place[k]]
        if self.ems.dispatch_delay_min > 0:
            yield env.timeout(self.ems.dispatch_delay_min)
        scene = self._node(k)
        yield from roads.drive(int(roads.amb_node[a]), scene, log, amb.id, k)
        log.add(AmbulanceArrivedScene(env.now, subject=amb.id, place=place, ref=k))
        if k not in self.dead:  # found dead: the crew confirms the death and leaves
            yield env.timeout(calls.work_min[k])
        if k in self.dead:
            yield from roads.drive(scene, int(roads.station_node[amb.station]), log, amb.id, k)
        else:
            yield from self._transport(amb, k, place, scene)
        self._release(a, k, started)

    def _check_job(self, a: int, k: int) -> None:
        """The check mode's job: on scene at once (zero travel, no delay), busy for the service
        time, then free. A timeout with a callback rather than a process: the same cycle
        without a generator per call, which is most of the mode's cost per call."""
        now = self.env.now
        self.log.add(
            AmbulanceArrivedScene(
                now, subject=self.ambulances[a].id, place=self.place_ids[self.calls.place[k]], ref=k
            )
        )
        self.env.timeout(self.calls.work_min[k]).callbacks.append(lambda _event: self._release(a, k, now))

    def _release(self, a: int, k: int, started: float) -> None:
        """The ambulance is back at its station and free (or, its crew's shift over, handed to
        the next crew); offer it to the waiting calls."""
        amb = self.ambulances[a]
        now = self.env.now
        self.log.add(
            AmbulanceReturned(
                now, subject=amb.id, depot=self.station_ids[amb.station], ref=k, value=now - started
            )
        )
        if self.shifts and now >= self.shift_end[a]:
            self._end_shift(a)
        else:
            self._make_free(a)
        if self.n_waiting and self.n_free:
            self._serve_waiting()

    def _make_free(self, a: int) -> None:
        self.free[a] = True
        self.n_free += 1

    # --- crews ---------------------------------------------------------------------------------

    def _shift_timer(self, a: int) -> None:
        """At the end of the shift of ambulance a's crew: if it stands idle, the crew goes off now
        (a busy one goes off when it returns, `_release`)."""
        end = self.shift_end[a]

        def over(_event: simpy.Event) -> None:
            if self.shift_end[a] == end and self.free[a]:
                self.free[a] = False
                self.n_free -= 1
                self._end_shift(a)

        self.env.timeout(end - self.env.now).callbacks.append(over)

    def _end_shift(self, a: int) -> None:
        """Ambulance a stands at its station (not counted free) and its crew's shift is over: the
        crew rests; the crew off duty longest takes over, at once if rested, else when it is."""
        env, amb = self.env, self.ambulances[a]
        now = env.now
        off = self.off_crews[a]
        off.append((now + self.ems.crew_rest_min, self.crew_on[a]))
        rested_at, crew = off.popleft()
        station = self.station_ids[amb.station]
        if rested_at <= now:
            self.log.add(AmbulanceCrewChanged(now, subject=amb.id, depot=station, qty=crew))
            self._crew_starts(a, crew)
            return
        self.crew_on[a] = 0
        self.log.add(AmbulanceOffDuty(now, subject=amb.id, depot=station, value=rested_at - now))

        def on_duty(_event: simpy.Event) -> None:
            self.log.add(AmbulanceOnDuty(env.now, subject=amb.id, depot=station, qty=crew))
            self._crew_starts(a, crew)
            if self.n_waiting:
                self._serve_waiting()

        env.timeout(rested_at - now).callbacks.append(on_duty)

    def _crew_starts(self, a: int, crew: int) -> None:
        self.crew_on[a] = crew
        self.shift_end[a] = self.env.now + self.ems.crew_shift_min
        self._shift_timer(a)
        self._make_free(a)

    def _transport(self, amb: Ambulance, k: int, place: str, node: int) -> ProcessGenerator:
        """Scene -> hospital -> handover (-> decontamination) -> station."""
        env, log, calls, roads = self.env, self.log, self.calls, self.roads
        assert roads is not None
        station = int(roads.station_node[amb.station])
        to_hospital = roads.to_hospitals(node)
        h = self.hospitals.choose(k, to_hospital.reachable, to_hospital)
        if h is None:
            self.left_on_scene.add(k)
            log.add(PatientTreatedOnScene(env.now, subject=amb.id, place=place, ref=k))
            yield from roads.drive(node, station, log, amb.id, k)
            return
        hid = self.hospitals.ids[h]
        drive = to_hospital.minutes(h)
        log.add(AmbulanceLeftScene(env.now, subject=amb.id, place=place, depot=hid, ref=k, value=drive))
        bed = self.hospitals.promise_bed(k, h)
        yield from roads.drive(node, int(roads.hospital_node[h]), log, amb.id, k)
        log.add(AmbulanceArrivedHospital(env.now, subject=amb.id, depot=hid, ref=k))
        if self.reached_care(k, amb.id, h, bed):
            yield from self.hospitals.admit(k, h, bed, amb.id)
        if calls.infectious[k]:
            yield env.timeout(self.ems.decon_min)
            log.add(AmbulanceDecontaminated(env.now, subject=amb.id, ref=k, value=self.ems.decon_min))
        yield from roads.drive(int(roads.hospital_node[h]), station, log, amb.id, k)

    # --- survival while waiting -------------------------------------------------------------

    def _dies(self, k: int) -> None:
        """Call k's casualty reaches its death minute: dead unless already at a hospital."""
        if k in self.at_care:
            return
        self.dead.add(k)
        if k in self.queued:  # its entry stays in its group until _serve_waiting drops it
            self.queued.discard(k)
            self.n_waiting -= 1
            where = "waiting"
        elif k in self.with_air:
            if self.air is not None:
                self.air.withdraw_evacuations(lambda c: c == k, "patient_died")
            where = "air"
        elif k in self.left_on_scene:
            where = "treated_on_scene"
        else:
            where = "ambulance"
        calls = self.calls
        self.log.add(
            CasualtyDiedWaiting(
                self.env.now,
                place=self.place_ids[calls.place[k]],
                ref=k,
                qty=calls.triage[k],
                value=self.env.now - calls.at_min[k],
                note=where,
            )
        )

    def reached_care(self, k: int, subject: str, h: int, bed: simpy.Event | None) -> bool:
        """Call k's patient is at hospital h's door (brought by `subject`): True if alive (a
        deteriorating casualty is logged as having reached care); a dead one is not admitted
        and its promised bed is given back (the hook of the ambulances and the aircraft)."""
        if k in self.dead:
            self.hospitals.cancel_bed(h, k, bed)
            return False
        calls = self.calls
        if calls.casualty[k] and calls.triage[k] in self.curves:
            self.at_care.add(k)
            since = self.env.now - calls.at_min[k]
            self.log.add(
                CasualtyReachedCare(
                    self.env.now,
                    subject=subject,
                    place=self.place_ids[calls.place[k]],
                    depot=self.hospitals.ids[h],
                    ref=k,
                    qty=calls.triage[k],
                    value=self.curves[calls.triage[k]](since),
                )
            )
        return True

    def transfer(self, k: int, pad, pad_id: str) -> None:
        """Call k's patient was set down at helipad `pad_id` (a place): an ambulance takes the call
        from there, ahead of later calls of its triage class (it keeps its call time)."""
        self.moved[k] = pad.node
        self._back_from_air(k, pad_id)
        if self.n_free:
            self._serve_waiting()

    def _back_from_air(self, k: int, pad_id: str | None = None) -> None:
        """Call k is the ambulances' again: set down at helipad `pad_id`, or (None) not flown
        because a road to its scene reopened."""
        place = self.place_ids[self.calls.place[k]]
        self.with_air.discard(k)
        self.log.add(CallTransferred(self.env.now, place=place, depot=pad_id, ref=k))
        self._wait(k)

    def _wait(self, k: int) -> None:
        self.queued.add(k)
        key = (self._call_view[k], self._node(k))
        queue = self.waiting.get(key)
        if queue is None:
            queue = self.waiting[key] = deque()
            heapq.heappush(self._heads, self._head(key, k))
        queue.append(k)
        self.n_waiting += 1


# --- building and checking -----------------------------------------------------------------------


def check(scenario: Scenario, ems: EmsSettings) -> list[Problem]:
    """Problems with using these EMS settings on `scenario`, found before a run."""
    problems = []
    if ems.dispatch not in DISPATCH_POLICIES:
        problems.append(
            Problem(
                "config key ems.dispatch",
                ems.dispatch,
                f"unknown policy; choose one of {', '.join(DISPATCH_POLICIES)}",
            )
        )
    if ems.hospital not in HOSPITAL_POLICIES:
        problems.append(
            Problem(
                "config key ems.hospital",
                ems.hospital,
                f"unknown policy; choose one of {', '.join(HOSPITAL_POLICIES)}",
            )
        )
    if ems.mode == "mmc" and len(scenario.ems_stations) != 1:
        problems.append(
            Problem(
                f"{scenario.dir}/ems_stations.csv",
                len(scenario.ems_stations),
                "the check mode (ems.mode=mmc) needs a scenario with exactly one station (scenario=mmc)",
            )
        )
    return problems


def build(
    env: simpy.Environment,
    scenario: Scenario,
    ems: EmsSettings,
    roads: RoadState,
    casualties: Sequence[Casualty],
    horizon_min: float,
    streams: Streams,
    log: EventLog,
) -> EmsSystem:
    if ems.mode == "mmc":
        place = scenario.place_index()[scenario.ems_stations[0].place_id]
        calls = check_calls(ems, horizon_min, place, streams)
    else:
        calls = county_calls(scenario, ems, casualties, horizon_min, streams)
    return EmsSystem(
        env,
        scenario,
        ems,
        calls,
        log,
        DISPATCH_POLICIES[ems.dispatch],
        HOSPITAL_POLICIES[ems.hospital],
        roads,
    )
