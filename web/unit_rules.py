"""The readings of the rating rules a unit uses: the page (office/admin change them, a secretary reads them) and API."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, jsonify, redirect, render_template, request, url_for
from flask_login import login_required

from service import unit_rules
from service.errors import InvalidInput
from service.models import Unit

from .api import json_body, token_required
from .auth import actor_for, csrf, current, current_actor
from .database import session

bp = Blueprint("unit_rules", __name__)
api = Blueprint("unit_rules_api", __name__, url_prefix="/api/v1")
csrf.exempt(api)

_FORM_VALUES = {"true": True, "false": False}


def _posted(name: str) -> Any:
    """A reading as the form posts it: "" = inherit (None), "true"/"false" for yes/no readings, else the word."""
    raw = (request.form.get(name) or "").strip()
    if raw == "":
        return None
    if isinstance(unit_rules.READINGS[name].choices[0].value, bool):
        return _FORM_VALUES.get(raw, raw)
    return raw


def form_value(value: Any) -> str:
    """A value as the form's <option> carries it."""
    if value is None:
        return ""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _page(unit: Unit, status: int = 200, *, errors: dict[str, list[str]] | None = None, message: str = "",
          posted: dict[str, str] | None = None):
    db = session()
    parent = unit_rules.in_force(db, unit.parent_id) if unit.parent_id else None
    return render_template("unit_rules.html", unit=unit, state=unit_rules.in_force(db, unit.id),
                           inherited=parent, readings=unit_rules.READINGS, default_source=unit_rules.DEFAULT_SOURCE,
                           installation=unit_rules.in_force(db, None),
                           can_change=unit_rules.may_change(db, current(), unit),
                           history=unit_rules.history(db, unit), describe=unit_rules.describe,
                           form_value=form_value, errors=errors or {}, message=message,
                           posted=posted), status


@bp.get("/units/<int:unit_id>/rules")
@login_required
def page(unit_id: int):
    """Each reading with its meaning, clause, value in force and source; the form (office/admin) and the history."""
    return _page(unit_rules.readable_unit(session(), current(), unit_id))


@bp.post("/units/<int:unit_id>/rules")
@login_required
def change(unit_id: int):
    """Set or clear the unit's own readings with a reason; a bad value comes back with what was typed."""
    db = session()
    unit = unit_rules.readable_unit(db, current(), unit_id)
    values: dict[str, Any] = {name: _posted(name) for name in unit_rules.NAMES}
    values["reason"] = request.form.get("reason", "")
    try:
        row = unit_rules.change(db, unit, current(), values, actor=current_actor())
    except InvalidInput as exc:
        db.rollback()
        return _page(unit, 422, errors=exc.fields, message=exc.message, posted=request.form.to_dict())
    if row is None:
        flash("Không có thay đổi: các cách hiểu đã chọn trùng với cách hiểu đang đặt cho đơn vị.", "info")
    else:
        db.commit()
        flash("Đã lưu cách hiểu quy định; bảng theo dõi, kiểm tra và văn bản in của đơn vị và các đơn vị trực thuộc "
              "(trừ đơn vị tự đặt riêng) dùng cách hiểu này từ nay.", "info")
    return redirect(url_for("unit_rules.page", unit_id=unit.id))


# ---- API
@api.get("/units/<int:unit_id>/rule-settings")
@token_required
def api_get(unit_id: int):
    """The readings in force at the unit, each with its source and whether the unit sets it itself."""
    db = session()
    unit = unit_rules.readable_unit(db, g.api_user, unit_id)
    return jsonify(unit_rules.in_force(db, unit.id).as_dict())


@api.put("/units/<int:unit_id>/rule-settings")
@token_required
def api_put(unit_id: int):
    """Set (a value) or clear (null: inherit) some readings with a reason; 200 with the readings now in force."""
    db = session()
    unit = unit_rules.readable_unit(db, g.api_user, unit_id)
    row = unit_rules.change(db, unit, g.api_user, json_body(), actor=actor_for(g.api_user))
    db.commit()
    body = unit_rules.in_force(db, unit.id).as_dict()
    body["changed"] = row is not None
    return jsonify(body)
