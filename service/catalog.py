"""The document kinds, declared once: routes, API, page forms, rendering and packets follow from here.

Each kind carries its fields (`fields=`, a service.kinds.KindFields declared in service/kinds/<area>.py): their
checks, the template context they build, how a new document starts, how a saved one is refreshed from the
recorded meeting. The page forms are generated from that in forms/; the domain never imports that layer."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Protocol

from .errors import NotFound
from .kinds import KindFields
from .kinds.collective import COLLECTIVE_REPORT_124, COLLECTIVE_REPORT_366
from .kinds.commitment import COMMITMENT
from .kinds.decisions import DOSSIER_LIST, RERATING_DECISION
from .kinds.meeting import BALLOT, MINUTES, VOTE_COUNT
from .kinds.personal import (LEADER_REVIEW_124, LEADER_REVIEW_366, MEMBER_REVIEW_124, MEMBER_REVIEW_366,
                             OUTSIDE_REVIEW_366, SELF_RATING_366)
from .kinds.rating_result import RATING_RESULT
from .kinds.summary import SUMMARY
from .regimes import QD124, QD366, Regime

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "doc_templates"

SUBJECTS = {
    "collective": "Tập thể",
    "leader": "Cá nhân giữ chức vụ lãnh đạo, quản lý",
    "member": "Cá nhân không giữ chức vụ lãnh đạo, quản lý",
    "member_outside": "Đảng viên không làm việc trong hệ thống chính trị",
    "meeting": "Hội nghị",
    "unit": "Tổ chức đảng",
}


PERSONAL_REVIEWS = {"leader": "leader-review", "member": "member-review", "member_outside": "outside-review"}


# Form numbers printed without the year ("*": all), installation-wide (Settings.form_codes_without_year, set by
# configure_form_codes at start); empty: every code with its year, as the guide's appendix prints it.
_CODES_WITHOUT_YEAR: set[str] = set()


def configure_form_codes(without_year: Iterable[str]) -> None:
    """Choose which forms print their code without the year (e.g. {"03", "05"}, or {"*"} for all)."""
    _CODES_WITHOUT_YEAR.clear()
    _CODES_WITHOUT_YEAR.update(code.strip() for code in without_year if code.strip())


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document: what it is, which regime and subject, which form and template."""

    code: str  # stable identifier used in URLs and the API
    title: str  # the official title, as users know it
    form_code: str  # as printed on the paper; the letter is a label only, never a key
    regime: Regime
    subject: str  # one of SUBJECTS
    template: str  # path under doc_templates/
    file_stem: str  # download name; {year} and {name} are filled in
    packet_order: int | None  # unit documents < 100, then each member's (100–899), then ≥ 900; None: never
    confidence: str = "H"  # how sure we are of the printed layout (see docs/REGULATIONS.md, Forms)
    spreadsheet: str | None = None  # "module:function" turning the template context into XLSX bytes
    form_number: str = ""  # "03", "2B": the number in form_code (official forms only)
    fields: KindFields | None = None  # what it asks for and prints (service/kinds/); every kind declares it

    @property
    def printed_form_code(self) -> str:
        """The code as printed: with the year ("Mẫu 03-HD KĐ.ĐG 2025", the guide's appendix) unless the installation
        prints this form without it ("Mẫu 03-HD KĐ.ĐG", as public copies cite it): FORM_CODE_WITHOUT_YEAR."""
        if self.form_code and ("*" in _CODES_WITHOUT_YEAR or self.form_number in _CODES_WITHOUT_YEAR):
            return self.form_code.removesuffix(f" {self.regime.form_year}")
        return self.form_code

    @property
    def formats(self) -> tuple[str, ...]:
        """The file formats this kind can be downloaded in."""
        return ("docx", "pdf", "xlsx") if self.spreadsheet else ("docx", "pdf")

    @property
    def family(self) -> str:
        """The kind across regimes (and, for self-reviews, across subject types): year-to-year continuity."""
        base = self.code.rsplit("-", 1)[0]
        return "personal-review" if base in PERSONAL_REVIEWS.values() else base

    @property
    def template_path(self) -> Path:
        """The DOCX template on disk."""
        return TEMPLATES_DIR / self.template

    @property
    def schema(self) -> "KindSchema":
        """The kind's fields (see KindSchema)."""
        return schema_of(self)

    def stem(self, year: int, name: str) -> str:
        """A file name without extension, like 'Ban-kiem-diem-ca-nhan-2025-Nguyen-Van-An' (ASCII, safe everywhere)."""
        return self.file_stem.format(year=year, name=slug(name) if name else "").strip("-")

    def file_name(self, year: int, name: str, ext: str) -> str:
        """The download name of one file of this kind."""
        return f"{self.stem(year, name)}.{ext}"


