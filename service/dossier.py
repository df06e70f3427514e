"""The review dossier: which documents go into a member's, a chi bộ's or a đảng bộ's packet, and building it.

Pure planning over the database, then render → (cached) convert → assemble; the job task at the end ties it to
service.jobs so the pages, the API and remote workers run the very same code.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import threading
import time
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor, TimeoutError
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, contains_eager, joinedload

from . import bounds, packet_parts, render, templates, text, unit_rules
from .access import subtree_ids
from .catalog import document_context, get_kind, readable_errors, slug
from .convert import get_pool
from .errors import InvalidInput, NotFound, ServiceError
from .jobs import JobContext, register
from .models import Document, Job, Member, ReviewCycle, Unit
from .documents import header_facts
from .packets import (CONTENTS_CODE, COVER_CODE, PacketInfo, PageSpan, Part, assemble_packet, stamp_document,
                      stamp_part)
from .archive import printed
from .archive.printed import PageRun
from .config import Settings
from .jobs.store import prune_job_outputs
from .pdfcache import PdfCache
from .regimes import regime_for_year

log = logging.getLogger(__name__)

SCOPES = {"member": "Hồ sơ của đảng viên", "chi_bo": "Hồ sơ của chi bộ", "dang_bo": "Hồ sơ của đảng bộ"}
MEMBER_ORDER = 100  # packet_order below it: unit documents before the members; from 900: after them


@dataclass(frozen=True)
class PlannedDoc:
    """One document of the packet, in order, with its bookmark path."""

    document_id: int
    kind_code: str
    title: str
    path: tuple[str, ...]
    doc_code: str
    revision: int = 0  # the saved revision that is printed, so a signed copy names what was signed


@dataclass
class Plan:
    """The packet's documents in order, and what was left out because it is not finished."""

    unit: Unit
    year: int
    scope: str
    docs: list[PlannedDoc]
    skipped: list[str]
    # (unit id, unit name, first, end) of each unit's run of docs: the parts a large packet is built in
    sections: list[tuple[int, str, int, int]] = field(default_factory=list)


def _base36(n: int) -> str:
    digits = ""
    while True:
        n, r = divmod(n, 36)
        digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[r] + digits
        if n == 0:
            return digits


def doc_code(document_id: int) -> str:
    """A short upper-case code printed on every page: 'D' + the document id in base 36."""
    return "D" + _base36(document_id)


def single_print_code(document_id: int, revision: int) -> str:
    """The packet code of a saved document printed on its own: the same for the same revision, so every reprint
    of it matches the one record ('V' + id + 'R' + revision in base 36; at most 10 characters up to 60 million
    documents and 46,000 revisions)."""
    return "V" + _base36(document_id) + "R" + _base36(revision)


def print_document(session: Session, doc: Document, convert: Converter, cache: PdfCache) -> bytes:
    """A saved document's PDF with "Trang x/y" and a QR code on every page — the very codes its pages carry in any
    packet — its layout remembered so that the signed scan of this single document is matched like a packet's.
    Unchanged since the last print (same data, template and code): nothing is rendered, converted or re-stamped."""
    kind = get_kind(doc.kind_code)
    who = doc.member.full_name if doc.member else doc.cycle.unit.name
    title = f"{kind.title} – {who}"
    planned = PlannedDoc(doc.id, doc.kind_code, title, (), doc_code(doc.id), doc.revision)
    ready = printable(session, planned, convert, cache)
    code = print_code_of(planned)
    stamped = stamp_document(ready.pdf, code, planned.doc_code, title, stamped=lambda _part: ready.stamped)
    [span] = stamped.spans
    printed.record_packet(session, code=code, job_id=None, unit_id=doc.cycle.unit_id, year=doc.cycle.year,
                          scope="document", title=title,
                          runs=[PageRun(planned.doc_code, doc.id, doc.revision, title, span.first_page,
                                        span.page_count)])
    return stamped.pdf


def _planned(doc: Document, path: tuple[str, ...], who: str) -> PlannedDoc:
    kind = get_kind(doc.kind_code)
    title = f"{kind.title} – {who}" if who else kind.title
    return PlannedDoc(doc.id, doc.kind_code, title, path, doc_code(doc.id), doc.revision)


