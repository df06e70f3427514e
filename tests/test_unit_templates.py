"""Offices shape their own templates: edited in Word, checked, previewed, inherited below, reverted."""
from __future__ import annotations

import copy
import io
import re

import docx
import pytest
from sqlalchemy import func, select

from service import render, templates
from service.catalog import all_kinds, document_context, get_kind
from service.models import Member, Unit
from service.samples import all_samples
from service.templates import contract
from service.templates.models import TemplateVersion
from tests.conftest import bearer, csrf_token, docx_paragraphs, pdf_text
from tests.test_member_documents import _open, form_values

COMMITMENT = "commitment-366"


def _edited(kind_code: str, *lines: str, split_tag: bool = False) -> bytes:
    """The built-in template as an office edits it in Word: lines added at the top (a tag split over runs)."""
    document = docx.Document(str(get_kind(kind_code).template_path))
    first = document.paragraphs[0]
    for line in lines:
        first.insert_paragraph_before(line)
    if split_tag:  # Word often cuts a tag into several runs: docxtpl must still see {{ full_name }}
        paragraph = first.insert_paragraph_before("Người cam kết: ")
        paragraph.add_run("{{ full_")
        paragraph.add_run("name }}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _without_paragraph(kind_code: str, tag: str) -> bytes:
    """The built-in template with the paragraph printing a tag deleted (a field the office chose not to print)."""
    document = docx.Document(str(get_kind(kind_code).template_path))
    paragraph = next(p for p in document.paragraphs if tag in p.text)
    paragraph._element.getparent().remove(paragraph._element)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _columns_swapped(kind_code: str) -> bytes:
    """The built-in template with the first two columns of its member table swapped in every row."""
    document = docx.Document(str(get_kind(kind_code).template_path))
    table = next(t for t in document.tables if "{%tr for r in rows %}" in "".join(c.text for r in t.rows for c in r.cells)
                 or any("r.full_name" in c.text for r in t.rows for c in r.cells))
    for row in table._tbl.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tr"):
        cells = row.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tc")
        if len(cells) >= 2:
            first, second = cells[0], cells[1]
            second.addnext(copy.deepcopy(first))
            row.remove(first)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize("code", [k.code for k in all_kinds()])
def test_every_builtin_template_meets_its_own_contract(code):
    kind = get_kind(code)
    result = contract.check(kind, kind.template_path.read_bytes())
    assert result.errors == [] and result.warnings == []


def test_unknown_names_and_sandbox_escapes_are_refused_with_where():
    kind = get_kind(COMMITMENT)
    result = contract.check(kind, _edited(COMMITMENT, "Điện thoại: {{ so_dien_thoai }}", "{{ ''.__class__ }}",
                                          "{{ full_name.upper() }}", "{% for r in rows %}{{ r.x }}{% endfor %}"))
    text = " ".join(result.errors)
    assert "Biến “so_dien_thoai” không có trong loại văn bản này, ở đoạn “Điện thoại: {{ so_dien_thoai }}”" in text
    assert "thuộc tính nội bộ “__class__”" in text
    assert "Không được gọi hàm" in text
    assert "“rows”" in text
    assert contract.check(kind, b"not a word file").errors[0].startswith("Tệp không phải văn bản Word")
    broken = _edited(COMMITMENT, "{{ full_name ")
    assert "lỗi cú pháp" in contract.check(kind, broken).errors[0]


def test_a_field_the_template_leaves_out_is_a_warning_not_an_error():
    kind = get_kind(COMMITMENT)
    result = contract.check(kind, _without_paragraph(COMMITMENT, "{{ official_on }}"))
    assert result.errors == []
    assert any("(official_on)" in w for w in result.warnings)


def test_reordered_table_renders_in_the_new_order(app, converter):
    kind = get_kind("summary-366")
    with app.extensions["db"].session() as s:
        unit = s.scalar(select(Unit).where(Unit.kind == "chi_bo"))
        version, warnings = templates.upload(s, kind, unit, _columns_swapped("summary-366"), None, activate=True)
        assert warnings == []
        source = templates.in_force(s, kind, unit.id)
        s.rollback()
    assert source.unit_id is not None and source.number == version.number
    context = document_context(kind, all_samples()[kind.code]())
    builtin = render.render(kind, context)
    mine = render.render(kind, context, source)
    name = context["rows"][0]["full_name"]

    def row_of(data: bytes) -> list[str]:
        table = next(t for t in docx.Document(io.BytesIO(data)).tables if any(name in c.text for c in t._cells))
        row = next(r for r in table.rows if any(name in c.text for c in r.cells))
        return [c.text.strip() for c in row.cells]

    assert row_of(mine)[:2] == list(reversed(row_of(builtin)[:2]))
    # the swapped columns keep their widths, so the name wraps inside a narrow cell: compare without spaces
    assert name.replace(" ", "") in re.sub(r"\s+", "", pdf_text(converter.to_pdf(mine)))


def _page_upload(client, url: str, content: bytes, name: str = "mau.docx"):
    page = client.get(url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(page), "template": (io.BytesIO(content), name)},
                       content_type="multipart/form-data", follow_redirects=True)


