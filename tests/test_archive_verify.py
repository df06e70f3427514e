"""`flask archive verify` finds a changed stored file and a removed audit event, and says which."""
from __future__ import annotations

import io
import os
import stat

from PIL import Image
from sqlalchemy import delete, func, select

from service.archive.models import AuditEvent, UploadFile
from service.archive.storage import LocalBlobStore
from service.models import Unit
from tests.conftest import wait_for_upload
from tests.test_archive import multipart


def _jpeg(shade: int) -> bytes:
    out = io.BytesIO()
    Image.new("L", (400, 560), shade).save(out, "JPEG")
    return out.getvalue()


def test_verify_reports_a_flipped_byte_and_a_deleted_event_and_exits_non_zero(fresh_app, tmp_path):
    app = fresh_app(tmp_path / "data")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    token = runner.invoke(args=["tokens", "create", "admin"]).output.strip().splitlines()[-1]
    client, headers = app.test_client(), {"Authorization": f"Bearer {token}"}
    with app.extensions["db"].session() as s:
        unit_id = s.scalar(select(Unit.id).where(Unit.kind == "chi_bo"))
    for shade in (200, 230, 250):  # three uploads, each read and downloaded: nine events (views are apart)
        body = client.post("/api/v1/archive/uploads", headers=headers,
                           **multipart([(f"trang-{shade}.jpg", _jpeg(shade))], unit_id=str(unit_id))).get_json()
        assert wait_for_upload(client, headers, body)["status"] == "done"
        client.get(f"/api/v1/archive/uploads/{body['upload_id']}", headers=headers)
        client.get(f"/api/v1/archive/uploads/{body['upload_id']}/file/1", headers=headers).close()

    clean = runner.invoke(args=["archive", "verify"])
    assert clean.exit_code == 0, clean.output
    assert "Không phát hiện sai lệch" in clean.output and "6 tệp" in clean.output  # each JPEG and its PDF view

    store = LocalBlobStore(app.config["SETTINGS"].data_dir / "archive")
    with app.extensions["db"].session() as s:
        victim = s.scalar(select(UploadFile).where(UploadFile.original_name == "trang-230.jpg"))
        sha = victim.sha256
        middle = s.scalar(select(AuditEvent).where(AuditEvent.seq == 3))
        s.execute(delete(AuditEvent).where(AuditEvent.id == middle.id))
    path = store.path(sha)
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))

    broken = runner.invoke(args=["archive", "verify"])
    assert broken.exit_code == 1, broken.output
    assert "trang-230.jpg" in broken.output and "đã bị thay đổi" in broken.output
    assert "thiếu sự kiện số 3" in broken.output
    assert "Phát hiện 2 sai lệch" in broken.output


def test_an_edited_event_or_a_removed_last_event_is_detected(fresh_app, tmp_path):
    from service.archive import audit
    from service.archive.audit import Actor

    app = fresh_app(tmp_path / "data")
    app.extensions["db"].upgrade()
    with app.extensions["db"].session() as s:
        for n in range(4):
            audit.record(s, Actor(None, "Thử", "10.0.0.1"), "download", object_type="document", object_id=n)
    with app.extensions["db"].session() as s:
        assert audit.verify_chain(s) == []
        s.scalar(select(AuditEvent).where(AuditEvent.seq == 2)).actor = "Người khác"
    with app.extensions["db"].session() as s:
        assert any("Sự kiện số 2" in p and "bị sửa" in p for p in audit.verify_chain(s))
        s.scalar(select(AuditEvent).where(AuditEvent.seq == 2)).actor = "Thử"
        s.execute(delete(AuditEvent).where(AuditEvent.seq == 4))
    with app.extensions["db"].session() as s:
        problems = audit.verify_chain(s)
        assert len(problems) == 1 and "sự kiện cuối đã bị xóa" in problems[0]


