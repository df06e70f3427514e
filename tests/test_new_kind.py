"""Adding a kind is one declaration plus its template (docs/ADDING_A_KIND.md): a kind declared here, with a
template built by tools/docx_builder, is listed by the API, rendered by it, and filled in on the document page,
without a form class, a registry line or any other code."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from service import catalog, render
from service.catalog import DocumentKind
from service.kinds import KindFields
from service.kinds.fields import int_field, level_field, section_field, table_field, text_field
from service.regimes import QD366
from tests.conftest import bearer, csrf_token, docx_paragraphs, squash

CODE = "test-note-366"


def _template(path: Path) -> str:
    from docx.shared import Cm

    from tools.docx_builder import (
        LEVEL_MARKS,
        Field,
        Line,
        checkbox_lines,
        data_table,
        field_line,
        new_document,
        party_header,
        rich_slot,
        save_document,
        text_line,
        title_block,
    )

    doc = new_document("Ghi chú thử", "test", "a kind declared by a test")
    party_header(doc)
    title_block(doc, "GHI CHÚ THỬ NGHIỆM NĂM {{ year }}")
    field_line(doc, [Field("Họ và tên: ", "full_name")])
    rich_slot(doc, "reason")
    text_line(doc, [Line("Số buổi: {{ sessions }}, gấp đôi: {{ twice }}")])
    data_table(doc, ["STT", "Việc"], ["{{ r.stt }}", "{{ r.task }}"], "for r in tasks", [Cm(2), Cm(13)])
    checkbox_lines(doc, LEVEL_MARKS)
    save_document(doc, path)
    return str(path)


@pytest.fixture()
def new_kind(tmp_path):
    fields = KindFields(
        fields=(
            text_field("full_name", "Họ và tên", required=True, max_length=120),
            section_field("reason", "I.", "Lý do", "Vì sao viết ghi chú này."),
            int_field("sessions", "II. Số buổi tham gia", minimum=0, maximum=50, required=True, section="II."),
            table_field("tasks", "III. Các việc đã làm", (text_field("task", "Việc", required=True),),
                        section="III."),
            level_field("level", "IV. Tự xếp loại", required=True, section="IV."),
        ),
        extras=lambda data, given: {"twice": 2 * data["sessions"] if isinstance(data.get("sessions"), int) else ""},
    )
    kind = DocumentKind(code=CODE, title="Ghi chú thử nghiệm", form_code="", regime=QD366, subject="member",
                        template=_template(tmp_path / "note.docx"), file_stem="Ghi-chu-{year}-{name}",
                        packet_order=None, confidence="L", fields=fields)
    catalog.add_kind(kind)
    yield kind
    catalog.remove_kind(CODE)


def _payload(**changes) -> dict:
    return {"year": 2026, "superior_body": "ĐẢNG BỘ PHƯỜNG BA ĐÌNH", "issuing_body": "CHI BỘ KHU DÂN CƯ SỐ 3",
            "place": "Hà Nội", "signed_on": "2026-12-05", "full_name": "Nguyễn Văn An",
            "reason": "Thử **một** kiểu văn bản mới.", "sessions": 12, "tasks": [{"task": "Trực khu phố"}],
            "level": "tot", **changes}


def test_the_template_reads_exactly_what_the_declaration_provides(new_kind):
    data = new_kind.schema.check(new_kind, _payload())
    assert render.template_variables(new_kind) == set(new_kind.schema.context(new_kind, data))


def test_the_api_lists_and_renders_a_declared_kind(client, token_for, new_kind):
    headers = bearer(token_for("tuyet"))
    listed = {k["code"]: k for k in client.get("/api/v1/kinds", headers=headers).get_json()}
    fields = {f["name"]: f for f in listed[CODE]["fields"]}
    assert fields["sessions"] == {"name": "sessions", "label": "II. Số buổi tham gia", "type": "integer",
                                  "required": True, "help": "", "min": 0, "max": 50, "section": "II."}
    assert fields["tasks"]["columns"][0]["name"] == "task" and fields["level"]["choices"][1]["value"] == "tot"
    resp = client.post(f"/api/v1/kinds/{CODE}/render?format=docx", json=_payload(), headers=headers)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    text = squash("\n".join(docx_paragraphs(resp.data)))
    assert "Nguyễn Văn An" in text and "Số buổi: 12, gấp đôi: 24" in text and "Trực khu phố" in text
    bad = client.post(f"/api/v1/kinds/{CODE}/render?format=docx", json=_payload(sessions=51, tasks=[{"task": ""},
                      {"task": "x", "extra": 1}]), headers=headers)
    assert bad.status_code == 422
    errors = bad.get_json()["fields"]
    assert errors["sessions"] == ["Phải từ 0 đến 50."]
    assert errors["tasks[1].extra"] == ["Trường không có trong mẫu này."]


def test_the_page_form_is_generated_from_the_declaration(fresh_app, tmp_path, new_kind):
    """On an app of its own (the document of a kind that only this test declares must not outlive it)."""
    import re as _re

    from service import documents
    from service.models import Member

    app = fresh_app(tmp_path / "data")
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    password = _re.search(r"^\s+tuyet\s+mật khẩu: (\S+)", result.output, _re.M).group(1)
    with app.extensions["db"].session() as s:
        member = s.scalar(select(Member).where(Member.full_name == "Trần Thị Ánh Tuyết"))
        doc = documents.open_document(s, new_kind, member.unit, 2026, member=member,
                                      facts={"full_name": member.full_name, "place": "Hà Nội"})
        s.commit()
        doc_id = doc.id
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": "tuyet", "password": password, "csrf_token": csrf_token(login)})
    page = client.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert '<a href="#f-sessions">II. Số buổi tham gia</a>' in page and "III. Các việc đã làm" in page
    assert 'value="Trần Thị Ánh Tuyết"' in page
    form = {"csrf_token": csrf_token(page), "superior_body": "ĐẢNG BỘ PHƯỜNG BA ĐÌNH",
            "issuing_body": "CHI BỘ KHU DÂN CƯ SỐ 3", "place": "Hà Nội", "signed_on": "05/12/2026",
            "full_name": "Trần Thị Ánh Tuyết", "reason": "Thử.", "sessions": "năm mươi", "tasks-0-task": "Trực",
            "level": "tot", "action": "submit", "base_revision": "0"}
    resp = client.post(f"/documents/{doc_id}", data=form)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "“năm mươi” không phải là số nguyên." in body
    resp = client.post(f"/documents/{doc_id}", data={**form, "sessions": "7"}, follow_redirects=True)
    assert "Đã nộp" in resp.get_data(as_text=True)
    docx = client.get(f"/documents/{doc_id}/download/docx")
    assert docx.status_code == 200
    assert re.search(r"Số buổi: 7, gấp đôi: 14", squash("\n".join(docx_paragraphs(docx.data))))
