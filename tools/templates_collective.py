"""The collective's report (Mẫu 01) for QĐ 366 (HD 43) and QĐ 124 (HD 25).

Headings are copied verbatim from the forms (docs/REGULATIONS.md, Forms: HD 43 Mẫu 01, HD 25 Mẫu 01): they are what a secretary checks
the paper against, so do not reword them. Neither source shows the printed title line, the header or (for HD 43)
the signature block: the title lines below are the form's name set as an HD 36 title, kept in constants so they
are easy to change when a printed copy turns up.
"""
from __future__ import annotations

from docx.document import Document as DocumentObject
from .docx_builder import (
    LEVEL_MARKS,
    VAN_BAN,
    Field,
    Line,
    checkbox_lines,
    field_line,
    form_body,
    form_code_line,
    heading,
    instruction,
    new_document,
    page_numbers,
    party_header,
    recipients_signature_block,
    signer,
    text_line,
    title_block,
)

# Printed title lines (casing and line breaks inferred: no copy of the printed title was found).
QD366_TITLE = "BÁO CÁO"
QD366_TITLE_LINES = ("KIỂM ĐIỂM, TỰ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CỦA TẬP THỂ", "Năm {{ year }}")
QD124_TITLE = "BÁO CÁO KIỂM ĐIỂM TẬP THỂ"
QD124_TITLE_LINES = ("Năm {{ year }}",)  # the HD 25 copy prints "Năm: …."

OPENING = "Căn cứ kết quả lãnh đạo, chỉ đạo thực hiện nhiệm vụ chính trị tại địa phương (cơ quan, đơn vị); tập thể "
QD366_OPENING_END = " kiểm điểm, tự đánh giá, xếp loại chất lượng với các nội dung chủ yếu sau:"
QD124_OPENING_END = " kiểm điểm với các nội dung chủ yếu sau:"

# Signature: "T/M …", position, note, space to sign, name. HD 43: not found, inferred; HD 25: note as in the copy.
# "và đóng dấu" only for a body with a seal (service.kinds.collective.signature_context); "Nơi nhận" beside it (HD 36).
SIGNER = signer("{{ signer_title }}", "{{ signature_note }}", "{{ signer_name }}", authority="T/M {{ signer_body }}")
RECIPIENT_LINE = '- {{ r.name }}{{ "." if loop.last else "," }}'

I_1 = ("1. Việc chấp hành nguyên tắc tổ chức và hoạt động, nhất là nguyên tắc tập trung dân chủ; thực hiện quy chế "
       "làm việc.")
II = "II. Hạn chế, khuyết điểm và nguyên nhân"
III = ("III. Kết quả khắc phục những hạn chế, khuyết điểm đã được cấp có thẩm quyền kết luận hoặc được chỉ ra ở các "
       "kỳ kiểm điểm trước")
IV = "IV. Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)"
VI = "VI. Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm"

