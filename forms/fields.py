"""Field types that know their Vietnamese messages, their JSON value and their template context."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from wtforms import BooleanField, Field, FieldList, FormField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation, ValidationError

from service import bounds, text
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
        return {self.short_name: value if value is not None else ""}


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


class IntField(ContextMixin, Field):
    """A whole number within bounds (counts of people, votes); Vietnamese messages."""

    kind = "integer"

    def __init__(self, label=None, validators=None, minimum: int = 0, maximum: int = 100_000, **kw) -> None:
        super().__init__(label, validators, **kw)
        self.minimum, self.maximum = minimum, maximum

    def _value(self) -> str:
        if getattr(self, "raw", "") and (self.errors or self.data is None):
            return self.raw  # what was typed stays on the page
        return str(self.data) if self.data is not None else ""

    def process_data(self, value) -> None:
        self.data = value if isinstance(value, int) and not isinstance(value, bool) else None

    def process_formdata(self, valuelist) -> None:
        raw = (valuelist[0] if valuelist else "").strip()
        self.raw, self.data = raw, None
        if raw:
            if not bounds.ASCII_INT.fullmatch(raw):  # "²" and other scripts' digits are not numbers here
                raise ValueError(f"“{raw[:30]}” không phải là số nguyên.")
            self.data = int(raw)

    def pre_validate(self, form) -> None:
        if self.data is not None and not (self.minimum <= self.data <= self.maximum):
            raise ValidationError(f"Phải từ {self.minimum} đến {self.maximum}.")

    def json_value(self) -> int | None:
        return self.data


class YearField(IntField):
    """The review year as a whole number."""

    def __init__(self, label=None, validators=None, **kw) -> None:
        super().__init__(label, validators, minimum=0, maximum=9999, **kw)

    def process_formdata(self, valuelist) -> None:
        raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if raw:
            if not (raw.isascii() and raw.isdigit() and len(raw) <= 4):
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
        return {self.short_name: markdown_to_paragraphs(value or "")}


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
            self.data = text.parse_date(self.raw)  # its ValueError says what is wrong, in Vietnamese

    def pre_validate(self, form) -> None:
        if self.data and not (self.earliest <= self.data <= date(2100, 12, 31)):
            raise ValidationError(f"Ngày phải trong khoảng {text.short_date(self.earliest)} đến 31/12/2100.")

    def json_value(self) -> str:
        return self.data.isoformat() if self.data else ""

    def context(self, value: Any) -> dict[str, Any]:
        parsed = parse_date(value) if isinstance(value, str) else value
        return {self.short_name: text.short_date(parsed) if parsed else ""}


def parse_date(raw: str) -> date | None:
    """ISO or Vietnamese day/month/year; None when it is not a real date (text.parse_date says why)."""
    try:
        return text.parse_date(raw)
    except ValueError:
        return None


class ScoreField(ContextMixin, Field):
    """Points within [0, maximum], decimal comma or point; printed the Vietnamese way (25,5)."""

    kind = "number"

    def __init__(self, label=None, validators=None, maximum: float = 100, **kw) -> None:
        super().__init__(label, validators, **kw)
        self.minimum, self.maximum = 0, maximum
        self.raw = ""

    def _value(self) -> str:
        if self.raw and (self.data is None or self.errors):
            return self.raw  # what was typed stays on the page, however odd
        return format_number(self.data) if self.data is not None else ""

    def process_data(self, value) -> None:
        number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
        self.data = float(number) if number is not None and abs(number) < bounds.MAX_DECIMAL else None

    def process_formdata(self, valuelist) -> None:
        self.raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if self.raw:
            if not bounds.ASCII_DECIMAL.fullmatch(self.raw):  # "1e309", "²", "inf" are not points
                raise ValueError(f"“{self.raw[:30]}” không phải là số điểm.")
            self.data = round(float(self.raw.replace(",", ".")), 2)

    def pre_validate(self, form) -> None:
        if self.data is not None and not (self.minimum <= self.data <= self.maximum):
            raise ValidationError(f"Điểm phải từ {self.minimum} đến {format_number(self.maximum)}.")

    def json_value(self) -> float | None:
        return self.data

    def context(self, value: Any) -> dict[str, Any]:
        return {self.short_name: format_number(value) if value is not None and value != "" else ""}


def format_number(value: float) -> str:
    """25.0 → '25', 25.5 → '25,5': rounded to two decimals, then written the Vietnamese way."""
    return text.vn_number(Decimal(f"{value:.2f}"))


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
        return {self.short_name: self.labels.get(value, "") if value else ""}


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



class FlagField(ContextMixin, BooleanField):
    """Yes/no; printed as a tick box."""

    kind = "boolean"

    def json_value(self) -> bool:
        return bool(self.data)

    def context(self, value: Any) -> dict[str, Any]:
        return {self.short_name: bool(value)}


class VnTimeField(ContextMixin, Field):
    """A time of day typed as 14:30 or 14h30; printed as '14 giờ 30 phút'."""

    kind = "time"

    def _value(self) -> str:
        return self.data or ""

    def process_data(self, value) -> None:
        self.data = value if isinstance(value, str) and value else None

    def process_formdata(self, valuelist) -> None:
        raw = (valuelist[0] if valuelist else "").strip().lower()
        self.data = None
        if raw:
            match = re.fullmatch(r"(\d{1,2})\s*(?::|h|giờ)\s*(\d{0,2})\s*(?:phút)?", raw)
            if not match or int(match.group(1)) > 23 or int(match.group(2) or 0) > 59:
                raise ValueError(f"Giờ “{raw}” không hợp lệ: hãy nhập dạng giờ:phút, ví dụ 14:30.")
            self.data = f"{int(match.group(1)):02d}:{int(match.group(2) or 0):02d}"

    def context(self, value: Any) -> dict[str, Any]:
        if not value:
            return {self.short_name: "… giờ … phút"}
        hours, minutes = value.split(":")
        return {self.short_name: f"{hours} giờ {minutes} phút"}


class RowsField(ContextMixin, FieldList):
    """A table of rows (attendance, votes, summary): JSON list of objects, `{%tr for r in name %}` in the template."""

    kind = "table"

    def __init__(self, row_form, label=None, validators=None, max_rows: int = 200, **kw) -> None:
        super().__init__(FormField(row_form), label, validators, min_entries=0, max_entries=max_rows, **kw)
        self.row_form = row_form

    def validate(self, form, extra_validators=()) -> bool:
        """Blank rows (a web form's spare lines) are dropped before the rows are checked."""
        self.entries = [entry for entry in self.entries if not entry.form.is_blank()]
        for entry in self.entries:  # a draft document may have half-filled rows
            entry.form.is_draft = getattr(form, "is_draft", False)
        return super().validate(form, extra_validators)

    def json_value(self) -> list[dict[str, Any]]:
        return [entry.form.json_data() for entry in self.entries if not entry.form.is_blank()]

    def process_data(self, value) -> None:
        """Stored rows become entries (FieldList would otherwise expect objects)."""
        self.entries, self.last_index = [], -1
        for row in value or []:
            self.append_entry().form.process(data=row)

    def context(self, value: Any) -> dict[str, Any]:
        template_row = self.row_form()
        rows = []
        for index, row in enumerate(value or [], start=1):
            rows.append({"stt": index, **template_row.field_context(row)})
        return {self.short_name: rows}
