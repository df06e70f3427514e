"""A whole chi bộ's packet, end to end (issue 5, "Speed, measured by a benchmark"). Prints its figures.

A temp DATA_DIR with SQLite, the `demo` command with --members (plus the chi bộ's own documents), a warm pool of
one LibreOffice per core, then: the cold packet (empty PDF cache), the packet again after one member's edit, the
pool's conversion throughput, the naive way (a fresh `soffice --convert-to pdf` per document, then a pypdf merge)
and, with --memory N, each instance's peak RSS over N conversions with recycling.

Usage: .venv/bin/python bench/bench_packet.py [--members 30] [--naive 10] [--memory 0] [--size CORES]
"""
from __future__ import annotations

import argparse
import atexit
import io
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

from pypdf import PdfReader, PdfWriter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

YEAR = 2026
MIB = 1024


def verdict(ok: bool, miss: str = "SLOWER THAN TARGET") -> str:
    return "OK" if ok else miss


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def generate(app, members: int, year: int) -> int:
    """`flask demo --members N --year Y`, then the chi bộ's unit documents and Mẫu 05; the chi bộ's id."""
    from service import demo_bulk
    from service.models import Document, Unit
    from service.regimes import regime_for_year

    out = app.test_cli_runner().invoke(args=["demo", "--members", str(members), "--year", str(year)])
    assert out.exit_code == 0, out.output
    parent_id = int(re.search(r"\(mã (\d+)\)", out.output).group(1))
    with app.extensions["db"].session() as session:
        unit = session.get(Unit, parent_id).children[0]
        have = {d.kind_code for d in session.query(Document).filter(Document.subject_unit_id == unit.id)}
        if f"collective-report-{regime_for_year(year).code}" not in have:  # the CLI fills the members' papers only
            demo_bulk.fill_unit_documents(session, unit, year)
        return unit.id


def naive(docx_files: list[bytes], sample: list[int], work: Path) -> float:
    """Seconds per document for a fresh `soffice --headless --convert-to pdf` each (first run makes the profile)."""
    profile = (work / "profile").as_uri()

    def run(i: int) -> None:
        src = work / f"doc{i}.docx"
        src.write_bytes(docx_files[i])
        subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation={profile}",
                        "--convert-to", "pdf", "--outdir", str(work), str(src)],
                       check=True, capture_output=True, timeout=180)
        assert (work / f"doc{i}.pdf").read_bytes().startswith(b"%PDF-")

    run(sample[0])  # creates the profile: not counted, as a real user's soffice already has one
    t0 = time.perf_counter()
    for i in sample:
        run(i)
    return (time.perf_counter() - t0) / len(sample)


def merge(pdfs: list[bytes]) -> float:
    """Seconds for a plain pypdf merge (the naive way's last step)."""
    t0 = time.perf_counter()
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(PdfReader(io.BytesIO(pdf)), import_outline=False)
    writer.write(io.BytesIO())
    return time.perf_counter() - t0


