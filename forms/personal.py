"""Personal self-review forms: HD 43 Mẫu 2B (QĐ 366) and HD 25 Mẫu 02A (QĐ 124), members without a post."""
from __future__ import annotations

from typing import Any

from wtforms.validators import ValidationError

from .base import DocumentForm
from .fields import ChoiceField, LevelField, LineField, MarkdownField, Required, ScoreField, VnDateField, format_number

MD_HELP = " Có thể dùng Markdown: dòng trống để tách đoạn, **đậm**, *nghiêng*, danh sách “- ” hoặc “1. ”."


def section(code: str, label: str, help_text: str, required: bool = True) -> MarkdownField:
    """A long answer mapped to an official section; the label starts with the section's number."""
    validators = [Required()] if required else []
    return MarkdownField(f"{code} {label}", validators, description=help_text + MD_HELP,
                         render_kw={"data-section": code, "rows": 6})


class PersonFields:
    """Who writes the review: pre-filled from the member record, editable."""

    full_name = LineField("Họ và tên", [Required()], max_length=120)
    birth_date = VnDateField("Ngày sinh", [Required()])
    work_unit = LineField("Đơn vị công tác", [Required()])
    chi_bo = LineField("Chi bộ", [Required()])


def limitations(part: str = "A.") -> MarkdownField:
    """A.II.1 / II.1: shortcomings."""
    return section(part + "II.1.", "Hạn chế, khuyết điểm", "Nêu cụ thể những hạn chế, khuyết điểm của bản thân trong năm.")


def causes(part: str = "A.") -> MarkdownField:
    """A.II.2 / II.2: their causes."""
    return section(part + "II.2.", "Nguyên nhân của hạn chế, khuyết điểm",
                   "Nguyên nhân khách quan và chủ quan của từng hạn chế, khuyết điểm.")


def earlier_remedies(part: str = "A.") -> MarkdownField:
    """A.III / III: how the shortcomings named at earlier reviews were fixed."""
    return section(part + "III.", "Kết quả khắc phục những hạn chế, khuyết điểm đã được cấp có thẩm quyền kết luận "
                   "hoặc được chỉ ra ở các kỳ kiểm điểm trước",
                   "Kiểm điểm rõ từng hạn chế, khuyết điểm (đã được khắc phục; đang khắc phục, mức độ khắc phục; "
                   "chưa được khắc phục); những khó khăn, vướng mắc (nếu có); trách nhiệm của cá nhân.")


def suggested_issues(part: str = "A.") -> MarkdownField:
    """A.IV / IV: explanations of the issues the higher level suggested (optional)."""
    return section(part + "IV.", "Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)",
                   "Giải trình từng vấn đề được gợi ý kiểm điểm, nêu nguyên nhân, xác định trách nhiệm của cá nhân.",
                   required=False)


def collective_share(part: str = "A.") -> MarkdownField:
    """A.V / V: personal responsibility for the collective's shortcomings (optional)."""
    return section(part + "V.", "Làm rõ trách nhiệm của cá nhân đối với những hạn chế, khuyết điểm của tập thể (nếu có)",
                   "Phần trách nhiệm của bản thân đối với hạn chế, khuyết điểm của tập thể.", required=False)


def measures(part: str = "A.") -> MarkdownField:
    """A.VI / VI: remedial directions and measures."""
    return section(part + "VI.", "Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm",
                   "Biện pháp cụ thể, thời hạn khắc phục từng hạn chế, khuyết điểm.")


class MemberReview366Form(DocumentForm, PersonFields):
    """HD 43 Mẫu 2B: member without a leadership post, review years from 2025 (QĐ 366, 100 points)."""

    a_i_1 = section("A.I.1.", "Về phẩm chất chính trị, đạo đức, lối sống; tinh thần đoàn kết, thống nhất trong nội bộ; "
                    "ý thức tổ chức kỷ luật, trách nhiệm nêu gương, việc thực hiện những điều đảng viên không được "
                    "làm; tác phong, lề lối làm việc. Liên hệ các biểu hiện về suy thoái, “tự diễn biến”, "
                    "“tự chuyển hoá”.",
                    "Phẩm chất chính trị, đạo đức, lối sống, đoàn kết, kỷ luật, nêu gương; tự liên hệ các biểu hiện "
                    "suy thoái.")
    a_i_2 = section("A.I.2.", "Việc thực hiện nhiệm vụ, quyền hạn và kết quả thực hiện các chỉ tiêu, nhiệm vụ được "
                    "giao trong năm, gắn với hiệu quả, tiến độ, chất lượng công việc.",
                    "Khối lượng, tiến độ, chất lượng các nhiệm vụ được giao trong năm, có số liệu cụ thể.")
    a_i_3 = section("A.I.3.", "Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu của cá nhân theo quy định.",
                    "Kết quả thực hiện bản cam kết tu dưỡng, rèn luyện, phấn đấu đầu năm.")
    a_ii_1, a_ii_2, a_iii, a_iv, a_v, a_vi = (limitations(), causes(), earlier_remedies(), suggested_issues(),
                                              collective_share(), measures())
    score_general = ScoreField("B.I.1. Nhóm tiêu chí chung (tối đa 30 điểm)", [Required()], maximum=30,
                               description="Tự chấm theo Phụ lục 4 Quy định 366-QĐ/TW.",
                               render_kw={"data-section": "B.I.1."})
    score_tasks = ScoreField("B.I.2. Nhóm tiêu chí về kết quả thực hiện nhiệm vụ (tối đa 70 điểm)", [Required()],
                             maximum=70, description="Tự chấm theo Phụ lục 4 Quy định 366-QĐ/TW.",
                             render_kw={"data-section": "B.I.2."})
    proposed_level = LevelField("B.II. Đề xuất xếp loại mức chất lượng", [Required()],
                                render_kw={"data-section": "B.II."})

    def extra_context(self, data: dict[str, Any]) -> dict[str, Any]:
        """The total is computed, never typed."""
        total = score_total(data)
        return {"score_total": format_number(total) if total is not None else ""}


