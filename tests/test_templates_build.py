"""The generated personal-review templates: contract variables, printed headings, fonts, page setup, PDF output."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import unicodedata
import uuid
import zipfile
from pathlib import Path
from typing import Callable

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate, RichTextParagraph

REPO = Path(__file__).resolve().parents[1]
NAMES = ("qd366", "qd124")
COMMON = {"form_code", "superior_body", "issuing_body", "place_date", "year", "full_name", "birth_date", "work_unit",
          "chi_bo", "a_i_1", "a_i_2", "a_i_3", "a_ii_1", "a_ii_2", "a_iii", "a_iv", "a_v", "a_vi", "mark_xuat_sac",
          "mark_tot", "mark_hoan_thanh", "mark_khong_hoan_thanh"}
VARIABLES = {
    "qd366": COMMON | {"score_general", "score_tasks", "score_total"},
    "qd124": COMMON | {"party_post", "government_post", "union_post", "grade_i_1", "grade_i_2", "grade_iii",
                       "civil_servant_level"},
}
RICH = sorted(v for v in COMMON if v.startswith("a_"))
PARTY_HEADER = ["Mẫu 2B-HD KĐ.ĐG 2025", "ĐẢNG BỘ XÃ TÂN HIỆP", "CHI BỘ ẤP MỘT", "*", "ĐẢNG CỘNG SẢN VIỆT NAM",
                "Tân Hiệp, ngày 15 tháng 12 năm 2025"]
A_I_1 = ("1. Về phẩm chất chính trị, đạo đức, lối sống; tinh thần đoàn kết, thống nhất trong nội bộ; ý thức tổ chức "
         "kỷ luật, trách nhiệm nêu gương, việc thực hiện những điều đảng viên không được làm; tác phong, lề lối làm "
         "việc. Liên hệ các biểu hiện về suy thoái, \"tự diễn biến\", \"tự chuyển hoá\".")
III = ("III. Kết quả khắc phục những hạn chế, khuyết điểm đã được cấp có thẩm quyền kết luận hoặc được chỉ ra ở các "
       "kỳ kiểm điểm trước")
IV = "IV. Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)"
V = "V. Làm rõ trách nhiệm của cá nhân đối với những hạn chế, khuyết điểm của tập thể (nếu có)"
VI = "VI. Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm"
LEVELS = ["☐ Hoàn thành xuất sắc nhiệm vụ", "☒ Hoàn thành tốt nhiệm vụ", "☐ Hoàn thành nhiệm vụ",
          "☐ Không hoàn thành nhiệm vụ"]
SIGNATURE = ["NGƯỜI TỰ KIỂM ĐIỂM", "(Ký, ghi rõ họ tên)", "Nguyễn Thị Ánh Tuyết"]
# What must be printed, in order (HD 43 Mẫu 2B / HD 25 Mẫu 02A, docs/REGULATIONS.md); "<var>" marks where an answer goes.
EXPECTED = {
    "qd366": PARTY_HEADER + [
        "BẢN KIỂM ĐIỂM, TỰ ĐÁNH GIÁ, XẾP LOẠI CÁ NHÂN", "Năm 2025", "(Cá nhân không giữ chức vụ lãnh đạo, quản lý)",
        "Họ và tên: Nguyễn Thị Ánh Tuyết", "Ngày sinh: 05/12/1980", "Đơn vị công tác: Phòng Tài chính & Kế hoạch",
        "Chi bộ: Chi bộ Văn phòng <số 1>", "A. NỘI DUNG KIỂM ĐIỂM", "I. Ưu điểm, kết quả đạt được", A_I_1,
        "<a_i_1>", "2. Việc thực hiện nhiệm vụ, quyền hạn và kết quả thực hiện các chỉ tiêu, nhiệm vụ được giao trong "
        "năm, gắn với hiệu quả, tiến độ, chất lượng công việc.", "<a_i_2>",
        "3. Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu của cá nhân theo quy định.", "<a_i_3>",
        "II. Hạn chế, khuyết điểm và nguyên nhân", "1. Hạn chế, khuyết điểm.", "<a_ii_1>",
        "2. Nguyên nhân của hạn chế, khuyết điểm.", "<a_ii_2>", III,
        "Kiểm điểm rõ từng hạn chế, khuyết điểm (đã được khắc phục; đang khắc phục, mức độ khắc phục; chưa được khắc "
        "phục); những khó khăn, vướng mắc (nếu có); trách nhiệm của cá nhân.", "<a_iii>", IV,
        "Giải trình từng vấn đề được gợi ý kiểm điểm, nêu nguyên nhân, xác định trách nhiệm của cá nhân đối với từng "
        "vấn đề được gợi ý kiểm điểm.", "<a_iv>", V, "<a_v>", VI, "<a_vi>", "B. NỘI DUNG TỰ ĐÁNH GIÁ, XẾP LOẠI",
        "I. Đánh giá theo các nhóm tiêu chí",
        "Trên cơ sở cụ thể hoá khung tiêu chí đánh giá đối với cá nhân không giữ chức vụ lãnh đạo, quản lý được quy "
        "định tại Phụ lục 4, Quy định 366-QĐ/TW, cá nhân tự đánh giá, chấm điểm theo các tiêu chí được cụ thể hóa "
        "như sau:", "1. Nhóm tiêu chí chung: 27,5/30 điểm",
        "2. Nhóm tiêu chí về kết quả thực hiện nhiệm vụ: 63/70 điểm", "Tổng điểm: 90,5/100 điểm",
        "II. Đề xuất xếp loại mức chất lượng", *LEVELS,
        "(Gửi kèm Phụ lục về kết quả thực hiện nhiệm vụ trong đó thể hiện sản phẩm tiến độ, chất lượng cụ thể - theo "
        "hướng dẫn của các cấp uỷ, tổ chức đảng)", *SIGNATURE],
    "qd124": PARTY_HEADER + [
        "BẢN KIỂM ĐIỂM CÁ NHÂN", "Năm 2025", "(Cá nhân không giữ chức vụ lãnh đạo, quản lý)",
        "Họ và tên: Nguyễn Thị Ánh Tuyết", "Ngày sinh: 05/12/1980", "Chức vụ Đảng: Chi ủy viên",
        "Chức vụ chính quyền: Phó Trưởng phòng", "Chức vụ đoàn thể: Ủy viên Ban Chấp hành Công đoàn",
        "Đơn vị công tác: Phòng Tài chính & Kế hoạch", "Chi bộ: Chi bộ Văn phòng <số 1>",
        "I. Ưu điểm, kết quả đạt được",
        "1. Về phẩm chất chính trị; phẩm chất đạo đức, lối sống; ý thức tổ chức kỷ luật; tác phong, lề lối làm việc",
        "<a_i_1>", "Tự đánh giá về cấp độ thực hiện: Tốt", "2. Về thực hiện chức trách, nhiệm vụ được giao",
        "<a_i_2>", "Tự đánh giá về cấp độ thực hiện: Xuất sắc",
        "3. Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu hằng năm", "<a_i_3>",
        "II. Hạn chế, khuyết điểm và nguyên nhân", "1. Hạn chế, khuyết điểm", "<a_ii_1>",
        "2. Nguyên nhân của hạn chế, khuyết điểm.", "<a_ii_2>", III, "<a_iii>",
        "Tự đánh giá về cấp độ thực hiện: Trung bình", IV, "<a_iv>", V, "<a_v>", VI, "<a_vi>",
        "VII. Tự nhận mức xếp loại chất lượng", "1. Xếp loại cán bộ, công chức, viên chức: Hoàn thành tốt nhiệm vụ",
        "2. Xếp loại đảng viên", *LEVELS, *SIGNATURE, "Đánh giá, xếp loại chất lượng công chức, viên chức",
        "- Nhận xét, đánh giá của người quản lý, sử dụng công chức, viên chức:",
        "- Mức xếp loại chất lượng công chức, viên chức:", "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ",
        "(Xác lập thời điểm, ký, ghi rõ họ tên và đóng dấu)", "Đánh giá, xếp loại chất lượng đảng viên",
        "- Nhận xét, đánh giá của chi ủy:", "- Chi bộ đề xuất xếp loại mức chất lượng:", "T/M CHI ỦY (CHI BỘ)",
        "(Xác lập thời điểm, ký, ghi rõ họ tên)", "- Đảng ủy, chi ủy cơ sở xếp loại mức chất lượng:",
        "T/M ĐẢNG UỶ (CHI UỶ)", "(Xác lập thời điểm, ký, ghi rõ họ tên)"],
}
LONG = ("Luôn kiên định chủ nghĩa Mác - Lênin, tư tưởng Hồ Chí Minh; chấp hành nghiêm chủ trương, đường lối của Đảng, "
        "chính sách, pháp luật của Nhà nước; giữ gìn phẩm chất đạo đức, lối sống giản dị, gần gũi quần chúng. ")


def answer(var: str) -> RichTextParagraph:
    """A realistic multi-paragraph answer using every markdown style the service inserts."""
    rich = RichTextParagraph()
    rich.add(f"Nội dung trả lời mục {var}. " + LONG * 2, parastyle="VanBan")
    rich.add(f"Gương mẫu thực hiện Quy định 08-QĐi/TW <mục {var}> & các quy định nêu gương.", parastyle="DanhSachGach")
    rich.add("Tham gia đầy đủ sinh hoạt chi bộ, đóng đảng phí đúng quy định.", parastyle="DanhSachGach2")
    rich.add("1.\tHoàn thành 100% chỉ tiêu công việc được giao trong năm.", parastyle="DanhSachSo")
    rich.add("a)\tTiến độ bảo đảm, chất lượng tốt.", parastyle="DanhSachSo2")
    return rich


def context(name: str) -> dict[str, object]:
    """Values as the web forms provide them (note the & and < that autoescape must keep)."""
    ctx: dict[str, object] = {
        "form_code": "Mẫu 2B-HD KĐ.ĐG 2025", "superior_body": "ĐẢNG BỘ XÃ TÂN HIỆP", "issuing_body": "CHI BỘ ẤP MỘT",
        "place_date": "Tân Hiệp, ngày 15 tháng 12 năm 2025", "year": "2025", "full_name": "Nguyễn Thị Ánh Tuyết",
        "birth_date": "05/12/1980", "work_unit": "Phòng Tài chính & Kế hoạch", "chi_bo": "Chi bộ Văn phòng <số 1>",
        "mark_xuat_sac": "☐", "mark_tot": "☒", "mark_hoan_thanh": "☐", "mark_khong_hoan_thanh": "☐",
        "score_general": "27,5", "score_tasks": "63", "score_total": "90,5", "party_post": "Chi ủy viên",
        "government_post": "Phó Trưởng phòng", "union_post": "Ủy viên Ban Chấp hành Công đoàn", "grade_i_1": "Tốt",
        "grade_i_2": "Xuất sắc", "grade_iii": "Trung bình", "civil_servant_level": "Hoàn thành tốt nhiệm vụ",
    }
    ctx.update({var: answer(var) for var in RICH})
    return {k: v for k, v in ctx.items() if k in VARIABLES[name]}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the real entry point into a temp folder."""
    out = tmp_path_factory.mktemp("built")
    subprocess.run([sys.executable, "-m", "tools.build_templates", "--out", str(out)], check=True, cwd=REPO)
    return out


