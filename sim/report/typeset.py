"""The appendix's own pages (title, tables, text) set directly as PDF: positioned lines of text in
Noto Sans SC, shaded rectangles and ruled lines, on A4 sheets.

matplotlib set these pages before, as figures with a text artist a cell: it shaped every string
twice (once to measure, once to draw) and wrote each glyph as a Type 3 procedure, 1.2-1.5 s of
CPU a language for pages that hold no chart (docs/performance.md). Here a string's width is the
sum of its characters' advances, and the font is embedded once a file as a CID-keyed CFF subset
cut by HarfBuzz (about 10 ms), with a ToUnicode map so that a reader's copy and paste and the
tests' text extraction (pdfplumber) see the words.

Coordinates are fractions of the sheet, origin bottom left, as a matplotlib figure's are, so the
pages' layout code did not change. Leaves out: kerning and ligatures (matplotlib applied none
with this font either: FreeType's kerning reads a `kern` table, which the font does not have),
vertical text, images; the charts stay matplotlib's and are copied in as PDF
(sim/report/pages.py).
"""

from __future__ import annotations

import hashlib
import io
import warnings
import zlib
from collections.abc import Callable, Iterable, Sequence
from functools import cache

A4_IN = (8.27, 11.69)
_PT = 72.0  # points per inch
_BLACK = (0.0, 0.0, 0.0)


class _Font:
    """What a page needs of the font: each character's CID and advance (per 1000 em), read when
    first set, and the vertical metrics of the em box (OS/2 typo ascender and descender: 880 and
    -120 for Noto Sans SC, so an em is one line of CJK text)."""

    def __init__(self) -> None:
        import uharfbuzz as hb
        from fontTools.ttLib import TTFont

        from sim.report.fonts import font_path

        self.face = hb.Face(hb.Blob(font_path().read_bytes()))
        self._hb = hb.Font(self.face)
        # The CFF is CID-keyed: glyph N is named cidNNNNN after its CID, which a subset keeps
        # (HarfBuzz renumbers glyphs, not CIDs), so the CID is the code a page's text uses.
        tables = TTFont(str(font_path()), lazy=True)
        self.cid = [int(name[3:]) if name.startswith("cid") else 0 for name in tables.getGlyphOrder()]
        head, os2 = tables["head"], tables["OS/2"]
        self.ascent, self.descent = int(os2.sTypoAscender), int(os2.sTypoDescender)
        self.bbox = (head.xMin, head.yMin, head.xMax, head.yMax)
        self.cap_height = int(os2.sCapHeight)
        self.glyphs: dict[str, tuple[int, int, int]] = {}  # character -> (glyph, CID, advance)

    def glyph(self, ch: str) -> tuple[int, int, int]:
        found = self.glyphs.get(ch)
        if found is None:
            gid = self._hb.get_nominal_glyph(ord(ch))
            if gid is None:
                # as matplotlib does for a missing glyph: a warning (the tests make it an error)
                warnings.warn(f"Glyph {ord(ch)} ({ch!r}) missing from font Noto Sans SC", stacklevel=4)
                gid = 0
            found = self.glyphs[ch] = (gid, self.cid[gid], self._hb.get_glyph_h_advance(gid))
        return found


@cache
def _font() -> _Font:
    return _Font()


def load() -> None:
    """Open the font (about 30 ms), e.g. before worker processes fork."""
    _font()


def _glyph(ch: str) -> tuple[int, int, int]:
    """(glyph id, CID, advance per 1000 em) of a character."""
    return _font().glyph(ch)


def width_pt(text: str, size_pt: float) -> float:
    """Width of one line of `text` set at `size_pt`, in points.

    >>> round(width_pt("中文", 10), 2)
    20.0
    """
    return sum(_glyph(ch)[2] for ch in text) * size_pt / 1000


def char_width(size_pt: float) -> Callable[[str], float]:
    """A character's advance at `size_pt`, in points (what line breaking measures lines with)."""
    return lambda ch: _glyph(ch)[2] * size_pt / 1000


