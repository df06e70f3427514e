"""The chi bộ's meeting minutes (same in both regimes), and what the voting documents in forms/voting.py share.

No central form exists for any of them (REFERENCE.md §5, FORMS.md ref-bien-ban-hop-kiem-diem): the layout is
the customary one and every printed word lives in the template (tools/templates_meeting.py). What is counted
is computed here, never typed: attendance figures, voting base, percentages. Only official members vote
(Điều lệ Đảng Điều 3): probationary members are counted present but never in a tally.
"""
from __future__ import annotations

from typing import Any, ClassVar

from service.errors import UnsupportedYear
from service.regimes import regime_for_year
from service.review import votes
from service.review.votes import given_count, percent
from service.rules.levels import LEVELS

from .base import DocumentForm, FieldsForm
from .fields import ChoiceField, FlagField, IntField, LineField, Required, RowsField, VnDateField, VnTimeField
from .personal import section
from service.kinds.recorded import FromRecords, Recorded

LEVEL_CHOICES = [("", "— Chưa có —"), *LEVELS]
LEVEL_CODES = tuple(code for code, _ in LEVELS)
VOTE_COLUMNS = tuple(f"votes_{code}" for code in LEVEL_CODES)

PRESENT, EXCUSED, UNEXCUSED, EXEMPTED, SUSPENDED = "co_mat", "vang_co_ly_do", "vang_khong_ly_do", "mien", "dinh_chi"
ATTENDANCE = [("", "— Chọn —"), (PRESENT, "Có mặt"), (EXCUSED, "Vắng mặt có lý do"),
              (UNEXCUSED, "Vắng mặt không có lý do"), (EXEMPTED, "Miễn sinh hoạt"),
              (SUSPENDED, "Đình chỉ sinh hoạt")]
ATTENDANCE_LABELS = {EXEMPTED: "miễn sinh hoạt đảng", SUSPENDED: "đình chỉ sinh hoạt đảng"}
# How a member's status in the system (service/documents.member_row) enters the meeting documents.
STATUS_ATTENDANCE = {"exempted": EXEMPTED, "suspended": SUSPENDED}
NOT_RATED = {"exempted": "Miễn sinh hoạt đảng, không đánh giá, xếp loại",
             "suspended": "Đình chỉ sinh hoạt đảng, không đánh giá, xếp loại"}
# How the meeting's recorded attendance (service.review.models.ATTENDANCE) enters the minutes.
RECORDED_ATTENDANCE = {"present": PRESENT, "absent_reason": EXCUSED, "absent_no_reason": UNEXCUSED}
# Fields filled from the recorded meeting: form field → key of facts["meeting"].
MINUTES_MEETING = {"held_on": "held_on", "signed_on": "held_on", "opened_at": "opened_at", "closed_at": "closed_at",
                   "venue": "place", "chair": "chair", "secretary": "secretary"}
COUNT_MEETING = {"counted_on": "held_on", "signed_on": "held_on", "venue": "place"}
COMMITTEE_ROLES = [("", "— Chọn —"), ("truong_ban", "Trưởng ban"), ("thanh_vien", "Thành viên")]
DEFAULT_BLANK_ROWS = 15


class MeetingDocument(DocumentForm):
    """The three meeting documents: they print the regulation and guide of the regime."""

    def regime_context(self, data: dict[str, Any]) -> dict[str, str]:
        """The regulation and guide the meeting applies (from the kind, else from the year)."""
        regime = self.kind.regime if self.kind else None
        if regime is None:
            try:
                regime = regime_for_year(data.get("year"))
            except UnsupportedYear:
                return {"regulation": "", "guide": ""}
        return {"regulation": regime.regulation, "guide": regime.guide}


def add_row_error(rows: RowsField, index: int, column: str, message: str) -> None:
    """Attach a cross-table message to one cell, so the API reports it as `rows[index].column`."""
    entry = rows.entries[index]
    cell = entry.form[column]
    cell.errors = [*cell.errors, message]
    entry.form._errors = None
    rows.errors = [e.errors for e in rows.entries]


def attach(rows: RowsField, problems: list[votes.Problem]) -> bool:
    """Attach the service's findings to their table cells; True when there were none."""
    for problem in problems:
        add_row_error(rows, problem.index, problem.column, problem.message)
    return not problems


def table_rows(rows: RowsField) -> list[dict[str, Any]]:
    """The rows of a table field as stored JSON (blank rows included, so indexes match the entries)."""
    return [entry.form.json_data() for entry in rows.entries]


