"""Shelters: where displaced people go, and so where their relief must be delivered.

Covers: shelters from shelters.csv (class I/II/III, area); capacity = area /
`shelters.m2_per_person` (2.5 m² by default, seed 003); displaced people of a
struck village go to the nearest shelter by road with room, within
`shelters.max_travel_min`; a full shelter sends the rest to the next one; those
with no shelter in reach stay in their village. They go on the roads as they are (they see
the damage), not as the command centre knows them (sim/model/roads.py `ground`). Occupancy is logged on every
arrival, so occupancy over time is a table.

Leaves out: the time people take to reach a shelter (they are counted there
from the hit); people going home before the horizon; shelter supplies other
than the relief items.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.events import EventLog, ShelterArrived, ShelterFull
from sim.model.roads import RoadState
from sim.scenario import Scenario
from sim.settings import ShelterSettings


@dataclass(frozen=True)
class Site:
    """Where some of a village's displaced people are: the village itself or a shelter."""

    key: str  # the village's place id, or the shelter id
    node: int
    township_id: str  # where the site is: its township's point serves it first
    people: int


class ShelterSystem:
    def __init__(self, scenario: Scenario, settings: ShelterSettings, roads: RoadState, log: EventLog):
        self.scenario = scenario
        self.settings = settings
        self.roads = roads
        self.log = log
        place_index = scenario.place_index()
        self.shelters = []  # (id, node, township, capacity in people)
        for sh in scenario.shelters:
            where = scenario.places[place_index[sh.place_id]]
            capacity = math.floor(sh.area_m2 / settings.m2_per_person)
            self.shelters.append((sh.id, where.node, where.township_id, capacity))
        self.occupancy = [0] * len(self.shelters)
        self._nodes = np.array([node for _, node, _, _ in self.shelters], dtype=np.int64)

    def admit(self, village: int, people: int) -> list[Site]:
        """Place `people` displaced from `village`; returns where they are (people > 0 only)."""
        place = self.scenario.places[village]
        if not self.settings.use or not self.shelters or people == 0:
            return [Site(place.id, place.node, place.township_id, people)] if people else []
        # only shelters within reach count: a search stopped there gives them their exact minutes
        row = self.roads.out_row(place.node, within=self.settings.max_travel_min)
        minutes = row.dist[self._nodes]
        near = np.flatnonzero(minutes <= self.settings.max_travel_min)
        order = sorted(zip(minutes[near].tolist(), near.tolist(), strict=True))
        sites, left, now = [], people, self.roads.env.now
        for _, k in order:
            sid, node, town, capacity = self.shelters[k]
            room = capacity - self.occupancy[k]
            if room <= 0:
                continue
            taken = min(room, left)
            self.occupancy[k] += taken
            left -= taken
            sites.append(Site(sid, node, town, taken))
            self.log.add(
                ShelterArrived(now, subject=sid, place=place.id, qty=taken, value=float(self.occupancy[k]))
            )
            if self.occupancy[k] == capacity:
                self.log.add(ShelterFull(now, subject=sid, qty=capacity))
            if left == 0:
                break
        if left:
            sites.append(Site(place.id, place.node, place.township_id, left))
        return sites
