"""Bounds of everything a client can send, checked before the database sees it (one place for every layer).

PostgreSQL refuses integers beyond int4 in an INTEGER column, NUL characters in text, and strings longer than
their VARCHAR; SQLite accepts them all. Each check here answers InvalidInput with a Vietnamese message on the
field instead, so a client's mistake is a 422, never a 500.
"""
from __future__ import annotations

import math
import re
from typing import Any

from .errors import InvalidInput

INT4_MAX = 2**31 - 1  # PostgreSQL INTEGER, the type of every id and count column
JSON_MAX_DEPTH = 32  # deeper nesting is no document of ours (and would exhaust the parser's stack)
JSON_MAX_BYTES = 2 * 1024 * 1024  # a full self-review is ~60 kB
MAX_DECIMAL = 1e12  # scores and percentages are small; anything this large is a typing accident
ASCII_INT = re.compile(r"[+-]?[0-9]{1,12}")  # whole numbers as people type them, in ASCII digits only
ASCII_DECIMAL = re.compile(r"[+-]?[0-9]{1,12}([.,][0-9]{1,6})?")  # 25 / 25,5 / 25.5

# C0 controls except tab, LF and CR; lone surrogates; the non-characters U+FFFE/U+FFFF.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def strip_controls(value: str) -> str:
    """Remove what PostgreSQL (NUL) or XML (other controls) refuse; printable text is unchanged."""
    return _CONTROL.sub("", value)


def has_controls(value: str) -> bool:
    """True when the text carries a character strip_controls would remove."""
    return bool(_CONTROL.search(value))


def strip_controls_deep(obj: Any) -> Any:
    """strip_controls over every string of a parsed JSON value, keys too."""
    if isinstance(obj, str):
        return strip_controls(obj)
    if isinstance(obj, dict):
        return {strip_controls_deep(k): strip_controls_deep(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [strip_controls_deep(v) for v in obj]
    return obj


def json_depth(obj: Any) -> int:
    """How deeply lists and objects nest (a scalar is 0); iterative, so no recursion limit applies."""
    depth, stack = 0, [(obj, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            depth = max(depth, level)
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            depth = max(depth, level)
            stack.extend((v, level + 1) for v in item)
    return depth


def finite_float(raw: str) -> float:
    """JSON number → float, refusing what overflows to infinity ("1e309")."""
    value = float(raw)
    if not math.isfinite(value):
        raise ValueError(f"Số {raw[:20]} quá lớn.")
    return value


def to_int(value: Any, field: str, label: str, *, minimum: int = 0, maximum: int = INT4_MAX,
           required: bool = True) -> int | None:
    """A whole number within [minimum, maximum] from JSON or form text ("12"); ASCII digits only ("²" is not 2).

    Raises InvalidInput on `field`; None when empty and not required."""
    if value is None or value == "":
        if required:
            raise InvalidInput(f"Thiếu {label}.", {field: [f"Vui lòng nhập {label}."]})
        return None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, str) and ASCII_INT.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        number = None
    if number is None:
        raise InvalidInput(f"{label.capitalize()} không hợp lệ.",
                           {field: [f"{label.capitalize()} phải là số nguyên (chữ số 0–9)."]})
    if not minimum <= number <= maximum:
        raise InvalidInput(f"{label.capitalize()} không hợp lệ.",
                           {field: [f"{label.capitalize()} phải từ {minimum} đến {maximum}."]})
    return number


def to_text(value: Any, field: str, label: str, *, max_length: int, required: bool = False) -> str:
    """Text of at most `max_length` characters, controls stripped; numbers are not text."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(f"{label.capitalize()} không hợp lệ.", {field: [f"{label.capitalize()} phải là chữ."]})
    value = strip_controls(value).strip()
    if required and not value:
        raise InvalidInput(f"Thiếu {label}.", {field: [f"Vui lòng nhập {label}."]})
    if len(value) > max_length:
        raise InvalidInput(f"{label.capitalize()} quá dài.",
                           {field: [f"{label.capitalize()} tối đa {max_length} ký tự (đang có {len(value)})."]})
    return value


class Collector:
    """Gathers every field's error before raising once, so a client sees all its mistakes together."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def take(self, fn, *args, **kwargs):
        """Call a to_* check; on InvalidInput keep its messages and return None."""
        try:
            return fn(*args, **kwargs)
        except InvalidInput as exc:
            for name, messages in exc.fields.items():
                self.fields.setdefault(name, []).extend(messages)
            return None

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def raise_if_any(self, message: str = "Dữ liệu chưa hợp lệ.") -> None:
        if self.fields:
            raise InvalidInput(message, self.fields)


def check_row_bounds(session: Any, _flush_context: Any = None, _instances: Any = None) -> None:
    """Before every flush: no new or changed row may carry text longer than its column, a NUL, or an integer
    beyond int4. The last line of defence behind the forms' and services' own checks (which name the field in
    words); here the field is the column, but the answer is still a 422 and nothing is written."""
    from sqlalchemy import BigInteger, Integer, String
    from sqlalchemy import inspect as sa_inspect

    errors: dict[str, list[str]] = {}
    for obj in list(session.new) + list(session.dirty):
        state = sa_inspect(obj)
        for attr in state.mapper.column_attrs:
            value = state.dict.get(attr.key)
            column_type = attr.columns[0].type
            if isinstance(value, str):
                length = getattr(column_type, "length", None)
                if isinstance(column_type, String) and length and len(value) > length:
                    errors.setdefault(attr.key, []).append(f"Tối đa {length} ký tự (đang có {len(value)}).")
                if "\x00" in value:
                    errors.setdefault(attr.key, []).append("Có ký tự điều khiển không hợp lệ (NUL).")
            elif (isinstance(value, int) and not isinstance(value, bool) and isinstance(column_type, Integer)
                  and not isinstance(column_type, BigInteger) and not -INT4_MAX - 1 <= value <= INT4_MAX):
                errors.setdefault(attr.key, []).append(f"Số quá lớn (tối đa {INT4_MAX}).")
    if errors:
        raise InvalidInput("Dữ liệu vượt giới hạn cho phép, chưa lưu.", errors)
