"""Base document for Party templates: A4 page, Times New Roman everywhere, the shared styles and numbering."""
from __future__ import annotations

import datetime as dt
import re

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Length, Mm, Pt
from lxml import etree

FONT = "Times New Roman"
SYMBOL_FONT = "DejaVu Sans"  # Liberation Serif lacks ☐ U+2610 / ☒ U+2612
BODY_PT = 14
LINE_SPACING = 1.15
TEXT_WIDTH = Mm(210 - 30 - 15)  # A4 minus left 30 mm and right 15 mm
FIXED_TIME = dt.datetime(2025, 1, 1, 0, 0, 0)  # fixed so regenerated templates are byte-stable

# Style IDs referenced by docxtpl RichTextParagraph(parastyle=...) in the service: do not rename.
VAN_BAN = "VanBan"
GACH_1 = "DanhSachGach"
GACH_2 = "DanhSachGach2"
SO_1 = "DanhSachSo"
SO_2 = "DanhSachSo2"
# Styles of the printed skeleton.
TIEU_DE = ("TieuDe1", "TieuDe2", "TieuDe3")
HUONG_DAN = "HuongDan"
THONG_TIN = "ThongTin"

_KEEP_STYLES = {"Normal", "Header", "Footer", "DefaultParagraphFont", "TableNormal", "NoList", "TableGrid"}
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_FONT_TABLE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:fonts {nsdecls("w")}>'
    f'<w:font w:name="{FONT}"><w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/>'
    '<w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>'
    f'<w:font w:name="{SYMBOL_FONT}"><w:panose1 w:val="020B0603030804020204"/><w:charset w:val="00"/>'
    '<w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>'
    '<w:font w:name="Symbol"><w:charset w:val="02"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>'
    '</w:fonts>'
)


def set_fonts(r_pr: etree._Element, name: str = FONT) -> None:
    """Name the font for all four scripts so no theme font (Calibri/Cambria) can leak in."""
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = etree.Element(qn("w:rFonts"))
        first = r_pr[0] if len(r_pr) else None
        r_pr.insert(1 if first is not None and first.tag == qn("w:rStyle") else 0, fonts)
    for attr in _THEME_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), name)


def _clean_package(doc: DocumentObject) -> None:
    """Drop python-docx's leftover parts (thumbnail, customXml, stylesWithEffects) and Office font names."""
    for rels, types in ((doc.part.package.rels, {RT.THUMBNAIL}),
                        (doc.part.rels, {RT.CUSTOM_XML, "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"})):
        for r_id in [k for k, rel in rels.items() if rel.reltype in types]:
            rels.pop(r_id)
    for rel in doc.part.rels.values():
        part = rel.target_part
        if rel.reltype == RT.FONT_TABLE:
            part._blob = _FONT_TABLE.encode("utf-8")
        elif rel.reltype == RT.THEME:
            text = part.blob.decode("utf-8")
            part._blob = re.sub(r'(<a:latin typeface=")[^"]*(")', rf"\g<1>{FONT}\g<2>", text).encode("utf-8")
    settings = doc.settings.element
    for el in settings.findall(qn("m:mathPr")):
        settings.remove(el)
    for el in settings.findall(qn("w:themeFontLang")):
        el.attrib.clear()
        el.set(qn("w:val"), "vi-VN")


def _clean_styles(doc: DocumentObject) -> None:
    """Keep only the basic styles and make Times New Roman 14 the document default."""
    root = doc.styles.element
    for style in root.findall(qn("w:style")):
        if style.get(qn("w:styleId")) not in _KEEP_STYLES:
            root.remove(style)
        for link in style.findall(qn("w:link")):
            style.remove(link)
    defaults = root.find(qn("w:docDefaults"))
    r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(r_pr)
    for tag in ("w:sz", "w:szCs"):
        r_pr.find(qn(tag)).set(qn("w:val"), str(BODY_PT * 2))
    lang = r_pr.find(qn("w:lang"))
    lang.set(qn("w:val"), "vi-VN")
    p_pr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    p_pr.remove(p_pr.find(qn("w:spacing")))
    p_pr.append(parse_xml(f'<w:spacing {nsdecls("w")} w:after="0" w:line="240" w:lineRule="auto"/>'))
    for fonts in root.iter(qn("w:rFonts")):
        set_fonts(fonts.getparent())
    for sid in ("Header", "Footer"):  # python-docx's tab stops are for US Letter
        fmt = _style_by_id(doc, sid).paragraph_format
        fmt.tab_stops.clear_all()
        fmt.tab_stops.add_tab_stop(Length(int(TEXT_WIDTH) // 2), WD_TAB_ALIGNMENT.CENTER)
        fmt.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)


def _numbering(doc: DocumentObject) -> dict[str, int]:
    """Real Word bullets ('-' then '+', the Vietnamese custom) for the two bullet styles."""
    root = doc.part.numbering_part.element
    for child in list(root):
        root.remove(child)
    ids: dict[str, int] = {}
    for n, (style_id, symbol, left) in enumerate(((GACH_1, "-", Cm(1.5)), (GACH_2, "+", Cm(2.0))), start=1):
        root.insert(n - 1, parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{n}"><w:nsid w:val="5A3C0{n:03X}"/>'
            f'<w:multiLevelType w:val="singleLevel"/><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            f'<w:numFmt w:val="bullet"/><w:pStyle w:val="{style_id}"/><w:lvlText w:val="{symbol}"/>'
            f'<w:lvlJc w:val="left"/><w:pPr><w:tabs><w:tab w:val="num" w:pos="{left.twips}"/></w:tabs>'
            f'<w:ind w:left="{left.twips}" w:hanging="{Cm(0.5).twips}"/></w:pPr>'
            f'<w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" w:eastAsia="{FONT}"/></w:rPr>'
            '</w:lvl></w:abstractNum>'))
        root.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{n}"><w:abstractNumId w:val="{n}"/></w:num>'))
        ids[style_id] = n
    return ids


