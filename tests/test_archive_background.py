"""Uploads read in the background (issue 13): the request stores and answers 202 at once; the pages are read by a
job in a memory-limited child with a time budget; the page and the API follow its progress to the report, or to
the reason it was refused — also when the process reading it died or someone stopped it."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select, update

from service.archive import uploads
from service.archive.models import AuditEvent, Upload
from service.archive.reader import ReaderBudget
from service.models import Job, Unit, User
from tests.conftest import bearer, csrf_token, wait_for_upload
from tests.test_archive import multipart

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def unit_id(app) -> int:
    """The demo chi bộ of secretary bithu.toan."""
    with app.extensions["db"].session() as s:
        return s.scalar(select(User.unit_id).where(User.username == "bithu.toan"))


def _scan(shade: int = 235) -> bytes:
    out = io.BytesIO()
    Image.new("L", (600, 840), shade).save(out, "JPEG")
    return out.getvalue()


def _post(client, headers, files, **form):
    return client.post("/api/v1/archive/uploads", headers=headers, **multipart(files, **form))


class Held:
    """Holds the reading of the pages after the first `shown` pages until released (or cancelled)."""

    def __init__(self, monkeypatch, shown: int = 1) -> None:
        self.release, self.started = threading.Event(), threading.Event()
        real = uploads.read_codes

        def held(files, limits, budget=ReaderBudget(), *, progress=None, check=None):
            total = sum(f.pages for f in files)
            if progress is not None:
                progress(shown, total)
            self.started.set()
            while not self.release.wait(0.05):
                if check is not None:
                    check()  # a cancel ends it here, as it ends the real child
                if progress is not None:
                    progress(shown, total)
            return real(files, limits, budget, progress=progress, check=check)

        monkeypatch.setattr(uploads, "read_codes", held)


def test_the_request_answers_202_at_once_and_the_status_follows_the_pages_to_the_report(
        app, client, auth, token_for, unit_id, monkeypatch):
    held = Held(monkeypatch, shown=2)
    headers = bearer(token_for("admin"))
    resp = _post(client, headers, [("a.jpg", _scan()), ("b.jpg", _scan(220)), ("c.jpg", _scan(210))],
                 unit_id=str(unit_id))
    assert resp.status_code == 202, resp.get_data(as_text=True)
    accepted = resp.get_json()
    assert accepted["status"] == "processing"
    assert accepted["status_url"] == f"/api/v1/archive/uploads/{accepted['upload_id']}/status"
    try:
        assert held.started.wait(60)
        status = client.get(accepted["status_url"], headers=headers).get_json()
        deadline_polls = 0
        while status["progress"]["done"] < 2 and deadline_polls < 600:  # the job's progress is written throttled
            held.started.wait(0.05)
            deadline_polls += 1
            status = client.get(accepted["status_url"], headers=headers).get_json()
        assert status["status"] == "processing" and status["report"] is None
        assert status["progress"] == {"done": 2, "total": 3}
        # the page shows the progress, polls by script, and reloads itself without script
        auth.login("admin")
        page = client.get(f"/archive/uploads/{accepted['upload_id']}").get_data(as_text=True)
        assert "Đang đọc trang" in page and 'id="pages-done">2<' in page and 'id="pages-total">3<' in page
        assert 'upload_status.js' in page and '<noscript><meta http-equiv="refresh"' in page
        assert 'id="reload"' in page and 'id="upload-cancel"' in page
        # nothing can be accepted before the pages are read
        resp = client.post(f"/api/v1/archive/uploads/{accepted['upload_id']}/accept", headers=headers)
        assert resp.status_code == 422 and "đang được đọc" in resp.get_json()["error"]
    finally:
        held.release.set()
    status = wait_for_upload(client, headers, accepted)
    assert status["status"] == "done" and status["progress"] == {"done": 3, "total": 3}
    report = status["report"]
    assert report["upload_id"] == accepted["upload_id"] and report["unit_id"] == unit_id
    assert [f["name"] for f in report["files"]] == ["a.jpg", "b.jpg", "c.jpg"]
    assert len(report["unmatched_pages"]) == 3 and report["state"] == "received"
    page = client.get(f"/archive/uploads/{accepted['upload_id']}").get_data(as_text=True)
    assert "Đối chiếu theo văn bản" in page and "Chờ xác nhận" in page and "Đang đọc trang" not in page
    with app.extensions["db"].session() as s:
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "upload",
                                                            AuditEvent.object_id == str(accepted["upload_id"]))
                            .order_by(AuditEvent.seq)).all()
    assert actions == ["upload", "read"]


@pytest.mark.parametrize("limit", ["time", "memory"])
def test_an_upload_the_reader_cannot_finish_is_refused_with_its_reason_and_stays_listed(
        app, client, auth, token_for, unit_id, monkeypatch, limit):
    from tests.hostile_pdfs import blank_pdf

    budget = ReaderBudget(seconds_per_page=0.0, min_seconds=0.3, max_seconds=0.3) if limit == "time" \
        else ReaderBudget(memory_mb=160)
    real = uploads.job_archive
    monkeypatch.setattr(uploads, "job_archive", lambda data_dir: uploads.Archive(
        real(data_dir).store, real(data_dir).settings, real(data_dir).limits, budget))
    if limit == "time":
        files = [("300-trang.pdf", blank_pdf(300))]
    else:
        big = io.BytesIO()
        Image.new("RGB", (6000, 8000), (250, 250, 250)).save(big, "PNG")  # ~150 MB as RGB, more while read
        files = [("a3.png", big.getvalue())]
    headers = bearer(token_for("admin"))
    resp = _post(client, headers, files, unit_id=str(unit_id))
    assert resp.status_code == 202, resp.get_data(as_text=True)
    status = wait_for_upload(client, headers, resp)
    assert status["status"] == "refused" and status["report"] is None
    assert ("quá thời gian cho phép" if limit == "time" else "quá nhiều bộ nhớ") in status["error"]
    assert "tải lên lại" in status["error"]
    upload_id = resp.get_json()["upload_id"]
    auth.login("admin")
    page = client.get(f"/archive/uploads/{upload_id}").get_data(as_text=True)
    refused = page.split('id="upload-refused"', 1)[1].split("</div>", 1)[0]
    assert "Không nhận lần tải lên này" in refused and status["error"].split(";")[0][:40] in refused
    assert 'id="upload-again"' in page and "upload_status.js" not in page
    listing = client.get(f"/units/{unit_id}/archive/2026").get_data(as_text=True)
    row = listing.split(f"Số {upload_id}</a>", 1)[1].split("</li>", 1)[0]
    assert "Không nhận" in row and ("quá thời gian" if limit == "time" else "bộ nhớ") in row
    resp = client.post(f"/api/v1/archive/uploads/{upload_id}/accept", headers=headers)
    assert resp.status_code == 422 and "tải lên lại" in resp.get_json()["error"]


def test_an_upload_whose_reader_process_died_is_refused_with_upload_again_not_processing_forever(
        app, client, auth, token_for, unit_id, monkeypatch):
    """The job is left as a killed worker leaves it: queued or running, owned by a process that no longer beats."""
    from web.jobs import jobs

    with app.app_context():
        service = jobs()
    monkeypatch.setattr(service.backend, "submit", lambda job_id, module: None)  # queued; the "worker" never runs it
    headers = bearer(token_for("admin"))
    ids = []
    for shade in (200, 240):
        resp = _post(client, headers, [("trang.jpg", _scan(shade))], unit_id=str(unit_id))
        assert resp.status_code == 202
        ids.append(resp.get_json()["upload_id"])
    with app.extensions["db"].session() as s:
        job_ids = [s.get(Upload, i).job_id for i in ids]
        s.execute(update(Job).where(Job.id.in_(job_ids)).values(state="running", owner="may-da-tat:4242:deadbeef"))
    # looked at by its status: the job of a dead owner fails there and then, and the upload says so
    status = client.get(f"/api/v1/archive/uploads/{ids[0]}/status", headers=headers).get_json()
    assert status["status"] == "refused" and "gián đoạn" in status["error"] and "tải lên lại" in status["error"]
    # the other, found by the running service's sweep for orphans, then seen in the unit's list
    assert service.backend.sweep() >= 1
    auth.login("admin")
    listing = client.get(f"/units/{unit_id}/archive/2026").get_data(as_text=True)
    row = listing.split(f"Số {ids[1]}</a>", 1)[1].split("</li>", 1)[0]
    assert "Không nhận" in row and "tải lên lại" in row.lower()
    with app.extensions["db"].session() as s:
        assert [s.get(Upload, i).state for i in ids] == ["refused", "refused"]


def test_stopping_the_reading_refuses_the_upload(app, client, auth, token_for, unit_id, monkeypatch):
    held = Held(monkeypatch)
    auth.login("admin")
    html = client.get(f"/units/{unit_id}/archive/2026").get_data(as_text=True)
    resp = client.post(f"/units/{unit_id}/archive/2026/uploads",
                       **multipart([("trang.jpg", _scan())], csrf_token=csrf_token(html)))
    assert resp.status_code == 302
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    upload_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    try:
        assert held.started.wait(60)
        resp = client.post(f"/archive/uploads/{upload_id}/cancel", data={"csrf_token": csrf_token(page)})
        assert resp.status_code == 302
        status = wait_for_upload(client, {}, {"upload_id": upload_id, "status": "processing",
                                              "status_url": f"/archive/uploads/{upload_id}/status"})
    finally:
        held.release.set()
    assert status["status"] == "refused" and "Đã dừng" in status["error"]
    assert "Đã dừng" in client.get(f"/archive/uploads/{upload_id}").get_data(as_text=True)


def test_a_members_or_foreign_token_queues_nothing(app, client, token_for, unit_id):
    with app.extensions["db"].session() as s:
        before = (s.query(Upload).count(), s.query(Job).count())
        other = s.scalar(select(Unit.id).where(Unit.kind == "chi_bo", Unit.id != unit_id))
    assert _post(client, bearer(token_for("tuyet")), [("a.jpg", _scan())]).status_code == 404
    assert _post(client, bearer(token_for("bithu.toan")), [("a.jpg", _scan())],
                 unit_id=str(other)).status_code == 404
    resp = _post(client, bearer(token_for("admin")), [("rong.pdf", b"")], unit_id=str(unit_id))
    assert resp.status_code == 422 and "trống" in resp.get_json()["error"]  # checked at once, nothing stored
    with app.extensions["db"].session() as s:
        assert (s.query(Upload).count(), s.query(Job).count()) == before


@pytest.mark.timeout(600)
def test_an_upload_is_read_by_a_real_rq_worker(app, client, token_for, unit_id, monkeypatch):
    """With REDIS_URL the pages are read by an `rq worker` process (its own reader child), not the web process."""
    from service.jobs import JobService

    settings = app.config["SETTINGS"]
    queue = f"test-uploads-{os.getpid()}"
    service = JobService(app.extensions["db"], settings.data_dir, "redis://127.0.0.1:6379/0", queue_name=queue)
    monkeypatch.setitem(app.extensions, "jobs", service)
    try:
        headers = bearer(token_for("admin"))
        resp = _post(client, headers, [("trang.jpg", _scan(190))], unit_id=str(unit_id))
        assert resp.status_code == 202
        assert client.get(resp.get_json()["status_url"], headers=headers).get_json()["status"] == "processing"
        env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/0", "DATABASE_URL": app.config["DATABASE_URL"],
               "DATA_DIR": str(settings.data_dir), "JOBS_QUEUE": queue, "VENV": str(Path(sys.executable).parent.parent)}
        worker = subprocess.run(["bash", "scripts/worker.sh", "--burst"], cwd=ROOT, env=env, capture_output=True,
                                text=True, timeout=300)
        assert worker.returncode == 0, worker.stderr[-2000:]
        status = wait_for_upload(client, headers, resp)
        assert status["status"] == "done", (status, worker.stderr[-2000:])
        assert status["report"]["files"][0]["name"] == "trang.jpg"
    finally:
        service.shutdown()


def test_with_the_queue_down_the_upload_says_so_instead_of_waiting(app, client, token_for, unit_id, monkeypatch):
    from service.jobs import QueueUnavailable
    from web.jobs import jobs

    with app.app_context():
        service = jobs()

    def down(*args, **kwargs):
        raise QueueUnavailable("Không kết nối được hàng đợi công việc (Redis thử); vui lòng thử lại sau.")

    monkeypatch.setattr(service, "enqueue", down)
    headers = bearer(token_for("admin"))
    resp = _post(client, headers, [("trang.jpg", _scan(170))], unit_id=str(unit_id))
    assert resp.status_code == 503 and "hàng đợi" in resp.get_json()["error"]
    with app.extensions["db"].session() as s:
        upload = s.scalars(select(Upload).order_by(Upload.id.desc())).first()
        assert upload.state == "refused" and "hàng đợi" in upload.reason and "tải lên lại" in upload.reason
