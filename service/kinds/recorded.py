"""Pre-filling the meeting documents from what the review cycle recorded, and refreshing a saved one.

`service.review.meeting.facts_for_documents` adds to the unit facts, keyed by member id: `meeting` (held_on,
opened_at, closed_at, place, chair, secretary), `attendance` ({status, reason}), `tallies` (votes per level),
`ratings` (the latest level of each recorded step) and `excluded` (why a member is not rated). The web passes
Python dicts with int keys, JSON gives string keys: both are accepted. When nothing is recorded every lookup
answers None/"" and the kinds keep pre-filling from the members list alone.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..rules.eligibility import row_exclusion
from ..rules.levels import LEVELS

LEVEL_CODES = tuple(code for code, _ in LEVELS)
NO_STATUS = "absent_no_reason"  # an active member without a recorded status (as service.review.meeting.counts)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _by_member(mapping: Any) -> dict[str, Any]:
    return {str(key): value for key, value in mapping.items()} if isinstance(mapping, dict) else {}


class Recorded:
    """The recorded meeting and rating steps, looked up by a member row of facts["members"]."""

    def __init__(self, facts: dict[str, Any]) -> None:
        meeting = facts.get("meeting")
        self.meeting = meeting if isinstance(meeting, dict) else {}
        self._attendance = _by_member(facts.get("attendance"))
        self._tallies = _by_member(facts.get("tallies"))
        self._ratings = _by_member(facts.get("ratings"))
        self._excluded = _by_member(facts.get("excluded"))
        self.knows_tallies = bool(self._tallies)
        self.knows_exclusions = isinstance(facts.get("excluded"), dict)  # {}: recorded, and nobody is excluded

    def detail(self, key: str) -> str:
        """A detail of the meeting ("held_on", "opened_at", "place", "chair"…), "" when not recorded."""
        value = self.meeting.get(key)
        return value.strip() if isinstance(value, str) else ""

    def attendance(self, member: dict[str, Any]) -> tuple[str, str] | None:
        """(status, reason) of a member at the meeting; None when no attendance was recorded at all."""
        if not self._attendance:
            return None
        row = self._attendance.get(str(member.get("id")))
        if not isinstance(row, dict):
            return NO_STATUS, ""
        return str(row.get("status") or NO_STATUS), str(row.get("reason") or "").strip()

    def votes(self, member: dict[str, Any]) -> dict[str, int]:
        """The member's votes per level as table cells ({"votes_tot": 3, …}); {} without a tally."""
        tally = self._tallies.get(str(member.get("id")))
        if not isinstance(tally, dict):
            return {}
        return {f"votes_{code}": tally[code] if isinstance(tally.get(code), int) else 0 for code in LEVEL_CODES}

    def level(self, member: dict[str, Any], *steps: str) -> str:
        """The level of the first of `steps` recorded for the member ("self", "proposal", …), else ""."""
        recorded = self._ratings.get(str(member.get("id")))
        for step in steps:
            level = recorded.get(step) if isinstance(recorded, dict) else None
            if level in LEVEL_CODES:
                return level
        return ""

    def excluded(self, member: dict[str, Any]) -> str:
        """Why the member is not rated this year, "" when rated (or when nothing is recorded)."""
        return str(self._excluded.get(str(member.get("id"))) or "")

    def rated(self, member: dict[str, Any]) -> bool:
        """Whether the member is rated, when exclusions are recorded; True when they are not known."""
        return not self.excluded(member)

    def exclusion(self, member: dict[str, Any], year: Any) -> str:
        """Why the member is not rated: the recorded reason when the cycle's exclusions are known, else the rules
        (Điều 5) applied to the member's status and admission date; "" when rated."""
        return self.excluded(member) if self.knows_exclusions else row_exclusion(member, year)


@dataclass(frozen=True)
class FromRecords:
    """A field filled from the recorded data, for refreshing a saved document.

    `sources` name the facts it comes from ("meeting.chair", "tallies"…): the field is refreshed only when one of
    them holds something. For a table (rows matched by full_name), `kept` are the columns whose saved value
    survives when the facts leave that cell empty (typed notes, a level not recorded in the system).
    """

    sources: tuple[str, ...]
    kept: tuple[str, ...] = ()


def _holds(facts: dict[str, Any], source: str) -> bool:
    head, _, key = source.partition(".")
    value = facts.get(head)
    if key:
        value = value.get(key) if isinstance(value, dict) else None
    if isinstance(value, dict):
        return any(not _empty(v) for v in value.values())
    return not _empty(value)


def _merge_rows(saved: list[Any], fresh: list[dict[str, Any]], kept: tuple[str, ...]) -> list[dict[str, Any]]:
    """The fresh rows (the members now, in order), with the kept columns of the same member's saved row where
    the fresh cell is empty."""
    by_name: dict[str, dict[str, Any]] = {}
    for row in saved:
        if isinstance(row, dict) and row.get("full_name"):
            by_name.setdefault(row["full_name"], row)
    out = []
    for row in fresh:
        old = by_name.get(row.get("full_name"), {})
        out.append({**row, **{k: old[k] for k in kept if _empty(row.get(k)) and not _empty(old.get(k))}})
    return out


def refreshed(fresh: dict[str, Any], recorded: dict[str, FromRecords], saved: dict[str, Any],
              facts: dict[str, Any]) -> dict[str, Any]:
    """A saved document brought up to date with the recorded data: the `recorded` fields take their `fresh` value
    (what a new document would start with), everything else (typed text, header, defaults the secretary
    changed) is kept as saved."""
    out = dict(saved)
    for name, spec in recorded.items():
        if name not in fresh or not any(_holds(facts, source) for source in spec.sources):
            continue
        value = fresh[name]
        if isinstance(value, list):
            out[name] = _merge_rows(saved.get(name) or [], value, spec.kept)
        elif not _empty(value):
            out[name] = value
    return out
