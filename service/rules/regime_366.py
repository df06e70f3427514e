"""Quy định 366-QĐ/TW (reviews from 2025): score bands and the conditions of Điều 11, as a table.

Text checked against Điều 11 as quoted by thuvienphapluat (TVPL-DS 1b533b099f4ea315,
798cd4156f607f4a): leaders are judged on the units they directly lead (§1.1, 2.1, 3.1, 4.1),
other members and members outside the political system on their own tasks (§1.2, 2.2, 3.2, 4.2).
Everything here is [H]; there is no switch.
"""
from __future__ import annotations

from decimal import Decimal

from .levels import LEVEL_LABELS
from .model import Person
from .table import LEADER, MEMBER, Facts, Rule, above, below, flag, flag_excepted, unconfirmed_rule

CODE = "366"
DOCUMENT = "Quy định 366-QĐ/TW"
ART11 = "Điều 11 Quy định 366-QĐ/TW"
HD43_75 = "Điểm 7.5 Hướng dẫn 43-HD/BTCTW"
ELIGIBILITY_SOURCE = "Điều 5 Quy định 366-QĐ/TW"
STEPS_SOURCE = "Điều 12 Quy định 366-QĐ/TW"  # tự đánh giá -> thẩm định, đề xuất -> quyết định
QUOTA_SOURCE = ART11  # §1.4: ≤ 20%, or ≤ 25% where the competent level decides so
QUOTA_PCTS = (20, 25)
KHT = "khong_hoan_thanh"

# (lowest total, level, range as the regulation words it)
BANDS = (
    (Decimal(90), "xuat_sac", "từ 90 điểm trở lên"),
    (Decimal(70), "tot", "từ 70 đến dưới 90 điểm"),
    (Decimal(50), "hoan_thanh", "từ 50 đến dưới 70 điểm"),
    (Decimal(0), KHT, "dưới 50 điểm"),
)


def score_total(person: Person) -> Decimal | None:
    """score_general + score_tasks, added exactly (29.99 + 60 is 89.99, not 89.99000000000001)."""
    if person.score_general is None or person.score_tasks is None:
        return None
    return Decimal(str(person.score_general)) + Decimal(str(person.score_tasks))


def band(total: Decimal) -> tuple[str, str]:
    """The level a total reaches and its range text: 90 -> xuat_sac, 89.99 -> tot."""
    for low, level, words in BANDS:
        if total >= low:
            return level, words
    return KHT, BANDS[-1][2]


def _missing_scores(f: Facts) -> str:
    """Which of the two group scores is missing, for the message."""
    names = [n for n, v in (("điểm nhóm tiêu chí chung /30", f.person.score_general),
                            ("điểm nhóm tiêu chí về kết quả thực hiện nhiệm vụ /70", f.person.score_tasks))
             if v is None]
    return ", ".join(names)


# The values each proposed level's conditions read (a missing one gives the "unconfirmed" note).
_NEEDS = {
    "xuat_sac": ("tasks_done_pct", "tasks_late_pct", "tasks_exceeded_pct", "previous_shortcomings_fixed_pct"),
    "tot": ("tasks_done_pct", "tasks_late_pct"),
    "hoan_thanh": ("tasks_done_pct", "tasks_late_pct"),
}
_LEADER_NEEDS = {
    "xuat_sac": ("units_led_tasks_done_pct", "units_led_late_pct", "units_led_exceeded_pct",
                 "previous_shortcomings_fixed_pct"),
    "tot": ("units_led_tasks_done_pct", "units_led_late_pct"),
    "hoan_thanh": ("units_led_tasks_done_pct", "units_led_late_pct"),
}

_FORCED = ": xếp loại Không hoàn thành nhiệm vụ."
_GAP = ("Quy định không xác định mức xếp loại cho trường hợp này: để cấp có thẩm quyền xem xét, quyết định "
        "(không mặc nhiên xếp loại Không hoàn thành nhiệm vụ).")
ART11_41_LAST = "Điều 11 khoản 4 điểm 4.1 (đoạn cuối) Quy định 366-QĐ/TW"
ART11_42_LAST = "Điều 11 khoản 4 điểm 4.2 (đoạn cuối) Quy định 366-QĐ/TW"
_BAND_CLAUSE = {"xuat_sac": 1, "tot": 2, "hoan_thanh": 3}


