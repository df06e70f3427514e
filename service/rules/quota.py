"""The Hoàn thành xuất sắc quota (124 Điều 12, 366 Điều 11 §1.4, [H]): at most pct % of those rated tốt.

The group given is taken as one set of members with comparable role and function (for party
members: one tổ chức cơ sở đảng), which is what the regulation counts within.
"""
from __future__ import annotations

import math
from fractions import Fraction

from .levels import vn_number
from .model import QuotaResult


def quota_limit(tot: int, pct: float) -> tuple[int, Fraction]:
    """floor(tot × pct / 100), computed exactly, and the unrounded value (20 % of 7 -> 1, from 1.4)."""
    exact = Fraction(tot) * Fraction(str(pct)) / 100
    return math.floor(exact), exact


def compute_quota(proposals: list[str | None], pct: float) -> QuotaResult:
    """Count the proposed tốt and xuất sắc among the rated members and compare with the limit."""
    tot = sum(1 for p in proposals if p == "tot")
    xuat_sac = sum(1 for p in proposals if p == "xuat_sac")
    limit, exact = quota_limit(tot, pct)
    exact_text = vn_number(round(exact.numerator / exact.denominator, 4))
    rounding = (f"Làm tròn xuống: số lượng không vượt quá {vn_number(pct)}% số hoàn thành tốt nhiệm vụ; "
                f"{vn_number(pct)}% của {tot} là {exact_text}")
    rounding += "." if exact == limit else f", làm tròn xuống còn {limit}."
    return QuotaResult(pct=pct, tot=tot, xuat_sac=xuat_sac, limit=limit,
                       excess=max(0, xuat_sac - limit), rounding=rounding)


def quota_message(q: QuotaResult) -> str:
    """The Vietnamese message given to each member proposed xuất sắc when the quota is exceeded."""
    return (f"Số đề xuất Hoàn thành xuất sắc nhiệm vụ ({q.xuat_sac}) vượt tỷ lệ tối đa {vn_number(q.pct)}% "
            f"số Hoàn thành tốt nhiệm vụ ({q.tot} người, tối đa {q.limit}); thừa {q.excess}.")