def plan(session: Session, unit: Unit, year: int, scope: str, member_id: int | None = None) -> Plan:
    """The documents of a packet in official order; drafts and missing ones are listed as skipped."""
    regime_for_year(year)
    if scope not in SCOPES:
        raise InvalidInput("Loại hồ sơ không hợp lệ.", {"kind": [f"Chỉ nhận: {', '.join(SCOPES)}."]})
    result = Plan(unit, year, scope, [], [])
    if scope == "member":
        member = session.get(Member, member_id) if member_id else None
        if member is None or member.unit_id != unit.id:
            raise NotFound("Không tìm thấy đảng viên trong tổ chức này.")
        _add_member(session, result, unit, member, (unit.name,))
        return _checked(result)
    units = [unit] if scope == "chi_bo" else _tree(session, unit)
    for each in units:
        start = len(result.docs)
        _add_unit(session, result, each, (each.name,) if scope == "chi_bo" or each.id == unit.id
                  else (unit.name, each.name))
        if len(result.docs) > start:
            result.sections.append((each.id, each.name, start, len(result.docs)))
    return _checked(result)


def _checked(result: Plan) -> Plan:
    if not result.docs:
        raise InvalidInput("Chưa có văn bản nào đã hoàn thành (lưu và kiểm tra đủ mục) để ghép hồ sơ.")
    return result


def _tree(session: Session, root: Unit) -> list[Unit]:
    ids = subtree_ids(session, root.id)
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(ids)))}
    order, stack = [], [root.id]
    while stack:
        uid = stack.pop()
        order.append(units[uid])
        stack.extend(sorted((u.id for u in units.values() if u.parent_id == uid), reverse=True))
    return order


def _documents(session: Session, unit: Unit, year: int) -> list[Document]:
    return list(session.scalars(select(Document).join(ReviewCycle).options(contains_eager(Document.cycle)).where(
        ReviewCycle.unit_id == unit.id, ReviewCycle.year == year, ReviewCycle.quarter == 0)))


def _ordered(docs: list[Document]) -> list[Document]:
    """The documents that go into packets, in packet order; kinds whose packet_order is None (the ballot: kept
    out of packets) are left out before sorting, as None cannot be compared with a number."""
    keyed = [(order, d.kind_code, d) for d in docs if (order := get_kind(d.kind_code).packet_order) is not None]
    return [d for _, _, d in sorted(keyed, key=lambda t: t[:2])]


def _take(result: Plan, doc: Document, path: tuple[str, ...], who: str) -> None:
    if doc.status == "submitted":
        result.docs.append(_planned(doc, path, who))
    else:
        result.skipped.append(f"{get_kind(doc.kind_code).title}{' – ' + who if who else ''} (chưa hoàn thành)")


def _add_member(session: Session, result: Plan, unit: Unit, member: Member, path: tuple[str, ...]) -> None:
    docs = [d for d in _documents(session, unit, result.year) if d.member_id == member.id]
    for doc in _ordered(docs):
        _take(result, doc, path + (member.full_name,), member.full_name)


def _add_unit(session: Session, result: Plan, unit: Unit, path: tuple[str, ...]) -> None:
    docs = _documents(session, unit, result.year)
    own = _ordered([d for d in docs if d.member_id is None])
    for doc in own:
        if get_kind(doc.kind_code).packet_order < MEMBER_ORDER:
            _take(result, doc, path, "")
    by_member: dict[int, list[Document]] = {}
    for doc in docs:
        if doc.member_id is not None:
            by_member.setdefault(doc.member_id, []).append(doc)
    # Everyone with documents in this cycle, whether still in the chi bộ or since moved on (service.members).
    people = {doc.member.id: doc.member for doc in docs if doc.member is not None}
    for member in text.sort_people(people.values(), key=lambda m: m.full_name):
        for doc in _ordered(by_member.get(member.id, [])):
            _take(result, doc, path + (member.full_name,), member.full_name)
    for doc in own:
        if get_kind(doc.kind_code).packet_order >= MEMBER_ORDER:
            _take(result, doc, path, "")


