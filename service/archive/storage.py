"""Write-once, content-addressed storage of archived files: a stored file is named by its SHA-256, is never
overwritten or deleted through the application, and is checked against its name every time it is read."""
from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ..errors import InvalidInput, ServiceError
from ..files import fsync_dir

if TYPE_CHECKING:
    from ..config import Settings

_HASH = re.compile(r"[0-9a-f]{64}")
_CHECKPOINT = re.compile(r"[0-9]{12}\.json")
_CHUNK = 1 << 20


def _checkpoint_name(name: str) -> str:
    """A checkpoint's name if it is one (12 digits + .json): anything else could be a path trick."""
    if not _CHECKPOINT.fullmatch(name):
        raise ValueError(f"not a checkpoint name: {name!r}")
    return name


def _short(sha256: str) -> str:
    """Enough of a hash to find the file in a log without flooding the message."""
    return sha256[:12]


def _valid(sha256: str) -> str:
    """The hash itself if it is 64 lowercase hex digits: anything else could be a path trick, so it is refused."""
    if not isinstance(sha256, str) or not _HASH.fullmatch(sha256):
        raise InvalidInput("Mã băm tệp lưu trữ không hợp lệ (cần 64 chữ số thập lục phân viết thường).")
    return sha256


class BlobMissing(ServiceError):
    """A file the records point to is gone from the archive: an integrity problem, not a user's mistake."""

    status = 500
    code = "thieu_tep_luu_tru"

    def __init__(self, sha256: str) -> None:
        super().__init__(f"Không tìm thấy tệp lưu trữ {_short(sha256)}…", detail=sha256)
        self.sha256 = sha256


class BlobAltered(ServiceError):
    """The stored bytes no longer hash to their name: the archive must never hand out changed content."""

    status = 500
    code = "tep_luu_tru_bi_thay_doi"

    def __init__(self, sha256: str, actual: str) -> None:
        super().__init__(f"Tệp lưu trữ {_short(sha256)}… đã bị thay đổi (băm hiện tại {_short(actual)}…).",
                         detail=f"expected {sha256}, found {actual}")
        self.sha256, self.actual = sha256, actual


def _problem_altered(actual: str) -> str:
    """The one wording check() uses for changed content, shared by both stores."""
    return f"nội dung đã bị thay đổi (băm hiện tại {_short(actual)}…)"


MISSING = "thiếu tệp"


@runtime_checkable
class BlobStore(Protocol):
    """What the archive needs from a place to keep files, so a single machine and a cluster look alike."""

    def put(self, data: bytes) -> str:
        """Keep the bytes once and return their SHA-256 hex; storing the same bytes again changes nothing."""
        ...

    def get(self, sha256: str) -> bytes:
        """The stored bytes, verified against the hash; BlobMissing or BlobAltered otherwise."""
        ...

    def exists(self, sha256: str) -> bool:
        """Whether a file is stored under this hash (without reading or verifying it)."""
        ...

    def hashes(self) -> Iterator[str]:
        """Every stored hash, for verification and backup."""
        ...

    def check(self, sha256: str) -> str | None:
        """None when the stored bytes still hash to sha256, else a Vietnamese description of the problem."""
        ...

    def describe(self) -> str:
        """Where the files are, in words an administrator reads in a report."""
        ...

    def put_checkpoint(self, name: str, data: bytes) -> None:
        """Keep an audit checkpoint under its name, write-once (an existing one is never replaced)."""
        ...

    def checkpoints(self) -> Iterator[tuple[str, bytes]]:
        """Every audit checkpoint (name, bytes), in name order."""
        ...


