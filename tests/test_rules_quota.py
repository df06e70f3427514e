"""The Hoàn thành xuất sắc quota: ≤ pct % of those proposed tốt, rounded down (366 Điều 11, 124 Điều 12)."""
from __future__ import annotations

from datetime import date

import pytest


from service.rules import Person, RuleSettings, check_group
from service.rules.quota import quota_limit

pytestmark = pytest.mark.filterwarnings("error")

SOURCES = {"366": "Điều 11 Quy định 366-QĐ/TW", "124": "Điều 12 Quy định 124-QĐ/TW"}
ON = {"366": date(2025, 12, 31), "124": date(2024, 12, 31)}


# 366: scores and tasks that allow xuất sắc; 124: every criterion graded Xuất sắc and the tasks exceeded.
QUALIFIED = {
    "366": dict(score_general=30, score_tasks=65, tasks_done_pct=100, tasks_late_pct=0, tasks_exceeded_pct=50,
                previous_shortcomings_fixed_pct=100),
    "124": dict(criteria_grades={k: "xuat_sac" for k in ("chinh_tri_tu_tuong", "dao_duc_loi_song", "y_thuc_ky_luat",
                                                          "tac_phong_le_loi", "ket_qua_nhiem_vu")},
                tasks_done_pct=100, tasks_late_pct=0, tasks_exceeded_pct=60),
}


def group(tot: int, xuat_sac: int, regime: str = "366", **xs_over) -> list[Person]:
    """`tot` members proposed tốt and `xuat_sac` proposed xuất sắc, all of whom the rules allow xuất sắc."""
    people = [Person(f"t{i}", proposed="tot", **QUALIFIED[regime]) for i in range(tot)]
    people += [Person(f"x{i}", proposed="xuat_sac", **{**QUALIFIED[regime], **xs_over}) for i in range(xuat_sac)]
    return people


@pytest.mark.parametrize("tot, pct, limit", [
    pytest.param(7, 20, 1, id="quota-20pct-of-7-is-1"),
    pytest.param(10, 20, 2, id="quota-20pct-of-10-is-2"),
    pytest.param(4, 20, 0, id="quota-20pct-of-4-is-0"),
    pytest.param(4, 25, 1, id="366-dieu11-quota-25pct-of-4-is-1"),
    pytest.param(7, 25, 1, id="366-dieu11-quota-25pct-of-7-is-1"),
    pytest.param(8, 25, 2, id="366-dieu11-quota-25pct-of-8-is-2"),
    pytest.param(0, 20, 0, id="quota-none-proposed-tot"),
])
def test_quota_limit_rounds_down(tot, pct, limit):
    assert quota_limit(tot, pct)[0] == limit


@pytest.mark.parametrize("regime", ["366", "124"])
@pytest.mark.parametrize("tot, xs, limit, excess, rounding", [
    pytest.param(7, 2, 1, 1, "Làm tròn xuống: số lượng không vượt quá 20% số hoàn thành tốt nhiệm vụ; "
                 "20% của 7 là 1,4, làm tròn xuống còn 1.", id="quota-20pct-of-7-limit-1-excess-1"),
    pytest.param(10, 2, 2, 0, "Làm tròn xuống: số lượng không vượt quá 20% số hoàn thành tốt nhiệm vụ; "
                 "20% của 10 là 2.", id="quota-20pct-of-10-limit-2-ok"),
    pytest.param(4, 1, 0, 1, "Làm tròn xuống: số lượng không vượt quá 20% số hoàn thành tốt nhiệm vụ; "
                 "20% của 4 là 0,8, làm tròn xuống còn 0.", id="quota-20pct-of-4-limit-0"),
])
def test_quota_in_group(regime, tot, xs, limit, excess, rounding):
    result = check_group(regime, group(tot, xs, regime), on=ON[regime])
    q = result.quota
    assert (q.pct, q.tot, q.xuat_sac, q.limit, q.excess, q.rounding) == (20, tot, xs, limit, excess, rounding)
    for r in result.people:
        quota_violations = [v for v in r.violations if v.rule == "quota"]
        if r.id.startswith("x") and excess:
            assert r.proposed_ok is False
            assert [v.source for v in quota_violations] == [SOURCES[regime]]
            assert f"tối đa {limit}" in quota_violations[0].message
        else:
            assert quota_violations == []


def test_366_quota_25pct_of_7_allows_one():
    result = check_group("366", group(7, 1), on=ON["366"], quota_pct=25)
    assert (result.quota.limit, result.quota.excess) == (1, 0)
    assert result.quota.rounding == ("Làm tròn xuống: số lượng không vượt quá 25% số hoàn thành tốt nhiệm vụ; "
                                     "25% của 7 là 1,75, làm tròn xuống còn 1.")
    assert not any(v.rule == "quota" for r in result.people for v in r.violations)


def test_quota_counts_proposals_of_probationary_members():
    result = check_group("366", group(5, 2, official=False), on=ON["366"])
    assert (result.quota.xuat_sac, result.quota.limit, result.quota.excess) == (2, 1, 1)


def test_quota_excess_marks_even_an_otherwise_allowed_proposal():
    result = check_group("366", group(4, 1), on=ON["366"])
    x = result.people[-1]
    assert x.highest_allowed == "xuat_sac" and x.proposed_ok is False
    assert [v.rule for v in x.violations] == ["quota"]


