"""DOCX rendering with docxtpl in an autoescaping environment: render(kind, context) -> bytes."""
from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import threading
import zipfile
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from . import docx_fill, templates
from .catalog import DocumentKind
from .templates import TemplateSource
from .errors import RenderFailed
from .rules import RuleSettings, configured

log = logging.getLogger(__name__)
_PATCHER = object.__new__(DocxTemplate)  # patch_xml reads nothing of the instance: an empty one will do


class _CompilingOnce(SandboxedEnvironment):
    """The sandbox that keeps what it compiled: a template's XML parts are the same on every render, and compiling
    them (with docxtpl's patching below) was two thirds of a render's time."""

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=StrictUndefined)
        self._compiled: dict[str, Any] = {}
        self._lock = threading.Lock()

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002 - jinja2's signature
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        template = self._compiled.get(source)
        if template is None:
            template = super().from_string(source)
            with self._lock:
                if len(self._compiled) >= 512:   # templates edited many times: start again rather than grow
                    self._compiled.clear()
                self._compiled[source] = template
        return template


_SHARED_ENV = _CompilingOnce()


def _environment() -> SandboxedEnvironment:
    """A sandbox (office-edited templates are code) that fails loudly on a misspelt variable; shared, so each
    template part is compiled once per process."""
    return _SHARED_ENV


@lru_cache(maxsize=256)
def _patched(xml: str) -> str:
    """docxtpl's tag clean-up of one XML part: a pure function of the template's XML, so done once."""
    return DocxTemplate.patch_xml(_PATCHER, xml)


class _Template(DocxTemplate):
    """DocxTemplate reusing the patched XML of a part it has seen before."""

    def patch_xml(self, src_xml: str) -> str:
        return _patched(src_xml)


_PREPARED = docx_fill.PreparedCache()


