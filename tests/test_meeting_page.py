"""The meeting page as a secretary uses it: record, correct, record again; odd values get messages, never 500."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from service.models import Member
from service.review.meeting import parse_time, parse_votes
from tests.conftest import csrf_token


def _members(app, unit_id: int) -> dict[str, int]:
    with app.extensions["db"].session() as s:
        return {m.full_name: m.id for m in s.scalars(select(Member).where(Member.unit_id == unit_id))}


def _form(page: str, ids: dict[str, int], **changes: str) -> dict[str, str]:
    """What the browser posts: every member present, every vote empty, then the changes."""
    data = {"csrf_token": csrf_token(page), "held_on": "2026-12-18", "opened_at": "14:00", "closed_at": "17:00",
            "place": "Hội trường A", "chair": "Nguyễn Văn An", "secretary": "Trần Thị Bình"}
    for name, mid in ids.items():
        if name == "Đỗ Thị Gấm":  # exempted: not on the attendance list
            continue
        data[f"status-{mid}"] = "present"
        data[f"reason-{mid}"] = ""
        for code in ("xuat_sac", "tot", "hoan_thanh", "khong_hoan_thanh"):
            if f"votes-{mid}-{code}" in page:
                data[f"votes-{mid}-{code}"] = ""
    data.update(changes)
    return data


def _votes_on_page(html: str, mid: int, code: str) -> str:
    match = re.search(rf'name="votes-{mid}-{code}"[^>]*value="([^"]*)"', html)
    assert match, f"no vote field for {mid}/{code}"
    return match.group(1)


@pytest.mark.parametrize("rounds", [3])
def test_meeting_is_saved_again_and_again_with_a_corrected_vote(client, auth, app, chi_bo, rounds):
    auth.login("admin")
    ids = _members(app, chi_bo)
    url = f"/units/{chi_bo}/review/2026/meeting"
    binh = ids["Trần Thị Bình"]
    for votes in range(1, rounds + 1):
        page = client.get(url).get_data(as_text=True)
        resp = client.post(url, data=_form(page, ids, **{f"votes-{binh}-tot": str(votes)}), follow_redirects=True)
        assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
        body = resp.get_data(as_text=True)
        assert "Đã lưu thông tin hội nghị" in body
        assert _votes_on_page(body, binh, "tot") == str(votes)
    # the absence is corrected too: one member marked absent with a reason, then present again
    cuong = ids["Lê Văn Cường"]
    page = client.get(url).get_data(as_text=True)
    client.post(url, data=_form(page, ids, **{f"status-{cuong}": "absent_reason", f"reason-{cuong}": "Ốm"}))
    body = client.get(url).get_data(as_text=True)
    assert re.search(rf'name="status-{cuong}">.*?value="absent_reason" selected', body, re.S)
    page = client.get(url).get_data(as_text=True)
    client.post(url, data=_form(page, ids))
    body = client.get(url).get_data(as_text=True)
    assert re.search(rf'name="status-{cuong}">\s*<option value="present" selected', body)


@pytest.mark.parametrize("field, value, words", [
    ("opened_at", "25:00", "Giờ khai mạc"),
    ("chair", "Nguyễn " * 40, "Chủ trì dài"),
    ("place", "x" * 201, "Địa điểm dài"),
    ("held_on", "2026-02-31", "Tháng 2/2026 không có ngày 31"),
])
def test_meeting_details_out_of_bounds_get_a_message_not_500(client, auth, app, chi_bo, field, value, words):
    auth.login("admin")
    ids = _members(app, chi_bo)
    url = f"/units/{chi_bo}/review/2026/meeting"
    page = client.get(url).get_data(as_text=True)
    resp = client.post(url, data=_form(page, ids, **{field: value}), follow_redirects=True)
    assert resp.status_code < 500
    assert words in resp.get_data(as_text=True)


@pytest.mark.parametrize("typed", ["²", "1e309", "-1", "٣", "99999999999"])
def test_odd_vote_numbers_get_a_message_on_the_member(client, auth, app, chi_bo, typed):
    auth.login("admin")
    ids = _members(app, chi_bo)
    url = f"/units/{chi_bo}/review/2026/meeting"
    page = client.get(url).get_data(as_text=True)
    resp = client.post(url, data=_form(page, ids, **{f"votes-{ids['Trần Thị Bình']}-tot": typed}),
                       follow_redirects=True)
    body = resp.get_data(as_text=True)
    assert resp.status_code < 500
    assert "Trần Thị Bình" in body and "phải là số nguyên" in body


def test_summary_names_each_member_once(client, auth, app, chi_bo):
    """The messages already say whose row is wrong: the summary does not put the name in front a second time."""
    auth.login("admin")
    ids = _members(app, chi_bo)
    url = f"/units/{chi_bo}/review/2026/meeting"
    binh = ids["Trần Thị Bình"]
    page = client.get(url).get_data(as_text=True)
    resp = client.post(url, data=_form(page, ids, **{f"votes-{binh}-tot": "²", f"reason-{binh}": "Ốm"}))
    assert resp.status_code == 422
    summary = resp.get_data(as_text=True).split('id="error-summary"', 1)[1].split("</ul>", 1)[0]
    items = re.findall(r"<li><a [^>]*>(.*?)</a></li>", summary, re.S)
    assert len(items) == 2 and all(item.count("Trần Thị Bình") == 1 for item in items), items


def test_a_wrong_absence_reason_marks_the_reason_not_the_votes(client, auth, app, chi_bo):
    """A reason typed for a member marked present is the reason's mistake: that field is marked, the votes are not."""
    auth.login("admin")
    ids = _members(app, chi_bo)
    url = f"/units/{chi_bo}/review/2026/meeting"
    binh = ids["Trần Thị Bình"]
    page = client.get(url).get_data(as_text=True)
    body = client.post(url, data=_form(page, ids, **{f"reason-{binh}": "Ốm", f"votes-{binh}-tot": "3"})) \
        .get_data(as_text=True)
    reason = re.search(rf'<input [^>]*name="reason-{binh}"[^>]*>', body).group(0)
    assert 'aria-invalid="true"' in reason and f"err-row-{binh}-1" in reason
    votes = re.findall(rf'<input [^>]*name="votes-{binh}-[a-z_]+"[^>]*>', body)
    assert len(votes) == 4 and not [v for v in votes if "aria-invalid" in v]


