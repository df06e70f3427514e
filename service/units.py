"""The unit tree an office runs: create, rename, move, close units, and what each prints at the top of its documents.

Who may change what: the admin any unit; an office its own unit's printed lines and everything below it (it may
not move or close its own unit, that belongs to the level above).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import text
from .access import subtree_ids
from .errors import InvalidInput, NotFound
from .models import LEFT_STATUSES, UNIT_KINDS, Member, Unit, User

# Which kind may sit under which (None: at the top of the tree).
ALLOWED_PARENTS: dict[str, tuple[str | None, ...]] = {
    "dang_bo": (None, "dang_bo"),
    "dang_bo_co_so": ("dang_bo",),
    "chi_bo_co_so": ("dang_bo",),
    "dang_bo_bo_phan": ("dang_bo_co_so",),
    "chi_bo": ("dang_bo_co_so", "dang_bo_bo_phan", "dang_bo"),
}
# Kinds whose members are listed and reviewed directly (a member always belongs to one of these).
CHI_BO_KINDS = ("chi_bo", "chi_bo_co_so")
# Under a đảng ủy cơ sở (or bộ phận) a chi bộ has no seal: its signatures carry no "và đóng dấu".
SEALLESS_UNDER = ("dang_bo_co_so", "dang_bo_bo_phan")
EDITABLE = ("name", "superior_line", "header_line", "place", "has_seal", "signer_body", "signer_title")
LIMITS = {"name": 200, "superior_line": 200, "header_line": 200, "place": 100, "signer_body": 150,
          "signer_title": 100}


def manageable_ids(session: Session, user: User) -> set[int]:
    """Units whose tree, members and accounts the user manages: all for the admin, an office's subtree."""
    if user.role == "admin":
        return set(session.scalars(select(Unit.id)).all())
    if user.role == "office" and user.unit_id:
        return subtree_ids(session, user.unit_id)
    return set()


def managed_unit(session: Session, user: User, unit_id: int) -> Unit:
    """The unit if the user manages it, else NotFound (a unit one may not manage looks like a missing one)."""
    unit = session.get(Unit, unit_id)
    if unit is None or unit.id not in manageable_ids(session, user):
        raise NotFound("Không tìm thấy tổ chức đảng.")
    return unit


def seal_by_default(kind: str, parent: Unit | None) -> bool:
    """Whether a unit of this kind under this parent has its own seal."""
    return not (kind in ("chi_bo", "dang_bo_bo_phan") and parent is not None and parent.kind in SEALLESS_UNDER)


def _line(value: Any, field: str) -> str:
    """One printed line: NFC, single spaces, within its length."""
    if value is not None and not isinstance(value, str):
        raise InvalidInput("Phải là một chuỗi ký tự.", {field: ["Phải là một chuỗi ký tự."]})
    line = " ".join(text.clean(str(value or "")).split())
    if len(line) > LIMITS[field]:
        raise InvalidInput(f"Quá dài (tối đa {LIMITS[field]} ký tự).", {field: [f"Tối đa {LIMITS[field]} ký tự."]})
    return line


def _check_parent(session: Session, kind: str, parent: Unit | None, moving: Unit | None = None) -> None:
    allowed = ALLOWED_PARENTS[kind]
    if parent is None and None not in allowed:
        raise InvalidInput(f"{UNIT_KINDS[kind]} phải thuộc một tổ chức đảng cấp trên.",
                           {"parent_id": ["Chọn tổ chức cấp trên."]})
    if parent is not None:
        if parent.kind not in allowed:
            names = ", ".join(UNIT_KINDS[k] for k in allowed if k)
            raise InvalidInput(f"{UNIT_KINDS[kind]} không thể trực thuộc {parent.kind_label.lower()}; "
                               f"chỉ trực thuộc: {names.lower()}.", {"parent_id": ["Cấp trên không phù hợp."]})
        if parent.closed_on is not None:
            raise InvalidInput(f"{parent.name} đã giải thể.", {"parent_id": ["Tổ chức cấp trên đã giải thể."]})
        if moving is not None and parent.id in subtree_ids(session, moving.id):
            raise InvalidInput("Không thể chuyển một tổ chức vào chính nó hoặc tổ chức trực thuộc nó.",
                               {"parent_id": ["Cấp trên không hợp lệ."]})


