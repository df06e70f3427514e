"""Assemble a packet: cover and contents, the parts, nested bookmarks, a stamp on every page."""
from __future__ import annotations

import io
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import Callable

import pikepdf

from service.text import clean

from .cover import Entry, render_front
from .model import CONTENTS_CODE, COVER_CODE, PacketError, PacketInfo, PageSpan, Part, Printed, valid_code
from .qr import qr_payload
from .stamp import Stamper

Progress = Callable[[str], None]


def warm_up() -> None:
    """Do once what the first packet of a process would otherwise pay for (≈ 0.5 s of CPU): the stamp's font
    subset, the cover's fonts and fpdf2/fontTools' first use, a QR code. Called beside LibreOffice's warm-up."""
    from datetime import date

    from .cover import _render_front
    from .qr import qr_runs
    from .stamp import _font_source

    _font_source()
    qr_runs(qr_payload("P", "D", 1))
    _render_front(PacketInfo(packet_code="P", unit="Chi bộ", year=2000, regime="", generated_on=date(2000, 1, 1),
                             title="Hồ sơ", superior="", place=""), [Entry(0, "Văn bản", 0)], 1, 1)


def build_packet(info: PacketInfo, parts: list[Part], *, progress: Progress | None = None) -> bytes:
    """The packet PDF: cover, contents, every part in order, bookmarks, "Trang x/y" and a QR code per page."""
    return assemble_packet(info, parts, progress=progress).pdf


def stamp_part(pdf: bytes, print_code: str, doc_code: str, title: str = "văn bản") -> bytes:
    """A document's PDF with its own QR code on every page, "KD:<print_code>:<doc_code>:<page in the document>":
    the same in every packet that prints this revision, so it is made once and kept (see dossier's caches)."""
    for code in (print_code, doc_code):
        if not valid_code(code):
            raise PacketError("Mã hồ sơ không hợp lệ (chỉ chữ in hoa A–Z và chữ số, tối đa 10 ký tự).",
                              detail=repr(code))
    with _open(Part(pdf, title, doc_code), title) as source:
        stamper = Stamper(source)
        for number, page in enumerate(source.pages, 1):
            stamper.qr(page, qr_payload(print_code, doc_code, number))
        out = io.BytesIO()
        source.save(out, compress_streams=True)
    return out.getvalue()


