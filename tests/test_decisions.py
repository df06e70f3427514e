"""HD 43 Mẫu 03 (re-rating decision) and Mẫu 04 (dossier list): printed text, every value, PDF, long tables, API."""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader
from sqlalchemy import select

from service.kinds.decisions import DOSSIER_ITEMS, DOSSIER_LIST, RERATING_DECISION
from service import documents, output, render
from service.catalog import get_kind
from service.errors import InvalidInput
from service.rules.levels import LEVEL_LABELS
from tests.conftest import docx_paragraphs, pdf_text, squash
from service.samples.decisions import SAMPLES, SAMPLES_MAX, rerating_decision
from tests.conftest import validated as _context
from tests.conftest import assert_in_order as _in_order

REPO = Path(__file__).resolve().parents[1]
DECISION, DOSSIER = "rerating-decision-366", "dossier-list-366"
RERATED_HEADER = ["STT", "Tổ chức đảng, đảng viên", "Thuộc chi bộ, đảng bộ", "Mức đã xếp loại", "Mức xếp loại lại",
                  "Lý do"]
DOSSIER_HEADER = ["STT", "Tên văn bản, tài liệu", "Số, ký hiệu, ngày tháng", "Số trang", "Ghi chú"]
# What must be printed, in order (headings and fixed wording of the templates, with the sample's values).
PRINTED = {
    DECISION: ["Mẫu 03-HD KĐ.ĐG 2025", "ĐẢNG BỘ PHƯỜNG BA ĐÌNH", "ĐẢNG ỦY TRƯỜNG THPT PHAN ĐÌNH PHÙNG", "*",
               "Số 125-QĐ/ĐU", "ĐẢNG CỘNG SẢN VIỆT NAM", "Hà Nội, ngày 20 tháng 01 năm 2027", "QUYẾT ĐỊNH",
               "đánh giá, xếp loại lại tổ chức đảng, đảng viên năm 2026", "Căn cứ Điều lệ Đảng;",
               "Xét đề nghị của Văn phòng Đảng ủy về việc đánh giá, xếp loại lại chất lượng năm 2026,",
               "ĐẢNG ỦY TRƯỜNG THPT PHAN ĐÌNH PHÙNG QUYẾT ĐỊNH",
               "Điều 1. Đánh giá, xếp loại lại chất lượng năm 2026 đối với tổ chức đảng, đảng viên có tên dưới đây",
               *RERATED_HEADER, "Điều 2. Hủy bỏ kết quả đánh giá, xếp loại chất lượng năm 2026",
               "Điều 3. Quyết định có hiệu lực kể từ ngày ký.", "Nơi nhận:", "- Như Điều 3,",
               "- Ban Thường vụ Đảng ủy phường Ba Đình (để báo cáo),", "- Lưu Văn phòng Đảng ủy.", "T/M ĐẢNG ỦY",
               "BÍ THƯ", "Nguyễn Văn Hùng"],
    DOSSIER: ["Mẫu 04-HD KĐ.ĐG 2025", "ĐẢNG BỘ PHƯỜNG BA ĐÌNH", "ĐẢNG ỦY TRƯỜNG THPT PHAN ĐÌNH PHÙNG", "*",
              "ĐẢNG CỘNG SẢN VIỆT NAM", "Hà Nội, ngày 15 tháng 01 năm 2027",
              "DANH MỤC HỒ SƠ KIỂM ĐIỂM, ĐÁNH GIÁ, XẾP LOẠI CÁ NHÂN, TẬP THỂ", "Năm 2026", "Kính gửi: Ban Tổ chức Trung ương",
              "Cơ quan, đơn vị gửi: Đảng ủy Trường THPT Phan Đình Phùng",
              "Hồ sơ của: Đảng bộ Trường THPT Phan Đình Phùng và Ban Chấp hành Đảng bộ", *DOSSIER_HEADER,
              "Tổng cộng: 7 văn bản, tài liệu", "49", "T/M ĐẢNG ỦY", "BÍ THƯ", "Nguyễn Văn Hùng"],
}




def _cells(payload: dict) -> list[str]:
    """The table's cells as they must be printed (levels as their labels)."""
    return [LEVEL_LABELS[value] if key.endswith("_level") else str(value)
            for row in payload["rows"] for key, value in row.items() if value != ""]


