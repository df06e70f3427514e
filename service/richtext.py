"""Markdown typed in long answers → Word paragraphs for a docxtpl `{{p name }}` tag."""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser

import markdown
from docxtpl import RichText, RichTextParagraph
from markdown.extensions import Extension

from service.text import clean

# Paragraph style IDs (what <w:pStyle w:val> needs); every DOCX template defines exactly these.
BODY_STYLE = "VanBan"  # body text: justified, first-line indent
BULLET_STYLE = "DanhSachGach"  # bullet item, level 1: the style's numbering draws the bullet
BULLET_STYLE_2 = "DanhSachGach2"
NUMBER_STYLE = "DanhSachSo"  # numbered item: hanging indent, the number is literal text "1.<tab>"
NUMBER_STYLE_2 = "DanhSachSo2"
STYLES: dict[str, str] = {
    BODY_STYLE: "Văn bản",
    BULLET_STYLE: "Danh sách gạch",
    BULLET_STYLE_2: "Danh sách gạch cấp 2",
    NUMBER_STYLE: "Danh sách số",
    NUMBER_STYLE_2: "Danh sách số cấp 2",
}

# Markdown expands tabs to spaces, so a tab travels through it as \x01, which clean() has removed
# from the input.  Tabs before a list marker stay real: there they are list indentation.
_TAB = "\x01"
_LIST_HEAD = re.compile(r"[ \t]*(?:[-*+]|\d+\.)[ \t]+")
_YEAR_HEAD = re.compile(r"[ \t]*\d{3,}\.")  # "2025. Đảng bộ…" on a new line is a sentence, not a list
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
Run = tuple[str, bool, bool]  # (text, bold, italic)


class _OnlyWhatWeRender(Extension):
    """Turn off Markdown features that would eat or mangle literal text we cannot render."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # code blocks/spans escape '&' a second time; links, references and rules drop text.
        for name in ("code", "reference", "hr"):
            md.parser.blockprocessors.deregister(name)
        for name in ("backtick", "reference", "link", "image_link", "image_reference",
                     "short_reference", "short_image_ref", "autolink", "automail", "linebreak"):
            md.inlinePatterns.deregister(name)


@dataclass
class _Para:
    style: str
    number: int | None = None
    runs: list[Run] = field(default_factory=list)


class _Walker(HTMLParser):
    """Collect Markdown's HTML as paragraphs of formatted runs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # entities decode back to the user's characters
        self.paras: list[_Para] = []
        self.lists: list[list] = []  # [tag, next number] per open list
        self.current: _Para | None = None
        self.bold = self.italic = 0
        self.inline = False  # inside a p, li or heading, where whitespace is text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.inline = tag in ("li", "p", *_HEADINGS) or (self.inline and tag not in ("ul", "ol"))
        if tag in ("ul", "ol"):
            self._flush()
            start = dict(attrs).get("start") or "1"
            self.lists.append([tag, int(start) if start.isdigit() else 1])
        elif tag == "li":
            self._flush()
            kind, number = self.lists[-1]
            nested = len(self.lists) > 1  # deeper lists render as level 2
            if kind == "ol":
                self.lists[-1][1] += 1
                self.current = _Para(NUMBER_STYLE_2 if nested else NUMBER_STYLE, number)
            else:
                self.current = _Para(BULLET_STYLE_2 if nested else BULLET_STYLE)
        elif tag == "p":
            if self.current is not None and self.lists:  # a loose item's paragraph
                if self._has_text():
                    self.current.runs.append(("\n", False, False))
                return
            self._flush()
            self.current = _Para(BODY_STYLE)
        elif tag in _HEADINGS:
            self._flush()
            self.current = _Para(BODY_STYLE)
            self.bold += 1
        elif tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag == "br":
            self.handle_data("\n")

    def handle_endtag(self, tag: str) -> None:
        self.inline = self.inline and tag not in ("ul", "ol", "li", "p", *_HEADINGS)
        if tag in ("ul", "ol"):
            self._flush()
            self.lists.pop()
        elif tag == "li" or (tag == "p" and not self.lists):
            self._flush()
        elif tag in _HEADINGS:
            self.bold -= 1
            self._flush()
        elif tag in ("strong", "b"):
            self.bold -= 1
        elif tag in ("em", "i"):
            self.italic -= 1

    def handle_data(self, data: str) -> None:
        if not self.inline and not data.strip():
            return  # whitespace between block tags
        if self.current is None:
            self.current = _Para(BODY_STYLE)
        data = re.sub("\n +", "\n", data).replace(_TAB, "\t")  # indented continuation lines
        self.current.runs.append((data, self.bold > 0, self.italic > 0))

    def close(self) -> None:
        super().close()
        self._flush()

    def _has_text(self) -> bool:
        return self.current is not None and any(t.strip() for t, _, _ in self.current.runs)

    def _flush(self) -> None:
        """Close the current paragraph: trim the newlines Markdown leaves at its edges, merge runs."""
        para, self.current = self.current, None
        if para is None or not any(t.strip() for t, _, _ in para.runs):
            return
        runs = [r for r in para.runs if r[0]]
        while not runs[0][0].lstrip(" \n"):
            runs.pop(0)
        while not runs[-1][0].rstrip(" \n"):
            runs.pop()
        runs[0] = (runs[0][0].lstrip(" \n"), *runs[0][1:])
        runs[-1] = (runs[-1][0].rstrip(" \n"), *runs[-1][1:])
        merged: list[Run] = []
        for text, bold, italic in runs:
            if merged and merged[-1][1:] == (bold, italic):
                merged[-1] = (merged[-1][0] + text, bold, italic)
            else:
                merged.append((text, bold, italic))
        para.runs = merged
        self.paras.append(para)


