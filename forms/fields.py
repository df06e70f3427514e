"""Field types that know their Vietnamese messages, their JSON value and their template context."""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from wtforms import Field, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation, ValidationError

from service import text
from service.richtext import markdown_to_paragraphs
from service.rules.levels import LEVELS

CHECKED, UNCHECKED = "☒", "☐"


class Required:
    """Required on a final document; a draft may leave the field empty."""

    field_flags = {"needed": True}

    def __call__(self, form, field) -> None:
        if field.data not in (None, "", []):
            return
        if field.errors or getattr(form, "is_draft", False):  # a parse error already explains it
            raise StopValidation()
        raise StopValidation(f"Vui lòng nhập mục “{short_label(field.label.text)}”.")


def short_label(label: str, limit: int = 70) -> str:
    """A label short enough for a message: long section titles are cut at a word boundary."""
    if len(label) <= limit:
        return label
    return label[:limit].rsplit(" ", 1)[0].rstrip(",;") + "…"


class ContextMixin:
    """How a field appears in the template and in the stored JSON."""

    kind = "text"

    def json_value(self) -> Any:
        """The value as stored in the database and accepted by the API."""
        return self.data if self.data is not None else ""

    def context(self, value: Any) -> dict[str, Any]:
        """Template variables produced from the stored value."""
        return {self.name: value if value is not None else ""}


class LineField(ContextMixin, StringField):
    """A one-line text field, trimmed."""

    def __init__(self, label=None, validators=None, max_length: int = 300, **kw) -> None:
        super().__init__(label, validators, **kw)
        self.max_length = max_length

    def process_formdata(self, valuelist) -> None:
        self.data = valuelist[0].strip() if valuelist else ""

    def pre_validate(self, form) -> None:
        if self.data and len(self.data) > self.max_length:
            raise ValidationError(f"Tối đa {self.max_length} ký tự.")


class YearField(Field):
    """The review year as a whole number."""

    kind = "integer"

    def _value(self) -> str:
        return str(self.data) if self.data is not None else ""

    def process_formdata(self, valuelist) -> None:
        raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if raw:
            if not raw.isdigit():
                raise ValueError("Năm kiểm điểm phải là số, ví dụ 2025.")
            self.data = int(raw)


class MarkdownField(ContextMixin, TextAreaField):
    """A long answer; Markdown (paragraphs, **đậm**, *nghiêng*, lists) becomes Word paragraphs."""

    kind = "markdown"

    def process_formdata(self, valuelist) -> None:
        self.data = valuelist[0].strip("\n") if valuelist else ""

    def pre_validate(self, form) -> None:
        if self.data and len(self.data) > 50_000:
            raise ValidationError("Nội dung quá dài (tối đa 50.000 ký tự).")

    def context(self, value: Any) -> dict[str, Any]:
        return {self.name: markdown_to_paragraphs(value or "")}


class VnDateField(ContextMixin, Field):
    """A date typed as dd/mm/yyyy or sent as ISO yyyy-mm-dd; printed as dd/mm/yyyy."""

    kind = "date"
    widget_type = "date"

    def __init__(self, label=None, validators=None, earliest: date = date(1900, 1, 1), **kw) -> None:
        super().__init__(label, validators, **kw)
        self.earliest = earliest
        self.raw = ""

    def _value(self) -> str:
        if self.raw and self.data is None:
            return self.raw
        return text.short_date(self.data) if self.data else ""

    def process_data(self, value) -> None:
        self.data = parse_date(value) if isinstance(value, str) and value else value

    def process_formdata(self, valuelist) -> None:
        self.raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if self.raw:
            self.data = parse_date(self.raw)
            if self.data is None:
                raise ValueError(f"Ngày “{self.raw}” không hợp lệ: hãy nhập theo dạng ngày/tháng/năm, "
                                 "ví dụ 05/12/1980.")

    def pre_validate(self, form) -> None:
        if self.data and not (self.earliest <= self.data <= date(2100, 12, 31)):
            raise ValidationError(f"Ngày phải trong khoảng {text.short_date(self.earliest)} đến 31/12/2100.")

    def json_value(self) -> str:
        return self.data.isoformat() if self.data else ""

    def context(self, value: Any) -> dict[str, Any]:
        parsed = parse_date(value) if isinstance(value, str) else value
        return {self.name: text.short_date(parsed) if parsed else ""}