def _member_commitment_docx(client, auth) -> list[str]:
    """What Trần Thị Ánh Tuyết's commitment prints as DOCX, after she submits it."""
    auth.logout()
    auth.login("tuyet")
    url, page = _open(client, "/my/commitment/2026")
    if "Đã nộp" not in page and "submitted" not in page:
        client.post(url, data={**form_values(page), "action": "check"})
    doc_id = re.search(r"/documents/(\d+)", url).group(1)
    resp = client.get(f"/documents/{doc_id}/download/docx")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return docx_paragraphs(resp.data)


def test_office_uploads_previews_confirms_and_a_chi_bo_inherits_overrides_reverts(client, auth, app):
    with app.extensions["db"].session() as s:
        co_so = s.scalar(select(Unit).where(Unit.kind == "dang_bo_co_so"))
        toan = s.scalar(select(Member).where(Member.full_name == "Trần Thị Ánh Tuyết")).unit
        co_so_id, toan_id = co_so.id, toan.id
    auth.login("vanphong")
    parent_url = f"/units/{co_so_id}/templates/{COMMITMENT}"
    assert "mẫu chuẩn của hệ thống" in client.get(parent_url).get_data(as_text=True)
    # the office's download is named after the document, not the kind's code
    download = client.get(f"{parent_url}/download")
    assert download.status_code == 200
    name = download.headers["Content-Disposition"]
    assert "Mau-Ban-cam-ket-tu-duong-ren-luyen-phan-dau-QD366-chuan.docx" in name and "commitment" not in name

    # a template with an unknown name is refused on the page, nothing stored
    with app.extensions["db"].session() as s:
        before = s.scalar(select(func.count()).select_from(TemplateVersion))
    resp = _page_upload(client, parent_url, _edited(COMMITMENT, "{{ so_dien_thoai }}"))
    assert resp.status_code == 422 and "so_dien_thoai" in resp.get_data(as_text=True)
    with app.extensions["db"].session() as s:
        assert s.scalar(select(func.count()).select_from(TemplateVersion)) == before

    # the đảng bộ cơ sở's own line: pending with a preview until confirmed
    body = _page_upload(client, parent_url, _edited(COMMITMENT, "DÒNG CỦA ĐẢNG ỦY CƠ SỞ", split_tag=True))
    html = body.get_data(as_text=True)
    assert "chờ áp dụng" in html and "mẫu chuẩn của hệ thống" in html
    image = re.search(r'src="([^"]+page-1\.png)"', html).group(1)
    png = client.get(image)
    assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    confirm = re.search(r'action="([^"]+/confirm)"', html).group(1)
    client.post(confirm, data={"csrf_token": csrf_token(html)})
    assert "DÒNG CỦA ĐẢNG ỦY CƠ SỞ" in _member_commitment_docx(client, auth)
    text = _member_commitment_docx(client, auth)
    assert "Người cam kết: Trần Thị Ánh Tuyết" in text  # the tag Word split over runs still works

    # the chi bộ overrides, then reverts to what it inherits
    auth.logout()
    auth.login("vanphong")
    child_url = f"/units/{toan_id}/templates/{COMMITMENT}"
    html = _page_upload(client, child_url, _edited(COMMITMENT, "DÒNG RIÊNG CỦA CHI BỘ TOÁN")).get_data(as_text=True)
    client.post(re.search(r'action="([^"]+/confirm)"', html).group(1), data={"csrf_token": csrf_token(html)})
    paragraphs = _member_commitment_docx(client, auth)
    assert "DÒNG RIÊNG CỦA CHI BỘ TOÁN" in paragraphs and "DÒNG CỦA ĐẢNG ỦY CƠ SỞ" not in paragraphs
    auth.logout()
    auth.login("vanphong")
    page = client.get(child_url).get_data(as_text=True)
    client.post(f"/units/{toan_id}/templates/{COMMITMENT}/revert", data={"csrf_token": csrf_token(page),
                                                                         "to": "inherited"})
    assert "DÒNG CỦA ĐẢNG ỦY CƠ SỞ" in _member_commitment_docx(client, auth)


