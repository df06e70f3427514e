"""The rule engine under Quy định 366 (bands, Điều 11 conditions, leaders, notes) and eligibility (Điều 5)."""
from __future__ import annotations

from dataclasses import fields, replace
from datetime import date

import pytest


from service.rules import (LEVEL_LABELS, LEVELS, REGIME_TABLES, Person, RuleSettings, check_group,
                           level_rank)
from service.rules.eligibility import add_months
from service.rules.levels import vn_number
from service.rules.table import UNCERTAIN_SUFFIX

pytestmark = pytest.mark.filterwarnings("error")

ON = date(2025, 12, 31)
ART11 = "Điều 11 Quy định 366-QĐ/TW"
# Enough members proposed "tốt" that one xuất sắc stays within the 20 % quota (20 % of 5 = 1).
FILLERS = [Person(f"filler{i}", score_general=25, score_tasks=55, proposed="tot", tasks_done_pct=100,
                  tasks_late_pct=0) for i in range(5)]


def member(**over) -> Person:
    """A non-leader who meets every 366 xuất sắc condition, proposed xuất sắc."""
    base = Person("m", score_general=30, score_tasks=60, proposed="xuat_sac", tasks_done_pct=100,
                  tasks_late_pct=0, tasks_exceeded_pct=40, previous_shortcomings_fixed_pct=100)
    return replace(base, **over)


def leader(**over) -> Person:
    """A leader whose units meet every 366 xuất sắc condition; own task figures left out on purpose."""
    base = Person("l", leader=True, score_general=30, score_tasks=65, proposed="xuat_sac",
                  units_led_tasks_done_pct=100, units_led_late_pct=0, units_led_exceeded_pct=30,
                  previous_shortcomings_fixed_pct=100, low_confidence_pct=10)
    return replace(base, **over)


def rate(person: Person, regime: str = "366", settings: RuleSettings | None = None, on: date = ON):
    """The result for `person`, rated within a group where the quota does not interfere."""
    return check_group(regime, [person, *FILLERS], on=on, settings=settings).people[0]


def rules_of(result) -> list[str]:
    return [v.rule for v in result.violations]


# --- levels ----------------------------------------------------------------------------------------

def test_levels_are_ordered_with_labels():
    assert [c for c, _ in LEVELS] == ["xuat_sac", "tot", "hoan_thanh", "khong_hoan_thanh"]
    assert LEVEL_LABELS["tot"] == "Hoàn thành tốt nhiệm vụ"
    assert LEVEL_LABELS["khong_hoan_thanh"] == "Không hoàn thành nhiệm vụ"
    assert [level_rank(c) for c, _ in LEVELS] == [3, 2, 1, 0]
    with pytest.raises(ValueError):
        level_rank("gioi")


@pytest.mark.parametrize("value, text", [(89.99, "89,99"), (90.0, "90"), (0.5, "0,5"), (70, "70"), (None, "chưa có")])
def test_vn_number_uses_decimal_comma(value, text):
    assert vn_number(value) == text


# --- Điều 11: score bands --------------------------------------------------------------------------

@pytest.mark.parametrize("general, tasks, total, highest, message", [
    pytest.param(30, 60, 90.0, "xuat_sac", None, id="366-dieu11-band-90-is-xuat-sac"),
    pytest.param(29.99, 60, 89.99, "tot",
                 "Tổng điểm 89,99 chỉ đạt mức Hoàn thành tốt nhiệm vụ (từ 70 đến dưới 90 điểm).",
                 id="366-dieu11-band-89.99-is-tot"),
    pytest.param(20, 50, 70.0, "tot",
                 "Tổng điểm 70 chỉ đạt mức Hoàn thành tốt nhiệm vụ (từ 70 đến dưới 90 điểm).",
                 id="366-dieu11-band-70-is-tot"),
    pytest.param(19.99, 50, 69.99, "hoan_thanh",
                 "Tổng điểm 69,99 chỉ đạt mức Hoàn thành nhiệm vụ (từ 50 đến dưới 70 điểm).",
                 id="366-dieu11-band-69.99-is-hoan-thanh"),
    pytest.param(10, 40, 50.0, "hoan_thanh",
                 "Tổng điểm 50 chỉ đạt mức Hoàn thành nhiệm vụ (từ 50 đến dưới 70 điểm).",
                 id="366-dieu11-band-50-is-hoan-thanh"),
    pytest.param(9.99, 40, 49.99, "khong_hoan_thanh",
                 "Tổng điểm 49,99 chỉ đạt mức Không hoàn thành nhiệm vụ (dưới 50 điểm).",
                 id="366-dieu11-band-49.99-is-khong-hoan-thanh"),
])
def test_366_score_bands(general, tasks, total, highest, message):
    r = rate(member(score_general=general, score_tasks=tasks))
    assert r.score_total == total
    assert r.highest_allowed == highest
    assert r.proposed_ok is (highest == "xuat_sac")
    if message is None:
        assert r.violations == []
    else:
        assert [(v.rule, v.message, v.source) for v in r.violations] == [("366-band", message, ART11)]


