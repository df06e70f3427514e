"""Documents of a review cycle: opening one with what the system knows, and saving revisions."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.attributes import set_committed_value

from . import members, text, units
from .catalog import DocumentKind, get_kind, kinds_for, personal_review_kind
from .errors import InvalidInput, NotFound, ServiceError
from .kinds.personal import score_total  # noqa: F401  (the printed total; service.review.ratings reads it here)
from .models import Document, DocumentAutosave, DocumentRevision, Member, ReviewCycle, Unit, User, utcnow
from .regimes import regime_for_year


def member_subject(member: Member) -> str:
    """Which personal form a member writes: leader, member, or member outside the political system."""
    if member.leader:
        return "leader"
    return "member" if member.in_political_system else "member_outside"


def cycle_for(session: Session, unit: Unit, year: int, quarter: int = 0) -> ReviewCycle:
    """The unit's review cycle of the year, created on first use."""
    regime_for_year(year)  # refuses unsupported years before anything is written
    cycle = session.scalar(select(ReviewCycle).where(
        ReviewCycle.unit_id == unit.id, ReviewCycle.year == year, ReviewCycle.quarter == quarter))
    if cycle is None:
        cycle = ReviewCycle(unit_id=unit.id, year=year, quarter=quarter)
        session.add(cycle)
        session.flush()
    return cycle


def header_facts(unit: Unit, year: int, default_place: str) -> dict[str, Any]:
    """The Party header of a document issued at this unit, as the office set it (service.units): superior body,
    issuing body, place, date, whether it has a seal, and who signs by default."""
    today = date.today()
    signed = today if today.year in (year, year + 1) else date(year, 12, 15)
    return {"year": year, "superior_body": units.superior_line(unit), "issuing_body": units.own_line(unit),
            "place": units.place_of(unit, default_place), "signed_on": signed.isoformat(),
            "has_seal": unit.has_seal, "signature_note": units.signature_note(unit),
            "signer_body": units.default_signer_body(unit), "signer_title": units.default_signer_title(unit)}


def member_facts(member: Member, year: int, default_place: str) -> dict[str, Any]:
    """What the system knows about a member, to pre-fill their forms."""
    facts = header_facts(member.unit, year, default_place)
    facts.update({
        "full_name": member.full_name,
        "birth_date": member.birth_date.isoformat() if member.birth_date else "",
        "admitted_on": member.admitted_on.isoformat() if member.admitted_on else "",
        "position": member.position, "work_unit": member.work_unit, "chi_bo": member.unit.name,
        "party_post": member.party_post, "government_post": member.position, "union_post": member.union_post,
    })
    return facts


def member_row(member: Member, status: str | None = None) -> dict[str, Any]:
    """A member as a table row for unit and meeting documents (`status`: theirs in the document's year, when known;
    else today's)."""
    return {"id": member.id, "full_name": member.full_name,
            "birth_date": member.birth_date.isoformat() if member.birth_date else "",
            "admitted_on": member.admitted_on.isoformat() if member.admitted_on else "",
            "official": member.official, "status": status or member.status, "leader": member.leader,
            "in_political_system": member.in_political_system, "position": member.position,
            "party_post": member.party_post, "work_unit": member.work_unit}


def unit_facts(unit: Unit, year: int, default_place: str) -> dict[str, Any]:
    """What the system knows about a unit: its header and its members in Vietnamese order."""
    facts = header_facts(unit, year, default_place)
    people = members.members_on(object_session(unit), [unit.id], members.board_date(year))  # with that year's status
    facts.update({"unit_name": unit.name, "chi_bo": unit.name,
                  "members": [member_row(entry.member, entry.status) for entry in people]})
    decider = units.deciding_unit(unit)
    if decider is not None:  # a chi bộ: its members' ratings are decided (and re-rated) by the committee above
        facts.update({"deciding_unit_name": decider.name, "deciding_superior_body": units.superior_line(decider)})
    return facts


# A subject's documents of a unit's year (their kind and data, not the entities), built once: every document page
# asks for last year's (previous_data).
_SUBJECT_DOCUMENTS = select(Document.kind_code, Document.data).join(ReviewCycle).where(
    Document.subject_key == bindparam("subject"), ReviewCycle.year == bindparam("year"),
    ReviewCycle.unit_id == bindparam("unit"))


