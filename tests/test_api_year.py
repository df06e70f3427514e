"""Issue 10's JSON API: a chi bộ's year driven without the pages — open and save a member's documents (409 on a
stale save), record the meeting twice, record rating steps (422 with the order's reasons), read the board."""
from __future__ import annotations

import pytest

from service.samples import member_review_366
from tests.conftest import bearer


@pytest.fixture()
def admin(token_for) -> dict:
    return bearer(token_for("admin"))


def _members(client, headers, unit_id: int) -> dict[str, int]:
    board = client.get(f"/api/v1/units/{unit_id}/review/2026", headers=headers)
    assert board.status_code == 200, board.get_data(as_text=True)
    return {m["full_name"]: m["member_id"] for m in board.get_json()["members"]}


def _open(client, headers, member_id: int, **body):
    return client.post(f"/api/v1/members/{member_id}/documents", json={"kind": "member-review-366", "year": 2026,
                                                                       **body}, headers=headers)


def test_open_creates_once_then_returns_the_same_document(client, admin, chi_bo):
    binh = _members(client, admin, chi_bo)["Trần Thị Bình"]
    first = _open(client, admin, binh)
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert set(body) >= {"id", "kind", "year", "status", "revision", "data"}
    assert (body["kind"], body["year"], body["status"], body["revision"]) == ("member-review-366", 2026, "draft", 0)
    assert body["data"]["full_name"] == "Trần Thị Bình"  # pre-filled from the member record
    again = _open(client, admin, binh)
    assert again.status_code == 200 and again.get_json()["id"] == body["id"]


def test_open_refuses_wrong_kinds_and_hides_other_peoples_members(client, admin, token_for, chi_bo):
    members = _members(client, admin, chi_bo)
    binh = members["Trần Thị Bình"]
    wrong = _open(client, admin, binh, kind="collective-report-366")
    assert wrong.status_code == 422 and "tổ chức đảng" in wrong.get_json()["fields"]["kind"][0]
    older = _open(client, admin, binh, kind="member-review-124")
    assert older.status_code == 422 and "member-review-366" in older.get_json()["fields"]["kind"][0]
    unknown = _open(client, admin, binh, kind=["member-review-366"])
    assert unknown.status_code == 422 and unknown.get_json()["fields"]["kind"]
    assert _open(client, admin, binh, year=2019).status_code == 422
    # a member of another chi bộ may not see Bình: 404, as if she did not exist
    assert _open(client, bearer(token_for("tuyet")), binh).status_code == 404
    assert _open(client, admin, 2**31 - 1).status_code == 404


def test_quarterly_mau_05_opens_one_document_per_quarter(client, admin, chi_bo):
    binh = _members(client, admin, chi_bo)["Trần Thị Bình"]
    q2 = _open(client, admin, binh, kind="self-rating-366", quarter=2)
    q3 = _open(client, admin, binh, kind="self-rating-366", quarter=3)
    assert q2.status_code == q3.status_code == 201
    assert q2.get_json()["quarter"] == 2 and q2.get_json()["id"] != q3.get_json()["id"]
    assert _open(client, admin, binh, kind="self-rating-366", quarter=5).get_json()["fields"]["quarter"]
    assert _open(client, admin, binh, quarter=1).get_json()["fields"]["quarter"]


def test_save_then_stale_save_is_409_and_overwrites_nothing(client, admin, chi_bo):
    binh = _members(client, admin, chi_bo)["Trần Thị Bình"]
    doc = _open(client, admin, binh).get_json()
    url = f"/api/v1/documents/{doc['id']}"
    mine = member_review_366(full_name="Trần Thị Bình", a_vi="Bản của người thứ nhất.")
    saved = client.put(url, json={"data": mine, "submit": False, "base_revision": 0}, headers=admin)
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json() == {"id": doc["id"], "status": "draft", "revision": 1}
    # a second client started from revision 0 too
    stale = client.put(url, json={"data": {**mine, "a_vi": "Bản của người thứ hai."}, "submit": False,
                                  "base_revision": 0}, headers=admin)
    assert stale.status_code == 409
    assert stale.get_json()["current_revision"] == 1 and "người khác" in stale.get_json()["error"]
    stored = client.get(url, headers=admin).get_json()
    assert stored["revision"] == 1 and stored["data"]["a_vi"] == "Bản của người thứ nhất."
    submitted = client.put(url, json={"data": {"a_vi": "Bản cuối."}, "submit": True, "base_revision": 1},
                           headers=admin)
    assert submitted.get_json() == {"id": doc["id"], "status": "submitted", "revision": 2}
    stored = client.get(url, headers=admin).get_json()
    assert stored["data"]["a_vi"] == "Bản cuối." and stored["data"]["score_tasks"] == 63  # unsent fields kept


