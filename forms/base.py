"""The base of every document form: clean input, Vietnamese messages, JSON in and out, template context."""
from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms import Form
from wtforms.validators import ValidationError

from service import text
from service.catalog import DocumentKind
from service.errors import InvalidInput, UnsupportedYear
from service.regimes import regime_for_year
from service.rules import RuleSettings, configured

from .fields import ContextMixin, LineField, Required, VnDateField, YearField, parse_date


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
    """Any form of ours: clean input, JSON in and out, template context, self-description."""

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

    @classmethod
    def from_json(cls, payload: dict[str, Any], *, kind: DocumentKind | None = None,
                  draft: bool = False, rules: RuleSettings | None = None) -> "FieldsForm":
        """A form filled from an API object; unknown keys and wrong types are reported per field."""
        if not isinstance(payload, dict):
            raise InvalidInput("Dữ liệu gửi lên phải là một đối tượng JSON.")
        formdata, errors = flatten(cls(kind=kind, draft=draft, rules=rules), payload)
        form = cls(formdata, kind=kind, draft=draft, rules=rules)
        if errors:
            form.validate()
            for name, messages in flat_errors(form.errors).items():
                errors.setdefault(name, messages)
            raise InvalidInput("Dữ liệu chưa hợp lệ.", errors)
        return form

    def check(self) -> dict[str, Any]:
        """Validate, then return the clean JSON data, or raise InvalidInput with per-field messages."""
        if not self.validate():
            raise InvalidInput("Dữ liệu chưa hợp lệ.", flat_errors(self.errors))
        return self.json_data()

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

    def field_context(self, data: dict[str, Any], skip: tuple[str, ...] = ()) -> dict[str, Any]:
        """Each field's template variables from stored data."""
        context: dict[str, Any] = {}
        for field in self:
            if field.short_name not in skip and isinstance(field, ContextMixin):
                context.update(field.context(data.get(field.short_name)))
        return context

    @classmethod
    def describe(cls) -> list[dict[str, Any]]:
        """The fields as the API lists them: name, label, type, required, choices, bounds, columns, help."""
        return [describe_field(field) for field in cls()]


def describe_field(field) -> dict[str, Any]:
    """One field for the API."""
    item: dict[str, Any] = {
        "name": field.short_name, "label": field.label.text, "type": getattr(field, "kind", "text"),
        "required": bool(getattr(field.flags, "needed", False)), "help": field.description or "",
    }
    if getattr(field, "labels", None):
        item["choices"] = [{"value": v, "label": lbl} for v, lbl in field.labels.items() if v]
    if hasattr(field, "maximum"):
        item["min"], item["max"] = field.minimum, field.maximum
    if field.name == "year":
        item["min"] = 2023
    if hasattr(field, "row_form"):
        item["columns"] = field.row_form.describe()
        item["max_rows"] = field.max_entries
    section = (field.render_kw or {}).get("data-section")
    if section:
        item["section"] = section
    return item


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "y" if value else ""
    return value if isinstance(value, str) else str(value)


def flatten(form: FieldsForm, payload: dict[str, Any], prefix: str = "") -> tuple[MultiDict, dict[str, list[str]]]:
    """JSON object → form data (`rows-0-name` for table cells), with per-field errors for bad shapes."""
    fields = {f.short_name: f for f in form}
    formdata, errors = MultiDict(), {}
    for key, value in payload.items():
        field = fields.get(key)
        where = f"{prefix.replace('-', '.')}{key}" if prefix else key
        if field is None:
            errors[where] = ["Trường không có trong mẫu này."]
        elif value is None:
            continue
        elif hasattr(field, "row_form"):
            if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
                errors[where] = ["Phải là một danh sách các dòng (đối tượng JSON)."]
            elif len(value) > field.max_entries:
                errors[where] = [f"Tối đa {field.max_entries} dòng."]
            else:
                for index, row in enumerate(value):
                    row_prefix = f"{prefix}{key}-{index}-"
                    row_data, row_errors = flatten(field.row_form(prefix=row_prefix), row, row_prefix)
                    formdata.update(row_data)
                    errors.update({k.replace(f".{index}.", f"[{index}]."): v for k, v in row_errors.items()})
        elif isinstance(value, (dict, list)):
            errors[where] = ["Giá trị phải là chữ, số hoặc ngày, không phải danh sách hay đối tượng."]
        else:
            formdata.add(f"{prefix}{key}", _scalar(value))
    return formdata, errors


def flat_errors(errors: dict[str, Any], prefix: str = "") -> dict[str, list[str]]:
    """WTForms' nested table errors → {"rows[2].name": [...]}."""
    out: dict[str, list[str]] = {}
    for name, messages in errors.items():
        if isinstance(messages, dict):
            out.update(flat_errors(messages, f"{prefix}{name}."))
        elif messages and isinstance(messages[0], dict):
            for index, row in enumerate(messages):
                if row:
                    out.update(flat_errors(row, f"{prefix}{name}[{index}]."))
        elif messages:
            out[f"{prefix}{name}"] = [str(m) for m in messages]
    return out


class DocumentForm(FieldsForm):
    """Fields shared by every document: the review year and the Party header."""

    year = YearField("Năm kiểm điểm", [Required()],
                        description="Năm được kiểm điểm; năm quyết định quy định áp dụng (124 hay 366).")
    superior_body = LineField("Đảng bộ cấp trên (dòng trên cùng bên trái)", [Required()],
                              description="Viết hoa, ví dụ: ĐẢNG BỘ PHƯỜNG BA ĐÌNH.")
    issuing_body = LineField("Tổ chức đảng (dòng thứ hai bên trái)", [Required()],
                             description="Viết hoa, ví dụ: CHI BỘ KHU DÂN CƯ SỐ 3.")
    place = LineField("Địa danh", [Required()], max_length=100,
                      description="In ở dòng ngày tháng bên phải, ví dụ: Hà Nội.")
    signed_on = VnDateField("Ngày lập văn bản", [Required()])

    def validate_year(self, field) -> None:
        """The year must exist in a regime, and be the regime of this kind."""
        if field.data is None:
            return
        try:
            regime = regime_for_year(field.data)
        except UnsupportedYear as exc:
            raise ValidationError(exc.message) from None
        if self.kind and regime != self.kind.regime:
            raise ValidationError(
                f"Năm {field.data} thuộc {regime.regulation}; mẫu “{self.kind.form_code or self.kind.title}” "
                f"chỉ dùng cho {self.kind.regime.regulation}.")

    def to_context(self, data: dict[str, Any], kind: DocumentKind) -> dict[str, Any]:
        """Template variables from stored data: exactly what the template may use."""
        context: dict[str, Any] = {"year": data.get("year", "")}
        if kind.form_code:  # customary documents have no official code to print
            context["form_code"] = kind.printed_form_code
        context.update(self.field_context(data, skip=("place", "signed_on", "year")))
        signed = data.get("signed_on")
        parsed = parse_date(signed) if isinstance(signed, str) and signed else None
        context["place_date"] = (text.place_date(data.get("place") or "", parsed) if parsed
                                 else f"{data.get('place') or '……'}, ngày … tháng … năm …")
        context.update(self.extra_context(data))
        return context

    @classmethod
    def initial_data(cls, facts: dict[str, Any]) -> dict[str, Any]:
        """What a new document starts with: the facts whose names are fields (forms add more)."""
        names = {field.name for field in cls()}
        return {k: v for k, v in facts.items() if k in names}

    def extra_context(self, data: dict[str, Any]) -> dict[str, Any]:
        """Computed values of a particular form (totals and the like)."""
        return {}
