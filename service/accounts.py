"""Users, passwords (scrypt via Werkzeug) and API tokens (only their SHA-256 is stored); accounts an office manages.

Passwords: at least 10 characters, not one of the common ones (service/data/common_passwords.txt), not the user
name. A password set by someone else (a new account, a reset) is temporary: shown once, it must be changed at the
first login. Changing or resetting a password, or disabling the account, ends the user's other sessions
(`end_sessions` deletes their server-side session rows).
Web sessions live in the database (web/sessions.py), and so do the counts of failed logins, so every process and
machine sees the same.
"""
from __future__ import annotations

import functools
import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from .errors import InvalidInput, NotFound
from .models import ROLES, ApiToken, LoginThrottle, Member, Unit, User, WebSession, utcnow

PASSWORD_METHOD = "scrypt"  # memory-hard KDF; the salt and parameters are kept in the hash string
MIN_PASSWORD = 10
TOKEN_USE_WRITE_EVERY = timedelta(minutes=1)  # last use is written at most this often per token

@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of passwords too common to accept."""
    path = Path(__file__).parent / "data" / "common_passwords.txt"
    return frozenset(line.strip().casefold() for line in path.read_text(encoding="utf-8").splitlines()
                     if line.strip() and not line.startswith("#"))


def check_password(password: str, username: str = "") -> None:
    """InvalidInput with the reason when a password is too weak."""
    problem = None
    if len(password) < MIN_PASSWORD:
        problem = f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự."
    elif password.casefold() in common_passwords() or len(set(password)) < 3:
        problem = "Mật khẩu này quá phổ biến, dễ bị đoán: hãy chọn mật khẩu khác."
    elif username and username.casefold() in password.casefold():
        problem = "Mật khẩu không được chứa tên đăng nhập."
    if problem:
        raise InvalidInput(problem, {"password": [problem]})


def temporary_password() -> str:
    """A random password to hand over once (easy to read aloud: no look-alike characters)."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))


def end_sessions(session: Session, user: User, keep: str | None = None) -> int:
    """End every web session of the user except `keep` (password changed or reset, account disabled).

    `keep` is the key of the session making the change (web.sessions.current_key()), so the person changing
    their own password stays logged in there; None ends them all. The rows go, so every copy of every cookie
    stops working in every process at once. Returns how many ended.
    """
    stmt = delete(WebSession).where(WebSession.user_id == user.id)
    if keep is not None:
        stmt = stmt.where(WebSession.key != keep)
    return session.execute(stmt).rowcount or 0


def create_user(session: Session, username: str, password: str, role: str, *,
                unit_id: int | None = None, member_id: int | None = None) -> User:
    """A new login; refuses unknown roles, duplicates and users tied to nothing they could see."""
    if role not in ROLES:
        raise InvalidInput(f"Vai trò không hợp lệ: {role}. Chọn một trong: {', '.join(ROLES)}.")
    check_password(password, username)
    if not username or len(username) > 80 or any(c.isspace() for c in username):
        raise InvalidInput("Tên đăng nhập không hợp lệ (không khoảng trắng, tối đa 80 ký tự).",
                           {"username": ["Tên đăng nhập không hợp lệ."]})
    if session.scalar(select(User).where(User.username == username)):
        raise InvalidInput(f"Tên đăng nhập “{username}” đã có.")
    if unit_id is not None and session.get(Unit, unit_id) is None:
        raise NotFound(f"Không có tổ chức đảng số {unit_id}.")
    if member_id is not None:
        member = session.get(Member, member_id)
        if member is None:
            raise NotFound(f"Không có đảng viên số {member_id}.")
        unit_id = unit_id or (member.unit_id if role == "member" else None)
    if role == "member" and member_id is None:
        raise InvalidInput("Tài khoản đảng viên phải gắn với một đảng viên (--member).")
    if role in ("secretary", "office") and unit_id is None:
        raise InvalidInput("Tài khoản bí thư hoặc văn phòng phải gắn với một tổ chức đảng (--unit).")
    user = User(username=username, password_hash=generate_password_hash(password, method=PASSWORD_METHOD),
                role=role, unit_id=unit_id, member_id=member_id)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, else None (same answer for both mistakes)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        check_password_hash(_dummy_hash(), password)  # the same one scrypt as for a real user: timing tells nothing
        return None
    return user if check_password_hash(user.password_hash, password) else None


