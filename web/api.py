"""JSON API v1 for integrations and batch use; bearer-token auth; the same service calls as the pages."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, g, jsonify, request
from sqlalchemy import func, select

from service import access, accounts, rules, unit_rules
from service.catalog import all_kinds, get_kind
from service.errors import InvalidInput
from service.models import Member, Unit

from .auth import actor_for, csrf
from .database import session
from . import downloads
from .downloads import document_file
from .errors import respond

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


def token_required(view):
    """401 without a valid `Authorization: Bearer …`; sets g.api_user."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        user = accounts.user_for_token(session(), token.strip()) if scheme.lower() == "bearer" and token else None
        if user is not None:
            session().commit()  # the token's last use, whatever the request does next
        if user is None:
            resp = respond(401, "Thiếu hoặc sai mã truy cập: gửi tiêu đề Authorization: Bearer <token>.")
            resp[0].headers["WWW-Authenticate"] = "Bearer"
            return resp
        g.api_user = user
        return view(*args, **kwargs)
    return wrapped


def json_body() -> dict:
    """The request's JSON object (bounded by web.inputs); 422 when it is not one."""
    body = request.get_json()
    if not isinstance(body, dict):
        raise InvalidInput("Nội dung yêu cầu phải là một đối tượng JSON (Content-Type: application/json).")
    return body


@bp.get("/kinds")
@token_required
def kinds():
    """Every document kind with its fields."""
    return jsonify([{
        "code": k.code, "title": k.title, "form_code": k.form_code, "regime": k.regime.code,
        "regulation": k.regime.regulation, "guide": k.regime.guide, "subject": k.subject,
        "fields": k.schema.describe(),
    } for k in all_kinds()])


@bp.get("/units")
@token_required
def units():
    """The units the token's user may see, with their member counts."""
    db = session()
    ids = access.visible_unit_ids(db, g.api_user)
    counts = dict(db.execute(select(Member.unit_id, func.count()).where(Member.unit_id.in_(ids))
                             .group_by(Member.unit_id)).all()) if ids else {}
    rows = db.scalars(select(Unit).where(Unit.id.in_(ids)).order_by(Unit.id)).all() if ids else []
    return jsonify([{"id": u.id, "name": u.name, "kind": u.kind, "kind_label": u.kind_label,
                     "parent_id": u.parent_id, "member_count": counts.get(u.id, 0)} for u in rows])




@bp.post("/kinds/<code>/render")
@token_required
def render_kind(code: str):
    """Render a kind from a JSON object of field values; 422 lists every bad field."""
    return document_file(get_kind(code), json_body(), request.args.get("format", "pdf"))


@bp.get("/documents/<int:doc_id>")
@token_required
def document(doc_id: int):
    """A saved document's data, if the token's user may see it (404 otherwise)."""
    doc = access.document_for(session(), g.api_user, doc_id)
    return jsonify({"id": doc.id, "kind": doc.kind_code, "year": doc.cycle.year, "status": doc.status,
                    "revision": doc.revision, "member_id": doc.member_id, "data": doc.data})


@bp.get("/documents/<int:doc_id>/file")
@token_required
def saved_document_file(doc_id: int):
    """A saved document as DOCX or PDF; 422 when it is not complete yet."""
    doc = access.document_for(session(), g.api_user, doc_id)
    return downloads.saved_document_file(doc, request.args.get("format", "pdf"), actor_for(g.api_user))


@bp.post("/rating/check")
@token_required
def rating_check():
    """Ask the rating rules before printing: eligibility, highest level allowed, violations, the quota. With
    "unit_id", under the readings in force at that unit (its own, inherited, or the installation's); the body's
    "settings" still change them for this check."""
    body = json_body()
    settings = None
    if "unit_id" in body:
        unit_id = body["unit_id"]
        if isinstance(unit_id, bool) or not isinstance(unit_id, int):
            raise InvalidInput("Mã tổ chức đảng (unit_id) phải là một số.", {"unit_id": ["Phải là một số nguyên."]})
        settings = unit_rules.settings_for(session(), unit_rules.readable_unit(session(), g.api_user, unit_id).id)
    return jsonify(rules.check_payload(body, settings=settings))
