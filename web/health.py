"""GET /healthz: 200 once the database and the converter answer, 503 before."""
from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text

from .database import session
from .pdf import converter

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Readiness for load balancers and `make run`."""
    checks = {}
    try:
        session().execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # the reason is the point of this page
        checks["database"] = f"lỗi: {exc.__class__.__name__}"
    checks["converter"] = "ok" if converter().ready() else "chưa sẵn sàng"
    ok = all(v == "ok" for v in checks.values())
    return jsonify(status="ok" if ok else "not_ready", checks=checks), 200 if ok else 503
