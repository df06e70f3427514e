"""Realistic, complete payloads of the collective report (Mẫu 01) in both regimes, as the API takes them.

`SAMPLES` maps each kind code to a function returning a fresh payload; generic tests import it for every kind.
"""
from __future__ import annotations

from typing import Any, Callable


def collective_report_366(**overrides: Any) -> dict[str, Any]:
    """HD 43 Mẫu 01 of a chi bộ, review year 2026 (QĐ 366): 27,5 + 62,49 = 89,99 points, proposes 'Tốt'."""
    data: dict[str, Any] = {
        "year": 2026, "superior_body": "ĐẢNG BỘ TRƯỜNG THPT PHAN ĐÌNH PHÙNG", "issuing_body": "CHI BỘ TỔ TOÁN – TIN",
        "place": "Hà Nội", "signed_on": "2026-12-08", "collective_name": "Chi bộ Tổ Toán – Tin",
        "a_i_1": "Chi bộ duy trì nghiêm **nguyên tắc tập trung dân chủ**, tự phê bình và phê bình; sinh hoạt định kỳ "
                 "đủ 12 kỳ trong năm, tỷ lệ đảng viên dự sinh hoạt bình quân đạt 96%.\n\n"
                 "Quy chế làm việc của chi bộ nhiệm kỳ 2025–2027 được thực hiện đúng; mọi chủ trương lớn đều được "
                 "bàn bạc dân chủ và biểu quyết theo đa số.",
        "a_i_2": "Lãnh đạo hoàn thành toàn bộ chỉ tiêu của nghị quyết chi bộ năm 2026, trong đó:\n\n"
                 "- Tỷ lệ học sinh tốt nghiệp THPT môn Toán đạt 99,2%, vượt chỉ tiêu 1,2%;\n"
                 "- Đội tuyển học sinh giỏi đạt **5 giải cấp thành phố**, vượt chỉ tiêu 2 giải;\n"
                 "- 100% giáo viên đạt chuẩn nghề nghiệp.\n\n"
                 "Nhiệm vụ đột xuất được giao:\n\n"
                 "1. Xây dựng ngân hàng đề kiểm tra số hoá cho khối 10;\n"
                 "2. Tổ chức chuyên đề “Chuyển đổi số trong dạy học Toán” cấp cụm trường.",
        "a_i_3": "Làm tốt công tác giáo dục chính trị, tư tưởng; 100% đảng viên học tập, quán triệt nghị quyết của "
                 "cấp trên và viết thu hoạch đạt yêu cầu. Không có đảng viên vi phạm những điều đảng viên không được "
                 "làm; không có đơn thư khiếu nại, tố cáo.\n\n"
                 "Kết nạp **01 đảng viên mới** là giáo viên trẻ; giới thiệu 02 quần chúng ưu tú học lớp cảm tình "
                 "Đảng.",
        "a_i_4": "Tập thể chi ủy chủ động cụ thể hoá các nghị quyết, chỉ thị của Đảng ủy nhà trường thành chương "
                 "trình công tác của tổ chuyên môn; phân công rõ người, rõ việc, rõ thời hạn và kiểm tra thường "
                 "xuyên việc thực hiện.",
        "a_ii_1": "- Nội dung sinh hoạt chuyên đề có lúc chưa phong phú, chưa thu hút được nhiều ý kiến tham gia;\n"
                  "- Việc ứng dụng công nghệ thông tin trong quản lý hồ sơ đảng viên còn chậm.",
        "a_ii_2": "**Nguyên nhân khách quan:** khối lượng công việc chuyên môn cuối học kỳ lớn.\n\n"
                  "**Nguyên nhân chủ quan:** chi ủy chưa chuẩn bị kỹ đề cương sinh hoạt chuyên đề; một số đảng viên "
                  "còn ngại phát biểu.",
        "a_iii": "Hạn chế năm 2025 về việc nộp báo cáo định kỳ chậm đã được **khắc phục xong**: 100% báo cáo năm "
                 "2026 nộp đúng hạn. Hạn chế về sinh hoạt chuyên đề đang được khắc phục.",
        "a_iv": "Đảng ủy nhà trường gợi ý kiểm điểm về việc chậm cập nhật hồ sơ đảng viên: chi bộ đã rà soát, trách "
                "nhiệm thuộc đồng chí chi ủy viên phụ trách, hoàn thành cập nhật trong tháng 11/2026.",
        "a_v": "Tập thể chi ủy chịu trách nhiệm chính về hạn chế trong sinh hoạt chuyên đề; đồng chí bí thư chịu "
               "trách nhiệm người đứng đầu. Không có đảng viên bị kỷ luật trong năm.",
        "a_vi": "1. Đổi mới nội dung sinh hoạt chuyên đề, mỗi quý một chủ đề gắn với chuyên môn;\n"
                "2. Hoàn thành số hoá hồ sơ đảng viên trước ngày 31/3/2027;\n"
                "3. Chi ủy kiểm tra, đôn đốc hằng tháng, báo cáo Đảng ủy kết quả khắc phục.",
        "score_general": 27.5, "score_tasks": 62.49, "proposed_level": "tot",
        "signer_body": "CHI BỘ", "signer_title": "BÍ THƯ", "signer_name": "Nguyễn Văn Hùng",
    }
    data.update(overrides)
    return data


