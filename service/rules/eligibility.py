"""Who is rated at all: Điều 5 of Quy định 124-QĐ/TW and of Quy định 366-QĐ/TW (same three exclusions, [H]).

"Đảng viên trong toàn Đảng (trừ đảng viên được miễn công tác và sinh hoạt đảng; đảng viên bị
đình chỉ sinh hoạt đảng; đảng viên mới kết nạp chưa đủ 6 tháng)" (366 Điều 5 khoản 2).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Callable

from .model import Person

NEW_MEMBER_MONTHS = 6


def add_months(d: date, months: int) -> date:
    """The same day `months` calendar months later, clamped to the month's end (31/8 + 6 -> 28 or 29/2)."""
    index = d.month - 1 + months
    year, month = d.year + index // 12, index % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def is_new_member(person: Person, on: date) -> bool:
    """Admitted less than 6 months before `on`: admitted_on + 6 calendar months > on.

    With on = 31/12: admitted 30/6 -> 30/12 ≤ 31/12, rated; admitted 1/7 -> 1/1 > 31/12, not rated.
    An unknown admission date (None) is taken as "not new".
    """
    return person.admitted_on is not None and add_months(person.admitted_on, NEW_MEMBER_MONTHS) > on


@dataclass(frozen=True)
class Exclusion:
    """One reason a member is not reviewed and rated; `reason` is a template over the person and date."""

    id: str
    reason: str
    when: Callable[[Person, date], bool]


EXCLUSIONS: tuple[Exclusion, ...] = (
    Exclusion("exempted", "Miễn công tác và sinh hoạt đảng: không đánh giá, xếp loại.",
              lambda p, on: p.status == "exempted"),
    Exclusion("suspended", "Đình chỉ sinh hoạt đảng: không đánh giá, xếp loại.",
              lambda p, on: p.status == "suspended"),
    Exclusion("new-member",
              "Đảng viên mới kết nạp chưa đủ 6 tháng (vào Đảng ngày {admitted}, tính đến ngày {on}): "
              "không đánh giá, xếp loại.",
              is_new_member),
)


def exclusion_for(person: Person, on: date) -> tuple[str, str] | None:
    """(exclusion id, Vietnamese reason) when the member is not rated on `on`, else None."""
    for ex in EXCLUSIONS:
        if ex.when(person, on):
            admitted = person.admitted_on.strftime("%d/%m/%Y") if person.admitted_on else ""
            return ex.id, ex.reason.format(admitted=admitted, on=on.strftime("%d/%m/%Y"))
    return None


def row_exclusion(member: dict, year: object) -> str:
    """Why a member row of the documents' facts (service.documents.member_row) is not rated in `year`, else "".

    The documents use it when the review cycle's recorded exclusions are not at hand (a document opened alone)."""
    if not isinstance(year, int):
        return ""
    admitted = member.get("admitted_on")
    try:
        admitted_on = date.fromisoformat(admitted) if isinstance(admitted, str) and admitted else None
    except ValueError:
        admitted_on = None
    status = member.get("status") if member.get("status") in ("exempted", "suspended") else "active"
    found = exclusion_for(Person(id=str(member.get("id", "")), status=status, admitted_on=admitted_on),
                          date(year, 12, 31))
    return found[1] if found else ""
