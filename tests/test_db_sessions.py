"""How a request's database session ends, and which pooled connections it is handed.

A session that only read ends with COMMIT (psycopg drops every statement it prepared on a ROLLBACK); one that
failed, wrote without committing, or holds changes it never flushed is rolled back, so nothing half-done is kept.
A pooled PostgreSQL connection is checked on checkout without a round trip unless it sat idle long.
"""
from __future__ import annotations

import os
import time

import pytest
from sqlalchemy import create_engine, event, select, text

from service.db import Database, check_liveness_on_checkout
from service.models import Unit

postgresql_only = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
                                     reason="needs PostgreSQL")


@pytest.fixture()
def database(new_database) -> Database:
    database = new_database()
    database.upgrade()
    with database.session() as s:
        s.add(Unit(name="Chi bộ Kiểm tra phiên", kind="chi_bo"))
    return database


@pytest.fixture()
def endings(database) -> list[str]:
    """"commit" / "rollback" as the database connection sees them, in order."""
    seen: list[str] = []
    event.listen(database.engine, "commit", lambda conn: seen.append("commit"))
    event.listen(database.engine, "rollback", lambda conn: seen.append("rollback"))
    return seen


def _unit_name(database: Database) -> str:
    with database.session() as s:
        return s.scalar(select(Unit.name))


def test_a_request_that_only_read_ends_with_commit(database, endings):
    s = database.sessions()
    assert s.scalar(select(Unit.name)) == "Chi bộ Kiểm tra phiên"
    Database.close_request_session(s, failed=False)
    assert endings == ["commit"]


def test_a_failed_request_is_rolled_back(database, endings):
    s = database.sessions()
    s.scalar(select(Unit.name))
    Database.close_request_session(s, failed=True)
    assert endings == ["rollback"]


def test_a_change_never_flushed_is_not_saved_by_the_ending(database, endings):
    s = database.sessions()
    s.scalars(select(Unit)).one().name = "Đổi mà không lưu"
    Database.close_request_session(s, failed=False)
    assert endings == ["rollback"]
    assert _unit_name(database) == "Chi bộ Kiểm tra phiên"


def test_a_flushed_but_uncommitted_write_is_rolled_back(database, endings):
    s = database.sessions()
    s.scalars(select(Unit)).one().name = "Ghi tạm rồi bỏ"
    s.flush()
    Database.close_request_session(s, failed=False)
    assert endings == ["rollback"]
    assert _unit_name(database) == "Chi bộ Kiểm tra phiên"


def test_a_savepoint_rolled_back_does_not_hide_the_earlier_write(database, endings):
    s = database.sessions()
    s.scalars(select(Unit)).one().name = "Ghi trước điểm lưu"
    s.flush()
    nested = s.begin_nested()
    s.add(Unit(name="Trong điểm lưu", kind="chi_bo"))
    nested.rollback()
    Database.close_request_session(s, failed=False)
    assert endings == ["rollback"]
    assert _unit_name(database) == "Chi bộ Kiểm tra phiên"


def test_a_committed_write_then_reads_ends_with_commit(database, endings):
    s = database.sessions()
    s.scalars(select(Unit)).one().name = "Đã lưu"
    s.commit()
    s.scalar(select(Unit.name))  # a new transaction that only reads
    Database.close_request_session(s, failed=False)
    assert endings == ["commit", "commit"]
    assert _unit_name(database) == "Đã lưu"


@postgresql_only
def test_prepared_statements_survive_a_read_only_request(database):
    """psycopg prepares a statement on its fifth run; a request that only read must not throw them away."""
    for _ in range(6):
        s = database.sessions()
        s.scalar(select(Unit.name).where(Unit.kind == "chi_bo"))
        Database.close_request_session(s, failed=False)
    s = database.sessions()
    prepared = s.scalar(text("SELECT count(*) FROM pg_prepared_statements"))
    Database.close_request_session(s, failed=False)
    assert prepared >= 1


@pytest.fixture()
def pg_engine(database):
    if not database.url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL")
    engines = []

    def make(ping_after_idle_s: float):
        engine = create_engine(database.url, pool_size=1, max_overflow=0)
        check_liveness_on_checkout(engine, ping_after_idle_s)
        pings: list[int] = []
        real_ping = engine.dialect.do_ping
        engine.dialect.do_ping = lambda conn: pings.append(1) or real_ping(conn)
        engines.append(engine)
        return engine, pings

    yield make
    for engine in engines:
        engine.dispose()


def _backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar()


def test_a_live_pooled_connection_is_reused_without_a_ping(pg_engine):
    engine, pings = pg_engine(ping_after_idle_s=3600)
    first = _backend_pid(engine)
    assert _backend_pid(engine) == first
    assert pings == []


def test_a_connection_ended_while_idle_is_replaced(pg_engine, database):
    engine, pings = pg_engine(ping_after_idle_s=3600)
    first = _backend_pid(engine)
    admin = create_engine(database.url)
    with admin.connect() as conn:  # waits (up to 5 s) until that backend is gone, as after a server restart
        assert conn.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": first}).scalar()
    admin.dispose()
    assert _backend_pid(engine) != first  # a fresh connection, no error
    assert pings == []  # told by its socket, not by a round trip


def test_a_connection_idle_longer_than_the_limit_is_pinged(pg_engine):
    engine, pings = pg_engine(ping_after_idle_s=0.05)
    first = _backend_pid(engine)
    deadline = time.monotonic() + 0.2
    while time.monotonic() < deadline:  # idle past the limit
        time.sleep(0.05)
    assert _backend_pid(engine) == first
    assert pings == [1]
