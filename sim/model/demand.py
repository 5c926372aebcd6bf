"""Demand records the hazards hand to the response systems.

Covers the casualty record: who needs an ambulance, where, when, how urgently, and
whether the case is infectious or contaminated (negative-pressure transport,
infectious bed). Leaves out how casualties arise (sim/model/casualties.py draws
them from a hazard) and trapped people needing rescue (the teams issue).
"""

from __future__ import annotations

from dataclasses import dataclass

TRIAGE_CLASSES = (1, 2, 3)  # 1 = immediate (red), 2 = urgent (yellow), 3 = delayed (green)


@dataclass(frozen=True)
class Casualty:
    at_min: float  # when the call for this casualty reaches the 120 centre (minutes since onset)
    place: int  # index into scenario.places
    triage: int  # 1 = immediate/red, 2 = urgent/yellow, 3 = delayed/green
    infectious: bool  # needs a negative-pressure ambulance and an infectious bed
