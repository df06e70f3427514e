"""`flask backup`: write the tar file that lets the whole service (rows, archived files, secret key) be rebuilt."""
from __future__ import annotations

import io
import json
import os
import secrets
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..db import Database
from ..errors import ServiceError
from ..files import fsync_dir
from .backup_format import (
    _BATCH,
    BLOB_COLUMNS,
    FORMAT,
    KIND,
    MANIFEST,
    AUDIT_KEY,
    CHECKPOINTS,
    SECRET_KEY,
    BackupError,
    BackupSummary,
    _dump,
    _reflect,
    _revision,
)

if TYPE_CHECKING:
    from .storage import BlobStore

_SPOOL = 16 << 20


def write_backup(database: Database, store: BlobStore, data_dir: Path | str, path: Path | str) -> BackupSummary:
    """Write the backup to `path` (never over an existing file): the tables read in one snapshot, then the files
    they name, each checked against its hash; on any problem no file is left behind."""
    path = Path(path)
    if path.exists() or path.is_symlink():
        raise BackupError(f"Tệp {path} đã có; sao lưu không ghi đè tệp cũ. Hãy chọn tên khác.")
    if not path.parent.is_dir():
        raise BackupError(f"Không có thư mục {path.parent} để ghi tệp sao lưu.")
    summary = BackupSummary(path=path, revision=None, dialect=database.engine.dialect.name)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # it holds the secret key and personal data
    try:
        with os.fdopen(fd, "wb") as fh:
            with tarfile.open(fileobj=fh, mode="w", format=tarfile.PAX_FORMAT) as tar:
                tables, blobs = _write_tables(database, tar, summary, spool_dir=path.parent)
                sizes = _write_blobs(store, tar, sorted(blobs))
                summary.files, summary.bytes = len(sizes), sum(sizes.values())
                key = Path(data_dir) / SECRET_KEY
                if key.is_file():
                    _add(tar, SECRET_KEY, key.read_bytes(), mode=0o600)
                    summary.secret_key = True
                audit_key = Path(data_dir) / AUDIT_KEY
                if audit_key.is_file():
                    _add(tar, AUDIT_KEY, audit_key.read_bytes(), mode=0o600)
                    summary.audit_key = True
                checkpoints = []
                for name, data in store.checkpoints():
                    _add(tar, CHECKPOINTS + name, data)
                    checkpoints.append(name)
                summary.checkpoints = len(checkpoints)
                manifest = {
                    "format": FORMAT, "kind": KIND,
                    "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "alembic_revision": summary.revision, "dialect": summary.dialect,
                    "tables": tables,
                    "blobs": [{"sha256": sha256, "size": size} for sha256, size in sizes.items()],
                    "secret_key": summary.secret_key,
                    "audit_key": summary.audit_key,
                    "checkpoints": checkpoints,
                }
                _add(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        _publish(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    summary.size = path.stat().st_size
    return summary


def _write_tables(database: Database, tar: tarfile.TarFile, summary: BackupSummary, *,
                  spool_dir: Path) -> tuple[list[dict], set[str]]:
    """Every table as JSON lines, all read inside one snapshot; returns the manifest entries and the blobs named."""
    entries: list[dict] = []
    blobs: set[str] = set()
    with _snapshot(database) as conn:
        summary.revision = _revision(conn)
        for table in _reflect(conn):
            refs = [c for c in BLOB_COLUMNS.get(table.name, ()) if c in table.c]
            count = 0
            with tempfile.SpooledTemporaryFile(_SPOOL, dir=spool_dir) as spool:
                order = list(table.primary_key.columns) or list(table.columns)
                result = conn.execute(sa.select(table).order_by(*order), execution_options={"yield_per": _BATCH})
                for row in result:
                    values = row._mapping
                    record = {c.name: _dump(c.type, values[c.name]) for c in table.columns}
                    spool.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
                    spool.write(b"\n")
                    blobs.update(values[c] for c in refs if values[c])
                    count += 1
                size = spool.tell()
                spool.seek(0)
                _add_file(tar, f"db/{table.name}.jsonl", spool, size)
            summary.row_counts[table.name] = count
            entries.append({"name": table.name, "rows": count, "columns": [c.name for c in table.columns]})
    return entries, blobs


def _write_blobs(store: BlobStore, tar: tarfile.TarFile, hashes: Iterable[str]) -> dict[str, int]:
    """Each named file read back from the store (which checks its hash) and added; one in memory at a time."""
    sizes: dict[str, int] = {}
    for sha256 in hashes:
        try:
            data = store.get(sha256)
        except ServiceError as exc:
            raise BackupError(f"Không sao lưu được tệp lưu trữ {sha256} (bảng archive_files trỏ tới nó): "
                              f"{exc.message} Không có tệp sao lưu nào được tạo; hãy kiểm tra kho "
                              f"{store.describe()}.", detail=sha256) from exc
        _add(tar, f"blobs/{sha256}", data)
        sizes[sha256] = len(data)
    return sizes


@contextmanager
def _snapshot(database: Database) -> Iterator[Connection]:
    """A connection whose reads all see one moment: REPEATABLE READ, read-only on PostgreSQL; one explicit read
    transaction on SQLite (the driver would otherwise run each SELECT on its own)."""
    engine = database.engine
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        elif engine.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN")
        try:
            yield conn
        finally:
            conn.rollback()


def _publish(tmp: Path, path: Path) -> None:
    """Give the finished file its name without ever replacing a file that appeared there meanwhile."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise BackupError(f"Tệp {path} vừa được tạo bởi việc khác; sao lưu không ghi đè tệp cũ.") from None
    except OSError:  # a file system without hard links
        if path.exists():
            raise BackupError(f"Tệp {path} đã có; sao lưu không ghi đè tệp cũ.") from None
        os.rename(tmp, path)
    else:
        tmp.unlink()
    fsync_dir(path.parent)


def _add(tar: tarfile.TarFile, name: str, data: bytes, *, mode: int = 0o644) -> None:
    _add_file(tar, name, io.BytesIO(data), len(data), mode=mode)


def _add_file(tar: tarfile.TarFile, name: str, fh: IO[bytes], size: int, *, mode: int = 0o644) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, mode, int(datetime.now(UTC).timestamp())
    tar.addfile(info, fh)
