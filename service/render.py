"""DOCX rendering with docxtpl in an autoescaping environment: render(kind, context) -> bytes."""
from __future__ import annotations

import io
import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from .catalog import DocumentKind
from .errors import RenderFailed

log = logging.getLogger(__name__)


@lru_cache(maxsize=64)
def _template_bytes(path: Path, mtime: float) -> bytes:
    """Template files are read once per modification, not on every render."""
    return path.read_bytes()


def _environment() -> SandboxedEnvironment:
    """A sandbox (office-edited templates are code) that fails loudly on a misspelt variable."""
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def render_template(path: Path, context: dict[str, Any]) -> bytes:
    """Fill one DOCX template; user text is escaped, never interpreted."""
    try:
        template = DocxTemplate(io.BytesIO(_template_bytes(path, path.stat().st_mtime)))
        template.render(context, jinja_env=_environment(), autoescape=True)
        out = io.BytesIO()
        template.save(out)
    except Exception as exc:  # a broken template is our fault, never the user's text
        log.exception("rendering %s failed", path)
        raise RenderFailed(f"Mẫu văn bản “{path.name}” bị lỗi, không tạo được văn bản. "
                           "Vui lòng báo cho quản trị viên.", detail=str(exc)) from exc
    return out.getvalue()


def render(kind: DocumentKind, context: dict[str, Any]) -> bytes:
    """The DOCX of a kind from its template context (see forms.context_for)."""
    return render_template(kind.template_path, context)


def template_variables(kind: DocumentKind) -> set[str]:
    """The variables a kind's template reads, for the template/form contract test."""
    template = DocxTemplate(io.BytesIO(kind.template_path.read_bytes()))
    return set(template.get_undeclared_template_variables(jinja_env=_environment()))
