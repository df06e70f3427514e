"""Users, passwords (scrypt via Werkzeug) and API tokens (only their SHA-256 is stored)."""
from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from .errors import InvalidInput, NotFound
from .models import ROLES, ApiToken, Member, Unit, User

PASSWORD_METHOD = "scrypt"  # memory-hard KDF; the salt and parameters are kept in the hash string


def create_user(session: Session, username: str, password: str, role: str, *,
                unit_id: int | None = None, member_id: int | None = None) -> User:
    """A new login; refuses unknown roles, duplicates and users tied to nothing they could see."""
    if role not in ROLES:
        raise InvalidInput(f"Vai trò không hợp lệ: {role}. Chọn một trong: {', '.join(ROLES)}.")
    if len(password) < 8:
        raise InvalidInput("Mật khẩu phải có ít nhất 8 ký tự.")
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
        check_password_hash(generate_password_hash("x", method=PASSWORD_METHOD), password)  # even timing
        return None
    return user if check_password_hash(user.password_hash, password) else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, username: str) -> str:
    """A new bearer token for the user; shown once, stored hashed."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"Không có người dùng “{username}”.")
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=_digest(token)))
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The active user owning this bearer token, else None."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    return row.user if row is not None and row.user.active else None
