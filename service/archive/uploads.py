"""Receiving signed files: check them, read every page's QR code, verify signatures, store write-once, report.

Nothing is stored until every file of the request passed its checks; after that the bytes are kept forever and
each later action (a page assigned by hand, the secretary's acceptance, a download) is an audit event.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, NamedTuple

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..access import visible_unit_ids
from ..config import Settings
from ..errors import InvalidInput, NotFound, ServiceError
from ..jobs import JobCancelled, JobContext, register
from ..jobs.store import RESTARTED, WORKER_LOST
from ..models import Document, ReviewCycle, Unit, User
from ..packets import parse_payload
from . import audit, intake, signatures
from .audit import Actor
from .matching import LaidOutDoc, MatchResult, PageSeen, match
from .models import UPLOAD_STATES, Packet, SignedCopy, Upload, UploadFile, UploadPage
from .reader import ReaderBudget, ReadingFailed, StoredPages, read_codes
from .storage import BlobStore, store_from_settings

MANAGERS = ("secretary", "office", "admin")
PDF_TYPE = intake.PDF


@dataclass(frozen=True)
class Archive:
    """What the archive needs from the deployment: where bytes go, which roots are trusted, what is too big."""

    store: BlobStore
    settings: Settings
    limits: intake.Limits
    reader_budget: ReaderBudget = ReaderBudget()

    @classmethod
    def from_settings(cls, settings: Settings) -> "Archive":
        """The store and limits the environment configures."""
        mib = 1024 * 1024
        limits = intake.Limits(max_file_bytes=settings.archive_max_file_mb * mib,
                               max_request_bytes=settings.archive_max_request_mb * mib)
        return cls(store_from_settings(settings), settings, limits)

    def trust_roots(self) -> list:
        """Read on every verification, so a root the administrator adds counts at once."""
        return signatures.load_trust_roots([self.settings.archive_trust_roots])


def may_manage(session: Session, user: User, unit_id: int) -> bool:
    """Secretaries of the unit, offices above it and administrators upload, assign and accept."""
    return user.role in MANAGERS and unit_id in visible_unit_ids(session, user)


def _layouts(session: Session, codes: set[str], visible: set[int]) -> dict[str, list[LaidOutDoc]]:
    """The layouts of the packets named, leaving out those of units the user may not see."""
    if not codes:
        return {}
    packets = session.scalars(select(Packet).where(Packet.code.in_(codes))).all()
    return {p.code: [LaidOutDoc(p.code, e.doc_code, e.document_id, e.title, e.first_page, e.page_count,
                                e.revision)
                     for e in p.entries]
            for p in packets if p.unit_id in visible}


def may_upload(user: User) -> bool:
    """Only roles that may manage some unit upload at all: checked before a request's body is even read."""
    return user.role in MANAGERS


def authorise_upload(session: Session, user: User, packet_code: str | None, unit_id: int | None
                     ) -> tuple[set[int], Packet | None]:
    """(units the user sees, the packet named) when this user may upload for what the request names; refused
    before any file is parsed, so a member's token or another unit's packet costs the server nothing."""
    if not may_upload(user):
        raise NotFound("Không tìm thấy tổ chức đảng.")
    visible = visible_unit_ids(session, user)
    expected: Packet | None = None
    if packet_code:
        expected = session.get(Packet, packet_code.strip().upper()[:10])
        if expected is None or expected.unit_id not in visible:
            raise InvalidInput("Không tìm thấy hồ sơ đã lập với mã này.",
                               {"packet_id": [f"Không có hồ sơ mã “{packet_code[:20]}” trong phạm vi của bạn."]})
    if unit_id is not None and unit_id not in visible:
        raise NotFound("Không tìm thấy tổ chức đảng.")
    if not visible:
        raise NotFound("Không tìm thấy tổ chức đảng.")
    return visible, expected