def _values(code: str, payload: dict) -> list[str]:
    """Everything the user typed outside the table, as printed (bases without the “- ”)."""
    skip = {"year", "signed_on", "place", "bases", "rows", "recipients", "number", "authority", "signer_body"}
    values = [v for k, v in payload.items() if k not in skip and isinstance(v, str) and v]
    if code == DECISION:
        values += [line.removeprefix("- ") for line in payload["bases"].splitlines()]
    return values




@pytest.mark.parametrize("code", [DECISION, DOSSIER])
def test_docx_prints_headings_in_order_and_every_value(code):
    payload = SAMPLES[code]()
    kind, _, context = _context(code, payload)
    texts = docx_paragraphs(render.render(kind, context))
    _in_order(texts, PRINTED[code])
    for value in _values(code, payload) + _cells(payload):  # a whole paragraph or cell, or all after its label
        assert any(t == value or t.endswith(" " + value) and t[:-len(value)].rstrip().endswith((":", "."))
                   for t in texts), value
    assert not any("{{" in t or "{%" in t for t in texts)


def test_decision_table_rows_and_recipient_punctuation():
    payload = SAMPLES[DECISION]()
    kind, _, context = _context(DECISION, payload)
    document = Document(io.BytesIO(render.render(kind, context)))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "STT")
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == RERATED_HEADER
    assert rows[2] == ["2", "Tạ Đình Phong", "Chi bộ Tổ Ngữ văn", "Hoàn thành nhiệm vụ", "Không hoàn thành nhiệm vụ",
                       payload["rows"][1]["reason"]]
    assert rows[3][5] == "Kết quả thẩm định: số nhiệm vụ vượt kế hoạch < 30% & chưa khắc phục hết hạn chế năm trước."
    assert len(rows) == 4 and table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    texts = docx_paragraphs(render.render(kind, context))
    # typed “,”/“.” are dropped: the template ends every line with “,” and the last one with “.”
    assert [t for t in texts if t.startswith("- ")][-3:] == [
        "- Như Điều 3,", "- Ban Thường vụ Đảng ủy phường Ba Đình (để báo cáo),", "- Lưu Văn phòng Đảng ủy."]
    assert context["recipients"][1]["name"] == "Ban Thường vụ Đảng ủy phường Ba Đình (để báo cáo)"


def test_decision_bases_are_word_paragraphs():
    kind, _, context = _context(DECISION, SAMPLES[DECISION]())
    document = Document(io.BytesIO(render.render(kind, context)))
    bases = [p for p in document.paragraphs if p.text.startswith(("Căn cứ", "Xét đề nghị"))]
    assert len(bases) == 5 and {p.style.style_id for p in bases} == {"DanhSachGach"}


def test_dossier_total_is_computed_not_typed():
    _, _, context = _context(DOSSIER, SAMPLES[DOSSIER]())
    assert (context["document_count"], context["total_pages"]) == (7, 49)
    _, _, context = _context(DOSSIER, SAMPLES_MAX[DOSSIER]())
    assert (context["document_count"], context["total_pages"]) == (200, sum(n % 4 + 3 for n in range(200)))


@pytest.mark.parametrize("code", [DECISION, DOSSIER])
def test_pdf_keeps_headings_values_and_diacritics(code, converter):
    payload = SAMPLES[code]()
    kind, _, context = _context(code, payload)
    out = output.produce(kind, context, "pdf", converter)
    assert out.content.startswith(b"%PDF-")
    assert out.filename == {DECISION: "Quyet-dinh-xep-loai-lai-2026-DANG-UY-TRUONG-THPT-PHAN-DINH-PHUNG.pdf",
                            DOSSIER: "Danh-muc-ho-so-2026-DANG-UY-TRUONG-THPT-PHAN-DINH-PHUNG.pdf"}[code]
    extracted = unicodedata.normalize("NFC", pdf_text(out.content))
    assert extracted == unicodedata.normalize("NFC", extracted)
    flat = squash(extracted)
    for value in PRINTED[code] + _values(code, payload):
        assert squash(value) in flat, value
    # poppler reads a table's wrapped cells across columns; pypdf follows the content stream, cell by cell
    stream = squash(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(out.content)).pages))
    for value in _cells(payload):
        assert squash(value) in stream, value


