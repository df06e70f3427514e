"""The TrueType fonts the packet's own pages use (Liberation: metric-compatible, complete Vietnamese)."""
from __future__ import annotations

import os
from pathlib import Path

from .model import PacketError

FONT_DIR = Path(os.environ.get("PACKET_FONT_DIR", "/usr/share/fonts/truetype/liberation2"))
SERIF = {"": "LiberationSerif-Regular.ttf", "B": "LiberationSerif-Bold.ttf",
         "I": "LiberationSerif-Italic.ttf", "BI": "LiberationSerif-BoldItalic.ttf"}
SANS = "LiberationSans-Regular.ttf"


def font_path(name: str) -> str:
    """The file of one font; a clear error naming the Debian package when it is missing."""
    path = FONT_DIR / name
    if not path.is_file():
        raise PacketError(f"Thiếu phông chữ {name} để lập bìa hồ sơ: cài gói fonts-liberation2.",
                           detail=str(path))
    return str(path)


def new_document():
    """An fpdf2 A4 document in millimetres with the serif family registered as "Serif"."""
    from fpdf import FPDF

    pdf = FPDF(unit="mm", format="A4")
    for style, name in SERIF.items():
        pdf.add_font("Serif", style, font_path(name))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.c_margin = 0
    return pdf


def finish(pdf) -> bytes:
    """The document's bytes; closes the font files fpdf2 keeps open (fontTools lazy=True), even on error."""
    try:
        return bytes(pdf.output())
    finally:
        close(pdf)


def close(pdf) -> None:
    """Close every font file of an fpdf2 document (else a ResourceWarning per font and document)."""
    for font in pdf.fonts.values():
        ttfont = getattr(font, "ttfont", None)
        if ttfont is not None:
            ttfont.close()
