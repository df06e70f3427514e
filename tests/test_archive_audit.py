"""The audit chain under concurrent writers: every append lands, numbered without gaps, the chain unbroken."""
from __future__ import annotations

import random
import threading
import time

from sqlalchemy import func, select

from service.archive import audit
from service.archive.audit import Actor
from service.archive.models import AuditEvent


def test_concurrent_appends_from_many_sessions_keep_one_unbroken_chain(app):
    database = app.extensions["db"]
    with database.session() as s:
        before = s.scalar(select(func.count(AuditEvent.id)))
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        rng = random.Random(n)
        try:
            for k in range(8):
                with database.session() as s:
                    s.execute(select(func.count(AuditEvent.id)))  # a read first, as a request does
                    time.sleep(rng.random() / 200)
                    audit.record(s, Actor(None, f"Luồng {n}", "10.0.0.9"), "download", object_type="test",
                                 object_id=f"{n}-{k}")
                    time.sleep(rng.random() / 200)  # the action goes on while the chain is held
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with database.session() as s:
        assert s.scalar(select(func.count(AuditEvent.id))) == before + 48
        assert audit.verify_chain(s) == []
        seqs = s.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
        assert seqs == list(range(1, len(seqs) + 1))


def test_a_rolled_back_action_leaves_no_event(app):
    database = app.extensions["db"]
    with database.session() as s:
        before = s.scalar(select(func.count(AuditEvent.id)))
    try:
        with database.session() as s:
            audit.record(s, Actor(None, "Thử", ""), "download", object_type="test", object_id="rollback")
            raise RuntimeError("the action failed after its event was written")
    except RuntimeError:
        pass
    with database.session() as s:
        assert s.scalar(select(func.count(AuditEvent.id))) == before
        assert audit.verify_chain(s) == []


def test_behind_a_trusted_proxy_the_audit_records_the_clients_address(fresh_app, tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "1")
    app = fresh_app(tmp_path / "data")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "--members", "2"]).exit_code == 0  # with filled-in documents
    token = runner.invoke(args=["tokens", "create", "admin"]).output.strip().splitlines()[-1]
    client = app.test_client()
    with app.extensions["db"].session() as s:
        from service.models import Document

        doc_id = s.scalar(select(Document.id).where(Document.status == "submitted").limit(1))
    resp = client.get(f"/api/v1/documents/{doc_id}/file?format=docx",
                      headers={"Authorization": f"Bearer {token}", "X-Forwarded-For": "203.0.113.7"})
    assert resp.status_code == 200
    with app.extensions["db"].session() as s:
        event = s.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
        assert (event.action, event.document_id, event.address) == ("download", doc_id, "203.0.113.7")