@pytest.mark.parametrize("code", [DECISION, DOSSIER])
def test_template_variables_equal_what_the_form_provides(code):
    kind, _, context = _context(code, SAMPLES[code]())
    assert render.template_variables(kind) == set(context)


@pytest.mark.parametrize("code,header", [(DECISION, RERATED_HEADER), (DOSSIER, DOSSIER_HEADER)])
def test_200_rows_paginate_with_the_header_on_every_page(code, header, converter):
    payload = SAMPLES_MAX[code]()
    kind, _, context = _context(code, payload)
    pages = [squash(p.extract_text()) for p in PdfReader(io.BytesIO(output.produce(kind, context, "pdf",
                                                                                   converter).content)).pages]
    assert len(pages) >= 5
    heading = squash(" ".join(header))
    for number, page in enumerate(pages, start=1):
        has_rows = re.search(r"(^|\s)(\d{1,3}) (Nguyễn|Trần|Lê|Phạm|Hoàng|Vũ|Đặng|Bùi|Đỗ|Ngô|Bản kiểm điểm)", page)
        if has_rows:
            assert heading in page, f"page {number}: table header not repeated"
        if number > 1:
            assert page.startswith(f"{number} "), f"page {number}: page number missing"
    assert sum(heading in page for page in pages) >= len(pages) - 1
    assert payload["rows"][-1]["full_name" if code == DECISION else "title"].split()[-1] in pages[-1]
    assert "Nguyễn Văn Hùng" in pages[-1]


def _auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _rows_changed(code: str, index: int, **change) -> dict:
    payload = SAMPLES[code]()
    row = payload["rows"][index]
    for key, value in change.items():
        if value is None:
            row.pop(key)
        else:
            row[key] = value
    return payload


BAD = [
    (DECISION, _rows_changed(DECISION, 0, new_level="gioi"), "rows[0].new_level", "Lựa chọn không hợp lệ."),
    (DECISION, _rows_changed(DECISION, 1, earlier_level="tot_lam"), "rows[1].earlier_level",
     "Lựa chọn không hợp lệ."),
    (DECISION, _rows_changed(DECISION, 1, full_name=""), "rows[1].full_name",
     "Vui lòng nhập mục “Tổ chức đảng, đảng viên”."),
    (DECISION, _rows_changed(DECISION, 0, reason=None), "rows[0].reason", "Vui lòng nhập mục “Lý do xếp loại lại”."),
    (DECISION, _rows_changed(DECISION, 2, new_level="xuat_sac"), "rows[2].new_level",
     "Mức xếp loại lại phải khác mức đã xếp loại."),
    (DECISION, _rows_changed(DECISION, 0, khong_co="x"), "rows[0].khong_co", "Trường không có trong mẫu này."),
    (DECISION, {**SAMPLES[DECISION](), "rows": []}, "rows", "Vui lòng nhập mục"),
    (DECISION, {**SAMPLES[DECISION](), "rows": "Nguyễn Văn A"}, "rows", "Phải là một danh sách các dòng"),
    (DECISION, {**SAMPLES[DECISION](), "rows": SAMPLES_MAX[DECISION]()["rows"] * 2}, "rows", "Tối đa 200 dòng."),
    (DECISION, {**SAMPLES[DECISION](), "number": ""}, "number", "Vui lòng nhập mục “Số và ký hiệu quyết định”."),
    (DECISION, {**SAMPLES[DECISION](), "year": 2024}, "year", "thuộc Quy định 124-QĐ/TW"),
    (DOSSIER, _rows_changed(DOSSIER, 3, title=""), "rows[3].title", "Vui lòng nhập mục “Tên văn bản, tài liệu”."),
    (DOSSIER, _rows_changed(DOSSIER, 0, pages="mười"), "rows[0].pages", "“mười” không phải là số nguyên."),
    (DOSSIER, _rows_changed(DOSSIER, 0, pages=0), "rows[0].pages", "Phải từ 1 đến 10000."),
    (DOSSIER, _rows_changed(DOSSIER, 6, pages=None), "rows[6].pages", "Vui lòng nhập mục “Số trang”."),
    (DOSSIER, {**SAMPLES[DOSSIER](), "recipient": ""}, "recipient", "Vui lòng nhập mục “Kính gửi”."),
]


