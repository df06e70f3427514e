"""A demo installation on its own database, for tests that send many generated or hostile requests: what they
write (units created, meetings recorded…) never reaches the shared demo the other tests read."""
from __future__ import annotations

import os
import re
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url


@dataclass
class Installation:
    app: object
    token: str  # the admin's API token
    logins: dict[str, str]  # demo user → password
    ids: dict[str, list[int]]  # real ids by URL parameter name


@contextmanager
def isolated_demo(tmp_path_factory, converter) -> Iterator[Installation]:
    """SQLite file, or a throwaway PostgreSQL database when DATABASE_URL points at PostgreSQL."""
    from app import create_app
    from service.models import Document, Member, Unit, User

    base = os.environ.get("DATABASE_URL", "")
    data_dir = tmp_path_factory.mktemp("isolated")
    name = None
    if base.startswith("postgresql"):
        name = f"kiemdiem_test_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = make_url(base).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{data_dir / 'kiemdiem.sqlite3'}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATA_DIR", str(data_dir))
        mp.delenv("SECRET_KEY", raising=False)
        application = create_app({"TESTING": True, "DATABASE_URL": url, "CONVERTER_POOL": converter,
                                  "CONVERTER_AUTOSTART": False})
        runner = application.test_cli_runner()
        demo = runner.invoke(args=["demo"])
        assert demo.exit_code == 0, demo.output
        token = runner.invoke(args=["tokens", "create", "admin"]).output.strip().splitlines()[-1]
    logins = dict(re.findall(r"^\s+(\S+)\s+mật khẩu: (\S+)", demo.output, re.M))
    with application.extensions["db"].session() as s:
        from service import documents

        for member in s.scalars(sa.select(Member).order_by(Member.id).limit(3)):  # documents to reach
            documents.open_personal_review(s, member, 2026, "Hà Nội")
        s.flush()
        ids = {"unit_id": s.scalars(sa.select(Unit.id).order_by(Unit.id.desc())).all(),
               "member_id": s.scalars(sa.select(Member.id)).all(), "doc_id": s.scalars(sa.select(Document.id)).all(),
               "user_id": s.scalars(sa.select(User.id).where(User.username != "admin")).all()}
    try:
        yield Installation(application, token, logins, ids)
    finally:
        from tests.conftest import stop_jobs

        stop_jobs(application)
        application.extensions["db"].dispose()
        if name is not None:
            admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
