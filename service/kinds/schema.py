"""A kind's declaration (`KindFields`) and what the domain does with it: check input, build the template context,
start a new document, refresh one from recorded facts, describe the fields.

Input arrives as JSON from the API or as text from a page: both pass through `check` (pages send every value
as text; the API's numbers and booleans are read as the same text), so a rule and its Vietnamese message exist
once. Errors are keyed like the API reports them: "field", or "table[2].column" for a cell (rows counted after
blank rows are dropped).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import TYPE_CHECKING, Any

from .. import text
from ..errors import InvalidInput, UnsupportedYear
from ..regimes import regime_for_year
from . import fields as F
from .recorded import FromRecords, refreshed

if TYPE_CHECKING:
    from ..catalog import DocumentKind


@dataclass(frozen=True)
class Given:
    """What a rule or a computed value reads besides the data: the kind (None when checked without one) and the
    readings of the rating rules in force at the document's unit (service.unit_rules; else the installation's)."""

    kind: DocumentKind | None
    rules: Any

    @classmethod
    def of(cls, kind: DocumentKind | None, rules: Any = None) -> Given:
        if rules is None:
            from ..rules import configured
            rules = configured()
        return cls(kind, rules)


# A rule about one field: (clean data, given) → message or None; run when the field itself is readable and given
# (a required field left empty is reported as missing instead).
FieldRule = Callable[[dict[str, Any], Given], "str | None"]
# A rule across fields: (clean data, given) → (where, message) pairs; where is "field" or "table[i].column".
Check = Callable[[dict[str, Any], Given], Iterable[tuple[str, str]]]


def _year_rule(data: dict[str, Any], given: Given) -> str | None:
    """The year must exist in a regime, and be the regime of this kind."""
    kind = given.kind
    year = data.get("year")
    if year is None:
        return None
    try:
        regime = regime_for_year(year)
    except UnsupportedYear as exc:
        return exc.message
    if kind and regime != kind.regime:
        return (f"Năm {year} thuộc {regime.regulation}; mẫu “{kind.form_code or kind.title}” "
                f"chỉ dùng cho {kind.regime.regulation}.")
    return None


# Every document starts with the review year and the Party header; place and signed_on print as `place_date`.
HEADER: tuple[F.Field, ...] = (
    F.Field("year", "year", "Năm kiểm điểm", "Năm được kiểm điểm; năm quyết định quy định áp dụng (124 hay 366).",
            required=True),
    F.text_field("superior_body", "Đảng bộ cấp trên (dòng trên cùng bên trái)", "Viết hoa, ví dụ: ĐẢNG BỘ PHƯỜNG "
                 "BA ĐÌNH.", required=True),
    F.text_field("issuing_body", "Tổ chức đảng (dòng thứ hai bên trái)", "Viết hoa, ví dụ: CHI BỘ KHU DÂN CƯ SỐ 3.",
                 required=True),
    F.text_field("place", "Địa danh", "In ở dòng ngày tháng bên phải, ví dụ: Hà Nội.", required=True,
                 max_length=100),
    F.date_field("signed_on", "Ngày lập văn bản", required=True),
)
_NOT_PRINTED_AS_IS = ("place", "signed_on", "year")


@dataclass(frozen=True)
class KindFields:
    """What a kind asks for and prints, declared once (HEADER first, then `fields` in printed order).

    `rules` check one field against the others (field name → rule), `checks` look across fields and tables,
    `extras` computes template variables nobody types (totals, percentages), `initial` pre-fills a new document
    from what the system knows (it receives the facts and the data started from them), `from_records` names the
    fields a refresh recomputes from the recorded meeting and ratings (service.kinds.recorded)."""

    fields: tuple[F.Field, ...]
    # The code of the rules is in the render cache's key (service.render) with the rest of service/; repr=False
    # keeps function addresses out of the kind's repr, which the key also hashes.
    rules: Mapping[str, FieldRule] = dataclass_field(default_factory=dict, repr=False)
    checks: tuple[Check, ...] = dataclass_field(default=(), repr=False)
    extras: Callable[[dict[str, Any], Given], dict[str, Any]] | None = dataclass_field(
        default=None, repr=False)
    initial: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]] | None = dataclass_field(
        default=None, repr=False)
    from_records: Mapping[str, FromRecords] = dataclass_field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", HEADER + tuple(self.fields))
        object.__setattr__(self, "rules", {"year": _year_rule, **self.rules})
        names = [f.name for f in self.fields]
        if len(names) != len(set(names)):
            raise ValueError(f"a field is declared twice: {names}")

    # ---- KindSchema (service.catalog) ----
    @property
    def recorded(self) -> bool:
        return bool(self.from_records)

    def field(self, name: str) -> F.Field:
        return next(f for f in self.fields if f.name == name)

    def check(self, kind: DocumentKind | None, data: Any, *, draft: bool = False, rules: Any = None) -> dict[str, Any]:
        """The data read, checked and cleaned (a draft may leave required fields empty), or InvalidInput with a
        Vietnamese message per field; `rules`: the readings in force at the document's unit (None: the
        installation's)."""
        if not isinstance(data, dict):
            raise InvalidInput("Dữ liệu gửi lên phải là một đối tượng JSON.")
        raw, errors = _as_text(self.fields, data)
        clean, problems = self.check_text(kind, raw, draft=draft, rules=rules)
        for where, messages in problems.items():
            errors.setdefault(where, messages)
        if errors:
            raise InvalidInput("Dữ liệu chưa hợp lệ.", errors)
        return clean

    def check_text(self, kind: DocumentKind | None, raw: dict[str, Any], *, draft: bool = False,
                   rules: Any = None) -> tuple[dict[str, Any], dict[str, list[str]]]:
        """Typed text ({name: str, table: [{column: str}]}) → (clean data, errors by place)."""
        given = Given.of(kind, rules)
        clean, errors = _read(self.fields, raw, draft)
        for name, rule in self.rules.items():
            field = self.field(name)
            if errors.get(name) or (field.required and F.is_empty(clean.get(name))):
                continue
            message = rule(clean, given)
            if message:
                errors.setdefault(name, []).append(message)
        for check in self.checks:
            for where, message in check(clean, given):
                errors.setdefault(where, []).append(message)
        order = {f.name: i for i, f in enumerate(self.fields)}
        return clean, dict(sorted(errors.items(), key=lambda item: _place(item[0], order, self)))

    def context(self, kind: DocumentKind, data: dict[str, Any], rules: Any = None) -> dict[str, Any]:
        """The template variables of checked data: exactly what the kind's templates may use (`rules`: the readings
        in force at the document's unit, for what is computed)."""
        context: dict[str, Any] = {"year": data.get("year", "")}
        if kind.form_code:  # customary documents have no official code to print
            context["form_code"] = kind.printed_form_code
        for field in self.fields:
            if field.name not in _NOT_PRINTED_AS_IS:
                context.update(F.printed(field, data.get(field.name)))
        signed = F.parse_date(data.get("signed_on"))
        context["place_date"] = (text.place_date(data.get("place") or "", signed) if signed
                                 else f"{data.get('place') or '……'}, ngày … tháng … năm …")
        if self.extras:
            context.update(self.extras(data, Given.of(kind, rules)))
        return context

    def initial_data(self, facts: dict[str, Any]) -> dict[str, Any]:
        """What a new document starts with: the facts whose names are fields, then the kind's own pre-filling."""
        names = {field.name for field in self.fields}
        data = {k: v for k, v in facts.items() if k in names}
        return self.initial(facts, data) if self.initial else data

    def refreshed(self, saved: dict[str, Any], facts: dict[str, Any]) -> dict[str, Any]:
        return refreshed(self.initial_data(facts), dict(self.from_records), saved, facts)

    def describe(self) -> list[dict[str, Any]]:
        return [F.describe(field) for field in self.fields]


