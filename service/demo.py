"""A realistic demo đảng bộ: two chi bộ, about 20 members, a user for each role; seeding is idempotent."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import accounts
from .models import Member, Unit, User

# (full name, birth, admitted, official, leader, in political system, status, position, party post, work unit)
CHI_BO_TOAN = [
    ("Nguyễn Văn Hùng", date(1972, 3, 14), date(1998, 5, 19), True, True, True, "active", "Hiệu trưởng",
     "Bí thư chi bộ", "Trường THPT Phan Đình Phùng"),
    ("Trần Thị Ánh Tuyết", date(1985, 9, 2), date(2010, 2, 3), True, False, True, "active", "Giáo viên",
     "", "Tổ Toán – Tin, Trường THPT Phan Đình Phùng"),
    ("Lê Minh Đức", date(1990, 11, 20), date(2016, 9, 2), True, False, True, "active", "Giáo viên", "",
     "Tổ Toán – Tin, Trường THPT Phan Đình Phùng"),
    ("Phạm Thu Hằng", date(1988, 6, 7), date(2014, 12, 22), True, False, True, "active", "Tổ trưởng chuyên môn",
     "Phó Bí thư chi bộ", "Tổ Toán – Tin, Trường THPT Phan Đình Phùng"),
    ("Hoàng Quốc Bảo", date(1995, 1, 30), date(2025, 11, 7), False, False, True, "active", "Giáo viên", "",
     "Tổ Toán – Tin, Trường THPT Phan Đình Phùng"),
    ("Vũ Ngọc Ánh", date(1993, 4, 18), date(2021, 3, 26), True, False, True, "active", "Giáo viên", "",
     "Tổ Toán – Tin, Trường THPT Phan Đình Phùng"),
    ("Đặng Văn Ẩn", date(1958, 8, 8), date(1982, 1, 6), True, False, False, "exempted", "Nghỉ hưu", "",
     "Nguyên giáo viên Trường THPT Phan Đình Phùng"),
    ("Bùi Thị Ơn", date(1991, 12, 1), date(2019, 5, 19), True, False, True, "active", "Giáo viên", "",
     "Tổ Toán – Tin, Trường THPT Phan Đình Phùng"),
    ("Đỗ Hữu Ước", date(1987, 2, 25), date(2012, 10, 10), True, False, True, "active", "Giáo viên", "",
     "Tổ Toán – Tin, Trường THPT Phan Đình Phùng"),
    ("Ngô Thị Ngọc Diệp", date(1996, 7, 15), date(2026, 8, 15), False, False, True, "active", "Giáo viên", "",
     "Tổ Toán – Tin, Trường THPT Phan Đình Phùng"),
]
CHI_BO_VAN = [
    ("Trịnh Thị Thanh Hà", date(1975, 5, 5), date(2001, 6, 30), True, True, True, "active", "Phó Hiệu trưởng",
     "Bí thư chi bộ", "Trường THPT Phan Đình Phùng"),
    ("Lý Văn Thắng", date(1983, 10, 12), date(2009, 8, 19), True, False, True, "active", "Giáo viên", "",
     "Tổ Ngữ văn, Trường THPT Phan Đình Phùng"),
    ("Mai Phương Thảo", date(1989, 3, 8), date(2015, 3, 8), True, False, True, "active", "Giáo viên", "",
     "Tổ Ngữ văn, Trường THPT Phan Đình Phùng"),
    ("Dương Quang Huy", date(1992, 9, 9), date(2018, 12, 20), True, False, True, "active", "Giáo viên", "",
     "Tổ Ngữ văn, Trường THPT Phan Đình Phùng"),
    ("Hồ Thị Lan", date(1986, 1, 21), date(2011, 7, 27), True, False, True, "active", "Tổ trưởng chuyên môn",
     "Phó Bí thư chi bộ", "Tổ Ngữ văn, Trường THPT Phan Đình Phùng"),
    ("Cao Minh Khôi", date(1997, 11, 11), date(2025, 9, 2), False, False, True, "active", "Giáo viên", "",
     "Tổ Ngữ văn, Trường THPT Phan Đình Phùng"),
    ("Phan Thị Yến", date(1990, 4, 30), date(2017, 5, 19), True, False, True, "active", "Giáo viên", "",
     "Tổ Ngữ văn, Trường THPT Phan Đình Phùng"),
    ("Tạ Đình Phong", date(1984, 6, 16), date(2010, 11, 20), True, False, True, "suspended", "Giáo viên", "",
     "Tổ Ngữ văn, Trường THPT Phan Đình Phùng"),
    ("Lương Thị Hạnh", date(1994, 8, 26), date(2020, 2, 3), True, False, True, "active", "Giáo viên", "",
     "Tổ Ngữ văn, Trường THPT Phan Đình Phùng"),
    ("Võ Thành Nam", date(1980, 12, 24), date(2006, 3, 26), True, False, True, "active", "Nhân viên văn phòng",
     "", "Văn phòng Trường THPT Phan Đình Phùng"),
]

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
        unit = Unit(name=name, kind=kind, parent=parent, place=place)
        session.add(unit)
        session.flush()
    return unit


def _members(session: Session, unit: Unit, rows: list[tuple]) -> None:
    existing = set(session.scalars(select(Member.full_name).where(Member.unit_id == unit.id)).all())
    for name, born, admitted, official, leader, in_system, status, position, party_post, work in rows:
        if name not in existing:
            session.add(Member(unit=unit, full_name=name, birth_date=born, admitted_on=admitted, official=official,
                               leader=leader, in_political_system=in_system, status=status, position=position,
                               party_post=party_post, work_unit=work))
    session.flush()


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
    _members(session, toan, CHI_BO_TOAN)
    _members(session, van, CHI_BO_VAN)
    units = {"co_so": co_so, "toan": toan, "van": van}
    logins = []
    for username, role, unit_key, member_name in LOGINS:
        password = _password(data_dir, username)
        if session.scalar(select(User).where(User.username == username)) is None:
            member = session.scalar(select(Member).where(Member.full_name == member_name)) if member_name else None
            accounts.create_user(session, username, password, role,
                                 unit_id=units[unit_key].id if unit_key else None,
                                 member_id=member.id if member else None)
        logins.append(Login(username, password, role))
    return logins
