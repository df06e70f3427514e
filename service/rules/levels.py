"""The four rating levels of both regimes, the 124 criterion scale and Vietnamese number formatting."""
from __future__ import annotations

from ..text import vn_number  # noqa: F401  (re-exported: the rules write numbers in messages)

# Ordered from the highest level down (REFERENCE §1 [H]).
LEVELS: list[tuple[str, str]] = [
    ("xuat_sac", "Hoàn thành xuất sắc nhiệm vụ"),
    ("tot", "Hoàn thành tốt nhiệm vụ"),
    ("hoan_thanh", "Hoàn thành nhiệm vụ"),
    ("khong_hoan_thanh", "Không hoàn thành nhiệm vụ"),
]
LEVEL_LABELS: dict[str, str] = dict(LEVELS)
LEVEL_CODES: tuple[str, ...] = tuple(code for code, _ in LEVELS)
HIGHEST = LEVEL_CODES[0]
LOWEST = LEVEL_CODES[-1]
_LEVEL_RANKS = {code: len(LEVELS) - 1 - i for i, code in enumerate(LEVEL_CODES)}

# The scale each criterion is graded on under Quy định 124 (REFERENCE §1 [H]).
GRADES: list[tuple[str, str]] = [
    ("xuat_sac", "Xuất sắc"),
    ("tot", "Tốt"),
    ("trung_binh", "Trung bình"),
    ("kem", "Kém"),
]
GRADE_LABELS: dict[str, str] = dict(GRADES)
_GRADE_RANKS = {code: len(GRADES) - 1 - i for i, (code, _) in enumerate(GRADES)}


def level_rank(code: str) -> int:
    """3 for xuat_sac down to 0 for khong_hoan_thanh: a higher rank is a better level."""
    try:
        return _LEVEL_RANKS[code]
    except (KeyError, TypeError):
        raise ValueError(f"Mức xếp loại không hợp lệ: {code!r}.") from None


def is_level(code: object) -> bool:
    """True for one of the four level codes."""
    return isinstance(code, str) and code in _LEVEL_RANKS


def lower_level(a: str, b: str) -> str:
    """The lower (stricter) of two levels."""
    return a if level_rank(a) <= level_rank(b) else b


def grade_rank(code: str) -> int:
    """3 for xuat_sac down to 0 for kem."""
    return _GRADE_RANKS[code]

