"""Tables: units, members, users and tokens, review cycles, documents and their revisions."""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, Optional

from sqlalchemy import (JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, false, text,
                        true)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import Base


def utcnow() -> datetime:
    """Timezone-aware now, stored as UTC."""
    return datetime.now(timezone.utc)


UNIT_KINDS = {
    "dang_bo": "Đảng bộ",
    "dang_bo_co_so": "Đảng bộ cơ sở",
    "chi_bo_co_so": "Chi bộ cơ sở",
    "dang_bo_bo_phan": "Đảng bộ bộ phận",
    "chi_bo": "Chi bộ",
}
MEMBER_STATUSES = {"active": "Đang sinh hoạt", "exempted": "Miễn công tác và sinh hoạt đảng",
                   "suspended": "Đình chỉ sinh hoạt đảng", "temporary": "Đi sinh hoạt đảng tạm thời",
                   "expelled": "Ra khỏi Đảng", "moved_out": "Chuyển sinh hoạt đảng đi", "deceased": "Từ trần"}
# Statuses that take a member off every board from their date on (the member's record and history stay).
LEFT_STATUSES = ("expelled", "moved_out", "deceased")
SEXES = {"male": "Nam", "female": "Nữ"}
ROLES = {"member": "Đảng viên", "secretary": "Bí thư chi bộ", "office": "Văn phòng cấp ủy",
         "admin": "Quản trị"}