class Sheet:
    """One page: text, filled rectangles and ruled lines, placed in fractions of the page."""

    def __init__(self, size_in: tuple[float, float] = A4_IN) -> None:
        self.size_in = size_in
        self.ops: list[str] = []  # the page's content stream, one operation a line
        self.chars: set[str] = set()  # every character set on the page (the font subset's)

    def copy(self) -> Sheet:
        """A sheet with this one's content, to add to without changing this one."""
        out = Sheet(self.size_in)
        out.ops, out.chars = list(self.ops), set(self.chars)
        return out

    def _xy(self, x: float, y: float) -> tuple[float, float]:
        return x * self.size_in[0] * _PT, y * self.size_in[1] * _PT

    def text(
        self,
        x: float,
        y: float,
        s: str,
        size: float,
        ha: str = "left",
        va: str = "baseline",
        linespacing: float = 1.2,
    ) -> None:
        """Lines of `s` (split at newlines), one every `linespacing` sizes, each aligned at x by
        `ha` (left, center, right); `va` places the block at y by the em box of its first line
        (top), of its last line (bottom), its middle (center) or the first baseline (baseline)."""
        lines = s.split("\n")
        font = _font()
        ascent, descent = font.ascent * size / 1000, -font.descent * size / 1000
        step = linespacing * size
        px, py = self._xy(x, y)
        block = ascent + descent + step * (len(lines) - 1)
        first = {
            "baseline": py,
            "top": py - ascent,
            "bottom": py + descent + step * (len(lines) - 1),
            "center": py + block / 2 - ascent,
        }[va]
        for i, line in enumerate(lines):
            if not line:
                continue
            shift = 0.0 if ha == "left" else width_pt(line, size) * {"center": 0.5, "right": 1.0}[ha]
            cids = "".join(f"{_glyph(ch)[1]:04X}" for ch in line)
            self.chars.update(line)
            at = f"{_num(px - shift)} {_num(first - i * step)}"
            self.ops.append(f"BT /F1 {_num(size)} Tf {at} Td <{cids}> Tj ET")

    def rect(self, x: float, y: float, w: float, h: float, fill: tuple[float, float, float]) -> None:
        """A filled rectangle with its lower left corner at (x, y), no border."""
        (x0, y0), (x1, y1) = self._xy(x, y), self._xy(x + w, y + h)
        self.ops.append(f"q {_rgb(fill)} rg {_num(x0)} {_num(y0)} {_num(x1 - x0)} {_num(y1 - y0)} re f Q")

    def lines(
        self, segments: Iterable[tuple[tuple[float, float], tuple[float, float]]],
        color: tuple[float, float, float] = _BLACK, width: float = 0.6,
    ) -> None:  # fmt: skip
        """Straight lines between pairs of points, `width` points wide."""
        path = []
        for a, b in segments:
            (x0, y0), (x1, y1) = self._xy(*a), self._xy(*b)
            path.append(f"{_num(x0)} {_num(y0)} m {_num(x1)} {_num(y1)} l")
        self.ops.append(f"q {_rgb(color)} RG {_num(width)} w {' '.join(path)} S Q")


def _num(v: float) -> str:
    """A PDF number with two decimals at most (1/7200 in): short and the same on every machine."""
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _rgb(c: tuple[float, float, float]) -> str:
    return " ".join(_num(v) for v in c)


def color(hex_rgb: str) -> tuple[float, float, float]:
    """'#e8e8e8' -> (232/255, 232/255, 232/255)."""
    h = hex_rgb.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return (r, g, b)


def _subset(gids: Sequence[int]) -> bytes:
    """The font's CFF table cut to `gids` (and .notdef) by HarfBuzz, still CID-keyed: a text's
    codes are the glyphs' CIDs (Identity-H), whatever their order in the subset. (fontTools'
    subsetter did the same in 0.2-0.4 s a language; HarfBuzz takes about 10 ms.)"""
    import uharfbuzz as hb

    wanted = hb.SubsetInput()
    for gid in gids:
        wanted.glyph_set.add(gid)
    return hb.subset(_font().face, wanted).reference_table("CFF ").data


