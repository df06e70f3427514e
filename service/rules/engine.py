"""The rating rule engine: runs a regime's rule table over a group, then the quota. Pure Python."""
from __future__ import annotations

from datetime import date
from types import ModuleType
from typing import Any

from ..errors import InvalidInput, UnsupportedYear
from ..regimes import regime_for_year
from . import regime_124, regime_366
from .eligibility import exclusion_for
from .levels import HIGHEST, LEVEL_LABELS, LOWEST, is_level, level_rank, lower_level
from .model import CheckResult, Person, PersonResult, QuotaResult, RuleSettings, Violation, configured
from .payload import person_from_dict, read_person
from .quota import UNDETERMINED, compute_quota, counted_level
from .table import Facts, Rule

__all__ = ["Person", "Violation", "PersonResult", "QuotaResult", "CheckResult", "RuleSettings",
           "check_group", "check_person", "self_rating_problem", "person_from_dict", "check_payload", "REGIME_TABLES"]

# Each table module provides CODE, RULES, score_total, ELIGIBILITY_SOURCE, STEPS_SOURCE,
# QUOTA_SOURCE and QUOTA_PCTS.
REGIME_TABLES: dict[str, ModuleType] = {"124": regime_124, "366": regime_366}
PAYLOAD_KEYS = ("year", "group", "quota_pct", "settings", "unit_id")  # unit_id: read by the caller (web.api)
MAX_GROUP = 2000


def _table(regime: str) -> ModuleType:
    """The rule table module of a regime code; ValueError for an unknown one."""
    try:
        return REGIME_TABLES[regime]
    except (KeyError, TypeError):
        raise ValueError(f"Unknown regime {regime!r}: expected one of {sorted(REGIME_TABLES)}") from None


DETERMINED, MISSING, GAP = "determined", "missing", "gap"


def _run_rules(rules: tuple[Rule, ...], f: Facts) -> tuple[str | None, list[Violation], str]:
    """The highest level the table allows, the violations in table order, and whether the level is
    determined, undetermined for missing data, or undetermined because the regulation leaves it open."""
    fired = [(i, r) for i, r in enumerate(rules) if r.concerns(f) and r.when(f)]
    unknown = any(r.unknown for _, r in fired)
    gap = any(r.gap and r.cap_for(f) is None for _, r in fired)
    strictest: dict[str, tuple[int, str]] = {}  # group -> (index, cap) of its strictest enforced rule
    for i, r in fired:
        cap = r.cap_for(f)
        if r.group and cap and r.enabled(f.settings):
            if r.group not in strictest or level_rank(cap) < level_rank(strictest[r.group][1]):
                strictest[r.group] = (i, cap)
    highest, out = HIGHEST, []
    for i, r in fired:
        cap = None if r.unknown else r.cap_for(f)
        if cap is None:  # a note, a gap read by the letter, or the "cannot determine" rule
            out.append((r, r.violation(f, None)))
        elif not r.enabled(f.settings):
            if f.settings.advise_disabled and f.proposed_above(cap):
                out.append((r, r.violation(f, cap, disabled=True)))
        elif not r.group or strictest[r.group][0] == i:
            highest = lower_level(highest, cap)
            if f.proposed is None or f.proposed_above(cap):
                out.append((r, r.violation(f, cap)))
    status = DETERMINED
    if highest != LOWEST and (unknown or gap):
        highest, status = None, MISSING if unknown else GAP
    refused = highest is not None and f.proposed_above(highest)

    def moot(r: Rule) -> bool:
        if r.gap and r.cap_for(f) is None:  # a Không hoàn thành case applies anyway: no gap to report
            return status != GAP
        # A switched-off rule only matters if it would have lowered the result.
        if not r.enabled(f.settings):
            return highest is not None and level_rank(highest) <= level_rank(r.cap_for(f))
        return refused and r.moot_if_refused
    return highest, [v for r, v in out if not moot(r)], status