@pytest.mark.parametrize("code,payload,field,message", BAD, ids=[f"{b[0]}-{b[2]}-{i}" for i, b in enumerate(BAD)])
def test_bad_input_is_422_with_vietnamese_message_per_cell(client, token_for, code, payload, field, message):
    resp = client.post(f"/api/v1/kinds/{code}/render?format=docx", json=payload, headers=_auth(token_for("admin")))
    assert resp.status_code == 422, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["error"] == "Dữ liệu chưa hợp lệ."
    assert any(message in m for m in body["fields"][field]), body


@pytest.mark.parametrize("code", [DECISION, DOSSIER])
def test_api_renders_the_samples(client, token_for, code):
    resp = client.post(f"/api/v1/kinds/{code}/render?format=docx", json=SAMPLES[code](),
                       headers=_auth(token_for("admin")))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.headers["Content-Disposition"].endswith(".docx")
    assert "Nguyễn Văn Hùng" in docx_paragraphs(resp.data)


def test_described_fields_list_the_row_columns():
    """What GET /api/v1/kinds lists for these kinds (forms.base.describe_field)."""
    fields = {f["name"]: f for f in RERATING_DECISION.describe()}
    columns = {c["name"]: c for c in fields["rows"]["columns"]}
    assert list(columns) == ["full_name", "unit", "earlier_level", "new_level", "reason"]
    assert [c["value"] for c in columns["new_level"]["choices"]] == ["xuat_sac", "tot", "hoan_thanh",
                                                                     "khong_hoan_thanh"]
    assert all(c["required"] for c in columns.values())
    assert fields["rows"]["max_rows"] == 200 and fields["rows"]["required"] is True
    assert fields["rows"]["section"] == "Điều 1." and fields["bases"]["type"] == "markdown"
    for name in ("bases", "authority", "rows", "article_2", "article_3"):  # inferred wording is said so
        assert "Mẫu 03 chỉ có tên mẫu" in fields[name]["help"], name
    dossier = {f["name"]: f for f in DOSSIER_LIST.describe()}
    assert [c["name"] for c in dossier["rows"]["columns"]] == ["title", "reference", "pages", "note"]
    assert dossier["rows"]["columns"][2]["type"] == "integer" and dossier["rows"]["columns"][2]["min"] == 1


FACTS = {"year": 2026, "superior_body": "ĐẢNG BỘ PHƯỜNG BA ĐÌNH", "issuing_body": "ĐẢNG BỘ TRƯỜNG THPT PHAN ĐÌNH PHÙNG",
         "place": "Hà Nội", "signed_on": "2026-12-15", "unit_name": "Đảng bộ Trường THPT Phan Đình Phùng",
         "chi_bo": "Đảng bộ Trường THPT Phan Đình Phùng",
         "members": [{"full_name": "Lê Thị Mai", "party_post": "Phó Bí thư Đảng ủy"},
                     {"full_name": "Nguyễn Văn Hùng", "party_post": "Bí thư Đảng ủy"}], "previous": {}}


