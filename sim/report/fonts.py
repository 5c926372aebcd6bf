"""One typeface for every chart, Chinese or English: Noto Sans SC, installed with pip.

The font ships in the `pylopdf-fonts-zh-cn` wheel (SIL Open Font License 1.1; Noto Sans SC
Regular from notofonts/noto-cjk, 8.3 MB OTF), so a planner's machine or CI needs no system
package. It is registered with matplotlib's font manager explicitly by file, so a chart
never falls back silently to a font without Chinese glyphs (a missing glyph is a warning,
which the tests turn into an error).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

FAMILY = "Noto Sans SC"


@cache
def font_path() -> Path:
    import pylopdf_fonts_zh_cn

    path = Path(pylopdf_fonts_zh_cn.__file__).with_name("NotoSansSC-Regular.otf")
    if not path.is_file():
        raise FileNotFoundError(f"{path}: Noto Sans SC missing; reinstall drsim with the [report] extra")
    return path


@cache
def register() -> str:
    """Add the font to matplotlib's manager and make it the default; return its family name."""
    import matplotlib as mpl
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(font_path()))
    name = font_manager.FontProperties(fname=str(font_path())).get_name()
    mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["font.sans-serif"] = [name]
    # The font has no U+2212 minus sign; the ASCII hyphen-minus keeps negative ticks legible.
    mpl.rcParams["axes.unicode_minus"] = False
    # Type 3 (glyph outlines): the font's outlines are CFF, which matplotlib's Type 42 path would
    # embed as a TrueType stream (/FontFile2 holding 'OTTO'), invalid PDF that some viewers reject.
    mpl.rcParams["pdf.fonttype"] = 3
    mpl.rcParams["svg.hashsalt"] = "drsim"  # fixed element ids: the same results give the same SVG bytes
    mpl.rcParams["svg.fonttype"] = "path"  # an SVG pasted into a plan renders without the font installed
    return name
