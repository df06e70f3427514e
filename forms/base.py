"""The base of every form of ours: clean input, JSON values out, the rule readings of the document's unit."""
from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms import Form

from service import text
from service.catalog import DocumentKind
from service.rules import RuleSettings, configured

from .fields import ContextMixin


class CleanMeta(Form.Meta):
    """Every submitted string is NFC-normalised and stripped of XML-illegal characters on the way in."""

    locales = False

    def wrap_formdata(self, form, formdata):
        if formdata is None:
            return None
        cleaned = MultiDict()
        for key, value in formdata.items(multi=True):
            cleaned.add(text.clean(key), text.clean(value) if isinstance(value, str) else value)
        return cleaned


class FieldsForm(Form):
    """Any form of ours: clean input, the values as stored, whether a table row is blank."""

    Meta = CleanMeta
    is_draft = False

    def __init__(self, formdata=None, *, draft: bool = False, kind: DocumentKind | None = None,
                 rules: RuleSettings | None = None, **kw) -> None:
        super().__init__(formdata, **kw)
        self.is_draft = draft
        self.kind = kind
        # The readings of the rules in force at the document's unit (service.unit_rules.in_force); without a unit,
        # the installation's.
        self.rules = rules if rules is not None else configured()

    def json_data(self) -> dict[str, Any]:
        """The values as stored: dates ISO, numbers as numbers, text NFC, tables as lists of rows."""
        return {field.short_name: field.json_value() for field in self if isinstance(field, ContextMixin)}

    def is_blank(self) -> bool:
        """True when nothing was entered (an empty table row)."""
        def empty(field) -> bool:
            if field.raw_data is not None:
                return not any(str(v).strip() for v in field.raw_data)
            return field.data in (None, "", False, [])
        return all(empty(field) for field in self if isinstance(field, ContextMixin))
