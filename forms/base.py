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


class DocumentForm(Form):
    """Fields shared by every document: the review year and the Party header."""

    Meta = CleanMeta
    is_draft = False

    year = YearField("Năm kiểm điểm", [Required()],
                        description="Năm được kiểm điểm; năm quyết định quy định áp dụng (124 hay 366).")
    superior_body = LineField("Đảng bộ cấp trên (dòng trên cùng bên trái)", [Required()],
                              description="Viết hoa, ví dụ: ĐẢNG BỘ PHƯỜNG BA ĐÌNH.")
    issuing_body = LineField("Tổ chức đảng (dòng thứ hai bên trái)", [Required()],
                             description="Viết hoa, ví dụ: CHI BỘ KHU DÂN CƯ SỐ 3.")
    place = LineField("Địa danh", [Required()], max_length=100,
                      description="In ở dòng ngày tháng bên phải, ví dụ: Hà Nội.")
    signed_on = VnDateField("Ngày lập văn bản", [Required()])

    def __init__(self, formdata=None, *, draft: bool = False, kind: DocumentKind | None = None, **kw) -> None:
        super().__init__(formdata, **kw)
        self.is_draft = draft
        self.kind = kind

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
                f"Năm {field.data} thuộc {regime.regulation}; mẫu “{self.kind.form_code}” "
                f"chỉ dùng cho {self.kind.regime.regulation}.")

    @classmethod
    def from_json(cls, payload: dict[str, Any], *, kind: DocumentKind | None = None,
                  draft: bool = False) -> "DocumentForm":
        """A form filled from an API object; unknown keys and wrong types are reported per field."""
        if not isinstance(payload, dict):
            raise InvalidInput("Dữ liệu gửi lên phải là một đối tượng JSON.")
        form = cls(kind=kind, draft=draft)
        known = {f.name for f in form}
        unknown = sorted(set(payload) - known)
        formdata = MultiDict()
        errors: dict[str, list[str]] = {k: ["Trường không có trong mẫu này."] for k in unknown}
        for key, value in payload.items():
            if key in unknown or value is None:
                continue
            if isinstance(value, (dict, list)):
                errors[key] = ["Giá trị phải là chữ, số hoặc ngày, không phải danh sách hay đối tượng."]
            else:
                formdata.add(key, value if isinstance(value, str) else str(value).lower()
                             if isinstance(value, bool) else str(value))
        form = cls(formdata, kind=kind, draft=draft)
        if errors:
            form.validate()
            for name, messages in form.errors.items():
                errors.setdefault(name, list(messages))
            raise InvalidInput("Dữ liệu chưa hợp lệ.", errors)
        return form

    def check(self) -> dict[str, Any]:
        """Validate, then return the clean JSON data, or raise InvalidInput with per-field messages."""
        if not self.validate():
            raise InvalidInput("Dữ liệu chưa hợp lệ.", {k: list(v) for k, v in self.errors.items()})
        return self.json_data()

    def json_data(self) -> dict[str, Any]:
        """The values as stored: dates ISO, numbers as numbers, text NFC."""
        data: dict[str, Any] = {}
        for field in self:
            if isinstance(field, ContextMixin):
                data[field.name] = field.json_value()
            elif field.name == "year":
                data["year"] = field.data
        return data

    def to_context(self, data: dict[str, Any], kind: DocumentKind) -> dict[str, Any]:
        """Template variables from stored data: exactly what the template may use."""
        context: dict[str, Any] = {"form_code": kind.form_code, "year": data.get("year", "")}
        for field in self:
            if field.name in ("place", "signed_on", "year") or not isinstance(field, ContextMixin):
                continue
            context.update(field.context(data.get(field.name)))
        signed = data.get("signed_on")
        parsed = parse_date(signed) if isinstance(signed, str) and signed else None
        context["place_date"] = (text.place_date(data.get("place") or "", parsed) if parsed
                                 else f"{data.get('place') or '……'}, ngày … tháng … năm …")
        context.update(self.extra_context(data))
        return context

    def extra_context(self, data: dict[str, Any]) -> dict[str, Any]:
        """Computed values of a particular form (totals and the like)."""
        return {}

    @classmethod
    def describe(cls) -> list[dict[str, Any]]:
        """The fields as the API lists them: name, label, type, required, choices, bounds, help."""
        form = cls()
        out = []
        for field in form:
            item: dict[str, Any] = {
                "name": field.name, "label": field.label.text,
                "type": getattr(field, "kind", "text"),
                "required": bool(getattr(field.flags, "needed", False)),
                "help": field.description or "",
            }
            if getattr(field, "labels", None):
                item["choices"] = [{"value": v, "label": lbl} for v, lbl in field.labels.items() if v]
            if hasattr(field, "maximum"):
                item["min"], item["max"] = field.minimum, field.maximum
            if field.name == "year":
                item["min"] = 2023
            section = (field.render_kw or {}).get("data-section")
            if section:
                item["section"] = section
            out.append(item)
        return out

