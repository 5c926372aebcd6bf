"""`drsim report`: charts, the plan appendix or the offline HTML view from a saved run,
sweep or study folder (sim/report/; the model is never run)."""

from __future__ import annotations

from pathlib import Path

from sim import outdir
from sim.cli.args import _parse
from sim.errors import InputError, Problem, require_package

# What `drsim report` imports from the [report] extra (pyproject.toml), by module name.
REPORT_PACKAGES = ("matplotlib", "pypdf", "pypdfium2", "uharfbuzz", "fontTools", "pylopdf_fonts_zh_cn")


def cmd_report(args: list[str]) -> int:
    """Charts and the appendix from a saved run or sweep directory (no model run)."""
    import argparse

    for module in REPORT_PACKAGES:  # an install from before a package joined the extra says so
        require_package(module, "drsim report (charts)", "pip install 'drsim[report]'")
    from sim.report import FORMATS, build
    from sim.report.i18n import LANGS, text

    parser = argparse.ArgumentParser(
        prog="drsim report", description="Charts and appendix from saved results."
    )
    parser.add_argument(
        "dir", help="a run (drsim run), sweep (drsim sweep) or study (drsim sensitivity) directory"
    )
    parser.add_argument("--lang", default="zh,en", help="zh, en or zh,en (default: both)")
    parser.add_argument("--format", default="png,pdf,svg", help="any of png,pdf,svg (default: all three)")
    parser.add_argument("--out", default=None, help="folder to write to (default: DIR/report)")
    parser.add_argument(
        "--sensitivity",
        default=None,
        help="a study folder (drsim sensitivity): its section 'What this answer depends on' and "
        "charts join the appendix",
    )
    parser.add_argument(
        "--html",
        action="store_true",
        help="write the offline interactive view (view-LANG.html: map, time replay, tables) "
        "instead of the figures",
    )
    ns = _parse(parser, args)
    langs = tuple(x.strip() for x in ns.lang.split(",") if x.strip())
    formats = tuple(x.strip() for x in ns.format.split(",") if x.strip())
    problems = [Problem("--lang", x, f"one of {', '.join(LANGS)}") for x in langs if x not in LANGS]
    problems += [Problem("--format", x, f"one of {', '.join(FORMATS)}") for x in formats if x not in FORMATS]
    if ns.html and ns.sensitivity is not None:
        problems.append(Problem("--sensitivity", ns.sensitivity, "not with --html: the view holds no study"))
    if problems or not langs or not formats:
        raise InputError(problems or [Problem("--lang/--format", "", "at least one value")])
    if ns.sensitivity is not None:  # refused before any drawing
        from sim.report.sensitivity import study_folder

        study_folder(ns.sensitivity, "command line --sensitivity")
    root = Path(ns.out) if ns.out is not None else Path(ns.dir) / "report"
    where = "command line --out" if ns.out is not None else "report folder (DIR/report)"
    if ns.html:
        require_package("plotly", "drsim report --html", "pip install 'drsim[report]'")
        from sim.report import html

        for path in html.build(ns.dir, langs, root, where):
            print(f"{path} ({path.stat().st_size / 1e6:.1f} MB, opens offline in any browser)")
        return 0
    if (Path(ns.dir) / "sensitivity.json").is_file():  # a study's charts and appendix section
        from sim.report import sensitivity

        with outdir.staged(root, "report", replace=True, where=where) as stage:
            drawn = sensitivity.build(ns.dir, langs, formats, stage)
        for lang, names in drawn.items():
            print(f"{lang}: {', '.join(names)} in {root / lang}")
        return 0
    # written whole beside the old report, then swapped in: a failed report leaves the old one
    with outdir.staged(root, "report", replace=True, where=where) as stage:
        done = build(ns.dir, langs, formats, stage, sensitivity=ns.sensitivity)
    for lang, parts in done.items():
        figures = parts["figures"]
        assert isinstance(figures, dict) and isinstance(parts["skipped"], dict)
        appendix = str(parts["appendix"][0]).replace(str(stage), str(root))
        print(f"{lang}: {len(figures)} figures x {len(formats)} formats, appendix {appendix}")
        for name, reason in parts["skipped"].items():
            print(f"  {name}: not drawn ({text(str(reason), 'en')})")
    return 0
