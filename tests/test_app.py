"""Configuration, health, command line, and recovery when LibreOffice dies under the service."""
from __future__ import annotations

import os
import signal

from service.config import Settings
from service.samples import member_review_366


def test_secret_key_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    first, second = Settings.from_env(), Settings.from_env()
    assert len(first.secret_key) == 64 and first.secret_key == second.secret_key
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"
    assert first.database_url == f"sqlite:///{tmp_path / 'kiemdiem.sqlite3'}"
    monkeypatch.setenv("SECRET_KEY", "from-env")
    assert Settings.from_env().secret_key == "from-env"


def test_healthz_ready(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json()["checks"] == {"database": "ok", "converter": "ok"}


def test_cli_creates_users_and_tokens(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "bithu.moi", "--role", "secretary", "--unit", "3",
                                 "--password", "mat-khau-dai"])
    assert result.exit_code == 0, result.output
    bad = runner.invoke(args=["users", "create", "khong.don.vi", "--role", "secretary", "--password", "mat-khau-dai"])
    assert bad.exit_code != 0 and "phải gắn với một tổ chức đảng" in bad.output
    token = runner.invoke(args=["tokens", "create", "bithu.moi"]).output.strip().splitlines()[-1]
    units = client.get("/api/v1/units", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert [u["id"] for u in units] == [3]


def test_demo_is_idempotent(app):
    from sqlalchemy import func, select

    from service.models import Member

    def members() -> int:
        with app.extensions["db"].session() as session:
            return session.scalar(select(func.count()).select_from(Member))

    runner = app.test_cli_runner()
    before = members()  # the session's app already holds the demo (and whatever other tests generated)
    first, second = runner.invoke(args=["demo"]), runner.invoke(args=["demo"])
    assert first.exit_code == second.exit_code == 0
    assert first.output == second.output and "admin" in first.output
    assert members() == before


def test_pdf_still_produced_after_libreoffice_is_killed(client, token_for, converter):
    headers = {"Authorization": f"Bearer {token_for('tuyet')}"}
    url = "/api/v1/kinds/member-review-366/render?format=pdf"
    assert client.post(url, json=member_review_366(), headers=headers).status_code == 200
    pids = [i["soffice_pid"] for i in converter.stats["instances"] if i["soffice_pid"]]
    assert pids
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    resp = client.post(url, json=member_review_366(), headers=headers)
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF-")


def test_demo_on_a_fresh_machine_seeds_the_school_dang_bo(fresh_app, tmp_path):
    from sqlalchemy import func, select

    from service.models import Member

    app = fresh_app(tmp_path / "data")
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    with app.extensions["db"].session() as session:
        assert session.scalar(select(func.count()).select_from(Member)) == 20
