"""What an office's DOCX template may use: the names its kind provides, and nothing outside the sandbox.

The template is read the way docxtpl renders it (body, headers and footers, after docxtpl's tag clean-up), parsed
by Jinja, and its syntax tree walked: every top-level name must be one the kind provides, every attribute of a
loop variable one its rows carry; imports, includes, macros, calls (but `range`), private attributes and the
`attr` filter are refused. What the kind provides is read from the template context of the kind's sample
document, so it is exactly what rendering will hand the template.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from docx import Document as WordDocument
from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment
from lxml.etree import XMLSyntaxError

from ..catalog import DocumentKind, document_context
from ..samples import all_samples

ALLOWED_CALLS = {"range"}  # the blank ballot prints range(n) empty rows
REFUSED_FILTERS = {"attr"}  # reaches any attribute by name
REFUSED_NODES = {nodes.Import: "{% import %}", nodes.FromImport: "{% from … import %}",
                 nodes.Include: "{% include %}", nodes.Extends: "{% extends %}", nodes.Macro: "{% macro %}",
                 nodes.CallBlock: "{% call %}"}


class TemplateUnreadable(Exception):
    """The file is not a DOCX template we can read; the message says why, in Vietnamese."""


@dataclass
class Usage:
    """What a template reads: top-level names, attributes per data path, and constructs refused."""

    names: set[str] = field(default_factory=set)
    attributes: dict[str, set[str]] = field(default_factory=dict)  # "rows" → {"full_name", …}
    refused: list[str] = field(default_factory=list)


@dataclass
class CheckResult:
    """Errors refuse the template; warnings are shown and confirmed by the office."""

    errors: list[str]
    warnings: list[str]


def template_xml(docx: bytes) -> str:
    """The Jinja source docxtpl renders: the body, then headers and footers, with its tag clean-up applied."""
    try:
        if not zipfile.is_zipfile(io.BytesIO(docx)):
            raise TemplateUnreadable("Tệp không phải văn bản Word (.docx). Hãy lưu mẫu dưới dạng Word (.docx).")
        template = DocxTemplate(io.BytesIO(docx))
        word = WordDocument(io.BytesIO(docx))
        xml = template.patch_xml(template.xml_to_string(word._element.body))
        for rel in word.part.rels.values():
            if rel.reltype in (template.HEADER_URI, template.FOOTER_URI) and rel.target_part.blob:
                from docx.oxml import parse_xml

                xml += template.patch_xml(template.xml_to_string(parse_xml(rel.target_part.blob)))
        return xml
    except TemplateUnreadable:
        raise
    except (KeyError, ValueError, XMLSyntaxError, zipfile.BadZipFile) as exc:
        raise TemplateUnreadable(f"Không đọc được tệp Word: {exc}. Hãy mở lại bằng Word và lưu dạng .docx.") from None
    except Exception as exc:  # python-docx raises many kinds on damaged packages
        raise TemplateUnreadable(f"Không đọc được tệp Word ({type(exc).__name__}). "
                                 "Hãy mở lại bằng Word và lưu dạng .docx.") from None


def usage_of(source: str) -> Usage:
    """Walk the template's syntax tree (TemplateUnreadable on a syntax error)."""
    try:
        tree = SandboxedEnvironment(autoescape=True).parse(source)
    except TemplateSyntaxError as exc:
        raise TemplateUnreadable(f"Mẫu có lỗi cú pháp ở thẻ {{{{ … }}}} hoặc {{% … %}}: {exc.message}.") from None
    usage = Usage()
    _walk(tree, {}, usage)
    return usage


def _path_of(node: nodes.Node, scope: dict[str, str]) -> str | None:
    """The data path an expression iterates: a provided name, a loop variable, or an attribute of one."""
    if isinstance(node, nodes.Name):
        return scope.get(node.name, node.name)
    if isinstance(node, nodes.Getattr):
        base = _path_of(node.node, scope)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, nodes.CondExpr):  # (members if prefilled else range(n)): the list of the first branch
        return _path_of(node.expr1, scope)
    return None


def _targets(target: nodes.Node) -> list[str]:
    """The names a for/set target binds (a Name, or a tuple of them)."""
    if isinstance(target, nodes.Name):
        return [target.name]
    return [name.name for name in target.find_all(nodes.Name)]


