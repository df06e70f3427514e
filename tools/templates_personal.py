"""The personal templates: self-reviews of HD 43 (Mẫu 2A, 2B, 2C) and HD 25 (02A, 02B), and HD 43 Mẫu 05.

Headings are copied verbatim from the forms (docs/REGULATIONS.md, Forms: HD 43 Mẫu 2A/2B/2C, HD 25 Mẫu 02A/02B):
they are what a secretary checks the paper against, so do not reword them. Where no copy of the form's text was found (the
body of Mẫu 2A, all of Mẫu 05) the wording is ours, kept in the constants below and named as inferred in the
template's core-properties comments.
"""
from __future__ import annotations

from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Mm, Pt
from .docx_builder import (
    LEVEL_MARKS,
    VAN_BAN,
    Field,
    Line,
    checkbox_lines,
    data_table,
    dotted_lines,
    field_line,
    form_body,
    form_code_line,
    heading,
    instruction,
    new_document,
    page_numbers,
    party_header,
    rich_slot,
    signature_block,
    signer,
    text_line,
    title_block,
)

SUBJECT_LINE = "(Cá nhân không giữ chức vụ lãnh đạo, quản lý)"
LEADER_LINE = "(Cá nhân giữ chức vụ lãnh đạo, quản lý)"
OUTSIDE_LINE = "(Đảng viên không làm việc trong hệ thống chính trị)"
SELF_SIGNER = signer("NGƯỜI TỰ KIỂM ĐIỂM", "(Ký, ghi rõ họ tên)", "{{ full_name }}")
NAME_TAB = Cm(10.5)

# HD 43 Mẫu 2B / 2C (docs/REGULATIONS.md, Forms). Items: (level, text) headings, ("slot", var), ("note", italic line).
QD366_I_1 = (
    (3, "1. Về phẩm chất chính trị, đạo đức, lối sống; tinh thần đoàn kết, thống nhất trong nội bộ; ý thức tổ "
        "chức kỷ luật, trách nhiệm nêu gương, việc thực hiện những điều đảng viên không được làm; tác phong, lề "
        "lối làm việc. Liên hệ các biểu hiện về suy thoái, \"tự diễn biến\", \"tự chuyển hoá\"."),
    ("slot", "a_i_1"),
)
QD366_I_2 = (
    (3, "2. Việc thực hiện nhiệm vụ, quyền hạn và kết quả thực hiện các chỉ tiêu, nhiệm vụ được giao trong năm, "
        "gắn với hiệu quả, tiến độ, chất lượng công việc."),
    ("slot", "a_i_2"),
)
QD366_I_2_OUTSIDE = (  # Mẫu 2C
    (3, "2. Việc thực hiện quyền và nghĩa vụ của đảng viên theo các nhiệm vụ chính trị được cấp uỷ, chi bộ phân "
        "công."),
    ("slot", "a_i_2"),
)
QD366_I_3 = (
    (3, "3. Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu của cá nhân theo quy định."),
    ("slot", "a_i_3"),
)
# Mẫu 2A, INFERRED: the leader items of Quy định 366 Điều 6 as the articles on Mẫu 2A quote them (docs/REGULATIONS.md, Sources) (regulation text,
# never seen on the form), numbered after the 2B items. Item 5 keeps the source's "..." where it elides words.
QD366_I_LEADER = (
    (3, "4. Kết quả công tác lãnh đạo, chỉ đạo, quản lý, điều hành; thực hiện chức trách, nhiệm vụ; mức độ hoàn "
        "thành nhiệm vụ của các cấp uỷ, tổ chức đảng trực thuộc, địa phương, tổ chức, cơ quan, đơn vị thuộc quyền "
        "quản lý; khả năng quy tụ, xây dựng đoàn kết nội bộ."),
    ("slot", "a_i_4"),
    (3, "5. Trách nhiệm trong công việc; tinh thần năng động, đổi mới sáng tạo, dám nghĩ, dám nói, dám làm, ... xử "
        "lý những vấn đề khó, phức tạp, nhạy cảm trong thực hiện nhiệm vụ."),
    ("slot", "a_i_5"),
    (3, "6. Trách nhiệm nêu gương của bản thân và gia đình; việc đấu tranh phòng, chống tham nhũng, lãng phí, tiêu "
        "cực; sự tín nhiệm của cán bộ, đảng viên; việc xây dựng phong cách lãnh đạo đổi mới, gần dân, sát dân, "
        "trọng dân, thường xuyên nắm bắt tâm tư, nguyện vọng của Nhân dân."),
    ("slot", "a_i_6"),
)
QD366_II_TO_VI = (
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
)