READ_JOB = "archive-upload"
READING_STEP = "Đọc mã QR các trang"
FILING_STEP = "Đối chiếu và lưu kết quả"
INTERRUPTED = ("Việc đọc các trang bị gián đoạn (dịch vụ khởi động lại hoặc tiến trình xử lý dừng đột ngột), nên "
               "lần tải lên này chưa được đối chiếu. Hãy tải lên lại các tệp.")
CANCELLED = "Đã dừng đọc các trang theo yêu cầu, nên lần tải lên này chưa được đối chiếu. Hãy tải lên lại nếu cần."
NOT_READ = "Các tệp đã được lưu nguyên trạng để đối chiếu nhưng không được dùng; hãy sửa rồi tải lên lại."


def store_upload(session: Session, archive: Archive, actor: Actor, user: User, files: list[tuple[str, bytes]], *,
                 packet_code: str | None = None, unit_id: int | None = None, year: int | None = None) -> Upload:
    """What the request itself does, all of it quick: authorise (before any file is parsed), the checks that answer
    at once (type from the content, sizes, page count and size, decoded content streams), then store the bytes
    write-once and record the upload as "processing". Reading the pages is read_upload()'s, in a background job.
    A refused request stores nothing. `year`: the year whose archive page it was sent from, if any."""
    visible, expected = authorise_upload(session, user, packet_code, unit_id)
    accepted = intake.accept_upload(files, archive.limits)
    unit, packet_year = _provisional_owner(session, user, visible, expected, unit_id)
    upload = Upload(unit_id=unit, year=packet_year or year, packet_code=expected.code if expected else None,
                    uploaded_by_id=user.id, uploaded_by=actor.name, address=actor.address, state="processing")
    session.add(upload)
    session.flush()
    for n, f in enumerate(accepted, 1):
        sha = archive.store.put(f.data)
        pdf_sha = sha if f.pdf is f.data else archive.store.put(f.pdf)
        session.add(UploadFile(upload_id=upload.id, position=n, original_name=f.name[:300], media_type=f.media_type,
                               size=len(f.data), sha256=sha, pdf_sha256=pdf_sha, pages=f.pages, signatures=[],
                               warnings=list(f.warnings)))
    session.flush()
    session.expire(upload, ["files"])
    audit.record(session, actor, "upload", object_type="upload", object_id=upload.id, unit_id=upload.unit_id,
                 files=[{"name": f.name, "sha256": r.sha256, "pages": f.pages}
                        for f, r in zip(accepted, upload.files)])
    return upload


def _provisional_owner(session: Session, user: User, visible: set[int], expected: Packet | None,
                       unit_id: int | None) -> tuple[int, int | None]:
    """(unit, year) an upload is filed under until its pages are read: the packet's, the unit named, else the
    user's own unit (or the unit above all they see); read_upload() files it where its pages belong."""
    if expected is not None:
        return expected.unit_id, expected.year
    if unit_id is not None:
        return unit_id, None
    if user.unit_id in visible:
        return user.unit_id, None
    return _common_unit(session, visible) or min(visible), None


