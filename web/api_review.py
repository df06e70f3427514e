"""JSON API of the review cycle: the board, the meeting, the rating steps — the same service calls as the
pages of web/review.py, so the rules and the order of steps answer alike."""
from __future__ import annotations

from flask import current_app, g, jsonify

from service import access, bounds, documents
from service.errors import InvalidInput, NotFound
from service.models import Member, Unit
from service.regimes import regime_for_year
from service.review import dashboard, meeting, meeting_json, people, ratings
from service.review.models import STEPS
from service.rules import LEVEL_LABELS

from .api import bp, json_body, token_required
from .auth import actor_for
from .database import session

LEVEL_CODES = {label: code for code, label in LEVEL_LABELS.items()}
STEP_KEYS = {"member_id", "step", "level", "reason", "note"}


def _unit(unit_id: int) -> Unit:
    """A unit the token's user manages (members manage none), else 404."""
    unit = session().get(Unit, unit_id)
    if unit is None or g.api_user.role == "member" or unit.id not in access.visible_unit_ids(session(), g.api_user):
        raise NotFound("Không tìm thấy tổ chức đảng.")
    return unit


def _cycle(unit: Unit, year: int):
    regime_for_year(year)
    return documents.cycle_for(session(), unit, year)


def _board_json(board: dashboard.UnitBoard) -> dict:
    return {
        "unit_id": board.unit.id, "name": board.unit.name, "missing": board.unit_missing,
        "levels": {step: LEVEL_CODES.get(label, label) for step, label in board.unit_levels.items()},
        "members": [{
            "member_id": row.member.id, "full_name": row.member.full_name, "status": row.status,
            "status_label": row.status_label, "excluded": row.excluded, "missing": row.missing,
            "next_step": row.next_step,
            "levels": {step: LEVEL_CODES.get(label, label) for step, label in row.levels.items()},
        } for row in board.rows],
    }


@bp.get("/units/<int:unit_id>/review/<int:year>")
@token_required
def review_board(unit_id: int, year: int):
    """The board: every member's status, what is missing, the next step, the levels per step (codes); the unit's
    own missing documents and levels; for a đảng bộ, each unit below it in `units`."""
    unit = _unit(unit_id)
    regime_for_year(year)
    boards = dashboard.boards(session(), unit, year)
    session().commit()
    body = {"year": year, **_board_json(boards[0]), "units": [_board_json(b) for b in boards[1:]]}
    return jsonify(body)


@bp.put("/units/<int:unit_id>/meetings/<int:year>")
@token_required
def save_meeting(unit_id: int, year: int):
    """Record the review meeting; saving again replaces its details, attendance and votes as a whole."""
    unit = _unit(unit_id)
    cycle = _cycle(unit, year)
    state = people.load_cycle(session(), cycle)
    record = meeting_json.save_from_api(session(), state, json_body())
    session().commit()
    return jsonify(meeting_json.to_api(record))


@bp.get("/units/<int:unit_id>/meetings/<int:year>")
@token_required
def get_meeting(unit_id: int, year: int):
    """The recorded meeting (empty until saved)."""
    unit = _unit(unit_id)
    record = meeting.meeting_for(session(), _cycle(unit, year))
    session().commit()
    return jsonify(meeting_json.to_api(record))


@bp.post("/units/<int:unit_id>/review/<int:year>/steps")
@token_required
def record_step(unit_id: int, year: int):
    """Record a rating step (self, proposal, decision, rerating) for a member, or for the unit itself without
    member_id: 201 with the step; 422 with the order's or the rules' reasons when refused (nothing written)."""
    unit = _unit(unit_id)
    body = json_body()
    errors = bounds.Collector()
    for key in sorted(set(body) - STEP_KEYS):
        errors.add(key, f"Trường không được hỗ trợ (chỉ nhận {', '.join(sorted(STEP_KEYS))}).")
    member_id = errors.take(bounds.to_int, body.get("member_id"), "member_id", "mã đảng viên", minimum=1,
                            required=False)
    step, level = body.get("step"), body.get("level")
    if not isinstance(step, str) or step not in STEPS:
        errors.add("step", f"Chọn một trong: {', '.join(STEPS)}.")
    if not isinstance(level, str) or level not in LEVEL_LABELS:
        errors.add("level", f"Chọn một trong: {', '.join(LEVEL_LABELS)}.")
    reason = errors.take(bounds.to_text, body.get("reason"), "reason", "lý do", max_length=2000)
    note = errors.take(bounds.to_text, body.get("note"), "note", "ghi chú", max_length=2000)
    errors.raise_if_any("Yêu cầu ghi bước xếp loại chưa hợp lệ.")
    member = None
    if member_id is not None:
        member = session().get(Member, member_id)
        if member is None or member.unit_id != unit.id:
            raise InvalidInput("Đảng viên không thuộc tổ chức này.", {"member_id": ["Đảng viên không thuộc tổ chức "
                                                                                    "đảng này."]})
    cycle = _cycle(unit, year)
    try:
        row = ratings.record_step(session(), cycle, member, step, level, g.api_user, note=note or "",
                                  override_reason=reason or "", actor=actor_for(g.api_user),
                                  default_place=current_app.config["SETTINGS"].default_place)
    except ratings.StepRefused as exc:
        session().rollback()
        messages = [exc.message] + [f"{r['message']} ({r['source']})" for r in exc.reasons]
        return jsonify({"error": exc.message, "reasons": exc.reasons, "fields": {"step": messages}}), 422
    session().commit()
    return jsonify({"id": row.id, "member_id": row.member_id, "step": row.step, "level": row.level,
                    "score_total": row.score_total, "note": row.note, "reason": row.override_reason,
                    "at": row.at.isoformat() if row.at else None}), 201