@functools.cache
def _dummy_hash() -> str:
    """A hash to check unknown users' passwords against (made once per process, so unknown names cost one scrypt)."""
    return generate_password_hash(secrets.token_hex(16), method=PASSWORD_METHOD)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, username: str, *, name: str = "", expires_at: datetime | None = None) -> str:
    """A new bearer token for the user; shown once, stored hashed."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"Không có người dùng “{username}”.")
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=_digest(token), name=name[:100], expires_at=expires_at))
    session.flush()
    return token


def token_usable(row: ApiToken, now: datetime | None = None) -> bool:
    """Not revoked and not expired."""
    now = now or utcnow()
    return row.revoked_at is None and (row.expires_at is None or _aware(row.expires_at) > now)


def _aware(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back: they were stored as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def user_for_token(session: Session, token: str) -> User | None:
    """The active user owning this usable bearer token, else None; notes when it was last used."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or not row.user.active or not token_usable(row):
        return None
    now = utcnow()
    if row.last_used_at is None or now - _aware(row.last_used_at) > TOKEN_USE_WRITE_EVERY:
        row.last_used_at = now
        session.flush()
    return row.user


def set_password(session: Session, user: User, new: str, *, current: str | None = None,
                 keep_session: str | None = None) -> None:
    """The user's own change (checks `current`); ends their other sessions."""
    if current is not None and not current:
        raise InvalidInput("Hãy nhập mật khẩu hiện tại.", {"current": ["Hãy nhập mật khẩu hiện tại."]})
    if current is not None and not check_password_hash(user.password_hash, current):
        raise InvalidInput("Mật khẩu hiện tại không đúng.", {"current": ["Mật khẩu hiện tại không đúng."]})
    check_password(new, user.username)
    if current is not None and current == new:
        raise InvalidInput("Mật khẩu mới phải khác mật khẩu hiện tại.", {"password": ["Chọn mật khẩu khác."]})
    user.password_hash = generate_password_hash(new, method=PASSWORD_METHOD)
    user.must_change_password = False
    user.password_changed_at = utcnow()
    session.flush()
    end_sessions(session, user, keep_session)


def reset_password(session: Session, user: User) -> str:
    """A temporary password, shown once, to be changed at the next login; ends every session of the user."""
    password = temporary_password()
    user.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)
    user.must_change_password = True
    user.password_changed_at = utcnow()
    session.flush()
    end_sessions(session, user, None)
    return password


# ---- accounts an office manages ---------------------------------------------------------------------------------

def managed_users(session: Session, unit_ids: set[int]) -> list[User]:
    """Accounts tied to these units, or to members of them."""
    if not unit_ids:
        return []
    rows = session.scalars(select(User).outerjoin(Member, User.member_id == Member.id).where(
        (User.unit_id.in_(unit_ids)) | (Member.unit_id.in_(unit_ids)))).all()
    return sorted(set(rows), key=lambda u: u.username)


