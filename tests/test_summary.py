"""Biểu tổng hợp xếp loại đảng viên của chi bộ: counts, percentages, quota line; DOCX, PDF and XLSX agree."""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile

import pytest
from openpyxl import load_workbook

from service.kinds.summary import SUMMARY
from service import output, render
from service.catalog import get_kind
from service.errors import InvalidInput
from tests.conftest import docx_paragraphs, pdf_text, squash
from service.samples.common import SAMPLES, SAMPLES_MAX, summary_124, summary_366
from tests.conftest import validated as _context
from tests.conftest import assert_in_order as _in_order

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEVEL_LABELS = ["Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ",
                "Không hoàn thành nhiệm vụ"]
TOTAL_LABELS = LEVEL_LABELS + ["Số đảng viên được xếp loại", "Không xếp loại", "Tổng số đảng viên"]
HEADINGS = ["ĐẢNG CỘNG SẢN VIỆT NAM", "BIỂU TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI ĐẢNG VIÊN CỦA CHI BỘ",
            "1. Kết quả đánh giá, xếp loại từng đảng viên", "STT", "Họ và tên", "Đảng viên", "Tự xếp loại",
            "Chi bộ đề xuất", "Cấp có thẩm quyền quyết định", "Ghi chú", "2. Tổng hợp theo mức xếp loại",
            "3. Kiểm tra tỷ lệ Hoàn thành xuất sắc nhiệm vụ", "T/M CHI ỦY", "BÍ THƯ"]






def _rows(members: list[tuple[str, str]]) -> list[dict]:
    """(name, decision) → rows whose three columns all carry that level ("" = not rated)."""
    return [{"full_name": n, "official": True, "self_level": d, "proposal": d, "decision": d,
             "note": "" if d else "Không xếp loại: mới vào Đảng dưới 6 tháng"} for n, d in members]


def _docx_table(data: bytes, index: int) -> list[list[str]]:
    import docx

    table = docx.Document(io.BytesIO(data)).tables[index]
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_docx_headings_rows_and_totals(tmp_path):
    payload = summary_366()
    kind, _, context = _context("summary-366", payload)
    docx_bytes = render.render(kind, context)
    texts = docx_paragraphs(docx_bytes)
    _in_order(texts, HEADINGS)
    _in_order(texts, ["ĐẢNG BỘ TRƯỜNG THPT PHAN ĐÌNH PHÙNG", "CHI BỘ TỔ TOÁN – TIN", "*",
                      "Hà Nội, ngày 28 tháng 12 năm 2026", "Năm 2026",
                      "Tổng số đảng viên: 10 (chính thức: 8; dự bị: 2)"])
    members = _docx_table(docx_bytes, 1)
    assert members[0] == ["STT", "Họ và tên", "Đảng viên", "Tự xếp loại", "Chi bộ đề xuất",
                          "Cấp có thẩm quyền quyết định", "Ghi chú"]
    assert [r[1] for r in members[1:]] == [r["full_name"] for r in payload["rows"]]  # Vietnamese order kept
    assert [r[0] for r in members[1:]] == [str(n) for n in range(1, 11)]
    assert members[1] == ["1", "Phạm Quốc Anh", "Chính thức", "Hoàn thành xuất sắc nhiệm vụ",
                          "Hoàn thành tốt nhiệm vụ", "Hoàn thành tốt nhiệm vụ", ""]
    assert members[-1] == ["10", "Đặng Thị Yến", "Dự bị", "", "", "", "Không xếp loại: mới vào Đảng dưới 6 tháng"]
    assert not any(code in "\n".join(texts) for code in ("xuat_sac", "hoan_thanh", "khong_hoan_thanh"))
    totals = _docx_table(docx_bytes, 2)
    assert [r[0] for r in totals[1:]] == TOTAL_LABELS
    assert totals[1][1:] == ["3", "33,33%", "2", "22,22%", "1", "11,11%"]
    assert totals[2][1:] == ["5", "55,56%", "6", "66,67%", "7", "77,78%"]
    assert totals[3][1:] == ["1", "11,11%", "1", "11,11%", "1", "11,11%"]
    assert totals[4][1:] == ["0", "0%", "0", "0%", "0", "0%"]
    assert totals[5][1:] == ["9", "100%", "9", "100%", "9", "100%"]
    assert totals[6][1:] == ["1", "", "1", "", "1", ""]
    assert totals[7][1:] == ["10", "", "10", "", "10", ""]
    joined = "\n".join(texts)
    assert "Số Hoàn thành xuất sắc: 1 / giới hạn 1 (20% của 7 — số Hoàn thành tốt nhiệm vụ, làm tròn xuống): không vượt." in joined
    assert "20% của 7 là 1,4, làm tròn xuống còn 1." in joined and "Nguyễn Văn Hùng" in joined
    assert "{{" not in joined and "{%" not in joined


