"""Issue 13: two people saving the same document at once — one wins, the other gets 409 and nothing of the
winner's is overwritten; never a 500 (on SQLite and PostgreSQL alike, with real threads and connections)."""
from __future__ import annotations

import re
import threading

from sqlalchemy import select

from service import documents
from service.models import Document, DocumentRevision
from service.samples import member_review_366
from tests.conftest import bearer, cycle_context


def _open_binh(client, headers, unit_id: int) -> dict:
    board = client.get(f"/api/v1/units/{unit_id}/review/2026", headers=headers).get_json()
    binh = next(m["member_id"] for m in board["members"] if m["full_name"] == "Trần Thị Bình")
    return client.post(f"/api/v1/members/{binh}/documents", json={"kind": "member-review-366", "year": 2026},
                       headers=headers).get_json()


def test_two_threads_saving_at_once_one_wins_the_other_gets_409(app, token_for, chi_bo):
    headers = bearer(token_for("admin"))
    doc = _open_binh(app.test_client(), headers, chi_bo)
    url = f"/api/v1/documents/{doc['id']}"
    for round_ in range(8):
        base = app.test_client().get(url, headers=headers).get_json()["revision"]
        start = threading.Barrier(2)
        results: dict[str, tuple[int, dict]] = {}

        def save(who: str) -> None:
            client = app.test_client()
            body = {"data": member_review_366(full_name="Trần Thị Bình", a_vi=f"{who} {round_}"), "submit": False,
                    "base_revision": base}
            start.wait(timeout=60)
            resp = client.put(url, json=body, headers=headers)
            results[who] = (resp.status_code, resp.get_json())

        threads = [threading.Thread(target=save, args=(who,)) for who in ("Người A", "Người B")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not any(t.is_alive() for t in threads)
        codes = sorted(code for code, _ in results.values())
        assert codes == [200, 409], results
        winner = next(who for who, (code, _) in results.items() if code == 200)
        loser = next(body for code, body in results.values() if code == 409)
        assert loser["current_revision"] == base + 1
        stored = app.test_client().get(url, headers=headers).get_json()
        assert stored["revision"] == base + 1 and stored["data"]["a_vi"] == f"{winner} {round_}"


def test_a_save_racing_inside_the_database_is_refused_not_500(app, chi_bo):
    """Both sessions read revision N before either writes: the second UPDATE waits for the first's lock, then
    finds the revision moved and raises StaleRevision; the revision table has exactly one row N+1."""
    first, unit, _, members, users = cycle_context(app, chi_bo)
    second = app.extensions["db"].sessions()
    doc_id = documents.open_personal_review(first, members["Trần Thị Bình"], 2026, "Hà Nội").id
    first.commit()
    doc_a, doc_b = first.get(Document, doc_id), second.get(Document, doc_id)
    base = doc_a.revision
    assert doc_b.revision == base
    documents.save_revision(first, doc_a, {"a_vi": "A"}, None, base_revision=base)  # holds the write lock
    outcome: list[object] = []

    def racing() -> None:
        try:
            documents.save_revision(second, doc_b, {"a_vi": "B"}, None, base_revision=base)
            second.commit()
            outcome.append("saved")
        except documents.StaleRevision as exc:
            second.rollback()
            outcome.append(exc)

    thread = threading.Thread(target=racing)
    thread.start()
    first.commit()
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert isinstance(outcome[0], documents.StaleRevision) and outcome[0].current_revision == base + 1
    check = app.extensions["db"].sessions()
    numbers = check.scalars(select(DocumentRevision.number).where(DocumentRevision.document_id == doc_id)).all()
    assert numbers.count(base + 1) == 1 and check.get(Document, doc_id).data == {"a_vi": "A"}
    for s in (first, second, check):
        s.close()


def _form_fields(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="(base_revision|csrf_token)" value="([^"]*)"', html))


def test_page_stale_save_keeps_my_text_and_shows_theirs(client, auth, token_for, chi_bo):
    api = bearer(token_for("admin"))
    doc_id = _open_binh(client, api, chi_bo)["id"]
    auth.login("admin")
    url = f"/documents/{doc_id}"
    page = client.get(url)
    hidden = _form_fields(page.get_data(as_text=True))
    base = int(hidden["base_revision"])
    # meanwhile someone else saves through the API
    theirs = client.put(f"/api/v1/documents/{doc_id}", json={"data": {"a_vi": "Bản của bí thư."}, "submit": False,
                                                               "base_revision": base}, headers=api)
    assert theirs.status_code == 200, theirs.get_json()
    resp = client.post(url, data={"csrf_token": hidden["csrf_token"], "base_revision": str(base), "action": "draft",
                                  "full_name": "Trần Thị Bình", "a_vi": "Bản của tôi, gõ rất lâu."})
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert "Bản của tôi, gõ rất lâu." in html  # my text is still in the form
    assert "Bản của bí thư." in html and "người khác đã lưu" in html  # theirs beside it, with the reason
    assert f'name="base_revision" value="{base + 1}"' in html  # saving again now replaces deliberately
    stored = client.get(f"/api/v1/documents/{doc_id}", headers=api).get_json()
    assert stored["data"]["a_vi"] == "Bản của bí thư." and stored["revision"] == base + 1
    again = client.post(url, data={"csrf_token": hidden["csrf_token"], "base_revision": str(base + 1),
                                   "action": "draft", "full_name": "Trần Thị Bình",
                                   "a_vi": "Bản của tôi, gõ rất lâu."})
    assert again.status_code == 302
    assert client.get(f"/api/v1/documents/{doc_id}", headers=api).get_json()["data"]["a_vi"] == \
        "Bản của tôi, gõ rất lâu."


def test_a_concurrent_write_is_answered_409_with_a_message_not_500():
    """The backstop for rows two requests create or replace at the same moment (a cycle, a meeting, a document
    opened twice at once): the database refuses the later write, web/errors rolls it back whole and says so."""
    from flask import Flask
    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.orm.exc import StaleDataError

    from web import errors

    probe = Flask(__name__)
    errors.init_app(probe)

    @probe.get("/api/stale")
    def stale():
        raise StaleDataError("DELETE statement on table 'attendance' expected to delete 3 row(s); 0 were matched")

    @probe.get("/api/unique")
    def unique():
        raise IntegrityError("INSERT …", {}, Exception("UNIQUE constraint failed: meetings.cycle_id"))

    for url in ("/api/stale", "/api/unique"):
        resp = probe.test_client().get(url)
        assert resp.status_code == 409 and "Tải lại trang" in resp.get_json()["error"]
