"""Pictures of uploaded pages for the person who accepts them: a small image of every page, and the pages where a
signature is expected (each document's last page) large enough to see whether it was signed.

Images are rendered from the stored file (pdftoppm; an image file through its PDF view) and cached under the data
folder by the file's SHA-256, page and size: the stored bytes never change, so neither does a picture.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from ..errors import NotFound, ServiceError
from ..files import atomic_write
from . import intake
from .models import Upload
from .reader import ReaderBudget
from .uploads import Archive, match_result

SIZES = {"small": 240, "large": 1400}  # pixels on the long side: a page at a glance; a signature readable
_TIMEOUT = 60  # seconds for one page


class PictureFailed(ServiceError):
    """The page could not be drawn (the stored file is intact; only its picture is missing)."""

    status = 503
    code = "khong_ve_duoc_trang"


@dataclass(frozen=True)
class PageView:
    """One uploaded page as the report shows it: where it went, and whether a signature is expected on it."""

    file_n: int
    page: int
    file_name: str
    document_id: int | None
    title: str  # the document's title, "" when the page is not (yet) a document's
    doc_page: int | None
    pages_expected: int | None
    signature: bool  # the document's last page: where the signatures are


def gallery(session: Session, upload: Upload) -> list[PageView]:
    """Every page of the upload in file and page order, with what it was matched to."""
    result = match_result(session, upload)
    documents = {(d.packet_code, d.document_id): d for d in result.documents}
    views = []
    for f in sorted(upload.files, key=lambda f: f.position):
        for page in range(1, (f.pages or 0) + 1):
            placed = result.placements.get((f.position, page))
            doc = documents.get((placed.packet_code, placed.document_id)) if placed and placed.document_id else None
            if doc is None:
                views.append(PageView(f.position, page, f.original_name, None, "", None, None, False))
                continue
            views.append(PageView(f.position, page, f.original_name, doc.document_id, doc.title, placed.doc_page,
                                  doc.pages_expected, placed.doc_page == doc.pages_expected))
    return views


def picture(archive: Archive, cache_dir: Path, upload: Upload, file_n: int, page: int, size: str) -> bytes:
    """PNG of one uploaded page at one of SIZES, from the cache or drawn now from the stored file."""
    if size not in SIZES:
        raise NotFound("Không có cỡ ảnh này.")
    row = next((f for f in upload.files if f.position == file_n), None)
    if row is None or not 1 <= page <= (row.pages or 0):
        raise NotFound("Không có trang này trong lần tải lên.")
    path = cache_dir / row.sha256[:2] / f"{row.sha256}-{page}-{size}.png"
    if path.is_file():
        return path.read_bytes()
    data = archive.store.get(row.sha256)
    pdf = data if row.media_type == intake.PDF else intake.accept_file(row.original_name, data, archive.limits).pdf
    png = _render(pdf, page, SIZES[size])
    atomic_write(path, png)
    return png


def _render(pdf: bytes, page: int, long_side: int) -> bytes:
    with tempfile.TemporaryDirectory(prefix="kd-thumb-") as tmp:
        source, out = Path(tmp) / "in.pdf", Path(tmp) / "out"
        source.write_bytes(pdf)
        command = ["pdftoppm", "-f", str(page), "-l", str(page), "-scale-to", str(long_side), "-png", "-singlefile",
                   str(source), str(out)]
        if shutil.which("prlimit"):  # the same memory bound as reading an upload's pages (util-linux)
            command = ["prlimit", f"--as={ReaderBudget().memory_mb * 1024 * 1024}", "--", *command]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=_TIMEOUT)
            return (Path(tmp) / "out.png").read_bytes()
        except (subprocess.SubprocessError, OSError) as exc:
            raise PictureFailed("Chưa vẽ được ảnh của trang này; tệp đã lưu vẫn nguyên vẹn, hãy thử lại sau "
                                "hoặc tải tệp về để xem.") from exc
