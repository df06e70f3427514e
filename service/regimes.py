"""Which regulation governs a review year: Quy định 124 (2023–2024) or Quy định 366 (2025 on)."""
from __future__ import annotations

from dataclasses import dataclass

from .errors import UnsupportedYear

FIRST_YEAR = 2023


@dataclass(frozen=True)
class Regime:
    """One regulation with its guide; `code` is the number of the Quy định."""

    code: str
    regulation: str
    guide: str
    form_year: int  # the year printed in the guide's form codes, e.g. "Mẫu 2B-HD KĐ.ĐG 2025"
    scored: bool  # 366 rates on a 100-point score, 124 does not

    @property
    def label(self) -> str:
        """How the regime is named to users."""
        return f"{self.regulation} và {self.guide}"


QD124 = Regime("124", "Quy định 124-QĐ/TW", "Hướng dẫn 25-HD/BTCTW", 2023, scored=False)
QD366 = Regime("366", "Quy định 366-QĐ/TW", "Hướng dẫn 43-HD/BTCTW", 2025, scored=True)
REGIMES = {r.code: r for r in (QD124, QD366)}


def regime_for_year(year: int) -> Regime:
    """2023–2024 follow QĐ 124 / HD 25; from 2025 QĐ 366 / HD 43; earlier years are refused."""
    if not isinstance(year, int) or isinstance(year, bool):
        raise UnsupportedYear("Năm kiểm điểm phải là một số nguyên, ví dụ 2025.", {"year": ["Năm không hợp lệ."]})
    if year < FIRST_YEAR:
        msg = (f"Năm {year} không được hỗ trợ: dịch vụ chỉ phục vụ kiểm điểm từ năm {FIRST_YEAR} "
               "(Quy định 124-QĐ/TW) trở đi.")
        raise UnsupportedYear(msg, {"year": [msg]})
    if year > 2100:
        raise UnsupportedYear("Năm kiểm điểm không hợp lệ.", {"year": ["Năm kiểm điểm không hợp lệ."]})
    return QD124 if year <= 2024 else QD366
