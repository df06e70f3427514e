"""The documents owed for a review year with their state, as people see them: a member's on their home page (what
exists, its state, what is left) and a unit's own documents on its board, both through YearDocument."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .catalog import DocumentKind, get_kind
from .documents import MEMBER_FAMILIES, QUARTERS, member_kind
from .errors import NotFound
from .models import Document, Member, ReviewCycle
from .regimes import regime_for_year

QUARTER_NAMES = {1: "Quý I", 2: "Quý II", 3: "Quý III", 4: "Quý IV"}
STATES = {"not_started": "Chưa bắt đầu", "draft": "Nháp", "submitted": "Đã nộp", "not_due": "Chưa đến kỳ"}


def document_heading(title: str, year: int, quarter: int) -> str:
    """A document's title as its page shows it: a quarter's Mẫu 05 names its quarter ("… Quý II năm 2026") where the
    official title leaves "Quý, Năm" to be filled in."""
    if not quarter:
        return title
    period = f"{QUARTER_NAMES[quarter]} năm {year}"
    blank = "Quý, Năm"
    return title[:-len(blank)] + period if title.endswith(blank) else f"{title} – {period}"


@dataclass(frozen=True)
class YearDocument:
    """One document a member owes for a year (or a quarter of it), with its state and what is left to do."""

    family: str
    year: int
    quarter: int
    title: str
    document: Document | None
    due: bool = True  # False: the quarter has not ended yet

    @property
    def state(self) -> str:
        """not_started, draft, submitted, or not_due (a quarter still running and not begun)."""
        if self.document is None or not self.document.revision:
            return "not_started" if self.due else "not_due"
        return "submitted" if self.document.status == "submitted" else "draft"

    @property
    def state_label(self) -> str:
        return STATES[self.state]

    @property
    def todo(self) -> str:
        """What is still to do, as the member reads it."""
        return {"not_started": "Cần viết rồi bấm “Nộp”.",
                "draft": "Đang viết dở: hoàn thành rồi bấm “Nộp”.",
                "submitted": "Đã xong (vẫn có thể sửa và nộp lại).",
                "not_due": "Viết khi hết quý (có thể bắt đầu trước)."}[self.state]


@dataclass(frozen=True)
class MemberYear:
    """A review year's documents of a member."""

    year: int
    regulation: str
    items: list[YearDocument]

    @property
    def open_count(self) -> int:
        """Documents due and not submitted yet."""
        return sum(1 for item in self.items if item.state in ("not_started", "draft"))


def member_years(session: Session, member: Member, years: list[int], today: date | None = None) -> list[MemberYear]:
    """Per year (newest first as given): the self-review, the Chỉ thị 05 commitment and, under QĐ 366, the
    quarterly self-assessment (Mẫu 05) of each quarter, each with its document if one was opened."""
    today = today or date.today()
    found: dict[tuple[int, int, str], Document] = {}
    for doc, cycle in session.execute(select(Document, ReviewCycle).join(ReviewCycle)
                                      .where(Document.member_id == member.id, ReviewCycle.year.in_(years))):
        found[(cycle.year, cycle.quarter, get_kind(doc.kind_code).family)] = doc
    out = []
    for year in years:
        regime = regime_for_year(year)
        items = []
        for family, title in MEMBER_FAMILIES.items():
            try:
                member_kind(member, year, family)
            except NotFound:  # not a document of this regime (Mẫu 05 before 2025)
                continue
            if family == "self-rating":
                for quarter in QUARTERS:
                    ends = date(year, 3 * quarter, 1)
                    items.append(YearDocument(family, year, quarter, f"Tự đánh giá, xếp loại {QUARTER_NAMES[quarter]} "
                                              "(Mẫu 05)", found.get((year, quarter, family)), due=ends <= today))
            else:
                items.append(YearDocument(family, year, 0, title, found.get((year, 0, family))))
        out.append(MemberYear(year, regime.regulation, items))
    return out


def unit_documents(found: dict[str, Document], year: int, kinds: list[DocumentKind]) -> list[YearDocument]:
    """The unit's own documents of the year (one per kind, in the order given; `found`: family → document, as the
    board's cycle state has them), each with its state: the same states, revision and last-saved time the member's
    home page shows."""
    return [YearDocument(kind.family, year, 0, kind.title, found.get(kind.family)) for kind in kinds]