def check_votes(rows: RowsField, base: int, base_label: str, note: str = "") -> bool:
    """No member gets more votes (at one level or in all) than there are voters; messages name the member."""
    return attach(rows, votes.vote_problems(table_rows(rows), base, base_label, note))


def vote_rows(rows: list[dict[str, Any]], stored: list[dict[str, Any]], base: int) -> list[dict[str, Any]]:
    """Table rows with each level's share of the voting base: pct_xuat_sac … pct_khong_hoan_thanh."""
    return [{**row, **{f"pct_{code}": percent(given_count(raw.get(f"votes_{code}")), base) for code in LEVEL_CODES}}
            for row, raw in zip(rows, stored)]


# ---------------------------------------------------------------- pre-filling from the recorded meeting


def fill_from_meeting(data: dict[str, Any], recorded: Recorded, fields: dict[str, str]) -> None:
    """Copy the recorded meeting details into the form's fields (only those recorded)."""
    for name, key in fields.items():
        if recorded.detail(key):
            data[name] = recorded.detail(key)


def from_meeting(fields: dict[str, str]) -> dict[str, FromRecords]:
    """The RECORDED entries of fields filled by fill_from_meeting."""
    return {name: FromRecords((f"meeting.{key}",)) for name, key in fields.items()}


def rated_members(members: list[dict[str, Any]], recorded: Recorded, year: Any) -> list[dict[str, Any]]:
    """Members rated this year: not exempted, suspended or admitted less than 6 months before 31/12 (Điều 5; the
    recorded exclusions when the cycle's are known). Only they are on the ballot and in the vote count."""
    return [m for m in members if m.get("status") not in NOT_RATED and not recorded.exclusion(m, year)]


def attendance_row(member: dict[str, Any], recorded: Recorded) -> dict[str, Any]:
    """A member in the minutes' attendance: exempted/suspended apart, else as recorded, else present."""
    attendance, reason = STATUS_ATTENDANCE.get(member.get("status")), ""
    if attendance is None:
        status, reason = recorded.attendance(member) or ("present", "")
        attendance = RECORDED_ATTENDANCE.get(status, UNEXCUSED)
        reason = "" if attendance == PRESENT else reason
    return {"full_name": member.get("full_name", ""), "official": bool(member.get("official")),
            "attendance": attendance, "reason": reason}


def result_row(member: dict[str, Any], recorded: Recorded, year: Any) -> dict[str, Any]:
    """A member in the minutes' results: not rated and why, else the recorded self level, proposal and votes."""
    note = NOT_RATED.get(member.get("status")) or recorded.exclusion(member, year)
    row = {"full_name": member.get("full_name", ""), "note": note, "not_rated": bool(note)}
    if not note:
        row.update(self_level=recorded.level(member, "self"), proposed_level=recorded.level(member, "proposal"),
                   **recorded.votes(member))
    return row


def chair_position(members: list[dict[str, Any]], chair: str) -> str:
    """PHÓ BÍ THƯ when the chair is the chi bộ's phó bí thư, else BÍ THƯ (printed under T/M CHI BỘ)."""
    wanted = chair.strip().casefold()
    member = next((m for m in members if (m.get("full_name") or "").strip().casefold() == wanted), None)
    post = (member.get("party_post") or "").strip().lower() if member and wanted else ""
    return "PHÓ BÍ THƯ" if post.startswith("phó bí thư") else "BÍ THƯ"


# ---------------------------------------------------------------- minutes


class AttendanceRow(FieldsForm):
    """One member of the chi bộ and whether they attend."""

    full_name = LineField("Họ và tên", [Required()], max_length=120)
    official = FlagField("Chính thức", description="Bỏ trống nếu là đảng viên dự bị.")
    attendance = ChoiceField("Dự họp", [Required()], choices=ATTENDANCE,
                             description="Đảng viên miễn sinh hoạt, đình chỉ sinh hoạt được liệt kê riêng.")
    reason = LineField("Lý do vắng", max_length=200)


