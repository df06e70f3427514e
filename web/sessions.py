"""Server-side sessions: the cookie carries only a random token, the data lives in the web_sessions table.

Why not Flask-Session: its SQLAlchemy backend needs Flask-SQLAlchemy (a second engine beside service.db) and
creates its table outside Alembic, and neither its database nor its Redis store knows whose session a row is, so
"end every session of this user" (password change, disabled account) would mean decoding every session. Here the
row carries user_id: one DELETE ends them (service.accounts.end_sessions), in every process at once. A request
still running when its session ends does not bring the row back.

A session expires after IDLE of inactivity or ABSOLUTE after it began (OWASP ASVS 3.3); logging in and out
replaces the token (no fixation, a copied cookie dies with the logout) and empties the data (a new CSRF token).

Flash messages ("Đã lưu bản nháp.") ride in a cookie of their own, signed with the app's key, from the request
that sets them to the page that shows them: every save used to write the row twice (the message put in, then taken
out by the next page), two transactions beside the save's own. The row is written only when what it stores
changes. A message too long for a cookie stays in the row as before.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone

from flask import Flask, Request, Response, request, session as flask_session
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SessionInterface, SessionMixin
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import CallbackDict

from service.accounts import session_key
from service.errors import DatabaseUnavailable
from service.models import User, WebSession, utcnow

from .database import db
from .database import session as request_session

IDLE = timedelta(hours=2)
ABSOLUTE = timedelta(hours=12)
TOUCH_EVERY = timedelta(minutes=1)  # seen_at is refreshed at most this often (one UPDATE, not one per request)
_serializer = TaggedJSONSerializer()
FLASHES = "_flashes"  # where Flask's flash() keeps its messages in the session
FLASH_COOKIE = "flash"
FLASH_MAX_AGE_S = 600  # a message not shown within ten minutes (the page closed meanwhile) is dropped
FLASH_COOKIE_LIMIT = 3800  # bytes of the signed value; above it (browsers keep 4 kB a cookie) the row holds them
# Every request's first query, built once (building a statement costs more Python than running a cached one).
_SESSION_AND_USER = (select(WebSession, User).outerjoin(User, User.id == WebSession.user_id)
                     .where(WebSession.key == bindparam("key")))


class ServerSession(CallbackDict, SessionMixin):
    """The session dict of one request; `token` is the cookie's value when a row exists."""

    def __init__(self, initial: dict | None = None, token: str | None = None) -> None:
        def on_update(self: ServerSession) -> None:
            self.modified = True
            self.accessed = True

        super().__init__(initial, on_update)
        self.token = token
        self.modified = False
        self.accessed = False
        self.rotate = False  # a new token at the end of this request (log in, log out)
        self.unavailable = False  # the database could not be asked: web.errors answers 503
        self.user_row = None  # the session's user, loaded with it (Flask-Login's loader then needs no query)
        self.stored: str | None = None  # the row's data as read: written back only when it differs
        self.flash_cookie = False  # the request came with a flash cookie (to be removed once shown)

    @property
    def key(self) -> str | None:
        return session_key(self.token) if self.token else None


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


