"""Strict reading of API input into Person objects: unknown keys and bad values become InvalidInput."""
from __future__ import annotations

import math
import re
from dataclasses import MISSING, fields
from datetime import date
from typing import Any, Callable

from ..errors import InvalidInput
from .levels import GRADES, LEVEL_CODES
from .model import FIELD_LABELS, Person
from .regime_124 import CRITERIA

MAX_ID_LENGTH = 100
STATUSES = ("active", "exempted", "suspended")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class _Bad(Exception):
    """One field's value is unusable; the message says what is expected."""


def _label(name: str) -> str:
    """The field's Vietnamese name, capitalised for the start of a message."""
    text = FIELD_LABELS[name]
    return text[0].upper() + text[1:]


def _number(name: str, lo: float, hi: float, unit: str = "") -> Callable[[Any], float]:
    """A reader of a finite number within [lo, hi] (bool is not a number)."""
    def read(v: Any) -> float:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or not lo <= v <= hi:
            raise _Bad(f"{_label(name)} phải từ {lo} đến {hi}{unit}.")
        return v
    return read


def _boolean(name: str) -> Callable[[Any], bool]:
    """A reader of a JSON true/false."""
    def read(v: Any) -> bool:
        if not isinstance(v, bool):
            raise _Bad(f"{_label(name)}: phải là true hoặc false.")
        return v
    return read


def _choice(name: str, options: tuple[str, ...]) -> Callable[[Any], str]:
    """A reader of one of the listed codes."""
    def read(v: Any) -> str:
        if v not in options or not isinstance(v, str):
            raise _Bad(f"{_label(name)} phải là một trong: {', '.join(options)}.")
        return v
    return read


def _identifier(v: Any) -> str:
    """The member id: a non-empty string of bounded length."""
    if not isinstance(v, str) or not v.strip() or len(v) > MAX_ID_LENGTH:
        raise _Bad(f"Mã đảng viên (id) là bắt buộc: một chuỗi không rỗng, tối đa {MAX_ID_LENGTH} ký tự.")
    return v


def _day(v: Any) -> date:
    """A real calendar date written YYYY-MM-DD (or a date object from Python callers)."""
    if isinstance(v, date):
        return v
    try:
        if isinstance(v, str) and _ISO_DATE.fullmatch(v):
            return date.fromisoformat(v)
    except ValueError:
        pass
    raise _Bad("Ngày vào Đảng phải là một ngày có thật, dạng YYYY-MM-DD (ví dụ 2024-06-30).")


_PCT = {n: _number(n, 0, 100, "%") for n in (
    "tasks_done_pct", "tasks_exceeded_pct", "tasks_late_pct", "previous_shortcomings_fixed_pct",
    "low_confidence_pct", "units_led_tasks_done_pct", "units_led_exceeded_pct", "units_led_late_pct",
    "units_led_not_completed_pct")}
READERS: dict[str, Callable[[Any], Any]] = {
    "id": _identifier,
    "status": _choice("status", STATUSES),
    "admitted_on": _day,
    "score_general": _number("score_general", 0, 30),
    "score_tasks": _number("score_tasks", 0, 70),
    "proposed": _choice("proposed", LEVEL_CODES),
    "sick_leave_months": _number("sick_leave_months", 0, 12),
    **_PCT,
}
_GRADE_CODES = tuple(code for code, _ in GRADES)


def _grades(v: Any, where: str, errors: dict[str, list[str]]) -> dict[str, str] | None:
    """Criterion key -> grade; each bad entry is reported under its own key."""
    if not isinstance(v, dict):
        errors.setdefault(where, []).append(
            "Kết quả đánh giá các tiêu chí phải là một đối tượng {tiêu chí: mức}, "
            "ví dụ {\"ket_qua_nhiem_vu\": \"tot\"}.")
        return None
    for key, grade in v.items():
        if key not in CRITERIA:
            errors.setdefault(f"{where}.{key}", []).append(
                f"Tiêu chí không được hỗ trợ. Các tiêu chí: {', '.join(CRITERIA)}.")
        elif grade not in _GRADE_CODES or not isinstance(grade, str):
            errors.setdefault(f"{where}.{key}", []).append(
                f"Mức đánh giá tiêu chí phải là một trong: {', '.join(_GRADE_CODES)}.")
    return dict(v)


def read_person(d: Any, path: str = "") -> tuple[Person | None, dict[str, list[str]]]:
    """Person from a JSON object, plus every field error found, keyed "<path>.<field>"."""
    errors: dict[str, list[str]] = {}
    if not isinstance(d, dict):
        errors[path or "person"] = ["Mỗi đảng viên phải là một đối tượng JSON."]
        return None, errors
    at = (lambda name: f"{path}.{name}") if path else (lambda name: name)
    known = {f.name: f for f in fields(Person)}
    for key in d:
        if key not in known:
            errors.setdefault(at(str(key)), []).append(f"Trường không được hỗ trợ: {key}.")
    values: dict[str, Any] = {}
    for name, f in known.items():
        if name not in d:
            if f.default is MISSING:
                errors.setdefault(at(name), []).append(f"Thiếu trường bắt buộc: {name}.")
            continue
        v = d[name]
        if v is None and f.default is None:
            values[name] = None
            continue
        try:
            if name == "criteria_grades":
                values[name] = _grades(v, at(name), errors)
            elif name in READERS:
                values[name] = READERS[name](v)
            else:
                values[name] = _boolean(name)(v)
        except _Bad as e:
            errors.setdefault(at(name), []).append(str(e))
    if errors:
        return None, errors
    return Person(**values), {}


def person_from_dict(d: dict, *, path: str = "") -> Person:
    """Strict: unknown keys or bad types/values raise InvalidInput with a Vietnamese message per field."""
    person, errors = read_person(d, path)
    if errors:
        raise InvalidInput("Thông tin đảng viên không hợp lệ.", errors)
    return person