def test_empty_times_do_not_look_filled_in(client, auth, app, chi_bo):
    """An empty start or end time shows the form it takes ("giờ:phút") and an example beside it, not a grey "14:00"
    that reads like a time already recorded."""
    auth.login("admin")
    page = client.get(f"/units/{chi_bo}/review/2026/meeting").get_data(as_text=True)
    for name in ("opened_at", "closed_at"):
        field = re.search(rf'<input [^>]*id="in-{name}"[^>]*>', page, re.S).group(0)
        assert 'placeholder="giờ:phút"' in field and f'aria-describedby="help-{name}"' in field
        assert re.search(rf'<p class="help" id="help-{name}">Ví dụ \d\d:\d\d</p>', page)


def test_a_spoken_start_time_is_understood():
    assert parse_time("2 giờ chiều") == "14:00"
    assert parse_time("14h30") == "14:30"
    assert parse_time("8 giờ 15 phút sáng") == "08:15"
    assert parse_time("14:00") == "14:00"
    assert parse_time("chiều") is None and parse_time("24:00") is None


def test_vote_counts_accept_only_plain_whole_numbers():
    assert [parse_votes(v) for v in ("", None, "0", " 7 ", 3)] == [0, 0, 0, 7, 3]
    assert [parse_votes(v) for v in ("²", "1e309", "-1", True, 2.5, "٣", -4, 10**12)] == [None] * 8


def test_summary_names_a_meeting_field_once(client, auth, app, chi_bo):
    """“Ngày họp: …” already says which field: the summary does not put “Ngày họp: ” in front a second time."""
    auth.login("admin")
    ids = _members(app, chi_bo)
    url = f"/units/{chi_bo}/review/2026/meeting"
    page = client.get(url).get_data(as_text=True)
    resp = client.post(url, data=_form(page, ids, held_on="2026-02-31", opened_at="25:00"))
    assert resp.status_code == 422
    summary = resp.get_data(as_text=True).split('id="error-summary"', 1)[1].split("</ul>", 1)[0]
    items = re.findall(r"<li><a [^>]*>(.*?)</a></li>", summary, re.S)
    held_on = next(item for item in items if "Ngày họp" in item)
    assert held_on.count("Ngày họp") == 1 and "không có ngày 31" in held_on, items
    opened = next(item for item in items if "Giờ khai mạc" in item)
    assert opened.count("Giờ khai mạc") == 1, items
