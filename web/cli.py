"""Command line: migrate, seed the demo, create users and API tokens, back up and restore, verify the archive."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from service import accounts, demo, demo_bulk
from service.errors import ServiceError
from service.models import ROLES

from .database import db


def init_app(app: Flask) -> None:
    """Register the commands on `flask --app app …`."""
    app.cli.add_command(migrate)
    app.cli.add_command(demo_command)
    app.cli.add_command(users)
    app.cli.add_command(tokens)
    app.cli.add_command(backup)
    app.cli.add_command(restore)
    app.cli.add_command(archive)
    app.cli.add_command(members_group)


@click.command("migrate")
@with_appcontext
def migrate() -> None:
    """Bring the database schema up to date."""
    db().upgrade()
    click.echo("Cơ sở dữ liệu đã được cập nhật.")


@click.command("demo")
@click.option("--members", type=click.IntRange(1, 500), help="Thêm chi bộ sinh tự động với số đảng viên này "
              "(văn bản đã điền sẵn).")
@click.option("--chi-bo", "chi_bo", type=click.IntRange(1, 200), default=1, show_default=True,
              help="Số chi bộ sinh tự động (cùng --members).")
@click.option("--year", type=int, default=date.today().year, show_default=True)
@with_appcontext
def demo_command(members: int | None, chi_bo: int, year: int) -> None:
    """Create the demo đảng bộ and its users (idempotent) and print the logins; optionally a generated one."""
    database = db()
    database.upgrade()
    with database.session() as session:
        logins = demo.seed(session, current_app.config["SETTINGS"].data_dir)
        if members:
            parent = demo_bulk.generate(session, parent_name=f"Đảng bộ Thử nghiệm {chi_bo}x{members}",
                                        chi_bo=chi_bo, members=members, year=year, unit_documents=True)
            click.echo(f"Đã sinh {parent.name} (mã {parent.id}): {chi_bo} chi bộ × {members} đảng viên, năm {year}.")
    click.echo("Dữ liệu mẫu đã sẵn sàng. Tài khoản đăng nhập:")
    for login in logins:
        click.echo(f"  {login.username:<12} mật khẩu: {login.password:<14} ({ROLES[login.role]})")


@click.group("users", cls=AppGroup)
def users() -> None:
    """Manage users."""


@users.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(sorted(ROLES)), required=True)
@click.option("--unit", "unit_id", type=int, help="Mã tổ chức đảng (bí thư, văn phòng).")
@click.option("--member", "member_id", type=int, help="Mã đảng viên (tài khoản đảng viên).")
@click.password_option("--password", prompt="Mật khẩu", help="Ít nhất 10 ký tự, không phải mật khẩu phổ biến.")
def create_user(username: str, role: str, unit_id: int | None, member_id: int | None, password: str) -> None:
    """Create a login."""
    try:
        with db().session() as session:
            user = accounts.create_user(session, username, password, role, unit_id=unit_id, member_id=member_id)
            click.echo(f"Đã tạo người dùng {user.username} ({ROLES[role]}).")
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc


@users.command("reset-password")
@click.argument("username")
def reset_password(username: str) -> None:
    """A temporary password for a user (printed once, to be changed at the next login); their sessions end."""
    from sqlalchemy import select

    from service.models import User

    with db().session() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise click.ClickException(f"Không có người dùng “{username}”.")
        password = accounts.reset_password(session, user)
    click.echo(f"Mật khẩu tạm thời của {username} (đổi khi đăng nhập lần đầu):")
    click.echo(password)


@click.group("tokens", cls=AppGroup)
def tokens() -> None:
    """Manage API tokens."""


@tokens.command("create")
@click.argument("username")
def create_token(username: str) -> None:
    """Create an API token; it is printed alone on the last line and never shown again."""
    try:
        with db().session() as session:
            token = accounts.create_token(session, username)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"Mã truy cập API của {username} (lưu lại, sẽ không hiển thị lần nữa):")
    click.echo(token)


def _with_archive(action, path: Path, done: str) -> None:
    """Run a backup or restore on the app's database, archive store and data folder; refusals exit 1."""
    from service.archive.storage import store_from_settings

    settings = current_app.config["SETTINGS"]
    try:
        summary = action(db(), store_from_settings(settings), settings.data_dir, path)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"{done} {summary.path}: {summary.text()}.")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(path: Path) -> None:
    """Write one tar file with a consistent copy of the database, the archived files and the secret key."""
    from service.archive.backup import write_backup

    _with_archive(write_backup, path, "Đã sao lưu vào")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def restore(path: Path) -> None:
    """Bring a backup back into an empty database, archive store and data folder."""
    from service.archive.restore import restore_backup

    _with_archive(restore_backup, path, "Đã khôi phục từ")


@click.group("archive", cls=AppGroup)
def archive() -> None:
    """The archive of signed submissions."""


@archive.command("verify")
def verify_archive() -> None:
    """Re-hash every stored file and check the audit chain; exit 1 and say what is wrong when anything is."""
    from service.archive.storage import store_from_settings
    from service.archive import audit
    from service.archive.verify import verify_archive as run

    store = store_from_settings(current_app.config["SETTINGS"])
    with db().session() as session:
        report = run(session, store, audit.seal_of(session))
    click.echo(f"Đã kiểm tra {report.files_checked} tệp lưu trữ ({store.describe()}) và {report.events_checked} "
               "sự kiện nhật ký.")
    if report.ok:
        click.echo("Không phát hiện sai lệch." + (" Đã ghi điểm kiểm tra đầu chuỗi nhật ký vào kho lưu trữ."
                                                  if report.checkpointed else ""))
        return
    for problem in report.problems:
        click.echo(f"- {problem}")
    raise click.ClickException(f"Phát hiện {len(report.problems)} sai lệch trong kho lưu trữ.")


@click.group("members", cls=AppGroup)
def members_group() -> None:
    """Party members."""


@members_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--unit", "unit_id", type=int, required=True, help="Mã chi bộ (hoặc đảng bộ: cột “Chi bộ” chọn chi bộ).")
@click.option("--dry-run", is_flag=True, help="Chỉ xem trước, không ghi gì.")
def import_members(path: Path, unit_id: int, dry_run: bool) -> None:
    """Import a member list (XLSX or CSV) into a unit: all or nothing; exit 1 on any problem."""
    from service import member_import
    from service.models import Unit

    with db().session() as session:
        unit = session.get(Unit, unit_id)
        if unit is None:
            raise click.ClickException(f"Không có tổ chức đảng số {unit_id}.")
        try:
            result = member_import.import_file(session, unit, path.read_bytes(), path.name, dry_run=dry_run)
        except ServiceError as exc:
            raise click.ClickException(exc.message) from exc
        for problem in result.errors:
            click.echo(f"Dòng {problem.row}, cột {problem.column}: {problem.message}", err=True)
        summary = (f"{len(result.created)} thêm mới, {len(result.updated)} cập nhật, {result.unchanged} không đổi, "
                   f"{len(result.errors)} lỗi")
        if result.errors:
            session.rollback()
            raise click.ClickException(f"{summary}. Chưa nhập gì.")
        if dry_run:
            session.rollback()
            click.echo(f"Xem trước: {summary}. Chưa ghi gì (--dry-run).")
            return
        session.commit()
        click.echo(f"Đã nhập vào {unit.name}: {summary}.")
