"""The cycle dashboard: every member's status, who is excluded and why, what is missing and the next step."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

from ..access import subtree_units
from ..models import Document, Member, ReviewCycle, Unit
from ..rules import LEVEL_LABELS, QuotaResult
from .meeting import proposal_warnings
from .models import Meeting
from .votes import SUPPORT_SOURCE
from .people import CycleState, check, excluded_reason, load_cycles

STATUSES = {"excluded": "Không xếp loại", "not_started": "Chưa viết", "draft": "Đang viết (bản nháp)",
            "submitted": "Đã nộp bản tự kiểm điểm", "reviewed": "Đã kiểm điểm tại hội nghị",
            "rated": "Đã có quyết định xếp loại"}


@dataclass
class MemberRow:
    """One member's line on the dashboard."""

    member: Member
    status: str
    excluded: str | None
    levels: dict[str, str]  # step → level label
    missing: list[str]
    next_step: str
    temporary_unit: str = ""
    highest_allowed: str = ""  # the rules' highest level for this member, as a label
    rule_notes: list[str] = field(default_factory=list)  # what the rules say about the level on record
    level_ok: bool = True
    undetermined: list[str] = field(default_factory=list)  # the regulation leaves the level open: why, with clauses
    vote_warnings: list[str] = field(default_factory=list)  # a proposal the meeting's vote does not carry

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]


@dataclass
class UnitBoard:
    """A unit's dashboard: its members, its own documents and rating, counts by status and by decided level."""

    unit: Unit
    cycle: ReviewCycle
    rows: list[MemberRow]
    unit_levels: dict[str, str]
    unit_missing: list[str]
    by_status: Counter = field(default_factory=Counter)
    by_level: Counter = field(default_factory=Counter)
    quota: QuotaResult | None = None  # "Hoàn thành xuất sắc" against 20 % of "Hoàn thành tốt", current levels
    documents: dict[str, Document] = field(default_factory=dict)  # the unit's own documents of the year, by family

    @property
    def members_missing(self) -> int:
        """Members who still owe something (a document not submitted, a proposal not recorded)."""
        return sum(1 for row in self.rows if row.missing)


def _member_row(state: CycleState, member: Member, reviewed_ids: set[int]) -> MemberRow:
    excluded = excluded_reason(state, member)
    latest = state.levels(member.id)
    levels = {step: LEVEL_LABELS[row.level] for step, row in latest.items()}
    facts = state.facts.get(member.id)
    temporary = facts.temporary_unit if facts else ""
    if excluded:
        return MemberRow(member, "excluded", excluded, levels, [], "Không phải làm gì thêm.", temporary)
    review = state.document("personal-review", member.id)
    missing = []
    if review is None or review.revision == 0:
        status, nxt = "not_started", "Đảng viên viết bản tự kiểm điểm, tự xếp loại."
    elif review.status != "submitted":
        status, nxt = "draft", "Đảng viên hoàn thành và nộp bản tự kiểm điểm (Lưu và kiểm tra đủ mục)."
    elif "decision" in latest or "rerating" in latest:
        status, nxt = "rated", "Lưu bản có chữ ký vào hồ sơ."
    elif "proposal" in latest or member.id in reviewed_ids:
        status, nxt = "reviewed", "Cấp ủy cơ sở quyết định mức xếp loại."
    else:
        status, nxt = "submitted", "Kiểm điểm tại hội nghị chi bộ, biểu quyết và ghi mức chi bộ đề xuất."
    if status in ("not_started", "draft"):
        missing.append("Bản tự kiểm điểm")
    commitment = state.document("commitment", member.id)
    if commitment is None or commitment.status != "submitted":
        missing.append("Bản cam kết tu dưỡng, rèn luyện, phấn đấu")
    if temporary and not facts.temporary_comments.strip():
        missing.append(f"Nhận xét của chi bộ nơi sinh hoạt tạm thời ({temporary})")
    if status != "rated" and "proposal" not in latest:
        missing.append("Mức chi bộ đề xuất")
    return MemberRow(member, status, None, levels, missing, nxt, temporary)


def current_level(state: CycleState, member_id: int) -> str | None:
    """The most advanced level on record: re-rating, decision, proposal, else the self-rating."""
    latest = state.levels(member_id)
    for step in ("rerating", "decision", "proposal", "self"):
        if step in latest:
            return latest[step].level
    return None


