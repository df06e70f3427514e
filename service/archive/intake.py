"""Upload checks: accept a file only if its content (not its name) is a sound PDF, JPEG, PNG or TIFF; stores nothing."""
from __future__ import annotations

import io
import logging
import re
import unicodedata
import zlib
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
    # A page's content streams are a few kB to a few MB decoded; a Flate bomb (70+ MB of spaces squeezed into
    # 72 kB) is refused while decoding, before anything keeps it in memory or renders it.
    max_stream_bytes: int = 16 * 1024 * 1024  # one content stream, decoded
    max_decoded_bytes: int = 96 * 1024 * 1024  # every content stream of one file, decoded
    max_page_points: float = 14_400.0  # a page side (PDF's own limit, 5,08 m): beyond it nobody printed it


@dataclass(frozen=True)
class AcceptedFile:
    """One uploaded file that passed every check, with a PDF view of it for page matching."""

    name: str  # original file name, NFC, path parts stripped; never trusted for the type
    data: bytes = field(repr=False)  # the bytes exactly as uploaded (archived unchanged)
    media_type: str  # PDF | JPEG | PNG | TIFF, decided from the content
    pages: int
    pdf: bytes = field(repr=False)  # `data` itself for a PDF; for an image, img2pdf output, one page per frame
    warnings: tuple[str, ...] = ()  # active content found (JavaScript, embedded files), in Vietnamese; still stored


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
        pages, warnings = _check_pdf(name, data, limits)
        return AcceptedFile(name=name, data=data, media_type=PDF, pages=pages, pdf=data, warnings=warnings)
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

def neutral_name(name: str) -> str:
    """A name safe to show: control and format characters (the right-to-left override U+202E that makes
    “hoadon\u202efdp.exe” read “hoadonexe.pdf”, zero-width and bidi marks, C0/C1 controls) become spaces."""
    return "".join(" " if unicodedata.category(ch) in _HIDDEN_CATEGORIES else ch
                   for ch in unicodedata.normalize("NFC", name or ""))


_HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def _clean_name(name: str) -> str:
    """The file name as shown to users: NFC, last path part only, no control or bidi characters, bounded length."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = neutral_name(clean(base))
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


def _check_pdf(name: str, data: bytes, limits: Limits) -> tuple[int, tuple[str, ...]]:
    """(page count, active-content warnings) of a complete, unencrypted, readable PDF whose pages are of a sane
    size and whose content decodes within the limits; FileRefused otherwise. Never rasterises."""
    from pypdf import PdfReader

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
    budget = _DecodeBudget(name, limits)
    for number, page in enumerate(reader.pages, 1):
        try:
            box = page.mediabox
            width, height = float(box.width), float(box.height)
            unit = float(page.get("/UserUnit", 1) or 1)
        except Exception as exc:  # noqa: BLE001 - a box that is not numbers
            log.info("PDF %r: page %d has no usable MediaBox: %r", name, number, exc)
            raise corrupt(name) from exc
        if not (width > 0 and height > 0):
            log.info("PDF %r: page %d has an empty MediaBox", name, number)
            raise corrupt(name)
        side = max(width, height) * max(unit, 1.0)
        if side > limits.max_page_points:
            raise FileRefused(name, f"Tệp “{name}”: trang {number} có khổ {_cm(width * unit)} × {_cm(height * unit)}, "
                                    f"vượt quá khổ lớn nhất {_cm(limits.max_page_points)}; không phải trang giấy đã in.")
        try:
            _check_page_content(page, budget)
        except FileRefused:
            raise
        except Exception as exc:
            log.info("PDF %r: page %d is unreadable: %r", name, number, exc)
            raise corrupt(name) from exc
    return count, _active_content(reader)


def _cm(points: float) -> str:
    """A length in points as users read it, in centimetres or metres."""
    cm = abs(points) * 2.54 / 72
    if cm >= 100:
        return f"{vn_number(round(cm / 100, 2))} m"
    return f"{vn_number(round(cm, 1))} cm"


class _DecodeBudget:
    """Decoded bytes of one file's page content so far, refusing a stream or a file that decodes too large."""

    def __init__(self, name: str, limits: Limits) -> None:
        self.name, self.limits, self.total = name, limits, 0

    def stream_limit(self) -> int:
        return min(self.limits.max_stream_bytes, self.limits.max_decoded_bytes - self.total)

    def spend(self, size: int) -> None:
        self.total += size
        if size > self.limits.max_stream_bytes:
            raise self._refused(f"có một luồng nội dung giải nén ra hơn {_size(self.limits.max_stream_bytes)}")
        if self.total > self.limits.max_decoded_bytes:
            raise self._refused(f"có nội dung các trang giải nén ra hơn {_size(self.limits.max_decoded_bytes)}")

    def _refused(self, what: str) -> FileRefused:
        return FileRefused(self.name, f"Tệp “{self.name}” {what} (nén bất thường, có thể là “bom nén”); "
                                      "không nhận tệp này. Hãy in ra PDF hoặc quét lại bình thường.")


