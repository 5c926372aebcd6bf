"""Hazard -> demand: who is displaced where, and when the command centre hears of it.

Covers (spine version): a hazard footprint (a named zone or a list of
townships) inside which each village loses a share of its population to
displacement, drawn per village; each village's needs are reported once, a
fixed delay after onset. Leaves out (the hazards issue adds them): casualties,
trapped people, road damage, follow-up reports, several overlapping hazards.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.errors import Problem
from sim.scenario import Scenario
from sim.settings import HazardSettings

DISPLACED_STREAM = "hazard.displaced"


@dataclass(frozen=True)
class VillageNeed:
    place: int  # index into scenario.places
    displaced: int  # people who need relief
    reported_at_min: float
    need: tuple[int, ...]  # units per item (scenario.items order)


def footprint_townships(scenario: Scenario, hazard: HazardSettings) -> tuple[str, ...]:
    if hazard.footprint.zone is not None:
        return scenario.zones[hazard.footprint.zone]
    return tuple(hazard.footprint.townships or ())


def check(scenario: Scenario, hazard: HazardSettings) -> list[Problem]:
    """Problems with using `hazard` on `scenario` (unknown zone or township, bad spread)."""
    problems = []
    fp = hazard.footprint
    if fp.zone is not None and fp.zone not in scenario.zones:
        known = ", ".join(sorted(scenario.zones)) or "none"
        problems.append(
            Problem(
                "config key hazard.footprint.zone",
                fp.zone,
                f"no such zone in {scenario.dir}/scenario.yaml (zones: {known})",
            )
        )
    owners = {p.id for p in scenario.townships()}
    for t in fp.townships or ():
        if t not in owners:
            problems.append(
                Problem(
                    "config key hazard.footprint.townships",
                    t,
                    f"not a township place_id of scenario {scenario.name}",
                )
            )
    m, s = hazard.displaced_share, hazard.displaced_share_sd
    if s > 0 and not (0 < m < 1 and s * s < m * (1 - m)):
        problems.append(
            Problem(
                "config key hazard.displaced_share_sd",
                s,
                f"must be below sqrt(m(1-m)) = {math.sqrt(max(m * (1 - m), 0)):.4f} "
                f"for displaced_share m = {m} (a Beta spread)",
            )
        )
    return problems


def draw_needs(scenario: Scenario, hazard: HazardSettings, rng: np.random.Generator) -> list[VillageNeed]:
    """Displaced people and their item needs for every village in the footprint.

    One share is drawn for every village, in or out of the footprint, so the draws
    of a village never depend on which other villages a footprint includes.
    """
    villages = [(i, p) for i, p in enumerate(scenario.places) if p.kind == "village"]
    m, s = hazard.displaced_share, hazard.displaced_share_sd
    if s > 0:
        k = m * (1 - m) / (s * s) - 1  # Beta(a, b) with mean m and standard deviation s
        shares = rng.beta(m * k, (1 - m) * k, size=len(villages))
    else:
        shares = np.full(len(villages), m)
    inside = set(footprint_townships(scenario, hazard))
    reported = hazard.onset_min + hazard.report_delay_min
    needs = []
    for (i, place), share in zip(villages, shares, strict=True):
        if place.township_id not in inside:
            continue
        displaced = math.floor(place.population * share + 0.5)
        if displaced <= 0:
            continue
        need = tuple(math.ceil(displaced * it.need_per_person - 1e-9) for it in scenario.items)
        needs.append(VillageNeed(i, displaced, reported, need))
    return needs
