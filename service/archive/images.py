"""Image uploads: check that a JPEG, PNG or TIFF decodes fully within the limits and give it a PDF view (img2pdf)."""
from __future__ import annotations

import io
import logging

from PIL import Image, ImageFile, JpegImagePlugin, PngImagePlugin, TiffImagePlugin

from .intake import JPEG, PNG, TIFF, FileRefused, Limits, corrupt, too_many_pages, too_many_pixels

log = logging.getLogger(__name__)

_DEFAULT_IMAGE_DPI = 200  # page size for an image that states no (plausible) resolution
_A4_LONG_INCHES = 11.69
_MAX_PAGE_INCHES = 17.0  # beyond A3's long side the stated DPI is a camera's 72 dpi, not a scanner's
_TIFF_FRAME_CAP = 100_000  # stop counting IFDs here (a looped or absurd chain), already far over any limit

# EXIF orientations img2pdf honours (it ignores the mirrored ones 2, 4, 5, 7 with Rotation.ifvalid).
EXIF_ROTATION = {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_270, 8: Image.Transpose.ROTATE_90}


def open_image(data: bytes, media_type: str) -> ImageFile.ImageFile:
    """Open with the plugin of the sniffed type: header only, and without Image.open's bomb check that would
    refuse before we know the size to report (our own pixel check runs right after, before any decoding)."""
    plugin = {JPEG: JpegImagePlugin.JpegImageFile, PNG: PngImagePlugin.PngImageFile,
              TIFF: TiffImagePlugin.TiffImageFile}[media_type]
    return plugin(io.BytesIO(data))  # JPEG: first image only (an MPO's extra frames are ignored)


def check_frame_size(name: str, image: Image.Image, limits: Limits, page: int | None) -> None:
    width, height = image.size
    if width <= 0 or height <= 0:
        raise corrupt(name)
    if width * height > limits.max_pixels:
        raise too_many_pixels(name, width, height, limits, page)


def check_image(name: str, data: bytes, media_type: str, limits: Limits) -> tuple[int, tuple[float, float] | None]:
    """(frames, stated dpi or None) of an image that decodes completely within the pixel limit."""
    if ImageFile.LOAD_TRUNCATED_IMAGES:  # someone relaxed Pillow globally: a cut file would pass silently
        log.warning("PIL.ImageFile.LOAD_TRUNCATED_IMAGES is set: truncated images may be accepted")
    try:
        image = open_image(data, media_type)
    except MemoryError:
        raise
    except Exception as exc:
        raise corrupt(name) from exc
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
                raise corrupt(name) from exc
            if len(sizes) > limits.max_pages:
                raise _count_tiff_frames(name, image, len(sizes), limits)
        frames = len(sizes)
        for index, (width, height) in enumerate(sizes):
            if width <= 0 or height <= 0:
                raise corrupt(name)
            if width * height > limits.max_pixels:
                raise too_many_pixels(name, width, height, limits, index + 1 if frames > 1 else None)
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
            raise too_many_pixels(name, *sizes[0], limits) from exc
        except MemoryError:
            raise
        except Exception as exc:
            raise corrupt(name) from exc
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
        return too_many_pages(name, count, limits)
    except Exception:  # noqa: BLE001 - a damaged later IFD: at least `count` pages exist, already too many
        return too_many_pages(name, count - 1, limits, more=True)
    return too_many_pages(name, count, limits, more=True)


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


def image_pdf(name: str, data: bytes, media_type: str, frames: int,
               stated_dpi: tuple[float, float] | None) -> bytes:
    """The image as PDF pages, embedded as is where img2pdf can (JPEG always, PNG without alpha, G4 TIFF)."""
    import img2pdf

    options = {"layout_fun": _layout(stated_dpi), "rotation": img2pdf.Rotation.ifvalid,
               "first_frame_only": media_type != TIFF, "nodate": True}
    try:
        return img2pdf.convert(io.BytesIO(data), **options)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Only reachable when Limits.max_pixels is above Pillow's own guard, which img2pdf's Image.open applies.
        with open_image(data, media_type) as image:
            width, height = image.size
        raise too_many_pixels(name, width, height, Limits(max_pixels=int(Image.MAX_IMAGE_PIXELS or 0))) from exc
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - any img2pdf refusal gets the flattening fallback below
        # img2pdf 0.6 keeps 8-bit alpha as a soft mask, but refuses >8-bit alpha, >8-bit TIFF and a few odd
        # modes: then every frame is flattened to 8-bit L/RGB (alpha onto white paper) and embedded as lossless
        # PNG. Only in this case are the pixels re-encoded; the archived `data` stays as uploaded.
        log.info("img2pdf could not embed %r as is (%r): flattening", name, exc)
    try:
        pngs = []
        with open_image(data, media_type) as image:
            for index in range(frames):
                image.seek(index)
                frame = image.copy() if image.mode in ("1", "L", "RGB") else flatten(image)
                turn = EXIF_ROTATION.get(image.getexif().get(0x0112))
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
        raise corrupt(name) from exc


def flatten(image: Image.Image) -> Image.Image:
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
