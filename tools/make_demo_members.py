"""Write service/demo_data/danh_sach_dang_vien.xlsx: the demo đảng bộ's member list, laid out the way an office
keeps it in Excel (title block with merged cells, blank row, STT, a group heading per chi bộ, dates partly typed as
text). The demo is loaded from this file through the ordinary import (service.member_import).

Run: .venv/bin/python tools/make_demo_members.py
"""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

OUT = Path(__file__).resolve().parent.parent / "service" / "demo_data" / "danh_sach_dang_vien.xlsx"
WORK = "Trường THPT Phan Đình Phùng"
# chi bộ → (name, sex, birth, admitted, official?, leader?, outside the political system?, post, party post,
# work unit, card)
CHI_BO = {
    "Chi bộ Tổ Toán – Tin": [
        ("Nguyễn Văn Hùng", "Nam", date(1972, 3, 14), date(1998, 5, 19), True, True, False, "Hiệu trưởng",
         "Bí thư chi bộ", WORK, "01009871"),
        ("Trần Thị Ánh Tuyết", "Nữ", date(1985, 9, 2), date(2010, 2, 3), True, False, False, "Giáo viên", "",
         f"Tổ Toán – Tin, {WORK}", "01012345"),
        ("Lê Minh Đức", "Nam", date(1990, 11, 20), date(2016, 9, 2), True, False, False, "Giáo viên", "",
         f"Tổ Toán – Tin, {WORK}", "01023456"),
        ("Phạm Thu Hằng", "Nữ", date(1988, 6, 7), date(2014, 12, 22), True, False, False, "Tổ trưởng chuyên môn",
         "Phó Bí thư chi bộ", f"Tổ Toán – Tin, {WORK}", "01034567"),
        ("Hoàng Quốc Bảo", "Nam", date(1995, 1, 30), date(2025, 11, 7), False, False, False, "Giáo viên", "",
         f"Tổ Toán – Tin, {WORK}", ""),
        ("Vũ Ngọc Ánh", "Nữ", date(1993, 4, 18), date(2021, 3, 26), True, False, False, "Giáo viên", "",
         f"Tổ Toán – Tin, {WORK}", "01045678"),
        ("Đặng Văn Ẩn", "Nam", date(1958, 8, 8), date(1982, 1, 6), True, False, True, "Nghỉ hưu", "",
         f"Nguyên giáo viên {WORK}", "00998877"),
        ("Bùi Thị Ơn", "Nữ", date(1991, 12, 1), date(2019, 5, 19), True, False, False, "Giáo viên", "",
         f"Tổ Toán – Tin, {WORK}", "01056789"),
        ("Đỗ Hữu Ước", "Nam", date(1987, 2, 25), date(2012, 10, 10), True, False, False, "Giáo viên", "",
         f"Tổ Toán – Tin, {WORK}", "01067890"),
        ("Ngô Thị Ngọc Diệp", "Nữ", date(1996, 7, 15), date(2026, 8, 15), False, False, False, "Giáo viên", "",
         f"Tổ Toán – Tin, {WORK}", ""),
    ],
    "Chi bộ Tổ Ngữ văn": [
        ("Trịnh Thị Thanh Hà", "Nữ", date(1975, 5, 5), date(2001, 6, 30), True, True, False, "Phó Hiệu trưởng",
         "Bí thư chi bộ", WORK, "01078901"),
        ("Lý Văn Thắng", "Nam", date(1983, 10, 12), date(2009, 8, 19), True, False, False, "Giáo viên", "",
         f"Tổ Ngữ văn, {WORK}", "01089012"),
        ("Mai Phương Thảo", "Nữ", date(1989, 3, 8), date(2015, 3, 8), True, False, False, "Giáo viên", "",
         f"Tổ Ngữ văn, {WORK}", "01090123"),
        ("Dương Quang Huy", "Nam", date(1992, 9, 9), date(2018, 12, 20), True, False, False, "Giáo viên", "",
         f"Tổ Ngữ văn, {WORK}", "01101234"),
        ("Hồ Thị Lan", "Nữ", date(1986, 1, 21), date(2011, 7, 27), True, False, False, "Tổ trưởng chuyên môn",
         "Phó Bí thư chi bộ", f"Tổ Ngữ văn, {WORK}", "01112345"),
        ("Cao Minh Khôi", "Nam", date(1997, 11, 11), date(2025, 9, 2), False, False, False, "Giáo viên", "",
         f"Tổ Ngữ văn, {WORK}", ""),
        ("Phan Thị Yến", "Nữ", date(1990, 4, 30), date(2017, 5, 19), True, False, False, "Giáo viên", "",
         f"Tổ Ngữ văn, {WORK}", "01123456"),
        ("Tạ Đình Phong", "Nam", date(1984, 6, 16), date(2010, 11, 20), True, False, False, "Giáo viên", "",
         f"Tổ Ngữ văn, {WORK}", "01134567"),
        ("Lương Thị Hạnh", "Nữ", date(1994, 8, 26), date(2020, 2, 3), True, False, False, "Giáo viên", "",
         f"Tổ Ngữ văn, {WORK}", "01145678"),
        ("Võ Thành Nam", "Nam", date(1980, 12, 24), date(2006, 3, 26), True, False, False, "Nhân viên văn phòng", "",
         f"Văn phòng {WORK}", "01156789"),
    ],
}
HEADER = ("STT", "Họ và tên", "Ngày, tháng, năm sinh", "Giới tính", "Ngày vào Đảng", "Ngày chính thức",
          "Chức vụ Đảng", "Chức vụ", "Nơi công tác", "Chi bộ", "Số thẻ đảng viên", "Lãnh đạo, quản lý",
          "Ngoài hệ thống chính trị")