def test_124_summary_prints_its_year_and_percentages_of_those_rated():
    kind, _, context = _context("summary-124", summary_124())
    docx_bytes = render.render(kind, context)
    texts = docx_paragraphs(docx_bytes)
    assert "Năm 2024" in texts and "Tân Hiệp, ngày 27 tháng 12 năm 2024" in texts
    totals = _docx_table(docx_bytes, 2)
    assert totals[1][5:] == ["1", "12,5%"] and totals[2][5:] == ["5", "62,5%"] and totals[6][5] == "1"
    assert "Không xếp loại: miễn công tác và sinh hoạt đảng" in "\n".join(texts)


@pytest.mark.parametrize("members,line,rounding", [
    ([(f"Đảng viên {n}", "tot") for n in "ABCDEFG"] + [("Lê Văn X", "xuat_sac"), ("Lê Văn Y", "xuat_sac")],
     "Số Hoàn thành xuất sắc: 2 / giới hạn 1 (20% của 7 — số Hoàn thành tốt nhiệm vụ, làm tròn xuống): vượt 1.",
     "20% của 7 là 1,4, làm tròn xuống còn 1."),
    ([(f"Đảng viên {n}", "tot") for n in "ABCD"] + [("Lê Văn X", "xuat_sac")],
     "Số Hoàn thành xuất sắc: 1 / giới hạn 0 (20% của 4 — số Hoàn thành tốt nhiệm vụ, làm tròn xuống): vượt 1.",
     "20% của 4 là 0,8, làm tròn xuống còn 0."),
    ([(f"Đảng viên {n}", "tot") for n in "ABCDEFGHIJ"] + [("Lê Văn X", "xuat_sac"), ("Lê Văn Y", "xuat_sac"),
                                                           ("Lê Văn Z", "")],
     "Số Hoàn thành xuất sắc: 2 / giới hạn 2 (20% của 10 — số Hoàn thành tốt nhiệm vụ, làm tròn xuống): không vượt.",
     "20% của 10 là 2."),
])
def test_quota_line_for_the_decision_column(members, line, rounding):
    kind, _, context = _context("summary-366", summary_366(rows=_rows(members)))
    assert context["quota_line"] == line and context["quota_rounding"].endswith(rounding)
    joined = "\n".join(docx_paragraphs(render.render(kind, context)))
    assert line in joined and rounding in joined


def test_quota_counts_decisions_not_proposals():
    rows = _rows([(f"Đảng viên {n}", "tot") for n in "ABCDEFG"] + [("Lê Văn X", "xuat_sac")])
    rows[0]["proposal"] = rows[1]["proposal"] = "xuat_sac"  # the chi bộ proposed more, the decision holds 1
    _, _, context = _context("summary-366", summary_366(rows=rows))
    assert context["quota_line"].startswith("Số Hoàn thành xuất sắc: 1 / giới hạn 1")
    assert context["totals"][0]["proposal_count"] == 3 and context["totals"][0]["decision_count"] == 1


def test_quota_25_percent_only_under_366():
    members = [(f"Đảng viên {n}", "tot") for n in "ABCDEFGH"] + [("Lê Văn X", "xuat_sac"), ("Lê Văn Y", "xuat_sac")]
    _, _, context = _context("summary-366", summary_366(rows=_rows(members), quota_pct="25"))
    assert context["quota_line"] == ("Số Hoàn thành xuất sắc: 2 / giới hạn 2 (25% của 8 — số Hoàn thành tốt nhiệm vụ, làm tròn "
                                     "xuống): không vượt.")
    kind = get_kind("summary-124")
    with pytest.raises(InvalidInput) as info:
        SUMMARY.check(kind, summary_124(quota_pct="25"))
    assert "mức 25% chỉ có từ Quy định 366-QĐ/TW" in info.value.fields["quota_pct"][0]


