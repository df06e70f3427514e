"""Shared fixtures: an app on SQLite or on a fresh PostgreSQL database, demo data, a real LibreOffice pool."""
from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from service.convert import ConverterPool
from service.db import Database


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """SQLite by default; with DATABASE_URL=postgresql… a throwaway database on that server."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    name = f"kiemdiem_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def new_database(tmp_path):
    """Makes empty databases: SQLite files, or throwaway PostgreSQL databases dropped after the test."""
    base = os.environ.get("DATABASE_URL", "")
    made: list[tuple[Database, str | None]] = []

    def make(folder: Path | None = None) -> Database:
        if not base.startswith("postgresql"):
            folder = folder or tmp_path / f"db-{uuid.uuid4().hex[:6]}"
            folder.mkdir(parents=True, exist_ok=True)
            database = Database(f"sqlite:///{folder / 'kiemdiem.sqlite3'}")
            made.append((database, None))
            return database
        name = f"kiemdiem_test_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        database = Database(make_url(base).set(database=name).render_as_string(hide_password=False))
        made.append((database, name))
        return database

    yield make
    for database, name in made:
        database.dispose()
        if name is not None:
            admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


@pytest.fixture
def fresh_app(monkeypatch, new_database):
    """Makes an app on an empty data folder and an empty database (not migrated), as a new machine starts."""
    from app import create_app
    from service.convert import ConverterPool, set_default_pool

    made = []

    def make(data_dir: Path):
        monkeypatch.setenv("DATA_DIR", str(data_dir))
        monkeypatch.delenv("SECRET_KEY", raising=False)
        config = {"TESTING": True, "CONVERTER_POOL": ConverterPool(1)}
        if os.environ.get("DATABASE_URL", "").startswith("postgresql"):
            config["DATABASE_URL"] = new_database().url
        previous = set_default_pool(None)
        try:
            application = create_app(config)
        finally:
            set_default_pool(previous)  # the session's warm pool stays the default for other tests
        made.append(application)
        return application

    yield make
    for application in made:
        stop_jobs(application)
        application.extensions["db"].dispose()


def stop_jobs(application) -> None:
    """Stop the app's job service (made by its first upload or packet) before its database goes, and forget its
    shutdown at exit, which would find the database dropped."""
    import atexit

    service = application.extensions.get("jobs")
    if service is not None:
        service.shutdown()
        atexit.unregister(service.shutdown)
        application.extensions["jobs"] = None


# ---- an S3-compatible object store: moto's server over real HTTP on a local port
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's S3 server on a free local port, with dummy credentials and no AWS config from the host."""
    from moto.server import ThreadedMotoServer

    with pytest.MonkeyPatch.context() as mp:
        for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                            "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": os.devnull,
                            "AWS_SHARED_CREDENTIALS_FILE": os.devnull}.items():
            mp.setenv(name, value)
        mp.delenv("AWS_SESSION_TOKEN", raising=False)
        mp.delenv("AWS_PROFILE", raising=False)
        port = _free_port()
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.stop()


@pytest.fixture
def raw(s3_endpoint):
    import boto3

    return boto3.client("s3", endpoint_url=s3_endpoint)


@pytest.fixture
def bucket(raw) -> str:
    name = f"luu-tru-{uuid.uuid4().hex[:12]}"
    raw.create_bucket(Bucket=name)
    return name


@pytest.fixture(scope="session")
def converter(tmp_path_factory):
    """One real warm LibreOffice pool for the whole run."""
    pool = ConverterPool(2, timeout=60, work_dir=tmp_path_factory.mktemp("converter"))
    pool.start()
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def app(database_url, converter, tmp_path_factory):
    """The application, migrated and seeded with the demo đảng bộ."""
    os.environ["DATA_DIR"] = str(tmp_path_factory.mktemp("data"))
    os.environ.pop("SECRET_KEY", None)
    from app import create_app

    application = create_app({"TESTING": True, "DATABASE_URL": database_url, "CONVERTER_POOL": converter,
                              "CONVERTER_AUTOSTART": False})
    runner = application.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    application.config["DEMO_LOGINS"] = dict(re.findall(r"^\s+(\S+)\s+mật khẩu: (\S+)", result.output, re.M))
    yield application
    stop_jobs(application)
    application.extensions["db"].dispose()


@dataclass
class Auth:
    """Logs a test client in and out as one of the demo users."""

    client: object
    logins: dict

    def login(self, username: str):
        page = self.client.get("/login")
        token = csrf_token(page.get_data(as_text=True))
        return self.client.post("/login", data={"username": username, "password": self.logins[username],
                                                "csrf_token": token})

    def logout(self):
        token = csrf_token(self.client.get("/").get_data(as_text=True))
        return self.client.post("/logout", data={"csrf_token": token})


def bearer(token: str) -> dict:
    """API headers for a token."""
    return {"Authorization": f"Bearer {token}"}


def download(client, url: str, headers: dict) -> bytes:
    """The body of a file response, closing it (send_file keeps the file open until then)."""
    with client.get(url, headers=headers) as resp:
        assert resp.status_code == 200, resp.status_code
        return resp.data


