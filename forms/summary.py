"""Biểu tổng hợp kết quả đánh giá, xếp loại đảng viên của chi bộ: one row per member, totals, the quota check.

No central form (REFERENCE.md §3.2: HD 43 has no party-member summary table), so the layout is customary [L].
The totals and the quota line are computed here, once: the DOCX template and the XLSX workbook
(service.spreadsheets) both read this context, so their numbers cannot differ.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from wtforms.validators import ValidationError

from service.rules import REGIME_TABLES
from service.rules.levels import LEVEL_LABELS, LEVELS
from service.rules.quota import compute_quota
from service.text import percentage, vn_number

from .base import DocumentForm, FieldsForm
from .fields import ChoiceField, FlagField, LevelField, LineField, Required, RowsField
from service.kinds.recorded import FromRecords, Recorded

MAX_ROWS = 200
# The three rating columns: (row field, printed header).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("self_level", "Tự xếp loại"),
    ("proposal", "Chi bộ đề xuất"),
    ("decision", "Cấp có thẩm quyền quyết định"),
)
OFFICIAL, PROBATIONARY = "Chính thức", "Dự bị"
NOT_RATED_LABEL = "Không xếp loại"


class MemberTypeField(FlagField):
    """Official (chính thức) or probationary (dự bị): the bool, and the printed label beside it."""

    def context(self, value: Any) -> dict[str, Any]:
        return {self.short_name: bool(value), f"{self.short_name}_label": OFFICIAL if value else PROBATIONARY}


class RowLevelField(LevelField):
    """A level in a table cell: printed as its Vietnamese label (empty when not rated), not as tick boxes."""

    def context(self, value: Any) -> dict[str, Any]:
        return {self.short_name: LEVEL_LABELS.get(value, "") if value else ""}


class SummaryRow(FieldsForm):
    """One member of the chi bộ with the three ratings."""

    full_name = LineField("Họ và tên", [Required()], max_length=120)
    official = MemberTypeField("Đảng viên chính thức", description="Bỏ chọn nếu là đảng viên dự bị.")
    self_level = RowLevelField("Tự xếp loại", description="Để trống nếu không xếp loại.")
    proposal = RowLevelField("Chi bộ đề xuất", description="Để trống nếu không xếp loại.")
    decision = RowLevelField("Cấp có thẩm quyền quyết định", description="Để trống khi chưa có quyết định.")
    not_rated = FlagField("Không xếp loại", description="Miễn sinh hoạt, đình chỉ sinh hoạt, mới vào Đảng chưa đủ "
                                                          "6 tháng: không ghi mức nào, ghi lý do ở cột Ghi chú.")
    note = LineField("Ghi chú", description="Ví dụ: Không xếp loại: mới vào Đảng dưới 6 tháng.")

    def validate(self, extra_validators=None) -> bool:
        """A row is rated or not, never both (Điều 5: a member who is not rated carries no level)."""
        ok = super().validate(extra_validators)
        if self.not_rated.data:
            for name, _ in COLUMNS:
                if self[name].data:
                    self[name].errors = [*self[name].errors, f"Đồng chí {self.full_name.data or ''} không xếp loại: "
                                                             f"bỏ trống cột “{self[name].label.text}”."]
                    ok = False
        elif any(self[name].data for name, _ in COLUMNS) and _says_not_rated(self.note.data):
            self.note.errors = [*self.note.errors, f"Đồng chí {self.full_name.data or ''}: ghi chú nói không xếp loại "
                                                   "nhưng dòng có mức xếp loại. Một dòng hoặc được xếp loại, hoặc "
                                                   "không: đánh dấu “Không xếp loại” và bỏ trống các cột mức, hoặc "
                                                   "sửa ghi chú."]
            ok = False
        return ok


def _says_not_rated(note: str | None) -> bool:
    """A note that starts as the not-rated rows' notes do (“Không xếp loại: …”, “Không đánh giá, xếp loại …”)."""
    start = " ".join((note or "").split()).casefold()
    return start.startswith(("không xếp loại", "không đánh giá, xếp loại"))


QUOTA_CHOICES = [("20", "20% số Hoàn thành tốt nhiệm vụ"),
                 ("25", "25% số Hoàn thành tốt nhiệm vụ (cấp có thẩm quyền cho phép, chỉ từ Quy định 366)")]


class QuotaField(ChoiceField):
    """The xuất sắc quota in % (20, or 25 under QĐ 366 when the competent level allows it): read by the quota line."""

    def context(self, value: Any) -> dict[str, Any]:
        return {}  # printed inside quota_line only


class SummaryForm(DocumentForm):
    """BIỂU TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI ĐẢNG VIÊN CỦA CHI BỘ năm … (customary, both regimes)."""

    rows = RowsField(SummaryRow, "Danh sách đảng viên và kết quả xếp loại", [Required()], max_rows=MAX_ROWS,
                     description="Mỗi dòng một đảng viên, theo thứ tự tên (đã sắp sẵn từ danh sách chi bộ).")
    quota_pct = QuotaField("Tỷ lệ tối đa Hoàn thành xuất sắc nhiệm vụ", choices=QUOTA_CHOICES,
                           description="Mặc định 20%. Mức 25% chỉ khi cấp có thẩm quyền quyết định cho đơn vị có "
                                       "thành tích nổi trội (Điều 11 Quy định 366-QĐ/TW).")
    signer_name = LineField("Họ và tên Bí thư (ký biểu)", max_length=120, description="Để trống để viết tay.")

    def validate_quota_pct(self, field) -> None:
        """25% exists only under Quy định 366."""
        if field.data and self.kind and int(field.data) not in REGIME_TABLES[self.kind.regime.code].QUOTA_PCTS:
            raise ValidationError("Quy định 124-QĐ/TW (năm 2023–2024) chỉ cho phép tối đa 20% số Hoàn thành tốt "
                                  "nhiệm vụ; mức 25% chỉ có từ Quy định 366-QĐ/TW (năm 2025 trở đi).")

    # What a refresh recomputes from the recorded rating steps (forms.prefill.refreshed).
    RECORDED: ClassVar[dict[str, FromRecords]] = {
        "rows": FromRecords(("ratings", "excluded"), kept=("self_level", "proposal", "decision", "note"))}

    @classmethod
    def initial_data(cls, facts: dict[str, Any]) -> dict[str, Any]:
        """Header facts and one row per member of the chi bộ (already in Vietnamese order) with the recorded
        levels (decision: a re-rating replaces it), notes for those who are not rated (Điều 5: exempted,
        suspended, admitted less than 6 months before 31/12; the recorded reasons when there are)."""
        data = super().initial_data(facts)
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

    def extra_context(self, data: dict[str, Any]) -> dict[str, Any]:
        """Counts and percentages per level and column, the official/probationary split, the quota check."""
        rows = data.get("rows") or []
        official = sum(1 for r in rows if r.get("official"))
        pct = float(data.get("quota_pct") or 20)
        # Decisions are final levels: each counts as decided (the rules were applied when it was recorded).
        quota = compute_quota([r.get("decision") or None for r in rows if not r.get("not_rated")], pct,
                              self.rules.quota_base)
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
