"""The packet's progress page and the archive's upload in a real headless browser: Debian's Chromium driven by
Playwright.

The app runs on a free localhost port in a thread (werkzeug, threaded) with the session's app and its warm
LibreOffice pool; jobs run in-process as in production. Missing Playwright or Chromium fails these tests
(`scripts/setup.sh` installs Playwright; `.ci/run` installs Debian's chromium): they are never skipped.
"""
from __future__ import annotations

import io
import os
import re
import threading
import time
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from werkzeug.serving import make_server

from service import demo_bulk, dossier
from service.convert import get_pool
from service.models import JOB_STATES, Document, Unit

# Debian's binary itself: the /usr/bin/chromium wrapper script prints a (harmless) shell error on this machine.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/lib/chromium/chromium")
# No sandbox as root, and nothing that would try the closed network (background, component update, sync, QUIC).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
YEAR = 2026
TIMEOUT_MS = 60_000
RELEASE_WAIT = 600  # seconds the held conversions wait for the test (bounded by the test's own timeout)
JOB_URL = re.compile(r"/jobs/([0-9a-f]{32})$")


@pytest.fixture(scope="module")
def chi_bo(app):
    """A generated chi bộ of 2 members, self-reviews and commitments filled in and submitted."""
    with app.extensions["db"].session() as s:
        parent = demo_bulk.generate(s, parent_name="Đảng bộ Trình duyệt thử", chi_bo=1, members=2, year=YEAR,
                                    seed=11)
        unit_id = parent.children[0].id
        titles = [d.title for d in dossier.plan(s, s.get(Unit, unit_id), YEAR, "chi_bo").docs]
    assert len(titles) >= 4, titles
    return {"id": unit_id, "titles": titles}


class _BufferedResponses:
    """Reads each response whole and closes it before werkzeug's dev server writes it.

    When the browser drops a connection (a favicon still loading as a context closes), werkzeug 3.1's
    `run_wsgi` reads the dead socket in a `finally` before it closes the response, so a file response
    (static files, downloads) is left open and its ResourceWarning surfaces in some later test. gunicorn,
    which serves production, closes it; the app streams nothing, so buffering changes no page.
    """

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        body = self.app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()


