"""Kết quả đánh giá, xếp loại chất lượng đảng viên: one member's result, step by step, for the member's packet.

No central form (customary, [L]): the competent committee's note of a member's rating of the year, issued under
its own header (the committee, its superior above it): identity, then the level at each step (self-rating, the
chi bộ's proposal with its votes, the decision of the competent level, a re-rating if any), the final result, a
note and the committee's signature. One form, one template, both regimes (catalog `rating-result-124/-366`).

`service.review.ratings.record_result_document` opens and refreshes it whenever a decision or a re-rating is
recorded; the facts it adds to the member facts: `ratings` and `tallies` keyed by member id (as
`service.review.meeting.facts_for_documents` gives them), `member_id`, `superior_unit` (the name of the unit whose
committee decides), `committee_header` (that committee's Party header) and `decided_on`.
"""
from __future__ import annotations

from typing import Any, ClassVar

from wtforms.validators import ValidationError

from service.rules.levels import LEVEL_LABELS, LEVELS

from .base import DocumentForm
from .decisions import committee_of, signer_body_of
from .fields import ChoiceField, IntField, LineField, MarkdownField, Required, VnDateField
from .personal import MD_HELP
from service.kinds.recorded import FromRecords, Recorded

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


class VotesField(IntField):
    """Votes for one level at the chi bộ meeting: printed only inside the `proposal_votes` line."""

    def context(self, value: Any) -> dict[str, Any]:
        return {}


def _votes(label: str) -> VotesField:
    return VotesField(f"Số phiếu đề xuất mức “{label}”", minimum=0, maximum=10_000,
                      description="Số phiếu của đảng viên chính thức có mặt tại hội nghị chi bộ (đảng viên dự bị "
                                  "không biểu quyết). Để trống nếu không ghi nhận.")


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


class RatingResultForm(DocumentForm):
    """KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN năm … of one member (customary layout, [L])."""

    full_name = LineField("Họ và tên", [Required()], max_length=120)
    birth_date = VnDateField("Ngày sinh", description="Để trống nếu hồ sơ đảng viên chưa có.")
    chi_bo = LineField("Chi bộ", [Required()])
    self_level = ChoiceField("1. Tự đánh giá, xếp loại", [Required()], choices=LEVEL_CHOICES,
                             render_kw={"data-section": "1."})
    proposal_level = ChoiceField("2. Chi bộ đề xuất", [Required()], choices=LEVEL_CHOICES,
                                 render_kw={"data-section": "2."})
    votes_xuat_sac, votes_tot, votes_hoan_thanh, votes_khong_hoan_thanh = (
        _votes(LEVEL_LABELS[code]) for code, _ in VOTE_LABELS)
    decided_by = LineField("3. Cấp có thẩm quyền quyết định", [Required()], max_length=200,
                           description="Ví dụ: Đảng ủy Trường THPT Phan Đình Phùng; Ban Thường vụ Đảng ủy phường.",
                           render_kw={"data-section": "3."})
    decision_level = ChoiceField("3. Mức xếp loại do cấp có thẩm quyền quyết định", [Required()],
                                 choices=LEVEL_CHOICES, render_kw={"data-section": "3."})
    decided_on = VnDateField("3. Ngày quyết định", [Required()], render_kw={"data-section": "3."})
    rerating_level = ChoiceField("4. Xếp loại lại (nếu có)", choices=LEVEL_CHOICES,
                                 description="Chỉ khi cấp có thẩm quyền hủy kết quả và xếp loại lại (Mẫu 03).",
                                 render_kw={"data-section": "4."})
    rerating_basis = LineField("4. Căn cứ xếp loại lại", max_length=300,
                               description="Ví dụ: Quyết định số 125-QĐ/ĐU ngày 20/01/2027. Để trống nếu không có.",
                               render_kw={"data-section": "4."})
    note = MarkdownField("Ghi chú", description="Để trống nếu không có." + MD_HELP, render_kw={"rows": 3})
    signer_body = LineField("Thay mặt (dòng “T/M …” của chữ ký)", [Required()], max_length=150,
                            description="Phần sau “T/M”, viết hoa, ví dụ: ĐẢNG ỦY; BAN THƯỜNG VỤ.")
    signer_title = LineField("Chức vụ người ký", [Required()], max_length=100,
                             description="Viết hoa, ví dụ: BÍ THƯ; PHÓ BÍ THƯ.")
    signer_name = LineField("Họ và tên người ký", max_length=120, description="Để trống để viết tay.")

    # Refreshed from the recorded rating steps and votes when a decision or a re-rating is recorded.
    RECORDED: ClassVar[dict[str, FromRecords]] = {
        **{name: FromRecords(("ratings",)) for name, _ in STEP_FIELDS},
        **{f"votes_{code}": FromRecords(("tallies",)) for code, _ in VOTE_LABELS}}

    def validate_rerating_basis(self, field) -> None:
        """A basis for a re-rating that did not happen is a mistake."""
        if field.data and not self.rerating_level.data:
            raise ValidationError("Chọn mức xếp loại lại, hoặc để trống căn cứ xếp loại lại.")

    @classmethod
    def initial_data(cls, facts: dict[str, Any]) -> dict[str, Any]:
        """Identity from the member facts, the recorded levels and votes, the deciding committee and its header."""
        data = super().initial_data(facts)
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

    def extra_context(self, data: dict[str, Any]) -> dict[str, Any]:
        """The votes line, the level that stands (re-rating over decision) and whether a note is printed."""
        votes = {code: data.get(f"votes_{code}") for code, _ in VOTE_LABELS}
        line = ""
        if any(isinstance(v, int) for v in votes.values()):
            line = "Số phiếu: " + "; ".join(f"{label} {votes[code] if isinstance(votes[code], int) else 0}"
                                            for code, label in VOTE_LABELS)
        final = data.get("rerating_level") or data.get("decision_level") or ""
        return {"proposal_votes": line, "final_level": LEVEL_LABELS.get(final, ""),
                "has_note": bool(str(data.get("note") or "").strip())}
