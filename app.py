"""Application factory: wiring only; the domain lives in service/, pages and API in web/."""
from __future__ import annotations

import logging
import os
from typing import Any

from flask import Flask

from service.config import Settings


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app from environment settings, overridden by `config` (tests)."""
    app = Flask(__name__, template_folder="web/templates", static_folder="web/static")
    settings = Settings.from_env()
    app.config.update(
        SETTINGS=settings, SECRET_KEY=settings.secret_key, DATABASE_URL=settings.database_url,
        CONVERTER_AUTOSTART=os.environ.get("CONVERTER_AUTOSTART") == "1", MAX_CONTENT_LENGTH=5 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", WTF_CSRF_TIME_LIMIT=None,
    )
    app.config.update(config or {})
    from service import catalog, rules

    rules.configure(app.config["SETTINGS"].rules)  # the readings of the rules this installation chose
    catalog.configure_form_codes(app.config["SETTINGS"].form_codes_without_year)
    if settings.trusted_proxies:  # the audit log records the client's address, not the proxy's
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from sqlalchemy.orm import configure_mappers

    from web import init_app  # imports every model

    configure_mappers()  # here, in one thread: not raced by the job threads and the first requests of a new worker
    init_app(app)
    return app
