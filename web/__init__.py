"""The web layer: thin blueprints over service/ and forms/."""
from __future__ import annotations

from flask import Flask

from . import api_documents, api_review, openapi  # noqa: F401  (their routes join api.bp when imported)
from . import (accounts, api, api_org, archive, auth, cli, database, display, errors, health, inputs, jobs, org, pages,
               pdf, review, security, unit_rules, unit_templates)


def init_app(app: Flask) -> None:
    """Bind extensions and register every blueprint."""
    inputs.init_app(app)  # first: the bounded int converter must be in place before any rule is added
    database.init_app(app)
    pdf.init_app(app)
    jobs.init_app(app)
    archive.init_app(app)
    display.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    cli.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(jobs.bp)
    app.register_blueprint(archive.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(api_org.bp)
    app.register_blueprint(org.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(unit_templates.bp)
    app.register_blueprint(unit_templates.api)
    app.register_blueprint(unit_rules.bp)
    app.register_blueprint(unit_rules.api)
