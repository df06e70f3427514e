"""What every request passes through before a view sees it: ids bounded in URLs, controls stripped from query
and form values, JSON bounded in size and depth. Registered once in init_app; the checks live in service.bounds."""
from __future__ import annotations

import json
from typing import Any

from flask import Flask
from flask import Request as FlaskRequest
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter, UnicodeConverter

from service import bounds
from service.errors import InvalidInput


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` in every route: 0 … int4 max; a larger id cannot exist, so the URL answers 404."""

    def __init__(self, map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", bounds.INT4_MAX)
        super().__init__(map, *args, **kwargs)


class BoundedStringConverter(UnicodeConverter):
    """`<name>` in every route: at most 200 characters and no control characters (a NUL would reach the
    database as a lookup key, which PostgreSQL refuses), so such a URL answers 404."""

    def __init__(self, map, *args: Any, **kwargs: Any) -> None:
        super().__init__(map, *args, **kwargs)
        self.regex = "[^/\x00-\x1f\x7f]{1,200}"


class CleanMultiDict(ImmutableMultiDict):
    """Query and form values without NUL and other control characters (PostgreSQL refuses NUL in text)."""

    def __init__(self, mapping: Any = None) -> None:
        pairs = MultiDict(mapping).items(multi=True)
        super().__init__([(bounds.strip_controls(k) if isinstance(k, str) else k,
                           bounds.strip_controls(v) if isinstance(v, str) else v) for k, v in pairs])


class _BoundedJSON:
    """The JSON module requests parse with: size and depth limits, no NaN/Infinity, controls stripped."""

    @staticmethod
    def loads(data: str | bytes, **_: Any) -> Any:
        if len(data) > bounds.JSON_MAX_BYTES:
            raise _Refused(f"Nội dung JSON quá lớn (tối đa {bounds.JSON_MAX_BYTES // 1024 // 1024} MB).")
        try:
            value = json.loads(data, parse_float=bounds.finite_float, parse_constant=_no_constant)
        except RecursionError:
            raise _Refused(f"JSON lồng nhau quá sâu (tối đa {bounds.JSON_MAX_DEPTH} cấp).") from None
        except ValueError as exc:  # includes too many digits for an int, 1e309
            raise _Refused(f"Nội dung không phải JSON hợp lệ: {str(exc)[:120]}") from None
        if bounds.json_depth(value) > bounds.JSON_MAX_DEPTH:
            raise _Refused(f"JSON lồng nhau quá sâu (tối đa {bounds.JSON_MAX_DEPTH} cấp).")
        return bounds.strip_controls_deep(value)


class _Refused(ValueError):
    """A JSON body the API will not read, with the reason to tell the client."""


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} không phải là số hợp lệ trong JSON.")


class Request(FlaskRequest):
    """The app's request class (see module docstring)."""

    parameter_storage_class = CleanMultiDict

    @property
    def json_module(self) -> Any:
        """Always the bounded parser (Flask's request context would set the app's provider here)."""
        return _BoundedJSON

    @json_module.setter
    def json_module(self, _value: Any) -> None:
        pass

    def on_json_loading_failed(self, e: ValueError | None) -> Any:
        if isinstance(e, _Refused):
            raise InvalidInput(str(e), {"body": [str(e)]})
        if e is None:
            raise InvalidInput("Nội dung yêu cầu phải là JSON (Content-Type: application/json).",
                               {"body": ["Gửi tiêu đề Content-Type: application/json."]})
        raise InvalidInput("Nội dung không phải JSON hợp lệ.", {"body": [str(e)[:200]]})


def init_app(app: Flask) -> None:
    """Before any blueprint registers its rules: the converter is looked up when a rule is added."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.url_map.converters["default"] = app.url_map.converters["string"] = BoundedStringConverter
    app.request_class = Request


PARAM_LABELS = {"unit_id": "mã tổ chức đảng", "member_id": "mã đảng viên", "year": "năm", "document_id": "mã văn bản",
                "file": "số thứ tự tệp", "page": "số trang", "doc_page": "trang của văn bản", "quarter": "quý",
                "base_revision": "số lần lưu", "version": "số phiên bản"}


def int_param(value: object, name: str, *, required: bool = False) -> int | None:
    """An id or number from a query, form or JSON value, within int4 (service.bounds.to_int, labelled in words)."""
    return bounds.to_int(value, name, PARAM_LABELS.get(name, name), required=required)
