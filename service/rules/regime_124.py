"""Quy định 124-QĐ/TW (reviews of 2023 and 2024): graded criteria and the cases of Điều 12, as a table.

Confidence as in docs/REGULATIONS.md (Quy định 124, Điều 12): the criteria tests, the xuất sắc task test (100%, ≥ 50%
exceeded), the forcing cases and the leader "< 50% and key targets missed" case are [H]; the
leader xuất sắc unit test is [M] (switch on); individual "tốt" needing 100% of tasks, the leader
"tốt" unit test and the HD 21 sick-leave cap are [L] (switches off). See model.RuleSettings.
"""
from __future__ import annotations

from decimal import Decimal

from .levels import GRADE_LABELS
from .model import Person
from .table import LEADER, Facts, Rule, above, below, flag, flag_excepted, unconfirmed_rule

CODE = "124"
DOCUMENT = "Quy định 124-QĐ/TW"
ART12 = "Điều 12 Quy định 124-QĐ/TW"
HD21 = "Hướng dẫn 21-HD/BTCTW (quy định trước; chưa đối chiếu Hướng dẫn 25-HD/BTCTW)"
ELIGIBILITY_SOURCE = "Điều 5 Quy định 124-QĐ/TW"
STEPS_SOURCE = "Điều 11 Quy định 124-QĐ/TW"  # tự đánh giá -> thẩm định, đề xuất -> quyết định
QUOTA_SOURCE = ART12  # ≤ 20% of those rated tốt; 124 has no 25% allowance (that came with 366)
QUOTA_PCTS = (20,)
KHT = "khong_hoan_thanh"

# The criteria an individual is graded on (xuat_sac | tot | trung_binh | kem), following the review
# items of Điều 6 and Mẫu 02A/02B [M]: key -> (label, is a task-result criterion, required).
CRITERIA: dict[str, tuple[str, bool, bool]] = {
    "chinh_tri_tu_tuong": ("Tư tưởng chính trị", False, True),
    "dao_duc_loi_song": ("Phẩm chất đạo đức, lối sống", False, True),
    "y_thuc_ky_luat": ("Ý thức tổ chức kỷ luật", False, True),
    "tac_phong_le_loi": ("Tác phong, lề lối làm việc", False, True),
    "ket_qua_nhiem_vu": ("Kết quả thực hiện chức trách, nhiệm vụ được giao", True, True),
    "ket_qua_lanh_dao": ("Kết quả lãnh đạo, quản lý của địa phương, cơ quan, đơn vị phụ trách", True, False),
}


def score_total(person: Person) -> Decimal | None:
    """124 rates without points."""
    return None


def _graded(f: Facts, grade: str, *, task: bool | None = None) -> list[str]:
    """Labels of the criteria given `grade` (only task-result ones, only general ones, or all)."""
    grades = f.person.criteria_grades or {}
    return [CRITERIA[k][0] for k, g in grades.items()
            if g == grade and k in CRITERIA and (task is None or CRITERIA[k][1] == task)]


def _missing_criteria(f: Facts) -> list[str]:
    """Labels of the required criteria without a grade."""
    grades = f.person.criteria_grades or {}
    return [label for k, (label, _, required) in CRITERIA.items() if required and k not in grades]


def _names(f: Facts, grade: str, task: bool | None = None) -> dict:
    """Message parameters: the criteria at `grade` and the grade's label."""
    return {"names": "; ".join(_graded(f, grade, task=task)), "grade": GRADE_LABELS[grade]}


_NEEDS = {"xuat_sac": ("tasks_done_pct", "tasks_late_pct", "tasks_exceeded_pct")}
_LEADER_NEEDS = {"xuat_sac": _NEEDS["xuat_sac"] + ("units_led_tasks_done_pct", "units_led_exceeded_pct")}
_FORCED = ": xếp loại Không hoàn thành nhiệm vụ."

