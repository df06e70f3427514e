"""A large packet written section by section into its file, so memory does not grow with the packet.

qpdf holds every object of a document it writes; a đảng bộ's 15,000 pages took 1.7 GB that way. Here the packet's
file is written by a small PDF writer instead:

- each section (a chi bộ's part file, QR codes already on) is opened alone with pikepdf, each page gets a stand-in
  for its "Trang x/y · CODE" stream and the stamp font, and its objects (those its pages reach) are serialized with
  *relative* object numbers into a stamped section (body.bin + meta.json). References are kept as markers
  (NUL-delimited, which qpdf's unparse never writes) so the section can be placed at any object number later by a
  cheap substitution, and the page numbers are drawn as the packet is written (microseconds a page);
- a stamped section depends only on the section file, so it is kept beside the section (the caller says where):
  after an edit only the edited chi bộ's section is serialized again, even when its page count changed;
- the packet is then: header, cover and contents (stamped the same way), every stamped section copied in with its
  numbers shifted (non-stream objects packed into compressed object streams, as qpdf's object_stream_mode=generate
  does), then the page tree, the outline (unit → member → document), metadata, catalog and a cross-reference
  stream. At most one section is in memory at a time.
"""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import tempfile
import time
import zlib
from array import array
from collections import deque
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from hashlib import md5
from pathlib import Path
from typing import BinaryIO

import pikepdf

from service.text import clean

from .build import _clean_info, _common_prefix, _entries, _version
from .cover import render_front
from .model import CONTENTS_CODE, COVER_CODE, PacketError, PacketInfo, PageSpan, Part, Printed
from .qr import qr_payload
from .stamp import Stamper, _placement, number_ops

Progress = Callable[[str], None]
FORMAT = "stamped-2"       # bump when what a stamped section holds changes
OBJSTM_SIZE = 100          # objects per object stream (qpdf's default)
BUFFER = 4 << 20           # bytes written to the packet file at a time
PAGES, FONT = b"P", b"F"   # markers: the packet's page tree root, the stamp font (one per packet)
# Tokens of qpdf's unparse output that may contain digits: literal strings (qpdf escapes parentheses in them), hex
# strings, names; then an indirect reference. Only the last is rewritten.
TOKEN = re.compile(rb"\((?:[^\\)]|\\.)*\)|<[0-9A-Fa-f\s]*>|/[^\s/<>\[\]()%{}]*|(\d+) (\d+) R", re.DOTALL)
MARK = re.compile(rb"\x00([0-9]+|P|F|N[0-9]+)\x00")   # N<i>: page i's number, written with the packet


@dataclass
class Section:
    """One part file of the packet and the documents in it, in page order (Part.pages: first page, count)."""

    pdf: Path
    parts: list[Part]
    stamped_dir: Path | None = None   # where its serialized form is kept; None: a temp folder, this packet only
    name: str = ""                    # the unit it holds ("Chi bộ số 4"), named in errors


@dataclass
class _Serialized:
    """Objects with relative numbers (1..n): texts with markers, stream data, and which are the pages."""

    pages: list[int] = field(default_factory=list)
    texts: list[bytes] = field(default_factory=list)
    datas: list[bytes | None] = field(default_factory=list)