def read_upload(session: Session, archive: Archive, upload: Upload, *, unit_given: int | None = None,
                progress=None, check=None) -> Upload:
    """The background part: read every page's code in a memory-limited child with a time budget, match the pages,
    verify signatures, and file the upload (each document stays its own unit's: see UploadView); or refuse it with
    the reason kept. `progress(done, total)` follows the pages read; `check()` may raise to stop (a cancel)."""
    if upload.state != "processing":
        return upload
    visible = _uploader_view(session, upload)
    rows = list(upload.files)
    inputs = [StoredPages(r.original_name, r.media_type, r.pages, (lambda sha=r.sha256: archive.store.get(sha)),
                          None if r.pdf_sha256 == r.sha256 else (lambda sha=r.pdf_sha256: archive.store.get(sha)))
              for r in rows]
    expected = session.get(Packet, upload.packet_code) if upload.packet_code else None
    try:
        codes = read_codes(inputs, archive.limits, archive.reader_budget, progress=progress, check=check)
        if progress is not None:
            progress(sum(r.pages for r in rows), sum(r.pages for r in rows))
        packets_seen = {parsed[0] for file_codes in codes for c in file_codes if c and (parsed := parse_payload(c))}
        layouts = _layouts(session, packets_seen | ({expected.code} if expected else set()), visible)
        pages = [PageSeen(n, p, c) for n, file_codes in enumerate(codes, 1) for p, c in enumerate(file_codes, 1)]
        result = match(pages, layouts, expected.code if expected else None)
        unit, year = _owner(session, visible, expected, result, unit_given)
    except InvalidInput as refusal:  # ReadingFailed is not: see below
        return refuse(session, upload, refusal.message, refusal.fields)
    except ReadingFailed as failed:
        return refuse(session, upload, failed.message, {})
    roots = archive.trust_roots()
    for row in rows:
        if row.media_type == PDF_TYPE:
            row.signatures = [c.as_dict() for c in signatures.verify_pdf_signatures(archive.store.get(row.sha256),
                                                                                     roots)]
    if not _leave_processing(session, upload, state="received", unit_id=unit.id,
                             year=year if year is not None else upload.year):
        return upload  # refused meanwhile (its job was taken for lost): nothing filed
    for n, (row, file_codes) in enumerate(zip(rows, codes), 1):
        for page, code in enumerate(file_codes, 1):
            placed = result.placements.get((n, page))
            session.add(UploadPage(file_id=row.id, page=page, code=code,
                                   packet_code=placed.packet_code if placed else None,
                                   document_id=placed.document_id if placed else None,
                                   doc_page=placed.doc_page if placed else None,
                                   matched_by=placed.how if placed else ""))
    session.flush()
    for row in rows:
        session.expire(row, ["page_rows"])
    audit.record(session, _uploader(upload), "read", object_type="upload", object_id=upload.id, unit_id=unit.id,
                 complete=[d.document_id for d in result.complete_documents],
                 unmatched_pages=len(result.unmatched), packets=result.packets)
    return upload


def refuse(session: Session, upload: Upload, reason: str, problems: dict[str, list[str]] | None = None) -> Upload:
    """The upload is not filed: its reason kept for the uploader (the stored bytes stay, write-once)."""
    if not _leave_processing(session, upload, state="refused", reason=f"{reason.rstrip()} {NOT_READ}",
                             problems={intake.neutral_name(k): list(v) for k, v in (problems or {}).items()} or None):
        return upload
    audit.record(session, _uploader(upload), "refuse", object_type="upload", object_id=upload.id,
                 unit_id=upload.unit_id, reason=reason)
    return upload


def _leave_processing(session: Session, upload: Upload, **values) -> bool:
    """processing → filed or refused, once: a conditional UPDATE, so the job filing it and a look that finds its job
    lost never both win (the row stays locked to the winner until it commits)."""
    changed = session.execute(update(Upload).where(Upload.id == upload.id, Upload.state == "processing")
                              .values(**values).execution_options(synchronize_session=False)).rowcount == 1
    session.refresh(upload)
    return changed


def follow_job(session: Session, upload: Upload, job) -> bool:
    """An upload still "processing" whose job has ended without filing it (the worker died, the service restarted,
    someone cancelled it) is refused with a reason that says to upload again; True when it changed. `job` is the
    job's row as the job service sees it (None when it is gone)."""
    if upload.state != "processing" or (job is not None and job.state in ("queued", "running")):
        return False
    if job is None and upload.job_id is None and _age_seconds(upload) < QUEUEING_GRACE:
        return False  # stored a moment ago, its job being queued by the request that stored it
    if job is not None and job.state == "cancelled":
        reason = CANCELLED
    elif job is not None and job.state == "failed" and job.error and job.error not in (RESTARTED, WORKER_LOST):
        reason = f"{job.error.rstrip()} Hãy tải lên lại các tệp."
    else:
        reason = INTERRUPTED
    refuse(session, upload, reason)
    return True


QUEUEING_GRACE = 300  # seconds an upload may wait for its job to be queued (a crash in between: refused after it)


