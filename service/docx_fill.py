"""docxtpl's render and save, the same parts out, without python-docx on every document.

DocxTemplate.render + save opens the whole package with python-docx (parsing every XML part), renders the body,
headers, footers, core properties and footnotes, then serialises and zips every part again: ~3/4 of a render was
that round trip, the same for every document of a template. Here the round trip is done once per template content
(Prepared): the parts docxtpl does not render are kept as python-docx writes them, and each render only fills the
rendered parts, with docxtpl's own steps in docxtpl's order (patch_xml, the newline trick around <w:p, jinja,
the {_{ unescape, resolve_listing, fix_tables, fix_docpr_ids, python-docx's parse and serialisation). What this
does not reproduce (no core properties part, a header or footer part reached twice) makes prepare() say None and
the caller uses docxtpl itself; tests/test_render_fast.py compares every part with docxtpl's for every kind.
"""
from __future__ import annotations

import copy
import hashlib
import io
import re
import struct
import threading
import time
import zipfile
import zlib
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from docx import Document as open_docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.coreprops import CoreProperties
from docx.opc.oxml import parse_xml as opc_parse_xml
from docx.opc.oxml import serialize_part_xml
from docx.oxml.ns import nsmap as docx_nsmap
from docx.oxml.parser import parse_xml
from docxtpl import DocxTemplate
from lxml import etree

# docxtpl.DocxTemplate.render_properties: the core properties it renders, in its order
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SECTIONS = "./w:body/w:p/w:pPr/w:sectPr | ./w:body/w:sectPr"   # python-docx's CT_Document.sectPr_lst
_LISTING = re.compile("[\t\a\n\f]")


def _to_string(element: etree._Element) -> str:
    """docxtpl's xml_to_string."""
    return etree.tostring(element, encoding="unicode", pretty_print=False)


def _with_newlines(patched: str) -> str:
    """The first step of docxtpl's render_xml_part (each <w:p on a line of its own for jinja's line numbers)."""
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", patched)


@dataclass(frozen=True)
class _Rendered:
    """A header or footer: its zip member, its patched source and docxtpl's encoding for it."""

    member: str
    source: str
    encoding: str


@dataclass(frozen=True)
class Prepared:
    """One template's package, split into what every render copies and what it fills."""

    members: tuple[tuple[str, _Entry | None], ...]   # zip order; None where the render writes the part
    document_member: str
    shell: etree._Element          # the document element, its body emptied: the rendered body goes in its place
    body_source: str
    parts: tuple[_Rendered, ...]   # headers then footers, in the main part's relationships order
    core_member: str
    core_xml: bytes
    core_sources: tuple[str, ...]  # the six core properties as templates
    footnotes: tuple[tuple[str, str], ...]   # (member, raw XML) of each footnotes part


def prepare(content: bytes, patch: Callable[[str], str]) -> Prepared | None:
    """The package of a template split once; None when a render of it needs docxtpl itself."""
    doc = open_docx(io.BytesIO(content))
    package = doc.part.package
    try:
        core_part = package.part_related_by(RT.CORE_PROPERTIES)
    except KeyError:
        return None          # python-docx would add a default core part (dated now) on render
    references: Counter = Counter()
    for part in [package, *package.iter_parts()]:
        for rel in part.rels.values():
            if not rel.is_external:
                references[id(rel.target_part)] += 1
    parts = []
    for uri in (DocxTemplate.HEADER_URI, DocxTemplate.FOOTER_URI):
        for rel in doc.part.rels.values():
            if rel.reltype == uri and rel.target_part.blob:
                if references[id(rel.target_part)] != 1:
                    return None  # docxtpl would render it once per reference, each a part of the same name
                xml = _to_string(opc_parse_xml(rel.target_part.blob))
                encoding = DocxTemplate.get_headers_footers_encoding(None, xml)
                parts.append(_Rendered(rel.target_part.partname.membername, _with_newlines(patch(xml)), encoding))
    footnotes = tuple((p.partname.membername, p.blob.decode("utf-8") if isinstance(p.blob, bytes) else p.blob)
                      for p in package.iter_parts() if p.content_type == CT.WML_FOOTNOTES)
    core = doc.core_properties
    core_sources = tuple(getattr(core, name) for name in _PROPERTIES)
    body_source = _with_newlines(patch(_to_string(doc.element.body)))
    shell = copy.deepcopy(doc.element)
    for child in list(shell.body):
        shell.body.remove(child)
    shell = etree.fromstring(etree.tostring(shell))   # a plain lxml tree, as docxtpl's rendered body is
    out = io.BytesIO()
    doc.save(out)
    rendered = {doc.part.partname.membername, core_part.partname.membername, *(p.member for p in parts),
                *(name for name, _ in footnotes)}
    with zipfile.ZipFile(out) as saved:
        members = tuple((name, None if name in rendered else _Entry.of(saved.read(name)))
                        for name in saved.namelist())
        core_xml = saved.read(core_part.partname.membername)
    if len({name for name, _ in members}) != len(members):
        return None
    return Prepared(members, doc.part.partname.membername, shell, body_source, tuple(parts),
                    core_part.partname.membername, core_xml, core_sources, footnotes)