def _official(code: str, title: str, number: str, regime: Regime, subject: str, template: str,
              file_stem: str, packet_order: int | None, confidence: str, **extra) -> DocumentKind:
    """A form of Hướng dẫn 25 or 43, printed with its code, e.g. 'Mẫu 2B-HD KĐ.ĐG 2025'."""
    return DocumentKind(code=code, title=title, form_code=f"Mẫu {number}-HD KĐ.ĐG {regime.form_year}",
                        regime=regime, subject=subject, template=template, file_stem=file_stem,
                        packet_order=packet_order, confidence=confidence, form_number=number, **extra)


def _customary(code: str, title: str, subject: str, template: str, file_stem: str,
               packet_order: int | None, **extra) -> tuple[DocumentKind, ...]:
    """A document every chi bộ makes without a central form: the same template in both regimes."""
    return tuple(DocumentKind(code=f"{code}-{regime.code}", title=title, form_code="", regime=regime,
                              subject=subject, template=template, file_stem=file_stem,
                              packet_order=packet_order, confidence="L", **extra) for regime in (QD124, QD366))


KINDS: tuple[DocumentKind, ...] = (
    # Hướng dẫn 43-HD/BTCTW (Quy định 366), review years from 2025
    _official("collective-report-366", "Báo cáo kiểm điểm, tự đánh giá, xếp loại chất lượng của tập thể", "01",
              QD366, "collective", "qd366/collective_report.docx",
              "Bao-cao-kiem-diem-tap-the-{year}-{name}", 10, "M", fields=COLLECTIVE_REPORT_366),
    _official("leader-review-366", "Bản kiểm điểm, tự đánh giá, xếp loại cá nhân giữ chức vụ lãnh đạo, quản lý", "2A",
              QD366, "leader", "qd366/personal_leader.docx",
              "Ban-kiem-diem-ca-nhan-{year}-{name}", 110, "L", fields=LEADER_REVIEW_366),
    _official("member-review-366", "Bản kiểm điểm, tự đánh giá, xếp loại cá nhân không giữ chức vụ lãnh đạo, quản lý",
              "2B", QD366, "member", "qd366/personal_member.docx",
              "Ban-kiem-diem-ca-nhan-{year}-{name}", 110, "M", fields=MEMBER_REVIEW_366),
    _official("outside-review-366", "Bản kiểm điểm, tự đánh giá, xếp loại cá nhân là đảng viên không làm việc trong "
              "hệ thống chính trị", "2C", QD366, "member_outside",
              "qd366/personal_outside.docx", "Ban-kiem-diem-ca-nhan-{year}-{name}", 110, "M",
              fields=OUTSIDE_REVIEW_366),
    _official("rerating-decision-366", "Quyết định đánh giá, xếp loại lại tổ chức đảng, đảng viên", "03", QD366,
              "unit", "qd366/rerating_decision.docx",
              "Quyet-dinh-xep-loai-lai-{year}-{name}", 70, "L", fields=RERATING_DECISION),
    _official("dossier-list-366", "Danh mục hồ sơ kiểm điểm, đánh giá, xếp loại cá nhân, tập thể", "04", QD366,
              "unit",
              "qd366/dossier_list.docx", "Danh-muc-ho-so-{year}-{name}", 900, "L", fields=DOSSIER_LIST),
    _official("self-rating-366", "Bản tự đánh giá, xếp loại của cá nhân Quý, Năm", "05", QD366, "leader",
              "qd366/self_rating.docx", "Ban-tu-danh-gia-{year}-{name}", 115, "L", fields=SELF_RATING_366),
    # Hướng dẫn 25-HD/BTCTW (Quy định 124), review years 2023 and 2024
    _official("collective-report-124", "Báo cáo kiểm điểm tập thể", "01", QD124, "collective",
              "qd124/collective_report.docx", "Bao-cao-kiem-diem-tap-the-{year}-{name}", 10, "L",
              fields=COLLECTIVE_REPORT_124),
    _official("member-review-124", "Bản kiểm điểm cá nhân không giữ chức vụ lãnh đạo, quản lý", "02A", QD124,
              "member", "qd124/personal_member.docx",
              "Ban-kiem-diem-ca-nhan-{year}-{name}", 110, "L", fields=MEMBER_REVIEW_124),
    _official("leader-review-124", "Bản kiểm điểm cá nhân giữ chức vụ lãnh đạo, quản lý", "02B", QD124, "leader",
              "qd124/personal_leader.docx", "Ban-kiem-diem-ca-nhan-{year}-{name}", 110, "L",
              fields=LEADER_REVIEW_124),
    # Customary documents of every chi bộ (docs/REGULATIONS.md, Forms), both regimes
    *_customary("commitment", "Bản cam kết tu dưỡng, rèn luyện, phấn đấu", "member",
                "common/commitment.docx", "Ban-cam-ket-{year}-{name}", 120, fields=COMMITMENT),
    *_customary("rating-result", "Kết quả đánh giá, xếp loại chất lượng đảng viên", "member",
                "common/rating_result.docx", "Ket-qua-xep-loai-{year}-{name}", 130, fields=RATING_RESULT),
    *_customary("minutes", "Biên bản hội nghị kiểm điểm, đánh giá, xếp loại chất lượng đảng viên", "meeting",
                "common/minutes.docx", "Bien-ban-hoi-nghi-{year}-{name}", 20, fields=MINUTES),
    *_customary("ballot", "Phiếu đánh giá, xếp loại chất lượng đảng viên", "meeting",
                "common/ballot.docx", "Phieu-danh-gia-xep-loai-{year}-{name}", None, fields=BALLOT),
    *_customary("vote-count", "Biên bản kiểm phiếu đánh giá, xếp loại chất lượng đảng viên", "meeting",
                "common/vote_count.docx", "Bien-ban-kiem-phieu-{year}-{name}", 30, fields=VOTE_COUNT),
    *_customary("summary", "Biểu tổng hợp kết quả đánh giá, xếp loại đảng viên của chi bộ", "unit",
                "common/summary.docx", "Bieu-tong-hop-xep-loai-{year}-{name}", 40,
                spreadsheet="service.spreadsheets:summary_workbook", fields=SUMMARY),
)
_BY_CODE = {k.code: k for k in KINDS}


