"""The readings of the rating rules a unit uses (docs/RULES.md "Settings"): set on a unit, inherited below it.

The regulation leaves a few readings open (RuleSettings.gap_reading, quota_base, vote_support_required). The
installation's choice (RULES_* environment variables, service.rules.configured) is the default; an office sets its
own on its đảng bộ (or any unit it manages) and every unit below follows unless it sets its own: each reading is
looked up on the unit, then its parent, … (the lineage, as templates walk it), else the installation's default.

Changes are only added (`rule_setting_changes`: the unit's own values after each change, what changed from what,
the reason, who, when) and each one is also an event of the audit chain. `in_force` is the one way the board, the
steps, the meeting checks, the printed documents and the API learn the readings of a unit.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, Text, bindparam, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from . import text
from .access import visible_unit_ids
from .archive import audit
from .archive.audit import Actor
from .db import Base
from .errors import InvalidInput, NotFound, ServiceError
from .models import Unit, User, utcnow
from .rules import RuleSettings, configured

DEFAULT_SOURCE = "mặc định của hệ thống"
MANAGERS = ("office", "admin")
MAX_REASON = 1000


@dataclass(frozen=True)
class Choice:
    """One value of a reading: its short Vietnamese name and what it means, in one sentence."""

    value: Any
    label: str
    meaning: str


@dataclass(frozen=True)
class Reading:
    """A reading the regulation leaves open: its name, the clause it concerns, the clause's words, the choices."""

    name: str
    label: str
    clause: str
    clause_text: str
    choices: tuple[Choice, ...]

    def choice(self, value: Any) -> Choice | None:
        return next((c for c in self.choices if c.value == value and type(c.value) is type(value)), None)

    def allowed(self) -> str:
        """The accepted JSON values, for messages."""
        return " hoặc ".join(f"“{c.value}”" if isinstance(c.value, str) else str(c.value).lower()
                             for c in self.choices)


READINGS: dict[str, Reading] = {r.name: r for r in (
    Reading(
        "gap_reading", "Trường hợp Quy định không xác định được mức xếp loại",
        "Điều 11 khoản 2, khoản 3 và khoản 4 (điểm 4.1, 4.2 và đoạn cuối điểm 4.2) Quy định 366-QĐ/TW",
        "Mỗi mức được định nghĩa bằng các điều kiện của nó; khoản 4 liệt kê đủ các trường hợp Không hoàn thành "
        "nhiệm vụ (“dưới 50 điểm hoặc thuộc một trong các trường hợp sau”). Đảng viên không đạt điều kiện của mức "
        "nào và không thuộc trường hợp nào trong đó (ví dụ 50–89 điểm nhưng chỉ hoàn thành 90% nhiệm vụ), hoặc tự "
        "giác nhận lỗi, khắc phục xong hậu quả, thì Quy định để cấp có thẩm quyền xem xét.",
        (Choice("letter", "Theo câu chữ của Quy định",
                "Chưa xác định được mức: hệ thống không chấp thuận cũng không từ chối, cấp có thẩm quyền xem xét, "
                "quyết định."),
         Choice("strict", "Cách hiểu chặt của địa phương",
                "Các trường hợp đó được xếp Không hoàn thành nhiệm vụ; mỗi thông báo ghi rõ đây là cách hiểu của "
                "địa phương, không phải câu chữ của Quy định.")),
    ),
    Reading(
        "quota_base", "Số làm căn cứ tính tỷ lệ Hoàn thành xuất sắc",
        "Điều 11 khoản 1 điểm 1.4 Quy định 366-QĐ/TW; Điều 12 Quy định 124-QĐ/TW",
        "Số đảng viên Hoàn thành xuất sắc nhiệm vụ không quá 20% (25% khi cấp có thẩm quyền quyết định, chỉ theo "
        "Quy định 366) số đảng viên được xếp loại Hoàn thành tốt nhiệm vụ, làm tròn xuống.",
        (Choice("tot_only", "Số Hoàn thành tốt nhiệm vụ (câu chữ)",
                "Tỷ lệ tính trên số đảng viên được xếp loại Hoàn thành tốt nhiệm vụ, không kể số Hoàn thành xuất "
                "sắc."),
         Choice("tot_and_above", "Số từ Hoàn thành tốt nhiệm vụ trở lên",
                "Tỷ lệ tính trên số đảng viên đạt mức Hoàn thành tốt nhiệm vụ trở lên, kể cả số Hoàn thành xuất "
                "sắc, như một số cấp ủy vẫn hiểu.")),
    ),
    Reading(
        "vote_support_required", "Mức chi bộ đề xuất phải được biểu quyết thông qua",
        "Tập quán, không có văn bản trung ương quy định ngưỡng; Điều 3 Điều lệ Đảng (đảng viên dự bị không "
        "biểu quyết)",
        "Mức chi bộ đề xuất được coi là thông qua khi quá nửa số đảng viên chính thức có mặt biểu quyết mức đó "
        "hoặc mức cao hơn.",
        (Choice(True, "Bắt buộc",
                "Mức đề xuất mà biểu quyết chưa quá nửa bị từ chối ở biên bản hội nghị và khi ghi mức chi bộ đề "
                "xuất."),
         Choice(False, "Chỉ cảnh báo",
                "Mức đề xuất vẫn được ghi và in; bảng theo dõi cảnh báo rằng biểu quyết chưa quá nửa.")),
    ),
)}
NAMES = tuple(READINGS)


