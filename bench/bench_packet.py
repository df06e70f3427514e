"""A chi bộ's packet through the API, as a secretary meets it (issue 15). Prints its figures and writes them as JSON.

A temp DATA_DIR with SQLite, `demo --members N` (plus the chi bộ's own documents), a warm pool of one LibreOffice
per core, then, each through POST /api/v1/units/<id>/packets → poll the job → GET the PDF (a new job, so a new
packet code, every time, as the service always does):
- the cold packet (empty caches) and where its time went (render, conversion, stamping, assembly, ZIP, records);
- the same packet again, unchanged; then after one member's edit;
- assembly alone (cover, contents, nested bookmarks, "Trang x/y" on every page, QR codes) with a new packet code;
- the pool's throughput (documents/s per instance), rendering alone;
- the naive way (a fresh `soffice --convert-to pdf` per document on a sample, extrapolated, then a plain pypdf
  merge), and the ratio;
- a single document's PDF through GET /api/v1/documents/<id>/file?format=pdf: unchanged, and after an edit.
Figures go to bench/results/packet-<time>.json with the machine's cores, load and the commit.

Usage: .venv/bin/python bench/bench_packet.py [--members 30] [--naive 5] [--size CORES] [--repeat 3]
"""
from __future__ import annotations

import argparse
import atexit
import io
import json
import logging
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timezone
from pathlib import Path

from pypdf import PdfReader, PdfWriter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

YEAR = 2026


def verdict(ok: bool) -> str:
    return "OK" if ok else "SLOWER THAN TARGET"


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True,
                           text=True).stdout.strip()
    return done.stdout.strip() + ("-dirty" if dirty else "")


def write_results(name: str, figures: dict) -> Path:
    """bench/results/<name>-<UTC time>.json with the machine and the commit, so runs can be compared."""
    folder = ROOT / "bench" / "results"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"{name}-{stamp}.json"
    record = {"bench": name, "at": stamp, "commit": commit(), "cores": cores(), "load_before": figures.pop(
        "load_before", None), "load_after": list(os.getloadavg()), **figures}
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    return path


def generate(app, members: int, year: int) -> int:
    """`flask demo --members N --year Y`, then the chi bộ's unit documents; the chi bộ's id."""
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


class Timings(logging.Handler):
    """Catches the timings the packet job logs (service.dossier), so the API run can say where its time went."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.last: dict = {}

    def emit(self, record: logging.LogRecord) -> None:
        timings = getattr(record, "packet_timings", None)
        if timings:
            self.last = dict(timings)


def process_cpu() -> float:
    """CPU seconds of this process, every thread (the job's, the pool's, the poller)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def proc_stat(pid: int | str) -> list[bytes] | None:
    """The fields of /proc/<pid>/stat after the command name, or None once the process is gone. Counted from the
    state: [1] parent, [2] process group, [11] user and [12] system CPU in clock ticks, [19] start time."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()
    except OSError:
        return None


def stat_cpu(fields: list[bytes]) -> tuple[int, float]:
    """(start time in clock ticks since boot, user + system CPU seconds) from proc_stat's fields."""
    return int(fields[19]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def libreoffice_cpu(pool) -> float:
    """CPU seconds of the pool's LibreOffice processes (soffice.bin and its UNO worker) still running."""
    from service.convert.instance import group_pids

    total = 0.0
    for inst in pool._instances:
        if inst.proc is None:
            continue
        for pid in group_pids(inst.proc.pid):
            if (fields := proc_stat(pid)) is not None:
                total += stat_cpu(fields)[1]
    return total


def naive(docx_files: list[bytes], sample: list[int], work: Path) -> float:
    """Seconds per document for a fresh `soffice --headless --convert-to pdf` each (first run makes the profile)."""
    profile = (work / "profile").as_uri()

    def run(i: int) -> None:
        src = work / f"doc{i}.docx"
        src.write_bytes(docx_files[i])
        subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation={profile}",
                        "--convert-to", "pdf", "--outdir", str(work), str(src)],
                       check=True, capture_output=True, timeout=300)
        assert (work / f"doc{i}.pdf").read_bytes().startswith(b"%PDF-")

    run(sample[0])  # creates the profile: not counted, as a real user's soffice already has one
    t0 = time.perf_counter()
    for i in sample:
        run(i)
    return (time.perf_counter() - t0) / len(sample)


