"""Page views written in batches: a member opening their review adds no write to the request.

A view recorded in a session that carries a ViewLog (`session.info["view_log"]`, set by Database.use_view_log)
waits in that session until it commits; a rollback drops it, as it would drop an inserted row. Committed views are
written by a thread of the process, all that came in the last second in one INSERT, so a page view costs no flush,
no INSERT and no WAL write in the request (under load those were a sixth of a web worker's time).

What may be lost: at most the last second of views of a process killed without warning (a normal stop writes them;
gunicorn's workers exit through atexit). If the database is down, views wait in memory, at most MAX_WAITING of
them, the oldest dropped first with a warning. Reads of the log in this process (audit.history) write what waits
first, so a person sees their own view at once; another process's views appear within a second.
"""
from __future__ import annotations

import atexit
import logging
import threading
from typing import Any

from sqlalchemy import event, insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from .models import AuditView

log = logging.getLogger(__name__)

EVERY = 1.0            # seconds between writes
MAX_WAITING = 20_000   # views kept while the database cannot take them
_PENDING = "pending_views"


class ViewLog:
    """Committed page views waiting for the writer thread (one per process, started by the first view)."""

    def __init__(self, engine: Engine, every: float = EVERY) -> None:
        self.engine = engine
        self.every = every
        self._rows: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopped = False
        self._thread: threading.Thread | None = None
        atexit.register(self.close)

    def add(self, rows: list[dict[str, Any]]) -> None:
        """Views whose transaction committed: written within `every` seconds."""
        with self._lock:
            self._rows.extend(rows)
            if len(self._rows) > MAX_WAITING:
                dropped = len(self._rows) - MAX_WAITING
                del self._rows[:dropped]
                log.warning("page views: %d oldest dropped (the database has not taken them)", dropped)
            if self._thread is None or not self._thread.is_alive():   # first view, or a fork without the thread
                self._thread = threading.Thread(target=self._run, name="view-log", daemon=True)
                self._thread.start()

    def flush(self) -> int:
        """Write every waiting view now; how many were written (0 when the database refused: they wait on)."""
        with self._lock:
            rows, self._rows = self._rows, []
        if not rows:
            return 0
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(AuditView), rows)
        except SQLAlchemyError as exc:
            log.warning("page views not written yet (%s): %d wait", exc.__class__.__name__, len(rows))
            with self._lock:
                self._rows[:0] = rows
            return 0
        return len(rows)

    def close(self) -> None:
        """Stop the thread and write what waits (at exit)."""
        self._stopped = True
        self._wake.set()
        self.flush()

    def _run(self) -> None:
        while not self._stopped:
            self._wake.wait(self.every)
            try:
                self.flush()
            except Exception:  # noqa: BLE001 - the writer must outlive any one bad batch
                log.exception("page views: a batch failed")


def attach(sessions: sessionmaker, view_log: ViewLog) -> None:
    """Sessions from `sessions` hand their views to `view_log` when they commit and drop them on rollback."""
    sessions.configure(info={**sessions.kw.get("info", {}), "view_log": view_log})
    event.listen(sessions, "after_commit", _committed)
    event.listen(sessions, "after_rollback", _rolled_back)


def hold(session: Session, row: dict[str, Any]) -> bool:
    """Keep a view in the session until it commits; False when the session has no view log (insert it then)."""
    if session.info.get("view_log") is None:
        return False
    session.info.setdefault(_PENDING, []).append(row)
    return True


def flush(session: Session) -> None:
    """Write this process's waiting views (before reading the log)."""
    view_log = session.info.get("view_log")
    if view_log is not None:
        view_log.flush()


def _committed(session: Session) -> None:
    rows = session.info.pop(_PENDING, None)
    if rows:
        session.info["view_log"].add(rows)


def _rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)
