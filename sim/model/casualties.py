"""Hazard -> casualties: injured and sick people who call an ambulance because of the disaster.

Covers: per affected village, Poisson counts by triage class with means
`displaced x per_displaced rate` (hazard.casualties), each casualty's call time
uniform over the first `spread_h` hours after onset, and an infectious (or
contaminated) share needing negative-pressure transport. Draws come from their own
stream, "hazard.casualties", so a fleet or policy change never shifts them.
Leaves out: casualties among people who are not displaced, deaths at the scene,
several waves of casualties, and injuries caused by the response itself.
"""

from __future__ import annotations

import numpy as np

from sim.model.demand import TRIAGE_CLASSES, Casualty
from sim.model.hazards import VillageNeed
from sim.scenario import Scenario
from sim.settings import HazardSettings

CASUALTY_STREAM = "hazard.casualties"


def draw_casualties(
    scenario: Scenario, hazard: HazardSettings, village_needs: list[VillageNeed], rng: np.random.Generator
) -> list[Casualty]:
    """Casualties of `hazard` in the villages of `village_needs`, ordered by call time then village.

    Villages draw in place order (counts, then a call time and an infectious draw per
    casualty), so the result depends only on the hazard's draws, never on the response.
    """
    spec = hazard.casualties
    rates = np.array(spec.per_displaced.values(), dtype=float)
    if not rates.any():
        return []
    onset = hazard.onset_min
    out: list[Casualty] = []
    for vn in sorted(village_needs, key=lambda v: v.place):
        counts = rng.poisson(vn.displaced * rates)
        n = int(counts.sum())
        if n == 0:
            continue
        at = onset + rng.random(n) * spec.spread_min
        infectious = rng.random(n) < spec.infectious_share
        triage = np.repeat(np.array(TRIAGE_CLASSES), counts)
        out += [
            Casualty(float(t), vn.place, int(k), bool(inf))
            for t, k, inf in zip(at, triage, infectious, strict=True)
        ]
    out.sort(key=lambda c: (c.at_min, c.place, c.triage))
    return out
