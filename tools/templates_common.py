"""Customary documents every chi bộ makes (no central form, docs/REGULATIONS.md: customary documents): the commitment, the summary and
each member's rating result.

All are shared by the two regimes (catalog `_customary`). The wording of the commitment follows the usual
unofficial layout of docs/REGULATIONS.md (customary documents) [L]; the summary table and the rating result are our own layouts [L].
"""
from __future__ import annotations

from typing import Sequence

from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Mm, Pt
from docx.table import Table
from .docx_builder import (
    LEVEL_MARKS,
    VAN_BAN,
    Field,
    Line,
    checkbox_lines,
    data_table,
    field_line,
    fixed_table,
    heading,
    new_document,
    page_numbers,
    party_header,
    rich_slot,
    set_widths,
    signature_block,
    signer,
    text_line,
    title_block,
)

NAME_TAB = Cm(10.5)

# The six points: (heading, answer variable), headings as in service/kinds/commitment.py POINTS.
COMMITMENT_POINTS = (
    ("1. Về tư tưởng chính trị", "point_1"),
    ("2. Về phẩm chất đạo đức, lối sống", "point_2"),
    ("3. Về ý thức tổ chức kỷ luật", "point_3"),
    ("4. Về thực hiện chức trách, nhiệm vụ được giao và học tập nâng cao trình độ", "point_4"),
    ("5. Về tác phong, lề lối làm việc và mối quan hệ với nhân dân", "point_5"),
    ("6. Về học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", "point_6"),
)
COMMITMENT_INTRO = ("Căn cứ Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị về đẩy mạnh học tập và làm theo tư "
                    "tưởng, đạo đức, phong cách Hồ Chí Minh, các quy định về những điều đảng viên không được làm, "
                    "trách nhiệm nêu gương và nhiệm vụ được giao, tôi xin cam kết tu dưỡng, rèn luyện, phấn đấu năm ")
COMMITMENT_CLOSING = ("Tôi xin hứa thực hiện nghiêm túc những nội dung đã cam kết; đề nghị chi ủy, chi bộ theo dõi, "
                      "giúp đỡ, giám sát việc thực hiện và lấy đó làm căn cứ kiểm điểm, đánh giá, xếp loại chất "
                      "lượng đảng viên cuối năm.")
COMMITMENT_SOURCE = ("No central form (docs/REGULATIONS.md, Forms; Chỉ thị 05-CT/TW): customary layout [L]; identity lines, six "
                     "points and signatures as listed there; intro and closing sentences are usual wording.")

SUMMARY_TITLE = "BIỂU TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI ĐẢNG VIÊN CỦA CHI BỘ"
SUMMARY_SOURCE = ("No central form (docs/REGULATIONS.md: HD 43 has no party-member summary table): our layout [L]; "
                  "counts, percentages and the quota line are computed by service/kinds/summary.py.")
# A4 landscape with the portrait margins of HD 36 (left 30 mm, right 15 mm).
LANDSCAPE_WIDTH = Mm(297 - 30 - 15)
MEMBER_HEADERS = ("STT", "Họ và tên", "Đảng viên", "Tự xếp loại", "Chi bộ đề xuất", "Cấp có thẩm quyền quyết định",
                  "Ghi chú")
MEMBER_CELLS = ("{{ r.stt }}", "{{ r.full_name }}", "{{ r.official_label }}", "{{ r.self_level }}",
                "{{ r.proposal }}", "{{ r.decision }}", "{{ r.note }}")
MEMBER_WIDTHS = (Mm(13), Mm(55), Mm(24), Mm(40), Mm(40), Mm(40), Mm(40))
TOTAL_HEADERS = ("Mức xếp loại", "Tự xếp loại: số lượng", "Tỷ lệ", "Chi bộ đề xuất: số lượng", "Tỷ lệ",
                 "Cấp có thẩm quyền quyết định: số lượng", "Tỷ lệ")
TOTAL_CELLS = ("{{ t.label }}", "{{ t.self_level_count }}", "{{ t.self_level_pct }}", "{{ t.proposal_count }}",
               "{{ t.proposal_pct }}", "{{ t.decision_count }}", "{{ t.decision_pct }}")