def _add_style(doc: DocumentObject, style_id: str, name: str, base: str = "Normal", *, align: int | None = None,
               first_line: Length | None = None, left: Length | None = None, after: float = 6,
               bold: bool = False, italic: bool = False, keep_next: bool = False, outline: int | None = None,
               num_id: int | None = None, tab: Length | None = None) -> None:
    """One paragraph style with an explicit ID, Times New Roman and the given layout."""
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = style_id
    style.base_style = _style_by_id(doc, base)
    style.quick_style = True
    set_fonts(style.element.get_or_add_rPr())
    style.font.size = Pt(BODY_PT)
    style.font.bold, style.font.italic = bold or None, italic or None
    fmt = style.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY if align is None else align
    fmt.first_line_indent, fmt.left_indent = first_line, left
    fmt.space_before, fmt.space_after = Pt(0), Pt(after)
    fmt.line_spacing = LINE_SPACING
    fmt.keep_with_next = keep_next or None
    fmt.widow_control = True
    if tab is not None:
        fmt.tab_stops.add_tab_stop(tab)
    p_pr = style.element.get_or_add_pPr()
    if num_id is not None:
        p_pr._insert_numPr(parse_xml(f'<w:numPr {nsdecls("w")}><w:numId w:val="{num_id}"/></w:numPr>'))
    if outline is not None:
        p_pr.get_or_add_outlineLvl().set(qn("w:val"), str(outline))


def _style_by_id(doc: DocumentObject, style_id: str):  # noqa: ANN202 - python-docx style object
    """python-docx looks styles up by name; templates think in IDs."""
    return next(s for s in doc.styles if s.style_id == style_id)


def _define_styles(doc: DocumentObject) -> None:
    """The body, list, heading and instruction styles shared by every template."""
    normal = doc.styles["Normal"]
    set_fonts(normal.element.get_or_add_rPr())
    normal.font.size = Pt(BODY_PT)
    nums = _numbering(doc)
    _add_style(doc, VAN_BAN, "Văn bản", first_line=Cm(1))
    _add_style(doc, GACH_1, "Danh sách gạch", VAN_BAN, first_line=Cm(-0.5), left=Cm(1.5), num_id=nums[GACH_1])
    _add_style(doc, GACH_2, "Danh sách gạch 2", VAN_BAN, first_line=Cm(-0.5), left=Cm(2.0), num_id=nums[GACH_2])
    _add_style(doc, SO_1, "Danh sách số", VAN_BAN, first_line=Cm(-0.75), left=Cm(1.75), tab=Cm(1.75))
    _add_style(doc, SO_2, "Danh sách số 2", VAN_BAN, first_line=Cm(-0.75), left=Cm(2.5), tab=Cm(2.5))
    for level, style_id in enumerate(TIEU_DE):
        _add_style(doc, style_id, f"Tiêu đề mục {level + 1}", VAN_BAN, bold=True, keep_next=True, outline=level)
    _add_style(doc, HUONG_DAN, "Hướng dẫn", VAN_BAN, italic=True, keep_next=True)
    _add_style(doc, THONG_TIN, "Thông tin", first_line=Cm(0), align=WD_ALIGN_PARAGRAPH.LEFT)


def new_document(title: str, subject: str, comments: str) -> DocumentObject:
    """A clean A4 Party document; title/subject/comments go to core properties, never to the printed page."""
    doc = Document()
    _clean_package(doc)
    _clean_styles(doc)
    _define_styles(doc)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    props = doc.core_properties
    props.title, props.subject, props.comments = title, subject, comments
    props.author = props.last_modified_by = "tools/build_templates.py"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    props.language = "vi-VN"
    body = doc.element.body
    for p in body.findall(qn("w:p")):  # the template's empty first paragraph
        body.remove(p)
    return doc
