"""Typed errors of the domain, each with a Vietnamese message a user can act on and an HTTP status."""
from __future__ import annotations


class ServiceError(Exception):
    """Base of every error the service reports to a user."""

    status = 400
    code = "loi"
    extra: dict = {}  # more facts for API clients (e.g. the current revision of a stale save)

    def __init__(self, message: str, *, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class InvalidInput(ServiceError):
    """The user's input cannot be used; `fields` maps field names to messages."""

    status = 422
    code = "du_lieu_khong_hop_le"

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}


class NotFound(ServiceError):
    """The object does not exist or the user may not see it (the two look alike on purpose)."""

    status = 404
    code = "khong_tim_thay"


class UnsupportedYear(InvalidInput):
    """The review year falls outside every regime the service knows."""


class ConversionFailed(ServiceError):
    """LibreOffice could not turn this document into PDF (bad document, or it hung twice)."""

    status = 502
    code = "chuyen_doi_that_bai"


class ConverterUnavailable(ServiceError):
    """LibreOffice is not installed or cannot start: the service is degraded, not the input bad."""

    status = 503
    code = "trinh_chuyen_doi_khong_san_sang"


class RenderFailed(ServiceError):
    """A template could not be rendered (a broken template, never the user's text)."""

    status = 500
    code = "loi_mau_van_ban"


class DatabaseUnavailable(ServiceError):
    """The database connection was lost or refused: nothing of the request was written, trying again may work."""

    status = 503
    code = "mat_ket_noi_co_so_du_lieu"

    def __init__(self, message: str = "Mất kết nối cơ sở dữ liệu, vui lòng thử lại.", **kw) -> None:
        super().__init__(message, **kw)