def assemble_packet(info: PacketInfo, parts: list[Part], *, progress: Progress | None = None,
                    stamped: Callable[[Part], bytes] | None = None, to: Path | None = None) -> Printed:
    """The packet PDF and the pages each code sits on (cover, contents, then every part).

    A part with a print_code carries its document's own QR codes (made by stamp_part, or taken from `stamped`, a
    cache of them); other parts get "KD:<packet>:<doc>:<packet page>". Every page gets "Trang x/y · CODE".
    With `to`, the packet is written there (qpdf streams it from the parts) and Printed.pdf is empty.
    """
    report = progress or (lambda _step: None)
    info = _clean_info(info)
    if not parts:
        raise PacketError("Hồ sơ không có văn bản nào để ghép.")
    titles = [clean(part.title).strip() or part.doc_code for part in parts]
    paths = [tuple(clean(p).strip() for p in part.path) for part in parts]
    with ExitStack() as stack:
        opened: dict[Path, pikepdf.Pdf] = {}   # section files shared by many parts are opened once
        sources: list[pikepdf.Pdf] = []
        page_lists: list[list] = []
        report("Đóng dấu mã QR")
        for i, (part, title) in enumerate(zip(parts, titles), 1):
            if i % 50 == 1 or i == len(parts):
                report(f"Đọc văn bản {i}/{len(parts)}")
            if part.print_code and not part.qr_done:  # (stamp_part and `stamped` refuse a broken part by name)
                data = stamped(part) if stamped else stamp_part(part.pdf, part.print_code, part.doc_code, title)
                part = replace(part, pdf=data)
            if isinstance(part.pdf, Path) and part.pdf in opened:
                source = opened[part.pdf]
            else:
                source = stack.enter_context(_open(part, title))
                if isinstance(part.pdf, Path):
                    opened[part.pdf] = source
                sources.append(source)
            if part.pages is None:
                page_lists.append(list(source.pages))
            else:
                first, count = part.pages
                if count < 1 or first < 0 or first + count > len(source.pages):
                    raise PacketError(f"Văn bản «{title}» không có đủ trang trong tệp ghép.",
                                      detail=f"{part.pages} of {len(source.pages)}")
                page_lists.append(list(source.pages[first:first + count]))

        offsets, pages_so_far = [], 0
        for pages in page_lists:
            offsets.append(pages_so_far)
            pages_so_far += len(pages)
        report("Lập bìa và mục lục")
        drawn = render_front(info, _entries(titles, paths, offsets), len(parts), pages_so_far)
        contents_pages = drawn.contents_pages
        front = stack.enter_context(pikepdf.open(io.BytesIO(drawn.pdf)))
        first_part = 1 + contents_pages   # 0-based index of the first part's first page
        total = first_part + pages_so_far

        out = stack.enter_context(pikepdf.new())
        out.pages.extend(front.pages)
        for i, pages in enumerate(page_lists, 1):
            if i % 50 == 1 or i == len(parts):
                report(f"Ghép văn bản {i}/{len(parts)}")
            out.pages.extend(pages)
        if len(out.pages) != total:
            raise PacketError("Ghép hồ sơ bị lệch số trang.", detail=f"{len(out.pages)} != {total}")

        report("Đánh số trang")
        stamper = Stamper(out)
        codes = [COVER_CODE] + [CONTENTS_CODE] * contents_pages
        own_qr = [False] * first_part
        for part, pages in zip(parts, page_lists):
            codes += [part.doc_code] * len(pages)
            own_qr += [bool(part.print_code)] * len(pages)
        for number, (page, code, has_qr) in enumerate(zip(out.pages, codes, own_qr), 1):
            if not has_qr:
                stamper.qr(page, qr_payload(info.packet_code, code, number))
            stamper.number(page, f"Trang {number}/{total} · {code}")
        stamper.label(out.pages[0], drawn.code_at, info.packet_code, 14)

        spans = [PageSpan(COVER_CODE, 1, 1)] + ([PageSpan(CONTENTS_CODE, 2, contents_pages)]
                                                if contents_pages else [])
        spans += [PageSpan(part.doc_code, first_part + offset + 1, len(pages))
                  for part, pages, offset in zip(parts, page_lists, offsets)]

        report("Tạo dấu trang")
        _outline(out, titles, paths, [first_part + o for o in offsets])
        report("Nén và ghi tệp")
        with out.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["dc:title"] = info.title
        out.docinfo["/Title"] = info.title
        out.docinfo["/Author"] = info.unit
        out.docinfo["/Subject"] = f"{info.unit} – {info.regime} – {info.year}"
        out.docinfo["/Keywords"] = f"hồ sơ {info.packet_code}"
        out.docinfo["/Creator"] = "service.packets"
        out.Root.Lang = pikepdf.String("vi-VN")
        out.Root.PageMode = pikepdf.Name.UseOutlines
        version = max([front.pdf_version, *(s.pdf_version for s in sources)], key=_version)
        options = dict(compress_streams=True, min_version=version,
                       object_stream_mode=pikepdf.ObjectStreamMode.generate)
        if to is not None:
            out.save(to, **options)
            data = b""
        else:
            buffer = io.BytesIO()
            out.save(buffer, **options)
            data = buffer.getvalue()
    report("Hoàn tất")
    return Printed(data, spans)


def stamp_document(pdf: bytes, packet_code: str, doc_code: str, title: str = "văn bản", *,
                   stamped: Callable[[Part], bytes] | None = None) -> Printed:
    """One document printed on its own: "Trang x/y · CODE" and its QR code ("KD:<packet_code>:<doc>:<page>",
    the very codes the document's pages carry in a packet) on every page, no cover or contents."""
    if not valid_code(packet_code):
        raise PacketError("Mã hồ sơ không hợp lệ (chỉ chữ in hoa A–Z và chữ số, tối đa 10 ký tự).",
                          detail=repr(packet_code))
    part = Part(pdf, title, doc_code, print_code=packet_code)
    _open(part, title).close()
    data = stamped(part) if stamped else stamp_part(pdf, packet_code, doc_code, title)
    with pikepdf.open(io.BytesIO(data)) as source:
        stamper = Stamper(source)
        total = len(source.pages)
        for number, page in enumerate(source.pages, 1):
            stamper.number(page, f"Trang {number}/{total} · {doc_code}")
        out = io.BytesIO()
        source.save(out, compress_streams=True)
    return Printed(out.getvalue(), [PageSpan(doc_code, 1, total)])


