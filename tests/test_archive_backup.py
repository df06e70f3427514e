"""flask backup / flask restore: backup then restore into an empty folder gives the same rows, files and hashes.

Real SQLite files by default; with DATABASE_URL=postgresql… every database here is a throwaway database on that
server, made like conftest's `database_url` (one per test, so the source and the target of a restore are apart and
the session's demo database is never written)."""
from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import tarfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from service.archive.backup import _snapshot, write_backup
from service.archive.backup_format import BackupError
from service.archive.models import (
    AuditEvent,
    AuditHead,
    Packet,
    PacketEntry,
    SignedCopy,
    Upload,
    UploadFile,
    UploadPage,
)
from service.archive.restore import restore_backup
from service.archive.storage import LocalBlobStore
from service.db import Database
from service.models import Document, DocumentRevision, Job, Member, ReviewCycle, Unit, User
from service.review.models import RatingStep

SCAN = b"\xff\xd8\xff\xe0" + "ảnh chụp biên bản có chữ ký".encode() * 3000  # a "JPEG" upload
SCAN_PDF = b"%PDF-1.7\n" + "bản PDF của ảnh chụp".encode() * 2000 + b"\n%%EOF\n"  # its PDF view
SIGNED_PDF = b"%PDF-1.7\n" + "bản kiểm điểm đã ký số".encode() * 5000 + b"\n%%EOF\n"  # a PDF upload: one blob
SECRET = "a" * 64


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- databases and data folders


@pytest.fixture
def source(tmp_path, new_database):
    """A migrated database with a few rows in most tables, its blob store and its data folder."""
    data_dir = tmp_path / "source-data"
    data_dir.mkdir()
    (data_dir / "secret_key").write_text(SECRET)
    database = new_database(data_dir)
    database.upgrade()
    store = LocalBlobStore(data_dir / "archive")
    seed(database, store)
    return database, store, data_dir


@pytest.fixture
def target(tmp_path, new_database):
    """An empty data folder as a fresh start leaves it (just a generated secret key) and an empty database."""
    data_dir = tmp_path / "target-data"
    data_dir.mkdir()
    (data_dir / "secret_key").write_text("b" * 64)
    return new_database(data_dir), LocalBlobStore(data_dir / "archive"), data_dir