def _prepare(text: str) -> str:
    """Protect tabs, and add the blank lines Python-Markdown needs to see the lists people type.

    In a textarea people write "Ưu điểm:" then "- …" lines, then "Hạn chế:" on the next line;
    Markdown would fold that into one paragraph or one item (a lazy continuation), and it
    nests or merges items after a loose item.  A blank line before every item, and after a
    list before an unindented line, makes every list loose, which renders the same.
    """
    lines: list[str] = []
    in_list = False
    for line in text.split("\n"):
        line = line.rstrip(" ")
        head = m.group(0) if (m := _LIST_HEAD.match(line)) else ""
        if head and _YEAR_HEAD.match(head) and not in_list:
            head = ""
        starts_block = bool(head) or (in_list and line[:1] not in ("", " ", "\t"))
        if starts_block and lines and lines[-1]:
            lines.append("")
        in_list = bool(head) or (in_list and line[:1] in ("", " ", "\t"))
        lines.append(head + line[len(head):].replace("\t", _TAB))
    return "\n".join(lines)


_LOCAL = threading.local()


def _markdown() -> markdown.Markdown:
    """This thread's Markdown converter, reset for new input: building one (its parsers and patterns) cost more
    than converting a typical answer, and a packet converts hundreds."""
    md = getattr(_LOCAL, "md", None)
    if md is None:
        md = _LOCAL.md = markdown.Markdown(extensions=["sane_lists", _OnlyWhatWeRender()])
    return md.reset()


def _paragraphs(text: str) -> list[_Para]:
    """Parse the user's Markdown into paragraphs, with raw HTML kept as literal text."""
    text = clean(text)
    if not text.strip():
        return []
    # Python-Markdown passes raw HTML through: escape it so it prints as typed.
    source = _prepare(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    html = _markdown().convert(source)
    walker = _Walker()
    walker.feed(html)
    walker.close()
    return walker.paras


def markdown_to_paragraphs(text: str) -> RichTextParagraph:
    """Build styled Word paragraphs from Markdown; docxtpl turns \\n into breaks and \\t into tabs."""
    result = RichTextParagraph()
    for para in _paragraphs(text):
        rich = RichText()
        if para.number is not None:
            rich.add(f"{para.number}.\t")  # literal, so every list restarts at 1
        for run_text, bold, italic in para.runs:
            rich.add(run_text, bold=bold, italic=italic)  # RichText XML-escapes, once
        # docxtpl turns "{_{" "}_}" "{_%" "%_}" in rendered XML back into Jinja delimiters.
        rich.xml = rich.xml.replace("{_", "&#123;_").replace("_}", "_&#125;")
        result.add(rich, parastyle=para.style)
    return result


def plain_lines(text: str) -> list[str]:
    """Render the same Markdown as plain lines (bullets "- ", numbers "1. ") for cells and tests."""
    out: list[str] = []
    for para in _paragraphs(text):
        body = "".join(t for t, _, _ in para.runs)
        if para.number is not None:
            body = f"{para.number}. {body}"
        elif para.style in (BULLET_STYLE, BULLET_STYLE_2):
            body = "- " + body
        if para.style in (BULLET_STYLE_2, NUMBER_STYLE_2):
            body = "  " + body
        out.extend(body.split("\n"))
    return out
