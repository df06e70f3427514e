"""Jobs on both backends: threads in-process, and Redis with a real `rq worker` process."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from service.db import Database
from service.jobs import (JobContext, JobNotFinished, JobService, QueueUnavailable, ResultNotProduced,
                          UnknownJobKind, store)
from service.jobs.backends import EmbeddedBackend
from service.jobs.worker import GENERIC_FAILURE, TIMED_OUT
from service.models import Job, JobRunner, utcnow
from tests import jobs_tasks  # noqa: F401  (registers the test tasks, importable by the worker too)

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
ACTIVE = ("queued", "running")


@pytest.fixture(scope="module")
def db(database_url):
    database = Database(database_url)
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("jobs-data")


class RQWorker:
    """A real `rq worker` subprocess on a queue of its own, with the test tasks importable."""

    def __init__(self, database_url: str, data_dir: Path, log_path: Path) -> None:
        from redis import Redis

        self.queue_name = f"kiemdiem-test-{uuid.uuid4().hex[:8]}"
        self.redis = Redis.from_url(REDIS_URL, socket_connect_timeout=3)
        try:
            self.redis.ping()
        except Exception as exc:  # CI must fail, never skip, without Redis
            self.redis.close()
            pytest.fail(f"Redis is required at {REDIS_URL} for the job tests: {exc}")
        env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": database_url, "DATA_DIR": str(data_dir)}
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "rq.cli", "worker", "--url", REDIS_URL, "--max-idle-time", "600",
             "--name", self.queue_name, self.queue_name],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_registered()

    def _wait_registered(self) -> None:
        from rq import Queue, Worker

        queue = Queue(self.queue_name, connection=self.redis)
        deadline = time.monotonic() + 20
        while not Worker.all(queue=queue):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                pytest.fail(f"rq worker did not start:\n{self.tail()}")
            time.sleep(0.1)

    def tail(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")[-4000:]

    def close(self) -> None:
        from rq import Queue

        if self.proc.poll() is None:
            self.proc.terminate()  # warm shutdown
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        Queue(self.queue_name, connection=self.redis).delete(delete_jobs=True)
        self.redis.close()
        self.log.close()


@pytest.fixture(scope="module")
def rq_worker(database_url, data_dir, db, tmp_path_factory):
    worker = RQWorker(database_url, data_dir, tmp_path_factory.mktemp("rq") / "worker.log")
    yield worker
    worker.close()


@pytest.fixture(params=["embedded", "redis"])
def jobs(request, db, data_dir):
    """A JobService on one backend; one thread, like the one RQ worker, so a second job waits."""
    if request.param == "redis":
        worker = request.getfixturevalue("rq_worker")
        service = JobService(db, data_dir, REDIS_URL, queue_name=worker.queue_name, job_timeout=60)
        service.worker = worker
    else:
        service = JobService(db, data_dir, threads=1)
        service.worker = None
    yield service
    for job_id in active_ids(db):  # leave nothing running for the next test
        service.cancel(job_id, force=True)
        wait_for(service, job_id, ("cancelled", "done", "failed"))
    service.shutdown()


def active_ids(db) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(Job.id).where(Job.state.in_(ACTIVE))))


def wait_for(service: JobService, job_id: str, states, timeout: float = 20, until=None) -> Job:
    """Poll the job until it reaches one of `states` (and `until(job)` holds); the worker log on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        job = service.get(job_id)
        if job.state in states and (until is None or until(job)):
            return job
        if time.monotonic() > deadline:
            log = service.worker.tail() if getattr(service, "worker", None) else ""
            pytest.fail(f"job {job_id} stuck in {job.state} ({job.done}/{job.total} {job.step!r})\n{log}")
        time.sleep(0.05)


def workdir(data_dir: Path, job_id: str) -> Path:
    return store.job_dir(data_dir, job_id)


