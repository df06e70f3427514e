"""Files kept by what they were made from: an unchanged document is neither rendered nor converted twice."""
from __future__ import annotations

import hashlib
import io
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Callable


def content_key(docx: bytes, *, pdfa: bool = False) -> str:
    """SHA-256 over the DOCX's parts (names and bytes), not the ZIP: rendering stamps new timestamps each time."""
    digest = hashlib.sha256(b"pdfa" if pdfa else b"pdf")
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        for name in sorted(archive.namelist()):
            digest.update(name.encode() + b"\0")
            digest.update(hashlib.sha256(archive.read(name)).digest())
    return digest.hexdigest()


class FileCache:
    """A folder of files named by key; writes are atomic so a crash never leaves half a file."""

    def __init__(self, folder: Path, suffix: str, valid: Callable[[bytes], bool]) -> None:
        self.folder, self.suffix, self.valid = Path(folder), suffix, valid
        self.hits = self.misses = 0

    def get_or_make(self, key: str, make: Callable[[], bytes]) -> bytes:
        """The file kept under this key, else make it and keep it."""
        path = self.folder / key[:2] / f"{key}{self.suffix}"
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            data = b""
        if self.valid(data):
            self.hits += 1
            return data
        self.misses += 1
        data = make()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
        return data


class PdfCache(FileCache):
    """PDFs by the content of their DOCX, and rendered DOCX by what they were rendered from (render.render_key)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder, ".pdf", lambda data: data.startswith(b"%PDF-"))
        self.renders = FileCache(Path(folder) / "docx", ".docx", lambda data: data.startswith(b"PK"))

    def get_or_convert(self, docx: bytes, convert: Callable[[bytes], bytes], *, pdfa: bool = False) -> bytes:
        """The cached PDF of this content, else convert and keep it."""
        return self.get_or_make(content_key(docx, pdfa=pdfa), lambda: convert(docx))
