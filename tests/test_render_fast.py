"""The fast render (service.docx_fill) writes exactly the parts docxtpl writes: every kind, and office-made templates."""
import io
import re
import zipfile

import docx
import pytest
from docx.shared import Cm
from docxtpl import RichText, RichTextParagraph
from PIL import Image

from service import docx_fill, render, templates
from service.catalog import all_kinds, document_context
from service.errors import RenderFailed
from service.samples import all_max_samples, all_samples


def parts(docx_bytes: bytes) -> list[tuple[str, bytes]]:
    """Every zip member, in order, with its content (the XML of each part); every CRC checked."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as package:
        assert package.testzip() is None
        assert {info.compress_type for info in package.infolist()} == {zipfile.ZIP_DEFLATED}
        return [(name, package.read(name)) for name in package.namelist()]


def assert_same(content: bytes, context: dict) -> None:
    old = parts(render.render_with_docxtpl(content, context))
    new = parts(render.render_template(content, context))
    assert [name for name, _ in new] == [name for name, _ in old]
    for (name, mine), (_, theirs) in zip(new, old):
        assert mine == theirs, name


CASES = [(kind.code, samples) for kind in all_kinds() for samples in ("sample", "max")
         if kind.code in (all_samples() if samples == "sample" else all_max_samples())]


@pytest.mark.parametrize("code,samples", CASES)
def test_every_kind_renders_the_same_parts_as_docxtpl(code: str, samples: str) -> None:
    kind = next(k for k in all_kinds() if k.code == code)
    data = (all_samples() if samples == "sample" else all_max_samples())[code]()
    content = templates.builtin(kind).content
    assert docx_fill.PreparedCache().get(content, render._patched) is not None   # the fast path, not the fallback
    assert_same(content, document_context(kind, data))


def _picture() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 0, 0)).save(out, "PNG")
    out.seek(0)
    return out


FOOTNOTES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
             '<w:footnote w:id="0"><w:p><w:r><w:t>Chú thích: {{ full_name }} &amp; {{ note }}</w:t></w:r></w:p>'
             '</w:footnote></w:footnotes>')


def office_template(footnotes: bool = True, shared_header: bool = False, core: bool = True) -> bytes:
    """A template as an office might upload it: Word's default styles, headers and footers with tags, core
    properties with tags, a picture, {%p / {%tr / {%tc loops, {{r / {{p rich text, two sections, footnotes."""
    doc = docx.Document()
    doc.core_properties.title = "Bản kiểm điểm {{ full_name }}"
    doc.core_properties.subject = "{{ note }}"
    section = doc.sections[0]
    section.header.paragraphs[0].text = "ĐẢNG BỘ {{ unit }} – Trang "
    section.footer.paragraphs[0].text = "{{ full_name }}"
    doc.add_paragraph("Họ và tên: {{ full_name }}")
    doc.add_paragraph("{{r rich }}")
    doc.add_paragraph("{{p paragraphs }}")
    doc.add_paragraph("{%p for item in items %}")
    doc.add_paragraph("- {{ item }}\t{{ loop.index }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("Ghi chú: {{ multiline }}")
    doc.add_picture(_picture(), width=Cm(1))
    table = doc.add_table(rows=4, cols=4)
    for cell, text in zip(table.rows[0].cells, ("STT", "{%tc for c in columns %}", "{{ c }}", "{%tc endfor %}")):
        cell.text = text
    table.rows[1].cells[0].text = "{%tr for m in members %}"
    for cell, text in zip(table.rows[2].cells, ("{{ loop.index }}", "{{ m.name }}", "{{ m.level }}")):
        cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"
    second = doc.add_section()
    second.header.is_linked_to_previous = False
    second.header.paragraphs[0].text = "Phụ lục của {{ full_name }}"
    doc.add_paragraph("Phụ lục {{ note }}")
    doc.add_picture(_picture(), width=Cm(1))
    out = io.BytesIO()
    doc.save(out)
    return _edit(out.getvalue(), footnotes=footnotes, shared_header=shared_header, core=core)


def _edit(content: bytes, *, footnotes: bool, shared_header: bool, core: bool) -> bytes:
    """Package changes python-docx cannot make: a footnotes part, one header part used by two sections, no core."""
    source = zipfile.ZipFile(io.BytesIO(content))
    members = {name: source.read(name) for name in source.namelist()}
    if footnotes:
        members["word/footnotes.xml"] = FOOTNOTES.encode()
        members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
            b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
                         b'officedocument.wordprocessingml.footnotes+xml"/></Types>')
        members["word/_rels/document.xml.rels"] = members["word/_rels/document.xml.rels"].replace(
            b"</Relationships>", b'<Relationship Id="rIdNotes" Type="http://schemas.openxmlformats.org/'
                                 b'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
                                 b'</Relationships>')
    if shared_header:
        rels = members["word/_rels/document.xml.rels"].decode()
        headers = re.findall(r'Target="(header\d+\.xml)"', rels)
        members["word/_rels/document.xml.rels"] = rels.replace(headers[1], headers[0]).encode()
        del members[f"word/{headers[1]}"]
    if not core:
        del members["docProps/core.xml"]
        members["_rels/.rels"] = re.sub(rb'<Relationship [^>]*core-properties"[^>]*/>', b"", members["_rels/.rels"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name, data)
    return out.getvalue()


def office_context() -> dict:
    rich = RichText("in đậm & <thẻ>", bold=True)
    rich.add(" và nghiêng", italic=True)
    paragraphs = RichTextParagraph()
    paragraphs.add("Đoạn một\tcó tab", parastyle="Normal")
    paragraphs.add("Đoạn hai\ncó xuống dòng", parastyle="Normal")
    return {"full_name": "Nguyễn Văn A & <B>", "unit": "XÃ TÂN HIỆP", "note": "ghi “chú”", "rich": rich,
            "paragraphs": paragraphs, "items": ["một", "hai & ba", "bốn\tnăm"], "multiline": "dòng 1\ndòng 2\fsau",
            "columns": ["Tên", "Mức", "Ghi chú", "Ký", "Ngày"], "members": [{"name": f"Đảng viên {n}", "level": "Tốt"}
                                                               for n in range(5)]}


@pytest.mark.filterwarnings("ignore:Duplicate name")   # docxtpl writes a header used twice twice
@pytest.mark.parametrize("variant", [{}, {"footnotes": False}, {"shared_header": True}, {"core": False}])
def test_office_templates_render_the_same_parts_as_docxtpl(variant: dict) -> None:
    content = office_template(**variant)
    prepared = docx_fill.PreparedCache().get(content, render._patched)
    assert (prepared is None) == bool(variant.get("shared_header") or variant.get("core") is False)
    if variant.get("core") is False:   # docxtpl adds python-docx's default core part, dated now: left to it
        assert "docProps/core.xml" in dict(parts(render.render_template(content, office_context())))
        return
    assert_same(content, office_context())


def test_office_template_is_really_filled() -> None:
    """Not only equal to docxtpl: the tags were filled (headers, footers, properties, footnotes, loops)."""
    out = render.render_template(office_template(), office_context())
    with zipfile.ZipFile(io.BytesIO(out)) as package:
        text = b"".join(package.read(name) for name in package.namelist() if name.endswith(".xml")).decode()
    assert "{{" not in text and "{%" not in text
    for expected in ("Nguyễn Văn A &amp; &lt;B&gt;", "Phụ lục của Nguyễn", "Bản kiểm điểm Nguyễn", "Đảng viên 4",
                     "Chú thích: Nguyễn Văn A"):
        assert expected in text


def test_a_broken_template_fails_as_before() -> None:
    content = office_template(footnotes=False)
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        members = {name: source.read(name) for name in source.namelist()}
    members["word/document.xml"] = members["word/document.xml"].replace(b"{{ full_name }}", b"{{ full_name ", 1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, data in members.items():
            target.writestr(name, data)
    with pytest.raises(RenderFailed):
        render.render_template(out.getvalue(), office_context())
    with pytest.raises(RenderFailed):
        render.render_template(b"not a docx", {})
