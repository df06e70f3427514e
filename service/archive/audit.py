"""The audit log: append-only events, each carrying the hash of the one before, so a removed or edited event shows.

An event's hash is SHA-256 over the previous hash and the event's fields as canonical JSON. Events are numbered
1, 2, 3 … without gaps and the newest number and hash are also kept in `audit_head`: removing an event from the
middle breaks the numbering and the chain, removing the last one disagrees with the head.

Hashes alone hold only against someone who cannot write to the database (they could recompute every hash): with
the installation's seal (seal.py, a key outside the database, put in `session.info["audit_seal"]` by whoever made
the session factory) every event and the head also carry an HMAC, and the head is checkpointed into the write-once
store. Events written before a seal existed carry none; they may only form the start of the log.

Page views (action "view") are not chained: they go to `audit_views`, appended without the chain's lock, and in the
web app in batches after their request commits (view_log.py).
"""
from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, or_, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import ServiceError
from ..text import clean
from .models import AuditEvent, AuditHead, AuditView
from . import view_log
from .seal import Seal

GENESIS = "0" * 64
ACTIONS = {
    "upload": "Tải lên bản ký",
    "read": "Đọc và đối chiếu các trang",
    "refuse": "Không nhận lần tải lên",
    "view": "Xem",
    "download": "Tải xuống",
    "accept": "Xác nhận bản ký",
    "match": "Gán trang bằng tay",
    "rating": "Ghi nhận xếp loại",
    "packet": "Lập hồ sơ in",
    "rule_settings": "Đổi cách hiểu quy định",
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
    if action == "view":
        return _record_view(session, actor, object_type, object_id, unit_id, document_id, details)
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
    seal = seal_of(session)
    if seal is not None:
        event.mac = seal.event_mac(event.seq, event.hash)
    session.add(event)
    try:
        session.flush()
    except IntegrityError as exc:  # cannot happen while the head row is locked; refuse rather than fork the chain
        raise AuditBusy("Hệ thống đang ghi nhật ký của một thao tác khác, hãy thử lại.") from exc
    session.execute(text("UPDATE audit_head SET seq = :seq, hash = :hash, mac = :mac WHERE id = 1"),
                    {"seq": event.seq, "hash": event.hash,
                     "mac": seal.head_mac(event.seq, event.hash) if seal is not None else None})
    if seal is not None and last is not None and last.seq % seal.every == 0:
        seal.checkpoint(last.seq, last.hash)  # the newest committed event: never one that may yet roll back
    return event


def seal_of(session: Session) -> Seal | None:
    """The installation's seal the session was made with, if any."""
    return session.info.get("audit_seal")


def _record_view(session: Session, actor: Actor, object_type: str, object_id: Any, unit_id: int | None,
                 document_id: int | None, details: dict[str, Any]) -> AuditView:
    row = dict(recorded_at=datetime.now(timezone.utc).isoformat(timespec="microseconds"),
               actor_id=actor.user_id, actor=clean(actor.name)[:200], address=(actor.address or "")[:100],
               action="view", object_type=object_type, object_id=str(object_id)[:40], unit_id=unit_id,
               document_id=document_id, details=json.loads(json.dumps(details, ensure_ascii=False, default=str)))
    view = AuditView(**row)
    if not view_log.hold(session, row):   # batched after commit where the session has a view log (the web app)
        session.add(view)
    return view


def verify_chain(session: Session, seal: Seal | None = None) -> list[str]:
    """Every problem in the log, in Vietnamese; an empty list means the chain is whole. With the seal, also every
    event's and the head's HMAC, and the chain against every checkpoint in the write-once store."""
    problems: list[str] = []
    prev_hash, expected_seq = GENESIS, 1
    checkpoints = seal.checkpoints() if seal is not None else []
    wanted = {c.seq for c in checkpoints if c.authentic}
    seen_hashes: dict[int, str] = {}
    forged: list[int] = []
    unsealed: list[int] = []
    sealed_seen = False
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).yield_per(1000):
        if event.seq != expected_seq:
            missing = (f"sự kiện số {expected_seq}" if event.seq == expected_seq + 1
                       else f"các sự kiện số {expected_seq}–{event.seq - 1}")
            problems.append(f"Nhật ký thiếu {missing} (đã bị xóa).")
        elif event.prev_hash != prev_hash:  # (after a gap the link is broken too: the gap says it already)
            problems.append(f"Sự kiện số {event.seq}: không nối tiếp sự kiện trước (chuỗi băm bị đứt).")
        if event_hash(event.prev_hash, event) != event.hash:
            problems.append(f"Sự kiện số {event.seq} ({event.action}): nội dung đã bị sửa (băm không khớp).")
        if seal is not None:
            if event.mac is None:
                if sealed_seen:
                    unsealed.append(event.seq)
            else:
                sealed_seen = True
                if not hmac.compare_digest(event.mac, seal.event_mac(event.seq, event.hash)):
                    forged.append(event.seq)
        if event.seq in wanted:
            seen_hashes[event.seq] = event.hash
        prev_hash, expected_seq = event.hash, event.seq + 1
    if forged:
        problems.append(f"{_runs(forged)}: mã xác thực (HMAC) không khớp — nhật ký đã bị ghi lại (các mã băm được "
                        "tính lại sau khi sửa) bởi người không giữ khóa nhật ký.")
    if unsealed:
        problems.append(f"{_runs(unsealed)}: không có mã xác thực dù nằm sau các sự kiện đã xác thực "
                        "(được chèn hoặc ghi lại ngoài hệ thống).")
    head = session.get(AuditHead, 1)
    last_seq = expected_seq - 1
    if head is None:
        if last_seq:
            problems.append("Thiếu bản ghi đầu chuỗi nhật ký.")
    elif head.seq != last_seq or head.hash != prev_hash:
        problems.append(f"Sự kiện cuối cùng không khớp đầu chuỗi (đầu chuỗi ghi số {head.seq}, nhật ký có đến số "
                        f"{last_seq}): sự kiện cuối đã bị xóa hoặc sửa.")
    elif seal is not None and head.seq and (head.mac is not None or sealed_seen) and not hmac.compare_digest(
            head.mac or "", seal.head_mac(head.seq, head.hash)):
        problems.append(f"Đầu chuỗi (sự kiện số {head.seq}): mã xác thực không khớp — đầu chuỗi đã bị dời "
                        "(sự kiện cuối bị xóa rồi đầu chuỗi bị lùi lại) hoặc sửa.")
    for checkpoint in checkpoints:
        when = checkpoint.at[:19].replace("T", " ")
        if not checkpoint.authentic:
            problems.append(f"Điểm kiểm tra số {checkpoint.seq} trong kho lưu trữ không xác thực được bằng khóa "
                            "nhật ký (giả hoặc hỏng).")
        elif checkpoint.seq > last_seq:
            problems.append(f"Nhật ký bị cắt đuôi: điểm kiểm tra lúc {when} UTC ghi chuỗi đã có {checkpoint.seq} sự "
                            f"kiện, nay chỉ còn {last_seq} (các sự kiện cuối đã bị xóa, đầu chuỗi bị lùi).")
        elif seen_hashes.get(checkpoint.seq) != checkpoint.hash:
            problems.append(f"Sự kiện số {checkpoint.seq} không còn như điểm kiểm tra lúc {when} UTC ghi lại: "
                            "nhật ký đã bị ghi lại (các mã băm được tính lại).")
    return problems


