"""The remaining personal kinds: HD 43 Mẫu 2A, 2C and 05, HD 25 leader form (02B).

Every official heading in order and every typed value, in the DOCX and in the PDF; the template/form contract;
the 200-row self-rating over several pages with its table header repeated; section III pre-filled from last year.
"""
from __future__ import annotations

import io
import re
import unicodedata

import docx
import pytest
from pypdf import PdfReader

from service.kinds.fields import format_number
from service.kinds.personal import (LEADER_REVIEW_124, LEADER_REVIEW_366, MEMBER_REVIEW_124, MEMBER_REVIEW_366,
                                    OUTSIDE_REVIEW_366, PREVIOUS_LIMITATIONS, SELF_RATING_366)
from service import output, render
from service.catalog import get_kind
from service.errors import InvalidInput
from tests.conftest import docx_paragraphs, pdf_text
from service.samples.personal import PREVIOUS_SHORTCOMING, SAMPLES, SAMPLES_MAX

NEW_KINDS = ("leader-review-366", "outside-review-366", "leader-review-124", "self-rating-366")
TITLE_366 = "BẢN KIỂM ĐIỂM, TỰ ĐÁNH GIÁ, XẾP LOẠI CÁ NHÂN"
I_1_366 = ("1. Về phẩm chất chính trị, đạo đức, lối sống; tinh thần đoàn kết, thống nhất trong nội bộ; ý thức tổ chức "
           "kỷ luật, trách nhiệm nêu gương, việc thực hiện những điều đảng viên không được làm; tác phong, lề lối làm "
           "việc. Liên hệ các biểu hiện về suy thoái, \"tự diễn biến\", \"tự chuyển hoá\".")
I_2_366 = ("2. Việc thực hiện nhiệm vụ, quyền hạn và kết quả thực hiện các chỉ tiêu, nhiệm vụ được giao trong năm, "
           "gắn với hiệu quả, tiến độ, chất lượng công việc.")
I_3_366 = "3. Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu của cá nhân theo quy định."
III = ("III. Kết quả khắc phục những hạn chế, khuyết điểm đã được cấp có thẩm quyền kết luận hoặc được chỉ ra ở các "
       "kỳ kiểm điểm trước")
III_NOTE = ("Kiểm điểm rõ từng hạn chế, khuyết điểm (đã được khắc phục; đang khắc phục, mức độ khắc phục; chưa được "
            "khắc phục); những khó khăn, vướng mắc (nếu có); trách nhiệm của cá nhân.")
IV = "IV. Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)"
IV_NOTE = ("Giải trình từng vấn đề được gợi ý kiểm điểm, nêu nguyên nhân, xác định trách nhiệm của cá nhân đối với "
           "từng vấn đề được gợi ý kiểm điểm.")
V = "V. Làm rõ trách nhiệm của cá nhân đối với những hạn chế, khuyết điểm của tập thể (nếu có)"
VI = "VI. Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm"
LEVEL_LABELS = ["Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ",
                "Không hoàn thành nhiệm vụ"]
FOOTNOTE = ("(Gửi kèm Phụ lục về kết quả thực hiện nhiệm vụ trong đó thể hiện sản phẩm tiến độ, chất lượng cụ thể - "
            "theo hướng dẫn của các cấp uỷ, tổ chức đảng)")


def _criteria(subject: str, appendix: str) -> str:
    return (f"Trên cơ sở cụ thể hoá khung tiêu chí đánh giá đối với {subject} được quy định tại {appendix}, Quy định "
            "366-QĐ/TW, cá nhân tự đánh giá, chấm điểm theo các tiêu chí được cụ thể hóa như sau:")


def _tail_366(note: str) -> list[str]:
    return ["II. Hạn chế, khuyết điểm và nguyên nhân", "1. Hạn chế, khuyết điểm.",
            "2. Nguyên nhân của hạn chế, khuyết điểm.", III, III_NOTE, IV, IV_NOTE, V, VI,
            "B. NỘI DUNG TỰ ĐÁNH GIÁ, XẾP LOẠI", "I. Đánh giá theo các nhóm tiêu chí", note,
            "1. Nhóm tiêu chí chung:", "2. Nhóm tiêu chí về kết quả thực hiện nhiệm vụ:", "Tổng điểm:",
            "II. Đề xuất xếp loại mức chất lượng", *LEVEL_LABELS]


