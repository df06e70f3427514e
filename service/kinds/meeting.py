"""The three documents of the chi bộ's meeting (same in both regimes): the minutes, the ballot, the vote count.

No central form exists for any of them (docs/REGULATIONS.md, customary documents): the layout is
the customary one and every printed word lives in the template (tools/templates_meeting.py). What is counted
is computed here, never typed: attendance figures, voting base, percentages. Only official members vote
(Điều lệ Đảng Điều 3): probationary members are counted present but never in a tally.
"""
from __future__ import annotations

from typing import Any

from ..errors import UnsupportedYear
from ..regimes import regime_for_year
from ..review import votes
from ..review.votes import given_count, percent
from ..rules.levels import LEVELS
from .fields import (Field, choice_field, date_field, flag_field, int_field, printed, section_field, table_field,
                     text_field, time_field)
from .recorded import FromRecords, Recorded
from .schema import KindFields

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



def regime_context(data: dict[str, Any], kind: Any) -> dict[str, str]:
    """The regulation and guide the meeting applies (from the kind, else from the year)."""
    regime = kind.regime if kind else None
    if regime is None:
        try:
            regime = regime_for_year(data.get("year"))
        except UnsupportedYear:
            return {"regulation": "", "guide": ""}
    return {"regulation": regime.regulation, "guide": regime.guide}


def problems_at(table: str, problems: list[votes.Problem]) -> list[tuple[str, str]]:
    """The service's findings on a table's cells, as places ("results[2].votes_tot") and messages."""
    return [(f"{table}[{p.index}].{p.column}", p.message) for p in problems]


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



def _vote_columns(maximum: int = 1000) -> tuple[Field, ...]:
    return (int_field("votes_xuat_sac", "Phiếu HT xuất sắc", maximum=maximum),
            int_field("votes_tot", "Phiếu HT tốt", maximum=maximum),
            int_field("votes_hoan_thanh", "Phiếu HT nhiệm vụ", maximum=maximum),
            int_field("votes_khong_hoan_thanh", "Phiếu không HT", maximum=maximum))


ATTENDANCE_COLUMNS: tuple[Field, ...] = (  # one member of the chi bộ and whether they attend
    text_field("full_name", "Họ và tên", required=True, max_length=120),
    flag_field("official", "Chính thức", "Bỏ trống nếu là đảng viên dự bị."),
    choice_field("attendance", "Dự họp", ATTENDANCE, "Đảng viên miễn sinh hoạt, đình chỉ sinh hoạt được liệt kê riêng.",
                 required=True),
    text_field("reason", "Lý do vắng", max_length=200),
)

RESULT_COLUMNS: tuple[Field, ...] = (  # one member's rating at the meeting: self level, proposal, votes per level
    text_field("full_name", "Họ và tên", required=True, max_length=120),
    choice_field("self_level", "Tự nhận mức", LEVEL_CHOICES),
    choice_field("proposed_level", "Chi bộ đề xuất", LEVEL_CHOICES),
    flag_field("not_rated", "Không đánh giá, xếp loại", "Miễn sinh hoạt, đình chỉ sinh hoạt, mới vào Đảng chưa đủ 6 "
               "tháng: không ghi mức và số phiếu, ghi lý do ở cột Ghi chú."),
    *_vote_columns(),
    text_field("note", "Ghi chú", "Ví dụ: Miễn sinh hoạt đảng, không đánh giá, xếp loại.", max_length=200),
)


def _minutes_checks(data: dict[str, Any], given: Any) -> list[tuple[str, str]]:
    """Only official members present vote: no member, level or agreement gets more votes than them; members
    apart (exempted, suspended) and rows marked not rated carry no level; a reason only for an excused absence."""
    attendance, results = data.get("attendance") or [], data.get("results") or []
    base = attendance_counts(attendance)["present_official"]
    label = "số đảng viên chính thức có mặt"
    note = " Đảng viên dự bị không biểu quyết."
    out = problems_at("results", votes.vote_problems(results, base, label, note))
    apart = {r.get("full_name"): ATTENDANCE_LABELS[r.get("attendance")] for r in attendance
             if r.get("attendance") in (EXEMPTED, SUSPENDED)}
    out += problems_at("results", votes.excluded_problems(results, apart))
    out += problems_at("attendance", votes.reason_problems(attendance, EXCUSED))
    if given.rules.vote_support_required:
        out += problems_at("results", votes.proposal_problems(results, base, label))
    for name in ("collective_agree", "adopted_agree"):
        value = data.get(name)
        if isinstance(value, int) and value > base:
            out.append((name, f"Số tán thành ({value}) vượt quá {label} ({base}).{note}"))
    return out


