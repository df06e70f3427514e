"""Realistic Vietnamese payloads for the customary documents: the commitment and the chi bộ summary.

SAMPLES maps each kind code to a callable returning a complete JSON payload (overrides as keyword arguments);
SAMPLES_MAX holds the largest documents (a 200-row summary). Other tests import both: keep names and shapes.
"""
from __future__ import annotations

from typing import Any, Callable

from service.text import sort_people

HEADER_2026 = {"superior_body": "ĐẢNG BỘ TRƯỜNG THPT PHAN ĐÌNH PHÙNG", "issuing_body": "CHI BỘ TỔ TOÁN – TIN",
               "place": "Hà Nội", "signed_on": "2026-01-15"}
HEADER_2024 = {"superior_body": "ĐẢNG BỘ XÃ TÂN HIỆP", "issuing_body": "CHI BỘ ẤP MỘT", "place": "Tân Hiệp",
               "signed_on": "2024-01-20"}

POINTS = {
    "point_1": "Tuyệt đối trung thành với Đảng, kiên định chủ nghĩa Mác - Lênin, tư tưởng Hồ Chí Minh; **không dao "
               "động** trước những khó khăn, thách thức.\n\n"
               "Kiên quyết đấu tranh với các quan điểm sai trái, *“tự diễn biến”, “tự chuyển hoá”*.",
    "point_2": "Giữ gìn phẩm chất đạo đức, lối sống giản dị; thực hiện nghiêm Quy định 37-QĐ/TW về những điều "
               "đảng viên không được làm và Quy định 08-QĐi/TW về trách nhiệm nêu gương.",
    "point_3": "Chấp hành nghiêm nguyên tắc tập trung dân chủ:\n\n"
               "- Tham gia 100% buổi sinh hoạt chi bộ;\n"
               "- Đóng đảng phí đầy đủ, đúng ngày 05 hằng tháng;\n"
               "- Báo cáo chi ủy nơi cư trú ít nhất 2 lần/năm.",
    "point_4": "Hoàn thành 100% nhiệm vụ được giao, trong đó:\n\n"
               "1. Giảng dạy 18 tiết/tuần môn Toán lớp 11A1, 11A3 & 12A2, tỷ lệ khá giỏi trên 70%;\n"
               "2. Bồi dưỡng đội tuyển học sinh giỏi cấp thành phố đạt ít nhất 2 giải;\n"
               "3. Hoàn thành lớp trung cấp lý luận chính trị trước tháng 10.",
    "point_5": "Thực hiện tác phong dân chủ, gần gũi; đoàn kết, giúp đỡ đồng nghiệp trẻ trong tổ chuyên môn.\n\n"
               "Tham gia sinh hoạt tổ dân phố số 7, phường Ba Đình; gương mẫu thực hiện quy ước khu dân cư.",
    "point_6": "Đăng ký làm theo Bác: **“Tận tụy với học sinh, nói đi đôi với làm”**:\n\n"
               "- Mỗi tháng phụ đạo miễn phí 4 buổi cho học sinh yếu;\n"
               "- Không dạy thêm trái quy định.",
}


def commitment_366(**overrides: Any) -> dict[str, Any]:
    """A complete commitment of 2026 (QĐ 366)."""
    data = {"year": 2026, **HEADER_2026, "full_name": "Trần Thị Ánh Tuyết", "birth_date": "1985-09-02",
            "admitted_on": "2010-05-19", "official_on": "2011-05-19",
            "positions": "Chi ủy viên; Tổ phó chuyên môn; Ủy viên Ban Chấp hành Công đoàn",
            "work_unit": "Tổ Toán – Tin, Trường THPT Phan Đình Phùng", "chi_bo": "Chi bộ Tổ Toán – Tin",
            **POINTS, "target_level": "xuat_sac", "confirmer_title": "BÍ THƯ", "confirmer_name": "Nguyễn Văn Hùng"}
    data.update(overrides)
    return data


def commitment_124(**overrides: Any) -> dict[str, Any]:
    """A complete commitment of 2024 (QĐ 124), a probationary member: no official date, no confirmer name."""
    data = {"year": 2024, **HEADER_2024, "full_name": "Lê Minh Đức", "birth_date": "1998-11-20",
            "admitted_on": "2023-12-22", "official_on": "", "positions": "Phó Bí thư Chi đoàn ấp",
            "work_unit": "Ban Nhân dân ấp Một, xã Tân Hiệp", "chi_bo": "Chi bộ ấp Một",
            **POINTS, "target_level": "tot", "confirmer_title": "BÍ THƯ", "confirmer_name": ""}
    data.update(overrides)
    return data


def _rows(members: list[tuple[str, bool, str, str, str, str]]) -> list[dict[str, Any]]:
    """(name, official, self, proposal, decision, note) → JSON rows in Vietnamese name order."""
    rows = [{"full_name": n, "official": o, "self_level": s, "proposal": p, "decision": d, "note": note}
            for n, o, s, p, d, note in members]
    return sort_people(rows, key=lambda r: r["full_name"])


