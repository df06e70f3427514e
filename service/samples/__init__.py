"""Realistic Vietnamese content of every document kind: template previews, tests and benchmarks use it.

all_samples()[code]() is a complete, valid payload of that kind; all_max_samples() the 200-row variants."""
from __future__ import annotations

HEADER = {"superior_body": "ĐẢNG BỘ TRƯỜNG THPT PHAN ĐÌNH PHÙNG", "issuing_body": "CHI BỘ TỔ TOÁN – TIN",
          "place": "Hà Nội", "signed_on": "2026-12-05"}

SECTIONS = {
    "a_i_1": "Luôn giữ vững **lập trường chính trị**, tuyệt đối trung thành với Đảng.\n\n"
             "Không có biểu hiện suy thoái về tư tưởng chính trị, đạo đức, lối sống, *“tự diễn biến”, "
             "“tự chuyển hoá”*.",
    "a_i_2": "Hoàn thành 100% nhiệm vụ được giao:\n\n- Giảng dạy 18 tiết/tuần môn Toán lớp 11A1, 11A3;\n"
             "- Bồi dưỡng đội tuyển học sinh giỏi: 3 giải cấp thành phố.\n\n"
             "1. Hoàn thành đề tài sáng kiến kinh nghiệm;\n2. Tham gia chấm thi tốt nghiệp.",
    "a_i_3": "Thực hiện nghiêm túc bản cam kết tu dưỡng, rèn luyện, phấn đấu năm 2026.",
    "a_ii_1": "Đôi khi chưa mạnh dạn phê bình đồng chí, đồng nghiệp.",
    "a_ii_2": "Nguyên nhân chủ quan: còn nể nang; khách quan: khối lượng công việc lớn.",
    "a_iii": "Hạn chế năm trước về ứng dụng công nghệ thông tin đã được khắc phục.",
    "a_iv": "Không có.",
    "a_v": "Chịu một phần trách nhiệm về việc chi bộ chậm nộp báo cáo quý III.",
    "a_vi": "Tăng cường tự học, mạnh dạn góp ý xây dựng tập thể; khắc phục xong trong quý I năm sau.",
}


def member_review_366(**overrides) -> dict:
    """A complete HD 43 Mẫu 2B submission."""
    data = {"year": 2026, **HEADER, "full_name": "Trần Thị Ánh Tuyết", "birth_date": "1985-09-02",
            "work_unit": "Tổ Toán – Tin, Trường THPT Phan Đình Phùng", "chi_bo": "Chi bộ Tổ Toán – Tin",
            **SECTIONS, "score_general": 27.5, "score_tasks": 63, "proposed_level": "tot"}
    data.update(overrides)
    return data


def member_review_124(**overrides) -> dict:
    """A complete HD 25 Mẫu 02A submission (members without a leadership post)."""
    data = {"year": 2024, **HEADER, "signed_on": "2024-12-10", "full_name": "Lê Minh Đức",
            "birth_date": "1990-11-20", "party_post": "", "government_post": "Giáo viên",
            "union_post": "Ủy viên Ban Chấp hành Công đoàn", "work_unit": "Tổ Toán – Tin, Trường THPT Phan Đình Phùng",
            "chi_bo": "Chi bộ Tổ Toán – Tin", **SECTIONS, "grade_i_1": "tot", "grade_i_2": "xuat_sac",
            "grade_iii": "tot", "civil_servant_level": "tot", "proposed_level": "xuat_sac"}
    data.update(overrides)
    return data


SAMPLES = {"member-review-366": member_review_366, "member-review-124": member_review_124}


def all_samples() -> dict:
    """Every kind's realistic sample payload, from each area's samples module."""
    from . import collective, common, decisions, meeting, personal, result

    merged = dict(SAMPLES)
    for module in (collective, common, decisions, meeting, personal, result):
        merged.update(module.SAMPLES)
    return merged


def all_max_samples() -> dict:
    """The 200-row variants of the kinds with tables."""
    from . import common, decisions, meeting, personal

    merged = {}
    for module in (common, decisions, meeting, personal):
        merged.update(getattr(module, "SAMPLES_MAX", {}))
    return merged
