"""Kết quả đánh giá, xếp loại chất lượng đảng viên: one member's result, step by step, for the member's packet.

No central form (customary, [L]): the competent committee's note of a member's rating of the year, issued under
its own header (the committee, its superior above it): identity, then the level at each step (self-rating, the
chi bộ's proposal with its votes, the decision of the competent level, a re-rating if any), the final result, a
note and the committee's signature. One declaration, one template, both regimes (catalog `rating-result-124/-366`).

`service.review.ratings.record_result_document` opens and refreshes it whenever a decision or a re-rating is
recorded; the facts it adds to the member facts: `ratings` and `tallies` keyed by member id (as
`service.review.meeting.facts_for_documents` gives them), `member_id`, `superior_unit` (the name of the unit whose
committee decides), `committee_header` (that committee's Party header) and `decided_on`.
"""
from __future__ import annotations

from typing import Any

from ..rules.levels import LEVEL_LABELS, LEVELS
from .decisions import committee_of, signer_body_of
from .fields import MD_HELP, choice_field, date_field, int_field, markdown_field, text_field
from .recorded import FromRecords, Recorded
from .schema import KindFields

LEVEL_CHOICES = [("", "— Chọn mức xếp loại —"), *LEVELS]
# (field, rating step recorded in service.review) for the four steps, in the printed order.
STEP_FIELDS: tuple[tuple[str, str], ...] = (
    ("self_level", "self"), ("proposal_level", "proposal"), ("decision_level", "decision"),
    ("rerating_level", "rerating"),
)
# The votes of the chi bộ meeting on the proposal, one field per level, and the short name printed beside it.
VOTE_LABELS: tuple[tuple[str, str], ...] = (
    ("xuat_sac", "Xuất sắc"), ("tot", "Tốt"), ("hoan_thanh", "Hoàn thành"), ("khong_hoan_thanh", "Không hoàn thành"),
)
SIGNER_TITLE = "BÍ THƯ"




def _no_print(name: str, value: Any) -> dict[str, Any]:
    return {}  # the votes are printed inside the `proposal_votes` line only


def _votes(code: str, label: str):
    """Votes for one level at the chi bộ meeting."""
    return int_field(f"votes_{code}", f"Số phiếu đề xuất mức “{label}”", "Số phiếu của đảng viên chính thức có mặt "
                     "tại hội nghị chi bộ (đảng viên dự bị không biểu quyết). Để trống nếu không ghi nhận.",
                     minimum=0, maximum=10_000, prints=_no_print)


def deciding_body(unit_name: str) -> str:
    """The committee deciding for a unit, in the unit name's own case (“ĐẢNG BỘ X” → “ĐẢNG ỦY X”)."""
    body = committee_of(unit_name)
    return body.upper() if unit_name.strip() and unit_name == unit_name.upper() else body


def _member_id(facts: dict[str, Any]) -> Any:
    """The member the facts are about: `member_id`, or the only member the recorded ratings name."""
    if facts.get("member_id") is not None:
        return facts["member_id"]
    ratings = facts.get("ratings")
    return next(iter(ratings)) if isinstance(ratings, dict) and len(ratings) == 1 else None


def _rerating_basis(data: dict[str, Any], given: Any) -> str | None:
    """A basis for a re-rating that did not happen is a mistake."""
    if data.get("rerating_basis") and not data.get("rerating_level"):
        return "Chọn mức xếp loại lại, hoặc để trống căn cứ xếp loại lại."
    return None


