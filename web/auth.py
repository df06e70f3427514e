"""Log in and out (Flask-Login sessions, CSRF on every form), and API bearer tokens."""
from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask import session as cookie_session
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from service import accounts
from service.archive.audit import Actor
from service.models import User

from .database import session

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
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    csrf.init_app(app)


def password_stamp(user: User) -> str:
    """When the password last changed: a session started under an older password is ended (service.accounts)."""
    return user.password_changed_at.isoformat() if user.password_changed_at else ""


def remember_password_stamp(user: User) -> None:
    """Keep the current session alive across the user's own password change."""
    cookie_session["pw"] = password_stamp(user)


@login_manager.user_loader
def _load(user_id: str) -> LoginUser | None:
    user = session().get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.active or cookie_session.get("pw", "") != password_stamp(user):
        return None
    return LoginUser(user)


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


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Check the credentials; the same message for an unknown user and a wrong password."""
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(session(), form.username.data.strip(), form.password.data)
        if user is not None:
            login_user(LoginUser(user))
            remember_password_stamp(user)
            target = request.args.get("next", "")
            return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("pages.home"))
        flash("Tên đăng nhập hoặc mật khẩu không đúng.", "error")
    return render_template("login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """End the session."""
    logout_user()
    flash("Đã đăng xuất.", "info")
    return redirect(url_for("auth.login"))