class DatabaseSessionInterface(SessionInterface):
    """Flask's session API over the web_sessions table of the app's own database."""

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        if request.path.startswith(app.static_url_path + "/"):
            return ServerSession()
        opened = self._open_row(app, request)
        raw = request.cookies.get(FLASH_COOKIE)
        if raw:
            opened.flash_cookie = True
            try:
                flashes = self._flash_signer(app).loads(raw, max_age=FLASH_MAX_AGE_S)
            except BadSignature:  # forged, expired or from before a key change: not shown
                flashes = None
            if isinstance(flashes, list) and all(isinstance(f, list) and len(f) == 2 for f in flashes):
                dict.__setitem__(opened, FLASHES, [*opened.get(FLASHES, []), *(tuple(f) for f in flashes)])
        return opened

    def _open_row(self, app: Flask, request: Request) -> ServerSession:
        token = request.cookies.get(self.get_cookie_name(app))
        if not token or len(token) > 100:
            return ServerSession()
        now = utcnow()
        s = None
        try:
            s = request_session()  # the request's own: one connection (and one pool check) for the whole request
            # The row and its user in one query: Flask-Login's user_loader then finds the user in the session's
            # identity map (one round trip less on every page).
            found = s.execute(_SESSION_AND_USER, {"key": session_key(token)}).first()
            row = found[0] if found else None
            if row is None:
                return ServerSession()
            if _aware(row.seen_at) < now - IDLE or _aware(row.created_at) < now - ABSOLUTE:
                s.delete(row)
                s.commit()
                return ServerSession()
            if _aware(row.seen_at) < now - TOUCH_EVERY:
                row.seen_at = now
                s.commit()
            opened = ServerSession(_serializer.loads(row.data), token)
            opened.stored = row.data
            opened.user_row = found[1]  # held for the request: the identity map keeps only weak references
            return opened
        except SQLAlchemyError:
            if s is not None:
                s.rollback()
            app.logger.exception("session store unavailable")
            broken = ServerSession()
            broken.unavailable = True
            return broken

    def save_session(self, app: Flask, session: ServerSession, response: Response) -> None:  # type: ignore[override]
        if session.unavailable:
            return
        if session.token or session:
            response.vary.add("Cookie")
        stored = {k: v for k, v in session.items() if k != FLASHES}
        flashes = session.get(FLASHES)
        if flashes:
            signed = self._flash_signer(app).dumps([list(f) for f in flashes])
            if len(signed) <= FLASH_COOKIE_LIMIT:
                self._set_cookie(app, response, FLASH_COOKIE, signed, max_age=FLASH_MAX_AGE_S)
            else:
                stored[FLASHES] = flashes
                flashes = None
        if not flashes and session.flash_cookie:  # shown now (or moved into the row): not shown twice
            self._drop_cookie(app, response, FLASH_COOKIE)
        old_key = session.key
        if session.rotate and session.token:
            session.token = None
        if not stored:  # nothing to keep: no row, no cookie
            if old_key is not None:
                with db().session() as s:
                    s.execute(delete(WebSession).where(WebSession.key == old_key))
                self._drop_cookie(app, response)
            return
        if session.token is not None and not session.modified:  # untouched: nothing to compare
            return
        data = _serializer.dumps(stored)
        if session.token is not None and data == session.stored:  # only the messages changed
            return
        new = session.token is None
        if new:
            session.token = secrets.token_urlsafe(32)
        user_id = stored.get("_user_id")
        values = {"data": data, "seen_at": utcnow(),
                  "user_id": int(user_id) if isinstance(user_id, str) and user_id.isdigit() else None}
        if new:
            with db().session() as s:
                if old_key is not None:
                    s.execute(delete(WebSession).where(WebSession.key == old_key))
                s.add(WebSession(key=session.key, created_at=utcnow(), **values))
            kept = True
        else:  # one UPDATE (a CSRF token, say): no row when it ended meanwhile (logout elsewhere, password change),
            # and then it is never revived
            with db().engine.begin() as conn:
                kept = conn.execute(update(WebSession).where(WebSession.key == session.key).values(**values)
                                    ).rowcount == 1
        if not kept:
            self._drop_cookie(app, response)
        elif new:
            self._set_cookie(app, response, self.get_cookie_name(app), session.token)

    def _flash_signer(self, app: Flask) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(app.secret_key, salt="flash-messages")

    def _set_cookie(self, app: Flask, response: Response, name: str, value: str, max_age: int | None = None) -> None:
        response.set_cookie(name, value, max_age=max_age, domain=self.get_cookie_domain(app),
                            path=self.get_cookie_path(app), httponly=True,
                            secure=self.get_cookie_secure(app) or request.is_secure,
                            samesite=self.get_cookie_samesite(app))

    def _drop_cookie(self, app: Flask, response: Response, name: str | None = None) -> None:
        response.delete_cookie(name or self.get_cookie_name(app), domain=self.get_cookie_domain(app),
                               path=self.get_cookie_path(app), secure=self.get_cookie_secure(app), httponly=True,
                               samesite=self.get_cookie_samesite(app))


def rotate() -> None:
    """Empty this session and give it a new token at the end of the request (log in, log out)."""
    flask_session.clear()
    flask_session.rotate = True  # type: ignore[attr-defined]


def current_key() -> str | None:
    """The stored key of this request's session (to keep it in service.accounts.end_sessions)."""
    return getattr(flask_session, "key", None)


def purge_expired(now: datetime | None = None) -> int:
    """Delete sessions past their idle time (run at each login, so the table holds only live ones)."""
    now = now or utcnow()
    with db().session() as s:
        return s.execute(delete(WebSession).where(WebSession.seen_at < now - IDLE)).rowcount or 0


def init_app(app: Flask) -> None:
    """Use the database-backed sessions."""
    app.session_interface = DatabaseSessionInterface()

    @app.before_request
    def _store_down() -> None:
        if getattr(flask_session, "unavailable", False):
            raise DatabaseUnavailable()
