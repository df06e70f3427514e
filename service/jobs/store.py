"""Row transitions of a job, each a single conditional UPDATE so two processes never both win."""
from __future__ import annotations

import shutil
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, update

from ..db import Database
from ..models import ACTIVE_JOB_STATES, Job, JobRunner, utcnow

RESTARTED = "Dịch vụ đã khởi động lại trong khi đang xử lý; vui lòng tạo lại."
WORKER_LOST = "Tiến trình xử lý công việc đã dừng đột ngột (máy xử lý tắt, hết bộ nhớ hoặc quá thời gian); vui lòng tạo lại."


def job_dir(data_dir: Path | str, job_id: str) -> Path:
    """Where a job's files live: DATA_DIR/jobs/<id>/ (shared storage when workers run elsewhere)."""
    return Path(data_dir) / "jobs" / job_id


def discard_files(data_dir: Path | str, job_id: str) -> None:
    """Remove everything a job wrote, so nothing that failed or was cancelled looks finished."""
    shutil.rmtree(job_dir(data_dir, job_id), ignore_errors=True)


def prune_job_outputs(data_dir: Path | str, days: int) -> int:
    """Remove job folders untouched for `days` days (finished jobs' files; a running job writes in its folder, so
    it is never this old); returns how many went."""
    root = Path(data_dir) / "jobs"
    limit = time.time() - days * 86400
    removed = 0
    try:
        folders = list(root.iterdir())
    except OSError:
        return 0
    for folder in folders:
        try:
            newest = max([folder.stat().st_mtime, *(p.stat().st_mtime for p in folder.iterdir())])
        except OSError:
            continue
        if newest < limit:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def get(db: Database, job_id: str) -> Job | None:
    """The row, detached (its attributes stay readable after the session closes)."""
    with db.session() as session:
        return session.get(Job, job_id)


def active_by_key(db: Database, dedupe_key: str) -> Job | None:
    """The queued or running job holding `dedupe_key`, if any."""
    with db.session() as session:
        return session.scalars(select(Job).where(Job.dedupe_key == dedupe_key,
                                                  Job.state.in_(ACTIVE_JOB_STATES))).first()


def _update(db: Database, job_id: str, states: tuple[str, ...], values: dict[str, Any],
            *, extra=None) -> bool:
    """UPDATE jobs SET values WHERE id AND state IN states; True when the row changed."""
    stmt = update(Job).where(Job.id == job_id, Job.state.in_(states))
    if extra is not None:
        stmt = stmt.where(extra)
    with db.session() as session:
        return session.execute(stmt.values(**values)).rowcount == 1


def claim(db: Database, job_id: str) -> bool:
    """queued → running; False when it was cancelled (or taken) meanwhile."""
    return _update(db, job_id, ("queued",), {"state": "running", "started_at": utcnow()},
                   extra=Job.cancel_requested.is_(False))


def save_progress(db: Database, job_id: str, done: int, total: int, step: str) -> None:
    """Record progress of a running job."""
    _update(db, job_id, ("running",), {"done": done, "total": total, "step": step[:300]})


def is_cancel_requested(db: Database, job_id: str) -> bool:
    """Whether the user asked to stop this job (a row gone counts as yes)."""
    with db.session() as session:
        value = session.scalar(select(Job.cancel_requested).where(Job.id == job_id))
    return value is None or bool(value)


def request_cancel(db: Database, job_id: str) -> bool:
    """running → still running, with cancel_requested set."""
    return _update(db, job_id, ("running",), {"cancel_requested": True})


def finish(db: Database, job_id: str, state: str, *, error: str | None = None,
           result_path: dict[str, str] | None = None, progress: tuple[int, int, str] | None = None,
           from_states: tuple[str, ...] = ACTIVE_JOB_STATES) -> bool:
    """Move an active job to done/failed/cancelled; False when it had already ended."""
    assert state in ("done", "failed", "cancelled")
    assert (state == "done") == (result_path is not None), "only a done job has results"
    values: dict[str, Any] = {"state": state, "finished_at": utcnow(), "error": error, "result_path": result_path}
    if progress is not None:
        values.update(done=progress[0], total=progress[1], step=progress[2][:300])
    return _update(db, job_id, from_states, values)


def beat(db: Database, runner_id: str) -> None:
    """This process is alive: insert or refresh its runner row."""
    with db.session() as session:
        row = session.get(JobRunner, runner_id)
        if row is None:
            session.add(JobRunner(id=runner_id, started_at=utcnow(), heartbeat_at=utcnow()))
        else:
            row.heartbeat_at = utcnow()


def retire(db: Database, runner_id: str) -> None:
    """This process stops running jobs (its row goes; jobs it still owned are orphans for the others)."""
    with db.session() as session:
        session.execute(delete(JobRunner).where(JobRunner.id == runner_id))


def fail_orphans(db: Database, data_dir: Path | str, *, stale_after: timedelta) -> int:
    """Fail the queued/running embedded jobs whose runner is gone (no row, or no heartbeat for `stale_after`).

    Jobs of live runners — other gunicorn workers — are left alone, and so are jobs with no owner: those are
    RQ's, whose lost workers RedisBackend.reconcile notices.
    """
    cutoff = utcnow() - stale_after
    live = select(JobRunner.id).where(JobRunner.heartbeat_at >= cutoff)
    with db.session() as session:
        ids = list(session.scalars(select(Job.id).where(
            Job.state.in_(ACTIVE_JOB_STATES), Job.owner.is_not(None), Job.owner.not_in(live))))
        session.execute(delete(JobRunner).where(JobRunner.heartbeat_at < utcnow() - 100 * stale_after))
    count = 0
    for job_id in ids:
        if finish(db, job_id, "failed", error=RESTARTED):
            discard_files(data_dir, job_id)
            count += 1
    return count


def owner_alive(db: Database, runner_id: str | None, *, stale_after: timedelta) -> bool:
    """Whether the runner holding a job still beats."""
    if runner_id is None:
        return False
    with db.session() as session:
        beat_at = session.scalar(select(JobRunner.heartbeat_at).where(JobRunner.id == runner_id))
    if beat_at is None:
        return False
    if beat_at.tzinfo is None:
        beat_at = beat_at.replace(tzinfo=timezone.utc)
    return beat_at >= utcnow() - stale_after


def age_seconds(job: Job) -> float:
    """Seconds since the job was created (SQLite hands back naive UTC datetimes)."""
    created = job.created_at
    if created.tzinfo is None:
        created = created.replace(tzinfo=timezone.utc)
    return (datetime.now(timezone.utc) - created).total_seconds()
