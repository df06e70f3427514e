"""Which uploaded page is which document page: from the QR code read on it, or as assigned by hand.

Pure: it takes the pages read and the packets' layouts and returns the report, so it is recomputed whenever a page
is assigned by hand, and tested without a database.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..packets import parse_payload


@dataclass(frozen=True)
class LaidOutDoc:
    """A document's run of pages inside one printed packet."""

    packet_code: str
    doc_code: str
    document_id: int | None  # None: the cover or the contents
    title: str
    first_page: int
    page_count: int
    revision: int = 0


@dataclass(frozen=True)
class PageSeen:
    """One uploaded page: the QR text read on it and a hand assignment if any."""

    file: int   # position of the file in the upload, from 1
    page: int   # page within the file, from 1
    code: str | None
    manual: tuple[str, int, int] | None = None  # (packet_code, document_id, page within the document)


@dataclass
class DocumentResult:
    """What an upload holds of one printed document."""

    packet_code: str
    document_id: int
    title: str
    pages_expected: int
    seen: dict[int, int] = field(default_factory=dict)  # page within the document -> times seen

    @property
    def pages_found(self) -> int:
        """Distinct pages present."""
        return len(self.seen)

    @property
    def missing(self) -> list[int]:
        """Pages not found, in order."""
        return [p for p in range(1, self.pages_expected + 1) if p not in self.seen]

    @property
    def duplicated(self) -> list[int]:
        """Pages found more than once."""
        return sorted(p for p, n in self.seen.items() if n > 1)

    @property
    def complete(self) -> bool:
        """Every page is there (duplicates are reported, not held against it)."""
        return not self.missing

    @property
    def touched(self) -> bool:
        """At least one of its pages is in the upload."""
        return bool(self.seen)


@dataclass(frozen=True)
class Unmatched:
    """A page that is not (yet) any document's page, and why."""

    file: int
    page: int
    reason: str
    code: str | None = None


@dataclass(frozen=True)
class Placement:
    """Where a page went: (packet, document, page within it), or a known front page (cover, contents)."""

    packet_code: str
    document_id: int | None
    doc_page: int
    how: str  # "qr" | "manual"


@dataclass
class MatchResult:
    """Per document and per page."""

    documents: list[DocumentResult]
    unmatched: list[Unmatched]
    placements: dict[tuple[int, int], Placement]
    packets: list[str]

    @property
    def complete_documents(self) -> list[DocumentResult]:
        """Documents whose every page is present."""
        return [d for d in self.documents if d.complete]


REASON_NO_CODE = "Không đọc được mã QR trên trang"
REASON_NOT_OURS = "Mã QR không phải của hồ sơ do hệ thống lập"
REASON_UNKNOWN_PACKET = "Mã QR của hồ sơ {packet} không có trong hệ thống (hoặc ngoài phạm vi được xem)"
REASON_OTHER_PACKET = "Trang của hồ sơ khác ({packet}), không phải hồ sơ {expected}"
REASON_INCONSISTENT = "Mã QR ghi văn bản {doc} nhưng trang {number} của hồ sơ {packet} thuộc văn bản khác"
REASON_OUT_OF_RANGE = "Mã QR ghi trang {number}, hồ sơ {packet} chỉ có {total} trang"


def _locate(layout: list[LaidOutDoc], packet_page: int) -> LaidOutDoc | None:
    for doc in layout:
        if doc.first_page <= packet_page < doc.first_page + doc.page_count:
            return doc
    return None


def is_document_print(layout: list[LaidOutDoc]) -> bool:
    """A document printed under its own code (a download, or a packet's document pages since packets reuse them):
    one document from page 1, its QR page numbers counted within the document."""
    return len(layout) == 1 and layout[0].document_id is not None and layout[0].first_page == 1


def _home(doc: LaidOutDoc, layouts: dict[str, list[LaidOutDoc]], contexts: list[str]) -> tuple[str, LaidOutDoc]:
    """The packet a document-coded page is counted in: the first context packet (the one named, else one whose
    cover or contents pages are in the upload) that printed this document at this revision, else its own code."""
    for packet in contexts:
        for entry in layouts.get(packet, []):
            if entry.document_id == doc.document_id and entry.revision == doc.revision:
                return packet, entry
    return doc.packet_code, doc


