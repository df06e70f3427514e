"""The two personal self-review templates (members without a leadership post) for QĐ 366 and QĐ 124.

Headings are copied verbatim from shared/domain/FORMS.md (hd43-2b, hd25-02b): they are what a
secretary checks the paper against, so do not reword them.
"""
from __future__ import annotations

from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from docx_builder import (VAN_BAN, Field, Line, checkbox_lines, dotted_lines, field_line, form_code_line, heading,
                          instruction, new_document, page_numbers, party_header, rich_slot, signature_block, signer,
                          text_line, title_block)

SUBJECT_LINE = "(Cá nhân không giữ chức vụ lãnh đạo, quản lý)"
LEVELS = (
    ("mark_xuat_sac", "Hoàn thành xuất sắc nhiệm vụ"),
    ("mark_tot", "Hoàn thành tốt nhiệm vụ"),
    ("mark_hoan_thanh", "Hoàn thành nhiệm vụ"),
    ("mark_khong_hoan_thanh", "Không hoàn thành nhiệm vụ"),
)
SELF_SIGNER = signer("NGƯỜI TỰ KIỂM ĐIỂM", "(Ký, ghi rõ họ tên)", "{{ full_name }}")
NAME_TAB = Cm(10.5)

# HD 43 Mẫu 2B, FORMS.md hd43-2b. Items: (level, text) headings, ("slot", var), ("note", italic line).
QD366_BODY: tuple[tuple[object, str], ...] = (
    (1, "A. NỘI DUNG KIỂM ĐIỂM"),
    (2, "I. Ưu điểm, kết quả đạt được"),
    (3, "1. Về phẩm chất chính trị, đạo đức, lối sống; tinh thần đoàn kết, thống nhất trong nội bộ; ý thức tổ "
        "chức kỷ luật, trách nhiệm nêu gương, việc thực hiện những điều đảng viên không được làm; tác phong, lề "
        "lối làm việc. Liên hệ các biểu hiện về suy thoái, \"tự diễn biến\", \"tự chuyển hoá\"."),
    ("slot", "a_i_1"),
    (3, "2. Việc thực hiện nhiệm vụ, quyền hạn và kết quả thực hiện các chỉ tiêu, nhiệm vụ được giao trong năm, "
        "gắn với hiệu quả, tiến độ, chất lượng công việc."),
    ("slot", "a_i_2"),
    (3, "3. Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu của cá nhân theo quy định."),
    ("slot", "a_i_3"),
    (2, "II. Hạn chế, khuyết điểm và nguyên nhân"),
    (3, "1. Hạn chế, khuyết điểm."),
    ("slot", "a_ii_1"),
    (3, "2. Nguyên nhân của hạn chế, khuyết điểm."),
    ("slot", "a_ii_2"),
    (2, "III. Kết quả khắc phục những hạn chế, khuyết điểm đã được cấp có thẩm quyền kết luận hoặc được chỉ ra ở "
        "các kỳ kiểm điểm trước"),
    ("note", "Kiểm điểm rõ từng hạn chế, khuyết điểm (đã được khắc phục; đang khắc phục, mức độ khắc phục; chưa "
             "được khắc phục); những khó khăn, vướng mắc (nếu có); trách nhiệm của cá nhân."),
    ("slot", "a_iii"),
    (2, "IV. Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)"),
    ("note", "Giải trình từng vấn đề được gợi ý kiểm điểm, nêu nguyên nhân, xác định trách nhiệm của cá nhân đối "
             "với từng vấn đề được gợi ý kiểm điểm."),
    ("slot", "a_iv"),
    (2, "V. Làm rõ trách nhiệm của cá nhân đối với những hạn chế, khuyết điểm của tập thể (nếu có)"),
    ("slot", "a_v"),
    (2, "VI. Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm"),
    ("slot", "a_vi"),
    (1, "B. NỘI DUNG TỰ ĐÁNH GIÁ, XẾP LOẠI"),
    (2, "I. Đánh giá theo các nhóm tiêu chí"),
    ("note", "Trên cơ sở cụ thể hoá khung tiêu chí đánh giá đối với cá nhân không giữ chức vụ lãnh đạo, quản lý "
             "được quy định tại Phụ lục 4, Quy định 366-QĐ/TW, cá nhân tự đánh giá, chấm điểm theo các tiêu chí "
             "được cụ thể hóa như sau:"),
)
QD366_FOOTNOTE = ("(Gửi kèm Phụ lục về kết quả thực hiện nhiệm vụ trong đó thể hiện sản phẩm tiến độ, chất lượng "
                  "cụ thể - theo hướng dẫn của các cấp uỷ, tổ chức đảng)")