def wait_for_job(client, headers: dict, job_id: str, timeout: float = 120) -> dict:
    """Poll the job API until the job is no longer queued or running."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        job = client.get(f"/api/v1/jobs/{job_id}", headers=headers).get_json()
        if job["state"] not in ("queued", "running"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {job['state']}")


def wait_for_upload(client, headers: dict, accepted, *, pages: int | None = None) -> dict:
    """Follow an upload answered 202 (its response, or its JSON) until its pages are read: the final status, with
    the report when done or the reason when refused. The deadline is the reader's own time budget for the upload's
    pages (the job cannot read longer) plus wait_for_job's allowance for the queue; `pages` when known at once."""
    from service.archive.reader import ReaderBudget

    body = accepted.get_json() if hasattr(accepted, "get_json") else accepted
    assert body and body.get("status") == "processing" and body.get("status_url"), body
    deadline = None
    while True:
        status = client.get(body["status_url"], headers=headers).get_json()
        if status["status"] != "processing":
            return status
        if deadline is None:
            total = pages or status["progress"]["total"]
            deadline = time.monotonic() + ReaderBudget().seconds(total) + 120
        if time.monotonic() > deadline:
            raise AssertionError(f"upload {body['upload_id']} still processing: {status}")
        time.sleep(0.1)


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def auth(client, app):
    return Auth(client, app.config["DEMO_LOGINS"])


@pytest.fixture(scope="session")
def token_for(app):
    """An API token for a demo user, made with the documented CLI command."""
    cache: dict[str, str] = {}

    def make(username: str) -> str:
        if username not in cache:
            result = app.test_cli_runner().invoke(args=["tokens", "create", username])
            assert result.exit_code == 0, result.output
            cache[username] = result.output.strip().splitlines()[-1]
        return cache[username]
    return make


def docx_paragraphs(data: bytes) -> list[str]:
    """Every paragraph's text in body order, tables included."""
    import docx

    document = docx.Document(io.BytesIO(data))
    out: list[str] = []
    body = document.element.body
    for block in body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.append("".join(t.text or "" for t in block.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for p in block.iter():
                if p.tag.endswith("}p"):
                    out.append("".join(t.text or "" for t in p.iter() if t.tag.endswith("}t")))
    return out


def pdf_text(data: bytes, tmp_path: Path | None = None) -> str:
    """The PDF's text as poppler extracts it (layout-free)."""
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def squash(s: str) -> str:
    """Whitespace-insensitive form, for text that wraps across lines in a PDF."""
    return re.sub(r"\s+", " ", s).strip()


def validated(code: str, payload: dict) -> tuple:
    """(kind, clean data, template context) of a payload, checked as the API checks it."""
    from service.catalog import get_kind

    kind = get_kind(code)
    data = kind.schema.check(kind, payload)
    return kind, data, kind.schema.context(kind, data)


def assert_in_order(texts: list[str], wanted: list[str], *, whole: bool = False) -> None:
    """Each wanted text is in (or, with whole, is) a paragraph after the previous one's paragraph."""
    position = 0
    for item in wanted:
        for index in range(position, len(texts)):
            if (texts[index].strip() == item) if whole else (item in texts[index]):
                position = index + 1
                break
        else:
            after = texts[position - 1] if position else "(đầu văn bản)"
            raise AssertionError(f"missing or out of order: {item!r} (after {after!r})")


CHI_BO_MEMBERS = [  # name, official, admitted, status, party post: one head, one probationary, one new, one exempted
    ("Nguyễn Văn An", True, date(2010, 1, 1), "active", "Bí thư chi bộ"),
    ("Trần Thị Bình", True, date(2012, 5, 1), "active", ""),
    ("Lê Văn Cường", True, date(2015, 3, 2), "active", ""),
    ("Phạm Thị Dung", False, date(2026, 2, 1), "active", ""),
    ("Hoàng Văn Em", False, date(2026, 9, 1), "active", ""),
    ("Đỗ Thị Gấm", True, date(1980, 1, 1), "exempted", ""),
]


@pytest.fixture()
def chi_bo(app):
    """A fresh chi bộ of six members under the demo đảng bộ cơ sở, per test; returns its id."""
    from sqlalchemy import func, select

    from service.models import Member, Unit

    with app.extensions["db"].session() as s:
        parent = s.scalar(select(Unit).where(Unit.kind == "dang_bo_co_so"))
        unit = Unit(name=f"Chi bộ Thử nghiệm {s.scalar(select(func.count()).select_from(Unit))}", kind="chi_bo",
                    parent=parent, place="Hà Nội")
        s.add(unit)
        s.flush()
        for name, official, admitted, status, post in CHI_BO_MEMBERS:
            s.add(Member(unit=unit, full_name=name, official=official, admitted_on=admitted, status=status,
                         party_post=post, birth_date=date(1985, 1, 1), work_unit="Phường Ba Đình"))
        s.flush()
        return unit.id


def cycle_context(app, unit_id: int, year: int = 2026) -> tuple:
    """(open session, unit, its cycle of the year, members by name, users by user name) for review-cycle tests."""
    from sqlalchemy import select

    from service import documents
    from service.models import Unit, User

    session = app.extensions["db"].sessions()
    unit = session.get(Unit, unit_id)
    cycle = documents.cycle_for(session, unit, year)
    members = {m.full_name: m for m in unit.members}
    users = {u.username: u for u in session.scalars(select(User))}
    return session, unit, cycle, members, users
