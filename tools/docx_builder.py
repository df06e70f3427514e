"""Primitives that lay out Party documents (Hướng dẫn 36-HD/VPTW) as docxtpl templates.

Every Jinja tag is written as ONE run (docxtpl must see it unsplit) and every `{%p`/`{%tr`/`{{p`
tag gets a paragraph or row of its own. Build a template by calling these in reading order on the
document returned by `new_document`, then `save_document`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Length, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from .docx_setup import FONT, HUONG_DAN, SYMBOL_FONT, TEXT_WIDTH, THONG_TIN, TIEU_DE, VAN_BAN, new_document, set_fonts

__all__ = ["Line", "Field", "new_document", "save_document", "form_code_line", "party_header", "title_block",
           "heading", "instruction", "rich_slot", "text_line", "add_run", "centered_lines", "field_line",
           "checkbox_lines", "dotted_lines", "data_table", "signer", "signature_block", "page_numbers", "set_widths",
           "form_body", "fixed_table", "GRADE_LABEL", "LEVEL_MARKS", "VAN_BAN", "TEXT_WIDTH"]

Parent = DocumentObject | _Cell


@dataclass(frozen=True)
class Line:
    """One printed line (or run) with HD 36 formatting; `text` may be or contain a Jinja tag."""

    text: str
    bold: bool = False
    italic: bool = False
    size: float = 14
    caps: bool = False
    font: str | None = None


@dataclass(frozen=True)
class Field:
    """A label followed by a Jinja variable, e.g. Field("Họ và tên: ", "full_name")."""

    label: str
    var: str
    suffix: str = ""
    bold_label: bool = False
    bold_value: bool = False


def save_document(doc: DocumentObject, path: Path) -> None:
    """Save, creating the folder, so the builder can target any output directory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))


def add_run(paragraph: Paragraph, line: Line) -> Run:
    """A run with explicit font, size and emphasis (never inherits a theme font)."""
    run = paragraph.add_run(line.text)
    run.bold = line.bold or None
    run.italic = line.italic or None
    run.font.size = Pt(line.size)
    if line.caps:
        run.font.all_caps = True
    set_fonts(run._r.get_or_add_rPr(), line.font or FONT)
    return run


def _paragraph(parent: Parent, style: str, align: int | None = None, after: float | None = None) -> Paragraph:
    """A paragraph by style ID, with optional alignment and space after."""
    paragraph = parent.add_paragraph()
    paragraph.style = _style(parent, style)
    if align is not None:
        paragraph.alignment = align
    if after is not None:
        paragraph.paragraph_format.space_after = Pt(after)
    return paragraph


def _style(parent: Parent, style_id: str):  # noqa: ANN202 - python-docx style object
    """Resolve a style ID from a document or a table cell."""
    doc = parent.part.document
    return next(s for s in doc.styles if s.style_id == style_id)


def text_line(parent: Parent, runs: Sequence[Line], style: str = THONG_TIN, align: int | None = None,
              after: float | None = None) -> Paragraph:
    """A paragraph made of formatted runs: the building block of every other primitive."""
    paragraph = _paragraph(parent, style, align, after)
    for line in runs:
        add_run(paragraph, line)
    return paragraph


def centered_lines(parent: Parent, lines: Sequence[Line], after: float = 0) -> list[Paragraph]:
    """Centred single-spaced lines, as in header and signature cells."""
    out = []
    for line in lines:
        p = text_line(parent, [line], "Normal", WD_ALIGN_PARAGRAPH.CENTER, after)
        p.paragraph_format.line_spacing = 1.0
        out.append(p)
    return out


def _borderless(table: Table, widths: Sequence[Length]) -> None:
    """Fixed column widths and no borders, for layout tables (header, signatures)."""
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl_pr = table._tbl.tblPr
    borders = parse_xml(f'<w:tblBorders {nsdecls("w")}>' + "".join(
        f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + "</w:tblBorders>")
    tbl_pr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                                 "w:tblDescription")
    _set_widths(table, widths)


def set_widths(table: Table, widths: Sequence[Length]) -> None:
    """Write table, grid and cell widths (Word and LibreOffice read different ones)."""
    tbl_w = table._tbl.tblPr.find(qn("w:tblW"))
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(sum(Length(int(w)).twips for w in widths)))
    for col, width in zip(table.columns, widths):
        col.width = width
        for cell in col.cells:
            cell.width = width