def _check_page_content(page, budget: _DecodeBudget) -> None:
    """Decode every content stream of the page and of the forms it draws, counting against the budget."""
    from pypdf.generic import ArrayObject, StreamObject

    contents = page.get("/Contents")
    streams = []
    if contents is not None:
        contents = contents.get_object()
        streams = [c.get_object() for c in contents] if isinstance(contents, ArrayObject) else [contents]
    for stream in streams:
        if not isinstance(stream, StreamObject):  # a missing object comes back as null in non-strict mode
            raise TypeError(f"page content is {type(stream).__name__}")
    seen: set[int] = set()
    pending = [(page.get("/Resources"), 0)]
    while pending:  # forms (XObjects of subtype /Form) are content streams too, drawn by the renderer
        resources, depth = pending.pop()
        resources = resources.get_object() if resources is not None else None
        xobjects = resources.get("/XObject") if hasattr(resources, "get") else None
        xobjects = xobjects.get_object() if xobjects is not None else None
        for ref in (xobjects.values() if hasattr(xobjects, "values") else ()):
            key = id(ref.get_object())
            obj = ref.get_object()
            if key in seen or not isinstance(obj, StreamObject) or obj.get("/Subtype") != "/Form":
                continue
            seen.add(key)
            streams.append(obj)
            if depth < 8:
                pending.append((obj.get("/Resources"), depth + 1))
    for stream in streams:
        budget.spend(_decoded_size(stream, budget.stream_limit()))


_FLATE = {"/FlateDecode", "/Fl"}


def _decoded_size(stream, limit: int) -> int:
    """The decoded size of a stream, measured without keeping it: a Flate stream is inflated in chunks and given
    up on past `limit` (returning limit + 1), so a bomb never sits in memory; other filters, and a damaged Flate
    stream pypdf may repair, decode through pypdf, whose own output caps apply (a damaged stream raises)."""
    from pypdf.generic import ArrayObject

    filters = stream.get("/Filter")
    filters = filters.get_object() if filters is not None else None
    names = [str(f) for f in filters] if isinstance(filters, ArrayObject) else ([str(filters)] if filters else [])
    raw = getattr(stream, "_data", None)
    if len(names) == 1 and names[0] in _FLATE and isinstance(raw, bytes):
        inflater = zlib.decompressobj()
        total, chunk = 0, raw
        try:
            while chunk:
                out = inflater.decompress(chunk, 1 << 20)
                total += len(out)
                if total > limit:
                    return limit + 1
                chunk = inflater.unconsumed_tail
            total += len(inflater.flush())
        except zlib.error:
            pass  # pypdf repairs some damaged streams: let it try, within its own caps
        else:
            return total if total <= limit else limit + 1
    return len(stream.get_data())


ACTIVE_CONTENT = {
    "javascript": "có mã JavaScript hoặc hành động tự chạy (mở trang, mở tệp, chạy chương trình)",
    "embedded_files": "có tệp khác nhúng bên trong (tệp đính kèm)",
}
_ACTION_KEYS = ("/JS", "/JavaScript")
_RUNNING_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/Rendition"}


def _active_content(reader) -> tuple[str, ...]:
    """Which kinds of active content (keys of ACTIVE_CONTENT) the PDF carries: document-level JavaScript and
    actions, pages' and annotations' actions, embedded files and file attachments. A walk of bounded size."""
    found: set[str] = set()
    try:
        root = reader.trailer["/Root"].get_object()
        names = root.get("/Names")
        names = names.get_object() if names is not None else {}
        if "/JavaScript" in names:
            found.add("javascript")
        if "/EmbeddedFiles" in names:
            found.add("embedded_files")
        if "/AA" in root or _runs(root.get("/OpenAction")):
            found.add("javascript")
        for page in reader.pages:
            if "/AA" in page:
                found.add("javascript")
            annots = page.get("/Annots")
            annots = annots.get_object() if annots is not None else []
            for ref in list(annots)[:500]:
                annot = ref.get_object()
                if not hasattr(annot, "get"):
                    continue
                if annot.get("/Subtype") == "/FileAttachment":
                    found.add("embedded_files")
                if "/AA" in annot or _runs(annot.get("/A")):
                    found.add("javascript")
    except Exception as exc:  # noqa: BLE001 - an odd structure: look at the raw bytes below
        log.info("active content walk failed: %r", exc)
    raw = reader.stream.getvalue() if hasattr(reader.stream, "getvalue") else b""
    if re.search(rb"/JavaScript\b", raw):  # (not "/JS": three bytes turn up by chance in compressed scans)
        found.add("javascript")
    if re.search(rb"/(EmbeddedFiles?|FileAttachment)\b", raw):
        found.add("embedded_files")
    return tuple(k for k in ACTIVE_CONTENT if k in found)


def _runs(action) -> bool:
    """Whether an action (or chain of /Next actions) runs something: JavaScript, a program, a form submission."""
    for _ in range(16):
        action = action.get_object() if action is not None else None
        if not hasattr(action, "get"):
            return False
        if action.get("/S") in _RUNNING_ACTIONS or any(k in action for k in _ACTION_KEYS):
            return True
        action = action.get("/Next")
        if hasattr(action, "__iter__") and not hasattr(action, "get"):
            return any(_runs(a) for a in list(action)[:16])
    return False


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
