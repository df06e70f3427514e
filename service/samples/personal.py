"""Realistic, complete payloads of the personal forms (HD 43 Mẫu 2A, 2B, 2C, 05; HD 25 Mẫu 02A, 02B), as the API
takes them.

`SAMPLES` maps each kind code to a function returning a fresh payload; generic tests import it for every kind.
`SAMPLES_MAX` holds the largest payloads a form accepts (200 table rows).
"""
from __future__ import annotations

from typing import Any, Callable

from service.samples import member_review_124, member_review_366

SCHOOL = {"superior_body": "ĐẢNG BỘ PHƯỜNG BA ĐÌNH", "issuing_body": "ĐẢNG BỘ TRƯỜNG THPT PHAN ĐÌNH PHÙNG",
          "place": "Hà Nội"}
PREVIOUS_SHORTCOMING = ("Việc kiểm tra, giám sát các tổ chuyên môn có lúc chưa thường xuyên; chậm ban hành quy chế "
                        "chi tiêu nội bộ năm học mới.")


def leader_review_366(**overrides: Any) -> dict[str, Any]:
    """HD 43 Mẫu 2A of a vice-principal, review year 2025 (QĐ 366): 28 + 64,5 = 92,5 points, proposes 'Xuất sắc'."""
    data: dict[str, Any] = {
        "year": 2025, **SCHOOL, "signed_on": "2025-12-12", "full_name": "Phạm Quốc Khánh",
        "birth_date": "1976-03-14", "position": "Phó Bí thư Đảng ủy, Phó Hiệu trưởng",
        "work_unit": "Trường THPT Phan Đình Phùng", "chi_bo": "Chi bộ Ban Giám hiệu",
        "a_i_1": "Kiên định **chủ nghĩa Mác - Lênin, tư tưởng Hồ Chí Minh**; chấp hành nghiêm đường lối của Đảng, "
                 "chính sách, pháp luật của Nhà nước.\n\n"
                 "Giữ gìn đoàn kết trong Ban Giám hiệu và tập thể sư phạm; không có biểu hiện suy thoái, "
                 "*“tự diễn biến”, “tự chuyển hoá”*.",
        "a_i_2": "Phụ trách chuyên môn khối 10 và 11, trực tiếp giảng dạy 4 tiết/tuần môn Vật lý:\n\n"
                 "- Tỷ lệ học sinh khá, giỏi khối 10 đạt 78,4%, vượt kế hoạch 3,4%;\n"
                 "- Chỉ đạo hoàn thành kế hoạch giáo dục theo Chương trình giáo dục phổ thông 2018 đúng tiến độ.",
        "a_i_3": "Thực hiện đầy đủ bản cam kết tu dưỡng, rèn luyện, phấn đấu năm 2025; tham gia đủ 12 kỳ sinh hoạt "
                 "chi bộ.",
        "a_i_4": "Chỉ đạo 6 tổ chuyên môn hoàn thành 100% nhiệm vụ năm học; 2 tổ hoàn thành xuất sắc.\n\n"
                 "1. Tổ chức thành công Hội thi giáo viên dạy giỏi cấp trường;\n"
                 "2. Quy tụ tập thể hoàn thành chuyển đổi số sổ điểm, học bạ điện tử.",
        "a_i_5": "Chủ động đề xuất mô hình lớp học STEM liên môn, được Sở Giáo dục và Đào tạo đánh giá cao; trực "
                 "tiếp xử lý dứt điểm vụ việc phản ánh về thu chi đầu năm học.",
        "a_i_6": "Bản thân và gia đình gương mẫu chấp hành quy định về những điều đảng viên không được làm; kê khai "
                 "tài sản, thu nhập đúng quy định; lấy phiếu tín nhiệm đạt 95,6% tín nhiệm cao.",
        "a_ii_1": "Có lúc chưa dành nhiều thời gian dự giờ, thăm lớp của giáo viên trẻ.",
        "a_ii_2": "Nguyên nhân chủ quan: phân bổ thời gian chưa hợp lý; khách quan: nhiều nhiệm vụ đột xuất.",
        "a_iii": f"Hạn chế, khuyết điểm đã được chỉ ra năm trước:\n\n{PREVIOUS_SHORTCOMING}\n\n"
                 "Đã khắc phục xong: ban hành quy chế chi tiêu nội bộ đúng hạn; kiểm tra tổ chuyên môn hằng tháng.",
        "a_iv": "Không có vấn đề được gợi ý kiểm điểm.",
        "a_v": "Chịu trách nhiệm liên đới về việc Tổ Ngữ văn chậm nộp kế hoạch dạy học học kỳ I.",
        "a_vi": "Xây dựng lịch dự giờ hằng tuần; hoàn thành bồi dưỡng 100% giáo viên trẻ trong học kỳ II năm "
                "học 2025–2026.",
        "score_general": 28, "score_tasks": 64.5, "proposed_level": "xuat_sac",
    }
    data.update(overrides)
    return data


