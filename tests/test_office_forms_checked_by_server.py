"""Office forms leave checking to the server (`novalidate`): an English browser would otherwise answer an empty
required field with its own “Please fill out this field.”; the server answers in Vietnamese, on the field."""
from __future__ import annotations

import re

from sqlalchemy import select

from service.models import Member, Unit, User
from tests.conftest import csrf_token

FORM = re.compile(r"(<form\b[^>]*>)(.*?)</form>", re.S)


def _ids(app) -> dict[str, int]:
    with app.extensions["db"].session() as s:
        unit = s.scalar(select(Unit).where(Unit.name == "Chi bộ Tổ Toán – Tin"))
        member = s.scalar(select(Member).where(Member.unit_id == unit.id))
        user = s.scalar(select(User).where(User.username == "bithu.toan"))
        return {"unit": unit.id, "member": member.id, "user": user.id}


def test_every_office_form_with_a_required_field_is_checked_by_the_server_not_the_browser(client, auth, app):
    auth.login("admin")
    ids = _ids(app)
    pages = ["/org/units", f"/org/units/{ids['unit']}", f"/org/units/{ids['unit']}/members/new",
             f"/org/members/{ids['member']}", f"/org/units/{ids['unit']}/import", "/org/accounts",
             f"/org/accounts/{ids['user']}", "/account/password", f"/units/{ids['unit']}/rules",
             f"/units/{ids['unit']}/templates/member-review-366", f"/units/{ids['unit']}/archive/2026"]
    checked = 0
    for url in pages:
        resp = client.get(url)
        assert resp.status_code == 200, url
        for tag, inner in FORM.findall(resp.get_data(as_text=True)):
            if 'method="post"' in tag and re.search(r"\s(required|minlength=)", inner):
                assert "novalidate" in tag, (url, tag)
                checked += 1
    assert checked >= 11


def _field_errors(html: str, field_id: str) -> list[str]:
    """The messages shown under one office field (its `org-field` block)."""
    start = html.index(f'id="{field_id}"')
    block = html[html.rindex('<div class="org-field', 0, start):]
    block = block[:block.index("</div>")]
    return re.findall(r'<p class="error">(.*?)</p>', block)


def test_empty_required_fields_get_vietnamese_messages_on_the_field(client, auth, app):
    auth.login("admin")
    ids = _ids(app)
    with app.extensions["db"].session() as s:
        units_before = len(s.scalars(select(Unit.id)).all())
    page = client.get("/org/units").get_data(as_text=True)
    resp = client.post("/org/units", data={"csrf_token": csrf_token(page), "name": "", "kind": "chi_bo"})
    assert resp.status_code == 422
    errors = _field_errors(resp.get_data(as_text=True), "f-name")
    assert errors and all("Please" not in m for m in errors) and re.search(r"[ạ-ỹđ]", " ".join(errors)), errors
    with app.extensions["db"].session() as s:
        assert len(s.scalars(select(Unit.id)).all()) == units_before
    # The other forms whose browser check is gone answer with a Vietnamese message too (never a 5xx).
    token = csrf_token(client.get("/org/accounts").get_data(as_text=True))
    empty = [
        ("/org/accounts", {"username": "", "password": "", "role": "secretary"}),
        (f"/org/units/{ids['unit']}/members/new", {"full_name": ""}),
        (f"/org/members/{ids['member']}/transfer", {"on": ""}),
        (f"/org/members/{ids['member']}/status", {"on": ""}),
        (f"/org/units/{ids['unit']}/import", {}),
        (f"/units/{ids['unit']}/rules", {"gap_reading": "strict", "reason": ""}),
        (f"/units/{ids['unit']}/templates/member-review-366", {}),
        (f"/units/{ids['unit']}/archive/2026/uploads", {}),
        ("/account/password", {"current": "", "password": "", "confirm": ""}),
    ]
    for url, data in empty:
        resp = client.post(url, data={"csrf_token": token, **data}, follow_redirects=True,
                           content_type="multipart/form-data")
        body = resp.get_data(as_text=True)
        assert 400 <= resp.status_code < 500, (url, resp.status_code)
        assert 'class="error"' in body or 'class="flash error"' in body, url


def test_an_empty_current_password_is_asked_for_not_called_wrong(client, auth):
    """Changing one's password with the current one left empty asks for it; it does not say it is wrong."""
    auth.login("admin")
    token = csrf_token(client.get("/account/password").get_data(as_text=True))
    resp = client.post("/account/password", data={"csrf_token": token, "current": "", "password": "Mot-mat-khau-moi-2026",
                                                  "confirm": "Mot-mat-khau-moi-2026"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Hãy nhập mật khẩu hiện tại." in body
    assert "không đúng" not in body