def collective_report_124(**overrides: Any) -> dict[str, Any]:
    """HD 25 Mẫu 01 of a đảng ủy's standing committee, review year 2024 (QĐ 124): graded items, proposes 'Tốt'."""
    data: dict[str, Any] = {
        "year": 2024, "superior_body": "ĐẢNG BỘ PHƯỜNG BA ĐÌNH", "issuing_body": "ĐẢNG BỘ TRƯỜNG THPT PHAN ĐÌNH PHÙNG",
        "place": "Hà Nội", "signed_on": "2024-12-12",
        "collective_name": "Ban Thường vụ Đảng ủy Trường THPT Phan Đình Phùng",
        "a_i_1": "Ban Thường vụ thực hiện nghiêm **nguyên tắc tập trung dân chủ**, tập thể lãnh đạo, cá nhân phụ "
                 "trách; ban hành quy chế làm việc nhiệm kỳ 2020–2025 và thực hiện đúng quy chế.",
        "grade_i_1": "tot",
        "a_i_2": "Hoàn thành các chỉ tiêu của nghị quyết đại hội và chương trình công tác năm 2024:\n\n"
                 "- Tỷ lệ học sinh đỗ tốt nghiệp THPT đạt 99,6%;\n"
                 "- 12 giải học sinh giỏi cấp thành phố, 01 giải quốc gia;\n"
                 "- Kết nạp **04 đảng viên mới**, vượt chỉ tiêu 01 đảng viên.",
        "grade_i_2": "xuat_sac",
        "a_i_3": "Lãnh đạo học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh gắn với nhiệm vụ dạy học; "
                 "thực hiện 04 cuộc kiểm tra, giám sát theo chương trình; không có tổ chức đảng, đảng viên vi phạm "
                 "phải xử lý kỷ luật.",
        "grade_i_3": "tot",
        "a_i_4": "Ban Thường vụ chỉ đạo cụ thể hoá nhiệm vụ chính trị của nhà trường thành kế hoạch từng học kỳ, "
                 "phân công từng đồng chí ủy viên phụ trách các chi bộ và tổ chức đoàn thể.",
        "grade_i_4": "tot",
        "a_ii_1": "- Việc sơ kết, đánh giá thực hiện nghị quyết ở một số chi bộ còn hình thức;\n"
                  "- Công tác phát triển đảng viên trong học sinh chưa đạt kỳ vọng.",
        "a_ii_2": "Nguyên nhân chủ yếu là chủ quan: Ban Thường vụ chưa thường xuyên kiểm tra, hướng dẫn các chi bộ; "
                  "khách quan: học sinh lớp 12 tập trung ôn thi.",
        "a_iii": "Hạn chế năm 2023 về chậm ban hành văn bản hướng dẫn đã được khắc phục; hạn chế về phát triển đảng "
                 "viên trong học sinh đang được khắc phục, mức độ đạt khoảng 60%.",
        "grade_iii": "tot",
        "a_iv": "Không có vấn đề được gợi ý kiểm điểm.",
        "a_v": "Ban Thường vụ chịu trách nhiệm chung về các hạn chế nêu trên; đồng chí phó bí thư phụ trách công tác "
               "xây dựng Đảng chịu trách nhiệm trực tiếp về công tác phát triển đảng viên.",
        "a_vi": "1. Đổi mới cách sơ kết nghị quyết, gắn với số liệu cụ thể của từng chi bộ;\n"
                "2. Lập danh sách quần chúng ưu tú là học sinh, giao đảng viên giúp đỡ từ học kỳ I năm học 2024–2025.",
        "proposed_level": "tot",
        "signer_body": "BAN THƯỜNG VỤ", "signer_title": "BÍ THƯ", "signer_name": "Phạm Thị Thu Hà",
    }
    data.update(overrides)
    return data


SAMPLES: dict[str, Callable[[], dict[str, Any]]] = {
    "collective-report-366": lambda: collective_report_366(),
    "collective-report-124": lambda: collective_report_124(),
}
