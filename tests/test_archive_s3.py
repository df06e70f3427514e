"""A deployment configured for an S3-compatible bucket: uploads land there, come back unchanged, verify and backup
read them from there."""
from __future__ import annotations

import io
import tarfile

from PIL import Image
from sqlalchemy import select

from service.archive.storage import S3BlobStore
from service.models import Unit
from tests.conftest import bearer, wait_for_upload
from tests.test_archive import multipart


def test_an_app_configured_for_s3_stores_verifies_and_backs_up_from_the_bucket(fresh_app, tmp_path, monkeypatch,
                                                                               s3_endpoint, bucket):
    monkeypatch.setenv("ARCHIVE_STORE", "s3")
    monkeypatch.setenv("ARCHIVE_S3_BUCKET", bucket)
    monkeypatch.setenv("ARCHIVE_S3_ENDPOINT", s3_endpoint)
    monkeypatch.setenv("ARCHIVE_S3_PREFIX", "luu-tru/")
    app = fresh_app(tmp_path / "data")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    headers = bearer(runner.invoke(args=["tokens", "create", "admin"]).output.strip().splitlines()[-1])
    with app.extensions["db"].session() as s:
        unit_id = s.scalar(select(Unit.id).where(Unit.kind == "chi_bo"))
    page = io.BytesIO()
    Image.new("L", (600, 840), 235).save(page, "JPEG")
    client = app.test_client()
    resp = client.post("/api/v1/archive/uploads", headers=headers,
                       **multipart([("ban-quet.jpg", page.getvalue())], unit_id=str(unit_id)))
    report = wait_for_upload(client, headers, resp)["report"]
    sha = report["files"][0]["sha256"]

    store = S3BlobStore(bucket, prefix="luu-tru/", endpoint_url=s3_endpoint)
    assert store.get(sha) == page.getvalue()
    assert not (app.config["SETTINGS"].data_dir / "archive").exists()  # nothing went to the local folder
    with client.get(f"/api/v1/archive/uploads/{report['upload_id']}/file/1", headers=headers) as resp:
        assert resp.data == page.getvalue()

    verified = runner.invoke(args=["archive", "verify"])
    assert verified.exit_code == 0 and "S3 bucket" in verified.output, verified.output
    result = runner.invoke(args=["backup", str(tmp_path / "sao-luu.tar")])
    assert result.exit_code == 0, result.output
    with tarfile.open(tmp_path / "sao-luu.tar") as tar:
        assert tar.extractfile(f"blobs/{sha}").read() == page.getvalue()
