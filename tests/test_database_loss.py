"""PostgreSQL connections killed under the app (pg_terminate_backend): 503 "thử lại", never a half-written save,
and the next request works on a fresh connection."""
from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.exc import OperationalError

from service import demo_bulk
from service.models import Document, DocumentRevision, Member
from tests.conftest import csrf_token

postgresql_only = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
                                     reason="needs PostgreSQL")
LOST = "Mất kết nối cơ sở dữ liệu, vui lòng thử lại"


@pytest.fixture(scope="module")
def document_id(app) -> int:
    with app.extensions["db"].session() as s:
        parent = demo_bulk.generate(s, parent_name="Đảng bộ Mất kết nối", chi_bo=1, members=1, year=2026, seed=7)
        unit_id = parent.children[0].id
        return s.scalar(select(Document.id).join(Member, Document.member_id == Member.id)
                        .where(Member.unit_id == unit_id).order_by(Document.id))


@pytest.fixture()
def killer(database_url):
    """Another connection, as the database administrator who terminates backends."""
    engine = create_engine(database_url)
    yield engine
    engine.dispose()


def _saved(app, doc_id: int) -> tuple[int, int, dict]:
    with app.extensions["db"].session() as s:
        doc = s.get(Document, doc_id)
        count = s.scalar(select(func.count()).select_from(DocumentRevision)
                         .where(DocumentRevision.document_id == doc_id))
        return doc.revision, count, dict(doc.data)


def _draft(client, doc_id: int, words: str):
    page = client.get(f"/documents/{doc_id}").get_data(as_text=True)
    base = re.search(r'name="base_revision"[^>]*value="(\d+)"', page) or \
        re.search(r'value="(\d+)"[^>]*name="base_revision"', page)
    data = {"csrf_token": csrf_token(page), "action": "draft", "a_i_1": words}
    if base:
        data["base_revision"] = base.group(1)
    return client.post(f"/documents/{doc_id}", data=data)


@postgresql_only
def test_a_save_whose_connection_dies_is_503_and_writes_nothing(app, client, auth, document_id, killer):
    auth.login("admin")
    before = _saved(app, document_id)
    engine = app.extensions["db"].engine
    armed = {"on": True}

    def terminate(conn, cursor, statement, params, context, executemany):
        # The document row is already updated in this transaction when its revision is inserted: kill it there.
        if armed["on"] and statement.lstrip().upper().startswith("INSERT INTO DOCUMENT_REVISIONS"):
            armed["on"] = False
            pid = conn.connection.dbapi_connection.info.backend_pid
            with killer.connect() as k:
                k.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    event.listen(engine, "before_cursor_execute", terminate)
    try:
        resp = _draft(client, document_id, "Nội dung khi mất kết nối")
    finally:
        event.remove(engine, "before_cursor_execute", terminate)
    assert not armed["on"], "the save never reached its revision insert"
    assert resp.status_code == 503 and LOST in resp.get_data(as_text=True)
    assert _saved(app, document_id) == before  # neither the document's new revision number nor its content
    # Trying again works: the pool hands out a live connection.
    resp = _draft(client, document_id, "Nội dung lưu lại sau khi có kết nối")
    assert resp.status_code == 302, resp.status_code
    revision, count, data = _saved(app, document_id)
    assert revision == before[0] + 1 and count == before[1] + 1
    assert data["a_i_1"] == "Nội dung lưu lại sau khi có kết nối"


@postgresql_only
def test_idle_connections_killed_between_requests_are_replaced(app, client, auth, killer, database_url):
    auth.login("admin")
    assert client.get("/").status_code == 200
    with killer.connect() as k:  # every other connection to this database: the app's pooled ones
        # (each call waits up to 5 s for its backend to be gone, as once a server has restarted)
        killed = k.execute(text("SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
                                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
    assert killed >= 1
    assert client.get("/").status_code == 200  # the dead sockets noticed on checkout: no 500 and no 503


@pytest.mark.parametrize("path,json", [("/api/v1/kinds", True), ("/", False), ("/login", False)])
def test_no_database_at_all_answers_503_not_500(app, client, monkeypatch, path, json):
    def refused():
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    client.get("/login")  # a session cookie, so its lookup is the first thing to fail
    monkeypatch.setattr(app.extensions["db"], "sessions", refused)
    resp = client.get(path, headers={"Accept": "application/json"} if json else {})
    assert resp.status_code == 503
    assert LOST in (resp.get_json()["error"] if json else resp.get_data(as_text=True))