def _serialize(pdf: pikepdf.Pdf, pages: list[pikepdf.Page], specials: dict[tuple[int, int], bytes], *,
               extra: tuple[int, int] | None = None) -> tuple[_Serialized, int]:
    """Every object the pages (and `extra`) reach, not their /Parent, numbered from 1 in the order met, pages
    first; and the number `extra` got (0 without it)."""
    numbers: dict[tuple[int, int], int] = {}
    queue: deque[tuple[int, int]] = deque()

    def number(objgen: tuple[int, int]) -> bytes:
        special = specials.get(objgen)
        if special is not None:
            return b"\x00" + special + b"\x00"
        n = numbers.get(objgen)
        if n is None:
            n = numbers[objgen] = len(numbers) + 1
            queue.append(objgen)
        return b"\x00%d\x00" % n

    def ref(match: re.Match) -> bytes:
        if match.group(1) is None:
            return match.group(0)
        return number((int(match.group(1)), int(match.group(2))))

    out = _Serialized()
    for page in pages:
        parent = page.obj.get("/Parent")
        if parent is not None and parent.is_indirect:
            specials.setdefault(parent.objgen, PAGES)
    for page in pages:
        out.pages.append(int(number(page.obj.objgen)[1:-1]))
    extra_number = int(number(extra)[1:-1]) if extra is not None else 0
    while queue:
        obj = pdf.get_object(queue.popleft())
        if obj is None:   # a reference to an object the file does not have: null, as PDF readers take it
            out.texts.append(b"null")
            out.datas.append(None)
        elif isinstance(obj, pikepdf.Stream):
            data = obj.read_raw_bytes()
            meta = pikepdf.Dictionary(obj.stream_dict)
            if "/Length" in meta:
                del meta["/Length"]
            if "/Filter" not in meta and len(data) > 64:   # the stamps: compressed as qpdf's compress_streams does
                data = zlib.compress(data, 6)
                meta.Filter = pikepdf.Name.FlateDecode
            out.texts.append(TOKEN.sub(ref, meta.unparse()))
            out.datas.append(data)
        else:
            out.texts.append(TOKEN.sub(ref, obj.unparse(resolved=True)))
            out.datas.append(None)
    return out, extra_number


def _titles(section: Section) -> str:
    return ", ".join(f"«{p.title}»" for p in section.parts[:3]) + (", …" if len(section.parts) > 3 else "")


def _check_layout(section: Section, page_count: int) -> None:
    at = 0
    where = f"{section.name}: " if section.name else "Một phần của hồ sơ: "
    for part in section.parts:
        first, count = part.pages if part.pages is not None else (0, page_count)
        if first != at or count < 1:
            raise PacketError(f"{where}Văn bản «{part.title}» không có đủ trang trong tệp ghép.",
                              detail=f"{part.pages} at {at} in {section.pdf}")
        at += count
    if at != page_count:
        raise PacketError(f"{where}tệp ghép các văn bản {_titles(section)} có {page_count} trang, khác với "
                          f"{at} trang của các văn bản đó; hãy tạo lại hồ sơ.", detail=str(section.pdf))


def stamp_section(section: Section, dest: Path) -> None:
    """Write `dest` (body.bin + meta.json): the section's objects, each page with a reference to its page number
    (\\x00N<i>\\x00) and the stamp font; the numbers themselves are drawn as the packet is written, since they
    change whenever a section before this one gains or loses a page."""
    try:
        source = pikepdf.open(section.pdf)
    except Exception as exc:   # qpdf raises several types on a damaged file
        raise PacketError(f"{section.name or 'Một phần của hồ sơ'}: tệp ghép các văn bản {_titles(section)} bị "
                          "hỏng, không đọc được; hãy tạo lại hồ sơ.", detail=repr(exc)) from exc
    with source:
        pages = list(source.pages)
        _check_layout(section, len(pages))
        stamper = Stamper(source)
        specials = {stamper.font.objgen: FONT}
        placements = []
        for index, page in enumerate(pages):
            stand_in = source.make_indirect(pikepdf.Stream(source, b""))
            specials[stand_in.objgen] = b"N%d" % index
            stamper.attach_number(page, stand_in)
            matrix, width = _placement(page)
            placements.append([matrix.decode("ascii"), width])
        done, _ = _serialize(source, pages, specials)
        version = source.pdf_version
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    sizes = array("q")
    with open(tmp / "body.bin", "wb") as fh:
        for text, data in zip(done.texts, done.datas):
            fh.write(text)
            sizes.append(len(text))
            if data is None:
                sizes.append(-1)
            else:
                fh.write(data)
                sizes.append(len(data))
    (tmp / "meta.json").write_text(json.dumps({"format": FORMAT, "version": version, "pages": done.pages,
                                               "placements": placements, "sizes": sizes.tolist()}))
    try:
        os.rename(tmp, dest)
    except OSError:   # another process wrote the same stamped section first: theirs is the same
        shutil.rmtree(tmp, ignore_errors=True)
        if not (dest / "meta.json").exists():
            raise