def test_366_score_total_is_exact_decimal_sum():
    r = rate(member(score_general=29.99, score_tasks=60, proposed="tot"))
    assert r.score_total == 89.99 and r.proposed_ok is True and r.violations == []


def test_366_missing_score_leaves_highest_undetermined():
    r = rate(member(score_tasks=None))
    assert r.highest_allowed is None and r.proposed_ok is False and r.score_total is None
    assert rules_of(r) == ["366-score-missing"]
    assert r.violations[0].message == ("Chưa có đủ điểm (thiếu điểm nhóm tiêu chí về kết quả thực hiện nhiệm vụ /70): "
                                       "chưa tính được tổng điểm nên chưa xác định được mức xếp loại.")


def test_366_missing_score_but_forced_case_is_still_khong_hoan_thanh():
    r = rate(member(score_general=None, score_tasks=None, degenerate=True))
    assert r.highest_allowed == "khong_hoan_thanh"
    assert rules_of(r) == ["366-score-missing", "366-degenerate"]


# --- Điều 11: conditions for non-leaders -----------------------------------------------------------

@pytest.mark.parametrize("over, highest, rules", [
    pytest.param({}, "xuat_sac", [], id="366-dieu11-all-conditions-met"),
    pytest.param({"tasks_exceeded_pct": 29}, "tot", ["366-tasks-exceeded"], id="366-dieu11-xs-exceeded-29-is-tot"),
    pytest.param({"tasks_exceeded_pct": 30}, "xuat_sac", [], id="366-dieu11-xs-exceeded-30-ok"),
    pytest.param({"previous_shortcomings_fixed_pct": 90}, "tot", ["366-shortcomings"],
                 id="366-dieu11-xs-shortcomings-90-is-tot"),
    pytest.param({"tasks_late_pct": 5}, "hoan_thanh", ["366-tasks-late"], id="366-dieu11-tot-late-5-is-hoan-thanh"),
    pytest.param({"tasks_late_pct": 20}, "hoan_thanh", ["366-tasks-late"], id="366-dieu11-ht-late-20-ok"),
    pytest.param({"tasks_done_pct": 49}, "khong_hoan_thanh", ["366-tasks-half-undone"],
                 id="366-dieu11-khong-over-half-undone"),
    pytest.param({"degenerate": True}, "khong_hoan_thanh", ["366-degenerate"], id="366-dieu11-khong-degenerate"),
    pytest.param({"banned_acts_breach": True}, "khong_hoan_thanh", ["366-banned-acts"],
                 id="366-dieu11-khong-banned-acts"),
    pytest.param({"disciplined": True}, "khong_hoan_thanh", ["366-disciplined"],
                 id="366-dieu11-khong-disciplined-proposed-xuat-sac"),
])
def test_366_member_conditions(over, highest, rules):
    r = rate(member(**over))
    assert r.highest_allowed == highest
    assert r.proposed_ok is (highest == "xuat_sac")
    assert rules_of(r) == rules
    assert all(v.source == ART11 for v in r.violations)


def test_366_condition_messages_cite_numbers():
    r = rate(member(tasks_exceeded_pct=12.5))
    assert r.violations[0].message == ("Chỉ có 12,5% nhiệm vụ hoàn thành vượt mức yêu cầu; mức Hoàn thành xuất sắc "
                                       "nhiệm vụ cần ít nhất 30%.")
    assert r.violations[0].binding is True


