"""The backup tar format, shared by writing (backup.py) and restoring (restore.py) so the two cannot drift apart.

Layout of the tar file (plain, uncompressed: the archived scans are compressed already):

    db/<table>.jsonl   one JSON object per row, for every table (alembic_version aside), parents before children;
                       dates and times as ISO 8601 text (aware times in UTC), JSON columns as they are
    blobs/<sha256>     every file named by archive_files.sha256 or .pdf_sha256, its bytes as stored
    secret_key         the data folder's secret_key, when there is one
    audit_key          the data folder's audit_key (authenticates the audit chain), when there is one
    checkpoints/<name> every audit checkpoint of the write-once store (the chain's head at moments, authenticated)
    manifest.json      written last: format, creation time, Alembic revision, source dialect, per-table columns and
                       row counts, every blob's hash and size

The tables are read from the database itself (not from the models), so a database that `flask migrate` has not yet
brought to this code's schema can still be backed up, and its backup restored: the restore brings an empty database
to the backup's revision, loads the rows there, then migrates them to head like any other data, all in one
transaction.
"""
from __future__ import annotations

import base64
import json
import re
import tarfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..errors import ServiceError

FORMAT = 1
KIND = "kiemdiem-backup"
MANIFEST = "manifest.json"
SECRET_KEY = "secret_key"
AUDIT_KEY = "audit_key"
CHECKPOINTS = "checkpoints/"
_CHECKPOINT_NAME = re.compile(r"[0-9]{12}\.json")
VERSION_TABLE = "alembic_version"
# Columns naming files in the blob store: a table added later that keeps files must be listed here.
BLOB_COLUMNS = {"archive_files": ("sha256", "pdf_sha256")}
_HASH = re.compile(r"[0-9a-f]{64}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BATCH = 1000


class BackupError(ServiceError):
    """A backup cannot be written or restored; the message says what to do, and nothing was left half done."""

    status = 500
    code = "sao_luu_loi"


@dataclass
class BackupSummary:
    """What a backup holds (or a restore brought back)."""

    path: Path
    revision: str | None
    dialect: str
    row_counts: dict[str, int] = field(default_factory=dict)
    files: int = 0  # archived files (blobs)
    bytes: int = 0  # their total size
    secret_key: bool = False
    audit_key: bool = False
    checkpoints: int = 0
    size: int = 0  # of the tar file

    @property
    def tables(self) -> int:
        return len(self.row_counts)

    @property
    def rows(self) -> int:
        return sum(self.row_counts.values())

    def text(self) -> str:
        """One line an administrator reads: tables, rows, files and bytes."""
        key = (", khóa bí mật" if self.secret_key else "") + (", khóa nhật ký" if self.audit_key else "")
        if self.checkpoints:
            key += f", {self.checkpoints} điểm kiểm tra nhật ký"
        return (f"{self.tables} bảng, {_count(self.rows)} dòng, {_count(self.files)} tệp lưu trữ "
                f"({_size(self.bytes)}){key}; phiên bản lược đồ {self.revision or '(chưa có)'}")


def _manifest(tar: tarfile.TarFile, members: dict[str, tarfile.TarInfo], path: Path) -> dict:
    """The manifest, checked for shape, with every file it lists present in the tar."""
    def bad(why: str) -> BackupError:
        return BackupError(f"{path} không phải tệp sao lưu hợp lệ: {why}.")

    if MANIFEST not in members:
        raise bad(f"thiếu {MANIFEST} (tệp chưa ghi xong hoặc không do `flask backup` tạo)")
    try:
        manifest = json.loads(_read(tar, members[MANIFEST]))
    except ValueError as exc:
        raise bad(f"{MANIFEST} không đọc được ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("kind") != KIND:
        raise bad(f"{MANIFEST} không phải của bản sao lưu kiểm điểm")
    fmt = manifest.get("format")
    if fmt != FORMAT:
        raise bad(f"định dạng {fmt!r}, phiên bản này chỉ đọc định dạng {FORMAT}")
    revision = manifest.get("alembic_revision")
    tables, blobs = manifest.get("tables"), manifest.get("blobs")
    if not (revision is None or isinstance(revision, str)) or not isinstance(tables, list) \
            or not isinstance(blobs, list):
        raise bad(f"{MANIFEST} thiếu phiên bản lược đồ, danh sách bảng hoặc danh sách tệp")
    for table in tables:
        if not (isinstance(table, dict) and isinstance(table.get("name"), str) and _NAME.fullmatch(table["name"])
                and isinstance(table.get("rows"), int) and isinstance(table.get("columns"), list)
                and all(isinstance(c, str) for c in table["columns"])):
            raise bad(f"mục bảng không hợp lệ trong {MANIFEST}: {table!r}")
    for blob in blobs:
        if not (isinstance(blob, dict) and isinstance(blob.get("sha256"), str) and _HASH.fullmatch(blob["sha256"])
                and isinstance(blob.get("size"), int)):
            raise bad(f"mục tệp không hợp lệ trong {MANIFEST}: {blob!r}")
    if tables and revision is None:
        raise bad("có dữ liệu nhưng không ghi phiên bản lược đồ")
    needed = [f"db/{t['name']}.jsonl" for t in tables] + [f"blobs/{b['sha256']}" for b in blobs]
    if manifest.get("secret_key"):
        needed.append(SECRET_KEY)
    if manifest.get("audit_key"):
        needed.append(AUDIT_KEY)
    checkpoints = manifest.setdefault("checkpoints", [])
    if not (isinstance(checkpoints, list) and all(isinstance(c, str) and _CHECKPOINT_NAME.fullmatch(c)
                                                  for c in checkpoints)):
        raise bad(f"danh sách điểm kiểm tra không hợp lệ trong {MANIFEST}")
    needed += [CHECKPOINTS + c for c in checkpoints]
    missing = [name for name in needed if name not in members or not members[name].isfile()]
    if missing:
        raise bad(f"thiếu {', '.join(missing[:5])}{' …' if len(missing) > 5 else ''}")
    return manifest


def _read(tar: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    fh = tar.extractfile(member)
    assert fh is not None
    try:
        return fh.read()
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"Không đọc được {member.name} trong tệp sao lưu ({exc}).") from exc


def _reflect(conn: Connection) -> list[sa.Table]:
    """The database's own tables, parents before children (Alembic's bookkeeping table aside)."""
    metadata = sa.MetaData()
    metadata.reflect(bind=conn)
    return [t for t in metadata.sorted_tables if t.name != VERSION_TABLE]


def _revision(conn: Connection) -> str | None:
    """The Alembic revision the database is at, None before the first migration."""
    if not sa.inspect(conn).has_table(VERSION_TABLE):
        return None
    versions = conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    if len(versions) > 1:
        raise BackupError(f"Cơ sở dữ liệu ghi nhiều phiên bản lược đồ ({', '.join(versions)}): hãy chạy flask migrate.")
    return versions[0] if versions else None


def _dump(type_: sa.types.TypeEngine, value: Any) -> Any:
    """A column value as JSON: times as ISO text (aware ones in UTC), decimals as text, bytes in base64."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _load(type_: sa.types.TypeEngine, value: Any) -> Any:
    """The inverse of _dump, by the column's type in the target database."""
    if value is None or isinstance(type_, sa.JSON):
        return value
    if isinstance(type_, sa.DateTime):
        value = datetime.fromisoformat(value)
        if getattr(type_, "timezone", False) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)  # SQLite keeps UTC wall time without the zone
        return value
    if isinstance(type_, sa.Date):
        return date.fromisoformat(value)
    if isinstance(type_, sa.Time):
        return time.fromisoformat(value)
    if isinstance(type_, sa.LargeBinary):
        return base64.b64decode(value)
    if isinstance(type_, sa.Numeric) and not isinstance(type_, sa.Float) and getattr(type_, "asdecimal", False):
        return Decimal(value)
    return value


def _row(table: sa.Table, line: bytes, name: str, number: int) -> dict:
    try:
        record = json.loads(line)
        if not isinstance(record, dict) or set(record) != set(table.c.keys()):
            raise ValueError("các cột không khớp")
        return {key: _load(table.c[key].type, value) for key, value in record.items()}
    except (ValueError, TypeError) as exc:
        raise BackupError(f"Dòng {number} của {name} không đọc được ({exc}).") from exc


def _count(n: int) -> str:
    """12345 -> "12.345", as Vietnamese writes thousands."""
    return f"{n:,}".replace(",", ".")


def _size(n: int) -> str:
    """Bytes in the largest unit that keeps the number at least 1, one decimal with a comma."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}".replace(".", ",")
    return f"{n} byte"