def match(pages: list[PageSeen], layouts: dict[str, list[LaidOutDoc]], expected: str | None = None) -> MatchResult:
    """Place every page; list each document of the packets involved with its missing and duplicated pages.

    Two kinds of codes: "KD:<packet>:<doc>:<page of the packet>" (the cover and contents of every packet, and every
    page of packets printed before document codes existed) and "KD:<document print>:<doc>:<page of the document>"
    (the document pages of today's packets, and single downloads): those are counted in the packet named or seen
    in the upload when it printed that revision, so a packet's scan still reads as that packet.
    """
    involved: list[str] = [expected] if expected and expected in layouts else []
    contexts = list(involved)
    for seen in pages:   # packets whose own pages (cover, contents, old-style pages) are in the upload
        parsed = parse_payload(seen.code) if seen.code and not seen.manual else None
        if parsed and parsed[0] in layouts and not is_document_print(layouts[parsed[0]]) \
                and parsed[0] not in contexts:
            contexts.append(parsed[0])
    placements: dict[tuple[int, int], Placement] = {}
    unmatched: list[Unmatched] = []
    for seen in pages:
        where = (seen.file, seen.page)
        if seen.manual:
            packet, document_id, doc_page = seen.manual
            placements[where] = Placement(packet, document_id, doc_page, "manual")
            if packet not in involved and packet in layouts:
                involved.append(packet)
            continue
        if not seen.code:
            unmatched.append(Unmatched(*where, REASON_NO_CODE))
            continue
        parsed = parse_payload(seen.code)
        if parsed is None:
            unmatched.append(Unmatched(*where, REASON_NOT_OURS, seen.code))
            continue
        packet, doc_code, number = parsed
        if packet not in layouts:
            unmatched.append(Unmatched(*where, REASON_UNKNOWN_PACKET.format(packet=packet), seen.code))
            continue
        if is_document_print(layouts[packet]) and layouts[packet][0].doc_code == doc_code:
            home, entry = _home(layouts[packet][0], layouts, contexts)
            if not expected or home == expected:
                if not 1 <= number <= entry.page_count:
                    unmatched.append(Unmatched(*where, REASON_OUT_OF_RANGE.format(
                        number=number, packet=packet, total=entry.page_count), seen.code))
                    continue
                placements[where] = Placement(home, entry.document_id, number, "qr")
                if home not in involved:
                    involved.append(home)
                continue
        if expected and packet != expected:
            unmatched.append(Unmatched(*where, REASON_OTHER_PACKET.format(packet=packet, expected=expected),
                                       seen.code))
            continue
        doc = _locate(layouts[packet], number)
        if doc is None:
            total = max((d.first_page + d.page_count - 1 for d in layouts[packet]), default=0)
            unmatched.append(Unmatched(*where, REASON_OUT_OF_RANGE.format(number=number, packet=packet, total=total),
                                       seen.code))
            continue
        if doc.doc_code != doc_code:
            unmatched.append(Unmatched(*where, REASON_INCONSISTENT.format(doc=doc_code, number=number,
                                                                          packet=packet), seen.code))
            continue
        placements[where] = Placement(packet, doc.document_id, number - doc.first_page + 1, "qr")
        if packet not in involved:
            involved.append(packet)

    results: dict[tuple[str, int], DocumentResult] = {}
    for packet in involved:
        for doc in layouts[packet]:
            if doc.document_id is not None:
                results[(packet, doc.document_id)] = DocumentResult(packet, doc.document_id, doc.title,
                                                                    doc.page_count)
    for where, placed in placements.items():
        if placed.document_id is None:
            continue  # the cover or the contents: known pages, not a document to sign
        result = results.get((placed.packet_code, placed.document_id))
        if result is None or not 1 <= placed.doc_page <= result.pages_expected:
            unmatched.append(Unmatched(*where, "Trang gán bằng tay không thuộc văn bản nào của hồ sơ"))
            continue
        result.seen[placed.doc_page] = result.seen.get(placed.doc_page, 0) + 1
    unmatched.sort(key=lambda u: (u.file, u.page))
    return MatchResult(list(results.values()), unmatched, placements, involved)
