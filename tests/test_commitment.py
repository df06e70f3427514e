"""Bản cam kết tu dưỡng, rèn luyện, phấn đấu (customary, both regimes): form, template, DOCX and PDF."""
from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

import pytest

from service import output, render
from service.catalog import get_kind
from service.kinds.commitment import COMMITMENT
from service.errors import InvalidInput
from tests.conftest import docx_paragraphs, pdf_text, squash
from service.samples.common import SAMPLES, commitment_124, commitment_366
from tests.conftest import validated as _context
from tests.conftest import assert_in_order as _in_order

REPO = Path(__file__).resolve().parents[1]
HEADINGS = [
    "ĐẢNG CỘNG SẢN VIỆT NAM",
    "BẢN CAM KẾT TU DƯỠNG, RÈN LUYỆN, PHẤN ĐẤU NĂM",
    "Họ và tên:",
    "Ngày vào Đảng:",
    "Chức vụ (đảng, chính quyền, đoàn thể):",
    "Đơn vị công tác:",
    "Chi bộ:",
    "Căn cứ Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị",
    "1. Về tư tưởng chính trị",
    "2. Về phẩm chất đạo đức, lối sống",
    "3. Về ý thức tổ chức kỷ luật",
    "4. Về thực hiện chức trách, nhiệm vụ được giao và học tập nâng cao trình độ",
    "5. Về tác phong, lề lối làm việc và mối quan hệ với nhân dân",
    "6. Về học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "đạt mức xếp loại chất lượng đảng viên:",
    "Tôi xin hứa thực hiện nghiêm túc",
    "XÁC NHẬN CỦA CHI ỦY/CHI BỘ",
    "NGƯỜI CAM KẾT",
]
CASES = [
    pytest.param("commitment-366", commitment_366(),
                 ["Hà Nội, ngày 15 tháng 01 năm 2026", "BẢN CAM KẾT TU DƯỠNG, RÈN LUYỆN, PHẤN ĐẤU NĂM 2026",
                  "Họ và tên: Trần Thị Ánh Tuyết", "Ngày sinh: 02/09/1985", "Ngày vào Đảng: 19/05/2010",
                  "Ngày chính thức: 19/05/2011",
                  "Chức vụ (đảng, chính quyền, đoàn thể): Chi ủy viên; Tổ phó chuyên môn; Ủy viên Ban Chấp hành "
                  "Công đoàn", "Đơn vị công tác: Tổ Toán – Tin, Trường THPT Phan Đình Phùng",
                  "Chi bộ: Chi bộ Tổ Toán – Tin", "phấn đấu năm 2026 với những nội dung sau:",
                  "Phấn đấu cuối năm 2026 đạt mức xếp loại chất lượng đảng viên:", "☒ Hoàn thành xuất sắc nhiệm vụ",
                  "☐ Hoàn thành tốt nhiệm vụ", "BÍ THƯ", "Nguyễn Văn Hùng", "Trần Thị Ánh Tuyết"],
                 id="366-2026"),
    pytest.param("commitment-124", commitment_124(),
                 ["Tân Hiệp, ngày 20 tháng 01 năm 2024", "BẢN CAM KẾT TU DƯỠNG, RÈN LUYỆN, PHẤN ĐẤU NĂM 2024",
                  "Họ và tên: Lê Minh Đức", "Ngày sinh: 20/11/1998", "Ngày vào Đảng: 22/12/2023",
                  "Chức vụ (đảng, chính quyền, đoàn thể): Phó Bí thư Chi đoàn ấp", "Chi bộ: Chi bộ ấp Một",
                  "Phấn đấu cuối năm 2024 đạt mức xếp loại chất lượng đảng viên:", "☐ Hoàn thành xuất sắc nhiệm vụ",
                  "☒ Hoàn thành tốt nhiệm vụ", "BÍ THƯ", "Lê Minh Đức"],
                 id="124-2024"),
]
# What the member typed that must print literally (Markdown markers gone, & kept).
TYPED = ["không dao động", "“tự diễn biến”, “tự chuyển hoá”", "Tham gia 100% buổi sinh hoạt chi bộ;",
         "Giảng dạy 18 tiết/tuần môn Toán lớp 11A1, 11A3 & 12A2, tỷ lệ khá giỏi trên 70%;",
         "Tham gia sinh hoạt tổ dân phố số 7, phường Ba Đình", "“Tận tụy với học sinh, nói đi đôi với làm”",
         "Không dạy thêm trái quy định."]






