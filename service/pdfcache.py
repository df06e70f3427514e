"""PDFs kept by the content of the DOCX they came from: an unchanged document is never converted twice."""
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


class PdfCache:
    """A folder of PDFs named by content key; writes are atomic so a crash never leaves half a file."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.hits = self.misses = 0

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.pdf"

    def get_or_convert(self, docx: bytes, convert: Callable[[bytes], bytes], *, pdfa: bool = False) -> bytes:
        """The cached PDF of this content, else convert and keep it."""
        path = self._path(content_key(docx, pdfa=pdfa))
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            data = b""
        if data.startswith(b"%PDF-"):
            self.hits += 1
            return data
        self.misses += 1
        pdf = convert(docx)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(pdf)
        os.replace(tmp, path)
        return pdf
