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
from typing import TYPE_CHECKING, cast

from matplotlib.figure import Figure

from sim.report.typeset import A4_IN, Sheet, write

if TYPE_CHECKING:
    from pypdf import PageObject, PdfWriter

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


def write_pdf(out: Path, pages: Sequence[Page], title: str, number: str = "") -> Path:
    """One A4 PDF of `pages` in order: sheets set here (all in one file, so they share one font
    subset), and each page of a chart's PDF placed on an A4 page of its own, scaled to fit within
    the margins (never enlarged), at the top, as a form XObject (its content is not re-parsed:
    pypdf's merge_transformed_page took 0.5 s for eight charts and doubled the file). `number`:
    the page numbers' words with {k} and {n} (e.g. "Page {k} of {n}"), at the foot of every
    page. Same pages, same bytes (no date, no random id)."""
    from pypdf import PdfReader, PdfWriter

    sheets: list[Sheet] = []
    charts: dict[int, PageObject] = {}  # sheet index -> the chart page placed on it
    for page in pages:
        if isinstance(page, Sheet):
            sheets.append(page.copy())
            continue
        for chart in PdfReader(io.BytesIO(page)).pages:
            charts[len(sheets)] = chart
            sheets.append(Sheet(A4_IN))
    if number:
        for k, sheet in enumerate(sheets, start=1):
            sheet.text(0.5, 0.03, number.format(k=k, n=len(sheets)), 8, ha="center")
    own = PdfReader(io.BytesIO(write(sheets)))
    writer = PdfWriter()
    for k, sheet in enumerate(sheets):
        added = writer.add_page(own.pages[k])
        if k in charts:
            _place(writer, added, charts[k], sheet.size_in)
    writer.add_metadata(
        {"/Title": title, "/Creator": "drsim", "/Producer": "drsim (matplotlib, pypdf, HarfBuzz)"}
    )
    with open(out, "wb") as f:
        writer.write(f)
    return out


def _place(writer: PdfWriter, page: PageObject, chart: PageObject, size_in: tuple[float, float]) -> None:
    """Draw `chart` on `page` as a form XObject: centred, its top 0.5 in below the page's, at
    most 0.84 of the page's width and 0.85 of its height."""
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        StreamObject,
    )

    width, height = (v * 72 for v in size_in)
    w, h = float(chart.mediabox.width), float(chart.mediabox.height)
    scale = min(0.84 * width / w, 0.85 * height / h, 1.0)
    x, y = (width - w * scale) / 2, height - 36 - h * scale
    contents = chart["/Contents"].get_object()
    if isinstance(contents, StreamObject):
        form = contents.clone(writer)  # the stream as it is, still compressed
    else:  # an array of streams (not matplotlib's way): one stream of their content
        form = DecodedStreamObject()
        parts = cast(ArrayObject, contents)
        form.set_data(b"\n".join(cast(StreamObject, c.get_object()).get_data() for c in parts))
        form = cast(StreamObject, writer._add_object(form).get_object())
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject([FloatObject(0), FloatObject(0), FloatObject(w), FloatObject(h)])
    form[NameObject("/Resources")] = chart["/Resources"].clone(writer)
    resources = cast(DictionaryObject, page["/Resources"].get_object())
    resources[NameObject("/XObject")] = DictionaryObject({NameObject("/Chart"): form.indirect_reference})
    draw = DecodedStreamObject()
    draw.set_data(f"q {scale:.5f} 0 0 {scale:.5f} {x:.2f} {y:.2f} cm /Chart Do Q".encode())
    # the page number's stream by reference: a stream inside an array must be indirect
    page[NameObject("/Contents")] = ArrayObject([page.raw_get("/Contents"), writer._add_object(draw)])