class KindSchema(Protocol):
    """What the domain does with a kind's fields; service.kinds.KindFields is the one implementation."""

    recorded: bool  # the document takes recorded facts (meeting, ratings) and can be refreshed from them

    def check(self, kind: DocumentKind, data: dict[str, Any], *, draft: bool = False,
              rules: Any = None) -> dict[str, Any]:
        """The data cleaned and checked (a draft may be incomplete), or InvalidInput with per-field messages; `rules`
        are the readings in force at the document's unit (service.unit_rules; None: the installation's)."""

    def context(self, kind: DocumentKind, data: dict[str, Any], rules: Any = None) -> dict[str, Any]:
        """The template context of checked data: exactly the variables the kind's templates may use."""

    def initial_data(self, facts: dict[str, Any]) -> dict[str, Any]:
        """What a new document starts with, from what the system knows."""

    def refreshed(self, saved: dict[str, Any], facts: dict[str, Any]) -> dict[str, Any]:
        """Saved data with the recorded facts put in again, everything typed by hand kept."""

    def describe(self) -> list[dict[str, Any]]:
        """The fields as /api/v1/kinds lists them."""


def schema_of(kind: DocumentKind) -> KindSchema:
    """A kind's schema: its declared fields."""
    if kind.fields is None:
        raise RuntimeError(f"{kind.code} declares no fields (service/kinds/)")
    return kind.fields


