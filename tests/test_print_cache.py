"""What printed PDFs are made from: Word's page numbers left out, the render key, job outputs cleaned by age."""
from __future__ import annotations

import io
import os
import time
import zipfile
from dataclasses import replace

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from service import render
from service.catalog import get_kind
from service.jobs.store import prune_job_outputs


def docx_with_page_number(prefix: str = "", suffix: str = "", simple: bool = False) -> bytes:
    """A DOCX whose header is `prefix` PAGE `suffix` (a complex field, or a fldSimple) and whose body says hello."""
    doc = Document()
    doc.add_paragraph("Nội dung văn bản")
    paragraph = doc.sections[0].header.paragraphs[0]
    if prefix:
        paragraph.add_run(prefix)
    if simple:
        paragraph._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r>'
                                      '</w:fldSimple>'))
    else:
        for xml in ('<w:fldChar {ns} w:fldCharType="begin"/>', '<w:instrText {ns} xml:space="preserve"> PAGE '
                    '</w:instrText>', '<w:fldChar {ns} w:fldCharType="separate"/>', '<w:t {ns}>1</w:t>',
                    '<w:fldChar {ns} w:fldCharType="end"/>'):
            paragraph.add_run()._r.append(parse_xml(xml.format(ns=nsdecls("w"))))
    if suffix:
        paragraph.add_run(suffix)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def header_xml(docx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/header"))


def test_page_fields_leave_the_copy_sent_to_libreoffice():
    for simple in (False, True):
        original = docx_with_page_number("Trang ", "", simple=simple)
        assert "PAGE" in header_xml(original)
        printed = render.without_page_numbers(original)
        assert "PAGE" not in header_xml(printed) and "Trang" not in header_xml(printed)
        with zipfile.ZipFile(io.BytesIO(printed)) as z:   # the body is untouched
            assert "Nội dung văn bản" in z.read("word/document.xml").decode()


def test_other_header_text_stays():
    printed = render.without_page_numbers(docx_with_page_number("Chi bộ Tổ Toán – trang ", " – Mật"))
    xml = header_xml(printed)
    assert "PAGE" not in xml and "Chi bộ Tổ Toán" in xml and "Mật" in xml


def test_a_document_without_page_numbers_is_left_as_it_is():
    doc = Document()
    doc.add_paragraph("Không có số trang")
    out = io.BytesIO()
    doc.save(out)
    assert render.without_page_numbers(out.getvalue()) == out.getvalue()


def test_render_key_follows_data_template_and_the_kinds_declaration():
    kind = get_kind("member-review-366")
    data = {"full_name": "Trần Thị Ánh Tuyết"}
    key = render.render_key(kind, data)
    assert render.render_key(kind, dict(data)) == key
    assert render.render_key(kind, {**data, "full_name": "Lê Văn An"}) != key
    assert render.render_key(replace(kind, title=kind.title + " (sửa)"), data) != key
    fields = kind.fields.fields
    relabelled = replace(kind.fields, fields=tuple(replace(f, label=f.label + " (sửa)") if f.name == "a_vi" else f
                                                   for f in fields[5:]))  # HEADER is added again
    assert render.render_key(replace(kind, fields=relabelled), data) != key
    assert render.render_key(replace(kind, fields=replace(kind.fields, fields=fields[5:])), data) == key


def test_render_code_fingerprint_covers_the_domain_modules_not_the_packaging():
    render._code_fingerprint.cache_clear()
    files = render._render_code_files()
    names = {p.relative_to(render._ROOT).as_posix() for p in files}
    assert "service/render.py" in names and "service/catalog.py" in names and "service/richtext.py" in names
    assert {"service/kinds/fields.py", "service/kinds/schema.py", "service/kinds/meeting.py"} <= names  # declarations
    assert not any(n.startswith("forms/") for n in names)  # the page forms only show the fields
    assert not any(n.startswith(("service/archive/", "service/jobs/", "service/packets/")) for n in names)


def test_job_outputs_older_than_the_setting_are_removed(tmp_path):
    old, new = tmp_path / "jobs" / "old", tmp_path / "jobs" / "new"
    for folder in (old, new):
        folder.mkdir(parents=True)
        (folder / "Ho-so.pdf").write_bytes(b"%PDF-1.7")
    past = time.time() - 8 * 86400
    for path in (old / "Ho-so.pdf", old):
        os.utime(path, (past, past))
    assert prune_job_outputs(tmp_path, 7) == 1
    assert not old.exists() and (new / "Ho-so.pdf").exists()
