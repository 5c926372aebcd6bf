"""The plan's charts, each a pure function of result tables: (Results, lang) -> Figure.

Every figure has a title, units on its axes and a source note (scenario, hazard, number of
replications, date). Intervals are drawn wherever the number is an estimate. A figure whose
input is absent (no event log, no EMS calls, not a sweep) raises `Skip` with the reason,
which the appendix lists.

The charts live by family: `common` (style, titles, bands, `Skip`), `relief`, `response` and
`cases` (the sweep's). This package holds only the registry, FIGURES, in the report's order;
import anything else from the module that defines it.
"""

from __future__ import annotations

from collections.abc import Callable

from matplotlib.figure import Figure

from sim.report.data import Results
from sim.report.figures.cases import budget_frontier, case_compliance
from sim.report.figures.common import Skip
from sim.report.figures.relief import late_villages, relief_curves, relief_map, stock_over_time
from sim.report.figures.response import ems_response, helicopter_response, rescue_over_time, team_utilisation

__all__ = ["FIGURES", "Skip"]

FIGURES: dict[str, Callable[[Results, str], Figure]] = {
    "relief_curves": relief_curves,
    "relief_map": relief_map,
    "late_villages": late_villages,
    "stock_over_time": stock_over_time,
    "ems_response": ems_response,
    "rescue_over_time": rescue_over_time,
    "helicopter_response": helicopter_response,
    "team_utilisation": team_utilisation,
    "budget_frontier": budget_frontier,
    "case_compliance": case_compliance,
}