def _walk(node: nodes.Node, scope: dict[str, str], usage: Usage) -> None:
    for kind, label in REFUSED_NODES.items():
        if isinstance(node, kind):
            usage.refused.append(f"Không được dùng {label} trong mẫu.")
            return
    if isinstance(node, nodes.For):
        _walk(node.iter, scope, usage)
        inner = dict(scope)
        path = _path_of(node.iter, scope)
        for name in _targets(node.target):
            inner[name] = path or ""
        inner["loop"] = ""
        for child in node.body:
            _walk(child, inner, usage)
        for child in node.else_:
            _walk(child, scope, usage)
        if node.test is not None:
            _walk(node.test, inner, usage)
        return
    if isinstance(node, nodes.Assign):
        _walk(node.node, scope, usage)
        for name in _targets(node.target):
            scope[name] = ""  # a name the template sets itself
        return
    if isinstance(node, nodes.Call):
        if not (isinstance(node.node, nodes.Name) and node.node.name in ALLOWED_CALLS):
            usage.refused.append("Không được gọi hàm hay phương thức trong mẫu (chỉ dùng được range).")
            return
        for child in node.args:
            _walk(child, scope, usage)
        return
    if isinstance(node, nodes.Filter) and node.name in REFUSED_FILTERS:
        usage.refused.append(f"Không được dùng bộ lọc “{node.name}” trong mẫu.")
        return
    if isinstance(node, (nodes.Getattr, nodes.Getitem)):
        attr = node.attr if isinstance(node, nodes.Getattr) else (
            node.arg.value if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str) else None)
        if attr is not None and attr.startswith("_"):
            usage.refused.append(f"Không được đọc thuộc tính nội bộ “{attr}” trong mẫu.")
            return
        base = _path_of(node.node, scope)
        if attr is not None and base:
            usage.attributes.setdefault(base, set()).add(attr)
        _walk(node.node, scope, usage)
        if isinstance(node, nodes.Getitem):
            _walk(node.arg, scope, usage)
        return
    if isinstance(node, nodes.Name) and node.ctx == "load":
        if node.name not in scope and node.name not in ALLOWED_CALLS:
            usage.names.add(node.name)
        return
    for child in node.iter_child_nodes():
        _walk(child, scope, usage)


def _shape(value: Any, path: str, out: Usage) -> None:
    """Record the attributes a context value offers at each path (rows of lists, keys of dicts)."""
    if isinstance(value, dict):
        out.attributes.setdefault(path, set()).update(k for k in value if isinstance(k, str))
        for key, item in value.items():
            if isinstance(key, str):
                _shape(item, f"{path}.{key}", out)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _shape(item, path, out)


def _builtin_usage(kind: DocumentKind) -> Usage:
    """What the kind's built-in template reads: the official layout's needs."""
    return usage_of(template_xml(kind.template_path.read_bytes()))


def provided(kind: DocumentKind, builtin: Usage | None = None) -> Usage:
    """What rendering hands a template of this kind: the names and row attributes of the sample's context."""
    context = document_context(kind, all_samples()[kind.code]())
    offer = Usage(names=set(context))
    for name, value in context.items():
        _shape(value, name, offer)
    builtin = builtin or _builtin_usage(kind)  # the official layout's needs count too
    offer.names |= builtin.names
    for path, attrs in builtin.attributes.items():
        offer.attributes.setdefault(path, set()).update(attrs)
    return offer


def check(kind: DocumentKind, docx: bytes) -> CheckResult:
    """Refuse what the kind does not provide or the sandbox forbids; warn about what the official layout prints
    and this template leaves out."""
    try:
        used = usage_of(template_xml(docx))
    except TemplateUnreadable as exc:
        return CheckResult([str(exc)], [])
    builtin = _builtin_usage(kind)
    offer = provided(kind, builtin)
    where = _paragraphs(docx)
    errors = list(dict.fromkeys(used.refused))
    for name in sorted(used.names - offer.names):
        errors.append(f"Biến “{name}” không có trong loại văn bản này{_at(name, where)}.")
    for path, attrs in sorted(used.attributes.items()):
        known = offer.attributes.get(path)
        if known is None:
            continue  # a path the context does not describe (strings, numbers): nothing to compare
        for attr in sorted(attrs - known):
            errors.append(f"Cột/thuộc tính “{path}.{attr}” không có trong loại văn bản này{_at(attr, where)}.")
    labels = {f["name"]: f["label"] for f in kind.schema.describe()}
    warnings = [f"Mẫu không in mục “{labels.get(name, name)}” ({name}) mà mẫu chuẩn có in."
                for name in sorted(builtin.names - used.names)]
    return CheckResult(errors, warnings)


def _paragraphs(docx: bytes) -> list[str]:
    """The text of every paragraph (body, tables, headers, footers), to say where a tag is."""
    word = WordDocument(io.BytesIO(docx))
    texts = [p.text for p in word.paragraphs]
    for table in word.tables:
        for row in table.rows:
            for cell in row.cells:
                texts.extend(p.text for p in cell.paragraphs)
    for section in word.sections:
        for part in (section.header, section.footer):
            texts.extend(p.text for p in part.paragraphs)
    return texts


def _at(name: str, paragraphs: list[str]) -> str:
    for text in paragraphs:
        if name in text and ("{{" in text or "{%" in text):
            snippet = text.strip()
            return f", ở đoạn “{snippet[:80]}{'…' if len(snippet) > 80 else ''}”"
    return ""