def test_nobody_rated_prints_a_dash_not_a_division_by_zero():
    _, _, context = _context("summary-366", summary_366(rows=_rows([("Lê Văn A", ""), ("Trần Thị B", "")])))
    assert context["totals"][0]["decision_pct"] == "–" and context["totals"][0]["decision_ratio"] is None
    assert context["totals"][5]["decision_count"] == 2 and context["quota_line"].startswith(
        "Số Hoàn thành xuất sắc: 0 / giới hạn 0")


def test_template_variables_equal_context_keys():
    for code in ("summary-366", "summary-124"):
        kind, _, context = _context(code, SAMPLES[code]())
        assert render.template_variables(kind) == set(context), code


def test_summary_is_landscape_with_the_header_row_repeated():
    import docx
    from docx.oxml.ns import qn

    kind, _, context = _context("summary-366", summary_366())
    document = docx.Document(io.BytesIO(render.render(kind, context)))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    for table in document.tables[1:3]:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def _workbook(context: dict, kind) -> tuple:
    out = output.produce(kind, context, "xlsx", converter=None)
    assert out.mimetype == XLSX and out.filename.endswith(".xlsx")
    return out, load_workbook(io.BytesIO(out.content))


def _pct_number(text: str) -> float | None:
    return None if text in ("", "–") else float(text.rstrip("%").replace(",", "."))


@pytest.mark.parametrize("code", ["summary-366", "summary-124"])
def test_xlsx_has_the_docx_names_and_numbers(code):
    kind, _, context = _context(code, SAMPLES[code]())
    docx_bytes = render.render(kind, context)
    out, wb = _workbook(context, kind)
    ws = wb.active
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "STT")
    assert rows[header][:7] == ("STT", "Họ và tên", "Đảng viên", "Tự xếp loại", "Chi bộ đề xuất",
                                "Cấp có thẩm quyền quyết định", "Ghi chú")
    members = _docx_table(docx_bytes, 1)[1:]
    for offset, docx_row in enumerate(members, start=1):
        xlsx_row = ["" if v is None else str(v) for v in rows[header + offset][:7]]
        assert xlsx_row == docx_row
    assert rows[header + len(members) + 1][0] is None  # nothing else in the table
    totals_at = next(i for i, r in enumerate(rows) if r[0] == "Mức xếp loại")
    for offset, docx_line in enumerate(_docx_table(docx_bytes, 2)[1:], start=1):
        line = rows[totals_at + offset]
        assert line[0] == docx_line[0]
        for n in range(3):
            count, ratio = line[2 + 2 * n], line[3 + 2 * n]
            assert count == int(docx_line[1 + 2 * n])
            expected = _pct_number(docx_line[2 + 2 * n])
            assert (ratio is None if expected is None else round(ratio * 100, 2) == expected), (line, docx_line)
            if expected is not None:
                assert ws.cell(row=totals_at + offset + 1, column=4 + 2 * n).number_format == "0.00%"
    texts = [r[0] for r in rows if isinstance(r[0], str)]
    assert context["quota_line"] in texts and context["quota_rounding"] in texts
    assert f"BIỂU TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI ĐẢNG VIÊN CỦA CHI BỘ NĂM {context['year']}" in texts
    assert all(t == unicodedata.normalize("NFC", t) for t in texts)


def test_xlsx_layout_for_printing():
    kind, _, context = _context("summary-366", summary_366())
    _, wb = _workbook(context, kind)
    ws = wb.active
    header = next(c.row for c in ws["A"] if c.value == "STT")
    assert ws.freeze_panes == f"A{header + 1}" and ws.print_title_rows == f"${header}:${header}"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and int(ws.page_setup.fitToWidth) == 1
    assert int(ws.page_setup.fitToHeight) == 0
    for cell in ws[header][:7]:
        assert cell.font.b and cell.border.top.style == "thin" and cell.border.left.style == "thin"
        assert ws.column_dimensions[cell.column_letter].width >= 6
    assert ws.column_dimensions["B"].width >= 25 and ws[f"B{header + 1}"].border.bottom.style == "thin"


