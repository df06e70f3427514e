"""Page forms generated from a kind's declaration (service.kinds): one widget per field type, nothing else.

The declaration says what a field is called, its help, bounds and choices; `form_class` turns it into a WTForms
class so the page keeps its inputs, labels, help, section menu (`data-section`) and error messages. Checking is
the domain's: `validate` hands what was typed to `KindFields.check_text` and puts each message back on its input
(a table cell for "table[2].column").
"""
from __future__ import annotations

from typing import Any

from service.catalog import DocumentKind
from service.kinds import KindFields
from service.kinds.fields import Field

from .base import FieldsForm
from .fields import (
    ChoiceField,
    FlagField,
    IntField,
    LevelField,
    LineField,
    MarkdownField,
    PercentField,
    Required,
    RowsField,
    ScoreField,
    VnDateField,
    VnTimeField,
    YearField,
)

_GENERATED: dict[str, tuple[KindFields, type]] = {}


def _widget(field: Field, row_form_name: str = "") -> Any:
    """The WTForms field of one declared field."""
    validators = [Required()] if field.required else []  # shows the “*”; the domain does the checking
    render_kw: dict[str, Any] = {}
    if field.section:
        render_kw["data-section"] = field.section
    if field.type == "markdown" and field.lines:
        render_kw["rows"] = field.lines
    common: dict[str, Any] = {"description": field.help, "render_kw": render_kw or None}
    if field.default is not None:
        common["default"] = field.default
    kind = field.type
    if kind == "text":
        return LineField(field.label, validators, max_length=field.max_length, **common)
    if kind == "markdown":
        return MarkdownField(field.label, validators, **common)
    if kind == "date":
        return VnDateField(field.label, validators, earliest=field.earliest, **common)
    if kind == "time":
        return VnTimeField(field.label, validators, **common)
    if kind == "number":
        return ScoreField(field.label, validators, maximum=field.maximum, **common)
    if kind == "percent":
        return PercentField(field.label, validators, **common)
    if kind == "integer":
        return IntField(field.label, validators, minimum=field.minimum, maximum=field.maximum, **common)
    if kind == "year":
        return YearField(field.label, validators, **common)
    if kind == "choice":
        return ChoiceField(field.label, validators, choices=list(field.choices), **common)
    if kind == "level":
        return LevelField(field.label, validators, **common)
    if kind == "boolean":
        return FlagField(field.label, validators, **common)
    row_form = type(f"{row_form_name}{field.name.title()}Row", (FieldsForm,),
                    {column.name: _widget(column) for column in field.columns})
    return RowsField(row_form, field.label, validators, max_rows=field.max_rows, **common)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "y" if value else ""
    return "" if value is None else str(value)


def typed(field) -> Any:
    """What was typed in a field (a table: its rows, column by column), as text."""
    if isinstance(field, RowsField):
        return [{cell.short_name: typed(cell) for cell in entry.form} for entry in field.entries]
    if field.raw_data is not None:
        return field.raw_data[0] if field.raw_data else ""
    return _scalar(field.json_value())


class DeclaredForm(FieldsForm):
    """A page form generated from a kind's declaration; `declaration` is set on each generated class."""

    declaration: KindFields
    _clean: dict[str, Any] | None = None

    def validate(self, extra_validators=None) -> bool:
        """Check what was typed with the kind's rules (service.kinds) and show each message on its input."""
        for field in self:
            if isinstance(field, RowsField):  # a page's spare lines are not rows
                field.entries = [entry for entry in field.entries if not entry.form.is_blank()]
        raw = {field.short_name: typed(field) for field in self}
        self._clean, errors = self.declaration.check_text(self.kind, raw, draft=self.is_draft, rules=self.rules)
        attach_errors(self, errors)
        return not errors

    def json_data(self) -> dict[str, Any]:
        """The values as stored (after validate: as the domain read them)."""
        return dict(self._clean) if self._clean is not None else super().json_data()


def attach_errors(form: FieldsForm, errors: dict[str, list[str]]) -> None:
    """Messages by place ("field", "table[2].column") onto the inputs of a page form."""
    for field in form:
        field.errors = []
        if isinstance(field, RowsField):
            for entry in field.entries:
                for cell in entry.form:
                    cell.errors = []
    tables: dict[str, list[str]] = {}
    for where, messages in errors.items():
        name, _, rest = where.partition("[")
        field = form._fields.get(name)
        if field is None:
            continue
        if rest and isinstance(field, RowsField):
            index, _, column = rest.partition("].")
            if index.isdigit() and int(index) < len(field.entries) and column in field.entries[int(index)].form:
                field.entries[int(index)].form[column].errors = list(messages)
            tables.setdefault(name, [])
        elif isinstance(field, RowsField):
            tables.setdefault(name, []).extend(messages)
        else:
            field.errors = list(messages)
    for name, messages in tables.items():
        field = form._fields[name]
        rows = []
        for entry in field.entries:
            entry.form._errors = None
            rows.append(entry.form.errors)
        field.errors = [*rows, *messages]
    form._errors = None


def form_class(kind: DocumentKind) -> type[DeclaredForm]:
    """The page form of a declared kind (made once per declaration)."""
    declaration = kind.fields
    if declaration is None:
        raise ValueError(f"{kind.code} has no declared fields")
    made = _GENERATED.get(kind.code)
    if made is None or made[0] is not declaration:
        name = "".join(part.title() for part in kind.code.replace("-", "_").split("_")) + "Form"
        attrs = {field.name: _widget(field, name) for field in declaration.fields}
        made = (declaration, type(name, (DeclaredForm,), {"declaration": declaration, **attrs}))
        _GENERATED[kind.code] = made
    return made[1]
