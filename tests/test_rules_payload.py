"""Strict input of the rule engine: person_from_dict and check_payload (named fields, Vietnamese messages, JSON)."""
from __future__ import annotations

import json
from datetime import date

import pytest


from service.errors import InvalidInput, UnsupportedYear
from service.rules import check_payload, person_from_dict

pytestmark = pytest.mark.filterwarnings("error")

GOOD_366 = {"id": "a", "score_general": 30, "score_tasks": 60, "proposed": "xuat_sac", "tasks_done_pct": 100,
            "tasks_late_pct": 0, "tasks_exceeded_pct": 30, "previous_shortcomings_fixed_pct": 100}


def fillers(n: int = 5) -> list[dict]:
    return [{"id": f"f{i}", "score_general": 25, "score_tasks": 50, "proposed": "tot", "tasks_done_pct": 100,
             "tasks_late_pct": 0} for i in range(n)]


def errors_of(call) -> dict[str, list[str]]:
    with pytest.raises(InvalidInput) as info:
        call()
    return info.value.fields


# --- person_from_dict ------------------------------------------------------------------------------

def test_person_from_dict_reads_every_kind_of_field():
    p = person_from_dict({**GOOD_366, "admitted_on": "2020-03-02", "official": False, "status": "active",
                          "criteria_grades": {"ket_qua_nhiem_vu": "tot"}, "sick_leave_months": 3.5})
    assert p.admitted_on == date(2020, 3, 2) and p.official is False and p.score_tasks == 60
    assert p.criteria_grades == {"ket_qua_nhiem_vu": "tot"} and p.sick_leave_months == 3.5


@pytest.mark.parametrize("value", [
    pytest.param(31, id="366-dieu10-score-general-31"),
    pytest.param(-1, id="366-dieu10-score-general-minus-1"),
    pytest.param("abc", id="366-dieu10-score-general-text"),
    pytest.param(True, id="366-dieu10-score-general-bool"),
    pytest.param(float("nan"), id="366-dieu10-score-general-nan"),
])
def test_bad_score_general(value):
    fields = errors_of(lambda: person_from_dict({**GOOD_366, "score_general": value}))
    assert fields == {"score_general": ["Điểm nhóm tiêu chí chung phải từ 0 đến 30."]}


@pytest.mark.parametrize("key, value, expected", [
    pytest.param("score_tasks", 70.5, "Điểm nhóm tiêu chí về kết quả thực hiện nhiệm vụ phải từ 0 đến 70.",
                 id="366-dieu10-score-tasks-70.5"),
    pytest.param("tasks_done_pct", 101, "Tỷ lệ nhiệm vụ hoàn thành phải từ 0 đến 100%.", id="pct-101"),
    pytest.param("sick_leave_months", 13, "Số tháng nghỉ ốm phải từ 0 đến 12.", id="sick-leave-13"),
    pytest.param("proposed", "gioi", "Mức tự xếp loại / đề xuất phải là một trong: xuat_sac, tot, hoan_thanh, "
                 "khong_hoan_thanh.", id="proposed-unknown-level"),
    pytest.param("status", "retired", "Trạng thái sinh hoạt đảng phải là một trong: active, exempted, suspended.",
                 id="status-unknown"),
    pytest.param("admitted_on", "2025-02-30", "Ngày vào Đảng phải là một ngày có thật, dạng YYYY-MM-DD "
                 "(ví dụ 2024-06-30).", id="admitted-on-30-february"),
    pytest.param("admitted_on", "31/12/2024", "Ngày vào Đảng phải là một ngày có thật, dạng YYYY-MM-DD "
                 "(ví dụ 2024-06-30).", id="admitted-on-wrong-format"),
    pytest.param("disciplined", "yes", "Bị kỷ luật trong năm: phải là true hoặc false.", id="bool-as-text"),
    pytest.param("official", None, "Đảng viên chính thức: phải là true hoặc false.", id="bool-as-null"),
    pytest.param("id", "", "Mã đảng viên (id) là bắt buộc: một chuỗi không rỗng, tối đa 100 ký tự.", id="empty-id"),
])
def test_bad_values_are_named(key, value, expected):
    assert errors_of(lambda: person_from_dict({**GOOD_366, key: value})) == {key: [expected]}