def document_context(kind: DocumentKind, data: dict[str, Any], rules: Any = None) -> dict[str, Any]:
    """The template context of a saved document, checked as a final document first (InvalidInput lists what is
    missing): the one way from stored data to what a template prints. `rules`: the readings of the rating rules in
    force at the document's unit (service.unit_rules.settings_for; None: the installation's)."""
    schema = schema_of(kind)
    return schema.context(kind, schema.check(kind, data, rules=rules), rules)


_ROW_KEY = re.compile(r"(\w+)\[(\d+)\]\.(\w+)")


def _short(label: str, limit: int = 70) -> str:
    return label if len(label) <= limit else label[:limit].rsplit(" ", 1)[0].rstrip(",;") + "…"


def field_title(kind: DocumentKind, name: str) -> str:
    """A field as people read it: “A.I.3. …”, or “table”, dòng 2, cột “column”; never the field's code."""
    fields = {item["name"]: item for item in schema_of(kind).describe()}
    match = _ROW_KEY.fullmatch(name)
    if match and "columns" in fields.get(match.group(1), {}):
        table = fields[match.group(1)]
        column = next((c for c in table["columns"] if c["name"] == match.group(3)), None)
        where = f"“{_short(table['label'])}”, dòng {int(match.group(2)) + 1}"
        return where + (f", cột “{_short(column['label'])}”" if column else "")
    field = fields.get(name)
    return f"“{_short(field['label'])}”" if field else "một mục"


def readable_errors(kind: DocumentKind, errors: Mapping[str, list[str]], limit: int = 5) -> str:
    """Per-field messages as one sentence for a person, each led by the field's title (see field_title)."""
    parts = [f"{field_title(kind, name)}: {' '.join(messages)}" for name, messages in list(errors.items())[:limit]]
    more = len(errors) - limit
    return "; ".join(parts) + (f"; và {more} mục khác." if more > 0 else ".")


def add_kind(kind: DocumentKind) -> None:
    """Add a kind declared elsewhere (with its fields) to the catalog, e.g. an office's own or a test's."""
    global KINDS
    if kind.code in _BY_CODE:
        raise ValueError(f"a kind {kind.code} is already declared")
    if kind.fields is None:
        raise ValueError(f"{kind.code}: a kind added to the catalog declares its fields")
    KINDS = (*KINDS, kind)
    _BY_CODE[kind.code] = kind


def remove_kind(code: str) -> None:
    """Take out a kind added with add_kind (the built-in ones stay)."""
    global KINDS
    KINDS = tuple(k for k in KINDS if k.code != code)
    _BY_CODE.pop(code, None)


def all_kinds() -> tuple[DocumentKind, ...]:
    """Every kind, in catalog order."""
    return KINDS


def get_kind(code: str) -> DocumentKind:
    """The kind with this code, or NotFound with a Vietnamese message."""
    try:
        return _BY_CODE[code]
    except KeyError:
        raise NotFound(f"Không có loại văn bản '{code}'.") from None


def kinds_for(regime: Regime, subject: str | None = None) -> list[DocumentKind]:
    """The kinds of a regime, optionally only those about one subject type."""
    return [k for k in KINDS if k.regime == regime and (subject is None or k.subject == subject)]


def personal_review_kind(regime: Regime, subject: str) -> DocumentKind:
    """The self-review a member of this subject type writes; HD 25 has no 2C, so outsiders use 02A there."""
    code = f"{PERSONAL_REVIEWS.get(subject, '')}-{regime.code}"
    if code not in _BY_CODE and subject == "member_outside":
        code = f"member-review-{regime.code}"
    if code in _BY_CODE:
        return _BY_CODE[code]
    raise NotFound(f"Chưa có mẫu bản kiểm điểm cho đối tượng '{SUBJECTS.get(subject, subject)}' "
                   f"theo {regime.regulation}.")


def slug(text: str) -> str:
    """ASCII file-name part from Vietnamese: 'Nguyễn Văn Đức' → 'Nguyen-Van-Duc'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")[:60]