@pytest.fixture(scope="module")
def rendered(built: Path) -> dict[str, Path]:
    """Each template rendered with docxtpl as the service does (autoescape on)."""
    out = {}
    for name in NAMES:
        tpl = DocxTemplate(built / name / "personal_member.docx")
        tpl.render(context(name), autoescape=True)
        out[name] = built / f"{name}_rendered.docx"
        tpl.save(out[name])
    return out


def parts(path: Path) -> dict[str, bytes]:
    """Every part of a .docx by name."""
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def assert_in_order(text: str, expected: list[str], norm: Callable[[str], str]) -> None:
    """Each expected line occurs in text after the previous one ("<var>" = that answer's first words)."""
    text, pos = norm(text), 0
    for item in expected:
        item = f"Nội dung trả lời mục {item[1:-1]}." if item.startswith("<a_") else item
        found = text.find(norm(item), pos)
        assert found >= 0, f"{item!r} missing or out of order after {text[max(0, pos - 80):pos]!r}"
        pos = found + len(norm(item))


def texts(path: Path) -> list[str]:
    """Paragraph texts in document order, including those inside tables."""
    doc = Document(str(path))
    return [Paragraph(p, doc._body).text for p in doc.element.body.iter(qn("w:p"))]


def test_builder_writes_both_and_committed_files_are_current(built: Path) -> None:
    for name in NAMES:
        fresh = built / name / "personal_member.docx"
        assert fresh.is_file()
        committed = REPO / "doc_templates" / name / "personal_member.docx"
        assert committed.is_file(), f"run python -m tools.build_templates and commit {committed}"
        assert parts(committed) == parts(fresh), f"{committed} is stale: run python -m tools.build_templates"