WIDTHS = (6, 26, 14, 9, 14, 14, 18, 20, 34, 22, 14, 10, 12)


def main() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "DS đảng viên"
    thin = Side(style="thin")
    grid = Border(left=thin, right=thin, top=thin, bottom=thin)
    bold = Font(name="Times New Roman", bold=True, size=12)
    plain = Font(name="Times New Roman", size=12)
    ws.merge_cells("A1:E1")
    ws["A1"] = "ĐẢNG BỘ PHƯỜNG BA ĐÌNH"
    ws.merge_cells("A2:E2")
    ws["A2"] = "ĐẢNG BỘ TRƯỜNG THPT PHAN ĐÌNH PHÙNG"
    ws["A2"].font = bold
    ws.merge_cells("H1:M1")
    ws["H1"] = "ĐẢNG CỘNG SẢN VIỆT NAM"
    ws["H1"].font = bold
    ws.merge_cells("A4:M4")
    ws["A4"] = "DANH SÁCH ĐẢNG VIÊN"
    ws["A4"].font = Font(name="Times New Roman", bold=True, size=14)
    ws["A4"].alignment = Alignment(horizontal="center")
    ws.merge_cells("A5:M5")
    ws["A5"] = "(Kèm theo báo cáo của Đảng ủy, cập nhật tháng 11 năm 2026)"
    ws["A5"].alignment = Alignment(horizontal="center")
    header_row = 7
    for col, (title, width) in enumerate(zip(HEADER, WIDTHS), start=1):
        cell = ws.cell(row=header_row, column=col, value=title)
        cell.font, cell.border = bold, grid
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[cell.column_letter].width = width
    row, stt = header_row, 0
    for group, (chi_bo, people) in enumerate(CHI_BO.items(), start=1):
        row += 1
        ws.cell(row=row, column=1, value=f"{'I' * group}. {chi_bo.upper()}").font = bold
        for (name, sex, born, admitted, official, leader, outside, post, party_post, work, card) in people:
            row += 1
            stt += 1
            official_on = admitted + timedelta(days=365) if official else None
            # Some dates typed as text, the way lists copied from older files come.
            born_cell = f"{born.day}/{born.month}/{born.year}" if stt % 3 == 0 else born
            values = (stt, name, born_cell, sex, admitted, official_on, party_post, post, work, chi_bo, card,
                      "x" if leader else None, "x" if outside else None)
            for col, value in enumerate(values, start=1):
                cell = ws.cell(row=row, column=col, value=value if value != "" else None)
                cell.font, cell.border = plain, grid
                if isinstance(value, date):
                    cell.number_format = "DD/MM/YYYY"
                elif col == 11 and value:
                    cell.data_type = "s"
    row += 2
    ws.cell(row=row, column=9, value="Ba Đình, ngày 20 tháng 11 năm 2026").font = Font(name="Times New Roman",
                                                                                      italic=True)
    ws.cell(row=row + 1, column=9, value="T/M ĐẢNG ỦY").font = bold
    OUT.parent.mkdir(parents=True, exist_ok=True)
    wb.save(OUT)
    print(f"{OUT}: {stt} đảng viên")


if __name__ == "__main__":
    main()