def previous_data(session: Session, kind_code: str, cycle: ReviewCycle, subject_key: str) -> dict[str, Any]:
    """The same subject's document of the previous year (any regime), e.g. to carry shortcomings into section III."""
    family = get_kind(kind_code).family
    for code, data in session.execute(_SUBJECT_DOCUMENTS, {"subject": subject_key, "year": cycle.year - 1,
                                                           "unit": cycle.unit_id}):
        if get_kind(code).family == family:
            return dict(data)
    return {}


def open_personal_review(session: Session, member: Member, year: int, default_place: str) -> Document:
    """The member's self-review of the year, created pre-filled on first open."""
    kind = personal_review_kind(regime_for_year(year), member_subject(member))
    return open_document(session, kind, member.unit, year, member=member,
                         facts=member_facts(member, year, default_place))


# What a member writes in a year, by family: the self-review, the Chỉ thị 05 commitment and (QĐ 366) Mẫu 05,
# once a quarter and once for the year.
MEMBER_FAMILIES = {"personal-review": "Bản tự kiểm điểm", "commitment": "Bản cam kết tu dưỡng, rèn luyện, phấn đấu",
                   "self-rating": "Bản tự đánh giá, xếp loại (Mẫu 05)"}
QUARTERS = (1, 2, 3, 4)


def member_kind(member: Member, year: int, family: str) -> DocumentKind:
    """The kind of a member's document of this family in this year's regime, or NotFound saying why not."""
    regime = regime_for_year(year)
    if family == "personal-review":
        return personal_review_kind(regime, member_subject(member))
    if family in MEMBER_FAMILIES:
        code = f"{family}-{regime.code}"
        if code in {k.code for k in kinds_for(regime)}:
            return get_kind(code)
        raise NotFound(f"{MEMBER_FAMILIES[family]} không có trong {regime.guide} (năm {year}).")
    raise NotFound("Không có loại văn bản này.")


def open_member_document(session: Session, member: Member, year: int, family: str, default_place: str,
                         quarter: int = 0) -> Document:
    """A member's own document of the year (or of a quarter, for Mẫu 05), created pre-filled on first open."""
    kind = member_kind(member, year, family)
    if quarter and (family != "self-rating" or quarter not in QUARTERS):
        raise NotFound("Chỉ bản tự đánh giá, xếp loại (Mẫu 05) có theo quý, quý từ I đến IV.")
    facts = member_facts(member, year, default_place)
    if family == "self-rating":
        facts["period"] = f"quy_{quarter}" if quarter else "nam"
    return open_document(session, kind, member.unit, year, member=member, facts=facts, quarter=quarter)


def open_document(session: Session, kind: DocumentKind, unit: Unit, year: int, *, member: Member | None = None,
                  facts: dict[str, Any] | None = None, quarter: int = 0) -> Document:
    """The document of this kind about this subject in the unit's cycle, created on first open."""
    cycle = cycle_for(session, unit, year, quarter)
    key = f"member:{member.id}" if member else f"unit:{unit.id}"
    doc = session.scalar(select(Document).where(
        Document.kind_code == kind.code, Document.cycle_id == cycle.id, Document.subject_key == key))
    if doc is None:
        facts = dict(facts or {})
        facts["previous"] = previous_data(session, kind.code, cycle, key)
        initial = kind.schema.initial_data(facts)
        doc = Document(kind_code=kind.code, cycle_id=cycle.id, member_id=member.id if member else None,
                       subject_unit_id=None if member else unit.id, subject_key=key, data=initial)
        session.add(doc)
        session.flush()
    return doc


class StaleRevision(ServiceError):
    """Someone saved the document after the revision this save started from: nothing was written."""

    status = 409
    code = "phien_ban_cu"

    def __init__(self, doc_id: int, current_revision: int) -> None:
        super().__init__(f"Văn bản đã được lưu bởi người khác (lần lưu thứ {current_revision}) sau khi bạn mở nó: "
                         "nội dung bạn gửi chưa được lưu, bản của người kia không bị ghi đè.")
        self.doc_id, self.current_revision = doc_id, current_revision
        self.extra = {"current_revision": current_revision}


def entered_on_behalf(doc: Document, user: User | None) -> bool:
    """A member's document typed in by someone else (a secretary for a member without a computer): "nhập thay"."""
    return doc.member_id is not None and user is not None and user.member_id != doc.member_id


