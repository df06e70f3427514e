"""A cycle's members as the rule engine sees them: member record + facts of the year + levels + self-review scores."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, case, or_, select
from sqlalchemy.orm import Session, defer

from .. import members, rules, unit_rules
from ..errors import InvalidInput
from ..catalog import PERSONAL_REVIEWS, get_kind
from ..models import Document, Member, ReviewCycle
from ..regimes import regime_for_year
from ..rules.eligibility import exclusion_for
from .models import MemberYear, RatingStep

FACT_KEYS = ("disciplined", "discipline_self_detected_remedied", "degenerate", "banned_acts_breach",
             "tasks_done_pct", "tasks_exceeded_pct", "tasks_late_pct", "previous_shortcomings_fixed_pct",
             "criteria_grades", "sick_leave_months", "maternity_leave", "low_confidence_pct",
             "units_led_tasks_done_pct", "units_led_exceeded_pct", "units_led_late_pct",
             "units_led_not_completed_pct", "units_led_key_targets_missed", "remit_corruption_disciplined",
             "remit_corruption_remedied")
SCORE_KEYS = ("score_general", "score_tasks")  # what the rules read of a member's self-review


@dataclass
class CycleState:
    """Everything about one cycle loaded in a handful of queries: the dashboard and the step checks share it."""

    cycle: ReviewCycle
    members: list[Member]
    facts: dict[int, MemberYear] = field(default_factory=dict)
    docs: dict[str, Document] = field(default_factory=dict)  # subject_key + kind family → document
    steps: list[RatingStep] = field(default_factory=list)
    statuses: dict[int, str] = field(default_factory=dict)  # member id → status on the board date
    scores: dict[int, dict[str, Any]] = field(default_factory=dict)  # document id → its SCORE_KEYS as saved
    rules: rules.RuleSettings | None = None  # the readings in force at the unit (service.unit_rules.in_force)
    # levels() of every member, from the steps as they were (their count) when it was built
    _latest: tuple[int, dict[int | None, dict[str, RatingStep]]] | None = field(default=None, repr=False)
    _excluded: dict[tuple, str | None] = field(default_factory=dict, repr=False)  # excluded_reason's answers

    def year_status(self, member: Member) -> str:
        """The member's recorded status on the year's board date (service.members.MEMBER_STATUSES), not today's."""
        return self.statuses.get(member.id, member.status)

    def attending(self) -> list[Member]:
        """The members active on the year's board date: those at the year's meeting."""
        return [m for m in self.members if self.year_status(m) == "active"]

    def status_of(self, member: Member) -> str:
        """The member's status on the year's board date, as the rule engine knows it."""
        status = self.year_status(member)
        return members.RATING_STATUS.get(status, status)

    def levels(self, member_id: int | None) -> dict[str, RatingStep]:
        """The latest step of each kind for a member (None: the unit itself)."""
        if self._latest is None or self._latest[0] != len(self.steps):  # built once per list of steps
            by_member: dict[int | None, dict[str, RatingStep]] = {}
            for step in self.steps:  # in the order taken: a later step of a kind replaces an earlier one
                by_member.setdefault(step.member_id, {})[step.step] = step
            self._latest = (len(self.steps), by_member)
        return dict(self._latest[1].get(member_id, {}))

    def document(self, family: str, member_id: int | None = None) -> Document | None:
        """The cycle's document of a family about a member or about the unit."""
        key = f"member:{member_id}" if member_id else f"unit:{self.cycle.unit_id}"
        return self.docs.get(f"{key}|{family}")

    def unit_documents(self) -> dict[str, Document]:
        """The unit's own documents of the cycle, by family (what document(family) finds for each)."""
        prefix = f"unit:{self.cycle.unit_id}|"
        return {key.removeprefix(prefix): doc for key, doc in self.docs.items() if key.startswith(prefix)}


def load_cycle(session: Session, cycle: ReviewCycle) -> CycleState:
    """Members in Vietnamese order with their facts, documents and rating steps."""
    return load_cycles(session, [cycle])[cycle.unit_id]


# load_cycles' queries of the cycles' (:ids) facts, documents and rating steps, built once: building them cost more
# Python than running them (every board and meeting page asks).
_FACTS = select(MemberYear).where(MemberYear.cycle_id.in_(bindparam("ids", expanding=True)))
# The documents without their data (80 JSON documents a chi bộ of 25 for every board view): what the rules read of
# it, the self-review's scores, comes as columns, read out of the self-reviews only (the database parses a JSON
# document for each value it extracts: extracting from all 80 was 4.8 ms of PostgreSQL per board, this 1.5); the
# rest loads on access like any deferred column.
_IS_SELF_REVIEW = or_(*(Document.kind_code.startswith(f"{base}-") for base in PERSONAL_REVIEWS.values()))
_DOCUMENTS = (select(Document, *(case((_IS_SELF_REVIEW, Document.data[key])) for key in SCORE_KEYS))
              .options(defer(Document.data)).where(Document.cycle_id.in_(bindparam("ids", expanding=True))))
_STEPS = (select(RatingStep).where(RatingStep.cycle_id.in_(bindparam("ids", expanding=True)))
          .order_by(RatingStep.at, RatingStep.id))