def render_with_docxtpl(content: bytes, context: dict[str, Any]) -> bytes:
    """docxtpl's own render and save: what render_template's fast path must equal (and its fallback)."""
    template = _Template(io.BytesIO(content))
    template.render(context, jinja_env=_environment(), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def render_template(content: bytes, context: dict[str, Any], name: str = "mẫu") -> bytes:
    """Fill one DOCX template; user text is escaped, never interpreted. The package is split once per template
    content (service.docx_fill: the same parts docxtpl writes, a fraction of the time); docxtpl itself renders
    what that does not reproduce."""
    try:
        prepared = _PREPARED.get(content, _patched)
        if prepared is None:
            return render_with_docxtpl(content, context)
        return docx_fill.render(prepared, context, _environment(), _patched)
    except Exception as exc:  # a broken template is our fault, never the user's text
        log.exception("rendering %s failed", name)
        raise RenderFailed(f"Mẫu văn bản “{name}” bị lỗi, không tạo được văn bản. "
                           "Vui lòng báo cho quản trị viên.", detail=str(exc)) from exc


def render(kind: DocumentKind, context: dict[str, Any], source: TemplateSource | None = None) -> bytes:
    """The DOCX of a kind from its template context (see catalog.document_context), with the template in force
    (service.templates; the built-in one when none is given)."""
    source = source or templates.builtin(kind)
    return render_template(source.content, context, name=f"{kind.title} ({source.label})")


_ROOT = Path(__file__).resolve().parent.parent
# The code between saved data and a DOCX: the kinds' declarations with their rules and context code
# (service/kinds/**), the domain modules they read (catalog, regimes, rules, review facts, text, rich text…) and
# this module. Packaging, jobs, conversion and the archive cannot change a rendered document and are left out, so a
# change there does not make every cached render stale; nor can the page forms (forms/), which only show the fields.
_RENDER_CODE = ("service/**/*.py",)
_NOT_RENDER_CODE = ("service/archive/", "service/jobs/", "service/convert/", "service/packets/",
                    "service/dossier.py", "service/packet_parts.py", "service/pdfcache.py", "service/demo.py",
                    "service/demo_bulk.py")


def _render_code_files() -> list[Path]:
    """The source files whose change can change a rendered DOCX (see _RENDER_CODE), in a stable order."""
    files = []
    for pattern in _RENDER_CODE:
        for path in sorted(_ROOT.glob(pattern)):
            rel = path.relative_to(_ROOT).as_posix()
            if not rel.startswith(_NOT_RENDER_CODE) and "__pycache__" not in rel:
                files.append(path)
    return files


@lru_cache(maxsize=1)
def _code_fingerprint() -> bytes:
    """The code that turns saved data into a DOCX: a change to any of it makes every cached render stale."""
    digest = hashlib.sha256()
    for path in _render_code_files():
        digest.update(path.relative_to(_ROOT).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.digest()


_DECLARATIONS: dict[int, tuple[DocumentKind, bytes]] = {}


def _declaration(kind: DocumentKind) -> bytes:
    """repr(kind), made once per kind object (≈ 0.6 ms each time: a đảng bộ's packet asks for thousands). The kind
    is kept beside its repr, so the id cannot be reused by another object while the entry lives."""
    hit = _DECLARATIONS.get(id(kind))
    if hit is None or hit[0] is not kind:
        if len(_DECLARATIONS) >= 512:
            _DECLARATIONS.clear()
        hit = _DECLARATIONS[id(kind)] = (kind, repr(kind).encode())
    return hit[1]


def render_key(kind: DocumentKind, data: dict[str, Any], source: TemplateSource | None = None,
               rules: RuleSettings | None = None) -> str:
    """What a rendered DOCX depends on: the render code, the template in force, the readings of the rules in force
    at the document's unit (the summary prints its quota line by them) and the saved data."""
    digest = hashlib.sha256(_code_fingerprint())
    digest.update(json.dumps(asdict(rules or configured()), sort_keys=True).encode())
    digest.update(_declaration(kind))  # the kind's declaration (fields, template, titles), not only its code
    digest.update((source or templates.builtin(kind)).sha256.encode())
    digest.update(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode())
    return digest.hexdigest()


def template_variables(kind: DocumentKind) -> set[str]:
    """The variables a kind's template reads, for the template/form contract test."""
    template = DocxTemplate(io.BytesIO(kind.template_path.read_bytes()))
    return set(template.get_undeclared_template_variables(jinja_env=_environment()))


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_PAGE_FIELD = re.compile(r"^\s*(PAGE|NUMPAGES|SECTIONPAGES)\b", re.I)
# What is left of a header line once its page field is gone: "Trang /", "- -", "Page of" … nothing else.
_PAGE_LEFTOVER = re.compile(r"^[\s\-–—/:.()]*(trang|page)?[\s\-–—/:.()]*(của|of|trên)?[\s\-–—/:.()]*$", re.I)


def without_page_numbers(docx: bytes) -> bytes:
    """The DOCX with Word's page-number fields (PAGE, NUMPAGES) taken out of its headers and footers.

    Every PDF the service prints is stamped with "Trang x/y" (the packet's or the document's own numbering), so
    Word's number would be a second, different one on the same page. Only headers and footers are touched, and
    only fields (and the "Trang …/…" words around them), so any template — including one a unit edited — works;
    the DOCX people download to edit keeps its numbers, since only the copy sent to LibreOffice is changed.
    """
    with zipfile.ZipFile(io.BytesIO(docx)) as source:
        changed: dict[str, bytes] = {}
        for name in source.namelist():
            if re.fullmatch(r"word/(header|footer)\d*\.xml", name):
                data = source.read(name)
                if b"PAGE" in data:
                    new = _strip_page_fields(data)
                    if new is not None:
                        changed[name] = new
        if not changed:
            return docx
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                target.writestr(item, changed.get(item.filename) or source.read(item.filename))
    return out.getvalue()


def _strip_page_fields(xml: bytes) -> bytes | None:
    """One header/footer part without its page fields, or None when it has none."""
    from lxml import etree

    root = etree.fromstring(xml)
    w = "{%s}" % _W
    found = False
    simple_hits = set()
    for simple in list(root.iter(w + "fldSimple")):
        if _PAGE_FIELD.match(simple.get(w + "instr", "")):
            paragraph = next((a for a in simple.iterancestors(w + "p")), None)
            simple.getparent().remove(simple)
            simple_hits.add(paragraph)
            found = True
    for paragraph in list(root.iter(w + "p")):
        runs = [r for r in paragraph.iter(w + "r")]
        field: list = []       # the runs of the field being read (begin … end)
        depth = 0
        instruction = ""
        hit_here = paragraph in simple_hits
        for run in runs:
            kinds = [c.get(w + "fldCharType") for c in run.findall(w + "fldChar")]
            if "begin" in kinds:
                depth += 1
                if depth == 1:
                    field, instruction = [], ""
            if depth:
                field.append(run)
                instruction += "".join(t.text or "" for t in run.findall(w + "instrText"))
            if "end" in kinds and depth:
                depth -= 1
                if depth == 0 and _PAGE_FIELD.match(instruction):
                    for each in field:
                        each.getparent().remove(each)
                    hit_here = True
        if hit_here:
            found = True
            text = "".join(t.text or "" for t in paragraph.iter(w + "t"))
            if _PAGE_LEFTOVER.match(text):
                for run in list(paragraph.iter(w + "r")):
                    run.getparent().remove(run)
    if not found:
        return None
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