def test_unknown_field_and_missing_id_are_named():
    d = {k: v for k, v in GOOD_366.items() if k != "id"}
    fields = errors_of(lambda: person_from_dict({**d, "diem": 90}))
    assert fields == {"diem": ["Trường không được hỗ trợ: diem."], "id": ["Thiếu trường bắt buộc: id."]}


@pytest.mark.parametrize("grades, key, expected", [
    pytest.param({"hoc_tap": "tot"}, "criteria_grades.hoc_tap", "Tiêu chí không được hỗ trợ",
                 id="124-unknown-criterion"),
    pytest.param({"ket_qua_nhiem_vu": "kha"}, "criteria_grades.ket_qua_nhiem_vu",
                 "Mức đánh giá tiêu chí phải là một trong: xuat_sac, tot, trung_binh, kem.", id="124-unknown-grade"),
    pytest.param(["tot"], "criteria_grades", "Kết quả đánh giá các tiêu chí phải là một đối tượng",
                 id="124-grades-not-object"),
])
def test_bad_criteria(grades, key, expected):
    fields = errors_of(lambda: person_from_dict({"id": "a", "criteria_grades": grades}))
    assert list(fields) == [key] and fields[key][0].startswith(expected)


# --- check_payload ---------------------------------------------------------------------------------

def test_check_payload_json_shape_and_regime_366():
    result = check_payload({"year": 2025, "group": [GOOD_366, *fillers()]})
    assert json.loads(json.dumps(result, ensure_ascii=False)) == result
    assert set(result) == {"regime", "people", "quota"}
    assert result["regime"] == "366"
    assert result["people"][0] == {"id": "a", "rated": True, "not_rated_reason": None, "highest_allowed": "xuat_sac",
                                   "proposed_ok": True, "violations": [], "score_total": 90, "determined": True}
    quota = dict(result["quota"])
    message = quota.pop("message")
    assert quota == {"pct": 20, "tot": 5, "xuat_sac": 1, "limit": 1, "excess": 0, "base_rule": "tot_only", "base": 5,
                     "undetermined": 0,
                     "rounding": "Làm tròn xuống: số lượng không vượt quá 20% số hoàn thành tốt nhiệm vụ; "
                                 "20% của 5 là 1."}
    assert "không kể Hoàn thành xuất sắc" in message


def test_check_payload_violation_shape():
    result = check_payload({"year": 2025, "group": [{**GOOD_366, "score_general": 29.99}]})
    person = result["people"][0]
    assert person["score_total"] == 89.99 and person["highest_allowed"] == "tot"
    assert person["violations"][0] == {
        "rule": "366-band", "source": "Điều 11 Quy định 366-QĐ/TW", "binding": True,
        "message": "Tổng điểm 89,99 chỉ đạt mức Hoàn thành tốt nhiệm vụ (từ 70 đến dưới 90 điểm)."}


def test_check_payload_gap_is_undetermined_with_a_non_binding_violation():
    gap = {**GOOD_366, "score_general": 20, "score_tasks": 45, "proposed": "hoan_thanh", "tasks_done_pct": 90}
    person = check_payload({"year": 2025, "group": [gap]})["people"][0]
    assert (person["determined"], person["highest_allowed"], person["proposed_ok"]) == (False, None, None)
    assert [(v["rule"], v["binding"]) for v in person["violations"]] == [("366-tasks-done", False)]
    assert set(person["violations"][0]) == {"rule", "message", "source", "binding"}
    strict = check_payload({"year": 2025, "group": [gap], "settings": {"gap_reading": "strict"}})["people"][0]
    assert (strict["determined"], strict["highest_allowed"], strict["proposed_ok"]) == (True, "khong_hoan_thanh",
                                                                                        False)


def test_check_payload_settings_choose_the_quota_base():
    group = [GOOD_366, *fillers()]
    assert check_payload({"year": 2025, "group": group})["quota"]["base"] == 5
    wide = check_payload({"year": 2025, "group": group, "settings": {"quota_base": "tot_and_above"}})["quota"]
    assert (wide["base_rule"], wide["base"]) == ("tot_and_above", 6)
    assert "kể cả Hoàn thành xuất sắc" in wide["message"]


