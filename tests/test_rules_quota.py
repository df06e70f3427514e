"""The Hoàn thành xuất sắc quota: ≤ pct % of those proposed tốt, rounded down (366 Điều 11, 124 Điều 12)."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # until the repo has a conftest/pyproject

from service.rules import Person, check_group  # noqa: E402
from service.rules.quota import quota_limit  # noqa: E402

pytestmark = pytest.mark.filterwarnings("error")

SOURCES = {"366": "Điều 11 Quy định 366-QĐ/TW", "124": "Điều 12 Quy định 124-QĐ/TW"}
ON = {"366": date(2025, 12, 31), "124": date(2024, 12, 31)}


def group(tot: int, xuat_sac: int, **xs_over) -> list[Person]:
    people = [Person(f"t{i}", proposed="tot") for i in range(tot)]
    people += [Person(f"x{i}", proposed="xuat_sac", **xs_over) for i in range(xuat_sac)]
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
    result = check_group(regime, group(tot, xs), on=ON[regime])
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
    good = dict(score_general=30, score_tasks=65, tasks_done_pct=100, tasks_late_pct=0, tasks_exceeded_pct=50,
                previous_shortcomings_fixed_pct=100)
    result = check_group("366", group(4, 1, **good), on=ON["366"])
    x = result.people[-1]
    assert x.highest_allowed == "xuat_sac" and x.proposed_ok is False
    assert [v.rule for v in x.violations] == ["quota"]


def test_check_group_refuses_unknown_regime():
    with pytest.raises(ValueError):
        check_group("132", group(1, 0), on=ON["366"])
