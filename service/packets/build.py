"""Assemble a packet: cover and contents, the parts, nested bookmarks, a stamp on every page."""
from __future__ import annotations

import io
from typing import Callable

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from service.text import clean

from .cover import Entry, render_front
from .model import CONTENTS_CODE, COVER_CODE, PacketError, PacketInfo, PageSpan, Part, Printed, valid_code
from .qr import qr_payload
from .stamp import Stamper

Progress = Callable[[str], None]


def build_packet(info: PacketInfo, parts: list[Part], *, progress: Progress | None = None) -> bytes:
    """The packet PDF: cover, contents, every part in order, bookmarks, "Trang x/y" and a QR code per page."""
    return assemble_packet(info, parts, progress=progress).pdf


def assemble_packet(info: PacketInfo, parts: list[Part], *, progress: Progress | None = None) -> Printed:
    """The packet PDF and the pages each code sits on (cover, contents, then every part)."""
    report = progress or (lambda _step: None)
    info = _clean_info(info)
    if not parts:
        raise PacketError("Hồ sơ không có văn bản nào để ghép.")
    readers: list[PdfReader] = []
    titles: list[str] = []
    paths: list[tuple[str, ...]] = []
    for i, part in enumerate(parts, 1):
        report(f"Đọc văn bản {i}/{len(parts)}")
        title = clean(part.title).strip() or part.doc_code
        titles.append(title)
        paths.append(tuple(clean(p).strip() for p in part.path))
        readers.append(_open(part, title))

    offsets, pages_so_far = [], 0
    for reader in readers:
        offsets.append(pages_so_far)
        pages_so_far += len(reader.pages)
    report("Lập bìa và mục lục")
    front_bytes, contents_pages = render_front(info, _entries(titles, paths, offsets), len(parts), pages_so_far)
    front = PdfReader(io.BytesIO(front_bytes))
    first_part = 1 + contents_pages   # 0-based index of the first part's first page
    total = first_part + pages_so_far

    writer = PdfWriter()
    writer.append(front, import_outline=False)
    for i, reader in enumerate(readers, 1):
        report(f"Ghép văn bản {i}/{len(parts)}")
        writer.append(reader, import_outline=False)
    if len(writer.pages) != total:
        raise PacketError("Ghép hồ sơ bị lệch số trang.", detail=f"{len(writer.pages)} != {total}")

    report("Tạo dấu trang")
    _outline(writer, titles, paths, [first_part + o for o in offsets])

    report("Đóng dấu mã QR")
    codes = [COVER_CODE] + [CONTENTS_CODE] * contents_pages
    for part, reader in zip(parts, readers):
        codes += [part.doc_code] * len(reader.pages)
    stamper = Stamper(writer)
    for number, (page, code) in enumerate(zip(writer.pages, codes), 1):
        stamper.stamp(page, f"Trang {number}/{total} · {code}", qr_payload(info.packet_code, code, number))

    spans = [PageSpan(COVER_CODE, 1, 1)] + ([PageSpan(CONTENTS_CODE, 2, contents_pages)] if contents_pages else [])
    spans += [PageSpan(part.doc_code, first_part + offset + 1, len(reader.pages))
              for part, reader, offset in zip(parts, readers, offsets)]

    report("Nén và ghi tệp")
    writer.pdf_header = max([front.pdf_header, *(r.pdf_header for r in readers)], key=_version)
    writer.add_metadata({"/Title": info.title, "/Author": info.unit,
                         "/Subject": f"{info.unit} – {info.regime} – {info.year}",
                         "/Keywords": f"hồ sơ {info.packet_code}", "/Creator": "service.packets"})
    writer.root_object[NameObject("/Lang")] = TextStringObject("vi-VN")
    writer.page_mode = "/UseOutlines"
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    report("Hoàn tất")
    return Printed(out.getvalue(), spans)