Converter = Callable[[bytes, str, bool], bytes]  # (docx, name, pdfa) -> pdf


@dataclass(frozen=True)
class BuiltPacket:
    """The packet PDF, the ZIP of every DOCX and PDF, and the page runs printed."""

    pdf: bytes
    zip: bytes
    runs: list[PageRun]


FRONT_TITLES = {COVER_CODE: "Bìa hồ sơ", CONTENTS_CODE: "Mục lục"}


def _page_runs(plan_: Plan, spans: list[PageSpan]) -> list[PageRun]:
    """The packet's page spans with the documents and revisions the plan printed on them."""
    planned = {d.doc_code: d for d in plan_.docs}
    runs = []
    for span in spans:
        doc = planned.get(span.doc_code)
        runs.append(PageRun(span.doc_code, doc.document_id if doc else None, doc.revision if doc else 0,
                            doc.title if doc else FRONT_TITLES[span.doc_code], span.first_page, span.page_count))
    return runs


def render_docx(session: Session, planned: PlannedDoc) -> bytes:
    """The document's DOCX from its saved data, checked again as the API would."""
    doc = session.get(Document, planned.document_id)
    kind = get_kind(doc.kind_code)
    try:
        context = document_context(kind, doc.data, unit_rules.settings_for(session, doc.cycle.unit_id))
    except InvalidInput as exc:
        raise ServiceError(f"Văn bản “{planned.title}” chưa hợp lệ: " + readable_errors(kind, exc.fields, 3)) from exc
    return render.render(kind, context, templates.in_force(session, kind, doc.cycle.unit_id))


@dataclass
class Printable:
    """One document ready for a packet: its DOCX (as people edit it), its PDF, and the PDF with its QR codes."""

    docx: bytes
    pdf: bytes
    stamped: bytes


def print_code_of(planned: PlannedDoc) -> str:
    """The QR code a planned document's pages carry in every packet: its revision's own print code."""
    return single_print_code(planned.document_id, planned.revision)


def _render_key(session: Session, planned: PlannedDoc) -> str:
    doc = session.get(Document, planned.document_id)
    kind = get_kind(doc.kind_code)
    return render.render_key(kind, doc.data, templates.in_force(session, kind, doc.cycle.unit_id),
                             unit_rules.settings_for(session, doc.cycle.unit_id))


def render_keys(session: Session, docs: list[PlannedDoc]) -> list[str]:
    """_render_key of many documents, loaded with their review cycles 500 at a time (a đảng bộ's packet asks for
    thousands: one by one, that was two queries a document)."""
    loaded = []   # held here: the session's identity map keeps objects only while something refers to them
    ids = [d.document_id for d in docs]
    for start in range(0, len(ids), 500):
        loaded += session.scalars(select(Document).where(Document.id.in_(ids[start:start + 500]))
                                  .options(joinedload(Document.cycle))).all()
    return [_render_key(session, d) for d in docs]


def _to_pdf(convert: Converter, planned: PlannedDoc, pdfa: bool) -> Callable[[bytes], bytes]:
    """The conversion of the copy sent to LibreOffice: Word's page numbers out (the stamp numbers every page)."""
    def run(docx: bytes) -> bytes:
        try:
            return convert(render.without_page_numbers(docx), planned.title, pdfa)
        except ServiceError as exc:
            raise ServiceError(f"Không chuyển được văn bản “{planned.title}” sang PDF. {exc.message}") from exc
    return run


def _stamp(cache: PdfCache, planned: PlannedDoc, pdf_key: str, pdf: bytes) -> bytes:
    code = print_code_of(planned)
    return cache.stamped_part(pdf_key, code, planned.doc_code,
                              lambda: stamp_part(pdf, code, planned.doc_code, planned.title))


def printable(session: Session, planned: PlannedDoc, convert: Converter, cache: PdfCache, *,
              pdfa: bool = False) -> Printable:
    """One document through the caches: render, convert and stamp only what changed (the single download's path)."""
    key = _render_key(session, planned)
    docx = cache.renders.get_or_make(key, lambda: render_docx(session, planned))
    linked = cache.linked_pdf(_pdf_link(key, pdfa))
    pdf_key, pdf = linked or cache.convert_linked(_pdf_link(key, pdfa), docx, _to_pdf(convert, planned, pdfa),
                                                  pdfa=pdfa)
    return Printable(docx, pdf, _stamp(cache, planned, pdf_key, pdf))


