"""Page images for QR matching: one image per page of an accepted file, a scan's own image where it has one."""
from __future__ import annotations

import io
import logging
import math
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from PIL import Image, JpegImagePlugin

from .images import EXIF_ROTATION, check_frame_size, flatten, open_image
from .intake import PDF, AcceptedFile, FileRefused, Limits, corrupt, too_many_pixels

log = logging.getLogger(__name__)

_RASTER_BATCH = 8
_SCAN_CONTENT_MAX = 64 * 1024  # a scan page's content stream is a few dozen bytes; bigger means vector drawing
_SCAN_MIN_COVER = 0.5  # the single image must cover at least half the page to count as the page's scan
_PDFTOPPM_TIMEOUT = 120  # seconds per batch of pages


def page_images(accepted: AcceptedFile, dpi: int = 150, *,
                limits: Limits = Limits()) -> Iterator[Image.Image]:  # noqa: B008 - Limits is frozen
    """One image (L or RGB) per page, in order, for QR reading; a scan's own image is used when there is one."""
    if accepted.media_type == PDF:
        yield from _pdf_page_images(accepted, dpi, limits)
    else:
        yield from _image_file_frames(accepted, limits)


def _image_file_frames(accepted: AcceptedFile, limits: Limits) -> Iterator[Image.Image]:
    """Decode an image file's frames one at a time, turned as its PDF view shows them."""
    name = accepted.name
    try:
        image = open_image(accepted.data, accepted.media_type)
    except MemoryError:
        raise
    except Exception as exc:
        raise corrupt(name) from exc
    with image:
        for index in range(accepted.pages):
            try:
                image.seek(index)
            except EOFError:
                return
            check_frame_size(name, image, limits, index + 1 if accepted.pages > 1 else None)
            try:
                image.load()
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
                raise too_many_pixels(name, image.width, image.height, limits) from exc
            except MemoryError:
                raise
            except Exception as exc:
                raise corrupt(name) from exc
            frame = flatten(image)
            turn = EXIF_ROTATION.get(image.getexif().get(0x0112))
            yield frame.transpose(turn) if turn is not None else frame


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
        raise corrupt(name) from exc
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
        frame = flatten(image)
        return frame.transpose(transpose) if transpose is not None else frame
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - the renderer gets a second chance
        log.info("embedded page image unreadable, rasterising instead: %r", exc)
        return None