def _clean_info(info: PacketInfo) -> PacketInfo:
    """NFC text everywhere; identifiers checked before any work is done."""
    if not valid_code(info.packet_code):
        raise PacketError("Mã hồ sơ không hợp lệ (chỉ chữ in hoa A–Z và chữ số, tối đa 10 ký tự).",
                          detail=repr(info.packet_code))
    return PacketInfo(packet_code=info.packet_code, unit=clean(info.unit).strip(), year=info.year,
                      regime=clean(info.regime).strip(), generated_on=info.generated_on,
                      title=clean(info.title).strip(), superior=clean(info.superior).strip(),
                      place=clean(info.place).strip())


def _open(part: Part, title: str) -> pikepdf.Pdf:
    """The part opened with qpdf, or PacketError naming the document."""
    if not valid_code(part.doc_code) or part.doc_code in (COVER_CODE, CONTENTS_CODE):
        raise PacketError(f"Văn bản «{title}» có mã không hợp lệ để in mã QR.", detail=repr(part.doc_code))
    if isinstance(part.pdf, Path):
        source: Path | io.BytesIO = part.pdf
    elif isinstance(part.pdf, (bytes, bytearray)) and b"%PDF-" in part.pdf[:1024]:
        source = io.BytesIO(bytes(part.pdf))
    else:
        raise PacketError(f"Văn bản «{title}» không phải là tệp PDF nên không ghép được vào hồ sơ.")
    try:
        pdf = pikepdf.open(source)
    except pikepdf.PasswordError as exc:
        raise PacketError(f"Văn bản «{title}» là PDF có mật khẩu: bỏ mật khẩu rồi tạo lại hồ sơ.") from exc
    except Exception as exc:  # qpdf raises several types on a damaged file; all mean the same to the user
        raise PacketError(f"Văn bản «{title}» là tệp PDF bị hỏng, không đọc được.", detail=repr(exc)) from exc
    try:
        count = len(pdf.pages)
        if pdf.is_encrypted:
            raise PacketError(f"Văn bản «{title}» là PDF có mật khẩu: bỏ mật khẩu rồi tạo lại hồ sơ.")
    except PacketError:
        pdf.close()
        raise
    except Exception as exc:
        pdf.close()
        raise PacketError(f"Văn bản «{title}» là tệp PDF bị hỏng, không đọc được.", detail=repr(exc)) from exc
    if count == 0:
        pdf.close()
        raise PacketError(f"Văn bản «{title}» là tệp PDF không có trang nào.")
    return pdf


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


def _outline(pdf: pikepdf.Pdf, titles: list[str], paths: list[tuple[str, ...]], starts: list[int]) -> None:
    """Bookmarks: cover, contents, then path levels (unit → member) nesting each document."""
    with pdf.open_outline() as outline:
        outline.root.append(pikepdf.OutlineItem("Bìa hồ sơ", 0))
        outline.root.append(pikepdf.OutlineItem("Mục lục", 1))
        open_nodes: list[pikepdf.OutlineItem] = []   # the outline items of the current path, by depth
        previous: tuple[str, ...] = ()
        for title, path, start in zip(titles, paths, starts):
            common = _common_prefix(previous, path)
            del open_nodes[common:]
            for level in range(common, len(path)):
                node = pikepdf.OutlineItem(path[level], start)
                (open_nodes[level - 1].children if level else outline.root).append(node)
                open_nodes.append(node)
            (open_nodes[-1].children if open_nodes else outline.root).append(pikepdf.OutlineItem(title, start))
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
