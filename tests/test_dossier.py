"""Packets as background jobs: the whole chain from saved documents to a PDF with cover, contents, bookmarks, QR."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from service import demo_bulk, dossier
from service.archive.matching import PageSeen, match
from service.archive.models import Packet
from service.models import Document, Unit
from service.packets import parse_payload, read_page_codes
from service.pdfcache import PdfCache, content_key
from service.text import name_sort_key
from tests.conftest import bearer as _auth
from tests.conftest import download as _download
from tests.conftest import wait_for_job as _wait
from tests.test_packets import page_texts


@pytest.fixture(scope="module")
def small_chi_bo(app):
    """A generated chi bộ of 3 members with every self-review and commitment filled in and submitted."""
    with app.extensions["db"].session() as s:
        parent = demo_bulk.generate(s, parent_name="Đảng bộ Hồ sơ thử", chi_bo=1, members=3, year=2026, seed=7)
        return parent.children[0].id


def test_chi_bo_packet_has_cover_contents_bookmarks_and_codes(client, token_for, small_chi_bo, app):
    headers = _auth(token_for("admin"))
    resp = client.post(f"/api/v1/units/{small_chi_bo}/packets", json={"year": 2026, "kind": "chi_bo"},
                       headers=headers)
    assert resp.status_code == 202, resp.get_data(as_text=True)
    job = _wait(client, headers, resp.get_json()["id"])
    assert job["state"] == "done", job
    assert job["done"] == job["total"] == 6
    pdf = _download(client, f"/api/v1/jobs/{job['id']}/result?format=pdf", headers)
    reader = PdfReader(io.BytesIO(pdf))
    archive = zipfile.ZipFile(io.BytesIO(_download(client, f"/api/v1/jobs/{job['id']}/result?format=zip", headers)))
    parts = [PdfReader(io.BytesIO(archive.read(n))) for n in sorted(archive.namelist()) if n.endswith(".pdf")]
    assert len([n for n in archive.namelist() if n.endswith(".docx")]) == 6
    cover_and_contents = len(reader.pages) - sum(len(p.pages) for p in parts)
    assert cover_and_contents >= 2
    # bookmarks: unit → member → document, members in Vietnamese order
    outline = reader.outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert titles[:2] == ["Bìa hồ sơ", "Mục lục"]
    unit_children = next(item for item in outline if isinstance(item, list))
    member_titles = [item.title for item in unit_children if not isinstance(item, list)]
    with app.extensions["db"].session() as s:
        names = [m.full_name for m in s.get(Unit, small_chi_bo).members]
    assert member_titles == sorted(names, key=name_sort_key)
    # cover and contents carry this packet's code and their packet page; every document page carries its document
    # revision's own code and its page within the document (the same in every packet: parts are reused)
    codes = [parse_payload(c) for c in read_page_codes(pdf, dpi=100)]
    assert all(codes)
    front = cover_and_contents
    packet = codes[0][0]
    assert [c[0] for c in codes[:front]] == [packet] * front and [c[2] for c in codes[:front]] == list(
        range(1, front + 1))
    with app.extensions["db"].session() as s:
        entries = s.get(Packet, packet).entries
        docs = {e.doc_code: e for e in entries if e.document_id}
        for code, doc_code, page in codes[front:]:
            entry = docs[doc_code]
            assert code == dossier.single_print_code(entry.document_id, entry.revision)
            assert 1 <= page <= entry.page_count
        # the archive reads the packet's scan back as this packet: every document complete, nothing unmatched
        from service.archive.uploads import _layouts
        seen = [PageSeen(1, n, c) for n, c in enumerate(read_page_codes(pdf, dpi=100), 1)]
        layouts = _layouts(s, {c[0] for c in codes}, {small_chi_bo, s.get(Unit, small_chi_bo).parent_id})
        for expected in (packet, None):
            result = match(seen, layouts, expected)
            assert not result.unmatched and result.packets == [packet]
            assert len(result.documents) == 6 and all(d.complete for d in result.documents)
    # one page number per page: the packet's "Trang x/y", none of Word's own
    texts = page_texts(pdf)
    for number, text in enumerate(texts, 1):
        assert text.count("Trang ") == 1 and f"Trang {number}/{len(texts)}" in text
        if number > front:   # a document page: no line holding only a number (Word's page field, at the top)
            assert not [line for line in text.splitlines() if line.strip().isdigit()], (number, text)


def test_dashboard_lists_the_units_recent_packets(client, auth, token_for, small_chi_bo):
    headers = _auth(token_for("admin"))
    job_id = client.post(f"/api/v1/units/{small_chi_bo}/packets", json={"year": 2026, "kind": "chi_bo"},
                         headers=headers).get_json()["id"]
    _wait(client, headers, job_id)
    auth.login("admin")
    page = client.get(f"/units/{small_chi_bo}/review/2026").get_data(as_text=True)
    assert f"/jobs/{job_id}" in page and "Hoàn tất" in page


def test_recent_packets_name_the_member_a_packet_is_of(client, auth, token_for, small_chi_bo, app):
    headers = _auth(token_for("admin"))
    with app.extensions["db"].session() as s:
        unit = s.get(Unit, small_chi_bo)
        member = min(unit.members, key=lambda m: m.id)
        member_id, name = member.id, member.full_name
    job_id = client.post(f"/api/v1/units/{small_chi_bo}/packets",
                         json={"year": 2026, "kind": "member", "member_id": member_id}, headers=headers).get_json()["id"]
    _wait(client, headers, job_id)
    auth.login("admin")
    page = client.get(f"/units/{small_chi_bo}/review/2026").get_data(as_text=True)
    recent = page[page.index('id="recent-packets"'):]
    recent = recent[:recent.index("</ul>")]
    item = next(li for li in recent.split("<li>") if f"/jobs/{job_id}" in li)
    assert f"Hồ sơ của đảng viên {name} (các văn bản cá nhân năm 2026): Hoàn tất" in " ".join(item.split()), item
    assert "đảng viên: Hoàn tất" not in recent


def test_failing_document_fails_the_job_with_its_name_and_no_packet(client, token_for, small_chi_bo, app):
    headers = _auth(token_for("admin"))
    with app.extensions["db"].session() as s:
        doc = s.scalars(select(Document).where(Document.kind_code == "member-review-366")
                        .join(Document.member).where(Document.member.has(unit_id=small_chi_bo))).first()
        good = dict(doc.data)
        doc.data = {**good, "score_general": 99}
        name = doc.member.full_name
    try:
        resp = client.post(f"/api/v1/units/{small_chi_bo}/packets", json={"year": 2026, "kind": "chi_bo"},
                           headers=headers)
        job = _wait(client, headers, resp.get_json()["id"])
        assert job["state"] == "failed" and name in job["error"] and job["formats"] == []
        assert client.get(f"/api/v1/jobs/{job['id']}/result?format=pdf", headers=headers).status_code == 409
    finally:
        with app.extensions["db"].session() as s:
            s.get(Document, doc.id).data = good


def test_bad_requests_are_refused_before_queueing(client, token_for, small_chi_bo):
    headers = _auth(token_for("admin"))
    url = f"/api/v1/units/{small_chi_bo}/packets"
    resp = client.post(url, json={"year": 2026, "kind": "ca_nhan", "them": 1}, headers=headers)
    assert resp.status_code == 422 and set(resp.get_json()["fields"]) == {"kind", "them"}
    resp = client.post(url, json={"year": 2025, "kind": "chi_bo"}, headers=headers)
    assert resp.status_code == 422 and "Chưa có văn bản nào đã hoàn thành" in resp.get_json()["error"]
    other = client.post(url, json={"year": 2026, "kind": "chi_bo"}, headers=_auth(token_for("bithu.van")))
    assert other.status_code == 404


def test_cancel_stops_the_job(client, token_for, small_chi_bo, app):
    headers = _auth(token_for("admin"))
    resp = client.post(f"/api/v1/units/{small_chi_bo}/packets", json={"year": 2026, "kind": "chi_bo",
                                                                      "pdfa": True}, headers=headers)
    job_id = resp.get_json()["id"]
    cancelled = client.delete(f"/api/v1/jobs/{job_id}", headers=headers).get_json()
    job = _wait(client, headers, job_id)
    assert job["state"] in ("cancelled", "done")  # a tiny packet may finish before the cancel is seen
    if job["state"] == "cancelled":
        assert job["formats"] == [] and cancelled["id"] == job_id
        assert client.get(f"/api/v1/jobs/{job_id}/result?format=pdf", headers=headers).status_code == 409


def test_unchanged_documents_are_not_converted_again(app, small_chi_bo, tmp_path, converter):
    calls = []

    def convert(docx, name, pdfa):
        calls.append(name)
        return converter.to_pdf(docx, name=name)

    cache = PdfCache(tmp_path)
    with app.extensions["db"].session() as s:
        unit = s.get(Unit, small_chi_bo)
        plan = dossier.plan(s, unit, 2026, "chi_bo")
        one = dossier.build(s, plan, convert, cache, packet_code="PTEST1")
        first = len(calls)
        again = dossier.build(s, plan, convert, cache, packet_code="PTEST2")  # a new code: nothing made again
        assert len(calls) == first and cache.stamped.misses == len(plan.docs)
        assert cache.stamped.hits == len(plan.docs) and cache.renders.misses == len(plan.docs)
        review = s.scalars(select(Document).where(Document.id == plan.docs[0].document_id)).one()
        review.data = {**review.data, "a_vi": review.data["a_vi"] + " Bổ sung sau hội nghị."}
        s.flush()
        dossier.build(s, plan, convert, cache, packet_code="PTEST3")
    assert first == len(plan.docs) and len(calls) - first == 1
    assert cache.renders.hits == 2 * len(plan.docs) - 1 and cache.renders.misses == len(plan.docs) + 1
    assert cache.stamped.misses == len(plan.docs) + 1
    # the same document pages in both packets; only the cover and contents name the packet
    first_texts, again_texts = page_texts(one.pdf), page_texts(again.pdf)
    assert len(first_texts) == len(again_texts) and "PTEST1" in first_texts[0] and "PTEST2" in again_texts[0]
    assert first_texts[3:] == again_texts[3:]


def test_a_failed_cache_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    cache = PdfCache(tmp_path)
    real_open = open

    def failing_open(path, mode="r", *args, **kwargs):
        handle = real_open(path, mode, *args, **kwargs)
        if "x" in mode:
            handle.close()
            raise OSError(28, "No space left on device")
        return handle

    monkeypatch.setattr("builtins.open", failing_open)
    assert cache.get_or_make("ab" * 32, lambda: b"%PDF-1.7 made %%EOF") == b"%PDF-1.7 made %%EOF"
    monkeypatch.undo()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    cache.put("cd" * 32, b"%PDF-1.7 kept %%EOF")
    assert cache.get("cd" * 32) == b"%PDF-1.7 kept %%EOF"


def test_cache_is_pruned_oldest_first_to_its_size(tmp_path):
    cache = PdfCache(tmp_path)
    for n, key in enumerate(("aa", "bb", "cc")):
        cache.put(key * 32, b"%PDF-1.7 " + bytes(1000) + b" %%EOF")
        os.utime(cache.path(key * 32), (1000 + n, 1000 + n))
    cache.get("aa" * 32)   # used again: now the newest
    assert cache.prune(2100) == 1
    assert cache.get("bb" * 32) is None and cache.get("aa" * 32) and cache.get("cc" * 32)


def test_content_key_ignores_zip_timestamps(converter):
    import docx as python_docx

    def make():
        document = python_docx.Document()
        document.add_paragraph("Nguyễn Thị Ánh Tuyết")
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()
    first = make()
    time.sleep(1.1)
    assert content_key(first) == content_key(make()) != content_key(first, pdfa=True)


def test_packet_job_on_redis_with_a_real_worker(app, small_chi_bo, tmp_path):
    """The same job through RQ: a separate worker process picks it up and writes the packet."""
    from service.jobs import JobService

    settings = app.config["SETTINGS"]
    queue = f"test-dossier-{os.getpid()}"
    service = JobService(app.extensions["db"], settings.data_dir, "redis://127.0.0.1:6379/0", queue_name=queue)
    try:
        with app.extensions["db"].session() as s:
            params = dossier.packet_params(s, s.get(Unit, small_chi_bo), {"year": 2026, "kind": "chi_bo"})
        job = service.enqueue("packet", params)
        env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/0", "DATABASE_URL": app.config["DATABASE_URL"],
               "DATA_DIR": str(settings.data_dir), "JOBS_QUEUE": queue, "VENV": str(Path(sys.executable).parent.parent)}
        root = Path(__file__).resolve().parent.parent
        worker = subprocess.run(["bash", "scripts/worker.sh", "--burst"], cwd=root, env=env, capture_output=True,
                                text=True, timeout=300)
        assert worker.returncode == 0, worker.stderr[-2000:]
        done = service.get(job.id)
        assert done.state == "done", (done.state, done.error, worker.stderr[-2000:])
        assert PdfReader(io.BytesIO(service.result_file(done, "pdf").read_bytes())).pages
    finally:
        service.shutdown()


def _submitted(app, unit_id: int, code: str, data: dict) -> int:
    """A unit document of the chi bộ, saved and submitted as the page would; its id."""
    from service import documents
    from service.catalog import get_kind

    with app.extensions["db"].session() as s:
        unit = s.get(Unit, unit_id)
        doc = documents.open_document(s, get_kind(code), unit, 2026)
        documents.save_revision(s, doc, data, None, status="submitted")
        return doc.id


def test_a_saved_ballot_is_left_out_of_the_chi_bo_packet_built_from_the_board_and_the_api(
        client, auth, token_for, chi_bo, app):
    """The ballot (kept out of packets) beside a minutes: 'Tạo hồ sơ' builds the packet of the minutes alone."""
    from service.samples.meeting import ballot, minutes
    from tests.conftest import csrf_token

    ballot_id = _submitted(app, chi_bo, "ballot-366", ballot("366"))
    minutes_id = _submitted(app, chi_bo, "minutes-366", minutes("366"))
    auth.login("admin")
    board = client.get(f"/units/{chi_bo}/review/2026").get_data(as_text=True)
    page = client.post(f"/units/{chi_bo}/packets", data={"csrf_token": csrf_token(board), "year": "2026",
                                                          "kind": "chi_bo"})
    assert page.status_code == 302, page.get_data(as_text=True)[:2000]
    headers = _auth(token_for("admin"))
    page_job = page.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    resp = client.post(f"/api/v1/units/{chi_bo}/packets", json={"year": 2026, "kind": "chi_bo", "pdfa": True},
                       headers=headers)
    assert resp.status_code == 202, resp.get_data(as_text=True)
    for job_id in (page_job, resp.get_json()["id"]):
        job = _wait(client, headers, job_id)
        assert job["state"] == "done" and job["total"] == 1, job
        archive = zipfile.ZipFile(io.BytesIO(_download(client, f"/api/v1/jobs/{job_id}/result?format=zip",
                                                       headers)))
        docx = [n for n in archive.namelist() if n.endswith(".docx")]
        assert len(docx) == 1 and "Bien-ban-hoi-nghi" in docx[0] and not any("Phieu" in n for n in docx), docx
    with app.extensions["db"].session() as s:
        packets = s.scalars(select(Packet).where(Packet.unit_id == chi_bo)).all()
        printed = {e.document_id for p in packets for e in p.entries if e.document_id}
    assert printed == {minutes_id} and ballot_id not in printed