class ResultRow(FieldsForm):
    """One member's rating at the meeting: self-proposed level, chi bộ's proposal, votes per level."""

    full_name = LineField("Họ và tên", [Required()], max_length=120)
    self_level = ChoiceField("Tự nhận mức", choices=LEVEL_CHOICES)
    proposed_level = ChoiceField("Chi bộ đề xuất", choices=LEVEL_CHOICES)
    not_rated = FlagField("Không đánh giá, xếp loại",
                          description="Miễn sinh hoạt, đình chỉ sinh hoạt, mới vào Đảng chưa đủ 6 tháng: không ghi "
                                      "mức và số phiếu, ghi lý do ở cột Ghi chú.")
    votes_xuat_sac = IntField("Phiếu HT xuất sắc", maximum=1000)
    votes_tot = IntField("Phiếu HT tốt", maximum=1000)
    votes_hoan_thanh = IntField("Phiếu HT nhiệm vụ", maximum=1000)
    votes_khong_hoan_thanh = IntField("Phiếu không HT", maximum=1000)
    note = LineField("Ghi chú", max_length=200,
                     description="Ví dụ: Miễn sinh hoạt đảng, không đánh giá, xếp loại.")


def attendance_counts(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Every attendance figure of the minutes from the attendance rows (stored JSON)."""
    def names(code: str, with_reason: bool = False) -> str:
        out = []
        for r in rows:
            if r.get("attendance") == code:
                reason = (r.get("reason") or "").strip()
                out.append(f"{r.get('full_name', '')} ({reason})" if with_reason and reason else r.get("full_name", ""))
        return "; ".join(out) if with_reason else ", ".join(out)

    def count(code: str, official: bool | None = None) -> int:
        return sum(1 for r in rows if r.get("attendance") == code
                   and (official is None or bool(r.get("official")) == official))

    official = sum(1 for r in rows if r.get("official"))
    return {
        "total_members": len(rows), "official_members": official, "probationary_members": len(rows) - official,
        "exempted_count": count(EXEMPTED), "exempted_names": names(EXEMPTED),
        "suspended_count": count(SUSPENDED), "suspended_names": names(SUSPENDED),
        "present_count": count(PRESENT), "present_official": count(PRESENT, True),
        "present_probationary": count(PRESENT, False),
        "absent_count": count(EXCUSED) + count(UNEXCUSED),
        "absent_excused_count": count(EXCUSED), "absent_excused_names": names(EXCUSED, with_reason=True),
        "absent_unexcused_count": count(UNEXCUSED), "absent_unexcused_names": names(UNEXCUSED),
    }


class MinutesForm(MeetingDocument):
    """Biên bản hội nghị kiểm điểm, đánh giá, xếp loại chất lượng đảng viên (customary layout, REFERENCE §5)."""

    opened_at = VnTimeField("1. Thời gian bắt đầu", [Required()], description="Giờ khai mạc, ví dụ 14:00.",
                            render_kw={"data-section": "1."})
    held_on = VnDateField("1. Ngày họp", [Required()], render_kw={"data-section": "1."})
    venue = LineField("1. Địa điểm", [Required()], description="Ví dụ: Phòng họp tầng 2, Trường THPT …",
                      render_kw={"data-section": "1."})
    attendance = RowsField(AttendanceRow, "I. Đảng viên của chi bộ và tình hình dự họp", [Required()],
                           description="Mỗi đảng viên một dòng; các con số (tổng số, có mặt, vắng mặt, chính thức, "
                                       "dự bị) được tính tự động.", render_kw={"data-section": "I."})
    guests = section("I.", "Đại biểu cấp trên, khách mời", "Họ tên, chức vụ của đại biểu dự hội nghị (nếu có).",
                     required=False)
    chair = LineField("I. Chủ trì hội nghị (họ và tên)", [Required()], max_length=120,
                      render_kw={"data-section": "I."})
    chair_position = LineField("Chức vụ người chủ trì (in ở chữ ký)", [Required()], max_length=60,
                               description="Ví dụ: BÍ THƯ hoặc PHÓ BÍ THƯ (in dưới dòng T/M CHI BỘ).")
    secretary = LineField("I. Thư ký hội nghị (họ và tên)", [Required()], max_length=120,
                          render_kw={"data-section": "I."})
    content = section("II.", "Nội dung hội nghị",
                      "Báo cáo kiểm điểm của tập thể được trình bày, thảo luận, thông qua; từng đảng viên đọc bản "
                      "kiểm điểm; các ý kiến phát biểu (ghi rõ người phát biểu); kết luận của chủ trì đối với "
                      "từng đồng chí.")
    results = RowsField(ResultRow, "III. Kết quả đánh giá, xếp loại từng đảng viên", [Required()],
                        description="Chỉ đảng viên chính thức có mặt biểu quyết: số phiếu ở mỗi đồng chí không được "
                                    "vượt quá số đảng viên chính thức có mặt; tỷ lệ % được tính tự động. Nếu biểu "
                                    "quyết giơ tay về mức đề xuất, ghi số tán thành vào cột mức đó.",
                        render_kw={"data-section": "III."})
    collective_level = ChoiceField("III. Chi bộ đề xuất mức xếp loại tập thể chi bộ", [Required()],
                                   choices=LEVEL_CHOICES, render_kw={"data-section": "III."})
    collective_agree = IntField("III. Số đảng viên chính thức tán thành mức xếp loại tập thể", maximum=1000,
                                render_kw={"data-section": "III."})
    conclusion = section("IV.", "Kết luận hội nghị", "Kết luận của đồng chí chủ trì, nhiệm vụ khắc phục hạn chế.")
    adopted_agree = IntField("IV. Số đảng viên chính thức tán thành thông qua biên bản", [Required()], maximum=1000,
                             render_kw={"data-section": "IV."})
    closed_at = VnTimeField("IV. Giờ kết thúc", [Required()], render_kw={"data-section": "IV."})

    def attendance_rows(self) -> list[dict[str, Any]]:
        return [entry.form.json_data() for entry in self.attendance.entries if not entry.form.is_blank()]

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        base = attendance_counts(self.attendance_rows())["present_official"]
        label = "số đảng viên chính thức có mặt"
        note = " Đảng viên dự bị không biểu quyết."
        ok = check_votes(self.results, base, label, note) and ok
        attendance = table_rows(self.attendance)
        apart = {r.get("full_name"): ATTENDANCE_LABELS[r.get("attendance")] for r in attendance
                 if r.get("attendance") in (EXEMPTED, SUSPENDED)}
        results = table_rows(self.results)
        ok = attach(self.results, votes.excluded_problems(results, apart)) and ok
        ok = attach(self.attendance, votes.reason_problems(attendance, EXCUSED)) and ok
        if self.rules.vote_support_required:
            ok = attach(self.results, votes.proposal_problems(results, base, label)) and ok
        for field in (self.collective_agree, self.adopted_agree):
            if isinstance(field.data, int) and field.data > base:
                field.errors = [*field.errors, f"Số tán thành ({field.data}) vượt quá {label} ({base}).{note}"]
                ok = False
        self._errors = None
        return ok

    def extra_context(self, data: dict[str, Any]) -> dict[str, Any]:
        counts = attendance_counts(data.get("attendance") or [])
        base = counts["present_official"]
        stored = data.get("results") or []
        rows = self.results.context(stored)["results"]
        for row, raw in zip(rows, stored):
            row["not_rated_text"] = votes.not_rated_text(raw.get("note") or "") if raw.get("not_rated") else ""
        return {**counts, **self.regime_context(data), "results": vote_rows(rows, stored, base),
                "collective_pct": percent(given_count(data.get("collective_agree")), base),
                "adopted_pct": percent(given_count(data.get("adopted_agree")), base)}

    # What a refresh recomputes from the recorded meeting and rating steps (forms.prefill.refreshed).
    RECORDED: ClassVar[dict[str, FromRecords]] = {
        **from_meeting(MINUTES_MEETING), "chair_position": FromRecords(("meeting.chair",)),
        "attendance": FromRecords(("attendance",)),
        "results": FromRecords(("tallies", "ratings", "excluded"),
                               kept=("self_level", "proposed_level", *VOTE_COLUMNS, "note"))}

    @classmethod
    def initial_data(cls, facts: dict[str, Any]) -> dict[str, Any]:
        """The header and every member (exempted/suspended: listed apart, not rated); from the recorded meeting
        the attendance, levels, votes, date, times, place, chair and secretary, else all present and the bí thư
        as chair."""
        data = super().initial_data(facts)
        members = facts.get("members") or []
        recorded = Recorded(facts)
        data["attendance"] = [attendance_row(m, recorded) for m in members]
        data["results"] = [result_row(m, recorded, data.get("year")) for m in members]
        if facts.get("signed_on"):
            data["held_on"] = facts["signed_on"]
        chair = next((m for m in members if (m.get("party_post") or "").strip().lower().startswith("bí thư")), None)
        if chair:
            data["chair"] = chair.get("full_name", "")
        fill_from_meeting(data, recorded, MINUTES_MEETING)
        data["chair_position"] = chair_position(members, data.get("chair", ""))
        return data


# ---------------------------------------------------------------- ballot
