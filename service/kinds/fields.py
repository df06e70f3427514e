"""A document kind's fields as plain data: what each is called, how it is typed, checked, stored and printed.

A `Field` is one input of a kind (its `type` says how it is typed in: text, markdown, date, time, number,
percent, integer, year, choice, level, boolean, table). The functions below are the one place for what a type means:
`parse` reads what a person typed (or what the API sent, as text) with its Vietnamese message when it is wrong,
`limit_problem` checks its bounds, `stored` gives the JSON value kept in the database, `printed` the template
variables, `describe` what /api/v1/kinds lists. The page forms (forms/) are generated from these declarations and
only choose a widget per type (their inputs read typed text with the same functions).

| type | stored (JSON) | template variable(s) |
|---|---|---|
| text | string | the string |
| markdown | string (Markdown) | a `RichTextParagraph`: `{{p name }}` alone in its paragraph |
| date | "YYYY-MM-DD" (typed dd/mm/yyyy) | "05/12/2026" |
| time | "14:30" | "14 giờ 30 phút" |
| number | number (decimal comma or point) | "27,5" |
| percent | number 0–100 (decimal comma or point, a trailing “%” allowed) | "87,5" |
| integer, year | integer | the integer |
| choice | value | its label |
| level | xuat_sac, tot, hoan_thanh, khong_hoan_thanh | mark_xuat_sac … = "☒"/"☐" |
| boolean | true/false | true/false |
| table | list of row objects | list of row dicts: `stt` (1-based) and each column's variables |
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date
from decimal import Decimal
from typing import Any

from .. import bounds, text
from ..richtext import markdown_to_paragraphs
from ..rules.levels import LEVELS

CHECKED, UNCHECKED = "☒", "☐"
MARKDOWN_MAX = 50_000
MD_HELP = " Có thể dùng Markdown: dòng trống để tách đoạn, **đậm**, *nghiêng*, danh sách “- ” hoặc “1. ”."
TYPES = ("text", "markdown", "date", "time", "number", "percent", "integer", "year", "choice", "level", "boolean",
         "table")
# The type as /api/v1/kinds names it (a level is a choice among the four levels, a year an integer, a percentage
# a number from 0 to 100).
API_TYPES = {"year": "integer", "level": "choice", "percent": "number"}


class Unreadable(ValueError):
    """What was typed cannot be read as the field's type; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class Field:
    """One input of a kind. `section` is the official section number the label starts with ("A.II.1."): the page's
    section menu follows it. `prints` replaces the template variables of the value (a field printed inside another
    line gives {}); `tidy` cleans typed text (e.g. the punctuation a template prints itself)."""

    name: str
    type: str
    label: str
    help: str = ""
    required: bool = False
    max_length: int = 300
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[tuple[str, str], ...] = ()  # (value, label); an empty value labels "not chosen yet"
    section: str = ""
    lines: int | None = None  # height of a long answer's box
    default: Any = None  # shown on a new page when the data does not have the field
    columns: tuple[Field, ...] = ()  # a table's columns
    max_rows: int = 200
    # a table row's own rules: (clean row) → (column, message) pairs
    row_checks: tuple[Callable[[dict[str, Any]], Iterable[tuple[str, str]]], ...] = dataclass_field(
        default=(), repr=False)
    earliest: date = date(1900, 1, 1)
    prints: Callable[[str, Any], dict[str, Any]] | None = dataclass_field(default=None, compare=False, repr=False)
    tidy: Callable[[str], str] | None = dataclass_field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"unknown field type {self.type!r} for {self.name}")

    @property
    def labels(self) -> dict[str, str]:
        """value → label of a choice or level."""
        return dict(LEVELS) if self.type == "level" else dict(self.choices)

    def column(self, name: str) -> Field:
        return next(c for c in self.columns if c.name == name)


# ---- constructors, so a declaration reads like the printed form ------------------------------------------------

def text_field(name: str, label: str, help: str = "", *, required: bool = False, max_length: int = 300,
               section: str = "", **kw) -> Field:
    return Field(name, "text", label, help, required=required, max_length=max_length, section=section, **kw)


def markdown_field(name: str, label: str, help: str = "", *, required: bool = False, section: str = "",
                   lines: int | None = 6, **kw) -> Field:
    return Field(name, "markdown", label, help, required=required, section=section, lines=lines, **kw)


def section_field(name: str, code: str, label: str, help_text: str, required: bool = True) -> Field:
    """A long answer mapped to an official section; the label starts with the section's number."""
    return markdown_field(name, f"{code} {label}", help_text + MD_HELP, required=required, section=code)


def date_field(name: str, label: str, help: str = "", *, required: bool = False, section: str = "", **kw) -> Field:
    return Field(name, "date", label, help, required=required, section=section, **kw)