# --- Điều 11: the gap (no level's conditions met, no Không hoàn thành case) ------------------------

GAP_CASES = [
    pytest.param(member(score_general=20, score_tasks=45, proposed="hoan_thanh", tasks_done_pct=90),
                 "366-tasks-done", "Hoàn thành nhiệm vụ", "90%",
                 "Điều 11 khoản 3 điểm 3.2; khoản 4 điểm 4.2 Quy định 366-QĐ/TW", id="366-gap-member-65-points-90pct-done"),
    pytest.param(member(score_general=25, score_tasks=55, proposed="tot", tasks_done_pct=99),
                 "366-tasks-done", "Hoàn thành tốt nhiệm vụ", "99%",
                 "Điều 11 khoản 2 điểm 2.2 và khoản 3 điểm 3.2; khoản 4 điểm 4.2 Quy định 366-QĐ/TW",
                 id="366-gap-member-80-points-99pct-done"),
    pytest.param(member(score_general=25, score_tasks=55, proposed="hoan_thanh", tasks_late_pct=21),
                 "366-tasks-late-over-20", "Hoàn thành tốt nhiệm vụ", "21%",
                 "Điều 11 khoản 2 điểm 2.2 và khoản 3 điểm 3.2; khoản 4 điểm 4.2 Quy định 366-QĐ/TW",
                 id="366-gap-member-late-21pct"),
    pytest.param(leader(score_general=20, score_tasks=40, proposed="hoan_thanh", units_led_tasks_done_pct=70),
                 "366-units-done", "Hoàn thành nhiệm vụ", "70%",
                 "Điều 11 khoản 3 điểm 3.1; khoản 4 điểm 4.1 Quy định 366-QĐ/TW", id="366-gap-leader-units-70pct"),
    pytest.param(leader(score_general=25, score_tasks=50, proposed="hoan_thanh", units_led_tasks_done_pct=99),
                 "366-units-done", "Hoàn thành tốt nhiệm vụ", "99%",
                 "Điều 11 khoản 2 điểm 2.1 và khoản 3 điểm 3.1; khoản 4 điểm 4.1 Quy định 366-QĐ/TW",
                 id="366-gap-leader-units-99pct"),
    pytest.param(leader(score_general=25, score_tasks=50, proposed="hoan_thanh", units_led_late_pct=25),
                 "366-units-late-over-20", "Hoàn thành tốt nhiệm vụ", "25%",
                 "Điều 11 khoản 2 điểm 2.1 và khoản 3 điểm 3.1; khoản 4 điểm 4.1 Quy định 366-QĐ/TW",
                 id="366-gap-leader-units-late-25pct"),
]


@pytest.mark.parametrize("person, rule, band_label, figure, source", GAP_CASES)
def test_366_gap_is_undetermined_by_the_letter(person, rule, band_label, figure, source):
    r = rate(person)
    assert (r.determined, r.highest_allowed, r.proposed_ok) == (False, None, None)
    gap = next(v for v in r.violations if v.rule == rule)
    assert gap.binding is False and gap.source == source
    assert f"thuộc khung mức {band_label}" in gap.message and figure in gap.message
    assert "không thuộc trường hợp Không hoàn thành nhiệm vụ nào" in gap.message
    assert "cấp có thẩm quyền xem xét, quyết định" in gap.message
    assert not any(v.binding for v in r.violations if v.rule == rule)


@pytest.mark.parametrize("person, rule, band_label, figure, source", GAP_CASES)
def test_366_gap_strict_local_reading_is_khong_hoan_thanh_and_says_so(person, rule, band_label, figure, source):
    r = rate(person, settings=RuleSettings(gap_reading="strict"))
    assert (r.determined, r.highest_allowed, r.proposed_ok) == (True, "khong_hoan_thanh", False)
    gap = next(v for v in r.violations if v.rule == rule)
    assert gap.binding is True
    assert "cách hiểu chặt hơn của địa phương" in gap.message and "gap_reading = strict" in gap.message


