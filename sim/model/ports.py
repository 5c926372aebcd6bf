"""The ports between the model's parts: what one part may call on another, as small Protocols.

The helicopters (sim/model/air.py) serve three parts and draw on two: relief need no road
can bring (relief.py) is lifted from a depot's stock, EMS calls no ambulance can reach
(ems.py) are evacuated to its hospitals, and trapped people no team can reach (teams.py)
are hoisted. Each direction is one port below, and a part holds the other only through it,
so what crosses between them is written down and checked by mypy:

    AirStock      air -> relief    set stock aside for a lift, take a load, log and deliver it
    AirMedical    air -> EMS       choose a hospital and a bed, hand a patient over, or set it
                                   down at a helipad for an ambulance
    DeferredRelief relief -> air   relief need deferred for want of a road: lift it
    AirEvacuation EMS -> air       take a call no ambulance can reach; give back calls whose
                                   road reopened
    AirRescue     rescue -> air    take a rescue task no team can reach

Wiring (sim/model/world.py `build`): relief, EMS and rescue are built first; the air is
built with the two ports it draws on (`AirSystem(..., relief=relief, ems=medical)`); then,
when the county has aircraft, each of the three is connected to it once with its
`connect_air(port)` (two phases because the link is a cycle: the air draws on relief's
stock and relief hands the air its deferred need). A part not connected has no air and
runs as before. The road network's own ports are its observer lists (`RoadState.listeners`
for changes of speed, `RoadState.learners` for damage becoming known; roads.py), to which
each part subscribes itself when built.

Leaves out: nothing of the model; this module holds types only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

import simpy

if TYPE_CHECKING:
    from sim.events import CargoMoved
    from sim.model.air import Mission
    from sim.model.hospitals import Hospitals
    from sim.model.relief import Demand, Order
    from sim.model.teams import Task
    from sim.scenario import Place


class AirStock(Protocol):
    """Relief stock as the aircraft use it (implemented by relief.ReliefSystem)."""

    air_orders: list[Order]

    def reserve_for_air(self, d: int, demand: Demand, cap_units: int) -> int: ...

    def take_air_load(self, demand: Demand, capacity: int) -> tuple[int, list[tuple[Order, int]]]: ...

    def log_parts(
        self,
        record: type[CargoMoved],
        vehicle: str,
        depot: str,
        taken: list[tuple[Order, int]],
        load: int,
        site: str,
    ) -> None: ...

    def deliver(
        self, vehicle: str, depot: str, taken: list[tuple[Order, int]], load: int, site: str
    ) -> None: ...


class AirMedical(Protocol):
    """The EMS as the aircraft use it (implemented by ems.EmsSystem)."""

    hospitals: Hospitals
    dead: set[int]

    def reached_care(self, k: int, subject: str, h: int, bed: simpy.Event | None) -> bool: ...

    def transfer(self, k: int, pad: Place, pad_id: str) -> None: ...


class DeferredRelief(Protocol):
    """Where relief sends need it deferred for want of a road (implemented by air.AirSystem)."""

    def lift(self, demand: Demand) -> None: ...


class AirEvacuation(Protocol):
    """Where the EMS sends calls no ambulance can reach (implemented by air.AirSystem)."""

    def evacuate(self, call: int, place: int, triage: int, infectious: bool) -> Mission | None: ...

    def withdraw_evacuations(self, reachable: Callable[[int], bool], why: str = ...) -> list[int]: ...


class AirRescue(Protocol):
    """Where rescue sends tasks no team can reach (implemented by air.AirSystem)."""

    enabled: bool

    def rescue(self, task: Task) -> None: ...
