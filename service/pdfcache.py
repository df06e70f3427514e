"""Files kept by what they were made from: an unchanged document is neither rendered, converted nor stamped twice.

One folder (DATA_DIR/pdf-cache) holds four kinds of entries, each named by a SHA-256:
- docx/  rendered DOCX by render.render_key (saved data, template file, the code that renders);
- *.pdf  converted PDFs by the DOCX's content (content_key: two renders of the same data share one conversion);
- links/ render key → PDF key, so an unchanged document finds its PDF without opening its DOCX;
- qr/    a PDF with its document's own QR codes, by (PDF key, print code, document code).
Entries are written atomically (a temporary file renamed into place, removed on any failure) and pruned oldest
first once the folder passes CACHE_MAX_MB; a hit refreshes the entry's time, so what packets use stays.
"""
from __future__ import annotations

import hashlib
import io
import logging
import os
import secrets
import shutil
import time
import zipfile
from pathlib import Path
from typing import Callable

log = logging.getLogger(__name__)

STAMP_VERSION = b"qr-1"   # bump when the stamp's drawing changes: every stamped part is made again


def content_key(docx: bytes, *, pdfa: bool = False) -> str:
    """SHA-256 over the DOCX's parts (names and bytes), not the ZIP: rendering stamps new timestamps each time."""
    digest = hashlib.sha256(b"pdfa" if pdfa else b"pdf")
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        for name in sorted(archive.namelist()):
            digest.update(name.encode() + b"\0")
            digest.update(hashlib.sha256(archive.read(name)).digest())
    return digest.hexdigest()


def _is_pdf(data: bytes) -> bool:
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]


def write_atomically(path: Path, data: bytes) -> None:
    """Write beside, then rename: readers see the old entry or the whole new one; a failure leaves nothing behind.
    No fsync: a cache entry lost in a power cut is made again (and a torn one fails its check on read)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "xb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class FileCache:
    """A folder of files named by key; writes are atomic so a crash never leaves half a file."""

    def __init__(self, folder: Path, suffix: str, valid: Callable[[bytes], bool]) -> None:
        self.folder, self.suffix, self.valid = Path(folder), suffix, valid
        self.hits = self.misses = 0

    def path(self, key: str) -> Path:
        """Where the entry of `key` lives (two-character fan-out, so no folder gets huge)."""
        return self.folder / key[:2] / f"{key}{self.suffix}"

    def get(self, key: str) -> bytes | None:
        """The entry, or None; a hit refreshes its time so pruning keeps what is used."""
        path = self.path(key)
        try:
            data = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None
        if not self.valid(data):
            return None
        try:
            os.utime(path)
        except OSError:
            pass
        return data

    def put(self, key: str, data: bytes) -> None:
        """Keep `data` under `key`; a cache that cannot be written is logged, never a failed packet."""
        try:
            write_atomically(self.path(key), data)
        except OSError as exc:
            log.warning("cache entry %s not written: %s", self.path(key), exc)

    def get_or_make(self, key: str, make: Callable[[], bytes]) -> bytes:
        """The file kept under this key, else make it and keep it."""
        data = self.get(key)
        if data is not None:
            self.hits += 1
            return data
        self.misses += 1
        data = make()
        self.put(key, data)
        return data


class PdfCache(FileCache):
    """PDFs by the content of their DOCX, rendered DOCX by what they were rendered from (render.render_key), the
    link between the two, and parts stamped with their QR codes."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder, ".pdf", _is_pdf)
        self.renders = FileCache(Path(folder) / "docx", ".docx", lambda data: data.startswith(b"PK"))
        self.links = FileCache(Path(folder) / "links", ".key", lambda data: len(data) == 64)
        self.stamped = FileCache(Path(folder) / "qr", ".pdf", _is_pdf)

    def get_or_convert(self, docx: bytes, convert: Callable[[bytes], bytes], *, pdfa: bool = False) -> bytes:
        """The cached PDF of this content, else convert and keep it."""
        return self.get_or_make(content_key(docx, pdfa=pdfa), lambda: convert(docx))

    def linked_pdf(self, render_key: str) -> tuple[str, bytes] | None:
        """(PDF key, PDF) of a render already converted, without reading or hashing its DOCX."""
        link = self.links.get(render_key)
        if link is None:
            return None
        key = link.decode("ascii", "replace")
        data = self.get(key)
        if data is None:
            return None
        self.hits += 1
        return key, data

    def convert_linked(self, render_key: str, docx: bytes, convert: Callable[[bytes], bytes], *,
                       pdfa: bool = False) -> tuple[str, bytes]:
        """(PDF key, PDF) of a rendered DOCX, converting only new content, and remember the render's PDF."""
        key = content_key(docx, pdfa=pdfa)
        data = self.get_or_make(key, lambda: convert(docx))
        self.links.put(render_key, key.encode("ascii"))
        return key, data

    def stamped_part(self, pdf_key: str, print_code: str, doc_code: str, make: Callable[[], bytes]) -> bytes:
        """The part with its QR codes, made once per PDF and code."""
        key = hashlib.sha256(b"\0".join([STAMP_VERSION, pdf_key.encode(), print_code.encode(),
                                         doc_code.encode()])).hexdigest()
        return self.stamped.get_or_make(key, make)

    def prune(self, max_bytes: int) -> int:
        """Remove the least recently used entries until the folder holds at most `max_bytes`; returns how many.
        A large packet's section (sections/<key>/: its PDF, manifest and files) goes as a whole."""
        entries: list[tuple[float, int, Path]] = []
        total = 0
        sections = self.folder / "sections"
        for path in self.folder.rglob("*"):
            try:
                if path.is_relative_to(sections) and path != sections:
                    if path.parent == sections and path.is_dir():
                        size, mtime = _tree_size(path)
                        if path.name.startswith(".") and mtime > time.time() - 3600:
                            continue   # being built right now
                        entries.append((mtime, size, path))
                        total += size
                    continue
                if not path.is_file():
                    continue
                stat = path.stat()
            except OSError:
                continue
            if path.name.endswith(".tmp"):
                if stat.st_mtime < time.time() - 3600:  # left by a killed process: never renamed into place
                    path.unlink(missing_ok=True)
                continue
            entries.append((stat.st_mtime, stat.st_size, path))
            total += stat.st_size
        removed = 0
        for _mtime, size, path in sorted(entries):
            if total <= max_bytes:
                break
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            total -= size
            removed += 1
        return removed


def _tree_size(folder: Path) -> tuple[int, float]:
    """Bytes under a folder and when it was last used (its newest file)."""
    size, newest = 0, 0.0
    for path in folder.rglob("*"):
        try:
            stat = path.stat()
        except OSError:
            continue
        size += stat.st_size
        newest = max(newest, stat.st_mtime)
    return size, newest