def seed(database: Database, store: LocalBlobStore) -> None:
    when = datetime(2026, 11, 20, 8, 30, 15, 123456, tzinfo=UTC)
    with database.session() as s:
        # The chi bộ is made before its parent, so a parent has a larger id than its child: restoring the units in
        # id order alone would break the foreign key.
        chi_bo = Unit(name="Chi bộ Khu phố 3", kind="chi_bo", place="Hà Nội")
        s.add(chi_bo)
        s.flush()
        parent = Unit(name="Đảng bộ Phường Ba Đình", kind="dang_bo_co_so", place="Hà Nội")
        s.add(parent)
        s.flush()
        chi_bo.parent_id = parent.id
        member = Member(unit=chi_bo, full_name="Nguyễn Văn An", birth_date=date(1985, 1, 2),
                        admitted_on=date(2010, 5, 19), official=True, party_post="Bí thư chi bộ")
        s.add(member)
        s.flush()
        user = User(username="bithu", password_hash="scrypt:32768:8:1$x$y", role="secretary", unit_id=chi_bo.id,
                    member_id=member.id)
        cycle = ReviewCycle(unit_id=chi_bo.id, year=2026)
        s.add_all([user, cycle])
        s.flush()
        document = Document(kind_code="ca_nhan", cycle_id=cycle.id, member_id=member.id,
                            subject_key=f"member:{member.id}", status="submitted", revision=1,
                            data={"uu_diem": "Gương mẫu, “trách nhiệm”", "diem": [1, 2.5], "ghi_chu": None},
                            created_at=when, updated_at=when)
        s.add(document)
        s.flush()
        s.add(DocumentRevision(document_id=document.id, number=1, data=document.data, status="submitted",
                               saved_at=when, saved_by_id=user.id))
        s.add(RatingStep(cycle_id=cycle.id, member_id=member.id, step="self", level="tot", score_total=89.99,
                         user_id=user.id, at=when))
        s.add(Job(id="job-1", kind="packet", params={"unit_id": chi_bo.id}, state="done", created_by=user.id,
                  created_at=when, finished_at=when))  # result_path left SQL NULL
        packet = Packet(code="P7K2Q", unit_id=chi_bo.id, year=2026, scope="member", title="Hồ sơ kiểm điểm",
                        total_pages=3, created_at=when)
        s.add(packet)
        s.flush()
        s.add(PacketEntry(packet_code=packet.code, doc_code="D1", document_id=document.id, revision=1,
                          title="Bản kiểm điểm cá nhân", first_page=1, page_count=3))
        upload = Upload(unit_id=chi_bo.id, year=2026, packet_code=packet.code, state="accepted",
                        uploaded_by_id=user.id, uploaded_by="bithu", address="10.0.0.7", uploaded_at=when,
                        accepted_by_id=user.id, accepted_at=when)
        s.add(upload)
        s.flush()
        # Blobs are stored before the rows naming them commit, as the archive does.
        scan = UploadFile(upload_id=upload.id, position=1, original_name="trang-1.jpg", media_type="image/jpeg",
                          size=len(SCAN), sha256=store.put(SCAN), pdf_sha256=store.put(SCAN_PDF), pages=1)
        signed = UploadFile(upload_id=upload.id, position=2, original_name="ky-so.pdf", media_type="application/pdf",
                            size=len(SIGNED_PDF), sha256=store.put(SIGNED_PDF), pdf_sha256=sha(SIGNED_PDF), pages=2,
                            signatures=[{"signer": "Nguyễn Văn An", "intact": True, "trusted": False}])
        s.add_all([scan, signed])
        s.flush()
        s.add(UploadPage(file_id=scan.id, page=1, code="P7K2Q-D1-1", document_id=document.id, doc_page=1,
                         packet_code=packet.code, matched_by="qr"))
        s.add(SignedCopy(document_id=document.id, upload_id=upload.id, revision=1, accepted_at=when,
                         accepted_by_id=user.id))
        s.add_all([
            AuditEvent(seq=1, recorded_at="2026-11-20T08:30:15.123456Z", actor_id=user.id, actor="bithu",
                       action="upload", object_type="upload", object_id=str(upload.id), unit_id=chi_bo.id,
                       details={"files": 2}, prev_hash="0" * 64, hash="1" * 64),
            AuditEvent(seq=2, recorded_at="2026-11-20T08:31:00.000000Z", actor_id=user.id, actor="bithu",
                       action="accept", object_type="upload", object_id=str(upload.id), unit_id=chi_bo.id,
                       details={}, prev_hash="1" * 64, hash="2" * 64),
            AuditHead(id=1, seq=2, hash="2" * 64),
        ])


def table_rows(database: Database) -> dict[str, list[dict]]:
    """Every table's rows as dicts, in primary key order (Alembic's own table aside)."""
    metadata = sa.MetaData()
    out: dict[str, list[dict]] = {}
    with database.engine.connect() as conn:
        metadata.reflect(bind=conn)
        for table in metadata.sorted_tables:
            if table.name != "alembic_version":
                rows = conn.execute(sa.select(table).order_by(*table.primary_key.columns)).mappings().all()
                out[table.name] = [dict(row) for row in rows]
    return out


def row_count(database: Database) -> int:
    """Rows in all tables together (0 also when there are no tables at all)."""
    return sum(len(rows) for rows in table_rows(database).values())


def blobs(store: LocalBlobStore) -> dict[str, bytes]:
    return {h: store.get(h) for h in store.hashes()}


def members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}


def rewrite(src: Path, dst: Path, changes: dict) -> None:
    """A copy of a backup tar with some members replaced (bytes) or changed (a function of the old bytes)."""
    with tarfile.open(src) as old, tarfile.open(dst, "w", format=tarfile.PAX_FORMAT) as new:
        for member in old.getmembers():
            data = old.extractfile(member).read()
            change = changes.get(member.name)
            if change is not None:
                data = change(data) if callable(change) else change
            info = tarfile.TarInfo(member.name)
            info.size, info.mode = len(data), member.mode
            new.addfile(info, io.BytesIO(data))