class _Writer:
    """The packet file: objects appended with their offsets kept, object streams for the small ones."""

    def __init__(self, fh: BinaryIO, version: str) -> None:
        self.fh = fh
        self.buffer = bytearray()   # written out in slices of BUFFER: a few large writes, not one per object
        self.offsets: dict[int, tuple[int, int, int]] = {}   # number → (type, offset or stream, index)
        self.next = 1
        self.pending: list[tuple[int, bytes]] = []
        self.pos = 0
        self._raw(b"%%PDF-%s\n%%\xe2\xe3\xcf\xd3\n" % version.encode())

    def _raw(self, data: bytes | memoryview) -> None:
        self.buffer += data
        self.pos += len(data)
        if len(self.buffer) >= BUFFER:
            self.fh.write(self.buffer)
            self.buffer.clear()

    def reserve(self, count: int = 1) -> int:
        first, self.next = self.next, self.next + count
        return first

    def obj(self, number: int, text: bytes) -> None:
        """A non-stream object (goes into an object stream)."""
        self.pending.append((number, text))
        if len(self.pending) >= OBJSTM_SIZE:
            self.flush()

    def stream(self, number: int, meta: bytes, data: bytes | memoryview) -> None:
        """meta: the stream's dictionary without /Length, as "<< … >>"."""
        self.offsets[number] = (1, self.pos, 0)
        self._raw(b"%d 0 obj\n<< /Length %d %s\nstream\n" % (number, len(data), meta[2:].lstrip()))
        self._raw(data)
        self._raw(b"\nendstream\nendobj\n")

    def flush(self) -> None:
        if not self.pending:
            return
        number = self.reserve()
        head, body, at = [], [], 0
        for index, (n, text) in enumerate(self.pending):
            head.append(b"%d %d" % (n, at))
            body.append(text)
            at += len(text) + 1
            self.offsets[n] = (2, number, index)
        first = b" ".join(head) + b"\n"
        data = zlib.compress(first + b"\n".join(body) + b"\n", 6)
        self.pending = []
        self.stream(number, b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode >>" % (len(head), len(first)),
                    data)

    def finish(self, root: int, info: int, file_id: bytes) -> None:
        """The cross-reference stream and the trailer."""
        self.flush()
        number = self.reserve()
        start = self.pos
        self.offsets[number] = (1, start, 0)
        width = max(4, (start.bit_length() + 7) // 8)
        rows = [b"\x00" * (1 + width) + b"\xff\xff"]
        for n in range(1, number + 1):
            kind, a, b = self.offsets.get(n, (0, 0, 0))   # a number reserved and never written: free
            rows.append(bytes([kind]) + a.to_bytes(width, "big") + b.to_bytes(2, "big"))
        data = zlib.compress(b"".join(rows), 6)
        ident = b"<%s>" % file_id.hex().encode()
        self._raw(b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 %d 2] /Root %d 0 R /Info %d 0 R /ID [%s %s] "
                  b"/Filter /FlateDecode /Length %d >>\nstream\n" % (number, number + 1, width, root, info, ident,
                                                                     ident, len(data)))
        self._raw(data)
        self._raw(b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % start)
        self.fh.write(self.buffer)
        self.buffer.clear()

    def place(self, objects, pages: list[int], specials: dict[bytes, int], count: int,
              numbers: list[bytes] = ()) -> list[int]:
        """Objects with relative numbers ((text, stream data or None) in order) put at the next free numbers, and
        `numbers` (page i's number stream, referenced as N<i>) after them; returns the numbers of `pages`."""
        base = self.reserve(count + len(numbers)) - 1

        def shift(match: re.Match) -> bytes:
            key = match.group(1)
            if key in specials:
                return b"%d 0 R" % specials[key]
            if key[:1] == b"N":
                return b"%d 0 R" % (base + count + 1 + int(key[1:]))
            return b"%d 0 R" % (base + int(key))

        for index, (text, data) in enumerate(objects, 1):
            if data is None:
                self.obj(base + index, MARK.sub(shift, text))
            else:
                self.stream(base + index, MARK.sub(shift, text), data)
        for index, ops in enumerate(numbers, count + 1):
            self.stream(base + index, b"<< /Filter /FlateDecode >>", zlib.compress(ops, 6))
        self.flush()   # an object stream never spans two sections: one section in memory at a time
        return [base + p for p in pages]


