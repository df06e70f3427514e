"""What a task sees: its folder, throttled progress, cancellation checks and atomic file writes."""
from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from ..db import Database
from ..files import atomic_open, atomic_write
from . import store
from .errors import JobCancelled


class JobContext:
    """Handed to the task function: job_id, workdir, progress(), check_cancelled(), atomic writes."""

    def __init__(self, job_id: str, workdir: Path, database: Database, *,
                 progress_interval: float = 0.2, cancel_interval: float = 0.5) -> None:
        self.job_id = job_id
        self.workdir = workdir
        self._db = self.database = database  # tasks open their own sessions on it
        self._progress_interval = progress_interval
        self._cancel_interval = cancel_interval
        self._last_write = 0.0
        self._last_check = 0.0
        self._pending: tuple[int, int, str] | None = None
        self.last: tuple[int, int, str] | None = None  # the newest progress, written or not

    def progress(self, done: int, total: int, step: str) -> None:
        """Report documents done / total and the current step; written at most every 0.2 s, the final one always."""
        self.last = self._pending = (int(done), int(total), step)
        if done >= total or time.monotonic() - self._last_write >= self._progress_interval:
            self._flush()

    def check_cancelled(self) -> None:
        """Raise JobCancelled if the user asked to stop (reads the row at most every 0.5 s)."""
        now = time.monotonic()
        if self._pending is not None and now - self._last_write >= self._progress_interval:
            self._flush()
        if now - self._last_check < self._cancel_interval:
            return
        self._last_check = now
        if store.is_cancel_requested(self._db, self.job_id):
            raise JobCancelled(self.job_id)

    def path(self, name: str) -> Path:
        """A path inside the job folder (no escaping it with .. or an absolute name)."""
        path = (self.workdir / name).resolve()
        if not path.is_relative_to(self.workdir.resolve()):
            raise ValueError(f"{name!r} is outside the job folder")
        return path

    def write_bytes(self, name: str, data: bytes) -> str:
        """Atomically write a result file; returns `name` for the task's result dict."""
        atomic_write(self.path(name), data)
        return name

    @contextmanager
    def open_atomic(self, name: str) -> Iterator[IO[bytes]]:
        """Stream a large result file (a ZIP) to a temporary name, renamed into place on success."""
        with atomic_open(self.path(name)) as fh:
            yield fh

    def _flush(self) -> None:
        if self._pending is None:
            return
        done, total, step = self._pending
        store.save_progress(self._db, self.job_id, done, total, step)
        self._pending = None
        self._last_write = time.monotonic()