def _age_seconds(upload: Upload) -> float:
    made = upload.uploaded_at
    if made is None:
        return 0.0
    if made.tzinfo is None:  # SQLite hands back naive UTC
        made = made.replace(tzinfo=timezone.utc)
    return (datetime.now(timezone.utc) - made).total_seconds()


def _uploader(upload: Upload) -> Actor:
    """The person who uploaded, for the events the background job records on their behalf."""
    return Actor(upload.uploaded_by_id, upload.uploaded_by, upload.address)


def status(session: Session, upload: Upload, job=None) -> dict[str, Any]:
    """The short answer a client polls: processing / done / refused, pages read, the reason."""
    state = {"processing": "processing", "refused": "refused"}.get(upload.state, "done")
    total = sum(f.pages for f in upload.files)
    done = total if state != "processing" else min(total, job.done if job is not None else 0)
    return {"upload_id": upload.id, "status": state, "state_label": upload.state_label,
            "progress": {"done": done, "total": total},
            "error": upload.reason if state == "refused" else None,
            "fields": upload.problems or {} if state == "refused" else {}}


def _owner(session: Session, visible: set[int], expected: Packet | None, result: MatchResult,
           unit_id: int | None) -> tuple[Unit, int | None]:
    """(unit, year) the upload is filed under: the packet named; else the unit of the packets its pages came from,
    the lowest unit holding them all when they are several units' (each document stays its own unit's: see
    UploadView); else the unit given."""
    if expected is not None:
        return session.get(Unit, expected.unit_id), expected.year
    packets = [p for p in (session.get(Packet, code) for code in result.packets) if p is not None]
    if packets:
        common = _common_unit(session, {p.unit_id for p in packets})
        if common is None or common not in visible:
            common = packets[0].unit_id
        return session.get(Unit, common), packets[0].year
    unit = session.get(Unit, unit_id) if unit_id is not None and unit_id in visible else None
    if unit is None:
        raise InvalidInput("Không xác định được tổ chức của các tệp: không trang nào có mã QR của hồ sơ đã lập. "
                           "Hãy tải lên từ trang lưu trữ của chi bộ hoặc ghi rõ mã hồ sơ.",
                           {"files": ["Không đọc được mã QR của hồ sơ nào trên các trang."]})
    return unit, None


def _common_unit(session: Session, unit_ids: set[int]) -> int | None:
    """The lowest unit that is (or is above) every one of these units."""
    chains = []
    for unit_id in unit_ids:
        chain, current = [], session.get(Unit, unit_id)
        while current is not None and len(chain) < 64:
            chain.append(current.id)
            current = current.parent
        chains.append(chain)
    common = set(chains[0]).intersection(*chains[1:]) if chains else set()
    return next((u for u in chains[0] if u in common), None) if chains else None


@dataclass(frozen=True)
class UploadView:
    """What one user may see of an upload. Access follows each document's own unit: a secretary sees, downloads
    and accepts the pages of their chi bộ's documents even when the upload was filed higher up (an office's scan
    of two chi bộ), and never another unit's. `full` (the unit it is filed under and every document on it are the
    user's) adds the unmatched pages, the original files and hand assignment."""

    full: bool
    units: frozenset[int]  # the user's units; a document shows when its unit is one of them
    document_units: dict[int, int]  # document id → its unit, for the documents on the upload

    def sees(self, document_id: int | None) -> bool:
        """Whether a document (None: a page matched to nothing) is shown to this user."""
        if document_id is None:
            return self.full
        return self.document_units.get(document_id) in self.units


def _document_units(session: Session, document_ids: set[int]) -> dict[int, int]:
    if not document_ids:
        return {}
    rows = session.execute(select(Document.id, ReviewCycle.unit_id).join(ReviewCycle, Document.cycle_id ==
                                                                          ReviewCycle.id)
                           .where(Document.id.in_(document_ids)))
    return {doc_id: unit_id for doc_id, unit_id in rows}


