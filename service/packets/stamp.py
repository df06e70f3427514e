"""Stamp every page: "Trang x/y · CODE" and the QR code in the bottom-right corner, as vector operators.

The stamp is appended to each page's /Contents as its own stream (the original content wrapped in
q … Q so its graphics state cannot leak), inside an /Artifact marked-content block so tagged PDFs
stay clean.  Nothing of the page is parsed, so a page costs well under a millisecond.
"""
from __future__ import annotations

import io
import re
from functools import lru_cache

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, IndirectObject,
                           NameObject)

from .fonts import SANS, finish, font_path, new_document
from .qr import qr_runs

MM = 72 / 25.4
QR_SIZE = 15 * MM           # the symbol itself; with its 4-module quiet zone ≈ 20 mm
QR_MARGIN = 5 * MM          # from the symbol to the page's right and bottom edges (printers' dead zone)
TEXT_SIZE = 7.5
FONT_NAME = NameObject("/KDStampFont")
# Every character a stamp line may use ("Trang 12/345 · D0042").
STAMP_CHARS = "Trang 0123456789/·-ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@lru_cache(maxsize=1)
def _font_source() -> tuple[bytes, dict[str, tuple[bytes, float]]]:
    """A one-page PDF whose subset font has the stamp's glyphs, and char → (code, width/1000)."""
    pdf = new_document()
    pdf.add_font("Sans", "", font_path(SANS))
    pdf.add_page()
    pdf.set_font("Sans", size=8)
    pdf.text(10, 10, STAMP_CHARS)
    data = finish(pdf)
    font = _font_ref(PdfReader(io.BytesIO(data))).get_object()
    to_unicode = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    codes = {chr(int(uni, 16)): int(cid, 16)
             for cid, uni in re.findall(r"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]{4})>", to_unicode)}
    widths, default = _widths(font["/DescendantFonts"][0].get_object())
    glyphs = {}
    for char in STAMP_CHARS:
        cid = codes[char]  # KeyError here means fpdf2 changed how it subsets: fail loudly
        glyphs[char] = (cid.to_bytes(2, "big"), widths.get(cid, default) / 1000)
    return data, glyphs


def _font_ref(reader: PdfReader) -> IndirectObject:
    fonts = reader.pages[0]["/Resources"]["/Font"]
    return fonts.raw_get(next(iter(fonts)))


def _widths(cid_font: DictionaryObject) -> tuple[dict[int, float], float]:
    """A CIDFont's /W array as cid → width (both forms: c [w …] and c_first c_last w), and /DW."""
    default = float(cid_font.get("/DW", 1000))
    out: dict[int, float] = {}
    w = list(cid_font.get("/W", []))
    i = 0
    while i < len(w):
        first = int(w[i])
        nxt = w[i + 1].get_object()
        if isinstance(nxt, list):
            for k, width in enumerate(nxt):
                out[first + k] = float(width)
            i += 2
        else:
            for cid in range(first, int(nxt) + 1):
                out[cid] = float(w[i + 2])
            i += 3
    return out, default


class Stamper:
    """Adds the stamp to pages of one writer (imports the stamp font into it once)."""

    def __init__(self, writer: PdfWriter) -> None:
        self.writer = writer
        data, self.glyphs = _font_source()
        self.font = _font_ref(PdfReader(io.BytesIO(data))).clone(writer)  # an IndirectObject in the writer
        opening = DecodedStreamObject()
        opening.set_data(b"q\n")
        # pypdf has no public call that adds a free-standing object to a writer.
        self.opening = writer._add_object(opening)

    def stamp(self, page, text: str, payload: str) -> None:
        """Append the stamp to one page of the writer, placed on the page as it is displayed."""
        box = page.cropbox
        x0, y0, x1, y1 = float(box.left), float(box.bottom), float(box.right), float(box.top)
        rotate = round(page.rotation / 90) * 90 % 360  # a malformed /Rotate 45 → the nearest quarter
        width, height = (x1 - x0, y1 - y0) if rotate in (0, 180) else (y1 - y0, x1 - x0)
        matrix = {0: (1, 0, 0, 1, x0, y0), 90: (0, 1, -1, 0, x1, y0),
                  180: (-1, 0, 0, -1, x1, y1), 270: (0, -1, 1, 0, x0, y1)}[rotate]
        ops = [b"Q", b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC", b"q",
               b"%g %g %g %g %g %g cm" % matrix]
        ops += self._qr_ops(width, payload)
        ops += self._text_ops(width - QR_MARGIN - QR_SIZE - 4 * MM, 6.5 * MM, text)
        ops += [b"Q", b"EMC", b""]
        stream = DecodedStreamObject()
        stream.set_data(b"\n".join(ops))
        stream_ref = self.writer._add_object(stream.flate_encode())

        resources = page.get("/Resources")
        if resources is None:
            resources = DictionaryObject()
            page[NameObject("/Resources")] = resources
        resources = resources.get_object()
        fonts = resources.get("/Font")
        if fonts is None:
            fonts = DictionaryObject()
            resources[NameObject("/Font")] = fonts
        fonts.get_object()[FONT_NAME] = self.font

        contents = page.get("/Contents")
        if contents is None:
            items = []
        elif isinstance(contents.get_object(), ArrayObject):
            items = list(contents.get_object())
        else:
            items = [page.raw_get("/Contents")]
        page[NameObject("/Contents")] = ArrayObject([self.opening, *items, stream_ref])

    def _qr_ops(self, page_width: float, payload: str) -> list[bytes]:
        """White quiet zone, then the dark modules as filled rectangles (one per horizontal run)."""
        modules, runs = qr_runs(payload)
        unit = QR_SIZE / modules
        left, bottom = page_width - QR_MARGIN - QR_SIZE, QR_MARGIN
        quiet = 4 * unit
        ops = [b"1 g %.3f %.3f %.3f %.3f re f" % (left - quiet, bottom - quiet, QR_SIZE + 2 * quiet,
                                                   QR_SIZE + 2 * quiet),
               b"q %.5f 0 0 %.5f %.3f %.3f cm 0 g" % (unit, unit, left, bottom)]
        ops += [b"%d %d %d 1 re" % (x, modules - 1 - y, length) for x, y, length in runs]
        ops += [b"f Q"]
        return ops

    def _text_ops(self, right: float, baseline: float, text: str) -> list[bytes]:
        """One line of text, right-aligned at `right`, in the embedded stamp font."""
        encoded = b"".join(self.glyphs[c][0] for c in text)
        width = sum(self.glyphs[c][1] for c in text) * TEXT_SIZE
        return [b"BT 0 g %s %g Tf %.3f %.3f Td <%s> Tj ET" % (FONT_NAME.encode(), TEXT_SIZE, right - width,
                                                               baseline, encoded.hex().encode())]
