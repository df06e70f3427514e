"""Security headers: a strict CSP that inline script cannot pass, no framing, no sniffing, no cached personal pages."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from service import demo_bulk
from service.models import Document, Member

TEMPLATES = Path(__file__).resolve().parent.parent / "web" / "templates"


def _policy(resp) -> dict[str, str]:
    return {part.split()[0]: part.split(None, 1)[1] if " " in part.strip() else ""
            for part in (p.strip() for p in resp.headers["Content-Security-Policy"].split(";")) if part}


def test_pages_carry_a_strict_policy(client):
    resp = client.get("/login")
    policy = _policy(resp)
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert "unsafe-inline" not in resp.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in resp.headers["Content-Security-Policy"]
    assert policy["frame-ancestors"] == "'none'" and resp.headers["X-Frame-Options"] == "DENY"
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'none'"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in resp.headers  # plain HTTP: HSTS would be ignored or misleading


def test_hsts_over_https(client):
    resp = client.get("/login", base_url="https://localhost")
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_errors_carry_the_headers_too(client, auth):
    auth.login("tuyet")
    resp = client.get("/documents/999999999")
    assert resp.status_code == 404
    assert _policy(resp)["frame-ancestors"] == "'none'" and resp.headers["Cache-Control"] == "no-store"


@pytest.fixture(scope="module")
def filled_document(app) -> int:
    """A self-review filled in and complete (a generated chi bộ), ready to download."""
    with app.extensions["db"].session() as s:
        parent = demo_bulk.generate(s, parent_name="Đảng bộ Kiểm tra tiêu đề", chi_bo=1, members=1, year=2026, seed=5)
        unit_id = parent.children[0].id
        return s.scalar(select(Document.id).join(Member, Document.member_id == Member.id)
                        .where(Member.unit_id == unit_id).order_by(Document.id))


def test_personal_pages_and_files_are_not_stored(client, auth, filled_document):
    auth.login("admin")
    page = client.get(f"/documents/{filled_document}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    with client.get(f"/documents/{filled_document}/download/docx") as file:
        assert file.status_code == 200 and file.headers["Cache-Control"] == "no-store"
        assert file.data.startswith(b"PK") and "ETag" not in file.headers
        assert file.headers["X-Content-Type-Options"] == "nosniff"
    with client.get(f"/documents/{filled_document}/download/pdf") as file:  # a PDF our own page may frame
        assert file.status_code == 200 and file.headers["Cache-Control"] == "no-store"
        assert _policy(file)["frame-ancestors"] == "'self'" and file.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_static_files_may_be_cached(client):
    resp = client.get("/static/style.css")
    assert resp.status_code == 200 and "no-store" not in resp.headers.get("Cache-Control", "")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    resp.close()


def test_pages_name_their_icon_so_browsers_do_not_ask_for_a_missing_one(client):
    """Without a <link rel="icon"> a browser asks for /favicon.ico on every first visit: a 404 in the console."""
    page = client.get("/login").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page)
    assert icon
    resp = client.get(icon.group(1))
    assert resp.status_code == 200 and resp.mimetype == "image/svg+xml"
    resp.close()


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\s on[a-z]+\s*=", re.I | re.X)
STYLE_ATTR = re.compile(r"<[^>]+\sstyle\s*=", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_templates_have_nothing_inline_the_policy_would_block(template):
    html = (TEMPLATES / template).read_text(encoding="utf-8")
    for pattern, what in ((INLINE_SCRIPT, "inline <script>"), (HANDLER, "event handler attribute"),
                          (STYLE_ATTR, "style attribute"), (JS_URL, "javascript: URL"), (re.compile(r"<style", re.I),
                                                                                          "<style> block")):
        found = pattern.search(html)
        assert found is None, f"{template}: {what} {found.group(0)[:80]!r}: move it to web/static/"
