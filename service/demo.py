"""A realistic demo đảng bộ: two chi bộ, 20 members imported from a real XLSX list, a user for each role; seeding
is idempotent."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import accounts, member_import, members, units
from .models import Member, Unit, User

MEMBER_LIST = Path(__file__).parent / "demo_data" / "danh_sach_dang_vien.xlsx"  # tools/make_demo_members.py
# Statuses recorded after the import (the list holds who belongs; statuses come with their decisions' dates).
STATUSES = [("Đặng Văn Ẩn", "exempted", date(2024, 3, 1), "Quyết định miễn công tác và sinh hoạt đảng (tuổi cao)"),
            ("Tạ Đình Phong", "suspended", date(2026, 5, 10), "Quyết định đình chỉ sinh hoạt đảng")]

LOGINS = [  # user name, role, unit key or member name
    ("admin", "admin", None, None),
    ("vanphong", "office", "co_so", None),
    ("bithu.toan", "secretary", "toan", "Nguyễn Văn Hùng"),
    ("bithu.van", "secretary", "van", "Trịnh Thị Thanh Hà"),
    ("tuyet", "member", None, "Trần Thị Ánh Tuyết"),
    ("duc", "member", None, "Lê Minh Đức"),
    ("thao", "member", None, "Mai Phương Thảo"),
]


@dataclass
class Login:
    """A demo login to print."""

    username: str
    password: str
    role: str


def _unit(session: Session, name: str, kind: str, parent: Unit | None, place: str = "Hà Nội") -> Unit:
    unit = session.scalar(select(Unit).where(Unit.name == name))
    if unit is None:
        unit = Unit(name=name, kind=kind, parent=parent, place=place, has_seal=units.seal_by_default(kind, parent))
        session.add(unit)
        session.flush()
    return unit


def _members(session: Session, co_so: Unit) -> None:
    """The member list through the same import an office uses; idempotent (a second run changes nothing)."""
    result = member_import.import_file(session, co_so, MEMBER_LIST.read_bytes(), MEMBER_LIST.name)
    if result.errors:
        raise RuntimeError(f"Danh sách mẫu có lỗi: {result.errors}")
    for name, status, on, note in STATUSES:
        member = session.scalar(select(Member).where(Member.full_name == name))
        if member is not None and member.status == "active" and not members.history(session, member)[-1].start_on:
            members.set_status(session, member, status, on, note=note)


def _password(data_dir: Path, username: str) -> str:
    """Random per installation, kept in the data folder so that re-seeding prints the same logins."""
    path = data_dir / "demo_logins.txt"
    known = dict(line.split(" ", 1) for line in path.read_text().splitlines() if " " in line) if path.exists() else {}
    if username not in known:
        known[username] = secrets.token_urlsafe(9)
        path.write_text("".join(f"{u} {p}\n" for u, p in known.items()))
        path.chmod(0o600)
    return known[username]


def seed(session: Session, data_dir: Path) -> list[Login]:
    """Create the demo đảng bộ and its users if missing; return the logins."""
    top = _unit(session, "Đảng bộ phường Ba Đình", "dang_bo", None)
    co_so = _unit(session, "Đảng bộ Trường THPT Phan Đình Phùng", "dang_bo_co_so", top)
    toan = _unit(session, "Chi bộ Tổ Toán – Tin", "chi_bo", co_so)
    van = _unit(session, "Chi bộ Tổ Ngữ văn", "chi_bo", co_so)
    _members(session, co_so)
    by_key = {"co_so": co_so, "toan": toan, "van": van}
    logins = []
    for username, role, unit_key, member_name in LOGINS:
        password = _password(data_dir, username)
        if session.scalar(select(User).where(User.username == username)) is None:
            member = session.scalar(select(Member).where(Member.full_name == member_name)) if member_name else None
            accounts.create_user(session, username, password, role,
                                 unit_id=by_key[unit_key].id if unit_key else None,
                                 member_id=member.id if member else None)
        logins.append(Login(username, password, role))
    return logins
