"""Tests for service.richtext: Markdown rendered through a real docxtpl template and read back."""
import io
import unicodedata

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docxtpl import DocxTemplate, RichTextParagraph
from jinja2.sandbox import SandboxedEnvironment

from service.richtext import (BODY_STYLE, BULLET_STYLE, BULLET_STYLE_2, NUMBER_STYLE, NUMBER_STYLE_2,
                              STYLES, markdown_to_paragraphs, plain_lines)


@pytest.fixture(scope="module")
def template_bytes() -> bytes:
    """A template with the five styles and one `{{p body }}` paragraph between two fixed ones."""
    document = docx.Document()
    for style_id in STYLES:
        document.styles.add_style(style_id, WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("TRƯỚC")
    document.add_paragraph("{{p body }}")
    document.add_paragraph("SAU")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def render(template_bytes):
    """Render Markdown into the template and return the body paragraphs between TRƯỚC and SAU."""
    def _render(src: str, jinja_env=None):
        template = DocxTemplate(io.BytesIO(template_bytes))
        template.render({"body": markdown_to_paragraphs(src)}, jinja_env=jinja_env, autoescape=True)
        out = io.BytesIO()
        template.save(out)
        paragraphs = docx.Document(io.BytesIO(out.getvalue())).paragraphs
        assert paragraphs[0].text == "TRƯỚC" and paragraphs[-1].text == "SAU"
        return paragraphs[1:-1]
    return _render


def texts(paragraphs):
    return [p.text for p in paragraphs]


def styles(paragraphs):
    return [p.style.style_id for p in paragraphs]


def runs(paragraph):
    return [(r.text, bool(r.bold), bool(r.italic)) for r in paragraph.runs if r.text]


def test_style_ids_and_names():
    assert set(STYLES) == {BODY_STYLE, BULLET_STYLE, BULLET_STYLE_2, NUMBER_STYLE, NUMBER_STYLE_2}
    assert STYLES[BODY_STYLE] == "Văn bản" and STYLES[BULLET_STYLE] == "Danh sách gạch"


def test_paragraphs_and_line_breaks(render):
    got = render("Đoạn một,\ndòng hai.\n\n\nĐoạn hai.")
    assert texts(got) == ["Đoạn một,\ndòng hai.", "Đoạn hai."]
    assert styles(got) == [BODY_STYLE, BODY_STYLE]


@pytest.mark.parametrize("src, expected", [
    ("Rất **tốt** lắm", [("Rất ", False, False), ("tốt", True, False), (" lắm", False, False)]),
    ("Rất *tốt* lắm", [("Rất ", False, False), ("tốt", False, True), (" lắm", False, False)]),
    ("Rất _tốt_ lắm", [("Rất ", False, False), ("tốt", False, True), (" lắm", False, False)]),
    ("Rất ***tốt*** lắm", [("Rất ", False, False), ("tốt", True, True), (" lắm", False, False)]),
    ("**Đậm *và nghiêng***", [("Đậm ", True, False), ("và nghiêng", True, True)]),
    ("# Tiêu đề", [("Tiêu đề", True, False)]),
    ("snake_case_name", [("snake_case_name", False, False)]),
])
def test_bold_and_italic(render, src, expected):
    (paragraph,) = render(src)
    assert runs(paragraph) == expected
    assert paragraph.style.style_id == BODY_STYLE


def test_bullet_lists_one_level_deep(render):
    got = render("Mở đầu:\n\n- Một\n- **Hai**\n    - Hai a\n    - Hai b\n- Ba\n\n+ Khác\n* Nữa")
    assert texts(got) == ["Mở đầu:", "Một", "Hai", "Hai a", "Hai b", "Ba", "Khác", "Nữa"]
    assert styles(got) == [BODY_STYLE] + [BULLET_STYLE] * 2 + [BULLET_STYLE_2] * 2 + [BULLET_STYLE] * 3
    assert runs(got[2]) == [("Hai", True, False)]  # no literal bullet: the style numbers it


def test_numbered_lists_restart_for_each_list(render):
    got = render("1. Một\n2. Hai\n    1. Hai một\n3. Ba\n\nỞ giữa.\n\n1. Lại một\n1. Lại hai")
    assert texts(got) == ["1.\tMột", "2.\tHai", "1.\tHai một", "3.\tBa", "Ở giữa.", "1.\tLại một", "2.\tLại hai"]
    assert styles(got) == [NUMBER_STYLE] * 2 + [NUMBER_STYLE_2] + [NUMBER_STYLE, BODY_STYLE] + [NUMBER_STYLE] * 2


def test_list_kinds_do_not_merge_and_start_number_is_kept(render):
    got = render("1. Một\n- Gạch\n\n5. Năm\n6. Sáu")
    assert texts(got) == ["1.\tMột", "Gạch", "5.\tNăm", "6.\tSáu"]
    assert styles(got) == [NUMBER_STYLE, BULLET_STYLE, NUMBER_STYLE, NUMBER_STYLE]


def test_lists_typed_in_a_textarea_without_blank_lines(render):
    got = render("Ưu điểm:\n- Một\n- Hai\nHạn chế:\n1. Ba\n2. Bốn\n  vẫn là mục Bốn\nKết luận.")
    assert texts(got) == ["Ưu điểm:", "Một", "Hai", "Hạn chế:", "1.\tBa", "2.\tBốn\nvẫn là mục Bốn", "Kết luận."]
    assert styles(got) == [BODY_STYLE, BULLET_STYLE, BULLET_STYLE, BODY_STYLE, NUMBER_STYLE, NUMBER_STYLE,
                           BODY_STYLE]


def test_a_year_at_the_start_of_a_line_is_not_a_list(render):
    assert texts(render("Trong năm\n2025. Đảng bộ hoàn thành")) == ["Trong năm\n2025. Đảng bộ hoàn thành"]


@pytest.mark.parametrize("literal", [
    "{{ x }}", "{% if a %}có{% endif %}", "{{p body }}", "<w:p>", "</w:t></w:r>", "<b>không đậm</b>",
    "<script>alert(1)</script>", "A & B", "&amp; &lt; &#39; &copy;", "“ngoặc kép” \"thẳng\" 'đơn'",
    "{_{ x", "y }_}", "{_% z", "[liên kết](http://x.vn)", "`mã`", "---", "C:\\Users\\a",
])
def test_user_text_prints_literally(render, literal):
    assert texts(render(f"Trước {literal} sau")) == [f"Trước {literal} sau"]
    assert plain_lines(f"Trước {literal} sau") == [f"Trước {literal} sau"]


@pytest.mark.parametrize("jinja_env", [None, SandboxedEnvironment(autoescape=True)])
def test_escaped_exactly_once_in_either_environment(render, jinja_env):
    got = render("**A & B** <i>x</i>\n\n- \"q\" & 'q'", jinja_env=jinja_env)
    assert texts(got) == ["A & B <i>x</i>", "\"q\" & 'q'"]
    assert runs(got[0])[0] == ("A & B", True, False)


def test_tabs_survive(render):
    got = render("\tThụt đầu dòng\tvà giữa dòng\n\n- mục\tcó tab")
    assert texts(got) == ["\tThụt đầu dòng\tvà giữa dòng", "mục\tcó tab"]
    assert styles(got) == [BODY_STYLE, BULLET_STYLE]


def test_control_characters_are_removed(render):
    assert texts(render("a\x0bb\x00c\x07d\x0ce\ufffff")) == ["abcdef"]


def test_nfd_input_comes_back_nfc(render):
    src = unicodedata.normalize("NFD", "Nguyễn Thị Ánh **đạt** yêu cầu")
    got = render(src)
    assert texts(got) == ["Nguyễn Thị Ánh đạt yêu cầu"]
    assert runs(got[0])[1] == ("đạt", True, False)


@pytest.mark.parametrize("src", ["", "   ", "\n\n\t \n", "\x00\x0b"])
def test_empty_input_renders_nothing(render, src):
    assert markdown_to_paragraphs(src).xml == ""
    assert isinstance(markdown_to_paragraphs(src), RichTextParagraph)
    assert render(src) == []
    assert plain_lines(src) == []


def test_a_list_item_of_several_paragraphs_stays_one_item(render):
    got = render("- Một\n\n    còn tiếp\n- Hai")
    assert texts(got) == ["Một\ncòn tiếp", "Hai"]
    assert styles(got) == [BULLET_STYLE, BULLET_STYLE]


def test_plain_lines():
    src = "# Tiêu đề\n\nMột **đậm**\nhai\n\n- a\n    - b\n\n1. x\n2. y"
    assert plain_lines(src) == ["Tiêu đề", "Một đậm", "hai", "- a", "  - b", "1. x", "2. y"]

