"""The review meeting in the API's vocabulary, translated in one place to and from the model's.

The API speaks of "venue" and of attendance as "co_mat" / "vang_co_ly_do" / "vang_khong_ly_do" and names
rows "votes[i].tot"; the model stores place, present / absent_reason / absent_no_reason and "tallies". The
rules themselves (who may vote, totals against those present, lengths, times) stay in meeting.save_meeting."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .. import bounds
from ..errors import InvalidInput
from ..rules import LEVELS
from .meeting import MAX_VOTES, parse_votes, save_meeting
from .models import Meeting
from .people import CycleState

ATTENDANCE_CODES = {"co_mat": "present", "vang_co_ly_do": "absent_reason", "vang_khong_ly_do": "absent_no_reason"}
ATTENDANCE_NAMES = {model: api for api, model in ATTENDANCE_CODES.items()}
DETAIL_KEYS = {"held_on": "held_on", "opened_at": "opened_at", "closed_at": "closed_at", "venue": "place",
               "chair": "chair", "secretary": "secretary"}
KEYS = set(DETAIL_KEYS) | {"attendance", "votes"}
VOTE_CODES = tuple(code for code, _ in LEVELS)


def _rows(payload: dict, key: str, errors: bounds.Collector) -> list[dict]:
    rows = payload.get(key)
    if rows is None:
        return []
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        errors.add(key, "Phải là một danh sách các dòng (đối tượng JSON).")
        return []
    if len(rows) > 1000:
        errors.add(key, "Tối đa 1000 dòng.")
        return []
    return rows


def _member_id(row: dict, where: str, errors: bounds.Collector) -> int | None:
    return errors.take(bounds.to_int, row.get("member_id"), f"{where}.member_id", "mã đảng viên", minimum=1)


def from_api(payload: Any) -> dict[str, Any]:
    """API body → save_meeting's data, refusing shapes and codes the API does not know (keys as the API names
    them). Row order is kept, so the service's "tallies[i]" is the API's "votes[i]"."""
    if not isinstance(payload, dict):
        raise InvalidInput("Nội dung yêu cầu phải là một đối tượng JSON.")
    errors = bounds.Collector()
    for key in sorted(set(payload) - KEYS):
        errors.add(key, f"Trường không được hỗ trợ (chỉ nhận {', '.join(sorted(KEYS))}).")
    data: dict[str, Any] = {}
    for api_key, key in DETAIL_KEYS.items():
        value = payload.get(api_key)
        if value is not None and not isinstance(value, str):
            errors.add(api_key, "Phải là chữ (chuỗi JSON).")
        else:
            data[key] = value or ""
    data["attendance"] = []
    for i, row in enumerate(_rows(payload, "attendance", errors)):
        where = f"attendance[{i}]"
        member_id = _member_id(row, where, errors)
        code = row.get("attendance")
        if not isinstance(code, str) or code not in ATTENDANCE_CODES:
            errors.add(f"{where}.attendance", f"Chọn một trong: {', '.join(ATTENDANCE_CODES)}.")
        reason = row.get("reason")
        if reason is not None and not isinstance(reason, str):
            errors.add(f"{where}.reason", "Lý do vắng phải là chữ.")
        data["attendance"].append({"member_id": member_id, "status": ATTENDANCE_CODES.get(code) if isinstance(
            code, str) else None, "reason": reason or ""})
    data["tallies"] = []
    for i, row in enumerate(_rows(payload, "votes", errors)):
        where = f"votes[{i}]"
        tally: dict[str, Any] = {"member_id": _member_id(row, where, errors)}
        for code in VOTE_CODES:
            if parse_votes(row.get(code)) is None:
                errors.add(f"{where}.{code}", f"Số phiếu phải là số nguyên từ 0 đến {MAX_VOTES:,}.".replace(",", "."))
            tally[code] = row.get(code)
        data["tallies"].append(tally)
    errors.raise_if_any("Chưa lưu: dữ liệu hội nghị chưa hợp lệ.")
    return data


def _api_key(key: str) -> str:
    """The service's error key in the API's words: tallies[3] → votes[3], attendance[0].status → …attendance."""
    key = key.replace("tallies[", "votes[")
    if key.startswith("attendance[") and key.endswith(".status"):
        key = key[: -len(".status")] + ".attendance"
    return {"place": "venue"}.get(key, key)


def save_from_api(session: Session, state: CycleState, payload: Any) -> Meeting:
    """Check and store the meeting sent through the API; InvalidInput keyed as the API names fields."""
    data = from_api(payload)
    try:
        return save_meeting(session, state, data)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, {_api_key(k): v for k, v in exc.fields.items()}) from None


def to_api(meeting: Meeting) -> dict[str, Any]:
    """The stored meeting in the API's vocabulary."""
    return {
        "held_on": meeting.held_on.isoformat() if meeting.held_on else None,
        "opened_at": meeting.opened_at or "", "closed_at": meeting.closed_at or "", "venue": meeting.place or "",
        "chair": meeting.chair or "", "secretary": meeting.secretary or "",
        "attendance": [{"member_id": a.member_id, "attendance": ATTENDANCE_NAMES[a.status], "reason": a.reason}
                       for a in sorted(meeting.attendance, key=lambda a: a.member_id)],
        "votes": [{"member_id": t.member_id, **{code: getattr(t, code) for code in VOTE_CODES}}
                  for t in sorted(meeting.tallies, key=lambda t: t.member_id)],
    }