def test_decision_initial_data_from_unit_facts():
    start = RERATING_DECISION.initial_data(FACTS)
    assert (start["superior_body"], start["issuing_body"], start["authority"]) == (
        "ĐẢNG BỘ PHƯỜNG BA ĐÌNH", "ĐẢNG ỦY TRƯỜNG THPT PHAN ĐÌNH PHÙNG", "ĐẢNG ỦY TRƯỜNG THPT PHAN ĐÌNH PHÙNG")
    assert start["number"] == "…-QĐ/ĐU" and start["year"] == 2026 and start["place"] == "Hà Nội"
    assert [line.split(" ngày")[0].rstrip(";,") for line in start["bases"].splitlines()] == [
        "- Căn cứ Điều lệ Đảng", "- Căn cứ Quy định số 366-QĐ/TW", "- Căn cứ Hướng dẫn số 43-HD/BTCTW",
        "- Xét đề nghị của Ban Tổ chức Đảng ủy về việc đánh giá, xếp loại lại chất lượng năm 2026"]
    assert "năm 2026" in start["article_2"] and start["article_2"].startswith("Hủy bỏ kết quả")
    assert "căn cứ Quyết định thi hành" in start["article_3"]
    assert (start["signer_body"], start["signer_title"], start["signer_name"]) == ("ĐẢNG ỦY", "BÍ THƯ",
                                                                                   "Nguyễn Văn Hùng")
    assert [r["name"] for r in start["recipients"]][0] == "Như Điều 3"
    assert "members" not in start and "previous" not in start and "unit_name" not in start
    # a chi bộ's decision is its đảng ủy's (the committee deciding its members' ratings), never the chi bộ's own
    chi_bo = RERATING_DECISION.initial_data({"unit_name": "Chi bộ Ấp Một", "year": 2026, "issuing_body": "CHI BỘ ẤP MỘT",
                                             "superior_body": "ĐẢNG BỘ XÃ TÂN HIỆP",
                                             "deciding_unit_name": "Đảng bộ xã Tân Hiệp",
                                             "deciding_superior_body": "ĐẢNG BỘ TỈNH AN GIANG",
                                             "members": [{"full_name": "Lê Văn Tư", "party_post": "Bí thư chi bộ"}],
                                             "previous": {"authority": "CHI BỘ ẤP MỘT", "signer_body": "CHI BỘ"}})
    assert (chi_bo["superior_body"], chi_bo["issuing_body"], chi_bo["authority"], chi_bo["number"],
            chi_bo["signer_body"], chi_bo["signer_name"]) == (
        "ĐẢNG BỘ TỈNH AN GIANG", "ĐẢNG ỦY XÃ TÂN HIỆP", "ĐẢNG ỦY XÃ TÂN HIỆP", "…-QĐ/ĐU", "ĐẢNG ỦY", "")
    again = RERATING_DECISION.initial_data({**FACTS, "previous": {"authority": "BAN THƯỜNG VỤ ĐẢNG ỦY",
                                                                        "signer_body": "BAN THƯỜNG VỤ"}})
    assert (again["authority"], again["signer_body"]) == ("BAN THƯỜNG VỤ ĐẢNG ỦY", "BAN THƯỜNG VỤ")


def test_dossier_initial_data_lists_the_nine_kinds_of_documents():
    start = DOSSIER_LIST.initial_data(FACTS)
    assert [r["title"] for r in start["rows"]] == list(DOSSIER_ITEMS) and len(DOSSIER_ITEMS) == 9
    assert start["recipient"] == "Ban Tổ chức Trung ương"
    assert (start["issuing_body"], start["sender"], start["subject_name"]) == (
        "ĐẢNG ỦY TRƯỜNG THPT PHAN ĐÌNH PHÙNG", "Đảng ủy Trường THPT Phan Đình Phùng",
        "Đảng bộ Trường THPT Phan Đình Phùng")
    assert start["signer_name"] == "Nguyễn Văn Hùng"


def test_opening_new_documents_prefills_them_through_the_service(app):
    """The initial data is a valid draft; the dossier is not final until every page count is typed."""
    from service.models import Unit

    session = app.extensions["db"].sessions()
    try:
        unit = session.scalar(select(Unit).where(Unit.name == "Đảng bộ Trường THPT Phan Đình Phùng"))
        for code in (DECISION, DOSSIER):
            kind = get_kind(code)
            doc = documents.open_document(session, kind, unit, 2026, facts=documents.unit_facts(unit, 2026, "Hà Nội"))
            assert doc.data["issuing_body"] == "ĐẢNG ỦY TRƯỜNG THPT PHAN ĐÌNH PHÙNG"
            assert doc.data["superior_body"] == "ĐẢNG BỘ PHƯỜNG BA ĐÌNH"
            draft = kind.schema.check(kind, doc.data, draft=True)
            assert draft["year"] == 2026
            with pytest.raises(InvalidInput) as final:
                kind.schema.check(kind, doc.data)
            assert ("rows" if code == DECISION else "rows[0].pages") in final.value.fields
    finally:
        session.rollback()
        session.close()