def test_api_put_get_list_delete(client, token_for, app):
    with app.extensions["db"].session() as s:
        unit = s.scalar(select(Member).where(Member.full_name == "Mai Phương Thảo")).unit  # chi bộ Ngữ văn
        unit_id, parent_id = unit.id, unit.parent_id
    headers = bearer(token_for("admin"))
    url = f"/api/v1/units/{unit_id}/templates/{COMMITMENT}"
    bad = client.put(url, headers=headers, data={"file": (io.BytesIO(_edited(COMMITMENT, "{{ x_la }}")), "m.docx")},
                     content_type="multipart/form-data")
    assert bad.status_code == 422 and any("x_la" in m for m in bad.get_json()["fields"]["template"])
    mine = _without_paragraph(COMMITMENT, "{{ official_on }}")
    ok = client.put(url, headers=headers, data={"file": (io.BytesIO(mine), "m.docx")},
                    content_type="multipart/form-data")
    assert ok.status_code == 201 and any("official_on" in w for w in ok.get_json()["warnings"])
    got = client.get(f"/api/v1/kinds/{COMMITMENT}/template?unit_id={unit_id}", headers=headers)
    assert got.data == mine
    listing = {row["kind"]: row for row in client.get(f"/api/v1/units/{unit_id}/templates", headers=headers).get_json()}
    assert listing[COMMITMENT]["source"] == "unit" and listing["minutes-366"]["source"] == "builtin"
    assert client.delete(url, headers=headers).status_code == 204  # back to what the đảng bộ cơ sở gives
    inherited = client.get(f"/api/v1/kinds/{COMMITMENT}/template?unit_id={parent_id}", headers=headers).data
    assert client.get(f"/api/v1/kinds/{COMMITMENT}/template?unit_id={unit_id}", headers=headers).data == inherited
    assert client.get(f"/api/v1/kinds/{COMMITMENT}/template", headers=headers).data == \
        get_kind(COMMITMENT).template_path.read_bytes()
    assert client.delete(url, headers=headers).status_code == 422  # nothing of its own left to drop


def test_members_and_secretaries_cannot_change_templates(client, token_for, app):
    with app.extensions["db"].session() as s:
        unit_id = s.scalar(select(Member).where(Member.full_name == "Trần Thị Ánh Tuyết")).unit_id
    for user in ("tuyet", "bithu.toan"):
        resp = client.put(f"/api/v1/units/{unit_id}/templates/{COMMITMENT}", headers=bearer(token_for(user)),
                          data={"file": (io.BytesIO(_edited(COMMITMENT, "X")), "m.docx")},
                          content_type="multipart/form-data")
        assert resp.status_code == 404


def test_confirming_twice_or_reverting_with_nothing_to_revert_says_why(client, auth, app):
    with app.extensions["db"].session() as s:
        unit_id = s.scalar(select(Member).where(Member.full_name == "Mai Phương Thảo")).unit_id  # chi bộ Ngữ văn
    auth.login("vanphong")
    url = f"/units/{unit_id}/templates/minutes-366"
    page = client.get(url).get_data(as_text=True)
    resp = client.post(f"{url}/revert", data={"csrf_token": csrf_token(page), "to": "previous"}, follow_redirects=True)
    assert "Chưa có phiên bản trước để quay lại." in resp.get_data(as_text=True)
    html = _page_upload(client, url, _edited("minutes-366", "DÒNG THÊM")).get_data(as_text=True)
    confirm = re.search(r'action="([^"]+/confirm)"', html).group(1)
    client.post(confirm, data={"csrf_token": csrf_token(html)})
    again = client.post(confirm, data={"csrf_token": csrf_token(html)}, follow_redirects=True)
    assert "không cần xác nhận nữa" in again.get_data(as_text=True)
