"""What the review meeting can decide, as the minutes, the vote count and the meeting page record it. Pure Python.

Only official members present vote (Điều lệ Đảng Điều 3: đảng viên dự bị không biểu quyết); members who are not
rated (Điều 5: miễn công tác và sinh hoạt đảng, đình chỉ sinh hoạt đảng, mới kết nạp chưa đủ 6 tháng) carry no
level and no votes and print as "Không đánh giá, xếp loại" with the reason; a reason of absence belongs to
"vắng có lý do" only; a level the chi bộ proposes must be carried by the vote (more than half of the official
members present voted that level or higher: the common reading, no central text, so RuleSettings.
vote_support_required chooses refusal or a warning). The forms (minutes, vote count) and the meeting page call
these functions; nothing here knows of WTForms or HTTP.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from ..rules.levels import LEVEL_CODES, LEVEL_LABELS, level_rank
from ..text import percentage, vn_number

VOTE_SOURCE = "Điều 3 Điều lệ Đảng: đảng viên dự bị không biểu quyết"
SUPPORT_SOURCE = ("Tập quán: quá nửa số đảng viên chính thức có mặt biểu quyết; không có văn bản trung ương quy định "
                  "ngưỡng (cấu hình vote_support_required)")
ELIGIBILITY_SOURCE = "Điều 5 Quy định 124-QĐ/TW và Quy định 366-QĐ/TW"
NOT_RATED_LABEL = "Không đánh giá, xếp loại"
MAJORITY = 0.5  # "more than half": strictly above


@dataclass(frozen=True)
class Problem:
    """One thing the meeting's record cannot say: where (a row's column), the Vietnamese message, the source."""

    index: int | None
    column: str
    message: str
    source: str = ""


def given_count(value: Any) -> int | None:
    """A stored count, or None when it was left empty."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def percent(part: int | None, base: int | None) -> str:
    """6 of 7 → '85,71%' (two decimals at most, half up, decimal comma); '' when there is nothing to divide."""
    value = percentage(part, base) if part is not None else None
    return "" if value is None else f"{vn_number(value)}%"


def support(votes: dict[str, int | None], level: str) -> int:
    """The votes for `level` or a higher level (a vote for xuất sắc also supports tốt)."""
    return sum(given_count(votes.get(code)) or 0 for code in LEVEL_CODES if level_rank(code) >= level_rank(level))


def supports(votes: dict[str, int | None], level: str, base: int) -> bool:
    """More than half of the `base` (official members present, or valid ballots) voted `level` or higher."""
    return base > 0 and support(votes, level) > MAJORITY * base


def support_problem(name: str, votes: dict[str, int | None], level: str, base: int, base_label: str) -> str | None:
    """Why the vote does not carry the proposed level, else None; no votes recorded at all: nothing to check."""
    if not any(given_count(votes.get(code)) for code in LEVEL_CODES) or supports(votes, level, base):
        return None
    n = support(votes, level)
    return (f"Đồng chí {name}: chi bộ đề xuất “{LEVEL_LABELS[level]}” nhưng chỉ {n}/{base} {base_label} "
            f"({percent(n, base) or '0%'}) biểu quyết mức này hoặc cao hơn, chưa quá một nửa.")


def row_votes(row: dict[str, Any]) -> dict[str, int | None]:
    """A table row's vote cells ({"votes_tot": 3, …}) as votes per level ({"tot": 3, …})."""
    return {code: given_count(row.get(f"votes_{code}")) for code in LEVEL_CODES}


def vote_problems(rows: list[dict[str, Any]], base: int, base_label: str, note: str = "") -> list[Problem]:
    """No member gets more votes (at one level or in all) than there are voters; messages name the member."""
    out: list[Problem] = []
    for index, row in enumerate(rows):
        name = row.get("full_name") or f"dòng {index + 1}"
        votes = row_votes(row)
        over = [(code, v) for code, v in votes.items() if v is not None and v > base]
        for code, v in over:
            out.append(Problem(index, f"votes_{code}", f"Đồng chí {name}: {v} phiếu “{LEVEL_LABELS[code]}” vượt quá "
                                                       f"{base_label} ({base}).{note}", VOTE_SOURCE))
        total = sum(v or 0 for v in votes.values())
        if not over and total > base:
            column = next(f"votes_{c}" for c in reversed(LEVEL_CODES) if votes[c])
            out.append(Problem(index, column, f"Đồng chí {name}: tổng số phiếu ở các mức ({total}) vượt quá "
                                              f"{base_label} ({base}).{note}", VOTE_SOURCE))
    return out


def excluded_problems(rows: list[dict[str, Any]], excluded: dict[str, str],
                      level_columns: Iterable[str] = ("self_level", "proposed_level")) -> list[Problem]:
    """Rows of members who are not rated (`excluded`: name → reason, plus rows flagged not_rated) that carry a
    level or votes: the meeting cannot rate them."""
    out: list[Problem] = []
    for index, row in enumerate(rows):
        name = row.get("full_name") or ""
        reason = excluded.get(name) or (row.get("note") or "" if row.get("not_rated") else "")
        if not (row.get("not_rated") or name in excluded):
            continue
        filled = [c for c in level_columns if row.get(c)] + [f"votes_{c}" for c in LEVEL_CODES
                                                              if given_count(row.get(f"votes_{c}"))]
        if filled:
            why = f" ({reason.rstrip('.')})" if reason else ""
            out.append(Problem(index, filled[0], f"Đồng chí {name}{why}: {NOT_RATED_LABEL.lower()}, không ghi mức "
                                                 "xếp loại và số phiếu.", ELIGIBILITY_SOURCE))
    return out


def proposal_problems(rows: list[dict[str, Any]], base: int, base_label: str,
                      column: str = "proposed_level") -> list[Problem]:
    """Rows whose proposed level the row's own votes do not carry."""
    out = []
    for index, row in enumerate(rows):
        level = row.get(column)
        if level in LEVEL_LABELS and not row.get("not_rated"):
            message = support_problem(row.get("full_name") or f"dòng {index + 1}", row_votes(row), level, base,
                                      base_label)
            if message:
                out.append(Problem(index, column, message, SUPPORT_SOURCE))
    return out


def reason_problems(rows: list[dict[str, Any]], excused: str, status: str = "attendance",
                    reason: str = "reason") -> list[Problem]:
    """A reason of absence written on a row that is not "vắng có lý do"."""
    return [Problem(i, reason, f"Đồng chí {row.get('full_name') or ''}: chỉ ghi lý do vắng khi vắng mặt có lý do."
                    .replace("Đồng chí : ", ""))
            for i, row in enumerate(rows) if (row.get(reason) or "").strip() and row.get(status) != excused]


def not_rated_text(reason: str) -> str:
    """How a member who is not rated prints in the results: "Không đánh giá, xếp loại (reason)"."""
    reason = (reason or "").strip().rstrip(".")
    for prefix in ("Không xếp loại: ", "Không đánh giá, xếp loại: "):
        reason = reason.removeprefix(prefix)
    reason = reason.replace(": không đánh giá, xếp loại", "").replace(", không đánh giá, xếp loại", "")
    return f"{NOT_RATED_LABEL} ({reason})" if reason else NOT_RATED_LABEL