def view_of(session: Session, user: User, upload: Upload, extra_documents: set[int] = frozenset()) -> UploadView:
    """The user's view of the upload; NotFound when none of it is theirs (missing and foreign look alike)."""
    units = frozenset(visible_unit_ids(session, user)) if user.role in MANAGERS else frozenset()
    documents = {p.document_id for f in upload.files for p in f.page_rows if p.document_id} | set(extra_documents)
    owners = _document_units(session, documents)
    full = upload.unit_id in units and all(u in units for u in owners.values())
    view = UploadView(full, units, owners)
    if not full and not any(view.sees(d) for d in owners):
        raise NotFound("Không tìm thấy lần tải lên.")
    return view


def check_page_visible(session: Session, user: User, upload: Upload, file_n: int, page: int) -> None:
    """NotFound unless the user may see this page: any page with the whole upload, else only their documents'."""
    view = view_of(session, user, upload)
    if view.full:
        return
    row = next((p for f in upload.files if f.position == file_n for p in f.page_rows if p.page == page), None)
    if row is None or not view.sees(row.document_id):
        raise NotFound("Không có trang này trong lần tải lên.")


def upload_for(session: Session, user: User, upload_id: int) -> Upload:
    """The upload, or NotFound when missing or holding nothing of the user's units (the two look alike on
    purpose). What the user then sees of it is view_of()."""
    upload = session.get(Upload, upload_id)
    if upload is None or user.role not in MANAGERS:
        raise NotFound("Không tìm thấy lần tải lên.")
    view_of(session, user, upload)
    return upload


def candidate_packets(session: Session, upload: Upload) -> list[Packet]:
    """Packets a page of this upload may be assigned to: those it matched, else the unit's of that year."""
    codes = {p.packet_code for f in upload.files for p in f.page_rows if p.packet_code}
    if upload.packet_code:
        codes.add(upload.packet_code)
    query = select(Packet).where(Packet.unit_id == upload.unit_id)
    if upload.year:
        query = query.where(Packet.year == upload.year)
    packets = session.scalars(query.order_by(Packet.created_at.desc())).all()
    return [p for p in packets if p.code in codes] or list(packets)


def _result(session: Session, upload: Upload) -> MatchResult:
    pages: list[PageSeen] = []
    for f in upload.files:
        for p in f.page_rows:
            manual = (p.packet_code, p.document_id, p.doc_page) if p.matched_by == "manual" else None
            pages.append(PageSeen(f.position, p.page, p.code, manual))
    codes = {p.packet_code for f in upload.files for p in f.page_rows if p.packet_code}
    codes |= {parsed[0] for f in upload.files for p in f.page_rows if p.code and (parsed := parse_payload(p.code))}
    if upload.packet_code:
        codes.add(upload.packet_code)
    return match(pages, _layouts(session, codes, _uploader_view(session, upload)), upload.packet_code)


def _uploader_view(session: Session, upload: Upload) -> set[int]:
    """The units the uploader could see, so a report shown later matches against what the upload itself did."""
    uploader = session.get(User, upload.uploaded_by_id) if upload.uploaded_by_id else None
    return (visible_unit_ids(session, uploader) if uploader else set()) | {upload.unit_id}