@pytest.mark.parametrize("body,field,message", [
    ({"data": member_review_366(score_general=31), "base_revision": 0}, "score_general", "Điểm phải từ 0 đến 30."),
    ({"data": member_review_366(proposed_level="gioi"), "base_revision": 0}, "proposed_level", "Mức xếp loại"),
    ({"data": member_review_366(a_vi=""), "submit": True, "base_revision": 0}, "a_vi", "Vui lòng nhập mục"),
    ({"data": {"khong_co": 1}, "base_revision": 0}, "khong_co", "Trường không có trong mẫu này."),
    ({"data": {}}, "base_revision", "Vui lòng nhập"), ({"data": {}, "base_revision": "²"}, "base_revision", "số nguyên"),
    ({"data": [], "base_revision": 0}, "data", "đối tượng JSON"),
    ({"data": {}, "base_revision": 0, "submit": "yes"}, "submit", "true hoặc false"),
])
def test_save_refuses_bad_data_per_field_in_vietnamese(client, admin, chi_bo, body, field, message):
    binh = _members(client, admin, chi_bo)["Trần Thị Bình"]
    doc = _open(client, admin, binh).get_json()
    resp = client.put(f"/api/v1/documents/{doc['id']}", json=body, headers=admin)
    assert resp.status_code == 422, resp.get_json()
    assert any(message in m for m in resp.get_json()["fields"][field]), resp.get_json()
    assert client.get(f"/api/v1/documents/{doc['id']}", headers=admin).get_json()["revision"] == 0


def _meeting_body(members: dict[str, int], votes_for_binh: dict) -> dict:
    present = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"]
    return {"held_on": "2026-12-10", "opened_at": "14:00", "venue": "Phòng họp tầng 2", "chair": "Nguyễn Văn An",
            "secretary": "Lê Văn Cường",
            "attendance": [{"member_id": members[n], "attendance": "co_mat"} for n in present]
            + [{"member_id": members["Hoàng Văn Em"], "attendance": "vang_co_ly_do", "reason": "Đi công tác"}],
            "votes": [{"member_id": members["Trần Thị Bình"], **votes_for_binh}]}


def test_meeting_saved_twice_replaces_attendance_and_votes(client, admin, chi_bo):
    members = _members(client, admin, chi_bo)
    url = f"/api/v1/units/{chi_bo}/meetings/2026"
    first = client.put(url, json=_meeting_body(members, {"xuat_sac": 0, "tot": 2, "hoan_thanh": 1,
                                                         "khong_hoan_thanh": 0}), headers=admin)
    assert first.status_code == 200, first.get_json()
    stored = first.get_json()
    assert stored["venue"] == "Phòng họp tầng 2" and stored["held_on"] == "2026-12-10"
    assert {a["attendance"] for a in stored["attendance"]} == {"co_mat", "vang_co_ly_do"}
    assert stored["votes"] == [{"member_id": members["Trần Thị Bình"], "xuat_sac": 0, "tot": 2, "hoan_thanh": 1,
                                "khong_hoan_thanh": 0}]
    corrected = _meeting_body(members, {"xuat_sac": 0, "tot": 3, "hoan_thanh": 0, "khong_hoan_thanh": 0})
    corrected["attendance"] = corrected["attendance"][:4]  # Em's line removed
    second = client.put(url, json=corrected, headers=admin)
    assert second.status_code == 200, second.get_json()
    again = client.get(url, headers=admin).get_json()
    assert again["votes"][0]["tot"] == 3 and again["votes"][0]["hoan_thanh"] == 0
    assert members["Hoàng Văn Em"] not in {a["member_id"] for a in again["attendance"]}
    assert len(again["attendance"]) == 4
    third = client.put(url, json=corrected, headers=admin)  # and any number of times
    assert third.status_code == 200 and third.get_json() == again


