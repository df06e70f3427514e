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
from dataclasses import dataclass
from pathlib import Path

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


def read_codes(files: list[AcceptedFile], limits: Limits, budget: ReaderBudget = ReaderBudget()
               ) -> list[list[str | None]]:
    """The code read on every page of every file (None where none), in order; refuses with a message when a file
    cannot be read, the reader ran out of its memory or the time budget ran out."""
    pages = sum(f.pages for f in files)
    seconds = budget.seconds(pages)
    with tempfile.TemporaryDirectory(prefix="kd-reader-") as tmp:
        folder = Path(tmp)
        entries = []
        for n, f in enumerate(files):
            (folder / f"{n}.bin").write_bytes(f.data)
            if f.pdf is not f.data:
                (folder / f"{n}.pdf").write_bytes(f.pdf)
            entries.append({"name": f.name, "media_type": f.media_type, "pages": f.pages,
                            "pdf": f.pdf is not f.data})
        manifest = {"files": entries, "limits": limits.__dict__, "memory_mb": budget.memory_mb}
        (folder / "manifest.json").write_text(json.dumps(manifest))
        try:
            proc = subprocess.run([sys.executable, "-m", "service.archive.reader", str(folder)],
                                  capture_output=True, timeout=seconds, check=False,
                                  cwd=str(Path(__file__).resolve().parents[2]))
        except subprocess.TimeoutExpired:
            raise ReadingFailed(f"Đọc mã QR trên {pages} trang quá thời gian cho phép ({int(seconds)} giây); chưa "
                                "tệp nào được lưu. Hãy chia nhỏ lần tải lên.") from None
        if proc.returncode == _MEMORY_EXIT or (proc.returncode < 0 and not (folder / "result.json").exists()):
            raise ReadingFailed(f"Các trang cần quá nhiều bộ nhớ để đọc (giới hạn {budget.memory_mb} MB cho một "
                                "lần tải lên); chưa tệp nào được lưu. Hãy quét lại ở độ phân giải thấp hơn hoặc chia "
                                "nhỏ tệp.", detail=proc.stderr.decode("utf-8", "replace")[-500:])
        try:
            result = json.loads((folder / "result.json").read_text())
        except (OSError, ValueError):
            raise ReadingFailed("Không đọc được các trang của lần tải lên; chưa tệp nào được lưu.",
                                detail=proc.stderr.decode("utf-8", "replace")[-800:]) from None
    if result.get("refused"):
        fields = result["refused"]
        messages = [m for ms in fields.values() for m in ms]
        raise UploadRefused(messages[0] + " Chưa tệp nào được lưu." if len(messages) == 1 else
                            f"Không nhận lần tải lên này ({len(messages)} vấn đề); chưa tệp nào được lưu.", fields)
    return result["codes"]


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
        codes, refused = [], {}
        for n, entry in enumerate(manifest["files"]):
            data = (folder / f"{n}.bin").read_bytes()
            pdf = (folder / f"{n}.pdf").read_bytes() if entry["pdf"] else data
            accepted = AcceptedFile(name=entry["name"], data=data, media_type=entry["media_type"],
                                    pages=entry["pages"], pdf=pdf)
            try:
                file_codes = [read_image_code(image) for image in page_images(accepted, limits=limits)]
                if len(file_codes) != accepted.pages:
                    raise FileRefused(accepted.name, f"Không đọc được đủ các trang của tệp “{accepted.name}”.")
            except FileRefused as refusal:
                refused.setdefault(refusal.file_name, []).append(refusal.message)
                file_codes = []
            codes.append(file_codes)
    except MemoryError:
        return _MEMORY_EXIT
    (folder / "result.json").write_text(json.dumps({"codes": codes, "refused": refused}))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("MALLOC_ARENA_MAX", "2")
    sys.exit(_main(Path(sys.argv[1])))