RULES: tuple[Rule, ...] = (
    # The criteria grades.
    Rule("124-criteria-missing", ART12,
         "Chưa có đủ kết quả đánh giá các tiêu chí (thiếu: {missing}) nên chưa xác định được mức xếp loại.",
         when=lambda f: bool(_missing_criteria(f)), unknown=True,
         extra=lambda f: {"missing": "; ".join(_missing_criteria(f))}),
    Rule("124-criteria-kem", ART12, "Tiêu chí bị đánh giá mức {grade}: {names}" + _FORCED,
         when=lambda f: bool(_graded(f, "kem")), cap=KHT, extra=lambda f: _names(f, "kem")),
    Rule("124-criteria-task-average", ART12,
         "Tiêu chí về kết quả thực hiện nhiệm vụ chỉ đạt mức {grade} ({names}); mức Hoàn thành tốt "
         "nhiệm vụ cần các tiêu chí này đạt Tốt trở lên.",
         when=lambda f: bool(_graded(f, "trung_binh", task=True)), cap="hoan_thanh",
         extra=lambda f: _names(f, "trung_binh", task=True)),
    Rule("124-xs-criteria-general", ART12,
         "Tiêu chí chỉ đạt mức {grade} ({names}); mức Hoàn thành xuất sắc nhiệm vụ cần tất cả các tiêu "
         "chí đạt Tốt trở lên.",
         when=lambda f: bool(_graded(f, "trung_binh", task=False)), cap="tot",
         extra=lambda f: _names(f, "trung_binh", task=False)),
    Rule("124-xs-criteria-task", ART12,
         "Tiêu chí về kết quả thực hiện nhiệm vụ mới đạt mức {grade} ({names}); mức Hoàn thành xuất sắc "
         "nhiệm vụ cần đạt Xuất sắc, có sản phẩm cụ thể.",
         when=lambda f: bool(_graded(f, "tot", task=True)), cap="tot", extra=lambda f: _names(f, "tot", task=True)),

    # Own tasks.
    Rule("124-tot-tasks-done", ART12,
         "Mới hoàn thành {tasks_done_pct}% nhiệm vụ; mức Hoàn thành tốt nhiệm vụ cần hoàn thành 100% "
         "nhiệm vụ đúng tiến độ, bảo đảm chất lượng.",
         when=below("tasks_done_pct", 100), cap="hoan_thanh", confidence="L",
         switch="r124_tot_requires_all_tasks", group="tasks-done"),
    Rule("124-xs-tasks-done", ART12,
         "Mới hoàn thành {tasks_done_pct}% nhiệm vụ; mức Hoàn thành xuất sắc nhiệm vụ cần hoàn thành "
         "100% chỉ tiêu, nhiệm vụ.",
         when=below("tasks_done_pct", 100), cap="tot", group="tasks-done"),
    Rule("124-xs-tasks-late", ART12,
         "Có {tasks_late_pct}% nhiệm vụ chậm tiến độ; mức Hoàn thành xuất sắc nhiệm vụ cần 100% nhiệm vụ "
         "đúng tiến độ, bảo đảm chất lượng.",
         when=above("tasks_late_pct", 0), cap="tot"),
    Rule("124-xs-tasks-exceeded", ART12,
         "Chỉ có {tasks_exceeded_pct}% nhiệm vụ vượt mức; mức Hoàn thành xuất sắc nhiệm vụ cần ít nhất "
         "50% vượt mức.",
         when=below("tasks_exceeded_pct", 50), cap="tot"),

    # Leaders: the unit they lead.
    Rule("124-units-under-50", ART12,
         "Địa phương, cơ quan, đơn vị do đồng chí lãnh đạo, quản lý chỉ hoàn thành "
         "{units_led_tasks_done_pct}% chỉ tiêu, nhiệm vụ (dưới 50%) và không hoàn thành các chỉ tiêu "
         "chủ yếu" + _FORCED,
         when=lambda f: below("units_led_tasks_done_pct", 50)(f) and f.person.units_led_key_targets_missed,
         cap=KHT, who=LEADER, group="units-done"),
    Rule("124-tot-units-done", ART12,
         "Đơn vị do đồng chí lãnh đạo, quản lý mới hoàn thành {units_led_tasks_done_pct}% nhiệm vụ; "
         "mức Hoàn thành tốt nhiệm vụ cần đơn vị hoàn thành 100%.",
         when=below("units_led_tasks_done_pct", 100), cap="hoan_thanh", who=LEADER, confidence="L",
         switch="r124_leader_tot_units", group="units-done"),
    Rule("124-xs-units-done", ART12,
         "Đơn vị do đồng chí lãnh đạo, quản lý mới hoàn thành {units_led_tasks_done_pct}% chỉ tiêu, "
         "nhiệm vụ; mức Hoàn thành xuất sắc nhiệm vụ cần đơn vị hoàn thành 100%.",
         when=below("units_led_tasks_done_pct", 100), cap="tot", who=LEADER, confidence="M",
         switch="r124_leader_xuat_sac_units", group="units-done"),
    Rule("124-xs-units-exceeded", ART12,
         "Đơn vị do đồng chí lãnh đạo, quản lý chỉ có {units_led_exceeded_pct}% chỉ tiêu, nhiệm vụ vượt "
         "mức; mức Hoàn thành xuất sắc nhiệm vụ cần ít nhất 50%.",
         when=below("units_led_exceeded_pct", 50), cap="tot", who=LEADER, confidence="M",
         switch="r124_leader_xuat_sac_units"),

    # Forcing cases for every individual.
    Rule("124-disciplined", ART12, "Bị xử lý kỷ luật trong năm" + _FORCED,
         when=flag("disciplined", unless="discipline_self_detected_remedied"), cap=KHT),
    Rule("124-disciplined-remedied", ART12,
         "Bị kỷ luật nhưng vi phạm do tự phát hiện và đã khắc phục xong hậu quả: cấp có thẩm quyền xem "
         "xét cụ thể trước khi công nhận mức {proposed_label}.",
         when=flag_excepted("disciplined", "discipline_self_detected_remedied")),
    Rule("124-degenerate", ART12,
         "Bị kết luận suy thoái về tư tưởng chính trị, đạo đức, lối sống, \"tự diễn biến\", "
         "\"tự chuyển hoá\"" + _FORCED,
         when=flag("degenerate"), cap=KHT),
    Rule("124-banned-acts", ART12,
         "Vi phạm những điều đảng viên không được làm hoặc quy định về trách nhiệm nêu gương" + _FORCED,
         when=flag("banned_acts_breach"), cap=KHT),
    unconfirmed_rule("124-unconfirmed", ART12, _NEEDS, _LEADER_NEEDS),

    # Leave.
    Rule("124-sick-leave", HD21,
         "Nghỉ ốm {sick_leave_months} tháng trong năm (từ 03 tháng trở lên): không xếp loại Hoàn thành "
         "tốt nhiệm vụ trở lên.",
         when=lambda f: f.person.sick_leave_months >= f.settings.sick_leave_months_threshold,
         cap="hoan_thanh", confidence="L", switch="r124_sick_leave_cap"),
    Rule("124-maternity", HD21,
         "Nghỉ thai sản: đánh giá, xếp loại căn cứ vào thời gian công tác thực tế trong năm.",
         when=flag("maternity_leave")),
)