def test_check_group_refuses_unknown_regime():
    with pytest.raises(ValueError):
        check_group("132", group(1, 0), on=ON["366"])


# --- the base counts people at their allowed level, and which number it is (issue 12 points 3 and 4) ---------

@pytest.mark.parametrize("size, xs, only, above", [
    # (people in the group, of whom proposed xuất sắc, (base, limit, excess) by the letter, the same at tốt or above)
    pytest.param(1, 1, (0, 0, 1), (1, 0, 1), id="quota-1-person"),
    pytest.param(4, 1, (3, 0, 1), (4, 0, 1), id="quota-4-people"),
    pytest.param(5, 1, (4, 0, 1), (5, 1, 0), id="quota-5-people"),
    pytest.param(9, 2, (7, 1, 1), (9, 1, 1), id="quota-9-people"),
    pytest.param(10, 2, (8, 1, 1), (10, 2, 0), id="quota-10-people"),
    pytest.param(11, 2, (9, 1, 1), (11, 2, 0), id="quota-11-people"),
])
@pytest.mark.parametrize("regime", ["366", "124"])
def test_quota_table_both_readings(regime, size, xs, only, above):
    people = group(size - xs, xs, regime)
    for base_rule, (base, limit, excess) in (("tot_only", only), ("tot_and_above", above)):
        result = check_group(regime, people, on=ON[regime], settings=RuleSettings(quota_base=base_rule))
        q = result.quota
        assert (q.base_rule, q.base, q.limit, q.excess) == (base_rule, base, limit, excess)
        assert (q.tot, q.xuat_sac) == (size - xs, xs)
        refused = [r.id for r in result.people if r.proposed_ok is False]
        assert refused == ([f"x{i}" for i in range(xs)] if excess else [])
        reading = ("không kể Hoàn thành xuất sắc (câu chữ của quy định)" if base_rule == "tot_only"
                   else "kể cả Hoàn thành xuất sắc (cách hiểu của cấp ủy, cấu hình quota_base = tot_and_above)")
        assert reading in q.message and f"{base} người, tối đa {limit}" in q.message
        assert "mức thấp hơn giữa mức đề xuất và mức cao nhất quy định cho phép" in q.message
        for r in result.people:
            for v in r.violations:
                if v.rule == "quota":
                    assert v.message == q.message and v.binding is True


@pytest.mark.parametrize("size, xs, only, above", [
    # 25 % (366 only, where the competent level decides so): (base, limit, excess) by each reading
    pytest.param(1, 1, (0, 0, 1), (1, 0, 1), id="quota-25pct-1-person"),
    pytest.param(4, 1, (3, 0, 1), (4, 1, 0), id="quota-25pct-4-people"),
    pytest.param(5, 1, (4, 1, 0), (5, 1, 0), id="quota-25pct-5-people"),
    pytest.param(9, 2, (7, 1, 1), (9, 2, 0), id="quota-25pct-9-people"),
    pytest.param(10, 2, (8, 2, 0), (10, 2, 0), id="quota-25pct-10-people"),
    pytest.param(11, 3, (8, 2, 1), (11, 2, 1), id="quota-25pct-11-people"),
])
def test_366_quota_table_at_25_percent_both_readings(size, xs, only, above):
    people = group(size - xs, xs, "366")
    for base_rule, (base, limit, excess) in (("tot_only", only), ("tot_and_above", above)):
        q = check_group("366", people, on=ON["366"], quota_pct=25, settings=RuleSettings(quota_base=base_rule)).quota
        assert (q.pct, q.base_rule, q.base, q.limit, q.excess) == (25, base_rule, base, limit, excess)
        assert f"{base} người, tối đa {limit}" in q.message


def test_quota_counts_each_person_at_the_level_the_rules_allow():
    """Five proposed tốt, four of whom only reach the Hoàn thành band: one tốt, so no xuất sắc (20 % of 1 = 0)."""
    people = [Person("t0", proposed="tot", **QUALIFIED["366"])]
    people += [Person(f"h{i}", proposed="tot", **{**QUALIFIED["366"], "score_tasks": 30}) for i in range(4)]
    people += [Person("x0", proposed="xuat_sac", **QUALIFIED["366"])]
    result = check_group("366", people, on=ON["366"])
    assert [r.highest_allowed for r in result.people[1:5]] == ["hoan_thanh"] * 4
    q = result.quota
    assert (q.tot, q.base, q.limit, q.xuat_sac, q.excess) == (1, 1, 0, 1, 1)
    assert result.people[-1].proposed_ok is False
    assert "1 người, tối đa 0" in q.message


def test_quota_a_refused_xuat_sac_counts_as_tot_not_xuat_sac():
    people = group(4, 0) + [Person("x0", proposed="xuat_sac", **{**QUALIFIED["366"], "tasks_exceeded_pct": 10})]
    q = check_group("366", people, on=ON["366"]).quota
    assert (q.tot, q.xuat_sac, q.excess) == (5, 0, 0)


def test_quota_leaves_out_undetermined_people_and_says_so():
    people = group(5, 1) + [Person("gap", proposed="tot", **{**QUALIFIED["366"], "tasks_done_pct": 90})]
    result = check_group("366", people, on=ON["366"])
    assert result.people[-1].determined is False
    q = result.quota
    assert (q.tot, q.undetermined, q.limit, q.excess) == (5, 1, 1, 0)
    assert "1 người chưa xác định được mức xếp loại không được tính" in q.message