def _printed_results(data: dict[str, Any], field: Field, base: int) -> list[dict[str, Any]]:
    """The results table as printed: each row's variables, why a member is not rated, each level's share."""
    stored = data.get("results") or []
    rows = printed(field, stored)["results"]
    for row, raw in zip(rows, stored):
        row["not_rated_text"] = votes.not_rated_text(raw.get("note") or "") if raw.get("not_rated") else ""
    return vote_rows(rows, stored, base)


def _minutes_extras(data: dict[str, Any], given: Any) -> dict[str, Any]:
    counts = attendance_counts(data.get("attendance") or [])
    base = counts["present_official"]
    return {**counts, **regime_context(data, given.kind),
            "results": _printed_results(data, MINUTES.field("results"), base),
            "collective_pct": percent(given_count(data.get("collective_agree")), base),
            "adopted_pct": percent(given_count(data.get("adopted_agree")), base)}


def _minutes_initial(facts: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """The header and every member (exempted/suspended: listed apart, not rated); from the recorded meeting
    the attendance, levels, votes, date, times, place, chair and secretary, else all present and the bí thư
    as chair."""
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



MINUTES = KindFields(  # Biên bản hội nghị kiểm điểm, đánh giá, xếp loại chất lượng đảng viên (customary layout)
    fields=(
        time_field("opened_at", "1. Thời gian bắt đầu", "Giờ khai mạc, ví dụ 14:00.", required=True, section="1."),
        date_field("held_on", "1. Ngày họp", required=True, section="1."),
        text_field("venue", "1. Địa điểm", "Ví dụ: Phòng họp tầng 2, Trường THPT …", required=True, section="1."),
        table_field("attendance", "I. Đảng viên của chi bộ và tình hình dự họp", ATTENDANCE_COLUMNS,
                    "Mỗi đảng viên một dòng; các con số (tổng số, có mặt, vắng mặt, chính thức, dự bị) được tính tự "
                    "động.", required=True, section="I."),
        section_field("guests", "I.", "Đại biểu cấp trên, khách mời", "Họ tên, chức vụ của đại biểu dự hội nghị (nếu "
                      "có).", required=False),
        text_field("chair", "I. Chủ trì hội nghị (họ và tên)", required=True, max_length=120, section="I."),
        text_field("chair_position", "Chức vụ người chủ trì (in ở chữ ký)", "Ví dụ: BÍ THƯ hoặc PHÓ BÍ THƯ (in dưới "
                   "dòng T/M CHI BỘ).", required=True, max_length=60),
        text_field("secretary", "I. Thư ký hội nghị (họ và tên)", required=True, max_length=120, section="I."),
        section_field("content", "II.", "Nội dung hội nghị", "Báo cáo kiểm điểm của tập thể được trình bày, thảo luận, "
                      "thông qua; từng đảng viên đọc bản kiểm điểm; các ý kiến phát biểu (ghi rõ người phát biểu); kết "
                      "luận của chủ trì đối với từng đồng chí."),
        table_field("results", "III. Kết quả đánh giá, xếp loại từng đảng viên", RESULT_COLUMNS,
                    "Chỉ đảng viên chính thức có mặt biểu quyết: số phiếu ở mỗi đồng chí không được vượt quá số đảng "
                    "viên chính thức có mặt; tỷ lệ % được tính tự động. Nếu biểu quyết giơ tay về mức đề xuất, ghi số "
                    "tán thành vào cột mức đó.", required=True, section="III."),
        choice_field("collective_level", "III. Chi bộ đề xuất mức xếp loại tập thể chi bộ", LEVEL_CHOICES,
                     required=True, section="III."),
        int_field("collective_agree", "III. Số đảng viên chính thức tán thành mức xếp loại tập thể", maximum=1000,
                  section="III."),
        section_field("conclusion", "IV.", "Kết luận hội nghị", "Kết luận của đồng chí chủ trì, nhiệm vụ khắc phục hạn "
                      "chế."),
        int_field("adopted_agree", "IV. Số đảng viên chính thức tán thành thông qua biên bản", maximum=1000,
                  required=True, section="IV."),
        time_field("closed_at", "IV. Giờ kết thúc", required=True, section="IV."),
    ),
    checks=(_minutes_checks,),
    extras=_minutes_extras,
    initial=_minutes_initial,
    # What a refresh recomputes from the recorded meeting and rating steps (service.kinds.recorded.refreshed).
    from_records={**from_meeting(MINUTES_MEETING), "chair_position": FromRecords(("meeting.chair",)),
                  "attendance": FromRecords(("attendance",)),
                  "results": FromRecords(("tallies", "ratings", "excluded"),
                                         kept=("self_level", "proposed_level", *VOTE_COLUMNS, "note"))},
)


# ---------------------------------------------------------------- ballot


def _ballot_needs_names(data: dict[str, Any], given: Any) -> str | None:
    if data.get("prefilled") and not data.get("members"):
        return "Phiếu in sẵn họ tên cần danh sách đảng viên được đánh giá, xếp loại."
    return None


def _ballot_extras(data: dict[str, Any], given: Any) -> dict[str, Any]:
    blank = data.get("blank_rows")
    return {"blank_rows": blank if isinstance(blank, int) and blank > 0 else DEFAULT_BLANK_ROWS}


def _ballot_initial(facts: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """The header and the members who are rated this year (recorded exclusions too), names printed."""
    data["members"] = [{"full_name": m.get("full_name", "")}
                       for m in rated_members(facts.get("members") or [], Recorded(facts), data.get("year"))]
    data["prefilled"] = bool(data["members"])
    data["blank_rows"] = DEFAULT_BLANK_ROWS
    return data



BALLOT = KindFields(  # Phiếu đánh giá, xếp loại chất lượng đảng viên: a secret ballot, four tick boxes per member
    fields=(
        flag_field("prefilled", "In sẵn họ tên đảng viên", "Bỏ chọn để in phiếu trống (ghi tên bằng tay)."),
        int_field("blank_rows", "Số dòng trống khi không in sẵn họ tên", f"Mặc định {DEFAULT_BLANK_ROWS} dòng.",
                  minimum=1, maximum=200, default=DEFAULT_BLANK_ROWS),
        table_field("members", "Danh sách đảng viên được đánh giá, xếp loại", (
            text_field("full_name", "Họ và tên", required=True, max_length=120),),
            "Đảng viên miễn sinh hoạt, đình chỉ sinh hoạt không có tên trên phiếu."),
    ),
    rules={"members": _ballot_needs_names},
    extras=_ballot_extras,
    initial=_ballot_initial,
    # What a refresh recomputes from the recorded exclusions.
    from_records={"members": FromRecords(("excluded",))},
)


# ---------------------------------------------------------------- vote count

COMMITTEE_COLUMNS: tuple[Field, ...] = (  # a member of the counting committee (ban kiểm phiếu)
    text_field("full_name", "Họ và tên", required=True, max_length=120),
    choice_field("role", "Nhiệm vụ", COMMITTEE_ROLES, required=True),
)

VOTE_ROW_COLUMNS: tuple[Field, ...] = (  # one member's ballots at each level
    text_field("full_name", "Họ và tên", required=True, max_length=120),
    *_vote_columns(),
    flag_field("not_rated", "Không đánh giá, xếp loại", "Đảng viên không thuộc diện xếp loại: không ghi số phiếu, ghi "
               "lý do ở cột Ghi chú."),
    text_field("note", "Ghi chú", max_length=200),
)


def _returned_not_above_issued(data: dict[str, Any], given: Any) -> str | None:
    returned, issued = data.get("ballots_returned"), data.get("ballots_issued")
    if isinstance(returned, int) and isinstance(issued, int) and returned > issued:
        return f"Số phiếu thu vào ({returned}) không được lớn hơn số phiếu phát ra ({issued})."
    return None


def _valid_plus_invalid_is_returned(data: dict[str, Any], given: Any) -> str | None:
    valid, returned, invalid = data.get("ballots_valid"), data.get("ballots_returned"), data.get("ballots_invalid")
    if all(isinstance(v, int) for v in (valid, returned, invalid)) and valid + invalid != returned:
        return (f"Số phiếu hợp lệ ({valid}) cộng số phiếu không hợp lệ ({invalid}) phải bằng "
                f"số phiếu thu vào ({returned}).")
    return None


def _vote_count_checks(data: dict[str, Any], given: Any) -> list[tuple[str, str]]:
    """One Trưởng ban; no member gets more votes than there are valid ballots; rows not rated carry no votes."""
    out: list[tuple[str, str]] = []
    committee = data.get("committee") or []
    heads = [i for i, row in enumerate(committee) if row.get("role") == "truong_ban"]
    if committee and len(heads) != 1:
        index = heads[1] if len(heads) > 1 else 0
        out.append((f"committee[{index}].role", "Ban kiểm phiếu phải có đúng một Trưởng ban."))
    results = data.get("results") or []
    valid = data.get("ballots_valid")
    if isinstance(valid, int):
        out += problems_at("results", votes.vote_problems(results, valid, "số phiếu hợp lệ"))
    out += problems_at("results", votes.excluded_problems(results, {}, ()))
    return out


def _vote_count_extras(data: dict[str, Any], given: Any) -> dict[str, Any]:
    valid = given_count(data.get("ballots_valid")) or 0
    committee = data.get("committee") or []
    head = next((m.get("full_name", "") for m in committee if m.get("role") == "truong_ban"), "")
    return {"results": _printed_results(data, VOTE_COUNT.field("results"), valid), "committee_head": head,
            "committee_members": [m.get("full_name", "") for m in committee if m.get("role") != "truong_ban"]}


def _vote_count_initial(facts: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """The header; from the recorded meeting its date and place and each rated member's votes. The time of
    the count, the committee and the ballots issued, returned and valid are not recorded: left to type."""
    recorded = Recorded(facts)
    fill_from_meeting(data, recorded, COUNT_MEETING)
    if recorded.knows_tallies:
        data["results"] = [{"full_name": m.get("full_name", ""), **recorded.votes(m)}
                           for m in rated_members(facts.get("members") or [], recorded, data.get("year"))]
    return data


VOTE_COUNT = KindFields(  # Biên bản kiểm phiếu đánh giá, xếp loại chất lượng đảng viên
    fields=(
        time_field("counted_at", "1. Thời gian kiểm phiếu", required=True, section="1."),
        date_field("counted_on", "1. Ngày kiểm phiếu", required=True, section="1."),
        text_field("venue", "1. Địa điểm", required=True, section="1."),
        table_field("committee", "2. Ban kiểm phiếu", COMMITTEE_COLUMNS, "Một Trưởng ban và các thành viên.",
                    required=True, max_rows=15, section="2."),
        int_field("ballots_issued", "3. Số phiếu phát ra", maximum=1000, required=True, section="3."),
        int_field("ballots_returned", "3. Số phiếu thu vào", maximum=1000, required=True, section="3."),
        int_field("ballots_valid", "3. Số phiếu hợp lệ", maximum=1000, required=True, section="3."),
        int_field("ballots_invalid", "3. Số phiếu không hợp lệ", maximum=1000, required=True, section="3."),
        table_field("results", "4. Kết quả kiểm phiếu từng đảng viên", VOTE_ROW_COLUMNS, "Tỷ lệ % tính tự động trên "
                    "số phiếu hợp lệ.", required=True, section="4."),
        time_field("closed_at", "Giờ kết thúc kiểm phiếu", "Để trống nếu không ghi."),
    ),
    rules={"ballots_returned": _returned_not_above_issued, "ballots_valid": _valid_plus_invalid_is_returned},
    checks=(_vote_count_checks,),
    extras=_vote_count_extras,
    initial=_vote_count_initial,
    # What a refresh recomputes from the recorded meeting.
    from_records={**from_meeting(COUNT_MEETING), "results": FromRecords(("tallies",), kept=VOTE_COLUMNS)},
)
