"""The review meeting: attendance and vote counts; only official members present vote (Điều lệ Đảng, Điều 3)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, selectinload

from .. import text
from ..errors import InvalidInput
from ..models import ReviewCycle
from ..rules import LEVEL_LABELS, LEVELS
from .models import ATTENDANCE, Attendance, Meeting, VoteTally
from . import votes as vote_rules
from .people import CycleState, excluded_reason, load_cycle

MAJORITY_PCT = 50.0  # a level is carried by more than half of the official members present: local practice [L]
VOTE_SOURCE = "Điều 3 Điều lệ Đảng: đảng viên dự bị không biểu quyết"


# With its attendance and votes, read in the same transaction: the meeting page commits (a meeting made on first
# use) before it reads them, and a lazy load after that took a second connection and transaction from the pool.
_MEETING = (select(Meeting).where(Meeting.cycle_id == bindparam("cycle_id"))
            .options(selectinload(Meeting.attendance), selectinload(Meeting.tallies)))


def meeting_for(session: Session, cycle: ReviewCycle) -> Meeting:
    """The cycle's meeting with its attendance and votes, created empty on first use."""
    meeting = session.scalar(_MEETING, {"cycle_id": cycle.id})
    if meeting is None:
        meeting = Meeting(cycle_id=cycle.id)
        session.add(meeting)
        session.flush()
    return meeting


@dataclass
class Counts:
    """Attendance figures the minutes print."""

    total: int
    official: int
    probationary: int
    present: int
    present_official: int
    present_probationary: int
    absent_reason: list[str]
    absent_no_reason: list[str]
    excluded: list[str]


def counts(state: CycleState, meeting: Meeting) -> Counts:
    """Attendance figures from the recorded statuses (members without a status count as absent without reason)."""
    status = {a.member_id: a for a in meeting.attendance}
    active = state.attending()
    present = [m for m in active if status.get(m.id) and status[m.id].status == "present"]
    return Counts(
        total=len(state.members), official=sum(m.official for m in state.members),
        probationary=sum(not m.official for m in state.members), present=len(present),
        present_official=sum(m.official for m in present), present_probationary=sum(not m.official for m in present),
        absent_reason=[f"{m.full_name} ({status[m.id].reason})" if status[m.id].reason else m.full_name
                       for m in active if status.get(m.id) and status[m.id].status == "absent_reason"],
        absent_no_reason=[m.full_name for m in active
                          if not status.get(m.id) or status[m.id].status == "absent_no_reason"],
        excluded=[m.full_name for m in state.members if state.year_status(m) != "active"])


MAX_VOTES = 10_000  # far above any chi bộ; keeps typed numbers inside the database's integer range
TEXT_LIMITS = {"place": ("Địa điểm", 200), "chair": ("Chủ trì", 120), "secretary": ("Thư ký", 120)}
TIME_FIELDS = {"opened_at": "Giờ khai mạc", "closed_at": "Giờ bế mạc"}
_TIME = re.compile(r"^(\d{1,2})\s*(?::|h|g|giờ)\s*(\d{1,2})?\s*(?:phút)?\s*(sáng|trưa|chiều|tối)?$", re.IGNORECASE)


def parse_time(value: str) -> str | None:
    """'14:00', '14h30', '14 giờ', '2 giờ chiều' → 'HH:MM'; None when it is not a time of day."""
    match = _TIME.match(text.clean(value).strip())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    part = (match.group(3) or "").lower()
    if part in ("chiều", "tối") and hour < 12:
        hour += 12
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


