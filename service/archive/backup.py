"""Backup and restore: one tar file holding a consistent copy of every table, every archived file the tables name,
and the data folder's secret key; restored only into an empty database, blob store and data folder.

Layout of the tar file (plain, uncompressed: the archived scans are compressed already):

    db/<table>.jsonl   one JSON object per row, for every table (alembic_version aside), parents before children;
                       dates and times as ISO 8601 text (aware times in UTC), JSON columns as they are
    blobs/<sha256>     every file named by archive_files.sha256 or .pdf_sha256, its bytes as stored
    secret_key         the data folder's secret_key, when there is one
    manifest.json      written last: format, creation time, Alembic revision, source dialect, per-table columns and
                       row counts, every blob's hash and size

The tables are read from the database itself (not from the models), so a database that `flask migrate` has not yet
brought to this code's schema can still be backed up, and its backup restored: the restore brings an empty database
to the backup's revision, loads the rows there, then migrates them to head like any other data, all in one
transaction.
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import secrets
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..db import MIGRATIONS_DIR, Database
from ..errors import ServiceError

if TYPE_CHECKING:
    from .storage import BlobStore

FORMAT = 1
KIND = "kiemdiem-backup"
MANIFEST = "manifest.json"
SECRET_KEY = "secret_key"
VERSION_TABLE = "alembic_version"
# Columns naming files in the blob store: a table added later that keeps files must be listed here.
BLOB_COLUMNS = {"archive_files": ("sha256", "pdf_sha256")}
# Things a freshly created data folder may hold besides the database: the key create_app generates, LibreOffice's
# working folder, and certificates an administrator put in place before restoring.
_FRESH_FILES = {SECRET_KEY, f"{SECRET_KEY}.tmp"}
_FRESH_DIRS = {"converter", "trust-roots"}
_HASH = re.compile(r"[0-9a-f]{64}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BATCH = 1000
_CHUNK = 1 << 20
_SPOOL = 16 << 20


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
    size: int = 0  # of the tar file

    @property
    def tables(self) -> int:
        return len(self.row_counts)

    @property
    def rows(self) -> int:
        return sum(self.row_counts.values())

    def text(self) -> str:
        """One line an administrator reads: tables, rows, files and bytes."""
        key = ", khóa bí mật" if self.secret_key else ""
        return (f"{self.tables} bảng, {_count(self.rows)} dòng, {_count(self.files)} tệp lưu trữ "
                f"({_size(self.bytes)}){key}; phiên bản lược đồ {self.revision or '(chưa có)'}")


# ---------------------------------------------------------------------------------------------------- backup


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
                manifest = {
                    "format": FORMAT, "kind": KIND,
                    "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "alembic_revision": summary.revision, "dialect": summary.dialect,
                    "tables": tables,
                    "blobs": [{"sha256": sha256, "size": size} for sha256, size in sizes.items()],
                    "secret_key": summary.secret_key,
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
    _fsync_dir(path.parent)


def _add(tar: tarfile.TarFile, name: str, data: bytes, *, mode: int = 0o644) -> None:
    _add_file(tar, name, io.BytesIO(data), len(data), mode=mode)


def _add_file(tar: tarfile.TarFile, name: str, fh: IO[bytes], size: int, *, mode: int = 0o644) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, mode, int(datetime.now(UTC).timestamp())
    tar.addfile(info, fh)


# ---------------------------------------------------------------------------------------------------- restore


def restore_backup(database: Database, store: BlobStore, data_dir: Path | str, path: Path | str) -> BackupSummary:
    """Bring a backup back into an empty database, blob store and data folder.

    Order: read and check the manifest; refuse a target holding data; check every file's hash and size; store the
    files (write-once, so a failure after this point leaves only files of this backup, which a second attempt
    accepts); load every row and migrate to head in ONE transaction (a failure leaves the database without rows);
    last, put the secret key in place."""
    path, data_dir = Path(path), Path(data_dir)
    if not path.is_file():
        raise BackupError(f"Không tìm thấy tệp sao lưu {path}.")
    with _open_tar(path) as tar:
        try:
            members = {m.name: m for m in tar.getmembers()}
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise BackupError(f"Tệp sao lưu {path} bị hỏng hoặc không trọn vẹn ({exc}).") from exc
        manifest = _manifest(tar, members, path)
        summary = BackupSummary(path=path, revision=manifest["alembic_revision"], dialect=database.engine.dialect.name,
                                secret_key=bool(manifest.get("secret_key")), size=path.stat().st_size)
        blobs = {b["sha256"]: b["size"] for b in manifest["blobs"]}
        scripts = _scripts(database)
        _check_revision(scripts, manifest)
        _check_target(database, store, data_dir, set(blobs))
        for sha256, size in blobs.items():  # every file is checked before any is stored
            _check_blob(tar, members[f"blobs/{sha256}"], sha256, size)
        for sha256 in blobs:
            stored = store.put(_read(tar, members[f"blobs/{sha256}"]))
            if stored != sha256:
                raise BackupError(f"Kho lưu trữ trả về mã băm {stored} cho tệp {sha256}: khôi phục dừng lại.")
        summary.files, summary.bytes = len(blobs), sum(blobs.values())
        summary.row_counts = _load_tables(database, scripts, tar, members, manifest)
        if summary.secret_key:
            key = _read(tar, members[SECRET_KEY])
            if not key.strip():
                raise BackupError("Khóa bí mật trong tệp sao lưu trống.")
            _write_private(data_dir / SECRET_KEY, key)
    return summary


@contextmanager
def _open_tar(path: Path) -> Iterator[tarfile.TarFile]:
    try:
        tar = tarfile.open(path, "r:*")  # noqa: SIM115  (closed below; open errors need their own message)
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{path} không phải tệp sao lưu (không đọc được dạng tar: {exc}).") from exc
    with tar:
        yield tar


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
    missing = [name for name in needed if name not in members or not members[name].isfile()]
    if missing:
        raise bad(f"thiếu {', '.join(missing[:5])}{' …' if len(missing) > 5 else ''}")
    return manifest


def _check_revision(scripts: Any, manifest: dict) -> None:
    """Refuse a backup made by a newer version of the service (a schema this code does not know)."""
    from alembic.script.revision import RevisionError
    from alembic.util import CommandError

    revision = manifest["alembic_revision"]
    if revision is None:
        return
    try:
        scripts.get_revision(revision)
    except (RevisionError, CommandError):
        raise BackupError(f"Bản sao lưu có lược đồ phiên bản {revision}, mới hơn phiên bản mà chương trình này biết "
                          f"({scripts.get_current_head()}): hãy cài phiên bản chương trình mới hơn rồi khôi phục."
                          ) from None


def _check_target(database: Database, store: BlobStore, data_dir: Path, blobs: set[str]) -> None:
    """Refuse to restore over anything: the database must have no rows, the store no files (except files of this
    same backup left by an interrupted restore), the data folder nothing but what a fresh start creates."""
    with database.engine.connect() as conn:
        names = sorted(set(sa.inspect(conn).get_table_names()) - {VERSION_TABLE})
        full = [name for name in names if conn.execute(
            sa.select(sa.literal(1)).select_from(sa.table(name)).limit(1)).first() is not None]
    if full:
        raise BackupError(f"Cơ sở dữ liệu đích đã có dữ liệu (bảng {', '.join(full[:5])}"
                          f"{' …' if len(full) > 5 else ''}): chỉ khôi phục vào cơ sở dữ liệu trống. "
                          "Không có gì bị thay đổi.")
    stray = next((sha256 for sha256 in store.hashes() if sha256 not in blobs), None)
    if stray is not None:
        raise BackupError(f"Kho tệp lưu trữ ({store.describe()}) đã có tệp {stray[:12]}…: chỉ khôi phục vào kho trống. "
                          "Không có gì bị thay đổi.")
    extra = _extra_files(data_dir, database, store)
    if extra:
        raise BackupError(f"Thư mục dữ liệu {data_dir} đã có tệp ({', '.join(extra[:5])}"
                          f"{' …' if len(extra) > 5 else ''}): chỉ khôi phục vào thư mục dữ liệu mới. "
                          "Không có gì bị thay đổi.")


def _extra_files(data_dir: Path, database: Database, store: BlobStore) -> list[str]:
    """Files of the data folder a fresh start would not have made, relative to it."""
    if not data_dir.is_dir():
        return []
    allowed = set(_FRESH_FILES)
    url = database.engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        db_file = Path(url.database).resolve()
        if db_file.parent == data_dir.resolve():
            allowed |= {db_file.name + suffix for suffix in ("", "-wal", "-shm", "-journal")}
    skip = {data_dir / name for name in _FRESH_DIRS}
    root = getattr(store, "root", None)  # a local store's folder: checked through the store itself
    if root is not None:
        skip.add(Path(root))
    skip = {p.resolve() for p in skip}
    found: list[str] = []
    for folder, dirs, files in os.walk(data_dir):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if (here / d).resolve() not in skip)
        for name in sorted(files):
            rel = (here / name).relative_to(data_dir)
            if str(rel) not in allowed:
                found.append(str(rel))
    return found


def _check_blob(tar: tarfile.TarFile, member: tarfile.TarInfo, sha256: str, size: int) -> None:
    """Hash the file in the tar in chunks; a changed or cut file refuses the whole restore."""
    digest, length = hashlib.sha256(), 0
    fh = tar.extractfile(member)
    assert fh is not None
    try:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            length += len(chunk)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"Không đọc được tệp lưu trữ {sha256} trong bản sao lưu ({exc}).") from exc
    actual = digest.hexdigest()
    if actual != sha256 or length != size:
        raise BackupError(f"Tệp lưu trữ {sha256} trong bản sao lưu đã bị thay đổi (mã băm hiện tại {actual}, "
                          f"{length} byte thay vì {size}): không khôi phục gì cả.", detail=sha256)


def _load_tables(database: Database, scripts: Any, tar: tarfile.TarFile, members: dict[str, tarfile.TarInfo],
                 manifest: dict) -> dict[str, int]:
    """In one transaction: the schema at the backup's revision, every row, then migrations to head and sequences
    moved past the restored ids. Returns rows per table."""
    revision = manifest["alembic_revision"]
    wanted = {t["name"]: t for t in manifest["tables"]}
    counts: dict[str, int] = {}
    engine = database.engine
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN")  # so the schema changes roll back with the rows
        step = "chuẩn bị lược đồ"
        try:
            current = _revision(conn)
            if revision is not None:
                if current is not None and current not in _lineage(scripts, revision):
                    raise BackupError(f"Cơ sở dữ liệu đích đã ở lược đồ phiên bản {current}, mới hơn bản sao lưu "
                                      f"({revision}): hãy khôi phục vào một cơ sở dữ liệu mới hoàn toàn "
                                      "(chưa chạy flask migrate).")
                _migrate(conn, database.url, revision)
            tables = {t.name: t for t in _reflect(conn)}
            unknown = sorted(set(wanted) - set(tables))
            if unknown:
                raise BackupError(f"Lược đồ phiên bản {revision} không có bảng {', '.join(unknown)} của bản sao lưu.")
            for name, table in tables.items():
                if name not in wanted:
                    continue
                columns = wanted[name]["columns"]
                if set(columns) != set(table.c.keys()):
                    raise BackupError(f"Các cột của bảng {name} trong bản sao lưu ({', '.join(columns)}) khác lược đồ "
                                      f"phiên bản {revision} ({', '.join(table.c.keys())}).")
                step = f"nạp bảng {name}"
                counts[name] = _load_table(conn, table, tar, members[f"db/{name}.jsonl"])
                if counts[name] != wanted[name]["rows"]:
                    raise BackupError(f"Bảng {name} có {counts[name]} dòng trong bản sao lưu, manifest ghi "
                                      f"{wanted[name]['rows']}: tệp sao lưu không nhất quán.")
            step = "nâng lược đồ lên phiên bản mới nhất"
            _migrate(conn, database.url, "head")
            if engine.dialect.name == "postgresql":
                step = "đặt lại bộ đếm mã"
                _reset_sequences(conn)
            conn.commit()
        except sa.exc.SQLAlchemyError as exc:
            conn.rollback()
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise BackupError(f"Khôi phục cơ sở dữ liệu thất bại khi {step} ({reason}); cơ sở dữ liệu được để lại "
                              "không có dữ liệu nào.") from exc
        except BaseException:
            conn.rollback()
            raise
    return {name: counts[name] for name in wanted}


def _load_table(conn: Connection, table: sa.Table, tar: tarfile.TarFile, member: tarfile.TarInfo) -> int:
    """Insert the table's rows in batches; rows of a table pointing at itself go parents first."""
    for column in table.columns:
        if isinstance(column.type, sa.JSON):
            column.type.none_as_null = column.nullable  # SQL NULL stays NULL, not the JSON text 'null'
    fh = tar.extractfile(member)
    assert fh is not None
    rows = (_row(table, line, member.name, number) for number, line in enumerate(fh, 1) if line.strip())
    self_refs = [(fk.parent.name, fk.column.name) for fk in table.foreign_keys if fk.column.table is table]
    if self_refs:
        rows = iter(_parents_first(list(rows), self_refs))
    count = 0
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= _BATCH:
            conn.execute(table.insert(), batch)
            count += len(batch)
            batch = []
    if batch:
        conn.execute(table.insert(), batch)
        count += len(batch)
    return count


