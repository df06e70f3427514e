"""Recording a rating step: checked against the order of steps and the rating rules before anything is written."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import documents, unit_rules
from ..archive import audit
from ..archive.audit import Actor
from ..access import subtree_ids
from ..catalog import get_kind
from ..config import Settings
from ..errors import InvalidInput, ServiceError
from ..models import Document, Member, ReviewCycle, Unit, User
from ..regimes import regime_for_year
from ..rules import LEVEL_LABELS
from . import meeting, people, steps
from . import votes as vote_rules
from .models import STEPS, RatingStep, step_labels

WHO_MAY = {"self": {"member", "secretary", "office", "admin"}, "proposal": {"secretary", "office", "admin"},
           "decision": {"office", "admin"}, "rerating": {"office", "admin"}}
OVERRIDERS = {"office", "admin"}  # the committee's office may override the order of steps, with a reason
RESULT_STEPS = ("decision", "rerating")  # the steps after which a member's rating-result document is (re)written
RECORDED_BY_HAND = ("proposal", "decision", "rerating")  # the self step comes from the submitted document


def steps_for(role: str) -> list[str]:
    """The steps a role may record by hand, in order: what the board offers (the rest would only be refused)."""
    return [step for step in RECORDED_BY_HAND if role in WHO_MAY[step]]


class StepRefused(ServiceError):
    """The step breaks the order of steps or a rating rule; nothing was recorded."""

    status = 409
    code = "sai_trinh_tu"

    def __init__(self, message: str, reasons: list[dict[str, str]]) -> None:
        super().__init__(message)
        self.reasons = reasons


def children_undecided(session: Session, cycle: ReviewCycle) -> tuple[str, ...]:
    """Subordinate units whose own rating of the same year has no decision yet."""
    names = []
    for child in session.scalars(select(Unit).where(Unit.parent_id == cycle.unit_id)):
        child_cycle = session.scalar(select(ReviewCycle).where(
            ReviewCycle.unit_id == child.id, ReviewCycle.year == cycle.year, ReviewCycle.quarter == cycle.quarter))
        decided = child_cycle is not None and session.scalar(select(RatingStep.id).where(
            RatingStep.cycle_id == child_cycle.id, RatingStep.member_id.is_(None), RatingStep.step == "decision"))
        if not decided:
            names.append(child.name)
    return tuple(names)


def record_step(session: Session, cycle: ReviewCycle, member: Member | None, step: str, level: str, user: User, *,
                note: str = "", override_reason: str = "", quota_pct: float = 20,
                default_place: str | None = None, actor: Actor | None = None) -> RatingStep:
    """Add one step of a rating after checking who may, the order of steps and the rules; refuse with reasons.

    Every recorded step is also an audit event (`actor` says from where; without it, the user alone)."""
    if step not in STEPS:
        raise InvalidInput("Bước xếp loại không hợp lệ.", {"step": [f"Chỉ nhận: {', '.join(STEPS)}."]})
    if level not in LEVEL_LABELS:
        raise InvalidInput("Mức xếp loại không hợp lệ.", {"level": ["Chọn một trong bốn mức xếp loại."]})
    if user.role not in WHO_MAY[step] or (step == "self" and user.role == "member" and user.member_id != getattr(
            member, "id", None)):
        name = step_labels(cycle.unit.kind, member is not None)[step]
        raise StepRefused(f"Vai trò của bạn không được ghi bước “{name}”.", [])
    regime = regime_for_year(cycle.year).code
    state = people.load_cycle(session, cycle)
    context = steps.Context(children_undecided(session, cycle) if member is None else ())
    order = steps.blockers(state, step, member, regime, context)
    if order and not override_reason.strip():
        hint = " Văn phòng cấp ủy có thể cho phép làm khác trình tự, kèm lý do." if user.role not in OVERRIDERS else \
            " Nếu cần làm khác trình tự, nhập lý do để ghi nhận việc cho phép."
        raise StepRefused("Chưa đúng trình tự kiểm điểm, xếp loại." + hint,
                          [{"rule": b.rule, "message": b.message, "source": b.source} for b in order])
    if order and user.role not in OVERRIDERS:
        raise StepRefused("Chỉ văn phòng cấp ủy được cho phép làm khác trình tự.",
                          [{"rule": b.rule, "message": b.message, "source": b.source} for b in order])
    score = None
    if member is not None:
        if excluded := people.excluded_reason(state, member):
            raise StepRefused(f"Đồng chí {member.full_name} không thuộc diện đánh giá, xếp loại năm {cycle.year}: "
                              f"{excluded}", [])
        result = people.check(state, "decision" if step == "rerating" else step, {member.id: level}, quota_pct)
        mine = next(p for p in result.people if p.id == str(member.id))
        # proposed_ok None: the regulation leaves the level to the committee, so the step is recorded (the board
        # shows the case as undetermined with its clauses); False: a binding rule refuses it.
        if mine.proposed_ok is False and (step != "rerating" or mine.highest_allowed is not None):
            reasons = [{"rule": v.rule, "message": v.message, "source": v.source} for v in mine.violations
                       if v.binding]
            raise StepRefused(f"Mức “{LEVEL_LABELS[level]}” không đúng quy định đối với đồng chí {member.full_name}.",
                              reasons)
        score = mine.score_total
        if step == "proposal":
            record = session.scalar(select(meeting.Meeting).where(meeting.Meeting.cycle_id == cycle.id))
            unsupported = meeting.unsupported_proposal(state, record, member.id, level)
            if unsupported and state.rules.vote_support_required:
                raise StepRefused(f"Mức “{LEVEL_LABELS[level]}” chưa được hội nghị biểu quyết thông qua đối với đồng "
                                  f"chí {member.full_name}.", [{"rule": "vote_support", "message": unsupported,
                                                                "source": vote_rules.SUPPORT_SOURCE}])
    row = RatingStep(cycle_id=cycle.id, member_id=member.id if member else None, step=step, level=level,
                     score_total=score, note=note, override_reason=override_reason.strip() if order else "",
                     user_id=user.id)
    session.add(row)
    session.flush()
    audit.record(session, actor or Actor(user.id, user.username), "rating", object_type="rating_step",
                 object_id=row.id, unit_id=cycle.unit_id, member_id=member.id if member else None,
                 member=member.full_name if member else None, year=cycle.year, step=step, level=level,
                 override_reason=row.override_reason)
    if member is not None and step in RESULT_STEPS:
        record_result_document(session, cycle, member, user, default_place=default_place)
    return row


def record_result_document(session: Session, cycle: ReviewCycle, member: Member, user: User | None, *,
                           default_place: str | None = None) -> Document | None:
    """Write the member's “Kết quả đánh giá, xếp loại” from the recorded steps and votes, as a submitted revision
    (so the member's packet takes it), when it differs from the saved one; earlier revisions stay. The levels and
    votes are refreshed from the records, whatever else was edited by hand is kept. A result the records cannot
    complete (no proposal recorded, no superior unit) is saved as a draft to finish by hand. Yearly cycles only."""
    if cycle.quarter:
        return None
    kind = get_kind(f"rating-result-{regime_for_year(cycle.year).code}")
    unit = session.get(Unit, cycle.unit_id)
    committee = unit.parent or unit  # the unit whose committee decides the chi bộ's members
    place = committee.place or unit.place or default_place or Settings.default_place
    recorded = meeting.document_facts(session, cycle)
    facts = documents.member_facts(member, cycle.year, place)
    facts.update({
        "member_id": member.id,
        "ratings": {member.id: recorded["ratings"].get(member.id, {})},
        "tallies": {member.id: recorded["tallies"][member.id]} if member.id in recorded.get("tallies", {}) else {},
        "superior_unit": committee.name,
        "committee_header": documents.header_facts(committee, cycle.year, place),
    })
    decision = session.scalar(select(RatingStep).where(
        RatingStep.cycle_id == cycle.id, RatingStep.member_id == member.id, RatingStep.step == "decision")
        .order_by(RatingStep.id.desc()))
    if decision is not None and decision.at is not None:
        facts["decided_on"] = decision.at.date().isoformat()  # a first guess at the committee's date, editable
    doc = documents.open_document(session, kind, unit, cycle.year, member=member, facts=facts)
    fresh = kind.schema.refreshed(doc.data, facts)
    status, note = "submitted", "Theo kết quả xếp loại đã ghi"
    try:
        data = kind.schema.check(kind, fresh, rules=unit_rules.settings_for(session, unit.id))
    except InvalidInput as exc:
        data = kind.schema.check(kind, fresh, draft=True, rules=unit_rules.settings_for(session, unit.id))
        status = "draft"
        note = "Theo kết quả xếp loại đã ghi; còn thiếu: " + ", ".join(exc.fields)
    if doc.revision and data == doc.data:
        return doc
    documents.save_revision(session, doc, data, user, status=status, note=note)
    return doc


def record_self_from_document(session: Session, doc: Document, user: User | None,
                              actor: Actor | None = None) -> RatingStep | None:
    """A submitted self-review or collective report carries the self-rating: record it as the 'self' step (and as
    an audit event, like every rating step)."""
    kind = get_kind(doc.kind_code)
    level = doc.data.get("proposed_level")
    if doc.status != "submitted" or level not in LEVEL_LABELS or kind.family not in ("personal-review",
                                                                                      "collective-report"):
        return None
    member_id = doc.member_id if kind.family == "personal-review" else None
    last = session.scalar(select(RatingStep).where(RatingStep.cycle_id == doc.cycle_id,
                                                   RatingStep.member_id.is_(member_id) if member_id is None
                                                   else RatingStep.member_id == member_id,
                                                   RatingStep.step == "self").order_by(RatingStep.id.desc()))
    if last is not None and last.level == level:
        return None
    row = RatingStep(cycle_id=doc.cycle_id, member_id=member_id, step="self", level=level,
                     score_total=documents.score_total(doc.data),
                     note="Theo văn bản tự kiểm điểm", user_id=user.id if user else None)
    session.add(row)
    session.flush()
    who = actor or (Actor(user.id, user.username) if user else Actor.system())
    audit.record(session, who, "rating", object_type="rating_step", object_id=row.id, unit_id=doc.cycle.unit_id,
                 document_id=doc.id, member_id=member_id, year=doc.cycle.year, step="self", level=level)
    return row


def visible_to(session: Session, user: User, cycle: ReviewCycle) -> bool:
    """Managers of the unit (or above) see and act on its cycle."""
    if user.role == "admin":
        return True
    if user.role == "secretary":
        return user.unit_id == cycle.unit_id
    if user.role == "office" and user.unit_id:
        return cycle.unit_id in subtree_ids(session, user.unit_id)
    return False
