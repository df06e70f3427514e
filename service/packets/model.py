"""The data a packet is built from, its identifiers' rules, and its error."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from service.errors import ServiceError

# Codes go into a QR code in alphanumeric mode: upper-case letters and digits only, short enough
# that the whole payload stays in QR version 2 (25 modules, see qr.py).
CODE_RE = re.compile(r"[A-Z0-9]{1,10}")
# Document codes the packet uses for its own pages; a part may not take them.
COVER_CODE = "BIA"
CONTENTS_CODE = "MUCLUC"


class PacketError(ServiceError):
    """A packet cannot be assembled: a part is not a usable PDF, or an identifier is malformed."""

    status = 500
    code = "loi_ghep_ho_so"


@dataclass(frozen=True)
class Part:
    """One document already converted to PDF, with where it sits in the packet's outline."""

    pdf: bytes | Path               # the PDF, or a file holding it (large packets stream from files)
    title: str                      # "Bản kiểm điểm cá nhân"
    doc_code: str                   # "D0042": upper-case letters and digits, at most 10
    path: tuple[str, ...] = ()      # ("Chi bộ Tổ Toán – Tin", "Trần Thị Ánh Tuyết")
    # The document revision's own print code ("V…R…"): its pages then carry "KD:<print_code>:<doc>:<page in the
    # document>", the same in every packet, so stamped parts are reused. Empty: packet code and packet page.
    print_code: str = ""
    qr_done: bool = False           # the PDF already carries those codes (a section file of a large packet)
    pages: tuple[int, int] | None = None   # (first page from 0, count) inside `pdf`, else all its pages


@dataclass(frozen=True)
class PacketInfo:
    """What the cover says about the packet as a whole."""

    packet_code: str                # "P7K2Q": upper-case letters and digits, at most 10
    unit: str                       # "Chi bộ Tổ Toán – Tin"
    year: int
    regime: str                     # "Quy định 366-QĐ/TW"
    generated_on: date
    title: str                      # "HỒ SƠ KIỂM ĐIỂM, ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NĂM 2026"
    superior: str = ""              # "ĐẢNG BỘ TRƯỜNG THPT …": the body above the unit, first line of the heading
    place: str = ""                 # "Hà Nội": on the date line, as in the documents inside


@dataclass(frozen=True)
class PageSpan:
    """The pages of a printed PDF that carry one code (a document, the cover or the contents), from page 1."""

    doc_code: str
    first_page: int
    page_count: int


@dataclass(frozen=True)
class Printed:
    """A stamped PDF and which pages carry which code, so its signed scan can be matched page by page later."""

    pdf: bytes
    spans: list[PageSpan]


def valid_code(code: str) -> bool:
    """True for a packet or document code the QR payload can carry."""
    return isinstance(code, str) and CODE_RE.fullmatch(code) is not None
