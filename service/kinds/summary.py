"""Biểu tổng hợp kết quả đánh giá, xếp loại đảng viên của chi bộ: one row per member, totals, the quota check.

No central form (docs/REGULATIONS.md: HD 43 has no party-member summary table), so the layout is customary [L].
The totals and the quota line are computed here, once: the DOCX template and the XLSX workbook
(service.spreadsheets) both read this context, so their numbers cannot differ.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..rules import REGIME_TABLES
from ..rules.levels import LEVEL_LABELS, LEVELS
from ..rules.quota import compute_quota
from ..text import percentage, vn_number
from .fields import Field, choice_field, flag_field, level_field, table_field, text_field
from .recorded import FromRecords, Recorded
from .schema import KindFields

MAX_ROWS = 200
# The three rating columns: (row field, printed header).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("self_level", "Tự xếp loại"),
    ("proposal", "Chi bộ đề xuất"),
    ("decision", "Cấp có thẩm quyền quyết định"),
)
OFFICIAL, PROBATIONARY = "Chính thức", "Dự bị"
NOT_RATED_LABEL = "Không xếp loại"


QUOTA_CHOICES = [("20", "20% số Hoàn thành tốt nhiệm vụ"),
                 ("25", "25% số Hoàn thành tốt nhiệm vụ (cấp có thẩm quyền cho phép, chỉ từ Quy định 366)")]


def _member_type(name: str, value: Any) -> dict[str, Any]:
    """Official (chính thức) or probationary (dự bị): the bool, and the printed label beside it."""
    return {name: bool(value), f"{name}_label": OFFICIAL if value else PROBATIONARY}


def _level_label(name: str, value: Any) -> dict[str, Any]:
    """A level in a table cell: printed as its Vietnamese label (empty when not rated), not as tick boxes."""
    return {name: LEVEL_LABELS.get(value, "") if value else ""}


def _quota_not_printed(name: str, value: Any) -> dict[str, Any]:
    return {}  # the quota in % is printed inside quota_line only


def _says_not_rated(note: str | None) -> bool:
    """A note that starts as the not-rated rows' notes do (“Không xếp loại: …”, “Không đánh giá, xếp loại …”)."""
    start = " ".join((note or "").split()).casefold()
    return start.startswith(("không xếp loại", "không đánh giá, xếp loại"))


def _rated_or_not(row: dict[str, Any]) -> list[tuple[str, str]]:
    """A row is rated or not, never both (Điều 5: a member who is not rated carries no level)."""
    name = row.get("full_name") or ""
    if row.get("not_rated"):
        return [(column, f"Đồng chí {name} không xếp loại: bỏ trống cột “{header}”.")
                for column, header in COLUMNS if row.get(column)]
    if any(row.get(column) for column, _ in COLUMNS) and _says_not_rated(row.get("note")):
        return [("note", f"Đồng chí {name}: ghi chú nói không xếp loại nhưng dòng có mức xếp loại. Một dòng hoặc được "
                         "xếp loại, hoặc không: đánh dấu “Không xếp loại” và bỏ trống các cột mức, hoặc sửa ghi chú.")]
    return []


ROW_COLUMNS: tuple[Field, ...] = (  # one member of the chi bộ with the three ratings
    text_field("full_name", "Họ và tên", required=True, max_length=120),
    flag_field("official", "Đảng viên chính thức", "Bỏ chọn nếu là đảng viên dự bị.", prints=_member_type),
    level_field("self_level", "Tự xếp loại", "Để trống nếu không xếp loại.", prints=_level_label),
    level_field("proposal", "Chi bộ đề xuất", "Để trống nếu không xếp loại.", prints=_level_label),
    level_field("decision", "Cấp có thẩm quyền quyết định", "Để trống khi chưa có quyết định.", prints=_level_label),
    flag_field("not_rated", "Không xếp loại", "Miễn sinh hoạt, đình chỉ sinh hoạt, mới vào Đảng chưa đủ 6 tháng: không "
               "ghi mức nào, ghi lý do ở cột Ghi chú."),
    text_field("note", "Ghi chú", "Ví dụ: Không xếp loại: mới vào Đảng dưới 6 tháng."),
)


def _quota_of_the_regime(data: dict[str, Any], given: Any) -> str | None:
    """25% exists only under Quy định 366."""
    value = data.get("quota_pct")
    if value and given.kind and int(value) not in REGIME_TABLES[given.kind.regime.code].QUOTA_PCTS:
        return ("Quy định 124-QĐ/TW (năm 2023–2024) chỉ cho phép tối đa 20% số Hoàn thành tốt nhiệm vụ; mức 25% chỉ "
                "có từ Quy định 366-QĐ/TW (năm 2025 trở đi).")
    return None