def _apply_rules(state: CycleState, rows: list[MemberRow]) -> QuotaResult | None:
    """What the rule engine says of every member's current level: the same check a step would get."""
    if not state.members:
        return None
    levels = {m.id: level for m in state.members if (level := current_level(state, m.id))}
    result = check(state, "proposal", levels)
    verdicts = {p.id: p for p in result.people}
    for row in rows:
        verdict = verdicts[str(row.member.id)]
        if row.excluded:
            continue
        row.highest_allowed = LEVEL_LABELS.get(verdict.highest_allowed, "")
        row.level_ok = verdict.proposed_ok is not False or row.member.id not in levels
        if not verdict.determined:
            row.undetermined = [f"{v.message} ({v.source})" for v in verdict.violations if not v.binding]
        if row.member.id in levels:
            row.rule_notes = [f"{v.message} ({v.source})" for v in verdict.violations
                              if verdict.determined or v.binding]
    return result.quota


def _board(state: CycleState, unit: Unit, reviewed_ids: set[int], record: Meeting | None = None) -> UnitBoard:
    rows = [_member_row(state, m, reviewed_ids) for m in state.members]
    quota = _apply_rules(state, rows)
    warnings = proposal_warnings(state, record)
    for row in rows:
        if row.member.id in warnings:
            row.vote_warnings = [f"{warnings[row.member.id]} ({SUPPORT_SOURCE})"]
    unit_missing = []
    report = state.document("collective-report")
    if report is None or report.status != "submitted":
        unit_missing.append("Báo cáo kiểm điểm của tập thể")
    for family, label in (("minutes", "Biên bản hội nghị"), ("summary", "Biểu tổng hợp kết quả")):
        doc = state.document(family)
        if state.members and (doc is None or doc.status != "submitted"):  # an opened draft is not done
            unit_missing.append(label)
    unit_levels = {step: LEVEL_LABELS[row.level] for step, row in state.levels(None).items()}
    board = UnitBoard(unit, state.cycle, rows, unit_levels, unit_missing, quota=quota,
                      documents=state.unit_documents())
    for row in rows:
        board.by_status[row.status] += 1
        decided = state.levels(row.member.id)
        final = decided.get("rerating") or decided.get("decision")
        if final and not row.excluded:
            board.by_level[final.level] += 1
    return board


# boards' queries, built once (building a statement costs more Python than running a cached one)
_YEAR_CYCLES = select(ReviewCycle).where(ReviewCycle.unit_id.in_(bindparam("ids", expanding=True)),
                                         ReviewCycle.year == bindparam("year"), ReviewCycle.quarter == 0)
_MEETINGS = (select(Meeting).options(joinedload(Meeting.tallies))  # one query, not two
             .where(Meeting.cycle_id.in_(bindparam("ids", expanding=True))))


def boards(session: Session, root: Unit, year: int) -> list[UnitBoard]:
    """The unit's own board first, then one per unit below it (a đảng bộ sees every chi bộ), in tree order."""
    units = subtree_units(session, root)
    ids = list(units)
    cycles = {c.unit_id: c for c in session.scalars(_YEAR_CYCLES, {"ids": ids, "year": year})}
    all_cycles = [cycles.get(uid) or ReviewCycle(unit_id=uid, year=year, quarter=0) for uid in ids]
    states = load_cycles(session, all_cycles)
    meeting_ids = [c.id for c in cycles.values()]
    reviewed: set[int] = set()
    records: dict[int, Meeting] = {}
    if meeting_ids:
        for meeting in session.scalars(_MEETINGS, {"ids": meeting_ids}).unique():
            reviewed.update(t.member_id for t in meeting.tallies)
            records[meeting.cycle_id] = meeting
    order = _tree_order(root.id, units)
    return [_board(states[uid], units[uid], reviewed, records.get(states[uid].cycle.id)) for uid in order]


def _tree_order(root_id: int, units: dict[int, Unit]) -> list[int]:
    children: dict[int, list[int]] = {}
    for unit in units.values():
        if unit.parent_id in units:
            children.setdefault(unit.parent_id, []).append(unit.id)
    out, stack = [], [root_id]
    while stack:
        uid = stack.pop()
        out.append(uid)
        stack.extend(sorted(children.get(uid, []), reverse=True))
    return out


def totals(boards_: list[UnitBoard]) -> dict[str, Counter | int]:
    """Sums over several units' boards, for the superior committee's line of totals: counts by status and level,
    the units whose own documents are not all submitted and the members who still owe something."""
    by_status, by_level = Counter(), Counter()
    for board in boards_:
        by_status.update(board.by_status)
        by_level.update(board.by_level)
    return {"by_status": by_status, "by_level": by_level,
            "units_missing": sum(1 for board in boards_ if board.unit_missing),
            "members_missing": sum(board.members_missing for board in boards_)}