class LocalBlobStore:
    """Files in a folder of the data directory, for a single machine."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.tmp = self.root / "tmp"

    def path(self, sha256: str) -> Path:
        """root/ab/cd/abcd…: two levels keep any one folder small."""
        sha256 = _valid(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        """Write to a private temporary file, fsync, then hard-link into place: a file that exists is never replaced."""
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path(sha256)
        if target.exists():
            return sha256
        _makedirs_durable(self.root, self.tmp)
        tmp = self.tmp / secrets.token_hex(16)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
                os.fsync(fd)
                # Read-only before it becomes visible: the linked name shares this inode.
                os.fchmod(fd, 0o444)
            finally:
                os.close(fd)
            _makedirs_durable(self.root, target.parent)
            try:
                os.link(tmp, target)  # unlike rename, link never replaces an existing target
            except FileExistsError:
                pass  # a concurrent put of the same bytes won; its file has the same content
            fsync_dir(target.parent)
        finally:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        return sha256

    def get(self, sha256: str) -> bytes:
        """The stored bytes, refused if they no longer match their hash."""
        try:
            data = self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise BlobMissing(sha256) from None
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha256:
            raise BlobAltered(sha256, actual)
        return data

    def exists(self, sha256: str) -> bool:
        """Whether the content-addressed file is there."""
        return self.path(sha256).is_file()

    def hashes(self) -> Iterator[str]:
        """Every file in its right place, in hash order; temporary files and strays are skipped."""
        if not self.root.is_dir():
            return
        for first in sorted(self.root.iterdir()):
            if not (len(first.name) == 2 and first.is_dir()):
                continue
            for second in sorted(first.iterdir()):
                if not (len(second.name) == 2 and second.is_dir()):
                    continue
                for entry in sorted(second.iterdir()):
                    name = entry.name
                    if _HASH.fullmatch(name) and name[:2] == first.name and name[2:4] == second.name \
                            and entry.is_file():
                        yield name

    def check(self, sha256: str) -> str | None:
        """Re-hash the stored file in chunks, so checking the archive needs little memory."""
        digest = hashlib.sha256()
        try:
            with open(self.path(sha256), "rb") as fh:
                while chunk := fh.read(_CHUNK):
                    digest.update(chunk)
        except FileNotFoundError:
            return MISSING
        actual = digest.hexdigest()
        return None if actual == sha256 else _problem_altered(actual)

    def describe(self) -> str:
        """The folder, as an administrator would look for it."""
        return f"thư mục {self.root.resolve()}"

    def put_checkpoint(self, name: str, data: bytes) -> None:
        """root/checkpoints/<name>, created exclusively and made read-only: never replaced."""
        folder = self.root / "checkpoints"
        _makedirs_durable(self.root, folder)
        target = folder / _checkpoint_name(name)
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
        except FileExistsError:
            return
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        fsync_dir(folder)

    def checkpoints(self) -> Iterator[tuple[str, bytes]]:
        folder = self.root / "checkpoints"
        if not folder.is_dir():
            return
        for path in sorted(folder.iterdir()):
            if _CHECKPOINT.fullmatch(path.name) and path.is_file():
                yield path.name, path.read_bytes()


def _makedirs_durable(root: Path, folder: Path) -> None:
    """Create folder (under root) and fsync the parent of every directory created, so the path survives a crash."""
    missing = []
    current = folder
    while not current.is_dir():
        missing.append(current)
        if current == root or current.parent == current:
            break
        current = current.parent
    for path in reversed(missing):
        try:
            path.mkdir()
        except FileExistsError:
            continue
        fsync_dir(path.parent)


class S3BlobStore:
    """Objects in an S3-compatible bucket (AWS, MinIO, Ceph…), for deployments of several machines."""

    def __init__(self, bucket: str, prefix: str = "archive/", client: Any = None, *, page_size: int = 1000,
                 **client_kwargs: Any) -> None:
        if client is None:
            import boto3

            client = boto3.client("s3", **client_kwargs)
        self.client, self.bucket, self.page_size = client, bucket, page_size
        prefix = prefix.strip("/")
        self.prefix = f"{prefix}/" if prefix else ""
        self.conditional_writes = True  # turned off once if the server refuses If-None-Match

    def key(self, sha256: str) -> str:
        """prefix/ab/abcd…: the short level spreads keys for listing tools that browse by folder."""
        sha256 = _valid(sha256)
        return f"{self.prefix}{sha256[:2]}/{sha256}"

    def put(self, data: bytes) -> str:
        """Upload once with the server verifying the SHA-256; an object already under the key is never overwritten."""
        from botocore.exceptions import ClientError

        digest = hashlib.sha256(data)
        sha256 = digest.hexdigest()
        request = {"Bucket": self.bucket, "Key": self.key(sha256), "Body": data,
                   # The server recomputes the SHA-256 and refuses a body damaged on the way (AWS, MinIO, Ceph);
                   # naming the algorithm also makes it keep the checksum, for HEAD …ChecksumMode=ENABLED later.
                   "ChecksumAlgorithm": "SHA256",
                   "ChecksumSHA256": base64.b64encode(digest.digest()).decode("ascii"),
                   "ContentType": "application/octet-stream"}
        if self.conditional_writes:
            try:
                self.client.put_object(IfNoneMatch="*", **request)
                return sha256
            except ClientError as err:
                code, status = _error(err)
                if status == 412 or code == "PreconditionFailed":
                    return sha256  # already there: write-once means we leave it alone
                if status == 409 or code == "ConditionalRequestConflict":
                    pass  # a concurrent conditional write of the same key: fall through to look before writing
                elif status == 501 or code == "NotImplemented":
                    self.conditional_writes = False  # an older server: use the fallback below from now on
                else:
                    raise
        # Fallback for servers without conditional writes (or a concurrent writer): look, then write. Between the
        # two another machine may write the same key, but a key is the hash of its bytes, so both write the same.
        # A server that silently ignores If-None-Match cannot be detected here; protect such a bucket with
        # versioning or Object Lock, and check() still catches any change.
        if self.exists(sha256):
            return sha256
        self.client.put_object(**request)
        return sha256

    def get(self, sha256: str) -> bytes:
        """The object's bytes, refused if they no longer match their hash."""
        body = self._body(sha256)
        if body is None:
            raise BlobMissing(sha256)
        data = body.read()
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha256:
            raise BlobAltered(sha256, actual)
        return data

    def exists(self, sha256: str) -> bool:
        """A HEAD request: no bytes are transferred."""
        from botocore.exceptions import ClientError

        key = self.key(sha256)
        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as err:
            code, status = _error(err)
            if status == 404 or code in ("NoSuchKey", "NotFound", "404"):
                return False
            raise
        return True

    def hashes(self) -> Iterator[str]:
        """Every object in its right place under the prefix, page by page."""
        paginator = self.client.get_paginator("list_objects_v2")
        pages = paginator.paginate(Bucket=self.bucket, Prefix=self.prefix,
                                   PaginationConfig={"PageSize": self.page_size})
        for page in pages:
            for item in page.get("Contents", []):
                rest = item["Key"][len(self.prefix):]
                head, _, name = rest.partition("/")
                if _HASH.fullmatch(name) and head == name[:2]:
                    yield name

    def check(self, sha256: str) -> str | None:
        """Re-hash the object as it streams, so checking the archive needs little memory."""
        body = self._body(sha256)
        if body is None:
            return MISSING
        digest = hashlib.sha256()
        for chunk in body.iter_chunks(_CHUNK):
            digest.update(chunk)
        actual = digest.hexdigest()
        return None if actual == sha256 else _problem_altered(actual)

    def describe(self) -> str:
        """The bucket and prefix, as an administrator would look for them."""
        return f"S3 bucket {self.bucket}, tiền tố {self.prefix or '(không có)'}"

    def put_checkpoint(self, name: str, data: bytes) -> None:
        """prefix/checkpoints/<name>, written only if absent (protect the bucket with Object Lock as for files)."""
        from botocore.exceptions import ClientError

        key = f"{self.prefix}checkpoints/{_checkpoint_name(name)}"
        try:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=data, IfNoneMatch="*",
                                   ContentType="application/json")
        except ClientError as err:
            code, status = _error(err)
            if status == 412 or code == "PreconditionFailed":
                return
            if status == 501 or code == "NotImplemented":
                self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType="application/json")
                return
            raise

    def checkpoints(self) -> Iterator[tuple[str, bytes]]:
        paginator = self.client.get_paginator("list_objects_v2")
        prefix = f"{self.prefix}checkpoints/"
        names = sorted(item["Key"][len(prefix):] for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix)
                       for item in page.get("Contents", []))
        for name in names:
            if _CHECKPOINT.fullmatch(name):
                yield name, self.client.get_object(Bucket=self.bucket, Key=prefix + name)["Body"].read()

    def _body(self, sha256: str) -> Any:
        """The object's streaming body, or None when there is no such object."""
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.key(sha256))["Body"]
        except ClientError as err:
            code, status = _error(err)
            if status == 404 or code in ("NoSuchKey", "NotFound", "404"):
                return None
            raise