def load_cycles(session: Session, cycles: list[ReviewCycle]) -> dict[int, CycleState]:
    """Several units' cycles in five queries whatever their number (the đảng bộ dashboard needs 80 at once)."""
    states = {c.unit_id: CycleState(c, [], rules=unit_rules.settings_for(session, c.unit_id)) for c in cycles}
    by_cycle = {c.id: states[c.unit_id] for c in cycles if c.id is not None}
    for year in {c.year for c in cycles}:  # who belonged on the year's board date (service.members)
        for entry in members.members_on(session, [c.unit_id for c in cycles if c.year == year],
                                        members.board_date(year)):
            states[entry.unit_id].members.append(entry.member)
            states[entry.unit_id].statuses[entry.member.id] = entry.status
    if by_cycle:
        ids = {"ids": list(by_cycle)}
        for row in session.scalars(_FACTS, ids):
            by_cycle[row.cycle_id].facts[row.member_id] = row
        for doc, *scores in session.execute(_DOCUMENTS, ids):
            state = by_cycle[doc.cycle_id]
            state.docs[f"{doc.subject_key}|{get_kind(doc.kind_code).family}"] = doc
            state.scores[doc.id] = dict(zip(SCORE_KEYS, scores))
        for step in session.scalars(_STEPS, ids):
            by_cycle[step.cycle_id].steps.append(step)
    return states


def person(state: CycleState, member: Member, level: str | None) -> rules.Person:
    """The rule engine's view of a member, proposing `level`."""
    return _as_person(_person_data(state, member, level))


def _person_data(state: CycleState, member: Member, level: str | None) -> dict[str, Any]:
    """What the rule engine reads of a member (rules.person_from_dict's input), as plain JSON values."""
    data: dict[str, Any] = {"id": str(member.id), "official": member.official, "status": state.status_of(member),
                            "leader": member.leader, "in_political_system": member.in_political_system}
    if member.admitted_on:
        data["admitted_on"] = member.admitted_on.isoformat()
    facts = state.facts.get(member.id)
    if facts:
        data.update({k: v for k, v in facts.facts.items() if k in FACT_KEYS and v is not None})
    review = state.document("personal-review", member.id)
    if review is not None:
        saved = state.scores.get(review.id)
        if saved is None:  # a state built by hand (tests), not by load_cycles
            saved = {key: review.data.get(key) for key in SCORE_KEYS}
        for key in SCORE_KEYS:
            if isinstance(saved.get(key), (int, float)):
                data[key] = saved[key]
    if level:
        data["proposed"] = level
    return data


def _as_person(data: dict[str, Any]) -> rules.Person:
    try:
        return rules.person_from_dict(data)
    except InvalidInput as exc:  # a draft's out-of-range score must not break the dashboard: leave it unknown
        return rules.person_from_dict({k: v for k, v in data.items() if k not in exc.fields or k == "id"})


def check(state: CycleState, step: str, override: dict[int, str] | None = None, quota_pct: float = 20) -> rules.CheckResult:
    """Run the rules over the whole chi bộ at one step, with some levels replaced (the one being recorded).

    The engine is a function of what it reads, so its answer is kept for the same input (every board view checks
    the whole chi bộ, and between two views its members' facts, scores and levels rarely change): the result is
    shared between callers, to be read and never changed."""
    override = override or {}
    people = []
    for member in state.members:
        latest = state.levels(member.id)
        level = override.get(member.id) or (latest[step].level if step in latest else None)
        people.append(_person_data(state, member, level))
    regime = regime_for_year(state.cycle.year).code
    settings = state.rules or rules.configured()
    try:
        read = json.dumps(people, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):  # a value JSON cannot hold (a state built by hand): checked afresh
        return _check_people(regime, state.cycle.year, quota_pct, settings, people)
    return _checked(regime, state.cycle.year, quota_pct, settings, read)


# A few answers per chi bộ (a đảng bộ of 80 asks 80 per view), about 20 kB each for 25 members; thread-safe.
@lru_cache(maxsize=256)
def _checked(regime: str, year: int, quota_pct: float, settings: rules.RuleSettings, people: str) -> rules.CheckResult:
    return _check_people(regime, year, quota_pct, settings, json.loads(people))


def _check_people(regime: str, year: int, quota_pct: float, settings: rules.RuleSettings,
                  people: list[dict[str, Any]]) -> rules.CheckResult:
    return rules.check_group(regime, [_as_person(data) for data in people], on=date(year, 12, 31),
                             quota_pct=quota_pct, settings=settings)


def excluded_reason(state: CycleState, member: Member) -> str | None:
    """Why a member is not rated this year (exempted, suspended, admitted < 6 months), else None. Kept per state
    for what it reads, the member's status that year and admission date (a board and a meeting page ask it two or
    three times per member)."""
    key = (member.id, member.admitted_on, state.year_status(member))
    if key not in state._excluded:
        found = exclusion_for(person(state, member, None), date(state.cycle.year, 12, 31))
        state._excluded[key] = found[1] if found else None
    return state._excluded[key]