def test_progress_moves_then_done_with_the_file(jobs, data_dir):
    job = jobs.enqueue("test_sleepy", {"steps": 8, "delay": 0.15}, user_id=None)
    assert job.state == "queued" and len(job.id) == 32
    seen = set()
    deadline = time.monotonic() + 120
    while (current := jobs.get(job.id)).state in ACTIVE:
        assert time.monotonic() < deadline, f"job still {current.state} ({current.done}/8)"
        if current.state == "running":
            seen.add(current.done)
        time.sleep(0.05)
    assert any(0 < d < 8 for d in seen), seen
    assert current.state == "done", current.error
    assert (current.done, current.total, current.step) == (8, 8, "Xong")
    assert current.result_path == {"txt": "out.txt"} and current.error is None
    assert current.started_at and current.finished_at
    assert jobs.result_file(current, "txt").read_text() == "8 bước"


def test_writer_results_are_whole_files(jobs, data_dir):
    job = wait_for(jobs, jobs.enqueue("test_writer", {"text": "Chi bộ 3"}).id, ("done", "failed"))
    assert job.state == "done", job.error
    assert jobs.result_file(job, "pdf").read_bytes() == b"%PDF-1.7\nChi b\xe1\xbb\x99 3"
    assert jobs.result_file(job, "zip").read_bytes().startswith(b"PK")
    assert sorted(p.name for p in workdir(data_dir, job.id).iterdir()) == ["packet.pdf", "packet.zip"]
    with pytest.raises(ResultNotProduced, match="không tạo tệp định dạng “docx”"):
        jobs.result_file(job, "docx")


def test_failing_document_fails_the_job_with_its_name(jobs, data_dir):
    job = wait_for(jobs, jobs.enqueue("test_boom", {}).id, ("done", "failed", "cancelled"))
    assert job.state == "failed"
    assert job.error == "Không tạo được văn bản “Bản kiểm điểm – Lê Minh Đức”"
    assert job.result_path is None and job.finished_at is not None
    assert "Lê Minh Đức" in job.step  # the last progress is kept even when throttled
    assert not workdir(data_dir, job.id).exists()
    with pytest.raises(JobNotFinished, match="thất bại.*Lê Minh Đức"):
        jobs.result_file(job, "pdf")


def test_a_bug_fails_with_a_generic_message(jobs, data_dir):
    job = wait_for(jobs, jobs.enqueue("test_crash", {}).id, ("done", "failed"))
    assert job.state == "failed" and job.error == GENERIC_FAILURE.format(job_id=job.id)
    assert "internal detail" not in job.error and job.result_path is None


def test_cancel_running_job_removes_partial_files(jobs, data_dir):
    job = jobs.enqueue("test_sleepy", {"steps": 200, "delay": 0.05})
    wait_for(jobs, job.id, ("running",), until=lambda j: j.done >= 2)
    assert (workdir(data_dir, job.id) / "partial.txt").exists()
    asked = jobs.cancel(job.id)
    assert asked.cancel_requested and asked.state in ("running", "cancelled")
    job = wait_for(jobs, job.id, ("cancelled", "done", "failed"))
    assert job.state == "cancelled" and job.error is None and job.result_path is None
    assert 2 <= job.done < 200
    assert not workdir(data_dir, job.id).exists()
    with pytest.raises(JobNotFinished, match="hủy"):
        jobs.result_file(job, "txt")