def _row(table: sa.Table, line: bytes, name: str, number: int) -> dict:
    try:
        record = json.loads(line)
        if not isinstance(record, dict) or set(record) != set(table.c.keys()):
            raise ValueError("các cột không khớp")
        return {key: _load(table.c[key].type, value) for key, value in record.items()}
    except (ValueError, TypeError) as exc:
        raise BackupError(f"Dòng {number} của {name} không đọc được ({exc}).") from exc


def _parents_first(rows: list[dict], refs: list[tuple[str, str]]) -> list[dict]:
    """Order rows so that a row comes after the row it points to in the same table (units under their parent)."""
    present = {(target, row[target]) for _, target in refs for row in rows}
    done: set[tuple[str, Any]] = set()
    ordered: list[dict] = []
    pending = rows
    while pending:
        waiting = []
        for row in pending:
            if all(row[source] is None or (target, row[source]) not in present or (target, row[source]) in done
                   for source, target in refs):
                ordered.append(row)
                done.update((target, row[target]) for _, target in refs)
            else:
                waiting.append(row)
        if len(waiting) == len(pending):  # a cycle: let the database say which row is wrong
            ordered.extend(waiting)
            break
        pending = waiting
    return ordered


def _reset_sequences(conn: Connection) -> None:
    """PostgreSQL hands out ids from sequences the inserts did not advance: move each past its table's largest id."""
    prep = conn.dialect.identifier_preparer
    for table in _reflect(conn):
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, sa.Integer):
            continue
        seq = conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                           {"t": prep.format_table(table), "c": pk[0].name}).scalar()
        if seq:
            conn.execute(sa.text(f"SELECT setval(:s, COALESCE((SELECT MAX({prep.quote(pk[0].name)}) FROM "
                                 f"{prep.format_table(table)}), 0) + 1, false)"), {"s": seq})