# HD 43 Mẫu 2A (title), 2B (body; A.I.4–6 = QĐ 366 Điều 6 leader items, inferred), 2C, HD 25 Mẫu 02B;
# Mẫu 05 has its title only, the rest of the sheet is ours (templates_personal.SELF_RATING_HEADINGS).
HEADINGS = {
    "leader-review-366": [
        "Mẫu 2A-HD KĐ.ĐG 2025", "ĐẢNG CỘNG SẢN VIỆT NAM", TITLE_366, "Năm 2025",
        "(Cá nhân giữ chức vụ lãnh đạo, quản lý)", "Họ và tên:", "Ngày sinh:", "Chức vụ:", "Đơn vị công tác:",
        "Chi bộ:", "A. NỘI DUNG KIỂM ĐIỂM", "I. Ưu điểm, kết quả đạt được", I_1_366, I_2_366, I_3_366,
        "4. Kết quả công tác lãnh đạo, chỉ đạo, quản lý, điều hành; thực hiện chức trách, nhiệm vụ; mức độ hoàn thành "
        "nhiệm vụ của các cấp uỷ, tổ chức đảng trực thuộc, địa phương, tổ chức, cơ quan, đơn vị thuộc quyền quản lý; "
        "khả năng quy tụ, xây dựng đoàn kết nội bộ.",
        "5. Trách nhiệm trong công việc; tinh thần năng động, đổi mới sáng tạo, dám nghĩ, dám nói, dám làm, ... xử lý "
        "những vấn đề khó, phức tạp, nhạy cảm trong thực hiện nhiệm vụ.",
        "6. Trách nhiệm nêu gương của bản thân và gia đình; việc đấu tranh phòng, chống tham nhũng, lãng phí, tiêu "
        "cực; sự tín nhiệm của cán bộ, đảng viên; việc xây dựng phong cách lãnh đạo đổi mới, gần dân, sát dân, trọng "
        "dân, thường xuyên nắm bắt tâm tư, nguyện vọng của Nhân dân.",
        *_tail_366(_criteria("cá nhân giữ chức vụ lãnh đạo, quản lý", "Phụ lục 3")), FOOTNOTE,
        "NGƯỜI TỰ KIỂM ĐIỂM", "(Ký, ghi rõ họ tên)"],
    "outside-review-366": [
        "Mẫu 2C-HD KĐ.ĐG 2025", "ĐẢNG CỘNG SẢN VIỆT NAM", TITLE_366, "Năm 2025",
        "(Đảng viên không làm việc trong hệ thống chính trị)", "Họ và tên:", "Ngày sinh:", "Đơn vị công tác:",
        "Chi bộ:", "A. NỘI DUNG KIỂM ĐIỂM", "I. Ưu điểm, kết quả đạt được", I_1_366,
        "2. Việc thực hiện quyền và nghĩa vụ của đảng viên theo các nhiệm vụ chính trị được cấp uỷ, chi bộ phân công.",
        I_3_366, *_tail_366(_criteria("đảng viên không làm việc trong hệ thống chính trị", "Phụ lục 5")),
        "NGƯỜI TỰ KIỂM ĐIỂM", "(Ký, ghi rõ họ tên)"],
    "leader-review-124": [
        "Mẫu 02B-HD KĐ.ĐG 2023", "ĐẢNG CỘNG SẢN VIỆT NAM", "BẢN KIỂM ĐIỂM CÁ NHÂN", "Năm 2024",
        "(Cá nhân giữ chức vụ lãnh đạo, quản lý)", "Họ và tên:", "Ngày sinh:", "Chức vụ Đảng:",
        "Chức vụ chính quyền:", "Chức vụ đoàn thể:", "Đơn vị công tác:", "Chi bộ:", "I. Ưu điểm, kết quả đạt được",
        "1. Về phẩm chất chính trị; phẩm chất đạo đức, lối sống; ý thức tổ chức kỷ luật; tác phong, lề lối làm việc",
        "Tự đánh giá về cấp độ thực hiện: Xuất sắc", "2. Về thực hiện chức trách, nhiệm vụ được giao",
        "Tự đánh giá về cấp độ thực hiện: Tốt",
        "3. Kết quả công tác lãnh đạo, chỉ đạo, quản lý, điều hành; thực hiện chức trách, nhiệm vụ; mức độ hoàn thành "
        "nhiệm vụ của các tổ chức, cơ quan, đơn vị thuộc quyền quản lý; khả năng quy tụ, xây dựng đoàn kết nội bộ.",
        "Tự đánh giá về cấp độ thực hiện: Tốt",
        "4. Trách nhiệm trong công việc; tinh thần năng động, đổi mới, sáng tạo, dám nghĩ, dám làm, dám chịu trách "
        "nhiệm; xử lý những vấn đề khó, phức tạp, nhạy cảm trong thực hiện nhiệm vụ.",
        "Tự đánh giá về cấp độ thực hiện: Tốt",
        "5. Trách nhiệm nêu gương của bản thân và gia đình; việc đấu tranh phòng, chống tham nhũng, tiêu cực, lãng "
        "phí; sự tín nhiệm của cán bộ, đảng viên.", "Tự đánh giá về cấp độ thực hiện: Xuất sắc",
        "6. Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu hằng năm",
        "II. Hạn chế, khuyết điểm và nguyên nhân", "1. Hạn chế, khuyết điểm", "2. Nguyên nhân của hạn chế, khuyết điểm.",
        III, "Tự đánh giá về cấp độ thực hiện: Tốt", IV, V, VI, "VII. Tự nhận mức xếp loại chất lượng",
        "1. Xếp loại cán bộ, công chức, viên chức: Hoàn thành tốt nhiệm vụ", "2. Xếp loại đảng viên", *LEVEL_LABELS,
        "NGƯỜI TỰ KIỂM ĐIỂM", "Đánh giá, xếp loại chất lượng công chức, viên chức",
        "- Nhận xét, đánh giá của người quản lý, sử dụng công chức, viên chức:",
        "- Mức xếp loại chất lượng công chức, viên chức:", "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ",
        "(Xác lập thời điểm, ký, ghi rõ họ tên và đóng dấu)", "Đánh giá, xếp loại chất lượng đảng viên",
        "- Nhận xét, đánh giá của chi ủy:", "- Chi bộ đề xuất xếp loại mức chất lượng:", "T/M CHI ỦY (CHI BỘ)",
        "(Xác lập thời điểm, ký, ghi rõ họ tên)", "- Đảng ủy, chi ủy cơ sở xếp loại mức chất lượng:",
        "T/M ĐẢNG UỶ (CHI UỶ)", "(Xác lập thời điểm, ký, ghi rõ họ tên)"],
    "self-rating-366": [
        "Mẫu 05-HD KĐ.ĐG 2025", "ĐẢNG CỘNG SẢN VIỆT NAM", "BẢN TỰ ĐÁNH GIÁ, XẾP LOẠI CỦA CÁ NHÂN", "Quý III 2025",
        "Họ và tên:", "Chức vụ:", "Đơn vị công tác:", "Chi bộ:", "I. Kết quả thực hiện nhiệm vụ, chỉ tiêu được giao",
        "STT", "Nội dung nhiệm vụ, chỉ tiêu", "Sản phẩm, kết quả", "Tiến độ", "Chất lượng", "Tự đánh giá",
        "Tổng số: 5 nhiệm vụ, chỉ tiêu; hoàn thành vượt mức: 2; hoàn thành: 3; chưa hoàn thành: 0.",
        "II. Tự nhận xét, đánh giá", "III. Tự chấm điểm theo các nhóm tiêu chí",
        "1. Nhóm tiêu chí chung: 27/30 điểm", "2. Nhóm tiêu chí về kết quả thực hiện nhiệm vụ: 60/70 điểm",
        "Tổng điểm: 87/100 điểm", "IV. Tự xếp loại mức chất lượng", *LEVEL_LABELS, "NGƯỜI TỰ ĐÁNH GIÁ",
        "(Ký, ghi rõ họ tên)", "Nhận xét, đánh giá của người quản lý trực tiếp", "- Nhận xét, đánh giá:",
        "- Điểm đánh giá:", "- Mức xếp loại chất lượng:", "NGƯỜI QUẢN LÝ TRỰC TIẾP"],
}
# Lines that only print right when the values are combined correctly (header, date, scores, marks).
PRINTED = {
    "leader-review-366": ["Hà Nội, ngày 12 tháng 12 năm 2025", "Ngày sinh: 14/03/1976", "28/30 điểm",
                          "64,5/70 điểm", "Tổng điểm: 92,5/100 điểm", "☒ Hoàn thành xuất sắc nhiệm vụ",
                          "☐ Hoàn thành tốt nhiệm vụ", "Chức vụ: Phó Bí thư Đảng ủy, Phó Hiệu trưởng"],
    "outside-review-366": ["Hà Nội, ngày 06 tháng 12 năm 2025", "Ngày sinh: 27/07/1958", "26/30 điểm", "56/70 điểm",
                           "Tổng điểm: 82/100 điểm", "☒ Hoàn thành tốt nhiệm vụ", "☐ Hoàn thành xuất sắc nhiệm vụ"],
    "leader-review-124": ["Hà Nội, ngày 16 tháng 12 năm 2024", "Ngày sinh: 09/05/1972", "Chức vụ Đảng: Bí thư Đảng ủy",
                          "Chức vụ chính quyền: Hiệu trưởng", "☒ Hoàn thành tốt nhiệm vụ",
                          "☐ Hoàn thành xuất sắc nhiệm vụ"],
    "self-rating-366": ["Hà Nội, ngày 06 tháng 10 năm 2025", "Họ và tên: Phạm Quốc Khánh", "☒ Hoàn thành tốt nhiệm vụ",
                        "☐ Không hoàn thành nhiệm vụ"],
}


