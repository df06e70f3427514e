"""Realistic payloads for the meeting documents (minutes, ballot, vote count) in both regimes.

SAMPLES[kind code]() is a complete, valid submission; SAMPLES_MAX[kind code]() the same with 200-row tables.
Keep the names and shapes: a generic test renders every kind from these.
"""
from __future__ import annotations

from typing import Any, Callable

HEADER = {"superior_body": "ĐẢNG BỘ TRƯỜNG THPT PHAN ĐÌNH PHÙNG", "issuing_body": "CHI BỘ TỔ TOÁN – TIN",
          "place": "Hà Nội"}
YEARS = {"366": (2026, "2026-12-05"), "124": (2024, "2024-12-10")}

# (full name, official, attendance, reason) in Vietnamese order (given name first), as unit_facts gives them.
# 11 members: 9 official, 2 probationary; 1 exempted; present 7 official + 1 probationary; 2 absent.
MEMBERS: list[tuple[str, bool, str, str]] = [
    ("Đặng Văn Ẩn", True, "mien", ""),
    ("Nguyễn Văn Bình", True, "vang_co_ly_do", "đi công tác tại Đà Nẵng"),
    ("Lê Văn Cường", False, "co_mat", ""),
    ("Lê Thị Thu Hà", True, "co_mat", ""),
    ("Bùi Thị Hạnh", True, "co_mat", ""),
    ("Đỗ Văn Hùng", False, "vang_khong_ly_do", ""),
    ("Phạm Quốc Khánh", True, "co_mat", ""),
    ("Nguyễn Thị Lan", True, "co_mat", ""),
    ("Trần Đức Long", True, "co_mat", ""),
    ("Vũ Thị Mai", True, "co_mat", ""),
    ("Hoàng Minh Tuấn", True, "co_mat", ""),
]
# (self level, chi bộ proposal, votes xuất sắc / tốt / hoàn thành / không hoàn thành); 7 official members vote.
RESULTS: dict[str, tuple[str, str, tuple[int | None, ...]]] = {
    "Nguyễn Văn Bình": ("tot", "tot", (0, 7, 0, 0)),
    "Lê Văn Cường": ("tot", "hoan_thanh", (0, 2, 5, 0)),
    "Lê Thị Thu Hà": ("xuat_sac", "tot", (1, 6, 0, 0)),
    "Bùi Thị Hạnh": ("tot", "tot", (0, 7, 0, 0)),
    "Đỗ Văn Hùng": ("hoan_thanh", "khong_hoan_thanh", (0, 0, 2, 5)),
    "Phạm Quốc Khánh": ("tot", "tot", (0, 7, 0, 0)),
    "Nguyễn Thị Lan": ("xuat_sac", "xuat_sac", (7, 0, 0, 0)),
    "Trần Đức Long": ("tot", "tot", (0, 6, 1, 0)),
    "Vũ Thị Mai": ("tot", "tot", (0, 7, 0, 0)),
    "Hoàng Minh Tuấn": ("xuat_sac", "tot", (2, 5, 0, 0)),
}
LEVELS = ("xuat_sac", "tot", "hoan_thanh", "khong_hoan_thanh")

CONTENT = (
    "Đồng chí **Nguyễn Thị Lan**, Bí thư chi bộ, nêu mục đích, yêu cầu của hội nghị và trình bày dự thảo Báo cáo "
    "kiểm điểm tập thể chi bộ năm {year}. Hội nghị thảo luận, góp ý và thông qua báo cáo.\n\n"
    "Từng đảng viên lần lượt đọc bản kiểm điểm, tự đánh giá, xếp loại cá nhân. Các ý kiến phát biểu:\n\n"
    "- Đồng chí Trần Đức Long góp ý đồng chí Lê Văn Cường cần mạnh dạn hơn trong sinh hoạt chi bộ;\n"
    "- Đồng chí Vũ Thị Mai đề nghị đồng chí Lê Thị Thu Hà bổ sung số liệu về kết quả bồi dưỡng học sinh giỏi;\n"
    "- Đồng chí Phạm Quốc Khánh nhận xét đồng chí Đỗ Văn Hùng vắng sinh hoạt chi bộ 4 lần không có lý do.\n\n"
    "Đồng chí chủ trì kết luận đối với từng đồng chí; *chi bộ thống nhất* mức đề xuất xếp loại như bảng dưới đây."
)
CONCLUSION = (
    "Hội nghị đã tiến hành nghiêm túc, đúng quy trình; các đồng chí đảng viên tự phê bình và phê bình thẳng thắn.\n\n"
    "1. Các đồng chí có hạn chế xây dựng kế hoạch khắc phục, hoàn thành trong quý I năm sau;\n"
    "2. Giao chi ủy hoàn thiện hồ sơ, báo cáo Đảng ủy trước ngày 20/12."
)
GUESTS = "Đồng chí Phan Văn Thịnh, Ủy viên Ban Thường vụ Đảng ủy, dự và chỉ đạo hội nghị."


def _header(regime: str) -> dict[str, Any]:
    year, signed = YEARS[regime]
    return {"year": year, **HEADER, "signed_on": signed}


def _attendance(members: list[tuple[str, bool, str, str]]) -> list[dict[str, Any]]:
    return [{"full_name": n, "official": o, "attendance": a, "reason": r} for n, o, a, r in members]


def _votes(levels: tuple[int | None, ...]) -> dict[str, Any]:
    return {f"votes_{code}": v for code, v in zip(LEVELS, levels)}


