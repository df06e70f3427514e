"""Realistic payloads for HD 43 Mẫu 03 (re-rating decision) and Mẫu 04 (dossier list), review year 2026.

`SAMPLES[code]()` is a complete final document; `SAMPLES_MAX[code]()` the same with 200 table rows (the limit).
"""
from __future__ import annotations

from typing import Any, Callable

HEADER = {"year": 2026, "superior_body": "ĐẢNG BỘ PHƯỜNG BA ĐÌNH",
          "issuing_body": "ĐẢNG ỦY TRƯỜNG THPT PHAN ĐÌNH PHÙNG", "place": "Hà Nội"}
SIGNER = {"signer_body": "ĐẢNG ỦY", "signer_title": "BÍ THƯ", "signer_name": "Nguyễn Văn Hùng"}

BASES = ("- Căn cứ Điều lệ Đảng;\n"
         "- Căn cứ Quy định số 366-QĐ/TW ngày 30/8/2025 của Bộ Chính trị về việc kiểm điểm và đánh giá, xếp loại "
         "chất lượng đối với tập thể, cá nhân trong hệ thống chính trị;\n"
         "- Căn cứ Hướng dẫn số 43-HD/BTCTW ngày 31/10/2025 của Ban Tổ chức Trung ương;\n"
         "- Căn cứ Thông báo số 12-TB/UBKTĐU ngày 12/01/2027 của Ủy ban Kiểm tra Đảng ủy;\n"
         "- Xét đề nghị của Văn phòng Đảng ủy về việc đánh giá, xếp loại lại chất lượng năm 2026,")
RERATED = [
    {"full_name": "Chi bộ Tổ Ngữ văn", "unit": "Đảng bộ Trường THPT Phan Đình Phùng", "earlier_level": "tot",
     "new_level": "hoan_thanh", "reason": "Có 01 đảng viên bị kỷ luật khiển trách do vi phạm trong năm 2026, phát "
                                          "hiện sau khi đã xếp loại."},
    {"full_name": "Tạ Đình Phong", "unit": "Chi bộ Tổ Ngữ văn", "earlier_level": "hoan_thanh",
     "new_level": "khong_hoan_thanh", "reason": "Bị kỷ luật khiển trách ngày 10/01/2027 do vi phạm những điều "
                                                "đảng viên không được làm trong năm 2026."},
    {"full_name": "Đỗ Hữu Ước", "unit": "Chi bộ Tổ Toán – Tin", "earlier_level": "xuat_sac", "new_level": "tot",
     "reason": "Kết quả thẩm định: số nhiệm vụ vượt kế hoạch < 30% & chưa khắc phục hết hạn chế năm trước."},
]
ARTICLE_2 = ("Hủy bỏ kết quả đánh giá, xếp loại chất lượng năm 2026 đã công nhận tại Quyết định số 118-QĐ/ĐU ngày "
             "25/12/2026 của Đảng ủy đối với tổ chức đảng, đảng viên có tên tại Điều 1.")
ARTICLE_3 = ("Quyết định có hiệu lực kể từ ngày ký. Văn phòng Đảng ủy, Chi bộ Tổ Toán – Tin, Chi bộ Tổ Ngữ văn và "
             "các đồng chí có tên tại Điều 1 căn cứ Quyết định thi hành.")
RECIPIENTS = [{"name": "Như Điều 3"}, {"name": "Ban Thường vụ Đảng ủy phường Ba Đình (để báo cáo),"},
              {"name": "Lưu Văn phòng Đảng ủy."}]

