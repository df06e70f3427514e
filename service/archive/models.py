"""Tables of the archive: packets as printed, uploads with their files and pages, signed copies, the audit log."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from ..models import utcnow

# "processing": stored, its pages being read by a background job; "refused": the reading refused it (or was cut
# short), the reason kept; "received": read and matched, waiting for the secretary; "accepted".
UPLOAD_STATES = {"processing": "Đang xử lý", "refused": "Không nhận", "received": "Chờ xác nhận",
                 "accepted": "Đã xác nhận"}


class Packet(Base):
    """A packet as it was printed: its code and which document sits on which of its pages."""

    __tablename__ = "packets"
    code: Mapped[str] = mapped_column(String(10), primary_key=True)  # the code in every page's QR
    job_id: Mapped[Optional[str]] = mapped_column(String(40))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    scope: Mapped[str] = mapped_column(String(20))  # member | chi_bo | dang_bo | document
    title: Mapped[str] = mapped_column(String(300))
    total_pages: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    entries: Mapped[list["PacketEntry"]] = relationship(order_by="PacketEntry.first_page")


class PacketEntry(Base):
    """One run of pages in a packet: a document (or the cover / contents, whose document_id is None)."""

    __tablename__ = "packet_entries"
    __table_args__ = (UniqueConstraint("packet_code", "doc_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    packet_code: Mapped[str] = mapped_column(ForeignKey("packets.code"), index=True)
    doc_code: Mapped[str] = mapped_column(String(10))
    document_id: Mapped[Optional[int]] = mapped_column(ForeignKey("documents.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)  # the document's revision that was printed
    title: Mapped[str] = mapped_column(String(400))
    first_page: Mapped[int] = mapped_column(Integer)  # packet page number of its first page, from 1
    page_count: Mapped[int] = mapped_column(Integer)


class Upload(Base):
    """One submission of signed files; a new upload never replaces an old one."""

    __tablename__ = "archive_uploads"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    year: Mapped[Optional[int]] = mapped_column(Integer)
    packet_code: Mapped[Optional[str]] = mapped_column(ForeignKey("packets.code"))  # the packet it was said to be
    state: Mapped[str] = mapped_column(String(20), default="received")
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    uploaded_by: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(100), default="")
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    accepted_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    accepted_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    job_id: Mapped[Optional[str]] = mapped_column(String(40))  # the job reading its pages
    reason: Mapped[Optional[str]] = mapped_column(Text)  # why it was refused, as the uploader reads it
    problems: Mapped[Optional[dict[str, list[str]]]] = mapped_column(JSON)  # file name → its messages
    files: Mapped[list["UploadFile"]] = relationship(order_by="UploadFile.position")

    @property
    def state_label(self) -> str:
        """The state as users read it."""
        return UPLOAD_STATES.get(self.state, self.state)


class UploadFile(Base):
    """One uploaded file: its metadata and the hashes under which its bytes are stored."""

    __tablename__ = "archive_files"
    __table_args__ = (UniqueConstraint("upload_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    upload_id: Mapped[int] = mapped_column(ForeignKey("archive_uploads.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 1, 2, … in the order uploaded
    original_name: Mapped[str] = mapped_column(String(300))
    media_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)  # the bytes as uploaded
    pdf_sha256: Mapped[str] = mapped_column(String(64))  # its PDF view (the same hash for a PDF)
    pages: Mapped[int] = mapped_column(Integer)
    signatures: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)  # keys of intake.ACTIVE_CONTENT found in it
    page_rows: Mapped[list["UploadPage"]] = relationship(order_by="UploadPage.page")


class UploadPage(Base):
    """One page of an uploaded file: the code read on it, and the document page it is (read or set by hand)."""

    __tablename__ = "archive_pages"
    __table_args__ = (UniqueConstraint("file_id", "page"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("archive_files.id"), index=True)
    page: Mapped[int] = mapped_column(Integer)  # within the file, from 1
    code: Mapped[Optional[str]] = mapped_column(String(40))  # the QR text read, None when none was readable
    document_id: Mapped[Optional[int]] = mapped_column(ForeignKey("documents.id"), index=True)
    doc_page: Mapped[Optional[int]] = mapped_column(Integer)  # page within that document, from 1
    packet_code: Mapped[Optional[str]] = mapped_column(String(10))
    matched_by: Mapped[str] = mapped_column(String(10), default="")  # "qr", "manual" or "" (unmatched)
    matched_by_user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))


class SignedCopy(Base):
    """A document counts as signed: all its pages were in an upload its secretary accepted."""

    __tablename__ = "signed_copies"
    __table_args__ = (UniqueConstraint("document_id", "upload_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    upload_id: Mapped[int] = mapped_column(ForeignKey("archive_uploads.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)  # the revision printed on the signed paper
    accepted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    accepted_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))


class AuditEvent(Base):
    """One thing that happened; append-only, each event carrying the hash of the one before."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)  # 1, 2, 3 … without gaps: a gap is a removed event
    recorded_at: Mapped[str] = mapped_column(String(40))  # ISO 8601 UTC text, hashed as stored
    actor_id: Mapped[Optional[int]] = mapped_column(Integer)  # not a foreign key: the log outlives accounts
    actor: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(40), index=True)
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[str] = mapped_column(String(40), default="")
    unit_id: Mapped[Optional[int]] = mapped_column(Integer, index=True)
    document_id: Mapped[Optional[int]] = mapped_column(Integer, index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    mac: Mapped[Optional[str]] = mapped_column(String(64))  # HMAC with the key outside the database (seal.py)


class AuditHead(Base):
    """The newest event's number and hash, kept apart so removing the last event is noticed too."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    mac: Mapped[Optional[str]] = mapped_column(String(64))


class AuditView(Base):
    """A page or report looked at: kept apart from the chain, appended without its lock, so reading never queues
    behind writers (downloads and every change stay in the chain)."""

    __tablename__ = "audit_views"
    id: Mapped[int] = mapped_column(primary_key=True)
    recorded_at: Mapped[str] = mapped_column(String(40), index=True)
    actor_id: Mapped[Optional[int]] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(40), default="view")
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[str] = mapped_column(String(40), default="")
    unit_id: Mapped[Optional[int]] = mapped_column(Integer)
    document_id: Mapped[Optional[int]] = mapped_column(Integer, index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    seq = None  # not in the chain: shown without a number
