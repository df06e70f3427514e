"""DOCX rendering with docxtpl in an autoescaping environment: render(kind, context) -> bytes."""
from __future__ import annotations

import hashlib
import io
import json
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


_ROOT = Path(__file__).resolve().parent.parent
_RENDER_CODE = ("forms/*.py", "service/render.py", "service/richtext.py", "service/text.py", "service/catalog.py")


@lru_cache(maxsize=1)
def _code_fingerprint() -> bytes:
    """The code that turns saved data into a DOCX: a change to any of it makes every cached render stale."""
    digest = hashlib.sha256()
    for pattern in _RENDER_CODE:
        for path in sorted(_ROOT.glob(pattern)):
            digest.update(path.read_bytes())
    return digest.digest()


def render_key(kind: DocumentKind, data: dict[str, Any]) -> str:
    """What a rendered DOCX depends on: the render code, the template file and the saved data."""
    digest = hashlib.sha256(_code_fingerprint())
    digest.update(kind.code.encode())
    digest.update(hashlib.sha256(kind.template_path.read_bytes()).digest())
    digest.update(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode())
    return digest.hexdigest()


def template_variables(kind: DocumentKind) -> set[str]:
    """The variables a kind's template reads, for the template/form contract test."""
    template = DocxTemplate(io.BytesIO(kind.template_path.read_bytes()))
    return set(template.get_undeclared_template_variables(jinja_env=_environment()))