@pytest.mark.parametrize("code,payload,printed", CASES)
def test_docx_headings_and_values_in_order(code, payload, printed):
    kind, _, context = _context(code, payload)
    texts = docx_paragraphs(render.render(kind, context))
    _in_order(texts, HEADINGS)
    _in_order(texts, [payload["superior_body"], payload["issuing_body"], "*"] + printed[:2])
    joined = "\n".join(texts)
    for value in printed + TYPED:
        assert value in joined, value
    assert "**" not in joined and "{{" not in joined and "{%" not in joined


def test_no_official_date_and_no_confirmer_leave_room_to_write():
    kind, _, context = _context("commitment-124", commitment_124())
    texts = docx_paragraphs(render.render(kind, context))
    assert "Ngày chính thức: " in "\n".join(texts) and "19/05" not in "\n".join(texts)
    confirm = texts.index("XÁC NHẬN CỦA CHI ỦY/CHI BỘ")
    assert texts[confirm + 1] == "BÍ THƯ" and not any(texts[confirm + 2:confirm + 6])  # space to sign by hand


@pytest.mark.parametrize("code,payload,printed", CASES)
def test_pdf_keeps_headings_values_and_diacritics(code, payload, printed, converter):
    kind, _, context = _context(code, payload)
    out = output.produce(kind, context, "pdf", converter)
    assert out.content.startswith(b"%PDF-") and out.mimetype == "application/pdf"
    assert out.filename.startswith(f"Ban-cam-ket-{payload['year']}-") and out.filename.isascii()
    extracted = unicodedata.normalize("NFC", pdf_text(out.content))
    assert extracted == unicodedata.normalize("NFC", extracted)
    flat = squash(extracted)
    for value in HEADINGS + printed + TYPED:
        assert squash(value) in flat, value


def test_docx_download_name_is_ascii():
    kind, _, context = _context("commitment-366", commitment_366())
    out = output.produce(kind, context, "docx", converter=None)
    assert out.filename == "Ban-cam-ket-2026-Tran-Thi-Anh-Tuyet.docx"
    assert out.mimetype.endswith("wordprocessingml.document")


def test_template_variables_equal_context_keys():
    for code in ("commitment-366", "commitment-124"):
        kind, _, context = _context(code, SAMPLES[code]())
        assert render.template_variables(kind) == set(context), code


def test_both_regimes_share_one_declaration_and_template():
    k366, k124 = get_kind("commitment-366"), get_kind("commitment-124")
    assert k366.fields is k124.fields is COMMITMENT
    assert k366.template_path == k124.template_path == REPO / "doc_templates" / "common" / "commitment.docx"
    assert k366.form_code == k124.form_code == "" and k366.formats == ("docx", "pdf")


def test_markdown_becomes_word_lists_and_emphasis():
    import docx

    kind, _, context = _context("commitment-366", commitment_366())
    document = docx.Document(io.BytesIO(render.render(kind, context)))
    paragraphs = {p.text: p for p in document.paragraphs}
    assert paragraphs["Tham gia 100% buổi sinh hoạt chi bộ;"].style.style_id == "DanhSachGach"
    numbered = next(p for text, p in paragraphs.items() if text.endswith("trước tháng 10."))
    assert numbered.text.startswith("3.") and numbered.style.style_id == "DanhSachSo"
    bold = [r.text for p in document.paragraphs for r in p.runs if r.bold]
    assert "không dao động" in bold