def test_366_gap_not_reported_when_a_khong_hoan_thanh_case_applies():
    under_50 = rate(member(score_general=10, score_tasks=35, proposed="hoan_thanh", tasks_done_pct=90))
    assert under_50.determined and under_50.highest_allowed == "khong_hoan_thanh"
    assert "366-tasks-done" not in rules_of(under_50)
    half_undone = rate(member(proposed="hoan_thanh", tasks_done_pct=40))
    assert half_undone.highest_allowed == "khong_hoan_thanh" and rules_of(half_undone) == ["366-tasks-half-undone"]
    degenerate = rate(member(proposed="hoan_thanh", tasks_done_pct=90, degenerate=True))
    assert degenerate.highest_allowed == "khong_hoan_thanh" and rules_of(degenerate) == ["366-degenerate"]


def test_366_late_up_to_20_pct_is_hoan_thanh_not_a_gap():
    r = rate(member(score_general=25, score_tasks=55, proposed="hoan_thanh", tasks_late_pct=20))
    assert r.determined and r.highest_allowed == "hoan_thanh" and r.proposed_ok is True


def test_366_cap_not_reported_when_proposal_is_within_it():
    r = rate(member(tasks_exceeded_pct=10, proposed="tot"))
    assert r.highest_allowed == "tot" and r.proposed_ok is True and r.violations == []


def test_366_disciplined_non_leader_self_detected_is_never_approved_xuat_sac():
    """Khoản 4 điểm 4.2: no level; its last paragraph leaves the case to the committee (not QĐ 124's exception)."""
    r = rate(member(disciplined=True, discipline_self_detected_remedied=True))
    assert (r.determined, r.highest_allowed, r.proposed_ok) == (False, None, None)
    assert rules_of(r) == ["366-member-disciplined-remedied"]
    assert r.violations[0].source == "Điều 11 khoản 4 điểm 4.2 (đoạn cuối) Quy định 366-QĐ/TW"
    assert r.violations[0].binding is False
    strict = rate(member(disciplined=True, discipline_self_detected_remedied=True),
                  settings=RuleSettings(gap_reading="strict"))
    assert strict.highest_allowed == "khong_hoan_thanh" and strict.proposed_ok is False
    plain = rate(member(disciplined=True))
    assert plain.highest_allowed == "khong_hoan_thanh" and rules_of(plain) == ["366-disciplined"]


def test_366_disciplined_leader_self_detected_keeps_the_case_by_case_note():
    r = rate(leader(disciplined=True, discipline_self_detected_remedied=True))
    assert r.determined and r.highest_allowed == "xuat_sac" and r.proposed_ok is True
    assert rules_of(r) == ["366-disciplined-remedied"]
    assert "xem xét cụ thể" in r.violations[0].message and "Hoàn thành xuất sắc nhiệm vụ" in r.violations[0].message
    assert r.violations[0].binding is False
    modest = rate(leader(disciplined=True, discipline_self_detected_remedied=True, proposed="hoan_thanh"))
    assert modest.violations == [] and modest.proposed_ok is True


@pytest.mark.parametrize("over, proposed, missing", [
    pytest.param({"tasks_exceeded_pct": None}, "xuat_sac", "tỷ lệ nhiệm vụ vượt mức", id="366-dieu11-xs-unconfirmed"),
    pytest.param({"tasks_late_pct": None}, "tot", "tỷ lệ nhiệm vụ chậm tiến độ", id="366-dieu11-tot-unconfirmed"),
])
def test_366_missing_information_is_reported_only_for_the_level_it_confirms(over, proposed, missing):
    r = rate(member(proposed=proposed, **over))
    assert r.highest_allowed == "xuat_sac" and r.proposed_ok is True
    assert rules_of(r) == ["366-unconfirmed"]
    assert r.violations[0].message.startswith("Chưa đủ thông tin để xác nhận điều kiện của mức")
    assert missing in r.violations[0].message
    assert rate(member(proposed="hoan_thanh", tasks_exceeded_pct=None)).violations == []


def test_366_unconfirmed_note_dropped_when_proposal_refused_anyway():
    r = rate(member(tasks_exceeded_pct=None, disciplined=True))
    assert rules_of(r) == ["366-disciplined"]


