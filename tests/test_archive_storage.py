"""The write-once archive store: a folder on disk and a real S3-compatible server (moto over HTTP), no mocks."""
from __future__ import annotations

import base64
import hashlib
import os
import stat
import threading
from pathlib import Path

import pytest

from service.archive.storage import (
    BlobAltered,
    BlobMissing,
    BlobStore,
    LocalBlobStore,
    S3BlobStore,
    store_from_settings,
)
from service.config import Settings
from service.errors import InvalidInput, ServiceError

BAD_HASHES = ["../etc/passwd", "A" * 64, hashlib.sha256(b"x").hexdigest().upper(), "ab" * 10,
              hashlib.sha256(b"x").hexdigest() + "\n", "../" + "a" * 61, ""]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def tamper(path: Path) -> None:
    """Flip one byte behind the store's back (an administrator's slip, a bad disk, an intruder)."""
    path.chmod(0o644)
    data = bytearray(path.read_bytes())
    data[0] ^= 0xFF
    path.write_bytes(bytes(data))
    path.chmod(0o444)


# ---------------------------------------------------------------- local folder


@pytest.fixture
def local(tmp_path) -> LocalBlobStore:
    return LocalBlobStore(tmp_path / "archive")


def test_local_round_trip_at_content_address_read_only(local):
    data = "Biên bản kiểm điểm đã ký".encode() * 1000
    digest = local.put(data)
    assert digest == sha(data)
    assert isinstance(local, BlobStore)
    assert local.get(digest) == data and local.exists(digest) and local.check(digest) is None
    path = local.root / digest[:2] / digest[2:4] / digest
    assert files_under(local.root) == [path]
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert list((local.root / "tmp").iterdir()) == []
    assert local.describe() == f"thư mục {local.root.resolve()}"


def test_local_same_content_twice_is_one_file(local):
    first = local.put(b"noi dung")
    inode = local.path(first).stat().st_ino
    assert local.put(b"noi dung") == first
    assert files_under(local.root) == [local.path(first)]
    assert local.path(first).stat().st_ino == inode
    assert local.put(b"") == sha(b"") and local.get(sha(b"")) == b""


def test_local_failure_mid_write_leaves_nothing(local, monkeypatch):
    real_fsync, failed = os.fsync, []

    def fsync_fails_once_on_a_file(fd: int) -> None:
        if not failed and stat.S_ISREG(os.fstat(fd).st_mode):
            failed.append(fd)
            raise OSError(5, "Input/output error")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync_fails_once_on_a_file)
    with pytest.raises(OSError):
        local.put(b"nua chung")
    assert failed
    assert files_under(local.root) == []
    assert not local.exists(sha(b"nua chung")) and list(local.hashes()) == []
    with pytest.raises(BlobMissing):
        local.get(sha(b"nua chung"))
    assert local.put(b"nua chung") == sha(b"nua chung")  # the next attempt succeeds
    assert local.get(sha(b"nua chung")) == b"nua chung"
    assert list((local.root / "tmp").iterdir()) == []


def test_local_flipped_byte_is_refused_and_reported(local):
    digest = local.put(b"ban goc da ky")
    tamper(local.path(digest))
    with pytest.raises(BlobAltered) as caught:
        local.get(digest)
    assert isinstance(caught.value, ServiceError) and caught.value.status == 500
    assert "đã bị thay đổi" in caught.value.message and digest[:12] in caught.value.message
    problem = local.check(digest)
    assert problem is not None and problem.startswith("nội dung đã bị thay đổi (băm hiện tại ")
    assert sha(local.path(digest).read_bytes())[:12] in problem
    assert local.put(b"ban goc da ky") == digest  # write-once: not repaired by overwriting either
    assert local.check(digest) == problem


def test_local_deleted_file_is_missing(local):
    digest = local.put(b"se bi xoa")
    local.path(digest).unlink()
    with pytest.raises(BlobMissing) as caught:
        local.get(digest)
    assert caught.value.status == 500
    assert caught.value.message == f"Không tìm thấy tệp lưu trữ {digest[:12]}…"
    assert local.check(digest) == "thiếu tệp" and not local.exists(digest)


@pytest.mark.parametrize("bad", BAD_HASHES)
def test_local_bad_hash_strings_refused(local, bad):
    (local.root / "etc").mkdir(parents=True)
    for call in (local.get, local.exists, local.check, local.path):
        with pytest.raises(InvalidInput):
            call(bad)


def test_local_hashes_lists_what_was_stored(local):
    assert list(local.hashes()) == []  # no folder yet
    stored = {local.put(f"tep {i}".encode()) for i in range(5)}
    (local.root / "ab").mkdir(exist_ok=True)
    (local.root / "ab" / "stray.txt").write_text("not a blob")
    (local.root / "tmp" / "leftover").write_bytes(b"crash")
    assert list(local.hashes()) == sorted(stored)


