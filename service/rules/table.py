"""Rules as data: the record each regime table is made of, the facts it reads, and predicate builders."""
from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Callable

from .levels import LEVEL_LABELS, is_level, level_rank, vn_number
from .model import FIELD_LABELS, Person, RuleSettings, Violation

ANY, LEADER, MEMBER = "any", "leader", "member"
UNCERTAIN_SUFFIX = " (quy tắc tham khảo, cấu hình được)"
DISABLED_SUFFIX = " (quy tắc tham khảo, cấu hình được; đang tắt nên chỉ lưu ý, không áp dụng)"
STRICT_SUFFIX = (": xếp loại Không hoàn thành nhiệm vụ theo cách hiểu chặt hơn của địa phương (cấu hình "
                 "gap_reading = strict), không phải câu chữ của quy định.")


@dataclass(frozen=True)
class Facts:
    """What a predicate sees: the member, the settings and the derived score total."""

    person: Person
    settings: RuleSettings
    total: Decimal | None = None  # 366: score_general + score_tasks, exact; None when not both given

    @property
    def leader(self) -> bool:
        """The leader rules apply to leaders working in the political system."""
        return self.person.leader and self.person.in_political_system

    @property
    def proposed(self) -> str | None:
        """The proposed level, or None when missing or not a level code."""
        p = self.person.proposed
        return p if is_level(p) else None

    def proposed_above(self, level: str) -> bool:
        """A valid proposal strictly above `level`."""
        return self.proposed is not None and level_rank(self.proposed) > level_rank(level)

    def params(self) -> dict[str, str]:
        """Every Person field formatted for a message, plus the total and the proposed label."""
        out: dict[str, str] = {}
        for f in fields(self.person):
            v = getattr(self.person, f.name)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                out[f.name] = vn_number(v)
            elif v is None:
                out[f.name] = "chưa có"
        out["total"] = vn_number(self.total)
        out["proposed_label"] = LEVEL_LABELS.get(self.proposed or "", "chưa có")
        return out


Predicate = Callable[[Facts], bool]


@dataclass(frozen=True)
class Rule:
    """One rule: when `when` holds for a member `who` it concerns, the level is capped at `cap`.

    cap None makes the rule a note (reported whenever it fires, never capping). `unknown` marks
    the rule that fires when the data cannot determine the level at all; `moot_if_refused` drops a
    note once the proposal is refused anyway. `switch` names the
    RuleSettings flag of an uncertain rule; `group` keeps only the strictest firing rule of a group,
    so one shortfall is not reported three times. `gap` marks a case the regulation leaves open (no
    level's conditions met and no Không hoàn thành case, or a case-by-case paragraph): under the letter
    the level is undetermined and the committee decides; with gap_reading "strict" it caps at Không
    hoàn thành, labelled. The message is a str.format template over Facts.params(), `cap_label` and
    whatever `extra` returns; `source` may depend on the facts (the clauses a gap cites).
    """

    id: str
    source: str | Callable[[Facts], str]
    message: str
    when: Predicate
    cap: str | Callable[[Facts], str] | None = None
    who: str = ANY
    confidence: str = "H"
    switch: str | None = None
    group: str | None = None
    unknown: bool = False
    extra: Callable[[Facts], dict] | None = None
    moot_if_refused: bool = False  # a note dropped when other rules already refuse the proposal
    gap: bool = False  # the regulation names no level here: undetermined, or Không HT under gap_reading strict

    def concerns(self, f: Facts) -> bool:
        """Whether the member is one this rule speaks of (leader / member / anyone)."""
        return self.who == ANY or (self.who == LEADER) == f.leader

    def enabled(self, settings: RuleSettings) -> bool:
        """False when the rule's switch is off."""
        return self.switch is None or bool(getattr(settings, self.switch))

    def strict(self, f: Facts) -> bool:
        """A gap read the stricter local way: it caps at Không hoàn thành nhiệm vụ."""
        return self.gap and f.settings.gap_reading == "strict"

    def cap_for(self, f: Facts) -> str | None:
        """The level this rule caps the member at, None for a note (and for a gap read by the letter)."""
        if self.gap:
            return "khong_hoan_thanh" if self.strict(f) else None
        return self.cap(f) if callable(self.cap) else self.cap

    def violation(self, f: Facts, cap: str | None, *, disabled: bool = False) -> Violation:
        """The Vietnamese message, marked when the rule is uncertain, switched off or a local strict reading.

        Binding when the rule caps the level (it refuses a proposal above the cap); a note otherwise."""
        values = f.params()
        values["cap_label"] = LEVEL_LABELS.get(cap or "", "")
        if self.extra:
            values.update(self.extra(f))
        text = self.message.format_map(values)
        if disabled:
            text += DISABLED_SUFFIX
        elif self.strict(f):
            text = text.rstrip(".") + STRICT_SUFFIX
        elif self.confidence != "H":
            text += UNCERTAIN_SUFFIX
        source = self.source(f) if callable(self.source) else self.source
        return Violation(self.id, text, source, binding=(cap is not None or self.unknown) and not disabled)


# Predicate builders: a missing value (None) never makes a rule fire.
def below(name: str, limit: float) -> Predicate:
    """The field is given and < limit."""
    return lambda f: getattr(f.person, name) is not None and getattr(f.person, name) < limit


def above(name: str, limit: float) -> Predicate:
    """The field is given and > limit."""
    return lambda f: getattr(f.person, name) is not None and getattr(f.person, name) > limit


def flag(name: str, *, unless: str | None = None) -> Predicate:
    """The boolean field is true (and the `unless` field is not)."""
    return lambda f: bool(getattr(f.person, name)) and not (unless and getattr(f.person, unless))


def flag_excepted(name: str, exception: str) -> Predicate:
    """Both the fact and its self-detected-and-remedied exception hold, and the proposal is tốt or above.

    The regulations then leave the rating to the committee's case-by-case judgement ("xem xét cụ
    thể"): we do not cap, we warn only when a good rating is proposed.
    """
    return lambda f: (bool(getattr(f.person, name)) and bool(getattr(f.person, exception))
                      and f.proposed in ("xuat_sac", "tot"))


def missing_for(needs: dict[str, tuple[str, ...]], leader_needs: dict[str, tuple[str, ...]]):
    """The fields still None that the proposed level's conditions read (empty when nothing is missing)."""
    def missing(f: Facts) -> list[str]:
        table = leader_needs if f.leader else needs
        return [n for n in table.get(f.proposed or "", ()) if getattr(f.person, n) is None]
    return missing


def unconfirmed_rule(rule_id: str, source: str, needs: dict, leader_needs: dict) -> Rule:
    """A note: the proposal cannot be confirmed because a value its conditions read is missing."""
    missing = missing_for(needs, leader_needs)
    return Rule(
        rule_id, source,
        "Chưa đủ thông tin để xác nhận điều kiện của mức {proposed_label}: thiếu {missing}.",
        when=lambda f: bool(missing(f)), moot_if_refused=True,
        extra=lambda f: {"missing": ", ".join(FIELD_LABELS[n] for n in missing(f))},
    )