def _evaluate(table: ModuleType, person: Person, on: date, settings: RuleSettings) -> PersonResult:
    """Eligibility first, then the rule table, then the proposal against the highest level."""
    excluded = exclusion_for(person, on)
    if excluded:
        ex_id, reason = excluded
        violations = []
        if person.proposed is not None:
            label = LEVEL_LABELS.get(person.proposed, str(person.proposed))
            violations.append(Violation(f"{table.CODE}-{ex_id}", f"{reason} Không đề xuất mức xếp loại "
                                        f"cho trường hợp này (đang đề xuất: {label}).", table.ELIGIBILITY_SOURCE))
        return PersonResult(person.id, False, reason, None, person.proposed is None, violations, None)
    facts = Facts(person, settings, table.score_total(person))
    highest, violations, status = _run_rules(table.RULES, facts)
    proposed = person.proposed
    ok: bool | None
    if proposed is None:
        violations.append(Violation("proposed-missing", "Chưa có mức tự xếp loại / đề xuất.", table.STEPS_SOURCE))
        ok = False
    elif not is_level(proposed):
        violations.append(Violation("proposed-invalid", f"Mức đề xuất {proposed!r} không phải một trong bốn "
                                    "mức xếp loại.", table.STEPS_SOURCE))
        ok = False
    elif status == GAP:
        ok = None  # the competent committee decides; the service neither approves nor refuses
    else:
        ok = highest is not None and level_rank(proposed) <= level_rank(highest)
    total = None if facts.total is None else float(facts.total)
    return PersonResult(person.id, True, None, highest, ok, violations, total, determined=status == DETERMINED)


def check_person(regime: str, person: Person, *, on: date, settings: RuleSettings | None = None) -> PersonResult:
    """One member's verdict without the group's quota (a self-rating checked alone, e.g. HD 43 Mẫu 05)."""
    return _evaluate(_table(regime), person, on, settings or configured())


def self_rating_problem(regime: str, person: Person, *, on: date, settings: RuleSettings | None = None) -> str | None:
    """Why a self-rated level is ruled out by the rules (binding violations, or a level whose own conditions the
    regulation's gap leaves unmet), as one Vietnamese message with its sources; None when it stands."""
    result = check_person(regime, person, on=on, settings=settings)
    if result.proposed_ok is False:
        found = [v for v in result.violations if v.binding]
    elif not result.determined and person.proposed not in (None, LOWEST):
        found = [v for v in result.violations if not v.binding]
    else:
        return None
    return " ".join(f"{v.message} ({v.source})" for v in found) or None


def check_group(regime: str, people: list[Person], *, on: date, quota_pct: float = 20,
                settings: RuleSettings | None = None) -> CheckResult:
    """Rate one group of members under `regime` ("124" or "366") as of `on` (the evaluation date).

    The group is one set of comparable members for the quota (one tổ chức cơ sở đảng). Only rated
    members count in the quota; probationary members (official=False) are rated and counted normally.
    """
    table = _table(regime)
    if isinstance(quota_pct, bool) or not 0 <= quota_pct <= 100:
        raise ValueError(f"quota_pct must be within 0..100, got {quota_pct!r}")
    settings = settings or configured()
    results = [_evaluate(table, p, on, settings) for p in people]
    pairs = [(p, r) for p, r in zip(people, results) if r.rated]
    counted = {r.id: counted_level(p.proposed, r.highest_allowed) for p, r in pairs}
    quota = compute_quota([counted[r.id] if r.determined else UNDETERMINED for _, r in pairs], quota_pct,
                          settings.quota_base)
    if quota.excess:
        for _, r in pairs:
            if counted[r.id] == "xuat_sac":
                r.violations.append(Violation("quota", quota.message, table.QUOTA_SOURCE))
                r.proposed_ok = False
    return CheckResult(regime, results, quota)


