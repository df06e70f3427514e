"""Sessions and login under attack: replayed cookies, stale CSRF tokens, password guessing, open redirects."""
from __future__ import annotations

import html
import logging
import random
import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import delete, event, select, update

import web.pages

from service import accounts
from service.models import LoginThrottle, User, WebSession, utcnow
from tests.conftest import csrf_token
from tests.test_document_page import _FormValues

COOKIE = "session"


def _cookie(client) -> str:
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None, "no session cookie"
    return cookie.value


def _login(client, app, username: str, password: str | None = None, *, next_url: str | None = None,
           address: str = "127.0.0.1"):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    url = "/login" if next_url is None else "/login?next=" + next_url
    return client.post(url, data={"username": username, "csrf_token": token,
                                  "password": app.config["DEMO_LOGINS"].get(username, "x") if password is None
                                  else password}, environ_base={"REMOTE_ADDR": address})


@pytest.fixture()
def forget_failures(app):
    """Failed logins a test made must not throttle the demo users other tests log in as."""
    yield
    with app.extensions["db"].session() as s:
        s.execute(delete(LoginThrottle))


def test_a_copied_cookie_dies_with_logout(app, client, auth):
    auth.login("duc")
    stolen = _cookie(client)
    thief = app.test_client()
    thief.set_cookie(COOKIE, stolen)
    assert thief.get("/").status_code == 200
    auth.logout()
    thief.set_cookie(COOKIE, stolen)
    resp = thief.get("/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    with app.extensions["db"].session() as s:  # nothing left that the old cookie could match
        assert s.get(WebSession, accounts.session_key(stolen)) is None


def test_login_replaces_the_session_and_its_csrf_token(app, client, auth):
    before = csrf_token(client.get("/login").get_data(as_text=True))
    anonymous = _cookie(client)
    auth.login("duc")
    assert _cookie(client) != anonymous  # no session fixation
    old_token = csrf_token(client.get("/").get_data(as_text=True))
    auth.logout()
    auth.login("duc")
    fresh = csrf_token(client.get("/").get_data(as_text=True))
    assert fresh not in (old_token, before)
    resp = client.post("/logout", data={"csrf_token": old_token})
    assert resp.status_code == 400 and "Phiên làm việc đã hết hạn" in resp.get_data(as_text=True)
    assert client.get("/").status_code == 200  # still logged in: the forged logout did nothing
    assert client.post("/logout", data={"csrf_token": fresh}).status_code == 302


def test_end_sessions_keeps_only_the_one_making_the_change(app, auth):
    with app.extensions["db"].session() as s:  # sessions other tests left open do not count here
        accounts.end_sessions(s, s.scalar(select(User).where(User.username == "thao")))
    here, elsewhere = app.test_client(), app.test_client()
    for c in (here, elsewhere):
        _login(c, app, "thao")
        assert c.get("/").status_code == 200
    with app.extensions["db"].session() as s:
        user = s.scalar(select(User).where(User.username == "thao"))
        assert accounts.end_sessions(s, user, keep=accounts.session_key(_cookie(here))) == 1
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    with app.extensions["db"].session() as s:
        assert accounts.end_sessions(s, s.get(User, user.id)) == 1
    assert here.get("/").status_code == 302


def test_a_disabled_account_is_logged_out_at_once(app, client):
    _login(client, app, "thao")
    assert client.get("/").status_code == 200
    db = app.extensions["db"]
    with db.session() as s:
        s.execute(update(User).where(User.username == "thao").values(active=False))
    try:
        assert client.get("/").status_code == 302
    finally:
        with db.session() as s:
            s.execute(update(User).where(User.username == "thao").values(active=True))


def test_sixth_wrong_password_waits_even_with_the_right_one(app, client, caplog, forget_failures):
    for _ in range(5):
        resp = _login(client, app, "duc", "sai-mat-khau", address="198.51.100.7")
        assert resp.status_code == 200 and "Tên đăng nhập hoặc mật khẩu không đúng." in resp.get_data(as_text=True)
    with caplog.at_level(logging.WARNING, logger="web.auth"):
        resp = _login(client, app, "duc", address="198.51.100.7")  # the right password, too soon
    body = resp.get_data(as_text=True)
    assert resp.status_code == 429 and "Đăng nhập sai quá nhiều lần. Vui lòng đợi" in body
    assert 1 <= int(resp.headers["Retry-After"]) <= 15
    assert any("too many failures" in r.getMessage() and "duc" in r.getMessage() for r in caplog.records)
    assert client.get("/").status_code == 302  # not logged in
    # From another address the account waits all the same.
    assert _login(app.test_client(), app, "duc", address="203.0.113.9").status_code == 429
    # Once the wait is over the right password works and clears the count.
    with app.extensions["db"].session() as s:
        s.execute(update(LoginThrottle).values(blocked_until=utcnow() - timedelta(seconds=1)))
    assert _login(client, app, "duc", address="198.51.100.7").status_code == 302
    with app.extensions["db"].session() as s:
        assert s.get(LoginThrottle, "user:duc") is None


def test_unknown_names_are_throttled_alike(app, client, forget_failures):
    for _ in range(5):
        assert _login(client, app, "khong-co-ai", "x", address="198.51.100.8").status_code == 200
    assert _login(client, app, "khong-co-ai", "x", address="198.51.100.8").status_code == 429


def test_one_address_trying_many_names_waits(app, forget_failures):
    client = app.test_client()
    free = accounts.FREE_FAILURES["addr"]
    for i in range(free):
        assert _login(client, app, f"ten-{i}", "x", address="198.51.100.9").status_code == 200
    assert _login(client, app, "duc", address="198.51.100.9").status_code == 429


def test_the_wait_grows_and_is_capped(app, forget_failures):
    now = utcnow()
    waits = []
    with app.extensions["db"].session() as s:
        for i in range(14):
            accounts.record_login_failure(s, "tang-dan", "192.0.2.1", now=now)
            throttled = accounts.login_throttled(s, "tang-dan", "192.0.2.2", now=now)
            waits.append(throttled.wait_seconds if throttled else 0)
    assert waits[:4] == [0, 0, 0, 0]
    assert waits[4:8] == [15, 30, 60, 120]
    assert waits[-1] == 15 * 60 and waits == sorted(waits)
    with app.extensions["db"].session() as s:  # an hour later the count starts again
        later = now + accounts.FORGET_AFTER + timedelta(seconds=1)
        accounts.record_login_failure(s, "tang-dan", "192.0.2.1", now=later)
        assert accounts.login_throttled(s, "tang-dan", "192.0.2.2", now=later) is None


def test_unknown_user_costs_the_same_password_work(app, monkeypatch):
    calls = {"check": 0, "generate": 0}
    real_check, real_generate = accounts.check_password_hash, accounts.generate_password_hash

    def check(*a):
        calls["check"] += 1
        return real_check(*a)

    def generate(*a, **kw):
        calls["generate"] += 1
        return real_generate(*a, **kw)

    accounts._dummy_hash()  # made once per process, before the first unknown name
    monkeypatch.setattr(accounts, "check_password_hash", check)
    monkeypatch.setattr(accounts, "generate_password_hash", generate)
    with app.extensions["db"].session() as s:
        assert accounts.authenticate(s, "khong-co-ai", "mat-khau-bat-ky") is None
        unknown = dict(calls)
        calls.update(check=0, generate=0)
        assert accounts.authenticate(s, "duc", "mat-khau-bat-ky") is None
    assert unknown == calls == {"check": 1, "generate": 0}
    assert accounts._dummy_hash().startswith("scrypt:")


@pytest.mark.parametrize("target", [
    "/%09/evil.example", "/%0a/evil.example", "/%0d%0aSet-Cookie:%20x=1", "/%5Cevil.example", "/\\evil.example",
    "//evil.example", "https://evil.example/", "http:/evil.example", "/%00/x", "javascript:alert(1)",
    "%2F%2Fevil.example", "evil.example",
])
def test_next_leaving_the_site_goes_home(app, target):
    resp = _login(app.test_client(), app, "thao", next_url=target)
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/", resp.headers["Location"]


def test_next_on_the_site_is_followed(app):
    resp = _login(app.test_client(), app, "thao", next_url="/reviews/2026%3Fx%3D1")
    assert resp.status_code == 302 and resp.headers["Location"] == "/reviews/2026?x=1"


def test_changing_ones_password_ends_the_other_sessions_only(app, forget_failures):
    here, elsewhere = app.test_client(), app.test_client()
    old, new = app.config["DEMO_LOGINS"]["thao"], "Mot-mat-khau-moi-2026"
    for c in (here, elsewhere):
        assert _login(c, app, "thao").status_code == 302
    page = here.get("/account/password").get_data(as_text=True)
    resp = here.post("/account/password", data={"csrf_token": csrf_token(page), "current": old, "password": new,
                                                 "confirm": new})
    try:
        assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
        assert here.get("/").status_code == 200  # the person who changed it stays logged in here
        assert elsewhere.get("/").status_code == 302  # everywhere else it ended
    finally:
        with app.extensions["db"].session() as s:
            accounts.set_password(s, s.scalar(select(User).where(User.username == "thao")), old)


@contextmanager
def _session_writes(app):
    """The statements that write the web_sessions table while the block runs."""
    writes: list[str] = []

    def seen(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith(("UPDATE WEB_SESSIONS", "INSERT INTO WEB_SESSIONS")):
            writes.append(statement)
    engine = app.extensions["db"].engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield writes
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def _open_own_review(client) -> tuple[str, str]:
    url = client.get("/reviews/2025").headers["Location"]
    return url, client.get(url).get_data(as_text=True)


def test_a_saved_draft_says_so_once_without_writing_the_session(app, client, auth):
    auth.login("thao")
    url, page = _open_own_review(client)
    form = _FormValues()
    form.feed(page)
    with _session_writes(app) as writes:
        saved = client.post(url, data={**form.values, "action": "draft", "csrf_token": csrf_token(page)})
        assert saved.status_code == 302 and client.get_cookie("flash") is not None
        assert "Đã lưu bản nháp." in client.get(saved.headers["Location"]).get_data(as_text=True)
        assert client.get_cookie("flash") is None  # shown: the next page does not repeat it
        assert "Đã lưu bản nháp." not in client.get(url).get_data(as_text=True)
    assert writes == []  # the session row was written neither to put the message in nor to take it out


def test_a_flash_cookie_not_signed_with_the_key_is_not_shown(client, auth):
    auth.login("thao")
    url, _ = _open_own_review(client)
    forged = URLSafeTimedSerializer("not-the-key", salt="flash-messages").dumps([["info", "Tài khoản của bạn bị khóa"]])
    client.set_cookie("flash", forged)
    assert "Tài khoản của bạn bị khóa" not in client.get(url).get_data(as_text=True)
    client.set_cookie("flash", "r%C3%A1c")
    assert client.get(url).status_code == 200


def test_a_message_too_long_for_a_cookie_is_still_shown_once(client, auth, monkeypatch):
    auth.login("thao")
    url, _ = _open_own_review(client)
    doc_id = re.search(r"/documents/(\d+)", url).group(1)
    letters = random.Random(7).choices("àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệ ôồốổỗộơờớởỡợ", k=4000)
    long_reasons = "Còn thiếu: " + "".join(letters)  # 10 kB that do not compress: more than a cookie holds
    monkeypatch.setattr(web.pages, "readable_errors", lambda kind, fields: long_reasons)
    refused = client.get(f"/documents/{doc_id}/download/pdf")  # her draft is not complete enough to print
    assert refused.status_code == 302 and client.get_cookie("flash") is None
    assert long_reasons in html.unescape(client.get(refused.headers["Location"]).get_data(as_text=True))
    assert long_reasons not in html.unescape(client.get(url).get_data(as_text=True))