def _pdf_link(render_key: str, pdfa: bool) -> str:
    return render_key if not pdfa else hashlib.sha256(f"pdfa:{render_key}".encode()).hexdigest()


def prepare(session: Session, plan_: Plan, convert: Converter, cache: PdfCache, *, pdfa: bool = False,
            workers: int = 2, progress: Callable[[int, int, str], None] = lambda *_: None,
            check_cancelled: Callable[[], None] = lambda: None, timings: dict | None = None) -> list[Printable]:
    """Every document of the plan as a Printable, as a pipeline: this thread (which owns the session) renders in
    order and hands each new document to the LibreOffice pool at once, so conversion starts with the first render
    and the pool is never idle while rendering goes on; QR stamping runs in the pool's threads after each
    conversion (two threads per instance, so an instance does not wait for its thread's stamping). Unchanged
    documents (same data, template and code) are neither rendered nor converted again."""
    total = len(plan_.docs)
    results: list[Printable | None] = [None] * total
    done = 0
    spent = timings if timings is not None else {}
    for name in ("render_s", "convert_s", "stamp_s", "wait_s"):
        spent.setdefault(name, 0.0)
    spent.setdefault("rendered", 0)
    spent.setdefault("converted", 0)
    started = time.perf_counter()
    spent_lock = threading.Lock()

    def convert_one(planned: PlannedDoc, key: str, docx: bytes) -> Printable:
        t0 = time.perf_counter()
        pdf_key, pdf = cache.convert_linked(_pdf_link(key, pdfa), docx, _to_pdf(convert, planned, pdfa), pdfa=pdfa)
        t1 = time.perf_counter()
        stamped = _stamp(cache, planned, pdf_key, pdf)
        with spent_lock:   # several pool threads add to the same figures
            spent["convert_s"] += t1 - t0
            spent["stamp_s"] += time.perf_counter() - t1
            spent["converted"] += 1
        return Printable(docx, pdf, stamped)

    # Twice as many threads as instances: while one thread hashes, caches and QR-stamps what its instance just
    # converted (Python, waiting for the GIL the rendering thread holds), another has already handed that instance
    # its next document, so LibreOffice is not left idle between documents.
    executor = ThreadPoolExecutor(max_workers=2 * max(1, workers))
    futures: dict[int, Future] = {}
    try:
        keys = render_keys(session, plan_.docs)
        for index, (planned, key) in enumerate(zip(plan_.docs, keys)):
            check_cancelled()
            t0 = time.perf_counter()
            misses = cache.renders.misses
            docx = cache.renders.get_or_make(key, lambda: render_docx(session, planned))
            spent["render_s"] += time.perf_counter() - t0
            spent["rendered"] += cache.renders.misses - misses
            linked = cache.linked_pdf(_pdf_link(key, pdfa))
            if linked is not None:
                results[index] = Printable(docx, linked[1], _stamp(cache, planned, *linked))
                done += 1
                progress(done, total, f"Đã có sẵn: {planned.title}")
            else:
                futures[index] = executor.submit(convert_one, planned, key, docx)
                progress(done, total, f"Tạo văn bản: {planned.title}")
        spent["submitted_s"] = time.perf_counter() - started   # every document rendered and handed over
        wait_from = time.perf_counter()
        for index, future in futures.items():
            while True:
                check_cancelled()
                try:
                    results[index] = future.result(timeout=0.5)
                    break
                except TimeoutError:
                    continue
            done += 1
            progress(done, total, f"Chuyển PDF: {plan_.docs[index].title}")
        spent["wait_s"] = time.perf_counter() - wait_from
    finally:  # on failure or cancel, queued conversions are dropped, not waited for
        executor.shutdown(wait=True, cancel_futures=True)
    spent["prepare_s"] = time.perf_counter() - started
    return [r for r in results if r is not None]