def parse_votes(value: Any) -> int | None:
    """A vote count as typed or sent: '', None → 0; a whole number 0…MAX_VOTES; anything else → None."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return 0
        if not (value.isascii() and value.isdigit()) or len(value) > 6:  # '²', '1e309', '-1', '٣' are refused
            return None
        value = int(value)
    if not isinstance(value, int) or not 0 <= value <= MAX_VOTES:
        return None
    return value


def save_meeting(session: Session, state: CycleState, data: dict[str, Any]) -> Meeting:
    """Replace the meeting's details, attendance and votes after checking them all; nothing is saved on error.

    May be called any number of times: the previous attendance and votes are replaced as a whole."""
    members = {m.id: m for m in state.members}
    errors: dict[str, list[str]] = {}
    attendance = {}
    for i, row in enumerate(data.get("attendance") or []):
        member = members.get(row.get("member_id")) if isinstance(row, dict) else None
        if member is None:
            errors[f"attendance[{i}].member_id"] = ["Đảng viên không thuộc chi bộ này."]
        elif row.get("status") not in ATTENDANCE:
            errors[f"attendance[{i}].status"] = [f"Chọn một trong: {', '.join(ATTENDANCE.values())}."]
        else:
            reason = text.clean(str(row.get("reason") or "")).strip()
            if len(reason) > 300:
                errors[f"attendance[{i}].reason"] = [f"Lý do vắng dài {len(reason)} ký tự, tối đa 300."]
            elif reason and row["status"] != "absent_reason":
                errors[f"attendance[{i}].reason"] = [f"Đồng chí {member.full_name}: chỉ ghi lý do vắng khi vắng có lý "
                                                     f"do (đang chọn “{ATTENDANCE[row['status']]}”)."]
            attendance[member.id] = (row["status"], reason)
    present_official = sum(1 for mid, (st, _) in attendance.items() if st == "present" and members[mid].official)
    tallies = {}
    for i, row in enumerate(data.get("tallies") or []):
        member = members.get(row.get("member_id")) if isinstance(row, dict) else None
        if member is None:
            errors[f"tallies[{i}].member_id"] = ["Đảng viên không thuộc chi bộ này."]
            continue
        votes = {code: parse_votes(row.get(code)) for code, _ in LEVELS}
        bad = [label for code, label in LEVELS if votes[code] is None]
        if bad:
            errors[f"tallies[{i}]"] = [f"Số phiếu “{', '.join(bad)}” của đồng chí {member.full_name} phải là số "
                                       f"nguyên từ 0 đến {MAX_VOTES:,}".replace(",", ".") + "."]
        elif excluded_reason(state, member) and sum(votes.values()):
            errors[f"tallies[{i}]"] = [f"Đồng chí {member.full_name} không thuộc diện xếp loại năm nay, "
                                       "không biểu quyết mức xếp loại."]
        elif sum(votes.values()) > present_official:
            errors[f"tallies[{i}]"] = [
                f"Tổng số phiếu cho đồng chí {member.full_name} ({sum(votes.values())}) vượt số đảng viên chính thức "
                f"có mặt ({present_official}): đảng viên dự bị được tính có mặt nhưng không biểu quyết "
                f"({VOTE_SOURCE})."]
        else:
            tallies[member.id] = votes
    details: dict[str, Any] = {}
    for key, label in TIME_FIELDS.items():
        raw = text.clean(str(data.get(key) or "")).strip()
        details[key] = parse_time(raw) if raw else ""
        if details[key] is None:
            errors[key] = [f"{label} “{raw[:40]}” chưa đúng: ghi giờ và phút, ví dụ 14:00, 14h30 hoặc 2 giờ chiều."]
    for key, (label, limit) in TEXT_LIMITS.items():
        details[key] = text.clean(str(data.get(key) or "")).strip()
        if len(details[key]) > limit:
            errors[key] = [f"{label} dài {len(details[key])} ký tự, tối đa {limit}."]
    held_on = data.get("held_on") or None
    if held_on is not None:
        try:
            held_on = text.parse_date(held_on if isinstance(held_on, str) else "?")
        except ValueError as exc:
            errors["held_on"] = [f"Ngày họp: {exc}"]
        else:
            if abs(held_on.year - state.cycle.year) > 1:
                errors["held_on"] = [f"Ngày họp {text.short_date(held_on)} không thuộc kỳ kiểm điểm năm "
                                     f"{state.cycle.year}."]
    if errors:
        raise InvalidInput("Chưa lưu: dữ liệu hội nghị chưa hợp lệ.", errors)
    meeting = meeting_for(session, state.cycle)
    for key, value in details.items():
        setattr(meeting, key, value)
    meeting.held_on = held_on or None
    # Old rows go first: the unit of work would insert the new rows before deleting the old ones, and
    # (meeting, member) is unique.
    meeting.attendance.clear()
    meeting.tallies.clear()
    session.flush()
    meeting.attendance = [Attendance(member_id=mid, status=st, reason=reason) for mid, (st, reason) in attendance.items()]
    meeting.tallies = [VoteTally(member_id=mid, **votes) for mid, votes in tallies.items()]
    session.flush()
    return meeting


def tally_rows(state: CycleState, meeting: Meeting) -> list[dict[str, Any]]:
    """Per rated member: votes per level, percentages of the official members present, the level carried."""
    base = counts(state, meeting).present_official
    tallies = {t.member_id: t for t in meeting.tallies}
    rows = []
    for member in state.members:
        if excluded_reason(state, member):
            continue
        tally = tallies.get(member.id)
        votes = {code: getattr(tally, code) if tally else 0 for code, _ in LEVELS}
        pct = {code: round(100 * v / base, 2) if base else 0.0 for code, v in votes.items()}
        # The highest level that more than half voted for, counting a vote for a higher level as support.
        carried = next((code for code, _ in LEVELS if vote_rules.supports(votes, code, base)), None)
        rows.append({"member": member, "votes": votes, "pct": pct, "base": base, "carried": carried,
                     "carried_label": LEVEL_LABELS.get(carried, "")})
    return rows


def unsupported_proposal(state: CycleState, meeting: Meeting | None, member_id: int, level: str) -> str | None:
    """Why the meeting's vote does not carry `level` for the member (more than half of the official members present
    voting it or higher), else None; None too when no vote is recorded for the member."""
    tally = next((t for t in meeting.tallies if t.member_id == member_id), None) if meeting else None
    if tally is None:
        return None
    member = next(m for m in state.members if m.id == member_id)
    votes = {code: getattr(tally, code) for code, _ in LEVELS}
    return vote_rules.support_problem(member.full_name, votes, level, counts(state, meeting).present_official,
                                      "đảng viên chính thức có mặt")


def proposal_warnings(state: CycleState, meeting: Meeting | None) -> dict[int, str]:
    """Members whose recorded proposal the vote does not carry (shown on the board whatever the setting)."""
    out = {}
    for member in state.members:
        proposal = state.levels(member.id).get("proposal")
        if proposal is not None and (message := unsupported_proposal(state, meeting, member.id, proposal.level)):
            out[member.id] = message
    return out


def facts_for_documents(state: CycleState, record: Meeting | None) -> dict[str, Any]:
    """The rating steps and exclusions, and once recorded the meeting, as facts for the unit's documents (by id)."""
    facts: dict[str, Any] = {
        "ratings": {m.id: {step: row.level for step, row in state.levels(m.id).items()} for m in state.members},
        "excluded": {m.id: reason for m in state.members if (reason := excluded_reason(state, m))},
    }
    if record is not None:
        facts["meeting"] = {"held_on": record.held_on.isoformat() if record.held_on else "",
                            "opened_at": record.opened_at, "closed_at": record.closed_at, "place": record.place,
                            "chair": record.chair, "secretary": record.secretary}
        facts["attendance"] = {a.member_id: {"status": a.status, "reason": a.reason} for a in record.attendance}
        facts["tallies"] = {t.member_id: {code: getattr(t, code) for code, _ in LEVELS} for t in record.tallies}
    return facts


def document_facts(session: Session, cycle: ReviewCycle) -> dict[str, Any]:
    """facts_for_documents for a cycle, loaded from the database."""
    record = session.scalar(select(Meeting).where(Meeting.cycle_id == cycle.id)) if cycle.id else None
    return facts_for_documents(load_cycle(session, cycle), record)
