"""Reading every page's code in a separate process with a memory limit and a time budget.

Rendering pages (pdftoppm) and decoding scans is the costly part of an upload: done in the web process, one
hostile or merely huge file could take its memory (a Flate bomb held 2.5 GB) or its time. Here a child Python
process limits its own address space (RLIMIT_AS, inherited by the pdftoppm it starts) before it imports anything
heavy, and the parent kills it when the time budget runs out; either way the upload is refused with a Vietnamese
message and the web process is unaffected.

Run by the parent only: `python -m service.archive.reader <folder>`; the folder holds manifest.json and the files.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import ServiceError
from .intake import AcceptedFile, FileRefused, Limits, UploadRefused

_MEMORY_EXIT = 3


@dataclass(frozen=True)
class ReaderBudget:
    """What reading one request's pages may cost: memory of the reading process, and seconds."""

    memory_mb: int = 768
    seconds_per_page: float = 2.0
    min_seconds: float = 60.0
    max_seconds: float = 600.0

    def seconds(self, pages: int) -> float:
        return max(self.min_seconds, min(self.max_seconds, self.seconds_per_page * pages))


class ReadingFailed(ServiceError):
    """The pages could not be read within the budget; nothing was stored."""

    status = 422
    code = "khong_doc_duoc_trang"


@dataclass(frozen=True)
class StoredPages:
    """A file already in the archive's store, read by the child without keeping every file in this process: its
    bytes (and its PDF view, for an image) are fetched one file at a time into the reader's folder."""

    name: str
    media_type: str
    pages: int
    data: Callable[[], bytes]
    pdf: Callable[[], bytes] | None = None  # None: `data` is the PDF itself


def _write_inputs(folder: Path, files: list) -> list[dict]:
    entries = []
    for n, f in enumerate(files):
        if isinstance(f, StoredPages):
            (folder / f"{n}.bin").write_bytes(f.data())
            own_pdf = f.pdf is not None
            if own_pdf:
                (folder / f"{n}.pdf").write_bytes(f.pdf())
        else:
            (folder / f"{n}.bin").write_bytes(f.data)
            own_pdf = f.pdf is not f.data
            if own_pdf:
                (folder / f"{n}.pdf").write_bytes(f.pdf)
        entries.append({"name": f.name, "media_type": f.media_type, "pages": f.pages, "pdf": own_pdf})
    return entries


def read_codes(files: list, limits: Limits, budget: ReaderBudget = ReaderBudget(), *,
               progress: Callable[[int, int], None] | None = None,
               check: Callable[[], None] | None = None) -> list[list[str | None]]:
    """The code read on every page of every file (AcceptedFile or StoredPages; None where none), in order; refuses
    with a message when a file cannot be read, the reader ran out of its memory or the time budget ran out.

    While the child reads, `progress(pages read, pages in all)` is called about every quarter second and `check()`
    too (a job's cancel check: whatever it raises ends the child first)."""
    pages = sum(f.pages for f in files)
    seconds = budget.seconds(pages)
    with tempfile.TemporaryDirectory(prefix="kd-reader-") as tmp:
        folder = Path(tmp)
        manifest = {"files": _write_inputs(folder, files), "limits": limits.__dict__, "memory_mb": budget.memory_mb}
        (folder / "manifest.json").write_text(json.dumps(manifest))
        returncode = _run_child(folder, seconds, pages, progress, check)
        stderr = (folder / "stderr.txt").read_bytes() if (folder / "stderr.txt").exists() else b""
        if returncode == _MEMORY_EXIT or (returncode < 0 and not (folder / "result.json").exists()):
            raise ReadingFailed(f"Các trang cần quá nhiều bộ nhớ để đọc (giới hạn {budget.memory_mb} MB cho một "
                                "lần tải lên); không đối chiếu được. Hãy quét lại ở độ phân giải thấp hơn hoặc chia "
                                "nhỏ tệp.", detail=stderr.decode("utf-8", "replace")[-500:])
        try:
            result = json.loads((folder / "result.json").read_text())
        except (OSError, ValueError):
            raise ReadingFailed("Không đọc được các trang của lần tải lên.",
                                detail=stderr.decode("utf-8", "replace")[-800:]) from None
    if result.get("refused"):
        fields = result["refused"]
        messages = [m for ms in fields.values() for m in ms]
        raise UploadRefused(messages[0] if len(messages) == 1 else
                            f"Không nhận lần tải lên này ({len(messages)} vấn đề, xem từng tệp).", fields)
    return result["codes"]


def _run_child(folder: Path, seconds: float, pages: int, progress, check) -> int:
    """Run the reader on the folder; its exit code. Kills it when the budget runs out or `check` raises."""
    deadline = time.monotonic() + seconds
    with open(folder / "stderr.txt", "wb") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", "service.archive.reader", str(folder)],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
                                cwd=str(Path(__file__).resolve().parents[2]))
    try:
        while True:
            try:
                return proc.wait(timeout=min(0.25, max(0.01, deadline - time.monotonic())))
            except subprocess.TimeoutExpired:
                pass
            if progress is not None:
                progress(_pages_read(folder), pages)
            if check is not None:
                check()
            if time.monotonic() >= deadline:
                raise ReadingFailed(f"Đọc mã QR trên {pages} trang quá thời gian cho phép ({int(seconds)} giây). "
                                    "Hãy chia nhỏ lần tải lên.")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _pages_read(folder: Path) -> int:
    try:
        return int((folder / "progress").read_text() or 0)
    except (OSError, ValueError):
        return 0


def _main(folder: Path) -> int:
    """In the child: limit memory first, then read every page and write result.json."""
    import resource

    manifest = json.loads((folder / "manifest.json").read_text())
    limit = int(manifest["memory_mb"]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        from ..packets import read_image_code
        from .page_images import page_images

        limits = Limits(**manifest["limits"])
        codes, refused, done = [], {}, 0
        for n, entry in enumerate(manifest["files"]):
            data = (folder / f"{n}.bin").read_bytes()
            pdf = (folder / f"{n}.pdf").read_bytes() if entry["pdf"] else data
            accepted = AcceptedFile(name=entry["name"], data=data, media_type=entry["media_type"],
                                    pages=entry["pages"], pdf=pdf)
            before = done
            try:
                file_codes = []
                for image in page_images(accepted, limits=limits):
                    file_codes.append(read_image_code(image))
                    done += 1
                    _tell(folder, done)
                if len(file_codes) != accepted.pages:
                    raise FileRefused(accepted.name, f"Không đọc được đủ các trang của tệp “{accepted.name}”.")
            except FileRefused as refusal:
                refused.setdefault(refusal.file_name, []).append(refusal.message)
                file_codes = []
            done = before + entry["pages"]  # a refused file counts as read
            _tell(folder, done)
            codes.append(file_codes)
    except MemoryError:
        return _MEMORY_EXIT
    (folder / "result.json").write_text(json.dumps({"codes": codes, "refused": refused}))
    return 0


def _tell(folder: Path, done: int) -> None:
    """Pages read so far, for the parent's progress (written whole: a reader never sees half a number)."""
    tmp = folder / "progress.tmp"
    tmp.write_text(str(done))
    os.replace(tmp, folder / "progress")


if __name__ == "__main__":
    os.environ.setdefault("MALLOC_ARENA_MAX", "2")
    sys.exit(_main(Path(sys.argv[1])))