def outside_review_366(**overrides: Any) -> dict[str, Any]:
    """HD 43 Mẫu 2C of a retired member at a residential chi bộ, review year 2025: 26 + 56 = 82 points, 'Tốt'."""
    data: dict[str, Any] = {
        "year": 2025, "superior_body": "ĐẢNG BỘ PHƯỜNG BA ĐÌNH", "issuing_body": "CHI BỘ KHU DÂN CƯ SỐ 3",
        "place": "Hà Nội", "signed_on": "2025-12-06", "full_name": "Nguyễn Thị Hoà",
        "birth_date": "1958-07-27", "work_unit": "Nghỉ hưu (nguyên cán bộ Sở Y tế Hà Nội)",
        "chi_bo": "Chi bộ Khu dân cư số 3",
        "a_i_1": "Luôn giữ vững **bản lĩnh chính trị**, gương mẫu chấp hành chủ trương của Đảng, pháp luật của "
                 "Nhà nước và quy định của địa phương nơi cư trú.",
        "a_i_2": "Tham gia đầy đủ sinh hoạt chi bộ, đóng đảng phí đúng hạn:\n\n"
                 "- Phụ trách công tác khuyến học của tổ dân phố số 7;\n"
                 "- Vận động 12 hộ gia đình ủng hộ Quỹ “Vì người nghèo”.",
        "a_i_3": "Hoàn thành các nội dung đã cam kết đầu năm, nhất là việc tham gia sinh hoạt Hội Người cao tuổi.",
        "a_ii_1": "Việc nắm bắt tâm tư, nguyện vọng của các hộ dân mới chuyển đến còn hạn chế.",
        "a_ii_2": "Do sức khoẻ không ổn định, ít tham gia các buổi sinh hoạt tổ dân phố buổi tối.",
        "a_iii": "Hạn chế năm trước về việc chậm đóng đảng phí quý II đã được khắc phục hoàn toàn.",
        "a_iv": "Không có.",
        "a_v": "Không có.",
        "a_vi": "Phối hợp với tổ trưởng tổ dân phố thăm hỏi các hộ mới đến trong quý I năm 2026.",
        "score_general": 26, "score_tasks": 56, "proposed_level": "tot",
    }
    data.update(overrides)
    return data


def leader_review_124(**overrides: Any) -> dict[str, Any]:
    """HD 25 leader form (printed Mẫu 02B) of a principal, review year 2024 (QĐ 124): graded items, 'Tốt'."""
    data: dict[str, Any] = {
        "year": 2024, **SCHOOL, "signed_on": "2024-12-16", "full_name": "Đỗ Thị Thu Hằng",
        "birth_date": "1972-05-09", "party_post": "Bí thư Đảng ủy", "government_post": "Hiệu trưởng",
        "union_post": "", "work_unit": "Trường THPT Phan Đình Phùng", "chi_bo": "Chi bộ Ban Giám hiệu",
        "a_i_1": "Kiên định lập trường chính trị; **gương mẫu** về đạo đức, lối sống; chấp hành nghiêm nguyên tắc "
                 "tập trung dân chủ.",
        "a_i_2": "Hoàn thành chức trách người đứng đầu nhà trường:\n\n"
                 "- Tỷ lệ tốt nghiệp THPT đạt 99,6%;\n- Xếp thứ 5/118 trường về điểm thi vào đại học.",
        "a_i_3": "Lãnh đạo Đảng bộ và nhà trường hoàn thành 100% chỉ tiêu nghị quyết năm 2024; 3/3 chi bộ hoàn "
                 "thành tốt nhiệm vụ.",
        "a_i_4": "Chủ động đề xuất với Sở Giáo dục và Đào tạo đầu tư phòng học bộ môn; dám chịu trách nhiệm khi "
                 "thí điểm tổ chức dạy học tự chọn theo cụm.",
        "a_i_5": "Gia đình gương mẫu; không để xảy ra tiêu cực trong tuyển sinh lớp 10; tín nhiệm cao đạt 93,1%.",
        "a_i_6": "Thực hiện tốt bản cam kết năm 2024, nhất là nội dung nêu gương theo Quy định 08-QĐi/TW.",
        "grade_i_1": "xuat_sac", "grade_i_2": "tot", "grade_i_3": "tot", "grade_i_4": "tot", "grade_i_5": "xuat_sac",
        "a_ii_1": "Chỉ đạo công tác kiểm tra nội bộ có lúc chưa sâu sát.",
        "a_ii_2": "Nguyên nhân chủ quan: chưa bố trí đủ thời gian cho công tác kiểm tra.",
        "a_iii": "Hạn chế năm 2023 về chậm triển khai sổ điểm điện tử đã được khắc phục xong.",
        "grade_iii": "tot",
        "a_iv": "Không có.",
        "a_v": "Chịu trách nhiệm người đứng đầu về việc một tổ chuyên môn chậm nộp hồ sơ kiểm định.",
        "a_vi": "Ban hành kế hoạch kiểm tra nội bộ theo từng tháng ngay từ đầu năm 2025.",
        "civil_servant_level": "tot", "proposed_level": "tot",
    }
    data.update(overrides)
    return data


