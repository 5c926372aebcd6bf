"""Charts and the plan appendix from saved results (a run or a sweep directory), in Chinese or English.

Reads result tables and the scenario; never imports the model or SimPy (import-linter
contract). `build(dir, langs, formats)` writes report/LANG/FIGURE.FORMAT, report/LANG/appendix.md
and report/LANG/appendix.pdf under the directory; `html.build` (drsim report --html) writes the
offline interactive view, report/view-LANG.html (sim/report/html.py).
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from sim.report.data import Results, load_results

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FORMATS = ("png", "pdf", "svg")


class LanguageReport(TypedDict):
    """What `build` wrote in one language."""

    figures: dict[str, list[Path]]  # figure name -> its files, one per format
    skipped: dict[str, str]  # figure name -> the text key of why the results cannot draw it
    appendix: list[Path]  # [appendix.md, appendix.pdf]


__all__ = ["FORMATS", "Results", "build", "load_results"]


def build(
    directory: str | Path,
    langs: tuple[str, ...] = ("zh", "en"),
    formats: tuple[str, ...] = ("png",),
    out: str | Path | None = None,
    sensitivity: str | Path | None = None,
) -> dict[str, LanguageReport]:
    """Write every figure that the results support, in each language and format, and the appendix.
    `sensitivity`: a study folder (drsim sensitivity) whose section "What this answer depends on"
    and charts join the appendix (Markdown and PDF) before the assumptions.

    Returns per language: {"figures": {name: [paths]}, "skipped": {name: reason key},
    "appendix": [md, pdf]}. Languages are drawn in parallel processes when there are cores for
    them (each writes only its own folder; the files are the same either way): rendering is
    nearly all of the time, and two languages on two cores take half as long.
    """
    res = load_results(directory)  # a bad directory is refused once, here, before any worker starts
    root = Path(out) if out is not None else Path(directory) / "report"
    workers = min(len(langs), os.cpu_count() or 1)
    if workers < 2:
        return {lang: _build_language(directory, lang, formats, root, sensitivity, res) for lang in langs}
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        jobs = {
            lang: pool.submit(_build_language, directory, lang, formats, root, sensitivity) for lang in langs
        }
        return {lang: job.result() for lang, job in jobs.items()}


def _build_language(
    directory: str | Path,
    lang: str,
    formats: tuple[str, ...],
    root: Path,
    sensitivity: str | Path | None = None,
    res: Results | None = None,
) -> LanguageReport:
    from sim.report import appendix
    from sim.report.figures import FIGURES, Skip

    res = res if res is not None else load_results(directory)  # a worker process reads its own
    folder = root / lang
    folder.mkdir(parents=True, exist_ok=True)
    drawn: dict[str, Figure] = {}
    paths: dict[str, list[Path]] = {}
    skipped: dict[str, str] = {}
    for name, draw in FIGURES.items():
        try:
            fig = draw(res, lang)
        except Skip as why:
            skipped[name] = str(why.args[0])
            continue
        drawn[name] = fig
        paths[name] = []
        for fmt in dict.fromkeys(("png", *formats)):  # the Markdown appendix links the PNG
            path = folder / f"{name}.{fmt}"
            fig.savefig(path, format=fmt, metadata=_metadata(fmt))
            # The layout is final after the first save: the other formats and the appendix's PDF
            # page reuse it (the constrained layout was a fifth of the time, solved once a save).
            fig.set_layout_engine("none")
            if fmt in formats:
                paths[name].append(path)
    study_md = ""
    study_pages: list[Figure] = []
    if sensitivity is not None:
        from sim.report import sensitivity as study

        study_md, study_pages = study.draw_language(sensitivity, lang, formats, folder)
    md = appendix.write_markdown(
        res, lang, folder / "appendix.md", {n: folder / f"{n}.png" for n in drawn}, skipped, study_md
    )
    pdf = appendix.write_pdf(res, lang, folder / "appendix.pdf", drawn, study_pages)
    return {"figures": paths, "skipped": skipped, "appendix": [md, pdf]}


def _metadata(fmt: str) -> dict[str, object]:
    # No creation date in the files: the same results give byte-identical charts.
    if fmt == "pdf":
        return {"CreationDate": None, "Creator": "drsim"}
    if fmt == "svg":
        return {"Date": None, "Creator": "drsim"}
    if fmt == "png":
        return {"Software": "drsim"}
    return {}
