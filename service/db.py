"""Database engine and sessions, independent of Flask so that jobs and CLI share them."""
from __future__ import annotations

import select
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import create_engine, event, exc
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from . import bounds

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
PING_AFTER_IDLE_S = 30.0  # a pooled PostgreSQL connection idle longer than this is pinged before use


class Base(DeclarativeBase):
    """Declarative base of every model."""


def make_engine(url: str) -> Engine:
    """An engine; SQLite gets foreign keys and a busy timeout so threads wait instead of failing."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    if make_url(url).get_driver_name() != "psycopg":  # the socket check below reads psycopg 3's connection
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url)
    check_liveness_on_checkout(engine)
    return engine


def check_liveness_on_checkout(engine: Engine, ping_after_idle_s: float = PING_AFTER_IDLE_S) -> None:
    """Hand out only live pooled connections, mostly without SQLAlchemy's pre-ping round trip.

    A backend that ends (PostgreSQL restarted, pg_terminate_backend, an idle timeout) says so on its socket (an
    error message, then end of file), so a connection whose socket has something to read while it sat idle in the
    pool is dead: it is replaced, with no round trip. A connection idle longer than `ping_after_idle_s` is also
    pinged, for the ends that say nothing (a firewall dropping an idle TCP connection). Pre-ping did one round trip
    on every checkout: under load the wait for it was about a fourteenth of a web worker's time (py-spy, issue 13).
    """

    @event.listens_for(engine, "checkin")
    def _idle_from(dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _live(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None:  # new: just connected
            return
        if _has_news(dbapi_connection):
            raise exc.DisconnectionError("the server ended this connection while it was idle")
        if time.monotonic() - idle_since > ping_after_idle_s and not _answers_ping(engine, dbapi_connection):
            raise exc.InvalidatePoolError("no answer to a ping after a long idle")


def _answers_ping(engine: Engine, dbapi_connection: Any) -> bool:
    try:
        return engine.dialect.do_ping(dbapi_connection)
    except engine.dialect.loaded_dbapi.Error:
        return False


def _has_news(dbapi_connection: Any) -> bool:
    """Whether an idle psycopg connection's socket can be read (or is closed): an idle healthy one has nothing."""
    try:
        if dbapi_connection.closed or dbapi_connection.broken:
            return True
        poller = select.poll()
        poller.register(dbapi_connection.pgconn.socket, select.POLLIN | select.POLLERR | select.POLLHUP)
        return bool(poller.poll(0))
    except Exception:  # noqa: BLE001 - a connection that cannot even say this is not one to use
        return True


# Whether a session flushed since its transaction began (Database.close_request_session reads it).
_WROTE = "wrote_uncommitted"


def _wrote(session: Session, _flush_context: Any) -> None:
    session.info[_WROTE] = True


def _ended(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the whole transaction, not a savepoint within it
        session.info.pop(_WROTE, None)


class Database:
    """An engine plus its session factory."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        event.listen(self.sessions, "before_flush", bounds.check_row_bounds)
        event.listen(self.sessions, "after_flush", _wrote)
        event.listen(self.sessions, "after_transaction_end", _ended)

    @staticmethod
    def close_request_session(session: Session, failed: bool) -> None:
        """End a request's session. A transaction that only read is ended with COMMIT rather than the ROLLBACK
        that closing sends: the two are the same to the database, but psycopg forgets every statement it has
        prepared on that connection at a ROLLBACK (and sends DEALLOCATE ALL), so each board page, which writes
        nothing, made PostgreSQL parse and plan every query of the next requests afresh. A failed request, or one
        that wrote or still holds changes it did not commit, is rolled back as before."""
        try:
            if (not failed and session.in_transaction() and not session.info.get(_WROTE)
                    and not (session.new or session.dirty or session.deleted)):
                session.commit()
        except exc.SQLAlchemyError:
            session.rollback()
        finally:
            session.close()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed on success and rolled back on error."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def use_seal(self, seal) -> None:
        """Sessions made from now on carry the audit seal (service.archive.seal) in `session.info`."""
        self.sessions.configure(info={**self.sessions.kw.get("info", {}), "audit_seal": seal})

    def use_view_log(self) -> None:
        """Page views recorded in sessions made from now on are written in batches after their commit
        (service.archive.view_log): the web app's reads then add no write to the request."""
        from .archive.view_log import ViewLog, attach

        attach(self.sessions, ViewLog(self.engine))

    def upgrade(self) -> None:
        """Bring the schema to the newest Alembic revision."""
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        cfg.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def dispose(self) -> None:
        """Close pooled connections (tests, forks)."""
        self.engine.dispose()