def create_unit(session: Session, user: User, values: dict[str, Any]) -> Unit:
    """A new unit under one the user manages (only the admin creates a top-level đảng bộ)."""
    kind = str(values.get("kind") or "")
    if kind not in UNIT_KINDS:
        raise InvalidInput("Loại tổ chức không hợp lệ.", {"kind": [f"Chọn một trong: {', '.join(UNIT_KINDS)}."]})
    name = _line(values.get("name"), "name")
    if not name:
        raise InvalidInput("Thiếu tên tổ chức.", {"name": ["Nhập tên tổ chức."]})
    parent_id = values.get("parent_id")
    parent = None
    if parent_id not in (None, ""):
        parent = managed_unit(session, user, _int(parent_id, "parent_id"))
    elif user.role != "admin":
        raise InvalidInput("Chọn tổ chức cấp trên.", {"parent_id": ["Chọn tổ chức cấp trên."]})
    _check_parent(session, kind, parent)
    unit = Unit(name=name, kind=kind, parent=parent, has_seal=seal_by_default(kind, parent),
                place=_line(values.get("place"), "place"))
    session.add(unit)
    _apply(unit, {k: v for k, v in values.items() if k in EDITABLE and k not in ("name", "place")})
    session.flush()
    return unit


def _int(value: Any, field: str) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise InvalidInput("Mã tổ chức không hợp lệ.", {field: ["Phải là một số."]}) from None
    if not 0 < number < 2**31:
        raise InvalidInput("Mã tổ chức không hợp lệ.", {field: ["Ngoài phạm vi."]})
    return number


def _apply(unit: Unit, values: dict[str, Any]) -> None:
    for field, value in values.items():
        if field == "has_seal":
            if not isinstance(value, bool):
                value = str(value).strip().lower() in ("1", "true", "on", "yes", "có")
            unit.has_seal = value
        elif field in EDITABLE:
            line = _line(value, field)
            if field == "name" and not line:
                raise InvalidInput("Thiếu tên tổ chức.", {"name": ["Nhập tên tổ chức."]})
            if field in ("superior_line", "header_line", "signer_body", "signer_title"):
                line = line.upper()
            setattr(unit, field, line)


def update_unit(session: Session, user: User, unit: Unit, values: dict[str, Any]) -> Unit:
    """Rename, change printed lines, seal and signer, or move (parent_id) a unit the user manages."""
    unknown = set(values) - set(EDITABLE) - {"parent_id", "kind"}
    if unknown:
        raise InvalidInput("Trường không được phép sửa: " + ", ".join(sorted(unknown)) + ".")
    if "kind" in values and values["kind"] != unit.kind:
        raise InvalidInput("Không đổi được loại tổ chức; hãy lập tổ chức mới.", {"kind": ["Không đổi được."]})
    if unit.closed_on is not None:
        raise InvalidInput("Tổ chức đã giải thể, không sửa được.")
    if "parent_id" in values and (values["parent_id"] or None) != unit.parent_id:
        if user.role != "admin" and unit.id == user.unit_id:
            raise InvalidInput("Không thể tự chuyển tổ chức của mình; cấp trên thực hiện việc này.")
        parent = managed_unit(session, user, _int(values["parent_id"], "parent_id")) \
            if values["parent_id"] not in (None, "") else None
        if parent is None and user.role != "admin":
            raise InvalidInput("Chọn tổ chức cấp trên.", {"parent_id": ["Chọn tổ chức cấp trên."]})
        _check_parent(session, unit.kind, parent, moving=unit)
        unit.parent = parent
    _apply(unit, {k: v for k, v in values.items() if k in EDITABLE})
    session.flush()
    return unit


def close_unit(session: Session, user: User, unit: Unit, on: date) -> Unit:
    """Mark a unit dissolved (giải thể) from a date; it must have no open unit or current member under it."""
    if user.role != "admin" and unit.id == user.unit_id:
        raise InvalidInput("Không thể tự giải thể tổ chức của mình; cấp trên thực hiện việc này.")
    if any(child.closed_on is None for child in unit.children):
        raise InvalidInput("Còn tổ chức trực thuộc đang hoạt động: hãy chuyển hoặc giải thể trước.")
    members = session.scalar(select(Member.id).where(Member.unit_id == unit.id,
                                                     Member.status.notin_(LEFT_STATUSES)).limit(1))
    if members is not None:
        raise InvalidInput("Còn đảng viên đang sinh hoạt: hãy chuyển sinh hoạt họ sang chi bộ khác trước.")
    unit.closed_on = on
    session.flush()
    return unit