def stamp_document(pdf: bytes, packet_code: str, doc_code: str, title: str = "văn bản") -> Printed:
    """One document printed on its own: "Trang x/y · CODE" and a QR code on every page, no cover or contents."""
    if not valid_code(packet_code):
        raise PacketError("Mã hồ sơ không hợp lệ (chỉ chữ in hoa A–Z và chữ số, tối đa 10 ký tự).",
                          detail=repr(packet_code))
    reader = _open(Part(pdf, title, doc_code), title)
    writer = PdfWriter(clone_from=reader)
    stamper = Stamper(writer)
    total = len(writer.pages)
    for number, page in enumerate(writer.pages, 1):
        stamper.stamp(page, f"Trang {number}/{total} · {doc_code}", qr_payload(packet_code, doc_code, number))
    writer.pdf_header = reader.pdf_header
    out = io.BytesIO()
    writer.write(out)
    return Printed(out.getvalue(), [PageSpan(doc_code, 1, total)])


def _clean_info(info: PacketInfo) -> PacketInfo:
    """NFC text everywhere; identifiers checked before any work is done."""
    if not valid_code(info.packet_code):
        raise PacketError("Mã hồ sơ không hợp lệ (chỉ chữ in hoa A–Z và chữ số, tối đa 10 ký tự).",
                          detail=repr(info.packet_code))
    return PacketInfo(packet_code=info.packet_code, unit=clean(info.unit).strip(), year=info.year,
                      regime=clean(info.regime).strip(), generated_on=info.generated_on,
                      title=clean(info.title).strip())


def _open(part: Part, title: str) -> PdfReader:
    """A reader for one part, or PacketError naming the document."""
    if not valid_code(part.doc_code) or part.doc_code in (COVER_CODE, CONTENTS_CODE):
        raise PacketError(f"Văn bản «{title}» có mã không hợp lệ để in mã QR.", detail=repr(part.doc_code))
    if not isinstance(part.pdf, (bytes, bytearray)) or b"%PDF-" not in part.pdf[:1024]:
        raise PacketError(f"Văn bản «{title}» không phải là tệp PDF nên không ghép được vào hồ sơ.")
    try:
        reader = PdfReader(io.BytesIO(bytes(part.pdf)))
        if reader.is_encrypted:
            raise PacketError(f"Văn bản «{title}» là PDF có mật khẩu: bỏ mật khẩu rồi tạo lại hồ sơ.")
        if len(reader.pages) == 0:
            raise PacketError(f"Văn bản «{title}» là tệp PDF không có trang nào.")
    except PacketError:
        raise
    except Exception as exc:  # pypdf raises many types on a damaged file; all mean the same to the user
        raise PacketError(f"Văn bản «{title}» là tệp PDF bị hỏng, không đọc được.", detail=repr(exc)) from exc
    return reader


def _entries(titles: list[str], paths: list[tuple[str, ...]], offsets: list[int]) -> list[Entry]:
    """Contents lines: a heading wherever the path changes, then the document, indented by depth."""
    entries: list[Entry] = []
    previous: tuple[str, ...] = ()
    for title, path, offset in zip(titles, paths, offsets):
        common = _common_prefix(previous, path)
        entries += [Entry(level, path[level]) for level in range(common, len(path))]
        entries.append(Entry(len(path), title, offset))
        previous = path
    return entries


def _outline(writer: PdfWriter, titles: list[str], paths: list[tuple[str, ...]], starts: list[int]) -> None:
    """Bookmarks: cover, contents, then path levels (unit → member) nesting each document."""
    writer.add_outline_item(title="Bìa hồ sơ", page_number=0)
    writer.add_outline_item(title="Mục lục", page_number=1)
    open_nodes: list = []          # the outline items of the current path, by depth
    previous: tuple[str, ...] = ()
    for title, path, start in zip(titles, paths, starts):
        common = _common_prefix(previous, path)
        del open_nodes[common:]
        for level in range(common, len(path)):
            parent = open_nodes[level - 1] if level else None
            open_nodes.append(writer.add_outline_item(title=path[level], page_number=start, parent=parent))
        writer.add_outline_item(title=title, page_number=start, parent=open_nodes[-1] if open_nodes else None)
        previous = path


def _common_prefix(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _version(header: str) -> tuple[int, ...]:
    try:
        return tuple(int(x) for x in header.removeprefix("%PDF-").split("."))
    except ValueError:
        return (1, 3)
