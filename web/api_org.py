"""JSON API for running a đảng bộ: units, their members, Excel import and export (same service calls as the pages)."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from service import access, units
from service import member_import as importer
from service import members as members_service
from service.errors import InvalidInput, NotFound
from service.models import Unit

from .api import json_body, token_required
from .auth import csrf
from .database import session
from .org import export_response

bp = Blueprint("api_org", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


def _visible_unit(unit_id: int) -> Unit:
    db = session()
    unit = db.get(Unit, unit_id)
    if unit is None or unit.id not in access.visible_unit_ids(db, g.api_user):
        raise NotFound("Không tìm thấy tổ chức đảng.")
    return unit


@bp.get("/units/<int:unit_id>/members")
@token_required
def unit_members(unit_id: int):
    """The unit's current members (its chi bộ or every chi bộ below it), in Vietnamese order."""
    db = session()
    unit = _visible_unit(unit_id)
    people = members_service.current_members(db, access.subtree_ids(db, unit.id))
    return jsonify([members_service.as_dict(m) for m in people])


@bp.post("/units/<int:unit_id>/members/import")
@token_required
def unit_members_import(unit_id: int):
    """Import a member list (multipart `file`); `dry_run=1` only previews. Problems → 422, nothing written."""
    db = session()
    unit = units.managed_unit(db, g.api_user, unit_id)
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput("Gửi tệp danh sách trong trường “file” (multipart/form-data).", {"file": ["Thiếu tệp."]})
    dry_run = request.values.get("dry_run", "").strip().lower() in ("1", "true", "yes")
    try:
        result = importer.import_file(db, unit, upload.stream.read(importer.MAX_BYTES + 1), upload.filename or "",
                                      dry_run=dry_run, by=g.api_user)
    except importer.BadFile as exc:  # the whole file is unusable: one problem, same body shape
        db.rollback()
        body = importer.Plan(errors=[importer.Problem(0, "", exc.message)]).summary()
        return jsonify({**body, "error": exc.message}), 422
    if dry_run or result.errors:
        db.rollback()
    else:
        db.commit()
    return jsonify(result.summary()), 422 if result.errors and not dry_run else 200


@bp.get("/units/<int:unit_id>/members/export")
@token_required
def unit_members_export(unit_id: int):
    """The unit's members as an XLSX in the import layout."""
    return export_response(units.managed_unit(session(), g.api_user, unit_id))


@bp.post("/units")
@token_required
def unit_create():
    """Create a unit: {"name", "kind", "parent_id", "superior_line", "header_line", "place", "has_seal",
    "signer_body", "signer_title"} → 201 with the unit."""
    db = session()
    unit = units.create_unit(db, g.api_user, json_body())
    db.commit()
    return jsonify(units.as_dict(unit)), 201


@bp.patch("/units/<int:unit_id>")
@token_required
def unit_update(unit_id: int):
    """Rename, move (parent_id) or change a unit's printed lines, seal and signer."""
    db = session()
    unit = units.update_unit(db, g.api_user, units.managed_unit(db, g.api_user, unit_id), json_body())
    db.commit()
    return jsonify(units.as_dict(unit))
