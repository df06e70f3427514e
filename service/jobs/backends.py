"""Where jobs run: threads in this process (embedded) or RQ workers behind Redis (at scale)."""
from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from ..db import Database
from . import store
from .errors import QueueUnavailable
from .worker import execute

log = logging.getLogger(__name__)

RUN_JOB = "service.jobs.worker.run_job"
ON_STOPPED = "service.jobs.worker.on_rq_stopped"
LOST_AFTER = 60.0  # a job queued this long with no RQ job behind it was lost (Redis flushed, say)


class EmbeddedBackend:
    """A thread pool in this process; nothing survives a restart (the service fails orphans at start)."""

    def __init__(self, database: Database, data_dir: Path, threads: int) -> None:
        self.database, self.data_dir = database, data_dir
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="job")
        self.futures: dict[str, Future] = {}
        self.lock = threading.Lock()

    def start(self) -> None:
        """Fail what a previous process left behind: its threads are gone."""
        count = store.fail_orphans(self.database, self.data_dir)
        if count:
            log.warning("%d job(s) left by a previous process marked failed", count)

    def submit(self, job_id: str, task_module: str | None) -> None:
        future = self.executor.submit(execute, job_id, self.database, self.data_dir)
        with self.lock:
            self.futures[job_id] = future
        future.add_done_callback(lambda f, job_id=job_id: self._done(job_id, f))

    def _done(self, job_id: str, future: Future) -> None:
        with self.lock:
            self.futures.pop(job_id, None)
        if not future.cancelled() and future.exception() is not None:
            log.error("job %s: the runner itself failed", job_id, exc_info=future.exception())

    def drop(self, job_id: str) -> None:
        """A cancelled queued job: forget its future (it would find the row cancelled anyway)."""
        with self.lock:
            future = self.futures.get(job_id)
        if future is not None:
            future.cancel()

    def stop(self, job_id: str) -> None:
        """Threads cannot be killed: the task stops at its next check_cancelled."""

    def reconcile(self, job) -> bool:
        return False

    def close(self) -> None:
        """Finish running jobs; jobs not started fail as after a restart (they will not run)."""
        with self.lock:
            waiting = [job_id for job_id, f in self.futures.items() if not f.running()]
        self.executor.shutdown(wait=True, cancel_futures=True)
        for job_id in waiting:
            store.finish(self.database, job_id, "failed", error=store.RESTARTED, from_states=("queued",))


class RedisBackend:
    """RQ: one queue in Redis, `rq worker` processes anywhere with the code, DATABASE_URL and DATA_DIR."""

    def __init__(self, database: Database, data_dir: Path, url: str, queue_name: str, job_timeout: int) -> None:
        from redis import Redis
        from rq import Queue

        self.database, self.data_dir = database, data_dir
        self.redis = Redis.from_url(url, socket_connect_timeout=3, socket_timeout=10)
        self.queue = Queue(queue_name, connection=self.redis)
        self.job_timeout = job_timeout
        kw = self.redis.connection_pool.connection_kwargs
        self.where = f"{kw.get('host', kw.get('path', '?'))}:{kw.get('port', '')}".rstrip(":")

    def start(self) -> None:
        """Nothing to recover: queued jobs wait in Redis and workers live elsewhere."""

    def submit(self, job_id: str, task_module: str | None) -> None:
        from redis.exceptions import RedisError
        from rq import Callback

        try:
            self.queue.enqueue_call(
                RUN_JOB, args=(job_id,), kwargs={"task_module": task_module}, job_id=job_id,
                timeout=self.job_timeout, result_ttl=24 * 3600, failure_ttl=7 * 24 * 3600,
                description=f"job {job_id}", on_stopped=Callback(ON_STOPPED))
        except RedisError as exc:
            log.error("cannot enqueue job %s on Redis %s: %s", job_id, self.where, exc)
            raise QueueUnavailable(
                f"Không kết nối được hàng đợi công việc (Redis {self.where}); "
                "vui lòng thử lại sau hoặc báo quản trị viên.") from exc

    def drop(self, job_id: str) -> None:
        """Take a cancelled job off the RQ queue (the worker would skip it anyway: the row says cancelled)."""
        from rq.job import cancel_job

        self._quietly("cancel", lambda: cancel_job(job_id, connection=self.redis))

    def stop(self, job_id: str) -> None:
        """Kill the work-horse running this job; the worker's on_stopped callback records "cancelled"."""
        from rq.command import send_stop_job_command

        self._quietly("stop", lambda: send_stop_job_command(self.redis, job_id))

    def reconcile(self, job) -> bool:
        """A job RQ has given up on (horse killed, timed out hard, lost) ends failed or cancelled in our row."""
        from redis.exceptions import RedisError
        from rq.exceptions import NoSuchJobError
        from rq.job import Job as RQJob, JobStatus

        try:
            status = RQJob.fetch(job.id, connection=self.redis).get_status()
        except NoSuchJobError:
            status = None
        except RedisError as exc:
            log.warning("cannot check job %s on Redis %s: %s", job.id, self.where, exc)
            return False
        lost = status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED) or (
            status is None and store.age_seconds(job) > LOST_AFTER)
        if not lost:
            return False
        if job.cancel_requested or status == JobStatus.CANCELED:
            changed = store.finish(self.database, job.id, "cancelled")
        else:
            changed = store.finish(self.database, job.id, "failed", error=store.WORKER_LOST)
        if changed:
            log.warning("job %s: RQ says %s, row ended accordingly", job.id, status)
            store.discard_files(self.data_dir, job.id)
        return changed

    def close(self) -> None:
        self.redis.close()

    def _quietly(self, what: str, call) -> None:
        from redis.exceptions import RedisError
        from rq.exceptions import InvalidJobOperation, NoSuchJobError

        try:
            call()
        except (InvalidJobOperation, NoSuchJobError) as exc:
            log.info("RQ %s: %s", what, exc)
        except RedisError as exc:
            log.warning("RQ %s failed on Redis %s: %s", what, self.where, exc)
