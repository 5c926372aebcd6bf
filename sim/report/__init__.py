"""Charts and the plan appendix from saved results (a run or a sweep directory), in Chinese or English.

Reads result tables and the scenario; never imports the model or SimPy (import-linter
contract). `build(dir, langs, formats)` writes report/LANG/FIGURE.FORMAT, report/LANG/appendix.md
and report/LANG/appendix.pdf under the directory.
"""

from __future__ import annotations

from pathlib import Path

from sim.report.data import Results, load_results

FORMATS = ("png", "pdf", "svg")

__all__ = ["FORMATS", "Results", "build", "load_results"]


def build(
    directory: str | Path,
    langs: tuple[str, ...] = ("zh", "en"),
    formats: tuple[str, ...] = ("png",),
    out: str | Path | None = None,
) -> dict[str, dict[str, object]]:
    """Write every figure that the results support, in each language and format, and the appendix.

    Returns per language: {"figures": {name: [paths]}, "skipped": {name: reason key},
    "appendix": [md, pdf]}.
    """
    from sim.report import appendix
    from sim.report.figures import FIGURES, Skip

    res = load_results(directory)
    root = Path(out) if out is not None else Path(directory) / "report"
    done: dict[str, dict[str, object]] = {}
    for lang in langs:
        folder = root / lang
        folder.mkdir(parents=True, exist_ok=True)
        drawn, paths, skipped = {}, {}, {}
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
                if fmt in formats:
                    paths[name].append(path)
        md = appendix.write_markdown(
            res, lang, folder / "appendix.md", {n: folder / f"{n}.png" for n in drawn}, skipped
        )
        pdf = appendix.write_pdf(res, lang, folder / "appendix.pdf", drawn)
        done[lang] = {"figures": paths, "skipped": skipped, "appendix": [md, pdf]}
    return done


def _metadata(fmt: str) -> dict[str, object]:
    # No creation date in the files: the same results give byte-identical charts.
    if fmt == "pdf":
        return {"CreationDate": None, "Creator": "drsim"}
    if fmt == "svg":
        return {"Date": None, "Creator": "drsim"}
    if fmt == "png":
        return {"Software": "drsim"}
    return {}
