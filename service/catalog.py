"""The document kinds, declared once: routes, API, forms, rendering and packets follow from here."""
from __future__ import annotations

import importlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import NotFound
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


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document: what it is, which regime and subject, which form and template."""

    code: str  # stable identifier used in URLs and the API
    title: str  # the official title, as users know it
    form_code: str  # as printed on the paper; the letter is a label only, never a key
    regime: Regime
    subject: str  # one of SUBJECTS
    form: str  # "module:Class" of its WTForms form in forms/
    template: str  # path under doc_templates/
    file_stem: str  # download name; {year} and {name} are filled in
    packet_order: int  # place in a dossier, lowest first
    confidence: str = "H"  # how sure we are of the printed layout (see ../shared/domain/FORMS.md)

    @property
    def template_path(self) -> Path:
        """The DOCX template on disk."""
        return TEMPLATES_DIR / self.template

    def form_class(self):
        """The WTForms class that captures this kind (imported lazily: service knows no web code)."""
        module, _, name = self.form.partition(":")
        return getattr(importlib.import_module(module), name)

    def file_name(self, year: int, name: str, ext: str) -> str:
        """A download name like 'Ban-kiem-diem-2025-Nguyen-Van-An.pdf' (ASCII, safe everywhere)."""
        stem = self.file_stem.format(year=year, name=slug(name) if name else "")
        return f"{stem.strip('-')}.{ext}"


KINDS: tuple[DocumentKind, ...] = (
    DocumentKind(
        code="member-review-366",
        title="Bản kiểm điểm, tự đánh giá, xếp loại cá nhân không giữ chức vụ lãnh đạo, quản lý",
        form_code=f"Mẫu 2B-HD KĐ.ĐG {QD366.form_year}",
        regime=QD366, subject="member",
        form="forms.personal:MemberReview366Form",
        template="qd366/personal_member.docx",
        file_stem="Ban-kiem-diem-ca-nhan-{year}-{name}", packet_order=20, confidence="M",
    ),
    DocumentKind(
        code="member-review-124",
        title="Bản kiểm điểm cá nhân không giữ chức vụ lãnh đạo, quản lý",
        form_code=f"Mẫu 02A-HD KĐ.ĐG {QD124.form_year}",
        regime=QD124, subject="member",
        form="forms.personal:MemberReview124Form",
        template="qd124/personal_member.docx",
        file_stem="Ban-kiem-diem-ca-nhan-{year}-{name}", packet_order=20, confidence="L",
    ),
)
_BY_CODE = {k.code: k for k in KINDS}


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
    """The self-review kind a member of this subject type writes in this regime."""
    for kind in kinds_for(regime, subject):
        if kind.code.startswith(("member-review", "leader-review", "outside-review")):
            return kind
    raise NotFound(f"Chưa có mẫu bản kiểm điểm cho đối tượng '{SUBJECTS.get(subject, subject)}' "
                   f"theo {regime.regulation}.")


def slug(text: str) -> str:
    """ASCII file-name part from Vietnamese: 'Nguyễn Văn Đức' → 'Nguyen-Van-Duc'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")[:60]
