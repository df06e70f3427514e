"""Issue 12 point 5: the minutes, the vote count and the meeting page refuse what the meeting cannot decide."""
from __future__ import annotations

import pytest

from service.kinds.meeting import BALLOT
from service import render
from service.errors import InvalidInput
from service.review import dashboard, meeting, people, ratings
from service.rules import RuleSettings, configure, configured
from service.samples.meeting import minutes, vote_count
from tests.conftest import cycle_context as _ctx
from tests.conftest import docx_paragraphs
from tests.conftest import validated as _context
from tests.test_review_cycle import _submit_collective, _submit_review


@pytest.fixture
def lenient_votes():
    """The installation reads "the vote must carry the proposal" as a warning only (vote_support_required off)."""
    before = configured()
    configure(RuleSettings(vote_support_required=False))
    yield
    configure(before)


def _row(payload: dict, name: str) -> tuple[int, dict]:
    return next((i, r) for i, r in enumerate(payload["results"]) if r["full_name"] == name)


def test_minutes_refuse_a_proposal_the_vote_does_not_carry():
    payload = minutes("366")
    i, lan = _row(payload, "Nguyễn Thị Lan")  # proposed xuất sắc; 7 official members present
    lan.update(votes_xuat_sac=3, votes_tot=0, votes_hoan_thanh=4)
    with pytest.raises(InvalidInput) as refused:
        _context("minutes-366", payload)
    message = " ".join(refused.value.fields[f"results[{i}].proposed_level"])
    assert "Nguyễn Thị Lan" in message and "3/7" in message and "chưa quá một nửa" in message
    lan.update(votes_xuat_sac=4, votes_hoan_thanh=3)  # 4 of 7: more than half
    _context("minutes-366", payload)


def test_minutes_count_a_vote_for_a_higher_level_as_support():
    payload = minutes("366")
    _, tuan = _row(payload, "Hoàng Minh Tuấn")  # proposed tốt: 2 xuất sắc + 5 tốt = 7 of 7
    tuan.update(votes_xuat_sac=3, votes_tot=1, votes_hoan_thanh=3)  # 4 of 7 at tốt or above
    _context("minutes-366", payload)


def test_minutes_print_an_unsupported_proposal_when_the_setting_is_off(lenient_votes):
    payload = minutes("366")
    _, lan = _row(payload, "Nguyễn Thị Lan")
    lan.update(votes_xuat_sac=3, votes_tot=0, votes_hoan_thanh=4)
    kind, _, context = _context("minutes-366", payload)
    assert any("Nguyễn Thị Lan" in t for t in docx_paragraphs(render.render(kind, context)))


def test_minutes_refuse_a_reason_for_an_absence_without_reason():
    payload = minutes("366")
    hung = next(i for i, r in enumerate(payload["attendance"]) if r["full_name"] == "Đỗ Văn Hùng")
    payload["attendance"][hung]["reason"] = "bận việc gia đình"
    with pytest.raises(InvalidInput) as refused:
        _context("minutes-366", payload)
    assert "chỉ ghi lý do vắng khi vắng mặt có lý do" in " ".join(refused.value.fields[f"attendance[{hung}].reason"])


def test_minutes_refuse_levels_for_a_member_not_rated_and_print_the_reason():
    payload = minutes("366")
    i, an = _row(payload, "Đặng Văn Ẩn")  # miễn sinh hoạt
    an.update(proposed_level="tot", votes_tot=7)
    with pytest.raises(InvalidInput) as refused:
        _context("minutes-366", payload)
    assert "không đánh giá, xếp loại" in " ".join(refused.value.fields[f"results[{i}].proposed_level"])
    payload["results"][i] = {"full_name": "Lê Văn Mới", "not_rated": True, "self_level": "tot",
                             "note": "Đảng viên mới kết nạp chưa đủ 6 tháng"}
    with pytest.raises(InvalidInput) as refused:
        _context("minutes-366", payload)
    assert f"results[{i}].self_level" in refused.value.fields
    payload["results"][i].pop("self_level")
    kind, _, context = _context("minutes-366", payload)
    texts = docx_paragraphs(render.render(kind, context))
    assert "Lê Văn Mới – Không đánh giá, xếp loại (Đảng viên mới kết nạp chưa đủ 6 tháng)" in texts