def _resolve_listing(xml: str) -> str:
    """docxtpl's resolve_listing, which only rewrites \\t \\a \\n \\f inside <w:t>: paragraphs and runs without
    any are left as they are instead of going through its per-run substitutions (same result, a tenth the time)."""
    if not _LISTING.search(xml):
        return xml

    def resolve_text(run_properties: str, paragraph_properties: str, m: re.Match) -> str:
        r, p = run_properties, paragraph_properties
        xml = m.group(0).replace("\t", f'</w:t></w:r><w:r>{r}<w:tab/></w:r><w:r>{r}<w:t xml:space="preserve">')
        xml = xml.replace("\a", f'</w:t></w:r></w:p><w:p>{p}<w:r>{r}<w:t xml:space="preserve">')
        xml = xml.replace("\n", '</w:t><w:br/><w:t xml:space="preserve">')
        xml = xml.replace("\f", '</w:t></w:r></w:p><w:p><w:r><w:br w:type="page"/></w:r></w:p>'
                          f'<w:p>{p}<w:r>{r}<w:t xml:space="preserve">')
        return xml

    def resolve_run(paragraph_properties: str, m: re.Match) -> str:
        run = m.group(0)
        if not _LISTING.search(run):
            return run
        run_properties = re.search(r"<w:rPr>.*?</w:rPr>", run)
        run_properties = run_properties.group(0) if run_properties else ""
        return re.sub(r"<w:t(?: [^>]*)?>.*?</w:t>", lambda x: resolve_text(run_properties, paragraph_properties, x),
                      run, flags=re.DOTALL)

    def resolve_paragraph(m: re.Match) -> str:
        paragraph = m.group(0)
        if not _LISTING.search(paragraph):
            return paragraph
        paragraph_properties = re.search(r"<w:pPr>.*?</w:pPr>", paragraph)
        paragraph_properties = paragraph_properties.group(0) if paragraph_properties else ""
        return re.sub(r"<w:r(?: [^>]*)?>.*?</w:r>", lambda x: resolve_run(paragraph_properties, x), paragraph,
                      flags=re.DOTALL)

    return re.sub(r"<w:p(?: [^>]*)?>.*?</w:p>", resolve_paragraph, xml, flags=re.DOTALL)


def _render_part(source: str, context: dict[str, Any], env: Any) -> str:
    """docxtpl's render_xml_part after its first step (done in prepare)."""
    dst = env.from_string(source).render(context)
    dst = re.sub(r"\n<w:p([ >])", r"<w:p\1", dst)
    dst = dst.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    return _resolve_listing(dst)


@dataclass(frozen=True)
class _Entry:
    """A zip member deflated once: the parts every render copies are not compressed again for each document."""

    crc: int
    size: int
    deflated: bytes

    @classmethod
    def of(cls, data: bytes) -> _Entry:
        packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)   # as zipfile's ZIP_DEFLATED
        return cls(zlib.crc32(data), len(data), packer.compress(data) + packer.flush())