def test_local_concurrent_puts_of_same_content(local):
    data, start, results, errors = os.urandom(256 * 1024), threading.Barrier(8), [], []

    def put() -> None:
        start.wait()
        try:
            results.append(local.put(data))
        except Exception as err:  # noqa: BLE001 - collected and asserted below
            errors.append(err)

    threads = [threading.Thread(target=put) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and results == [sha(data)] * 8
    assert files_under(local.root) == [local.path(sha(data))]
    assert local.get(sha(data)) == data


# ---------------------------------------------------------------- S3-compatible server


@pytest.fixture
def s3(raw, bucket) -> S3BlobStore:
    return S3BlobStore(bucket, client=raw)


def test_s3_round_trip(s3, raw, bucket):
    data = "Nghị quyết đã ký".encode() * 500
    digest = s3.put(data)
    assert digest == sha(data) and isinstance(s3, BlobStore)
    assert s3.get(digest) == data and s3.exists(digest) and s3.check(digest) is None
    keys = [o["Key"] for o in raw.list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == [f"archive/{digest[:2]}/{digest}"]
    assert s3.describe() == f"S3 bucket {bucket}, tiền tố archive/"
    assert not s3.exists(sha(b"chua luu"))


def test_s3_put_never_overwrites(s3, raw, bucket):
    """With versioning on, a second write of the key would leave a second version: there must be only one."""
    raw.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    digest = s3.put(b"mot lan")
    head = raw.head_object(Bucket=bucket, Key=s3.key(digest))
    assert s3.put(b"mot lan") == digest
    assert s3.conditional_writes  # the server answered 412, it did not refuse the header
    versions = raw.list_object_versions(Bucket=bucket)["Versions"]
    assert len(versions) == 1 and versions[0]["VersionId"] == head["VersionId"]
    again = raw.head_object(Bucket=bucket, Key=s3.key(digest))
    assert (again["ETag"], again["LastModified"]) == (head["ETag"], head["LastModified"])


def test_s3_conditional_write_and_checksum_reach_the_server(s3, raw, bucket):
    """If-None-Match: * is enforced (412), and the SHA-256 checksum header is sent and kept with the object.

    moto 5.2.5 stores x-amz-checksum-sha256 but does not verify it against the body (a TODO in moto); AWS, MinIO
    and Ceph do, and get() re-hashes on every read whatever the server did."""
    from botocore.exceptions import ClientError

    sent = []

    def record(request, **_kwargs):
        sent.append(request.headers)

    raw.meta.events.register("before-send.s3.PutObject", record)
    try:
        digest = s3.put(b"da co")
    finally:
        raw.meta.events.unregister("before-send.s3.PutObject", record)
    expected = base64.b64encode(hashlib.sha256(b"da co").digest()).decode()
    assert len(sent) == 1 and sent[0]["x-amz-checksum-sha256"].decode() == expected
    assert "x-amz-checksum-sha256" in sent[0]["Authorization"].decode()  # signed, so not altered on the way
    with pytest.raises(ClientError) as refused:
        raw.put_object(Bucket=bucket, Key=s3.key(digest), Body=b"khac", IfNoneMatch="*")
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412
    head = raw.head_object(Bucket=bucket, Key=s3.key(digest), ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == expected
    assert s3.get(digest) == b"da co"


def test_s3_falls_back_when_server_refuses_conditional_writes(s3, raw, bucket):
    """An older S3-compatible server answering 501 to If-None-Match: the store looks before it writes."""
    from botocore.awsrequest import AWSResponse

    refused = []

    def old_server(params, **_kwargs):
        if "If-None-Match" in params["headers"]:
            refused.append(params["url_path"])
            response = AWSResponse(params["url"], 501, {}, None)
            return response, {"Error": {"Code": "NotImplemented", "Message": "If-None-Match"},
                              "ResponseMetadata": {"HTTPStatusCode": 501}}
        return None

    raw.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    raw.meta.events.register("before-call.s3.PutObject", old_server)
    try:
        digest = s3.put(b"may chu cu")
        assert s3.put(b"may chu cu") == digest and len(refused) == 1 and not s3.conditional_writes
    finally:
        raw.meta.events.unregister("before-call.s3.PutObject", old_server)
    assert s3.get(digest) == b"may chu cu"
    assert len(raw.list_object_versions(Bucket=bucket)["Versions"]) == 1


def test_s3_hashes_paginates(raw, bucket):
    store = S3BlobStore(bucket, prefix="/kho/", client=raw, page_size=2)
    stored = {store.put(f"tep {i}".encode()) for i in range(5)}
    raw.put_object(Bucket=bucket, Key="kho/ab/stray.txt", Body=b"x")
    raw.put_object(Bucket=bucket, Key="khac/" + sha(b"x")[:2] + "/" + sha(b"x"), Body=b"x")
    calls = []

    def count(**_kwargs):
        calls.append(1)

    raw.meta.events.register("after-call.s3.ListObjectsV2", count)
    try:
        assert list(store.hashes()) == sorted(stored)
    finally:
        raw.meta.events.unregister("after-call.s3.ListObjectsV2", count)
    assert len(calls) >= 3
    assert store.prefix == "kho/" and store.describe() == f"S3 bucket {bucket}, tiền tố kho/"


def test_s3_tampered_object_is_refused_and_reported(s3, raw, bucket):
    digest = s3.put(b"ban goc")
    raw.put_object(Bucket=bucket, Key=s3.key(digest), Body=b"ban gia")
    with pytest.raises(BlobAltered) as caught:
        s3.get(digest)
    assert "đã bị thay đổi" in caught.value.message
    assert s3.check(digest) == f"nội dung đã bị thay đổi (băm hiện tại {sha(b'ban gia')[:12]}…)"


def test_s3_deleted_object_is_missing(s3, raw, bucket):
    digest = s3.put(b"se bi xoa")
    raw.delete_object(Bucket=bucket, Key=s3.key(digest))
    with pytest.raises(BlobMissing):
        s3.get(digest)
    assert s3.check(digest) == "thiếu tệp" and not s3.exists(digest)


@pytest.mark.parametrize("bad", BAD_HASHES[:3])
def test_s3_bad_hash_strings_refused(s3, bad):
    for call in (s3.get, s3.exists, s3.check, s3.key):
        with pytest.raises(InvalidInput):
            call(bad)


# ---------------------------------------------------------------- settings


def settings(tmp_path: Path, **archive) -> Settings:
    return Settings(data_dir=tmp_path, database_url="sqlite://", secret_key="x", **archive)


def test_store_from_settings_builds_s3_store(tmp_path, s3_endpoint, raw, bucket):
    store = store_from_settings(settings(tmp_path, archive_store="s3", archive_s3_bucket=bucket,
                                         archive_s3_prefix="kiem-diem", archive_s3_endpoint=s3_endpoint))
    assert isinstance(store, S3BlobStore) and store.prefix == "kiem-diem/"
    digest = store.put(b"qua cau hinh")
    assert raw.get_object(Bucket=bucket, Key=f"kiem-diem/{digest[:2]}/{digest}")["Body"].read() == b"qua cau hinh"
    assert store.get(digest) == b"qua cau hinh"


def test_store_from_settings_local_default_and_mistakes(tmp_path):
    store = store_from_settings(settings(tmp_path))
    assert isinstance(store, LocalBlobStore) and store.root == tmp_path / "archive"
    with pytest.raises(ServiceError, match="ARCHIVE_S3_BUCKET"):
        store_from_settings(settings(tmp_path, archive_store="s3"))
    with pytest.raises(ServiceError, match="ARCHIVE_STORE"):
        store_from_settings(settings(tmp_path, archive_store="ftp"))


def test_archive_settings_from_env(tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "x")
    for name in ("ARCHIVE_STORE", "ARCHIVE_S3_BUCKET", "ARCHIVE_S3_PREFIX", "ARCHIVE_S3_ENDPOINT",
                 "ARCHIVE_TRUST_ROOTS", "ARCHIVE_MAX_FILE_MB", "ARCHIVE_MAX_REQUEST_MB"):
        monkeypatch.delenv(name, raising=False)
    default = Settings.from_env()
    assert (default.archive_store, default.archive_s3_bucket, default.archive_s3_prefix,
            default.archive_s3_endpoint) == ("local", None, "archive/", None)
    assert default.archive_trust_roots == tmp_path.resolve() / "trust-roots"
    assert (default.archive_max_file_mb, default.archive_max_request_mb) == (50, 200)
    assert settings(tmp_path).archive_trust_roots == tmp_path / "trust-roots"
    for name, value in {"ARCHIVE_STORE": " S3 ", "ARCHIVE_S3_BUCKET": "kho", "ARCHIVE_S3_PREFIX": "p/",
                        "ARCHIVE_S3_ENDPOINT": "http://minio:9000", "ARCHIVE_TRUST_ROOTS": str(tmp_path / "goc"),
                        "ARCHIVE_MAX_FILE_MB": "20", "ARCHIVE_MAX_REQUEST_MB": "80"}.items():
        monkeypatch.setenv(name, value)
    configured = Settings.from_env()
    assert (configured.archive_store, configured.archive_s3_bucket, configured.archive_s3_prefix,
            configured.archive_s3_endpoint) == ("s3", "kho", "p/", "http://minio:9000")
    assert configured.archive_trust_roots == (tmp_path / "goc").resolve()
    assert (configured.archive_max_file_mb, configured.archive_max_request_mb) == (20, 80)
