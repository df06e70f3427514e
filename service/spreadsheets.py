"""Workbooks (XLSX) built from a kind's template context, so a table prints the same numbers in Word and Excel.

A kind names its builder in the catalog (`spreadsheet="service.spreadsheets:summary_workbook"`); the output
pipeline calls it with the very context the DOCX template is rendered with (service/kinds/summary.py computes it).
"""
from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FONT_NAME = "Times New Roman"
THIN = Side(style="thin", color="000000")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
PERCENT = "0.00%"

# The member table: (header, row key, column width in characters).
MEMBER_COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("STT", "stt", 6),
    ("Họ và tên", "full_name", 28),
    ("Đảng viên", "official_label", 12),
    ("Tự xếp loại", "self_level", 24),
    ("Chi bộ đề xuất", "proposal", 24),
    ("Cấp có thẩm quyền quyết định", "decision", 24),
    ("Ghi chú", "note", 40),
)
EXTRA_WIDTH = 14  # column H: the totals block is one column wider (label over A:B, then 3 × count and %)
# The totals block under it: the label in column B, then count and % per rating column (C … H).
RATING_COLUMNS: tuple[tuple[str, str], ...] = (
    ("self_level", "Tự xếp loại"),
    ("proposal", "Chi bộ đề xuất"),
    ("decision", "Cấp có thẩm quyền quyết định"),
)
TITLE = "BIỂU TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI ĐẢNG VIÊN CỦA CHI BỘ"


def _put(ws: Worksheet, row: int, col: int, value: Any, *, bold: bool = False, italic: bool = False,
         size: float = 12, align: Alignment = WRAP, border: bool = False, number_format: str | None = None) -> Cell:
    """One cell; text always stays text (a name starting with "=" is never a formula)."""
    cell = ws.cell(row=row, column=col, value=None if value == "" else value)
    if isinstance(value, str) and value:
        cell.data_type = "s"
    cell.font = Font(name=FONT_NAME, size=size, bold=bold, italic=italic)
    cell.alignment = align
    if border:
        cell.border = GRID
    if number_format:
        cell.number_format = number_format
    return cell


def _merged_line(ws: Worksheet, row: int, text: str, last_col: int, **style: Any) -> None:
    """A line of text across the table's width (title, notes, quota check)."""
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
    _put(ws, row, 1, text, **style)


def _label(ws: Worksheet, row: int, text: str, **style: Any) -> None:
    """The label of a totals line, across the STT and name columns."""
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    _put(ws, row, 1, text, border=True, **style)
    _put(ws, row, 2, None, border=True)


def _page_setup(ws: Worksheet, header_row: int) -> None:
    """A4 landscape, one page wide, the header row repeated on every printed page."""
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_margins.left, ws.page_margins.right = 30 / 25.4, 15 / 25.4
    ws.page_margins.top = ws.page_margins.bottom = 20 / 25.4
    ws.print_options.horizontalCentered = True


def summary_workbook(context: dict[str, Any]) -> bytes:
    """The chi bộ summary (service.kinds.summary.SUMMARY context) as an XLSX workbook: members, totals, quota."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp xếp loại"
    last = len(MEMBER_COLUMNS) + 1  # merged lines span the wider totals block
    year = context.get("year", "")

    _merged_line(ws, 1, str(context.get("superior_body", "")), last, align=Alignment(horizontal="left"))
    _merged_line(ws, 2, str(context.get("issuing_body", "")), last, bold=True, align=Alignment(horizontal="left"))
    _merged_line(ws, 3, f"{TITLE} NĂM {year}", last, bold=True, size=14, align=CENTER)
    _merged_line(ws, 4, f"Tổng số đảng viên: {context['total_members']} (chính thức: {context['official_count']}; "
                        f"dự bị: {context['probationary_count']})", last, align=Alignment(horizontal="center"))
    ws.row_dimensions[3].height = 22

    header = 6
    for col, (title, _, width) in enumerate(MEMBER_COLUMNS, start=1):
        _put(ws, header, col, title, bold=True, align=CENTER, border=True)
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.column_dimensions[get_column_letter(last)].width = EXTRA_WIDTH
    ws.freeze_panes = ws.cell(row=header + 1, column=1)

    row = header
    for member in context["rows"]:
        row += 1
        for col, (_, key, _) in enumerate(MEMBER_COLUMNS, start=1):
            value = member.get(key, "")
            _put(ws, row, col, value, border=True, align=CENTER if key in ("stt", "official_label") else WRAP)
    if context["rows"]:
        ws.auto_filter.ref = f"A{header}:{get_column_letter(len(MEMBER_COLUMNS))}{row}"

    row += 2
    _label(ws, row, "Mức xếp loại", bold=True, align=CENTER)
    for n, (_, title) in enumerate(RATING_COLUMNS):
        _put(ws, row, 3 + 2 * n, f"{title}: số lượng", bold=True, align=CENTER, border=True)
        _put(ws, row, 4 + 2 * n, "Tỷ lệ", bold=True, align=CENTER, border=True)
    for line in context["totals"]:
        row += 1
        strong = line.get("kind") == "total"
        _label(ws, row, line["label"], bold=strong)
        for n, (key, _) in enumerate(RATING_COLUMNS):
            _put(ws, row, 3 + 2 * n, line[f"{key}_count"], bold=strong, align=CENTER, border=True)
            ratio = line.get(f"{key}_ratio")  # the printed percentage as a number: Excel shows it with %
            _put(ws, row, 4 + 2 * n, ratio if ratio is not None else line.get(f"{key}_pct") or None,
                 align=CENTER, border=True, number_format=PERCENT if ratio is not None else None)
    row += 1
    _merged_line(ws, row, "Tỷ lệ tính trên số đảng viên được xếp loại ở từng cột.", last, italic=True, size=11)
    row += 2
    _merged_line(ws, row, str(context.get("quota_line", "")), last, bold=True)
    row += 1
    _merged_line(ws, row, str(context.get("quota_rounding", "")), last, italic=True)
    ws.row_dimensions[row].height = 32
    row += 2
    _merged_line(ws, row, str(context.get("place_date", "")), last, italic=True, align=Alignment(horizontal="right"))
    row += 1
    signer = context.get("signer_name") or ""
    _merged_line(ws, row, f"T/M CHI ỦY – BÍ THƯ{': ' + signer if signer else ''}", last, bold=True,
                 align=Alignment(horizontal="right"))

    _page_setup(ws, header)
    wb.properties.title = f"{TITLE} NĂM {year}"
    wb.properties.creator = "kiemdiem"
    wb.properties.language = "vi-VN"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