def test_initial_data_from_member_facts_is_a_complete_commitment():
    facts = {"year": 2026, "superior_body": "ĐẢNG BỘ TRƯỜNG THPT PHAN ĐÌNH PHÙNG",
             "issuing_body": "CHI BỘ TỔ TOÁN – TIN", "place": "Hà Nội", "signed_on": "2026-01-10",
             "full_name": "Trần Thị Ánh Tuyết", "birth_date": "1985-09-02", "admitted_on": "2010-05-19",
             "work_unit": "Tổ Toán – Tin", "chi_bo": "Chi bộ Tổ Toán – Tin", "party_post": "Chi ủy viên",
             "government_post": "Giáo viên", "union_post": "", "previous": {}, "members": []}
    data = COMMITMENT.initial_data(facts)
    assert data["positions"] == "Chi ủy viên; Giáo viên"
    assert data["admitted_on"] == "2010-05-19" and data["target_level"] == "tot"
    assert "năm 2026" in data["point_4"] and "{year}" not in data["point_4"] + data["point_6"]
    assert all(data[f"point_{n}"].strip() for n in range(1, 7))
    assert "previous" not in data and "members" not in data
    kind, checked, context = _context("commitment-366", data)  # the defaults alone make a printable document
    assert checked["official_on"] == "" and context["mark_tot"] == "☒"


def test_member_facts_without_admission_date_still_open_as_a_draft():
    """service.documents.member_facts has no admitted_on yet: the draft opens, the final check asks for it."""
    facts = {"year": 2026, "full_name": "Lê Văn Nam", "birth_date": "", "party_post": "", "government_post": "",
             "union_post": "", "work_unit": "", "chi_bo": "Chi bộ Tổ Toán – Tin"}
    data = COMMITMENT.initial_data(facts)
    assert data["positions"] == "" and "admitted_on" not in data
    kind = get_kind("commitment-366")
    assert COMMITMENT.check(kind, data, draft=True)["full_name"] == "Lê Văn Nam"
    with pytest.raises(InvalidInput) as info:
        COMMITMENT.check(kind, data)
    assert "Vui lòng nhập mục “Ngày vào Đảng”." in info.value.fields["admitted_on"]


@pytest.mark.parametrize("overrides,field,message", [
    ({"official_on": "2009-01-01"}, "official_on", "Ngày chính thức phải sau ngày vào Đảng."),
    ({"admitted_on": "1980-01-01"}, "admitted_on", "Ngày vào Đảng phải sau ngày sinh."),
    ({"target_level": "gioi"}, "target_level", "Mức xếp loại không hợp lệ."),
    ({"point_3": ""}, "point_3", "Vui lòng nhập mục “3. Về ý thức tổ chức kỷ luật”."),
    ({"year": 2024}, "year", "chỉ dùng cho Quy định 366-QĐ/TW"),
])
def test_vietnamese_messages(overrides, field, message):
    kind = get_kind("commitment-366")
    with pytest.raises(InvalidInput) as info:
        COMMITMENT.check(kind, commitment_366(**overrides))
    assert any(message in m for m in info.value.fields[field]), info.value.fields


def test_no_workbook_for_a_commitment():
    kind, _, context = _context("commitment-366", commitment_366())
    with pytest.raises(InvalidInput) as info:
        output.produce(kind, context, "xlsx", converter=None)
    assert "loại văn bản này có docx, pdf" in info.value.message and info.value.fields["format"] == ["Chỉ nhận: docx, pdf."]


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def test_committed_templates_are_current(tmp_path):
    from tools.docx_builder import save_document
    from tools.templates_common import build_commitment, build_summary

    for name, builder in (("commitment", build_commitment), ("summary", build_summary)):
        save_document(builder(), tmp_path / f"{name}.docx")
        committed = REPO / "doc_templates" / "common" / f"{name}.docx"
        assert _parts(committed.read_bytes()) == _parts((tmp_path / f"{name}.docx").read_bytes()), \
            f"{committed} is stale: run python -m tools.build_templates"