def test_366_proposed_missing():
    r = rate(member(proposed=None, tasks_exceeded_pct=10))
    assert r.proposed_ok is False and r.highest_allowed == "tot"
    assert rules_of(r) == ["366-tasks-exceeded", "proposed-missing"]
    assert r.violations[-1].source == "Điều 12 Quy định 366-QĐ/TW"


def test_probationary_member_is_rated_normally():
    r = rate(member(official=False))
    assert r.rated is True and r.highest_allowed == "xuat_sac" and r.proposed_ok is True


# --- Điều 11: leaders ------------------------------------------------------------------------------

@pytest.mark.parametrize("over, highest, rules", [
    pytest.param({}, "xuat_sac", [], id="366-dieu11-leader-all-met"),
    pytest.param({"tasks_done_pct": 40}, "xuat_sac", [], id="366-dieu11-leader-judged-on-units-not-own-tasks"),
    pytest.param({"low_confidence_pct": 51}, "khong_hoan_thanh", ["366-low-confidence"],
                 id="366-dieu11-leader-low-confidence-51"),
    pytest.param({"low_confidence_pct": 50}, "xuat_sac", [], id="366-dieu11-leader-low-confidence-50-ok"),
    pytest.param({"units_led_tasks_done_pct": 69}, "khong_hoan_thanh", ["366-units-done-under-70"],
                 id="366-dieu11-leader-units-under-70"),
    pytest.param({"units_led_exceeded_pct": 29}, "tot", ["366-units-exceeded"],
                 id="366-dieu11-leader-units-exceeded-29"),
    pytest.param({"units_led_late_pct": 10}, "hoan_thanh", ["366-units-late"], id="366-dieu11-leader-units-late-10"),
    pytest.param({"units_led_not_completed_pct": 51}, "khong_hoan_thanh", ["366-units-not-completed"],
                 id="366-dieu11-leader-units-rated-khong-over-half"),
    pytest.param({"units_led_key_targets_missed": True}, "khong_hoan_thanh", ["366-units-basic-targets"],
                 id="366-dieu11-leader-basic-targets-missed"),
    pytest.param({"remit_corruption_disciplined": True}, "khong_hoan_thanh", ["366-remit-corruption"],
                 id="366-dieu11-leader-remit-corruption"),
    pytest.param({"remit_corruption_disciplined": True, "remit_corruption_remedied": True}, "xuat_sac",
                 ["366-remit-corruption-remedied"], id="366-dieu11-leader-remit-corruption-remedied"),
    pytest.param({"banned_acts_breach": True}, "xuat_sac", [], id="366-dieu11-leader-banned-acts-not-listed"),
    pytest.param({"disciplined": True}, "khong_hoan_thanh", ["366-disciplined"], id="366-dieu11-leader-disciplined"),
])
def test_366_leader_conditions(over, highest, rules):
    r = rate(leader(**over))
    assert r.highest_allowed == highest
    assert rules_of(r) == rules


def test_366_leader_outside_political_system_gets_member_rules():
    r = rate(leader(in_political_system=False, tasks_done_pct=40, tasks_late_pct=0, tasks_exceeded_pct=40))
    assert r.highest_allowed == "khong_hoan_thanh" and rules_of(r) == ["366-tasks-half-undone"]


# --- HD 43 point 7.5 -------------------------------------------------------------------------------

@pytest.mark.parametrize("over, rules", [
    pytest.param({"sick_leave_months": 3}, ["366-sick-leave"], id="366-hd43-7.5-sick-leave-3-months-note"),
    pytest.param({"sick_leave_months": 2.9}, [], id="366-hd43-7.5-sick-leave-2.9-months-nothing"),
    pytest.param({"maternity_leave": True}, ["366-maternity"], id="366-hd43-7.5-maternity-note"),
])
def test_366_leave_is_a_note_never_a_cap(over, rules):
    r = rate(member(**over))
    assert r.highest_allowed == "xuat_sac" and r.proposed_ok is True
    assert rules_of(r) == rules
    assert all(v.source == "Điểm 7.5 Hướng dẫn 43-HD/BTCTW" for v in r.violations)


