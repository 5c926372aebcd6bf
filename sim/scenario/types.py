"""The Scenario: everything a county brings to a disaster, frozen after loading.

Places, items, depots with their stock, and the road graph, as parsed and
validated from a scenario folder (DESIGN section 5). The model reads these;
nothing here changes during a run. Times are in minutes, lengths in km.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix

PLACE_KINDS = ("city", "township", "village", "industrial_park")
# Places that other places belong to (places.csv township_id). A city's urban district
# is its own unit; a township point serves the villages of its unit first.
OWNER_KINDS = ("township", "industrial_park", "city")
TIERS = ("city", "township", "contract", "province")
ITEM_CLASSES = ("initial", "basic")
NEED_BASES = ("once", "day")  # need_per_person is per person once, or per person per day
STATION_KINDS = ("centre", "subcentre", "station")
SHELTER_CLASSES = ("I", "II", "III")
TEAM_KINDS = (
    "fire_rescue",
    "professional",
    "semi_professional",
    "enterprise",
    "volunteer",
    "flood",
    "forest_fire",
    "road_repair",
)


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    kind: str
    township_id: str  # the township (or industrial park) the place belongs to
    lon: float
    lat: float
    population: int
    node: int  # index of the road node it snaps to
    snap_km: float  # straight-line distance to that node
    code: str = ""  # official statistical code (9 digits township-level, 12 village-level), or ""
    division_kind: str = ""  # street|town|township|park|farm|community|village (official), or ""


@dataclass(frozen=True)
class Item:
    id: str
    unit: str
    need_per_person: float  # units per displaced person (once, or each day: see basis)
    cls: str  # "initial" (12 h initial relief) or "basic" (24 h basic living relief)
    basis: str = "once"  # "once" (a quilt, a tent) or "day" (a day's water or food, needed again daily)

    @property
    def daily(self) -> bool:
        return self.basis == "day"


@dataclass(frozen=True)
class Depot:
    id: str
    name: str
    tier: str
    place_id: str
    township_id: str  # township of its place: a township point serves this township first
    node: int
    trucks: int
    truck_capacity: int  # item units per truckload
    load_min: float
    lead_time_min: float  # contract / province: time from call-off until they can ship
    stock: tuple[int, ...]  # units per item, in Scenario.items order


@dataclass(frozen=True)
class EmsStation:
    id: str
    kind: str
    place_id: str
    ambulances: int
    negative_pressure: int


@dataclass(frozen=True)
class Hospital:
    id: str
    place_id: str
    beds: int
    infectious_beds: int


@dataclass(frozen=True)
class Team:
    id: str
    kind: str
    base_place_id: str
    members: int
    skills: tuple[str, ...]
    mobilisation_min: float
    turnout: float
    boats: int = 0  # rescue boats the team brings (teams.csv `boats`; a water-rescue crew needs one)
    machines: int = 0  # large rescue machines it works with (teams.csv `machines`; collapse rescue)


@dataclass(frozen=True)
class Helipad:
    id: str
    place_id: str


@dataclass(frozen=True)
class Shelter:
    id: str
    cls: str
    place_id: str
    area_m2: float


@dataclass(frozen=True)
class RoadGraph:
    node_ids: tuple[str, ...]
    lon: np.ndarray
    lat: np.ndarray
    u: np.ndarray  # edge end indices (int32)
    v: np.ndarray
    length_km: np.ndarray
    road_class: tuple[str, ...]
    speed_kmh: np.ndarray
    oneway: np.ndarray  # bool
    time_min: csr_matrix = field(repr=False)  # directed travel-time matrix, node x node

    @property
    def n_nodes(self) -> int:
        return len(self.node_ids)


@dataclass(frozen=True)
class Scenario:
    name: str
    dir: str
    meta: dict[str, Any]
    zones: dict[str, tuple[str, ...]]
    places: tuple[Place, ...]
    items: tuple[Item, ...]
    depots: tuple[Depot, ...]
    ems_stations: tuple[EmsStation, ...]
    hospitals: tuple[Hospital, ...]
    teams: tuple[Team, ...]
    helipads: tuple[Helipad, ...]
    shelters: tuple[Shelter, ...]
    road: RoadGraph
    unload_min: float
    snap_tolerance_km: float
    road_speed_kmh: dict[str, float]

    def place_index(self) -> Mapping[str, int]:
        """Place id -> position in `places`; built once per scenario (a province-sized run asks
        it from every part of the model, and the aircraft at every relief lift); callers only read it."""
        index = self.__dict__.get("_place_index")
        if index is None:
            index = {p.id: i for i, p in enumerate(self.places)}
            object.__setattr__(self, "_place_index", index)  # frozen: a cache, not a field
        return index

    def villages(self) -> list[Place]:
        return [p for p in self.places if p.kind == "village"]

    def townships(self) -> list[Place]:
        """The units places belong to: townships, industrial parks and the city district."""
        return [p for p in self.places if p.kind in OWNER_KINDS]