def score_total(data: dict[str, Any]) -> float | None:
    """Nhóm tiêu chí chung + nhóm kết quả thực hiện nhiệm vụ, when both are given."""
    general, tasks = data.get("score_general"), data.get("score_tasks")
    if isinstance(general, (int, float)) and isinstance(tasks, (int, float)):
        return round(general + tasks, 2)
    return None


GRADES = [("", "— Chưa tự đánh giá —"), ("xuat_sac", "Xuất sắc"), ("tot", "Tốt"),
          ("trung_binh", "Trung bình"), ("kem", "Kém")]
CIVIL_SERVANT_LEVELS = [("", "— Không áp dụng —"), ("xuat_sac", "Hoàn thành xuất sắc nhiệm vụ"),
                        ("tot", "Hoàn thành tốt nhiệm vụ"), ("hoan_thanh", "Hoàn thành nhiệm vụ"),
                        ("khong_hoan_thanh", "Không hoàn thành nhiệm vụ")]


def grade(code: str, label: str) -> ChoiceField:
    """The per-item self-assessment of the 2023 forms (Xuất sắc / Tốt / Trung bình / Kém)."""
    return ChoiceField(f"{code} Tự đánh giá về cấp độ thực hiện: {label}", choices=GRADES,
                       render_kw={"data-section": code})


class MemberReview124Form(DocumentForm, PersonFields):
    """HD 25 Mẫu 02A: member without a leadership post, review years 2023–2024 (QĐ 124, no points)."""

    party_post = LineField("Chức vụ Đảng", description="Để trống nếu không có.")
    government_post = LineField("Chức vụ chính quyền", description="Để trống nếu không có.")
    union_post = LineField("Chức vụ đoàn thể", description="Để trống nếu không có.")
    a_i_1 = section("I.1.", "Về phẩm chất chính trị; phẩm chất đạo đức, lối sống; ý thức tổ chức kỷ luật; "
                    "tác phong, lề lối làm việc", "Phẩm chất chính trị, đạo đức, lối sống, kỷ luật, tác phong.")
    grade_i_1 = grade("I.1.", "phẩm chất chính trị, đạo đức, lối sống")
    a_i_2 = section("I.2.", "Về thực hiện chức trách, nhiệm vụ được giao",
                    "Kết quả thực hiện chức trách, nhiệm vụ được giao trong năm, có số liệu cụ thể.")
    grade_i_2 = grade("I.2.", "thực hiện chức trách, nhiệm vụ")
    a_i_3 = section("I.3.", "Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu hằng năm",
                    "Kết quả thực hiện bản cam kết tu dưỡng, rèn luyện, phấn đấu đầu năm.")
    a_ii_1, a_ii_2, a_iii = limitations(""), causes(""), earlier_remedies("")
    grade_iii = grade("III.", "khắc phục hạn chế, khuyết điểm")
    a_iv, a_v, a_vi = suggested_issues(""), collective_share(""), measures("")
    civil_servant_level = ChoiceField("VII.1. Xếp loại cán bộ, công chức, viên chức", choices=CIVIL_SERVANT_LEVELS,
                                      description="Chỉ dùng nếu là cán bộ, công chức, viên chức.",
                                      render_kw={"data-section": "VII.1."})
    proposed_level = LevelField("VII.2. Xếp loại đảng viên (tự nhận mức xếp loại chất lượng)", [Required()],
                                render_kw={"data-section": "VII.2."})

    def validate_proposed_level(self, field) -> None:
        """A self-assessed 'Kém' item cannot go with a level above 'Không hoàn thành nhiệm vụ'."""
        grades = {self.grade_i_1.data, self.grade_i_2.data, self.grade_iii.data}
        if "kem" in grades and field.data and field.data != "khong_hoan_thanh":
            raise ValidationError("Có tiêu chí tự đánh giá “Kém” thì chỉ được nhận mức Không hoàn thành nhiệm vụ "
                                  "(Điều 12 Quy định 124-QĐ/TW).")