class RuleSettingChange(Base):
    """One change of a unit's own readings; rows are only added, the newest row of a unit is in force.

    `values` holds the unit's own readings after the change (a reading absent = inherited); `changes` what changed,
    {name: [old, new]} with None for "inherited"."""

    __tablename__ = "rule_setting_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(Text, default="")
    audit_seq: Mapped[Optional[int]] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    unit: Mapped[Unit] = relationship()
    user: Mapped[Optional[User]] = relationship()


@dataclass(frozen=True)
class Source:
    """Where a reading in force comes from: a unit (its id and name) or the installation's default (None)."""

    unit_id: int | None = None
    unit_name: str = ""

    @property
    def label(self) -> str:
        """“mặc định của hệ thống” or the unit's name, e.g. “Đảng bộ phường Ba Đình”."""
        return self.unit_name if self.unit_id is not None else DEFAULT_SOURCE


@dataclass(frozen=True)
class InForce:
    """The readings a unit uses, and where each comes from."""

    unit_id: int | None
    settings: RuleSettings
    sources: dict[str, Source]
    own: dict[str, Any]  # the unit's own readings (those it sets itself)

    def value(self, name: str) -> Any:
        return getattr(self.settings, name)

    def choice(self, name: str) -> Choice:
        return READINGS[name].choice(self.value(name))

    def as_dict(self) -> dict[str, Any]:
        """The JSON of the API: per reading its value, label, meaning, clause, source and whether the unit sets it."""
        out: dict[str, Any] = {"unit_id": self.unit_id, "settings": {}}
        for name, reading in READINGS.items():
            source, choice = self.sources[name], self.choice(name)
            out["settings"][name] = {
                "value": self.value(name), "label": reading.label, "value_label": choice.label,
                "meaning": choice.meaning, "clause": reading.clause, "own": name in self.own,
                "source": source.label, "source_unit_id": source.unit_id,
                "choices": [{"value": c.value, "label": c.label, "meaning": c.meaning} for c in reading.choices]}
        return out

    def summary(self) -> str:
        """One line for the board: “Trường hợp …: Theo câu chữ (mặc định của hệ thống); …”."""
        return "; ".join(f"{READINGS[n].label}: {self.choice(n).label} ({self.sources[n].label})" for n in NAMES)