GRADE_LABEL = "Tự đánh giá về cấp độ thực hiện: "
# HD 25 (2023) body for members without a leadership post, FORMS.md hd25-02b (UNVERIFIED third-party copy).
QD124_BODY: tuple[tuple[object, str], ...] = (
    (2, "I. Ưu điểm, kết quả đạt được"),
    (3, "1. Về phẩm chất chính trị; phẩm chất đạo đức, lối sống; ý thức tổ chức kỷ luật; tác phong, lề lối làm việc"),
    ("slot", "a_i_1"),
    ("grade", "grade_i_1"),
    (3, "2. Về thực hiện chức trách, nhiệm vụ được giao"),
    ("slot", "a_i_2"),
    ("grade", "grade_i_2"),
    (3, "3. Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu hằng năm"),
    ("slot", "a_i_3"),
    (2, "II. Hạn chế, khuyết điểm và nguyên nhân"),
    (3, "1. Hạn chế, khuyết điểm"),
    ("slot", "a_ii_1"),
    (3, "2. Nguyên nhân của hạn chế, khuyết điểm."),
    ("slot", "a_ii_2"),
    (2, "III. Kết quả khắc phục những hạn chế, khuyết điểm đã được cấp có thẩm quyền kết luận hoặc được chỉ ra ở "
        "các kỳ kiểm điểm trước"),
    ("slot", "a_iii"),
    ("grade", "grade_iii"),
    (2, "IV. Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)"),
    ("slot", "a_iv"),
    (2, "V. Làm rõ trách nhiệm của cá nhân đối với những hạn chế, khuyết điểm của tập thể (nếu có)"),
    ("slot", "a_v"),
    (2, "VI. Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm"),
    ("slot", "a_vi"),
    (2, "VII. Tự nhận mức xếp loại chất lượng"),
)

# Core-properties comments (max 255 characters): where the wording comes from and how sure it is.
QD366_SOURCE = ("Source: FORMS.md hd43-2b (HD 43 Mẫu 02B). Headings verbatim, A./roman headings via Mẫu 2C; "
                "title line, header and signature not seen: HD 36 header, usual signature block.")
QD124_SOURCE = ("HD 25 forms UNVERIFIED, from FORMS.md hd25-02b (third-party copy, non-leader body). Printed code "
                "comes from form_code (news: 02A = non-leader).")


def _opening(doc: DocumentObject, title: str) -> None:
    """Form code, HD 36 header, title with year and subject line, page numbers from page 2."""
    page_numbers(doc)
    form_code_line(doc)
    party_header(doc)
    title_block(doc, title, [Line("Năm {{ year }}", bold=True), Line(SUBJECT_LINE, italic=True)])
    field_line(doc, [Field("Họ và tên: ", "full_name", bold_value=True), Field("Ngày sinh: ", "birth_date")],
               tabs=[NAME_TAB])


def _body(doc: DocumentObject, items: tuple[tuple[object, str], ...]) -> None:
    """Headings, italic instruction lines, answer slots and grade lines in form order."""
    for kind, text in items:
        if isinstance(kind, int):
            heading(doc, text, kind)
        elif kind == "slot":
            rich_slot(doc, text)
        elif kind == "note":
            instruction(doc, text)
        elif kind == "grade":
            field_line(doc, [Field(GRADE_LABEL, text, bold_value=True)], style=VAN_BAN)


