"""The two voting documents of the chi bộ's meeting: the rating ballot and the vote-count minutes.

Shared pieces (vote columns, percentages, pre-filling from the recorded meeting) live in forms/meeting.py.
"""
from __future__ import annotations

from typing import Any, ClassVar

from wtforms.validators import ValidationError

from .base import FieldsForm
from .fields import ChoiceField, FlagField, IntField, LineField, Required, RowsField, VnDateField, VnTimeField
from .meeting import (
    COMMITTEE_ROLES,
    COUNT_MEETING,
    DEFAULT_BLANK_ROWS,
    VOTE_COLUMNS,
    MeetingDocument,
    add_row_error,
    attach,
    check_votes,
    fill_from_meeting,
    from_meeting,
    given_count,
    rated_members,
    table_rows,
    vote_rows,
)
from service.review import votes

from service.kinds.recorded import FromRecords, Recorded


class BallotRow(FieldsForm):
    """A member printed on the ballot."""

    full_name = LineField("Họ và tên", [Required()], max_length=120)


class BallotForm(MeetingDocument):
    """Phiếu đánh giá, xếp loại chất lượng đảng viên: a secret ballot with four tick boxes per member."""

    prefilled = FlagField("In sẵn họ tên đảng viên", description="Bỏ chọn để in phiếu trống (ghi tên bằng tay).")
    blank_rows = IntField("Số dòng trống khi không in sẵn họ tên", minimum=1, maximum=200, default=DEFAULT_BLANK_ROWS,
                          description=f"Mặc định {DEFAULT_BLANK_ROWS} dòng.")
    members = RowsField(BallotRow, "Danh sách đảng viên được đánh giá, xếp loại",
                        description="Đảng viên miễn sinh hoạt, đình chỉ sinh hoạt không có tên trên phiếu.")

    def validate_members(self, field) -> None:
        if self.prefilled.data and not [e for e in field.entries if not e.form.is_blank()]:
            raise ValidationError("Phiếu in sẵn họ tên cần danh sách đảng viên được đánh giá, xếp loại.")

    def extra_context(self, data: dict[str, Any]) -> dict[str, Any]:
        blank = data.get("blank_rows")
        return {"blank_rows": blank if isinstance(blank, int) and blank > 0 else DEFAULT_BLANK_ROWS}

    # What a refresh recomputes from the recorded exclusions (forms.prefill.refreshed).
    RECORDED: ClassVar[dict[str, FromRecords]] = {"members": FromRecords(("excluded",))}

    @classmethod
    def initial_data(cls, facts: dict[str, Any]) -> dict[str, Any]:
        """The header and the members who are rated this year (recorded exclusions too), names printed."""
        data = super().initial_data(facts)
        data["members"] = [{"full_name": m.get("full_name", "")}
                           for m in rated_members(facts.get("members") or [], Recorded(facts), data.get("year"))]
        data["prefilled"] = bool(data["members"])
        data["blank_rows"] = DEFAULT_BLANK_ROWS
        return data


# ---------------------------------------------------------------- vote count


class CommitteeRow(FieldsForm):
    """A member of the counting committee (ban kiểm phiếu)."""

    full_name = LineField("Họ và tên", [Required()], max_length=120)
    role = ChoiceField("Nhiệm vụ", [Required()], choices=COMMITTEE_ROLES)


class VoteRow(FieldsForm):
    """One member's ballots at each level."""

    full_name = LineField("Họ và tên", [Required()], max_length=120)
    votes_xuat_sac = IntField("Phiếu HT xuất sắc", maximum=1000)
    votes_tot = IntField("Phiếu HT tốt", maximum=1000)
    votes_hoan_thanh = IntField("Phiếu HT nhiệm vụ", maximum=1000)
    votes_khong_hoan_thanh = IntField("Phiếu không HT", maximum=1000)
    not_rated = FlagField("Không đánh giá, xếp loại", description="Đảng viên không thuộc diện xếp loại: không ghi "
                                                                  "số phiếu, ghi lý do ở cột Ghi chú.")
    note = LineField("Ghi chú", max_length=200)