def own_values(session: Session, unit_id: int) -> dict[str, Any]:
    """The readings the unit sets itself (the newest change's values)."""
    row = session.scalar(select(RuleSettingChange).where(RuleSettingChange.unit_id == unit_id)
                         .order_by(RuleSettingChange.id.desc()).limit(1))
    return {k: v for k, v in (row.values if row else {}).items() if k in READINGS}


def in_force(session: Session, unit_id: int | None) -> InForce:
    """The readings in force at a unit: each the unit's own, else its nearest ancestor's, else the installation's
    (remembered for the rest of the session, like the templates in force; a change forgets them)."""
    cache = session.info.setdefault("unit_rules", {})
    if unit_id in cache:
        return cache[unit_id]
    found: dict[str, Any] = {}
    sources = {name: Source() for name in NAMES}
    own: dict[str, Any] = {}
    for depth, (lineage_id, name, newest) in enumerate(_lineage_values(session, unit_id)):
        values = {k: v for k, v in (newest or {}).items() if k in READINGS}
        if depth == 0:
            own = values
        for reading, value in values.items():
            if reading not in found:
                found[reading], sources[reading] = value, Source(lineage_id, name)
        if len(found) == len(NAMES):
            break
    result = InForce(unit_id, replace(configured(), **found), sources, own)
    cache[unit_id] = result
    return result


def _lineage_statement():
    """(id, parent_id, name, newest change's values) of a unit (:unit_id) and every unit above it: built once."""
    up = select(Unit.id, Unit.parent_id, Unit.name).where(Unit.id == bindparam("unit_id")).cte("lineage",
                                                                                             recursive=True)
    up = up.union(select(Unit.id, Unit.parent_id, Unit.name).join(up, Unit.id == up.c.parent_id))
    newest = (select(RuleSettingChange.values).where(RuleSettingChange.unit_id == up.c.id)
              .order_by(RuleSettingChange.id.desc()).limit(1).scalar_subquery())
    return select(up.c.id, up.c.parent_id, up.c.name, newest.label("newest"))


_LINEAGE = _lineage_statement()


def _lineage_values(session: Session, unit_id: int | None) -> list[tuple[int, str, dict[str, Any] | None]]:
    """(id, name, newest change's values or None) of the unit and each unit above it, nearest first, as
    units.lineage walks them (a loop in the tree ends the walk), in one query: every page of a document asks."""
    if unit_id is None:
        return []
    rows = {row.id: row for row in session.execute(_LINEAGE, {"unit_id": unit_id})}
    out: list[tuple[int, str, dict[str, Any] | None]] = []
    seen: set[int] = set()
    current: int | None = unit_id
    while current is not None and current in rows and current not in seen:
        seen.add(current)
        row = rows[current]
        out.append((row.id, row.name, row.newest))
        current = row.parent_id
    return out


def settings_for(session: Session, unit_id: int | None) -> RuleSettings:
    """The RuleSettings the engine uses for a unit (in_force's settings)."""
    return in_force(session, unit_id).settings


def may_change(session: Session, user: User, unit: Unit) -> bool:
    """An office of the unit or of a unit above it, or the admin."""
    return user.role in MANAGERS and unit.id in visible_unit_ids(session, user)


def readable_unit(session: Session, user: User, unit_id: int) -> Unit:
    """A unit whose readings the user may see (every unit the user sees), else NotFound."""
    unit = session.get(Unit, unit_id) if 0 < unit_id < 2**31 else None
    if unit is None or unit.id not in visible_unit_ids(session, user):
        raise NotFound("Không tìm thấy tổ chức đảng.")
    return unit


class Forbidden(ServiceError):
    """A user who sees the unit but may not change its readings (a secretary): 403 with the reason."""

    status = 403
    code = "khong_duoc_phep"


def _value(name: str, raw: Any, errors: dict[str, list[str]]) -> Any:
    reading = READINGS[name]
    if raw is None or reading.choice(raw) is not None:
        return raw
    errors[name] = [f"{reading.label}: chỉ nhận {reading.allowed()}, hoặc null để theo cấp trên / mặc định."]
    return None


