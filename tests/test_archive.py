"""The archive end to end: print a packet, scan it badly, upload it, see exactly what is missing, accept, verify."""
from __future__ import annotations

import io
import random
import re
import subprocess
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import img2pdf
import pytest
from PIL import Image
from sqlalchemy import func, select

from service import demo_bulk
from service.archive.models import AuditEvent, Packet, Upload
from service.archive.storage import store_from_settings
from tests.conftest import bearer as _auth
from tests.conftest import download as _download
from tests.conftest import wait_for_job as _wait
from tests.conftest import wait_for_upload as _wait_upload
from tests.signing import make_ca, sign_pdf, simple_pdf


@pytest.fixture(scope="module")
def printed(app, token_for, tmp_path_factory):
    """A generated chi bộ's packet as printed, and every page of it scanned (150 dpi, grey) to PNG."""
    with app.extensions["db"].session() as s:
        parent = demo_bulk.generate(s, parent_name="Đảng bộ Lưu trữ thử", chi_bo=1, members=2, year=2026, seed=21)
        unit_id = parent.children[0].id
    client, headers = app.test_client(), _auth(token_for("admin"))
    resp = client.post(f"/api/v1/units/{unit_id}/packets", json={"year": 2026, "kind": "chi_bo"}, headers=headers)
    assert resp.status_code == 202, resp.get_data(as_text=True)
    job = _wait(client, headers, resp.get_json()["id"])
    assert job["state"] == "done", job
    pdf = _download(client, f"/api/v1/jobs/{job['id']}/result?format=pdf", headers)
    with app.extensions["db"].session() as s:
        packet = s.scalar(select(Packet).where(Packet.job_id == job["id"]))
        entries = [(e.doc_code, e.document_id, e.first_page, e.page_count, e.title) for e in packet.entries]
        code, total = packet.code, packet.total_pages
    folder = tmp_path_factory.mktemp("scan")
    (folder / "packet.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", str(folder / "packet.pdf"), str(folder / "p")],
                   check=True)
    scans = sorted(folder.glob("p-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    assert len(scans) == total
    return {"unit_id": unit_id, "code": code, "entries": entries, "scans": scans, "pdf": pdf}


def degrade(path: Path, angle: float, seed: int) -> bytes:
    """A scanner's JPEG of the page: a little skewed, grainy, lossy."""
    page = Image.open(path).convert("L")
    page = page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    random.seed(seed)
    noise = Image.effect_noise(page.size, 40).point(lambda v: 255 if v > 160 else v)
    page = Image.blend(page, noise, 0.12)
    out = io.BytesIO()
    page.save(out, "JPEG", quality=70, dpi=(150, 150))
    return out.getvalue()


def _plan(printed) -> tuple[list[int], tuple, tuple]:
    """Packet page order of a scan with one page of a multi-page document dropped and one page of another doubled."""
    docs = [e for e in printed["entries"] if e[1] is not None]
    dropped_doc = next(e for e in docs if e[3] >= 2)
    doubled_doc = next(e for e in docs if e is not dropped_doc)
    drop = dropped_doc[2] + 1            # its page 2
    double = doubled_doc[2]              # its page 1
    order = [n for n in range(1, len(printed["scans"]) + 1) if n != drop]
    order.insert(order.index(double) + 1, double)
    return order, dropped_doc, doubled_doc


def multipart(files: list[tuple[str, bytes]], **form) -> dict:
    """post() arguments for a multipart body built in memory (the test client would spool a large one to a
    temporary file that it never closes)."""
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    fields = MultiDict(list(form.items()) + [("files", FileStorage(io.BytesIO(content), filename=name))
                                             for name, content in files])
    boundary, body = encode_multipart(fields)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def _upload(client, headers, files: list[tuple[str, bytes]], **form):
    return client.post("/api/v1/archive/uploads", headers=headers, **multipart(files, **form))


def _uploaded(client, headers, files: list[tuple[str, bytes]], **form) -> dict:
    """Upload, follow the reading of the pages to its end, and return the report (the reading must have filed it)."""
    resp = _upload(client, headers, files, **form)
    assert resp.status_code == 202, resp.get_data(as_text=True)
    status = _wait_upload(client, headers, resp)
    assert status["status"] == "done", status
    return status["report"]


def _page_after(client, location: str):
    """The upload's page once the background reading of its pages has ended (the page polls; so does this)."""
    upload_id = int(location.split("#")[0].rstrip("/").rsplit("/", 1)[1])
    _wait_upload(client, {}, {"upload_id": upload_id, "status": "processing",
                              "status_url": f"/archive/uploads/{upload_id}/status"})
    return client.get(location)


def _assert_exact_report(report: dict, dropped_doc: tuple, doubled_doc: tuple) -> None:
    docs = {d["document_id"]: d for d in report["documents"]}
    assert docs[dropped_doc[1]]["missing"] == [2] and docs[dropped_doc[1]]["complete"] is False
    assert docs[doubled_doc[1]]["duplicated"] == [1] and docs[doubled_doc[1]]["complete"] is True
    for doc_id, doc in docs.items():
        if doc_id != dropped_doc[1]:
            assert doc["missing"] == [] and doc["complete"], doc
        if doc_id != doubled_doc[1]:
            assert doc["duplicated"] == [], doc
    assert report["unmatched_pages"] == []


def test_scanned_packet_as_one_pdf_names_exactly_the_missing_and_duplicated_page(client, token_for, printed):
    order, dropped_doc, doubled_doc = _plan(printed)
    jpegs = [degrade(printed["scans"][n - 1], (-1.5, 1, 2, -2)[i % 4], i) for i, n in enumerate(order)]
    scan = img2pdf.convert(jpegs)
    report = _uploaded(client, _auth(token_for("admin")), [("ban-quet.pdf", scan)], packet_id=printed["code"])
    _assert_exact_report(report, dropped_doc, doubled_doc)
    assert report["files"][0]["pages"] == len(order) and len(report["files"][0]["sha256"]) == 64
    assert report["signatures"] == []


def test_scanned_packet_as_jpegs_gives_the_same_report(client, token_for, printed):
    order, dropped_doc, doubled_doc = _plan(printed)
    files = [(f"trang-{i:02d}.jpg", degrade(printed["scans"][n - 1], (1.5, -1, -2, 2)[i % 4], 100 + i))
             for i, n in enumerate(order, 1)]
    report = _uploaded(client, _auth(token_for("admin")), files)  # no packet named: found from the codes
    assert report["packet_id"] is None and report["unit_id"] == printed["unit_id"]
    _assert_exact_report(report, dropped_doc, doubled_doc)
    assert [f["name"] for f in report["files"]][:2] == ["trang-01.jpg", "trang-02.jpg"]


def test_stored_file_comes_back_unchanged_with_its_hash(client, token_for, printed):
    headers = _auth(token_for("admin"))
    original = degrade(printed["scans"][0], 1, 7)
    report = _uploaded(client, headers, [("bia.jpg", original)])
    with client.get(f"/api/v1/archive/uploads/{report['upload_id']}/file/1", headers=headers) as resp:
        assert resp.status_code == 200 and resp.data == original
        assert resp.headers["X-Content-SHA256"] == report["files"][0]["sha256"]
    assert client.get(f"/api/v1/archive/uploads/{report['upload_id']}/file/2", headers=headers).status_code == 404


def _archive_counts(app) -> tuple[int, int]:
    store = store_from_settings(app.config["SETTINGS"])
    with app.extensions["db"].session() as s:
        return s.scalar(select(func.count(Upload.id))), len(list(store.hashes()))


def _encrypted_pdf(user_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(simple_pdf("Mật"))))
    writer.encrypt(user_password=user_password, owner_password="chu-so-huu")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _huge_png(width: int = 20000, height: int = 20000) -> bytes:
    """A valid 1-bit PNG of width × height that is a few kilobytes on disk (all white)."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", body) + chunk(b"IEND", b""))


def test_bad_files_are_refused_with_a_message_each_and_nothing_is_stored(app, client, token_for, printed):
    good = printed["pdf"]
    bad = [("ho-so.pdf", b"MZ\x90\x00" + b"\x00" * 200 + b"This program cannot be run in DOS mode"),
           ("cat-doi.pdf", good[: len(good) // 2]), ("mat-khau.pdf", _encrypted_pdf("")),
           ("khong-lo.png", _huge_png()), ("trong.pdf", b"")]
    before = _archive_counts(app)
    resp = _upload(client, _auth(token_for("admin")), [("tot.pdf", good), *bad], unit_id=str(printed["unit_id"]))
    assert resp.status_code == 422, resp.get_data(as_text=True)
    fields = resp.get_json()["fields"]
    messages = {name: " ".join(fields[name]) for name, _ in bad}
    assert "không phải PDF, JPEG, PNG hay TIFF" in messages["ho-so.pdf"]
    assert "hỏng" in messages["cat-doi.pdf"]
    assert "mật khẩu" in messages["mat-khau.pdf"]
    assert "20.000 × 20.000" in messages["khong-lo.png"] or "20000 × 20000" in messages["khong-lo.png"]
    assert "trống" in messages["trong.pdf"]
    assert "tot.pdf" not in fields
    assert _archive_counts(app) == before


def test_a_page_without_code_is_assigned_by_hand_then_the_upload_is_accepted(app, client, auth, token_for, printed):
    headers = _auth(token_for("admin"))
    doc = next(e for e in printed["entries"] if e[1] is not None and e[3] == 1) \
        if any(e[1] is not None and e[3] == 1 for e in printed["entries"]) else \
        next(e for e in printed["entries"] if e[1] is not None)
    pages = [degrade(printed["scans"][doc[2] - 1 + k], 0.5, k) for k in range(doc[3])]
    pages[0] = _without_code(pages[0])
    report = _uploaded(client, headers, [(f"p{k}.jpg", p) for k, p in enumerate(pages, 1)],
                       packet_id=printed["code"])
    upload_id = report["upload_id"]
    assert report["unmatched_pages"][0]["page"] == 1 and "Không đọc được mã QR" in report["unmatched_pages"][0][
        "reason"]
    resp = client.post(f"/api/v1/archive/uploads/{upload_id}/pages", headers=headers,
                       json={"file": 1, "page": 1, "document_id": doc[1], "doc_page": 99})
    assert resp.status_code == 422 and "trang" in resp.get_json()["fields"]["doc_page"][0]
    resp = client.post(f"/api/v1/archive/uploads/{upload_id}/pages", headers=headers,
                       json={"file": 1, "page": 1, "document_id": doc[1], "doc_page": 1})
    report = resp.get_json()
    mine = next(d for d in report["documents"] if d["document_id"] == doc[1])
    assert mine["complete"] and report["unmatched_pages"] == []

    resp = client.post(f"/api/v1/archive/uploads/{upload_id}/accept", headers=headers)
    assert resp.status_code == 200 and resp.get_json()["state"] == "accepted"
    assert next(d for d in resp.get_json()["documents"] if d["document_id"] == doc[1])["signed"] is True
    listing = client.get(f"/api/v1/archive/documents?unit_id={printed['unit_id']}&year=2026&state=signed",
                         headers=headers).get_json()
    assert [d["document_id"] for d in listing] == [doc[1]]

    auth.login("admin")
    history = client.get(f"/documents/{doc[1]}/history").get_data(as_text=True)
    for label in ("Tải lên bản ký", "Gán trang bằng tay", "Xác nhận bản ký", "Trang của văn bản: 1"):
        assert label in history
    assert "doc_page" not in history and "unmatched_pages" not in history  # no field names, only Vietnamese
    page = client.get(f"/units/{printed['unit_id']}/archive/2026").get_data(as_text=True)
    assert "Đã có bản ký" in page and f"lần tải lên số {upload_id}" in page
    board = client.get(f"/units/{printed['unit_id']}/review/2026").get_data(as_text=True)
    assert re.search(r'class="signed-count">1/\d', board) or "văn bản tổ chức: 1/" in board


def _without_code(jpeg: bytes) -> bytes:
    """The page with its footer corner (where the QR code is) torn off."""
    page = Image.open(io.BytesIO(jpeg)).convert("L")
    w, h = page.size
    page.paste(255, (int(w * 0.6), int(h * 0.8), w, h))
    out = io.BytesIO()
    page.save(out, "JPEG", quality=80)
    return out.getvalue()


def test_upload_page_shows_report_and_refuses_files_with_messages(client, auth, printed):
    auth.login("admin")
    page = client.get(f"/units/{printed['unit_id']}/archive/2026")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Tải lên bản ký" in html and printed["code"] in html
    from tests.conftest import csrf_token

    resp = client.post(f"/units/{printed['unit_id']}/archive/2026/uploads",
                       **multipart([("rong.pdf", b"")], csrf_token=csrf_token(html)))
    assert resp.status_code == 422 and "trống" in resp.get_data(as_text=True)
    resp = client.post(f"/units/{printed['unit_id']}/archive/2026/uploads",
                       **multipart([("trang3.jpg", degrade(printed["scans"][2], 1, 3))], csrf_token=csrf_token(html),
                                   packet_id=printed["code"]))
    assert resp.status_code == 302
    report_page = _page_after(client, resp.headers["Location"]).get_data(as_text=True)
    assert "Đối chiếu theo văn bản" in report_page and "trang3.jpg" in report_page


def test_members_and_other_units_cannot_see_uploads(client, auth, token_for, printed, app):
    headers = _auth(token_for("admin"))
    report = _uploaded(client, headers, [("bia.jpg", degrade(printed["scans"][0], 1, 9))])
    for outsider in ("tuyet", "bithu.toan"):  # a member; the secretary of another chi bộ
        resp = client.get(f"/api/v1/archive/uploads/{report['upload_id']}", headers=_auth(token_for(outsider)))
        assert resp.status_code == 404
        resp = _upload(client, _auth(token_for(outsider)), [("bia.jpg", degrade(printed["scans"][0], 1, 9))],
                       packet_id=printed["code"])
        if outsider == "tuyet":  # a member may not upload at all: refused before the body is read
            assert resp.status_code == 404
        else:
            assert resp.status_code == 422 and "Không tìm thấy hồ sơ" in resp.get_json()["error"]


def test_signed_pdf_is_verified_and_a_changed_byte_is_shown_invalid(app, client, auth, token_for, printed):
    ca = make_ca()
    signed = sign_pdf(simple_pdf("Biên bản đã ký số"), ca)
    roots = app.config["SETTINGS"].archive_trust_roots
    roots.mkdir(parents=True, exist_ok=True)
    (roots / "goc-thu.pem").write_bytes(ca.root_pem)
    headers = _auth(token_for("admin"))
    try:
        sig = _uploaded(client, headers, [("ky-so.pdf", signed)], unit_id=str(printed["unit_id"]))[
            "signatures"][0]
        assert sig["intact"] and sig["trusted"] and sig["valid"] and "Nguyễn Văn Thử" in sig["signer"]
        assert sig["signed_at"]
        digit = re.search(rb"BT (\d)", signed).start(1)  # inside the first signed range: the text moves
        assert digit < int(re.search(rb"/ByteRange \[ *0 +(\d+)", signed).group(1))
        tampered = signed[:digit] + str((int(signed[digit:digit + 1]) + 1) % 10).encode() + signed[digit + 1:]
        bad_report = _uploaded(client, headers, [("ky-so-sua.pdf", tampered)], unit_id=str(printed["unit_id"]))
        bad = bad_report["signatures"][0]
        assert bad["valid"] is False and bad["intact"] is False and "KHÔNG hợp lệ" in bad["summary"]
        auth.login("admin")
        page = client.get(f"/archive/uploads/{bad_report['upload_id']}").get_data(as_text=True)
        banner = page.split('id="invalid-signatures"', 1)[1].split("</div>", 1)[0]
        assert "ky-so-sua.pdf" in banner and "KHÔNG hợp lệ" in banner  # shown first, never hidden
    finally:
        (roots / "goc-thu.pem").unlink()
    untrusted = _uploaded(client, headers, [("ky-so.pdf", signed)], unit_id=str(printed["unit_id"]))[
        "signatures"][0]
    assert untrusted["intact"] and not untrusted["trusted"] and not untrusted["valid"]


def test_every_change_and_download_is_an_event_in_one_unbroken_chain_and_views_are_logged_apart(
        app, client, token_for, printed):
    from service.archive import audit
    from service.archive.models import AuditView

    headers = _auth(token_for("admin"))
    report = _uploaded(client, headers, [("bia.jpg", degrade(printed["scans"][0], 1, 11))])
    client.get(f"/api/v1/archive/uploads/{report['upload_id']}", headers=headers)
    client.get(f"/api/v1/archive/uploads/{report['upload_id']}/file/1", headers=headers).close()
    with app.extensions["db"].session() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.object_type == "upload",
                                                    AuditEvent.object_id == str(report["upload_id"]))
                           .order_by(AuditEvent.seq)).all()
        assert [e.action for e in events][:3] == ["upload", "read", "download"]  # received, filed, downloaded
        assert all(e.actor and e.address == "127.0.0.1" and len(e.mac) == 64 for e in events)
        audit.view_log.flush(s)   # views are written in batches after their request (service/archive/view_log.py)
        views = s.scalars(select(AuditView).where(AuditView.object_type == "upload",
                                                       AuditView.object_id == str(report["upload_id"]))).all()
        assert [(v.action, v.address) for v in views] == [("view", "127.0.0.1")]
        assert audit.verify_chain(s, audit.seal_of(s)) == []


def test_a_single_document_pdf_signed_digitally_comes_back_matched_and_valid(app, client, auth, token_for, printed):
    from service.packets import read_page_codes

    headers = _auth(token_for("admin"))
    doc_id = next(e[1] for e in printed["entries"] if e[1] is not None)
    pdf = _download(client, f"/api/v1/documents/{doc_id}/file?format=pdf", headers)
    codes = read_page_codes(pdf)
    assert codes and all(c and c.startswith("KD:V") for c in codes)  # every page carries its own code
    assert _download(client, f"/api/v1/documents/{doc_id}/file?format=pdf", headers) != b""  # a reprint: same code
    assert read_page_codes(_download(client, f"/api/v1/documents/{doc_id}/file?format=pdf", headers)) == codes

    ca = make_ca()
    roots = app.config["SETTINGS"].archive_trust_roots
    roots.mkdir(parents=True, exist_ok=True)
    (roots / "goc-ban-le.pem").write_bytes(ca.root_pem)
    try:
        report = _uploaded(client, headers, [("ky-so.pdf", sign_pdf(pdf, ca))])
    finally:
        (roots / "goc-ban-le.pem").unlink()
    assert report["unit_id"] == printed["unit_id"] and report["unmatched_pages"] == []
    [doc] = report["documents"]
    assert doc["document_id"] == doc_id and doc["complete"] and doc["pages_expected"] == len(codes)
    [signature] = report["signatures"]
    assert signature["valid"] and signature["trusted"] and signature["intact"]
    auth.login("admin")
    page = client.get(f"/archive/uploads/{report['upload_id']}").get_data(as_text=True)
    section = page.split('id="chu-ky-so"', 1)[1]
    shown = datetime.fromisoformat(signature["signed_at"]).astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert "Chữ ký hợp lệ" in section and "Nguyễn Văn Thử" in section and shown.strftime("%d/%m/%Y %H:%M") in section
    assert 'id="invalid-signatures"' not in page
    with app.extensions["db"].session() as s:
        downloads = s.scalars(select(AuditEvent).where(AuditEvent.document_id == doc_id,
                                                       AuditEvent.action == "download")).all()
        assert len(downloads) >= 3 and downloads[0].details["format"] == "pdf"



def test_a_scan_without_any_readable_code_can_still_be_assigned_on_the_page(client, auth, printed):
    from tests.conftest import csrf_token

    auth.login("admin")
    html = client.get(f"/units/{printed['unit_id']}/archive/2026").get_data(as_text=True)
    torn = _without_code(degrade(printed["scans"][2], 0, 1))
    resp = client.post(f"/units/{printed['unit_id']}/archive/2026/uploads",
                       **multipart([("rach-goc.jpg", torn)], csrf_token=csrf_token(html)))
    assert resp.status_code == 302
    page = _page_after(client, resp.headers["Location"]).get_data(as_text=True)
    assert "Không đọc được mã QR" in page
    doc_id, title, first, count = next((e[1], e[4], e[2], e[3]) for e in printed["entries"] if e[2] == 3)
    assert f'<option value="{doc_id}">' in page and f"({count} trang)" in page
    resp = client.post(resp.headers["Location"] + "/pages", data={"csrf_token": csrf_token(page), "file": "1",
                                                                  "page": "1", "document_id": str(doc_id),
                                                                  "doc_page": "1"})
    assert resp.status_code == 302
    page = client.get(resp.headers["Location"].split("#")[0]).get_data(as_text=True)
    assert "Mọi trang đều đã nhận ra" in page and title.split(" – ")[0] in page


def test_assigning_a_page_by_hand_with_a_mistake_says_why_and_keeps_the_choice(client, auth, printed):
    """“Gán” with no document chosen, or a page beyond the document's, is refused on the report itself with the
    row's message; nothing is cleared or assigned, and the corrected form then goes through."""
    from tests.conftest import csrf_token

    auth.login("admin")
    html = client.get(f"/units/{printed['unit_id']}/archive/2026").get_data(as_text=True)
    torn = _without_code(degrade(printed["scans"][2], 0, 1))
    resp = client.post(f"/units/{printed['unit_id']}/archive/2026/uploads",
                       **multipart([("rach-goc.jpg", torn)], csrf_token=csrf_token(html)))
    report_url = resp.headers["Location"]
    page = _page_after(client, report_url).get_data(as_text=True)
    doc_id, count = next((e[1], e[3]) for e in printed["entries"] if e[2] == 3)
    form = {"csrf_token": csrf_token(page), "action": "assign", "file": "1", "page": "1"}

    resp = client.post(report_url + "/pages", data={**form, "document_id": "", "doc_page": "1"})
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "Chưa gán trang 1: hãy chọn văn bản của trang này" in page
    assert 'id="assign-1-1-loi"' in page and "Chọn một văn bản trong danh sách." in page
    assert "Trang chưa nhận ra (1)" in page

    resp = client.post(report_url + "/pages", data={**form, "document_id": str(doc_id), "doc_page": "99"})
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert f"có {count} trang" in page and f'<option value="{doc_id}" selected>' in page
    assert 'value="99"' in page and "Trang chưa nhận ra (1)" in page

    resp = client.post(report_url + "/pages", data={**form, "document_id": str(doc_id), "doc_page": "1"})
    assert resp.status_code == 302
    assert "Mọi trang đều đã nhận ra" in client.get(report_url).get_data(as_text=True)


def test_an_upload_far_above_the_apps_form_limit_is_accepted(client, token_for, printed):
    """The app refuses ordinary requests over 5 MB; an archive upload may be up to ARCHIVE_MAX_REQUEST_MB."""
    big = io.BytesIO()
    Image.effect_noise((2600, 3600), 90).save(big, "JPEG", quality=95)
    assert big.tell() > 6 * 1024 * 1024
    report = _uploaded(client, _auth(token_for("admin")), [("anh-lon.jpg", big.getvalue())],
                       unit_id=str(printed["unit_id"]))
    assert report["files"][0]["size"] == big.tell()


def test_the_office_sees_every_unit_below_and_lists_documents_once_filtered(client, auth, app, printed):
    auth.login("admin")
    with app.extensions["db"].session() as s:
        from service.models import Unit as UnitRow

        chi_bo = s.get(UnitRow, printed["unit_id"])
        parent_id, name = chi_bo.parent_id, chi_bo.name
        idle = UnitRow(name="Chi bộ Chưa bắt đầu", kind="chi_bo", parent_id=parent_id)
        s.add(idle)
    page = client.get(f"/units/{parent_id}/archive/2026").get_data(as_text=True)
    progress = page.split('id="tien-do"', 1)[1].split("</section>", 1)[0]
    assert name in progress and "Chi bộ Chưa bắt đầu" in progress  # even a chi bộ with nothing yet
    assert "Chọn loại văn bản hoặc trạng thái" in page
    filtered = client.get(f"/units/{parent_id}/archive/2026?state=unsigned").get_data(as_text=True)
    assert "Chưa có bản ký" in filtered and "Chọn loại văn bản hoặc trạng thái" not in filtered


def test_a_page_of_another_units_packet_stays_foreign_in_every_later_report(app, client, token_for, printed):
    from service.models import User

    with app.extensions["db"].session() as s:
        own_unit = s.scalar(select(User.unit_id).where(User.username == "bithu.toan"))
    secretary = _auth(token_for("bithu.toan"))
    first = _uploaded(client, secretary, [("nham-ho-so.jpg", degrade(printed["scans"][2], 1, 31))],
                      unit_id=str(own_unit))
    for report in (first, client.get(f"/api/v1/archive/uploads/{first['upload_id']}",
                                     headers=_auth(token_for("admin"))).get_json()):
        assert report["unit_id"] == own_unit and report["documents"] == []
        [page] = report["unmatched_pages"]
        assert page["code"].split(":")[1] in page["reason"] and "ngoài phạm vi" in page["reason"]


def test_a_member_reads_the_history_of_their_own_document_without_others_addresses(app, client, auth):
    from service.models import Document, User

    auth.login("tuyet")
    assert client.get("/reviews/2026").status_code == 302  # opens (or creates) her self-review
    with app.extensions["db"].session() as s:
        member_id = s.scalar(select(User.member_id).where(User.username == "tuyet"))
        doc_id = s.scalar(select(Document.id).where(Document.member_id == member_id).limit(1))
    auth.login("admin")
    assert client.get(f"/documents/{doc_id}").status_code == 200  # a view by the admin, from 127.0.0.1
    auth.login("tuyet")
    page = client.get(f"/documents/{doc_id}/history")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Xem" in html and "admin" in html
    assert "127.0.0.1" not in html and "Địa chỉ" not in html


def test_a_members_token_posting_300_pages_is_refused_before_any_file_is_parsed(client, token_for, printed,
                                                                                 monkeypatch):
    from service.archive import intake, uploads
    from tests.hostile_pdfs import blank_pdf

    parsed: list[str] = []
    real = intake.accept_upload
    monkeypatch.setattr(intake, "accept_upload", lambda files, limits=intake.Limits(): parsed.append("x") or
                        real(files, limits))
    monkeypatch.setattr(uploads, "read_codes", lambda *a, **k: parsed.append("render") or [])
    big = blank_pdf(300)
    resp = _upload(client, _auth(token_for("tuyet")), [("300-trang.pdf", big)], packet_id=printed["code"])
    assert resp.status_code == 404 and parsed == []
    # a secretary naming another chi bộ's packet or unit: refused the same way, nothing parsed
    resp = _upload(client, _auth(token_for("bithu.toan")), [("300-trang.pdf", big)], packet_id=printed["code"])
    assert resp.status_code == 422 and "Không tìm thấy hồ sơ" in resp.get_json()["error"] and parsed == []
    resp = _upload(client, _auth(token_for("bithu.toan")), [("300-trang.pdf", big)],
                   unit_id=str(printed["unit_id"]))
    assert resp.status_code == 404 and parsed == []


def test_a_pdf_running_javascript_or_carrying_files_is_stored_but_flagged_and_names_are_neutralised(
        client, auth, token_for, printed):
    from tests.hostile_pdfs import attachment_pdf, javascript_pdf

    headers = _auth(token_for("admin"))
    report = _uploaded(client, headers, [("hoadon\u202efdp.exe", javascript_pdf()), ("kem.pdf", attachment_pdf()),
                                         ("bia.jpg", degrade(printed["scans"][0], 1, 5))],
                       unit_id=str(printed["unit_id"]))
    assert [f["name"] for f in report["files"]][:2] == ["hoadon fdp.exe", "kem.pdf"]
    flagged = {f["file"]: " ".join(f["warnings"]) for f in report["flagged"]}
    assert set(flagged) == {"hoadon fdp.exe", "kem.pdf"}
    assert "JavaScript" in flagged["hoadon fdp.exe"] and "tệp khác nhúng bên trong" in flagged["kem.pdf"]
    auth.login("admin")
    page = client.get(f"/archive/uploads/{report['upload_id']}").get_data(as_text=True)
    banner = page.split('id="active-content"', 1)[1].split("</div>", 1)[0]
    assert "hoadon fdp.exe" in banner and "kem.pdf" in banner and "\u202e" not in page
    with client.get(f"/archive/uploads/{report['upload_id']}/files/1") as download:
        assert download.status_code == 200 and "\u202e" not in download.headers["Content-Disposition"]


@pytest.fixture(scope="module")
def two_chi_bo(app, token_for):
    """A đảng bộ with two chi bộ, its office and each chi bộ's secretary; one printed document per chi bộ."""
    from service.accounts import create_user
    from service.models import Document, ReviewCycle

    with app.extensions["db"].session() as s:
        parent = demo_bulk.generate(s, parent_name="Đảng bộ Hai chi bộ", chi_bo=2, members=1, year=2026, seed=33)
        a, b = sorted(parent.children, key=lambda u: u.name)
        create_user(s, "vanphong.hai", "mat-khau-dai-1", "office", unit_id=parent.id)
        create_user(s, "bithu.hai.a", "mat-khau-dai-1", "secretary", unit_id=a.id)
        create_user(s, "bithu.hai.b", "mat-khau-dai-1", "secretary", unit_id=b.id)
        docs = {}
        for unit in (a, b):
            docs[unit.id] = s.scalar(select(Document.id).join(ReviewCycle, Document.cycle_id == ReviewCycle.id)
                                     .where(ReviewCycle.unit_id == unit.id, ReviewCycle.year == 2026,
                                            Document.member_id.is_not(None)).order_by(Document.id).limit(1))
        ids = (parent.id, a.id, b.id)
    client, office = app.test_client(), _auth(token_for("vanphong.hai"))
    pdfs = {unit: _download(client, f"/api/v1/documents/{doc}/file?format=pdf", office) for unit, doc in docs.items()}
    return {"parent": ids[0], "a": ids[1], "b": ids[2], "docs": docs, "pdfs": pdfs}


def _joined(*pdfs: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for pdf in pdfs:
        for page in PdfReader(io.BytesIO(pdf)).pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_an_office_scan_of_two_chi_bo_is_seen_and_accepted_by_each_secretary_for_their_own_documents_only(
        app, client, auth, token_for, two_chi_bo):
    from pypdf import PdfReader

    from service.packets import read_page_codes

    t = two_chi_bo
    doc_a, doc_b = t["docs"][t["a"]], t["docs"][t["b"]]
    pages_a = len(PdfReader(io.BytesIO(t["pdfs"][t["a"]])).pages)
    office = _auth(token_for("vanphong.hai"))
    report = _uploaded(client, office, [("ca-hai-chi-bo.pdf", _joined(t["pdfs"][t["a"]], t["pdfs"][t["b"]]))])
    upload_id = report["upload_id"]
    assert report["unit_id"] == t["parent"] and not report["partial"]  # filed where both chi bộ meet
    assert {d["document_id"] for d in report["documents"] if d["complete"]} == {doc_a, doc_b}

    # Secretary A: sees and downloads only A's pages, cannot accept B's document
    sec_a = _auth(token_for("bithu.hai.a"))
    seen = client.get(f"/api/v1/archive/uploads/{upload_id}", headers=sec_a).get_json()
    assert seen["partial"] and [d["document_id"] for d in seen["documents"]] == [doc_a]
    assert seen["unmatched_pages"] == [] and seen["files"][0]["sha256"] is None
    with client.get(f"/api/v1/archive/uploads/{upload_id}/file/1", headers=sec_a) as download:
        assert download.status_code == 200 and "X-Content-SHA256" not in download.headers
        only_a = download.data
    assert len(PdfReader(io.BytesIO(only_a)).pages) == pages_a
    assert read_page_codes(only_a) == read_page_codes(t["pdfs"][t["a"]])  # not one of B's pages
    accepted = client.post(f"/api/v1/archive/uploads/{upload_id}/accept", headers=sec_a).get_json()
    assert [(d["document_id"], d["signed"]) for d in accepted["documents"]] == [(doc_a, True)]
    assert accepted["state"] == "accepted"
    resp = client.post(f"/api/v1/archive/uploads/{upload_id}/pages", headers=sec_a,
                       json={"file": 1, "page": pages_a + 1, "document_id": doc_a, "doc_page": 1})
    assert resp.status_code in (403, 404, 422)  # cannot re-file B's page as their own
    full = client.get(f"/api/v1/archive/uploads/{upload_id}", headers=office).get_json()
    signed = {d["document_id"]: d["signed"] for d in full["documents"]}
    assert signed == {doc_a: True, doc_b: False} and full["state"] == "received"

    # Secretary B: no 404 on the upload holding their document; sees and accepts theirs
    sec_b = _auth(token_for("bithu.hai.b"))
    seen_b = client.get(f"/api/v1/archive/uploads/{upload_id}", headers=sec_b)
    assert seen_b.status_code == 200 and [d["document_id"] for d in seen_b.get_json()["documents"]] == [doc_b]
    accepted_b = client.post(f"/api/v1/archive/uploads/{upload_id}/accept", headers=sec_b).get_json()
    assert [(d["document_id"], d["signed"]) for d in accepted_b["documents"]] == [(doc_b, True)]
    listing = client.get(f"/api/v1/archive/documents?unit_id={t['b']}&year=2026&state=signed",
                         headers=sec_b).get_json()
    assert [(d["document_id"], d["signed_upload_id"]) for d in listing] == [(doc_b, upload_id)]
    assert client.get(f"/api/v1/archive/uploads/{upload_id}", headers=office).get_json()["state"] == "accepted"

    # the page: B's archive lists the upload, the report names only B's document
    auth.logins["bithu.hai.b"] = "mat-khau-dai-1"
    auth.login("bithu.hai.b")
    page = client.get(f"/units/{t['b']}/archive/2026").get_data(as_text=True)
    assert f"lần tải lên số {upload_id}" in page
    report_page = client.get(f"/archive/uploads/{upload_id}").get_data(as_text=True)
    assert 'id="partial-view"' in report_page and f'data-document="{doc_a}"' not in report_page
    assert f'data-document="{doc_b}"' in report_page
    # B's pictures: their own pages only, never A's
    assert client.get(f"/archive/uploads/{upload_id}/files/1/pages/1/small.png").status_code == 404
    with client.get(f"/archive/uploads/{upload_id}/files/1/pages/{pages_a + 1}/small.png") as picture:
        assert picture.status_code == 200 and picture.mimetype == "image/png"
    assert "/files/1/pages/1/small.png" not in report_page
    # someone of another đảng bộ still gets nothing
    assert client.get(f"/api/v1/archive/uploads/{upload_id}",
                      headers=_auth(token_for("bithu.toan"))).status_code == 404