def _to_unicode(pairs: Sequence[tuple[int, str]]) -> bytes:
    """The CMap from CIDs back to characters (what copy and paste and text extraction read)."""
    body = []
    for start in range(0, len(pairs), 100):  # at most 100 entries a block (the CMap spec)
        chunk = pairs[start : start + 100]
        body.append(f"{len(chunk)} beginbfchar")
        body += [f"<{cid:04X}> <{''.join(f'{u:04X}' for u in _utf16(ch))}>" for cid, ch in chunk]
        body.append("endbfchar")
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
            "1 begincodespacerange <0000> <FFFF> endcodespacerange",
            *body,
            "endcmap CMapName currentdict /CMap defineresource pop end end",
        ]
    ).encode("ascii")


def _utf16(ch: str) -> list[int]:
    b = ch.encode("utf-16-be")
    return [int.from_bytes(b[i : i + 2], "big") for i in range(0, len(b), 2)]


def _widths(cids: Sequence[tuple[int, int]]) -> str:
    """/W: each CID's advance, in runs of consecutive CIDs."""
    out, run_start, run = [], None, []
    for cid, adv in cids:
        if run_start is not None and cid == run_start + len(run):
            run.append(adv)
            continue
        if run_start is not None:
            out.append(f"{run_start} [{' '.join(map(str, run))}]")
        run_start, run = cid, [adv]
    if run_start is not None:
        out.append(f"{run_start} [{' '.join(map(str, run))}]")
    return " ".join(out)


def write(sheets: Sequence[Sheet], title: str = "") -> bytes:
    """One PDF of `sheets` in order, sharing one font subset. Same sheets, same bytes: no date,
    no random id, the subset's tag a hash of its glyphs."""
    font = _font()
    chars = sorted({ch for s in sheets for ch in s.chars} | {" "})
    cff = _subset(sorted({_glyph(ch)[0] for ch in chars} | {0}))
    tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(cff).digest()[:6])
    name = f"/{tag}+NotoSansSC-Regular"

    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def stream(data: bytes, extra: str = "") -> bytes:
        packed = zlib.compress(data, 6)
        head = f"<< /Length {len(packed)} /Filter /FlateDecode{extra} >>\nstream\n"
        return head.encode() + packed + b"\nendstream"

    seen: dict[int, str] = {}
    for ch in chars:
        seen.setdefault(_glyph(ch)[1], ch)
    advance = {cid: adv for _, cid, adv in (_glyph(ch) for ch in chars)}
    font_file = add(stream(cff, " /Subtype /CIDFontType0C"))
    bbox = " ".join(map(str, font.bbox))
    descriptor = add(
        f"<< /Type /FontDescriptor /FontName {name} /Flags 4 /FontBBox [{bbox}] /ItalicAngle 0 "
        f"/Ascent {font.ascent} /Descent {font.descent} /CapHeight {font.cap_height} /StemV 80 "
        f"/FontFile3 {font_file} 0 R >>".encode()
    )
    cid_font = add(
        f"<< /Type /Font /Subtype /CIDFontType0 /BaseFont {name} "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        f"/FontDescriptor {descriptor} 0 R /DW 1000 /W [{_widths(sorted(advance.items()))}] >>".encode()
    )
    to_unicode = add(stream(_to_unicode(sorted(seen.items()))))
    type0 = add(
        f"<< /Type /Font /Subtype /Type0 /BaseFont {name} /Encoding /Identity-H "
        f"/DescendantFonts [{cid_font} 0 R] /ToUnicode {to_unicode} 0 R >>".encode()
    )
    pages_id = len(objects) + 2 * len(sheets) + 1  # right after the pages and their contents
    kids = []
    for sheet in sheets:
        w, h = (_num(v * _PT) for v in sheet.size_in)
        contents = add(stream(("0 g\n" + "\n".join(sheet.ops)).encode("ascii")))
        kids.append(
            add(
                f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 {w} {h}] "
                f"/Resources << /Font << /F1 {type0} 0 R >> >> /Contents {contents} 0 R >>".encode()
            )
        )
    add(f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode())
    catalog = add(f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode())
    info = add(b"<< /Producer (drsim) /Title " + _pdf_string(title) + b" >>")

    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    out.write("".join(f"{o:010d} 00000 n \n" for o in offsets).encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R /Info {info} 0 R >>\n".encode())
    out.write(f"startxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def _pdf_string(s: str) -> bytes:
    """A PDF text string: UTF-16BE with its byte-order mark, as hex (any language, no escaping)."""
    return b"<FEFF" + s.encode("utf-16-be").hex().upper().encode() + b">"
