"""The personal self-review in both regimes: every official heading in order, every value, in DOCX and PDF."""
from __future__ import annotations

import unicodedata

import pytest

from service import output, render
from tests.conftest import docx_paragraphs, pdf_text, squash
from service.samples import member_review_124, member_review_366
from tests.conftest import validated as _context
from tests.conftest import assert_in_order as _in_order

HEADINGS_366 = [
    "ĐẢNG CỘNG SẢN VIỆT NAM",
    "BẢN KIỂM ĐIỂM, TỰ ĐÁNH GIÁ, XẾP LOẠI CÁ NHÂN",
    "A. NỘI DUNG KIỂM ĐIỂM",
    "I. Ưu điểm, kết quả đạt được",
    "1. Về phẩm chất chính trị, đạo đức, lối sống",
    "2. Việc thực hiện nhiệm vụ, quyền hạn và kết quả thực hiện các chỉ tiêu, nhiệm vụ được giao trong năm",
    "3. Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu của cá nhân theo quy định.",
    "II. Hạn chế, khuyết điểm và nguyên nhân",
    "1. Hạn chế, khuyết điểm.",
    "2. Nguyên nhân của hạn chế, khuyết điểm.",
    "III. Kết quả khắc phục những hạn chế, khuyết điểm đã được cấp có thẩm quyền kết luận hoặc được chỉ ra ở các "
    "kỳ kiểm điểm trước",
    "IV. Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)",
    "V. Làm rõ trách nhiệm của cá nhân đối với những hạn chế, khuyết điểm của tập thể (nếu có)",
    "VI. Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm",
    "B. NỘI DUNG TỰ ĐÁNH GIÁ, XẾP LOẠI",
    "I. Đánh giá theo các nhóm tiêu chí",
    "II. Đề xuất xếp loại mức chất lượng",
    "NGƯỜI TỰ KIỂM ĐIỂM",
]
HEADINGS_124 = [
    "ĐẢNG CỘNG SẢN VIỆT NAM",
    "BẢN KIỂM ĐIỂM CÁ NHÂN",
    "I. Ưu điểm, kết quả đạt được",
    "1. Về phẩm chất chính trị; phẩm chất đạo đức, lối sống; ý thức tổ chức kỷ luật; tác phong, lề lối làm việc",
    "2. Về thực hiện chức trách, nhiệm vụ được giao",
    "3. Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu hằng năm",
    "II. Hạn chế, khuyết điểm và nguyên nhân",
    "III. Kết quả khắc phục những hạn chế, khuyết điểm",
    "IV. Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)",
    "V. Làm rõ trách nhiệm của cá nhân đối với những hạn chế, khuyết điểm của tập thể (nếu có)",
    "VI. Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm",
    "VII. Tự nhận mức xếp loại chất lượng",
    "NGƯỜI TỰ KIỂM ĐIỂM",
]
CASES = [
    pytest.param("member-review-366", member_review_366(), HEADINGS_366,
                 ["Mẫu 2B-HD KĐ.ĐG 2025", "Hà Nội, ngày 05 tháng 12 năm 2026", "Năm 2026", "02/09/1985",
                  "27,5/30", "63/70", "90,5/100", "☒ Hoàn thành tốt nhiệm vụ", "☐ Hoàn thành xuất sắc nhiệm vụ"],
                 id="366-mau-2B"),
    pytest.param("member-review-124", member_review_124(), HEADINGS_124,
                 ["Mẫu 02A-HD KĐ.ĐG 2023", "Hà Nội, ngày 10 tháng 12 năm 2024", "Năm 2024", "20/11/1990",
                  "Ủy viên Ban Chấp hành Công đoàn", "Tự đánh giá về cấp độ thực hiện: Xuất sắc",
                  "☒ Hoàn thành xuất sắc nhiệm vụ", "☐ Hoàn thành tốt nhiệm vụ"],
                 id="124-mau-02A"),
]






def _values(payload: dict) -> list[str]:
    """Plain fragments of what the user typed that must print literally."""
    return [payload["full_name"], payload["work_unit"], payload["superior_body"], payload["issuing_body"],
            "lập trường chính trị", "Giảng dạy 18 tiết/tuần môn Toán lớp 11A1, 11A3;",
            "Hoàn thành đề tài sáng kiến kinh nghiệm;", "Không có.", "khắc phục xong trong quý I năm sau."]


@pytest.mark.parametrize("code,payload,headings,printed", CASES)
def test_docx_has_official_headings_in_order_and_every_value(code, payload, headings, printed):
    kind, _, context = _context(code, payload)
    texts = docx_paragraphs(render.render(kind, context))
    _in_order(texts, headings)
    joined = "\n".join(texts)
    for value in _values(payload) + printed:
        assert value in joined, value


@pytest.mark.parametrize("code,payload,headings,printed", CASES)
def test_pdf_keeps_headings_values_and_diacritics(code, payload, headings, printed, converter):
    kind, _, context = _context(code, payload)
    out = output.produce(kind, context, "pdf", converter)
    assert out.content.startswith(b"%PDF-")
    assert out.filename.endswith(".pdf") and "Tran-Thi-Anh-Tuyet" in out.filename or "Le-Minh-Duc" in out.filename
    extracted = squash(unicodedata.normalize("NFC", pdf_text(out.content)))
    for value in headings + _values(payload) + printed:
        assert squash(value) in extracted, value
    assert extracted == unicodedata.normalize("NFC", extracted)


def test_markdown_becomes_word_lists_and_emphasis():
    import io

    import docx

    kind, _, context = _context("member-review-366", member_review_366())
    document = docx.Document(io.BytesIO(render.render(kind, context)))
    paragraphs = {p.text: p for p in document.paragraphs}
    bullet = paragraphs["Giảng dạy 18 tiết/tuần môn Toán lớp 11A1, 11A3;"]
    assert bullet.style.style_id == "DanhSachGach"
    numbered = next(p for text, p in paragraphs.items() if text.endswith("Hoàn thành đề tài sáng kiến kinh nghiệm;"))
    assert numbered.text.startswith("1.") and numbered.style.style_id == "DanhSachSo"
    bold = [r.text for p in document.paragraphs for r in p.runs if r.bold]
    assert "lập trường chính trị" in bold
    assert not any("**" in p.text for p in document.paragraphs)


def test_total_is_computed_not_typed():
    _, _, context = _context("member-review-366", member_review_366(score_general=30, score_tasks=59.99))
    assert context["score_total"] == "89,99"


def test_template_variables_equal_what_the_form_provides():
    for code, payload in (("member-review-366", member_review_366()), ("member-review-124", member_review_124())):
        kind, _, context = _context(code, payload)
        assert render.template_variables(kind) == set(context), code
