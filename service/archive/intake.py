"""Intake of the signed dossier: decide from content alone whether each uploaded file is acceptable.

A file is accepted when its bytes (never its name) show a PDF, JPEG, PNG or TIFF that opens fully, within
the size, page and pixel limits.  Images are given a PDF view (img2pdf, JPEG embedded as is) so every
accepted file can be archived and shown as PDF pages; `page_images` yields one image per page for QR
matching, taking a scan's embedded image directly instead of rasterising the page.

Nothing is stored here: a refused file only raises, so the caller has nothing to clean up.
"""
from __future__ import annotations

import io
import logging
import math
import re
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageFile, JpegImagePlugin, PngImagePlugin, TiffImagePlugin

from service.errors import InvalidInput
from service.text import clean, vn_number

log = logging.getLogger(__name__)

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
TIFF = "image/tiff"

_MB = 1024 * 1024
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PDF_HEADER_WINDOW = 1024  # "%PDF-" must start within the first KB, as PDF readers tolerate leading junk
_EOF_WINDOW = 1024  # the last "%%EOF" must lie in the final KB (trailing whitespace/NUL padding ignored)
_DEFAULT_IMAGE_DPI = 200  # page size for an image that states no (plausible) resolution
_A4_LONG_INCHES = 11.69
_MAX_PAGE_INCHES = 17.0  # beyond A3's long side the stated DPI is a camera's 72 dpi, not a scanner's
_RASTER_BATCH = 8
_SCAN_CONTENT_MAX = 64 * 1024  # a scan page's content stream is a few dozen bytes; bigger means vector drawing
_SCAN_MIN_COVER = 0.5  # the single image must cover at least half the page to count as the page's scan
_TIFF_FRAME_CAP = 100_000  # stop counting IFDs here (a looped or absurd chain), already far over any limit
_PDFTOPPM_TIMEOUT = 120  # seconds per batch of pages

# EXIF orientations img2pdf honours (it ignores the mirrored ones 2, 4, 5, 7 with Rotation.ifvalid).
_EXIF_ROTATION = {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_270, 8: Image.Transpose.ROTATE_90}


@dataclass(frozen=True)
class Limits:
    """Upload limits: one place to tune what a request may cost the server."""

    max_file_bytes: int = 50 * 1024 * 1024
    max_request_bytes: int = 200 * 1024 * 1024
    max_files: int = 50
    max_pages: int = 300  # per file
    max_pixels: int = 80_000_000  # per image / page image (A4 at 600 dpi ≈ 35 Mpx)


@dataclass(frozen=True)
class AcceptedFile:
    """One uploaded file that passed every check, with a PDF view of it for page matching."""

    name: str  # original file name, NFC, path parts stripped; never trusted for the type
    data: bytes = field(repr=False)  # the bytes exactly as uploaded (archived unchanged)
    media_type: str  # PDF | JPEG | PNG | TIFF, decided from the content
    pages: int
    pdf: bytes = field(repr=False)  # `data` itself for a PDF; for an image, img2pdf output, one page per frame


class FileRefused(InvalidInput):
    """One file cannot be accepted; the Vietnamese message names the file."""

    def __init__(self, file_name: str, message: str) -> None:
        super().__init__(message, {file_name: [message]})
        self.file_name = file_name


class UploadRefused(InvalidInput):
    """The whole upload is refused; `fields` maps each bad file's name (or "files") to its messages."""


# ---------------------------------------------------------------------------------------------------------
# Public functions


def accept_file(name: str, data: bytes, limits: Limits = Limits()) -> AcceptedFile:
    """Check one uploaded file from its content and return it with a PDF view; FileRefused says why not."""
    name = _clean_name(name)
    media_type = _sniff(name, data, limits)
    if media_type == PDF:
        pages = _check_pdf(name, data, limits)
        return AcceptedFile(name=name, data=data, media_type=PDF, pages=pages, pdf=data)
    frames, stated_dpi = _check_image(name, data, media_type, limits)
    pdf = _image_pdf(name, data, media_type, frames, stated_dpi)
    return AcceptedFile(name=name, data=data, media_type=media_type, pages=frames, pdf=pdf)