def _initial(facts: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """Header facts and one row per member of the chi bộ (already in Vietnamese order) with the recorded
    levels (decision: a re-rating replaces it), notes for those who are not rated (Điều 5: exempted,
    suspended, admitted less than 6 months before 31/12; the recorded reasons when there are)."""
    recorded = Recorded(facts)
    rows = []
    for member in facts.get("members") or []:
        reason = recorded.exclusion(member, facts.get("year"))
        rated = not reason  # a row is rated or not, never both
        rows.append({"full_name": member.get("full_name", ""), "official": bool(member.get("official", True)),
                     "self_level": recorded.level(member, "self") if rated else "",
                     "proposal": recorded.level(member, "proposal") if rated else "",
                     "decision": recorded.level(member, "rerating", "decision") if rated else "",
                     "not_rated": not rated, "note": f"{NOT_RATED_LABEL}: {reason}" if reason else ""})
    data["rows"] = rows[:MAX_ROWS]
    data["quota_pct"] = "20"
    return data

def _extras(data: dict[str, Any], given: Any) -> dict[str, Any]:
    """Counts and percentages per level and column, the official/probationary split, the quota check."""
    rows = data.get("rows") or []
    official = sum(1 for r in rows if r.get("official"))
    pct = float(data.get("quota_pct") or 20)
    # Decisions are final levels: each counts as decided (the rules were applied when it was recorded).
    quota = compute_quota([r.get("decision") or None for r in rows if not r.get("not_rated")], pct,
                          given.rules.quota_base)
    verdict = f"vượt {quota.excess}." if quota.excess else "không vượt."
    return {
        "total_members": len(rows),
        "official_count": official,
        "probationary_count": len(rows) - official,
        "totals": totals(rows),
        "quota_line": (f"Số Hoàn thành xuất sắc: {quota.xuat_sac} / giới hạn {quota.limit} "
                       f"({vn_number(pct)}% của {quota.base} — {quota_base_words(quota.base_rule)}, làm tròn "
                       f"xuống): {verdict}"),
        "quota_rounding": quota.rounding,
    }


def quota_base_words(base_rule: str) -> str:
    """The printed name of the number the quota applies to (the installation's reading, docs/RULES.md)."""
    return "số Hoàn thành tốt nhiệm vụ" if base_rule == "tot_only" else "số từ Hoàn thành tốt nhiệm vụ trở lên"


def percent_text(value: Decimal | None) -> str:
    """33.33 → "33,33%", 50.00 → "50%"; None (nobody rated) → "–"."""
    return "–" if value is None else f"{vn_number(value)}%"


def totals(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The totals block: one line per level, then rated, not rated and all members.

    Each line has, per column (self_level, proposal, decision): `<col>_count`, `<col>_pct` (printed text) and
    `<col>_ratio` (the very same rounded percentage as a fraction of 1, for the workbook's % cells).
    Percentages are of the members rated in that column, two decimals rounded half up.
    """
    total = len(rows)
    counts = {col: {code: sum(1 for r in rows if r.get(col) == code and not r.get("not_rated")) for code, _ in LEVELS}
              for col, _ in COLUMNS}
    rated = {col: sum(counts[col].values()) for col, _ in COLUMNS}

    def line(label: str, kind: str, values: dict[str, int], with_pct: bool) -> dict[str, Any]:
        item: dict[str, Any] = {"label": label, "kind": kind}
        for col, _ in COLUMNS:
            n = values[col]
            value = percentage(n, rated[col]) if with_pct else None
            item[f"{col}_count"] = n
            item[f"{col}_pct"] = percent_text(value) if with_pct else ""
            item[f"{col}_ratio"] = float(value / 100) if value is not None else None
        return item

    out = [line(label, "level", {col: counts[col][code] for col, _ in COLUMNS}, True) for code, label in LEVELS]
    out.append(line("Số đảng viên được xếp loại", "rated", rated, True))
    out.append(line(NOT_RATED_LABEL, "not_rated", {col: total - rated[col] for col, _ in COLUMNS}, False))
    out.append(line("Tổng số đảng viên", "total", {col: total for col, _ in COLUMNS}, False))
    return out


SUMMARY = KindFields(  # BIỂU TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI ĐẢNG VIÊN CỦA CHI BỘ năm … (customary, both regimes)
    fields=(
        table_field("rows", "Danh sách đảng viên và kết quả xếp loại", ROW_COLUMNS, "Mỗi dòng một đảng viên, theo thứ "
                    "tự tên (đã sắp sẵn từ danh sách chi bộ).", required=True, max_rows=MAX_ROWS,
                    row_checks=(_rated_or_not,)),
        choice_field("quota_pct", "Tỷ lệ tối đa Hoàn thành xuất sắc nhiệm vụ", QUOTA_CHOICES, "Mặc định 20%. Mức 25% "
                     "chỉ khi cấp có thẩm quyền quyết định cho đơn vị có thành tích nổi trội (Điều 11 Quy định "
                     "366-QĐ/TW).", prints=_quota_not_printed),
        text_field("signer_name", "Họ và tên Bí thư (ký biểu)", "Để trống để viết tay.", max_length=120),
    ),
    rules={"quota_pct": _quota_of_the_regime},
    initial=_initial,
    extras=_extras,
    # What a refresh recomputes from the recorded rating steps.
    from_records={"rows": FromRecords(("ratings", "excluded"), kept=("self_level", "proposal", "decision", "note"))},
)
