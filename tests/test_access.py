"""Members see only their own documents; managers see their units; anything else answers 404."""
from __future__ import annotations

import re

from tests.conftest import Auth


def _doc_id_of(client, auth: Auth, username: str, year: int = 2026) -> int:
    auth.login(username)
    url = client.get(f"/reviews/{year}").headers["Location"]
    auth.logout()
    return int(re.search(r"/documents/(\d+)", url).group(1))


def test_member_cannot_open_another_members_document(client, auth):
    other = _doc_id_of(client, auth, "duc")
    auth.login("tuyet")
    for url in (f"/documents/{other}", f"/documents/{other}/download/pdf", f"/documents/{other}/revisions"):
        assert client.get(url).status_code == 404, url
    assert client.get("/members/1/reviews/2026").status_code == 404


def test_member_cannot_fetch_another_members_document_through_api(client, auth, token_for):
    other = _doc_id_of(client, auth, "duc")
    own = _doc_id_of(client, auth, "tuyet")
    headers = {"Authorization": f"Bearer {token_for('tuyet')}"}
    assert client.get(f"/api/v1/documents/{other}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/documents/{other}/file?format=pdf", headers=headers).status_code == 404
    assert client.get(f"/api/v1/documents/{own}", headers=headers).get_json()["id"] == own
    assert client.get("/api/v1/documents/999999", headers=headers).status_code == 404


def test_secretary_sees_own_chi_bo_only(client, auth, token_for):
    duc = _doc_id_of(client, auth, "duc")  # Chi bộ Tổ Toán – Tin
    thao = _doc_id_of(client, auth, "thao")  # Chi bộ Tổ Ngữ văn
    headers = {"Authorization": f"Bearer {token_for('bithu.toan')}"}
    assert client.get(f"/api/v1/documents/{duc}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/documents/{thao}", headers=headers).status_code == 404
    office = {"Authorization": f"Bearer {token_for('vanphong')}"}
    assert client.get(f"/api/v1/documents/{thao}", headers=office).status_code == 200
