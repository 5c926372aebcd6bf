"""Sweep charts, one point or bar per case: cost against P(the focus target holds) with the
frontier (budget_frontier, every case labelled clear of the points and of each other by
place_labels), and P(holds) per case and target side by side (case_compliance).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.report.data import Results
from sim.report.figures.common import TARGET_COLOURS, Skip, _figure, _finish
from sim.report.i18n import limit_text, text
from sim.report.linebreak import wrap_mixed


def case_table(cases: pd.DataFrame, target: str) -> pd.DataFrame:
    """Per case: cost_yuan, P(target holds) with its interval and n, frontier flag (cases.csv)."""
    wide = cases.set_index(["case", "measure"])
    order = list(dict.fromkeys(cases["case"]))
    p = wide.xs(f"{target}_p_holds", level="measure")
    out = pd.DataFrame(
        {
            "cost_yuan": wide.xs("cost_yuan", level="measure")["estimate"],
            "p_holds": p["estimate"],
            "ci_low": p["ci_low"],
            "ci_high": p["ci_high"],
            "n": p["n"],
        }
    ).reindex(order)
    if "frontier" in set(cases["measure"]):
        out["frontier"] = wide.xs("frontier", level="measure")["estimate"].reindex(order).astype(float) > 0
    return out


def budget_frontier(res: Results, lang: str) -> Figure:
    if res.cases is None:
        raise Skip("skip.no_cases")
    focus = res.meta.get("focus_target") or next(iter(res.targets))
    table = case_table(res.cases, focus)
    fig = _figure()
    ax = fig.add_subplot()
    x = table["cost_yuan"] / 1e6
    y = table["p_holds"] * 100
    err = np.vstack([y - table["ci_low"] * 100, table["ci_high"] * 100 - y])
    on = table.get("frontier", pd.Series(False, index=table.index)).to_numpy(dtype=bool)
    ax.errorbar(
        x, y, yerr=err, fmt="o", color="#4575b4", ecolor="#4575b4", capsize=3, label=text("case_point", lang)
    )
    front = table[on].sort_values("cost_yuan")
    ax.step(
        front["cost_yuan"] / 1e6,
        front["p_holds"] * 100,
        where="post",
        color="#d73027",
        lw=1.5,
        label=text("frontier_line", lang),
    )
    target = res.settings.targets.get(focus)
    ax.set_title(
        res.target_label(focus, lang)
        + (f" ({limit_text(target, lang)}, ≥{target.required_share:.0%})" if target else ""),
        fontsize=9,
    )
    ax.set(ylim=(-2, 102), xlabel=text("axis.cost", lang), ylabel=text("axis.p_holds", lang))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    _finish(fig, res, lang, "frontier.title", ("note.frontier",))
    # Every case labelled, frontier cases in the frontier's colour; placed once the layout is final.
    colours = ["#d73027" if f else "#333333" for f in on]
    names = [res.case_label(str(c), lang) for c in table.index]
    place_labels(ax, list(zip(x, y, strict=True)), names, colours)
    return fig


LABEL_PAD_PX = 2.0  # clear space kept around each label box and point marker
MARKER_PX = 5.0  # half the side of the box kept free around each point's marker


def place_labels(
    ax, points: list[tuple[float, float]], names: list[str], colours: list[str], fontsize: float = 8.0
) -> list:
    """Label every point (data coordinates) with its name, no two labels overlapping, none over
    another point's marker or the legend, all inside the axes (so inside the canvas).

    Points drawn at the same spot (within a marker's width) share one label listing every name
    (two sweep cases of the same cost and P hid each other before). Each label takes the free
    position nearest its point among a grid over the whole axes, so one is always found while
    the axes have room; a label set apart from its point gets a leader line. Fonts shrink a step
    at a time if the axes are full. Call it after the figure's layout is final: it fixes the
    layout (the constrained layout would otherwise move the axes under the placed labels)."""
    fig = ax.figure
    renderer = _renderer(fig)
    fig.set_layout_engine("none")
    xy = ax.transData.transform(np.asarray(points, dtype=float).reshape(-1, 2))
    groups: list[tuple[np.ndarray, list[str], str]] = []
    for i in np.argsort(xy[:, 0], kind="stable"):
        for at, group_names, _ in groups:
            if np.all(np.abs(at - xy[i]) <= MARKER_PX):
                group_names.append(names[i])
                break
        else:
            groups.append((xy[i], [names[i]], colours[i]))
    frame = ax.get_window_extent(renderer)
    markers = [(p[0] - MARKER_PX, p[1] - MARKER_PX, p[0] + MARKER_PX, p[1] + MARKER_PX) for p in xy]
    legend = ax.get_legend()
    fixed = markers + ([tuple(legend.get_window_extent(renderer).extents)] if legend else [])
    size = fontsize
    while True:
        boxes = _free_boxes(ax, renderer, frame, groups, fixed, size)
        if boxes is not None or size <= 4:
            break
        size -= 1
    if boxes is None:
        raise ValueError(f"{len(groups)} labels do not fit in the axes")
    out = []
    px_per_pt = fig.dpi / 72
    for (at, _, colour), (box, label) in zip(groups, boxes, strict=True):
        centre = np.array([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2])
        apart = _gap(np.array(box), at)[0] > 3 * LABEL_PAD_PX
        out.append(
            ax.annotate(
                label,
                xy=ax.transData.inverted().transform(at),
                xytext=tuple((centre - at) / px_per_pt),
                textcoords="offset points",
                ha="center",
                va="center",
                fontsize=size,
                color=colour,
                linespacing=1.1,
                arrowprops={"arrowstyle": "-", "color": colour, "lw": 0.6, "shrinkA": 0, "shrinkB": 4}
                if apart
                else None,
            )
        )
    return out


def _renderer(fig: Figure):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()  # runs the layout engine: the axes are where they will be saved
    return canvas.get_renderer()


def _gap(boxes: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Distance in pixels from a point to each box (rows x0, y0, x1, y1), 0 inside it."""
    boxes = np.atleast_2d(boxes)
    dx = np.maximum.reduce([boxes[:, 0] - at[0], np.zeros(len(boxes)), at[0] - boxes[:, 2]])
    dy = np.maximum.reduce([boxes[:, 1] - at[1], np.zeros(len(boxes)), at[1] - boxes[:, 3]])
    return np.hypot(dx, dy)


def _free_boxes(ax, renderer, frame, groups, fixed, size: float):
    """Per group (its box in pixels, its text) or None when one finds no free place."""
    taken = [np.array(b) for b in fixed]
    out = []
    for at, names, _ in groups:
        label = "\n".join(wrap_mixed(", ".join(names), 28))
        probe = ax.text(0, 0, label, fontsize=size, linespacing=1.1, transform=None)
        ext = probe.get_window_extent(renderer)
        probe.remove()
        w, h = ext.width + 2 * LABEL_PAD_PX, ext.height + 2 * LABEL_PAD_PX
        # lower-left corners on a grid over the axes, the box wholly inside them
        xs = np.arange(frame.x0 + 1, frame.x1 - w - 1, max(h / 3, 2.0))
        ys = np.arange(frame.y0 + 1, frame.y1 - h - 1, max(h / 3, 2.0))
        if xs.size == 0 or ys.size == 0:
            return None
        gx, gy = np.meshgrid(xs, ys)
        cand = np.column_stack([gx.ravel(), gy.ravel(), gx.ravel() + w, gy.ravel() + h])
        # the label's own marker is an obstacle too: a label must not cover its point
        own = np.array([at[0] - MARKER_PX, at[1] - MARKER_PX, at[0] + MARKER_PX, at[1] + MARKER_PX])
        others = np.array([*taken, own])
        clash = (
            (cand[:, None, 0] < others[None, :, 2])
            & (cand[:, None, 2] > others[None, :, 0])
            & (cand[:, None, 1] < others[None, :, 3])
            & (cand[:, None, 3] > others[None, :, 1])
        ).any(axis=1)
        free = cand[~clash]
        if free.size == 0:
            return None
        # nearest first; of equals, the one level with the point
        best = free[int(np.argmin(_gap(free, at) + 1e-3 * np.abs(free[:, 1] - at[1])))]
        taken.append(best)
        out.append(((best[0] + LABEL_PAD_PX, best[1] + LABEL_PAD_PX, best[2] - LABEL_PAD_PX,
                     best[3] - LABEL_PAD_PX), label))  # fmt: skip
    return out


def case_compliance(res: Results, lang: str) -> Figure:
    """(sweep) P(holds) with its Wilson interval for every case and relief target (and the focus
    target of another kind), side by side."""
    if res.cases is None:
        raise Skip("skip.no_cases")
    targets = res.case_targets
    tables = {name: case_table(res.cases, name) for name in targets}
    order = list(next(iter(tables.values())).index)
    fig = _figure((8.0, 2.0 + 0.35 * len(order)))
    ax = fig.add_subplot()
    y = np.arange(len(order))
    step = 0.8 / max(len(targets), 1)
    colours = [TARGET_COLOURS[i % len(TARGET_COLOURS)] for i in range(len(targets))]
    for i, (name, colour) in enumerate(zip(targets, colours, strict=True)):
        tab = tables[name].reindex(order)
        p = tab["p_holds"].to_numpy(dtype=float) * 100
        err = np.vstack(
            [p - tab["ci_low"].to_numpy(dtype=float) * 100, tab["ci_high"].to_numpy(dtype=float) * 100 - p]
        )
        marker = "os^"[i % 3]
        ax.errorbar(
            p,
            y - 0.4 + step * (i + 0.5),
            xerr=err,
            fmt=marker,
            color=colour,
            capsize=2,
            label=res.target_label(name, lang),
        )
    cost = next(iter(tables.values()))["cost_yuan"].reindex(order) / 1e6
    names = [res.case_label(str(c), lang) for c in order]
    ax.set_yticks(y, [f"{c}  ({m:.2f})" for c, m in zip(names, cost, strict=True)], fontsize=8)
    ax.invert_yaxis()
    ax.set(xlim=(-2, 102), xlabel=text("axis.p_holds", lang), ylabel=text("axis.case_cost", lang))
    ax.grid(axis="x", alpha=0.3)
    # Above the axes (an axes legend, so the constrained layout makes room for it).
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=len(targets), fontsize=8, frameon=False)
    return _finish(fig, res, lang, "cases_holds.title", ("note.cases",))
