"""Helicopters: rescue, casualty evacuation and relief lift for places cut off by road.

Covers: `air.aircraft` helicopters wait at the base helipad (`air.base_helipad`, else the
first of helipads.csv). Three kinds of mission come to them:
- rescue: trapped people no capable team can reach by road (sim/model/teams.py);
- evacuation: a red or yellow casualty (`air.evacuate_triage`) whose scene no ambulance of
  the county can reach by road (sim/model/ems.py); infectious or contaminated patients are
  not flown (no isolation on board) and wait for a road;
- relief lift: relief need the command centre defers because no road brings stock to the
  site (sim/model/relief.py), lifted from the depot at the base (`air.lift_depot`).
Missions wait in one queue; a free aircraft takes the first by `mission_order`: saving life
first (rescue and evacuation, in request order), then relief lifts. An aircraft takes off only
outside the no-fly windows (night by the clock, `air.weather_no_fly_h` after onset), after
`air.launch_prep_min` of preparation (cargo is loaded meanwhile, `air.load_min`), and flies
the straight line at `air.cruise_kmh`.
- A rescue sortie hoists up to `air.seats` people (`air.hoist_min_per_person` each), sets them
  down at the helipad nearest the village, and flies back for the rest.
- An evacuation sortie takes up to `air.stretchers` waiting patients of one scene
  (`air.patient_load_min` each) to a hospital with a helipad (chosen by the EMS hospital
  policy on flight minutes), where they are admitted as from an ambulance (a bed is promised
  on take-off from the scene; handover). With no hospital helipad in the county, the aircraft
  sets them down at the helipad nearest the scene, and an ambulance takes the call from there.
- Relief lift: when a site's need is deferred, the lift depot sets aside what it has of it, up
  to `air.lift_reserve_sorties` payloads (initial-relief items first), at once, as for a
  truck, so it is not given to others while the aircraft fly life-saving missions. A sortie
  loads up to `air.payload_units` of it during preparation, flies it to the site and unloads
  it; the stock leaves the depot and reaches the people in the same event rows as a
  truckload (relief_allocated, shipment_loaded, shipment_delivered), so conservation and the
  relief times count it. The depot then tops up what is set aside, and the mission goes to
  the back of the queue for another sortie while some waits. When a road reopens, what is set
  aside for a site its depot's trucks can now reach goes to the trucks; a sortie then finding
  nothing left is cancelled.
Each mission's response is its first arrival minus its request; the seed 004 target (2 h
within 100 km) is checked on these in sim/results/rescue_metrics.py (cancelled missions excluded).

Leaves out: fuel and crew duty limits; a no-fly window starting while airborne (the flight
completes); sling loads and landing-site capacity; carrying patients and cargo on one sortie;
calls that become unreachable after they were queued for an ambulance (they wait for a road).
A road reopening gives the ambulances back the evacuations no aircraft has taken yet whose
scene they can now reach (the mission is cancelled); rescue tasks stay with the aircraft.

Connects to (sim/model/ports.py): draws on relief's stock through `AirStock` and on the EMS's
hospitals through `AirMedical`, both given when built; serves relief (`DeferredRelief.lift`),
the EMS (`AirEvacuation`) and rescue (`AirRescue`), which world.build connects to it with
their `connect_air`.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

import simpy
from simpy.events import ProcessGenerator

from sim.errors import Problem
from sim.events import (
    AircraftArrived,
    AircraftLanded,
    AircraftLaunched,
    AircraftReturned,
    AirMissionCancelled,
    AirMissionRequested,
    EventLog,
    ShipmentLoaded,
)
from sim.model.ports import AirMedical, AirStock
from sim.scenario import Scenario
from sim.scenario.roads import haversine_km
from sim.settings import AirSettings

if TYPE_CHECKING:
    from sim.model.relief import Demand
    from sim.model.teams import Task
from sim.units import MIN_PER_H, h_to_min

RESCUE, EVACUATION, RELIEF_LIFT = "rescue", "evacuation", "relief_lift"


@dataclass
class Mission:
    ref: int
    kind: str  # rescue | evacuation | relief_lift
    place: int  # the place served: the village (relief: whose people), or the casualty's scene
    lon: float  # where the aircraft goes (a relief site may be a shelter)
    lat: float
    people: int
    requested_at_min: float
    seq: int = 0  # position in the queue; a relief lift's next sortie gets a new one
    arrived: bool = False
    task: Task | None = None  # rescue: the task; the air owns its people
    demand: Demand | None = None  # relief lift: the site's need
    call: int = -1  # evacuation: the EMS call id (-1: not an evacuation)


def mission_order(mission: Mission) -> tuple[int, int]:
    """Saving life first (rescue and evacuation in request order), then relief lifts."""
    return (1 if mission.kind == RELIEF_LIFT else 0, mission.seq)


def check(scenario: Scenario, air: AirSettings) -> list[Problem]:
    problems = []
    ids = [h.id for h in scenario.helipads]
    if air.base_helipad is not None and air.base_helipad not in ids:
        problems.append(
            Problem(
                "config key air.base_helipad",
                air.base_helipad,
                f"not a helipad_id of scenario {scenario.name} (helipads: {', '.join(ids) or 'none'})",
            )
        )
    depots = [d.id for d in scenario.depots]
    if air.lift_depot is not None and air.lift_depot not in depots:
        problems.append(
            Problem(
                "config key air.lift_depot",
                air.lift_depot,
                f"not a depot_id of scenario {scenario.name} (depots: {', '.join(depots)})",
            )
        )
    return problems


class AirSystem:
    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        air: AirSettings,
        onset_min: float,
        onset_clock_h: float,
        log: EventLog,
        relief: AirStock | None = None,  # lifts draw on its stock (sim/model/ports.py)
        ems: AirMedical | None = None,  # evacuated patients are admitted to its hospitals
    ) -> None:
        self.env = env
        self.scenario = scenario
        self.air = air
        self.onset_min = onset_min
        self.onset_clock_h = onset_clock_h
        self.log = log
        self.relief = relief
        self.ems = ems
        self.missions: list[Mission] = []
        self.enabled = air.aircraft > 0 and bool(scenario.helipads)
        if not self.enabled:
            return
        index = scenario.place_index()
        self.pads = [(h.id, scenario.places[index[h.place_id]]) for h in scenario.helipads]
        base_id = air.base_helipad or scenario.helipads[0].id
        self.base = next(p for p in self.pads if p[0] == base_id)
        self.lift_depot = self._lift_depot(scenario, air)
        pad_places = {h.place_id for h in scenario.helipads}
        # hospitals an aircraft can land at: (hospital index, its place)
        self.hospital_pads = [
            (h, scenario.places[index[hosp.place_id]])
            for h, hosp in enumerate(scenario.hospitals)
            if hosp.place_id in pad_places
        ]
        self.pending: list[Mission] = []
        self._idle: deque[simpy.Event] = deque()
        self._seq = 0
        self._lifting: dict[int, Mission] = {}  # id(demand) -> its open relief-lift mission
        self._reserve_cap = air.lift_reserve_sorties * air.payload_units
        for k in range(air.aircraft):
            env.process(self._fly(f"AC{k + 1}"))

    def _lift_depot(self, scenario: Scenario, air: AirSettings) -> int | None:
        """The depot whose stock the aircraft lift: `air.lift_depot`, else the first depot at the
        base helipad's place; None (no relief lifts) when there is none."""
        ids = [d.id for d in scenario.depots]
        if air.lift_depot is not None:
            return ids.index(air.lift_depot)
        at_base = [d for d, depot in enumerate(scenario.depots) if depot.place_id == self.base[1].id]
        return at_base[0] if at_base else None

    # ---- requests ------------------------------------------------------------------------
    def rescue(self, task) -> None:
        place = self.scenario.places[task.place]
        self._request(
            Mission(
                len(self.missions),
                RESCUE,
                task.place,
                place.lon,
                place.lat,
                task.waiting,
                self.env.now,
                task=task,
            )
        )

    def evacuate(self, call: int, place: int, triage: int, infectious: bool) -> Mission | None:
        """Take EMS call `call` (its scene cut off from every ambulance), if it is for the air."""
        if not (self.enabled and self.air.evacuation) or infectious or triage not in self.air.evacuate_triage:
            return None
        p = self.scenario.places[place]
        mission = Mission(len(self.missions), EVACUATION, place, p.lon, p.lat, 1, self.env.now, call=call)
        self._request(mission)
        return mission

    def lift(self, demand: Demand) -> None:
        """Relief need at `demand`'s site was deferred for want of a road: set aside what the lift
        depot has of it (up to `air.lift_reserve_sorties` payloads) and fly it out."""
        if not (self.enabled and self.air.relief_lift) or self.lift_depot is None or self.relief is None:
            return
        if self.relief.reserve_for_air(self.lift_depot, demand, self._reserve_cap) == 0:
            return  # the lift depot has none of what is missing
        if id(demand) in self._lifting:
            return
        village = self.scenario.places[demand.village]
        where = self.scenario.places[self.scenario.place_index()[self._site_place(demand)]]
        mission = Mission(
            len(self.missions),
            RELIEF_LIFT,
            demand.village,
            where.lon,
            where.lat,
            demand.people,
            self.env.now,
            demand=demand,
        )
        self._lifting[id(demand)] = mission
        self._request(mission, place_id=village.id)

    def _site_place(self, demand) -> str:
        """The place id of a relief site: the village itself, or the shelter's place."""
        if demand.site == self.scenario.places[demand.village].id:
            return demand.site
        return next(s.place_id for s in self.scenario.shelters if s.id == demand.site)

    def withdraw_evacuations(self, reachable, why: str = "road_reopened") -> list[int]:
        """Calls of evacuations no aircraft has taken yet whose scene `reachable(call)` by road
        again: their missions are cancelled, and the calls go back to the ambulances. (Also the
        EMS's hook for a patient who died before any aircraft took off: why `patient_died`.)"""
        back = [m for m in self.pending if m.kind == EVACUATION and reachable(m.call)]
        for m in back:
            self.pending.remove(m)
            self._cancel(m, why)
        return [m.call for m in back]

    def _request(self, mission: Mission, place_id: str | None = None) -> None:
        self.missions.append(mission)
        place = self.scenario.places[mission.place]
        self.log.add(
            AirMissionRequested(
                self.env.now,
                place=place_id or place.id,
                ref=mission.ref,
                qty=mission.people,
                value=self._km_to(self.base[1], mission),
                note=mission.kind,
            )
        )
        self._enqueue(mission)

    def _enqueue(self, mission: Mission) -> None:
        self._seq += 1
        mission.seq = self._seq
        self.pending.append(mission)
        if self._idle:
            self._idle.popleft().succeed()

    def _next(self) -> ProcessGenerator:
        """The next mission, chosen when the aircraft can take off (so a more urgent one
        requested during a no-fly window goes first)."""
        while True:
            while not self.pending:
                wake = self.env.event()
                self._idle.append(wake)
                yield wake
            flyable = self.next_flyable(self.env.now)
            if flyable == self.env.now:
                break
            yield self.env.timeout(flyable - self.env.now)
        mission = min(self.pending, key=mission_order)
        self.pending.remove(mission)
        return mission

    # ---- geometry and weather ------------------------------------------------------------
    @staticmethod
    def km(a, b) -> float:
        return float(haversine_km(a.lon, a.lat, b.lon, b.lat))

    def _km_to(self, a, mission: Mission) -> float:
        return float(haversine_km(a.lon, a.lat, mission.lon, mission.lat))

    def flight_min(self, km: float) -> float:
        return km / self.air.cruise_kmh * MIN_PER_H

    def next_flyable(self, t: float) -> float:
        """The earliest minute >= t outside every no-fly window."""
        for _ in range(1000):
            moved = t
            for start_h, end_h in self.air.weather_no_fly_h:
                a, b = self.onset_min + h_to_min(start_h), self.onset_min + h_to_min(end_h)
                if a <= moved < b:
                    moved = b
            if self.air.night_no_fly:
                clock = (self.onset_clock_h + (moved - self.onset_min) / MIN_PER_H) % 24.0
                s, e = self.air.night_start_clock_h, self.air.night_end_clock_h
                night = (s <= clock or clock < e) if s > e else (s <= clock < e)
                if night:
                    moved += ((e - clock) % 24.0) * MIN_PER_H
            if moved == t:
                return t
            t = moved
        return t

    def _take_off(self) -> ProcessGenerator:
        t = self.next_flyable(self.env.now)
        if t > self.env.now:
            yield self.env.timeout(t - self.env.now)

    # ---- the aircraft --------------------------------------------------------------------
    def _fly(self, name: str) -> ProcessGenerator:
        env = self.env
        while True:
            mission = yield from self._next()
            started = env.now
            if mission.kind == RELIEF_LIFT:
                at = yield from self._lift_sortie(name, mission)
            elif mission.kind == EVACUATION:
                at = yield from self._evacuation_sortie(name, mission)
            else:
                at = yield from self._rescue_sortie(name, mission)
            if at is None:
                continue  # cancelled on the ground
            if at is not self.base[1]:
                yield from self._take_off()
                yield env.timeout(self.flight_min(self.km(at, self.base[1])))
            self.log.add(AircraftReturned(env.now, subject=name, depot=self.base[0], value=env.now - started))

    def _launch(self, name: str, missions: list[Mission]) -> None:
        for m in missions:
            self.log.add(
                AircraftLaunched(
                    self.env.now,
                    subject=name,
                    place=self.scenario.places[m.place].id,
                    ref=m.ref,
                    value=self.env.now - m.requested_at_min,
                )
            )

    def _arrive(self, name: str, missions: list[Mission]) -> None:
        for m in missions:
            self.log.add(
                AircraftArrived(
                    self.env.now,
                    subject=name,
                    place=self.scenario.places[m.place].id,
                    ref=m.ref,
                    value=self.env.now - m.requested_at_min,
                )
            )
            m.arrived = True

    def _out(self, name: str, missions: list[Mission]) -> ProcessGenerator:
        """Launch for `missions` (one destination): preparation, then the flight out."""
        self._launch(name, missions)
        yield self.env.timeout(self.air.launch_prep_min)
        yield self.env.timeout(self.flight_min(self._km_to(self.base[1], missions[0])))
        self._arrive(name, missions)

    def _rescue_sortie(self, name: str, mission: Mission) -> ProcessGenerator:
        env, log, air = self.env, self.log, self.air
        task = mission.task
        assert task is not None  # a rescue mission carries its task
        place = self.scenario.places[mission.place]
        yield from self._out(name, [mission])
        at = place
        left = mission.people
        pad_id, pad = min(self.pads, key=lambda p: (self.km(place, p[1]), p[0]))
        while left > 0:
            if at is not place:
                yield from self._take_off()
                yield env.timeout(self.flight_min(self.km(at, place)))
            aboard = min(air.seats, left)
            for _ in range(aboard):
                yield env.timeout(air.hoist_min_per_person)
                task.bring_out_by_air(env.now, name, 1, place.id, log)  # rescued, or a body recovered
            left -= aboard
            yield from self._take_off()
            yield env.timeout(self.flight_min(self.km(place, pad)))
            yield env.timeout(air.unload_min)
            at = pad
            self._landed(name, pad_id, mission.ref, aboard)
        return at

    def _landed(self, name: str, pad_id: str, ref: int, people: int) -> None:
        self.log.add(AircraftLanded(self.env.now, subject=name, depot=pad_id, ref=ref, qty=people))

    def _cancel(self, mission: Mission, why: str) -> None:
        if not mission.arrived:
            self.log.add(
                AirMissionCancelled(
                    self.env.now, place=self.scenario.places[mission.place].id, ref=mission.ref, note=why
                )
            )

    def _lift_sortie(self, name: str, mission: Mission) -> ProcessGenerator:
        env, air, relief, d = self.env, self.air, self.relief, self.lift_depot
        demand = mission.demand
        # a lift is requested only with relief's stock and a lift depot (lift)
        assert relief is not None and d is not None and demand is not None
        depot_id = self.scenario.depots[d].id
        load, taken = relief.take_air_load(demand, air.payload_units)
        if not taken:  # a road reopened and the trucks took what was set aside
            del self._lifting[id(demand)]
            self._cancel(mission, "road_reopened")
            return None
        relief.reserve_for_air(d, demand, self._reserve_cap)  # top up for the next sortie
        self._launch(name, [mission])
        yield env.timeout(max(air.launch_prep_min, air.load_min))  # cargo is loaded during preparation
        relief.log_parts(ShipmentLoaded, name, depot_id, taken, load, demand.site)
        yield env.timeout(self.flight_min(self._km_to(self.base[1], mission)))
        self._arrive(name, [mission])
        yield env.timeout(air.unload_min)
        relief.deliver(name, depot_id, taken, load, demand.site)
        if any(o.demand is demand for o in relief.air_orders):
            self._enqueue(mission)  # another sortie, behind what waits now
        else:
            del self._lifting[id(demand)]
        return self.scenario.places[self.scenario.place_index()[self._site_place(demand)]]

    def _evacuation_sortie(self, name: str, mission: Mission) -> ProcessGenerator:
        env, air, ems = self.env, self.air, self.ems
        assert ems is not None  # evacuate takes calls only from a connected EMS
        batch = [mission]
        for m in sorted(self.pending, key=mission_order):
            if len(batch) < air.stretchers and m.kind == EVACUATION and m.place == mission.place:
                batch.append(m)
                self.pending.remove(m)
        yield from self._out(name, batch)
        scene = self.scenario.places[mission.place]
        for _ in batch:
            yield env.timeout(air.patient_load_min)
        hospitals = self._hospital_places()
        landing = {h for h, _ in self.hospital_pads}
        flights = [
            self.flight_min(self.km(scene, place)) if h in landing else float("inf")
            for h, place in enumerate(hospitals)
        ]
        h = ems.hospitals.choose_by_air(mission.call, flights) if landing else None
        yield from self._take_off()
        if h is not None:
            beds = [ems.hospitals.promise_bed(m.call, h) for m in batch]
            yield env.timeout(flights[h])
            for m, bed in zip(batch, beds, strict=True):
                # a patient who died on the way is not admitted (sim/model/ems.py survival)
                if ems.reached_care(m.call, name, h, bed):
                    yield from ems.hospitals.admit(m.call, h, bed, name)
            return hospitals[h]
        pad_id, pad = min(self.pads, key=lambda p: (self.km(scene, p[1]), p[0]))
        yield env.timeout(self.flight_min(self.km(scene, pad)))
        yield env.timeout(air.unload_min)
        self._landed(name, pad_id, mission.ref, len(batch))
        for m in batch:
            if m.call not in ems.dead:  # the dead are not handed to the ambulances
                ems.transfer(m.call, pad, pad_id)
        return pad

    def _hospital_places(self):
        index = self.scenario.place_index()
        return [self.scenario.places[index[h.place_id]] for h in self.scenario.hospitals]