def test_xlsx_keeps_formula_like_text_as_text():
    rows = _rows([("=HYPERLINK(\"http://x\",\"bấm\")", "tot"), ("+1+2", "tot")])
    rows[0]["note"] = "=1+1"
    kind, _, context = _context("summary-366", summary_366(rows=rows))
    out, wb = _workbook(context, kind)
    values = {c.value for row in wb.active.iter_rows() for c in row}
    assert "=1+1" in values and "=HYPERLINK(\"http://x\",\"bấm\")" in values
    with zipfile.ZipFile(io.BytesIO(out.content)) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formulas at all


def test_initial_data_from_unit_facts():
    facts = {"year": 2026, "superior_body": "ĐẢNG BỘ TRƯỜNG THPT PHAN ĐÌNH PHÙNG",
             "issuing_body": "CHI BỘ TỔ TOÁN – TIN", "place": "Hà Nội", "signed_on": "2026-12-20",
             "unit_name": "Chi bộ Tổ Toán – Tin", "previous": {},
             "members": [
                 {"id": 3, "full_name": "Phạm Quốc Anh", "official": True, "status": "active",
                  "admitted_on": "2001-03-02"},
                 {"id": 1, "full_name": "Đỗ Minh Châu", "official": True, "status": "exempted", "admitted_on": ""},
                 {"id": 7, "full_name": "Đặng Thị Yến", "official": False, "status": "active",
                  "admitted_on": "2026-09-01"},
                 {"id": 8, "full_name": "Bùi Văn Sáu", "official": False, "status": "active",
                  "admitted_on": "2026-06-30"}]}
    data = SUMMARY.initial_data(facts)
    assert [r["full_name"] for r in data["rows"]] == ["Phạm Quốc Anh", "Đỗ Minh Châu", "Đặng Thị Yến", "Bùi Văn Sáu"]
    assert [r["official"] for r in data["rows"]] == [True, True, False, False]
    notes = [r["note"] for r in data["rows"]]
    assert notes[0] == "" and notes[3] == ""  # admitted 30/06: six months by 31/12
    assert notes[1].startswith("Không xếp loại: Miễn công tác và sinh hoạt đảng")
    assert notes[2].startswith("Không xếp loại: Đảng viên mới kết nạp chưa đủ 6 tháng (vào Đảng ngày 01/09/2026")
    assert data["quota_pct"] == "20" and "members" not in data and "unit_name" not in data
    assert all(r["self_level"] == r["proposal"] == r["decision"] == "" for r in data["rows"])
    kind = get_kind("summary-366")
    assert len(SUMMARY.check(kind, data, draft=True)["rows"]) == 4


def test_rows_are_checked_with_vietnamese_messages():
    kind = get_kind("summary-366")
    rows = summary_366()["rows"]
    with pytest.raises(InvalidInput) as info:
        SUMMARY.check(kind, summary_366(rows=rows + [{"full_name": "", "note": "ghi chú không tên"}]))
    assert info.value.fields["rows[10].full_name"] == ["Vui lòng nhập mục “Họ và tên”."]
    with pytest.raises(InvalidInput) as info:
        SUMMARY.check(kind, summary_366(rows=[{**rows[0], "decision": "gioi"}]))
    assert info.value.fields["rows[0].decision"] == ["Mức xếp loại không hợp lệ."]
    with pytest.raises(InvalidInput) as info:
        SUMMARY.check(kind, summary_366(rows=rows * 21))
    assert info.value.fields["rows"] == ["Tối đa 200 dòng."]
    blank = {"full_name": "", "official": False, "self_level": "", "proposal": "", "decision": "", "note": ""}
    data = SUMMARY.check(kind, summary_366(rows=rows + [blank]))
    assert len(data["rows"]) == 10  # a spare blank line is dropped


