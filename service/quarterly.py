"""What the year-end self-review (QĐ 366: Mẫu 2A/2B/2C) takes up from the member's quarterly self-assessments
(Mẫu 05, one per quarter).

What the sources allow (docs/REGULATIONS.md): QĐ 366 reviews "theo nhiệm kỳ, hằng năm, hằng quý"; HD 43 lists Mẫu 05
"Bản tự đánh giá, xếp loại của cá nhân Quý, Năm", whose body no public copy shows, and says nothing of how a year's
review draws on the quarters. So only what plainly is the same thing is carried over:
- the tasks and their results recorded each quarter become the text of A.I.2 (tasks and results of the year), each
  quarter under its name ("Quý I: …");
- each quarter's own assessment (II, strengths and shortcomings together) is offered beside A.II.1, never filled in
  by itself, because it mixes what goes to A.I and to A.II;
- the quarters' scores and levels are shown beside the year's score and level as help. No sum or average: nothing in
  the sources builds the year's 100 points from the quarters'.
Only submitted quarters are taken; a draft or a missing quarter is named, so the person knows what is left out.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from .catalog import get_kind
from .kinds.personal import TASK_RESULTS
from .member_year import QUARTER_NAMES
from .models import Document, ReviewCycle
from .rules import LEVEL_LABELS
from .text import vn_number



@dataclass
class TakeUp:
    """What the quarters give the year-end form: texts for its fields, figures to show beside them, and which
    quarters were taken or left out (and why)."""

    taken: list[int] = field(default_factory=list)
    left_out: list[tuple[int, str]] = field(default_factory=list)  # (quarter, why: "bản nháp, chưa nộp"…)
    texts: dict[str, str] = field(default_factory=dict)  # field → text to fill in when empty
    offers: dict[str, str] = field(default_factory=dict)  # field → text offered beside it, never filled by itself
    figures: dict[str, str] = field(default_factory=dict)  # field → the quarters' figures, as help

    @property
    def summary(self) -> str:
        """One Vietnamese sentence: which quarters were taken, which were not and why."""
        parts = []
        if self.taken:
            parts.append("Đã lấy từ Mẫu 05 đã nộp của " + ", ".join(QUARTER_NAMES[q] for q in self.taken) + ".")
        else:
            parts.append("Chưa có bản tự đánh giá quý (Mẫu 05) nào đã nộp để lấy.")
        if self.left_out:
            parts.append("Không lấy: " + "; ".join(f"{QUARTER_NAMES[q]} ({why})" for q, why in self.left_out) + ".")
        return " ".join(parts)


def applies(kind_code: str) -> bool:
    """Whether a document kind is a year-end self-review of QĐ 366 (the one that can take up the quarters)."""
    kind = get_kind(kind_code)
    return kind.family == "personal-review" and kind.regime.code == "366"


def quarterly_documents(session: Session, member_id: int, year: int) -> dict[int, Document]:
    """The member's Mẫu 05 of each quarter of the year (wherever their chi bộ was that quarter)."""
    found: dict[int, Document] = {}
    for doc, quarter in session.execute(select(Document, ReviewCycle.quarter).join(ReviewCycle).where(
            Document.member_id == member_id, ReviewCycle.year == year, ReviewCycle.quarter.in_(QUARTER_NAMES))):
        if get_kind(doc.kind_code).family == "self-rating":
            found[quarter] = doc
    return found


def _task_line(row: dict) -> str:
    content = str(row.get("content") or "").strip()
    details = [str(row.get("product") or "").strip()]
    if str(row.get("progress") or "").strip():
        details.append(f"tiến độ: {str(row['progress']).strip()}")
    if str(row.get("quality") or "").strip():
        details.append(f"chất lượng: {str(row['quality']).strip()}")
    if row.get("self_assessment") in TASK_RESULTS:
        details.append(f"tự đánh giá: {TASK_RESULTS[row['self_assessment']].lower()}")
    details = [d for d in details if d]
    return f"- {content}" + (f": {'; '.join(details)}." if details else ".")


def _score(value) -> str:
    return vn_number(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else "—"


def take_up(session: Session, member_id: int, year: int) -> TakeUp:
    """What the member's submitted Mẫu 05 of the year's quarters give the year-end self-review."""
    docs = quarterly_documents(session, member_id, year)
    out = TakeUp()
    tasks, comments, general, results, levels = [], [], [], [], []
    for quarter, name in QUARTER_NAMES.items():
        doc = docs.get(quarter)
        if doc is None or not doc.revision:
            out.left_out.append((quarter, "chưa viết"))
            continue
        if doc.status != "submitted":
            out.left_out.append((quarter, "bản nháp, chưa nộp"))
            continue
        out.taken.append(quarter)
        data = doc.data
        rows = [r for r in data.get("tasks") or [] if isinstance(r, dict) and str(r.get("content") or "").strip()]
        if rows:
            tasks.append(f"{name}:\n" + "\n".join(_task_line(r) for r in rows))
        if str(data.get("comments") or "").strip():
            comments.append(f"{name}: {str(data['comments']).strip()}")
        general.append(f"{name}: {_score(data.get('score_general'))}")
        results.append(f"{name}: {_score(data.get('score_tasks'))}")
        levels.append(f"{name}: {LEVEL_LABELS.get(data.get('proposed_level'), '—')}")
    if tasks:
        out.texts["a_i_2"] = "\n\n".join(tasks)
    if comments:
        out.offers["a_ii_1"] = "\n\n".join(comments)
    note = " (để tham khảo; điểm năm do đồng chí tự chấm, hệ thống không cộng hay lấy trung bình điểm các quý)"
    if general:
        out.figures["score_general"] = "Điểm nhóm tiêu chí chung các quý: " + "; ".join(general) + note
        out.figures["score_tasks"] = "Điểm kết quả thực hiện nhiệm vụ các quý: " + "; ".join(results) + note
        out.figures["proposed_level"] = "Mức tự xếp loại các quý: " + "; ".join(levels) + " (để tham khảo)."
    return out
