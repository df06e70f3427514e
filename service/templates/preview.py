"""A sample document printed with a template, as page images: what an office sees before a version takes effect."""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from typing import Any

from .. import output
from ..catalog import DocumentKind, document_context
from ..errors import ServiceError
from ..samples import all_samples
from . import TemplateSource

PREVIEW_PAGES = 4
PREVIEW_DPI = 80


def sample_pdf(kind: DocumentKind, source: TemplateSource, converter: output.Converter,
               header: dict[str, Any] | None = None) -> bytes:
    """The kind's sample document printed with this template, the unit's own header lines put in."""
    data = all_samples()[kind.code]()
    for key, value in (header or {}).items():
        if key in data and value:
            data[key] = value
    docx = output.produce(kind, document_context(kind, data), "docx", converter, source).content
    return converter.to_pdf(docx, name=f"Xem trước {kind.title}")


def page_images(pdf: bytes, *, pages: int = PREVIEW_PAGES, dpi: int = PREVIEW_DPI) -> list[bytes]:
    """The first pages as PNG images (poppler's pdftoppm)."""
    with tempfile.TemporaryDirectory() as folder:
        try:
            subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", str(pages), "-", f"{folder}/p"],
                           input=pdf, capture_output=True, check=True, timeout=120)
        except (OSError, subprocess.SubprocessError) as exc:
            raise ServiceError("Không tạo được ảnh xem trước của mẫu.", detail=str(exc)) from exc
        return [path.read_bytes() for path in sorted(Path(folder).glob("p-*.png"))]
