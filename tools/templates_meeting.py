"""The chi bộ's meeting documents, one template each for both regimes: minutes, ballot, vote-count minutes.

No central form exists (docs/REGULATIONS.md, Forms: customary documents; the minutes' outline there is UNOFFICIAL): the
layout is the customary one, and every printed word is here, so a unit can reword it without touching code.
Computed values (counts, percentages) come from service/kinds/meeting.py.
"""
from __future__ import annotations

from typing import Sequence

from docx.document import Document as DocumentObject
from docx.enum.table import WD_ALIGN_VERTICAL, WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Length, Mm, Pt
from docx.table import Table
from .docx_builder import (
    VAN_BAN,
    Field,
    Line,
    data_table,
    field_line,
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
from .docx_setup import SYMBOL_FONT

LEVEL_HEADERS = ("Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ",
                 "Không hoàn thành nhiệm vụ")
LEVEL_CODES = ("xuat_sac", "tot", "hoan_thanh", "khong_hoan_thanh")
TABLE_PT = 12

MINUTES_SOURCE = ("Customary layout, no central form: docs/REGULATIONS.md (Bình Thuận handbook, thuvienbieumau, bnc.edu.vn "
                  "[M]; UNOFFICIAL outline). All wording editable here.")
BALLOT_SOURCE = ("Customary secret ballot, no central form (docs/REGULATIONS.md, Procedure: local phiếu, official members only "
                 "[L]). Header per HD 36; no signature. All wording editable here.")
VOTE_COUNT_SOURCE = ("Customary biên bản kiểm phiếu, no central form (docs/REGULATIONS.md, Procedure [L]). Header per HD 36; "
                     "percentages of valid ballots. All wording editable here.")


def _para(doc: DocumentObject, text: str, style: str = VAN_BAN, **emphasis) -> None:
    """One body paragraph of fixed wording and variables (every tag inside one run)."""
    text_line(doc, [Line(text, **emphasis)], style)


def _cell_lines(table: Table, row: int, col: int, lines: Sequence[Line], align: int | None) -> None:
    """Replace a cell's content by these paragraphs (e.g. votes over percentage, or a DejaVu tick box)."""
    cell = table.rows[row].cells[col]
    for p in list(cell.paragraphs):
        p._p.getparent().remove(p._p)
    for line in lines:
        text_line(cell, [line], "Normal", align, 0)


def _centre_columns(table: Table, row: int, columns: Sequence[int]) -> None:
    """Centre these columns of the repeated row; every cell of it is centred vertically."""
    for col in columns:
        for p in table.rows[row].cells[col].paragraphs:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for cell in table.rows[row].cells:
        cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER


def _votes_table(doc: DocumentObject, loop: str, leading: Sequence[tuple[str, str, Length]],
                 vote_width: Length, size: float = TABLE_PT) -> Table:
    """Rows of members with, per level, the number of votes over its percentage (header repeated per page)."""
    headers = [h for h, _, _ in leading] + list(LEVEL_HEADERS)
    cells = [c for _, c, _ in leading] + [f"{{{{ r.votes_{code} }}}}" for code in LEVEL_CODES]
    widths = [w for _, _, w in leading] + [vote_width] * 4
    table = data_table(doc, headers, cells, loop, widths, size=size)
    first_vote = len(leading)
    for n, code in enumerate(LEVEL_CODES):
        _cell_lines(table, 2, first_vote + n, [Line(f"{{{{ r.votes_{code} }}}}", size=size),
                                               Line(f"{{{{ r.pct_{code} }}}}", italic=True, size=size - 1)],
                    WD_ALIGN_PARAGRAPH.CENTER)
    _centre_columns(table, 2, [0])
    return table


def _after_table(doc: DocumentObject, text: str) -> None:
    p = text_line(doc, [Line(text, italic=True, size=TABLE_PT)], VAN_BAN)
    p.paragraph_format.space_before = Pt(3)


def build_minutes() -> DocumentObject:
    """Biên bản hội nghị kiểm điểm, đánh giá, xếp loại chất lượng đảng viên (in the order of docs/REGULATIONS.md, customary documents)."""
    doc = new_document("BIÊN BẢN HỘI NGHỊ KIỂM ĐIỂM, ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN",
                       "Biên bản hội nghị chi bộ - cả hai quy định (124 và 366)", MINUTES_SOURCE)
    page_numbers(doc)
    party_header(doc)
    title_block(doc, "BIÊN BẢN", [Line("Hội nghị kiểm điểm, đánh giá, xếp loại chất lượng đảng viên năm {{ year }}",
                                      bold=True)])
    _para(doc, "Thực hiện {{ regulation }} của Bộ Chính trị và {{ guide }} của Ban Tổ chức Trung ương về kiểm điểm, "
               "đánh giá, xếp loại chất lượng hằng năm đối với tập thể, cá nhân trong hệ thống chính trị;")
    _para(doc, "Hồi {{ opened_at }}, ngày {{ held_on }}, Chi bộ tiến hành Hội nghị kiểm điểm, đánh giá, xếp loại "
               "chất lượng đảng viên năm {{ year }}.")
    _para(doc, "Địa điểm: {{ venue }}.")

    heading(doc, "I. THÀNH PHẦN DỰ HỘI NGHỊ", 2)
    _para(doc, "- Tổng số đảng viên của chi bộ: {{ total_members }} đồng chí (chính thức: {{ official_members }} "
               "đồng chí; dự bị: {{ probationary_members }} đồng chí).")
    _para(doc, "- Số đảng viên được miễn sinh hoạt: {{ exempted_count }} đồng chí"
               "{% if exempted_names %} ({{ exempted_names }}){% endif %}; bị đình chỉ sinh hoạt: "
               "{{ suspended_count }} đồng chí{% if suspended_names %} ({{ suspended_names }}){% endif %}.")
    _para(doc, "- Có mặt: {{ present_count }} đồng chí (chính thức: {{ present_official }} đồng chí; dự bị: "
               "{{ present_probationary }} đồng chí).")
    _para(doc, "- Vắng mặt: {{ absent_count }} đồng chí, trong đó:")
    _para(doc, "+ Có lý do: {{ absent_excused_count }} đồng chí{% if absent_excused_names %}, gồm: "
               "{{ absent_excused_names }}{% endif %};")
    _para(doc, "+ Không có lý do: {{ absent_unexcused_count }} đồng chí{% if absent_unexcused_names %}, gồm: "
               "{{ absent_unexcused_names }}{% endif %}.")
    _para(doc, "- Đại biểu cấp trên, khách mời:")
    rich_slot(doc, "guests")
    field_line(doc, [Field("- Chủ trì hội nghị: đồng chí ", "chair", ".")], style=VAN_BAN)
    field_line(doc, [Field("- Thư ký hội nghị: đồng chí ", "secretary", ".")], style=VAN_BAN)
    instruction(doc, "(Danh sách đảng viên và tình hình dự họp kèm theo biên bản này.)")

    heading(doc, "II. NỘI DUNG HỘI NGHỊ", 2)
    rich_slot(doc, "content")

    heading(doc, "III. KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN", 2)
    _para(doc, "Số đảng viên chính thức có mặt tham gia biểu quyết: {{ present_official }} đồng chí (đảng viên dự bị "
               "dự họp nhưng không biểu quyết). Kết quả biểu quyết đối với từng đồng chí như sau:")
    _votes_table(doc, "for r in results", [
        ("STT", "{{ r.stt }}", Mm(12)),
        ("Họ và tên", "{{ r.full_name }}{% if r.not_rated_text %} – {{ r.not_rated_text }}"
                      "{% elif r.note %} ({{ r.note }}){% endif %}", Mm(39)),
        ("Tự nhận mức xếp loại", "{{ r.self_level }}", Mm(26)),
        ("Chi bộ đề xuất", "{{ r.proposed_level }}", Mm(26)),
    ], Mm(15.5), size=11)
    _after_table(doc, "(Mỗi ô: số phiếu biểu quyết và tỷ lệ % trên tổng số đảng viên chính thức có mặt.)")
    _para(doc, "Chi bộ đề xuất mức xếp loại chất lượng tập thể chi bộ: {{ collective_level }}"
               "{% if collective_pct %} ({{ collective_agree }}/{{ present_official }} đồng chí tán thành, "
               "đạt {{ collective_pct }}){% endif %}.")

    heading(doc, "IV. KẾT LUẬN", 2)
    rich_slot(doc, "conclusion")
    _para(doc, "Biên bản đã được đọc lại trước hội nghị và được {{ adopted_agree }}/{{ present_official }} đồng chí "
               "đảng viên chính thức có mặt tán thành ({{ adopted_pct }}).")
    _para(doc, "Hội nghị kết thúc vào hồi {{ closed_at }} cùng ngày.")
    signature_block(doc, signer("{{ chair_position }}", None, "{{ chair }}", authority="T/M CHI BỘ"),
                    left=signer("THƯ KÝ", None, "{{ secretary }}"))

    annex = title_block(doc, "DANH SÁCH ĐẢNG VIÊN VÀ TÌNH HÌNH DỰ HỘI NGHỊ",
                        [Line("(Kèm theo Biên bản Hội nghị kiểm điểm, đánh giá, xếp loại chất lượng đảng viên năm "
                              "{{ year }}, ngày {{ held_on }})", italic=True)], size=14)
    annex[0].paragraph_format.page_break_before = True
    table = data_table(doc, ["STT", "Họ và tên", "Chính thức/ Dự bị", "Dự họp", "Lý do vắng"],
                       ["{{ r.stt }}", "{{ r.full_name }}", "{{ 'Chính thức' if r.official else 'Dự bị' }}",
                        "{{ r.attendance }}", "{{ r.reason }}"], "for r in attendance",
                       [Mm(12), Mm(55), Mm(26), Mm(32), Mm(40)], size=TABLE_PT)
    _centre_columns(table, 2, [0, 2])
    return doc


def build_ballot() -> DocumentObject:
    """Phiếu đánh giá, xếp loại: names printed or blank lines, four tick boxes per row, no signature."""
    doc = new_document("PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN",
                       "Phiếu biểu quyết kín - cả hai quy định (124 và 366)", BALLOT_SOURCE)
    page_numbers(doc)
    party_header(doc)
    title_block(doc, "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN", [Line("Năm {{ year }}", bold=True)])
    _para(doc, "Đánh dấu X vào một ô tương ứng với mức xếp loại đối với từng đồng chí.", italic=True)
    table = data_table(doc, ["STT", "Họ và tên đảng viên", *LEVEL_HEADERS],
                       ["{{ loop.index }}", "{{ r.full_name if prefilled else '' }}", "☐", "☐", "☐", "☐"],
                       "for r in (members if prefilled else range(blank_rows))",
                       [Mm(12), Mm(57), Mm(24), Mm(24), Mm(24), Mm(24)], size=TABLE_PT)
    for col in range(2, 6):
        _cell_lines(table, 2, col, [Line("☐", size=16, font=SYMBOL_FONT)], WD_ALIGN_PARAGRAPH.CENTER)
    _centre_columns(table, 2, [0])
    row = table.rows[2]
    row.height, row.height_rule = Cm(0.9), WD_ROW_HEIGHT_RULE.AT_LEAST
    _after_table(doc, "(Phiếu không ghi tên người đánh giá. Phiếu đánh dấu quá một ô ở cùng một đồng chí thì không "
                      "tính cho đồng chí đó.)")
    return doc


def build_vote_count() -> DocumentObject:
    """Biên bản kiểm phiếu: committee, ballots issued/returned/valid/invalid, votes per member, signatures."""
    doc = new_document("BIÊN BẢN KIỂM PHIẾU", "Biên bản kiểm phiếu đánh giá, xếp loại chất lượng đảng viên - cả hai "
                       "quy định (124 và 366)", VOTE_COUNT_SOURCE)
    page_numbers(doc)
    party_header(doc)
    title_block(doc, "BIÊN BẢN KIỂM PHIẾU",
                [Line("Đánh giá, xếp loại chất lượng đảng viên năm {{ year }}", bold=True)])
    _para(doc, "Hồi {{ counted_at }}, ngày {{ counted_on }}, tại {{ venue }}, Ban kiểm phiếu do Hội nghị chi bộ bầu "
               "đã tiến hành kiểm phiếu đánh giá, xếp loại chất lượng đảng viên năm {{ year }}.")
    heading(doc, "1. Ban kiểm phiếu gồm các đồng chí:", 3)
    table = data_table(doc, ["STT", "Họ và tên", "Nhiệm vụ"], ["{{ r.stt }}", "{{ r.full_name }}", "{{ r.role }}"],
                       "for r in committee", [Mm(15), Mm(90), Mm(50)], size=TABLE_PT)
    _centre_columns(table, 2, [0])
    heading(doc, "2. Kết quả kiểm phiếu", 3)
    _para(doc, "- Số phiếu phát ra: {{ ballots_issued }} phiếu;")
    _para(doc, "- Số phiếu thu vào: {{ ballots_returned }} phiếu;")
    _para(doc, "- Số phiếu hợp lệ: {{ ballots_valid }} phiếu;")
    _para(doc, "- Số phiếu không hợp lệ: {{ ballots_invalid }} phiếu.")
    heading(doc, "3. Số phiếu đánh giá, xếp loại đối với từng đồng chí", 3)
    _votes_table(doc, "for r in results", [("STT", "{{ r.stt }}", Mm(13)),
                                           ("Họ và tên", "{{ r.full_name }}{% if r.not_rated_text %} – "
                                                         "{{ r.not_rated_text }}{% endif %}", Mm(52))], Mm(25))
    _after_table(doc, "(Mỗi ô: số phiếu và tỷ lệ % trên tổng số phiếu hợp lệ.)")
    _para(doc, "Việc kiểm phiếu kết thúc vào hồi {{ closed_at }} cùng ngày. Biên bản được lập và công bố trước "
               "Hội nghị.")
    members = [Line("CÁC THÀNH VIÊN", bold=True), Line("{%p for n in committee_members %}"), Line(""), Line(""),
               Line("{{ n }}", bold=True), Line("{%p endfor %}")]
    signature_block(doc, signer("TRƯỞNG BAN", None, "{{ committee_head }}", authority="T/M BAN KIỂM PHIẾU"),
                    left=members)
    return doc