# --- Điều 5: who is rated (both regimes) -----------------------------------------------------------

@pytest.mark.parametrize("regime", ["366", "124"])
@pytest.mark.parametrize("over, rule, reason", [
    pytest.param({"status": "exempted"}, "exempted", "Miễn công tác và sinh hoạt đảng: không đánh giá, xếp loại.",
                 id="dieu5-exempted"),
    pytest.param({"status": "suspended"}, "suspended", "Đình chỉ sinh hoạt đảng: không đánh giá, xếp loại.",
                 id="dieu5-suspended"),
    pytest.param({"admitted_on": date(2025, 7, 31)}, "new-member",
                 "Đảng viên mới kết nạp chưa đủ 6 tháng (vào Đảng ngày 31/07/2025, tính đến ngày 31/12/2025): "
                 "không đánh giá, xếp loại.", id="dieu5-admitted-5-months-before"),
    pytest.param({"admitted_on": date(2025, 7, 1)}, "new-member", None, id="dieu5-admitted-1-july-one-day-short"),
])
def test_not_rated(regime, over, rule, reason):
    r = rate(member(**over), regime=regime)
    assert (r.rated, r.highest_allowed, r.proposed_ok, r.score_total) == (False, None, False, None)
    if reason:
        assert r.not_rated_reason == reason
    assert [(v.rule, v.source) for v in r.violations] == [(f"{regime}-{rule}", f"Điều 5 Quy định {regime}-QĐ/TW")]
    assert "đang đề xuất: Hoàn thành xuất sắc nhiệm vụ" in r.violations[0].message
    silent = rate(member(proposed=None, **over), regime=regime)
    assert silent.proposed_ok is True and silent.violations == [] and silent.not_rated_reason


@pytest.mark.parametrize("admitted", [date(2025, 6, 30), date(2024, 1, 1)], ids=["366-dieu5-6-months-exact", "old"])
def test_admitted_six_months_before_is_rated(admitted):
    r = rate(member(admitted_on=admitted))
    assert r.rated is True and r.highest_allowed == "xuat_sac"


@pytest.mark.parametrize("regime", ["366", "124"])
def test_admitted_exactly_six_calendar_months_before_is_rated(regime):
    # admitted_on + 6 months == on: "chưa đủ 6 tháng" no longer holds.
    r = rate(member(admitted_on=date(2025, 6, 30)), regime=regime, on=date(2025, 12, 30))
    assert r.rated is True and r.not_rated_reason is None
    assert rate(member(admitted_on=date(2025, 7, 1)), regime=regime, on=date(2025, 12, 31)).rated is False


def test_not_rated_members_do_not_count_in_quota():
    group = [member(id="x1", status="exempted"), member(id="x2"), *FILLERS]
    result = check_group("366", group, on=ON)
    assert (result.quota.xuat_sac, result.quota.tot, result.quota.excess) == (1, 5, 0)


@pytest.mark.parametrize("start, months, end", [
    (date(2025, 6, 30), 6, date(2025, 12, 30)),
    (date(2024, 8, 31), 6, date(2025, 2, 28)),
    (date(2023, 8, 31), 6, date(2024, 2, 29)),
    (date(2025, 7, 1), 6, date(2026, 1, 1)),
])
def test_add_months_is_calendar_months(start, months, end):
    assert add_months(start, months) == end


# --- the tables themselves -------------------------------------------------------------------------

def test_rule_tables_are_consistent():
    switches = {f.name for f in fields(RuleSettings)}
    for code, table in REGIME_TABLES.items():
        ids = [r.id for r in table.RULES]
        assert len(ids) == len(set(ids)), code
        for r in table.RULES:
            assert r.id.startswith(code + "-") and r.source and r.message
            assert r.switch is None or r.switch in switches
            assert (r.confidence == "H") == (r.switch is None), f"{r.id}: uncertain rules must be switchable"
            assert r.cap is None or callable(r.cap) or r.cap in LEVEL_LABELS


def test_uncertain_rule_messages_say_so():
    assert UNCERTAIN_SUFFIX == " (quy tắc tham khảo, cấu hình được)"