def report(session: Session, upload: Upload, user: User | None = None) -> dict[str, Any]:
    """The upload as the API and the page show it: files, documents with missing pages, strays, signatures; with
    `user`, only what that user may see (their units' documents, the files holding their pages)."""
    result = _result(session, upload)
    view = view_of(session, user, upload, {d.document_id for d in result.documents}) if user is not None else None
    sees = view.sees if view is not None else (lambda _d: True)
    full = view is None or view.full
    signed = {c.document_id for c in session.scalars(select(SignedCopy).where(SignedCopy.upload_id == upload.id))}
    documents = [d for d in result.documents if sees(d.document_id)]
    theirs = {f.position: sum(1 for p in f.page_rows if p.document_id and sees(p.document_id)) for f in upload.files}
    files = [f for f in upload.files if full or theirs[f.position]]
    names = {f.position: intake.neutral_name(f.original_name) for f in upload.files}
    complete = [d for d in documents if d.complete]
    state = upload.state if full else ("accepted" if complete and all(d.document_id in signed for d in complete)
                                       else "received")
    return {
        "upload_id": upload.id, "unit_id": upload.unit_id, "year": upload.year, "packet_id": upload.packet_code,
        "state": state, "state_label": UPLOAD_STATES.get(state, state), "uploaded_by": upload.uploaded_by,
        "uploaded_at": upload.uploaded_at.isoformat() if upload.uploaded_at else None,
        "partial": not full,
        "files": [{"n": f.position, "name": names[f.position], "sha256": f.sha256 if full else None,
                   "size": f.size if full else None, "media_type": f.media_type if full else PDF_TYPE,
                   "pages": f.pages if full else theirs[f.position], "warnings": _warnings(f)} for f in files],
        "flagged": [{"file": names[f.position], "file_n": f.position, "warnings": _warnings(f)}
                    for f in files if f.warnings],
        "documents": [{"document_id": d.document_id, "title": d.title, "packet_id": d.packet_code,
                       "pages_expected": d.pages_expected, "pages_found": d.pages_found, "missing": d.missing,
                       "duplicated": d.duplicated, "complete": d.complete, "signed": d.document_id in signed}
                      for d in documents],
        "unmatched_pages": [{"file": names.get(u.file, ""), "file_n": u.file, "page": u.page, "reason": u.reason,
                             "code": u.code} for u in result.unmatched] if full else [],
        "signatures": [{"file": names[f.position], "file_n": f.position, **s} for f in files
                       for s in f.signatures],
    }


def _warnings(row: UploadFile) -> list[str]:
    """The file's active-content flags as users read them."""
    return [f"Tệp “{intake.neutral_name(row.original_name)}” {intake.ACTIVE_CONTENT.get(w, w)}: đã lưu nguyên "
            "trạng để đối chiếu, nhưng không nên mở tệp này bằng trình đọc PDF cho phép chạy mã." for w in
            (row.warnings or [])]


def assign_page(session: Session, actor: Actor, user: User, upload: Upload, file_n: int, page: int,
                document_id: int | None, doc_page: int | None) -> None:
    """Say by hand which document page an uploaded page is (or clear it); checked against the packets printed.
    Only someone who sees the whole upload may: an unmatched page could be any of its units'."""
    _check_filed(upload)
    if not may_manage(session, user, upload.unit_id) or not view_of(session, user, upload).full:
        raise InvalidInput("Chỉ người quản lý tổ chức nhận lần tải lên này (và mọi văn bản trong đó) mới gán trang "
                           "bằng tay được.")
    row = next((p for f in upload.files if f.position == file_n for p in f.page_rows if p.page == page), None)
    if row is None:
        raise NotFound("Không có trang này trong lần tải lên.")
    if document_id is None:
        row.packet_code, row.document_id, row.doc_page, row.matched_by = None, None, None, ""
    else:
        entry = next((e for packet in candidate_packets(session, upload) for e in packet.entries
                      if e.document_id == document_id), None)
        if entry is None:
            raise InvalidInput("Văn bản được chọn không có trong hồ sơ đã lập của lần tải lên này.",
                               {"document_id": ["Chọn một văn bản trong danh sách."]})
        if not isinstance(doc_page, int) or not 1 <= doc_page <= entry.page_count:
            raise InvalidInput("Số trang không hợp lệ.",
                               {"doc_page": [f"Văn bản “{entry.title}” có {entry.page_count} trang."]})
        row.packet_code, row.document_id, row.doc_page, row.matched_by = entry.packet_code, document_id, doc_page, \
            "manual"
    row.matched_by_user_id = user.id
    session.flush()
    audit.record(session, actor, "match", object_type="upload", object_id=upload.id, unit_id=upload.unit_id,
                 document_id=document_id, file=file_n, page=page, doc_page=doc_page)


