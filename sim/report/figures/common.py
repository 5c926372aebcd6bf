"""Style, titles and bands every chart of `drsim report` shares.

The style constants (the hour grid, colours by item class, tier and cause), `Skip` (a figure
that cannot be drawn from these results), the canvas (`_figure`), the title, notes and source
line (`_finish`), the Student-t band over replications (`_t_band`), a legend patch, and what a
figure's title fills in (`title_fields`, with the relief target the map colours by).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from scipy import special

from sim.report.data import Results
from sim.report.fonts import register
from sim.report.i18n import text
from sim.report.linebreak import wrap_mixed
from sim.results import metrics
from sim.settings import TargetSettings

HOURS = np.linspace(0.0, 72.0, 289)  # every 15 min over the default horizon
CLASS_COLOURS = {"initial": "#1b9e77", "basic": "#7570b3", "all": "#d95f02"}
# "basic" and "all" often coincide (the basic items are the last to arrive): wide solid under dashed.
CLASS_WIDTH = {"initial": 2.0, "basic": 4.0, "all": 1.8}
TARGET_COLOURS = ("#d95f02", "#1b9e77", "#7570b3", "#e7298a")
CLASS_STYLE = {"initial": "-", "basic": "-", "all": "--"}
TIER_STYLE = {  # marker, colour, size
    "city": ("s", "#b2182b", 110),
    "township": ("^", "#2166ac", 45),
    "contract": ("D", "#5aae61", 55),
    "province": ("P", "#762a83", 90),
}
CAUSE_COLOURS = {
    "report_delay": "#8c510a",
    "road_blocked": "#d73027",
    "no_stock": "#fc8d59",
    "no_vehicle": "#4575b4",
    "travel_time": "#91bfdb",
}


class Skip(Exception):
    """The figure cannot be drawn from these results; args[0] is an i18n key for the reason."""


def label_on_data(ax, x: float, y: float, label: str, **style) -> None:
    """A reference line's label (a target's deadline, a required share) drawn over the curves and
    bands it crosses on a white, slightly transparent ground, so that it stays legible where the
    data runs through it (a printed appendix showed "12小时目标" crossed by the curve)."""
    ground = {"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8}
    ax.text(x, y, label, bbox=ground, zorder=5, **style)


def _figure(size: tuple[float, float] = (8.0, 5.0)) -> Figure:
    register()
    return Figure(figsize=size, dpi=150, layout="constrained")


def _finish(
    fig: Figure, res: Results, lang: str, title_key: str, note_keys: tuple[str, ...] = (), **fields: object
) -> Figure:
    """Title and notes (`fields` fill their placeholders), then the source line."""
    fig.suptitle(text(title_key, lang, **fields), fontsize=13)
    notes = [text(k, lang, **fields) for k in note_keys] + [text("source", lang, **res.source_fields(lang))]
    # wrapped to the canvas: 7 pt text is about 3.8 pt a half-width cell, a CJK character two
    cells = int(fig.get_figwidth() * 72 / 3.8)
    notes = [line for note in notes for line in wrap_mixed(note, cells)]
    # As the figure's x label, so the constrained layout keeps it clear of the axes.
    fig.supxlabel("\n".join(notes), x=0.01, ha="left", fontsize=7, color="#444444", linespacing=1.4)
    return fig


def _t_band(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column means of a (reps x points) matrix with pointwise Student-t 95 % bounds."""
    n = matrix.shape[0]
    mean = matrix.mean(axis=0)
    if n < 2:
        return mean, mean, mean
    # the Student-t quantile as stats.t.ppf computes it (scipy.stats takes half a second to import)
    half = special.stdtrit(n - 1, 0.5 + metrics.CONFIDENCE / 2) * matrix.std(axis=0, ddof=1) / np.sqrt(n)
    return mean, mean - half, mean + half


def plt_patch(colour: str, alpha: float = 1.0, **style):
    """A legend key: a patch of `colour` (and any other Patch style: hatch, label, edgecolor)."""
    from matplotlib.patches import Patch

    return Patch(facecolor=colour, alpha=alpha, **style)


def title_fields(res: Results, figure: str, lang: str) -> dict[str, object]:
    """What a figure's title and notes fill in (the appendix's captions use the same)."""
    if figure != "relief_map" or not res.targets:
        return {}
    name, target = map_target(res)
    return {"h": target.deadline_h, "target": res.target_label(name, lang)}


def map_target(res: Results) -> tuple[str, TargetSettings]:
    """The relief target the map colours villages by: relief_10h if the run has it (the plans'
    10 h target), else its first relief target."""
    if "relief_10h" in res.targets:
        return "relief_10h", res.targets["relief_10h"]
    if not res.targets:
        raise Skip("skip.no_relief_target")
    return next(iter(res.targets.items()))