@pytest.mark.parametrize("name", NAMES)
def test_variables_are_the_contract(built: Path, name: str) -> None:
    path = built / name / "personal_member.docx"
    assert DocxTemplate(path).get_undeclared_template_variables() == VARIABLES[name]
    comments = Document(str(path)).core_properties.comments  # provenance, kept off the printed page
    assert "docs/REGULATIONS.md" in comments and ("UNVERIFIED" in comments) == (name == "qd124")


@pytest.mark.parametrize("name", NAMES)
def test_tags_are_whole_and_alone(built: Path, name: str) -> None:
    doc = Document(str(built / name / "personal_member.docx"))
    for p in doc.element.body.iter(qn("w:p")):
        runs = ["".join(t.text or "" for t in r.iter(qn("w:t"))) for r in p.iter(qn("w:r"))]
        for text in runs:
            assert text.count("{{") == text.count("}}") and text.count("{%") == text.count("%}"), text
        block = [t for t in runs if re.search(r"\{\{p |\{%p |\{%tr ", t)]
        assert len(block) <= 1 and (not block or "".join(runs).strip() == block[0].strip()), runs


@pytest.mark.parametrize("name", NAMES)
def test_fonts_styles_and_numbering(built: Path, name: str) -> None:
    files = parts(built / name / "personal_member.docx")
    for part, blob in files.items():
        assert b"Calibri" not in blob and b"Cambria" not in blob, part
    styles = files["word/styles.xml"].decode()
    assert not re.search(r"w:(asciiTheme|hAnsiTheme|eastAsiaTheme|cstheme)=", styles)
    defaults = re.search(r"<w:rPrDefault>.*?</w:rPrDefault>", styles).group(0)
    for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
        assert f'w:{attr}="Times New Roman"' in defaults
    doc = Document(str(built / name / "personal_member.docx"))
    by_id = {s.style_id: s for s in doc.styles}
    for sid in ("VanBan", "DanhSachGach", "DanhSachGach2", "DanhSachSo", "DanhSachSo2"):
        assert by_id[sid].font.name == "Times New Roman" and by_id[sid].font.size.pt == 14
    assert by_id["VanBan"].paragraph_format.first_line_indent.cm == pytest.approx(1, abs=0.01)
    numbering = files["word/numbering.xml"].decode()
    for sid in ("DanhSachGach", "DanhSachGach2"):
        num_id = by_id[sid].element.pPr.numPr.numId.val
        abstract = re.search(rf'<w:num w:numId="{num_id}"><w:abstractNumId w:val="(\d+)"/>', numbering).group(1)
        assert re.search(rf'w:abstractNumId="{abstract}">.*?<w:numFmt w:val="bullet"/>', numbering)
    for sid in ("DanhSachSo", "DanhSachSo2"):
        fmt = by_id[sid].paragraph_format
        assert by_id[sid].element.pPr.numPr is None and fmt.first_line_indent < 0 and len(fmt.tab_stops) == 1


