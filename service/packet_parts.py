"""A đảng bộ's packet in parts: one part per unit (chi bộ), built by every worker that is free, then one assembly
that streams from the parts' files to the packet's file (never the whole packet in memory).

How the work is shared (works with one worker or many, on one machine or several sharing DATA_DIR):
- the packet job writes the plan to its folder (parts/plan.json) and, on RQ, queues helper jobs ("packet-part");
- the packet job and every helper take the next part nobody has taken (a claim file created exclusively), build
  it (render → convert → QR-stamp each document, through the shared caches), write its section PDF and manifest,
  and take the next; a helper that starts when every part is taken has nothing to do and ends at once, so one
  worker alone never waits on a helper that cannot run;
- progress: each part writes how many of its documents are done; the packet job reports the sum, so the bar is
  the same whichever worker does the work;
- a failed part writes its error (naming the chi bộ and the document) and the packet job fails with it; a cancel
  of the packet job stops the helpers at their next document (they read the packet job's row);
- a claimed part whose worker died (no progress for STALE seconds) is taken over by the packet job.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import shutil
import time
import zipfile
from dataclasses import asdict
from pathlib import Path
from typing import Callable

import pikepdf
from sqlalchemy.orm import Session

from .catalog import get_kind, slug
from .errors import ServiceError
from .jobs import JobCancelled, JobContext, register, store
from .jobs.service import DEFAULT_QUEUE, JobService
from .packets import Part
from .packets.stream import FORMAT as STREAM_FORMAT
from .packets.stream import Section, assemble_sections, stamp_section
from .pdfcache import STAMP_VERSION, PdfCache, write_atomically

log = logging.getLogger(__name__)

STALE = 300.0        # seconds without progress before a claimed part is taken over
POLL = 0.2
MAX_HELPERS = 16


def parts_dir(workdir: Path) -> Path:
    return workdir / "parts"


def write_plan(folder: Path, plan_, pdfa: bool) -> None:
    """The plan as the packet job made it, so every worker builds the same documents."""
    data = {"unit_id": plan_.unit.id, "year": plan_.year, "scope": plan_.scope, "pdfa": pdfa,
            "docs": [asdict(d) for d in plan_.docs], "sections": plan_.sections}
    write_atomically(folder / "plan.json", json.dumps(data, ensure_ascii=False).encode())


def read_plan(folder: Path) -> dict:
    from .dossier import PlannedDoc

    data = json.loads((folder / "plan.json").read_bytes())
    data["docs"] = [PlannedDoc(**{**d, "path": tuple(d["path"])}) for d in data["docs"]]
    return data


def _claim(folder: Path, index: int) -> bool:
    """Take part `index` for this process: True for exactly one claimant (O_EXCL on the shared folder)."""
    try:
        fd = os.open(folder / f"{index}.claim", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as fh:
        fh.write(f"{os.getpid()}\n")
    return True


def _state(folder: Path, index: int) -> str:
    """done | failed | claimed | free."""
    if (folder / f"{index}.error").exists():
        return "failed"
    if (folder / f"{index}.section").exists():
        return "done"
    if (folder / f"{index}.claim").exists():
        return "claimed"
    return "free"


def _done_count(folder: Path, sections: list) -> int:
    """Documents done over every part (each part writes its own count)."""
    total = 0
    for index, (_uid, _name, start, end) in enumerate(sections):
        if _state(folder, index) == "done":
            total += end - start
            continue
        try:
            total += int((folder / f"{index}.progress").read_text() or 0)
        except (OSError, ValueError):
            pass
    return total


def section_of(home: Path, manifest: list[dict], name: str) -> Section:
    """A part's section file, its documents (where each sits in it) and where its serialized form is kept."""
    parts = [Part(home / "section.pdf", item["doc"]["title"], item["doc"]["doc_code"], tuple(item["doc"]["path"]),
                  print_code=item["print_code"], qr_done=True, pages=(item["first"], item["pages"]))
             for item in manifest]
    return Section(home / "section.pdf", parts, home / "stamped", name=name)


def section_dir(cache: PdfCache, folder: Path, index: int) -> Path:
    """Where a finished part's files are: the section cache entry its pointer file names."""
    return cache.folder / "sections" / (folder / f"{index}.section").read_text().strip()