def criteria_note(subject: str, appendix: str) -> str:
    """The italic line under B.I: the criteria framework of a subject type, by appendix of Quy định 366."""
    return (f"Trên cơ sở cụ thể hoá khung tiêu chí đánh giá đối với {subject} được quy định tại {appendix}, "
            "Quy định 366-QĐ/TW, cá nhân tự đánh giá, chấm điểm theo các tiêu chí được cụ thể hóa như sau:")


def qd366_body(part_i: tuple[tuple[object, str], ...], note: str) -> tuple[tuple[object, str], ...]:
    """Parts A and B.I of a personal HD 43 form, with its items of A.I and its B.I instruction line."""
    return ((1, "A. NỘI DUNG KIỂM ĐIỂM"), (2, "I. Ưu điểm, kết quả đạt được"), *part_i, *QD366_II_TO_VI,
            (1, "B. NỘI DUNG TỰ ĐÁNH GIÁ, XẾP LOẠI"), (2, "I. Đánh giá theo các nhóm tiêu chí"), ("note", note))


QD366_BODY = qd366_body(QD366_I_1 + QD366_I_2 + QD366_I_3,
                        criteria_note("cá nhân không giữ chức vụ lãnh đạo, quản lý", "Phụ lục 4"))
QD366_LEADER_BODY = qd366_body(QD366_I_1 + QD366_I_2 + QD366_I_3 + QD366_I_LEADER,  # B.I line INFERRED from 2B
                               criteria_note("cá nhân giữ chức vụ lãnh đạo, quản lý", "Phụ lục 3"))
QD366_OUTSIDE_BODY = qd366_body(QD366_I_1 + QD366_I_2_OUTSIDE + QD366_I_3,
                                criteria_note("đảng viên không làm việc trong hệ thống chính trị", "Phụ lục 5"))
QD366_FOOTNOTE = ("(Gửi kèm Phụ lục về kết quả thực hiện nhiệm vụ trong đó thể hiện sản phẩm tiến độ, chất lượng "
                  "cụ thể - theo hướng dẫn của các cấp uỷ, tổ chức đảng)")

