"""Forms of the review cycle pages: a member's facts of the year, and one rating step."""
from __future__ import annotations

from wtforms.validators import StopValidation

from .base import FieldsForm
from .fields import ChoiceField, FlagField, LevelField, LineField, MarkdownField, PercentField, ScoreField


def pct(label: str, help_text: str = "") -> PercentField:
    """A percentage 0–100, empty when unknown (the rules then say what is missing)."""
    return PercentField(label, description=help_text)


class MemberYearForm(FieldsForm):
    """What the rules need beyond the documents; every field is optional and cited where it is used."""

    disciplined = FlagField("Bị kỷ luật trong năm (khiển trách trở lên, do vi phạm chức trách, nhiệm vụ)")
    discipline_self_detected_remedied = FlagField("Vi phạm do tự phát hiện và đã khắc phục xong hậu quả")
    degenerate = FlagField("Có kết luận suy thoái về tư tưởng chính trị, đạo đức, lối sống, “tự diễn biến”, "
                           "“tự chuyển hoá”")
    banned_acts_breach = FlagField("Vi phạm những điều đảng viên không được làm hoặc trách nhiệm nêu gương")
    tasks_done_pct = pct("Tỷ lệ nhiệm vụ hoàn thành (%)")
    tasks_exceeded_pct = pct("Tỷ lệ nhiệm vụ vượt mức (%)")
    tasks_late_pct = pct("Tỷ lệ nhiệm vụ chậm tiến độ (%)")
    previous_shortcomings_fixed_pct = pct("Tỷ lệ hạn chế, khuyết điểm năm trước đã khắc phục (%)")
    sick_leave_months = ScoreField("Số tháng nghỉ ốm trong năm", maximum=12,
                                   description="Từ 3 tháng trở lên: áp dụng quy định của từng thời kỳ "
                                               "(Hướng dẫn 43: đánh giá theo thời gian công tác thực tế).")
    maternity_leave = FlagField("Nghỉ chế độ thai sản trong năm (đánh giá theo thời gian công tác thực tế)")
    low_confidence_pct = pct("Tỷ lệ phiếu tín nhiệm thấp (%) — chỉ với cán bộ lãnh đạo, quản lý")
    temporary_unit = LineField("Chi bộ nơi sinh hoạt tạm thời (nếu có)", max_length=200)  # the column's length
    temporary_comments = MarkdownField("Nhận xét của chi bộ nơi sinh hoạt tạm thời",
                                       description="Bắt buộc trước khi xếp loại nếu có sinh hoạt tạm thời "
                                                   "(điểm 7.6 Hướng dẫn 43-HD/BTCTW).")


class Chosen:
    """A choice the user must make on purpose (lists start empty), with the message saying which one."""

    field_flags = {"needed": True}

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form, field) -> None:
        if field.data in (None, ""):
            raise StopValidation(self.message)


class StepForm(FieldsForm):
    """One rating step, with the override reason reserved to the committee's office."""

    step = ChoiceField("Bước", [Chosen("Chọn bước cần ghi.")],
                       choices=[("proposal", "Chi bộ đề xuất"), ("decision", "Cấp có thẩm quyền quyết định"),
                                ("rerating", "Xếp loại lại (Mẫu 03)")])
    level = LevelField("Mức xếp loại", [Chosen("Chọn mức xếp loại: danh sách đang để “— Chọn mức —”.")])
    note = LineField("Ghi chú")
    override_reason = LineField("Lý do cho phép làm khác trình tự (chỉ văn phòng cấp ủy)")