def _results() -> list[dict[str, Any]]:
    rows = []
    for name, _, attendance, _ in MEMBERS:
        if attendance == "mien":
            rows.append({"full_name": name, "note": "Miễn sinh hoạt đảng, không đánh giá, xếp loại"})
            continue
        self_level, proposed, votes = RESULTS[name]
        rows.append({"full_name": name, "self_level": self_level, "proposed_level": proposed, **_votes(votes)})
    return rows


def minutes(regime: str = "366", **overrides: Any) -> dict[str, Any]:
    """Biên bản hội nghị: 11 members, 7 official present vote."""
    year, signed = YEARS[regime]
    data = {**_header(regime), "opened_at": "14:00", "held_on": signed,
            "venue": "Phòng họp tầng 2, Trường THPT Phan Đình Phùng", "attendance": _attendance(MEMBERS),
            "guests": GUESTS, "chair": "Nguyễn Thị Lan", "chair_position": "BÍ THƯ", "secretary": "Vũ Thị Mai",
            "content": CONTENT.format(year=year), "results": _results(), "collective_level": "tot",
            "collective_agree": 7, "conclusion": CONCLUSION, "adopted_agree": 7, "closed_at": "17:15"}
    data.update(overrides)
    return data


def ballot(regime: str = "366", **overrides: Any) -> dict[str, Any]:
    """Phiếu đánh giá, xếp loại with the names of the 10 members rated this year."""
    data = {**_header(regime), "prefilled": True, "blank_rows": 15,
            "members": [{"full_name": n} for n, _, a, _ in MEMBERS if a != "mien"]}
    data.update(overrides)
    return data


def vote_count(regime: str = "366", **overrides: Any) -> dict[str, Any]:
    """Biên bản kiểm phiếu: 7 ballots issued and returned, all valid."""
    _, signed = YEARS[regime]
    data = {**_header(regime), "counted_at": "16:30", "counted_on": signed,
            "venue": "Phòng họp tầng 2, Trường THPT Phan Đình Phùng",
            "committee": [{"full_name": "Trần Đức Long", "role": "truong_ban"},
                          {"full_name": "Phạm Quốc Khánh", "role": "thanh_vien"},
                          {"full_name": "Bùi Thị Hạnh", "role": "thanh_vien"}],
            "ballots_issued": 7, "ballots_returned": 7, "ballots_valid": 7, "ballots_invalid": 0,
            "results": [{"full_name": name, **_votes(RESULTS[name][2])} for name, _, a, _ in MEMBERS if a != "mien"],
            "closed_at": "16:55"}
    data.update(overrides)
    return data


FAMILY_NAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
                "Ngô", "Dương", "Lý")
MIDDLE_NAMES = ("Văn", "Thị", "Đức", "Minh", "Thu", "Quốc", "Ngọc", "Hữu", "Thanh", "Xuân")
GIVEN_NAMES = ("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Khánh", "Lan",
               "Long", "Mai", "Nam", "Nga", "Phong", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Thắng", "Trang",
               "Tuấn", "Uyên", "Việt", "Xuân", "Yến")


def many_names(count: int = 200) -> list[str]:
    """Distinct Vietnamese full names (family, middle, given)."""
    names = []
    for n in range(count):
        given = GIVEN_NAMES[n % len(GIVEN_NAMES)]
        middle = MIDDLE_NAMES[(n // len(GIVEN_NAMES)) % len(MIDDLE_NAMES)]
        family = FAMILY_NAMES[(n * 7) % len(FAMILY_NAMES)]
        names.append(f"{family} {middle} {given}")
    return names


def minutes_max(regime: str = "366") -> dict[str, Any]:
    """200 members: 180 official (170 present), 20 probationary (all present); every table at its maximum."""
    names = many_names()
    attendance, results = [], []
    for n, name in enumerate(names):
        official = n % 10 != 9
        status = "co_mat" if not official or n % 18 else "vang_co_ly_do"
        attendance.append({"full_name": name, "official": official, "attendance": status,
                           "reason": "ốm, có đơn xin phép" if status == "vang_co_ly_do" else ""})
        results.append({"full_name": name, "self_level": "tot", "proposed_level": "tot", **_votes((0, 0, 0, 0))})
    base = sum(1 for r in attendance if r["official"] and r["attendance"] == "co_mat")
    for row in results:
        row["votes_tot"], row["votes_hoan_thanh"] = base - 3, 3
    return minutes(regime, attendance=attendance, results=results, collective_agree=base, adopted_agree=base)


def ballot_max(regime: str = "366") -> dict[str, Any]:
    return ballot(regime, members=[{"full_name": name} for name in many_names()])


def vote_count_max(regime: str = "366") -> dict[str, Any]:
    return vote_count(regime, ballots_issued=170, ballots_returned=170, ballots_valid=168, ballots_invalid=2,
                      results=[{"full_name": name, **_votes((10, 150, 8, 0))} for name in many_names()])


SAMPLES: dict[str, Callable[[], dict[str, Any]]] = {
    "minutes-366": lambda: minutes("366"),
    "minutes-124": lambda: minutes("124"),
    "ballot-366": lambda: ballot("366"),
    "ballot-124": lambda: ballot("124"),
    "vote-count-366": lambda: vote_count("366"),
    "vote-count-124": lambda: vote_count("124"),
}
SAMPLES_MAX: dict[str, Callable[[], dict[str, Any]]] = {
    "minutes-366": lambda: minutes_max("366"),
    "minutes-124": lambda: minutes_max("124"),
    "ballot-366": lambda: ballot_max("366"),
    "ballot-124": lambda: ballot_max("124"),
    "vote-count-366": lambda: vote_count_max("366"),
    "vote-count-124": lambda: vote_count_max("124"),
}
