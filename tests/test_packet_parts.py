"""A đảng bộ's packet built in parts (one per chi bộ) by whichever workers are free, then assembled by streaming."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from service import demo_bulk, dossier, packet_parts
from service.archive.matching import PageSeen, match
from service.archive.uploads import _layouts
from service.jobs import JobService, store
from service.jobs.worker import execute
from service.models import Document, Job, Unit
from service.packets import read_page_codes
from tests.conftest import bearer as _auth
from tests.conftest import download as _download
from tests.conftest import wait_for_job as _wait
from tests.test_packets import page_texts


@pytest.fixture(scope="module")
def dang_bo(app):
    """A generated đảng bộ of 2 chi bộ × 2 members, every self-review and commitment submitted."""
    with app.extensions["db"].session() as s:
        parent = demo_bulk.generate(s, parent_name="Đảng bộ Ghép phần", chi_bo=2, members=2, year=2026, seed=11)
        return parent.id


def flatten(reader: PdfReader, items, depth: int = 0) -> list[tuple[int, str]]:
    out = []
    for item in items:
        if isinstance(item, list):
            out += flatten(reader, item, depth + 1)
        else:
            out.append((depth, item.title))
    return out


def test_dang_bo_packet_is_built_in_parts_and_reads_back_as_one_packet(client, token_for, dang_bo, app):
    headers = _auth(token_for("admin"))
    resp = client.post(f"/api/v1/units/{dang_bo}/packets", json={"year": 2026, "kind": "dang_bo"}, headers=headers)
    assert resp.status_code == 202, resp.get_data(as_text=True)
    job = _wait(client, headers, resp.get_json()["id"], timeout=300)
    assert job["state"] == "done", job
    with app.extensions["db"].session() as s:
        parent = s.get(Unit, dang_bo)
        chi_bo = [u.name for u in parent.children]
        plan = dossier.plan(s, parent, 2026, "dang_bo")
    assert job["done"] == job["total"] == len(plan.docs) == 8 and len(plan.sections) == 2
    pdf = _download(client, f"/api/v1/jobs/{job['id']}/result?format=pdf", headers)
    reader = PdfReader(io.BytesIO(pdf))
    outline = flatten(reader, reader.outline)
    assert outline[:2] == [(0, "Bìa hồ sơ"), (0, "Mục lục")]
    assert (0, parent.name) in outline and all((1, name) in outline for name in chi_bo)
    assert len([t for depth, t in outline if depth == 3]) == 8   # đảng bộ → chi bộ → member → document
    texts = page_texts(pdf)
    assert len(texts) == len(reader.pages)
    for number, text in enumerate(texts, 1):
        assert text.count("Trang ") == 1 and f"Trang {number}/{len(texts)}" in text
    assert parent.name.upper() in texts[0]
    codes = read_page_codes(pdf, dpi=100)
    with app.extensions["db"].session() as s:
        seen = [PageSeen(1, n, c) for n, c in enumerate(codes, 1)]
        packet = codes[0].split(":")[1]
        layouts = _layouts(s, {c.split(":")[1] for c in codes if c}, set(u.id for u in s.scalars(select(Unit))))
        result = match(seen, layouts, packet)
        assert not result.unmatched and len(result.documents) == 8 and all(d.complete for d in result.documents)
    archive = _download(client, f"/api/v1/jobs/{job['id']}/result?format=zip", headers)
    import zipfile
    names = zipfile.ZipFile(io.BytesIO(archive)).namelist()
    assert len([n for n in names if n.endswith(".docx")]) == len([n for n in names if n.endswith(".pdf")]) == 8
    assert not (app.config["SETTINGS"].data_dir / "jobs" / job["id"] / "parts").exists()


def test_after_one_edit_only_that_chi_bos_part_is_merged_again(client, token_for, dang_bo, app):
    headers = _auth(token_for("admin"))
    sections = app.config["SETTINGS"].data_dir / "pdf-cache" / "sections"

    def build() -> dict:
        resp = client.post(f"/api/v1/units/{dang_bo}/packets", json={"year": 2026, "kind": "dang_bo"},
                           headers=headers)
        return _wait(client, headers, resp.get_json()["id"], timeout=300)

    assert build()["state"] == "done"
    before = {p.name for p in sections.iterdir()}
    assert build()["state"] == "done" and {p.name for p in sections.iterdir()} == before   # unchanged: reused
    with app.extensions["db"].session() as s:
        first = s.get(Unit, dang_bo).children[0]
        doc = s.scalars(select(Document).where(Document.kind_code == "member-review-366")
                        .join(Document.member).where(Document.member.has(unit_id=first.id))).first()
        doc.data = {**doc.data, "a_vi": doc.data["a_vi"] + " Bổ sung."}
    job = build()
    assert job["state"] == "done"
    assert len({p.name for p in sections.iterdir()} - before) == 1   # one section merged again, the other reused
    # the final assembly serialized no section itself: the part that was built again did it, the other was kept
    steps = json.loads((app.config["SETTINGS"].data_dir / "jobs" / job["id"] / "timings.json").read_text())
    assert steps["sections_stamped"] == 0
    assert all((p / "stamped" / "stamped-2" / "meta.json").exists() for p in sections.iterdir() if p.is_dir())


def test_a_failed_part_names_its_chi_bo_and_document(client, token_for, dang_bo, app):
    headers = _auth(token_for("admin"))
    with app.extensions["db"].session() as s:
        second = s.get(Unit, dang_bo).children[-1]
        doc = s.scalars(select(Document).where(Document.kind_code == "member-review-366")
                        .join(Document.member).where(Document.member.has(unit_id=second.id))).first()
        good = dict(doc.data)
        doc.data = {**good, "score_general": 99}
        name, unit_name = doc.member.full_name, second.name
    try:
        resp = client.post(f"/api/v1/units/{dang_bo}/packets", json={"year": 2026, "kind": "dang_bo"},
                           headers=headers)
        job = _wait(client, headers, resp.get_json()["id"], timeout=300)
        assert job["state"] == "failed" and unit_name in job["error"] and name in job["error"], job
        assert job["formats"] == []
    finally:
        with app.extensions["db"].session() as s:
            s.get(Document, doc.id).data = good


def test_a_helper_stops_when_the_packet_is_cancelled(app, dang_bo):
    """Cancel reaches every part: a helper reads the packet job's row before each document and stops."""
    db, data_dir = app.extensions["db"], app.config["SETTINGS"].data_dir
    with db.session() as s:
        plan = dossier.plan(s, s.get(Unit, dang_bo), 2026, "dang_bo")
        parent = Job(id=f"cancelled{os.getpid()}", kind="packet", params={}, state="running", done=0, total=8,
                     step="", cancel_requested=True)
        helper = Job(id=f"helper{os.getpid()}", kind="packet-part", params={"parent_id": parent.id},
                     state="queued", done=0, total=0, step="", cancel_requested=False)
        s.add_all([parent, helper])
    folder = packet_parts.parts_dir(store.job_dir(data_dir, parent.id))
    folder.mkdir(parents=True)
    packet_parts.write_plan(folder, plan, False)
    state, _error = execute(helper.id, db, data_dir)
    assert state == "cancelled"
    assert not any((folder / str(i) / "manifest.json").exists() for i in range(len(plan.sections)))


