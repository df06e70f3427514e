"""Log in and out (Flask-Login over server-side sessions, CSRF on every form, failed logins throttled)."""
from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from service import accounts
from service.archive.audit import Actor
from service.models import User
from sqlalchemy.exc import IntegrityError

from . import sessions
from .database import db, session

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)
login_manager = LoginManager()
csrf = CSRFProtect()


class LoginUser:
    """Flask-Login's view of a User row."""

    def __init__(self, user: User) -> None:
        self.row = user
        self.id = user.id
        self.is_authenticated, self.is_active, self.is_anonymous = True, user.active, False

    def get_id(self) -> str:
        return str(self.id)


def init_app(app: Flask) -> None:
    """Sessions for pages, CSRF everywhere but the token-authenticated API."""
    sessions.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    csrf.init_app(app)


@login_manager.user_loader
def _load(user_id: str) -> LoginUser | None:
    user = session().get(User, int(user_id)) if user_id.isdigit() else None
    return LoginUser(user) if user is not None and user.active else None


def current() -> User:
    """The logged-in user's row."""
    return current_user.row


def actor_for(user: User) -> Actor:
    """Who acts and from which address, for the audit log (behind a proxy: set TRUSTED_PROXIES)."""
    name = f"{user.member.full_name} ({user.username})" if user.member else user.username
    return Actor(user.id, name, request.remote_addr or "")


def current_actor() -> Actor:
    """The logged-in user as an audit actor."""
    return actor_for(current())


class LoginForm(FlaskForm):
    """User name and password."""

    username = StringField("Tên đăng nhập", [DataRequired("Vui lòng nhập tên đăng nhập.")])
    password = PasswordField("Mật khẩu", [DataRequired("Vui lòng nhập mật khẩu.")])


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None.

    Browsers strip tabs and line breaks and read backslashes as slashes, so "/<TAB>/evil.example" or "/<BACKSLASH>evil"
    would leave the site although they start with one slash: anything with a control character or a backslash
    is refused, and what remains must parse with no scheme and no host.
    """
    if not target or len(target) > 2000 or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and parts.path.startswith("/") else None


def _record_failure(username: str, address: str) -> None:
    """Count the failure in its own transaction (committed even though the login answers with an error)."""
    for attempt in range(2):
        try:
            with db().session() as s:
                accounts.record_login_failure(s, username, address)
            return
        except IntegrityError:  # another process counted the same name's first failure a moment ago
            if attempt:
                raise


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Check the credentials; the same message and the same work for an unknown user and a wrong password."""
    form = LoginForm()
    if form.validate_on_submit():
        username, address = form.username.data.strip(), request.remote_addr or ""
        throttled = accounts.login_throttled(session(), username, address)
        if throttled is not None:
            log.warning("login refused, too many failures: user=%r address=%s (%s), wait %d s",
                        username, address, throttled.key, throttled.wait_seconds)
            form.password.errors = [f"Đăng nhập sai quá nhiều lần. Vui lòng đợi {throttled.wait_seconds} giây "
                                    "rồi thử lại."]
            return render_template("login.html", form=form), 429, {"Retry-After": str(throttled.wait_seconds)}
        user = accounts.authenticate(session(), username, form.password.data)
        if user is not None:
            accounts.record_login_success(session(), username)
            session().commit()
            sessions.purge_expired()
            sessions.rotate()  # a new token and a new CSRF token: nothing from before the login carries over
            login_user(LoginUser(user))
            return redirect(safe_next(request.args.get("next")) or url_for("pages.home"))
        _record_failure(username, address)
        log.info("failed login: user=%r address=%s", username, address)
        flash("Tên đăng nhập hoặc mật khẩu không đúng.", "error")
    return render_template("login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """End the session: its row is deleted, so a copy of the cookie no longer works anywhere."""
    logout_user()
    sessions.rotate()
    flash("Đã đăng xuất.", "info")
    return redirect(url_for("auth.login"))