def test_minutes_signature_names_on_the_same_line():
    kind, _, context = _context("minutes-366", minutes("366"))
    import docx
    import io
    document = docx.Document(io.BytesIO(render.render(kind, context)))
    signatures = next(t for t in document.tables if "THƯ KÝ" in t.rows[0].cells[0].text)
    left, right = ([p.text for p in c.paragraphs] for c in signatures.rows[0].cells)
    assert len(left) == len(right)
    assert left[-1] == context["secretary"] and right[-1] == context["chair"]
    assert signatures.rows[0]._tr.trPr is not None and "cantSplit" in signatures.rows[0]._tr.trPr.xml


def test_vote_count_refuses_votes_on_a_row_marked_not_rated():
    payload = vote_count("366")
    payload["results"].append({"full_name": "Đặng Văn Ẩn", "votes_tot": 1})
    payload["results"][-1]["not_rated"] = True
    with pytest.raises(InvalidInput) as refused:
        _context("vote-count-366", payload)
    assert any("Đặng Văn Ẩn" in " ".join(m) for m in refused.value.fields.values())


def test_ballot_lists_only_members_rated_even_before_anything_is_recorded():
    facts = {"year": 2026, "members": [
        {"id": 1, "full_name": "Nguyễn Văn An", "status": "active", "admitted_on": "2010-05-19"},
        {"id": 2, "full_name": "Trần Thị Mới", "status": "active", "admitted_on": "2026-09-01"},  # < 6 months
        {"id": 3, "full_name": "Lê Văn Miễn", "status": "exempted", "admitted_on": "1980-01-01"}]}
    assert [m["full_name"] for m in BALLOT.initial_data(facts)["members"]] == ["Nguyễn Văn An"]


def test_meeting_page_refuses_a_reason_for_present_or_unexcused(app, chi_bo):
    s, unit, cycle, members, users = _ctx(app, chi_bo)
    state = people.load_cycle(s, cycle)
    binh = members["Trần Thị Bình"]
    with pytest.raises(InvalidInput) as refused:
        meeting.save_meeting(s, state, {"attendance": [{"member_id": binh.id, "status": "absent_no_reason",
                                                        "reason": "ốm"}]})
    assert "chỉ ghi lý do vắng khi vắng có lý do" in str(refused.value.fields)
    meeting.save_meeting(s, state, {"attendance": [{"member_id": binh.id, "status": "absent_reason",
                                                    "reason": "ốm"}]})
    s.close()


def _voted(s, cycle, members, users, votes: dict) -> object:
    """Bình submitted a review proposing tốt; everyone present; the meeting's votes for Bình recorded."""
    _submit_collective(s, cycle.unit, users["admin"])
    binh = members["Trần Thị Bình"]
    _submit_review(s, binh, users["admin"], score_general=28, score_tasks=60, proposed_level="tot")
    s.flush()
    state = people.load_cycle(s, cycle)
    active = [m for m in state.members if m.status == "active"]
    meeting.save_meeting(s, state, {"attendance": [{"member_id": m.id, "status": "present"} for m in active],
                                    "tallies": [{"member_id": binh.id, **votes}]})
    return binh


def test_proposal_the_vote_does_not_carry_is_refused(app, chi_bo):
    s, unit, cycle, members, users = _ctx(app, chi_bo)
    binh = _voted(s, cycle, members, users, {"tot": 1, "hoan_thanh": 2})
    with pytest.raises(ratings.StepRefused) as refused:
        ratings.record_step(s, cycle, binh, "proposal", "tot", users["admin"])
    assert refused.value.reasons[0]["rule"] == "vote_support"
    assert "chưa quá một nửa" in refused.value.reasons[0]["message"]
    ratings.record_step(s, cycle, binh, "proposal", "hoan_thanh", users["admin"])  # what the vote carried
    s.close()


def test_proposal_the_vote_does_not_carry_is_kept_with_a_warning_when_the_setting_is_off(app, chi_bo,
                                                                                         lenient_votes):
    s, unit, cycle, members, users = _ctx(app, chi_bo)
    binh = _voted(s, cycle, members, users, {"tot": 1, "hoan_thanh": 2})
    ratings.record_step(s, cycle, binh, "proposal", "tot", users["admin"])
    row = next(r for r in dashboard.boards(s, unit, 2026)[0].rows if r.member.id == binh.id)
    assert row.vote_warnings and "chưa quá một nửa" in row.vote_warnings[0]
    s.close()
