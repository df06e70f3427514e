"""From a kind and its template context to a downloadable file: DOCX, PDF through the pool, or XLSX."""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Protocol

from . import render
from .catalog import DocumentKind
from .errors import InvalidInput
from .templates import TemplateSource

MIMETYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
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


def produce(kind: DocumentKind, context: dict[str, Any], fmt: str, converter: Converter,
            source: TemplateSource | None = None) -> OutputFile:
    """Render the DOCX and, for PDF, convert it; XLSX comes from the kind's workbook builder and the same
    context. The file name comes from the catalog."""
    if fmt not in kind.formats:
        allowed = ", ".join(kind.formats)
        raise InvalidInput(f"Tham số format không hợp lệ: loại văn bản này có {allowed}.",
                           {"format": [f"Chỉ nhận: {allowed}."]})
    name = str(context.get("full_name") or context.get("issuing_body") or "")
    if fmt == "xlsx":
        content = spreadsheet(kind, context)
    else:
        docx = render.render(kind, context, source)
        content = docx if fmt == "docx" else converter.to_pdf(docx, name=kind.title)
    return OutputFile(content, kind.file_name(context.get("year") or 0, name, fmt), MIMETYPES[fmt])


def spreadsheet(kind: DocumentKind, context: dict[str, Any]) -> bytes:
    """The kind's workbook ("module:function" in the catalog, called with the template context)."""
    module, _, function = kind.spreadsheet.partition(":")
    return getattr(importlib.import_module(module), function)(context)