def _gap_source(f: Facts) -> str:
    """Both clauses a gap cites: the level the score gives (khoản 1–3) and the Không HT cases (khoản 4)."""
    point = 1 if f.leader else 2
    clauses = sorted({_BAND_CLAUSE.get(band(f.total)[0], 3), 3}) if f.total is not None else [3]
    cited = " và ".join(f"khoản {k} điểm {k}.{point}" for k in clauses)
    return f"Điều 11 {cited}; khoản 4 điểm 4.{point} Quy định 366-QĐ/TW"


def _band_extra(f: Facts) -> dict:
    """The level and range the total falls in, for a gap's message."""
    level, words = band(f.total)
    return {"band_label": LEVEL_LABELS[level], "band_range": words}
_CASE_BY_CASE = ("cấp có thẩm quyền xem xét cụ thể hoàn cảnh, tính chất, mức độ vi phạm, hậu quả "
                 "trước khi công nhận mức {proposed_label}.")

RULES: tuple[Rule, ...] = (
    # The score (Điều 10-11): without both group scores no level can be determined.
    Rule("366-score-missing", ART11,
         "Chưa có đủ điểm (thiếu {missing}): chưa tính được tổng điểm nên chưa xác định được mức xếp loại.",
         when=lambda f: f.total is None, unknown=True, extra=lambda f: {"missing": _missing_scores(f)}),
    Rule("366-band", ART11, "Tổng điểm {total} chỉ đạt mức {cap_label} ({band_range}).",
         when=lambda f: f.total is not None and band(f.total)[0] != "xuat_sac",
         cap=lambda f: band(f.total)[0], extra=lambda f: {"band_range": band(f.total)[1]}),

    # Non-leaders and members outside the political system: own tasks (§1.2, 2.2, 3.2, 4.2).
    Rule("366-tasks-half-undone", ART11,
         "Có trên 50% số nhiệm vụ trong năm không hoàn thành (chỉ hoàn thành {tasks_done_pct}%)" + _FORCED,
         when=below("tasks_done_pct", 50), cap=KHT, who=MEMBER, group="tasks-done"),
    Rule("366-tasks-done", _gap_source,
         "Tổng điểm {total} thuộc khung mức {band_label} ({band_range}) nhưng mới hoàn thành {tasks_done_pct}% "
         "nhiệm vụ được giao, chưa đạt điều kiện hoàn thành 100% nhiệm vụ của mức đó và của mức Hoàn thành nhiệm "
         "vụ; cũng không thuộc trường hợp Không hoàn thành nhiệm vụ nào (không dưới 50 điểm, không quá 50% nhiệm "
         "vụ không hoàn thành). " + _GAP,
         when=lambda f: f.total is not None and below("tasks_done_pct", 100)(f), who=MEMBER, group="tasks-done",
         gap=True, extra=_band_extra),
    Rule("366-tasks-late-over-20", _gap_source,
         "Tổng điểm {total} thuộc khung mức {band_label} ({band_range}) nhưng có {tasks_late_pct}% nhiệm vụ chưa "
         "bảo đảm tiến độ, vượt mức không quá 20% mà mức Hoàn thành nhiệm vụ cho phép; cũng không thuộc trường hợp "
         "Không hoàn thành nhiệm vụ nào. " + _GAP,
         when=lambda f: f.total is not None and above("tasks_late_pct", 20)(f), who=MEMBER, group="tasks-late",
         gap=True, extra=_band_extra),
    Rule("366-tasks-late", ART11,
         "Có {tasks_late_pct}% nhiệm vụ chưa bảo đảm tiến độ; từ mức Hoàn thành tốt nhiệm vụ trở lên "
         "phải hoàn thành 100% nhiệm vụ đúng thời hạn.",
         when=above("tasks_late_pct", 0), cap="hoan_thanh", who=MEMBER, group="tasks-late"),
    Rule("366-tasks-exceeded", ART11,
         "Chỉ có {tasks_exceeded_pct}% nhiệm vụ hoàn thành vượt mức yêu cầu; mức Hoàn thành xuất sắc "
         "nhiệm vụ cần ít nhất 30%.",
         when=below("tasks_exceeded_pct", 30), cap="tot", who=MEMBER),
    Rule("366-banned-acts", ART11,
         "Vi phạm những điều đảng viên không được làm hoặc quy định về trách nhiệm nêu gương" + _FORCED,
         when=flag("banned_acts_breach"), cap=KHT, who=MEMBER),

    # Leaders: the units they directly lead (§1.1, 2.1, 3.1, 4.1).
    Rule("366-units-done-under-70", ART11,
         "Địa phương, cơ quan, đơn vị do đồng chí trực tiếp lãnh đạo, quản lý chỉ hoàn thành "
         "{units_led_tasks_done_pct}% nhiệm vụ theo chương trình, kế hoạch (dưới 70%)" + _FORCED,
         when=below("units_led_tasks_done_pct", 70), cap=KHT, who=LEADER, group="units-done"),
    Rule("366-units-done", _gap_source,
         "Tổng điểm {total} thuộc khung mức {band_label} ({band_range}) nhưng đơn vị do đồng chí trực tiếp lãnh "
         "đạo, quản lý mới hoàn thành {units_led_tasks_done_pct}% nhiệm vụ, chưa đạt điều kiện 100% của mức đó và "
         "của mức Hoàn thành nhiệm vụ; cũng không thuộc trường hợp Không hoàn thành nhiệm vụ nào (đơn vị không "
         "dưới 70%). " + _GAP,
         when=lambda f: f.total is not None and below("units_led_tasks_done_pct", 100)(f), who=LEADER,
         group="units-done", gap=True, extra=_band_extra),
    Rule("366-units-late-over-20", _gap_source,
         "Tổng điểm {total} thuộc khung mức {band_label} ({band_range}) nhưng đơn vị do đồng chí lãnh đạo, quản "
         "lý có {units_led_late_pct}% nhiệm vụ chưa bảo đảm tiến độ, vượt mức không quá 20% mà mức Hoàn thành "
         "nhiệm vụ cho phép; cũng không thuộc trường hợp Không hoàn thành nhiệm vụ nào. " + _GAP,
         when=lambda f: f.total is not None and above("units_led_late_pct", 20)(f), who=LEADER,
         group="units-late", gap=True, extra=_band_extra),
    Rule("366-units-late", ART11,
         "Đơn vị do đồng chí lãnh đạo, quản lý có {units_led_late_pct}% nhiệm vụ chưa bảo đảm tiến độ; "
         "từ mức Hoàn thành tốt nhiệm vụ trở lên đơn vị phải hoàn thành 100% nhiệm vụ đúng thời hạn.",
         when=above("units_led_late_pct", 0), cap="hoan_thanh", who=LEADER, group="units-late"),
    Rule("366-units-exceeded", ART11,
         "Đơn vị do đồng chí lãnh đạo, quản lý chỉ có {units_led_exceeded_pct}% nhiệm vụ hoàn thành "
         "vượt mức; mức Hoàn thành xuất sắc nhiệm vụ cần ít nhất 30%.",
         when=below("units_led_exceeded_pct", 30), cap="tot", who=LEADER),
    Rule("366-units-basic-targets", ART11,
         "Không hoàn thành 5 chỉ tiêu kinh tế - xã hội cơ bản được giao (tăng trưởng, thu ngân sách, "
         "giải ngân đầu tư công, thu nhập bình quân, giảm nghèo)" + _FORCED,
         when=flag("units_led_key_targets_missed"), cap=KHT, who=LEADER),
    Rule("366-units-not-completed", ART11,
         "{units_led_not_completed_pct}% địa phương, cơ quan, đơn vị do đồng chí phụ trách bị xếp loại "
         "Không hoàn thành nhiệm vụ (trên 50%)" + _FORCED,
         when=above("units_led_not_completed_pct", 50), cap=KHT, who=LEADER),
    Rule("366-low-confidence", ART11,
         "Có {low_confidence_pct}% phiếu tín nhiệm thấp tại kỳ lấy phiếu trong năm (trên 50%)" + _FORCED,
         when=above("low_confidence_pct", 50), cap=KHT, who=LEADER),
    Rule("366-remit-corruption", ART11,
         "Tổ chức hoặc cá nhân trong phạm vi quản lý trực tiếp xảy ra tham nhũng, lãng phí, tiêu cực "
         "và bị xử lý kỷ luật" + _FORCED,
         when=flag("remit_corruption_disciplined", unless="remit_corruption_remedied"), cap=KHT, who=LEADER),
    Rule("366-remit-corruption-remedied", ART11,
         "Tham nhũng, lãng phí, tiêu cực trong phạm vi quản lý đã được chủ động phát hiện, xử lý, "
         "khắc phục: " + _CASE_BY_CASE,
         when=flag_excepted("remit_corruption_disciplined", "remit_corruption_remedied"), who=LEADER),

    # Everyone (§4.1 and §4.2 alike).
    Rule("366-shortcomings", ART11,
         "Mới khắc phục {previous_shortcomings_fixed_pct}% hạn chế, khuyết điểm đã chỉ ra ở kỳ kiểm "
         "điểm trước; mức Hoàn thành xuất sắc nhiệm vụ cần khắc phục 100%.",
         when=below("previous_shortcomings_fixed_pct", 100), cap="tot"),
    Rule("366-degenerate", ART11,
         "Bị cấp có thẩm quyền kết luận có biểu hiện suy thoái về tư tưởng chính trị, đạo đức, lối sống, "
         "\"tự diễn biến\", \"tự chuyển hoá\"" + _FORCED,
         when=flag("degenerate"), cap=KHT),
    Rule("366-disciplined", ART11,
         "Bị xử lý kỷ luật từ khiển trách trở lên trong năm do vi phạm liên quan đến chức trách, "
         "nhiệm vụ, công vụ" + _FORCED,
         when=flag("disciplined", unless="discipline_self_detected_remedied"), cap=KHT),
    # Leaders: the paragraph after khoản 4 điểm 4.1 ("chủ động phát hiện, báo cáo và chỉ đạo xử lý"): a note.
    Rule("366-disciplined-remedied", ART11_41_LAST,
         "Bị kỷ luật nhưng đã chủ động phát hiện, báo cáo, xử lý và khắc phục xong hậu quả: " + _CASE_BY_CASE,
         when=flag_excepted("disciplined", "discipline_self_detected_remedied"), who=LEADER),
    # Non-leaders: khoản 4 điểm 4.2 has no level for this case; its last paragraph leaves it to the committee.
    # QĐ 124's exception ("trừ trường hợp tự phát hiện…") no longer gives a level; xuất sắc is never approved here.
    Rule("366-member-disciplined-remedied", ART11_42_LAST,
         "Bị xử lý kỷ luật từ khiển trách trở lên trong năm (trường hợp Không hoàn thành nhiệm vụ của khoản 4 "
         "điểm 4.2) nhưng đã tự giác nhận lỗi, tự phát hiện vi phạm và khắc phục xong hậu quả: theo đoạn cuối "
         "điểm 4.2, cấp có thẩm quyền căn cứ hoàn cảnh, tính chất, mức độ vi phạm, hậu quả để xem xét, đánh giá, "
         "xếp loại. " + _GAP,
         when=lambda f: f.person.disciplined and f.person.discipline_self_detected_remedied,
         who=MEMBER, gap=True),
    unconfirmed_rule("366-unconfirmed", ART11, _NEEDS, _LEADER_NEEDS),

    # Notes of HD 43 point 7.5: rated on the actual work of the year, no cap.
    Rule("366-sick-leave", HD43_75,
         "Nghỉ ốm {sick_leave_months} tháng trong năm (từ 03 tháng trở lên): kết quả xếp loại căn cứ "
         "vào kết quả làm việc thực tế của năm.",
         when=lambda f: f.person.sick_leave_months >= f.settings.sick_leave_months_threshold),
    Rule("366-maternity", HD43_75,
         "Nghỉ thai sản: kết quả xếp loại căn cứ vào kết quả làm việc thực tế của năm.",
         when=flag("maternity_leave")),
)