_LOCAL = struct.Struct("<4sHHHHHIIIHH")
_CENTRAL = struct.Struct("<4sHHHHHHIIIHHHHHII")
_END = struct.Struct("<4sHHHHIIH")


def _zip(entries: list[tuple[str, _Entry]]) -> bytes:
    """The package as zipfile.writestr(name, data) with ZIP_DEFLATED writes it (no zip64: a DOCX is small)."""
    now = time.localtime()
    dos_time = now.tm_hour << 11 | now.tm_min << 5 | now.tm_sec // 2
    dos_date = (now.tm_year - 1980) << 9 | now.tm_mon << 5 | now.tm_mday
    out, central = io.BytesIO(), []
    for name, entry in entries:
        try:
            encoded, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = name.encode("utf-8"), 0x800
        offset = out.tell()
        out.write(_LOCAL.pack(b"PK\x03\x04", 20, flags, zipfile.ZIP_DEFLATED, dos_time, dos_date, entry.crc,
                              len(entry.deflated), entry.size, len(encoded), 0))
        out.write(encoded)
        out.write(entry.deflated)
        central.append(_CENTRAL.pack(b"PK\x01\x02", 3 << 8 | 20, 20, flags, zipfile.ZIP_DEFLATED, dos_time, dos_date,
                                     entry.crc, len(entry.deflated), entry.size, len(encoded), 0, 0, 0, 0,
                                     0o600 << 16, offset) + encoded)
    start = out.tell()
    for record in central:
        out.write(record)
    out.write(_END.pack(b"PK\x05\x06", 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return out.getvalue()


class _DocPrIds:
    """What fix_docpr_ids reads of a DocxTemplate: the counter it numbers drawings from."""

    def __init__(self) -> None:
        self.docx_ids_index = 1000


def render(prepared: Prepared, context: dict[str, Any], env: Any, patch: Callable[[str], str]) -> bytes:
    """The DOCX docxtpl's render(context, jinja_env=env, autoescape=True) + save would write, part for part."""
    filled: dict[str, bytes] = {}
    tree = DocxTemplate.fix_tables(None, _render_part(prepared.body_source, context, env))
    DocxTemplate.fix_docpr_ids(_DocPrIds(), tree)
    root = copy.deepcopy(prepared.shell)
    root.replace(root.find(_W + "body"), tree)
    for part in prepared.parts:
        xml = _render_part(part.source, context, env)
        filled[part.member] = serialize_part_xml(parse_xml(xml.encode(part.encoding)))
    core_element = parse_xml(prepared.core_xml)
    core = CoreProperties(core_element)
    for name, source in zip(_PROPERTIES, prepared.core_sources):
        setattr(core, name, env.from_string(source).render(context))
    filled[prepared.core_member] = serialize_part_xml(core_element)
    if prepared.footnotes:
        sections = len(root.xpath(_SECTIONS, namespaces=docx_nsmap))
        notes = dict(prepared.footnotes)
        for _ in range(sections):   # docxtpl renders each footnotes part once per section
            notes = {name: _render_part(_with_newlines(patch(xml)), context, env) for name, xml in notes.items()}
        for name, xml in notes.items():
            filled[name] = xml.encode("utf-8")
    filled[prepared.document_member] = serialize_part_xml(root)
    return _zip([(name, entry or _Entry.of(filled[name])) for name, entry in prepared.members])


class PreparedCache:
    """Prepared templates by content hash (a template edited in the office is new content, so a new entry)."""

    def __init__(self, size: int = 64) -> None:
        self._entries: OrderedDict[bytes, Prepared | None] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, content: bytes, patch: Callable[[str], str]) -> Prepared | None:
        key = hashlib.sha256(content).digest()
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        prepared = prepare(content, patch)
        with self._lock:
            self._entries[key] = prepared
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return prepared