def _open_stamped(dest: Path, section: Section) -> tuple[dict, BinaryIO] | None:
    """A stamped section's meta and its open body, or None when it is not there (or not whole, or not of these
    documents' pages)."""
    try:
        meta = json.loads((dest / "meta.json").read_bytes())
        body = open(dest / "body.bin", "rb")  # noqa: SIM115 - closed by the caller's ExitStack
    except (OSError, ValueError):
        return None
    if meta.get("format") != FORMAT or len(meta.get("placements", ())) != sum(p.pages[1] for p in section.parts):
        body.close()
        return None
    return meta, body


def _read_objects(body: BinaryIO, sizes: list[int]):
    """(text, stream data or None) of a stamped section's body.bin (read whole: one section, a few MB)."""
    view = memoryview(body.read())
    at = 0
    for index in range(0, len(sizes), 2):
        text = bytes(view[at:at + sizes[index]])
        at += sizes[index]
        if sizes[index + 1] < 0:
            yield text, None
        else:
            yield text, view[at:at + sizes[index + 1]]
            at += sizes[index + 1]


def _forget_others(home: Path, keep: Path) -> None:
    """What an older version of this code kept for the same section is stale once the new one is made."""
    for other in home.iterdir():
        if other != keep and not other.name.startswith("."):
            shutil.rmtree(other, ignore_errors=True)


def _pdf_string(text: str) -> bytes:
    """A PDF text string (PDFDocEncoding when it fits, else UTF-16BE), as qpdf writes it."""
    return pikepdf.String(text).unparse()


def _xmp(title: str) -> bytes:
    """The XMP packet pikepdf writes for the title (as the small packets have it)."""
    with pikepdf.new() as tmp:
        with tmp.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["dc:title"] = title
        return tmp.Root.Metadata.read_bytes()


@dataclass
class _Node:
    title: str
    page: int                                   # 0-based packet page
    children: list[_Node] = field(default_factory=list)


def _outline_tree(titles: list[str], paths: list[tuple[str, ...]], starts: list[int]) -> list[_Node]:
    """Cover, contents, then path levels (unit → member) nesting each document: as build._outline."""
    root: list[_Node] = [_Node("Bìa hồ sơ", 0), _Node("Mục lục", 1)]
    open_nodes: list[_Node] = []
    previous: tuple[str, ...] = ()
    for title, path, start in zip(titles, paths, starts):
        common = _common_prefix(previous, path)
        del open_nodes[common:]
        for level in range(common, len(path)):
            node = _Node(path[level], start)
            (open_nodes[level - 1].children if level else root).append(node)
            open_nodes.append(node)
        (open_nodes[-1].children if open_nodes else root).append(_Node(title, start))
        previous = path
    return root