def head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from service.db import MIGRATIONS_DIR

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(cfg).get_current_head()


# ---------------------------------------------------------------- backup, then restore


def test_backup_then_restore_into_an_empty_folder_gives_the_same_rows_files_and_hashes(source, target, tmp_path):
    database, store, data_dir = source
    path = tmp_path / "out" / "kiemdiem-2026-11-27.tar"
    path.parent.mkdir()

    summary = write_backup(database, store, data_dir, path)

    assert sorted(os.listdir(path.parent)) == [path.name]  # no temporary file left beside it
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it holds the secret key and personal data
    expected_blobs = {sha(SCAN): SCAN, sha(SCAN_PDF): SCAN_PDF, sha(SIGNED_PDF): SIGNED_PDF}
    assert (summary.files, summary.bytes) == (3, sum(map(len, expected_blobs.values())))
    source_rows = table_rows(database)
    assert summary.row_counts == {name: len(rows) for name, rows in source_rows.items()}
    assert summary.secret_key and summary.revision == head_revision() and summary.size == path.stat().st_size

    content = members(path)
    manifest = json.loads(content["manifest.json"])
    assert manifest["format"] == 1 and manifest["alembic_revision"] == head_revision()
    assert manifest["dialect"] == database.engine.dialect.name
    assert {t["name"]: t["rows"] for t in manifest["tables"]} == summary.row_counts
    assert {b["sha256"]: b["size"] for b in manifest["blobs"]} == {h: len(d) for h, d in expected_blobs.items()}
    assert set(content) == ({"manifest.json", "secret_key"} | {f"db/{t}.jsonl" for t in source_rows}
                            | {f"blobs/{h}" for h in expected_blobs})
    assert all(content[f"blobs/{h}"] == d for h, d in expected_blobs.items())
    assert content["secret_key"].decode() == SECRET
    units = [json.loads(line) for line in content["db/units.jsonl"].splitlines()]
    assert [u["name"] for u in units] == ["Chi bộ Khu phố 3", "Đảng bộ Phường Ba Đình"]
    document = json.loads(content["db/documents.jsonl"])
    assert document["created_at"].startswith("2026-11-20T08:30:15.123456")  # ISO text
    assert document["data"]["uu_diem"] == "Gương mẫu, “trách nhiệm”"  # JSON as it is

    target_db, target_store, target_dir = target
    restored = restore_backup(target_db, target_store, target_dir, path)

    assert table_rows(target_db) == source_rows
    assert blobs(target_store) == expected_blobs
    assert (target_dir / "secret_key").read_text() == SECRET
    assert stat.S_IMODE((target_dir / "secret_key").stat().st_mode) == 0o600
    assert (restored.row_counts, restored.files, restored.bytes) == (summary.row_counts, 3, summary.bytes)
    with target_db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
        # A JSON column that was SQL NULL is still NULL, not the JSON text 'null'.
        assert conn.execute(sa.text("SELECT count(*) FROM jobs WHERE result_path IS NULL")).scalar() == 1
    with target_db.session() as s:  # new rows get new ids (PostgreSQL's sequences moved past the restored ids)
        unit = Unit(name="Chi bộ mới", kind="chi_bo")
        s.add(unit)
        s.flush()
        assert unit.id == max(u["id"] for u in source_rows["units"]) + 1
        when = s.get(Document, 1).created_at
        assert when.replace(tzinfo=when.tzinfo or UTC) == datetime(2026, 11, 20, 8, 30, 15, 123456, tzinfo=UTC)


def test_backup_refuses_an_existing_output_path(source, tmp_path):
    database, store, data_dir = source
    path = tmp_path / "kiemdiem.tar"
    path.write_bytes(b"an older backup")
    with pytest.raises(BackupError, match="đã có"):
        write_backup(database, store, data_dir, path)
    assert path.read_bytes() == b"an older backup"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


