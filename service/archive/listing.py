"""Finding things in the archive: each document's signed state, filtered; every chi bộ's progress for the office."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from .. import members as member_records, text
from ..access import subtree_ids, visible_unit_ids
from ..catalog import get_kind
from ..errors import InvalidInput, NotFound
from ..models import LEFT_STATUSES, Document, Member, ReviewCycle, Unit, User
from .models import SignedCopy, Upload, UploadFile, UploadPage
from .uploads import signed_copies

SIGNED_STATES = {
    "signed": "Đã có bản ký",
    "outdated": "Có bản ký, nhưng văn bản đã sửa sau khi in",
    "unsigned": "Chưa có bản ký",
    "draft": "Chưa hoàn thành",
}


@dataclass(frozen=True)
class DocumentState:
    """A document with the state of its signed copy."""

    document_id: int
    unit_id: int
    unit: str
    kind_code: str
    title: str
    member_id: int | None
    member: str
    state: str
    signed_upload_id: int | None
    revision: int
    signed_revision: int | None

    @property
    def state_label(self) -> str:
        """The state as users read it."""
        return SIGNED_STATES[self.state]

    def as_dict(self) -> dict:
        """JSON for the API."""
        return {**self.__dict__, "state_label": self.state_label}


@dataclass(frozen=True)
class UnitProgress:
    """How far one unit is with its signed copies."""

    unit_id: int
    unit: str
    documents: int
    signed: int
    outdated: int
    unsigned: int
    drafts: int
    uploads: int

    @property
    def complete(self) -> bool:
        """Every finished document has a signed copy of what was printed, and nothing is left as a draft."""
        return self.documents > 0 and self.signed == self.documents


def _unit_ids(session: Session, user: User, unit_id: int, below: bool = True) -> set[int]:
    """The unit (and with `below` its sub-units the user may see), or NotFound for a unit not the user's."""
    visible = visible_unit_ids(session, user)
    if unit_id not in visible or user.role == "member":
        raise NotFound("Không tìm thấy tổ chức đảng.")
    return subtree_ids(session, unit_id) & visible if below else {unit_id}


def filter_members(session: Session, unit_id: int, year: int) -> tuple[list[Member], list[tuple[Member, str]]]:
    """Whom the archive's member filter offers for a unit's year: the unit's members of that year (on its board
    date), then, apart, those who have documents of that year here but have since left it, each with why
    (moved to another chi bộ, moved out, expelled, died), all in Vietnamese order."""
    of_year = [entry.member for entry in member_records.members_on(session, [unit_id], member_records.board_date(year))]
    seen = {m.id for m in of_year}
    with_documents = set(session.scalars(select(Document.member_id).join(ReviewCycle).where(
        ReviewCycle.unit_id == unit_id, ReviewCycle.year == year, Document.member_id.is_not(None))))
    gone = session.scalars(select(Member).where(Member.id.in_(with_documents - seen))).all() if with_documents - seen \
        else []
    def why(m: Member) -> str:
        if m.status in LEFT_STATUSES or m.unit_id == unit_id:
            return m.status_label[:1].lower() + m.status_label[1:]  # "chuyển sinh hoạt đảng đi", "ra khỏi Đảng"
        return f"chuyển sang {m.unit.name}"
    departed = [(m, why(m)) for m in text.sort_people(gone)]
    return of_year, departed


def document_states(session: Session, user: User, unit_id: int, year: int, *, member_id: int | None = None,
                    kind: str | None = None, state: str | None = None, below: bool = False) -> list[DocumentState]:
    """The unit's documents of the year (and its sub-units' with `below`), filtered, in Vietnamese order."""
    if state and state not in SIGNED_STATES:
        raise InvalidInput("Trạng thái lọc không hợp lệ.", {"state": [f"Chỉ nhận: {', '.join(SIGNED_STATES)}."]})
    return _states(session, _unit_ids(session, user, unit_id, below), year, member_id, kind, state)


def _states(session: Session, ids: set[int], year: int, member_id: int | None = None, kind: str | None = None,
            state: str | None = None) -> list[DocumentState]:
    query = (select(Document, ReviewCycle, Unit).join(ReviewCycle, Document.cycle_id == ReviewCycle.id)
             .join(Unit, ReviewCycle.unit_id == Unit.id)
             .where(ReviewCycle.unit_id.in_(ids), ReviewCycle.year == year, ReviewCycle.quarter == 0))
    if member_id is not None:
        query = query.where(Document.member_id == member_id)
    if kind:
        query = query.where(Document.kind_code == kind)
    rows = session.execute(query).all()
    copies = signed_copies(session, [doc.id for doc, _, _ in rows])
    members = {m.id: m for m in session.scalars(select(Member).where(
        Member.id.in_({doc.member_id for doc, _, _ in rows if doc.member_id})))} if rows else {}
    result: list[DocumentState] = []
    for doc, _cycle, unit in rows:
        copy = copies.get(doc.id)
        doc_state = _signed_state(doc.status, doc.revision, copy.revision if copy is not None else None)
        if state and doc_state != state:
            continue
        member = members.get(doc.member_id)
        result.append(DocumentState(doc.id, unit.id, unit.name, doc.kind_code, get_kind(doc.kind_code).title,
                                    doc.member_id, member.full_name if member else "", doc_state,
                                    copy.upload_id if copy else None, doc.revision,
                                    copy.revision if copy else None))
    order = {u: i for i, u in enumerate(sorted({r.unit for r in result}, key=text.phrase_sort_key))}
    return sorted(result, key=lambda r: (order[r.unit], r.member != "", text.name_sort_key(r.member), r.title))