# HD 25 (2023) bodies, Mẫu 02A (members) and 02B (leaders) as printed in a third-party copy (docs/REGULATIONS.md): UNVERIFIED third-party copy.
QD124_I_1_2 = (
    (2, "I. Ưu điểm, kết quả đạt được"),
    (3, "1. Về phẩm chất chính trị; phẩm chất đạo đức, lối sống; ý thức tổ chức kỷ luật; tác phong, lề lối làm việc"),
    ("slot", "a_i_1"),
    ("grade", "grade_i_1"),
    (3, "2. Về thực hiện chức trách, nhiệm vụ được giao"),
    ("slot", "a_i_2"),
    ("grade", "grade_i_2"),
)
QD124_I_LEADER = (
    (3, "3. Kết quả công tác lãnh đạo, chỉ đạo, quản lý, điều hành; thực hiện chức trách, nhiệm vụ; mức độ hoàn "
        "thành nhiệm vụ của các tổ chức, cơ quan, đơn vị thuộc quyền quản lý; khả năng quy tụ, xây dựng đoàn kết "
        "nội bộ."),
    ("slot", "a_i_3"),
    ("grade", "grade_i_3"),
    (3, "4. Trách nhiệm trong công việc; tinh thần năng động, đổi mới, sáng tạo, dám nghĩ, dám làm, dám chịu trách "
        "nhiệm; xử lý những vấn đề khó, phức tạp, nhạy cảm trong thực hiện nhiệm vụ."),
    ("slot", "a_i_4"),
    ("grade", "grade_i_4"),
    (3, "5. Trách nhiệm nêu gương của bản thân và gia đình; việc đấu tranh phòng, chống tham nhũng, tiêu cực, lãng "
        "phí; sự tín nhiệm của cán bộ, đảng viên."),
    ("slot", "a_i_5"),
    ("grade", "grade_i_5"),
)
QD124_II_TO_VII = (
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
QD124_BODY: tuple[tuple[object, str], ...] = (
    QD124_I_1_2 + ((3, "3. Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu hằng năm"), ("slot", "a_i_3"))
    + QD124_II_TO_VII)
QD124_LEADER_BODY: tuple[tuple[object, str], ...] = (
    QD124_I_1_2 + QD124_I_LEADER
    + ((3, "6. Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu hằng năm"), ("slot", "a_i_6"))
    + QD124_II_TO_VII)

# Core-properties comments (max 255 characters): where the wording comes from and how sure it is.
QD366_SOURCE = ("Source: HD 43 Mẫu 02B (docs/REGULATIONS.md, Forms). Headings verbatim, A./roman headings via Mẫu 2C; "
                "title line, header and signature not seen: HD 36 header, usual signature block.")
QD124_SOURCE = ("HD 25 forms UNVERIFIED, third-party copy of 02A, non-leader body (docs/REGULATIONS.md, Forms). Printed code "
                "comes from form_code (news: 02A = non-leader).")
QD366_LEADER_SOURCE = ("INFERRED body: only the title of Mẫu 2A is known (docs/REGULATIONS.md). Built as 2B + A.I.4-6 = "
                       "leader items of QĐ 366 Điều 6 (not seen on the form); B.I line cites Phụ lục 3; "
                       "footnote and signature as 2B.")
QD366_OUTSIDE_SOURCE = ("Source: HD 43 Mẫu 02C (docs/REGULATIONS.md, Forms). Headings, I.2 and B.I (Phụ lục 5) verbatim; no "
                        "footnote after the levels. Header and signature not seen: HD 36 header, usual signature.")
QD124_LEADER_SOURCE = ("HD 25 forms UNVERIFIED, third-party copy, leader body (docs/REGULATIONS.md, Forms), which it calls "
                       "02A). Printed code comes from form_code (news: 02B = leader).")
SELF_RATING_SOURCE = ("INFERRED: only the title of Mẫu 05 is known (docs/REGULATIONS.md). Layout and every heading below the title built "
                      "from QĐ 366 (Điều 6, 10, 11): tasks table, comments, /30 + /70, level, manager's assessment.")


def _opening(doc: DocumentObject, title: str, subject_line: str = SUBJECT_LINE) -> None:
    """Form code, HD 36 header, title with year and subject line, page numbers from page 2."""
    page_numbers(doc)
    form_code_line(doc)
    party_header(doc)
    title_block(doc, title, [Line("Năm {{ year }}", bold=True), Line(subject_line, italic=True)])
    field_line(doc, [Field("Họ và tên: ", "full_name", bold_value=True), Field("Ngày sinh: ", "birth_date")],
               tabs=[NAME_TAB])




def build_qd366_personal_member() -> DocumentObject:
    """HD 43 Mẫu 2B: self-review, self-scoring and rating of a member without a leadership post (2025 on)."""
    doc = new_document("BẢN KIỂM ĐIỂM, TỰ ĐÁNH GIÁ, XẾP LOẠI CÁ NHÂN", "HD 43 Mẫu 02B - cá nhân không giữ chức vụ "
                       "lãnh đạo, quản lý", QD366_SOURCE)
    _opening(doc, "BẢN KIỂM ĐIỂM, TỰ ĐÁNH GIÁ, XẾP LOẠI CÁ NHÂN")
    field_line(doc, [Field("Đơn vị công tác: ", "work_unit")])
    field_line(doc, [Field("Chi bộ: ", "chi_bo")])
    form_body(doc, QD366_BODY)
    _qd366_scores_and_level(doc, "II. Đề xuất xếp loại mức chất lượng", QD366_FOOTNOTE)
    signature_block(doc, SELF_SIGNER)
    return doc


def _scores(doc: DocumentObject) -> None:
    """The two score groups of QĐ 366 and the computed total."""
    field_line(doc, [Field("1. Nhóm tiêu chí chung: ", "score_general", "/30 điểm")], style=VAN_BAN)
    field_line(doc, [Field("2. Nhóm tiêu chí về kết quả thực hiện nhiệm vụ: ", "score_tasks", "/70 điểm")],
               style=VAN_BAN)
    field_line(doc, [Field("Tổng điểm: ", "score_total", "/100 điểm", bold_label=True, bold_value=True)],
               style=VAN_BAN)


def _qd366_scores_and_level(doc: DocumentObject, level_heading: str, footnote: str | None) -> None:
    """Scores, the proposed-level heading with its four tick boxes, and the footnote some forms print after them."""
    _scores(doc)
    heading(doc, level_heading, 2)
    checkbox_lines(doc, LEVEL_MARKS)
    if footnote:
        instruction(doc, footnote).paragraph_format.keep_with_next = None


def build_qd366_personal_leader() -> DocumentObject:
    """HD 43 Mẫu 2A: self-review of a leader or manager (2025 on); body INFERRED as 2B + the Điều 6 leader items."""
    doc = new_document("BẢN KIỂM ĐIỂM, TỰ ĐÁNH GIÁ, XẾP LOẠI CÁ NHÂN", "HD 43 Mẫu 02A - cá nhân giữ chức vụ lãnh "
                       "đạo, quản lý", QD366_LEADER_SOURCE)
    _opening(doc, "BẢN KIỂM ĐIỂM, TỰ ĐÁNH GIÁ, XẾP LOẠI CÁ NHÂN", LEADER_LINE)
    field_line(doc, [Field("Chức vụ: ", "position")])
    field_line(doc, [Field("Đơn vị công tác: ", "work_unit")])
    field_line(doc, [Field("Chi bộ: ", "chi_bo")])
    form_body(doc, QD366_LEADER_BODY)
    _qd366_scores_and_level(doc, "II. Đề xuất xếp loại mức chất lượng", QD366_FOOTNOTE)
    signature_block(doc, SELF_SIGNER)
    return doc


def build_qd366_personal_outside() -> DocumentObject:
    """HD 43 Mẫu 2C: self-review of a member who does not work in the political system (2025 on)."""
    doc = new_document("BẢN KIỂM ĐIỂM, TỰ ĐÁNH GIÁ, XẾP LOẠI CÁ NHÂN", "HD 43 Mẫu 02C - đảng viên không làm việc "
                       "trong hệ thống chính trị", QD366_OUTSIDE_SOURCE)
    _opening(doc, "BẢN KIỂM ĐIỂM, TỰ ĐÁNH GIÁ, XẾP LOẠI CÁ NHÂN", OUTSIDE_LINE)
    field_line(doc, [Field("Đơn vị công tác: ", "work_unit")])
    field_line(doc, [Field("Chi bộ: ", "chi_bo")])
    form_body(doc, QD366_OUTSIDE_BODY)
    _qd366_scores_and_level(doc, "II. Đề xuất xếp loại mức chất lượng", None)  # 2C prints no footnote
    signature_block(doc, SELF_SIGNER)
    return doc


def _block_title(doc: DocumentObject, text: str) -> None:
    """The bold centred title of an assessment block filled in by hand."""
    p = text_line(doc, [Line(text, bold=True)], align=WD_ALIGN_PARAGRAPH.CENTER)
    p.paragraph_format.space_before = Pt(12)
    p.paragraph_format.keep_with_next = True


def _handwritten(doc: DocumentObject, label: str, count: int) -> None:
    """A label and dotted lines to write on, kept on the page of the signature below."""
    for p in dotted_lines(doc, Line(label), count):
        p.paragraph_format.keep_with_next = True


def _block_signature(doc: DocumentObject, authority: str, note: str) -> None:
    """The signature closing an assessment block (the name is handwritten)."""
    signature_block(doc, signer(None, note, None, authority=authority), left_width=Cm(5))


def _assessment_blocks(doc: DocumentObject) -> None:
    """HD 25 copy's handwritten assessment by the unit head, the chi ủy/chi bộ and the đảng ủy."""
    _block_title(doc, "Đánh giá, xếp loại chất lượng công chức, viên chức")
    _handwritten(doc, "- Nhận xét, đánh giá của người quản lý, sử dụng công chức, viên chức: ", 3)
    _handwritten(doc, "- Mức xếp loại chất lượng công chức, viên chức: ", 1)
    _block_signature(doc, "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", "(Xác lập thời điểm, ký, ghi rõ họ tên và đóng dấu)")
    _block_title(doc, "Đánh giá, xếp loại chất lượng đảng viên")
    _handwritten(doc, "- Nhận xét, đánh giá của chi ủy: ", 3)
    _handwritten(doc, "- Chi bộ đề xuất xếp loại mức chất lượng: ", 1)
    _block_signature(doc, "T/M CHI ỦY (CHI BỘ)", "(Xác lập thời điểm, ký, ghi rõ họ tên)")
    _handwritten(doc, "- Đảng ủy, chi ủy cơ sở xếp loại mức chất lượng: ", 1)
    _block_signature(doc, "T/M ĐẢNG UỶ (CHI UỶ)", "(Xác lập thời điểm, ký, ghi rõ họ tên)")


def build_qd124_personal_member() -> DocumentObject:
    """HD 25 (2023) personal review of a member without a leadership post (2023–2024), UNVERIFIED wording."""
    doc = new_document("BẢN KIỂM ĐIỂM CÁ NHÂN", "HD 25 bản kiểm điểm cá nhân - cá nhân không giữ chức vụ lãnh đạo, "
                       "quản lý", QD124_SOURCE)
    _qd124_document(doc, SUBJECT_LINE, QD124_BODY)
    return doc


def build_qd124_personal_leader() -> DocumentObject:
    """HD 25 (2023) personal review of a leader or manager (2023–2024), printed "Mẫu 02B", UNVERIFIED wording."""
    doc = new_document("BẢN KIỂM ĐIỂM CÁ NHÂN", "HD 25 bản kiểm điểm cá nhân - cá nhân giữ chức vụ lãnh đạo, quản lý",
                       QD124_LEADER_SOURCE)
    _qd124_document(doc, LEADER_LINE, QD124_LEADER_BODY)
    return doc


def _qd124_document(doc: DocumentObject, subject_line: str, body: tuple[tuple[object, str], ...]) -> None:
    """An HD 25 personal review: posts, body, VII with both ratings, signature and the assessment blocks."""
    _opening(doc, "BẢN KIỂM ĐIỂM CÁ NHÂN", subject_line)
    for label, var in (("Chức vụ Đảng: ", "party_post"), ("Chức vụ chính quyền: ", "government_post"),
                       ("Chức vụ đoàn thể: ", "union_post"), ("Đơn vị công tác: ", "work_unit"),
                       ("Chi bộ: ", "chi_bo")):
        field_line(doc, [Field(label, var)])
    form_body(doc, body)
    field_line(doc, [Field("1. Xếp loại cán bộ, công chức, viên chức: ", "civil_servant_level", bold_label=True)],
               style=VAN_BAN)
    heading(doc, "2. Xếp loại đảng viên", 3)
    checkbox_lines(doc, LEVEL_MARKS)
    signature_block(doc, SELF_SIGNER)
    _assessment_blocks(doc)


# HD 43 Mẫu 05, INFERRED: only its title is known (docs/REGULATIONS.md, Forms). Everything below the title line is our wording,
# built from Quy định 366 (Điều 6 content, Điều 10 score groups, Điều 11 tasks on time / exceeded / unfinished).
SELF_RATING_TITLE = "BẢN TỰ ĐÁNH GIÁ, XẾP LOẠI CỦA CÁ NHÂN"
SELF_RATING_HEADINGS = (
    "I. Kết quả thực hiện nhiệm vụ, chỉ tiêu được giao",
    "II. Tự nhận xét, đánh giá",
    "III. Tự chấm điểm theo các nhóm tiêu chí",
    "IV. Tự xếp loại mức chất lượng",
)
SELF_RATING_SCORE_NOTE = ("Tự chấm theo khung tiêu chí đánh giá cá nhân giữ chức vụ lãnh đạo, quản lý tại Phụ lục 3 "
                          "(hoặc Phụ lục 2), Quy định 366-QĐ/TW.")
TASK_COLUMNS = (  # (header, cell, width)
    ("STT", "{{ r.stt }}", Mm(13)),
    ("Nội dung nhiệm vụ, chỉ tiêu", "{{ r.content }}", Mm(47)),
    ("Sản phẩm, kết quả", "{{ r.product }}", Mm(38)),
    ("Tiến độ", "{{ r.progress }}", Mm(20)),
    ("Chất lượng", "{{ r.quality }}", Mm(22)),
    ("Tự đánh giá", "{{ r.self_assessment }}", Mm(25)),
)
MANAGER_BLOCK = "Nhận xét, đánh giá của người quản lý trực tiếp"


def build_qd366_self_rating() -> DocumentObject:
    """HD 43 Mẫu 05: a leader's self-assessment and rating of a quarter or the year; layout INFERRED."""
    doc = new_document(SELF_RATING_TITLE, "HD 43 Mẫu 05 - bản tự đánh giá, xếp loại của cá nhân quý, năm",
                       SELF_RATING_SOURCE)
    page_numbers(doc)
    form_code_line(doc)
    party_header(doc)
    title_block(doc, SELF_RATING_TITLE, [Line("{{ period }} {{ year }}", bold=True)])  # "Quý III 2025", "Năm 2025"
    field_line(doc, [Field("Họ và tên: ", "full_name", bold_value=True)])
    for label, var in (("Chức vụ: ", "position"), ("Đơn vị công tác: ", "work_unit"), ("Chi bộ: ", "chi_bo")):
        field_line(doc, [Field(label, var)])
    tasks, comments, scores, level = SELF_RATING_HEADINGS
    heading(doc, tasks, 2).paragraph_format.keep_with_next = True
    data_table(doc, [c[0] for c in TASK_COLUMNS], [c[1] for c in TASK_COLUMNS], "for r in tasks",
               [c[2] for c in TASK_COLUMNS], size=12)
    text_line(doc, [Line("Tổng số: "), Line("{{ task_count }}"), Line(" nhiệm vụ, chỉ tiêu; hoàn thành vượt mức: "),
                    Line("{{ tasks_exceeded }}"), Line("; hoàn thành: "), Line("{{ tasks_done }}"),
                    Line("; chưa hoàn thành: "), Line("{{ tasks_unfinished }}"), Line(".")],
              VAN_BAN).paragraph_format.space_before = Pt(6)
    heading(doc, comments, 2)
    rich_slot(doc, "comments")
    heading(doc, scores, 2)
    instruction(doc, SELF_RATING_SCORE_NOTE)
    _scores(doc)
    heading(doc, level, 2)
    checkbox_lines(doc, LEVEL_MARKS)
    signature_block(doc, signer("NGƯỜI TỰ ĐÁNH GIÁ", "(Ký, ghi rõ họ tên)", "{{ full_name }}"))
    _block_title(doc, MANAGER_BLOCK)
    _handwritten(doc, "- Nhận xét, đánh giá: ", 3)
    _handwritten(doc, "- Điểm đánh giá: ", 1)
    _handwritten(doc, "- Mức xếp loại chất lượng: ", 1)
    _block_signature(doc, "NGƯỜI QUẢN LÝ TRỰC TIẾP", "(Ký, ghi rõ họ tên)")
    return doc
