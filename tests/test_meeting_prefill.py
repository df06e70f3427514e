"""Minutes, vote count, ballot and summary pre-filled from the recorded meeting and rating steps (issue 4, point 5),
and the refresh of a saved unit document that keeps what the secretary typed."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from service.kinds.meeting import BALLOT, MINUTES, VOTE_COUNT
from service.kinds.summary import SUMMARY
from service import documents, render
from service.catalog import get_kind
from service.models import Document, Unit, User
from service.review import meeting, people, ratings
from tests.conftest import csrf_token, docx_paragraphs
from service.samples import member_review_366

RATED = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"]
NEW_MEMBER, EXEMPTED = "Hoàng Văn Em", "Đỗ Thị Gấm"
MEETING = {"held_on": "2026-12-05", "opened_at": "14:00", "closed_at": "17:30", "place": "Hội trường Nhà văn hóa",
           "chair": "Nguyễn Văn An", "secretary": "Trần Thị Bình"}
# Present: An, Bình (official), Dung (probationary); Cường away with a reason; Em has no status (absent, no reason).
ATTENDANCE = {"Nguyễn Văn An": ("present", ""), "Trần Thị Bình": ("present", ""),
              "Lê Văn Cường": ("absent_reason", "ốm, nằm viện"), "Phạm Thị Dung": ("present", "")}
TALLIES = {"Nguyễn Văn An": {"tot": 2}, "Trần Thị Bình": {"xuat_sac": 1, "tot": 1},
           "Lê Văn Cường": {"tot": 2}, "Phạm Thị Dung": {"tot": 2}}  # 2 official members present vote




def _ctx(app, unit_id):
    s = app.extensions["db"].sessions()
    unit = s.get(Unit, unit_id)
    cycle = documents.cycle_for(s, unit, 2026)
    admin = s.scalar(select(User).where(User.username == "admin"))
    return s, unit, cycle, {m.full_name: m for m in unit.members}, admin


def _record_steps(s, unit, cycle, members, admin):
    """Self-reviews, the collective report, proposals, decisions (unit before its head) and one re-rating."""
    collective = documents.open_document(s, get_kind("collective-report-366"), unit, 2026, facts={})
    documents.save_revision(s, collective, {"proposed_level": "tot"}, admin, status="submitted")
    ratings.record_self_from_document(s, collective, admin)
    for name in RATED:
        member = members[name]
        doc = documents.open_personal_review(s, member, 2026, "Hà Nội")
        kind = get_kind(doc.kind_code)
        payload = member_review_366(full_name=name, proposed_level="tot", score_general=28, score_tasks=60)
        documents.save_revision(s, doc, kind.schema.check(kind, payload), admin,
                                status="submitted")
        ratings.record_self_from_document(s, doc, admin)
        ratings.record_step(s, cycle, member, "proposal", "tot", admin)
    for name in RATED[1:]:
        ratings.record_step(s, cycle, members[name], "decision", "tot", admin)
    ratings.record_step(s, cycle, None, "decision", "tot", admin)
    ratings.record_step(s, cycle, members["Nguyễn Văn An"], "decision", "tot", admin)
    ratings.record_step(s, cycle, members["Lê Văn Cường"], "rerating", "hoan_thanh", admin, note="Mẫu 03")


def _record_meeting(s, cycle, members):
    data = {**MEETING, "attendance": [{"member_id": members[n].id, "status": status, "reason": reason}
                                      for n, (status, reason) in ATTENDANCE.items()],
            "tallies": [{"member_id": members[n].id, **votes} for n, votes in TALLIES.items()]}
    meeting.save_meeting(s, people.load_cycle(s, cycle), data)


@pytest.fixture()
def recorded(app, chi_bo):
    """The chi bộ with its steps and its meeting recorded and committed (the web sees them)."""
    s, unit, cycle, members, admin = _ctx(app, chi_bo)
    _record_steps(s, unit, cycle, members, admin)
    _record_meeting(s, cycle, members)
    s.commit()
    s.close()
    return chi_bo


def _open(app, client, unit_id, family):
    """Open a unit document through the web route, as the review board does; its stored data."""
    resp = client.get(f"/units/{unit_id}/documents/2026/{family}")
    assert resp.status_code == 302, resp.get_data(as_text=True)
    doc_id = int(resp.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    with app.extensions["db"].session() as s:
        doc = s.get(Document, doc_id)
        return doc_id, get_kind(doc.kind_code), dict(doc.data)


def _printed(kind, data) -> str:
    return "\n".join(docx_paragraphs(render.render(kind, kind.schema.context(kind, data))))


def test_minutes_take_attendance_levels_votes_and_meeting_details(app, client, auth, recorded):
    auth.login("admin")
    _, kind, data = _open(app, client, recorded, "minutes")
    assert {k: data[k] for k in ("held_on", "signed_on", "opened_at", "closed_at", "venue", "chair", "secretary",
                                 "chair_position")} == {
        "held_on": "2026-12-05", "signed_on": "2026-12-05", "opened_at": "14:00", "closed_at": "17:30",
        "venue": "Hội trường Nhà văn hóa", "chair": "Nguyễn Văn An", "secretary": "Trần Thị Bình",
        "chair_position": "BÍ THƯ"}
    rows = {r["full_name"]: (r["official"], r["attendance"], r["reason"]) for r in data["attendance"]}
    assert rows == {"Nguyễn Văn An": (True, "co_mat", ""), "Trần Thị Bình": (True, "co_mat", ""),
                    "Lê Văn Cường": (True, "vang_co_ly_do", "ốm, nằm viện"), "Phạm Thị Dung": (False, "co_mat", ""),
                    "Hoàng Văn Em": (False, "vang_khong_ly_do", ""), "Đỗ Thị Gấm": (True, "mien", "")}
    results = {r["full_name"]: r for r in data["results"]}
    assert {n: (r.get("self_level"), r.get("proposed_level"), r.get("votes_xuat_sac"), r.get("votes_tot"),
                r.get("votes_hoan_thanh"), r.get("votes_khong_hoan_thanh")) for n, r in results.items()
            if n in RATED} == {"Nguyễn Văn An": ("tot", "tot", 0, 2, 0, 0), "Trần Thị Bình": ("tot", "tot", 1, 1, 0, 0),
                               "Lê Văn Cường": ("tot", "tot", 0, 2, 0, 0), "Phạm Thị Dung": ("tot", "tot", 0, 2, 0, 0)}
    assert results[NEW_MEMBER]["note"].startswith("Đảng viên mới kết nạp chưa đủ 6 tháng (vào Đảng ngày 01/09/2026")
    assert "votes_tot" not in results[NEW_MEMBER] and results[EXEMPTED]["note"].startswith("Miễn sinh hoạt đảng")
    assert MINUTES.check(kind, data, draft=True)  # opens as a clean draft

    printed = _printed(kind, data)
    for line in ("Hồi 14 giờ 00 phút, ngày 05/12/2026", "Địa điểm: Hội trường Nhà văn hóa.",
                 "- Tổng số đảng viên của chi bộ: 6 đồng chí (chính thức: 4 đồng chí; dự bị: 2 đồng chí).",
                 "- Số đảng viên được miễn sinh hoạt: 1 đồng chí (Đỗ Thị Gấm); bị đình chỉ sinh hoạt: 0 đồng chí.",
                 "- Có mặt: 3 đồng chí (chính thức: 2 đồng chí; dự bị: 1 đồng chí).",
                 "- Vắng mặt: 2 đồng chí, trong đó:", "+ Có lý do: 1 đồng chí, gồm: Lê Văn Cường (ốm, nằm viện);",
                 "+ Không có lý do: 1 đồng chí, gồm: Hoàng Văn Em.",
                 "- Chủ trì hội nghị: đồng chí Nguyễn Văn An.", "- Thư ký hội nghị: đồng chí Trần Thị Bình.",
                 "Số đảng viên chính thức có mặt tham gia biểu quyết: 2 đồng chí"):
        assert line in printed, line
    assert "50%" in printed and "100%" in printed  # Bình: 1 of 2 xuất sắc; An: 2 of 2 tốt


def test_vote_count_and_ballot_list_only_the_rated_members(app, client, auth, recorded):
    auth.login("admin")
    _, kind, data = _open(app, client, recorded, "vote-count")
    assert (data["counted_on"], data["signed_on"], data["venue"]) == ("2026-12-05", "2026-12-05",
                                                                      "Hội trường Nhà văn hóa")
    assert [(r["full_name"], r["votes_xuat_sac"], r["votes_tot"], r["votes_hoan_thanh"], r["votes_khong_hoan_thanh"])
            for r in data["results"]] == [("Nguyễn Văn An", 0, 2, 0, 0), ("Trần Thị Bình", 1, 1, 0, 0),
                                          ("Lê Văn Cường", 0, 2, 0, 0), ("Phạm Thị Dung", 0, 2, 0, 0)]
    assert not any(data.get(k) for k in ("ballots_issued", "ballots_returned", "ballots_valid", "counted_at"))
    typed = {**data, "ballots_issued": 2, "ballots_returned": 2, "ballots_valid": 2, "ballots_invalid": 0}
    assert VOTE_COUNT.check(kind, typed, draft=True)
    printed = _printed(kind, typed)
    assert all(name in printed for name in RATED) and NEW_MEMBER not in printed and EXEMPTED not in printed
    assert "50%" in printed

    _, kind, ballot = _open(app, client, recorded, "ballot")
    assert [m["full_name"] for m in ballot["members"]] == RATED and ballot["prefilled"] is True
    assert all(name in _printed(kind, ballot) for name in RATED)


def test_summary_takes_the_recorded_levels_rerating_and_exclusions(app, client, auth, recorded):
    auth.login("admin")
    _, kind, data = _open(app, client, recorded, "summary")
    rows = {r["full_name"]: (r["official"], r["self_level"], r["proposal"], r["decision"]) for r in data["rows"]}
    assert rows == {"Nguyễn Văn An": (True, "tot", "tot", "tot"), "Trần Thị Bình": (True, "tot", "tot", "tot"),
                    "Lê Văn Cường": (True, "tot", "tot", "hoan_thanh"),  # the re-rating replaces the decision
                    "Phạm Thị Dung": (False, "tot", "tot", "tot"), NEW_MEMBER: (False, "", "", ""),
                    EXEMPTED: (True, "", "", "")}
    notes = {r["full_name"]: r["note"] for r in data["rows"]}
    assert notes[NEW_MEMBER].startswith("Không xếp loại: Đảng viên mới kết nạp chưa đủ 6 tháng")
    assert notes[EXEMPTED].startswith("Không xếp loại: Miễn công tác và sinh hoạt đảng")
    assert all(notes[n] == "" for n in RATED)
    assert SUMMARY.check(kind, data, draft=True)

    context = kind.schema.context(kind, data)
    totals = {line["label"]: line for line in context["totals"]}
    assert [totals["Hoàn thành tốt nhiệm vụ"][f"{c}_count"] for c in ("self_level", "proposal", "decision")] == \
        [4, 4, 3]
    assert totals["Hoàn thành nhiệm vụ"]["decision_count"] == 1 and totals["Không xếp loại"]["decision_count"] == 2
    printed = "\n".join(docx_paragraphs(render.render(kind, context)))
    assert "Tổng số đảng viên: 6 (chính thức: 4; dự bị: 2)" in printed
    assert "75%" in printed and "25%" in printed  # decisions: 3 tốt, 1 hoàn thành of the 4 rated
    assert "Không xếp loại: Đảng viên mới kết nạp chưa đủ 6 tháng" in printed


def test_string_keys_from_json_give_the_same_documents(app, recorded):
    s = app.extensions["db"].sessions()
    unit = s.get(Unit, recorded)
    facts = documents.unit_facts(unit, 2026, "Hà Nội")
    facts.update(meeting.document_facts(s, documents.cycle_for(s, unit, 2026)))
    assert isinstance(next(iter(facts["tallies"])), int)
    as_json = json.loads(json.dumps(facts))
    assert isinstance(next(iter(as_json["tallies"])), str)
    for name, form in (("minutes", MINUTES), ("vote count", VOTE_COUNT), ("ballot", BALLOT), ("summary", SUMMARY)):
        assert form.initial_data(as_json) == form.initial_data(facts), name
    s.close()


def test_without_a_recorded_meeting_documents_open_as_before(app, chi_bo):
    s, unit, cycle, _, _ = _ctx(app, chi_bo)
    facts = documents.unit_facts(unit, 2026, "Hà Nội")
    facts.update(meeting.document_facts(s, cycle))
    assert "attendance" not in facts
    minutes = MINUTES.initial_data(facts)
    assert {r["attendance"] for r in minutes["attendance"]} == {"co_mat", "mien"}
    assert minutes["held_on"] == facts["signed_on"] and minutes["chair"] == "Nguyễn Văn An"
    assert "results" not in VOTE_COUNT.initial_data(facts)
    assert NEW_MEMBER not in [m["full_name"] for m in BALLOT.initial_data(facts)["members"]]  # excluded already
    s.close()


def test_refresh_keeps_the_earlier_revision_and_what_was_typed(app, client, auth, chi_bo):
    s, unit, cycle, members, admin = _ctx(app, chi_bo)
    _record_steps(s, unit, cycle, members, admin)
    s.commit()
    auth.login("admin")
    doc_id, kind, data = _open(app, client, chi_bo, "minutes")  # no meeting yet: everyone present
    assert {r["attendance"] for r in data["attendance"]} == {"co_mat", "mien"}
    page = client.get(f"/documents/{doc_id}").get_data(as_text=True)
    refresh = f"/units/{chi_bo}/documents/2026/minutes/refresh"
    assert f'action="{refresh}"' in page
    token = csrf_token(page)
    typed = {**data, "content": "Đồng chí Trần Thị Bình góp ý đồng chí Lê Văn Cường.", "adopted_agree": 2}
    resp = client.post(f"/documents/{doc_id}", data={"csrf_token": token, "action": "draft",
                                                     **_formdata(kind, typed)})
    assert resp.status_code == 302, resp.get_data(as_text=True)

    _record_meeting(s, cycle, members)
    s.commit()
    s.close()
    resp = client.post(refresh, data={"csrf_token": token}, follow_redirects=True)
    assert resp.status_code == 200 and "Đã cập nhật từ dữ liệu hội nghị" in resp.get_data(as_text=True)
    with app.extensions["db"].session() as db:
        doc = db.get(Document, doc_id)
        assert doc.revision == 2 and doc.status == "draft" and [r.number for r in doc.revisions] == [1, 2]
        earlier, now = doc.revisions[0].data, doc.data
        assert {r["attendance"] for r in earlier["attendance"]} == {"co_mat", "mien"}  # history untouched
        status = {r["full_name"]: (r["attendance"], r["reason"]) for r in now["attendance"]}
        assert status["Lê Văn Cường"] == ("vang_co_ly_do", "ốm, nằm viện")
        assert status[NEW_MEMBER] == ("vang_khong_ly_do", "")
        assert (now["held_on"], now["opened_at"], now["venue"]) == ("2026-12-05", "14:00", "Hội trường Nhà văn hóa")
        assert now["content"] == typed["content"] and now["adopted_agree"] == 2  # typed, not in the records: kept
        assert next(r for r in now["results"] if r["full_name"] == "Trần Thị Bình")["votes_xuat_sac"] == 1
        assert doc.revisions[1].note.startswith("Cập nhật từ dữ liệu hội nghị")

    again = client.post(refresh, data={"csrf_token": token}, follow_redirects=True)
    assert "Không có gì mới" in again.get_data(as_text=True)
    with app.extensions["db"].session() as db:
        assert db.get(Document, doc_id).revision == 2


def test_refresh_of_the_summary_keeps_typed_notes_and_settings(app, client, auth, chi_bo):
    s, unit, cycle, members, admin = _ctx(app, chi_bo)
    doc = documents.open_document(s, get_kind("summary-366"), unit, 2026,
                                  facts=documents.unit_facts(unit, 2026, "Hà Nội"))
    data = dict(doc.data)
    data["rows"] = [{**r, "note": "Chuyển sinh hoạt từ chi bộ khác"} if r["full_name"] == "Trần Thị Bình" else r
                    for r in data["rows"]]
    documents.save_revision(s, doc, {**data, "signer_name": "Nguyễn Văn An", "quota_pct": "25"}, admin)
    _record_steps(s, unit, cycle, members, admin)
    _record_meeting(s, cycle, members)
    s.commit()
    doc_id = doc.id
    s.close()
    auth.login("admin")
    token = csrf_token(client.get(f"/documents/{doc_id}").get_data(as_text=True))
    resp = client.post(f"/units/{chi_bo}/documents/2026/summary/refresh", data={"csrf_token": token})
    assert resp.status_code == 302
    with app.extensions["db"].session() as db:
        doc = db.get(Document, doc_id)
        rows = {r["full_name"]: r for r in doc.data["rows"]}
        assert doc.revision == 2 and rows["Lê Văn Cường"]["decision"] == "hoan_thanh"
        assert rows["Trần Thị Bình"]["note"] == "Chuyển sinh hoạt từ chi bộ khác"
        assert (doc.data["signer_name"], doc.data["quota_pct"]) == ("Nguyễn Văn An", "25")
        assert all(not r.get("decision") for r in doc.revisions[0].data["rows"])


def test_refresh_button_only_on_unit_documents_that_take_recorded_data(app, client, auth, chi_bo):
    auth.login("admin")
    doc_id, _, _ = _open(app, client, chi_bo, "summary")
    assert "/documents/2026/summary/refresh" in client.get(f"/documents/{doc_id}").get_data(as_text=True)
    collective_id, _, _ = _open(app, client, chi_bo, "collective-report")
    page = client.get(f"/documents/{collective_id}").get_data(as_text=True)
    assert "/refresh" not in page
    token = csrf_token(page)
    assert client.post(f"/units/{chi_bo}/documents/2026/collective-report/refresh",
                       data={"csrf_token": token}).status_code == 404


def _formdata(kind, data: dict) -> dict:
    """Stored JSON as the browser posts it (table cells as rows-0-name; a check box unticked is not sent)."""
    names = {f.name for f in kind.fields.fields}
    assert set(data) <= names, set(data) - names
    out: dict[str, str] = {}

    def put(key: str, value) -> None:
        if value is True:
            out[key] = "y"
        elif value not in (None, False):
            out[key] = str(value)

    for key, value in data.items():
        if isinstance(value, list):
            for index, row in enumerate(value):
                for column, cell in row.items():
                    put(f"{key}-{index}-{column}", cell)
        else:
            put(key, value)
    return out