TOTAL_WIDTHS = (Mm(72), Mm(30), Mm(30), Mm(30), Mm(30), Mm(30), Mm(30))

RESULT_TITLE = "KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN"
RESULT_SOURCE = ("No central form: our layout [L]. Header of the deciding committee (HD 36); level at each step "
                 "(self, chi bộ proposal + votes, decision, re-rating); the level that stands, from "
                 "service/kinds/rating_result.py.")
RESULT_HEADERS = ("Nội dung", "Mức xếp loại", "Ghi chú")
RESULT_ROWS = (  # (step, level, note): one run each, so every tag stays whole
    ("1. Tự đánh giá, xếp loại", "{{ self_level }}", ""),
    ("2. Chi bộ đề xuất", "{{ proposal_level }}", "{{ proposal_votes }}"),
    ("3. Cấp có thẩm quyền quyết định", "{{ decision_level }}", "{{ decided_by }}, ngày {{ decided_on }}"),
    ("4. Xếp loại lại (nếu có)", "{{ rerating_level }}", "{{ rerating_basis }}"),
)
RESULT_WIDTHS = (Mm(48), Mm(62), Mm(55))  # = 165 mm text width


def build_commitment() -> DocumentObject:
    """BẢN CAM KẾT TU DƯỠNG, RÈN LUYỆN, PHẤN ĐẤU NĂM … (customary, both regimes)."""
    doc = new_document("BẢN CAM KẾT TU DƯỠNG, RÈN LUYỆN, PHẤN ĐẤU", "Bản cam kết của đảng viên (Chỉ thị 05-CT/TW)",
                       COMMITMENT_SOURCE)
    page_numbers(doc)
    party_header(doc)
    title_block(doc, "BẢN CAM KẾT TU DƯỠNG, RÈN LUYỆN, PHẤN ĐẤU NĂM {{ year }}")
    field_line(doc, [Field("Họ và tên: ", "full_name", bold_value=True), Field("Ngày sinh: ", "birth_date")],
               tabs=[NAME_TAB])
    field_line(doc, [Field("Ngày vào Đảng: ", "admitted_on"), Field("Ngày chính thức: ", "official_on")],
               tabs=[NAME_TAB])
    field_line(doc, [Field("Chức vụ (đảng, chính quyền, đoàn thể): ", "positions")])
    field_line(doc, [Field("Đơn vị công tác: ", "work_unit")])
    field_line(doc, [Field("Chi bộ: ", "chi_bo")])
    intro = text_line(doc, [Line(COMMITMENT_INTRO), Line("{{ year }}"), Line(" với những nội dung sau:")], VAN_BAN)
    intro.paragraph_format.space_before = Pt(6)
    for title, var in COMMITMENT_POINTS:
        heading(doc, title, 3)
        rich_slot(doc, var)
    text_line(doc, [Line("Phấn đấu cuối năm "), Line("{{ year }}"),
                    Line(" đạt mức xếp loại chất lượng đảng viên:")], VAN_BAN).paragraph_format.keep_with_next = True
    checkbox_lines(doc, LEVEL_MARKS)
    text_line(doc, [Line(COMMITMENT_CLOSING)], VAN_BAN)
    signature_block(doc, signer("NGƯỜI CAM KẾT", "(Ký, ghi rõ họ tên)", "{{ full_name }}"),
                    left=signer("{{ confirmer_title }}", None, "{{ confirmer_name }}",
                                authority="XÁC NHẬN CỦA CHI ỦY/CHI BỘ"),
                    left_width=Mm(85))
    return doc


