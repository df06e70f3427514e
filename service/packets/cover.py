"""The packet's own pages: a Party-style cover and the table of contents, drawn with fpdf2."""
from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path

from service.text import place_date, vn_date

from .fonts import close, finish, new_document
from .model import PacketError, PacketInfo

PAGE_W, PAGE_H = 210.0, 297.0
LEFT, RIGHT = 25.0, 190.0       # text area of the contents (A4, 25 mm left, 20 mm right)
TOP, BOTTOM = 20.0, 268.0       # BOTTOM keeps clear of the stamp (QR up to ≈ 23 mm from the edge)
LINE = 6.6                      # line height of the contents at 13 pt
NUM_W = 12.0                    # the page-number column
INDENT = 7.0                    # per nesting level
# The heading's two columns, as in the templates (30 mm left margin, 70 mm left column, 165 mm text width).
LEFT_COL_X, LEFT_COL_W = 25.0, 75.0
RIGHT_COL_X, RIGHT_COL_W = 100.0, 95.0


@dataclass(frozen=True)
class Entry:
    """One line of the contents: a heading of the outline (offset None) or a document."""

    level: int
    text: str
    offset: int | None = None   # 0-based page of the document among the parts' pages


@dataclass(frozen=True)
class Front:
    """The cover and contents pages, and where the packet code goes on the cover (drawn by the stamper, so the
    same front serves every rebuild of an unchanged packet: only the code differs)."""

    pdf: bytes
    contents_pages: int
    code_at: tuple[float, float]   # x, baseline in mm from the top-left of the cover


_FRONTS: OrderedDict[str, Front] = OrderedDict()
_FRONTS_LOCK = threading.Lock()


def render_front(info: PacketInfo, entries: list[Entry], documents: int, part_pages: int, *,
                 folder: Path | None = None) -> Front:
    """Cover + contents (kept per content: the same unit, documents and page counts give the same pages). With
    `folder`, also kept there as files, so another worker rebuilding a large packet finds it (a đảng bộ's 350
    pages of contents take seconds to draw)."""
    key = hashlib.sha256(repr((replace(info, packet_code=""), entries, documents, part_pages)).encode()).hexdigest()
    stored = folder / f"{key}.front" if folder is not None else None
    with _FRONTS_LOCK:
        front = _FRONTS.get(key)
        if front is not None:
            _FRONTS.move_to_end(key)
    if front is not None:
        if stored is not None and not stored.exists():
            _write_front(stored, front)
        return front
    front = _read_front(stored) if stored is not None else None
    if front is None:
        front = _render_front(info, entries, documents, part_pages)
        if stored is not None:
            _write_front(stored, front)
    with _FRONTS_LOCK:
        _FRONTS[key] = front
        while len(_FRONTS) > 32:
            _FRONTS.popitem(last=False)
    return front


def _read_front(path: Path) -> Front | None:
    """A front kept by _write_front: a JSON line (contents pages, code position), then the PDF."""
    try:
        data = path.read_bytes()
        head, pdf = data.split(b"\n", 1)
        meta = json.loads(head)
        os.utime(path)   # recently used: the cache's pruning goes by modification time
        return Front(pdf, int(meta["contents_pages"]), (float(meta["code_at"][0]), float(meta["code_at"][1])))
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None


def _write_front(path: Path, front: Front) -> None:
    head = json.dumps({"contents_pages": front.contents_pages, "code_at": list(front.code_at)}).encode()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(head + b"\n" + front.pdf)
        os.replace(tmp, path)
    except OSError:   # only a cache
        tmp.unlink(missing_ok=True)


def _render_front(info: PacketInfo, entries: list[Entry], documents: int, part_pages: int) -> Front:
    """Cover + contents as PDF bytes. The contents' line breaks are found once and its page count from them
    (the cover and the page numbers depend on it), so even a đảng bộ's 300 pages of contents are drawn once."""
    wrapped: list[list[str]] | None = None
    contents_pages = 1
    for _ in range(6):
        pdf = new_document()
        try:
            pdf.add_page()   # the cover's page; fpdf2 measures text only on a page
            if wrapped is None:   # line breaks: the slow part, found once (a đảng bộ repeats a few titles a lot)
                seen: dict[tuple[str, int, bool], list[str]] = {}
                wrapped = [_wrap(pdf, entry, seen) for entry in entries]
                contents_pages = _count_pages(entries, wrapped)
            code_at = _cover(pdf, info, documents, 1 + contents_pages + part_pages)
            used = _contents(pdf, entries, wrapped, first_part_page=2 + contents_pages)
        except BaseException:
            close(pdf)
            raise
        if used == contents_pages:
            return Front(finish(pdf), used, code_at)
        close(pdf)
        contents_pages = used
    raise PacketError("Không lập được mục lục hồ sơ: số trang mục lục không ổn định.")


def _centered(pdf, x: float, y: float, w: float, text: str, style: str, size: float, line: float) -> float:
    """Text centred in [x, x+w], wrapped; returns the y below it."""
    pdf.set_font("Serif", style, size)
    pdf.set_xy(x, y)
    pdf.multi_cell(w, line, text, align="C", new_x="LEFT", new_y="NEXT")
    return pdf.get_y()


