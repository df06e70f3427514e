"""Page images of a printed document for the preview inside its form: PNGs made from the PDF with pdftoppm, kept
by the PDF's hash so an unchanged document is not rendered twice."""
from __future__ import annotations

import hashlib
import os
import re
import subprocess
import tempfile
from pathlib import Path

from .errors import ServiceError

DPI = 72  # an A4 page at 596 × 842 px: readable on a desk, scaled down on a phone
MAX_PAGES = 30
_KEY = re.compile(r"[0-9a-f]{64}")


class PreviewFailed(ServiceError):
    """pdftoppm could not make the page images."""

    status = 503


def page_images(pdf: bytes, folder: Path) -> tuple[str, int]:
    """(key, page count) of the PDF's page images under `folder/key/`, made on first use."""
    key = hashlib.sha256(pdf).hexdigest()
    target = folder / key
    if not target.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(dir=folder, prefix=".tmp-"))
        (work / "doc.pdf").write_bytes(pdf)
        try:
            subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-l", str(MAX_PAGES), str(work / "doc.pdf"),
                            str(work / "trang")], check=True, capture_output=True, timeout=60)
        except (subprocess.SubprocessError, OSError) as exc:
            raise PreviewFailed("Chưa tạo được hình xem trước, vui lòng thử lại.", detail=str(exc)) from None
        (work / "doc.pdf").unlink()
        for number, path in enumerate(sorted(work.glob("trang-*.png"), key=_page_number), start=1):
            path.rename(work / f"{number}.png")
        try:
            os.rename(work, target)  # atomic: a half-made folder is never seen
        except OSError:  # made meanwhile by another request
            for path in work.iterdir():
                path.unlink()
            work.rmdir()
    return key, len(list(target.glob("*.png")))


def page_path(folder: Path, key: str, number: int) -> Path | None:
    """The image of one page, or None when there is none."""
    if not _KEY.fullmatch(key) or not 1 <= number <= MAX_PAGES:
        return None
    path = folder / key / f"{number}.png"
    return path if path.is_file() else None


def _page_number(path: Path) -> int:
    return int(path.stem.rsplit("-", 1)[1])