def _write_private(path: Path, data: bytes) -> None:
    """Replace a small private file (the secret key) atomically and durably."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _read(tar: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    fh = tar.extractfile(member)
    assert fh is not None
    try:
        return fh.read()
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"Không đọc được {member.name} trong tệp sao lưu ({exc}).") from exc


# ---------------------------------------------------------------------------------------------------- shared


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


def _alembic_config(url: str, conn: Connection | None = None) -> Any:
    """The same configuration Database.upgrade uses, optionally bound to a connection (and its transaction)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if conn is not None:
        cfg.attributes["connection"] = conn
    return cfg


def _scripts(database: Database) -> Any:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config(database.url))


def _lineage(scripts: Any, revision: str) -> set[str]:
    """The revision and every revision before it."""
    return {script.revision for script in scripts.iterate_revisions(revision, "base")}


def _migrate(conn: Connection, url: str, target: str) -> None:
    """Alembic upgrade to `target` inside the connection's transaction."""
    from alembic import command

    command.upgrade(_alembic_config(url, conn), target)


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


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _count(n: int) -> str:
    """12345 -> "12.345", as Vietnamese writes thousands."""
    return f"{n:,}".replace(",", ".")


def _size(n: int) -> str:
    """Bytes in the largest unit that keeps the number at least 1, one decimal with a comma."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}".replace(".", ",")
    return f"{n} byte"