def time_field(name: str, label: str, help: str = "", *, required: bool = False, section: str = "", **kw) -> Field:
    return Field(name, "time", label, help, required=required, section=section, **kw)


def score_field(name: str, label: str, help: str = "", *, maximum: float = 100, required: bool = False,
                section: str = "", **kw) -> Field:
    return Field(name, "number", label, help, required=required, minimum=0, maximum=maximum, section=section, **kw)


def percent_field(name: str, label: str, help: str = "", *, required: bool = False, section: str = "",
                  **kw) -> Field:
    """A percentage from 0 to 100 (its messages speak of a rate, not of points)."""
    return Field(name, "percent", label, help, required=required, minimum=0, maximum=100, section=section, **kw)


def int_field(name: str, label: str, help: str = "", *, minimum: int = 0, maximum: int = 100_000,
              required: bool = False, section: str = "", **kw) -> Field:
    return Field(name, "integer", label, help, required=required, minimum=minimum, maximum=maximum,
                 section=section, **kw)


def choice_field(name: str, label: str, choices: Iterable[tuple[str, str]], help: str = "", *,
                 required: bool = False, section: str = "", **kw) -> Field:
    return Field(name, "choice", label, help, required=required, choices=tuple(choices), section=section, **kw)


def level_field(name: str, label: str, help: str = "", *, required: bool = False, section: str = "",
                **kw) -> Field:
    return Field(name, "level", label, help, required=required, section=section, **kw)


def flag_field(name: str, label: str, help: str = "", **kw) -> Field:
    return Field(name, "boolean", label, help, **kw)


def table_field(name: str, label: str, columns: Iterable[Field], help: str = "", *, required: bool = False,
                max_rows: int = 200, section: str = "", **kw) -> Field:
    return Field(name, "table", label, help, required=required, columns=tuple(columns), max_rows=max_rows,
                 section=section, **kw)


# ---- reading, checking, storing, printing ---------------------------------------------------------------------

def short_label(label: str, limit: int = 70) -> str:
    """A label short enough for a message: long section titles are cut at a word boundary."""
    if len(label) <= limit:
        return label
    return label[:limit].rsplit(" ", 1)[0].rstrip(",;") + "…"


def required_message(field: Field) -> str:
    return f"Vui lòng nhập mục “{short_label(field.label)}”."


def is_empty(value: Any) -> bool:
    return value in (None, "", [])


def parse_date(raw: Any) -> date | None:
    """ISO or Vietnamese day/month/year; None when it is not a real date (text.parse_date says why)."""
    if isinstance(raw, date):
        return raw
    if not isinstance(raw, str) or not raw:
        return None
    try:
        return text.parse_date(raw)
    except ValueError:
        return None


