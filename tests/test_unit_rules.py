"""Issue 12: the readings the regulation leaves open are settings of a đảng bộ, inherited below it, kept with who,
when, what and why, and every check of the unit uses them (the board, the steps, the minutes, the summary, the API)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from service import documents, unit_rules
from service.archive import audit
from service.archive.models import AuditEvent
from service.catalog import get_kind
from service.errors import InvalidInput
from service.models import Member, Unit, User
from service.review import dashboard, ratings
from service.review.models import MemberYear
from service.samples.meeting import minutes
from tests.conftest import bearer, csrf_token
from tests.test_review_cycle import _submit_review

REASON = "Nghị quyết số 12-NQ/ĐU ngày 01/12/2026 của Đảng ủy"


@pytest.fixture()
def tree(app):
    """A fresh đảng bộ bộ phận under the demo đảng bộ cơ sở (which the demo office manages) with one chi bộ of nine
    members: one proposing xuất sắc, four tốt who reach tốt, four proposing tốt who only reach the Hoàn thành band."""
    with app.extensions["db"].session() as s:
        co_so = s.scalar(select(Unit).where(Unit.kind == "dang_bo_co_so"))
        n = len(s.scalars(select(Unit.id)).all())
        part = Unit(name=f"Đảng bộ bộ phận Thử {n}", kind="dang_bo_bo_phan", parent=co_so, place="Hà Nội")
        chi_bo = Unit(name=f"Chi bộ Thử {n}", kind="chi_bo", parent=part, place="Hà Nội", has_seal=False)
        s.add_all([part, chi_bo])
        for i in range(9):
            s.add(Member(unit=chi_bo, full_name=f"Đảng viên {chr(65 + i)} {n}", official=True,
                         admitted_on=date(2010, 1, 1), status="active", birth_date=date(1980, 1, 1)))
        s.commit()
        yield {"co_so": co_so.id, "part": part.id, "chi_bo": chi_bo.id}


def _users(s) -> dict[str, User]:
    return {u.username: u for u in s.scalars(select(User))}


def _reviews(app, chi_bo_id: int) -> None:
    """Every member's submitted self-review and the year's facts (the engine reads both)."""
    with app.extensions["db"].session() as s:
        unit = s.get(Unit, chi_bo_id)
        admin = _users(s)["admin"]
        cycle = documents.cycle_for(s, unit, 2026)
        rows = sorted(unit.members, key=lambda m: m.full_name)
        plan = [("xuat_sac", 28, 65, {"tasks_exceeded_pct": 40, "previous_shortcomings_fixed_pct": 100})] + \
            [("tot", 25, 55, {})] * 4 + [("tot", 20, 40, {})] * 4
        for member, (level, general, tasks, extra) in zip(rows, plan):
            _submit_review(s, member, admin, score_general=general, score_tasks=tasks, proposed_level=level)
            s.add(MemberYear(cycle_id=cycle.id, member_id=member.id,
                             facts={"tasks_done_pct": 100, "tasks_late_pct": 0, **extra}))
        s.commit()


def _board(app, unit_id: int):
    with app.extensions["db"].session() as s:
        return dashboard.boards(s, s.get(Unit, unit_id), 2026)[0]


def _set(app, unit_id: int, username: str = "admin", **values):
    with app.extensions["db"].session() as s:
        row = unit_rules.change(s, s.get(Unit, unit_id), _users(s)[username], {**values, "reason": REASON})
        s.commit()
        return row


def test_the_quota_reading_set_on_the_party_committee_changes_the_chi_bo_board(app, tree):
    _reviews(app, tree["chi_bo"])
    quota = _board(app, tree["chi_bo"]).quota
    # The letter: the four who only reach Hoàn thành do not count; 20 % of 4 tốt is 0: the xuất sắc is over.
    assert (quota.base_rule, quota.base, quota.limit, quota.excess) == ("tot_only", 4, 0, 1)
    _set(app, tree["part"], quota_base="tot_and_above")
    quota = _board(app, tree["chi_bo"]).quota
    assert (quota.base_rule, quota.base, quota.limit, quota.excess) == ("tot_and_above", 5, 1, 0)
    assert "tot_and_above" in quota.message
    _set(app, tree["part"], quota_base=None)  # cleared: the installation's letter again
    assert _board(app, tree["chi_bo"]).quota.excess == 1


def test_a_gap_case_is_undetermined_by_the_letter_and_not_completed_under_the_strict_reading(app, tree):
    with app.extensions["db"].session() as s:
        unit = s.get(Unit, tree["chi_bo"])
        member = sorted(unit.members, key=lambda m: m.full_name)[0]
        cycle = documents.cycle_for(s, unit, 2026)
        _submit_review(s, member, _users(s)["admin"], score_general=20, score_tasks=45, proposed_level="hoan_thanh")
        s.add(MemberYear(cycle_id=cycle.id, member_id=member.id, facts={"tasks_done_pct": 90, "tasks_late_pct": 0}))
        s.commit()
        member_id = member.id
    row = next(r for r in _board(app, tree["chi_bo"]).rows if r.member.id == member_id)
    assert row.highest_allowed == "" and row.undetermined and row.level_ok
    _set(app, tree["part"], gap_reading="strict")
    row = next(r for r in _board(app, tree["chi_bo"]).rows if r.member.id == member_id)
    assert row.highest_allowed == "Không hoàn thành nhiệm vụ" and not row.level_ok
    with app.extensions["db"].session() as s:  # recording the proposal is refused under the unit's reading
        unit = s.get(Unit, tree["chi_bo"])
        with pytest.raises(ratings.StepRefused):
            ratings.record_step(s, documents.cycle_for(s, unit, 2026), s.get(Member, member_id), "proposal",
                                "hoan_thanh", _users(s)["admin"])
        s.rollback()


def test_a_child_inherits_overrides_and_clears(app, tree):
    with app.extensions["db"].session() as s:
        state = unit_rules.in_force(s, tree["chi_bo"])
        assert state.sources["gap_reading"].label == unit_rules.DEFAULT_SOURCE
    _set(app, tree["part"], gap_reading="strict", vote_support_required=False)
    with app.extensions["db"].session() as s:
        part_name = s.get(Unit, tree["part"]).name
        state = unit_rules.in_force(s, tree["chi_bo"])
        assert state.settings.gap_reading == "strict" and state.settings.vote_support_required is False
        assert state.sources["gap_reading"].label == part_name and state.own == {}
    _set(app, tree["chi_bo"], gap_reading="letter")  # the chi bộ's own reading wins over its đảng bộ's
    with app.extensions["db"].session() as s:
        state = unit_rules.in_force(s, tree["chi_bo"])
        assert state.settings.gap_reading == "letter" and state.own == {"gap_reading": "letter"}
        assert state.sources["gap_reading"].unit_id == tree["chi_bo"]
        assert state.sources["vote_support_required"].label == part_name  # the rest still inherited
    _set(app, tree["chi_bo"], gap_reading=None)
    with app.extensions["db"].session() as s:
        assert unit_rules.in_force(s, tree["chi_bo"]).settings.gap_reading == "strict"
        history = unit_rules.history(s, s.get(Unit, tree["chi_bo"]))
        assert [h.changes for h in history] == [{"gap_reading": ["letter", None]}, {"gap_reading": [None, "letter"]}]


def test_every_change_is_an_audit_event_with_old_new_reason_and_who(app, tree):
    _set(app, tree["part"], username="vanphong", quota_base="tot_and_above")
    with app.extensions["db"].session() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "rule_settings",
                                                  AuditEvent.unit_id == tree["part"]).order_by(AuditEvent.seq.desc()))
        assert event.actor == "vanphong" and event.details["reason"] == REASON
        assert event.details["changes"] == {"quota_base": {"old": None, "new": "tot_and_above"}}
        assert audit.verify_chain(s) == []


def test_bad_values_and_a_missing_reason_are_refused_per_field(app, tree):
    with app.extensions["db"].session() as s:
        unit, admin = s.get(Unit, tree["part"]), _users(s)["admin"]
        with pytest.raises(InvalidInput) as refused:
            unit_rules.change(s, unit, admin, {"gap_reading": "loose", "vote_support_required": "yes",
                                               "quota": "x", "reason": " "})
        fields = refused.value.fields
        assert "letter" in fields["gap_reading"][0] and "strict" in fields["gap_reading"][0]
        assert "true hoặc false" in fields["vote_support_required"][0]
        assert "Không có cách hiểu “quota”" in fields["quota"][0]
        assert "lý do" in fields["reason"][0]
        assert unit_rules.history(s, unit) == []


def test_minutes_of_a_unit_that_only_warns_accept_an_unsupported_proposal(app, tree):
    kind = get_kind("minutes-366")
    payload = minutes("366")
    lan = next(r for r in payload["results"] if r["full_name"] == "Nguyễn Thị Lan")
    lan.update(votes_xuat_sac=3, votes_tot=0, votes_hoan_thanh=4)  # 3 of 7 for xuất sắc
    with app.extensions["db"].session() as s:
        with pytest.raises(InvalidInput):
            kind.schema.check(kind, payload, rules=unit_rules.settings_for(s, tree["chi_bo"]))
    _set(app, tree["part"], vote_support_required=False)
    with app.extensions["db"].session() as s:
        kind.schema.check(kind, payload, rules=unit_rules.settings_for(s, tree["chi_bo"]))


def test_summary_prints_the_quota_reading_of_its_unit(app, tree):
    from tests.conftest import validated

    _, data, context = validated("summary-366", _summary_payload())
    assert "số Hoàn thành tốt nhiệm vụ" in context["quota_line"]
    _set(app, tree["part"], quota_base="tot_and_above")
    with app.extensions["db"].session() as s:
        kind = get_kind("summary-366")
        context = kind.schema.context(kind, data, unit_rules.settings_for(s, tree["chi_bo"]))
    assert "số từ Hoàn thành tốt nhiệm vụ trở lên" in context["quota_line"]


def _summary_payload() -> dict:
    from service.samples import all_samples

    return all_samples()["summary-366"]()


# ---- API and page
def test_api_reads_sets_clears_and_refuses(client, token_for, tree):
    office = bearer(token_for("vanphong"))
    url = f"/api/v1/units/{tree['part']}/rule-settings"
    body = client.get(url, headers=office).get_json()
    assert body["settings"]["gap_reading"]["source"] == "mặc định của hệ thống"
    assert body["settings"]["gap_reading"]["value"] == "letter"
    resp = client.put(url, headers=office, json={"gap_reading": "strict", "reason": REASON})
    assert resp.status_code == 200 and resp.get_json()["settings"]["gap_reading"]["own"] is True
    child = client.get(f"/api/v1/units/{tree['chi_bo']}/rule-settings", headers=office).get_json()
    assert child["settings"]["gap_reading"]["value"] == "strict"
    assert child["settings"]["gap_reading"]["source"].startswith("Đảng bộ bộ phận Thử")
    resp = client.put(url, headers=office, json={"quota_base": "most", "vote_support_required": 1, "reason": ""})
    assert resp.status_code == 422
    fields = resp.get_json()["fields"]
    assert set(fields) == {"quota_base", "vote_support_required", "reason"}
    assert "tot_only" in fields["quota_base"][0]
    resp = client.put(url, headers=office, json={"gap_reading": None, "reason": "Trở lại câu chữ"})
    assert resp.status_code == 200 and resp.get_json()["settings"]["gap_reading"]["own"] is False


def test_a_secretary_reads_but_may_not_change(client, token_for, app):
    with app.extensions["db"].session() as s:
        toan = s.scalar(select(Unit).where(Unit.name == "Chi bộ Tổ Toán – Tin")).id
        co_so = s.scalar(select(Unit).where(Unit.kind == "dang_bo_co_so")).id
    secretary = bearer(token_for("bithu.toan"))
    assert client.get(f"/api/v1/units/{toan}/rule-settings", headers=secretary).status_code == 200
    resp = client.put(f"/api/v1/units/{toan}/rule-settings", headers=secretary,
                      json={"gap_reading": "strict", "reason": REASON})
    assert resp.status_code == 403 and "văn phòng cấp ủy" in resp.get_json()["error"]
    resp = client.put(f"/api/v1/units/{co_so}/rule-settings", headers=secretary,
                      json={"gap_reading": "strict", "reason": REASON})
    assert resp.status_code == 404  # a unit the secretary does not see
    with app.extensions["db"].session() as s:
        assert unit_rules.own_values(s, toan) == {} and unit_rules.own_values(s, co_so) == {}


def test_rating_check_uses_the_unit_readings_and_the_body_settings_on_top(client, token_for, tree):
    office = bearer(token_for("vanphong"))
    group = [{"id": "a", "score_general": 20, "score_tasks": 45, "tasks_done_pct": 90, "tasks_late_pct": 0,
              "proposed": "hoan_thanh"}]
    client.put(f"/api/v1/units/{tree['part']}/rule-settings", headers=office,
               json={"gap_reading": "strict", "reason": REASON})
    plain = client.post("/api/v1/rating/check", headers=office, json={"year": 2026, "group": group}).get_json()
    assert plain["people"][0]["determined"] is False
    unit = client.post("/api/v1/rating/check", headers=office,
                       json={"year": 2026, "group": group, "unit_id": tree["chi_bo"]}).get_json()
    assert unit["people"][0]["highest_allowed"] == "khong_hoan_thanh"
    back = client.post("/api/v1/rating/check", headers=office, json={
        "year": 2026, "group": group, "unit_id": tree["chi_bo"], "settings": {"gap_reading": "letter"}}).get_json()
    assert back["people"][0]["determined"] is False
    resp = client.post("/api/v1/rating/check", headers=office, json={
        "year": 2026, "group": group, "unit_id": tree["chi_bo"], "settings": {"strictness": 1}})
    assert resp.status_code == 422 and "settings.strictness" in resp.get_json()["fields"]
    resp = client.post("/api/v1/rating/check", headers=office, json={"year": 2026, "group": group, "unit_id": "x"})
    assert resp.status_code == 422 and "unit_id" in resp.get_json()["fields"]
    resp = client.post("/api/v1/rating/check", headers=office, json={"year": 2026, "group": group,
                                                                     "unit_id": 2**40})
    assert resp.status_code == 404


def test_page_shows_readings_sources_and_history_and_keeps_what_was_typed(client, auth, tree):
    auth.login("vanphong")
    url = f"/units/{tree['chi_bo']}/rules"
    page = client.get(url).get_data(as_text=True)
    assert "Trường hợp Quy định không xác định được mức xếp loại" in page
    assert "Điều 11 khoản 1 điểm 1.4 Quy định 366-QĐ/TW" in page and "mặc định của hệ thống" in page
    token = csrf_token(page)
    resp = client.post(url, data={"csrf_token": token, "gap_reading": "strict", "quota_base": "half",
                                  "vote_support_required": "", "reason": "Thông báo số 7 của Đảng ủy"})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Thông báo số 7 của Đảng ủy</textarea>" in html
    assert '<option value="strict" selected>' in html
    assert "tot_only" in html and 'aria-invalid="true"' in html
    resp = client.post(url, data={"csrf_token": token, "gap_reading": "strict", "quota_base": "",
                                  "vote_support_required": "", "reason": "Thông báo số 7 của Đảng ủy"})
    assert resp.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Thông báo số 7 của Đảng ủy" in page and "vanphong" in page
    assert "Đang áp dụng: Cách hiểu chặt của địa phương" in page and "(đơn vị này tự đặt)" in page
    board = client.get(f"/units/{tree['chi_bo']}/review/2026").get_data(as_text=True)
    assert "Cách hiểu quy định đang áp dụng:" in board and f"/units/{tree['chi_bo']}/rules" in board


def test_secretary_page_is_read_only_and_a_post_is_refused(client, auth, app):
    with app.extensions["db"].session() as s:
        toan = s.scalar(select(Unit).where(Unit.name == "Chi bộ Tổ Toán – Tin")).id
    auth.login("bithu.toan")
    page = client.get(f"/units/{toan}/rules")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Bạn chỉ xem được" in html and "Lưu cách hiểu" not in html
    resp = client.post(f"/units/{toan}/rules", data={"csrf_token": csrf_token(html), "gap_reading": "strict",
                                                      "reason": REASON})
    assert resp.status_code == 403
    board = client.get(f"/units/{toan}/review/2026").get_data(as_text=True)
    assert "Cách hiểu quy định đang áp dụng:" in board


def test_page_speaks_to_people_not_programs(client, auth, tree):
    """The office reads which checks use the readings in words, not as an API call (that is in docs/RULES.md)."""
    auth.login("vanphong")
    page = client.get(f"/units/{tree['chi_bo']}/rules").get_data(as_text=True)
    intro = page.split("<h1>", 1)[1].split('<section id="dang-ap-dung">', 1)[0]
    assert "biểu tổng hợp và" in intro and "kiểm tra xếp loại của đơn vị" in intro
    assert "/api/" not in intro and "POST" not in intro and "unit_id" not in intro