def packet_info(plan_: Plan, packet_code: str, default_place: str) -> PacketInfo:
    """What the cover says: the unit's Party heading (superior and issuing body, place and date) and the packet."""
    regime = regime_for_year(plan_.year)
    facts = header_facts(plan_.unit, plan_.year, default_place)
    return PacketInfo(packet_code=packet_code, unit=plan_.unit.name, year=plan_.year, regime=regime.regulation,
                      generated_on=date.today(), superior=facts["superior_body"], place=facts["place"],
                      title=f"HỒ SƠ KIỂM ĐIỂM, ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NĂM {plan_.year}")


def build(session: Session, plan_: Plan, convert: Converter, cache: PdfCache, *, packet_code: str,
          pdfa: bool = False, workers: int = 2, progress: Callable[[int, int, str], None] = lambda *_: None,
          check_cancelled: Callable[[], None] = lambda: None, default_place: str = "Hà Nội",
          timings: dict | None = None) -> BuiltPacket:
    """The packet PDF, a ZIP of every DOCX and PDF, and its page runs: prepare() the documents, then assemble.
    `timings`, when given, receives where the time went (seconds per stage, documents rendered and converted)."""
    total = len(plan_.docs)
    spent = timings if timings is not None else {}
    ready = prepare(session, plan_, convert, cache, pdfa=pdfa, workers=workers, progress=progress,
                    check_cancelled=check_cancelled, timings=spent)
    check_cancelled()
    t0 = time.perf_counter()
    stamped = {d.doc_code: r.stamped for d, r in zip(plan_.docs, ready)}
    parts = [Part(r.pdf, d.title, d.doc_code, d.path, print_code=print_code_of(d)) for d, r in zip(plan_.docs, ready)]
    packet = assemble_packet(packet_info(plan_, packet_code, default_place), parts,
                             progress=lambda step: progress(total, total, step),
                             stamped=lambda part: stamped[part.doc_code])
    t1 = time.perf_counter()
    archive = _zip(plan_, [r.docx for r in ready], [r.pdf for r in ready])
    spent["assemble_s"], spent["zip_s"] = t1 - t0, time.perf_counter() - t1
    return BuiltPacket(packet.pdf, archive, _page_runs(plan_, packet.spans))


def _zip(plan_: Plan, docx_files: list[bytes], pdfs: list[bytes]) -> bytes:
    """Every document as DOCX and PDF, in folders following the bookmarks (stored: both are compressed already)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for index, (planned, docx, pdf) in enumerate(zip(plan_.docs, docx_files, pdfs), 1):
            kind = get_kind(planned.kind_code)
            folder = "/".join(_safe(p) for p in planned.path)
            stem = f"{index:03d}-{kind.stem(plan_.year, planned.path[-1] if len(planned.path) > 1 else '')}"
            archive.writestr(f"{folder}/{stem}.docx", docx)
            archive.writestr(f"{folder}/{stem}.pdf", pdf)
    return buffer.getvalue()


def _safe(part: str) -> str:
    return "".join(c for c in text.clean(part) if c not in '/\\:*?"<>|').strip() or "_"



def packet_code(job_id: str) -> str:
    """The packet's short code printed in every QR code: 'P' + the first 6 characters of the job id."""
    return "P" + "".join(c for c in job_id.upper() if c.isalnum())[:6]