# HD 43 Mẫu 01 (docs/REGULATIONS.md, Forms). Items: (level, heading), ("slot", var), ("note", italic line), ("grade", var).
QD366_BODY: tuple[tuple[object, str], ...] = (
    (1, "A. NỘI DUNG KIỂM ĐIỂM"),
    (2, "I. Ưu điểm, kết quả đạt được"),
    (3, I_1),
    ("slot", "a_i_1"),
    (3, "2. Kết quả thực hiện các mục tiêu, chỉ tiêu, nhiệm vụ được đề ra trong nghị quyết đại hội nhiệm kỳ, kế "
        "hoạch, chương trình công tác năm, được cấp có thẩm quyền giao, phê duyệt và các nhiệm vụ phát sinh, đột "
        "xuất được cấp có thẩm quyền giao."),
    ("slot", "a_i_2"),
    (3, "3. Công tác xây dựng, chỉnh đốn Đảng và hệ thống chính trị; xây dựng tổ chức bộ máy tinh gọn, hoạt động "
        "hiệu năng, hiệu lực, hiệu quả; tinh giản biên chế gắn với cải cách hành chính và chuyển đổi số; năng lực, "
        "trách nhiệm của tập thể lãnh đạo, quản lý; trách nhiệm nêu gương; trách nhiệm giải trình; công tác đấu "
        "tranh phòng, chống tham nhũng, tiêu cực, lãng phí và ngăn chặn, đẩy lùi những biểu hiện suy thoái về tư "
        "tưởng chính trị, đạo đức, lối sống, \"tự diễn biến\", \"tự chuyển hoá\" trong nội bộ gắn với việc học tập "
        "và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh; công tác kiểm soát quyền lực, phòng, chống chạy "
        "chức, chạy quyền, lợi ích nhóm; xây dựng và thực hiện cơ chế công khai, minh bạch trong công tác cán bộ; "
        "công tác kiểm tra, giám sát, kỷ luật đảng và công tác tiếp công dân, giải quyết khiếu nại, tố cáo, kiến "
        "nghị, phản ánh của tổ chức, cá nhân."),
    ("slot", "a_i_3"),
    (3, "4. Trách nhiệm của tập thể lãnh đạo, quản lý trong triển khai thực hiện các chủ trương, đường lối, nghị "
        "quyết, văn bản chỉ đạo của Đảng, của cấp trên; thực hiện nhiệm vụ chính trị của địa phương, tổ chức, cơ "
        "quan, đơn vị."),
    ("slot", "a_i_4"),
    (2, II),
    (3, "- Hạn chế, khuyết điểm."),
    ("slot", "a_ii_1"),
    (3, "- Nguyên nhân của hạn chế, khuyết điểm."),
    ("slot", "a_ii_2"),
    (2, III),
    ("note", "Kiểm điểm rõ từng hạn chế, khuyết điểm (đã được khắc phục; đang khắc phục, mức độ khắc phục; chưa "
             "được khắc phục); những khó khăn, vướng mắc (nếu có); trách nhiệm của tập thể, cá nhân có liên quan."),
    ("slot", "a_iii"),
    (2, IV),
    ("note", "Giải trình từng vấn đề được gợi ý kiểm điểm, nêu nguyên nhân, xác định trách nhiệm của tập thể, cá "
             "nhân đối với từng vấn đề được gợi ý kiểm điểm."),
    ("slot", "a_iv"),
    (2, "V. Trách nhiệm của tập thể, cá nhân"),
    ("note", "Về hạn chế, khuyết điểm trong thực hiện nhiệm vụ hoặc khi có dấu hiệu vi phạm; để xảy ra những vấn đề "
             "bức xúc, phức tạp, dư luận quan tâm; có đơn, thư khiếu nại, tố cáo; biểu hiện mất đoàn kết nội bộ; vi "
             "phạm nguyên tắc, quy định của Đảng; biểu hiện \"lợi ích nhóm\", tham nhũng, lãng phí, tiêu cực, suy "
             "thoái, \"tự diễn biến\", \"tự chuyển hoá\"; để tập thể, cá nhân thuộc quyền quản lý bị kỷ luật, khởi "
             "tố; trì trệ, yếu kém, không hoàn thành chức trách, nhiệm vụ được giao."),
    ("slot", "a_v"),
    (2, VI),
    ("slot", "a_vi"),
    (1, "B. NỘI DUNG TỰ ĐÁNH GIÁ, XẾP LOẠI"),
    (2, "I. Đánh giá theo các nhóm tiêu chí"),
    ("note", "Trên cơ sở cụ thể hoá khung tiêu chí đánh giá đối với tập thể được quy định tại Phụ lục 1, Quy định "
             "số 366-QĐ/TW, các tập thể tự đánh giá, chấm điểm theo các tiêu chí được cụ thể hóa như sau:"),
)
QD366_FOOTNOTE = ("(Gửi kèm Phụ lục về kết quả thực hiện nhiệm vụ trong đó thể hiện sản phẩm tiến độ, chất lượng "
                  "cụ thể - theo hướng dẫn của các cấp uỷ, tổ chức đảng).")