def build_part(session: Session, folder: Path, index: int, plan: dict, convert, cache: PdfCache, *,
               workers: int, check_cancelled: Callable[[], None], pdfa: bool = False) -> None:
    """One unit's documents: prepared through the caches, merged (QR codes on, no page numbers) into a section
    file, each DOCX and PDF kept for the ZIP. Sections are kept in the cache by what they hold (each document's
    render key and print code), so after one correction only that unit's section is merged again. The pointer
    file parts/<index>.section is written last: its presence means done."""
    from .dossier import Plan, _pdf_link, prepare, print_code_of, render_keys

    unit_id, name, start, end = plan["sections"][index]
    docs = plan["docs"][start:end]
    progress_file = folder / f"{index}.progress"

    def progress(done: int, _total: int, _step: str) -> None:
        try:
            write_atomically(progress_file, str(done).encode())
        except OSError:
            pass

    digest = hashlib.sha256(b"section-1\0" + STAMP_VERSION + (b"pdfa" if pdfa else b"pdf"))
    for planned, key in zip(docs, render_keys(session, docs)):
        digest.update(f"{_pdf_link(key, pdfa)}:{print_code_of(planned)}:{planned.doc_code}\n".encode())
    key = digest.hexdigest()
    target = cache.folder / "sections" / key
    if (target / "manifest.json").exists():
        os.utime(target / "section.pdf")
        progress(len(docs), len(docs), "")
        write_atomically(folder / f"{index}.section", key.encode())
        return

    sub = Plan(unit=None, year=plan["year"], scope="section", docs=docs, skipped=[])
    try:
        ready = prepare(session, sub, convert, cache, pdfa=pdfa, workers=workers, progress=progress,
                        check_cancelled=check_cancelled)
    except ServiceError as exc:
        raise ServiceError(f"{name}: {exc.message}") from exc
    out = target.with_name(f".{key}.{os.getpid()}.tmp")
    shutil.rmtree(out, ignore_errors=True)
    (out / "files").mkdir(parents=True)
    try:
        manifest = []
        with pikepdf.new() as section:
            for n, (planned, item) in enumerate(zip(docs, ready)):
                (out / "files" / f"{n:04d}.docx").write_bytes(item.docx)
                (out / "files" / f"{n:04d}.pdf").write_bytes(item.pdf)
                with pikepdf.open(io.BytesIO(item.stamped)) as stamped:
                    first = len(section.pages)
                    section.pages.extend(stamped.pages)
                    manifest.append({"doc": asdict(planned), "print_code": print_code_of(planned),
                                     "first": first, "pages": len(stamped.pages)})
                check_cancelled()
            section.save(out / "section.pdf", compress_streams=True)
        # serialized for the final assembly here, by whichever worker built the part (see packets/stream.py)
        stamp_section(section_of(out, manifest, name), out / "stamped" / STREAM_FORMAT)
        write_atomically(out / "manifest.json", json.dumps(manifest, ensure_ascii=False).encode())
        try:
            os.rename(out, target)
        except OSError:   # another worker finished the same section first: theirs is the same
            if not (target / "manifest.json").exists():
                raise
    finally:
        shutil.rmtree(out, ignore_errors=True)
    write_atomically(folder / f"{index}.section", key.encode())


def work_on_parts(session: Session, folder: Path, plan: dict, convert, cache: PdfCache, *, workers: int,
                  check_cancelled: Callable[[], None], pdfa: bool = False, take_over: bool = False) -> int:
    """Claim and build parts until none is free; returns how many this process built. With take_over (the
    packet job), a part claimed by a worker that stopped progressing is built here too."""
    built = 0
    for index in range(len(plan["sections"])):
        check_cancelled()
        if (folder / "failed").exists():
            return built
        mine = _claim(folder, index)
        if not mine and take_over and _stale(folder, index):
            log.warning("part %d of %s: its worker stopped, taken over", index, folder)
            mine = True
        if not mine:
            continue
        try:
            build_part(session, folder, index, plan, convert, cache, workers=workers,
                       check_cancelled=check_cancelled, pdfa=pdfa)
        except ServiceError as exc:
            write_atomically(folder / f"{index}.error", exc.message.encode())
            (folder / "failed").touch()
            return built
        built += 1
    return built


def _stale(folder: Path, index: int) -> bool:
    if _state(folder, index) != "claimed":
        return False
    marks = [folder / f"{index}.progress", folder / f"{index}.claim"]
    newest = max((p.stat().st_mtime for p in marks if p.exists()), default=0)
    return time.time() - newest > STALE


def queue_helpers(ctx: JobContext, settings, count: int) -> list[str]:
    """Helper jobs on RQ (none without REDIS_URL: the packet job then builds every part itself)."""
    if not settings.redis_url or count < 1:
        return []
    service = JobService(ctx.database, settings.data_dir, settings.redis_url,
                         queue_name=os.environ.get("JOBS_QUEUE", DEFAULT_QUEUE))
    try:
        return [service.enqueue("packet-part", {"parent_id": ctx.job_id},
                                dedupe_key=f"packet-part:{ctx.job_id}:{n}").id for n in range(count)]
    finally:
        service.shutdown()