def parse_date(raw: str) -> date | None:
    """ISO or Vietnamese day/month/year; None when it is not a real date."""
    raw = raw.strip()
    for pattern, fmt in ((r"\d{4}-\d{1,2}-\d{1,2}", "%Y-%m-%d"), (r"\d{1,2}/\d{1,2}/\d{4}", "%d/%m/%Y"),
                         (r"\d{1,2}-\d{1,2}-\d{4}", "%d-%m-%Y"), (r"\d{1,2}\.\d{1,2}\.\d{4}", "%d.%m.%Y")):
        if re.fullmatch(pattern, raw):
            try:
                return datetime.strptime(raw, fmt).date()
            except ValueError:
                return None
    return None


class ScoreField(ContextMixin, Field):
    """Points within [0, maximum], decimal comma or point; printed the Vietnamese way (25,5)."""

    kind = "number"

    def __init__(self, label=None, validators=None, maximum: float = 100, **kw) -> None:
        super().__init__(label, validators, **kw)
        self.minimum, self.maximum = 0, maximum
        self.raw = ""

    def _value(self) -> str:
        if self.raw and self.data is None:
            return self.raw
        return format_number(self.data) if self.data is not None else ""

    def process_data(self, value) -> None:
        self.data = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    def process_formdata(self, valuelist) -> None:
        self.raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if self.raw:
            try:
                self.data = round(float(self.raw.replace(",", ".")), 2)
            except ValueError:
                raise ValueError(f"“{self.raw}” không phải là số điểm.") from None

    def pre_validate(self, form) -> None:
        if self.data is not None and not (self.minimum <= self.data <= self.maximum):
            raise ValidationError(f"Điểm phải từ {self.minimum} đến {format_number(self.maximum)}.")

    def json_value(self) -> float | None:
        return self.data

    def context(self, value: Any) -> dict[str, Any]:
        return {self.name: format_number(value) if value is not None and value != "" else ""}


def format_number(value: float) -> str:
    """25.0 → '25', 25.5 → '25,5' (Vietnamese decimal comma)."""
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


class ChoiceField(ContextMixin, SelectField):
    """A choice from a fixed list of (value, label); the empty value means 'not given'."""

    kind = "choice"

    def __init__(self, label=None, validators=None, choices: list[tuple[str, str]] = (), **kw) -> None:
        self.labels = dict(choices)
        super().__init__(label, validators, choices=[SelectChoice(v, lbl) for v, lbl in choices],
                         validate_choice=False, **kw)

    def pre_validate(self, form) -> None:
        if self.data and self.data not in self.labels:
            raise ValidationError("Lựa chọn không hợp lệ.")

    def context(self, value: Any) -> dict[str, Any]:
        return {self.name: self.labels.get(value, "") if value else ""}


class LevelField(ContextMixin, RadioField):
    """The proposed rating level, printed as four tick boxes (mark_xuat_sac … )."""

    kind = "choice"

    def __init__(self, label=None, validators=None, **kw) -> None:
        self.labels = dict(LEVELS)
        super().__init__(label, validators, choices=[SelectChoice(v, lbl) for v, lbl in LEVELS],
                         validate_choice=False, **kw)

    def pre_validate(self, form) -> None:
        if self.data and self.data not in self.labels:
            raise ValidationError("Mức xếp loại không hợp lệ.")

    def context(self, value: Any) -> dict[str, Any]:
        return {f"mark_{code}": CHECKED if code == value else UNCHECKED for code in self.labels}

