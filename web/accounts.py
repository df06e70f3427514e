"""Account pages: an office's accounts (create, disable, reset, tokens) and everyone's own password."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from service import accounts, units
from service import members as members_service
from service.errors import InvalidInput, NotFound
from service.models import ROLES, utcnow

from . import sessions
from .auth import current
from .database import session

bp = Blueprint("accounts", __name__)
# Pages a user who must change their password may still open.
OPEN_WHILE_CHANGING = {"accounts.own_password", "auth.logout", "auth.login", "static", "health.healthz"}


@bp.before_app_request
def _must_change_password():
    """A temporary password (new account, reset) must be replaced before anything else."""
    if request.endpoint in OPEN_WHILE_CHANGING or request.path.startswith("/api/"):
        return None
    if current_user.is_authenticated and current().must_change_password:
        return redirect(url_for("accounts.own_password"))
    return None


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def own_password():
    """Change one's own password (required after a temporary one)."""
    user, db = current(), session()
    error, fields = None, {}
    if request.method == "POST":
        new = request.form.get("password", "")
        try:
            if new != request.form.get("confirm", ""):
                raise InvalidInput("Hai lần nhập mật khẩu mới không khớp.", {"confirm": ["Không khớp."]})
            accounts.set_password(db, user, new, current=request.form.get("current", ""),
                                  keep_session=sessions.current_key())
        except InvalidInput as exc:
            db.rollback()
            error, fields = exc.message, exc.fields
        else:
            db.commit()
            flash("Đã đổi mật khẩu. Các phiên đăng nhập khác của tài khoản đã kết thúc.", "info")
            return redirect(url_for("pages.home"))
    return render_template("account_password.html", user=user, error=error, fields=fields,
                           minimum=accounts.MIN_PASSWORD), 422 if error else 200


def _scope() -> set[int]:
    user = current()
    if user.role not in ("admin", "office"):
        abort(404)
    return units.manageable_ids(session(), user)


def _list_page(status: int = 200, **context):
    db, user = session(), current()
    scope = _scope()
    context.setdefault("error", None)
    context.setdefault("fields", {})
    context.setdefault("posted", {})
    roles = {k: v for k, v in ROLES.items() if k != "admin" or user.role == "admin"}
    others = [u for u in accounts.managed_users(db, scope) if u.id != user.id]  # one's own: "Đổi mật khẩu"
    return render_template("org_accounts.html", users=others, roles=ROLES,
                           role_choices=roles, units=units.tree(db, scope),
                           people=members_service.current_members(db, scope), **context), status


@bp.get("/org/accounts")
@login_required
def account_list():
    """Accounts of the units the user manages, and the form to add one."""
    return _list_page()


def _int_or_none(name: str) -> int | None:
    raw = request.form.get(name, "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None  # "²".isdigit() is True


@bp.post("/org/accounts")
@login_required
def account_create():
    """Create an account with a temporary password shown once."""
    scope, db = _scope(), session()
    try:
        user, password = accounts.create_account(
            db, current(), scope, request.form.get("username", ""), request.form.get("role", ""),
            unit_id=_int_or_none("unit_id"), member_id=_int_or_none("member_id"))
    except (InvalidInput, NotFound) as exc:
        db.rollback()
        return _list_page(422, error=exc.message, fields=getattr(exc, "fields", {}), posted=request.form)
    db.commit()
    return render_template("org_secret.html", user=user, secret=password, kind="password"), 201


def _account(user_id: int):
    scope = _scope()
    return accounts.managed_user(session(), scope, user_id, current())


@bp.get("/org/accounts/<int:user_id>")
@login_required
def account_detail(user_id: int):
    """One account: state, reset, disable, API tokens."""
    user = _account(user_id)
    return render_template("org_account.html", user=user, roles=ROLES, tokens=accounts.tokens_of(session(), user),
                           usable=accounts.token_usable, error=None)


@bp.post("/org/accounts/<int:user_id>/reset")
@login_required
def account_reset(user_id: int):
    """A new temporary password, shown once; the user's sessions end."""
    user, db = _account(user_id), session()
    password = accounts.reset_password(db, user)
    db.commit()
    return render_template("org_secret.html", user=user, secret=password, kind="password")


@bp.post("/org/accounts/<int:user_id>/active")
@login_required
def account_active(user_id: int):
    """Disable or enable an account."""
    user, db = _account(user_id), session()
    accounts.set_active(db, user, request.form.get("active") == "1")
    db.commit()
    flash(f"Đã {'mở lại' if user.active else 'khóa'} tài khoản {user.username}.", "info")
    return redirect(url_for("accounts.account_detail", user_id=user.id))


@bp.post("/org/accounts/<int:user_id>/tokens")
@login_required
def token_create(user_id: int):
    """A new API token for the account, shown once; optional expiry in days."""
    user, db = _account(user_id), session()
    days = request.form.get("days", "").strip()
    if days and not (days.isascii() and days.isdigit() and len(days) < 6 and 1 <= int(days) <= 3650):
        return render_template("org_account.html", user=user, roles=ROLES, tokens=accounts.tokens_of(db, user),
                               usable=accounts.token_usable,
                               error="Số ngày hiệu lực phải từ 1 đến 3650, hoặc để trống."), 422
    expires = utcnow() + timedelta(days=int(days)) if days else None
    token = accounts.create_token(db, user.username, name=request.form.get("name", "").strip(), expires_at=expires)
    db.commit()
    return render_template("org_secret.html", user=user, secret=token, kind="token"), 201


@bp.post("/org/accounts/<int:user_id>/tokens/<int:token_id>/revoke")
@login_required
def token_revoke(user_id: int, token_id: int):
    """Revoke one token."""
    user, db = _account(user_id), session()
    accounts.revoke_token(db, user, token_id)
    db.commit()
    flash("Đã thu hồi mã truy cập.", "info")
    return redirect(url_for("accounts.account_detail", user_id=user.id))
