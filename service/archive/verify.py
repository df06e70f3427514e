"""`flask archive verify`: re-hash every stored file and walk the audit chain; report everything that is wrong."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit
from .models import UploadFile
from .seal import Seal
from .storage import BlobStore


@dataclass
class VerifyReport:
    """What was checked and every problem found, in Vietnamese."""

    files_checked: int = 0
    events_checked: int = 0
    problems: list[str] = field(default_factory=list)
    checkpointed: bool = False  # the head was written into the write-once store

    @property
    def ok(self) -> bool:
        """Nothing wrong."""
        return not self.problems


def verify_archive(session: Session, store: BlobStore, seal: Seal | None = None) -> VerifyReport:
    """Every blob the database names still hashes to its name; the audit chain is whole, ends at its head and (with
    the seal) is authenticated and agrees with every checkpoint; a clean run checkpoints the head."""
    report = VerifyReport()
    seen: set[str] = set()
    for row in session.scalars(select(UploadFile).order_by(UploadFile.upload_id, UploadFile.position)):
        for sha, what in ((row.sha256, "tệp gốc"), (row.pdf_sha256, "bản PDF")):
            if sha in seen:
                continue
            seen.add(sha)
            problem = store.check(sha)
            if problem:
                report.problems.append(f"Lần tải lên số {row.upload_id}, tệp {row.position} “{row.original_name}” "
                                       f"({what}, SHA-256 {sha[:12]}…): {problem}.")
    report.files_checked = len(seen)
    report.events_checked = audit.count(session)
    report.problems.extend(audit.verify_chain(session, seal))
    if seal is not None and report.ok:
        report.checkpointed = audit.checkpoint_head(session, seal)
    return report