def plain_merge(pdfs: list[bytes]) -> float:
    """Seconds for a plain pypdf merge (the naive way's last step)."""
    t0 = time.perf_counter()
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(PdfReader(io.BytesIO(pdf)), import_outline=False)
    writer.write(io.BytesIO())
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=30)
    ap.add_argument("--year", type=int, default=YEAR)
    ap.add_argument("--naive", type=int, default=5, help="documents through a fresh soffice each (extrapolated)")
    ap.add_argument("--size", type=int, default=None, help="pool size (default: cores)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of the warm cases (the median is reported)")
    args = ap.parse_args()
    load_before = list(os.getloadavg())

    root = Path(tempfile.mkdtemp(prefix="bench-packet-"))
    atexit.register(shutil.rmtree, root, True)  # atexit runs last-registered first: pools close before this
    os.environ["DATA_DIR"] = str(root / "data")
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY"):
        os.environ.pop(name, None)
    from app import create_app
    from service import documents, dossier, packets
    from service.config import Settings
    from service.convert import ConverterPool
    from service.models import Document, Unit
    from service.packets import PacketInfo, Part, assemble_packet
    from service.pdfcache import PdfCache

    settings = Settings.from_env()
    size = args.size or cores()
    pool = ConverterPool(size, timeout=settings.converter_timeout, recycle_after=settings.converter_recycle_after,
                         work_dir=root / "converter")
    atexit.register(pool.close)  # soffice runs in its own session: never leave it behind, even on an error
    app = create_app({"TESTING": True, "CONVERTER_POOL": pool, "CONVERTER_AUTOSTART": False})
    logging.getLogger().setLevel(logging.WARNING)
    timings = Timings()
    logging.getLogger("service.dossier").addHandler(timings)
    logging.getLogger("service.dossier").setLevel(logging.INFO)
    t0 = time.perf_counter()
    unit_id = generate(app, args.members, args.year)
    generated = time.perf_counter() - t0
    token = app.test_cli_runner().invoke(args=["tokens", "create", "admin"]).output.strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    print(f"machine: {cores()} cores, load {load_before[0]:.1f}; pool: {size} LibreOffice instances; "
          f"commit {commit()}")
    print(f"generated chi bộ of {args.members} members (`demo --members {args.members}` + unit documents): "
          f"{generated:.1f} s")
    t0 = time.perf_counter()
    pool.start()
    db = app.extensions["db"]
    with db.session() as session:
        plan = dossier.plan(session, session.get(Unit, unit_id), args.year, "chi_bo")
        warm = [dossier.render_docx(session, d) for d in plan.docs[:size]]
    with ThreadPoolExecutor(size) as ex:  # every instance has converted a real document before the clock starts
        list(ex.map(pool.to_pdf, warm))
    packets.warm_up()   # what a running worker has done at its start (web/worker.py, web/pdf.py): fonts, fpdf2
    print(f"pool start + one warm-up document per instance + packet fonts: {time.perf_counter() - t0:.1f} s")

    def packet() -> tuple[float, bytes, dict]:
        """POST the packet, poll the job, download the PDF: the seconds a user waits."""
        t0 = time.perf_counter()
        resp = client.post(f"/api/v1/units/{unit_id}/packets", json={"year": args.year, "kind": "chi_bo"},
                            headers=headers)
        assert resp.status_code == 202, resp.get_data(as_text=True)
        job_id = resp.get_json()["id"]
        deadline = time.monotonic() + 900
        while True:
            job = client.get(f"/api/v1/jobs/{job_id}", headers=headers).get_json()
            if job["state"] not in ("queued", "running"):
                break
            assert time.monotonic() < deadline, job
            time.sleep(0.05)  # the poll runs in the job's process (GIL): not too often
        assert job["state"] == "done", job
        pdf = client.get(f"/api/v1/jobs/{job_id}/result?format=pdf", headers=headers).data
        return time.perf_counter() - t0, pdf, dict(timings.last)

    office_cpu, own_cpu, busy = libreoffice_cpu(pool), process_cpu(), pool.stats["busy_s"]
    cold, cold_pdf, cold_t = packet()
    cold_cpu = {"this_process": round(process_cpu() - own_cpu, 2),
                "libreoffice": round(libreoffice_cpu(pool) - office_cpu, 2),
                "instances_busy_s": round(pool.stats["busy_s"] - busy, 2)}
    cold_cpu["cores_busy"] = round((cold_cpu["this_process"] + cold_cpu["libreoffice"]) / cold, 2)
    pages = len(PdfReader(io.BytesIO(cold_pdf)).pages)
    runs = [packet() for _ in range(args.repeat)]
    unchanged = statistics.median(r[0] for r in runs)
    unchanged_t = runs[len(runs) // 2][2]

    edits = []
    with db.session() as session:
        members_docs = [d for d in plan.docs if d.kind_code.startswith(("member-review", "leader-review"))]
    for n in range(args.repeat):
        with db.session() as session:
            doc = session.get(Document, members_docs[n % len(members_docs)].document_id)
            documents.save_revision(session, doc, {**doc.data, "a_vi": doc.data["a_vi"] + f" Bổ sung lần {n + 1}."},
                                    None, status="submitted")
        edits.append(packet())
    edit = statistics.median(r[0] for r in edits)
    edit_t = edits[len(edits) // 2][2]

    # assembly alone, parts from the cache the job filled, a new packet code each time
    cache = PdfCache(settings.data_dir / "pdf-cache")
    with db.session() as session:
        plan = dossier.plan(session, session.get(Unit, unit_id), args.year, "chi_bo")
        ready = dossier.prepare(session, plan, lambda *_: b"", cache)
        info = dossier.packet_info(plan, "PBENCH0", settings.default_place)
    parts = [Part(r.pdf, d.title, d.doc_code, d.path, print_code=dossier.print_code_of(d))
             for d, r in zip(plan.docs, ready)]
    stamped = {d.doc_code: r.stamped for d, r in zip(plan.docs, ready)}
    assembly = []
    for n in range(max(3, args.repeat)):
        t0 = time.perf_counter()
        assemble_packet(PacketInfo(**{**info.__dict__, "packet_code": f"PBENCH{n + 1}"}), parts,
                        stamped=lambda part: stamped[part.doc_code])
        assembly.append(time.perf_counter() - t0)
    assemble_s = statistics.median(assembly)
    t0 = time.perf_counter()
    assemble_packet(info, [Part(r.pdf, d.title, d.doc_code, d.path) for d, r in zip(plan.docs, ready)])
    assemble_fresh = time.perf_counter() - t0  # every page's QR drawn from nothing (packet-coded, the old way)

    docx_files = [r.docx for r in ready]
    part_pdfs = [r.pdf for r in ready]
    n_docs = len(plan.docs)
    part_pages = sum(len(PdfReader(io.BytesIO(p)).pages) for p in part_pdfs)

    with db.session() as session:   # rendering alone, one thread, every document
        t0 = time.perf_counter()
        for d in plan.docs:
            dossier.render_docx(session, d)
        render_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    with ThreadPoolExecutor(size) as ex:
        assert all(p.startswith(b"%PDF-") for p in ex.map(pool.to_pdf, docx_files))
    rate = n_docs / (time.perf_counter() - t0)

    # a single document through the route: unchanged (its PDF and stamped part are cached), then after an edit
    single_doc = members_docs[-1].document_id
    url = f"/api/v1/documents/{single_doc}/file?format=pdf"
    assert client.get(url, headers=headers).status_code == 200   # first print records its code
    singles = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        resp = client.get(url, headers=headers)
        singles.append(time.perf_counter() - t0)
        assert resp.status_code == 200 and resp.data.startswith(b"%PDF-")
    single_unchanged = statistics.median(singles)
    changed = []
    for n in range(args.repeat):
        with db.session() as session:
            doc = session.get(Document, single_doc)
            documents.save_revision(session, doc, {**doc.data, "a_vi": doc.data["a_vi"] + f" Sửa {n}."}, None,
                                    status="submitted")
        t0 = time.perf_counter()
        resp = client.get(url, headers=headers)
        changed.append(time.perf_counter() - t0)
        assert resp.status_code == 200
    single_changed = statistics.median(changed)

    sample = sorted({round(i * (n_docs - 1) / max(1, args.naive - 1)) for i in range(args.naive)})
    naive_work = root / "naive"
    naive_work.mkdir()
    per_doc = naive(docx_files, sample, naive_work)
    merge_s = plain_merge(part_pdfs)
    naive_total = render_s + per_doc * n_docs + merge_s
    ratio = naive_total / cold

    def stages(t: dict) -> str:
        total = t.get("total_s") or 1
        keys = [("prepare_s", "render+convert pipeline"), ("render_s", "  of it rendering (this thread)"),
                ("submitted_s", "  all handed to the pool after"), ("wait_s", "  then waiting for conversions"),
                ("convert_s", "  conversion calls (sum over threads)"), ("stamp_s", "  QR stamping of new parts"),
                ("assemble_s", "assembly"), ("zip_s", "ZIP"), ("record_s", "recording codes"),
                ("write_s", "writing files"), ("job_thread_cpu_s", "CPU of the job's thread (load-independent)")]
        return "\n".join(f"    {label:<40} {t.get(k, 0):6.2f} s  ({100 * t.get(k, 0) / total:4.0f} %)"
                         for k, label in keys)

    print()
    print(f"packet: {n_docs} documents, {part_pages} pages of documents + {pages - part_pages} cover/contents = "
          f"{pages} pages, {len(cold_pdf) / 1e6:.1f} MB")
    print(f"cold packet through the API (empty caches, LibreOffice warm): {cold:.2f} s (target ≤ 6 s): "
          f"{verdict(cold <= 6)}; {cold_t.get('rendered')} rendered, {cold_t.get('converted')} converted")
    print(f"  inside the job ({cold_t.get('total_s', 0):.2f} s):\n{stages(cold_t)}")
    print(f"  CPU during the cold packet: this process {cold_cpu['this_process']:.2f} s (rendering, stamping, "
          f"assembly, the poller), LibreOffice {cold_cpu['libreoffice']:.2f} s: {cold_cpu['cores_busy']:.2f} of "
          f"{cores()} cores busy; the {size} LibreOffice instances converting "
          f"{100 * cold_cpu['instances_busy_s'] / (size * cold_t.get('prepare_s', cold)):.0f} % of the pipeline's "
          f"time")
    print(f"unchanged, built again (new packet code; median of {args.repeat}): {unchanged:.2f} s (target ≤ 1 s): "
          f"{verdict(unchanged <= 1)}; {unchanged_t.get('rendered')} rendered, {unchanged_t.get('converted')} "
          f"converted")
    print(f"  inside the job ({unchanged_t.get('total_s', 0):.2f} s):\n{stages(unchanged_t)}")
    print(f"after one member's edit (median of {args.repeat}): {edit:.2f} s (target ≤ 1.5 s): {verdict(edit <= 1.5)};"
          f" {edit_t.get('rendered')} rendered, {edit_t.get('converted')} converted")
    print(f"assembly alone, {pages} pages (cover, contents, nested bookmarks, Trang x/y, QR per page, new packet "
          f"code, stamped parts reused): {assemble_s:.3f} s (target ≤ 0.5 s): {verdict(assemble_s <= 0.5)}")
    print(f"  the same with every QR code drawn afresh (no stamped parts): {assemble_fresh:.3f} s")
    print(f"rendering alone, one thread: {render_s:.1f} s ({render_s / n_docs * 1000:.0f} ms a document)")
    print(f"conversion pool of {size}: {rate:.1f} documents/s, {rate / size:.1f} per instance")
    print(f"naive: fresh `soffice --headless --convert-to pdf` per document, measured on {len(sample)} of {n_docs}, "
          f"{per_doc:.2f} s each, EXTRAPOLATED to {n_docs}: {per_doc * n_docs:.0f} s; + render {render_s:.1f} s "
          f"+ pypdf merge {merge_s:.1f} s = {naive_total:.0f} s")
    print(f"ours (cold) vs naive: {ratio:.1f}× faster (target ≥ 30×): {verdict(ratio >= 30)}; unchanged: "
          f"{naive_total / unchanged:.0f}×")
    print(f"single document PDF through the route: unchanged {single_unchanged:.3f} s (target ≤ 0.5 s): "
          f"{verdict(single_unchanged <= 0.5)}; after an edit {single_changed:.3f} s (target ≤ 1 s): "
          f"{verdict(single_changed <= 1)}")
    path = write_results("packet", {
        "load_before": load_before, "members": args.members, "documents": n_docs, "pages": pages,
        "packet_mb": round(len(cold_pdf) / 1e6, 2), "pool_size": size,
        "cold_s": round(cold, 3), "cold_stages": cold_t, "cold_cpu": cold_cpu, "unchanged_s": round(unchanged, 3),
        "unchanged_runs": [round(r[0], 3) for r in runs], "unchanged_stages": unchanged_t,
        "edit_s": round(edit, 3), "edit_runs": [round(r[0], 3) for r in edits], "edit_stages": edit_t,
        "assemble_s": round(assemble_s, 3), "assemble_runs": [round(a, 3) for a in assembly],
        "assemble_fresh_qr_s": round(assemble_fresh, 3), "render_alone_s": round(render_s, 2),
        "convert_docs_per_s": round(rate, 2), "convert_docs_per_s_per_instance": round(rate / size, 2),
        "naive_sample": len(sample), "naive_per_doc_s": round(per_doc, 2), "naive_total_s": round(naive_total, 1),
        "ratio_vs_naive": round(ratio, 1), "single_unchanged_s": round(single_unchanged, 3),
        "single_changed_s": round(single_changed, 3), "date": date.today().isoformat()})
    print(f"figures written to {path.relative_to(ROOT)}")
    pool.close()


if __name__ == "__main__":
    main()
