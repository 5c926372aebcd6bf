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
from typing import TypedDict

from sim.report.data import Results, load_results

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
    them (each writes only its own folder; the files are the same either way): drawing is
    nearly all of the time, and two languages on two cores take half as long. The results,
    the drawing modules and the font are loaded once, before the processes fork, which share them.
    """
    res = load_results(directory)  # a bad directory is refused once, here, before any worker starts
    _load_drawing()
    root = Path(out) if out is not None else Path(directory) / "report"
    workers = min(len(langs), os.cpu_count() or 1)
    if workers < 2:
        return {lang: _build_language(res, lang, formats, root, sensitivity) for lang in langs}
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        _FORKED["res"] = res  # a forked worker finds it here: not pickled, not read again
        try:
            jobs = {lang: pool.submit(_build_in_worker, lang, formats, root, sensitivity) for lang in langs}
            return {lang: job.result() for lang, job in jobs.items()}
        finally:
            _FORKED.clear()


_FORKED: dict[str, Results] = {}


def _load_drawing() -> None:
    """Import matplotlib, the PDF libraries and the drawing modules and register the font (about
    a second of CPU), in the parent, so forked workers do not each do it again."""
    import importlib

    from sim.report.fonts import register

    for module in (
        "matplotlib.backends.backend_agg",
        "matplotlib.backends.backend_pdf",
        "pypdf",  # the appendix's page copying (sim/report/pages.py)
        "uharfbuzz",  # the appendix's font subset (sim/report/typeset.py)
        "pypdfium2",  # the charts' PNGs
        "PIL.PngImagePlugin",
        "sim.report.appendix",
        "sim.report.figures",
    ):
        importlib.import_module(module)
    register()
    from sim.report import typeset

    typeset.load()  # the font, for the appendix's text pages


def _build_in_worker(
    lang: str, formats: tuple[str, ...], root: Path, sensitivity: str | Path | None
) -> LanguageReport:
    return _build_language(_FORKED["res"], lang, formats, root, sensitivity)


def _build_language(
    res: Results,
    lang: str,
    formats: tuple[str, ...],
    root: Path,
    sensitivity: str | Path | None = None,
) -> LanguageReport:
    from sim.report import appendix
    from sim.report.figures import FIGURES, Skip
    from sim.report.pages import Page, save_figure

    folder = root / lang
    folder.mkdir(parents=True, exist_ok=True)
    drawn: dict[str, bytes] = {}  # each chart as PDF bytes, its appendix page
    paths: dict[str, list[Path]] = {}
    skipped: dict[str, str] = {}
    for name, draw in FIGURES.items():
        try:
            fig = draw(res, lang)
        except Skip as why:
            skipped[name] = str(why.args[0])
            continue
        drawn[name], paths[name] = save_figure(fig, folder, name, formats)
    study_md = ""
    study_pages: list[Page] = []
    if sensitivity is not None:
        from sim.report import sensitivity as study

        study_md, study_pages = study.draw_language(sensitivity, lang, formats, folder)
    md = appendix.write_markdown(
        res, lang, folder / "appendix.md", {n: folder / f"{n}.png" for n in drawn}, skipped, study_md
    )
    pdf = appendix.write_pdf(res, lang, folder / "appendix.pdf", list(drawn.values()), study_pages)
    return {"figures": paths, "skipped": skipped, "appendix": [md, pdf]}