def test_cancel_queued_job_never_runs(jobs, data_dir):
    blocker = jobs.enqueue("test_sleepy", {"steps": 400, "delay": 0.05})
    wait_for(jobs, blocker.id, ("running",))
    waiting = jobs.enqueue("test_writer", {})
    assert jobs.get(waiting.id).state == "queued"
    cancelled = jobs.cancel(waiting.id)
    assert cancelled.state == "cancelled" and cancelled.finished_at is not None
    jobs.cancel(blocker.id)
    assert wait_for(jobs, blocker.id, ("cancelled", "done", "failed")).state == "cancelled"
    follow = wait_for(jobs, jobs.enqueue("test_writer", {}).id, ("done", "failed"))  # the worker is past it
    assert follow.state == "done"
    waiting = jobs.get(waiting.id)
    assert waiting.state == "cancelled" and waiting.started_at is None and waiting.result_path is None
    assert not workdir(data_dir, waiting.id).exists()
    if jobs.distributed:
        from rq.job import Job as RQJob

        assert RQJob.fetch(waiting.id, connection=jobs.backend.redis).get_status() == "canceled"
    assert jobs.cancel(follow.id).state == "done"  # done stays done


def test_dedupe_returns_the_active_job(jobs):
    key = f"packet:unit=3:year=2026:kind=chi_bo:{uuid.uuid4().hex[:6]}"
    first = jobs.enqueue("test_sleepy", {"steps": 100, "delay": 0.05}, dedupe_key=key, user_id=None)
    again = jobs.enqueue("test_sleepy", {"steps": 100, "delay": 0.05}, dedupe_key=key)
    assert again.id == first.id
    jobs.cancel(first.id)
    wait_for(jobs, first.id, ("cancelled", "done", "failed"))
    fresh = jobs.enqueue("test_writer", {}, dedupe_key=key)  # an ended job no longer holds the key
    assert fresh.id != first.id
    assert wait_for(jobs, fresh.id, ("done", "failed")).state == "done"


def test_dedupe_race_lands_on_the_unique_index(db, data_dir, monkeypatch):
    jobs = JobService(db, data_dir, threads=1)
    key = f"race:{uuid.uuid4().hex[:6]}"
    try:
        first = jobs.enqueue("test_sleepy", {"steps": 100, "delay": 0.05}, dedupe_key=key)
        real = store.active_by_key
        calls = []

        def blind_once(database, dedupe_key):  # the other request checked before ours committed
            calls.append(dedupe_key)
            return None if len(calls) == 1 else real(database, dedupe_key)
        monkeypatch.setattr(store, "active_by_key", blind_once)
        assert jobs.enqueue("test_sleepy", {}, dedupe_key=key).id == first.id and len(calls) == 2
        jobs.cancel(first.id)
        wait_for(jobs, first.id, ("cancelled",))
    finally:
        jobs.shutdown()


def test_unknown_kind_is_refused(jobs):
    with pytest.raises(UnknownJobKind, match="không tồn tại"):
        jobs.enqueue("no_such_kind", {})


@pytest.mark.timeout(60)  # a hang (no connect timeout) fails here instead of blocking the run
def test_missing_redis_is_a_clear_error_not_a_hang(db, data_dir):
    jobs = JobService(db, data_dir, "redis://127.0.0.1:1/0")
    key = f"noredis:{uuid.uuid4().hex[:6]}"
    try:
        with pytest.raises(QueueUnavailable, match="Không kết nối được hàng đợi công việc") as info:
            jobs.enqueue("test_writer", {}, dedupe_key=key)
    finally:
        jobs.shutdown()
    assert info.value.status == 503
    with db.session() as session:
        row = session.scalars(select(Job).where(Job.dedupe_key == key)).one()
    assert row.state == "failed" and "Redis" in row.error and row.result_path is None


@pytest.fixture()
def rq_jobs(rq_worker, db, data_dir):
    """A Redis-backed service only (what threads cannot do: kill a job, time it out, lose its process)."""
    def make(**kw) -> JobService:
        service = JobService(db, data_dir, REDIS_URL, queue_name=rq_worker.queue_name, **kw)
        service.worker = rq_worker
        made.append(service)
        return service
    made: list[JobService] = []
    yield make
    for service in made:
        service.shutdown()


