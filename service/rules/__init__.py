"""The rating rule engine (pure Python, no Flask, no database): rules as data, one table per regime.

Layout: levels (the four levels), model (Person, results, RuleSettings), table (the Rule record),
regime_366 / regime_124 (the rule tables), eligibility (Điều 5), quota (the xuất sắc limit),
payload (strict input), engine (check_group, check_payload).
"""
from .engine import REGIME_TABLES, check_group, check_payload
from .levels import LEVEL_LABELS, LEVELS, level_rank
from .model import CheckResult, Person, PersonResult, QuotaResult, RuleSettings, Violation, configure, configured
from .payload import person_from_dict

__all__ = [
    "LEVELS", "LEVEL_LABELS", "level_rank",
    "Person", "Violation", "PersonResult", "QuotaResult", "CheckResult", "RuleSettings",
    "check_group", "check_payload", "person_from_dict", "REGIME_TABLES", "configure", "configured",
]
