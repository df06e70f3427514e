"""`flask archive verify` finds a changed stored file and a removed audit event, and says which."""
from __future__ import annotations

import io
import os
import stat

from PIL import Image
from sqlalchemy import delete, select

from service.archive.models import AuditEvent, UploadFile
from service.archive.storage import LocalBlobStore
from service.models import Unit
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
    for shade in (200, 230, 250):  # three uploads: upload, view and download events around them
        body = client.post("/api/v1/archive/uploads", headers=headers,
                           **multipart([(f"trang-{shade}.jpg", _jpeg(shade))], unit_id=str(unit_id))).get_json()
        client.get(f"/api/v1/archive/uploads/{body['upload_id']}", headers=headers)

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
            audit.record(s, Actor(None, "Thử", "10.0.0.1"), "view", object_type="document", object_id=n)
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