def _quota_errors(value: Any, regime: str | None) -> list[str]:
    """Why quota_pct is refused (20 or 25, and 25 only under 366), or nothing."""
    allowed = REGIME_TABLES[regime].QUOTA_PCTS if regime else (20, 25)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value not in (20, 25):
        return ["Tỷ lệ Hoàn thành xuất sắc (quota_pct) chỉ được là 20 hoặc 25: tối đa 20% số Hoàn thành tốt "
                "nhiệm vụ, hoặc 25% khi cấp có thẩm quyền quyết định cho đơn vị có thành tích xuất sắc, nổi trội "
                "(Điều 11 Quy định 366-QĐ/TW)."]
    if value not in allowed:
        return ["Quy định 124-QĐ/TW (năm 2023–2024) chỉ cho phép tối đa 20% số Hoàn thành tốt nhiệm vụ "
                "(Điều 12); mức 25% chỉ có từ Quy định 366-QĐ/TW (năm 2025 trở đi)."]
    return []


def _read_group(group: Any, errors: dict[str, list[str]]) -> list[Person]:
    """The members of the payload, adding every field error and duplicate id to `errors`."""
    if not isinstance(group, list) or not group:
        errors["group"] = ["Danh sách đảng viên (group) phải là một danh sách không rỗng."]
        return []
    if len(group) > MAX_GROUP:
        errors["group"] = [f"Mỗi lần kiểm tra tối đa {MAX_GROUP} đảng viên."]
        return []
    people: list[Person] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(group):
        person, errs = read_person(item, f"group[{i}]")
        errors.update(errs)
        if person is None:
            continue
        if person.id in seen:
            errors[f"group[{i}].id"] = [f"Mã đảng viên \"{person.id}\" trùng với group[{seen[person.id]}]."]
        seen.setdefault(person.id, i)
        people.append(person)
    return people


def check_payload(payload: dict, *, settings: RuleSettings | None = None) -> dict:
    """The API body {"year", "group", "quota_pct"?, "settings"?, "unit_id"?} -> the JSON-able CheckResult.

    `settings` are the installation's, or those in force at the body's "unit_id" (the caller looks them up:
    service.unit_rules.in_force); the body's "settings" object changes some of them
    for this check only ({"quota_base": "tot_and_above", "gap_reading": "strict"}); an unknown or bad
    one is refused (InvalidInput, 422).

    The regime follows the year (service.regimes: 2023–2024 -> "124", from 2025 -> "366"). The
    evaluation date is 31 December of the review year: the 6-month rule for new members counts
    to that day. quota_pct defaults to 20; 25 only under 366. Errors: InvalidInput (422) with every
    bad field named, e.g. "group[2].score_general"; a bad year alone raises UnsupportedYear.
    """
    if not isinstance(payload, dict):
        raise InvalidInput("Dữ liệu gửi lên phải là một đối tượng JSON.",
                           {"payload": ["Cần một đối tượng JSON có year và group."]})
    errors: dict[str, list[str]] = {}
    for key in payload:
        if key not in PAYLOAD_KEYS:
            errors[str(key)] = [f"Trường không được hỗ trợ: {key} (chỉ nhận {', '.join(PAYLOAD_KEYS)})."]
    regime, year_error = None, None
    if "year" not in payload:
        errors["year"] = ["Thiếu năm kiểm điểm (year), ví dụ 2025."]
    else:
        try:
            regime = regime_for_year(payload["year"]).code
        except UnsupportedYear as e:
            year_error = e
            errors.update(e.fields or {"year": [e.message]})
    people = _read_group(payload.get("group"), errors)
    quota_pct = payload.get("quota_pct", 20)
    if bad := _quota_errors(quota_pct, regime):
        errors["quota_pct"] = bad
    settings = settings or configured()
    if "settings" in payload:
        settings, bad_settings = settings.updated(payload["settings"])
        errors.update(bad_settings)
    if errors:
        if year_error is not None and set(errors) == {"year"}:
            raise year_error
        raise InvalidInput("Dữ liệu kiểm tra xếp loại không hợp lệ.", errors)
    on = date(payload["year"], 12, 31)
    return check_group(regime, people, on=on, quota_pct=quota_pct, settings=settings).to_dict()
