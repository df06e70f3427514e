"""Order of steps as data: each rule says which step it guards, what must come first, and where that is written."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..models import Member
from .people import CycleState, excluded_reason

SUBMITTED = "submitted"


@dataclass(frozen=True)
class Blocker:
    """Why a step cannot be recorded yet."""

    rule: str
    message: str
    source: str


@dataclass(frozen=True)
class OrderRule:
    """One ordering rule; `blocks` returns a Vietnamese explanation when the step must wait."""

    id: str
    steps: tuple[str, ...]  # the steps it guards
    subject: str  # "member", "head" (the unit's Bí thư), "leadership" (other party posts) or "unit"
    sources: dict[str, str]  # regime code → article
    blocks: Callable[[CycleState, Member | None, "Context"], str | None]


@dataclass(frozen=True)
class Context:
    """What the rules need beyond the cycle itself."""

    children_undecided: tuple[str, ...] = ()  # names of subordinate units without a decision


def is_head(member: Member) -> bool:
    """The unit's head (Bí thư, not Phó Bí thư) is rated after the unit."""
    post = (member.party_post or "").strip().lower()
    return post.startswith("bí thư")


def in_leadership(member: Member) -> bool:
    """A member of the leadership collective (chi ủy / cấp ủy: any party post) is rated after that collective."""
    return bool((member.party_post or "").strip())


def _collective_report_first(state: CycleState, member: Member | None, _: Context) -> str | None:
    report = state.document("collective-report")
    if report is None or report.status != SUBMITTED:
        return ("Chưa thể chốt kết quả của cá nhân: báo cáo kiểm điểm của tập thể chi bộ phải được hoàn thành "
                "(lưu và kiểm tra đủ mục) trước — kiểm điểm tập thể trước, cá nhân sau.")
    return None


def _self_review_first(state: CycleState, member: Member | None, _: Context) -> str | None:
    review = state.document("personal-review", member.id)
    if review is None or review.status != SUBMITTED or "self" not in state.levels(member.id):
        return (f"Đồng chí {member.full_name} chưa hoàn thành bản tự kiểm điểm, tự xếp loại: phải tự đánh giá "
                "trước khi chi bộ đề xuất và cấp trên quyết định.")
    return None


def _temporary_comments_first(state: CycleState, member: Member | None, _: Context) -> str | None:
    facts = state.facts.get(member.id)
    if facts and facts.temporary_unit and not facts.temporary_comments.strip():
        return (f"Đồng chí {member.full_name} sinh hoạt tạm thời tại {facts.temporary_unit}: cần có nhận xét bằng "
                "văn bản của chi bộ nơi sinh hoạt tạm thời trước khi đánh giá, xếp loại tại chi bộ chính thức.")
    return None


def _proposal_first(state: CycleState, member: Member | None, _: Context) -> str | None:
    levels = state.levels(member.id if member else None)
    if "proposal" not in levels and (member is not None or "self" not in levels):
        who = f"đồng chí {member.full_name}" if member else "tập thể"
        step = "chi bộ đề xuất mức xếp loại" if member else "tập thể tự đánh giá, xếp loại (báo cáo kiểm điểm)"
        return f"Chưa có bước {step} của {who}: bước thẩm định, đề xuất phải có trước khi cấp có thẩm quyền quyết định."
    return None


def _members_before_unit(state: CycleState, member: Member | None, ctx: Context) -> str | None:
    waiting = [m.full_name for m in state.members
               if not in_leadership(m) and excluded_reason(state, m) is None and "decision" not in state.levels(m.id)]
    waiting += list(ctx.children_undecided)
    if waiting:
        shown = ", ".join(waiting[:5]) + (f" và {len(waiting) - 5} người/đơn vị khác" if len(waiting) > 5 else "")
        return ("Cấp dưới trước, cấp trên sau: còn chưa có quyết định xếp loại của " + shown + ".")
    return None


def _unit_before_head(state: CycleState, member: Member | None, _: Context) -> str | None:
    if "decision" not in state.levels(None):
        return (f"Đồng chí {member.full_name} là người đứng đầu: tập thể phải được xếp loại trước, "
                "người đứng đầu sau.")
    return None


def _collective_before_its_members(state: CycleState, member: Member | None, _: Context) -> str | None:
    if "decision" not in state.levels(None):
        return (f"Đồng chí {member.full_name} ({member.party_post}) là thành viên tập thể lãnh đạo: tập thể phải được "
                "xếp loại trước, thành viên sau.")
    return None


def _decision_before_rerating(state: CycleState, member: Member | None, _: Context) -> str | None:
    if "decision" not in state.levels(member.id if member else None):
        return "Chưa có quyết định xếp loại nên chưa thể xếp loại lại (Mẫu 03)."
    return None


STEP_SOURCES = {"124": "Điều 11 Quy định 124-QĐ/TW", "366": "Điều 12 Quy định 366-QĐ/TW"}
RULES: tuple[OrderRule, ...] = (
    OrderRule("collective_report_first", ("proposal", "decision"), "member",
              {"124": "Mục 2 Hướng dẫn 25-HD/BTCTW", "366": "Điều 7 Quy định 366-QĐ/TW; Mục 2 Hướng dẫn 43-HD/BTCTW"},
              _collective_report_first),
    OrderRule("self_review_first", ("proposal", "decision"), "member", STEP_SOURCES, _self_review_first),
    OrderRule("temporary_comments_first", ("proposal", "decision"), "member",
              {"124": "Điểm 7.6 Hướng dẫn 43-HD/BTCTW (áp dụng tương tự)", "366": "Điểm 7.6 Hướng dẫn 43-HD/BTCTW"},
              _temporary_comments_first),
    OrderRule("proposal_before_decision", ("decision",), "member", STEP_SOURCES, _proposal_first),
    OrderRule("self_before_unit_decision", ("decision",), "unit", STEP_SOURCES, _proposal_first),
    OrderRule("members_before_unit", ("decision",), "unit", STEP_SOURCES, _members_before_unit),
    OrderRule("unit_before_head", ("decision",), "head", STEP_SOURCES, _unit_before_head),
    OrderRule("collective_before_its_members", ("decision",), "leadership", STEP_SOURCES,
              _collective_before_its_members),
    OrderRule("decision_before_rerating", ("rerating",), "member", STEP_SOURCES, _decision_before_rerating),
    OrderRule("unit_decision_before_rerating", ("rerating",), "unit", STEP_SOURCES, _decision_before_rerating),
)


def blockers(state: CycleState, step: str, member: Member | None, regime: str,
             context: Context = Context()) -> list[Blocker]:
    """Every ordering rule the step would break now."""
    if member is None:
        subjects = {"unit"}
    elif is_head(member):
        subjects = {"member", "head"}
    else:
        subjects = {"member", "leadership"} if in_leadership(member) else {"member"}
    out = []
    for rule in RULES:
        if step in rule.steps and rule.subject in subjects:
            message = rule.blocks(state, member, context)
            if message:
                out.append(Blocker(rule.id, message, rule.sources[regime]))
    return out
