"""Tables of the review cycle: facts per member and year, the rating history, the meeting and its votes."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Optional

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from ..models import User, utcnow
from ..units import CHI_BO_KINDS

STEPS = {"self": "Tự đánh giá, xếp loại", "proposal": "Chi bộ đề xuất", "decision": "Cấp có thẩm quyền quyết định",
         "rerating": "Xếp loại lại (Mẫu 03)"}
# Step 2 of a rating is "thẩm định và đề xuất mức xếp loại" (124 Điều 11, 366 Điều 12). For a member of a chi bộ the
# chi bộ reviews and proposes (docs/domain: Hà Tĩnh instruction, consistent with the "upper level decides" rule).
# For a party organisation it is the advisory body, or the đảng ủy bộ phận where one exists, never the
# organisation itself; and no source seen says who proposes on a đảng bộ's own board. So everywhere but a chi bộ
# member's row the step carries the regulation's own name, right whoever takes it.
NEUTRAL_PROPOSAL = "Thẩm định, đề xuất mức xếp loại"


def step_labels(unit_kind: str, member: bool) -> dict[str, str]:
    """The steps' names on a board: "Chi bộ đề xuất" only for a member of a chi bộ, else the neutral name."""
    if member and unit_kind in CHI_BO_KINDS:
        return STEPS
    return {**STEPS, "proposal": NEUTRAL_PROPOSAL}
ATTENDANCE = {"present": "Có mặt", "absent_reason": "Vắng có lý do", "absent_no_reason": "Vắng không có lý do"}


class MemberYear(Base):
    """What the rules need to know about a member in a year, beyond the documents (discipline, tasks, leave)."""

    __tablename__ = "member_years"
    __table_args__ = (UniqueConstraint("cycle_id", "member_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("review_cycles.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # keys of service.rules.Person
    temporary_unit: Mapped[str] = mapped_column(String(200), default="")  # chi bộ of sinh hoạt tạm thời
    temporary_comments: Mapped[str] = mapped_column(Text, default="")  # its written comments (HD 43 point 7.6)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RatingStep(Base):
    """One step of a rating (self → proposal → decision, later re-rating); never updated, only added."""

    __tablename__ = "rating_steps"
    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("review_cycles.id"), index=True)
    member_id: Mapped[Optional[int]] = mapped_column(ForeignKey("members.id"), index=True)  # None: the unit itself
    step: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(20))
    score_total: Mapped[Optional[float]] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")
    override_reason: Mapped[str] = mapped_column(Text, default="")  # set when the committee overrode the order
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user: Mapped[Optional[User]] = relationship()


class Meeting(Base):
    """The chi bộ's review meeting of a cycle (hội nghị kiểm điểm, đánh giá, xếp loại)."""

    __tablename__ = "meetings"
    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("review_cycles.id"), unique=True)
    held_on: Mapped[Optional[date]] = mapped_column(Date)
    opened_at: Mapped[str] = mapped_column(String(5), default="")  # "14:00"
    closed_at: Mapped[str] = mapped_column(String(5), default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    chair: Mapped[str] = mapped_column(String(120), default="")
    secretary: Mapped[str] = mapped_column(String(120), default="")
    attendance: Mapped[list["Attendance"]] = relationship(cascade="all, delete-orphan")
    tallies: Mapped[list["VoteTally"]] = relationship(cascade="all, delete-orphan")


class Attendance(Base):
    """Whether a member was at the meeting, and why not."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(300), default="")


class VoteTally(Base):
    """The votes of the official members present on one member's level (probationary members never vote)."""

    __tablename__ = "vote_tallies"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    xuat_sac: Mapped[int] = mapped_column(Integer, default=0)
    tot: Mapped[int] = mapped_column(Integer, default=0)
    hoan_thanh: Mapped[int] = mapped_column(Integer, default=0)
    khong_hoan_thanh: Mapped[int] = mapped_column(Integer, default=0)

