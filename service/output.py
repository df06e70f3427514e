"""From a kind and its template context to a downloadable file: DOCX, or PDF through the pool."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from . import render
from .catalog import DocumentKind
from .errors import InvalidInput

MIMETYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


class Converter(Protocol):
    """What the pipeline needs of a converter (the pool, or a fake in tests)."""

    def to_pdf(self, docx: bytes, *, pdfa: bool = False, name: str = "văn bản", timeout: float | None = None) -> bytes:
        ...


@dataclass(frozen=True)
class OutputFile:
    """Bytes with the name and type to send them under."""

    content: bytes
    filename: str
    mimetype: str


def produce(kind: DocumentKind, context: dict[str, Any], fmt: str, converter: Converter) -> OutputFile:
    """Render the DOCX and, for PDF, convert it; the file name comes from the catalog."""
    if fmt not in MIMETYPES:
        raise InvalidInput("Định dạng phải là docx hoặc pdf.", {"format": ["Chỉ nhận docx hoặc pdf."]})
    docx = render.render(kind, context)
    name = str(context.get("full_name") or context.get("issuing_body") or "")
    content = docx if fmt == "docx" else converter.to_pdf(docx, name=kind.title)
    return OutputFile(content, kind.file_name(context.get("year") or 0, name, fmt), MIMETYPES[fmt])
