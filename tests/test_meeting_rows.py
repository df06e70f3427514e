"""The meeting page on a refused save: 422, everything typed still on the page, each message on its field or
member row, a summary linking to them; and a correct save afterwards replaces the previous one."""
from __future__ import annotations

import re

import pytest

from tests.test_meeting_page import _form, _members, _votes_on_page


def _row(html: str, member_id: int) -> str:
    match = re.search(rf'<tr id="row-{member_id}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no row for member {member_id}"
    return match.group(1)


@pytest.mark.parametrize("typed", ["²", "1e309", "-1"])
def test_a_bad_vote_keeps_what_was_typed_and_the_message_sits_on_its_row(client, auth, app, chi_bo, typed):
    auth.login("admin")
    ids = _members(app, chi_bo)
    url = f"/units/{chi_bo}/review/2026/meeting"
    binh, cuong = ids["Trần Thị Bình"], ids["Lê Văn Cường"]
    page = client.get(url).get_data(as_text=True)
    posted = _form(page, ids, **{f"votes-{binh}-tot": typed, f"votes-{cuong}-xuat_sac": "2",
                                 f"status-{cuong}": "absent_reason", f"reason-{cuong}": "Đi công tác",
                                 "place": "Phòng họp tầng 3", "opened_at": "2 giờ chiều"})
    resp = client.post(url, data=posted)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    row = _row(html, binh)
    assert "phải là số nguyên" in row and 'aria-invalid="true"' in row
    assert _votes_on_page(html, binh, "tot") == typed  # shown as typed (HTML-escaped the same way)
    assert "phải là số nguyên" not in _row(html, cuong)
    assert _votes_on_page(html, cuong, "xuat_sac") == "2"
    assert re.search(rf'name="status-{cuong}">.*?value="absent_reason" selected', html, re.S)
    assert 'value="Đi công tác"' in _row(html, cuong)
    assert 'value="Phòng họp tầng 3"' in html and 'value="2 giờ chiều"' in html
    summary = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert f'href="#row-{binh}"' in summary and "Trần Thị Bình" in summary
    assert "Đã lưu" not in html


def test_a_bad_field_message_is_on_the_field_and_the_votes_stay(client, auth, app, chi_bo):
    auth.login("admin")
    ids = _members(app, chi_bo)
    url = f"/units/{chi_bo}/review/2026/meeting"
    binh = ids["Trần Thị Bình"]
    page = client.get(url).get_data(as_text=True)
    resp = client.post(url, data=_form(page, ids, held_on="31/02/2026", **{f"votes-{binh}-tot": "3"}))
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    field = re.search(r'<div class="field has-error" id="f-held_on">(.*?)</div>', html, re.S).group(1)
    assert "Tháng 2/2026 không có ngày 31" in field and 'value="31/02/2026"' in field
    assert _votes_on_page(html, binh, "tot") == "3"
    assert 'href="#f-held_on"' in html


def test_saved_twice_the_corrected_vote_and_the_date_come_back_day_first(client, auth, app, chi_bo):
    auth.login("admin")
    ids = _members(app, chi_bo)
    url = f"/units/{chi_bo}/review/2026/meeting"
    binh = ids["Trần Thị Bình"]
    for typed, saved in (("3", "3"), ("x", None), ("2", "2")):
        page = client.get(url).get_data(as_text=True)
        resp = client.post(url, data=_form(page, ids, held_on="18/12/2026", **{f"votes-{binh}-tot": typed}))
        if saved is None:
            assert resp.status_code == 422
            continue
        assert resp.status_code == 302
        html = client.get(url).get_data(as_text=True)
        assert _votes_on_page(html, binh, "tot") == saved
        assert 'value="18/12/2026"' in html
        assert "Hoàn thành tốt nhiệm vụ" in _row(html, binh) or "Chưa đủ quá nửa" in _row(html, binh)