def accept_upload(files: list[tuple[str, bytes]], limits: Limits = Limits()) -> list[AcceptedFile]:
    """Check a whole upload at once so the user learns every problem in one round, not one per try."""
    if not files:
        message = "Chưa có tệp nào được tải lên."
        raise UploadRefused(message, {"files": [message]})
    request_problems: list[str] = []
    if len(files) > limits.max_files:
        request_problems.append(f"Tải lên {len(files)} tệp một lần, vượt quá {limits.max_files} tệp cho phép.")
    total = sum(len(data) for _, data in files)
    if total > limits.max_request_bytes:
        request_problems.append(f"Tổng dung lượng các tệp là {_over(total, limits.max_request_bytes)} "
                                "cho phép cho một lần tải lên.")
    fields: dict[str, list[str]] = {}
    if request_problems:
        fields["files"] = list(request_problems)
    accepted: list[AcceptedFile] = []
    for name, data in files:
        try:
            if request_problems:
                # The request is refused anyway: only the cheap checks, so an oversized request costs no parsing.
                _sniff(_clean_name(name), data, limits)
            else:
                accepted.append(accept_file(name, data, limits))
        except FileRefused as refused:
            fields.setdefault(refused.file_name, []).append(refused.message)
    if fields:
        messages = [m for ms in fields.values() for m in ms]
        if len(messages) == 1:
            summary = f"{messages[0]} Chưa tệp nào được lưu."
        else:
            summary = (f"Không nhận lần tải lên này ({len(messages)} vấn đề, xem từng tệp); chưa tệp nào được lưu: "
                       "hãy sửa hoặc bỏ các tệp đó rồi tải lên lại.")
        raise UploadRefused(summary, fields)
    return accepted


def page_images(accepted: AcceptedFile, dpi: int = 150, *, limits: Limits = Limits()) -> Iterator[Image.Image]:
    """One image (L or RGB) per page, in order, for QR reading; a scan's own image is used when there is one."""
    if accepted.media_type == PDF:
        yield from _pdf_page_images(accepted, dpi, limits)
    else:
        yield from _image_file_frames(accepted, limits)


