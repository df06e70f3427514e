"""The page widgets of the field types declared in service/kinds/fields.py.

What a type means (how typed text is read, its Vietnamese messages, its bounds, its stored JSON value) is the
domain's: these WTForms fields call the same functions, keep what was typed on the page, and choose the input.
A kind's page form checks through its declaration (forms/generate.py); the review pages' own small forms
(forms/review.py) validate with these fields directly.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from wtforms import BooleanField, Field, FieldList, FormField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation, ValidationError

from service import bounds, text
from service.kinds import fields as domain
from service.kinds.fields import format_number, parse_date, short_label  # noqa: F401  (pages and tests read them)
from service.rules.levels import LEVELS


class Required:
    """Required on a final document; a draft may leave the field empty (the “*” on the page)."""

    field_flags = {"needed": True}

    def __call__(self, form, field) -> None:
        if field.data not in (None, "", []):
            return
        if field.errors or getattr(form, "is_draft", False):  # a parse error already explains it
            raise StopValidation()
        raise StopValidation(f"Vui lòng nhập mục “{short_label(field.label.text)}”.")


def _read(reader, raw: str):
    """The domain's reading of typed text; its Unreadable becomes the field's own message."""
    try:
        return reader(raw)
    except domain.Unreadable as exc:
        raise ValueError(str(exc)) from None


def _limit(declared: domain.Field, value: Any) -> None:
    problem = domain.limit_problem(declared, value)
    if problem:
        raise ValidationError(problem)


class ContextMixin:
    """A field whose value is stored as JSON."""

    kind = "text"

    def json_value(self) -> Any:
        """The value as stored in the database and accepted by the API."""
        return self.data if self.data is not None else ""


class LineField(ContextMixin, StringField):
    """A one-line text field, trimmed."""

    def __init__(self, label=None, validators=None, max_length: int = 300, **kw) -> None:
        super().__init__(label, validators, **kw)
        self.max_length = max_length

    def process_formdata(self, valuelist) -> None:
        self.data = valuelist[0].strip() if valuelist else ""

    def pre_validate(self, form) -> None:
        _limit(domain.Field(self.short_name, "text", "", max_length=self.max_length), self.data)


class IntField(ContextMixin, Field):
    """A whole number within bounds (counts of people, votes)."""

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
        self.raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        self.data = _read(domain.parse_int, self.raw)

    def pre_validate(self, form) -> None:
        _limit(domain.Field(self.short_name, "integer", "", minimum=self.minimum, maximum=self.maximum), self.data)

    def json_value(self) -> int | None:
        return self.data


class YearField(IntField):
    """The review year as a whole number."""

    def __init__(self, label=None, validators=None, **kw) -> None:
        super().__init__(label, validators, minimum=0, maximum=9999, **kw)

    def process_formdata(self, valuelist) -> None:
        self.raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        self.data = _read(domain.parse_year, self.raw)


class MarkdownField(ContextMixin, TextAreaField):
    """A long answer; Markdown (paragraphs, **đậm**, *nghiêng*, lists) becomes Word paragraphs."""

    kind = "markdown"

    def process_formdata(self, valuelist) -> None:
        self.data = valuelist[0].strip("\n") if valuelist else ""

    def pre_validate(self, form) -> None:
        _limit(domain.Field(self.short_name, "markdown", ""), self.data)


class VnDateField(ContextMixin, Field):
    """A date typed as dd/mm/yyyy or sent as ISO yyyy-mm-dd; shown as dd/mm/yyyy."""

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
        self.data = _read(lambda raw: domain.parse(domain.Field("", "date", ""), raw), self.raw)

    def pre_validate(self, form) -> None:
        _limit(domain.Field(self.short_name, "date", "", earliest=self.earliest), self.data)

    def json_value(self) -> str:
        return self.data.isoformat() if self.data else ""


class ScoreField(ContextMixin, Field):
    """Points within [0, maximum], decimal comma or point; shown the Vietnamese way (25,5)."""

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
        self.data = _read(domain.parse_score, self.raw)

    def pre_validate(self, form) -> None:
        _limit(domain.Field(self.short_name, "number", "", minimum=self.minimum, maximum=self.maximum), self.data)

    def json_value(self) -> float | None:
        return self.data


class PercentField(ScoreField):
    """A percentage from 0 to 100, decimal comma or point (a trailing “%” is allowed); its messages speak of a rate."""

    kind = "percent"

    def __init__(self, label=None, validators=None, **kw) -> None:
        super().__init__(label, validators, maximum=100, **kw)

    def process_formdata(self, valuelist) -> None:
        self.raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        self.data = _read(domain.parse_percent, self.raw)

    def pre_validate(self, form) -> None:
        _limit(domain.Field(self.short_name, "percent", "", minimum=self.minimum, maximum=self.maximum), self.data)


class ChoiceField(ContextMixin, SelectField):
    """A choice from a fixed list of (value, label); the empty value means 'not given'."""

    kind = "choice"

    def __init__(self, label=None, validators=None, choices: list[tuple[str, str]] = (), **kw) -> None:
        self.labels = dict(choices)
        super().__init__(label, validators, choices=[SelectChoice(v, lbl) for v, lbl in choices],
                         validate_choice=False, **kw)

    def pre_validate(self, form) -> None:
        _limit(domain.Field(self.short_name, "choice", "", choices=tuple(self.labels.items())), self.data)


class LevelField(ContextMixin, RadioField):
    """The rating level: four tick boxes (a compact select in a table cell)."""

    kind = "choice"

    def __init__(self, label=None, validators=None, **kw) -> None:
        self.labels = dict(LEVELS)
        super().__init__(label, validators, choices=[SelectChoice(v, lbl) for v, lbl in LEVELS],
                         validate_choice=False, **kw)

    def pre_validate(self, form) -> None:
        _limit(domain.Field(self.short_name, "level", ""), self.data)


class FlagField(ContextMixin, BooleanField):
    """Yes/no: a check box."""

    kind = "boolean"

    def json_value(self) -> bool:
        return bool(self.data)


class VnTimeField(ContextMixin, Field):
    """A time of day typed as 14:30 or 14h30."""

    kind = "time"

    def _value(self) -> str:
        return self.data or ""

    def process_data(self, value) -> None:
        self.data = value if isinstance(value, str) and value else None

    def process_formdata(self, valuelist) -> None:
        raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        self.data = _read(domain.parse_time, raw)


class RowsField(ContextMixin, FieldList):
    """A table of rows (attendance, votes, summary): one row form per line, spare lines blank."""

    kind = "table"

    def __init__(self, row_form, label=None, validators=None, max_rows: int = 200, **kw) -> None:
        super().__init__(FormField(row_form), label, validators, min_entries=0, max_entries=max_rows, **kw)
        self.row_form = row_form

    def json_value(self) -> list[dict[str, Any]]:
        return [entry.form.json_data() for entry in self.entries if not entry.form.is_blank()]

    def process_data(self, value) -> None:
        """Stored rows become entries (FieldList would otherwise expect objects)."""
        self.entries, self.last_index = [], -1
        for row in value or []:
            self.append_entry().form.process(data=row)