@register("packet")
def packet_task(ctx: JobContext, *, unit_id: int, year: int, kind: str, member_id: int | None = None,
                pdfa: bool = False) -> dict[str, str]:
    """The background job: plan, render, convert (pool + cache), assemble; writes packet.pdf and packet.zip."""
    pool = get_pool()
    settings = Settings.from_env()
    cache = PdfCache(ctx.workdir.parents[1] / "pdf-cache")
    planning = time.perf_counter()
    with ctx.database.session() as session:
        unit = session.get(Unit, unit_id)
        if unit is None:
            raise NotFound("Không tìm thấy tổ chức đảng.")
        plan_ = plan(session, unit, year, kind, member_id)
        ctx.progress(0, len(plan_.docs), "Chuẩn bị")
        code = packet_code(ctx.job_id)
        timings: dict = {"plan_s": time.perf_counter() - planning, "started": time.perf_counter(),
                         "cpu_started": time.thread_time()}
        convert = lambda docx, name, a: pool.to_pdf(docx, pdfa=a, name=name)  # noqa: E731
        stem = f"Ho-so-{slug(plan_.unit.name)}-{year}"
        if kind == "dang_bo" and len(plan_.sections) > 1:   # in parts, shared with every free worker; streamed
            runs, pdf_path, zip_path = packet_parts.build_in_parts(
                ctx, session, plan_, convert, cache, packet_info(plan_, code, settings.default_place),
                workers=pool.size, settings=settings, pdfa=pdfa, timings=timings)
            result = {"pdf": pdf_path.name, "zip": zip_path.name}
        else:
            built = build(session, plan_, convert, cache, packet_code=code, pdfa=pdfa, workers=pool.size,
                          default_place=settings.default_place, progress=ctx.progress,
                          check_cancelled=ctx.check_cancelled, timings=timings)
            runs = built.runs
            t0 = time.perf_counter()
            result = {"pdf": ctx.write_bytes(f"{stem}.pdf", built.pdf),
                      "zip": ctx.write_bytes(f"{stem}.zip", built.zip)}
            timings["write_s"] = time.perf_counter() - t0
        ctx.check_cancelled()
        t0 = time.perf_counter()
        record_printed(session, plan_, runs, code=code, job_id=ctx.job_id, scope=kind)
        timings["record_s"] = time.perf_counter() - t0
    timings["total_s"] = time.perf_counter() - timings.pop("started")
    timings["job_thread_cpu_s"] = time.thread_time() - timings.pop("cpu_started")  # load-independent: this thread
    try:   # where a large packet's time went, beside its files (read by bench/bench_dangbo.py)
        ctx.path("timings.json").write_text(json.dumps(timings))
    except (OSError, TypeError, ValueError):
        pass
    log.info("packet %s: %d documents, %s", code, len(plan_.docs),
             ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in timings.items()),
             extra={"packet_timings": {**timings, "code": code, "documents": len(plan_.docs)}})
    housekeeping(ctx.workdir.parents[1], settings, cache)
    return result


def record_printed(session: Session, plan_: Plan, runs: list[PageRun], *, code: str, job_id: str | None,
                   scope: str) -> None:
    """Remember the packet's layout under its code (cover, contents, documents by packet page) and each document's
    own print code with its page count, the code its pages carry, so any scan of them is matched."""
    who = plan_.docs[0].path[-1] if scope == "member" else plan_.unit.name
    printed.record_packet(session, code=code, job_id=job_id, unit_id=plan_.unit.id, year=plan_.year, scope=scope,
                          title=f"{SCOPES[scope]} – {who} – {plan_.year}", runs=runs)
    units = {d.document_id: u for d, u in zip(plan_.docs, _units_of(session, plan_))}
    printed.record_documents(session, year=plan_.year, prints=[
        (print_code_of(d), units[d.document_id],
         PageRun(d.doc_code, d.document_id, d.revision, d.title, 1, run.page_count))
        for d, run in zip(plan_.docs, [r for r in runs if r.document_id is not None])])


def _units_of(session: Session, plan_: Plan) -> list[int]:
    """The unit each planned document belongs to (its review cycle's), in plan order (one query per 500)."""
    ids = [d.document_id for d in plan_.docs]
    unit_of: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        unit_of.update(session.execute(select(Document.id, ReviewCycle.unit_id)
                                       .join(ReviewCycle, Document.cycle_id == ReviewCycle.id)
                                       .where(Document.id.in_(ids[start:start + 500]))).all())
    return [unit_of[i] for i in ids]


def housekeeping(data_dir: Path, settings: Settings, cache: PdfCache) -> None:
    """After a packet: the cache back under CACHE_MAX_MB and job outputs older than JOB_OUTPUT_DAYS removed, at most
    once an hour per data folder (a marker file's time says when it last ran)."""
    marker = data_dir / "pdf-cache" / ".pruned"
    try:
        if marker.exists() and time.time() - marker.stat().st_mtime < 3600:
            return
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        return
    removed = cache.prune(settings.cache_max_mb * 1024 * 1024)
    gone = prune_job_outputs(data_dir, settings.job_output_days)
    if removed or gone:
        log.info("housekeeping: %d cache entries and %d job folders removed", removed, gone)