def test_redis_force_cancel_kills_a_stuck_job(rq_jobs, data_dir):
    jobs = rq_jobs()
    job = jobs.enqueue("test_stubborn", {"seconds": 60})
    wait_for(jobs, job.id, ("running",), until=lambda j: (workdir(data_dir, j.id) / "partial.txt").exists())
    assert jobs.cancel(job.id, force=True).cancel_requested
    job = wait_for(jobs, job.id, ("cancelled", "failed", "done"), timeout=15)
    assert job.state == "cancelled" and job.result_path is None
    assert not workdir(data_dir, job.id).exists()


def test_redis_timeout_fails_the_job(rq_jobs, data_dir):
    jobs = rq_jobs(job_timeout=1)
    job = wait_for(jobs, jobs.enqueue("test_stubborn", {"seconds": 20}).id, ("failed", "done"))
    assert job.error == TIMED_OUT and job.result_path is None
    assert not workdir(data_dir, job.id).exists()


def test_redis_dead_work_horse_fails_the_job(rq_jobs, data_dir):
    jobs = rq_jobs()
    job = wait_for(jobs, jobs.enqueue("test_die", {}).id, ("failed", "done"))
    assert job.error == store.WORKER_LOST and job.result_path is None
    assert not workdir(data_dir, job.id).exists()


def test_embedded_start_fails_jobs_of_a_dead_process(db, data_dir):
    ids = [uuid.uuid4().hex for _ in range(3)]
    with db.session() as session:
        for job_id, state in zip(ids, ("queued", "running", "done")):
            session.add(Job(id=job_id, kind="test_writer", params={}, state=state, owner="host:1:gone",
                            result_path={"pdf": "packet.pdf"} if state == "done" else None))
    (workdir(data_dir, ids[1]) / "partial.pdf").parent.mkdir(parents=True)
    (workdir(data_dir, ids[1]) / "partial.pdf").write_bytes(b"half")
    JobService(db, data_dir, "redis://127.0.0.1:1/0").shutdown()  # the Redis backend leaves them alone
    assert store.get(db, ids[0]).state == "queued"
    JobService(db, data_dir).shutdown()
    queued, running, done = (store.get(db, job_id) for job_id in ids)
    assert queued.state == running.state == "failed"
    assert running.error == "Dịch vụ đã khởi động lại trong khi đang xử lý; vui lòng tạo lại."
    assert not workdir(data_dir, ids[1]).exists()
    assert done.state == "done"


def test_progress_is_throttled_but_the_last_one_is_written(db, monkeypatch, tmp_path):
    writes = []
    monkeypatch.setattr(store, "save_progress", lambda database, job_id, d, t, s: writes.append((d, t, s)))
    ctx = JobContext("x", tmp_path, db)
    for i in range(1, 101):
        ctx.progress(i, 100, f"bước {i}")
    assert 1 <= len(writes) < 5 and writes[-1] == (100, 100, "bước 100")
    ctx.progress(3, 7, "chậm")
    assert writes[-1] != (3, 7, "chậm") and ctx.last == (3, 7, "chậm")
    time.sleep(0.25)
    monkeypatch.setattr(store, "is_cancel_requested", lambda database, job_id: False)
    ctx.check_cancelled()  # a later check writes the pending progress
    assert writes[-1] == (3, 7, "chậm")


def test_result_paths_stay_inside_the_job_folder(tmp_path, db):
    ctx = JobContext("x", tmp_path, db)
    with pytest.raises(ValueError):
        ctx.path("../secret_key")
    assert ctx.write_bytes("a/b.txt", b"x") == "a/b.txt" and (tmp_path / "a" / "b.txt").read_bytes() == b"x"
    assert not [p for p in tmp_path.rglob("*.tmp")]


def _fake_job(db, owner: str | None, state: str = "running") -> str:
    job_id = uuid.uuid4().hex
    with db.session() as session:
        session.add(Job(id=job_id, kind="test_writer", params={}, state=state, owner=owner))
    return job_id