TASKS = [
    {"content": "Chỉ đạo xây dựng kế hoạch giáo dục nhà trường năm học 2025–2026",
     "product": "Kế hoạch số 112/KH-THPT được phê duyệt", "progress": "Đúng hạn", "quality": "Tốt",
     "self_assessment": "hoan_thanh"},
    {"content": "Tổ chức kiểm tra giữa kỳ I khối 10, 11 trên máy tính",
     "product": "1.236 bài kiểm tra chấm tự động", "progress": "100%", "quality": "Tốt",
     "self_assessment": "vuot_muc"},
    {"content": "Bồi dưỡng đội tuyển học sinh giỏi Vật lý cấp thành phố",
     "product": "4 học sinh đạt giải (chỉ tiêu 3)", "progress": "Đúng hạn", "quality": "Xuất sắc",
     "self_assessment": "vuot_muc"},
    {"content": "Hoàn thiện hồ sơ kiểm định chất lượng giáo dục tiêu chuẩn 3",
     "product": "Hồ sơ minh chứng 86 mục", "progress": "Chậm 5 ngày", "quality": "Đạt yêu cầu",
     "self_assessment": "hoan_thanh"},
    {"content": "Triển khai học bạ số cho khối 12 (phần việc của quý III)", "product": "Đã số hoá 60% học bạ",
     "progress": "Đúng hạn", "quality": "Đạt yêu cầu", "self_assessment": "hoan_thanh"},
]


def self_rating_366(**overrides: Any) -> dict[str, Any]:
    """HD 43 Mẫu 05 (inferred layout) of a vice-principal for Quý III 2025: 27 + 60 = 87 points, proposes 'Tốt'."""
    data: dict[str, Any] = {
        "year": 2025, **SCHOOL, "signed_on": "2025-10-06", "period": "quy_3", "full_name": "Phạm Quốc Khánh",
        "position": "Phó Bí thư Đảng ủy, Phó Hiệu trưởng", "work_unit": "Trường THPT Phan Đình Phùng",
        "chi_bo": "Chi bộ Ban Giám hiệu", "tasks": [dict(t) for t in TASKS],
        "comments": "**Ưu điểm:** chủ động, quyết liệt trong chỉ đạo chuyên môn đầu năm học.\n\n"
                    "**Hạn chế:** việc số hoá học bạ khối 12 chưa đạt tiến độ; nguyên nhân do thiết bị được bàn giao "
                    "chậm.\n\n- Sẽ hoàn thành số hoá học bạ trước ngày 15/11/2025.",
        "score_general": 27, "score_tasks": 60, "proposed_level": "tot",
    }
    data.update(overrides)
    return data


def self_rating_366_max(**overrides: Any) -> dict[str, Any]:
    """The same sheet with the most rows the form takes: 200 tasks, enough for several PDF pages."""
    results = ("hoan_thanh", "vuot_muc", "hoan_thanh", "hoan_thanh")  # all done: "Tốt" stands (Điều 11)
    tasks = [{"content": f"Nhiệm vụ số {n}: kiểm tra hồ sơ chuyên môn của giáo viên tổ {n % 6 + 1} "
                         "và góp ý kế hoạch bài dạy",
              "product": f"Biên bản kiểm tra số {n}/BB-KT", "progress": "Đúng hạn" if n % 7 else "Chậm 2 ngày",
              "quality": "Tốt" if n % 3 else "Đạt yêu cầu", "self_assessment": results[n % 4]}
             for n in range(1, 201)]
    return self_rating_366(period="nam", signed_on="2025-12-20", tasks=tasks, **overrides)


SAMPLES: dict[str, Callable[[], dict[str, Any]]] = {
    "leader-review-366": leader_review_366,
    "outside-review-366": outside_review_366,
    "leader-review-124": leader_review_124,
    "self-rating-366": self_rating_366,
    "member-review-366": member_review_366,
    "member-review-124": member_review_124,
}
SAMPLES_MAX: dict[str, Callable[[], dict[str, Any]]] = {"self-rating-366": self_rating_366_max}
