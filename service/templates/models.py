"""Tables of office-made templates: the files (by content hash, never changed) and the versions in force."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from ..models import Unit, User, utcnow

STATES = {"pending": "Chờ xác nhận", "active": "Đã áp dụng", "discarded": "Không áp dụng"}


class TemplateFile(Base):
    """A DOCX an office uploaded, stored once by its SHA-256 and never changed or deleted."""

    __tablename__ = "template_files"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    original_name: Mapped[str] = mapped_column(String(255), default="")


class TemplateVersion(Base):
    """One version of a unit's template for a kind. Rows are only added; the newest active row is in force.

    sha256 None means "no template of its own": the unit inherits its parent's (or the built-in) again."""

    __tablename__ = "template_versions"
    __table_args__ = (UniqueConstraint("unit_id", "kind_code", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    kind_code: Mapped[str] = mapped_column(String(60))
    number: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[Optional[str]] = mapped_column(ForeignKey("template_files.sha256"))
    state: Mapped[str] = mapped_column(String(20), default="pending")
    note: Mapped[str] = mapped_column(Text, default="")
    warnings: Mapped[str] = mapped_column(Text, default="")  # one per line, as shown when it was uploaded
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    activated_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    unit: Mapped[Unit] = relationship()
    user: Mapped[Optional[User]] = relationship()