class Unit(Base):
    """A party organisation; units form a tree (đảng bộ → đảng bộ cơ sở → chi bộ)."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("units.id"), index=True)
    place: Mapped[str] = mapped_column(String(100), default="")
    # Printed at the top left of the unit's documents, in capitals ("" → derived from the names).
    superior_line: Mapped[str] = mapped_column(String(200), default="", server_default="")
    header_line: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # A chi bộ under a đảng ủy cơ sở has no seal of its own: its signatures carry no "và đóng dấu".
    has_seal: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    signer_body: Mapped[str] = mapped_column(String(150), default="", server_default="")  # after "T/M"
    signer_title: Mapped[str] = mapped_column(String(100), default="", server_default="")  # e.g. BÍ THƯ
    closed_on: Mapped[Optional[date]] = mapped_column(Date)
    parent: Mapped[Optional["Unit"]] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Unit"]] = relationship(back_populates="parent")
    members: Mapped[list["Member"]] = relationship(back_populates="unit")

    @property
    def kind_label(self) -> str:
        """The kind as users read it."""
        return UNIT_KINDS.get(self.kind, self.kind)


class Member(Base):
    """A party member (đảng viên), attached to the chi bộ where they are active."""

    __tablename__ = "members"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(120))
    birth_date: Mapped[Optional[date]] = mapped_column(Date)
    admitted_on: Mapped[Optional[date]] = mapped_column(Date)  # ngày vào Đảng
    official: Mapped[bool] = mapped_column(Boolean, default=True)  # chính thức / dự bị
    leader: Mapped[bool] = mapped_column(Boolean, default=False)  # giữ chức vụ lãnh đạo, quản lý
    in_political_system: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    position: Mapped[str] = mapped_column(String(200), default="")  # chức vụ chính quyền
    party_post: Mapped[str] = mapped_column(String(200), default="")
    union_post: Mapped[str] = mapped_column(String(200), default="")
    work_unit: Mapped[str] = mapped_column(String(200), default="")
    sex: Mapped[str] = mapped_column(String(10), default="", server_default="")  # male | female | ""
    official_on: Mapped[Optional[date]] = mapped_column(Date)  # ngày chính thức
    party_card: Mapped[str] = mapped_column(String(30), default="", server_default="", index=True)
    contact: Mapped[str] = mapped_column(String(200), default="", server_default="")
    status_on: Mapped[Optional[date]] = mapped_column(Date)  # since when the current status holds
    unit: Mapped[Unit] = relationship(back_populates="members")

    @property
    def is_current(self) -> bool:
        """Still a member here: not expelled, moved out or deceased."""
        return self.status not in LEFT_STATUSES

    @property
    def status_label(self) -> str:
        """The status as users read it."""
        return MEMBER_STATUSES.get(self.status, self.status)

    @property
    def sex_label(self) -> str:
        """The sex as users read it."""
        return SEXES.get(self.sex, "")


class MemberPeriod(Base):
    """A stretch of a member's life in one chi bộ with one status; a transfer or a status change closes the
    current one and opens the next, so a past year's board lists who belonged then."""

    __tablename__ = "member_periods"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    start_on: Mapped[Optional[date]] = mapped_column(Date)  # None: since before records began
    end_on: Mapped[Optional[date]] = mapped_column(Date)  # None: still current; else the first day it no longer holds
    note: Mapped[str] = mapped_column(String(300), default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    recorded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    unit: Mapped[Unit] = relationship()


class User(Base):
    """A login; linked to a member (their own documents) and/or a unit (what they manage)."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[Optional[int]] = mapped_column(ForeignKey("units.id"))
    member_id: Mapped[Optional[int]] = mapped_column(ForeignKey("members.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    password_changed_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    unit: Mapped[Optional[Unit]] = relationship()
    member: Mapped[Optional[Member]] = relationship()


class ApiToken(Base):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    last_used_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    user: Mapped[User] = relationship()


class ReviewCycle(Base):
    """One unit's review for a year (quarter is for the quarterly ratings of QĐ 366)."""

    __tablename__ = "review_cycles"
    __table_args__ = (UniqueConstraint("unit_id", "year", "quarter"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer, default=0)  # 0 = the whole year
    unit: Mapped[Unit] = relationship()


DOCUMENT_STATUSES = {"draft": "Bản nháp", "submitted": "Đã nộp"}


class Document(Base):
    """One filled-in document of a kind, about a member or a unit, in a cycle."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("kind_code", "cycle_id", "subject_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind_code: Mapped[str] = mapped_column(String(40))
    cycle_id: Mapped[int] = mapped_column(ForeignKey("review_cycles.id"), index=True)
    member_id: Mapped[Optional[int]] = mapped_column(ForeignKey("members.id"), index=True)
    subject_unit_id: Mapped[Optional[int]] = mapped_column(ForeignKey("units.id"))
    subject_key: Mapped[str] = mapped_column(String(40))  # "member:<id>" or "unit:<id>": one document per subject
    status: Mapped[str] = mapped_column(String(20), default="draft")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    cycle: Mapped[ReviewCycle] = relationship()
    member: Mapped[Optional[Member]] = relationship()
    revisions: Mapped[list["DocumentRevision"]] = relationship(
        back_populates="document", order_by="DocumentRevision.number")
    # The text typed since the last save, if any (service.documents.autosave): loaded with the document by
    # access.document_for, so a document's page needs no query of its own for it.
    autosave: Mapped[Optional["DocumentAutosave"]] = relationship(cascade="all, delete-orphan")


class DocumentRevision(Base):
    """An immutable saved state: saving adds a revision and never rewrites an old one."""

    __tablename__ = "document_revisions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    saved_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    on_behalf: Mapped[bool] = mapped_column(Boolean, default=False)  # "nhập thay": typed in for the member
    document: Mapped[Document] = relationship(back_populates="revisions")
    saved_by: Mapped[Optional[User]] = relationship()


class DocumentAutosave(Base):
    """The latest text typed into a document's form, kept while typing: one row per document, overwritten, never a
    revision (revisions are made only by an explicit save or submit)."""

    __tablename__ = "document_autosaves"
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # the form's fields as typed (names → values)
    base_revision: Mapped[int] = mapped_column(Integer, default=0)  # the revision the typing started from
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    saved_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))


JOB_STATES = {"queued": "Đang chờ", "running": "Đang chạy", "done": "Hoàn tất", "failed": "Thất bại",
              "cancelled": "Đã hủy"}
ACTIVE_JOB_STATES = ("queued", "running")
_ACTIVE_SQL = "state IN ('queued', 'running')"

from sqlalchemy import Index  # noqa: E402  (kept beside Job so the models above stay untouched)


class Job(Base):
    """A background job (a packet, an export): the row is the truth users see, keyed by the queue's job id."""

    __tablename__ = "jobs"
    # At most one queued/running job per dedupe key; finished ones keep their key for the record.
    __table_args__ = (
        Index("ux_jobs_active_dedupe", "dedupe_key", unique=True,
              sqlite_where=text(_ACTIVE_SQL), postgresql_where=text(_ACTIVE_SQL)),
    )
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    step: Mapped[str] = mapped_column(String(300), default="")
    error: Mapped[Optional[str]] = mapped_column(Text)
    result_path: Mapped[Optional[dict[str, str]]] = mapped_column(JSON)  # format -> path relative to the job folder
    created_by: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    dedupe_key: Mapped[Optional[str]] = mapped_column(String(200))
    owner: Mapped[Optional[str]] = mapped_column(String(80), index=True)  # the JobRunner of an embedded job

    @property
    def state_label(self) -> str:
        """The state as users read it."""
        return JOB_STATES.get(self.state, self.state)


class WebSession(Base):
    """A browser's server-side session: the cookie holds a random token, this row its SHA-256 and the data.

    Deleting the row ends the session at once (logout, password change, disabled account), whatever copies of
    the cookie exist.
    """

    __tablename__ = "web_sessions"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 hex of the cookie's token
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    data: Mapped[str] = mapped_column(Text, default="{}")  # Flask's tagged JSON
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class LoginThrottle(Base):
    """Failed logins per account name or per client address, shared by every process through the database."""

    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)  # "user:<name>" or "addr:<address>"
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    blocked_until: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))


class JobRunner(Base):
    """A process running embedded jobs (one gunicorn worker): alive while its heartbeat is fresh.

    Jobs name their runner (Job.owner); only jobs whose runner stopped beating are failed, so any number of
    web processes share the jobs table without failing each other's work.
    """

    __tablename__ = "job_runners"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)  # host:pid:random
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