def _write_outline(out: _Writer, root_number: int, tree: list[_Node], page_numbers: list[int]) -> None:
    """Outline items (all open, /Dest [page /Fit]) as pikepdf writes them."""
    def count(nodes: list[_Node]) -> int:
        return sum(1 + count(n.children) for n in nodes)

    def write(nodes: list[_Node], parent: int) -> tuple[int, int]:
        numbers = [out.reserve() for _ in nodes]
        for i, (node, number) in enumerate(zip(nodes, numbers)):
            text = [b"<< /Title %s /Parent %d 0 R /Dest [%d 0 R /Fit]" % (_pdf_string(node.title), parent,
                                                                       page_numbers[node.page])]
            if i:
                text.append(b"/Prev %d 0 R" % numbers[i - 1])
            if i + 1 < len(nodes):
                text.append(b"/Next %d 0 R" % numbers[i + 1])
            if node.children:
                first, last = write(node.children, number)
                text.append(b"/First %d 0 R /Last %d 0 R /Count %d" % (first, last, count(node.children)))
            out.obj(number, b" ".join(text) + b" >>")
        return numbers[0], numbers[-1]

    first, last = write(tree, root_number)
    out.obj(root_number, b"<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>" % (first, last, count(tree)))


def _entries_and_spans(sections: list[Section]) -> tuple[list[str], list[tuple[str, ...]], list[int], list[Part], int]:
    parts = [part for section in sections for part in section.parts]
    titles = [clean(part.title).strip() or part.doc_code for part in parts]
    paths = [tuple(clean(p).strip() for p in part.path) for part in parts]
    offsets, at = [], 0
    for part in parts:
        if part.pages is None:
            raise PacketError(f"Văn bản «{part.title}» thiếu vị trí trang trong tệp ghép.")
        offsets.append(at)
        at += part.pages[1]
    return titles, paths, offsets, parts, at