def save_revision(session: Session, doc: Document, data: dict[str, Any], user: User | None, *,
                  status: str = "draft", note: str = "", base_revision: int | None = None) -> DocumentRevision:
    """Store new content as a new revision; earlier revisions stay untouched. Who saved it is recorded, and
    whether it was on the member's behalf ("nhập thay"); the text kept while typing is then superseded.

    `base_revision` is the revision the person started from (pages and API always send it); None means
    "whatever is current" (system writes in one transaction). Either way the counter moves by a conditional
    UPDATE … WHERE revision = base, so of two saves racing from the same revision exactly one wins and the
    other raises StaleRevision (409) with nothing written, on PostgreSQL (row lock, then re-check) and SQLite
    (write lock) alike."""
    base = doc.revision if base_revision is None else base_revision
    if base != doc.revision:
        raise StaleRevision(doc.id, doc.revision)
    data = text.clean_data(data)
    now = utcnow()
    result = session.execute(
        update(Document).where(Document.id == doc.id, Document.revision == base)
        .values(revision=base + 1, data=dict(data), status=status, updated_at=now)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        current = session.scalar(select(Document.revision).where(Document.id == doc.id)
                                 .execution_options(populate_existing=True))
        raise StaleRevision(doc.id, current if current is not None else base + 1)
    for key, value in (("revision", base + 1), ("data", dict(data)), ("status", status), ("updated_at", now)):
        set_committed_value(doc, key, value)  # what the UPDATE wrote; the ORM must not write it again
    rev = DocumentRevision(document_id=doc.id, number=base + 1, data=dict(data), status=status, note=note,
                           saved_by_id=user.id if user else None, on_behalf=entered_on_behalf(doc, user))
    discard_autosave(session, doc)
    session.add(rev)
    session.flush()
    return rev


def documents_of_member(session: Session, member: Member) -> list[Document]:
    """Every document about a member, newest cycle first."""
    rows = session.scalars(select(Document).join(ReviewCycle).where(Document.member_id == member.id)
                           .order_by(ReviewCycle.year.desc(), Document.kind_code)).all()
    return list(rows)


AUTOSAVE_MAX_FIELDS = 3000
AUTOSAVE_MAX_CHARS = 400_000


def autosave(session: Session, doc: Document, fields: dict[str, list[str]], user: User | None) -> DocumentAutosave:
    """Keep what is being typed (the form's fields as sent) without making a revision: one copy per document,
    replaced by the next one and dropped by the next explicit save."""
    if len(fields) > AUTOSAVE_MAX_FIELDS or sum(len(v) for values in fields.values() for v in values) \
            > AUTOSAVE_MAX_CHARS:
        raise InvalidInput("Nội dung quá dài để tự động lưu; hãy bấm “Lưu nháp”.")
    fields = {text.clean(k): [text.clean(v) for v in values] for k, values in fields.items()}
    row = doc.autosave
    if row is None:
        row = doc.autosave = DocumentAutosave(document_id=doc.id)
    row.data, row.base_revision, row.saved_at = fields, doc.revision, utcnow()
    row.saved_by_id = user.id if user else None
    session.flush()
    return row


def pending_autosave(session: Session, doc: Document) -> DocumentAutosave | None:
    """Text typed since the last revision and not saved (an explicit save drops it), or None."""
    return doc.autosave


def discard_autosave(session: Session, doc: Document) -> None:
    """Forget the text kept while typing."""
    if doc.autosave is not None:
        doc.autosave = None  # the orphan is deleted (Document.autosave's cascade)
        session.flush()


# Header and identity fields: this year's, never last year's.
NOT_COPIED = frozenset({"year", "superior_body", "issuing_body", "place", "signed_on", "full_name", "birth_date",
                        "admitted_on", "official_on", "work_unit", "chi_bo", "position", "positions", "period"})


def previous_year_answers(session: Session, doc: Document) -> tuple[int, dict[str, Any]] | None:
    """(previous year, its answers) from the same subject's document of the same family last year, without the
    header and identity fields; None when there is no such document."""
    data = previous_data(session, doc.kind_code, doc.cycle, doc.subject_key)
    answers = {k: v for k, v in data.items() if k not in NOT_COPIED and v not in (None, "", [])}
    return (doc.cycle.year - 1, answers) if answers else None
