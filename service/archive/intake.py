"""Upload checks: accept a file only if its content (not its name) is a sound PDF, JPEG, PNG or TIFF; stores nothing."""
from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field

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
    from .images import check_image, image_pdf  # here, not at the top: images imports this module

    frames, stated_dpi = check_image(name, data, media_type, limits)
    pdf = image_pdf(name, data, media_type, frames, stated_dpi)
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


def corrupt(name: str) -> FileRefused:
    return FileRefused(name, f"Tệp “{name}” bị hỏng hoặc không đầy đủ, không đọc được.")


def too_many_pixels(name: str, width: int, height: int, limits: Limits, page: int | None = None) -> FileRefused:
    where = f"trang {page} có " if page is not None else ""
    return FileRefused(name, f"Tệp “{name}” quá lớn: {where}{width} × {height} điểm ảnh "
                             f"(tối đa {_pixels(limits.max_pixels)}).")


def too_many_pages(name: str, pages: int, limits: Limits, more: bool = False) -> FileRefused:
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
        raise corrupt(name)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except Exception as exc:  # pypdf raises many types on a damaged file
        log.info("PDF %r unreadable: %r", name, exc)
        raise corrupt(name) from exc
    if encrypted:
        raise _encrypted(name, reader)
    try:
        count = len(reader.pages)
    except Exception as exc:
        log.info("PDF %r: page tree unreadable: %r", name, exc)
        raise corrupt(name) from exc
    if count == 0:
        raise FileRefused(name, f"Tệp “{name}” không có trang nào.")
    if count > limits.max_pages:
        raise too_many_pages(name, count, limits)
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
        raise corrupt(name) from exc
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