@pytest.mark.parametrize("name", NAMES)
def test_rendered_document(rendered: dict[str, Path], name: str) -> None:
    lines = texts(rendered[name])
    assert_in_order("\n".join(lines), EXPECTED[name], lambda s: s)
    assert "Gương mẫu thực hiện Quy định 08-QĐi/TW <mục a_vi> & các quy định nêu gương." in lines
    doc = Document(str(rendered[name]))
    section = doc.sections[0]
    got = [section.page_width.mm, section.page_height.mm, section.top_margin.mm, section.bottom_margin.mm,
           section.left_margin.mm, section.right_margin.mm]
    assert got == pytest.approx([210, 297, 20, 20, 30, 15], abs=0.1)
    assert section._sectPr.find(qn("w:titlePg")) is not None
    assert "PAGE" in section.header._element.xml and not section.first_page_header._element.xpath("string(.)")
    marks = [r for r in doc.element.body.iter(qn("w:r")) if (r.xpath("string(w:t)") or "") in ("☐", "☒")]
    assert len(marks) == 4 and all(r.rPr.rFonts.get(qn("w:ascii")) == "DejaVu Sans" for r in marks)
    for part, blob in parts(rendered[name]).items():
        assert b"Calibri" not in blob and b"Cambria" not in blob, part