NEW_MEMBER_NOTE = "Không xếp loại: mới vào Đảng dưới 6 tháng"
# Chi bộ Tổ Toán – Tin, 2026: 10 members, 9 rated. Self 3/5/1, proposal 2/6/1, decision 1/7/1 (xs/tốt/HT).
MEMBERS_2026 = [
    ("Trần Thị Ánh Tuyết", True, "xuat_sac", "xuat_sac", "xuat_sac", ""),
    ("Nguyễn Văn Hùng", True, "xuat_sac", "xuat_sac", "tot", "Bí thư chi bộ"),
    ("Phạm Quốc Anh", True, "xuat_sac", "tot", "tot", ""),
    ("Lê Thị Hồng Nhung", True, "tot", "tot", "tot", ""),
    ("Đỗ Minh Châu", True, "tot", "tot", "tot", ""),
    ("Vũ Thị Thu Hà", True, "tot", "tot", "tot", "Nghỉ thai sản 6 tháng: xếp loại theo thời gian công tác thực tế"),
    ("Hoàng Văn Đức", True, "tot", "tot", "tot", ""),
    ("Bùi Thị Ngọc Ánh", False, "tot", "tot", "tot", "Đảng viên dự bị"),
    ("Ngô Thanh Sơn", True, "hoan_thanh", "hoan_thanh", "hoan_thanh", ""),
    ("Đặng Thị Yến", False, "", "", "", NEW_MEMBER_NOTE),
]
# Chi bộ ấp Một, 2024: 9 members, 8 rated. Decision 1 xs, 5 tốt, 1 HT, 1 không HT (12,5% / 62,5% / …).
MEMBERS_2024 = [
    ("Lê Minh Đức", False, "tot", "tot", "tot", "Đảng viên dự bị"),
    ("Trương Văn Tám", True, "xuat_sac", "xuat_sac", "xuat_sac", "Bí thư chi bộ"),
    ("Nguyễn Thị Lệ", True, "tot", "tot", "tot", ""),
    ("Huỳnh Văn Út", True, "tot", "tot", "tot", ""),
    ("Phan Thị Mỹ Linh", True, "xuat_sac", "tot", "tot", ""),
    ("Châu Văn Lợi", True, "tot", "tot", "tot", ""),
    ("Tô Thị Hoa", True, "tot", "hoan_thanh", "hoan_thanh", "Nghỉ ốm 4 tháng"),
    ("Lâm Văn Rớt", True, "hoan_thanh", "khong_hoan_thanh", "khong_hoan_thanh", "Bị kỷ luật khiển trách trong năm"),
    ("Đinh Văn Ổn", True, "", "", "", "Không xếp loại: miễn công tác và sinh hoạt đảng"),
]


def summary_366(**overrides: Any) -> dict[str, Any]:
    """The 2026 summary of Chi bộ Tổ Toán – Tin (QĐ 366)."""
    data = {"year": 2026, **HEADER_2026, "signed_on": "2026-12-28", "rows": _rows(MEMBERS_2026), "quota_pct": "20",
            "signer_name": "Nguyễn Văn Hùng"}
    data.update(overrides)
    return data


def summary_124(**overrides: Any) -> dict[str, Any]:
    """The 2024 summary of Chi bộ ấp Một (QĐ 124)."""
    data = {"year": 2024, **HEADER_2024, "signed_on": "2024-12-27", "rows": _rows(MEMBERS_2024), "quota_pct": "20",
            "signer_name": "Trương Văn Tám"}
    data.update(overrides)
    return data


FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
MIDDLE = ["Văn", "Thị", "Minh", "Quốc", "Ngọc"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Đạt", "Giang", "Hải", "Hạnh", "Khoa", "Lan", "Mai", "Nam", "Oanh", "Phúc",
         "Quân", "Sơn", "Tâm", "Uyên", "Vân", "Yến"]
# A cycle of (self, proposal, decision) so every column has every level and some members are not rated.
CYCLE = [("tot", "tot", "tot")] * 6 + [("xuat_sac", "xuat_sac", "tot"), ("xuat_sac", "tot", "tot"),
                                       ("hoan_thanh", "hoan_thanh", "hoan_thanh"), ("xuat_sac", "xuat_sac", "xuat_sac"),
                                       ("tot", "hoan_thanh", "khong_hoan_thanh"), ("", "", "")]


def summary_max(year: int = 2026, **overrides: Any) -> dict[str, Any]:
    """A 200-row summary (the most a summary takes): 200 distinct names, every level in every column."""
    members = []
    for i in range(200):
        name = f"{FAMILY[i // 20]} {MIDDLE[i // 3 % 5]} {GIVEN[i % 20]}"  # (family, given) is unique
        s, p, d = CYCLE[i % len(CYCLE)]
        note = NEW_MEMBER_NOTE if not d else ("Đảng viên dự bị" if i % 17 == 0 else "")
        members.append((name, i % 17 != 0, s, p, d, note))
    header = HEADER_2026 if year >= 2025 else HEADER_2024
    data = {"year": year, **header, "signed_on": f"{year}-12-28", "rows": _rows(members), "quota_pct": "20",
            "signer_name": "Nguyễn Văn Hùng"}
    data.update(overrides)
    return data


SAMPLES: dict[str, Callable[..., dict[str, Any]]] = {
    "commitment-366": commitment_366,
    "commitment-124": commitment_124,
    "summary-366": summary_366,
    "summary-124": summary_124,
}
SAMPLES_MAX: dict[str, Callable[..., dict[str, Any]]] = {
    "summary-366": summary_max,
    "summary-124": lambda **overrides: summary_max(2024, **overrides),
}
