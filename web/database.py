"""One database session per request, closed (and rolled back on error) at teardown."""
from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from service.db import Database


def init_app(app: Flask) -> None:
    """Create the app's Database and close request sessions after each request."""
    app.extensions["db"] = Database(app.config["DATABASE_URL"])
    app.extensions["db"].use_seal(installation_seal(app.config["SETTINGS"]))
    app.extensions["db"].use_view_log()

    @app.teardown_appcontext
    def _close(exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            Database.close_request_session(session, failed=exc is not None)


def installation_seal(settings):
    """The audit seal of this installation: its key in the data folder, checkpoints in the archive's store."""
    from service.archive.seal import seal_for
    from service.archive.storage import store_from_settings

    return seal_for(settings.data_dir, lambda: store_from_settings(settings))


def db() -> Database:
    """The app's Database."""
    return current_app.extensions["db"]


def session() -> Session:
    """The request's session, opened on first use."""
    if "db_session" not in g:
        g.db_session = db().sessions()
    return g.db_session