def _context(code: str, payload: dict) -> tuple:
    kind = get_kind(code)
    data = kind.schema.check(kind, payload)
    return kind, data, kind.schema.context(kind, data)


def _markdown_lines(markdown: str) -> list[str]:
    """The plain text of each paragraph or list item a Markdown answer becomes."""
    out = []
    for line in markdown.splitlines():
        line = re.sub(r"^\s*(?:[-*]|\d+\.)\s+", "", line).replace("**", "").replace("*", "").strip()
        if line:
            out.append(line)
    return out


def _typed_values(fields, data: dict) -> list[str]:
    """Everything the user typed or chose, as it must print: text, dates, labels, scores, table cells.

    The signing date prints inside the place-and-date line, checked in PRINTED.
    """
    values: list[str] = []
    for field in fields:
        value = data.get(field.name)
        if value in (None, "", []) or field.name == "signed_on":
            continue
        if field.type == "markdown":
            values += _markdown_lines(value)
        elif field.type == "date":
            values.append("/".join(reversed(value.split("-"))))
        elif field.type == "level":
            values.append(f"☒ {field.labels[value]}")
        elif field.type == "choice":
            values.append(field.labels[value])
        elif field.type == "number":
            values.append(format_number(value))
        elif field.type == "table":
            for row in value:
                values += _typed_values(field.columns, row)
        elif field.type == "text":
            values.append(value)
    return values