def _clean_name(name: str) -> str:
    """The file name as shown to users: NFC, last path part only, no control characters, bounded length."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f]+", " ", clean(base))
    base = re.sub(r"\s+", " ", base).strip()
    if base in ("", ".", ".."):
        return "(không tên)"
    if len(base) > 200:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 190 - len(ext)] + "…" + dot + ext) if dot and len(ext) <= 10 else base[:199] + "…"
    return base


# ---------------------------------------------------------------------------------------------------------
# Messages


def _size(n: int, *, up: bool = False) -> str:
    """A byte count as users read it ("61,2 MB"); `up` rounds up, for a size just over a limit."""
    for unit, label in ((_MB, "MB"), (1024, "KB")):
        if n >= unit:
            tenths = -(-n * 10 // unit) if up else (n * 10 + unit // 2) // unit
            return f"{vn_number(tenths / 10)} {label}"
    return f"{n} byte"


def _over(n: int, limit: int) -> str:
    """"<size>, vượt quá <limit>", never showing a size over the limit as equal to it."""
    size = _size(n)
    if size == _size(limit):
        size = _size(n, up=True)
    return f"{size}, vượt quá {_size(limit)}"


def _pixels(n: int) -> str:
    """A pixel budget in words ("80 triệu")."""
    if n >= 1_000_000:
        return f"{vn_number(round(n / 1_000_000, 1))} triệu"
    return f"{n:,}".replace(",", ".")


def _corrupt(name: str) -> FileRefused:
    return FileRefused(name, f"Tệp “{name}” bị hỏng hoặc không đầy đủ, không đọc được.")


def _too_many_pixels(name: str, width: int, height: int, limits: Limits, page: int | None = None) -> FileRefused:
    where = f"trang {page} có " if page is not None else ""
    return FileRefused(name, f"Tệp “{name}” quá lớn: {where}{width} × {height} điểm ảnh "
                             f"(tối đa {_pixels(limits.max_pixels)}).")


def _too_many_pages(name: str, pages: int, limits: Limits, more: bool = False) -> FileRefused:
    count = f"hơn {pages}" if more else str(pages)
    return FileRefused(name, f"Tệp “{name}” có {count} trang, vượt quá {limits.max_pages} trang cho phép.")


# ---------------------------------------------------------------------------------------------------------
# Type and size


def _sniff(name: str, data: bytes, limits: Limits) -> str:
    """The media type from the magic bytes, after the size checks every file gets."""
    if not data:
        raise FileRefused(name, f"Tệp “{name}” trống (0 byte).")
    if len(data) > limits.max_file_bytes:
        raise FileRefused(name, f"Tệp “{name}” nặng {_over(len(data), limits.max_file_bytes)}.")
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(_PNG_SIGNATURE):
        return PNG
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if data.find(b"%PDF-", 0, _PDF_HEADER_WINDOW + 4) != -1:
        return PDF
    raise FileRefused(name, f"Tệp “{name}” không phải PDF, JPEG, PNG hay TIFF "
                            "(nhận dạng theo nội dung, không theo tên tệp).")


# ---------------------------------------------------------------------------------------------------------
# PDF


def _check_pdf(name: str, data: bytes, limits: Limits) -> int:
    """The page count of a complete, unencrypted, readable PDF; FileRefused otherwise. Never rasterises."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, StreamObject

    # pypdf (strict=False) silently rebuilds a cut-off file from the objects it finds, so a file must
    # show its real end before it is parsed at all.
    tail = data[-64 * 1024:].rstrip(b" \t\r\n\f\x00")  # a window, not the whole file: no copy of 50 MB
    if b"%%EOF" not in tail[-_EOF_WINDOW:]:
        raise _corrupt(name)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except Exception as exc:  # pypdf raises many types on a damaged file
        log.info("PDF %r unreadable: %r", name, exc)
        raise _corrupt(name) from exc
    if encrypted:
        raise _encrypted(name, reader)
    try:
        count = len(reader.pages)
    except Exception as exc:
        log.info("PDF %r: page tree unreadable: %r", name, exc)
        raise _corrupt(name) from exc
    if count == 0:
        raise FileRefused(name, f"Tệp “{name}” không có trang nào.")
    if count > limits.max_pages:
        raise _too_many_pages(name, count, limits)
    try:
        for page in reader.pages:
            box = page.mediabox
            if not (float(box.width) > 0 and float(box.height) > 0):
                raise ValueError(f"empty MediaBox {box}")
            contents = page.get("/Contents")
            if contents is None:
                continue  # a blank page needs no content stream
            contents = contents.get_object()
            streams = [c.get_object() for c in contents] if isinstance(contents, ArrayObject) else [contents]
            for stream in streams:
                if not isinstance(stream, StreamObject):  # a missing object comes back as null in non-strict mode
                    raise TypeError(f"page content is {type(stream).__name__}")
                stream.get_data()  # decodes the filters: a damaged stream raises here
    except Exception as exc:
        log.info("PDF %r: a page is unreadable: %r", name, exc)
        raise _corrupt(name) from exc
    return count


def _encrypted(name: str, reader) -> FileRefused:
    """The refusal for an encrypted PDF, saying whether it even opens without a password."""
    try:
        opens_freely = bool(reader.decrypt(""))
    except Exception:  # noqa: BLE001 - an unsupported handler or algorithm: treat as password-protected
        opens_freely = False
    if opens_freely:
        return FileRefused(name, f"Tệp “{name}” được mã hóa (dù mở không cần mật khẩu): hồ sơ lưu trữ phải là tài "
                                 "liệu không mã hóa để luôn đọc được; hãy lưu lại bản không mã hóa rồi tải lên lại.")
    return FileRefused(name, f"Tệp “{name}” đã được đặt mật khẩu (mã hóa): hãy gỡ mật khẩu rồi tải lên lại.")


