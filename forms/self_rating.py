"""HD 43 Mẫu 05: a leader's quarterly or yearly self-assessment and rating (QĐ 366).

Only the form's title is known ("Bản tự đánh giá, xếp loại của cá nhân Quý, Năm", FORMS.md hd43-05). The
layout here is built from Quy định 366-QĐ/TW: tasks with their product, progress and quality (Điều 11 rates on
them), a self-assessment, the two score groups of the other HD 43 forms, the proposed level, and the assessment
of the direct manager. Every label says so in its help text; the printed wording lives in
tools/templates_personal.py.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from wtforms.validators import ValidationError

from service import quarterly
from service.rules import Person
from service.rules.engine import self_rating_problem

from .base import DocumentForm, FieldsForm
from .fields import ChoiceField, LevelField, LineField, Required, RowsField
from .personal import (CENTRAL_APPENDIX, leader_position, position_field, score_total_context, scores_366,
                       section)

INFERRED = (" (Mẫu 05 mới biết tên gọi; mục này do hệ thống xây dựng theo Quy định 366-QĐ/TW, chưa đối chiếu "
            "bản gốc.)")
PERIODS = [("", "— Chọn kỳ đánh giá —"), ("quy_1", "Quý I"), ("quy_2", "Quý II"), ("quy_3", "Quý III"),
           ("quy_4", "Quý IV"), ("nam", "Năm")]
TASK_RESULTS = [("", "— Chưa tự đánh giá —"), *quarterly.TASK_RESULTS.items()]


class TaskRow(FieldsForm):
    """One task or target of the period and how it went."""

    content = LineField("Nội dung nhiệm vụ, chỉ tiêu", [Required()], max_length=1000,
                        description="Nhiệm vụ, chỉ tiêu được giao trong kỳ, mỗi dòng một việc.")
    product = LineField("Sản phẩm, kết quả", max_length=1000,
                        description="Sản phẩm cụ thể: văn bản, đề án, số liệu đạt được.")
    progress = LineField("Tiến độ", max_length=60,
                         description="Đúng hạn / Chậm … ngày, hoặc tỉ lệ hoàn thành, ví dụ 100%.")
    quality = LineField("Chất lượng", max_length=200, description="Ví dụ: Tốt; Đạt yêu cầu; Chưa đạt yêu cầu.")
    self_assessment = ChoiceField("Tự đánh giá", choices=TASK_RESULTS)


class SelfRating366Form(DocumentForm):
    """HD 43 Mẫu 05 (inferred layout): self-assessment of a quarter or the year, 100 points, proposed level."""

    period = ChoiceField("Kỳ tự đánh giá", [Required()], choices=PERIODS,
                         description="Quý hoặc cả năm được tự đánh giá; in dưới tiêu đề cùng năm kiểm điểm, ví dụ "
                                     "“Quý III 2025”, “Năm 2025”.")
    full_name = LineField("Họ và tên", [Required()], max_length=120)
    position = position_field()
    work_unit = LineField("Đơn vị công tác", [Required()])
    chi_bo = LineField("Chi bộ", [Required()])
    tasks = RowsField(TaskRow, "I. Kết quả thực hiện nhiệm vụ, chỉ tiêu được giao", [Required()], max_rows=200,
                      description="Mỗi nhiệm vụ, chỉ tiêu một dòng: sản phẩm, tiến độ, chất lượng, tự đánh giá."
                      + INFERRED, render_kw={"data-section": "I."})
    comments = section("II.", "Tự nhận xét, đánh giá",
                       "Ưu điểm, hạn chế, khuyết điểm trong kỳ; nguyên nhân; việc khắc phục." + INFERRED)
    score_general, score_tasks = scores_366("Phụ lục 3", code="III.", note=CENTRAL_APPENDIX + INFERRED)
    proposed_level = LevelField("IV. Tự xếp loại mức chất lượng", [Required()], description=INFERRED.strip(),
                                render_kw={"data-section": "IV."})

    def validate_proposed_level(self, field) -> None:
        """The level ticked must be one the form's own task table and scores allow (the rule engine, Điều 11
        Quy định 366-QĐ/TW): 10 of 30 tasks not completed rules out Hoàn thành tốt nhiệm vụ."""
        results = [e.form.self_assessment.data for e in self.tasks.entries if e.form.self_assessment.data]
        if not field.data or not results or not isinstance(self.year.data, int):
            return
        done = sum(1 for r in results if r in ("hoan_thanh", "vuot_muc"))
        person = Person("self", score_general=self.score_general.data, score_tasks=self.score_tasks.data,
                        proposed=field.data, tasks_done_pct=100 * done / len(results),
                        tasks_exceeded_pct=100 * results.count("vuot_muc") / len(results))
        problem = self_rating_problem("366", person, on=date(self.year.data, 12, 31), settings=self.rules)
        if problem:
            raise ValidationError(f"Mức tự xếp loại không phù hợp với bảng nhiệm vụ ({done}/{len(results)} nhiệm vụ "
                                  f"hoàn thành): {problem}")

    @classmethod
    def initial_data(cls, facts: dict[str, Any]) -> dict[str, Any]:
        """Known facts, with the Chức vụ taken from the member record."""
        data = super().initial_data(facts)
        if not data.get("position") and leader_position(facts):
            data["position"] = leader_position(facts)
        return data

    def extra_context(self, data: dict[str, Any]) -> dict[str, Any]:
        """The computed total and the count of tasks by self-assessment."""
        tasks = [row for row in data.get("tasks") or [] if isinstance(row, dict)]
        results = [row.get("self_assessment") for row in tasks]
        return {**score_total_context(data), "task_count": len(tasks), "tasks_exceeded": results.count("vuot_muc"),
                "tasks_done": results.count("hoan_thanh"), "tasks_unfinished": results.count("chua_hoan_thanh")}