def landscape(doc: DocumentObject) -> None:
    """Turn the A4 page of `new_document` to landscape, keeping its margins."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)




def widen_party_header(table: Table, left: Length) -> None:
    """The header across the landscape width; the rule under ĐẢNG CỘNG SẢN VIỆT NAM re-centred in its cell."""
    right = Length(int(LANDSCAPE_WIDTH) - int(left))
    set_widths(table, [left, right])
    indent = Length((int(right) - int(Cm(0.38)) - int(Cm(7.3))) // 2)  # as docx_builder.party_header measures it
    for paragraph in table.rows[0].cells[1].paragraphs:
        if paragraph._p.pPr is not None and paragraph._p.pPr.find(qn("w:pBdr")) is not None:
            paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = indent


def center_columns(table: Table, columns: Sequence[int]) -> None:
    """Centre these columns of a `data_table`'s item row (numbers, short codes)."""
    cells = table.rows[2].cells
    for index in columns:
        for paragraph in cells[index].paragraphs:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def build_summary() -> DocumentObject:
    """BIỂU TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI ĐẢNG VIÊN CỦA CHI BỘ năm … (A4 landscape, both regimes)."""
    doc = new_document(SUMMARY_TITLE, "Biểu tổng hợp xếp loại đảng viên của chi bộ", SUMMARY_SOURCE)
    landscape(doc)
    page_numbers(doc)
    widen_party_header(party_header(doc), Mm(110))
    title_block(doc, SUMMARY_TITLE, [Line("Năm {{ year }}", bold=True)])
    text_line(doc, [Line("Tổng số đảng viên: "), Line("{{ total_members }}", bold=True), Line(" (chính thức: "),
                    Line("{{ official_count }}"), Line("; dự bị: "), Line("{{ probationary_count }}"), Line(")")],
              VAN_BAN)
    heading(doc, "1. Kết quả đánh giá, xếp loại từng đảng viên", 3)
    center_columns(data_table(doc, MEMBER_HEADERS, MEMBER_CELLS, "for r in rows", MEMBER_WIDTHS, size=12), (0, 2))
    heading(doc, "2. Tổng hợp theo mức xếp loại", 3).paragraph_format.space_before = Pt(12)
    center_columns(data_table(doc, TOTAL_HEADERS, TOTAL_CELLS, "for t in totals", TOTAL_WIDTHS, size=12),
                   range(1, 7))
    note = text_line(doc, [Line("Tỷ lệ tính trên số đảng viên được xếp loại ở từng cột.", italic=True, size=12)],
                     VAN_BAN)
    note.paragraph_format.space_before = Pt(6)
    # The last lines stay with the signature: never a signature alone on an empty last page.
    heading(doc, "3. Kiểm tra tỷ lệ Hoàn thành xuất sắc nhiệm vụ (theo quyết định của cấp có thẩm quyền)",
            3).paragraph_format.keep_with_next = True
    text_line(doc, [Line("{{ quota_line }}", bold=True)], VAN_BAN).paragraph_format.keep_with_next = True
    text_line(doc, [Line("{{ quota_rounding }}", italic=True)], VAN_BAN).paragraph_format.keep_with_next = True
    set_widths(signature_block(doc, signer("BÍ THƯ", None, "{{ signer_name }}", authority="T/M CHI ỦY")),
               [Mm(140), Mm(112)])
    return doc




def build_rating_result() -> DocumentObject:
    """KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN năm … of one member (customary, both regimes)."""
    doc = new_document(RESULT_TITLE, "Kết quả đánh giá, xếp loại chất lượng của một đảng viên", RESULT_SOURCE)
    page_numbers(doc)
    party_header(doc)
    title_block(doc, RESULT_TITLE, [Line("Năm {{ year }}", bold=True)])
    field_line(doc, [Field("Họ và tên: ", "full_name", bold_value=True), Field("Ngày sinh: ", "birth_date")],
               tabs=[NAME_TAB])
    field_line(doc, [Field("Chi bộ: ", "chi_bo")]).paragraph_format.space_after = Pt(6)
    fixed_table(doc, RESULT_HEADERS, RESULT_ROWS, RESULT_WIDTHS)
    result = text_line(doc, [Line("Kết quả xếp loại chất lượng đảng viên năm "), Line("{{ year }}"), Line(": "),
                             Line("{{ final_level }}", bold=True)], VAN_BAN)
    result.paragraph_format.space_before = Pt(12)
    text_line(doc, [Line("{%p if has_note %}")], VAN_BAN)
    text_line(doc, [Line("Ghi chú:", bold=True)], VAN_BAN).paragraph_format.keep_with_next = True
    rich_slot(doc, "note")
    text_line(doc, [Line("{%p endif %}")], VAN_BAN)
    signature_block(doc, signer("{{ signer_title }}", None, "{{ signer_name }}", authority="T/M {{ signer_body }}",
                                blank_lines=4))
    return doc
