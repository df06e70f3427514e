"""The upload report as the person accepting it sees it: a picture of every uploaded page, the signature pages
large, and acceptance (irreversible) only after a confirmation that says what will count as signed."""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from sqlalchemy import select

from service import accounts, demo_bulk
from service.archive.models import Packet, Upload
from tests.conftest import Auth, csrf_token
from tests.conftest import bearer as _auth
from tests.conftest import download as _download
from tests.conftest import wait_for_job as _wait
from tests.conftest import wait_for_upload
from tests.test_archive import multipart

PASSWORD = "mat-khau-thu-anh"


@pytest.fixture(scope="module")
def uploaded(app, token_for):
    """A generated chi bộ's packet, built and uploaded back as printed (one PDF), not yet accepted."""
    with app.extensions["db"].session() as s:
        parent = demo_bulk.generate(s, parent_name="Đảng bộ Ảnh trang thử", chi_bo=1, members=1, year=2026, seed=5)
        unit_id = parent.children[0].id
    client, headers = app.test_client(), _auth(token_for("admin"))
    resp = client.post(f"/api/v1/units/{unit_id}/packets", json={"year": 2026, "kind": "chi_bo"}, headers=headers)
    assert resp.status_code == 202, resp.get_data(as_text=True)
    job = _wait(client, headers, resp.get_json()["id"])
    assert job["state"] == "done", job
    pdf = _download(client, f"/api/v1/jobs/{job['id']}/result?format=pdf", headers)
    with app.extensions["db"].session() as s:
        packet = s.scalar(select(Packet).where(Packet.job_id == job["id"]))
        documents = [(e.title, e.first_page + e.page_count - 1) for e in packet.entries if e.document_id]
        total = packet.total_pages
    resp = client.post("/api/v1/archive/uploads", headers=headers, **multipart([("ho-so-da-ky.pdf", pdf)]))
    assert resp.status_code == 202, resp.get_data(as_text=True)
    assert wait_for_upload(client, headers, resp)["status"] == "done"
    return {"unit_id": unit_id, "upload_id": resp.get_json()["upload_id"], "documents": documents, "total": total}


def _login(client, app, username: str, password: str | None = None) -> None:
    logins = {**app.config["DEMO_LOGINS"], **({username: password} if password else {})}
    assert Auth(client, logins).login(username).status_code == 302


def _png(client, url: str) -> Image.Image:
    resp = client.get(url)
    assert resp.status_code == 200 and resp.mimetype == "image/png", resp.status_code
    return Image.open(io.BytesIO(resp.data))


def test_every_uploaded_page_has_a_picture_and_the_signature_pages_are_large(app, client, uploaded):
    _login(client, app, "admin")
    html = client.get(f"/archive/uploads/{uploaded['upload_id']}").get_data(as_text=True)
    every = re.search(r'<ul class="thumbs" id="all-pages">(.*?)</ul>', html, re.S).group(1)
    small = re.findall(r'<img src="([^"]+/small\.png)"', every)
    assert len(small) == uploaded["total"]
    signature = re.search(r'<ul class="thumbs" id="signature-pages">(.*?)</ul>', html, re.S).group(1)
    large = re.findall(r'<img src="([^"]+/large\.png)"', signature)
    assert len(large) == len(uploaded["documents"])  # each document's last page
    for title, last_page in uploaded["documents"]:  # one PDF: file 1, page = the packet page
        assert f"/files/1/pages/{last_page}/large.png" in signature and title in signature
    thumb = _png(client, small[0])
    assert max(thumb.size) == 240
    big = _png(client, large[0])
    assert max(big.size) == 1400 and big.getextrema() != ((255, 255),)  # a drawn page, not blank
    cached = list((app.config["SETTINGS"].data_dir / "page-pictures").rglob("*-large.png"))
    assert cached and _png(client, large[0]).size == big.size  # served again from the data folder
    assert client.get(f"/archive/uploads/{uploaded['upload_id']}/files/1/pages/{uploaded['total'] + 1}/small.png"
                      ).status_code == 404
    assert client.get(f"/archive/uploads/{uploaded['upload_id']}/files/1/pages/1/huge.png").status_code == 404


def test_pictures_are_not_found_for_other_units_and_members(app, client, auth, uploaded):
    url = f"/archive/uploads/{uploaded['upload_id']}/files/1/pages/1/small.png"
    auth.login("bithu.toan")  # secretary of another chi bộ
    assert client.get(url).status_code == 404
    assert client.get(f"/archive/uploads/{uploaded['upload_id']}/accept").status_code == 404
    auth.logout()
    auth.login("tuyet")  # a member
    assert client.get(url).status_code == 404
    auth.logout()
    with app.extensions["db"].session() as s:
        accounts.create_user(s, "bithu.anh", PASSWORD, "secretary", unit_id=uploaded["unit_id"])
    _login(client, app, "bithu.anh", PASSWORD)
    assert client.get(url).status_code == 200


def test_accepting_needs_the_confirmation_and_then_shows_who_and_when(app, client, uploaded):
    _login(client, app, "admin")
    report_url = f"/archive/uploads/{uploaded['upload_id']}"
    html = client.get(report_url).get_data(as_text=True)
    assert 'id="accept"' in html and f'href="{report_url}/accept"' in html  # a link to the confirmation, no POST
    confirm = client.get(f"{report_url}/accept").get_data(as_text=True)
    assert "không thể hủy" in confirm
    listed = re.search(r'<ul id="to-sign">(.*?)</ul>', confirm, re.S).group(1)
    assert all(title in listed for title, _ in uploaded["documents"])
    # the browser does not answer an unticked box itself (in English: “Please check this box…”): the server does
    assert re.search(r'<form method="post" action="[^"]*/accept" novalidate>', confirm)
    resp = client.post(f"{report_url}/accept", data={"csrf_token": csrf_token(confirm)})
    assert resp.status_code == 422
    on_the_box = re.search(r'<p class="error" id="confirm-error">(.*?)</p>', resp.get_data(as_text=True)).group(1)
    assert "hãy đánh dấu ô xác nhận" in on_the_box
    assert 'aria-describedby="confirm-error"' in resp.get_data(as_text=True)
    with app.extensions["db"].session() as s:
        assert s.get(Upload, uploaded["upload_id"]).state != "accepted"
    resp = client.post(f"{report_url}/accept", data={"csrf_token": csrf_token(confirm), "confirmed": "1"})
    assert resp.status_code == 302
    html = client.get(report_url).get_data(as_text=True)
    state = re.search(r'<div class="accepted-state" id="accepted-state"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert "Đã xác nhận tiếp nhận" in state and "admin" in state
    assert re.search(r"lúc \d{2}/\d{2}/\d{4} \d{2}:\d{2}", state)
    assert f"{len(uploaded['documents'])} văn bản được ghi nhận là đã có bản ký" in state
    assert 'id="accept"' not in html and 'id="confirm-accept"' not in html