def test_backup_with_a_missing_file_fails_naming_it_and_leaves_nothing(source, tmp_path):
    database, store, data_dir = source
    store.path(sha(SCAN_PDF)).unlink()
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(BackupError) as info:
        write_backup(database, store, data_dir, out / "kiemdiem.tar")
    assert sha(SCAN_PDF) in info.value.message and "Không tìm thấy" in info.value.message
    assert list(out.iterdir()) == []


def test_backup_reads_one_snapshot(source):
    """What another connection commits while the backup reads is not seen halfway."""
    database, _store, _data_dir = source
    with _snapshot(database) as conn:
        before = conn.execute(sa.text("SELECT count(*) FROM units")).scalar()
        with database.session() as s:
            s.add(Unit(name="Chi bộ thêm trong lúc sao lưu", kind="chi_bo"))
        assert conn.execute(sa.text("SELECT count(*) FROM units")).scalar() == before
    with database.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM units")).scalar() == before + 1


# ---------------------------------------------------------------- restore refuses


@pytest.fixture
def backup(source, tmp_path) -> Path:
    database, store, data_dir = source
    path = tmp_path / "kiemdiem.tar"
    write_backup(database, store, data_dir, path)
    return path


def test_restore_refuses_a_database_with_rows_and_changes_nothing(backup, target):
    target_db, target_store, target_dir = target
    target_db.upgrade()
    with target_db.session() as s:
        s.add(Unit(name="Đảng bộ đang dùng", kind="dang_bo"))
    before = table_rows(target_db)
    with pytest.raises(BackupError, match="Cơ sở dữ liệu đích đã có dữ liệu \\(bảng units\\)"):
        restore_backup(target_db, target_store, target_dir, backup)
    assert table_rows(target_db) == before
    assert list(target_store.hashes()) == []
    assert (target_dir / "secret_key").read_text() == "b" * 64


def test_restore_refuses_a_store_or_data_folder_in_use(backup, target):
    target_db, target_store, target_dir = target
    stray = target_store.put(b"a file of another installation")
    with pytest.raises(BackupError, match="Kho tệp lưu trữ .* đã có tệp"):
        restore_backup(target_db, target_store, target_dir, backup)
    assert list(target_store.hashes()) == [stray] and row_count(target_db) == 0

    target_store.path(stray).unlink()
    (target_dir / "jobs" / "job-9").mkdir(parents=True)
    (target_dir / "jobs" / "job-9" / "ho-so.pdf").write_bytes(b"%PDF")
    with pytest.raises(BackupError, match="Thư mục dữ liệu .* đã có tệp \\(jobs/job-9/ho-so.pdf\\)"):
        restore_backup(target_db, target_store, target_dir, backup)
    assert list(target_store.hashes()) == [] and row_count(target_db) == 0
    assert (target_dir / "secret_key").read_text() == "b" * 64


def test_restore_refuses_a_backup_with_one_byte_changed_and_leaves_the_target_empty(backup, target, tmp_path):
    target_db, target_store, target_dir = target
    with tarfile.open(backup) as tar:
        member = tar.getmember(f"blobs/{sha(SIGNED_PDF)}")
    damaged = tmp_path / "damaged.tar"
    data = bytearray(backup.read_bytes())
    data[member.offset_data + 1000] ^= 0x01  # one bit of one archived file, in place
    damaged.write_bytes(bytes(data))

    with pytest.raises(BackupError) as info:
        restore_backup(target_db, target_store, target_dir, damaged)
    assert sha(SIGNED_PDF) in info.value.message and "đã bị thay đổi" in info.value.message
    assert row_count(target_db) == 0
    assert list(target_store.hashes()) == []
    assert (target_dir / "secret_key").read_text() == "b" * 64


