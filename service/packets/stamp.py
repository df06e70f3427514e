"""Stamp pages: the QR code and "Trang x/y · CODE" in the bottom-right corner, as vector operators (pikepdf/qpdf).

The stamp is appended to each page's /Contents as its own streams (the original content wrapped in q … Q so its
graphics state cannot leak), each inside an /Artifact marked-content block so tagged PDFs stay clean. Nothing of
the page is parsed. The QR code and the page number are separate streams on purpose: a document's QR codes do not
depend on the packet it is printed in (see qr.py), so a part stamped with its codes once is reused by every later
packet, which then only adds the page numbers (microseconds a page).
"""
from __future__ import annotations

import io
import re
from functools import lru_cache

import pikepdf

from .fonts import SANS, finish, font_path, new_document
from .qr import qr_runs

MM = 72 / 25.4
QR_SIZE = 15 * MM           # the symbol itself; with its 4-module quiet zone ≈ 20 mm
QR_MARGIN = 5 * MM          # from the symbol to the page's right and bottom edges (printers' dead zone)
TEXT_SIZE = 7.5
FONT_NAME = pikepdf.Name("/KDStampFont")
# Every character a stamp line may use ("Trang 12/345 · D0042").
STAMP_CHARS = "Trang 0123456789/·-ABCDEFGHIJKLMNOPQRSTUVWXYZ"
OPENING = b"q\n"
ARTIFACT = b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC"


@lru_cache(maxsize=1)
def _font_source() -> tuple[bytes, dict[str, tuple[bytes, float]]]:
    """A one-page PDF whose subset font has the stamp's glyphs, and char → (code, width/1000)."""
    pdf = new_document()
    pdf.add_font("Sans", "", font_path(SANS))
    pdf.add_page()
    pdf.set_font("Sans", size=8)
    pdf.text(10, 10, STAMP_CHARS)
    data = finish(pdf)
    with pikepdf.open(io.BytesIO(data)) as source:
        font = _first_font(source)
        to_unicode = font.ToUnicode.read_bytes().decode("latin-1")
        widths, default = _widths(font.DescendantFonts[0])
    codes = {chr(int(uni, 16)): int(cid, 16)
             for cid, uni in re.findall(r"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]{4})>", to_unicode)}
    glyphs = {}
    for char in STAMP_CHARS:
        cid = codes[char]  # KeyError here means fpdf2 changed how it subsets: fail loudly
        glyphs[char] = (cid.to_bytes(2, "big"), widths.get(cid, default) / 1000)
    return data, glyphs