def unit_progress(session: Session, user: User, unit_id: int, year: int) -> list[UnitProgress]:
    """Every chi bộ under this unit (and any unit with documents of its own): counts by signed state."""
    ids = _unit_ids(session, user, unit_id)
    states = _states(session, ids, year)
    uploads: dict[int, int] = {}
    for upload in session.scalars(select(Upload).where(Upload.unit_id.in_(ids), Upload.year == year)):
        uploads[upload.unit_id] = uploads.get(upload.unit_id, 0) + 1
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(ids)))}
    progress = []
    for uid in ids:
        mine = [s for s in states if s.unit_id == uid]
        if not mine and not uploads.get(uid) and units[uid].children:
            continue  # a đảng bộ without documents of its own; every chi bộ shows, even one not started
        count = {k: sum(1 for s in mine if s.state == k) for k in SIGNED_STATES}
        finished = len(mine) - count["draft"]
        progress.append(UnitProgress(uid, units[uid].name, finished, count["signed"], count["outdated"],
                                     count["unsigned"], count["draft"], uploads.get(uid, 0)))
    return sorted(progress, key=lambda p: text.phrase_sort_key(p.unit))


def recent_uploads(session: Session, user: User, unit_id: int, year: int | None = None,
                   limit: int = 50) -> list[Upload]:
    """The unit's uploads, newest first: those filed under it and those holding pages of its documents (an
    office's scan of several chi bộ shows in each one's list)."""
    _unit_ids(session, user, unit_id)
    holding = (select(UploadFile.upload_id).join(UploadPage, UploadPage.file_id == UploadFile.id)
               .join(Document, UploadPage.document_id == Document.id)
               .join(ReviewCycle, Document.cycle_id == ReviewCycle.id).where(ReviewCycle.unit_id == unit_id))
    query = select(Upload).where((Upload.unit_id == unit_id) | Upload.id.in_(holding))
    if year is not None:
        query = query.where((Upload.year == year) | (Upload.year.is_(None)))
    return list(session.scalars(query.order_by(Upload.uploaded_at.desc()).limit(limit)))


def _signed_state(status: str, revision: int, copy_revision: int | None) -> str:
    """signed (a signed copy of what the document says now; revision 0: a copy of a paper-only one), outdated
    (the document changed after it was signed), unsigned (submitted, no copy), draft."""
    if copy_revision is not None:
        return "signed" if copy_revision >= revision or copy_revision == 0 else "outdated"
    return "unsigned" if status == "submitted" else "draft"


# unit_signed_counts' query, built once (building a statement costs more Python than running a cached one)
_SIGNED_STATES = (select(Document.id, Document.member_id, Document.status, Document.revision, SignedCopy.revision)
                  .join(ReviewCycle, Document.cycle_id == ReviewCycle.id)
                  .outerjoin(SignedCopy, SignedCopy.document_id == Document.id)
                  .where(ReviewCycle.unit_id.in_(bindparam("ids", expanding=True)),
                         ReviewCycle.year == bindparam("year"), ReviewCycle.quarter == 0)
                  .order_by(SignedCopy.accepted_at))


def unit_signed_counts(session: Session, user: User, unit_id: int, year: int) -> dict[int | None, tuple[int, int]]:
    """signed_counts(document_states(…)) of one unit's year for the review board, from four columns per document
    and one per signed copy rather than every document's whole data (a board view asked for 80 of them)."""
    ids = _unit_ids(session, user, unit_id, below=False)
    latest: dict[int, tuple] = {}  # document id → (member id, status, revision, the latest accepted copy's revision)
    for doc_id, member_id, status, revision, copy_revision in session.execute(  # one row per copy, oldest first
            _SIGNED_STATES, {"ids": list(ids), "year": year}):
        latest[doc_id] = (member_id, status, revision, copy_revision)
    counts: dict[int | None, tuple[int, int]] = {}
    for member_id, status, revision, copy_revision in latest.values():
        state = _signed_state(status, revision, copy_revision)
        signed, finished = counts.get(member_id, (0, 0))
        counts[member_id] = (signed + (state == "signed"), finished + (state != "draft"))
    return counts


def signed_counts(states: list[DocumentState]) -> dict[int | None, tuple[int, int]]:
    """Per member (None: the unit's own documents): (documents with a signed copy of what they say now, finished
    documents), for the review board."""
    counts: dict[int | None, tuple[int, int]] = {}
    for s in states:
        signed, finished = counts.get(s.member_id, (0, 0))
        counts[s.member_id] = (signed + (s.state == "signed"), finished + (s.state != "draft"))
    return counts
