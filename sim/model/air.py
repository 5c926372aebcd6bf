"""Helicopters: rescue and relief lift for places cut off by road.

Covers: `air.aircraft` helicopters wait at the base helipad (`air.base_helipad`, else the
first of helipads.csv). Missions are flown first come, first served: a rescue task cut off
by road from every capable team (sim/model/teams.py), and a relief lift to a struck village
with displaced people that is cut off from every depot when it is hit. An aircraft takes off
only outside the no-fly windows (night by the clock, `air.weather_no_fly_h` after onset),
after `air.launch_prep_min` of preparation, and flies the straight line at `air.cruise_kmh`.
A rescue sortie hoists up to `air.seats` people (`air.hoist_min_per_person` each) and sets
them down at the helipad nearest the village, then flies back for the rest; a relief lift
unloads at the village. Each mission's response is its first arrival minus its request; the
seed 004 target (2 h within 100 km) is checked on these in sim/rescue_tables.py.

Leaves out: casualty evacuation to hospitals (ambulances carry casualties, sim/model/ems.py);
fuel and crew duty limits; a no-fly window starting while airborne (the flight completes);
the items lifted are not drawn from depot stock (relief accounting is unchanged).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import simpy

from sim.errors import Problem
from sim.events import Event, EventKind, EventLog
from sim.scenario import Scenario
from sim.scenario.roads import haversine_km
from sim.settings import AirSettings
from sim.units import MIN_PER_H, h_to_min


@dataclass
class Mission:
    ref: int
    kind: str  # rescue | relief_lift
    place: int
    people: int
    requested_at_min: float
    task: object | None = None  # the rescue task (sim.model.teams.Task); the air owns all its people


def check(scenario: Scenario, air: AirSettings) -> list[Problem]:
    ids = [h.id for h in scenario.helipads]
    if air.base_helipad is not None and air.base_helipad not in ids:
        return [
            Problem(
                "config key air.base_helipad",
                air.base_helipad,
                f"not a helipad_id of scenario {scenario.name} (helipads: {', '.join(ids) or 'none'})",
            )
        ]
    return []


class AirSystem:
    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        air: AirSettings,
        onset_min: float,
        onset_clock_h: float,
        log: EventLog,
    ):
        self.env = env
        self.scenario = scenario
        self.air = air
        self.onset_min = onset_min
        self.onset_clock_h = onset_clock_h
        self.log = log
        self.missions: list[Mission] = []
        self.enabled = air.aircraft > 0 and bool(scenario.helipads)
        if not self.enabled:
            return
        index = scenario.place_index()
        self.pads = [(h.id, scenario.places[index[h.place_id]]) for h in scenario.helipads]
        base_id = air.base_helipad or scenario.helipads[0].id
        self.base = next(p for p in self.pads if p[0] == base_id)
        self.queue: simpy.Store = simpy.Store(env)
        for k in range(air.aircraft):
            env.process(self._fly(f"AC{k + 1}"))

    # ---- requests ------------------------------------------------------------------------
    def rescue(self, task) -> None:
        self._request(Mission(len(self.missions), "rescue", task.place, task.waiting, self.env.now, task))

    def lift(self, place: int, people: int) -> None:
        if self.enabled and self.air.relief_lift:
            self._request(Mission(len(self.missions), "relief_lift", place, people, self.env.now))

    def _request(self, mission: Mission) -> None:
        self.missions.append(mission)
        place = self.scenario.places[mission.place]
        self.log.add(
            Event(
                self.env.now,
                EventKind.AIR_MISSION_REQUESTED,
                place=place.id,
                ref=mission.ref,
                qty=mission.people,
                value=self.km(self.base[1], place),
                note=mission.kind,
            )
        )
        self.queue.put(mission)

    # ---- geometry and weather ------------------------------------------------------------
    @staticmethod
    def km(a, b) -> float:
        return float(haversine_km(a.lon, a.lat, b.lon, b.lat))

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

    def _take_off(self) -> Iterator[simpy.Event]:
        t = self.next_flyable(self.env.now)
        if t > self.env.now:
            yield self.env.timeout(t - self.env.now)

    # ---- the aircraft --------------------------------------------------------------------
    def _fly(self, name: str) -> Iterator[simpy.Event]:
        env, log, air = self.env, self.log, self.air
        while True:
            mission: Mission = yield self.queue.get()
            started = env.now
            place = self.scenario.places[mission.place]
            yield from self._take_off()
            log.add(
                Event(
                    env.now,
                    EventKind.AIRCRAFT_LAUNCHED,
                    subject=name,
                    place=place.id,
                    ref=mission.ref,
                    value=env.now - mission.requested_at_min,
                )
            )
            yield env.timeout(air.launch_prep_min)
            yield env.timeout(self.flight_min(self.km(self.base[1], place)))
            log.add(
                Event(
                    env.now,
                    EventKind.AIRCRAFT_ARRIVED,
                    subject=name,
                    place=place.id,
                    ref=mission.ref,
                    value=env.now - mission.requested_at_min,
                )
            )
            at = place
            if mission.kind == "relief_lift":
                yield env.timeout(air.unload_min)
            else:
                left = mission.people
                pad_id, pad = min(self.pads, key=lambda p: (self.km(place, p[1]), p[0]))
                while left > 0:
                    if at is not place:
                        yield from self._take_off()
                        yield env.timeout(self.flight_min(self.km(at, place)))
                    aboard = min(air.seats, left)
                    for _ in range(aboard):
                        yield env.timeout(air.hoist_min_per_person)
                        log.add(
                            Event(
                                env.now,
                                EventKind.PEOPLE_RESCUED,
                                subject=name,
                                place=place.id,
                                ref=mission.task.ref,
                                qty=1,
                                note=mission.task.rescue_type,
                            )
                        )
                    left -= aboard
                    yield from self._take_off()
                    yield env.timeout(self.flight_min(self.km(place, pad)))
                    yield env.timeout(air.unload_min)
                    at = pad
                    log.add(
                        Event(
                            env.now,
                            EventKind.AIRCRAFT_LANDED,
                            subject=name,
                            depot=pad_id,
                            ref=mission.ref,
                            qty=aboard,
                        )
                    )
            if at is not self.base[1]:
                yield from self._take_off()
                yield env.timeout(self.flight_min(self.km(at, self.base[1])))
            log.add(
                Event(
                    env.now,
                    EventKind.AIRCRAFT_RETURNED,
                    subject=name,
                    depot=self.base[0],
                    value=env.now - started,
                )
            )
