"""The Hoàn thành xuất sắc quota (124 Điều 12, 366 Điều 11 khoản 1 điểm 1.4, [H]): at most pct % of those rated tốt.

The group given is taken as one set of members with comparable role and function (for party
members: one tổ chức cơ sở đảng), which is what the regulation counts within. Each member counts
at the level the rules allow them, the lower of the proposed level and the highest allowed: five
members proposed tốt of whom four only reach Hoàn thành give a base of one, not five. Which number
the percentage applies to is a setting (RuleSettings.quota_base), named in every message.
"""
from __future__ import annotations

import math
from fractions import Fraction

from .levels import is_level, lower_level, vn_number
from .model import QuotaResult

UNDETERMINED = "?"  # a member whose level the rules cannot name: counted in neither number
BASE_RULES: dict[str, str] = {
    "tot_only": "số được xếp loại Hoàn thành tốt nhiệm vụ, không kể Hoàn thành xuất sắc (câu chữ của quy định)",
    "tot_and_above": "số được xếp loại từ Hoàn thành tốt nhiệm vụ trở lên, kể cả Hoàn thành xuất sắc (cách hiểu "
                     "của cấp ủy, cấu hình quota_base = tot_and_above)",
}
COUNTED_AT = "mỗi người tính ở mức thấp hơn giữa mức đề xuất và mức cao nhất quy định cho phép"


def counted_level(proposed: str | None, highest: str | None) -> str | None:
    """The level a member counts at in the quota: the lower of proposed and allowed (None: no valid proposal)."""
    if not is_level(proposed):
        return None
    return proposed if highest is None else lower_level(proposed, highest)


def quota_limit(tot: int, pct: float) -> tuple[int, Fraction]:
    """floor(tot × pct / 100), computed exactly, and the unrounded value (20 % of 7 -> 1, from 1.4)."""
    exact = Fraction(tot) * Fraction(str(pct)) / 100
    return math.floor(exact), exact


def compute_quota(levels: list[str | None], pct: float, base_rule: str = "tot_only") -> QuotaResult:
    """The quota over the levels members count at (counted_level; UNDETERMINED for an open case; None: none).

    `base_rule` "tot_only": the base is the number at tốt; "tot_and_above": at tốt or xuất sắc.
    """
    if base_rule not in BASE_RULES:
        raise ValueError(f"Unknown quota base rule {base_rule!r}: expected one of {sorted(BASE_RULES)}")
    tot = sum(1 for level in levels if level == "tot")
    xuat_sac = sum(1 for level in levels if level == "xuat_sac")
    undetermined = sum(1 for level in levels if level == UNDETERMINED)
    base = tot + xuat_sac if base_rule == "tot_and_above" else tot
    limit, exact = quota_limit(base, pct)
    exact_text = vn_number(round(exact.numerator / exact.denominator, 4))
    base_words = "số từ hoàn thành tốt nhiệm vụ trở lên" if base_rule == "tot_and_above" else \
        "số hoàn thành tốt nhiệm vụ"
    rounding = (f"Làm tròn xuống: số lượng không vượt quá {vn_number(pct)}% {base_words}; "
                f"{vn_number(pct)}% của {base} là {exact_text}")
    rounding += "." if exact == limit else f", làm tròn xuống còn {limit}."
    quota = QuotaResult(pct=pct, tot=tot, xuat_sac=xuat_sac, limit=limit, excess=max(0, xuat_sac - limit),
                        rounding=rounding, base_rule=base_rule, base=base, undetermined=undetermined)
    quota.message = quota_message(quota)
    return quota


def quota_message(q: QuotaResult) -> str:
    """The Vietnamese sentence of the quota: the count, the limit, the base and how it was counted."""
    head = (f"Số Hoàn thành xuất sắc nhiệm vụ ({q.xuat_sac}) vượt tỷ lệ tối đa {vn_number(q.pct)}%; thừa {q.excess}."
            if q.excess else
            f"Số Hoàn thành xuất sắc nhiệm vụ ({q.xuat_sac}) trong tỷ lệ tối đa {vn_number(q.pct)}%.")
    text = (f"{head} Tỷ lệ tính trên {BASE_RULES[q.base_rule]}: {q.base} người, tối đa {q.limit}; {COUNTED_AT}.")
    if q.undetermined:
        text += f" {q.undetermined} người chưa xác định được mức xếp loại không được tính."
    return text