def parse_int(raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not bounds.ASCII_INT.fullmatch(raw):  # "²" and other scripts' digits are not numbers here
        raise Unreadable(f"“{raw[:30]}” không phải là số nguyên.")
    return int(raw)


def parse_year(raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 4):
        raise Unreadable("Năm kiểm điểm phải là số, ví dụ 2025.")
    return int(raw)


def parse_score(raw: str) -> float | None:
    raw = raw.strip()
    if not raw:
        return None
    if not bounds.ASCII_DECIMAL.fullmatch(raw):  # "1e309", "²", "inf" are not points
        raise Unreadable(f"“{raw[:30]}” không phải là số điểm.")
    return round(float(raw.replace(",", ".")), 2)


def parse_percent(raw: str) -> float | None:
    raw = raw.strip()
    if not raw:
        return None
    number = raw[:-1].rstrip() if raw.endswith("%") else raw  # "87,5%" is what people write
    if not bounds.ASCII_DECIMAL.fullmatch(number):
        raise Unreadable(f"“{raw[:30]}” không phải là một tỷ lệ phần trăm: hãy nhập số từ 0 đến 100, ví dụ 87,5.")
    return round(float(number.replace(",", ".")), 2)


def parse_time(raw: str) -> str | None:
    raw = raw.strip().lower()
    if not raw:
        return None
    match = re.fullmatch(r"(\d{1,2})\s*(?::|h|giờ)\s*(\d{0,2})\s*(?:phút)?", raw)
    if not match or int(match.group(1)) > 23 or int(match.group(2) or 0) > 59:
        raise Unreadable(f"Giờ “{raw}” không hợp lệ: hãy nhập dạng giờ:phút, ví dụ 14:30.")
    return f"{int(match.group(1)):02d}:{int(match.group(2) or 0):02d}"


def parse_flag(raw: str) -> bool:
    return raw not in ("", "false")


def parse(field: Field, raw: str) -> Any:
    """The value of what was typed (a table's rows are parsed column by column elsewhere); Unreadable says why
    it cannot be read. Text is already cleaned (NFC, no XML-illegal characters)."""
    kind = field.type
    if kind == "text":
        value = raw.strip()
        return field.tidy(value) if field.tidy else value
    if kind == "markdown":
        return raw.strip("\n")
    if kind == "date":
        raw = raw.strip()
        if not raw:
            return None
        try:
            return text.parse_date(raw)
        except ValueError as exc:
            raise Unreadable(str(exc)) from None
    if kind == "time":
        return parse_time(raw)
    if kind == "number":
        return parse_score(raw)
    if kind == "percent":
        return parse_percent(raw)
    if kind == "integer":
        return parse_int(raw)
    if kind == "year":
        return parse_year(raw)
    if kind in ("choice", "level"):
        return raw or None
    if kind == "boolean":
        return parse_flag(raw)
    raise ValueError(f"{field.name}: a table is parsed row by row")


def format_number(value: float) -> str:
    """25.0 → '25', 25.5 → '25,5': rounded to two decimals, then written the Vietnamese way."""
    return text.vn_number(Decimal(f"{value:.2f}"))


def limit_problem(field: Field, value: Any) -> str | None:
    """Why a read value is out of the field's bounds, or None."""
    kind = field.type
    if value is None or value == "":
        return None
    if kind == "text" and len(value) > field.max_length:
        return f"Tối đa {field.max_length} ký tự."
    if kind == "markdown" and len(value) > MARKDOWN_MAX:
        return "Nội dung quá dài (tối đa 50.000 ký tự)."
    if kind == "date" and not (field.earliest <= value <= date(2100, 12, 31)):
        return f"Ngày phải trong khoảng {text.short_date(field.earliest)} đến 31/12/2100."
    if kind == "number" and not (field.minimum <= value <= field.maximum):
        return f"Điểm phải từ {field.minimum} đến {format_number(field.maximum)}."
    if kind == "percent" and not (field.minimum <= value <= field.maximum):
        return f"Tỷ lệ phải từ {format_number(field.minimum)} đến {format_number(field.maximum)}%."
    if kind == "integer" and not (field.minimum <= value <= field.maximum):
        return f"Phải từ {field.minimum} đến {field.maximum}."
    if kind == "year" and not (0 <= value <= 9999):
        return "Phải từ 0 đến 9999."
    if kind == "choice" and value not in field.labels:
        return "Lựa chọn không hợp lệ."
    if kind == "level" and value not in field.labels:
        return "Mức xếp loại không hợp lệ."
    return None


def stored(field: Field, value: Any) -> Any:
    """A read value as kept in the database and accepted by the API."""
    kind = field.type
    if kind == "date":
        return value.isoformat() if value else ""
    if kind in ("integer", "year", "number", "percent"):
        return value
    if kind == "boolean":
        return bool(value)
    return value if value is not None else ""


def printed(field: Field, value: Any) -> dict[str, Any]:
    """The template variables of a stored value."""
    if field.prints is not None:
        return field.prints(field.name, value)
    name, kind = field.name, field.type
    if kind == "markdown":
        return {name: markdown_to_paragraphs(value or "")}
    if kind == "date":
        parsed = parse_date(value)
        return {name: text.short_date(parsed) if parsed else ""}
    if kind == "time":
        if not value:
            return {name: "… giờ … phút"}
        hours, minutes = value.split(":")
        return {name: f"{hours} giờ {minutes} phút"}
    if kind in ("number", "percent"):
        return {name: format_number(value) if value is not None and value != "" else ""}
    if kind == "choice":
        return {name: field.labels.get(value, "") if value else ""}
    if kind == "level":
        return {f"mark_{code}": CHECKED if code == value else UNCHECKED for code in field.labels}
    if kind == "boolean":
        return {name: bool(value)}
    if kind == "table":
        rows = []
        for index, row in enumerate(value or [], start=1):
            cells: dict[str, Any] = {"stt": index}
            for column in field.columns:
                cells.update(printed(column, row.get(column.name) if isinstance(row, dict) else None))
            rows.append(cells)
        return {name: rows}
    return {name: value if value is not None else ""}


def describe(field: Field) -> dict[str, Any]:
    """One field as /api/v1/kinds lists it."""
    item: dict[str, Any] = {"name": field.name, "label": field.label, "type": API_TYPES.get(field.type, field.type),
                            "required": field.required, "help": field.help}
    if field.type in ("choice", "level"):
        item["choices"] = [{"value": v, "label": lbl} for v, lbl in field.labels.items() if v]
    if field.type in ("number", "percent", "integer"):
        item["min"], item["max"] = field.minimum, field.maximum
    if field.type == "year":
        item["min"], item["max"] = 2023, 9999
    if field.type == "table":
        item["columns"] = [describe(column) for column in field.columns]
        item["max_rows"] = field.max_rows
    if field.section:
        item["section"] = field.section
    return item