def test_parts_are_shared_by_two_rq_workers(app, dang_bo, tmp_path):
    """Two worker processes: the packet job and a helper take the parts between them, the packet comes out whole,
    and the progress the user sees (the sum of every part's count) never goes back."""
    settings = app.config["SETTINGS"]
    queue = f"test-parts-{os.getpid()}"
    url = "redis://127.0.0.1:6379/0"
    service = JobService(app.extensions["db"], settings.data_dir, url, queue_name=queue)
    env = {**os.environ, "REDIS_URL": url, "DATABASE_URL": app.config["DATABASE_URL"],
           "DATA_DIR": str(settings.data_dir), "JOBS_QUEUE": queue, "CONVERTER_SIZE": "1",
           "VENV": str(Path(sys.executable).parent.parent)}
    root = Path(__file__).resolve().parent.parent
    try:
        with app.extensions["db"].session() as s:
            params = dossier.packet_params(s, s.get(Unit, dang_bo), {"year": 2026, "kind": "dang_bo"})
        job = service.enqueue("packet", params)
        logs = [tmp_path / f"worker{n}.log" for n in range(2)]
        workers = []
        for log in logs:
            with open(log, "wb") as fh:
                workers.append(subprocess.Popen(["bash", "scripts/worker.sh", "--burst"], cwd=root, env=env,
                                                stdout=subprocess.DEVNULL, stderr=fh))
        try:
            deadline = time.monotonic() + 600
            seen = []
            while (row := service.get(job.id)).state in ("queued", "running") and time.monotonic() < deadline:
                seen.append(row.done)
                time.sleep(0.2)
            done = service.get(job.id)
            assert all(b >= a for a, b in zip(seen, seen[1:])), seen
            assert done.state == "done", (done.state, done.error)
            assert done.done == done.total == 8
            assert len(PdfReader(io.BytesIO(service.result_file(done, "pdf").read_bytes())).pages) > 10
            with app.extensions["db"].session() as s:
                helpers = s.scalars(select(Job).where(Job.kind == "packet-part")
                                    .where(Job.dedupe_key.like(f"packet-part:{job.id}:%"))).all()
            assert helpers, "the packet job queued a helper for the second part"
        finally:
            for worker in workers:
                try:
                    worker.wait(timeout=120)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()
        assert all(w.returncode == 0 for w in workers), [log.read_text()[-1500:] for log in logs]
        built = [json.loads(service.result_file(service.get(h.id), "log").read_text())
                 for h in helpers if service.get(h.id).state == "done"]
        assert all(isinstance(n, int) for n in built)
    finally:
        service.shutdown()