@dataclass(frozen=True)
class TreeRow:
    """A unit in an indented listing."""

    unit: Unit
    depth: int


def tree(session: Session, ids: set[int]) -> list[TreeRow]:
    """The units of `ids` as an indented tree, siblings in Vietnamese order (closed ones last)."""
    units = session.scalars(select(Unit).where(Unit.id.in_(ids))).all() if ids else []
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in ids else None
        children.setdefault(parent, []).append(unit)
    out: list[TreeRow] = []

    def walk(parent: int | None, depth: int) -> None:
        for unit in sorted(children.get(parent, []),
                           key=lambda u: (u.closed_on is not None, text.phrase_sort_key(u.name))):
            out.append(TreeRow(unit, depth))
            walk(unit.id, depth + 1)
    walk(None, 0)
    return out


def lineage(session: Session, unit_id: int | None) -> list[Unit]:
    """The unit, its parent, … up to the top of the tree: the order in which a unit's own settings (templates,
    rule readings) win over inherited ones. Empty for None or a missing unit; a loop in the tree ends the walk."""
    out: list[Unit] = []
    seen: set[int] = set()
    while unit_id is not None and unit_id not in seen:
        seen.add(unit_id)
        unit = session.get(Unit, unit_id)
        if unit is None:
            break
        out.append(unit)
        unit_id = unit.parent_id
    return out


def own_line(unit: Unit) -> str:
    """The unit's own header line, as printed (capitals)."""
    return unit.header_line or text.clean(unit.name).upper()


def superior_line(unit: Unit) -> str:
    """The superior body's line above the unit's own one."""
    if unit.superior_line:
        return unit.superior_line
    return own_line(unit.parent) if unit.parent else ""


def deciding_unit(unit: Unit) -> Unit | None:
    """The unit whose committee decides the ratings of a chi bộ's members and issues their re-rating decision
    (HD 43 Mẫu 03), None for a đảng bộ (its own committee decides). A chi bộ trực thuộc: the đảng bộ cơ sở above it
    (a đảng ủy bộ phận only proposes: HD 43 §3); a chi bộ cơ sở, or a chi bộ directly under a đảng bộ: the
    superior body (the reference is not sure here, the form's help says so; docs/REGULATIONS.md, Procedure)."""
    if unit.kind not in CHI_BO_KINDS:
        return None
    node = unit.parent
    while node is not None and node.kind == "dang_bo_bo_phan" and node.parent is not None:
        node = node.parent
    return node


def place_of(unit: Unit, default_place: str) -> str:
    """The place on the date line: the unit's, else its nearest ancestor's, else the installation's default."""
    node: Unit | None = unit
    while node is not None:
        if node.place:
            return node.place
        node = node.parent
    return default_place


def default_signer_body(unit: Unit) -> str:
    """After "T/M": the unit's setting, else CHI BỘ for a chi bộ, ĐẢNG ỦY for a đảng bộ."""
    if unit.signer_body:
        return unit.signer_body
    return "CHI BỘ" if unit.kind in CHI_BO_KINDS else "ĐẢNG ỦY"


def default_signer_title(unit: Unit) -> str:
    """The signer's post under "T/M …": the unit's setting, else BÍ THƯ."""
    return unit.signer_title or "BÍ THƯ"


def signature_note(unit: Unit) -> str:
    """The line under a collective signature: with "và đóng dấu" only when the unit has a seal."""
    return "(Ký, ghi rõ họ tên và đóng dấu)" if unit.has_seal else "(Ký, ghi rõ họ tên)"


def as_dict(unit: Unit) -> dict[str, Any]:
    """A unit for the JSON API."""
    return {"id": unit.id, "name": unit.name, "kind": unit.kind, "kind_label": unit.kind_label,
            "parent_id": unit.parent_id, "superior_line": superior_line(unit), "header_line": own_line(unit),
            "place": unit.place, "has_seal": unit.has_seal, "signer_body": default_signer_body(unit),
            "signer_title": default_signer_title(unit),
            "closed_on": unit.closed_on.isoformat() if unit.closed_on else None}