@pytest.mark.parametrize("settings, field", [
    pytest.param({"quota_bas": "tot_only"}, "settings.quota_bas", id="unknown-setting"),
    pytest.param({"quota_base": "all"}, "settings.quota_base", id="bad-quota-base"),
    pytest.param({"gap_reading": True}, "settings.gap_reading", id="bad-gap-reading"),
    pytest.param({"vote_support_required": "yes"}, "settings.vote_support_required", id="bad-bool"),
    pytest.param(["strict"], "settings", id="not-an-object"),
])
def test_check_payload_refuses_unknown_or_bad_settings(settings, field):
    with pytest.raises(InvalidInput) as info:
        check_payload({"year": 2025, "group": [GOOD_366], "settings": settings})
    assert field in info.value.fields


@pytest.mark.parametrize("year, regime", [(2023, "124"), (2024, "124"), (2025, "366"), (2026, "366")])
def test_check_payload_regime_follows_year(year, regime):
    assert check_payload({"year": year, "group": [{"id": "a"}]})["regime"] == regime


@pytest.mark.parametrize("admitted, rated", [
    pytest.param("2025-06-30", True, id="366-dieu5-evaluated-on-31-december-6-months"),
    pytest.param("2025-07-31", False, id="366-dieu5-evaluated-on-31-december-5-months"),
])
def test_check_payload_evaluates_on_31_december(admitted, rated):
    result = check_payload({"year": 2025, "group": [{"id": "a", "admitted_on": admitted}]})
    assert result["people"][0]["rated"] is rated


def test_year_2022_refused():
    with pytest.raises(UnsupportedYear) as info:
        check_payload({"year": 2022, "group": [{"id": "a"}]})
    assert list(info.value.fields) == ["year"]
    assert "2023" in info.value.fields["year"][0]


@pytest.mark.parametrize("payload, field", [
    pytest.param({"group": [{"id": "a"}]}, "year", id="year-missing"),
    pytest.param({"year": "2025", "group": [{"id": "a"}]}, "year", id="year-as-text"),
    pytest.param({"year": 2025, "group": []}, "group", id="group-empty"),
    pytest.param({"year": 2025, "group": {"id": "a"}}, "group", id="group-not-list"),
    pytest.param({"year": 2025, "group": [{"id": "a"}], "nam": 2025}, "nam", id="unknown-top-level-key"),
    pytest.param({"year": 2025, "group": [{"id": "a"}, {"id": "a"}]}, "group[1].id", id="duplicate-id"),
    pytest.param({"year": 2025, "group": ["a"]}, "group[0]", id="member-not-object"),
])
def test_check_payload_names_the_bad_field(payload, field):
    assert field in errors_of(lambda: check_payload(payload))


def test_check_payload_names_the_member_and_field():
    group = [{"id": "a"}, {"id": "b"}, {"id": "c", "score_general": 31, "ghi_chu": "x"}]
    fields = errors_of(lambda: check_payload({"year": 2025, "group": group}))
    assert fields == {"group[2].score_general": ["Điểm nhóm tiêu chí chung phải từ 0 đến 30."],
                      "group[2].ghi_chu": ["Trường không được hỗ trợ: ghi_chu."]}


@pytest.mark.parametrize("year, pct, accepted", [
    pytest.param(2025, 30, False, id="366-dieu11-quota-30-refused"),
    pytest.param(2025, 25, True, id="366-dieu11-quota-25-accepted"),
    pytest.param(2025, 20.0, True, id="366-dieu11-quota-20.0-accepted"),
    pytest.param(2024, 25, False, id="124-dieu12-quota-25-refused"),
    pytest.param(2025, "20", False, id="quota-as-text-refused"),
    pytest.param(2025, True, False, id="quota-bool-refused"),
])
def test_quota_pct(year, pct, accepted):
    payload = {"year": year, "group": [{"id": "a"}], "quota_pct": pct}
    if accepted:
        assert check_payload(payload)["quota"]["pct"] == pct
    else:
        fields = errors_of(lambda: check_payload(payload))
        assert list(fields) == ["quota_pct"] and "20" in fields["quota_pct"][0]


def test_check_payload_refuses_non_object():
    assert "payload" in errors_of(lambda: check_payload([1, 2]))
