"""Packets as printed: recorded when a packet is built, looked up when its signed scan comes back."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from .models import Packet, PacketEntry


@dataclass(frozen=True)
class PageRun:
    """Which packet pages one document (or the cover / contents) occupies, for matching signed scans later."""

    doc_code: str
    document_id: int | None  # None: the cover or the contents
    revision: int
    title: str
    first_page: int
    page_count: int


def record_packet(session: Session, *, code: str, job_id: str | None, unit_id: int, year: int, scope: str,
                  title: str, runs: list[PageRun]) -> Packet:
    """Keep which document sits on which pages under the code printed in every QR, so scans can be matched."""
    total = max(r.first_page + r.page_count - 1 for r in runs)
    packet = session.get(Packet, code)
    if packet is None:
        # Two packets holding the same document, built at the same moment (the board's button and the API), both
        # record its own print code: the second insert waits for the first and does nothing, instead of failing
        # its whole packet on the primary key; the row is then replaced below like a re-run's.
        values = dict(code=code, job_id=job_id, unit_id=unit_id, year=year, scope=scope, title=title[:300],
                      total_pages=total)
        upsert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(upsert(Packet).values(**values).on_conflict_do_nothing(index_elements=["code"]))
        packet = session.get(Packet, code)
    if packet.entries:  # the same job re-run (a retried worker), or another job's: replaced, never mixed
        for entry in list(packet.entries):
            session.delete(entry)
        session.flush()
    packet.job_id, packet.unit_id, packet.year, packet.scope = job_id, unit_id, year, scope
    packet.title, packet.total_pages = title[:300], total
    session.flush()
    session.execute(insert(PacketEntry), [   # one statement for the whole layout (thousands of rows in a đảng bộ)
        {"packet_code": code, "doc_code": run.doc_code, "document_id": run.document_id, "revision": run.revision,
         "title": run.title[:400], "first_page": run.first_page, "page_count": run.page_count} for run in runs])
    session.expire(packet, ["entries"])
    return packet


def record_documents(session: Session, *, year: int, prints: list[tuple[str, int, PageRun]]) -> None:
    """Each document's own print code (scope "document", one run from page 1), as print_document records it when a
    document is downloaded alone: a packet's document pages carry these codes. (code, unit id, run) each; existing
    records are kept unless the page count changed (a new template), so a rebuild writes nothing."""
    if not prints:
        return
    codes = [code for code, _unit, _run in prints]
    known: dict[str, int] = {}
    for start in range(0, len(codes), 500):   # IN lists of a bounded size, for any database
        for code, pages in session.execute(select(Packet.code, Packet.total_pages)
                                           .where(Packet.code.in_(codes[start:start + 500]))):
            known[code] = pages
    for code, unit_id, run in prints:
        if known.get(code) == run.page_count:
            continue
        record_packet(session, code=code, job_id=None, unit_id=unit_id, year=year, scope="document",
                      title=run.title, runs=[run])


def find_packet(session: Session, code: str) -> Packet | None:
    """The packet printed under this code, or None."""
    return session.get(Packet, code) if code else None


def packets_of(session: Session, unit_id: int, year: int, limit: int = 20) -> list[Packet]:
    """The unit's packets of the year, newest first, for choosing which one a scan is."""
    return list(session.scalars(select(Packet).where(Packet.unit_id == unit_id, Packet.year == year)
                                .order_by(Packet.created_at.desc()).limit(limit)))
