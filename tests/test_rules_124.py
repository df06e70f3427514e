"""The rule engine under Quy định 124 (Điều 12): criteria grades, forcing cases, and the configurable [M]/[L] rules."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest


from service.rules import Person, RuleSettings, check_group
from service.rules.table import DISABLED_SUFFIX, UNCERTAIN_SUFFIX

pytestmark = pytest.mark.filterwarnings("error")

ON = date(2024, 12, 31)
ART12 = "Điều 12 Quy định 124-QĐ/TW"
EXCELLENT = {"chinh_tri_tu_tuong": "tot", "dao_duc_loi_song": "xuat_sac", "y_thuc_ky_luat": "tot",
             "tac_phong_le_loi": "tot", "ket_qua_nhiem_vu": "xuat_sac"}
FILLERS = [Person(f"filler{i}", proposed="tot", criteria_grades={**EXCELLENT, "ket_qua_nhiem_vu": "tot"},
                  tasks_done_pct=100) for i in range(5)]


def member(grades: dict | None = None, **over) -> Person:
    """An individual meeting every 124 xuất sắc test, proposed xuất sắc; `grades` overrides criteria."""
    base = Person("m", proposed="xuat_sac", criteria_grades={**EXCELLENT, **(grades or {})},
                  tasks_done_pct=100, tasks_late_pct=0, tasks_exceeded_pct=50)
    return replace(base, **over)


def leader(**over) -> Person:
    return member(**{"leader": True, "units_led_tasks_done_pct": 100, "units_led_exceeded_pct": 50, **over})


def rate(person: Person, settings: RuleSettings | None = None):
    return check_group("124", [person, *FILLERS], on=ON, settings=settings).people[0]


def rules_of(result) -> list[str]:
    return [v.rule for v in result.violations]


@pytest.mark.parametrize("person, highest, rules", [
    pytest.param(member(), "xuat_sac", [], id="124-dieu12-all-xuat-sac-tests-met"),
    pytest.param(member({"tac_phong_le_loi": "kem"}), "khong_hoan_thanh", ["124-criteria-kem"],
                 id="124-dieu12-criterion-kem-is-khong"),
    pytest.param(member({"ket_qua_nhiem_vu": "trung_binh"}), "hoan_thanh", ["124-criteria-task-average"],
                 id="124-dieu12-task-result-trung-binh-is-hoan-thanh"),
    pytest.param(member({"y_thuc_ky_luat": "trung_binh"}), "tot", ["124-xs-criteria-general"],
                 id="124-dieu12-general-trung-binh-is-tot"),
    pytest.param(member({"ket_qua_nhiem_vu": "tot"}), "tot", ["124-xs-criteria-task"],
                 id="124-dieu12-task-result-tot-is-tot"),
    pytest.param(member(tasks_exceeded_pct=49), "tot", ["124-xs-tasks-exceeded"], id="124-dieu12-xs-exceeded-49"),
    pytest.param(member(tasks_exceeded_pct=30), "tot", ["124-xs-tasks-exceeded"],
                 id="124-dieu12-xs-exceeded-30-is-not-the-366-threshold"),
    pytest.param(member(tasks_late_pct=5), "tot", ["124-xs-tasks-late"], id="124-dieu12-xs-late-5"),
    pytest.param(member(disciplined=True), "khong_hoan_thanh", ["124-disciplined"], id="124-dieu12-disciplined"),
    pytest.param(member(disciplined=True, discipline_self_detected_remedied=True), "xuat_sac",
                 ["124-disciplined-remedied"], id="124-dieu12-disciplined-self-detected-remedied"),
    pytest.param(member(degenerate=True), "khong_hoan_thanh", ["124-degenerate"], id="124-dieu12-degenerate"),
    pytest.param(member(banned_acts_breach=True), "khong_hoan_thanh", ["124-banned-acts"],
                 id="124-dieu12-banned-acts"),
    pytest.param(member(official=False), "xuat_sac", [], id="124-dieu3-dieu-le-probationary-rated-normally"),
])
def test_124_individual(person, highest, rules):
    r = rate(person)
    assert r.rated is True and r.highest_allowed == highest
    assert r.proposed_ok is (highest == "xuat_sac")
    assert rules_of(r) == rules
    assert all(v.source == ART12 for v in r.violations)
    assert r.score_total is None


def test_124_kem_message_names_the_criterion():
    r = rate(member({"tac_phong_le_loi": "kem"}))
    assert r.violations[0].message == ("Tiêu chí bị đánh giá mức Kém: Tác phong, lề lối làm việc: xếp loại Không "
                                       "hoàn thành nhiệm vụ.")


def test_124_scores_are_ignored():
    r = rate(member(score_general=10, score_tasks=10))
    assert r.highest_allowed == "xuat_sac" and r.score_total is None


def test_124_missing_criteria_leaves_highest_undetermined():
    r = rate(member(criteria_grades={"ket_qua_nhiem_vu": "xuat_sac"}))
    assert r.highest_allowed is None and r.proposed_ok is False
    assert rules_of(r) == ["124-criteria-missing"]
    assert "Tư tưởng chính trị" in r.violations[0].message
    forced = rate(member(criteria_grades={"dao_duc_loi_song": "kem"}))
    assert forced.highest_allowed == "khong_hoan_thanh"


# --- [L] individual "tốt" needs 100% of tasks (switch r124_tot_requires_all_tasks, default off) ----------

def test_124_tot_all_tasks_off_by_default_gives_advisory_only():
    r = rate(member(tasks_done_pct=90, proposed="tot"))
    assert r.highest_allowed == "tot" and r.proposed_ok is True
    assert rules_of(r) == ["124-tot-tasks-done"]
    assert r.violations[0].message.endswith(DISABLED_SUFFIX)


def test_124_tot_all_tasks_switched_on_caps_and_says_it_is_uncertain():
    r = rate(member(tasks_done_pct=90, proposed="tot"), RuleSettings(r124_tot_requires_all_tasks=True))
    assert r.highest_allowed == "hoan_thanh" and r.proposed_ok is False
    assert rules_of(r) == ["124-tot-tasks-done"]
    assert r.violations[0].message.endswith(UNCERTAIN_SUFFIX)


def test_124_disabled_rules_can_be_silenced():
    r = rate(member(tasks_done_pct=90, proposed="tot"), RuleSettings(advise_disabled=False))
    assert r.violations == [] and r.proposed_ok is True


def test_124_xs_tasks_done_reported_once_when_tot_rule_on():
    r = rate(member(tasks_done_pct=90), RuleSettings(r124_tot_requires_all_tasks=True))
    assert rules_of(r) == ["124-tot-tasks-done"] and r.highest_allowed == "hoan_thanh"


# --- leaders ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("over, settings, highest, rules", [
    pytest.param({}, None, "xuat_sac", [], id="124-dieu12-leader-all-met"),
    pytest.param({"units_led_tasks_done_pct": 40, "units_led_key_targets_missed": True}, None, "khong_hoan_thanh",
                 ["124-units-under-50"], id="124-dieu12-leader-unit-under-50-key-targets-missed"),
    pytest.param({"units_led_tasks_done_pct": 90}, None, "tot", ["124-tot-units-done", "124-xs-units-done"],
                 id="124-dieu12-M-leader-unit-90-no-xuat-sac-L-tot-rule-advises"),
    pytest.param({"units_led_tasks_done_pct": 90, "proposed": "tot"}, None, "tot", ["124-tot-units-done"],
                 id="124-dieu12-L-leader-tot-unit-off-proposal-tot-advised"),
    pytest.param({"units_led_tasks_done_pct": 90, "proposed": "hoan_thanh"}, None, "tot", [],
                 id="124-dieu12-L-leader-tot-unit-off-proposal-hoan-thanh-silent"),
    pytest.param({"units_led_exceeded_pct": 40}, None, "tot", ["124-xs-units-exceeded"],
                 id="124-dieu12-M-leader-unit-exceeded-40"),
    pytest.param({"units_led_tasks_done_pct": 90}, RuleSettings(r124_leader_xuat_sac_units=False), "xuat_sac",
                 ["124-tot-units-done", "124-xs-units-done"], id="124-dieu12-M-leader-unit-switched-off-advisory"),
    pytest.param({"units_led_tasks_done_pct": 90}, RuleSettings(r124_leader_tot_units=True), "hoan_thanh",
                 ["124-tot-units-done"], id="124-dieu12-L-leader-tot-unit-switched-on"),
])
def test_124_leader(over, settings, highest, rules):
    r = rate(leader(**over), settings)
    assert r.highest_allowed == highest
    assert rules_of(r) == rules


def test_124_uncertain_leader_rule_carries_the_mark():
    on = rate(leader(units_led_exceeded_pct=40))
    assert [v.rule for v in on.violations] == ["124-xs-units-exceeded"] and on.proposed_ok is False
    assert on.violations[0].message == ("Đơn vị do đồng chí lãnh đạo, quản lý chỉ có 40% chỉ tiêu, nhiệm vụ vượt mức; "
                                        "mức Hoàn thành xuất sắc nhiệm vụ cần ít nhất 50%." + UNCERTAIN_SUFFIX)
    off = rate(leader(units_led_exceeded_pct=40), RuleSettings(r124_leader_xuat_sac_units=False))
    assert off.violations[0].message.endswith(DISABLED_SUFFIX) and off.proposed_ok is True


def test_124_switched_off_rule_is_silent_when_it_would_change_nothing():
    r = rate(leader(units_led_tasks_done_pct=40, units_led_key_targets_missed=True))
    assert r.highest_allowed == "khong_hoan_thanh" and [v.rule for v in r.violations] == ["124-units-under-50"]


# --- sick leave: the HD 21 cap is a switch, default off -----------------------------------------------

@pytest.mark.parametrize("settings, proposed, highest, ok, suffix", [
    pytest.param(None, "xuat_sac", "xuat_sac", True, DISABLED_SUFFIX, id="124-hd21-sick-leave-cap-off-advisory"),
    pytest.param(RuleSettings(r124_sick_leave_cap=True), "xuat_sac", "hoan_thanh", False, UNCERTAIN_SUFFIX,
                 id="124-hd21-sick-leave-cap-on"),
    pytest.param(RuleSettings(r124_sick_leave_cap=True), "hoan_thanh", "hoan_thanh", True, None,
                 id="124-hd21-sick-leave-cap-on-proposal-within"),
])
def test_124_sick_leave(settings, proposed, highest, ok, suffix):
    r = rate(member(sick_leave_months=4, proposed=proposed), settings)
    assert r.highest_allowed == highest and r.proposed_ok is ok
    if suffix is None:
        assert r.violations == []
    else:
        (v,) = r.violations
        assert v.rule == "124-sick-leave" and v.message.endswith(suffix)
        assert v.source.startswith("Hướng dẫn 21-HD/BTCTW")
        assert "Nghỉ ốm 4 tháng" in v.message


def test_124_maternity_is_a_note():
    r = rate(member(maternity_leave=True))
    assert r.highest_allowed == "xuat_sac" and r.proposed_ok is True and rules_of(r) == ["124-maternity"]
