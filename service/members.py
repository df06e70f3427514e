"""Party members' records: add, edit, transfer between chi bộ, statuses with their dates, and history across years.

History: every member has periods (MemberPeriod), each one chi bộ and one status from a date; a transfer or a status
change closes the current period the day it takes effect and opens the next. A year's board lists the members
whose period on the board date (31 December of that year) is in the unit and not a leaving status, so a past
year's board keeps showing who belonged then.

Where a member who moved mid-year is reviewed: at the chi bộ where they are active at the end of the year
(docs/REGULATIONS.md, who is not rated: "a party member is reviewed at the chi bộ where they are active"; a fault committed at the
previous unit still counts against that unit). A member on temporary activities elsewhere (đi sinh hoạt tạm thời)
stays on the board of their official chi bộ and is rated there (HD 43 point 7.6).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable

from sqlalchemy import Integer, String, bindparam, cast, exists, select, union_all
from sqlalchemy.orm import Session

from . import text
from .errors import InvalidInput
from .models import LEFT_STATUSES, MEMBER_STATUSES, SEXES, Member, MemberPeriod, Unit, User
from .units import CHI_BO_KINDS

# Fields an office edits on a member's record (the chi bộ and the status change through their own steps).
TEXT_FIELDS = {"full_name": 120, "position": 200, "party_post": 200, "union_post": 200, "work_unit": 200,
               "party_card": 30, "contact": 200}
DATE_FIELDS = ("birth_date", "admitted_on", "official_on")
FLAG_FIELDS = ("leader", "in_political_system")
FIELD_LABELS = {"full_name": "Họ và tên", "birth_date": "Ngày sinh", "sex": "Giới tính",
                "admitted_on": "Ngày vào Đảng", "official_on": "Ngày chính thức", "party_post": "Chức vụ Đảng",
                "position": "Chức vụ chính quyền", "union_post": "Chức vụ đoàn thể",
                "work_unit": "Đơn vị công tác", "party_card": "Số thẻ đảng viên", "contact": "Liên hệ",
                "leader": "Lãnh đạo, quản lý", "in_political_system": "Trong hệ thống chính trị"}
# The rule engine knows active / exempted / suspended: someone on temporary activities is rated as active.
RATING_STATUS = {"temporary": "active"}


def board_date(year: int) -> date:
    """The day a year's board is taken on: members belong where they are active at the end of the year."""
    return date(year, 12, 31)


def clean_name(value: Any) -> str:
    """A name as stored: NFC, single spaces, no spaces at either end."""
    return " ".join(text.clean(str(value or "")).split())


def name_key(name: str) -> str:
    """A name for matching: NFC, single spaces, case folded."""
    return clean_name(name).casefold()


def normalise(values: dict[str, Any]) -> dict[str, Any]:
    """Check and clean a member's fields (only those given); InvalidInput names every bad one."""
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for field, value in values.items():
        if field in TEXT_FIELDS:
            line = clean_name(value) if field != "party_card" else "".join(text.clean(str(value or "")).split())
            if len(line) > TEXT_FIELDS[field]:
                errors[field] = [f"Tối đa {TEXT_FIELDS[field]} ký tự."]
            out[field] = line
        elif field in DATE_FIELDS:
            if value is not None and not isinstance(value, date):
                errors[field] = ["Ngày không hợp lệ."]
            out[field] = value
        elif field == "sex":
            if value not in ("", None, *SEXES):
                errors[field] = ["Chọn Nam hoặc Nữ."]
            out[field] = value or ""
        elif field in FLAG_FIELDS:
            out[field] = bool(value)
    if "full_name" in out and not out["full_name"]:
        errors["full_name"] = ["Nhập họ và tên."]
    today = date.today()
    for field in DATE_FIELDS:
        if isinstance(out.get(field), date) and out[field] > today:
            errors.setdefault(field, []).append("Ngày ở tương lai.")
    born, admitted, official = out.get("birth_date"), out.get("admitted_on"), out.get("official_on")
    if isinstance(born, date) and isinstance(admitted, date) and admitted <= born:
        errors.setdefault("admitted_on", []).append("Ngày vào Đảng phải sau ngày sinh.")
    if isinstance(admitted, date) and isinstance(official, date) and official < admitted:
        errors.setdefault("official_on", []).append("Ngày chính thức không thể trước ngày vào Đảng.")
    if errors:
        raise InvalidInput("Thông tin đảng viên chưa hợp lệ: " + "; ".join(
            f"{FIELD_LABELS.get(k, k)}: {' '.join(v)}" for k, v in errors.items()), errors)
    if "official_on" in out:
        out["official"] = out["official_on"] is not None
    return out


