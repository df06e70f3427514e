"""The review cycle: order of steps, rules before paper, the meeting's votes, the dashboard."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from service import documents
from service.catalog import get_kind
from service.review import dashboard, meeting, people, ratings
from service.review.models import MemberYear, RatingStep
from tests.conftest import cycle_context as _ctx
from service.samples import member_review_366


def _submit_review(s, member, user, **data):
    doc = documents.open_personal_review(s, member, 2026, "Hà Nội")
    payload = member_review_366(full_name=member.full_name, **data)
    clean = get_kind(doc.kind_code).schema.check(get_kind(doc.kind_code), payload)
    documents.save_revision(s, doc, clean, user, status="submitted")
    ratings.record_self_from_document(s, doc, user)
    return doc


def _submit_collective(s, unit, user):
    kind = get_kind("collective-report-366")
    doc = documents.open_document(s, kind, unit, 2026, facts={})
    documents.save_revision(s, doc, {"proposed_level": "tot"}, user, status="submitted")
    return doc


def test_366_dieu12_rating_asked_before_self_review_is_refused_and_changes_nothing(app, chi_bo):
    s, unit, cycle, members, users = _ctx(app, chi_bo)
    _submit_collective(s, unit, users["admin"])
    before = s.scalar(select(func.count()).select_from(RatingStep))
    with pytest.raises(ratings.StepRefused) as err:
        ratings.record_step(s, cycle, members["Trần Thị Bình"], "proposal", "tot", users["admin"])
    assert any(r["rule"] == "self_review_first" and "Điều 12 Quy định 366-QĐ/TW" == r["source"]
               for r in err.value.reasons)
    assert "Trần Thị Bình chưa hoàn thành bản tự kiểm điểm" in err.value.reasons[0]["message"] or \
        any("Trần Thị Bình" in r["message"] for r in err.value.reasons)
    s.rollback()
    assert s.scalar(select(func.count()).select_from(RatingStep)) == before
    s.close()


def test_366_dieu7_collective_report_before_individual_proposals(app, chi_bo):
    s, unit, cycle, members, users = _ctx(app, chi_bo)
    _submit_review(s, members["Trần Thị Bình"], users["admin"])
    with pytest.raises(ratings.StepRefused) as err:
        ratings.record_step(s, cycle, members["Trần Thị Bình"], "proposal", "tot", users["admin"])
    assert [r["rule"] for r in err.value.reasons] == ["collective_report_first"]
    assert "Điều 7 Quy định 366-QĐ/TW" in err.value.reasons[0]["source"]
    s.close()


def test_366_override_reserved_to_committee_office(app, chi_bo):
    s, unit, cycle, members, users = _ctx(app, chi_bo)
    _submit_review(s, members["Trần Thị Bình"], users["admin"])
    secretary = users["bithu.toan"]
    with pytest.raises(ratings.StepRefused, match="Chỉ văn phòng cấp ủy"):
        ratings.record_step(s, cycle, members["Trần Thị Bình"], "proposal", "tot", secretary, override_reason="gấp")
    row = ratings.record_step(s, cycle, members["Trần Thị Bình"], "proposal", "tot", users["vanphong"],
                              override_reason="Chi bộ họp sớm, báo cáo tập thể nộp sau")
    assert row.override_reason.startswith("Chi bộ họp sớm")
    s.close()


def test_366_dieu11_disciplined_member_cannot_be_proposed_xuat_sac(app, chi_bo):
    s, unit, cycle, members, users = _ctx(app, chi_bo)
    _submit_collective(s, unit, users["admin"])
    binh = members["Trần Thị Bình"]
    _submit_review(s, binh, users["admin"], score_general=30, score_tasks=68, proposed_level="xuat_sac")
    s.add(MemberYear(cycle_id=cycle.id, member_id=binh.id, facts={"disciplined": True}))
    s.flush()
    with pytest.raises(ratings.StepRefused) as err:
        ratings.record_step(s, cycle, binh, "proposal", "xuat_sac", users["admin"])
    assert any("366-QĐ/TW" in r["source"] for r in err.value.reasons)
    ratings.record_step(s, cycle, binh, "proposal", "khong_hoan_thanh", users["admin"])
    s.close()


def test_366_unit_before_head_and_members_before_unit(app, chi_bo):
    s, unit, cycle, members, users = _ctx(app, chi_bo)
    admin = users["admin"]
    _submit_collective(s, unit, admin)
    ratings.record_self_from_document(s, documents.open_document(s, get_kind("collective-report-366"), unit, 2026), admin)
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"):
        _submit_review(s, members[name], admin, proposed_level="tot", score_general=28, score_tasks=60)
        ratings.record_step(s, cycle, members[name], "proposal", "tot", admin)
    with pytest.raises(ratings.StepRefused) as err:  # the head (Bí thư) waits for the unit
        ratings.record_step(s, cycle, members["Nguyễn Văn An"], "decision", "tot", admin)
    assert [r["rule"] for r in err.value.reasons] == ["unit_before_head"]
    with pytest.raises(ratings.StepRefused) as err:  # the unit waits for its members (not the head)
        ratings.record_step(s, cycle, None, "decision", "tot", admin)
    assert "Trần Thị Bình" in err.value.reasons[0]["message"]
    assert "Nguyễn Văn An" not in err.value.reasons[0]["message"]
    for name in ("Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"):
        ratings.record_step(s, cycle, members[name], "decision", "tot", admin)
    ratings.record_step(s, cycle, None, "decision", "tot", admin)
    ratings.record_step(s, cycle, members["Nguyễn Văn An"], "decision", "tot", admin)
    # a re-rating keeps the history
    ratings.record_step(s, cycle, members["Lê Văn Cường"], "rerating", "hoan_thanh", admin, note="Mẫu 03")
    history = [r.step for r in s.scalars(select(RatingStep).where(RatingStep.member_id == members["Lê Văn Cường"].id))]
    assert history == ["self", "proposal", "decision", "rerating"]
    s.close()


def test_new_and_exempted_members_are_not_rated_and_reason_shows(app, chi_bo):
    s, unit, cycle, members, users = _ctx(app, chi_bo)
    state = people.load_cycle(s, cycle)
    assert "chưa đủ 6 tháng" in people.excluded_reason(state, members["Hoàng Văn Em"])
    assert "Miễn công tác" in people.excluded_reason(state, members["Đỗ Thị Gấm"])
    assert people.excluded_reason(state, members["Phạm Thị Dung"]) is None  # admitted 1/2: 10 months
    with pytest.raises(ratings.StepRefused, match="không thuộc diện đánh giá"):
        ratings.record_step(s, cycle, members["Hoàng Văn Em"], "proposal", "tot", users["admin"],
                            override_reason="thử")
    s.close()


def test_meeting_probationary_members_never_vote(app, chi_bo):
    s, unit, cycle, members, users = _ctx(app, chi_bo)
    state = people.load_cycle(s, cycle)
    present = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em"]
    data = {"attendance": [{"member_id": members[n].id, "status": "present"} for n in present],
            "tallies": [{"member_id": members["Trần Thị Bình"].id, "tot": 4}]}  # 3 official present
    with pytest.raises(Exception) as err:
        meeting.save_meeting(s, state, data)
    assert "vượt số đảng viên chính thức có mặt (3)" in str(err.value.fields)
    assert "dự bị" in str(err.value.fields)
    data["tallies"] = [{"member_id": members["Trần Thị Bình"].id, "tot": 2, "xuat_sac": 1}]
    record = meeting.save_meeting(s, state, data)
    counts = meeting.counts(state, record)
    assert (counts.present, counts.present_official, counts.present_probationary) == (5, 3, 2)
    row = next(r for r in meeting.tally_rows(state, record) if r["member"].full_name == "Trần Thị Bình")
    assert row["pct"]["tot"] == 66.67 and row["carried"] == "tot"
    assert all(r["member"].full_name != "Hoàng Văn Em" for r in meeting.tally_rows(state, record))
    s.close()


def test_dashboard_shows_status_exclusions_and_next_step(app, chi_bo):
    s, unit, cycle, members, users = _ctx(app, chi_bo)
    _submit_review(s, members["Trần Thị Bình"], users["admin"])
    s.flush()
    board = dashboard.boards(s, unit, 2026)[0]
    rows = {r.member.full_name: r for r in board.rows}
    assert rows["Trần Thị Bình"].status == "submitted"
    assert rows["Lê Văn Cường"].status == "not_started" and "Bản tự kiểm điểm" in rows["Lê Văn Cường"].missing
    assert rows["Hoàng Văn Em"].status == "excluded"
    assert "Báo cáo kiểm điểm của tập thể" in board.unit_missing
    assert [r.member.full_name for r in board.rows][:2] == ["Nguyễn Văn An", "Trần Thị Bình"]
    s.close()


def test_dashboard_page_and_out_of_order_post(client, auth, chi_bo):
    auth.login("admin")
    page = client.get(f"/units/{chi_bo}/review/2026")
    assert page.status_code == 200 and "Nguyễn Văn An" in page.get_data(as_text=True)
    from tests.conftest import csrf_token
    token = csrf_token(page.get_data(as_text=True))
    resp = client.post(f"/units/{chi_bo}/review/2026/steps", data={"csrf_token": token, "step": "decision",
                                                                   "level": "tot"}, follow_redirects=True)
    body = resp.get_data(as_text=True)
    assert "Chưa đúng trình tự" in body and "Điều 12 Quy định 366-QĐ/TW" in body


def test_dashboard_shows_what_the_rules_say_and_the_quota(app, chi_bo):
    s, unit, cycle, members, users = _ctx(app, chi_bo)
    binh = members["Trần Thị Bình"]
    _submit_review(s, binh, users["admin"], score_general=28, score_tasks=60, proposed_level="xuat_sac")
    s.flush()
    board = dashboard.boards(s, unit, 2026)[0]
    row = next(r for r in board.rows if r.member.id == binh.id)
    assert row.highest_allowed == "Hoàn thành tốt nhiệm vụ" and not row.level_ok
    assert any("366-QĐ/TW" in note for note in row.rule_notes)
    # Bình's xuất sắc is refused, so the quota counts Bình at the level allowed (tốt), not as a xuất sắc.
    assert (board.quota.xuat_sac, board.quota.tot, board.quota.excess) == (0, 1, 0)
    assert "mức thấp hơn giữa mức đề xuất và mức cao nhất" in board.quota.message
    s.close()


def test_dashboard_survives_an_invalid_saved_score(app, chi_bo, client, auth):
    s, unit, cycle, members, users = _ctx(app, chi_bo)
    doc = _submit_review(s, members["Trần Thị Bình"], users["admin"])
    doc.data = {**doc.data, "score_general": 99}
    s.commit()
    s.close()
    auth.login("admin")
    assert client.get(f"/units/{chi_bo}/review/2026").status_code == 200


def test_366_dieu12_leadership_collective_before_its_members(app, chi_bo):
    s, unit, cycle, members, users = _ctx(app, chi_bo)
    admin = users["admin"]
    binh = members["Trần Thị Bình"]
    binh.party_post = "Phó Bí thư chi bộ"
    _submit_collective(s, unit, admin)
    _submit_review(s, binh, admin, proposed_level="tot", score_general=28, score_tasks=60)
    ratings.record_step(s, cycle, binh, "proposal", "tot", admin)
    with pytest.raises(ratings.StepRefused) as err:
        ratings.record_step(s, cycle, binh, "decision", "tot", admin)
    assert [r["rule"] for r in err.value.reasons] == ["collective_before_its_members"]
    assert "Phó Bí thư chi bộ" in err.value.reasons[0]["message"]
    s.close()


def test_every_rating_step_is_an_audit_event(app, chi_bo):
    from service.archive import audit
    from service.archive.models import AuditEvent

    s, unit, cycle, members, users = _ctx(app, chi_bo)
    _submit_collective(s, unit, users["admin"])
    member = members["Trần Thị Bình"]
    doc = _submit_review(s, member, users["admin"])
    ratings.record_step(s, cycle, member, "proposal", "tot", users["admin"])
    events = s.scalars(select(AuditEvent).where(AuditEvent.action == "rating", AuditEvent.unit_id == unit.id)
                       .order_by(AuditEvent.seq)).all()
    assert [(e.details["step"], e.details["member_id"]) for e in events][-2:] == [("self", member.id),
                                                                                  ("proposal", member.id)]
    assert events[-2].document_id == doc.id and events[-1].actor == "admin"
    assert audit.verify_chain(s) == []
    s.rollback()


def test_366_gap_is_recorded_for_the_committee_and_shown_undetermined_with_its_clauses(app, chi_bo, client, auth):
    """Issue 12 point 1: 65 points and 90 % of tasks done meets no level and no Không hoàn thành case."""
    s, unit, cycle, members, users = _ctx(app, chi_bo)
    _submit_collective(s, unit, users["admin"])
    binh = members["Trần Thị Bình"]
    _submit_review(s, binh, users["admin"], score_general=20, score_tasks=45, proposed_level="hoan_thanh")
    s.add(MemberYear(cycle_id=cycle.id, member_id=binh.id, facts={"tasks_done_pct": 90, "tasks_late_pct": 0}))
    s.flush()
    ratings.record_step(s, cycle, binh, "proposal", "hoan_thanh", users["admin"])  # not refused: the committee decides
    row = next(r for r in dashboard.boards(s, unit, 2026)[0].rows if r.member.id == binh.id)
    assert row.highest_allowed == "" and row.level_ok
    assert any("Điều 11 khoản 3 điểm 3.2; khoản 4 điểm 4.2 Quy định 366-QĐ/TW" in n for n in row.undetermined)
    s.commit()
    s.close()
    auth.login("admin")
    page = client.get(f"/units/{chi_bo}/review/2026").get_data(as_text=True)
    assert "Chưa xác định được mức theo quy định: cấp có thẩm quyền xem xét, quyết định." in page
    assert "khoản 4 điểm 4.2 Quy định 366-QĐ/TW" in page


def test_a_rule_check_is_kept_until_anything_it_reads_changes(app, chi_bo):
    """The board checks the whole chi bộ on every view: the answer is kept while nothing it reads changes, and a
    fact recorded afterwards (a discipline) gives a new answer with the rule's clause, not the kept one."""
    s, unit, cycle, members, users = _ctx(app, chi_bo)
    binh = members["Trần Thị Bình"]
    _submit_review(s, binh, users["admin"], score_general=30, score_tasks=68, proposed_level="xuat_sac")
    first = people.check(people.load_cycle(s, cycle), "proposal", {binh.id: "xuat_sac"})
    assert people.check(people.load_cycle(s, cycle), "proposal", {binh.id: "xuat_sac"}) is first
    before = next(p for p in first.people if p.id == str(binh.id))
    s.add(MemberYear(cycle_id=cycle.id, member_id=binh.id, facts={"disciplined": True}))
    s.flush()
    after = people.check(people.load_cycle(s, cycle), "proposal", {binh.id: "xuat_sac"})
    verdict = next(p for p in after.people if p.id == str(binh.id))
    assert after is not first
    assert before.highest_allowed == "xuat_sac" and verdict.highest_allowed != "xuat_sac"
    assert any("366-QĐ/TW" in v.source for v in verdict.violations if v.binding)
    assert people.check(people.load_cycle(s, cycle), "decision", {binh.id: "tot"}) is not after  # another level
    s.close()