def accept(session: Session, actor: Actor, user: User, upload: Upload) -> list[int]:
    """The secretary confirms the upload: every document of their units with all its pages present now counts as
    signed (another unit's documents on the same upload wait for that unit's secretary)."""
    _check_filed(upload)
    result = _result(session, upload)
    view = view_of(session, user, upload, {d.document_id for d in result.documents})
    if user.role not in MANAGERS:
        raise NotFound("Không tìm thấy lần tải lên.")
    complete = [d for d in result.complete_documents if view.sees(d.document_id)]
    if not complete:
        raise InvalidInput("Chưa có văn bản nào đủ tất cả các trang trong lần tải lên này: chưa thể xác nhận. "
                           "Hãy gán các trang chưa nhận ra hoặc tải lên bản quét đầy đủ.")
    revisions = {(e.packet_code, e.document_id): e.revision
                 for p in session.scalars(select(Packet).where(Packet.code.in_(result.packets)))
                 for e in p.entries}
    already = {c.document_id for c in session.scalars(select(SignedCopy).where(SignedCopy.upload_id == upload.id))}
    now = datetime.now(timezone.utc)
    newly: list[int] = []
    for doc in complete:
        if doc.document_id in already:
            continue
        session.add(SignedCopy(document_id=doc.document_id, upload_id=upload.id, accepted_at=now,
                               revision=revisions.get((doc.packet_code, doc.document_id), 0),
                               accepted_by_id=user.id))
        newly.append(doc.document_id)
        audit.record(session, actor, "accept", object_type="upload", object_id=upload.id, unit_id=upload.unit_id,
                     document_id=doc.document_id, title=doc.title)
    signed = already | set(newly)
    if all(d.document_id in signed for d in result.complete_documents):
        upload.state, upload.accepted_by_id, upload.accepted_at = "accepted", user.id, now
    session.flush()
    return newly


def _check_filed(upload: Upload) -> None:
    """Pages are assigned and uploads accepted only once the pages were read and the upload filed."""
    if upload.state == "processing":
        raise InvalidInput("Các trang của lần tải lên này đang được đọc; hãy chờ đến khi có kết quả đối chiếu.")
    if upload.state == "refused":
        raise InvalidInput("Lần tải lên này không được nhận nên không thể gán trang hay xác nhận; hãy tải lên lại.")


class StoredFile(NamedTuple):
    """A file handed out: its row, the bytes, the name to save them under, and whether they are the whole file."""

    row: UploadFile
    data: bytes
    name: str
    whole: bool


def stored_file(session: Session, archive: Archive, actor: Actor, upload: Upload, n: int,
                user: User | None = None) -> StoredFile:
    """The n-th file, with the download recorded: the bytes exactly as uploaded
    (hash-checked on the way out) for someone who sees the whole upload; for a secretary who sees only some of its
    documents, a PDF of just their documents' pages, cut from the file's PDF view."""
    row = next((f for f in upload.files if f.position == n), None)
    if row is None:
        raise NotFound("Không có tệp này trong lần tải lên.")
    view = view_of(session, user, upload) if user is not None else None
    if view is None or view.full:
        data = archive.store.get(row.sha256)
        audit.record(session, actor, "download", object_type="upload", object_id=upload.id, unit_id=upload.unit_id,
                     file=n, sha256=row.sha256)
        return StoredFile(row, data, intake.neutral_name(row.original_name), True)
    pages = [p.page for p in row.page_rows if p.document_id and view.sees(p.document_id)]
    if not pages:
        raise NotFound("Không có tệp này trong lần tải lên.")
    data = _pages_of(archive.store.get(row.pdf_sha256), pages)
    stem = intake.neutral_name(row.original_name).rsplit(".", 1)[0]
    audit.record(session, actor, "download", object_type="upload", object_id=upload.id, unit_id=upload.unit_id,
                 file=n, pages=pages, sha256=row.pdf_sha256)
    name = f"{stem}-trang-{pages[0]}.pdf" if len(pages) == 1 else f"{stem}-{len(pages)}-trang.pdf"
    return StoredFile(row, data, name, False)