def _cover(pdf, info: PacketInfo, documents: int, total: int) -> tuple[float, float]:
    """The heading of Party documents (HD 36, as the templates draw it): superior body, issuing body in capitals
    and "*" on the left; ĐẢNG CỘNG SẢN VIỆT NAM underlined and "<place>, ngày … tháng … năm …" on the right. On the page
    already added (the contents were measured on it)."""
    y = TOP
    if info.superior:
        y = _centered(pdf, LEFT_COL_X, y, LEFT_COL_W, info.superior.upper(), "", 13, 6)
    y = _centered(pdf, LEFT_COL_X, y, LEFT_COL_W, info.unit.upper(), "B", 13, 6)
    _centered(pdf, LEFT_COL_X, y, LEFT_COL_W, "*", "", 13, 6)
    y = _centered(pdf, RIGHT_COL_X, TOP, RIGHT_COL_W, "ĐẢNG CỘNG SẢN VIỆT NAM", "B", 15, 7)
    pdf.set_font("Serif", "B", 15)
    half = pdf.get_string_width("ĐẢNG CỘNG SẢN VIỆT NAM") / 2
    middle = RIGHT_COL_X + RIGHT_COL_W / 2
    pdf.set_line_width(0.3)
    pdf.line(middle - half, y + 0.6, middle + half, y + 0.6)
    date_line = place_date(info.place, info.generated_on) if info.place else vn_date(info.generated_on).capitalize()
    _centered(pdf, RIGHT_COL_X, y + 3, RIGHT_COL_W, date_line, "I", 14, 6.5)

    y = _centered(pdf, LEFT, 90, RIGHT - LEFT, info.title, "B", 18, 9)
    y = _centered(pdf, LEFT, y + 8, RIGHT - LEFT, info.unit.upper(), "B", 15, 8)

    rows = [("Năm kiểm điểm", str(info.year)), ("Căn cứ", info.regime), ("Số văn bản", str(documents)),
            ("Tổng số trang", f"{total} (kể cả bìa và mục lục)"), ("Mã hồ sơ", "")]
    y = max(y + 25, 175)
    for label, value in rows:
        pdf.set_font("Serif", "", 14)
        pdf.set_xy(40, y)
        pdf.multi_cell(135, 8, f"{label}: {value}".rstrip(), align="L", new_x="LEFT", new_y="NEXT")
        code_at = (40 + pdf.get_string_width(f"{label}: "), y + 8 * 0.75)
        y = pdf.get_y()
    return code_at


def _style(entry: Entry) -> str:
    return "" if entry.offset is not None else ("B" if entry.level == 0 else "BI")


def _wrap(pdf, entry: Entry, seen: dict[tuple[str, int, bool], list[str]]) -> list[str]:
    """The entry's text broken into the lines its column holds (most fit on one: measured, not wrapped)."""
    key = (entry.text, entry.level, entry.offset is not None)
    if key not in seen:
        seen[key] = _wrap_new(pdf, entry)
    return seen[key]


def _wrap_new(pdf, entry: Entry) -> list[str]:
    x = LEFT + INDENT * entry.level
    width = RIGHT - NUM_W - 10 - x if entry.offset is not None else RIGHT - x
    pdf.set_font("Serif", _style(entry), 13)
    if "\n" not in entry.text and pdf.get_string_width(entry.text) <= width:
        return [entry.text]
    return pdf.multi_cell(width, LINE, entry.text, dry_run=True, output="LINES") or [""]


HEADING_END = TOP + 8 + 6            # y below "MỤC LỤC" (one 8 mm line, 6 mm space): as _contents draws it
NEXT_HEADING_END = TOP + 7 + 4       # y below "MỤC LỤC (tiếp theo)"


def _count_pages(entries: list[Entry], wrapped: list[list[str]]) -> int:
    """How many pages _contents will take (its page breaks, without drawing)."""
    pages, y = 1, HEADING_END
    for entry, lines in zip(entries, wrapped):
        gap = 0 if entry.offset is not None else 1.5
        if y + gap + LINE * len(lines) > BOTTOM:
            pages, y, gap = pages + 1, NEXT_HEADING_END, 0
        y += gap + LINE * len(lines)
    return pages


def _contents(pdf, entries: list[Entry], wrapped: list[list[str]], first_part_page: int) -> int:
    """Draw the contents from a new page; returns how many pages it took."""
    pdf.add_page()
    pages = 1
    y = _centered(pdf, LEFT, TOP, RIGHT - LEFT, "MỤC LỤC", "B", 15, 8) + 6
    for entry, lines in zip(entries, wrapped):
        x = LEFT + INDENT * entry.level
        is_doc = entry.offset is not None
        style = _style(entry)
        pdf.set_font("Serif", style, 13)
        gap = 0 if is_doc else 1.5
        if y + gap + LINE * len(lines) > BOTTOM:
            pdf.add_page()
            pages += 1
            y = _centered(pdf, LEFT, TOP, RIGHT - LEFT, "MỤC LỤC (tiếp theo)", "I", 12, 7) + 4
            gap = 0
            pdf.set_font("Serif", style, 13)
        y += gap
        for line in lines:
            pdf.text(x, y + LINE * 0.75, line)
            y += LINE
        if is_doc:
            start = x + pdf.get_string_width(lines[-1]) + 1.5
            end = RIGHT - NUM_W + 1
            count = int((end - start) / pdf.get_string_width("."))
            baseline = y - LINE * 0.25
            if count > 0:
                pdf.text(end - count * pdf.get_string_width("."), baseline, "." * count)
            number = str(first_part_page + entry.offset)
            pdf.text(RIGHT - pdf.get_string_width(number), baseline, number)
    return pages