def build_qd366_personal_member() -> DocumentObject:
    """HD 43 Mẫu 2B: self-review, self-scoring and rating of a member without a leadership post (2025 on)."""
    doc = new_document("BẢN KIỂM ĐIỂM, TỰ ĐÁNH GIÁ, XẾP LOẠI CÁ NHÂN", "HD 43 Mẫu 02B - cá nhân không giữ chức vụ "
                       "lãnh đạo, quản lý", QD366_SOURCE)
    _opening(doc, "BẢN KIỂM ĐIỂM, TỰ ĐÁNH GIÁ, XẾP LOẠI CÁ NHÂN")
    field_line(doc, [Field("Đơn vị công tác: ", "work_unit")])
    field_line(doc, [Field("Chi bộ: ", "chi_bo")])
    _body(doc, QD366_BODY)
    field_line(doc, [Field("1. Nhóm tiêu chí chung: ", "score_general", "/30 điểm")], style=VAN_BAN)
    field_line(doc, [Field("2. Nhóm tiêu chí về kết quả thực hiện nhiệm vụ: ", "score_tasks", "/70 điểm")],
               style=VAN_BAN)
    field_line(doc, [Field("Tổng điểm: ", "score_total", "/100 điểm", bold_label=True, bold_value=True)],
               style=VAN_BAN)
    heading(doc, "II. Đề xuất xếp loại mức chất lượng", 2)
    checkbox_lines(doc, LEVELS)
    instruction(doc, QD366_FOOTNOTE).paragraph_format.keep_with_next = None
    signature_block(doc, SELF_SIGNER)
    return doc


def _assessment_blocks(doc: DocumentObject) -> None:
    """HD 25 copy's handwritten assessment by the unit head, the chi ủy/chi bộ and the đảng ủy."""
    def title(text: str) -> None:
        p = text_line(doc, [Line(text, bold=True)], align=WD_ALIGN_PARAGRAPH.CENTER)
        p.paragraph_format.space_before = Pt(12)
        p.paragraph_format.keep_with_next = True

    def lines(label: str, count: int) -> None:
        for p in dotted_lines(doc, Line(label), count):
            p.paragraph_format.keep_with_next = True  # stay on the page of the signature below

    def sign(authority: str, note: str) -> None:
        signature_block(doc, signer(None, note, None, authority=authority), left_width=Cm(5))

    title("Đánh giá, xếp loại chất lượng công chức, viên chức")
    lines("- Nhận xét, đánh giá của người quản lý, sử dụng công chức, viên chức: ", 3)
    lines("- Mức xếp loại chất lượng công chức, viên chức: ", 1)
    sign("THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", "(Xác lập thời điểm, ký, ghi rõ họ tên và đóng dấu)")
    title("Đánh giá, xếp loại chất lượng đảng viên")
    lines("- Nhận xét, đánh giá của chi ủy: ", 3)
    lines("- Chi bộ đề xuất xếp loại mức chất lượng: ", 1)
    sign("T/M CHI ỦY (CHI BỘ)", "(Xác lập thời điểm, ký, ghi rõ họ tên)")
    lines("- Đảng ủy, chi ủy cơ sở xếp loại mức chất lượng: ", 1)
    sign("T/M ĐẢNG UỶ (CHI UỶ)", "(Xác lập thời điểm, ký, ghi rõ họ tên)")


def build_qd124_personal_member() -> DocumentObject:
    """HD 25 (2023) personal review of a member without a leadership post (2023–2024), UNVERIFIED wording."""
    doc = new_document("BẢN KIỂM ĐIỂM CÁ NHÂN", "HD 25 bản kiểm điểm cá nhân - cá nhân không giữ chức vụ lãnh đạo, "
                       "quản lý", QD124_SOURCE)
    _opening(doc, "BẢN KIỂM ĐIỂM CÁ NHÂN")
    for label, var in (("Chức vụ Đảng: ", "party_post"), ("Chức vụ chính quyền: ", "government_post"),
                       ("Chức vụ đoàn thể: ", "union_post"), ("Đơn vị công tác: ", "work_unit"),
                       ("Chi bộ: ", "chi_bo")):
        field_line(doc, [Field(label, var)])
    _body(doc, QD124_BODY)
    field_line(doc, [Field("1. Xếp loại cán bộ, công chức, viên chức: ", "civil_servant_level", bold_label=True)],
               style=VAN_BAN)
    heading(doc, "2. Xếp loại đảng viên", 3)
    checkbox_lines(doc, LEVELS)
    signature_block(doc, SELF_SIGNER)
    _assessment_blocks(doc)
    return doc