def _initial(facts: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """Identity from the member facts, the recorded levels and votes, the deciding committee and its header."""
    recorded, who = Recorded(facts), {"id": _member_id(facts)}
    for name, step in STEP_FIELDS:
        level = recorded.level(who, step)
        if level:
            data[name] = level
    data.update(recorded.votes(who))
    unit = str(facts.get("superior_unit") or facts.get("superior_body") or "")
    body = deciding_body(unit)
    data["decided_by"] = body
    data["issuing_body"] = body.upper()
    header = facts.get("committee_header")
    if isinstance(header, dict):  # the committee's own header: its superior above it, its place
        data["superior_body"] = header.get("superior_body") or ""
        data["place"] = header.get("place") or data.get("place") or ""
    else:  # only the chi bộ's header is known: its superior is the committee, the one above is not known
        data["superior_body"] = ""
    data["decided_on"] = facts.get("decided_on") or facts.get("signed_on") or ""
    data["signer_body"] = signer_body_of(body)
    data["signer_title"] = SIGNER_TITLE
    data["signer_name"] = ""
    previous = facts.get("previous") or {}  # last year's result: the same committee signs the same way
    for key in ("signer_body", "signer_title", "signer_name"):
        if previous.get(key):
            data[key] = previous[key]
    return data


def _extras(data: dict[str, Any], given: Any) -> dict[str, Any]:
    """The votes line, the level that stands (re-rating over decision) and whether a note is printed."""
    votes = {code: data.get(f"votes_{code}") for code, _ in VOTE_LABELS}
    line = ""
    if any(isinstance(v, int) for v in votes.values()):
        line = "Số phiếu: " + "; ".join(f"{label} {votes[code] if isinstance(votes[code], int) else 0}"
                                        for code, label in VOTE_LABELS)
    final = data.get("rerating_level") or data.get("decision_level") or ""
    return {"proposal_votes": line, "final_level": LEVEL_LABELS.get(final, ""),
            "has_note": bool(str(data.get("note") or "").strip())}


RATING_RESULT = KindFields(
    fields=(
        text_field("full_name", "Họ và tên", required=True, max_length=120),
        date_field("birth_date", "Ngày sinh", "Để trống nếu hồ sơ đảng viên chưa có."),
        text_field("chi_bo", "Chi bộ", required=True),
        choice_field("self_level", "1. Tự đánh giá, xếp loại", LEVEL_CHOICES, required=True, section="1."),
        choice_field("proposal_level", "2. Chi bộ đề xuất", LEVEL_CHOICES, required=True, section="2."),
        *(_votes(code, LEVEL_LABELS[code]) for code, _ in VOTE_LABELS),
        text_field("decided_by", "3. Cấp có thẩm quyền quyết định", "Ví dụ: Đảng ủy Trường THPT Phan Đình Phùng; Ban "
                   "Thường vụ Đảng ủy phường.", required=True, max_length=200, section="3."),
        choice_field("decision_level", "3. Mức xếp loại do cấp có thẩm quyền quyết định", LEVEL_CHOICES, required=True,
                     section="3."),
        date_field("decided_on", "3. Ngày quyết định", required=True, section="3."),
        choice_field("rerating_level", "4. Xếp loại lại (nếu có)", LEVEL_CHOICES, "Chỉ khi cấp có thẩm quyền hủy kết "
                     "quả và xếp loại lại (Mẫu 03).", section="4."),
        text_field("rerating_basis", "4. Căn cứ xếp loại lại", "Ví dụ: Quyết định số 125-QĐ/ĐU ngày 20/01/2027. Để "
                   "trống nếu không có.", max_length=300, section="4."),
        markdown_field("note", "Ghi chú", "Để trống nếu không có." + MD_HELP, lines=3),
        text_field("signer_body", "Thay mặt (dòng “T/M …” của chữ ký)", "Phần sau “T/M”, viết hoa, ví dụ: ĐẢNG ỦY; BAN "
                   "THƯỜNG VỤ.", required=True, max_length=150),
        text_field("signer_title", "Chức vụ người ký", "Viết hoa, ví dụ: BÍ THƯ; PHÓ BÍ THƯ.", required=True,
                   max_length=100),
        text_field("signer_name", "Họ và tên người ký", "Để trống để viết tay.", max_length=120),
    ),
    rules={"rerating_basis": _rerating_basis},
    initial=_initial,
    extras=_extras,
    # Refreshed from the recorded rating steps and votes when a decision or a re-rating is recorded.
    from_records={**{name: FromRecords(("ratings",)) for name, _ in STEP_FIELDS},
                  **{f"votes_{code}": FromRecords(("tallies",)) for code, _ in VOTE_LABELS}},
)