def build_in_parts(ctx: JobContext, session: Session, plan_, convert, cache: PdfCache, info, *, workers: int,
                   settings, pdfa: bool = False, timings: dict | None = None) -> tuple[list, Path, Path]:
    """The packet job's side: share the parts out, build its share, wait for the rest, assemble by streaming.
    Returns the page runs and the packet's PDF and ZIP files (in the job folder); `timings` gets seconds per
    step (parts, front, stamp, write, zip), how many parts this job took (built, or found in the cache) and how
    many sections the assembly had to serialize itself."""
    from .dossier import _page_runs, _safe  # one place for the runs and the folder names

    started = time.perf_counter()
    folder = parts_dir(ctx.workdir)
    folder.mkdir(parents=True, exist_ok=True)
    write_plan(folder, plan_, pdfa)
    plan = read_plan(folder)
    sections = plan["sections"]
    total = len(plan["docs"])
    helpers = queue_helpers(ctx, settings, min(len(sections) - 1, MAX_HELPERS))
    ctx.progress(0, total, f"Chia {len(sections)} phần cho {len(helpers) + 1} tiến trình")

    def check() -> None:
        ctx.check_cancelled()
        ctx.progress(_done_count(folder, sections), total, "Tạo và chuyển văn bản")

    built_here = work_on_parts(session, folder, plan, convert, cache, workers=workers, check_cancelled=check,
                               pdfa=pdfa, take_over=False)
    deadline_step = time.monotonic()
    while True:   # the parts other workers took
        states = [_state(folder, i) for i in range(len(sections))]
        failed = [i for i, s in enumerate(states) if s == "failed"]
        if failed:
            raise ServiceError((folder / f"{failed[0]}.error").read_text())
        if all(s == "done" for s in states):
            break
        check()
        if time.monotonic() - deadline_step > 5:
            deadline_step = time.monotonic()
            built_here += work_on_parts(session, folder, plan, convert, cache, workers=workers,
                                        check_cancelled=check, pdfa=pdfa, take_over=True)
        time.sleep(POLL)

    ctx.progress(total, total, "Ghép hồ sơ")
    spent = timings if timings is not None else {}
    spent["parts_s"], spent["parts_taken_here"] = time.perf_counter() - started, built_here
    files: list[Section] = []
    for index, (_uid, name, _start, _end) in enumerate(sections):
        home = section_dir(cache, folder, index)
        files.append(section_of(home, json.loads((home / "manifest.json").read_bytes()), name))
    stem = f"Ho-so-{slug(plan_.unit.name)}-{plan_.year}"
    pdf_path = ctx.path(f"{stem}.pdf")
    tmp = pdf_path.with_name(f".{pdf_path.name}.tmp")
    try:
        printed = assemble_sections(info, files, to=tmp, timings=spent, check_cancelled=ctx.check_cancelled,
                                    fronts=cache.folder / "fronts",
                                    progress=lambda step: ctx.progress(total, total, step))
        os.replace(tmp, pdf_path)
    finally:
        tmp.unlink(missing_ok=True)
    t0 = time.perf_counter()
    zip_path = ctx.path(f"{stem}.zip")
    with ctx.open_atomic(zip_path.name) as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED) as archive:
        number = 0
        for section in files:
            folder_n = section.pdf.parent / "files"
            for n, part in enumerate(json.loads((folder_n.parent / "manifest.json").read_bytes())):
                number += 1
                doc = part["doc"]
                kind = get_kind(doc["kind_code"])
                where = "/".join(_safe(p) for p in doc["path"])
                stem_n = f"{number:04d}-{kind.stem(plan_.year, doc['path'][-1] if len(doc['path']) > 1 else '')}"
                archive.write(folder_n / f"{n:04d}.docx", f"{where}/{stem_n}.docx")
                archive.write(folder_n / f"{n:04d}.pdf", f"{where}/{stem_n}.pdf")
    spent["zip_s"] = time.perf_counter() - t0
    runs = _page_runs(plan_, printed.spans)
    shutil.rmtree(folder, ignore_errors=True)
    return runs, pdf_path, zip_path


@register("packet-part")
def packet_part_task(ctx: JobContext, *, parent_id: str) -> dict[str, str]:
    """A helper: build the parts of packet job `parent_id` nobody has taken yet, then end."""
    from .config import Settings
    from .convert import get_pool

    folder = parts_dir(ctx.workdir.parent / parent_id)
    built = 0
    if (folder / "plan.json").exists():
        pool = get_pool()
        cache = PdfCache(Settings.from_env().data_dir / "pdf-cache")
        plan = read_plan(folder)

        def check() -> None:
            job = store.get(ctx.database, parent_id)
            if job is None or job.cancel_requested or job.state != "running":
                raise JobCancelled(ctx.job_id)
            ctx.check_cancelled()

        with ctx.database.session() as session:
            built = work_on_parts(session, folder, plan,
                                  lambda docx, name, a: pool.to_pdf(docx, pdfa=a, name=name), cache,
                                  workers=pool.size, check_cancelled=check, pdfa=bool(plan.get("pdfa")))
    return {"log": ctx.write_bytes("parts.txt", f"{built}\n".encode())}