def test_restore_refuses_a_backup_of_a_newer_schema_or_format(backup, target, tmp_path):
    target_db, target_store, target_dir = target

    def manifest(**changes):
        def change(data: bytes) -> bytes:
            return json.dumps({**json.loads(data), **changes}).encode()
        return change

    newer = tmp_path / "newer.tar"
    rewrite(backup, newer, {"manifest.json": manifest(alembic_revision="9999_from_the_future")})
    with pytest.raises(BackupError, match="mới hơn phiên bản mà chương trình này biết"):
        restore_backup(target_db, target_store, target_dir, newer)
    other = tmp_path / "other.tar"
    rewrite(backup, other, {"manifest.json": manifest(format=2)})
    with pytest.raises(BackupError, match="định dạng 2"):
        restore_backup(target_db, target_store, target_dir, other)
    cut = tmp_path / "cut.tar"
    cut.write_bytes(backup.read_bytes()[:4096])
    with pytest.raises(BackupError):
        restore_backup(target_db, target_store, target_dir, cut)
    assert row_count(target_db) == 0 and list(target_store.hashes()) == []


def test_a_failure_while_loading_rows_leaves_the_database_empty_and_a_retry_works(backup, source, target, tmp_path):
    target_db, target_store, target_dir = target
    bad = tmp_path / "bad.tar"
    # The last file row twice: the insert fails on its primary key after most tables are loaded.
    rewrite(backup, bad, {"db/archive_files.jsonl": lambda d: d + d.splitlines(keepends=True)[-1]})
    with pytest.raises(BackupError, match="archive_files"):
        restore_backup(target_db, target_store, target_dir, bad)
    assert row_count(target_db) == 0
    with target_db.engine.connect() as conn:  # the schema went with the rows: one transaction
        assert sa.inspect(conn).get_table_names() == []
    assert (target_dir / "secret_key").read_text() == "b" * 64
    assert len(list(target_store.hashes())) == 3  # files are stored first (write-once) ...

    restore_backup(target_db, target_store, target_dir, backup)  # ... and a second attempt accepts them
    assert table_rows(target_db) == table_rows(source[0])
    assert (target_dir / "secret_key").read_text() == SECRET


def test_a_backup_made_before_flask_migrate_restores_and_is_migrated_to_head(new_database, target, tmp_path):
    """A database one revision behind this code backs up as it is; the restore loads it there, then migrates."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from service.archive.restore import _migrate
    from service.db import MIGRATIONS_DIR

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    previous = ScriptDirectory.from_config(cfg).get_revision(head_revision()).down_revision
    old = new_database()
    with old.engine.begin() as conn:
        _migrate(conn, old.url, previous)
    with old.engine.begin() as conn:  # the table as that revision has it, not as the models say now
        units = sa.Table("units", sa.MetaData(), autoload_with=conn)
        conn.execute(units.insert().values(name="Đảng bộ trước khi nâng cấp", kind="dang_bo", place="Huế"))
    path = tmp_path / "old.tar"
    assert write_backup(old, LocalBlobStore(tmp_path / "none"), tmp_path / "none", path).revision == previous

    target_db, target_store, target_dir = target
    restore_backup(target_db, target_store, target_dir, path)
    rows = table_rows(target_db)
    before = table_rows(old)["units"]
    assert [{k: r[k] for k in before[0]} for r in rows["units"]] == before  # the columns it had, unchanged
    assert rows["archive_files"] == []  # new tables made, empty
    with target_db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == head_revision()


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgresql"), reason="needs PostgreSQL")
def test_a_sqlite_backup_restores_into_postgresql(new_database, tmp_path):
    """Moving a single machine's SQLite data to PostgreSQL: the same rows, times in UTC."""
    data_dir = tmp_path / "sqlite-data"
    data_dir.mkdir()
    sqlite = Database(f"sqlite:///{data_dir / 'kiemdiem.sqlite3'}")
    try:
        sqlite.upgrade()
        store = LocalBlobStore(data_dir / "archive")
        seed(sqlite, store)
        write_backup(sqlite, store, data_dir, tmp_path / "move.tar")
        target_dir = tmp_path / "pg-data"
        target_dir.mkdir()
        postgres = new_database()
        restore_backup(postgres, LocalBlobStore(target_dir / "archive"), target_dir, tmp_path / "move.tar")

        def naive_utc(rows: dict) -> dict:
            return {name: [{k: v.astimezone(UTC).replace(tzinfo=None) if isinstance(v, datetime) and v.tzinfo else v
                            for k, v in row.items()} for row in table] for name, table in rows.items()}

        assert naive_utc(table_rows(postgres)) == table_rows(sqlite)
    finally:
        sqlite.dispose()


