"""Saving a drawn chart in each requested format, and putting PDF pages together into one file.

A chart is drawn once, as PDF (its layout is solved there), and that PDF is the chart's own
file, the source of its PNG (rasterised by PDFium rather than drawn again by matplotlib) and
its page of the appendix: the appendix's other pages (title, tables, text) are set as PDF by
sim/report/typeset.py and the chart pages are copied in with pypdf, not drawn a second time
(drawing was nearly all of `drsim report`'s time; docs/performance.md has the figures).
Leaves out: any editing of the pages' content; fonts stay as each page embedded them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from matplotlib.figure import Figure

from sim.report.typeset import Sheet, write

# A page of a PDF being put together: a sheet of text still to set, or a PDF already drawn
# (bytes, every page of it).
Page = Sheet | bytes


def metadata(fmt: str) -> dict[str, object]:
    """Each format's file metadata, with no creation date: the same results give the same bytes."""
    if fmt == "pdf":
        return {"CreationDate": None, "Creator": "drsim"}
    if fmt == "svg":
        return {"Date": None, "Creator": "drsim"}
    if fmt == "png":
        return {"Software": "drsim"}
    return {}


def save_figure(fig: Figure, folder: Path, name: str, formats: Sequence[str]) -> tuple[bytes, list[Path]]:
    """Write `fig` as folder/NAME.FORMAT for each of `formats` and folder/NAME.png in any case
    (the Markdown appendix links it). Returns the chart as PDF bytes (its appendix page) and the
    paths of the requested formats."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="pdf", metadata=metadata("pdf"))
    # The layout is final after the first save: the other formats reuse it (the constrained
    # layout was a fifth of a chart's time, solved again at every save).
    fig.set_layout_engine("none")
    pdf = buffer.getvalue()
    paths = []
    for fmt in dict.fromkeys(("png", *formats)):
        path = folder / f"{name}.{fmt}"
        if fmt == "pdf":
            path.write_bytes(pdf)
        elif fmt == "png":
            _raster(pdf, path, fig.dpi)
        else:
            fig.savefig(path, format=fmt, metadata=metadata(fmt))
        if fmt in formats:
            paths.append(path)
    return pdf, paths


def _raster(pdf: bytes, path: Path, dpi: float) -> None:
    """The PNG from the chart's PDF (PDFium, through pypdfium2): the same pixels as matplotlib's
    Agg to the eye, at a third of the time of drawing the chart again."""
    import pypdfium2 as pdfium
    from PIL.PngImagePlugin import PngInfo

    doc = pdfium.PdfDocument(pdf)
    try:
        image = doc[0].render(scale=dpi / 72).to_pil()
    finally:
        doc.close()
    info = PngInfo()
    for key, value in metadata("png").items():
        info.add_text(key, str(value))
    image.save(path, format="png", dpi=(dpi, dpi), pnginfo=info)


def write_pdf(out: Path, pages: Sequence[Page], title: str) -> Path:
    """One PDF of `pages` in order: sheets set here (all in one file, so they share one font
    subset), PDFs copied in page by page. Same pages, same bytes (no date, no random id)."""
    from pypdf import PdfReader, PdfWriter

    sheets = [page for page in pages if isinstance(page, Sheet)]
    own = PdfReader(io.BytesIO(write(sheets))) if sheets else None
    writer, k = PdfWriter(), 0
    for page in pages:
        if isinstance(page, Sheet):
            assert own is not None
            writer.add_page(own.pages[k])
            k += 1
        else:
            writer.append(PdfReader(io.BytesIO(page)))
    writer.add_metadata({"/Title": title, "/Creator": "drsim", "/Producer": "drsim (matplotlib, pypdf)"})
    with open(out, "wb") as f:
        writer.write(f)
    return out