def parse(values: Any) -> tuple[dict[str, Any], str]:
    """The readings to set ({name: value or None to inherit}) and the reason, from a JSON object; InvalidInput with
    a Vietnamese message per bad field (nothing is saved then)."""
    if not isinstance(values, dict):
        raise InvalidInput("Nội dung phải là một đối tượng JSON.", {"payload": [
            "Ví dụ: {\"quota_base\": \"tot_and_above\", \"reason\": \"Nghị quyết cấp ủy số …\"}."]})
    errors: dict[str, list[str]] = {}
    wanted: dict[str, Any] = {}
    for key, raw in values.items():
        if key == "reason":
            continue
        if key not in READINGS:
            errors[str(key)] = [f"Không có cách hiểu “{key}”. Chỉ nhận: {', '.join(NAMES)}, reason."]
            continue
        wanted[key] = _value(key, raw, errors)
    raw_reason = values.get("reason")
    reason = " ".join(text.clean(raw_reason).split()) if isinstance(raw_reason, str) else ""
    if not reason:
        errors["reason"] = ["Nhập lý do thay đổi (ví dụ số nghị quyết, thông báo của cấp ủy)."]
    elif len(reason) > MAX_REASON:
        errors["reason"] = [f"Lý do tối đa {MAX_REASON} ký tự."]
    if not wanted and not errors:
        errors["payload"] = [f"Chưa nêu cách hiểu nào để đặt hoặc bỏ ({', '.join(NAMES)})."]
    if errors:
        raise InvalidInput("Cách hiểu quy định chưa đặt được: " + next(iter(errors.values()))[0], errors)
    return wanted, reason


def change(session: Session, unit: Unit, user: User, values: Any, *,
           actor: Actor | None = None) -> RuleSettingChange | None:
    """Set (a value) or clear (None: inherit again) some of the unit's own readings, with a reason; kept as a new
    row and an audit event. None when nothing differs from what the unit already sets."""
    if not may_change(session, user, unit):
        if unit.id in visible_unit_ids(session, user):
            raise Forbidden("Chỉ văn phòng cấp ủy của đơn vị này hoặc cấp trên, hoặc quản trị viên, được đổi cách "
                            "hiểu quy định.")
        raise NotFound("Không tìm thấy tổ chức đảng.")
    wanted, reason = parse(values)
    before = own_values(session, unit.id)
    after = dict(before)
    for name, value in wanted.items():
        if value is None:
            after.pop(name, None)
        else:
            after[name] = value
    changes = {name: [before.get(name), after.get(name)] for name in NAMES
               if before.get(name, None) != after.get(name, None)
               or type(before.get(name)) is not type(after.get(name))}
    if not changes:
        return None
    who = actor or Actor(user.id, user.username)
    event = audit.record(session, who, "rule_settings", object_type="unit_rules", object_id=unit.id,
                         unit_id=unit.id, unit=unit.name,
                         changes={n: {"old": old, "new": new} for n, (old, new) in changes.items()}, reason=reason)
    row = RuleSettingChange(unit_id=unit.id, values=after, changes=changes, reason=reason, user_id=user.id,
                            actor=who.name, audit_seq=event.seq, created_at=utcnow())
    session.add(row)
    session.flush()
    session.info.pop("unit_rules", None)
    return row


def history(session: Session, unit: Unit, limit: int = 200) -> list[RuleSettingChange]:
    """The unit's changes, newest first."""
    return list(session.scalars(select(RuleSettingChange).where(RuleSettingChange.unit_id == unit.id)
                                .order_by(RuleSettingChange.id.desc()).limit(limit)))


def describe(name: str, value: Any) -> str:
    """A reading's value as people read it; None = “theo cấp trên / mặc định”."""
    if value is None:
        return "theo cấp trên / mặc định"
    choice = READINGS[name].choice(value) if name in READINGS else None
    return choice.label if choice else str(value)