class VoteCountForm(MeetingDocument):
    """Biên bản kiểm phiếu đánh giá, xếp loại chất lượng đảng viên."""

    counted_at = VnTimeField("1. Thời gian kiểm phiếu", [Required()], render_kw={"data-section": "1."})
    counted_on = VnDateField("1. Ngày kiểm phiếu", [Required()], render_kw={"data-section": "1."})
    venue = LineField("1. Địa điểm", [Required()], render_kw={"data-section": "1."})
    committee = RowsField(CommitteeRow, "2. Ban kiểm phiếu", [Required()], max_rows=15,
                          description="Một Trưởng ban và các thành viên.", render_kw={"data-section": "2."})
    ballots_issued = IntField("3. Số phiếu phát ra", [Required()], maximum=1000, render_kw={"data-section": "3."})
    ballots_returned = IntField("3. Số phiếu thu vào", [Required()], maximum=1000, render_kw={"data-section": "3."})
    ballots_valid = IntField("3. Số phiếu hợp lệ", [Required()], maximum=1000, render_kw={"data-section": "3."})
    ballots_invalid = IntField("3. Số phiếu không hợp lệ", [Required()], maximum=1000,
                               render_kw={"data-section": "3."})
    results = RowsField(VoteRow, "4. Kết quả kiểm phiếu từng đảng viên", [Required()],
                        description="Tỷ lệ % tính tự động trên số phiếu hợp lệ.", render_kw={"data-section": "4."})
    closed_at = VnTimeField("Giờ kết thúc kiểm phiếu", description="Để trống nếu không ghi.")

    def validate_ballots_returned(self, field) -> None:
        issued = self.ballots_issued.data
        if isinstance(field.data, int) and isinstance(issued, int) and field.data > issued:
            raise ValidationError(f"Số phiếu thu vào ({field.data}) không được lớn hơn số phiếu phát ra ({issued}).")

    def validate_ballots_valid(self, field) -> None:
        returned, invalid = self.ballots_returned.data, self.ballots_invalid.data
        if all(isinstance(v, int) for v in (field.data, returned, invalid)) and field.data + invalid != returned:
            raise ValidationError(f"Số phiếu hợp lệ ({field.data}) cộng số phiếu không hợp lệ ({invalid}) phải bằng "
                                  f"số phiếu thu vào ({returned}).")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        rows = self.committee.entries
        heads = [i for i, e in enumerate(rows) if e.form.role.data == "truong_ban"]
        if rows and len(heads) != 1:
            index = heads[1] if len(heads) > 1 else 0
            add_row_error(self.committee, index, "role", "Ban kiểm phiếu phải có đúng một Trưởng ban.")
            ok = False
        valid = self.ballots_valid.data
        if isinstance(valid, int):
            ok = check_votes(self.results, valid, "số phiếu hợp lệ") and ok
        ok = attach(self.results, votes.excluded_problems(table_rows(self.results), {}, ())) and ok
        self._errors = None
        return ok

    # What a refresh recomputes from the recorded meeting (forms.prefill.refreshed).
    RECORDED: ClassVar[dict[str, FromRecords]] = {**from_meeting(COUNT_MEETING),
                                                  "results": FromRecords(("tallies",), kept=VOTE_COLUMNS)}

    @classmethod
    def initial_data(cls, facts: dict[str, Any]) -> dict[str, Any]:
        """The header; from the recorded meeting its date and place and each rated member's votes. The time of
        the count, the committee and the ballots issued, returned and valid are not recorded: left to type."""
        data = super().initial_data(facts)
        recorded = Recorded(facts)
        fill_from_meeting(data, recorded, COUNT_MEETING)
        if recorded.knows_tallies:
            data["results"] = [{"full_name": m.get("full_name", ""), **recorded.votes(m)}
                               for m in rated_members(facts.get("members") or [], recorded, data.get("year"))]
        return data

    def extra_context(self, data: dict[str, Any]) -> dict[str, Any]:
        valid = given_count(data.get("ballots_valid")) or 0
        stored = data.get("results") or []
        rows = self.results.context(stored)["results"]
        for row, raw in zip(rows, stored):
            row["not_rated_text"] = votes.not_rated_text(raw.get("note") or "") if raw.get("not_rated") else ""
        committee = data.get("committee") or []
        head = next((m.get("full_name", "") for m in committee if m.get("role") == "truong_ban"), "")
        return {"results": vote_rows(rows, stored, valid), "committee_head": head,
                "committee_members": [m.get("full_name", "") for m in committee if m.get("role") != "truong_ban"]}