def _sealed_log(fresh_app, tmp_path, events: int = 7):
    """An app whose seal checkpoints every 3 events, with `events` downloads recorded."""
    from dataclasses import replace

    from service.archive import audit
    from service.archive.audit import Actor

    app = fresh_app(tmp_path / "data")
    database = app.extensions["db"]
    database.upgrade()
    seal = replace(database.sessions.kw["info"]["audit_seal"], every=3)
    database.use_seal(seal)
    for n in range(events):
        with database.session() as s:
            audit.record(s, Actor(7, "Bí thư Thật", "10.0.0.1"), "accept" if n == 1 else "download",
                         object_type="upload", object_id=n)
    return app, database, seal


def _rechain(session) -> None:
    """What a database writer without the key does: recompute every hash in order, and the head."""
    from service.archive import audit
    from service.archive.models import AuditHead

    prev = audit.GENESIS
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.seq)):
        event.prev_hash = prev
        event.hash = prev = audit.event_hash(prev, event)
        last = event
    head = session.get(AuditHead, 1)
    head.seq, head.hash = last.seq, last.hash
    session.flush()


def test_the_key_lives_in_the_data_folder_not_the_database_and_every_event_carries_its_mac(fresh_app, tmp_path):
    app, database, seal = _sealed_log(fresh_app, tmp_path)
    key_file = app.config["SETTINGS"].data_dir / "audit_key"
    assert key_file.read_bytes().strip() == seal.key and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    with database.session() as s:
        macs = s.scalars(select(AuditEvent.mac).order_by(AuditEvent.seq)).all()
        assert len(macs) == 7 and all(len(m) == 64 for m in macs)
        assert seal.key.decode() not in str([tuple(r) for r in s.execute(select(AuditEvent)).all()])
    assert [c.seq for c in seal.checkpoints()] == [3, 6]  # written after the event was committed
    assert all(c.authentic for c in seal.checkpoints())
    checkpoint = next((app.config["SETTINGS"].data_dir / "archive" / "checkpoints").iterdir())
    assert not os.access(checkpoint, os.W_OK) or os.geteuid() == 0
    assert stat.S_IMODE(checkpoint.stat().st_mode) == 0o444


def test_a_rechained_log_with_a_forged_acceptor_is_reported(fresh_app, tmp_path):
    from service.archive import audit

    app, database, seal = _sealed_log(fresh_app, tmp_path)
    with database.session() as s:
        accepted = s.scalar(select(AuditEvent).where(AuditEvent.action == "accept"))
        accepted.actor, accepted.actor_id = "Người Giả Mạo", 99
        _rechain(s)
    with database.session() as s:
        assert audit.verify_chain(s) == []  # hashes alone no longer see it: the attack of the issue
        problems = audit.verify_chain(s, seal)
    text = " ".join(problems)
    assert "Các sự kiện số 2–7: mã xác thực (HMAC) không khớp" in text and "ghi lại" in text
    assert "Sự kiện số 3 không còn như điểm kiểm tra" in text
    result = app.test_cli_runner().invoke(args=["archive", "verify"])
    assert result.exit_code == 1 and "mã xác thực (HMAC) không khớp" in result.output


def test_a_truncated_tail_with_the_head_moved_back_is_reported(fresh_app, tmp_path):
    from service.archive import audit
    from service.archive.models import AuditHead

    app, database, seal = _sealed_log(fresh_app, tmp_path)
    runner = app.test_cli_runner()
    clean = runner.invoke(args=["archive", "verify"])
    assert clean.exit_code == 0 and "Đã ghi điểm kiểm tra" in clean.output
    assert seal.checkpoints()[-1].seq == 7
    with database.session() as s:
        s.execute(delete(AuditEvent).where(AuditEvent.seq >= 6))
        last = s.scalar(select(AuditEvent).where(AuditEvent.seq == 5))
        head = s.get(AuditHead, 1)
        head.seq, head.hash = last.seq, last.hash  # the head moved back: hashes agree again
    with database.session() as s:
        assert audit.verify_chain(s) == []
        problems = " ".join(audit.verify_chain(s, seal))
    assert "Nhật ký bị cắt đuôi" in problems and "đã có 7 sự kiện, nay chỉ còn 5" in problems
    assert "đầu chuỗi đã bị dời" in problems
    broken = runner.invoke(args=["archive", "verify"])
    assert broken.exit_code == 1 and "cắt đuôi" in broken.output


