"""Integration tests of the LibreOffice pool: real soffice, real PDFs read back; a missing LibreOffice fails."""
from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
import unicodedata
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from service.convert import ConverterPool, get_pool, probe, set_default_pool
from service.errors import ConversionFailed, ConverterUnavailable

VIETNAMESE = "Nguyễn Thị Ánh Tuyết — Hoàn thành xuất sắc nhiệm vụ; Đảng bộ phường Ậ Ệ Ộ"
UNAVAILABLE = "Trình chuyển đổi PDF (LibreOffice) chưa sẵn sàng. Vui lòng thử lại sau ít phút."


def make_docx(lines: list[str], *, filler_pages: int = 0) -> bytes:
    """A DOCX in Times New Roman everywhere (Calibri would lose Ậ Ệ Ộ), plus optional filler pages."""
    doc = Document()
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    fonts = [defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts")),
             doc.styles["Normal"].element.get_or_add_rPr().get_or_add_rFonts()]
    for rfonts in fonts:
        for attr in list(rfonts.attrib):
            if attr.endswith("Theme"):
                del rfonts.attrib[attr]
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            rfonts.set(qn(attr), "Times New Roman")
    for line in lines:
        doc.add_paragraph(line)
    for i in range(filler_pages * 12):
        doc.add_paragraph(f"Đoạn {i}: {VIETNAMESE}. " * 4)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def pdf_text(pdf: bytes) -> str:
    """Text as poppler reads it, NFC-normalised."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return unicodedata.normalize("NFC", out.stdout.decode("utf-8"))


def font_descriptors(pdf: bytes) -> dict[str, object]:
    """BaseFont name -> FontDescriptor for every font used on every page."""
    found = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"].get_object()["/Font"].get_object().values():
            font = font.get_object()
            if "/DescendantFonts" in font:
                font = font["/DescendantFonts"][0].get_object()
            found[str(font["/BaseFont"])] = font["/FontDescriptor"].get_object()
    return found


def alive(pid: int) -> bool:
    """A pid is alive if /proc has it in any state but zombie (the container's init reaps late)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
    except OSError:
        return False
    return state != b"Z"


def group_members(pool: ConverterPool) -> set[int]:
    """Every live pid in every instance's process group (worker, oosplash, soffice.bin)."""
    return members_of({i["pid"] for i in pool.stats["instances"] if i["pid"]})


def members_of(groups: set[int]) -> set[int]:
    """Every live pid whose process group is one of `groups`, read from /proc."""
    members = set()
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = Path(f"/proc/{entry}/stat").read_bytes().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) in groups and fields[0] != b"Z":
            members.add(int(entry))
    return members