def _in_order(texts: list[str], wanted: list[str], norm=lambda s: s) -> None:
    """Each wanted line occurs after the previous one in the joined text."""
    text, position = norm("\n".join(texts)), 0
    for item in wanted:
        found = text.find(norm(item), position)
        assert found >= 0, f"missing or out of order: {item!r} after …{text[max(0, position - 80):position]!r}"
        position = found + len(norm(item))


def _squeeze(s: str) -> str:
    """PDF text wraps lines (even after hyphens): compare without any whitespace."""
    return "".join(unicodedata.normalize("NFC", s).split())


@pytest.mark.parametrize("code", NEW_KINDS)
def test_docx_has_official_headings_in_order_and_every_value(code):
    kind, data, context = _context(code, SAMPLES[code]())
    texts = docx_paragraphs(render.render(kind, context))
    _in_order(texts, HEADINGS[code])
    joined = "\n".join(texts)
    for value in _typed_values(kind.fields.fields, data) + PRINTED[code]:
        assert value in joined, value


@pytest.mark.parametrize("code", NEW_KINDS)
def test_pdf_keeps_headings_values_and_diacritics(code, converter):
    kind, data, context = _context(code, SAMPLES[code]())
    out = output.produce(kind, context, "pdf", converter)
    assert out.content.startswith(b"%PDF-") and out.filename.endswith(".pdf")
    assert out.filename == kind.file_name(context["year"], context["full_name"], "pdf")
    extracted = pdf_text(out.content)
    assert extracted == unicodedata.normalize("NFC", extracted)  # no decomposed diacritics
    _in_order([extracted], [h for h in HEADINGS[code] if not h.startswith("Mẫu ")], _squeeze)
    squeezed = _squeeze(extracted)
    for value in _typed_values(kind.fields.fields, data) + PRINTED[code] + [context["form_code"]]:
        assert _squeeze(value) in squeezed, value


@pytest.mark.parametrize("code", SAMPLES)
def test_template_variables_equal_what_the_form_provides(code):
    kind, _, context = _context(code, SAMPLES[code]())
    assert render.template_variables(kind) == set(context)


