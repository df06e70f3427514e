"""Command line: migrate, seed the demo, create users and API tokens."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from service import accounts, demo
from service.errors import ServiceError
from service.models import ROLES

from .database import db


def init_app(app: Flask) -> None:
    """Register the commands on `flask --app app …`."""
    app.cli.add_command(migrate)
    app.cli.add_command(demo_command)
    app.cli.add_command(users)
    app.cli.add_command(tokens)


@click.command("migrate")
@with_appcontext
def migrate() -> None:
    """Bring the database schema up to date."""
    db().upgrade()
    click.echo("Cơ sở dữ liệu đã được cập nhật.")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Create the demo đảng bộ and its users (idempotent) and print the logins."""
    database = db()
    database.upgrade()
    with database.session() as session:
        logins = demo.seed(session, current_app.config["SETTINGS"].data_dir)
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
@click.password_option("--password", prompt="Mật khẩu", help="Ít nhất 8 ký tự.")
def create_user(username: str, role: str, unit_id: int | None, member_id: int | None, password: str) -> None:
    """Create a login."""
    try:
        with db().session() as session:
            user = accounts.create_user(session, username, password, role, unit_id=unit_id, member_id=member_id)
            click.echo(f"Đã tạo người dùng {user.username} ({ROLES[role]}).")
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc


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