PACKET_KEYS = {"year", "kind", "member_id", "pdfa"}


def packet_params(session: Session, unit: Unit, payload: dict) -> dict:
    """Check a packet request (unknown keys, types, something to put in it) before any job is queued."""
    if not isinstance(payload, dict):
        raise InvalidInput("Nội dung yêu cầu phải là một đối tượng JSON.")
    errors = {key: ["Trường không được hỗ trợ."] for key in set(payload) - PACKET_KEYS}
    year, scope = payload.get("year"), payload.get("kind")
    member_id, pdfa = payload.get("member_id"), payload.get("pdfa", False)
    if not isinstance(year, int) or isinstance(year, bool) or not 0 < year < 10_000:
        errors["year"] = ["Năm kiểm điểm phải là số, ví dụ 2026."]
    if not isinstance(scope, str) or scope not in SCOPES:
        errors["kind"] = [f"Loại hồ sơ phải là một trong: {', '.join(SCOPES)}."]
    if scope == "member" and (not isinstance(member_id, int) or isinstance(member_id, bool)
                              or not 0 < member_id <= bounds.INT4_MAX):
        errors["member_id"] = ["Hồ sơ đảng viên cần member_id (số)."]
    if not isinstance(pdfa, bool):
        errors["pdfa"] = ["pdfa phải là true hoặc false."]
    if errors:
        raise InvalidInput("Yêu cầu tạo hồ sơ chưa hợp lệ.", errors)
    plan(session, unit, year, scope, member_id)  # refuses at once when nothing is finished yet
    return {"unit_id": unit.id, "year": year, "kind": scope, "member_id": member_id if scope == "member" else None,
            "pdfa": pdfa}


def dedupe_key(params: dict) -> str:
    """The same packet is never built twice at once."""
    return "packet:{unit_id}:{year}:{kind}:{member_id}:{pdfa}".format(**params)


@dataclass(frozen=True)
class RecentPacket:
    """A packet job as the board lists it: the job, and what the packet covers in words."""

    job: Job
    label: str


def packet_label(params: dict, unit_name: str, member_name: str | None) -> str:
    """What a packet request covers, e.g. 'Hồ sơ của đảng viên Trần Thị Bình (các văn bản cá nhân năm 2026)'."""
    year, scope = params.get("year"), params.get("kind")
    if scope == "member":
        who = member_name or "(đảng viên không còn trong danh sách)"
        label = f"Hồ sơ của đảng viên {who} (các văn bản cá nhân năm {year})"
    elif scope == "dang_bo":
        label = f"Hồ sơ của cả {unit_name} (văn bản của đảng bộ và mọi tổ chức trực thuộc năm {year})"
    else:
        label = f"Hồ sơ của {unit_name} (văn bản của chi bộ và của từng đảng viên năm {year})"
    return label + (", PDF/A" if params.get("pdfa") else "")


# recent_packets' query, built once: every board view asks
_RECENT_PACKETS = (select(Job).where(Job.dedupe_key.like(bindparam("pattern")))
                   .order_by(Job.created_at.desc()).limit(bindparam("limit")))


def recent_packets(session: Session, unit_id: int, year: int, limit: int = 5) -> list[RecentPacket]:
    """The unit's latest packet jobs of the year (found by their dedupe key), so users can come back to them, each
    saying what it covers (a member's packet names the member)."""
    jobs = list(session.scalars(_RECENT_PACKETS, {"pattern": f"packet:{unit_id}:{year}:%", "limit": limit}))
    member_ids = {(j.params or {}).get("member_id") for j in jobs} - {None}
    names = dict(session.execute(select(Member.id, Member.full_name).where(Member.id.in_(member_ids))).all()) \
        if member_ids else {}
    unit = session.get(Unit, unit_id)
    return [RecentPacket(j, packet_label(j.params or {}, unit.name if unit else "",
                                         names.get((j.params or {}).get("member_id")))) for j in jobs]