def _chi_bo(unit: Unit) -> None:
    if unit.kind not in CHI_BO_KINDS:
        raise InvalidInput(f"{unit.name} là {unit.kind_label.lower()}: đảng viên sinh hoạt ở một chi bộ.",
                           {"unit_id": ["Chọn một chi bộ."]})
    if unit.closed_on is not None:
        raise InvalidInput(f"{unit.name} đã giải thể.", {"unit_id": ["Chi bộ đã giải thể."]})


def _check_card(session: Session, card: str, member_id: int | None) -> None:
    if not card:
        return
    other = session.scalar(select(Member).where(Member.party_card == card, Member.id != (member_id or 0)))
    if other is not None:
        raise InvalidInput(f"Số thẻ đảng viên {card} đã thuộc đồng chí {other.full_name}.",
                           {"party_card": ["Số thẻ đã có."]})


def add_member(session: Session, unit: Unit, values: dict[str, Any], *, by: User | None = None,
               since: date | None = None) -> Member:
    """A new member of a chi bộ, active from `since` (unknown: since before records began)."""
    _chi_bo(unit)
    fields = normalise(values)
    if not fields.get("full_name"):
        raise InvalidInput("Nhập họ và tên.", {"full_name": ["Nhập họ và tên."]})
    _check_card(session, fields.get("party_card", ""), None)
    member = Member(unit=unit, status="active", **fields)
    session.add(member)
    session.flush()
    session.add(MemberPeriod(member_id=member.id, unit_id=unit.id, status="active", start_on=since, note="",
                             recorded_by_id=by.id if by else None))
    session.flush()
    return member


def update_member(session: Session, member: Member, values: dict[str, Any]) -> bool:
    """Change a member's record; True when anything changed."""
    fields = normalise(values)
    if "party_card" in fields:
        _check_card(session, fields["party_card"], member.id)
    changed = False
    for field, value in fields.items():
        if getattr(member, field) != value:
            setattr(member, field, value)
            changed = True
    session.flush()
    return changed


def current_period(session: Session, member: Member) -> MemberPeriod:
    """The member's open period, made on the spot for a record that predates history."""
    period = session.scalar(select(MemberPeriod).where(MemberPeriod.member_id == member.id,
                                                       MemberPeriod.end_on.is_(None))
                            .order_by(MemberPeriod.id.desc()))
    if period is None:
        period = MemberPeriod(member_id=member.id, unit_id=member.unit_id, status=member.status, start_on=None,
                              note="")
        session.add(period)
        session.flush()
    return period


def _next_period(session: Session, member: Member, on: date, unit_id: int, status: str, note: str,
                 by: User | None) -> MemberPeriod:
    current = current_period(session, member)
    if current.start_on is not None and on < current.start_on:
        raise InvalidInput(f"Ngày phải từ {text.short_date(current.start_on)} trở đi (ngày của lần thay đổi "
                           "trước).", {"on": ["Ngày trước lần thay đổi gần nhất."]})
    if on > date(date.today().year + 1, 12, 31):
        raise InvalidInput("Ngày quá xa trong tương lai.", {"on": ["Ngày không hợp lệ."]})
    note = clean_name(note)[:300]
    if current.start_on == on:  # a correction on the same day replaces that day's change
        current.unit_id, current.status, current.note = unit_id, status, note
        period = current
    else:
        current.end_on = on
        period = MemberPeriod(member_id=member.id, unit_id=unit_id, status=status, start_on=on, note=note,
                              recorded_by_id=by.id if by else None)
        session.add(period)
    member.unit_id, member.status, member.status_on = unit_id, status, on
    session.flush()
    session.expire(member, ["unit"])
    return period


def transfer(session: Session, member: Member, to: Unit, on: date, *, note: str = "",
             by: User | None = None) -> MemberPeriod:
    """Move a member to another chi bộ from `on` (chuyển sinh hoạt đảng), keeping their status."""
    _chi_bo(to)
    if to.id == member.unit_id:
        raise InvalidInput("Đảng viên đang sinh hoạt ở chi bộ này.", {"unit_id": ["Chọn chi bộ khác."]})
    if member.status in LEFT_STATUSES:
        raise InvalidInput(f"Đồng chí {member.full_name} đã {member.status_label.lower()}.")
    return _next_period(session, member, on, to.id, member.status, note, by)