def memory(pool, docx_files: list[bytes], count: int) -> dict[int, int]:
    """Convert `count` documents (cycling) with the pool's size in parallel; peak soffice.bin RSS per instance."""
    peaks: dict[int, int] = {}
    stop, lock = threading.Event(), threading.Lock()

    def sample() -> None:
        for inst in pool.stats["instances"]:
            if inst["rss_kib"]:
                with lock:
                    peaks[inst["index"]] = max(peaks.get(inst["index"], 0), inst["rss_kib"])

    def sampler() -> None:
        while not stop.wait(0.2):
            sample()

    thread = threading.Thread(target=sampler, daemon=True)
    thread.start()
    with ThreadPoolExecutor(pool.size) as ex:
        for _ in ex.map(lambda i: (pool.to_pdf(docx_files[i % len(docx_files)]), sample()), range(count)):
            pass
    def settled() -> bool:  # every recycled or failed instance has been started again
        stats = pool.stats
        return (stats["restarts"] >= stats["recycles"] + stats["crashes"] + stats["timeouts"]
                and all(i["running"] for i in stats["instances"]))

    deadline = time.monotonic() + 60  # let the last recycled instance come back: counted, and not killed mid-start
    while not settled() and time.monotonic() < deadline:
        time.sleep(0.2)
    stop.set()
    thread.join()
    sample()
    return peaks


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=30)
    ap.add_argument("--year", type=int, default=YEAR)
    ap.add_argument("--naive", type=int, default=10, help="documents through a fresh soffice each (extrapolated)")
    ap.add_argument("--memory", type=int, default=0, help="conversions for the memory check (issue: 2000)")
    ap.add_argument("--size", type=int, default=None, help="pool size (default: cores)")
    args = ap.parse_args()

    root = Path(tempfile.mkdtemp(prefix="bench-packet-"))
    atexit.register(shutil.rmtree, root, True)  # atexit runs last-registered first: pools close before this
    os.environ["DATA_DIR"] = str(root / "data")
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    from app import create_app
    from service import documents, dossier
    from service.config import Settings
    from service.convert import ConverterPool
    from service.models import Document, Unit
    from service.packets import PacketInfo, Part, build_packet
    from service.pdfcache import PdfCache

    settings = Settings.from_env()
    size = args.size or cores()
    pool = ConverterPool(size, timeout=settings.converter_timeout, recycle_after=settings.converter_recycle_after,
                         work_dir=root / "converter")
    atexit.register(pool.close)  # soffice runs in its own session: never leave it behind, even on an error
    app = create_app({"TESTING": True, "CONVERTER_POOL": pool, "CONVERTER_AUTOSTART": False})
    logging.getLogger().setLevel(logging.WARNING)
    t0 = time.perf_counter()
    unit_id = generate(app, args.members, args.year)
    print(f"machine: {cores()} cores; pool: {size} LibreOffice instances, recycle after "
          f"{settings.converter_recycle_after} documents")
    print(f"generated chi bộ of {args.members} members with `demo --members {args.members}` + unit documents: "
          f"{time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    pool.start()
    started = time.perf_counter() - t0

    calls: list[str] = []

    def convert(docx: bytes, name: str, pdfa: bool) -> bytes:
        calls.append(name)
        return pool.to_pdf(docx, pdfa=pdfa, name=name)

    db = app.extensions["db"]
    with db.session() as session:
        unit = session.get(Unit, unit_id)
        t0 = time.perf_counter()
        plan = dossier.plan(session, unit, args.year, "chi_bo")
        plan_s = time.perf_counter() - t0
        # warm: every instance has converted a real document before the clock starts
        warm = [dossier.render_docx(session, d) for d in plan.docs[:size]]
        with ThreadPoolExecutor(size) as ex:
            list(ex.map(pool.to_pdf, warm))
        print(f"pool start: {started:.1f} s, then one warm-up document per instance; plan(): {plan_s * 1000:.0f} ms")

        cache = PdfCache(root / "cache-cold")
        t0 = time.perf_counter()
        built = dossier.build(session, plan, convert, cache, packet_code="PBENCH1", workers=size)
        packet, archive = built.pdf, built.zip
        cold = time.perf_counter() - t0
        cold_calls, cold_renders = len(calls), cache.renders.misses

        member_doc = next(d for d in plan.docs if d.kind_code.startswith(("member-review", "leader-review")))
        doc = session.get(Document, member_doc.document_id)
        documents.save_revision(session, doc, {**doc.data, "a_vi": doc.data["a_vi"] + " Bổ sung sau hội nghị."},
                                None, status="submitted")
        t0 = time.perf_counter()
        packet2 = dossier.build(session, plan, convert, cache, packet_code="PBENCH1", workers=size).pdf
        edit = time.perf_counter() - t0
        edit_calls, edit_renders = len(calls) - cold_calls, cache.renders.misses - cold_renders

        t0 = time.perf_counter()
        for d in plan.docs:
            dossier.render_docx(session, d)
        render_s = time.perf_counter() - t0

    with zipfile.ZipFile(io.BytesIO(archive)) as z:  # in packet order: each document's DOCX, then its PDF
        names = z.namelist()
        docx_files = [z.read(n) for n in names if n.endswith(".docx")]
        part_pdfs = [z.read(n) for n in names if n.endswith(".pdf")]
    n_docs = len(plan.docs)
    part_pages = sum(len(PdfReader(io.BytesIO(p)).pages) for p in part_pdfs)
    total_pages = len(PdfReader(io.BytesIO(packet)).pages)
    assert len(docx_files) == n_docs and len(PdfReader(io.BytesIO(packet2)).pages) == total_pages

    t0 = time.perf_counter()
    with ThreadPoolExecutor(size) as ex:
        assert all(p.startswith(b"%PDF-") for p in ex.map(pool.to_pdf, docx_files))
    rate = n_docs / (time.perf_counter() - t0)

    t0 = time.perf_counter()
    build_packet(PacketInfo("PBENCH2", "Chi bộ", args.year, "Quy định", date.today(), "HỒ SƠ"),
                 [Part(p, f"Văn bản {i}", f"D{i}", ("Chi bộ",)) for i, p in enumerate(part_pdfs)])
    assemble_s = time.perf_counter() - t0

    sample = sorted({round(i * (n_docs - 1) / max(1, args.naive - 1)) for i in range(args.naive)})
    naive_work = root / "naive"
    naive_work.mkdir()
    per_doc = naive(docx_files, sample, naive_work)
    merge_s = merge(part_pdfs)
    naive_total = render_s + per_doc * n_docs + merge_s
    ratio = naive_total / cold

    print()
    print(f"packet: {n_docs} documents, {part_pages} pages of documents + {total_pages - part_pages} cover/contents "
          f"= {total_pages} pages, {len(packet) / 1e6:.1f} MB (issue: about 100 documents, about 200 pages)")
    print(f"cold packet (empty PDF cache, LibreOffice warm): {cold:.1f} s, {cold_calls} conversions "
          f"(target ≤ 15 s, aim 10 s): {verdict(cold <= 15)}")
    print(f"  where the time goes, each measured alone: render+check {n_docs} DOCX {render_s:.1f} s "
          f"({render_s / n_docs * 1000:.0f} ms each, one thread); convert {n_docs / rate:.1f} s on {size} instances; "
          f"assemble (cover, contents, bookmarks, QR, compress) {assemble_s:.1f} s")
    print(f"after one member's edit (same cache): {edit:.2f} s, {edit_calls} document converted "
          f"(target ≤ 2 s, 1 conversion): {verdict(edit <= 2 and edit_calls == 1)}")
    print(f"  {edit_renders} document rendered again (the others come from the render cache: same data, template "
          f"and code), 1 converted, then the packet is assembled again ({assemble_s:.1f} s)")
    print(f"conversion throughput, pool of {size}: {rate:.1f} documents/s (target ≥ 8): {verdict(rate >= 8)}")
    print(f"naive: fresh `soffice --headless --convert-to pdf` per document, measured on {len(sample)} of {n_docs} "
          f"documents: {per_doc:.2f} s each, EXTRAPOLATED to {n_docs}: {per_doc * n_docs:.0f} s; + render "
          f"{render_s:.1f} s + pypdf merge of all {n_docs} {merge_s:.1f} s = {naive_total:.0f} s")
    print(f"ours vs naive: {ratio:.1f}x faster (naive {naive_total:.0f} s / our cold packet {cold:.1f} s; "
          f"target ≥ 10x): {verdict(ratio >= 10)}")

    if args.memory:
        pool.close()  # a fresh pool: only these conversions count toward recycling
        pool = ConverterPool(size, timeout=settings.converter_timeout,
                             recycle_after=settings.converter_recycle_after, work_dir=root / "converter-memory")
        atexit.register(pool.close)
        pool.start()
        t0 = time.perf_counter()
        peaks = memory(pool, docx_files, args.memory)
        stats = pool.stats
        took = time.perf_counter() - t0
        worst = max(peaks.values()) / MIB
        print(f"memory: {args.memory} conversions in {took:.0f} s ({args.memory / took:.1f}/s), recycle after "
              f"{pool.recycle_after}: {stats['recycles']} recycles, {stats['restarts']} restarts, "
              f"{stats['failures']} failures")
        for index, kib in sorted(peaks.items()):
            print(f"  instance {index}: peak soffice.bin VmRSS {kib / MIB:.0f} MiB")
        print(f"  worst instance {worst:.0f} MiB (target < 400 MiB): {verdict(worst < 400, 'OVER TARGET')}")
    pool.close()


if __name__ == "__main__":
    main()