@pytest.mark.parametrize("code", NEW_KINDS)
def test_templates_say_where_their_wording_comes_from(code):
    comments = docx.Document(str(get_kind(code).template_path)).core_properties.comments
    assert "docs/REGULATIONS.md" in comments and len(comments) <= 255
    assert ("INFERRED" in comments) == (code in ("leader-review-366", "self-rating-366"))
    assert ("UNVERIFIED" in comments) == (code == "leader-review-124")


def test_inferred_items_say_so_in_their_help_text():
    described = {f["name"]: f for f in LEADER_REVIEW_366.describe()}
    for name in ("a_i_4", "a_i_5", "a_i_6"):
        assert "suy ra từ Điều 6 Quy định 366-QĐ/TW" in described[name]["help"], name
    assert "suy ra" not in described["a_i_1"]["help"]
    for field in SELF_RATING_366.describe():
        if field["name"] in ("tasks", "comments", "score_general", "score_tasks", "proposed_level"):
            assert "Mẫu 05 mới biết tên gọi" in field["help"], field["name"]


def test_totals_are_computed():
    for code, general, tasks, total in (("leader-review-366", 30, 59.99, "89,99"),
                                        ("outside-review-366", 12.5, 30, "42,5"),
                                        ("self-rating-366", 29.5, 70, "99,5")):
        _, _, context = _context(code, SAMPLES[code]() | {"score_general": general, "score_tasks": tasks})
        assert context["score_total"] == total, code


def test_leader_124_any_grade_kem_limits_the_level():
    kind = get_kind("leader-review-124")
    with pytest.raises(InvalidInput) as caught:
        kind.schema.check(kind, SAMPLES["leader-review-124"]() | {"grade_i_4": "kem"})
    assert "Kém" in caught.value.fields["proposed_level"][0]
    payload = SAMPLES["leader-review-124"]() | {"grade_i_4": "kem", "proposed_level": "khong_hoan_thanh"}
    assert kind.schema.check(kind, payload)["proposed_level"] == "khong_hoan_thanh"


def test_self_rating_rows_need_content_on_a_final_document_only():
    kind = get_kind("self-rating-366")
    payload = SAMPLES["self-rating-366"]()
    payload["tasks"][1] = {"content": "", "product": "Biên bản kiểm tra", "progress": "Đúng hạn"}
    payload["tasks"].append({"content": "", "product": "", "progress": "", "quality": ""})  # blank: dropped
    with pytest.raises(InvalidInput) as caught:
        kind.schema.check(kind, payload)
    assert set(caught.value.fields) == {"tasks[1].content"}
    draft = kind.schema.check(kind, payload, draft=True)
    assert len(draft["tasks"]) == 5
    with pytest.raises(InvalidInput) as caught:
        kind.schema.check(kind, SAMPLES["self-rating-366"]() | {"tasks": [], "period": ""})
    assert {"tasks", "period"} <= set(caught.value.fields)


def test_self_rating_counts_tasks_and_prints_the_period():
    _, _, context = _context("self-rating-366", SAMPLES["self-rating-366"]())
    assert (context["task_count"], context["tasks_exceeded"], context["tasks_done"],
            context["tasks_unfinished"]) == (5, 2, 3, 0)
    assert context["tasks"][0]["stt"] == 1 and context["tasks"][1]["self_assessment"] == "Hoàn thành vượt mức"
    kind, _, context = _context("self-rating-366", SAMPLES_MAX["self-rating-366"]())
    assert "Năm 2025" in docx_paragraphs(render.render(kind, context))


