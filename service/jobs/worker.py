"""Running one job, the same way in the embedded thread pool and in an RQ worker on another machine."""
from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from ..db import Database
from ..errors import ServiceError
from . import registry, store
from .context import JobContext
from .errors import JobCancelled

log = logging.getLogger(__name__)

GENERIC_FAILURE = "Lỗi hệ thống khi xử lý công việc {job_id}; vui lòng thử lại hoặc báo quản trị viên."
TIMED_OUT = "Công việc chạy quá thời gian cho phép nên đã bị dừng; vui lòng thử lại hoặc chia nhỏ hồ sơ."

_databases: dict[tuple[int, str], Database] = {}
_databases_lock = threading.Lock()


class JobFailed(Exception):
    """Raised by run_job after the row is marked failed, so RQ's registries agree with our row."""


def run_job(job_id: str, database_url: str | None = None, data_dir: str | None = None,
            task_module: str | None = None) -> str:
    """Worker entry point (RQ enqueues it by dotted path); returns "done" or "cancelled", raises JobFailed.

    Without arguments the database and data folder come from this machine's DATABASE_URL and DATA_DIR,
    so no password or path of the web host travels through Redis.
    """
    url, folder = _settings(database_url, data_dir)
    state, error = execute(job_id, _database(url), Path(folder), task_module)
    if state == "failed":
        raise JobFailed(error)
    return state


def execute(job_id: str, database: Database, data_dir: Path, task_module: str | None = None
            ) -> tuple[str, str | None]:
    """Claim the queued job, run its task, record an honest end state; returns (state, error)."""
    if not store.claim(database, job_id):
        job = store.get(database, job_id)
        log.info("job %s not run: it is %s", job_id, job.state if job else "gone")
        return (job.state if job else "cancelled"), None
    job = store.get(database, job_id)
    workdir = store.job_dir(data_dir, job_id)
    ctx = JobContext(job_id, workdir, database)
    try:
        workdir.mkdir(parents=True, exist_ok=True)
        task = registry.resolve(job.kind, task_module)
        files = task(ctx, **(job.params or {}))
        result = _checked(workdir, files)
    except JobCancelled:
        store.discard_files(data_dir, job_id)
        store.finish(database, job_id, "cancelled", progress=ctx.last)
        log.info("job %s cancelled", job_id)
        return "cancelled", None
    except ServiceError as exc:
        log.warning("job %s failed: %s", job_id, exc.message)
        error = exc.message
    except Exception as exc:  # noqa: BLE001 - any bug must end as "failed", never as a job stuck running
        log.exception("job %s (%s) crashed", job_id, job.kind)
        error = TIMED_OUT if _is_timeout(exc) else GENERIC_FAILURE.format(job_id=job_id)
    else:
        if store.finish(database, job_id, "done", result_path=result, progress=ctx.last):
            return "done", None
        store.discard_files(data_dir, job_id)  # someone ended it meanwhile (restart recovery, lost worker)
        job = store.get(database, job_id)
        return job.state, job.error
    store.discard_files(data_dir, job_id)
    store.finish(database, job_id, "failed", error=error, progress=ctx.last)
    return "failed", error


def on_rq_stopped(job, connection) -> None:
    """RQ callback after a work-horse was killed on request: the row and the folder follow."""
    url, folder = _settings(None, None)
    database = Database(url)
    try:
        row = store.get(database, job.id)
        if row is not None and row.state in ("queued", "running"):
            if row.cancel_requested:
                store.finish(database, job.id, "cancelled")
            else:
                store.finish(database, job.id, "failed", error=store.WORKER_LOST)
        if row is None or row.state != "done":
            store.discard_files(folder, job.id)
    finally:
        database.dispose()


def _checked(workdir: Path, files: dict[str, str]) -> dict[str, str]:
    """The task's result, each path relative to the job folder and pointing at a real file in it."""
    if not isinstance(files, dict) or not files:
        raise TypeError(f"a task must return {{format: path}}, got {files!r}")
    root = workdir.resolve()
    out: dict[str, str] = {}
    for fmt, rel in files.items():
        path = (root / rel).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise FileNotFoundError(f"result {fmt}={rel!r} is not a file in {root}")
        out[str(fmt)] = path.relative_to(root).as_posix()
    return out


def _is_timeout(exc: BaseException) -> bool:
    from rq.timeouts import JobTimeoutException

    return isinstance(exc, JobTimeoutException)


def _settings(database_url: str | None, data_dir: str | None) -> tuple[str, str]:
    url = database_url or os.environ.get("DATABASE_URL")
    folder = data_dir or os.environ.get("DATA_DIR")
    if not url or not folder:
        raise RuntimeError("the job worker needs DATABASE_URL and DATA_DIR in its environment")
    return url, folder


def _database(url: str) -> Database:
    """One Database per process and URL (an RQ work-horse is a fresh fork: never reuse the parent's pool)."""
    key = (os.getpid(), url)
    with _databases_lock:
        if key not in _databases:
            _databases[key] = Database(url)
            _databases[key].use_seal(_seal())
        return _databases[key]


def _seal():
    """The installation's audit seal, from this machine's DATA_DIR and ARCHIVE_* settings (as the web has it)."""
    from ..archive.seal import seal_for
    from ..archive.storage import store_from_settings
    from ..config import Settings

    settings = Settings.from_env()
    return seal_for(settings.data_dir, lambda: store_from_settings(settings))