def _place(where: str, order: dict[str, int], kind_fields: KindFields) -> tuple:
    name, _, rest = where.partition("[")
    if not rest:
        return (order.get(name, len(order)), -1, -1)
    index, _, column = rest.partition("].")
    table = kind_fields.field(name) if name in order else None
    columns = [c.name for c in table.columns] if table else []
    return (order.get(name, len(order)), int(index) if index.isdigit() else 0,
            columns.index(column) if column in columns else len(columns))


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "y" if value else ""
    return text.clean(value) if isinstance(value, str) else str(value)


def _as_text(fields: tuple[F.Field, ...], payload: dict[str, Any],
             prefix: str = "") -> tuple[dict[str, Any], dict[str, list[str]]]:
    """A JSON object as typed text, with a message for each key or shape the kind does not take."""
    by_name = {f.name: f for f in fields}
    raw: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key, value in payload.items():
        key = text.clean(key) if isinstance(key, str) else str(key)
        field = by_name.get(key)
        where = f"{prefix}{key}"
        if field is None:
            errors[where] = ["Trường không có trong mẫu này."]
        elif value is None:
            continue
        elif field.type == "table":
            if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
                errors[where] = ["Phải là một danh sách các dòng (đối tượng JSON)."]
            elif len(value) > field.max_rows:
                errors[where] = [f"Tối đa {field.max_rows} dòng."]
            else:
                rows = []
                for index, row in enumerate(value):
                    row_raw, row_errors = _as_text(field.columns, row, f"{where}[{index}].")
                    rows.append(row_raw)
                    errors.update(row_errors)
                raw[key] = rows
        elif isinstance(value, (dict, list)):
            errors[where] = ["Giá trị phải là chữ, số hoặc ngày, không phải danh sách hay đối tượng."]
        else:
            raw[key] = _scalar(value)
    return raw, errors


def blank_row(row: Any) -> bool:
    """A table row where nothing was typed (a page's spare line): dropped before checking."""
    return not isinstance(row, dict) or not any(str(v).strip() for v in row.values() if v is not None)


def _read(fields: Iterable[F.Field], raw: dict[str, Any], draft: bool,
          prefix: str = "") -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Typed text → clean data and per-place errors (the fields' own reading, bounds and required)."""
    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for field in fields:
        value, messages = None, []
        given = raw.get(field.name)
        if field.type == "table":
            rows = given if isinstance(given, list) else []
            value = []
            for index, row in enumerate(r for r in rows if not blank_row(r)):
                row_clean, row_errors = _read(field.columns, row, draft, f"{prefix}{field.name}[{index}].")
                for check in field.row_checks:
                    for column, message in check(row_clean):
                        row_errors.setdefault(f"{prefix}{field.name}[{index}].{column}", []).append(message)
                errors.update(row_errors)
                value.append(row_clean)
        else:
            typed = given if isinstance(given, str) else ("" if given is None else str(given))
            try:
                value = F.parse(field, typed)
            except F.Unreadable as exc:
                messages.append(str(exc))
            problem = F.limit_problem(field, value)
            if problem:
                messages.append(problem)
        if field.required and F.is_empty(value) and not messages and not draft:
            messages.append(F.required_message(field))
        clean[field.name] = value if field.type == "table" else F.stored(field, value)
        if messages:
            errors[f"{prefix}{field.name}"] = messages
    return clean, errors