def _pages_of(pdf: bytes, pages: list[int]) -> bytes:
    """A PDF of only these pages (1-based) of a stored PDF, in order."""
    import io

    from pypdf import PdfReader, PdfWriter

    reader, writer = PdfReader(io.BytesIO(pdf)), PdfWriter()
    for page in pages:
        writer.add_page(reader.pages[page - 1])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def signed_copies(session: Session, document_ids: list[int]) -> dict[int, SignedCopy]:
    """The latest accepted signed copy of each document that has one."""
    if not document_ids:
        return {}
    latest: dict[int, SignedCopy] = {}
    for copy in session.scalars(select(SignedCopy).where(SignedCopy.document_id.in_(document_ids))
                                .order_by(SignedCopy.accepted_at)):
        latest[copy.document_id] = copy
    return latest


def assignable(session: Session, upload: Upload) -> list[tuple[int, str, int]]:
    """(document id, title, pages) a page of this upload may be assigned to, for the hand-assignment form."""
    seen: dict[int, tuple[int, str, int]] = {}
    for packet in candidate_packets(session, upload):
        for entry in packet.entries:
            if entry.document_id is not None and entry.document_id not in seen:
                seen[entry.document_id] = (entry.document_id, entry.title, entry.page_count)
    return list(seen.values())


def uploads_holding(session: Session, document_id: int) -> list[int]:
    """Uploads in which at least one page was matched to this document."""
    query = (select(UploadFile.upload_id).join(UploadPage, UploadPage.file_id == UploadFile.id)
             .where(UploadPage.document_id == document_id).distinct())
    return sorted(session.scalars(query).all())


def match_result(session: Session, upload: Upload) -> MatchResult:
    """Where each page of the upload went, as the report computes it (for the page pictures)."""
    return _result(session, upload)


class UploadNotFiled(ServiceError):
    """The reading refused the upload: the job fails with the upload's reason."""

    status = 422
    code = "khong_nhan_tai_len"


def job_archive(data_dir) -> Archive:
    """The archive as a job sees it: this machine's settings, on the data folder of the service that queued it."""
    from dataclasses import replace
    from pathlib import Path

    settings = Settings.from_env()
    if Path(settings.data_dir) != Path(data_dir):
        import os

        settings = replace(settings, data_dir=Path(data_dir),
                           archive_trust_roots=settings.archive_trust_roots if os.environ.get("ARCHIVE_TRUST_ROOTS")
                           else None)
    return Archive.from_settings(settings)


@register(READ_JOB)
def read_task(ctx: JobContext, *, upload_id: int, unit_id: int, unit_given: int | None = None) -> dict[str, str]:
    """The job behind an upload: read_upload() with the pages read as the job's progress; a cancel ends the child
    reader and refuses the upload."""
    archive = job_archive(ctx.workdir.parents[1])
    with ctx.database.session() as session:
        upload = session.get(Upload, upload_id)
        if upload is None:
            raise NotFound("Không tìm thấy lần tải lên.")
        total = sum(f.pages for f in upload.files)
        ctx.progress(0, total, READING_STEP)
        try:
            read_upload(session, archive, upload, unit_given=unit_given, check=ctx.check_cancelled,
                        progress=lambda done, pages: ctx.progress(min(done, pages - 1), pages, READING_STEP))
        except JobCancelled:
            session.rollback()
            refuse(session, session.get(Upload, upload_id), CANCELLED)
            session.commit()
            raise
        state, reason = upload.state, upload.reason
    # (not earlier: on SQLite the job row cannot be written while this session holds the write lock)
    ctx.progress(total, total, FILING_STEP)
    if state == "refused":
        raise UploadNotFiled(reason or "Không nhận lần tải lên này.")
    return {"json": ctx.write_bytes("ket-qua.json", json.dumps({"upload_id": upload_id, "state": state}).encode())}
