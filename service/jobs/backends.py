"""Where jobs run: threads in this process (embedded) or RQ workers behind Redis (at scale)."""
from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from ..db import Database
from . import store
from .errors import QueueUnavailable
from .worker import execute

log = logging.getLogger(__name__)

RUN_JOB = "service.jobs.worker.run_job"
ON_STOPPED = "service.jobs.worker.on_rq_stopped"
LOST_AFTER = 60.0  # a job queued this long with no RQ job behind it was lost (Redis flushed, say)


HEARTBEAT = 10.0  # seconds between an embedded runner's heartbeats (and its look for other runners' orphans)
STALE_AFTER = timedelta(seconds=60)  # a runner silent this long is gone: its jobs fail


def runner_id() -> str:
    """This process among all that share the database: host, pid and a random part (pids are reused)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class EmbeddedBackend:
    """A thread pool in this process, which owns the jobs it queues and beats a heartbeat in job_runners.

    Several processes (gunicorn workers) may each have one: at start and at every heartbeat each fails only the
    jobs whose owner stopped beating (a worker killed or restarted), never a live neighbour's.
    """

    def __init__(self, database: Database, data_dir: Path, threads: int, *, heartbeat: float = HEARTBEAT,
                 stale_after: timedelta = STALE_AFTER) -> None:
        self.database, self.data_dir = database, data_dir
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="job")
        self.futures: dict[str, Future] = {}
        self.lock = threading.Lock()
        self.owner = runner_id()
        self.heartbeat, self.stale_after = heartbeat, stale_after
        self._stopping = threading.Event()
        self._beater: threading.Thread | None = None

    def start(self) -> None:
        """Announce this runner, fail what dead runners left behind, then beat in a thread."""
        store.beat(self.database, self.owner)
        self.sweep()
        self._beater = threading.Thread(target=self._beat_forever, name="job-heartbeat", daemon=True)
        self._beater.start()

    def sweep(self) -> int:
        """Fail the jobs of runners that stopped beating; how many."""
        count = store.fail_orphans(self.database, self.data_dir, stale_after=self.stale_after)
        if count:
            log.warning("%d job(s) left by a process that stopped marked failed", count)
        return count

    def _beat_forever(self) -> None:
        while not self._stopping.wait(self.heartbeat):
            try:
                store.beat(self.database, self.owner)
                self.sweep()
            except Exception:  # noqa: BLE001 - a database hiccup must not end the heartbeat for good
                log.exception("job heartbeat of %s failed; trying again in %.0f s", self.owner, self.heartbeat)

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
        """A job of another runner that stopped beating fails now, not at the next sweep."""
        if job.owner == self.owner or store.owner_alive(self.database, job.owner, stale_after=self.stale_after):
            return False
        if store.finish(self.database, job.id, "failed", error=store.RESTARTED):
            store.discard_files(self.data_dir, job.id)
            return True
        return False

    def close(self) -> None:
        """Finish running jobs; jobs not started fail as after a restart (they will not run); stop beating."""
        with self.lock:
            waiting = [job_id for job_id, f in self.futures.items() if not f.running()]
        self.executor.shutdown(wait=True, cancel_futures=True)
        for job_id in waiting:
            store.finish(self.database, job_id, "failed", error=store.RESTARTED, from_states=("queued",))
        self._stopping.set()
        if self._beater is not None:
            self._beater.join(self.heartbeat + 5)
        store.retire(self.database, self.owner)


class RedisBackend:
    """RQ: one queue in Redis, `rq worker` processes anywhere with the code, DATABASE_URL and DATA_DIR."""

    def __init__(self, database: Database, data_dir: Path, url: str, queue_name: str, job_timeout: int) -> None:
        from redis import Redis
        from rq import Queue

        self.database, self.data_dir = database, data_dir
        self.owner = None  # RQ jobs belong to RQ; its registries say when a worker is lost
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
