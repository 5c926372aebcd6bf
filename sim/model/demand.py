"""What a disaster asks of the response: plain records drawn before the run starts.

These records are the hand-over between the hazard draws (sim/model/hazards.py)
and the systems that respond (relief, ambulances, teams). They are drawn from
the hazard's own random streams only, so a change of policy or fleet never
changes them (common random numbers).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sim.scenario import Scenario
from sim.settings import RescueType, Severity


@dataclass(frozen=True)
class VillageHit:
    """One hazard event striking one village."""

    place: int  # index into scenario.places
    event: str  # the hazard event's name in the config
    at_min: float
    severity: Severity  # low | medium | high
    affected: int
    displaced: int  # people needing relief and shelter, on top of earlier hits
    power_cut: bool
    stranded: int = 0  # people at home needing emergency living relief (not displaced)


@dataclass(frozen=True)
class RoadHit:
    """One road edge cut or slowed by a hazard event."""

    edge: int  # index into scenario.road edge arrays
    event: str
    at_min: float
    blocked: bool  # cut (needs repair, or clears by itself) or only slowed
    factor: float  # speed multiplier while slowed (1.0 when blocked)
    repair_min: float  # work minutes for one road-repair team
    clears_at_min: float | None  # the cut lifts by itself then (a plume disperses), else None
    # Under water until then: no team can reopen it before; then it reopens by itself, or
    # (repair_min > 0, a washout) a team can start work. None = not under water.
    recedes_at_min: float | None = None


@dataclass(frozen=True)
class Casualty:
    at_min: float
    place: int
    triage: int  # 1 = immediate (red), 2 = urgent (yellow), 3 = delayed (green)
    infectious: bool  # contaminated or infectious: negative-pressure transport, decontamination


@dataclass(frozen=True)
class Trapped:
    at_min: float
    place: int
    rescue_type: RescueType  # water | collapse | mountain
    people: int


@dataclass(frozen=True)
class Disaster:
    hits: tuple[VillageHit, ...] = ()
    roads: tuple[RoadHit, ...] = ()
    casualties: tuple[Casualty, ...] = ()
    trapped: tuple[Trapped, ...] = ()
    grades: dict[str, int | None] = field(default_factory=dict)  # response grade per event


def need_units(scenario: Scenario, people: int, daily_only: bool = False) -> tuple[int, ...]:
    """Units `people` need of each item: the whole need of a once-item, one day's of a daily one
    (`daily_only`: once-items count 0)."""
    return tuple(
        math.ceil(people * it.need_per_person - 1e-9) if it.daily or not daily_only else 0
        for it in scenario.items
    )