def _set_widths(table: Table, widths: Sequence[Length]) -> None:
    """Widths, and rows that never split across pages."""
    set_widths(table, widths)
    for row in table.rows:
        row._tr.get_or_add_trPr().append(parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))


def _empty_cell(cell: _Cell) -> None:
    """Remove the paragraph python-docx puts in new cells, so content starts at the top."""
    for p in cell._tc.findall(qn("w:p")):
        cell._tc.remove(p)


def form_code_line(doc: DocumentObject, text: str = "{{ form_code }}") -> Paragraph:
    """The form code ("Mẫu 2B-HD KĐ.ĐG 2025") above the header, right-aligned, small italic."""
    return text_line(doc, [Line(text, italic=True, size=12)], "Normal", WD_ALIGN_PARAGRAPH.RIGHT, 0)


def party_header(doc: DocumentObject, issuing_body: str = "{{ issuing_body }}",
                 superior_body: str | None = "{{ superior_body }}", number_line: str | None = None,
                 place_date: str = "{{ place_date }}", left_width: Length = Mm(70)) -> Table:
    """HD 36 header: issuing body with `*` (and Số …) top left; ĐẢNG CỘNG SẢN VIỆT NAM, rule, place-date right."""
    table = doc.add_table(rows=1, cols=2)
    _borderless(table, [left_width, Length(int(TEXT_WIDTH) - int(left_width))])
    left, right = table.rows[0].cells
    _empty_cell(left)
    _empty_cell(right)
    lines = [Line(superior_body, caps=True)] if superior_body else []
    lines += [Line(issuing_body, bold=True, caps=True), Line("*")]
    lines += [Line(number_line)] if number_line else []
    centered_lines(left, lines)
    centered_lines(right, [Line("ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, size=15)])
    rule = _paragraph(right, "Normal", WD_ALIGN_PARAGRAPH.CENTER, 6)
    rule_len = Cm(7.3)  # measured width of "ĐẢNG CỘNG SẢN VIỆT NAM", 15 pt bold TNR / Liberation Serif
    indent = Length((int(right.width) - int(Cm(0.38)) - int(rule_len)) // 2)
    rule.paragraph_format.left_indent = rule.paragraph_format.right_indent = indent
    rule.paragraph_format.line_spacing = Pt(3)
    rule.paragraph_format.space_before = Pt(3)  # clear the dots under Ộ, Ệ
    rule._p.get_or_add_pPr().insert_element_before(parse_xml(
        f'<w:pBdr {nsdecls("w")}><w:top w:val="single" w:sz="6" w:space="1" w:color="auto"/></w:pBdr>'),
        "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc")
    centered_lines(right, [Line(place_date, italic=True)])
    return table


def title_block(doc: DocumentObject, title: str, lines: Sequence[Line] = (), size: float = 15) -> list[Paragraph]:
    """Document type name (caps, bold, centred) and the centred lines under it (year, subject)."""
    first = text_line(doc, [Line(title, bold=True, size=size)], "Normal", WD_ALIGN_PARAGRAPH.CENTER, 0)
    first.paragraph_format.space_before = Pt(18)
    out = [first] + [text_line(doc, [line], "Normal", WD_ALIGN_PARAGRAPH.CENTER, 0) for line in lines]
    out[-1].paragraph_format.space_after = Pt(18)
    for p in out:
        p.paragraph_format.keep_with_next = True
    return out


def heading(doc: DocumentObject, text: str, level: int) -> Paragraph:
    """A printed section heading: level 1 = "A. …", 2 = "I. …", 3 = "1. …" (all bold)."""
    return text_line(doc, [Line(text, bold=True)], TIEU_DE[level - 1])


def instruction(doc: DocumentObject, text: str) -> Paragraph:
    """The form's own italic guidance printed under a heading."""
    return text_line(doc, [Line(text, italic=True)], HUONG_DAN)


def rich_slot(doc: DocumentObject, var: str) -> Paragraph:
    """A paragraph holding only `{{p var }}`, replaced by a RichTextParagraph's styled paragraphs."""
    return text_line(doc, [Line(f"{{{{p {var} }}}}")], VAN_BAN)


def field_line(doc: DocumentObject, fields: Sequence[Field], tabs: Sequence[Length] = (),
               style: str = THONG_TIN) -> Paragraph:
    """Labelled values on one line ("Họ và tên: {{ full_name }}<tab>Ngày sinh: …"), tab stops between fields."""
    paragraph = _paragraph(doc, style)
    for stop in tabs:
        paragraph.paragraph_format.tab_stops.add_tab_stop(stop)
    for n, field in enumerate(fields):
        if n:
            add_run(paragraph, Line("\t"))
        add_run(paragraph, Line(field.label, bold=field.bold_label))
        add_run(paragraph, Line(f"{{{{ {field.var} }}}}", bold=field.bold_value))
        if field.suffix:
            add_run(paragraph, Line(field.suffix, bold=field.bold_label))
    return paragraph


def checkbox_lines(doc: DocumentObject, options: Sequence[tuple[str, str]]) -> list[Paragraph]:
    """One line per option: the mark variable ("☒"/"☐", in DejaVu Sans) then the label."""
    out = []
    for var, label in options:
        paragraph = _paragraph(doc, VAN_BAN)
        add_run(paragraph, Line(f"{{{{ {var} }}}}", font=SYMBOL_FONT))
        add_run(paragraph, Line(f" {label}"))
        paragraph.paragraph_format.keep_with_next = True
        out.append(paragraph)
    out[-1].paragraph_format.keep_with_next = None
    return out


def dotted_lines(doc: DocumentObject, label: Line | None, count: int = 1, style: str = THONG_TIN) -> list[Paragraph]:
    """Dotted lines for handwriting (a dot-leader tab to the right margin), the first after an optional label."""
    out = []
    for n in range(count):
        paragraph = _paragraph(doc, style)
        paragraph.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        if n == 0 and label is not None:
            add_run(paragraph, label)
        add_run(paragraph, Line("\t"))
        out.append(paragraph)
    return out


def data_table(doc: DocumentObject, headers: Sequence[str], cells: Sequence[str], loop: str,
               widths: Sequence[Length], size: float = 13) -> Table:
    """Grid table: a header row repeated on every page, then one row per item via `{%tr for … %}`.

    `loop` is the Jinja loop head, e.g. "for m in members"; `cells` are the row's cell texts, e.g.
    "{{ loop.index }}", "{{ m.full_name }}". Rows 2 and 4 vanish when rendered (docxtpl `{%tr`).
    """
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = _style(doc, "TableGrid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # fixed layout
    _set_widths(table, widths)
    rows = table.rows
    rows[0]._tr.get_or_add_trPr().append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))
    texts = [[Line(h, bold=True, size=size) for h in headers], [Line(f"{{%tr {loop} %}}", size=size)],
             [Line(c, size=size) for c in cells], [Line("{%tr endfor %}", size=size)]]
    for row, lines in zip(rows, texts):
        for n, cell in enumerate(row.cells):
            _empty_cell(cell)
            if n < len(lines):
                align = WD_ALIGN_PARAGRAPH.CENTER if row is rows[0] else None
                text_line(cell, [lines[n]], "Normal", align, 0)
            else:
                _paragraph(cell, "Normal")
    return table


def signer(title: str | None, note: str | None, name: str | None, authority: str | None = None,
           blank_lines: int = 3) -> list[Line]:
    """Lines of one signature: "T/M …" authority, position, italic note, space to sign, name (None: handwritten)."""
    lines = [Line(authority, bold=True)] if authority else []
    lines += [Line(title, bold=True)] if title else []
    lines += [Line(note, italic=True)] if note else []
    return lines + [Line("")] * blank_lines + ([Line(name, bold=True)] if name else [])


def signature_block(doc: DocumentObject, right: Sequence[Line], left: Sequence[Line] = (),
                    left_width: Length = Mm(70)) -> Table:
    """Borderless two-column table of signatures (left may be empty); the row never splits across pages, and the
    two names sit on the same line (the shorter side gets blank lines in its signing space)."""
    table = doc.add_table(rows=1, cols=2)
    _borderless(table, [left_width, Length(int(TEXT_WIDTH) - int(left_width))])
    table.rows[0]._tr.get_or_add_trPr().append(parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))
    if left and right:
        n = max(len(left), len(right))
        left, right = (list(s[:-1]) + [Line("")] * (n - len(s)) + list(s[-1:]) for s in (left, right))
    for cell, lines in zip(table.rows[0].cells, (left, right)):
        _empty_cell(cell)
        paragraphs = centered_lines(cell, lines) if lines else [_paragraph(cell, "Normal")]
        paragraphs[0].paragraph_format.space_before = Pt(12)
        for p in paragraphs[:-1]:
            p.paragraph_format.keep_with_next = True
    return table


def page_numbers(doc: DocumentObject, size: float = 13) -> None:
    """Centred PAGE field in the top margin from page 2 on (first page has its own, empty header)."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        run = add_run(paragraph, Line("", size=size))
        if kind:
            run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="{kind}"/>'))
        elif text == " PAGE ":
            run._r.append(parse_xml(f'<w:instrText {nsdecls("w")} xml:space="preserve"> PAGE </w:instrText>'))
        else:
            run.text = text


def recipients_signature_block(doc: DocumentObject, right: Sequence[Line], loop: str, item: str,
                               label: str = "Nơi nhận:", left_width: Length = Mm(75), size: float = 12) -> Table:
    """Borderless signature row whose left cell is the "Nơi nhận:" list (HD 36): label underlined, one line per
    recipient via `{%p loop %}` … `{%p endfor %}` (`item` is the line, e.g. "- {{ r.name }}"), the signer right."""
    table = doc.add_table(rows=1, cols=2)
    _borderless(table, [left_width, Length(int(TEXT_WIDTH) - int(left_width))])
    left_cell, right_cell = table.rows[0].cells
    _empty_cell(left_cell)
    _empty_cell(right_cell)
    head = text_line(left_cell, [Line(label)], "Normal", WD_ALIGN_PARAGRAPH.LEFT, 0)
    head.runs[0].underline = True
    head.paragraph_format.space_before = Pt(12)
    for text in (f"{{%p {loop} %}}", item, "{%p endfor %}"):
        text_line(left_cell, [Line(text, size=size)], "Normal", WD_ALIGN_PARAGRAPH.LEFT, 0)
    paragraphs = centered_lines(right_cell, right)
    paragraphs[0].paragraph_format.space_before = Pt(12)
    for p in paragraphs[:-1]:
        p.paragraph_format.keep_with_next = True
    return table


GRADE_LABEL = "Tự đánh giá về cấp độ thực hiện: "
LEVEL_MARKS = (  # the four levels as tick boxes; a "level" field (service/kinds/fields.py) prints the mark_* variables
    ("mark_xuat_sac", "Hoàn thành xuất sắc nhiệm vụ"),
    ("mark_tot", "Hoàn thành tốt nhiệm vụ"),
    ("mark_hoan_thanh", "Hoàn thành nhiệm vụ"),
    ("mark_khong_hoan_thanh", "Không hoàn thành nhiệm vụ"),
)


def form_body(doc: DocumentObject, items: tuple[tuple[object, str], ...]) -> None:
    """A form's body as data: (level, heading) | ("slot", var) | ("note", instruction) | ("grade", var), in order."""
    for kind, text in items:
        if isinstance(kind, int):
            heading(doc, text, kind)
        elif kind == "slot":
            rich_slot(doc, text)
        elif kind == "note":
            instruction(doc, text)
        elif kind == "grade":
            field_line(doc, [Field(GRADE_LABEL, text, bold_value=True)], style=VAN_BAN)

def fixed_table(doc: DocumentObject, headers: Sequence[str], rows: Sequence[Sequence[str]],
                widths: Sequence[Length], size: float = 13) -> Table:
    """A grid table of fixed rows (no loop): bold centred header row, then one row per item; rows never split."""
    table = doc.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = next(s for s in doc.styles if s.style_id == "TableGrid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    set_widths(table, widths)
    for index, texts in enumerate((headers, *rows)):
        row = table.rows[index]
        row._tr.get_or_add_trPr().append(row._tr.makeelement(qn("w:cantSplit"), {}))
        for cell, text in zip(row.cells, texts):
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            if index == 0:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if text:
                add_run(paragraph, Line(text, bold=index == 0, size=size))
    return table
