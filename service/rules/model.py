"""The engine's data: one member's facts, the settings of uncertain rules, and the results."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date
from typing import Any


@dataclass
class Person:
    """One party member of the group, with the facts the rules read (REFERENCE §1).

    "Leader rules" below apply when `leader` and `in_political_system` are both true; every other
    member (non-leaders and members outside the political system) gets the "member" rules.
    Percentages are 0–100; None means "not given": a rule that needs a missing value does not cap,
    it only warns when the proposed level depends on it.
    """

    id: str  # the member's identifier inside the group (unique per group)
    official: bool = True  # chính thức; False = dự bị: rated like everyone, never votes (Điều 3 Điều lệ Đảng)
    status: str = "active"  # active | exempted (miễn công tác và sinh hoạt đảng) | suspended (đình chỉ): Điều 5
    admitted_on: date | None = None  # ngày vào Đảng; < 6 months before the evaluation date -> not rated (Điều 5)
    leader: bool = False  # giữ chức vụ lãnh đạo, quản lý: selects the leader rules (366 Điều 11 §x.1; 124 Điều 12)
    in_political_system: bool = True  # False = đảng viên không làm việc trong hệ thống chính trị (PL5, Mẫu 2C)
    score_general: float | None = None  # 366: Nhóm tiêu chí chung, 0–30 (Điều 10, Mẫu 2A/2B/2C)
    score_tasks: float | None = None  # 366: Nhóm tiêu chí về kết quả thực hiện nhiệm vụ, 0–70 (Điều 10)
    proposed: str | None = None  # the self-rated / proposed level code (levels.LEVELS)
    disciplined: bool = False  # khiển trách or heavier in the year, for duty breaches -> Không HT (366 Đ11, 124 Đ12)
    discipline_self_detected_remedied: bool = False  # the fault was self-detected and fully remedied: case by case
    degenerate: bool = False  # concluded suy thoái / "tự diễn biến", "tự chuyển hoá" -> Không HT (both)
    banned_acts_breach: bool = False  # breach of "những điều đảng viên không được làm" or nêu gương -> Không HT
    tasks_done_pct: float | None = None  # % of own tasks completed by year end, late ones included (366: non-leaders;
    #   124: everyone); 366 < 100 -> Không HT, < 50 -> Không HT case; 124 xuất sắc needs 100
    tasks_exceeded_pct: float | None = None  # % of own tasks completed above requirement (366 xs ≥30, 124 xs ≥50)
    tasks_late_pct: float | None = None  # % of own tasks behind schedule (chưa bảo đảm tiến độ); 366 HT ≤20, tốt 0
    previous_shortcomings_fixed_pct: float | None = None  # % of last review's shortcomings fixed (366 xs: 100);
    #   give 100 when there were none
    criteria_grades: dict[str, str] | None = None  # 124: criterion key (regime_124.CRITERIA) -> grade (levels.GRADES)
    sick_leave_months: float = 0  # months of sick leave in the year: 366 HD 43 point 7.5 note; 124 optional HD 21 cap
    maternity_leave: bool = False  # nghỉ thai sản in the year: rated on actual work (note only)
    low_confidence_pct: float | None = None  # leaders (366): % of "tín nhiệm thấp" votes in the year; > 50 -> Không HT
    units_led_tasks_done_pct: float | None = None  # leaders: % of tasks done by the units led (366: 100 for HT and
    #   above, < 70 -> Không HT; 124: 100 for xuất sắc [M], < 50 with key targets missed -> Không HT)
    units_led_exceeded_pct: float | None = None  # leaders: % of those tasks exceeded (366 xs ≥30; 124 xs ≥50 [M])
    units_led_late_pct: float | None = None  # leaders (366): % of those tasks behind schedule (HT ≤20, tốt 0)
    units_led_not_completed_pct: float | None = None  # leaders (366): % of units in charge rated Không HT; > 50
    #   -> Không HT
    units_led_key_targets_missed: bool = False  # leaders: key targets missed, force majeure excepted (124: with <50%
    #   of tasks -> Không HT; 366: the 5 basic socio-economic targets of the post -> Không HT)
    remit_corruption_disciplined: bool = False  # leaders (366): corruption/waste in the direct remit, disciplined
    #   -> Không HT
    remit_corruption_remedied: bool = False  # leaders (366): that case was self-detected and remedied: case by case


@dataclass
class Violation:
    """A rule the proposal breaks, or a note the deciding committee must see; `source` cites the text."""

    rule: str
    message: str
    source: str
    binding: bool = True  # False: a note for the deciding committee (case by case, missing data, a gap, advice)


@dataclass
class PersonResult:
    """The verdict for one member.

    `determined` is False when no level can be named: the regulation itself leaves the case to the
    competent committee (366 Điều 11: the conditions of no level are met and no Không hoàn thành case
    applies, or a case-by-case paragraph), or the data are missing (366 without both scores, 124
    without all criteria grades). Then `highest_allowed` is None; `proposed_ok` is None for the
    regulation's gap (the committee decides) and False for missing data (complete it first).
    `proposed_ok` is also False when the proposal is missing, above `highest_allowed` or over the
    quota. Non-binding violations (notes, rules switched off) leave it unchanged.
    """

    id: str
    rated: bool
    not_rated_reason: str | None
    highest_allowed: str | None
    proposed_ok: bool | None
    violations: list[Violation] = field(default_factory=list)
    score_total: float | None = None
    determined: bool = True


@dataclass
class QuotaResult:
    """The Hoàn thành xuất sắc quota of the group: limit = floor(base × pct / 100).

    Each member counts at the lower of the proposed level and the highest the rules allow; members
    whose level is not determined count in neither number (`undetermined`). `base` is `tot` under
    the letter (base_rule "tot_only") or `tot` + `xuat_sac` ("tot_and_above").
    """

    pct: float
    tot: int
    xuat_sac: int
    limit: int
    excess: int
    rounding: str
    base_rule: str = "tot_only"
    base: int = 0
    undetermined: int = 0
    message: str = ""


def _json_number(x: float | None) -> float | int | None:
    """20.0 -> 20 so the JSON reads like the input; other values unchanged."""
    if x is None or isinstance(x, int):
        return x
    return int(x) if float(x).is_integer() else float(x)


@dataclass
class CheckResult:
    """The whole answer for one group in one review year."""

    regime: str
    people: list[PersonResult]
    quota: QuotaResult

    def to_dict(self) -> dict:
        """The JSON shape of the API (exactly these keys)."""
        people = []
        for r in self.people:
            people.append({
                "id": r.id,
                "rated": r.rated,
                "not_rated_reason": r.not_rated_reason,
                "highest_allowed": r.highest_allowed,
                "proposed_ok": r.proposed_ok,
                "violations": [asdict(v) for v in r.violations],
                "score_total": _json_number(r.score_total),
                "determined": r.determined,
            })
        q = self.quota
        quota = {"pct": _json_number(q.pct), "tot": q.tot, "xuat_sac": q.xuat_sac,
                 "limit": q.limit, "excess": q.excess, "rounding": q.rounding, "base_rule": q.base_rule,
                 "base": q.base, "undetermined": q.undetermined, "message": q.message}
        return {"regime": self.regime, "people": people, "quota": quota}


@dataclass(frozen=True)
class RuleSettings:
    """Switches for the rules the sources do not settle (docs/REGULATIONS.md confidence in brackets).

    Policy: a rule marked [M] is on by default, a rule marked [L] off. Either way its message ends
    with " (quy tắc tham khảo, cấu hình được)". A rule that is off still reports an advisory note
    when it would have capped the proposal (unless `advise_disabled` is False), so nothing
    uncertain is enforced or dropped silently.
    """

    # [L] QĐ 124 Điều 12, individuals, "Hoàn thành tốt": 100% of tasks on schedule and to quality.
    # Only seen in an unofficial reading (REFERENCE §1.1); QĐ 366 has the same rule [H].
    r124_tot_requires_all_tasks: bool = False
    # [M] QĐ 124 Điều 12, leaders, "Hoàn thành xuất sắc": the unit led completes 100% of its targets
    # with at least 50% exceeded (lawnet.vn, excerpt cut off).
    r124_leader_xuat_sac_units: bool = True
    # [L] QĐ 124 Điều 12, leaders, "Hoàn thành tốt": the unit led completes 100% of its tasks
    # (inferred from 366 Điều 11 §2.1; REFERENCE §1.1 "[L]").
    r124_leader_tot_units: bool = False
    # [L for 124] Sick leave ≥ `sick_leave_months_threshold` months: "không xếp loại Hoàn thành tốt
    # nhiệm vụ trở lên" was the HD 21-HD/BTCTW rule; the HD 25 wording was not seen (REFERENCE §1.3).
    # Under 366, HD 43 point 7.5 rates on actual work instead: a note, never a cap.
    r124_sick_leave_cap: bool = False
    # [H] The sick-leave threshold in months (HD 21 and HD 43 point 7.5 both say 03 tháng).
    sick_leave_months_threshold: float = 3
    # Report rules that are switched off as advisory notes when they would have capped the proposal.
    advise_disabled: bool = True
    # [H for the letter] The cases QĐ 366 Điều 11 leaves open (no level's conditions met and no Không hoàn
    # thành case; a non-leader's fault self-detected and remedied, khoản 4 điểm 4.2 last paragraph):
    # "letter" = undetermined, the competent committee decides; "strict" = a stricter local reading that
    # rates them Không hoàn thành nhiệm vụ, every message saying it is the local reading.
    gap_reading: str = "letter"
    # [H for the letter, M for practice] The number the xuất sắc quota's 20 % (25 %) applies to:
    # "tot_only" = those rated Hoàn thành tốt nhiệm vụ (the letter of 366 Điều 11 khoản 1 điểm 1.4,
    # 124 Điều 12); "tot_and_above" = those at Hoàn thành tốt or above (a reading some committees use).
    quota_base: str = "tot_only"
    # [L] A level the chi bộ proposes must be carried by the vote: more than half of the official members
    # present voted that level or higher (the common reading; no central text fixes a threshold).
    # True: a proposal the vote does not support is refused; False: it is kept and flagged on the board.
    vote_support_required: bool = True

    def updated(self, values: Any, where: str = "settings") -> tuple["RuleSettings", dict[str, list[str]]]:
        """These settings with `values` (a JSON object) applied, and a message per unknown or bad key."""
        if not isinstance(values, dict):
            return self, {where: ["Cấu hình (settings) phải là một đối tượng JSON, ví dụ "
                                  "{\"quota_base\": \"tot_and_above\"}."]}
        known = {f.name: f for f in fields(self)}
        errors: dict[str, list[str]] = {}
        changes: dict[str, Any] = {}
        for key, value in values.items():
            if key not in known:
                errors[f"{where}.{key}"] = [f"Cấu hình không được hỗ trợ: {key}. Các cấu hình: "
                                            f"{', '.join(known)}."]
            elif key in SETTING_CHOICES:
                if value not in SETTING_CHOICES[key] or not isinstance(value, str):
                    errors[f"{where}.{key}"] = [f"{key} phải là một trong: {', '.join(SETTING_CHOICES[key])}."]
                else:
                    changes[key] = value
            elif known[key].type in ("bool", bool):
                if not isinstance(value, bool):
                    errors[f"{where}.{key}"] = [f"{key} phải là true hoặc false."]
                else:
                    changes[key] = value
            elif isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 12:
                errors[f"{where}.{key}"] = [f"{key} phải là một số từ 0 đến 12."]
            else:
                changes[key] = value
        return (replace(self, **changes) if not errors else self), errors

    @classmethod
    def from_env(cls, environ: dict[str, str]) -> "RuleSettings":
        """The installation's settings: RULES_GAP_READING, RULES_QUOTA_BASE, RULES_VOTE_SUPPORT_REQUIRED (0/1).

        A bad value stops the start with a message, rather than rating by a reading nobody chose.
        """
        values: dict[str, Any] = {}
        for name in ("gap_reading", "quota_base"):
            raw = environ.get(f"RULES_{name.upper()}")
            if raw:
                values[name] = raw.strip()
        raw = environ.get("RULES_VOTE_SUPPORT_REQUIRED")
        if raw:
            values["vote_support_required"] = raw.strip().lower() not in ("0", "false", "no", "off")
        settings, errors = cls().updated(values, "RULES")
        if errors:
            raise ValueError("; ".join(m for msgs in errors.values() for m in msgs))
        return settings


# The settings read as one of a few words, and the words.
SETTING_CHOICES: dict[str, tuple[str, ...]] = {
    "gap_reading": ("letter", "strict"),
    "quota_base": ("tot_only", "tot_and_above"),
}


# Vietnamese names of the Person fields, for messages (validation and "missing information").
FIELD_LABELS: dict[str, str] = {
    "id": "mã đảng viên",
    "official": "đảng viên chính thức",
    "status": "trạng thái sinh hoạt đảng",
    "admitted_on": "ngày vào Đảng",
    "leader": "giữ chức vụ lãnh đạo, quản lý",
    "in_political_system": "làm việc trong hệ thống chính trị",
    "score_general": "điểm nhóm tiêu chí chung",
    "score_tasks": "điểm nhóm tiêu chí về kết quả thực hiện nhiệm vụ",
    "proposed": "mức tự xếp loại / đề xuất",
    "disciplined": "bị kỷ luật trong năm",
    "discipline_self_detected_remedied": "tự phát hiện, khắc phục vi phạm",
    "degenerate": "bị kết luận suy thoái",
    "banned_acts_breach": "vi phạm những điều đảng viên không được làm / trách nhiệm nêu gương",
    "tasks_done_pct": "tỷ lệ nhiệm vụ hoàn thành",
    "tasks_exceeded_pct": "tỷ lệ nhiệm vụ vượt mức",
    "tasks_late_pct": "tỷ lệ nhiệm vụ chậm tiến độ",
    "previous_shortcomings_fixed_pct": "tỷ lệ hạn chế, khuyết điểm kỳ trước đã khắc phục",
    "criteria_grades": "kết quả đánh giá các tiêu chí",
    "sick_leave_months": "số tháng nghỉ ốm",
    "maternity_leave": "nghỉ thai sản",
    "low_confidence_pct": "tỷ lệ phiếu tín nhiệm thấp",
    "units_led_tasks_done_pct": "tỷ lệ nhiệm vụ hoàn thành của đơn vị phụ trách",
    "units_led_exceeded_pct": "tỷ lệ nhiệm vụ vượt mức của đơn vị phụ trách",
    "units_led_late_pct": "tỷ lệ nhiệm vụ chậm tiến độ của đơn vị phụ trách",
    "units_led_not_completed_pct": "tỷ lệ đơn vị phụ trách bị xếp loại Không hoàn thành nhiệm vụ",
    "units_led_key_targets_missed": "đơn vị phụ trách không hoàn thành chỉ tiêu chủ yếu",
    "remit_corruption_disciplined": "tham nhũng, lãng phí, tiêu cực trong phạm vi quản lý trực tiếp",
    "remit_corruption_remedied": "đã chủ động phát hiện, xử lý, khắc phục (tham nhũng trong phạm vi quản lý)",
}


_CONFIGURED: list[RuleSettings] = [RuleSettings()]


def configure(settings: RuleSettings) -> None:
    """The installation's readings (Settings.rules, from RULES_* variables), set once when the app starts."""
    _CONFIGURED[0] = settings


def configured() -> RuleSettings:
    """The installation's readings: the default of every unit that sets none of its own (service.unit_rules.in_force
    is what checks of a unit use), changed for one API check by its "settings"."""
    return _CONFIGURED[0]