# ---------------------------------------------------------------- through the command line


def test_flask_backup_of_the_demo_app(app, tmp_path):
    path = tmp_path / "kiemdiem-2026-11-27.tar"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert f"Đã sao lưu vào {path}:" in result.output and "dòng" in result.output

    manifest = json.loads(members(path)["manifest.json"])
    with app.extensions["db"].engine.connect() as conn:
        for table in manifest["tables"]:
            count = conn.execute(sa.select(sa.func.count()).select_from(sa.table(table["name"]))).scalar()
            assert table["rows"] <= count  # other tests may add rows meanwhile, never remove them
        assert manifest["alembic_revision"] == conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    assert {t["name"] for t in manifest["tables"]} >= {"units", "members", "users", "archive_files", "audit_events"}
    assert next(t for t in manifest["tables"] if t["name"] == "units")["rows"] > 0

    again = runner.invoke(args=["backup", str(path)])
    assert again.exit_code == 1 and "đã có" in again.output


def test_flask_restore_into_a_fresh_data_folder(backup, source, tmp_path, fresh_app):
    """The CLI against an app made on an empty DATA_DIR: its generated key and new database file are accepted."""
    data_dir = tmp_path / "fresh"
    application = fresh_app(data_dir)
    runner = application.test_cli_runner()
    try:
        result = runner.invoke(args=["restore", str(backup)])
        assert result.exit_code == 0, result.output
        assert f"Đã khôi phục từ {backup}: " in result.output and "3 tệp lưu trữ" in result.output
        assert table_rows(application.extensions["db"]) == table_rows(source[0])
        assert (data_dir / "secret_key").read_text() == SECRET

        again = runner.invoke(args=["restore", str(backup)])
        assert again.exit_code == 1 and "đã có dữ liệu" in again.output
    finally:
        application.extensions["db"].dispose()


def test_the_audit_key_and_checkpoints_survive_backup_and_restore_and_the_chain_still_verifies(
        source, target, tmp_path):
    from service.archive import audit
    from service.archive.audit import Actor
    from service.archive.seal import seal_for

    database, store, data_dir = source
    seal = seal_for(data_dir, lambda: store)  # makes data_dir/audit_key
    database.use_seal(seal)
    for n in range(3):
        with database.session() as s:
            audit.record(s, Actor(1, "Bí thư", ""), "download", object_type="upload", object_id=n)
    with database.session() as s:
        assert audit.checkpoint_head(s, seal)
        before = audit.verify_chain(s, seal)  # (the seeded rows' made-up first event is reported as such)
    assert not any("HMAC" in p or "điểm kiểm tra" in p or "đầu chuỗi" in p for p in before)
    path = tmp_path / "kiemdiem.tar"
    summary = write_backup(database, store, data_dir, path)
    assert summary.audit_key and summary.checkpoints == 1 and "khóa nhật ký, 1 điểm kiểm tra" in summary.text()
    content = members(path)
    assert content["audit_key"] == (data_dir / "audit_key").read_bytes()
    assert list(content).count("checkpoints/" + next(store.checkpoints())[0]) == 1

    target_db, target_store, target_dir = target
    (target_dir / "audit_key").write_text("d" * 64)  # a fresh start made its own key: the backup's replaces it
    restored = restore_backup(target_db, target_store, target_dir, path)
    assert restored.audit_key and restored.checkpoints == 1
    assert (target_dir / "audit_key").read_bytes() == (data_dir / "audit_key").read_bytes()
    assert stat.S_IMODE((target_dir / "audit_key").stat().st_mode) == 0o600
    assert list(target_store.checkpoints()) == list(store.checkpoints())
    restored_seal = seal_for(target_dir, lambda: target_store)
    with target_db.session() as s:
        assert audit.verify_chain(s, restored_seal) == before
    with target_db.session() as s:  # and a wrong key would not pass it
        wrong = audit.verify_chain(s, seal_for(tmp_path / "other", lambda: target_store))
    assert any("HMAC" in p for p in wrong) and any("không xác thực được" in p for p in wrong)