def test_a_moved_head_is_reported_even_between_checkpoints(fresh_app, tmp_path):
    from service.archive import audit
    from service.archive.models import AuditHead

    app, database, seal = _sealed_log(fresh_app, tmp_path, events=8)  # checkpoints at 3 and 6; head at 8
    with database.session() as s:
        s.execute(delete(AuditEvent).where(AuditEvent.seq == 8))
        last = s.scalar(select(AuditEvent).where(AuditEvent.seq == 7))
        head = s.get(AuditHead, 1)
        head.seq, head.hash, head.mac = last.seq, last.hash, last.mac  # even the event's own MAC will not do
    with database.session() as s:
        problems = audit.verify_chain(s, seal)
    assert len(problems) == 1 and "đầu chuỗi đã bị dời" in problems[0]


def test_page_views_go_to_their_own_log_outside_the_chain(fresh_app, tmp_path):
    from service.archive import audit
    from service.archive.audit import Actor
    from service.archive.models import AuditHead, AuditView

    app, database, seal = _sealed_log(fresh_app, tmp_path, events=2)
    with database.session() as s:
        head_before = (s.get(AuditHead, 1).seq, s.get(AuditHead, 1).hash)
        for n in range(5):
            audit.record(s, Actor(7, "Người xem", "10.0.0.2"), "view", object_type="document", object_id=n,
                         document_id=n)
    with database.session() as s:
        audit.view_log.flush(s)   # a web app's views wait for their batch (view_log.py)
        assert (s.get(AuditHead, 1).seq, s.get(AuditHead, 1).hash) == head_before
        assert s.scalar(select(func.count(AuditEvent.id))) == 2
        assert s.scalar(select(func.count(AuditView.id))) == 5
        assert [e.action for e in audit.history(s, document_ids=[3])] == ["view"]
        assert audit.verify_chain(s, seal) == []


def test_page_views_are_written_after_their_request_commits_in_batches(fresh_app, tmp_path):
    """A view adds no write to the request: it waits for its transaction to commit (a rollback drops it), then
    the process's writer puts it in the log within a second; reading the history shows one's own view at once."""
    import time

    from service.archive import audit, view_log
    from service.archive.audit import Actor
    from service.archive.models import AuditView

    _app, database, _seal = _sealed_log(fresh_app, tmp_path, events=1)
    viewer = Actor(8, "Người xem", "10.0.0.3")

    def count() -> int:
        with database.engine.connect() as conn:
            return conn.scalar(select(func.count(AuditView.id)).where(AuditView.actor_id == 8))

    with database.sessions() as s:
        audit.record(s, viewer, "view", object_type="document", object_id=41, document_id=41)
        assert not s.new   # nothing for this request's flush to write
        s.rollback()       # the page failed: no view
    with database.sessions() as s:
        s.info["view_log"].flush()
        assert count() == 0
        audit.record(s, viewer, "view", object_type="document", object_id=42, document_id=42)
        s.commit()
    deadline = time.monotonic() + 60   # the writer thread's batch (every second; generous on a busy machine)
    while count() == 0:
        assert time.monotonic() < deadline, "the view was never written"
        time.sleep(0.05)
    with database.sessions() as s:
        audit.record(s, viewer, "view", object_type="document", object_id=43, document_id=43)
        s.commit()
        assert [e.document_id for e in audit.history(s, document_ids=[43])] == [43]   # flushed by the read
    assert count() == 2
    assert view_log.hold(database.sessions(), {}) is True