def _first_font(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    fonts = pdf.pages[0].Resources.Font
    return fonts[next(iter(fonts.keys()))]


def _widths(cid_font: pikepdf.Dictionary) -> tuple[dict[int, float], float]:
    """A CIDFont's /W array as cid → width (both forms: c [w …] and c_first c_last w), and /DW."""
    default = float(cid_font.get("/DW", 1000))
    out: dict[int, float] = {}
    w = list(cid_font.get("/W", []))
    i = 0
    while i < len(w):
        first = int(w[i])
        nxt = w[i + 1]
        if isinstance(nxt, pikepdf.Array):
            for k, width in enumerate(nxt):
                out[first + k] = float(width)
            i += 2
        else:
            for cid in range(first, int(nxt) + 1):
                out[cid] = float(w[i + 2])
            i += 3
    return out, default


def _placement(page: pikepdf.Page) -> tuple[bytes, float]:
    """The `cm` that puts the stamp's origin at the bottom-left of the page as displayed, and that width."""
    box = page.cropbox
    x0, y0, x1, y1 = (float(v) for v in box)
    x0, x1 = min(x0, x1), max(x0, x1)
    y0, y1 = min(y0, y1), max(y0, y1)
    try:
        rotation = int(page.obj.get("/Rotate", 0))
    except (TypeError, ValueError):
        rotation = 0
    rotate = round(rotation / 90) * 90 % 360  # a malformed /Rotate 45 → the nearest quarter
    width = (x1 - x0) if rotate in (0, 180) else (y1 - y0)
    matrix = {0: (1, 0, 0, 1, x0, y0), 90: (0, 1, -1, 0, x1, y0),
              180: (-1, 0, 0, -1, x1, y1), 270: (0, -1, 1, 0, x0, y1)}[rotate]
    return b"%g %g %g %g %g %g cm" % matrix, width


@lru_cache(maxsize=4096)
def qr_ops(payload: str, page_width: float) -> bytes:
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
    return b"\n".join(ops)


def text_ops(page_width: float, text: str) -> bytes:
    """One line of text, right-aligned left of the QR code, in the embedded stamp font."""
    _data, glyphs = _font_source()
    right = page_width - QR_MARGIN - QR_SIZE - 4 * MM
    encoded = b"".join(glyphs[c][0] for c in text)
    width = sum(glyphs[c][1] for c in text) * TEXT_SIZE
    return b"BT 0 g %s %g Tf %.3f %.3f Td <%s> Tj ET" % (bytes(FONT_NAME), TEXT_SIZE, right - width, 6.5 * MM,
                                                          encoded.hex().encode())


def number_ops(matrix: bytes, width: float, text: str) -> bytes:
    """The page-number stream of a page placed by `matrix` (see _placement) and `width` wide."""
    return b"\n".join([ARTIFACT, b"q", matrix, text_ops(width, text), b"Q", b"EMC", b""])


class Stamper:
    """Adds QR codes and page numbers to pages of one pikepdf document (imports the stamp font into it once)."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        data, self.glyphs = _font_source()
        with pikepdf.open(io.BytesIO(data)) as source:
            self.font = pdf.copy_foreign(_first_font(source))
        self.opening = pdf.make_indirect(pikepdf.Stream(pdf, OPENING))
        self._wrapped: set = set()

    def wrap(self, page: pikepdf.Page) -> None:
        """Put the page's own content inside q … Q (once), so the stamp starts from the default state."""
        contents = page.obj.get("/Contents")
        if contents is None:
            items = []
        elif isinstance(contents, pikepdf.Array):
            items = list(contents)
        else:
            items = [contents]
        page.obj.Contents = pikepdf.Array([self.opening, *items])

    def qr(self, page: pikepdf.Page, payload: str) -> None:
        """Wrap the page and append its QR code (closing the wrap first)."""
        self.wrap(page)
        matrix, width = _placement(page)
        ops = b"\n".join([b"Q", ARTIFACT, b"q", matrix, qr_ops(payload, round(width, 3)), b"Q", b"EMC", b""])
        self._append(page, ops)

    def number(self, page: pikepdf.Page, text: str) -> None:
        """Append "Trang x/y · CODE" to a page already wrapped (by qr())."""
        matrix, width = _placement(page)
        self.attach_number(page, self.pdf.make_indirect(pikepdf.Stream(self.pdf, number_ops(matrix, width, text))))

    def attach_number(self, page: pikepdf.Page, stream: pikepdf.Object) -> None:
        """Append `stream` (a page number, or a stand-in for one drawn later: see stream.py) and the stamp font."""
        contents = page.obj.get("/Contents")
        items = list(contents) if isinstance(contents, pikepdf.Array) else ([contents] if contents is not None else [])
        page.obj.Contents = pikepdf.Array([*items, stream])
        resources = page.obj.get("/Resources")
        if resources is None:
            resources = page.obj.Resources = pikepdf.Dictionary()
        fonts = resources.get("/Font")
        if fonts is None:
            fonts = resources.Font = pikepdf.Dictionary()
        fonts[FONT_NAME] = self.font

    def label(self, page: pikepdf.Page, at_mm: tuple[float, float], text: str, size: float) -> None:
        """Text in the stamp font at (x, baseline) in mm from the top-left of an unrotated page (the cover's code)."""
        height = float(page.mediabox[3]) - float(page.mediabox[1])
        encoded = b"".join(self.glyphs[c][0] for c in text)
        ops = b"BT 0 g %s %g Tf %.3f %.3f Td <%s> Tj ET\n" % (bytes(FONT_NAME), size, at_mm[0] * MM,
                                                              height - at_mm[1] * MM, encoded.hex().encode())
        self._append(page, ops)

    def _append(self, page: pikepdf.Page, ops: bytes) -> None:
        stream = pikepdf.Stream(self.pdf, ops)
        contents = page.obj.get("/Contents")
        items = list(contents) if isinstance(contents, pikepdf.Array) else ([contents] if contents is not None else [])
        page.obj.Contents = pikepdf.Array([*items, self.pdf.make_indirect(stream)])