DOSSIER_ROWS = [
    {"title": "Bản kiểm điểm cá nhân, báo cáo kiểm điểm tập thể", "reference": "45-BC/ĐU ngày 10/12/2026",
     "pages": 14, "note": "Kèm 20 bản kiểm điểm cá nhân"},
    {"title": "Bản nhận xét của cấp uỷ nơi cư trú", "reference": "", "pages": 6, "note": "Bản chính"},
    {"title": "Biên bản hội nghị kiểm điểm", "reference": "Ngày 12/12/2026", "pages": 9, "note": ""},
    {"title": "Tổng hợp kết quả thẩm định", "reference": "52-BC/ĐU ngày 18/12/2026", "pages": 4, "note": ""},
    {"title": "Kết luận đánh giá, kết quả xếp loại", "reference": "118-QĐ/ĐU ngày 25/12/2026", "pages": 3,
     "note": "Kèm danh sách"},
    {"title": "Văn bản gợi ý kiểm điểm (nếu có)", "reference": "30-CV/ĐU ngày 20/11/2026", "pages": 2, "note": ""},
    {"title": "Hồ sơ giải quyết khiếu nại, kiến nghị (nếu có)", "reference": "", "pages": 11,
     "note": "Đơn kiến nghị <bản sao> & kết quả giải quyết"},
]

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
MIDDLE = ("Văn", "Thị", "Minh", "Thu", "Quốc", "Ngọc", "Hữu", "Thanh")
GIVEN = ("An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Khánh", "Lộc", "Nhung", "Ước", "Yến", "Ẩn", "Ơn")
LEVELS = ("xuat_sac", "tot", "hoan_thanh", "khong_hoan_thanh")


def rerating_decision(**overrides: Any) -> dict[str, Any]:
    """A complete HD 43 Mẫu 03 decision re-rating one chi bộ and two members."""
    data = {**HEADER, "signed_on": "2027-01-20", "number": "125-QĐ/ĐU", "bases": BASES,
            "authority": "ĐẢNG ỦY TRƯỜNG THPT PHAN ĐÌNH PHÙNG", "rows": [dict(r) for r in RERATED],
            "article_2": ARTICLE_2, "article_3": ARTICLE_3, **SIGNER, "recipients": [dict(r) for r in RECIPIENTS]}
    data.update(overrides)
    return data


def dossier_list(**overrides: Any) -> dict[str, Any]:
    """A complete HD 43 Mẫu 04 list of a đảng ủy's dossier (7 documents, 49 pages)."""
    data = {**HEADER, "signed_on": "2027-01-15", "recipient": "Ban Tổ chức Trung ương",
            "sender": "Đảng ủy Trường THPT Phan Đình Phùng",
            "subject_name": "Đảng bộ Trường THPT Phan Đình Phùng và Ban Chấp hành Đảng bộ",
            "rows": [dict(r) for r in DOSSIER_ROWS], **SIGNER}
    data.update(overrides)
    return data


def _name(n: int) -> str:
    return f"{SURNAMES[n % 10]} {MIDDLE[n // 10 % 8]} {GIVEN[n % 13]}"


def rerating_decision_max() -> dict[str, Any]:
    """200 members rated again: the table runs over several pages."""
    rows = [{"full_name": _name(n), "unit": f"Chi bộ Tổ {n % 12 + 1:02d}", "earlier_level": LEVELS[n % 3],
             "new_level": LEVELS[n % 3 + 1], "reason": f"Kết quả thẩm định lại: {n % 5 + 1} nhiệm vụ chậm tiến độ."}
            for n in range(200)]
    return rerating_decision(rows=rows)


def dossier_list_max() -> dict[str, Any]:
    """200 documents (one bản kiểm điểm per member): the table runs over several pages."""
    rows = [{"title": f"Bản kiểm điểm, tự đánh giá, xếp loại cá nhân của đồng chí {_name(n)}",
             "reference": f"Ngày {n % 28 + 1:02d}/12/2026", "pages": n % 4 + 3, "note": "Bản chính"}
            for n in range(200)]
    return dossier_list(rows=rows)


SAMPLES: dict[str, Callable[..., dict[str, Any]]] = {
    "rerating-decision-366": rerating_decision,
    "dossier-list-366": dossier_list,
}
SAMPLES_MAX: dict[str, Callable[[], dict[str, Any]]] = {
    "rerating-decision-366": rerating_decision_max,
    "dossier-list-366": dossier_list_max,
}