def create_account(session: Session, manager: User, unit_ids: set[int], username: str, role: str, *,
                   unit_id: int | None = None, member_id: int | None = None) -> tuple[User, str]:
    """An account inside the manager's units, with a temporary password (returned, shown once)."""
    if role == "admin" and manager.role != "admin":
        raise InvalidInput("Chỉ quản trị hệ thống tạo được tài khoản quản trị.", {"role": ["Không được phép."]})
    if unit_id is not None and unit_id not in unit_ids:
        raise NotFound("Không tìm thấy tổ chức đảng.")
    if member_id is not None:
        member = session.get(Member, member_id)
        if member is None or member.unit_id not in unit_ids:
            raise NotFound("Không tìm thấy đảng viên.")
    if role not in ("admin",) and unit_id is None and member_id is None:
        raise InvalidInput("Chọn tổ chức đảng hoặc đảng viên của tài khoản.", {"unit_id": ["Chọn tổ chức."]})
    password = temporary_password()
    user = create_user(session, username.strip(), password, role, unit_id=unit_id, member_id=member_id)
    user.must_change_password = True
    session.flush()
    return user, password


def managed_user(session: Session, unit_ids: set[int], user_id: int, manager: User) -> User:
    """An account the manager may act on (never their own through these pages), else NotFound."""
    user = session.get(User, user_id)
    if user is None or user.id == manager.id or user not in managed_users(session, unit_ids) or \
            (user.role == "admin" and manager.role != "admin"):
        raise NotFound("Không tìm thấy tài khoản.")
    return user


def set_active(session: Session, user: User, active: bool) -> None:
    """Disable (ending every session) or enable an account."""
    user.active = active
    session.flush()
    if not active:
        end_sessions(session, user, None)


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    """The user's tokens, newest first."""
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke_token(session: Session, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's tokens."""
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise NotFound("Không tìm thấy mã truy cập.")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
    return row


def session_key(token: str) -> str:
    """The stored key of a browser session: the cookie's token hashed, so a database reader cannot use it."""
    return _digest(token)


# Failed logins: after FREE_FAILURES a growing wait (FIRST_DELAY doubling up to MAX_DELAY) before the next try.
# An address gets more free failures than an account: a school's staff may all sit behind one NAT address.
FREE_FAILURES = {"user": 5, "addr": 20}
FIRST_DELAY = timedelta(seconds=15)
MAX_DELAY = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=1)  # a quiet hour and the count starts again


@dataclass(frozen=True)
class Throttled:
    """Logins refused for now: how long to wait and why (for the log)."""

    wait_seconds: int
    key: str


def _throttle_keys(username: str, address: str) -> list[str]:
    name = unicodedata.normalize("NFC", username).strip().casefold()[:150]
    return [f"user:{name}", f"addr:{address[:100]}"]


def login_throttled(session: Session, username: str, address: str, *, now: datetime | None = None
                    ) -> Throttled | None:
    """Whether a login for this name or from this address must wait (checked before any password work)."""
    now = now or utcnow()
    rows = session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(_throttle_keys(username, address))))
    waits = [(_aware(row.blocked_until) - now, row.key) for row in rows
             if row.blocked_until is not None and _aware(row.blocked_until) > now]
    if not waits:
        return None
    wait, key = max(waits)
    return Throttled(max(1, int(wait.total_seconds() + 0.999)), key)


def record_login_failure(session: Session, username: str, address: str, *, now: datetime | None = None) -> None:
    """Count a failed login against the name (known or not: the answer must not tell) and the address."""
    now = now or utcnow()
    session.execute(delete(LoginThrottle).where(LoginThrottle.last_failure_at < now - FORGET_AFTER))
    for key in _throttle_keys(username, address):
        row = session.get(LoginThrottle, key, with_for_update=True)
        if row is None:
            row = LoginThrottle(key=key, failures=0, last_failure_at=now)
            session.add(row)
        row.failures += 1
        row.last_failure_at = now
        free = FREE_FAILURES[key.split(":", 1)[0]]
        if row.failures >= free:
            row.blocked_until = now + min(MAX_DELAY, FIRST_DELAY * 2 ** (row.failures - free))
        session.flush()


def record_login_success(session: Session, username: str) -> None:
    """A right password clears the account's count (not the address's: one valid login must not reset a spray)."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == _throttle_keys(username, "")[0]))