@pytest.mark.parametrize("change,key", [
    (lambda b: b["votes"][0].update(tot="²"), "votes[0].tot"),
    (lambda b: b["votes"][0].update(xuat_sac=10**30), "votes[0].xuat_sac"),
    (lambda b: b["votes"][0].update(tot=4), "votes[0]"),  # more votes than official members present (3)
    (lambda b: b["attendance"][0].update(attendance="present"), "attendance[0].attendance"),
    (lambda b: b["attendance"][1].update(member_id=2**40), "attendance[1].member_id"),
    (lambda b: b.update(venue="x" * 300), "venue"),
    (lambda b: b.update(held_on="2026-02-31"), "held_on"),
    (lambda b: b.update(opened_at="25:00"), "opened_at"),
    (lambda b: b.update(votes={"a": 1}), "votes"),
])
def test_meeting_refusals_name_the_row_and_keep_the_saved_meeting(client, admin, chi_bo, change, key):
    members = _members(client, admin, chi_bo)
    url = f"/api/v1/units/{chi_bo}/meetings/2026"
    good = _meeting_body(members, {"tot": 2})
    assert client.put(url, json=good, headers=admin).status_code == 200
    bad = _meeting_body(members, {"tot": 2})
    change(bad)
    resp = client.put(url, json=bad, headers=admin)
    assert resp.status_code == 422, resp.get_json()
    assert resp.get_json()["fields"][key], resp.get_json()
    assert client.get(url, headers=admin).get_json()["votes"][0]["tot"] == 2


def test_steps_refused_with_the_orders_reasons_then_recorded_and_on_the_board(client, admin, token_for, chi_bo):
    members = _members(client, admin, chi_bo)
    binh = members["Trần Thị Bình"]
    doc = _open(client, admin, binh).get_json()
    client.put(f"/api/v1/documents/{doc['id']}", json={"data": member_review_366(full_name="Trần Thị Bình"),
                                                       "submit": True, "base_revision": 0}, headers=admin)
    url = f"/api/v1/units/{chi_bo}/review/2026/steps"
    refused = client.post(url, json={"member_id": binh, "step": "proposal", "level": "tot"}, headers=admin)
    assert refused.status_code == 422
    body = refused.get_json()
    assert [r["rule"] for r in body["reasons"]] == ["collective_report_first"]
    assert any("Điều 7 Quy định 366-QĐ/TW" in m for m in body["fields"]["step"])
    secretary = client.post(url, json={"member_id": binh, "step": "decision", "level": "tot"},
                            headers=bearer(token_for("vanphong")))
    assert secretary.status_code == 422  # decision before proposal: the order refuses it
    bad = client.post(url, json={"member_id": binh, "step": "vote", "level": "gioi"}, headers=admin)
    assert set(bad.get_json()["fields"]) == {"step", "level"}
    made = client.post(url, json={"member_id": binh, "step": "proposal", "level": "tot",
                                  "reason": "Chi bộ họp sớm, báo cáo tập thể nộp sau"}, headers=admin)
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["step"] == "proposal" and made.get_json()["reason"].startswith("Chi bộ họp sớm")
    board = client.get(f"/api/v1/units/{chi_bo}/review/2026", headers=admin).get_json()
    row = next(m for m in board["members"] if m["member_id"] == binh)
    assert row["levels"] == {"self": "tot", "proposal": "tot"} and row["status"] == "reviewed"
    assert set(row) >= {"member_id", "full_name", "status", "missing", "next_step", "levels"}
    assert "Báo cáo kiểm điểm của tập thể" in board["missing"]
    em = next(m for m in board["members"] if m["full_name"] == "Hoàng Văn Em")
    assert em["status"] == "excluded" and em["missing"] == []


def test_board_and_meeting_are_404_for_members_and_other_units(client, token_for, chi_bo):
    member = bearer(token_for("tuyet"))
    assert client.get(f"/api/v1/units/{chi_bo}/review/2026", headers=member).status_code == 404
    assert client.put(f"/api/v1/units/{chi_bo}/meetings/2026", json={}, headers=member).status_code == 404
    secretary = bearer(token_for("bithu.van"))  # secretary of another chi bộ
    assert client.post(f"/api/v1/units/{chi_bo}/review/2026/steps", json={}, headers=secretary).status_code == 404