def _error(err: Any) -> tuple[str, int]:
    """The S3 error code and HTTP status of a botocore ClientError."""
    response = getattr(err, "response", {}) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    status = int(response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
    return code, status


class ArchiveMisconfigured(ServiceError):
    """The ARCHIVE_* settings cannot describe a store: the service cannot keep files until an administrator fixes them."""

    status = 500
    code = "cau_hinh_luu_tru_sai"


def store_from_settings(settings: Settings) -> BlobStore:
    """The store the settings ask for: a folder of the data directory by default, an S3 bucket when configured."""
    kind = (settings.archive_store or "local").strip().lower()
    if kind == "local":
        return LocalBlobStore(Path(settings.data_dir) / "archive")
    if kind == "s3":
        if not settings.archive_s3_bucket:
            raise ArchiveMisconfigured("ARCHIVE_STORE=s3 cần ARCHIVE_S3_BUCKET (tên bucket lưu trữ).")
        kwargs: dict[str, Any] = {}
        if settings.archive_s3_endpoint:
            kwargs["endpoint_url"] = settings.archive_s3_endpoint
        return S3BlobStore(settings.archive_s3_bucket, settings.archive_s3_prefix, **kwargs)
    raise ArchiveMisconfigured(f"ARCHIVE_STORE không hợp lệ: {settings.archive_store!r} (chỉ nhận local hoặc s3).")