def test_self_rating_with_200_rows_repeats_the_table_header_on_every_page(converter):
    kind, data, context = _context("self-rating-366", SAMPLES_MAX["self-rating-366"]())
    assert len(data["tasks"]) == 200
    document = docx.Document(io.BytesIO(render.render(kind, context)))
    assert len(document.tables[1].rows) == 201  # header + 200 rows (table 0 is the Party header)
    pdf = output.produce(kind, context, "pdf", converter).content
    pages = [_squeeze(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) > 1
    table_pages = [n for n, text in enumerate(pages) if "Nhiệmvụsố" in text]
    assert len(table_pages) > 3 and table_pages == list(range(table_pages[0], table_pages[-1] + 1))
    for n in table_pages:
        for header in ("Nộidungnhiệmvụ,chỉtiêu", "Sảnphẩm,kếtquả", "Tiếnđộ", "Chấtlượng"):
            assert header in pages[n], f"table header {header!r} missing on page {n + 1}"
    everything = "".join(pages)
    assert all(f"Nhiệmvụsố{n}:" in everything for n in (1, 57, 143, 200))
    assert "Tổngsố:200nhiệmvụ,chỉtiêu;hoànthànhvượtmức:50;hoànthành:150;chưahoànthành:0." in everything


PERSONAL_KINDS = {"member-review-366": MEMBER_REVIEW_366, "leader-review-366": LEADER_REVIEW_366,
                  "outside-review-366": OUTSIDE_REVIEW_366, "member-review-124": MEMBER_REVIEW_124,
                  "leader-review-124": LEADER_REVIEW_124}


@pytest.mark.parametrize("form", PERSONAL_KINDS.values(), ids=PERSONAL_KINDS)
def test_section_iii_starts_with_last_years_shortcomings(form):
    facts = {"year": 2025, "full_name": "Phạm Quốc Khánh", "chi_bo": "Chi bộ Ban Giám hiệu",
             "previous": {"a_ii_1": f"  {PREVIOUS_SHORTCOMING}\n", "a_vi": "Không dùng."}}
    initial = form.initial_data(facts)
    assert initial["a_iii"] == f"{PREVIOUS_LIMITATIONS}\n\n{PREVIOUS_SHORTCOMING}"
    assert initial["a_iii"].startswith("Hạn chế, khuyết điểm đã được chỉ ra năm trước:\n\n")
    assert initial["full_name"] == "Phạm Quốc Khánh" and "previous" not in initial and "a_vi" not in initial
    for previous in ({}, {"a_ii_1": "  "}, None):
        assert "a_iii" not in form.initial_data({"year": 2025, "previous": previous})


def test_prefilled_section_iii_renders_as_its_own_paragraphs():
    facts = {"previous": {"a_ii_1": PREVIOUS_SHORTCOMING}}
    payload = SAMPLES["leader-review-366"]() | {"a_iii": LEADER_REVIEW_366.initial_data(facts)["a_iii"]}
    kind, _, context = _context("leader-review-366", payload)
    texts = docx_paragraphs(render.render(kind, context))
    start = texts.index(PREVIOUS_LIMITATIONS)
    assert texts[start + 1] == PREVIOUS_SHORTCOMING and texts[start - 1] == III_NOTE


def test_leader_forms_take_the_position_from_the_member_record():
    facts = {"government_post": "Phó Hiệu trưởng", "party_post": "Phó Bí thư Đảng ủy", "previous": {}}
    assert LEADER_REVIEW_366.initial_data(facts)["position"] == "Phó Hiệu trưởng, Phó Bí thư Đảng ủy"
    assert SELF_RATING_366.initial_data(facts)["position"] == "Phó Hiệu trưởng, Phó Bí thư Đảng ủy"
    assert SELF_RATING_366.initial_data(facts | {"position": "Hiệu trưởng"})["position"] == "Hiệu trưởng"
    assert "position" not in LEADER_REVIEW_366.initial_data({"previous": {}})
    assert "position" not in MEMBER_REVIEW_366.initial_data(facts)


def test_self_rating_level_is_checked_against_its_own_task_table():
    """Issue 12: 10 of 30 tasks not completed rules out "Hoàn thành tốt nhiệm vụ" (Điều 11 Quy định 366-QĐ/TW)."""
    kind = get_kind("self-rating-366")
    tasks = [{"content": f"Nhiệm vụ {n}", "self_assessment": "chua_hoan_thanh" if n <= 10 else "hoan_thanh"}
             for n in range(1, 31)]
    with pytest.raises(InvalidInput) as caught:
        kind.schema.check(kind, SAMPLES["self-rating-366"](tasks=tasks, proposed_level="tot"))
    message = " ".join(caught.value.fields["proposed_level"])
    assert "20/30" in message and "Điều 11" in message and "366-QĐ/TW" in message
    done = [{**t, "self_assessment": "hoan_thanh"} for t in tasks]
    kind.schema.check(kind, SAMPLES["self-rating-366"](tasks=done, proposed_level="tot"))
    with pytest.raises(InvalidInput) as caught:  # 87 points: xuất sắc needs 90
        kind.schema.check(kind, SAMPLES["self-rating-366"](tasks=done, proposed_level="xuat_sac"))
    assert "Tổng điểm 87" in " ".join(caught.value.fields["proposed_level"])
