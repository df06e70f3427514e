"""`flask restore`: bring a backup back into an empty database, store and data folder, so nothing is overwritten."""
from __future__ import annotations

import hashlib
import os
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..db import MIGRATIONS_DIR, Database
from ..files import atomic_write
from .backup_format import (
    _BATCH,
    AUDIT_KEY,
    CHECKPOINTS,
    SECRET_KEY,
    VERSION_TABLE,
    BackupError,
    BackupSummary,
    _manifest,
    _read,
    _reflect,
    _revision,
    _row,
)

if TYPE_CHECKING:
    from .storage import BlobStore

# Things a freshly created data folder may hold besides the database: the key create_app generates, LibreOffice's
# working folder, and certificates an administrator put in place before restoring.
_FRESH_FILES = {SECRET_KEY, f"{SECRET_KEY}.tmp", AUDIT_KEY}  # a fresh start makes both keys
_FRESH_DIRS = {"converter", "trust-roots"}
_CHUNK = 1 << 20


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
                                secret_key=bool(manifest.get("secret_key")), size=path.stat().st_size,
                                audit_key=bool(manifest.get("audit_key")), checkpoints=len(manifest["checkpoints"]))
        blobs = {b["sha256"]: b["size"] for b in manifest["blobs"]}
        scripts = _scripts(database)
        _check_revision(scripts, manifest)
        _check_target(database, store, data_dir, set(blobs), set(manifest["checkpoints"]))
        for sha256, size in blobs.items():  # every file is checked before any is stored
            _check_blob(tar, members[f"blobs/{sha256}"], sha256, size)
        for sha256 in blobs:
            stored = store.put(_read(tar, members[f"blobs/{sha256}"]))
            if stored != sha256:
                raise BackupError(f"Kho lưu trữ trả về mã băm {stored} cho tệp {sha256}: khôi phục dừng lại.")
        for name in manifest["checkpoints"]:  # write-once too: a retry after a failure finds them identical
            store.put_checkpoint(name, _read(tar, members[CHECKPOINTS + name]))
        summary.files, summary.bytes = len(blobs), sum(blobs.values())
        summary.row_counts = _load_tables(database, scripts, tar, members, manifest)
        if summary.secret_key:
            key = _read(tar, members[SECRET_KEY])
            if not key.strip():
                raise BackupError("Khóa bí mật trong tệp sao lưu trống.")
            atomic_write(data_dir / SECRET_KEY, key, mode=0o600)
        if summary.audit_key:  # without it the restored chain could no longer be verified
            key = _read(tar, members[AUDIT_KEY])
            if not key.strip():
                raise BackupError("Khóa nhật ký trong tệp sao lưu trống.")
            atomic_write(data_dir / AUDIT_KEY, key, mode=0o600)
    return summary


@contextmanager
def _open_tar(path: Path) -> Iterator[tarfile.TarFile]:
    try:
        tar = tarfile.open(path, "r:*")  # noqa: SIM115  (closed below; open errors need their own message)
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{path} không phải tệp sao lưu (không đọc được dạng tar: {exc}).") from exc
    with tar:
        yield tar


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


def _check_target(database: Database, store: BlobStore, data_dir: Path, blobs: set[str],
                  checkpoints: set[str] = frozenset()) -> None:
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
    foreign = next((name for name, _ in store.checkpoints() if name not in checkpoints), None)
    if foreign is not None:
        raise BackupError(f"Kho tệp lưu trữ ({store.describe()}) đã có điểm kiểm tra nhật ký {foreign}: chỉ khôi "
                          "phục vào kho trống. Không có gì bị thay đổi.")
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