# HD 25 Mẫu 01 (docs/REGULATIONS.md, Forms; UNVERIFIED third-party copy). Its "III-"/"V-" beside "I."/"II." and its
# "(và trong năm)" are not carried over: headings numbered one way, III worded as in HD 43 (issue 12).
QD124_BODY: tuple[tuple[object, str], ...] = (
    (2, "I. Ưu điểm, kết quả đạt được"),
    (3, I_1),
    ("slot", "a_i_1"),
    ("grade", "grade_i_1"),
    (3, "2. Kết quả thực hiện các mục tiêu, chỉ tiêu, nhiệm vụ được đề ra trong nghị quyết đại hội, kế hoạch, chương "
        "trình công tác năm được cấp có thẩm quyền giao, phê duyệt."),
    ("slot", "a_i_2"),
    ("grade", "grade_i_2"),
    (3, "3. Công tác xây dựng, chỉnh đốn Đảng và hệ thống chính trị; trách nhiệm nêu gương; trách nhiệm giải trình; "
        "công tác đấu tranh phòng, chống tham nhũng, tiêu cực, lãng phí và ngăn chặn, đẩy lùi những biểu hiện suy "
        "thoái về tư tưởng chính trị, đạo đức, lối sống, \"tự diễn biến\", \"tự chuyển hoá\" trong nội bộ gắn với "
        "việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh; công tác kiểm tra, giám sát, kỷ luật "
        "đảng và giải quyết khiếu nại, tố cáo, kiến nghị, phản ánh của tổ chức, cá nhân."),
    ("slot", "a_i_3"),
    ("grade", "grade_i_3"),
    (3, "4. Trách nhiệm của tập thể lãnh đạo, quản lý trong thực hiện nhiệm vụ chính trị của địa phương, tổ chức, cơ "
        "quan, đơn vị."),
    ("slot", "a_i_4"),
    ("grade", "grade_i_4"),
    (2, II),
    (3, "1. Hạn chế, khuyết điểm"),
    ("slot", "a_ii_1"),
    (3, "2. Nguyên nhân của hạn chế, khuyết điểm."),
    ("slot", "a_ii_2"),
    (2, III),
    ("slot", "a_iii"),
    ("grade", "grade_iii"),
    (2, IV),
    ("slot", "a_iv"),
    (2, "V. Trách nhiệm của tập thể, cá nhân"),
    ("note", "Về những hạn chế, khuyết điểm trong thực hiện nhiệm vụ chính trị; nguyên tắc tập trung dân chủ; các "
             "quy định, quy chế làm việc; công tác tổ chức, cán bộ; quản lý đảng viên; đổi mới phương thức lãnh đạo; "
             "các biện pháp đấu tranh phòng, chống tham nhũng, tiêu cực, lãng phí; kết quả xử lý sai phạm đối với "
             "tập thể, cá nhân..."),
    ("slot", "a_v"),
    (2, VI),
    ("slot", "a_vi"),
    (2, "VII. Đề nghị mức xếp loại chất lượng"),
)
QD124_FOOTNOTE = "(kèm theo phiếu phân tích chất lượng)."

# Core-properties comments (max 255 characters): where the wording comes from and how sure it is.
QD366_SOURCE = ("Source: HD 43 Mẫu 01 (docs/REGULATIONS.md, Forms). Headings, opening line, instructions verbatim; title line, "
                "header and signature not seen: HD 36 header, usual T/M signature block.")
QD124_SOURCE = ("HD 25 Mẫu 01 UNVERIFIED, third-party copy (docs/REGULATIONS.md, Forms): headings, opening line, grades, "
                "T/M signature note verbatim; title casing inferred.")


def _opening(doc: DocumentObject, title: str, title_lines: tuple[str, ...], opening_end: str) -> None:
    """Page numbers from page 2, form code, HD 36 header, title, and the opening line naming the collective."""
    page_numbers(doc)
    form_code_line(doc)
    party_header(doc, number_line="Số {{ number }}")
    title_block(doc, title, [Line(text, bold=True) for text in title_lines])
    text_line(doc, [Line(OPENING), Line("{{ collective_name }}"), Line(opening_end)], VAN_BAN)




def build_qd366_collective_report() -> DocumentObject:
    """HD 43 Mẫu 01: the collective's review, self-scoring and rating (review years from 2025)."""
    doc = new_document("BÁO CÁO KIỂM ĐIỂM, TỰ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CỦA TẬP THỂ", "HD 43 Mẫu 01 - tập thể",
                       QD366_SOURCE)
    _opening(doc, QD366_TITLE, QD366_TITLE_LINES, QD366_OPENING_END)
    form_body(doc, QD366_BODY)
    field_line(doc, [Field("1. Nhóm tiêu chí chung: ", "score_general", "/30 điểm")], style=VAN_BAN)
    field_line(doc, [Field("2. Nhóm tiêu chí về kết quả thực hiện nhiệm vụ: ", "score_tasks", "/70 điểm")],
               style=VAN_BAN)
    field_line(doc, [Field("Tổng điểm: ", "score_total", "/100 điểm", bold_label=True, bold_value=True)],
               style=VAN_BAN)
    heading(doc, "II. Đề xuất xếp loại mức chất lượng", 2)
    checkbox_lines(doc, LEVEL_MARKS)
    instruction(doc, QD366_FOOTNOTE).paragraph_format.keep_with_next = None
    recipients_signature_block(doc, SIGNER, "for r in recipients", RECIPIENT_LINE)
    return doc


def build_qd124_collective_report() -> DocumentObject:
    """HD 25 Mẫu 01 (2023): the collective's review with per-item grades (review years 2023–2024), UNVERIFIED."""
    doc = new_document("BÁO CÁO KIỂM ĐIỂM TẬP THỂ", "HD 25 Mẫu 01 - tập thể", QD124_SOURCE)
    _opening(doc, QD124_TITLE, QD124_TITLE_LINES, QD124_OPENING_END)
    form_body(doc, QD124_BODY)
    checkbox_lines(doc, LEVEL_MARKS)
    instruction(doc, QD124_FOOTNOTE).paragraph_format.keep_with_next = None
    recipients_signature_block(doc, SIGNER, "for r in recipients", RECIPIENT_LINE)
    return doc
