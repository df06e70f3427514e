"""Member lists made the way offices make them, for the import tests: openpyxl workbooks with a title block and
merged cells, CSV in UTF-8 with BOM, and the hostile files (encrypted, formula bomb, zip bomb, 100,000 rows)."""
from __future__ import annotations

import io
import unicodedata
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook

FIXTURES = Path(__file__).parent / "fixtures"
LIBREOFFICE_LIST = FIXTURES / "members_libreoffice.xlsx"  # saved by LibreOffice Calc 7.4 (docProps/app.xml says so)

HEADER = ("STT", "Họ tên", "Ngày, tháng, năm sinh", "Giới tính", "Ngày kết nạp", "Ngày chính thức", "Chức vụ Đảng",
          "Chức vụ", "Nơi công tác", "Số thẻ đảng viên")


def workbook(rows: list[tuple[Any, ...]], header: tuple[str, ...] = HEADER, *, title: str = "CHI BỘ THỬ") -> bytes:
    """An office's list: superior and own lines merged over columns, a title, blank rows, then the table."""
    wb = Workbook()
    ws = wb.active
    ws.merge_cells("A1:D1")
    ws["A1"] = "ĐẢNG BỘ XÃ THỬ NGHIỆM"
    ws.merge_cells("A2:D2")
    ws["A2"] = title
    ws.merge_cells("A4:J4")
    ws["A4"] = "DANH SÁCH ĐẢNG VIÊN"
    header_row = 7  # rows 5 and 6 are blank
    for col, name in enumerate(header, start=1):
        ws.cell(row=header_row, column=col, value=name)
    for r, row in enumerate(rows, start=header_row + 1):
        for col, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=col, value=value)
            if isinstance(value, date):
                cell.number_format = "DD/MM/YYYY"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bom(rows: list[tuple[Any, ...]], header: tuple[str, ...] = HEADER, delimiter: str = ";") -> bytes:
    """A CSV as Excel saves "CSV UTF-8": BOM, a title line, then the table."""
    lines = ["DANH SÁCH ĐẢNG VIÊN CHI BỘ", "", delimiter.join(header)]
    lines += [delimiter.join("" if v is None else str(v) for v in row) for row in rows]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def nfd(name: str) -> str:
    """The same name decomposed, as some Mac and web sources write it."""
    return unicodedata.normalize("NFD", name)


def encrypted(data: bytes, password: str = "mat-khau-file") -> bytes:
    """The workbook encrypted with a password, as Excel's "Encrypt with Password" does."""
    import msoffcrypto.format.ooxml as ooxml

    out = io.BytesIO()
    ooxml.OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


def formula_bomb() -> bytes:
    """A workbook whose cells are formulas that would explode if evaluated (each doubles the one above)."""
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append((1, "Nguyễn Văn Một", "01/01/1980", "Nam", "01/01/2010", None, None, None, None, None))
    for r in range(3, 60):
        ws.append((r - 1, f'=REPT(B{r - 1},2)&REPT(B{r - 1},2)', "01/01/1980"))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A valid-looking workbook whose shared strings unpack to hundreds of megabytes."""
    base = workbook([(1, "Nguyễn Văn Một", "01/01/1980")])
    source = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        with target.open("xl/padding.xml", "w") as handle:
            chunk = b" " * (1024 * 1024)
            for _ in range(200):
                handle.write(chunk)
    return out.getvalue()


def many_rows(count: int = 100_000) -> bytes:
    """A list of `count` members (write-only workbook, as a big export would be)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(HEADER)
    for n in range(1, count + 1):
        ws.append((n, f"Người Số {n}", "01/01/1980"))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