def set_status(session: Session, member: Member, status: str, on: date, *, note: str = "",
               by: User | None = None) -> MemberPeriod:
    """Record a status from a date: miễn công tác và sinh hoạt đảng, đình chỉ, đi sinh hoạt tạm thời, ra khỏi
    Đảng, chuyển đi, từ trần, or back to active."""
    if status not in MEMBER_STATUSES:
        raise InvalidInput("Tình trạng không hợp lệ.", {"status": [f"Chọn một trong: {', '.join(MEMBER_STATUSES)}."]})
    if status == member.status:
        raise InvalidInput(f"Đồng chí {member.full_name} đã ở tình trạng này.", {"status": ["Không thay đổi."]})
    if member.status in ("deceased",):
        raise InvalidInput(f"Đồng chí {member.full_name} đã từ trần.")
    return _next_period(session, member, on, member.unit_id, status, note, by)


def history(session: Session, member: Member) -> list[MemberPeriod]:
    """The member's periods, oldest first."""
    rows = session.scalars(select(MemberPeriod).where(MemberPeriod.member_id == member.id)
                           .order_by(MemberPeriod.id)).all()
    return sorted(rows, key=lambda p: (p.start_on or date.min, p.id))


@dataclass
class OnBoard:
    """A member on a board on a day, with their status then."""

    member: Member
    unit_id: int
    status: str


# members_on's query, built once with parameters (:ids, :on): building a statement costs more Python than running a
# cached one, and every board and meeting page asks. One round trip: which member was where on the day, as (member
# id, unit, status) rows of two parts (the periods that cover the day, not the period entities: a big đảng bộ's board
# has 2,000 of them; then the records without any history, which count where they are now), joined to the members.
# The members are the plain entity, not an alias over the union: an alias is adapted column by column when the
# statement is first compiled, and once in a fresh worker under concurrent first requests that adaptation came out
# without the alias (a SELECT from members × on_board, "cartesian product"), was cached, and every later board of
# that process failed with NoSuchColumnError.
_ON_BOARD = union_all(
    select(MemberPeriod.member_id.label("member_id"), MemberPeriod.unit_id.label("on_unit"),
           MemberPeriod.status.label("on_status"))
    .where(MemberPeriod.unit_id.in_(bindparam("ids", expanding=True)),
           (MemberPeriod.start_on.is_(None)) | (MemberPeriod.start_on <= bindparam("on")),
           (MemberPeriod.end_on.is_(None)) | (MemberPeriod.end_on > bindparam("on")),
           MemberPeriod.status.notin_(LEFT_STATUSES)),
    # the unit and status where they are now, as values of their own: as plain labels of Member's columns, the
    # union's columns would stand for Member.unit_id and Member.status in the result, and a member who moved would
    # load with the period's unit
    select(cast(Member.id, Integer).label("member_id"), cast(Member.unit_id, Integer).label("on_unit"),
           cast(Member.status, String).label("on_status"))
    .where(Member.unit_id.in_(bindparam("ids", expanding=True)), Member.status.notin_(LEFT_STATUSES),
           ~exists(select(MemberPeriod.id).where(MemberPeriod.member_id == Member.id)))).subquery("on_board")
_ON_BOARD_MEMBERS = (select(_ON_BOARD.c.on_unit, _ON_BOARD.c.on_status, Member)
                     .join(_ON_BOARD, _ON_BOARD.c.member_id == Member.id))


def members_on(session: Session, unit_ids: Iterable[int], on: date) -> list[OnBoard]:
    """Who belonged to these units on a day (leavers and people admitted after it excluded), in Vietnamese order;
    records without any history count where they are now."""
    ids = list(unit_ids)
    if not ids:
        return []
    found = [OnBoard(member, unit_id, status)
             for unit_id, status, member in session.execute(_ON_BOARD_MEMBERS, {"ids": ids, "on": on})
             if member.admitted_on is None or member.admitted_on <= on]
    return text.sort_people(found, key=lambda entry: entry.member.full_name)


def current_members(session: Session, unit_ids: Iterable[int], *, include_left: bool = False) -> list[Member]:
    """The members recorded in these units now, in Vietnamese order (leavers only when asked)."""
    ids = list(unit_ids)
    if not ids:
        return []
    query = select(Member).where(Member.unit_id.in_(ids))
    if not include_left:
        query = query.where(Member.status.notin_(LEFT_STATUSES))
    return text.sort_people(session.scalars(query).all())


def as_dict(member: Member) -> dict[str, Any]:
    """A member for the JSON API."""
    def iso(d: date | None) -> str | None:
        return d.isoformat() if d else None
    return {"id": member.id, "full_name": member.full_name, "birth_date": iso(member.birth_date),
            "sex": member.sex or None, "admitted_on": iso(member.admitted_on), "official_on": iso(member.official_on),
            "party_card": member.party_card or None, "status": member.status, "chi_bo_id": member.unit_id}