@pytest.fixture(scope="module")
def live_server(app):
    """The real app over HTTP on 127.0.0.1 and a free port, served by threads like gunicorn's gthread."""
    server = make_server("127.0.0.1", 0, _BufferedResponses(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="browser-test-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium under Playwright (no browser download: `playwright install` cannot run here)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        pytest.fail(f"Playwright is missing ({exc}); install requirements-dev.txt (scripts/setup.sh)")
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"Chromium is missing at {CHROMIUM}; `apt-get install --no-install-recommends chromium` "
                    "(.ci/run installs it)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, live_server, app):
    """A fresh browser profile logged in as admin through the login form."""
    context = browser.new_context(base_url=live_server, accept_downloads=True, locale="vi-VN")
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    blocked: list[str] = []  # what the Content-Security-Policy refused (an inline script, a style attribute)
    tab.on("console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None)
    tab.goto("/login")
    tab.fill("#username", "admin")
    tab.fill("#password", app.config["DEMO_LOGINS"]["admin"])
    tab.get_by_role("button", name="Đăng nhập").click()
    tab.wait_for_url(f"{live_server}/")
    assert "/login" not in tab.url
    yield tab
    context.close()
    assert not blocked, blocked


class Gate(threading.Event):
    """Released by the test; knows how long the one conversion it let through took on this machine now."""

    first_seconds = 0.0

    def finish_ms(self, documents: int) -> int:
        """How long to wait for the rest: generous against this machine's measured speed, never under TIMEOUT_MS."""
        return max(TIMEOUT_MS, int(documents * max(self.first_seconds, 1.0) * 10 * 1000))


@pytest.fixture()
def gate(chi_bo):
    """Holds every conversion but the packet's first until released, so the page has a half-done job to show.

    The first document also takes a little longer than the job's progress throttle (0.2 s), so "1/N" is written
    to the job row before the job waits on the second one.
    """
    pool = get_pool()
    real = pool.to_pdf
    release = Gate()

    def to_pdf(docx, *args, name=None, **kwargs):
        if name == chi_bo["titles"][0]:
            time.sleep(0.4)
            started = time.monotonic()
            pdf = real(docx, *args, name=name, **kwargs)
            release.first_seconds = time.monotonic() - started
            return pdf
        if not release.wait(RELEASE_WAIT):
            raise AssertionError("the browser test never released the conversions")
        return real(docx, *args, name=name, **kwargs)

    pool.to_pdf = to_pdf
    try:
        yield release
    finally:
        release.set()
        del pool.to_pdf  # back to the class's method


def _make_packet(page, unit_id: int, *, reload: bool = True) -> str:
    """Press "Tạo hồ sơ" on the chi bộ's dashboard (opened first unless `reload` is false); the job page's path."""
    if reload:
        page.goto(f"/units/{unit_id}/review/{YEAR}")
    page.click("#make-packet")
    page.wait_for_url(JOB_URL)
    return "/jobs/" + JOB_URL.search(page.url).group(1)


def _expect_progress(page, done: int, total: int, state: str) -> None:
    from playwright.sync_api import expect

    expect(page.locator("#job-state")).to_have_text(JOB_STATES[state])
    expect(page.locator("#job-count")).to_have_text(f"{done}/{total}")
    bar = page.locator("#job-progress")
    expect(bar).to_have_js_property("max", total)
    expect(bar).to_have_js_property("value", done)


def test_progress_bar_moves_and_the_packet_downloads(page, chi_bo, gate, live_server):
    from playwright.sync_api import expect

    total = len(chi_bo["titles"])
    job_path = _make_packet(page, chi_bo["id"])
    # half-way: the page polled a running job with one document converted of N
    _expect_progress(page, 1, total, "running")
    expect(page.locator("#job-step")).to_contain_text("Chuyển PDF")
    expect(page.locator("#job-cancel")).to_be_visible()
    expect(page.locator("#job-result")).to_be_hidden()
    expect(page.locator("#job-error")).to_be_hidden()
    # leave while it runs and come back: the page shows the same running job, served afresh
    page.goto("/")
    page.goto(job_path)
    _expect_progress(page, 1, total, "running")
    gate.set()
    # the same page, polling, sees it finish
    expect(page.locator("#job-state")).to_have_text(JOB_STATES["done"], timeout=gate.finish_ms(total))
    _expect_progress(page, total, total, "done")
    expect(page.locator("#job-cancel")).to_be_hidden()
    expect(page.locator("#job-error")).to_be_hidden()
    expect(page.locator("#download-pdf")).to_be_visible()
    expect(page.locator("#download-zip")).to_be_visible()

    with page.expect_download() as info:
        page.click("#download-pdf")
    download = info.value
    assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"%PDF-")
    # every document's pages plus the cover and the contents
    assert len(PdfReader(io.BytesIO(data)).pages) > total

    with page.expect_download() as info:
        page.click("#download-zip")
    archive = zipfile.ZipFile(info.value.path())
    assert len([n for n in archive.namelist() if n.endswith(".pdf")]) == total


def test_leaving_the_page_and_coming_back_shows_the_finished_job(page, chi_bo):
    from playwright.sync_api import expect

    job_path = _make_packet(page, chi_bo["id"])
    page.goto("/")
    deadline = time.monotonic() + 5 * TIMEOUT_MS / 1000  # a whole packet, on a machine that may be busy
    while (job := page.request.get(f"{job_path}/status").json())["state"] in ("queued", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
    assert job["state"] == "done", job
    # as the server renders it, before any script runs
    response = page.goto(job_path)
    html = response.text()
    assert JOB_STATES["done"] in html and re.search(r'id="job-cancel"[^>]* hidden', html)
    assert not re.search(r'id="job-result"[^>]* hidden', html)
    # and as the user sees it
    total = len(chi_bo["titles"])
    _expect_progress(page, total, total, "done")
    expect(page.locator("#job-cancel")).to_be_hidden()
    expect(page.locator("#download-pdf")).to_be_visible()


def test_a_failing_job_names_the_document(page, chi_bo, app):
    from playwright.sync_api import expect

    # The dashboard is opened before the document goes bad: it refuses to show a chi bộ with an invalid
    # self-review (422), while the packet job must name it.
    page.goto(f"/units/{chi_bo['id']}/review/{YEAR}")
    with app.extensions["db"].session() as s:
        doc = s.scalars(select(Document).where(Document.kind_code == "member-review-366")
                        .where(Document.member.has(unit_id=chi_bo["id"]))).first()
        good = dict(doc.data)
        doc.data = {**good, "score_general": 99}
        doc_id, name = doc.id, doc.member.full_name
    try:
        _make_packet(page, chi_bo["id"], reload=False)
        expect(page.locator("#job-state")).to_have_text(JOB_STATES["failed"], timeout=TIMEOUT_MS)
        error = page.locator("#job-error")
        expect(error).to_be_visible()
        expect(error).to_contain_text(name)
        expect(error).to_contain_text("chưa hợp lệ")
        expect(page.locator("#job-result")).to_be_hidden()
        expect(page.locator("#job-cancel")).to_be_hidden()
    finally:
        with app.extensions["db"].session() as s:
            s.get(Document, doc_id).data = good


def test_the_printed_packet_uploaded_as_two_files_is_matched_and_accepted(page, chi_bo, tmp_path):
    from playwright.sync_api import expect
    from pypdf import PdfWriter

    _make_packet(page, chi_bo["id"])
    expect(page.locator("#download-pdf")).to_be_visible(timeout=TIMEOUT_MS)
    with page.expect_download() as info:
        page.click("#download-pdf")
    reader = PdfReader(info.value.path())
    halves = []
    for n, pages in enumerate((reader.pages[: len(reader.pages) // 2], reader.pages[len(reader.pages) // 2:]), 1):
        writer = PdfWriter()
        for p in pages:
            writer.add_page(p)
        path = tmp_path / f"phan-{n}.pdf"
        with path.open("wb") as fh:
            writer.write(fh)
        halves.append(str(path))

    page.goto(f"/units/{chi_bo['id']}/review/{YEAR}")
    page.click("#archive-link")
    page.set_input_files("input[name=files]", halves)
    page.click("#upload-button")
    expect(page.locator("#upload-state")).to_have_text("Chờ xác nhận")
    # The report comes from the progress page reloading itself: wait for its scripts, or a click on "Xác nhận tiếp
    # nhận…" made before board.js is attached follows the link to the no-script confirmation page mid-test.
    page.wait_for_load_state("load")
    rows = page.locator("#van-ban tbody tr")
    expect(rows).to_have_count(len(chi_bo["titles"]))
    expect(page.locator("#van-ban .status-missing")).to_have_count(0)
    expect(page.locator("#trang-chua-nhan")).to_contain_text("Mọi trang đều đã nhận ra")
    expect(page.locator("#tep")).to_contain_text("phan-2.pdf")
    expect(page.locator("#signature-pages img").first).to_be_visible()
    page.click("#accept")  # opens the confirmation in the page: what will count as signed, irreversible
    expect(page.locator("#confirm-accept")).to_be_visible()
    expect(page.locator("#to-sign li")).to_have_count(len(chi_bo["titles"]))
    page.check("#confirm-checked")
    page.click("#accept-confirm")
    expect(page.locator("#upload-state")).to_have_text("Đã xác nhận")
    expect(page.locator("#accepted-state")).to_contain_text("admin")
    expect(page.locator("#accept")).to_have_count(0)
    page.goto(f"/units/{chi_bo['id']}/archive/{YEAR}?state=signed")
    expect(page.locator("#documents tbody tr.signed-signed")).to_have_count(len(chi_bo["titles"]))


@pytest.mark.parametrize("width", [1280, 390])
def test_a_page_without_a_code_is_assigned_by_hand_after_a_mistake(page, chi_bo, tmp_path, width):
    """A blank scanned page: "Gán" with nothing chosen gives the row's message (no English browser bubble), the
    choice is kept after a wrong page number, and the corrected form assigns it; at desk and phone width."""
    from PIL import Image
    from playwright.sync_api import expect

    page.set_viewport_size({"width": width, "height": 900})
    _make_packet(page, chi_bo["id"])
    expect(page.locator("#download-pdf")).to_be_visible(timeout=TIMEOUT_MS)
    blank = tmp_path / "trang-trang.png"
    Image.new("L", (827, 1169), 255).save(blank, dpi=(100, 100))
    page.goto(f"/units/{chi_bo['id']}/archive/{YEAR}")
    page.set_input_files("input[name=files]", [str(blank)])
    page.click("#upload-button")
    expect(page.locator("#upload-state")).to_have_text("Chờ xác nhận")
    page.wait_for_load_state("load")
    section = page.locator("#trang-chua-nhan")
    expect(section).to_contain_text("Không đọc được mã QR")
    section.get_by_role("button", name="Gán").click()
    expect(page.locator("#assign-1-1-loi")).to_have_text(re.compile("Chọn một văn bản trong danh sách"))
    first_title = chi_bo["titles"][0]
    option = page.locator("#assign-1-1 option", has_text=first_title).first
    page.select_option("#assign-1-1", value=option.get_attribute("value"))
    page.fill("#trang-chua-nhan input[name=doc_page]", "99")
    page.locator("#trang-chua-nhan").get_by_role("button", name="Gán").click()
    expect(page.locator("#assign-1-1-loi")).to_contain_text("trang.")
    expect(page.locator("#assign-1-1")).to_have_value(option.get_attribute("value"))
    page.screenshot(path=str(Path(os.environ.get("SCREENSHOTS", tmp_path)) / f"gan-trang-loi-{width}.png"),
                    full_page=True)
    page.fill("#trang-chua-nhan input[name=doc_page]", "1")
    page.locator("#trang-chua-nhan").get_by_role("button", name="Gán").click()
    expect(page.locator("#trang-chua-nhan")).to_contain_text("Mọi trang đều đã nhận ra")
