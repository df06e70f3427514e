"""Typed service errors mapped once to responses: JSON for the API, a page for people."""
from __future__ import annotations

import logging

from flask import Flask, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from service.errors import DatabaseUnavailable, InvalidInput, ServiceError

log = logging.getLogger(__name__)

HTTP_MESSAGES = {400: "Yêu cầu không hợp lệ.", 401: "Cần đăng nhập hoặc mã truy cập (token).",
                 403: "Không có quyền.", 404: "Không tìm thấy.", 405: "Phương thức không được hỗ trợ.",
                 413: "Tệp hoặc dữ liệu gửi lên quá lớn.", 500: "Lỗi máy chủ. Vui lòng thử lại sau."}


CONCURRENT_MESSAGE = ("Có người khác vừa lưu cùng dữ liệu này đúng lúc bạn lưu: phần của bạn chưa được lưu, phần "
                      "của người kia không bị ghi đè. Tải lại trang để xem bản mới nhất rồi lưu lại.")


def wants_json() -> bool:
    """API paths and clients asking for JSON get JSON."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def respond(status: int, message: str, fields: dict | None = None, extra: dict | None = None):
    """One error shape for both audiences (`extra`: more keys for API clients, e.g. current_revision)."""
    if wants_json():
        body = {"error": message}
        if fields:
            body["fields"] = fields
        body.update(extra or {})
        return jsonify(body), status
    return render_template("error.html", status=status, message=message, fields=fields or {}), status


NOT_TYPED = ("csrf_token", "action", "base_revision", "username", "password", "current", "confirm")  # nor secrets


def typed_text() -> list[str]:
    """What a person typed into the form just sent: its values with words in them (not choices' codes, numbers or
    dates), longest first (long answers before the pre-filled one-line ones)."""
    if request.method != "POST" or not request.form:
        return []
    typed = [value.strip() for name, values in request.form.lists() if name not in NOT_TYPED
             for value in values if len(value.split()) > 1]
    return sorted(typed, key=len, reverse=True)


def _same_site_page() -> str:
    """The page the form was on (a path of this site), to open it again."""
    referrer = request.referrer or ""
    if referrer.startswith(request.host_url):
        return "/" + referrer[len(request.host_url):]
    return request.path


def _rollback() -> None:
    session = g.get("db_session")
    if session is not None:
        try:
            session.rollback()
        except DBAPIError:  # the connection is gone: the server has dropped the transaction with it
            session.invalidate()


def connection_lost(exc: BaseException | None) -> bool:
    """The database connection broke or was refused (not a bad statement): the request may be tried again."""
    return isinstance(exc, (OperationalError, InterfaceError)) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated)


def database_unavailable():
    """503 "thử lại": nothing of the request was committed (its one transaction died with the connection)."""
    _rollback()
    message = DatabaseUnavailable().message
    try:
        return respond(503, message)
    except Exception:  # noqa: BLE001 - the page itself needs the database (the logged-in user): plain text then
        return message, 503, {"Content-Type": "text/plain; charset=utf-8", "Retry-After": "5"}


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(ServiceError)
    def _service(exc: ServiceError):
        if isinstance(exc, DatabaseUnavailable):
            return database_unavailable()
        _rollback()
        fields = exc.fields if isinstance(exc, InvalidInput) else None
        if exc.status >= 500:
            log.error("%s: %s (%s)", exc.__class__.__name__, exc.message, exc.detail)
        return respond(exc.status, exc.message, fields, exc.extra)

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        typed = [] if wants_json() else typed_text()
        if not typed:
            return respond(400, "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang "
                                "và gửi lại (nội dung đã lưu trước đó không bị mất).")
        # The session ended while a form was open (expired overnight, logged out in another tab): nothing can be
        # saved, but what was typed is given back to copy instead of being lost with the page.
        message = ("Phiên làm việc đã hết hạn: nội dung vừa gửi chưa được lưu. Các đoạn đã gõ ở dưới: hãy chép "
                   "lại, mở lại trang (đăng nhập nếu cần), dán vào rồi lưu.")
        return render_template("error.html", status=400, message=message, fields={}, typed=typed,
                               reopen=_same_site_page()), 400

    @app.errorhandler(DBAPIError)
    def _database(exc: DBAPIError):
        if connection_lost(exc):
            log.error("database connection lost: %s", exc.__class__.__name__, exc_info=exc)
            return database_unavailable()
        if isinstance(exc, IntegrityError):  # a unique row made at the same moment by another request
            return _concurrent(exc)
        return _unexpected(exc)

    @app.errorhandler(StaleDataError)
    def _concurrent(exc: Exception):
        """Two requests changed the same rows at once (e.g. two people saving the meeting): the later one's
        transaction is rolled back whole, so nothing is half-written; it is told to reload, never a 500."""
        _rollback()
        log.warning("concurrent write refused: %s", exc.__class__.__name__)
        return respond(409, CONCURRENT_MESSAGE)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if connection_lost(getattr(exc, "original_exception", None)):  # while saving the session, after the view
            log.error("database connection lost after the view", exc_info=exc.original_exception)
            return database_unavailable()
        return respond(exc.code or 500, HTTP_MESSAGES.get(exc.code or 500, exc.description or ""))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        _rollback()
        log.exception("unexpected error")
        return respond(500, HTTP_MESSAGES[500])
