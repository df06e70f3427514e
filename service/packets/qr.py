"""The per-page QR code: its payload format, its modules as rectangles, and reading it back.

Payload format (QR alphanumeric mode, so only 0-9 A-Z and ":" are used):

    KD:<packet_code>:<doc_code>:<page>        e.g. "KD:P7K2Q:D0042:12"

- "KD" marks a code of this service (kiểm điểm); version 1 of the format.
- packet_code, doc_code: 1-10 upper-case letters or digits (the cover is "BIA", the contents "MUCLUC").
- page: the 1-based page of the packet, decimal without leading zeros, 1-99999.
At most 30 characters, so every code fits QR version 2 (25 modules) at error correction M or better.
"""
from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import zxingcpp

from .model import PacketError, valid_code

PREFIX = "KD"
QR_VERSION = 2
_PAYLOAD_RE = re.compile(r"KD:([A-Z0-9]{1,10}):([A-Z0-9]{1,10}):([1-9][0-9]{0,4})")


def qr_payload(packet_code: str, doc_code: str, page: int) -> str:
    """The text encoded on one page: "KD:<packet>:<doc>:<page>"; ValueError on a code it cannot carry."""
    if not valid_code(packet_code):
        raise ValueError(f"bad packet code {packet_code!r}: 1-10 of A-Z 0-9")
    if not valid_code(doc_code):
        raise ValueError(f"bad document code {doc_code!r}: 1-10 of A-Z 0-9")
    if isinstance(page, bool) or not isinstance(page, int) or not 1 <= page <= 99999:
        raise ValueError(f"bad page {page!r}: 1-99999")
    return f"{PREFIX}:{packet_code}:{doc_code}:{page}"


def parse_payload(text: str) -> tuple[str, str, int] | None:
    """(packet_code, doc_code, page) from a decoded QR text, or None for anything not ours."""
    if not isinstance(text, str):
        return None
    match = _PAYLOAD_RE.fullmatch(text.strip())
    if not match:
        return None
    return match.group(1), match.group(2), int(match.group(3))


# Alphanumeric capacity of a version 2 symbol per error correction level, strongest first: like segno's
# boost_error, the strongest level the payload fits in is used (H for most codes, which survives more damage).
_V2_ALNUM = (("H", 20), ("Q", 29), ("M", 38))


def qr_runs(payload: str) -> tuple[int, list[tuple[int, int, int]]]:
    """The symbol's size in modules and its dark modules as horizontal runs (x, y from the top, length).

    Encoded by zxing-cpp (C++, already used to read the codes back): ≈ 0.2 ms a code against ≈ 2.3 ms for segno
    (pure Python), which was most of the time of stamping a new document's pages."""
    level = next((name for name, capacity in _V2_ALNUM if len(payload) <= capacity), None)
    if level is None:
        raise ValueError(f"payload too long for QR version {QR_VERSION}: {payload!r}")
    symbol = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level=level,
                                     version=QR_VERSION).to_image(add_quiet_zones=False)
    size = memoryview(symbol).shape[0]
    pixels = bytes(memoryview(symbol))   # one byte a module, row by row: 0 dark, 255 light
    if size != 17 + 4 * QR_VERSION or len(pixels) != size * size:
        raise ValueError(f"unexpected QR symbol of {size} modules for {payload!r}")
    runs: list[tuple[int, int, int]] = []
    for y in range(size):
        row = pixels[y * size:(y + 1) * size]
        x = 0
        while x < size:
            if row[x] == 0:
                start = x
                while x < size and row[x] == 0:
                    x += 1
                runs.append((start, y, x - start))
            else:
                x += 1
    return size, runs


def read_image_code(image) -> str | None:
    """Our payload from one page image (PIL), trying the footer corner, the page, then the opposite corner."""
    from PIL import Image

    gray = image.convert("L")
    w, h = gray.size
    side = int(min(w, h) * 0.3)  # 30 % of an A4 width ≈ 63 mm: the 20 mm code with room for skew

    def upscale(img):
        return img.resize((img.width * 2, img.height * 2), Image.Resampling.BICUBIC)

    def attempts():
        corner = gray.crop((w - side, h - side, w, h))
        yield corner
        yield upscale(corner)
        yield gray
        yield upscale(gray)
        opposite = gray.crop((0, 0, side, side))  # a page scanned upside down
        yield opposite
        yield upscale(opposite)

    for candidate in attempts():
        if candidate.width < 1 or candidate.height < 1:  # a few-pixel image has no corner to crop (zxing refuses)
            continue
        for barcode in zxingcpp.read_barcodes(candidate, formats=zxingcpp.BarcodeFormat.QRCode):
            if parse_payload(barcode.text) is not None:
                return barcode.text.strip()
    return None


def read_page_codes(pdf: bytes, dpi: int = 150, *, batch: int = 8) -> list[str | None]:
    """Each page's payload (None where no code of ours is found), rasterising `batch` pages at a time."""
    import io

    from PIL import Image
    from pypdf import PdfReader

    try:
        count = len(PdfReader(io.BytesIO(pdf)).pages)
    except Exception as exc:  # pypdf raises many types on a damaged file
        raise PacketError("Không đọc được tệp PDF để tìm mã QR trên các trang.", detail=repr(exc)) from exc
    codes: list[str | None] = []
    with tempfile.TemporaryDirectory(prefix="kd-qr-") as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        for first in range(1, count + 1, batch):
            last = min(count, first + batch - 1)
            out = Path(tmp) / f"b{first}"
            out.mkdir()
            result = subprocess.run(["pdftoppm", "-r", str(int(dpi)), "-gray", "-f", str(first), "-l", str(last),
                                     str(source), str(out / "p")], capture_output=True)
            if result.returncode != 0:
                raise PacketError("Không đọc được tệp PDF để tìm mã QR trên các trang.",
                                  detail=result.stderr.decode("utf-8", "replace")[-500:])
            pages = sorted(out.glob("p-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
            if len(pages) != last - first + 1:
                raise PacketError("Không đọc được đủ các trang PDF để tìm mã QR.",
                                  detail=f"pages {first}-{last}: {len(pages)} images")
            for path in pages:
                with Image.open(path) as image:
                    codes.append(read_image_code(image))
                path.unlink()
    return codes