def assemble_sections(info: PacketInfo, sections: list[Section], *, to: Path, progress: Progress | None = None,
                      check_cancelled: Callable[[], None] | None = None, timings: dict | None = None,
                      fronts: Path | None = None) -> Printed:
    """The packet of `sections` written to `to` section by section (see the module's docstring); Printed.pdf is
    empty, Printed.spans as assemble_packet gives them. The parts must carry their QR codes (qr_done).
    `timings`, when given, receives seconds per step and how many sections were numbered anew; `fronts`, a
    folder where covers and contents are kept for any process to reuse."""
    report = progress or (lambda _step: None)
    check = check_cancelled or (lambda: None)
    spent = timings if timings is not None else {}
    t0 = time.perf_counter()
    info = _clean_info(info)
    titles, paths, offsets, parts, part_pages = _entries_and_spans(sections)
    if not parts:
        raise PacketError("Hồ sơ không có văn bản nào để ghép.")
    for part, title in zip(parts, titles):
        if not part.qr_done or not isinstance(part.pdf, Path):
            raise PacketError(f"Văn bản «{title}» chưa có mã QR trong tệp ghép.")
    report("Lập bìa và mục lục")
    drawn = render_front(info, _entries(titles, paths, offsets), len(parts), part_pages, folder=fronts)
    first_part = 1 + drawn.contents_pages
    total = first_part + part_pages

    # cover and contents: stamped like the old path (their own QR codes with the packet code), serialized
    with pikepdf.open(io.BytesIO(drawn.pdf)) as rendered, pikepdf.new() as front:
        front.pages.extend(rendered.pages)
        stamper = Stamper(front)
        codes = [COVER_CODE] + [CONTENTS_CODE] * drawn.contents_pages
        for number, (page, code) in enumerate(zip(front.pages, codes), 1):
            stamper.qr(page, qr_payload(info.packet_code, code, number))
            stamper.number(page, f"Trang {number}/{total} · {code}")
        stamper.label(front.pages[0], drawn.code_at, info.packet_code, 14)
        front_objects, font_rel = _serialize(front, list(front.pages), {}, extra=stamper.font.objgen)
        front_version = rendered.pdf_version
    spent["front_s"] = time.perf_counter() - t0

    # the stamped sections: made once per section file (one open at a time), reused by every later packet whatever
    # its page numbers; each is opened here (an open file stays readable if another process replaces it meanwhile)
    t1 = time.perf_counter()
    made = 0
    temp = Path(tempfile.mkdtemp(prefix=".stamped-", dir=to.parent))
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, temp, True)
        ready: list[tuple[dict, BinaryIO]] = []
        for index, section in enumerate(sections, 1):
            check()
            if index % 10 == 1 or index == len(sections):
                report(f"Đánh số trang phần {index}/{len(sections)}")
            home = section.stamped_dir or temp / str(index)
            dest = home / FORMAT
            opened = _open_stamped(dest, section)
            if opened is None:
                stamp_section(section, dest)
                made += 1
                _forget_others(home, dest)
                opened = _open_stamped(dest, section)
                if opened is None:   # removed by another process that very moment: a private copy
                    dest = temp / f"{index}-{FORMAT}"
                    stamp_section(section, dest)
                    opened = _open_stamped(dest, section)
                    assert opened is not None
            ready.append(opened)
            stack.callback(opened[1].close)
        spent["stamp_s"], spent["sections_stamped"] = time.perf_counter() - t1, made

        t2 = time.perf_counter()
        version = max([front_version, "1.5", *(meta["version"] for meta, _body in ready)], key=_version)
        with open(to, "wb") as fh:
            out = _Writer(fh, version)
            catalog, pages_root, outline_root, info_obj, metadata = (out.reserve() for _ in range(5))
            front_numbers = out.place(zip(front_objects.texts, front_objects.datas),
                                      [*front_objects.pages, font_rel], {PAGES: pages_root},
                                      len(front_objects.texts))
            page_numbers, font_number = front_numbers[:-1], front_numbers[-1]
            specials = {PAGES: pages_root, FONT: font_number}
            number = first_part
            for index, (section, (meta, body)) in enumerate(zip(sections, ready), 1):
                check()
                if index % 10 == 1 or index == len(sections):
                    report(f"Ghi phần {index}/{len(sections)}")
                codes = [part.doc_code for part in section.parts for _ in range(part.pages[1])]
                numbers = []
                for code, (matrix, width) in zip(codes, meta["placements"]):
                    number += 1
                    numbers.append(number_ops(matrix.encode("ascii"), width, f"Trang {number}/{total} · {code}"))
                page_numbers += out.place(_read_objects(body, meta["sizes"]), meta["pages"], specials,
                                          len(meta["sizes"]) // 2, numbers)
                body.close()
            if len(page_numbers) != total:
                raise PacketError("Ghép hồ sơ bị lệch số trang.", detail=f"{len(page_numbers)} != {total}")
            report("Tạo dấu trang")
            out.obj(pages_root, b"<< /Type /Pages /Count %d /Kids [%s] >>"
                    % (total, b" ".join(b"%d 0 R" % n for n in page_numbers)))
            _write_outline(out, outline_root, _outline_tree(titles, paths, [first_part + o for o in offsets]),
                           page_numbers)
            out.obj(info_obj, b"<< /Title %s /Author %s /Subject %s /Keywords %s /Creator %s >>" % tuple(
                _pdf_string(s) for s in (info.title, info.unit, f"{info.unit} – {info.regime} – {info.year}",
                                         f"hồ sơ {info.packet_code}", "service.packets")))
            out.stream(metadata, b"<< /Type /Metadata /Subtype /XML >>", _xmp(info.title))
            out.obj(catalog, b"<< /Type /Catalog /Pages %d 0 R /Outlines %d 0 R /Metadata %d 0 R /Lang %s "
                    b"/PageMode /UseOutlines >>" % (pages_root, outline_root, metadata, _pdf_string("vi-VN")))
            report("Nén và ghi tệp")
            out.finish(catalog, info_obj, md5(f"{info.packet_code}:{total}:{time.time()}".encode()).digest())
        spent["write_s"] = time.perf_counter() - t2
    spans = [PageSpan(COVER_CODE, 1, 1)] + ([PageSpan(CONTENTS_CODE, 2, drawn.contents_pages)]
                                            if drawn.contents_pages else [])
    spans += [PageSpan(part.doc_code, first_part + offset + 1, part.pages[1]) for part, offset in zip(parts, offsets)]
    report("Hoàn tất")
    return Printed(b"", spans)