def busy_instance(pool: ConverterPool, wait: float = 10.0) -> dict:
    """The instance a conversion in another thread is using, once it has one."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        busy = [i for i in pool.stats["instances"] if i["busy"] and i["soffice_pid"]]
        if busy:
            return busy[0]
        time.sleep(0.01)
    raise AssertionError("no conversion started")


def in_thread(fn, *args, **kwargs) -> tuple[threading.Thread, dict]:
    """Run fn in a thread; the dict gets 'result' or 'error'."""
    out: dict = {}

    def run() -> None:
        try:
            out["result"] = fn(*args, **kwargs)
        except Exception as exc:  # handed to the test to assert on
            out["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread, out


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    p = ConverterPool(size=2, timeout=30, work_dir=tmp_path_factory.mktemp("convert"))
    p.start()
    yield p
    p.close()


@pytest.fixture(scope="module")
def small_docx() -> bytes:
    return make_docx(["Biên bản kiểm điểm", VIETNAMESE])


@pytest.fixture(scope="module")
def big_docx() -> bytes:
    return make_docx([VIETNAMESE], filler_pages=150)  # ≈ 2 s of work for soffice


def test_vietnamese_text_survives(pool, small_docx):
    pdf = pool.to_pdf(small_docx)
    assert pdf.startswith(b"%PDF-")
    assert VIETNAMESE in pdf_text(pdf)
    assert pool.ready()


def test_fonts_are_embedded_and_not_substituted_badly(pool, small_docx):
    fonts = font_descriptors(pool.to_pdf(small_docx))
    assert fonts, "no fonts found"
    for name, descriptor in fonts.items():
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), name
    assert any("LiberationSerif" in name for name in fonts), fonts.keys()


def test_pdfa_claims_part_2(pool, small_docx):
    pdf = pool.to_pdf(small_docx, pdfa=True)
    xmp = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part(>|=\")2", xmp), xmp[:500]
    assert re.search(r"pdfaid:conformance(>|=\")B", xmp)
    assert VIETNAMESE in pdf_text(pdf)
    plain = pool.to_pdf(small_docx)
    assert b"pdfaid" not in plain


@pytest.mark.parametrize("data", [b"\x00\xffkh\xf4ng ph\xe1i docx" * 50, b"PK\x03\x04" + b"\x00" * 300],
                         ids=["garbage", "fake-zip"])
def test_unreadable_document_fails_cleanly_and_pool_keeps_working(pool, small_docx, data):
    before = pool.stats
    with pytest.raises(ConversionFailed) as info:
        pool.to_pdf(data, name="Bản kiểm điểm Đảng viên")
    assert "Bản kiểm điểm Đảng viên" in info.value.message
    assert "bị hỏng hoặc không đọc được" in info.value.message
    after = pool.stats
    assert after["bad_documents"] == before["bad_documents"] + 1
    assert (after["restarts"], after["crashes"]) == (before["restarts"], before["crashes"])
    assert [i["pid"] for i in after["instances"]] == [i["pid"] for i in before["instances"]]
    assert VIETNAMESE in pdf_text(pool.to_pdf(small_docx))


def test_empty_input_is_refused(pool):
    with pytest.raises(ConversionFailed, match="trống"):
        pool.to_pdf(b"")


def test_killed_soffice_mid_conversion_is_retried(pool, small_docx, big_docx):
    before = pool.stats
    thread, out = in_thread(pool.to_pdf, big_docx)
    victim = busy_instance(pool)
    time.sleep(0.4)
    os.kill(victim["soffice_pid"], signal.SIGKILL)
    thread.join(60)
    assert "error" not in out, out.get("error")
    assert VIETNAMESE in pdf_text(out["result"])
    assert pool.stats["crashes"] == before["crashes"] + 1
    assert VIETNAMESE in pdf_text(pool.to_pdf(small_docx))
    assert not alive(victim["soffice_pid"]) and not alive(victim["pid"])


def test_hung_soffice_is_killed_and_retried(pool, small_docx, big_docx):
    # The time limit comes from this machine's own speed now: a busy machine must not time out the retry too.
    started = time.monotonic()
    pool.to_pdf(big_docx)
    baseline = time.monotonic() - started
    limit = max(6.0, 4 * baseline)
    before = pool.stats
    thread, out = in_thread(pool.to_pdf, big_docx, timeout=limit)
    victim = busy_instance(pool)
    time.sleep(min(0.3, baseline / 4))
    os.kill(victim["soffice_pid"], signal.SIGSTOP)
    thread.join(2 * limit + 60)
    assert not thread.is_alive(), f"no answer within twice the {limit:.1f} s limit"
    assert "error" not in out, out.get("error")
    assert VIETNAMESE in pdf_text(out["result"])
    assert pool.stats["timeouts"] == before["timeouts"] + 1
    assert not alive(victim["soffice_pid"]) and not alive(victim["pid"])
    assert VIETNAMESE in pdf_text(pool.to_pdf(small_docx))


def test_timeout_twice_raises_and_leaves_no_orphans(pool, small_docx, big_docx):
    before_pids = group_members(pool)
    before = pool.stats
    with pytest.raises(ConversionFailed) as info:
        pool.to_pdf(big_docx, timeout=0.05, name="Danh sách Đảng viên")
    assert "Danh sách Đảng viên" in info.value.message and "0.05 giây" in info.value.message
    assert pool.stats["timeouts"] == before["timeouts"] + 2
    assert pool.stats["failures"] == before["failures"] + 1
    assert VIETNAMESE in pdf_text(pool.to_pdf(small_docx))
    current = group_members(pool)
    assert before_pids - current, "no instance was replaced"
    assert not [pid for pid in before_pids - current if alive(pid)]


def test_concurrent_callers(pool):
    docs = {n: make_docx([f"Tài liệu số {n}", VIETNAMESE]) for n in range(6)}
    results: dict[int, bytes] = {}

    def work(numbers: list[int]) -> None:
        for n in numbers:
            results[n] = pool.to_pdf(docs[n], name=f"Tài liệu số {n}")

    threads = [in_thread(work, [n, n + 3]) for n in range(3)]
    for thread, out in threads:
        thread.join(120)
        assert "error" not in out, out.get("error")
    assert sorted(results) == list(range(6))
    for n, pdf in results.items():
        text = pdf_text(pdf)
        assert f"Tài liệu số {n}" in text and VIETNAMESE in text


def test_recycling_restarts_transparently(tmp_path, small_docx):
    with ConverterPool(size=1, recycle_after=2, work_dir=tmp_path) as p:
        pids = []
        for _ in range(5):
            assert VIETNAMESE in pdf_text(p.to_pdf(small_docx))
            pids.append(p.stats["instances"][0]["pid"])  # None while a recycle is restarting it
        stats = p.stats
        assert stats["recycles"] == 2 and stats["restarts"] == 2 and stats["conversions"] == 5
        assert stats["crashes"] == 0 and len(set(pids) - {None}) >= 2
        assert stats["instances"][0]["rss_kib"] > 0
    assert not any(alive(pid) for pid in pids if pid)
    assert list(tmp_path.iterdir()) == []


def test_close_leaves_nothing_behind(tmp_path, small_docx):
    p = ConverterPool(size=1, work_dir=tmp_path)
    p.to_pdf(small_docx)  # starts lazily
    members = group_members(p)
    assert len(members) >= 3  # worker, oosplash, soffice.bin
    p.close()
    assert not [pid for pid in members if alive(pid)]
    assert list(tmp_path.iterdir()) == []
    assert not p.ready()
    with pytest.raises(ConverterUnavailable):
        p.to_pdf(small_docx)


def test_instances_die_with_the_app_process(tmp_path):
    script = ("import sys, time; sys.path.insert(0, sys.argv[1]);"
              "from service.convert import ConverterPool;"
              "p = ConverterPool(size=1, work_dir=sys.argv[2]); p.start();"
              "print(p.stats['instances'][0]['pid'], flush=True); time.sleep(60)")
    with subprocess.Popen([sys.executable, "-c", script, str(Path(__file__).resolve().parents[1]), str(tmp_path)],
                          stdout=subprocess.PIPE, text=True) as app:
        try:
            group = int(app.stdout.readline())
            members = members_of({group})
            assert len(members) >= 3
        finally:
            app.kill()  # SIGKILL: no atexit, no close(); the worker must notice on its own
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in members) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in members if alive(pid)]


def test_probe_reports_missing_libreoffice_in_vietnamese():
    assert probe() is None
    reason = probe(soffice="/khong/co/soffice")
    assert reason and "Không tìm thấy LibreOffice" in reason
    reason = probe(python="/bin/false")
    assert reason and "python3-uno" in reason


@pytest.mark.parametrize("kwargs", [{"soffice": "/khong/co/soffice"}, {"python": "/khong/co/python3"},
                                    {"soffice": "/bin/false"}], ids=["no-soffice", "no-python", "soffice-dies"])
def test_start_raises_converter_unavailable(tmp_path, kwargs):
    p = ConverterPool(size=1, work_dir=tmp_path, **kwargs)
    with pytest.raises(ConverterUnavailable) as info:
        p.start()
    assert info.value.message == UNAVAILABLE and info.value.status == 503
    assert info.value.detail
    assert not p.ready()
    p.close()


def test_default_pool_is_shared_and_replaceable(pool):
    previous = set_default_pool(pool)
    try:
        assert get_pool() is pool
    finally:
        set_default_pool(previous)


def test_a_worker_pool_follows_the_converter_settings(monkeypatch, tmp_path):
    """An RQ worker has no app: its pool still takes CONVERTER_SIZE (one LibreOffice per worker when the workers
    are the unit of scale-out), the time limit and the recycling from the environment, as the app's pool does."""
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CONVERTER_SIZE", "1")
    monkeypatch.setenv("CONVERTER_TIMEOUT", "17")
    monkeypatch.setenv("CONVERTER_RECYCLE_AFTER", "33")
    previous = set_default_pool(None)
    try:
        pool = get_pool()
        assert (pool.size, pool.timeout, pool.recycle_after) == (1, 17.0, 33)
        assert pool.work_dir == tmp_path.resolve() / "converter"
        assert not pool.stats["started"]   # made, not started: the worker starts it in the background
    finally:
        set_default_pool(previous)