def test_a_draft_may_leave_table_cells_empty():
    kind = get_kind(DECISION)
    partial = rerating_decision(rows=[{"full_name": "Tạ Đình Phong"}])
    assert kind.schema.check(kind, partial, draft=True)["rows"][0]["new_level"] == ""
    with pytest.raises(InvalidInput) as final:
        kind.schema.check(kind, partial)
    assert {"rows[0].unit", "rows[0].earlier_level", "rows[0].new_level", "rows[0].reason"} <= set(
        final.value.fields)
    bad = rerating_decision(rows=[{"full_name": "Tạ Đình Phong", "new_level": "gioi"}])
    with pytest.raises(InvalidInput) as draft:  # a draft is still checked for what is typed
        kind.schema.check(kind, bad, draft=True)
    assert list(draft.value.fields) == ["rows[0].new_level"]


def _tools():
    from tools import templates_decisions

    return templates_decisions


@pytest.mark.parametrize("path,builder", [("qd366/rerating_decision.docx", "build_qd366_rerating_decision"),
                                          ("qd366/dossier_list.docx", "build_qd366_dossier_list")])
def test_committed_templates_are_current_and_tags_whole(tmp_path, path, builder):
    fresh = tmp_path / "t.docx"
    getattr(_tools(), builder)().save(str(fresh))
    committed = REPO / "doc_templates" / path
    with zipfile.ZipFile(committed) as a, zipfile.ZipFile(fresh) as b:
        assert {n: a.read(n) for n in a.namelist()} == {n: b.read(n) for n in b.namelist()}, \
            f"{committed} is stale: run python -m tools.build_templates"
    document = Document(str(committed))
    assert "INFERRED" in document.core_properties.comments and "docs/REGULATIONS.md" in document.core_properties.comments
    for p in document.element.body.iter(qn("w:p")):
        runs = ["".join(t.text or "" for t in r.iter(qn("w:t"))) for r in p.iter(qn("w:r"))]
        for text in runs:
            assert text.count("{{") == text.count("}}") and text.count("{%") == text.count("%}"), text
        block = [t for t in runs if re.search(r"\{\{p |\{%p |\{%tr ", t)]
        assert len(block) <= 1 and (not block or "".join(runs).strip() == block[0].strip()), runs


def test_a_chi_bo_rerating_decision_is_prefilled_with_its_dang_uy_on_the_page_and_in_print(app, client, auth,
                                                                                             chi_bo):
    """HD 43 Mẫu 03 opened from a chi bộ under a đảng bộ cơ sở: 'Cấp ủy quyết định' and the header are that đảng ủy
    (it decides the members' ratings, HD 43 §3), not 'CHI BỘ …'; the printed DOCX says so too."""
    import html as html_lib

    from service import render
    from service.catalog import document_context
    from service.models import Document, Unit

    with app.extensions["db"].session() as s:
        unit = s.get(Unit, chi_bo)
        own, parent = unit.name.upper(), unit.parent
        expected = "ĐẢNG ỦY " + parent.name[len("Đảng bộ "):].upper()
        superior = parent.superior_line or (parent.parent.header_line or parent.parent.name.upper()
                                            if parent.parent else "")
    auth.login("admin")
    opened = client.get(f"/units/{chi_bo}/documents/2026/rerating-decision")
    assert opened.status_code == 302, opened.status_code
    page = html_lib.unescape(client.get(opened.headers["Location"]).get_data(as_text=True))
    authority = re.search(r'<input[^>]*name="authority"[^>]*>', page).group(0)
    assert f'value="{expected}"' in authority, authority
    assert f'value="{own}"' not in page
    doc_id = int(opened.headers["Location"].rstrip("/").split("/")[-1].split("?")[0])
    with app.extensions["db"].session() as s:
        data = dict(s.get(Document, doc_id).data)
    assert (data["issuing_body"], data["authority"], data["superior_body"], data["signer_body"]) == (
        expected, expected, superior, "ĐẢNG ỦY")
    kind = get_kind(DECISION)
    data.update(rows=[dict(r) for r in rerating_decision()["rows"]], signer_name="Nguyễn Văn Hùng")
    printed = "\n".join(docx_paragraphs(render.render(kind, document_context(kind, data))))
    assert f"{expected} QUYẾT ĐỊNH" in " ".join(printed.split()) or f"{expected}\nQUYẾT ĐỊNH" in printed, printed
    assert own not in printed and "T/M CHI BỘ" not in printed and "T/M ĐẢNG ỦY" in printed