def _runs(seqs: list[int]) -> str:
    """"Sự kiện số 4" or "Các sự kiện số 4–9, 12" for a sorted list of numbers."""
    runs: list[list[int]] = []
    for n in seqs:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    text_runs = ", ".join(f"{a}–{b}" if a != b else str(a) for a, b in runs[:10]) + (" …" if len(runs) > 10 else "")
    return f"Sự kiện số {text_runs}" if len(seqs) == 1 else f"Các sự kiện số {text_runs}"


def checkpoint_head(session: Session, seal: Seal) -> bool:
    """Write the committed head into the write-once store now (`flask archive verify` does, after a clean run)."""
    head = session.get(AuditHead, 1)
    return bool(head and head.seq) and seal.checkpoint(head.seq, head.hash)


def count(session: Session) -> int:
    """How many events the log holds."""
    return session.scalar(select(func.count(AuditEvent.id))) or 0


def history(session: Session, *, document_ids: list[int] | None = None, object_refs: list[tuple[str, str]] = (),
            limit: int = 500) -> list[AuditEvent | AuditView]:
    """Events (and page views) about these documents or objects, newest first."""
    def about(model) -> list:
        conditions = [model.document_id.in_(document_ids)] if document_ids else []
        conditions += [(model.object_type == kind) & (model.object_id == str(ref)) for kind, ref in object_refs]
        return conditions

    if not about(AuditEvent):
        return []
    view_log.flush(session)   # this process's views waiting for their batch: a person sees their own view at once
    events = list(session.scalars(select(AuditEvent).where(or_(*about(AuditEvent)))
                                  .order_by(AuditEvent.seq.desc()).limit(limit)))
    views = list(session.scalars(select(AuditView).where(or_(*about(AuditView)))
                                 .order_by(AuditView.recorded_at.desc()).limit(limit)))
    return sorted(events + views, key=lambda e: e.recorded_at, reverse=True)[:limit]