# ---------------------------------------------------------------------------------------------------------
# Images


def _open_image(data: bytes, media_type: str) -> ImageFile.ImageFile:
    """Open with the plugin of the sniffed type: header only, and without Image.open's bomb check that would
    refuse before we know the size to report (our own pixel check runs right after, before any decoding)."""
    plugin = {JPEG: JpegImagePlugin.JpegImageFile, PNG: PngImagePlugin.PngImageFile,
              TIFF: TiffImagePlugin.TiffImageFile}[media_type]
    return plugin(io.BytesIO(data))  # JPEG: first image only (an MPO's extra frames are ignored)


def _check_frame_size(name: str, image: Image.Image, limits: Limits, page: int | None) -> None:
    width, height = image.size
    if width <= 0 or height <= 0:
        raise _corrupt(name)
    if width * height > limits.max_pixels:
        raise _too_many_pixels(name, width, height, limits, page)


def _check_image(name: str, data: bytes, media_type: str, limits: Limits) -> tuple[int, tuple[float, float] | None]:
    """(frames, stated dpi or None) of an image that decodes completely within the pixel limit."""
    if ImageFile.LOAD_TRUNCATED_IMAGES:  # someone relaxed Pillow globally: a cut file would pass silently
        log.warning("PIL.ImageFile.LOAD_TRUNCATED_IMAGES is set: truncated images may be accepted")
    try:
        image = _open_image(data, media_type)
    except MemoryError:
        raise
    except Exception as exc:
        raise _corrupt(name) from exc
    with image:
        # 1. Sizes of every frame from the headers; a TIFF's IFD chain is walked without touching pixel data.
        #    An animated PNG counts as its first frame only (what img2pdf embeds and a viewer prints).
        sizes = [image.size]
        if media_type == TIFF:
            try:
                while len(sizes) <= limits.max_pages:
                    image.seek(len(sizes))
                    sizes.append(image.size)
            except EOFError:
                pass
            except MemoryError:
                raise
            except Exception as exc:
                raise _corrupt(name) from exc
            if len(sizes) > limits.max_pages:
                raise _count_tiff_frames(name, image, len(sizes), limits)
        frames = len(sizes)
        for index, (width, height) in enumerate(sizes):
            if width <= 0 or height <= 0:
                raise _corrupt(name)
            if width * height > limits.max_pixels:
                raise _too_many_pixels(name, width, height, limits, index + 1 if frames > 1 else None)
        # 2. Decode everything, now that it is known to fit: a truncated file fails here.
        try:
            if media_type == JPEG:
                # Decoding at 1/8 scale still reads every entropy-coded byte, at a fraction of the time and memory.
                image.draft(image.mode, (max(1, image.width // 8), max(1, image.height // 8)))
                image.load()
            elif media_type == PNG:
                with PngImagePlugin.PngImageFile(io.BytesIO(data)) as again:
                    again.verify()  # chunk structure and CRCs up to IEND
                image.load()
            else:
                for index in range(frames):
                    image.seek(index)
                    image.load()
                image.seek(0)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _too_many_pixels(name, *sizes[0], limits) from exc
        except MemoryError:
            raise
        except Exception as exc:
            raise _corrupt(name) from exc
        stated_dpi = _stated_dpi(image)
    return frames, stated_dpi


def _count_tiff_frames(name: str, image: ImageFile.ImageFile, seen: int, limits: Limits) -> FileRefused:
    """The too-many-pages refusal with the TIFF's real frame count when it can be had cheaply."""
    count = seen
    try:
        while count < _TIFF_FRAME_CAP:
            image.seek(count)
            count += 1
    except EOFError:
        return _too_many_pages(name, count, limits)
    except Exception:  # noqa: BLE001 - a damaged later IFD: at least `count` pages exist, already too many
        return _too_many_pages(name, count - 1, limits, more=True)
    return _too_many_pages(name, count, limits, more=True)


def _stated_dpi(image: Image.Image) -> tuple[float, float] | None:
    """The resolution the file states, or None when it states none or an implausible one (0, 1, 72-by-accident)."""
    dpi = image.info.get("dpi")
    try:
        x, y = float(dpi[0]), float(dpi[1])
    except (TypeError, ValueError, IndexError):
        return None
    if 50 <= x <= 4800 and 50 <= y <= 4800:
        return x, y
    return None


def _layout(stated_dpi: tuple[float, float] | None):
    """img2pdf layout: page size from the stated DPI (default 200 dpi), shrunk to A4's long side when the DPI
    would make a poster (a camera's 72 dpi); the image fills the page."""

    def layout(width_px: int, height_px: int, ndpi):
        if stated_dpi is not None and 50 <= ndpi[0] <= 4800 and 50 <= ndpi[1] <= 4800:
            dx, dy = float(ndpi[0]), float(ndpi[1])
        else:
            dx = dy = float(_DEFAULT_IMAGE_DPI)
        w_in, h_in = width_px / dx, height_px / dy
        longest = max(w_in, h_in)
        if longest > _MAX_PAGE_INCHES:
            scale = _A4_LONG_INCHES / longest
            w_in, h_in = w_in * scale, h_in * scale
        width_pt, height_pt = max(w_in * 72, 3.0), max(h_in * 72, 3.0)
        return width_pt, height_pt, width_pt, height_pt

    return layout


def _image_pdf(name: str, data: bytes, media_type: str, frames: int,
               stated_dpi: tuple[float, float] | None) -> bytes:
    """The image as PDF pages, embedded as is where img2pdf can (JPEG always, PNG without alpha, G4 TIFF)."""
    import img2pdf

    options = {"layout_fun": _layout(stated_dpi), "rotation": img2pdf.Rotation.ifvalid,
               "first_frame_only": media_type != TIFF, "nodate": True}
    try:
        return img2pdf.convert(io.BytesIO(data), **options)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Only reachable when Limits.max_pixels is above Pillow's own guard, which img2pdf's Image.open applies.
        with _open_image(data, media_type) as image:
            width, height = image.size
        raise _too_many_pixels(name, width, height, Limits(max_pixels=int(Image.MAX_IMAGE_PIXELS or 0))) from exc
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - any img2pdf refusal gets the flattening fallback below
        # img2pdf 0.6 keeps 8-bit alpha as a soft mask, but refuses >8-bit alpha, >8-bit TIFF and a few odd
        # modes: then every frame is flattened to 8-bit L/RGB (alpha onto white paper) and embedded as lossless
        # PNG. Only in this case are the pixels re-encoded; the archived `data` stays as uploaded.
        log.info("img2pdf could not embed %r as is (%r): flattening", name, exc)
    try:
        pngs = []
        with _open_image(data, media_type) as image:
            for index in range(frames):
                image.seek(index)
                frame = image.copy() if image.mode in ("1", "L", "RGB") else _flatten(image)
                turn = _EXIF_ROTATION.get(image.getexif().get(0x0112))
                if turn is not None:  # turn the pixels, as img2pdf would have turned the page
                    frame = frame.transpose(turn)
                buffer = io.BytesIO()
                frame.save(buffer, "PNG", dpi=stated_dpi or (_DEFAULT_IMAGE_DPI, _DEFAULT_IMAGE_DPI))
                pngs.append(io.BytesIO(buffer.getvalue()))
                del frame, buffer
        return img2pdf.convert(pngs, **options)
    except MemoryError:
        raise
    except Exception as exc:
        log.info("%r cannot be made into PDF pages: %r", name, exc)
        raise _corrupt(name) from exc


def _flatten(image: Image.Image) -> Image.Image:
    """An 8-bit L or RGB copy: alpha composed onto white paper, 16-bit scaled down, CMYK/palette to RGB."""
    mode = image.mode
    if mode in ("L", "RGB"):
        return image.copy()
    if mode == "1":
        return image.convert("L")
    if mode.startswith("I;16") or mode == "I":
        wide = image if mode == "I" else image.convert("I")
        return wide.point(lambda v: v * (1 / 256)).convert("L")
    if mode == "F":
        return image.convert("L")
    if mode in ("LA", "La", "PA", "RGBA", "RGBa") or (mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        paper = Image.new("RGB", rgba.size, "white")
        paper.paste(rgba, mask=rgba.getchannel("A"))
        return paper.convert("L") if mode in ("LA", "La") else paper
    return image.convert("RGB")


def _image_file_frames(accepted: AcceptedFile, limits: Limits) -> Iterator[Image.Image]:
    """Decode an image file's frames one at a time, turned as its PDF view shows them."""
    name = accepted.name
    try:
        image = _open_image(accepted.data, accepted.media_type)
    except MemoryError:
        raise
    except Exception as exc:
        raise _corrupt(name) from exc
    with image:
        for index in range(accepted.pages):
            try:
                image.seek(index)
            except EOFError:
                return
            _check_frame_size(name, image, limits, index + 1 if accepted.pages > 1 else None)
            try:
                image.load()
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
                raise _too_many_pixels(name, image.width, image.height, limits) from exc
            except MemoryError:
                raise
            except Exception as exc:
                raise _corrupt(name) from exc
            frame = _flatten(image)
            turn = _EXIF_ROTATION.get(image.getexif().get(0x0112))
            yield frame.transpose(turn) if turn is not None else frame


# ---------------------------------------------------------------------------------------------------------
# PDF pages as images


_PAINTING = {b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"sh", b"INLINE IMAGE", b"BI", b"d0", b"d1"}
_TEXT_SHOWING = {b"Tj", b"TJ", b"'", b'"'}


def _pdf_page_images(accepted: AcceptedFile, dpi: int, limits: Limits) -> Iterator[Image.Image]:
    """Per page: the scan's embedded image when the page is just that, else a pdftoppm rendering (8 at a time)."""
    from pypdf import PdfReader

    name = accepted.name
    try:
        reader = PdfReader(io.BytesIO(accepted.pdf), strict=False)
        count = len(reader.pages)
    except Exception as exc:
        raise _corrupt(name) from exc
    with tempfile.TemporaryDirectory(prefix="kd-intake-") as tmp:
        source = Path(tmp) / "in.pdf"
        pending: list[int] = []  # consecutive pages waiting to be rasterised (0-based)
        pending_dpi = 0

        def flush() -> Iterator[Image.Image]:
            nonlocal pending
            if pending:
                if not source.exists():
                    source.write_bytes(accepted.pdf)
                batch, pending = pending, []
                yield from _rasterise(name, source, Path(tmp), batch[0] + 1, batch[-1] + 1, pending_dpi)

        for index in range(count):
            page = reader.pages[index]
            scan = _scan_xobject(page, limits)
            image = None
            if scan is not None:
                yield from flush()
                image = _decode_scan(*scan)
            if image is not None:
                yield image
                del image
                continue
            page_dpi = _raster_dpi(page, dpi, limits)
            if pending and (page_dpi != pending_dpi or len(pending) >= _RASTER_BATCH):
                yield from flush()
            pending.append(index)
            pending_dpi = page_dpi
        yield from flush()


def _raster_dpi(page, dpi: int, limits: Limits) -> int:
    """The requested dpi, lowered for an oversized page so its rendering stays within the pixel limit."""
    try:
        box = page.cropbox
        area = abs(float(box.width) * float(box.height)) / (72 * 72)  # square inches
    except Exception:  # noqa: BLE001 - an odd box: render at the requested dpi
        return max(1, int(dpi))
    if area <= 0:
        return max(1, int(dpi))
    return max(1, min(int(dpi), int(math.sqrt(limits.max_pixels / area))))


def _rasterise(name: str, source: Path, tmp: Path, first: int, last: int, dpi: int) -> Iterator[Image.Image]:
    """Render pages first..last (1-based) in greyscale with pdftoppm and yield them one at a time."""
    out = tmp / f"b{first}"
    out.mkdir()
    try:
        result = subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-f", str(first), "-l", str(last),
                                 str(source), str(out / "p")], capture_output=True, timeout=_PDFTOPPM_TIMEOUT,
                                check=False)
    except subprocess.TimeoutExpired as exc:
        raise FileRefused(name, f"Không đọc kịp các trang {first}–{last} của tệp “{name}”.") from exc
    paths = sorted(out.glob("p-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    if result.returncode != 0 or len(paths) != last - first + 1:
        log.info("pdftoppm %r pages %d-%d: rc %s, %d images: %s", name, first, last, result.returncode, len(paths),
                 result.stderr.decode("utf-8", "replace")[-500:])
        raise FileRefused(name, f"Không đọc được các trang {first}–{last} của tệp “{name}”.")
    for path in paths:
        image = Image.open(path)
        image.load()  # single-frame PGM: Pillow closes the file after loading
        path.unlink()
        yield image
    out.rmdir()


def _matrix_multiply(m1: list[float], m2: list[float]) -> list[float]:
    """m1 × m2 for PDF's [a b c d e f] row-vector matrices (cm pre-multiplies the CTM)."""
    a1, b1, c1, d1, e1, f1 = m1
    a2, b2, c2, d2, e2, f2 = m2
    return [a1 * a2 + b1 * c2, a1 * b2 + b1 * d2, c1 * a2 + d1 * c2, c1 * b2 + d1 * d2,
            e1 * a2 + f1 * c2 + e2, e1 * b2 + f1 * d2 + f2]


def _scan_xobject(page, limits: Limits):
    """(image XObject, transpose or None) when the page only paints one image covering most of it, else None.

    Allowed besides the one image: graphics state, clipping and invisible text (an OCR layer, Tr 3).
    Anything else painted (paths, other images, forms, visible text) means the page must be rendered.
    """
    from pypdf.generic import StreamObject

    try:
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else None
        xobjects = resources.get("/XObject") if resources is not None else None
        xobjects = xobjects.get_object() if xobjects is not None else None
        if not xobjects:
            return None
        images = {}
        for key, ref in xobjects.items():
            obj = ref.get_object()
            if isinstance(obj, StreamObject) and obj.get("/Subtype") == "/Image":
                images[key] = obj
        if not images:
            return None
        contents = page.get_contents()
        if contents is None or len(contents.get_data()) > _SCAN_CONTENT_MAX:
            return None
        ctm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
        text_mode = 0
        stack: list[tuple[list[float], int]] = []
        drawn = None
        for operands, operator in contents.operations:
            if operator == b"q":
                stack.append((ctm, text_mode))
            elif operator == b"Q":
                if stack:
                    ctm, text_mode = stack.pop()
            elif operator == b"cm":
                ctm = _matrix_multiply([float(v) for v in operands], ctm)
            elif operator == b"Tr":
                text_mode = int(operands[0])
            elif operator == b"Do":
                if drawn is not None or operands[0] not in images:
                    return None  # a second image, or a form XObject: not a plain scan
                drawn = (images[operands[0]], ctm)
            elif operator in _PAINTING or (operator in _TEXT_SHOWING and text_mode != 3):
                return None
        if drawn is None:
            return None
        xobject, (a, b, c, d, e, f) = drawn
        width, height = int(xobject["/Width"]), int(xobject["/Height"])
        if width <= 0 or height <= 0 or width * height > limits.max_pixels:
            return None  # let pdftoppm render it at the page's dpi instead of decoding a huge image
        if xobject.get("/ImageMask") or xobject.get("/SMask") is not None or xobject.get("/Mask") is not None:
            return None  # stencils and masked images need the renderer to mean anything
        if int(xobject.get("/BitsPerComponent", 8)) > 8:
            return None  # pypdf misreads 16-bit samples; the renderer does not
        box = page.cropbox
        corners = [(e + a * u + c * v, f + b * u + d * v) for u, v in ((0, 0), (1, 0), (0, 1), (1, 1))]
        xs, ys = [p[0] for p in corners], [p[1] for p in corners]
        cover_w = max(0.0, min(max(xs), float(box.right)) - max(min(xs), float(box.left)))
        cover_h = max(0.0, min(max(ys), float(box.top)) - max(min(ys), float(box.bottom)))
        page_area = float(box.width) * float(box.height)
        if page_area <= 0 or cover_w * cover_h < _SCAN_MIN_COVER * page_area:
            return None
        transpose = _orientation(a, b, c, d, int(page.rotation or 0))
        if transpose is False:
            return None  # skewed placement: the renderer knows best
        return xobject, transpose
    except Exception as exc:  # noqa: BLE001 - an odd page is simply rendered
        log.debug("page not taken as a scan: %r", exc)
        return None


def _orientation(a: float, b: float, c: float, d: float, rotate: int):
    """The PIL transpose that shows the image as the page does (placement matrix, then /Rotate clockwise);
    None for upright, False when the placement is not axis-aligned."""
    # Directions, on screen (y down), of the image's rows (u, left to right) and of successive rows (v, downwards).
    eps = 1e-6 * max(abs(a), abs(b), abs(c), abs(d))
    if abs(b) <= eps and abs(c) <= eps and abs(a) > eps and abs(d) > eps:
        du, dv = (1 if a > 0 else -1, 0), (0, 1 if d > 0 else -1)
    elif abs(a) <= eps and abs(d) <= eps and abs(b) > eps and abs(c) > eps:
        du, dv = (0, -1 if b > 0 else 1), (-1 if c > 0 else 1, 0)
    else:
        return False
    for _ in range((rotate // 90) % 4):  # a clockwise quarter turn on screen: (x, y) -> (-y, x)
        du, dv = (-du[1], du[0]), (-dv[1], dv[0])
    table = {
        ((1, 0), (0, 1)): None,
        ((-1, 0), (0, 1)): Image.Transpose.FLIP_LEFT_RIGHT,
        ((1, 0), (0, -1)): Image.Transpose.FLIP_TOP_BOTTOM,
        ((-1, 0), (0, -1)): Image.Transpose.ROTATE_180,
        ((0, 1), (-1, 0)): Image.Transpose.ROTATE_270,
        ((0, -1), (1, 0)): Image.Transpose.ROTATE_90,
        ((0, 1), (1, 0)): Image.Transpose.TRANSPOSE,
        ((0, -1), (-1, 0)): Image.Transpose.TRANSVERSE,
    }
    return table[(du, dv)]


def _decode_scan(xobject, transpose) -> Image.Image | None:
    """The scan image itself (a plain JPEG stream is opened directly, anything else via pypdf); None on failure."""
    try:
        filters = xobject.get("/Filter")
        filters = filters.get_object() if filters is not None else None
        if isinstance(filters, list):
            filters = filters[0] if len(filters) == 1 else None
        if filters == "/DCTDecode" and xobject.get("/Decode") is None:
            image = JpegImagePlugin.JpegImageFile(io.BytesIO(xobject.get_data()))  # size checked by the caller
            image.load()
        else:
            image = xobject.decode_as_image()
            if image is None:
                return None
        frame = _flatten(image)
        return frame.transpose(transpose) if transpose is not None else frame
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - the renderer gets a second chance
        log.info("embedded page image unreadable, rasterising instead: %r", exc)
        return None
