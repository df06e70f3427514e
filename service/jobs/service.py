"""JobService: enqueue, look up, cancel and download jobs, whichever backend runs them."""
from __future__ import annotations

import logging
import uuid
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from ..db import Database
from ..errors import ServiceError
from ..models import Job
from . import registry, store
from .backends import EmbeddedBackend, RedisBackend
from .errors import JobNotFinished, JobNotFound, ResultGone, ResultNotProduced, UnknownJobKind
from .worker import GENERIC_FAILURE

log = logging.getLogger(__name__)

DEFAULT_QUEUE = "kiemdiem"
NOT_FINISHED = {
    "queued": "Công việc đang chờ xử lý; kết quả chưa có.",
    "running": "Công việc đang chạy ({done}/{total}); kết quả chưa có.",
    "cancelled": "Công việc đã bị hủy nên không có kết quả.",
    "failed": "Công việc đã thất bại nên không có kết quả: {error}",
}


class JobService:
    """The one entry point of the web layer and the CLI to background jobs."""

    def __init__(self, database: Database, data_dir: Path, redis_url: str | None = None, *, threads: int = 2,
                 queue_name: str = DEFAULT_QUEUE, job_timeout: int = 3600) -> None:
        self.database = database
        self.data_dir = Path(data_dir)
        if redis_url:
            self.backend = RedisBackend(database, self.data_dir, redis_url, queue_name, job_timeout)
        else:
            self.backend = EmbeddedBackend(database, self.data_dir, threads)
        self.backend.start()

    @property
    def distributed(self) -> bool:
        """True when jobs run on RQ workers rather than in this process."""
        return isinstance(self.backend, RedisBackend)

    def enqueue(self, kind: str, params: dict, *, user_id: int | None = None,
                dedupe_key: str | None = None) -> Job:
        """Queue a job, or return the queued/running one that already holds `dedupe_key`."""
        if kind not in registry.TASKS:
            raise UnknownJobKind(kind)
        for _attempt in range(3):
            if dedupe_key and (existing := store.active_by_key(self.database, dedupe_key)) is not None:
                return existing
            job = Job(id=uuid.uuid4().hex, kind=kind, params=dict(params), state="queued", created_by=user_id,
                      dedupe_key=dedupe_key, done=0, total=0, step="", cancel_requested=False,
                      owner=self.backend.owner)
            try:
                with self.database.session() as session:
                    session.add(job)
            except IntegrityError:
                if not dedupe_key:
                    raise
                continue  # another request queued the same work a moment ago: return that one
            try:
                self.backend.submit(job.id, registry.task_module(kind))
            except Exception as exc:
                message = exc.message if isinstance(exc, ServiceError) else GENERIC_FAILURE.format(job_id=job.id)
                store.finish(self.database, job.id, "failed", error=message)
                raise
            return job
        raise RuntimeError(f"could not queue or find the job for {dedupe_key!r}")

    def get(self, job_id: str) -> Job | None:
        """The job's row, after noticing a worker that died under it (Redis backend)."""
        job = store.get(self.database, job_id)
        if job is not None and job.state in ("queued", "running") and self.backend.reconcile(job):
            job = store.get(self.database, job_id)
        return job

    def cancel(self, job_id: str, *, force: bool = False) -> Job:
        """queued → cancelled now; running → cancel_requested (and, with `force` on RQ, the horse killed)."""
        job = self.get(job_id)
        if job is None:
            raise JobNotFound(job_id)
        if job.state == "queued" and store.finish(self.database, job_id, "cancelled", from_states=("queued",)):
            self.backend.drop(job_id)
            store.discard_files(self.data_dir, job_id)
        elif store.request_cancel(self.database, job_id) and force:
            self.backend.stop(job_id)
        return store.get(self.database, job_id)

    def result_file(self, job: Job, fmt: str) -> Path:
        """The absolute path of a done job's file in `fmt`, or a ServiceError saying why there is none."""
        if job.state != "done":
            message = NOT_FINISHED.get(job.state, "Công việc chưa xong.")
            raise JobNotFinished(message.format(done=job.done, total=job.total, error=job.error or ""))
        rel = (job.result_path or {}).get(fmt)
        if rel is None:
            raise ResultNotProduced(f"Công việc không tạo tệp định dạng “{fmt}”.")
        root = store.job_dir(self.data_dir, job.id).resolve()
        path = (root / rel).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            log.error("job %s: result %s missing at %s", job.id, fmt, path)
            raise ResultGone("Tệp kết quả không còn trên máy chủ; vui lòng tạo lại.")
        return path

    def shutdown(self) -> None:
        """Stop taking work: the embedded pool finishes running jobs; the Redis client closes."""
        self.backend.close()
