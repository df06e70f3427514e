"""The audit log: append-only events, each carrying the hash of the one before, so a removed or edited event shows.

An event's hash is SHA-256 over the previous hash and the event's fields as canonical JSON. Events are numbered
1, 2, 3 … without gaps and the newest number and hash are also kept in `audit_head`: removing an event from the
middle breaks the numbering and the chain, removing the last one disagrees with the head.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, or_, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import ServiceError
from ..text import clean
from .models import AuditEvent, AuditHead

GENESIS = "0" * 64
ACTIONS = {
    "upload": "Tải lên bản ký",
    "view": "Xem",
    "download": "Tải xuống",
    "accept": "Xác nhận bản ký",
    "match": "Gán trang bằng tay",
    "rating": "Ghi nhận xếp loại",
    "packet": "Lập hồ sơ in",
}


class AuditBusy(ServiceError):
    """Two processes tried to append the same event number at once; nothing was saved."""

    status = 503
    code = "nhat_ky_ban"


@dataclass(frozen=True)
class Actor:
    """Who did it and from where, as the web layer saw it."""

    user_id: int | None
    name: str
    address: str = ""

    @classmethod
    def system(cls, name: str = "hệ thống") -> "Actor":
        """Commands and jobs act as the system."""
        return cls(None, name, "")


def _fields(event: AuditEvent) -> dict[str, Any]:
    return {"seq": event.seq, "at": event.recorded_at, "actor_id": event.actor_id, "actor": event.actor,
            "address": event.address, "action": event.action, "object_type": event.object_type,
            "object_id": event.object_id, "unit_id": event.unit_id, "document_id": event.document_id,
            "details": event.details or {}}


def event_hash(prev_hash: str, event: AuditEvent) -> str:
    """The hash an event must carry, given its predecessor's."""
    body = json.dumps(_fields(event), ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + "\n" + body).encode("utf-8")).hexdigest()


def _lock_chain(session: Session) -> None:
    """Hold the chain until the caller's transaction ends, across threads, processes and machines.

    The lock is a write to the head row: PostgreSQL keeps that row locked and SQLite keeps its database write lock
    until commit or rollback, so a second append waits for the first to commit and then reads the newest event.
    (pysqlite starts the transaction at this first write, so SQLite reads after it are never stale.)"""
    session.execute(text("INSERT INTO audit_head (id, seq, hash, note) VALUES (1, 0, :genesis, '') "
                         "ON CONFLICT (id) DO NOTHING"), {"genesis": GENESIS})
    session.execute(text("UPDATE audit_head SET seq = seq WHERE id = 1"))


def record(session: Session, actor: Actor, action: str, *, object_type: str = "", object_id: Any = "",
           unit_id: int | None = None, document_id: int | None = None, **details: Any) -> AuditEvent:
    """Append one event in the caller's transaction (it commits or rolls back with the action it records)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    session.flush()
    _lock_chain(session)
    last = session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    event = AuditEvent(
        seq=(last.seq + 1) if last else 1,
        recorded_at=datetime.now(timezone.utc).isoformat(timespec="microseconds"),
        actor_id=actor.user_id, actor=clean(actor.name)[:200], address=(actor.address or "")[:100],
        action=action, object_type=object_type, object_id=str(object_id)[:40], unit_id=unit_id,
        document_id=document_id, details=json.loads(json.dumps(details, ensure_ascii=False, default=str)),
        prev_hash=last.hash if last else GENESIS, hash="")
    event.hash = event_hash(event.prev_hash, event)
    session.add(event)
    try:
        session.flush()
    except IntegrityError as exc:  # cannot happen while the head row is locked; refuse rather than fork the chain
        raise AuditBusy("Hệ thống đang ghi nhật ký của một thao tác khác, hãy thử lại.") from exc
    session.execute(text("UPDATE audit_head SET seq = :seq, hash = :hash WHERE id = 1"),
                    {"seq": event.seq, "hash": event.hash})
    return event


def verify_chain(session: Session) -> list[str]:
    """Every problem in the log, in Vietnamese; an empty list means the chain is whole."""
    problems: list[str] = []
    prev_hash, expected_seq = GENESIS, 1
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).yield_per(1000):
        if event.seq != expected_seq:
            missing = (f"sự kiện số {expected_seq}" if event.seq == expected_seq + 1
                       else f"các sự kiện số {expected_seq}–{event.seq - 1}")
            problems.append(f"Nhật ký thiếu {missing} (đã bị xóa).")
        elif event.prev_hash != prev_hash:  # (after a gap the link is broken too: the gap says it already)
            problems.append(f"Sự kiện số {event.seq}: không nối tiếp sự kiện trước (chuỗi băm bị đứt).")
        if event_hash(event.prev_hash, event) != event.hash:
            problems.append(f"Sự kiện số {event.seq} ({event.action}): nội dung đã bị sửa (băm không khớp).")
        prev_hash, expected_seq = event.hash, event.seq + 1
    head = session.get(AuditHead, 1)
    last_seq = expected_seq - 1
    if head is None:
        if last_seq:
            problems.append("Thiếu bản ghi đầu chuỗi nhật ký.")
    elif head.seq != last_seq or head.hash != prev_hash:
        problems.append(f"Sự kiện cuối cùng không khớp đầu chuỗi (đầu chuỗi ghi số {head.seq}, nhật ký có đến số "
                        f"{last_seq}): sự kiện cuối đã bị xóa hoặc sửa.")
    return problems


def count(session: Session) -> int:
    """How many events the log holds."""
    return session.scalar(select(func.count(AuditEvent.id))) or 0


def history(session: Session, *, document_ids: list[int] | None = None, object_refs: list[tuple[str, str]] = (),
            limit: int = 500) -> list[AuditEvent]:
    """Events about these documents or objects, newest first."""
    conditions = []
    if document_ids:
        conditions.append(AuditEvent.document_id.in_(document_ids))
    for object_type, object_id in object_refs:
        conditions.append((AuditEvent.object_type == object_type) & (AuditEvent.object_id == str(object_id)))
    if not conditions:
        return []
    return list(session.scalars(select(AuditEvent).where(or_(*conditions)).order_by(AuditEvent.seq.desc())
                                .limit(limit)))
