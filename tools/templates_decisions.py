"""HD 43 Mẫu 03 (re-rating decision) and Mẫu 04 (dossier list) templates, QĐ 366.

Only the titles of both forms were found (docs/REGULATIONS.md, Forms: HD 43 Mẫu 03, Mẫu 04). The titles are official;
everything else is INFERRED from Quy định 366 (Điều 13, Điều 15 khoản 3, Điều 17) and the Party document format
of Hướng dẫn 36 (docs/REGULATIONS.md, Party document format). The printed wording is kept in the constants below so it is easy to change.
"""
from __future__ import annotations

from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from docx.table import Table
from .docx_builder import (
    VAN_BAN,
    Field,
    Line,
    add_run,
    data_table,
    field_line,
    form_code_line,
    new_document,
    page_numbers,
    party_header,
    recipients_signature_block,
    signature_block,
    signer,
    text_line,
    title_block,
)

SIGNER = signer("{{ signer_title }}", None, "{{ signer_name }}", authority="T/M {{ signer_body }}", blank_lines=4)

# ---- Mẫu 03: Quyết định đánh giá, xếp loại lại tổ chức đảng, đảng viên năm … --------------------------------
DECISION_TITLE = "QUYẾT ĐỊNH"
DECISION_SUBJECT = "đánh giá, xếp loại lại tổ chức đảng, đảng viên năm {{ year }}"  # trích yếu = the form's title
ARTICLE_1 = ("Đánh giá, xếp loại lại chất lượng năm {{ year }} đối với tổ chức đảng, đảng viên có tên dưới đây "
             "(kết quả đã xếp loại trước đây bị hủy bỏ theo Điều 2):")
RERATED_HEADERS = ("STT", "Tổ chức đảng, đảng viên", "Thuộc chi bộ, đảng bộ", "Mức đã xếp loại",
                   "Mức xếp loại lại", "Lý do")
RERATED_CELLS = ("{{ r.stt }}", "{{ r.full_name }}", "{{ r.unit }}", "{{ r.earlier_level }}", "{{ r.new_level }}",
                 "{{ r.reason }}")
RERATED_WIDTHS = (Mm(13), Mm(34), Mm(30), Mm(24), Mm(24), Mm(40))  # = 165 mm text width
RECIPIENT_LINE = '- {{ r.name }}{{ "." if loop.last else "," }}'
DECISION_SOURCE = ("HD 43 Mẫu 03: title only (docs/REGULATIONS.md, Forms). Body INFERRED from QĐ 366 Điều 13, 15.3 and "
                   "HD 36 decision layout (docs/REGULATIONS.md): number line, trích yếu, căn cứ, Điều 1-3, T/M, Nơi nhận.")

# ---- Mẫu 04: Danh mục hồ sơ kiểm điểm, đánh giá, xếp loại cá nhân, tập thể----------------------------------------------
DOSSIER_TITLE = "DANH MỤC HỒ SƠ KIỂM ĐIỂM, ĐÁNH GIÁ, XẾP LOẠI CÁ NHÂN, TẬP THỂ"  # as the guide's list names it
DOSSIER_HEADERS = ("STT", "Tên văn bản, tài liệu", "Số, ký hiệu, ngày tháng", "Số trang", "Ghi chú")
DOSSIER_CELLS = ("{{ r.stt }}", "{{ r.title }}", "{{ r.reference }}", "{{ r.pages }}", "{{ r.note }}")
DOSSIER_WIDTHS = (Mm(13), Mm(62), Mm(38), Mm(17), Mm(35))  # = 165 mm
DOSSIER_TOTAL = "Tổng cộng: {{ document_count }} văn bản, tài liệu"
DOSSIER_SOURCE = ("HD 43 Mẫu 04: title only (docs/REGULATIONS.md, Forms). Items from QĐ 366 Điều 17; "
                  "Kính gửi / sender / table / total / signature layout INFERRED.")


def _centered(doc: DocumentObject, runs: list[Line], before: float = 0, after: float = 0) -> None:
    """A centred paragraph kept with what follows (the lines around the articles)."""
    p = text_line(doc, runs, "Normal", WD_ALIGN_PARAGRAPH.CENTER, after)
    p.paragraph_format.space_before = Pt(before)
    p.paragraph_format.keep_with_next = True


def _center_columns(table: Table, columns: tuple[int, ...]) -> None:
    """Centre the loop row's cells of these columns (numbers: STT, page counts)."""
    for index in columns:
        table.rows[2].cells[index].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _article(doc: DocumentObject, number: int, text: str) -> None:
    """“Điều n.” in bold, then the article's text, in the body style."""
    text_line(doc, [Line(f"Điều {number}. ", bold=True), Line(text)], VAN_BAN)


def build_qd366_rerating_decision() -> DocumentObject:
    """HD 43 Mẫu 03: decision of the competent committee re-rating party organisations and members."""
    doc = new_document("QUYẾT ĐỊNH ĐÁNH GIÁ, XẾP LOẠI LẠI TỔ CHỨC ĐẢNG, ĐẢNG VIÊN", "HD 43 Mẫu 03 - quyết định "
                       "đánh giá, xếp loại lại", DECISION_SOURCE)
    page_numbers(doc)
    form_code_line(doc)
    party_header(doc, number_line="Số {{ number }}")
    title_block(doc, DECISION_TITLE, [Line(DECISION_SUBJECT, bold=True), Line("-----")])
    text_line(doc, [Line("{{p bases }}")], VAN_BAN)
    _centered(doc, [Line("{{ authority }}", bold=True, caps=True), Line(" QUYẾT ĐỊNH", bold=True)], before=6, after=6)
    first = text_line(doc, [Line("Điều 1. ", bold=True), Line(ARTICLE_1)], VAN_BAN)
    first.paragraph_format.keep_with_next = True
    _center_columns(data_table(doc, RERATED_HEADERS, RERATED_CELLS, "for r in rows", RERATED_WIDTHS, size=12), (0,))
    text_line(doc, [Line("")], "Normal", after=0)  # space between the table and Điều 2
    _article(doc, 2, "{{ article_2 }}")
    _article(doc, 3, "{{ article_3 }}")
    recipients_signature_block(doc, SIGNER, "for r in recipients", RECIPIENT_LINE)
    return doc


def build_qd366_dossier_list() -> DocumentObject:
    """HD 43 Mẫu 04: list of the documents in a review-and-rating dossier, with the total page count."""
    doc = new_document(DOSSIER_TITLE, "HD 43 Mẫu 04 - danh mục hồ sơ", DOSSIER_SOURCE)
    page_numbers(doc)
    form_code_line(doc)
    party_header(doc)
    title_block(doc, DOSSIER_TITLE, [Line("Năm {{ year }}", bold=True)])
    _centered(doc, [Line("Kính gửi: "), Line("{{ recipient }}")], after=12)
    field_line(doc, [Field("Cơ quan, đơn vị gửi: ", "sender")])
    field_line(doc, [Field("Hồ sơ của: ", "subject_name")])
    table = data_table(doc, DOSSIER_HEADERS, DOSSIER_CELLS, "for r in rows", DOSSIER_WIDTHS)
    _center_columns(table, (0, 3))
    total = table.add_row()
    label = total.cells[0].merge(total.cells[2])
    for cell, line in ((label, Line(DOSSIER_TOTAL, bold=True, size=13)),
                       (total.cells[3], Line("{{ total_pages }}", bold=True, size=13))):
        paragraph = cell.paragraphs[0]
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if cell is not label else None
        add_run(paragraph, line)
    signature_block(doc, SIGNER)
    return doc