def test_200_rows_paginate_with_the_header_on_every_page(converter):
    from pypdf import PdfReader

    payload = SAMPLES_MAX["summary-366"]()
    kind, _, context = _context("summary-366", payload)
    assert len(context["rows"]) == 200 and context["total_members"] == 200
    out = output.produce(kind, context, "pdf", converter)
    reader = PdfReader(io.BytesIO(out.content))
    pages = [unicodedata.normalize("NFC", page.extract_text() or "") for page in reader.pages]
    assert len(pages) >= 5
    first = reader.pages[0].mediabox
    assert float(first.width) > float(first.height)  # landscape
    names = [r["full_name"] for r in payload["rows"]]
    seen = 0
    for number, text in enumerate(pages, start=1):
        flat = squash(text)
        on_page = [n for n in names if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", flat)]
        if on_page:
            assert "STT" in flat and "Họ và tên" in flat and "Cấp có thẩm quyền" in flat, f"page {number}"
        seen += len(on_page)
    assert seen >= 200  # every member printed (a name on two pages would count twice)
    whole = squash(unicodedata.normalize("NFC", pdf_text(out.content)))
    for name in names:
        assert name in whole, name
    assert "Tổng số đảng viên: 200" in whole and "T/M CHI ỦY" in whole


@pytest.mark.parametrize("code", ["summary-366", "summary-124"])
def test_pdf_keeps_values_and_diacritics(code, converter):
    kind, _, context = _context(code, SAMPLES[code]())
    out = output.produce(kind, context, "pdf", converter)
    assert out.filename.startswith(f"Bieu-tong-hop-xep-loai-{context['year']}-") and out.filename.endswith(".pdf")
    text = unicodedata.normalize("NFC", pdf_text(out.content))
    flat = squash(text)
    for value in HEADINGS + [r["full_name"] for r in context["rows"]] + [context["quota_line"]]:
        assert squash(value) in flat, value
    for line in context["totals"]:
        assert line["label"] in flat and line["decision_pct"] in flat


def _auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_api_renders_the_workbook(client, token_for):
    payload = summary_366()
    resp = client.post("/api/v1/kinds/summary-366/render?format=xlsx", json=payload,
                       headers=_auth(token_for("admin")))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.mimetype == XLSX
    assert "filename=Bieu-tong-hop-xep-loai-2026-CHI-BO-TO-TOAN-TIN.xlsx" in resp.headers["Content-Disposition"]
    ws = load_workbook(io.BytesIO(resp.data)).active
    names = {c.value for c in ws["B"]}
    assert {r["full_name"] for r in payload["rows"]} <= names


def test_api_refuses_a_workbook_of_a_kind_without_one(client, token_for):
    from service.samples.common import commitment_366

    resp = client.post("/api/v1/kinds/commitment-366/render?format=xlsx", json=commitment_366(),
                       headers=_auth(token_for("admin")))
    assert resp.status_code == 422 and "loại văn bản này có docx, pdf" in resp.get_json()["error"]


def test_a_row_is_rated_or_not_never_both():
    """Issue 12: a row marked or noted "không xếp loại" cannot carry levels; it counts only as not rated."""
    rows = _rows([("Lê Văn A", "tot"), ("Trần Thị B", "")])
    rows[1]["not_rated"] = True
    _, _, context = _context("summary-366", summary_366(rows=rows))
    assert context["totals"][4]["decision_count"] == 1 and context["totals"][5]["decision_count"] == 1
    flagged = [dict(r) for r in rows]
    flagged[1]["decision"] = "tot"
    with pytest.raises(InvalidInput) as refused:
        _context("summary-366", summary_366(rows=flagged))
    assert "Trần Thị B không xếp loại: bỏ trống cột" in refused.value.fields["rows[1].decision"][0]
    noted = [dict(r) for r in rows]
    noted[1].update(not_rated=False, self_level="tot", proposal="tot", decision="tot",
                    note="Không xếp loại: mới vào Đảng dưới 6 tháng")
    with pytest.raises(InvalidInput) as refused:
        _context("summary-366", summary_366(rows=noted))
    assert "ghi chú nói không xếp loại nhưng dòng có mức xếp loại" in refused.value.fields["rows[1].note"][0]