def _runner(db, runner_id: str, silent_for: timedelta) -> None:
    with db.session() as session:
        session.merge(JobRunner(id=runner_id, started_at=utcnow() - silent_for,
                                heartbeat_at=utcnow() - silent_for))


def _end(db, *job_ids: str) -> None:
    for job_id in job_ids:
        store.finish(db, job_id, "cancelled")


def test_a_second_process_starting_leaves_the_first_ones_job_running(db, data_dir, database_url):
    """gunicorn --workers 2 without Redis: a worker (re)starting must not fail its neighbour's packet."""
    jobs = JobService(db, data_dir, threads=1)
    try:
        job = jobs.enqueue("test_sleepy", {"steps": 40, "delay": 0.05})
        wait_for(jobs, job.id, ("running",), timeout=120)
        neighbour = subprocess.run(
            [sys.executable, "-c", "import sys; from pathlib import Path; from service.db import Database; "
             "from service.jobs import JobService; "
             "JobService(Database(sys.argv[1]), Path(sys.argv[2])).shutdown()", database_url, str(data_dir)],
            cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert neighbour.returncode == 0, neighbour.stderr
        assert jobs.get(job.id).state in ("running", "done")
        done = wait_for(jobs, job.id, ("done", "failed", "cancelled"), timeout=120)
        assert done.state == "done", done.error
    finally:
        jobs.shutdown()


def test_only_jobs_of_silent_runners_fail(db, data_dir):
    _runner(db, "host:2:alive", timedelta(seconds=5))
    _runner(db, "host:3:silent", timedelta(minutes=5))
    alive, silent, gone, rq = (_fake_job(db, "host:2:alive"), _fake_job(db, "host:3:silent", "queued"),
                               _fake_job(db, "host:4:no-row"), _fake_job(db, None))
    try:
        JobService(db, data_dir).shutdown()
        assert store.get(db, alive).state == "running"
        assert store.get(db, rq).state == "running"  # RQ's: its own reconcile decides
        for job_id in (silent, gone):
            job = store.get(db, job_id)
            assert job.state == "failed" and job.error == store.RESTARTED
    finally:
        _end(db, alive, rq)


def test_a_runner_falling_silent_is_noticed_while_the_service_runs(db, data_dir):
    backend = EmbeddedBackend(db, data_dir, 1, heartbeat=0.1, stale_after=timedelta(seconds=30))
    _runner(db, "host:5:about-to-die", timedelta(seconds=1))
    job_id = _fake_job(db, "host:5:about-to-die")
    backend.start()
    try:
        assert store.get(db, job_id).state == "running"  # its runner still beats
        with db.session() as session:
            first_beat = session.get(JobRunner, backend.owner).heartbeat_at
        _runner(db, "host:5:about-to-die", timedelta(minutes=2))  # it stops beating
        deadline = time.monotonic() + 60
        while store.get(db, job_id).state == "running":  # the heartbeat thread's sweep fails it, no restart needed
            assert time.monotonic() < deadline, "the orphan was never noticed"
            time.sleep(0.05)
        assert store.get(db, job_id).error == store.RESTARTED
        with db.session() as session:
            assert session.get(JobRunner, backend.owner).heartbeat_at > first_beat
    finally:
        backend.close()
    with db.session() as session:
        assert session.get(JobRunner, backend.owner) is None  # a clean stop takes its row away


def test_looking_at_a_job_of_a_dead_runner_fails_it(db, data_dir):
    jobs = JobService(db, data_dir)
    try:
        _runner(db, "host:6:dies-later", timedelta(seconds=1))
        job_id = _fake_job(db, "host:6:dies-later")
        assert jobs.get(job_id).state == "running"
        _runner(db, "host:6:dies-later", timedelta(minutes=2))
        job = jobs.get(job_id)
        assert job.state == "failed" and job.error == store.RESTARTED
    finally:
        jobs.shutdown()
