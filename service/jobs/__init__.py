"""Background jobs with honest states (queued, running, done, failed, cancelled).

Embedded (no REDIS_URL): a thread pool in each web process; every job names the process running it, which beats
a heartbeat, so any number of gunicorn workers share the jobs table (only a dead process's jobs are failed).
Distributed (REDIS_URL): RQ workers started by scripts/worker.sh on any machine that has the code,
DATABASE_URL and the same DATA_DIR (shared storage; results are read back from DATA_DIR/jobs/<id>/).
"""
from __future__ import annotations

from .context import JobContext, atomic_open, atomic_write
from .errors import (JobCancelled, JobNotFinished, JobNotFound, QueueUnavailable, ResultGone, ResultNotProduced,
                     UnknownJobKind)
from .registry import TASKS, register
from .service import JobService
from .worker import JobFailed, run_job

__all__ = ["JobContext", "JobCancelled", "JobFailed", "JobNotFinished", "JobNotFound", "JobService",
           "QueueUnavailable", "ResultGone", "ResultNotProduced", "TASKS", "UnknownJobKind", "atomic_open",
           "atomic_write", "register", "run_job"]