def test_row_loop_table_and_two_signatures(tmp_path: Path) -> None:
    from tools import docx_builder as b

    doc = b.new_document("t", "s", "c")
    b.data_table(doc, ["STT", "Họ và tên", "Xếp loại"], ["{{ loop.index }}", "{{ m.name }}", "{{ m.level }}"],
                 "for m in members", [b.Mm(15), b.Mm(90), b.Mm(60)])
    b.signature_block(doc, b.signer("BÍ THƯ", None, "{{ chair }}", authority="T/M CHI BỘ"),
                      left=b.signer("THƯ KÝ", None, "{{ secretary }}"))
    b.save_document(doc, tmp_path / "t.docx")
    tpl = DocxTemplate(tmp_path / "t.docx")
    assert tpl.get_undeclared_template_variables() == {"members", "chair", "secretary"}
    members = [{"name": "Lê Văn A", "level": "Tốt"}, {"name": "Trần Thị B", "level": "Xuất sắc"}]
    tpl.render({"members": members, "chair": "Phạm C", "secretary": "Đỗ D"}, autoescape=True)
    tpl.save(tmp_path / "r.docx")
    out = Document(str(tmp_path / "r.docx"))
    rows = [[c.text for c in row.cells] for row in out.tables[0].rows]
    assert rows == [["STT", "Họ và tên", "Xếp loại"], ["1", "Lê Văn A", "Tốt"], ["2", "Trần Thị B", "Xuất sắc"]]
    assert out.tables[0].rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert ["THƯ KÝ", "Đỗ D"] == [t for t in (p.text for p in out.tables[1].cell(0, 0).paragraphs) if t]
    assert ["T/M CHI BỘ", "BÍ THƯ", "Phạm C"] == [t for t in (p.text for p in out.tables[1].cell(0, 1).paragraphs) if t]



def test_pdf_output(rendered: dict[str, Path], tmp_path: Path) -> None:
    profile = f"file:///tmp/lo_test_templates_{uuid.uuid4().hex}"
    try:
        subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(tmp_path), *map(str, rendered.values())],
                       check=True, capture_output=True, timeout=180)
    finally:
        shutil.rmtree(profile.removeprefix("file://"), ignore_errors=True)
    for name in NAMES:
        pdf = tmp_path / f"{name}_rendered.pdf"
        pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                               check=True).stdout.split("\f")
        assert len(pages) > 2, "content should reach page 2"
        assert pages[1].strip().splitlines()[0].strip() == "2", "page number missing on page 2"
        assert "1" not in [line.strip() for line in pages[0].splitlines()], "page 1 must not be numbered"
        body = "".join(p.strip().split("\n", 1)[-1] if i else p for i, p in enumerate(pages))
        assert body == unicodedata.normalize("NFC", body)
        for item in PARTY_HEADER:  # two columns: pdftotext reads them column by column
            assert item in pages[0]
        squeeze = lambda s: "".join(s.split())  # noqa: E731 - lines may also wrap at hyphens
        assert_in_order(body, EXPECTED[name][len(PARTY_HEADER):], squeeze)
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        rows = [line.split() for line in fonts.splitlines()[2:]]
        assert any(("LiberationSerif" in r[0] or "TimesNewRoman" in r[0]) and "yes" in r[-5:-2] for r in rows)
        assert "Carlito" not in fonts and "Caladea" not in fonts
