"""The collective report (Mẫu 01) in both regimes: official headings in order, every value, DOCX and PDF, API errors."""
from __future__ import annotations

import io
import re
import unicodedata

import docx
import pytest
from sqlalchemy import select

from service.kinds.collective import COLLECTIVE_REPORT_124, COLLECTIVE_REPORT_366
from service import documents, output, render
from service.catalog import get_kind
from tests.conftest import docx_paragraphs, pdf_text, squash
from service.samples.collective import SAMPLES, collective_report_366
from tests.conftest import validated as _context
from functools import partial

from tests.conftest import assert_in_order

_in_order = partial(assert_in_order, whole=True)

# HD 43 Mẫu 01 (docs/REGULATIONS.md, Forms), word for word, in document order (with the header, title, score lines and signature around them).
HEADINGS_366 = [
    "Mẫu 01-HD KĐ.ĐG 2025",
    "ĐẢNG CỘNG SẢN VIỆT NAM",
    "BÁO CÁO",
    "KIỂM ĐIỂM, TỰ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CỦA TẬP THỂ",
    "Năm 2026",
    "A. NỘI DUNG KIỂM ĐIỂM",
    "I. Ưu điểm, kết quả đạt được",
    "1. Việc chấp hành nguyên tắc tổ chức và hoạt động, nhất là nguyên tắc tập trung dân chủ; thực hiện quy chế "
    "làm việc.",
    "2. Kết quả thực hiện các mục tiêu, chỉ tiêu, nhiệm vụ được đề ra trong nghị quyết đại hội nhiệm kỳ, kế hoạch, "
    "chương trình công tác năm, được cấp có thẩm quyền giao, phê duyệt và các nhiệm vụ phát sinh, đột xuất được cấp "
    "có thẩm quyền giao.",
    "3. Công tác xây dựng, chỉnh đốn Đảng và hệ thống chính trị; xây dựng tổ chức bộ máy tinh gọn, hoạt động hiệu "
    "năng, hiệu lực, hiệu quả; tinh giản biên chế gắn với cải cách hành chính và chuyển đổi số; năng lực, trách nhiệm "
    "của tập thể lãnh đạo, quản lý; trách nhiệm nêu gương; trách nhiệm giải trình; công tác đấu tranh phòng, chống "
    "tham nhũng, tiêu cực, lãng phí và ngăn chặn, đẩy lùi những biểu hiện suy thoái về tư tưởng chính trị, đạo đức, "
    "lối sống, \"tự diễn biến\", \"tự chuyển hoá\" trong nội bộ gắn với việc học tập và làm theo tư tưởng, đạo đức, "
    "phong cách Hồ Chí Minh; công tác kiểm soát quyền lực, phòng, chống chạy chức, chạy quyền, lợi ích nhóm; xây "
    "dựng và thực hiện cơ chế công khai, minh bạch trong công tác cán bộ; công tác kiểm tra, giám sát, kỷ luật đảng "
    "và công tác tiếp công dân, giải quyết khiếu nại, tố cáo, kiến nghị, phản ánh của tổ chức, cá nhân.",
    "4. Trách nhiệm của tập thể lãnh đạo, quản lý trong triển khai thực hiện các chủ trương, đường lối, nghị quyết, "
    "văn bản chỉ đạo của Đảng, của cấp trên; thực hiện nhiệm vụ chính trị của địa phương, tổ chức, cơ quan, đơn vị.",
    "II. Hạn chế, khuyết điểm và nguyên nhân",
    "- Hạn chế, khuyết điểm.",
    "- Nguyên nhân của hạn chế, khuyết điểm.",
    "III. Kết quả khắc phục những hạn chế, khuyết điểm đã được cấp có thẩm quyền kết luận hoặc được chỉ ra ở các kỳ "
    "kiểm điểm trước",
    "IV. Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)",
    "V. Trách nhiệm của tập thể, cá nhân",
    "VI. Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm",
    "B. NỘI DUNG TỰ ĐÁNH GIÁ, XẾP LOẠI",
    "I. Đánh giá theo các nhóm tiêu chí",
    "1. Nhóm tiêu chí chung: 27,5/30 điểm",
    "2. Nhóm tiêu chí về kết quả thực hiện nhiệm vụ: 62,49/70 điểm",
    "Tổng điểm: 89,99/100 điểm",
    "II. Đề xuất xếp loại mức chất lượng",
    "☐ Hoàn thành xuất sắc nhiệm vụ",
    "☒ Hoàn thành tốt nhiệm vụ",
    "☐ Hoàn thành nhiệm vụ",
    "☐ Không hoàn thành nhiệm vụ",
    "T/M CHI BỘ",
    "BÍ THƯ",
    "(Ký, ghi rõ họ tên)",
    "Nguyễn Văn Hùng",
]
INSTRUCTIONS_366 = [
    "Kiểm điểm rõ từng hạn chế, khuyết điểm (đã được khắc phục; đang khắc phục, mức độ khắc phục; chưa được khắc "
    "phục); những khó khăn, vướng mắc (nếu có); trách nhiệm của tập thể, cá nhân có liên quan.",
    "Giải trình từng vấn đề được gợi ý kiểm điểm, nêu nguyên nhân, xác định trách nhiệm của tập thể, cá nhân đối với "
    "từng vấn đề được gợi ý kiểm điểm.",
    "Về hạn chế, khuyết điểm trong thực hiện nhiệm vụ hoặc khi có dấu hiệu vi phạm; để xảy ra những vấn đề bức xúc, "
    "phức tạp, dư luận quan tâm; có đơn, thư khiếu nại, tố cáo; biểu hiện mất đoàn kết nội bộ; vi phạm nguyên tắc, "
    "quy định của Đảng; biểu hiện \"lợi ích nhóm\", tham nhũng, lãng phí, tiêu cực, suy thoái, \"tự diễn biến\", "
    "\"tự chuyển hoá\"; để tập thể, cá nhân thuộc quyền quản lý bị kỷ luật, khởi tố; trì trệ, yếu kém, không hoàn "
    "thành chức trách, nhiệm vụ được giao.",
    "Trên cơ sở cụ thể hoá khung tiêu chí đánh giá đối với tập thể được quy định tại Phụ lục 1, Quy định số "
    "366-QĐ/TW, các tập thể tự đánh giá, chấm điểm theo các tiêu chí được cụ thể hóa như sau:",
    "(Gửi kèm Phụ lục về kết quả thực hiện nhiệm vụ trong đó thể hiện sản phẩm tiến độ, chất lượng cụ thể - theo "
    "hướng dẫn của các cấp uỷ, tổ chức đảng).",
]
OPENING_366 = ("Căn cứ kết quả lãnh đạo, chỉ đạo thực hiện nhiệm vụ chính trị tại địa phương (cơ quan, đơn vị); tập "
               "thể Chi bộ Tổ Toán – Tin kiểm điểm, tự đánh giá, xếp loại chất lượng với các nội dung chủ yếu sau:")

# HD 25 Mẫu 01 (UNVERIFIED third-party copy, docs/REGULATIONS.md), word for word, "III-"/"V-" included.
GRADE = "Tự đánh giá về cấp độ thực hiện: "
HEADINGS_124 = [
    "Mẫu 01-HD KĐ.ĐG 2023",
    "ĐẢNG CỘNG SẢN VIỆT NAM",
    "BÁO CÁO KIỂM ĐIỂM TẬP THỂ",
    "Năm 2024",
    "I. Ưu điểm, kết quả đạt được",
    "1. Việc chấp hành nguyên tắc tổ chức và hoạt động, nhất là nguyên tắc tập trung dân chủ; thực hiện quy chế "
    "làm việc.",
    GRADE + "Tốt",
    "2. Kết quả thực hiện các mục tiêu, chỉ tiêu, nhiệm vụ được đề ra trong nghị quyết đại hội, kế hoạch, chương "
    "trình công tác năm được cấp có thẩm quyền giao, phê duyệt.",
    GRADE + "Xuất sắc",
    "3. Công tác xây dựng, chỉnh đốn Đảng và hệ thống chính trị; trách nhiệm nêu gương; trách nhiệm giải trình; công "
    "tác đấu tranh phòng, chống tham nhũng, tiêu cực, lãng phí và ngăn chặn, đẩy lùi những biểu hiện suy thoái về tư "
    "tưởng chính trị, đạo đức, lối sống, \"tự diễn biến\", \"tự chuyển hoá\" trong nội bộ gắn với việc học tập và "
    "làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh; công tác kiểm tra, giám sát, kỷ luật đảng và giải quyết "
    "khiếu nại, tố cáo, kiến nghị, phản ánh của tổ chức, cá nhân.",
    GRADE + "Tốt",
    "4. Trách nhiệm của tập thể lãnh đạo, quản lý trong thực hiện nhiệm vụ chính trị của địa phương, tổ chức, cơ "
    "quan, đơn vị.",
    GRADE + "Tốt",
    "II. Hạn chế, khuyết điểm và nguyên nhân",
    "1. Hạn chế, khuyết điểm",
    "2. Nguyên nhân của hạn chế, khuyết điểm.",
    "III. Kết quả khắc phục những hạn chế, khuyết điểm đã được cấp có thẩm quyền kết luận hoặc được chỉ ra ở các kỳ "
    "kiểm điểm trước",
    GRADE + "Tốt",
    "IV. Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)",
    "V. Trách nhiệm của tập thể, cá nhân",
    "VI. Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm",
    "VII. Đề nghị mức xếp loại chất lượng",
    "☐ Hoàn thành xuất sắc nhiệm vụ",
    "☒ Hoàn thành tốt nhiệm vụ",
    "☐ Hoàn thành nhiệm vụ",
    "☐ Không hoàn thành nhiệm vụ",
    "T/M BAN THƯỜNG VỤ",
    "BÍ THƯ",
    "(Ký, ghi rõ họ tên)",  # the sample chi bộ has no seal
    "Phạm Thị Thu Hà",
]
INSTRUCTIONS_124 = [
    "Về những hạn chế, khuyết điểm trong thực hiện nhiệm vụ chính trị; nguyên tắc tập trung dân chủ; các quy định, "
    "quy chế làm việc; công tác tổ chức, cán bộ; quản lý đảng viên; đổi mới phương thức lãnh đạo; các biện pháp đấu "
    "tranh phòng, chống tham nhũng, tiêu cực, lãng phí; kết quả xử lý sai phạm đối với tập thể, cá nhân...",
    "(kèm theo phiếu phân tích chất lượng).",
]
OPENING_124 = ("Căn cứ kết quả lãnh đạo, chỉ đạo thực hiện nhiệm vụ chính trị tại địa phương (cơ quan, đơn vị); tập "
               "thể Ban Thường vụ Đảng ủy Trường THPT Phan Đình Phùng kiểm điểm với các nội dung chủ yếu sau:")

CASES = [
    pytest.param("collective-report-366", HEADINGS_366, INSTRUCTIONS_366,
                 [OPENING_366, "Hà Nội, ngày 08 tháng 12 năm 2026"], id="366-mau-01"),
    pytest.param("collective-report-124", HEADINGS_124, INSTRUCTIONS_124,
                 [OPENING_124, "Hà Nội, ngày 12 tháng 12 năm 2024"], id="124-mau-01"),
]
MARKDOWN = ("a_i_1", "a_i_2", "a_i_3", "a_i_4", "a_ii_1", "a_ii_2", "a_iii", "a_iv", "a_v", "a_vi")
LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+")




def _values(payload: dict) -> list[str]:
    """Everything typed, as it must print: one-line fields, and each Markdown line without its markup."""
    values = [payload[k] for k in ("superior_body", "issuing_body", "collective_name", "signer_title",
                                   "signer_name")]
    for name in MARKDOWN:
        for line in payload[name].splitlines():
            line = LIST_MARK.sub("", line).replace("**", "").strip()
            if line:
                values.append(line)
    return values




@pytest.mark.parametrize("code,headings,instructions,printed", CASES)
def test_docx_has_official_headings_in_order_and_every_value(code, headings, instructions, printed):
    payload = SAMPLES[code]()
    kind, _, context = _context(code, payload)
    content = render.render(kind, context)
    texts = docx_paragraphs(content)
    _in_order(texts, headings)
    joined = "\n".join(texts)
    for value in _values(payload) + instructions + printed:
        assert value in joined, value
    assert "{{" not in joined and "{%" not in joined and "**" not in joined
    document = docx.Document(io.BytesIO(content))
    by_text = {p.text: p for p in document.paragraphs}
    for line in instructions:  # the form's own guidance is printed in italic
        assert all(run.italic for run in by_text[line].runs if run.text.strip()), line
    bold = {run.text for p in document.paragraphs for run in p.runs if run.bold}
    assert "nguyên tắc tập trung dân chủ" in bold


@pytest.mark.parametrize("code,headings,instructions,printed", CASES)
def test_pdf_keeps_headings_values_and_diacritics(code, headings, instructions, printed, converter):
    payload = SAMPLES[code]()
    kind, _, context = _context(code, payload)
    out = output.produce(kind, context, "pdf", converter)
    assert out.content.startswith(b"%PDF-")
    assert out.filename == f"Bao-cao-kiem-diem-tap-the-{payload['year']}-{_slug(payload['issuing_body'])}.pdf"
    raw = pdf_text(out.content)
    assert raw == unicodedata.normalize("NFC", raw), "diacritics must come out precomposed"
    extracted = squash(raw)
    position = 0
    for heading in headings[2:]:  # the header table is read column by column; the body is in order
        found = extracted.find(squash(heading), position)
        assert found >= 0, f"missing or out of order in the PDF: {heading!r}"
        position = found + len(squash(heading))
    for value in headings[:2] + _values(payload) + instructions + printed:
        assert squash(value) in extracted, value
    for word in ("Đảng", "ĐẢNG CỘNG SẢN VIỆT NAM", "khuyết điểm", "Hồ Chí Minh", "Ưu điểm", "ĐÌNH PHÙNG"):
        assert word in extracted


def _slug(text: str) -> str:
    from service.catalog import slug

    return slug(text)


@pytest.mark.parametrize("code", SAMPLES)
def test_template_variables_equal_what_the_form_provides(code):
    kind, _, context = _context(code, SAMPLES[code]())
    assert render.template_variables(kind) == set(context)


def test_total_is_computed_not_typed():
    _, _, context = _context("collective-report-366", collective_report_366())
    assert (context["score_general"], context["score_tasks"], context["score_total"]) == ("27,5", "62,49", "89,99")
    _, _, context = _context("collective-report-366", collective_report_366(score_general=30, score_tasks=70))
    assert context["score_total"] == "100"
    kind = get_kind("collective-report-366")
    assert COLLECTIVE_REPORT_366.context(kind, {"score_general": 27.5})["score_total"] == ""


def test_optional_section_iv_may_be_left_out():
    payload = collective_report_366()
    del payload["a_iv"]
    kind, data, context = _context("collective-report-366", payload)
    assert data["a_iv"] == ""
    texts = docx_paragraphs(render.render(kind, context))
    _in_order(texts, ["IV. Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)",
                      "V. Trách nhiệm của tập thể, cá nhân"])


def _auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


BAD = [
    ("collective-report-366", {"score_general": 31}, "score_general", "Điểm phải từ 0 đến 30."),
    ("collective-report-366", {"score_general": -1}, "score_general", "Điểm phải từ 0 đến 30."),
    ("collective-report-366", {"score_tasks": 70.5}, "score_tasks", "Điểm phải từ 0 đến 70."),
    ("collective-report-366", {"score_tasks": -1}, "score_tasks", "Điểm phải từ 0 đến 70."),
    ("collective-report-366", {"score_tasks": "nhiều"}, "score_tasks", "không phải là số điểm"),
    ("collective-report-366", {"a_vi": ""}, "a_vi", "Vui lòng nhập mục “A.VI. Phương hướng, biện pháp khắc phục"),
    ("collective-report-366", {"a_i_4": None}, "a_i_4", "Vui lòng nhập mục “A.I.4."),
    ("collective-report-366", {"signer_name": ""}, "signer_name", "Vui lòng nhập mục “Họ và tên người ký”."),
    ("collective-report-366", {"proposed_level": "gioi"}, "proposed_level", "Mức xếp loại không hợp lệ."),
    ("collective-report-366", {"year": 2024}, "year", "thuộc Quy định 124-QĐ/TW"),
    ("collective-report-124", {"a_v": ""}, "a_v", "Vui lòng nhập mục “V. Trách nhiệm của tập thể, cá nhân.”."),
    ("collective-report-124", {"collective_name": ""}, "collective_name", "Vui lòng nhập mục “Tên tập thể"),
    ("collective-report-124", {"grade_i_3": "gioi"}, "grade_i_3", "Lựa chọn không hợp lệ."),
    ("collective-report-124", {"grade_i_4": "kem"}, "proposed_level", "chỉ được đề nghị mức Không hoàn thành"),
    ("collective-report-124", {"score_general": 27}, "score_general", "Trường không có trong mẫu này."),
    ("collective-report-124", {"year": 2026}, "year", "thuộc Quy định 366-QĐ/TW"),
]


@pytest.mark.parametrize("code,change,field,message", BAD,
                         ids=[f"{b[0][-3:]}-{b[2]}-{i}" for i, b in enumerate(BAD)])
def test_bad_input_is_422_with_vietnamese_message(client, token_for, code, change, field, message):
    payload = {k: v for k, v in {**SAMPLES[code](), **change}.items() if v is not None}
    resp = client.post(f"/api/v1/kinds/{code}/render?format=docx", json=payload, headers=_auth(token_for("admin")))
    assert resp.status_code == 422, resp.get_data(as_text=True)
    body = resp.get_json()
    assert any(message in m for m in body["fields"][field]), body


@pytest.mark.parametrize("code", SAMPLES)
def test_api_renders_the_sample(client, token_for, code):
    resp = client.post(f"/api/v1/kinds/{code}/render?format=docx", json=SAMPLES[code](),
                       headers=_auth(token_for("admin")))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert "Bao-cao-kiem-diem-tap-the-" in resp.headers["Content-Disposition"]
    assert SAMPLES[code]()["collective_name"] in "\n".join(docx_paragraphs(resp.data))


def test_fields_as_the_api_describes_them():
    """Sections, bounds, help and choices as GET /api/v1/kinds lists them (KindFields.describe)."""
    f366 = {f["name"]: f for f in COLLECTIVE_REPORT_366.describe()}
    assert (f366["score_general"]["max"], f366["score_tasks"]["max"]) == (30, 70)
    assert f366["a_iv"]["required"] is False and f366["a_v"]["required"] is True
    assert f366["a_iii"]["section"] == "A.III." and "trách nhiệm của tập thể, cá nhân có liên quan" in \
        f366["a_iii"]["help"]
    f124 = {f["name"]: f for f in COLLECTIVE_REPORT_124.describe()}
    assert [c["label"] for c in f124["grade_i_1"]["choices"]] == ["Xuất sắc", "Tốt", "Trung bình", "Kém"]
    assert {"grade_i_1", "grade_i_2", "grade_i_3", "grade_i_4", "grade_iii"} <= set(f124)
    assert "score_general" not in f124


FACTS = {"year": 2025, "superior_body": "ĐẢNG BỘ TRƯỜNG THPT PHAN ĐÌNH PHÙNG", "issuing_body": "CHI BỘ TỔ TOÁN – TIN",
         "place": "Hà Nội", "signed_on": "2025-12-15", "unit_name": "Chi bộ Tổ Toán – Tin",
         "chi_bo": "Chi bộ Tổ Toán – Tin",
         "members": [{"full_name": "Lê Thị Mai", "party_post": "Phó Bí thư chi bộ"},
                     {"full_name": "Nguyễn Văn Hùng", "party_post": "Bí thư chi bộ"}]}


@pytest.mark.parametrize("form", [COLLECTIVE_REPORT_366, COLLECTIVE_REPORT_124])
def test_initial_data_from_unit_facts_and_last_year(form):
    start = form.initial_data({**FACTS, "previous": {"a_ii_1": "- Sinh hoạt chuyên đề chưa phong phú.\n"}})
    assert start["collective_name"] == "Chi bộ Tổ Toán – Tin"
    assert (start["signer_body"], start["signer_title"], start["signer_name"]) == ("CHI BỘ", "BÍ THƯ",
                                                                                   "Nguyễn Văn Hùng")
    assert start["a_iii"] == "Hạn chế đã nêu năm trước:\n\n- Sinh hoạt chuyên đề chưa phong phú."
    assert {k: start[k] for k in ("year", "superior_body", "issuing_body", "place", "signed_on")} == \
        {k: FACTS[k] for k in ("year", "superior_body", "issuing_body", "place", "signed_on")}
    assert "unit_name" not in start and "members" not in start and "previous" not in start
    for previous in ({}, {"a_ii_1": "  "}, {"a_i_1": "khác"}):
        assert "a_iii" not in form.initial_data({**FACTS, "previous": previous})
    assert "a_iii" not in form.initial_data(FACTS)


def test_initial_signer_line_follows_the_kind_of_unit():
    assert COLLECTIVE_REPORT_124.initial_data({"unit_name": "Đảng bộ Trường THPT Phan Đình Phùng"})[
        "signer_body"] == "ĐẢNG ỦY"
    assert COLLECTIVE_REPORT_124.initial_data({})["signer_body"] == "BAN THƯỜNG VỤ (TẬP THỂ LÃNH ĐẠO, QUẢN LÝ)"
    assert COLLECTIVE_REPORT_366.initial_data({})["signer_body"] == "CHI BỘ"
    assert "signer_name" not in COLLECTIVE_REPORT_366.initial_data({"members": [{"full_name": "A",
                                                                                  "party_post": ""}]})


def test_opening_a_new_report_carries_last_years_shortcomings(app):
    """Through the service: the 2024 (QĐ 124) report's shortcomings start section III of the 2025 (QĐ 366) one."""
    from service.models import Unit

    session = app.extensions["db"].sessions()
    try:
        unit = session.scalar(select(Unit).where(Unit.name == "Chi bộ Tổ Toán – Tin"))
        old = documents.open_document(session, get_kind("collective-report-124"), unit, 2024,
                                      facts=documents.unit_facts(unit, 2024, "Hà Nội"))
        documents.save_revision(session, old, {**old.data, "a_ii_1": "Báo cáo quý III nộp chậm."}, None)
        new = documents.open_document(session, get_kind("collective-report-366"), unit, 2025,
                                      facts=documents.unit_facts(unit, 2025, "Hà Nội"))
        assert new.data["a_iii"] == "Hạn chế đã nêu năm trước:\n\nBáo cáo quý III nộp chậm."
        assert new.data["collective_name"] == "Chi bộ Tổ Toán – Tin"
        assert (new.data["signer_body"], new.data["signer_name"]) == ("CHI BỘ", "Nguyễn Văn Hùng")
        assert new.data["issuing_body"] == "CHI BỘ TỔ TOÁN – TIN" and new.data["year"] == 2025
    finally:
        session.rollback()
        session.close()


@pytest.mark.parametrize("code", ["collective-report-366", "collective-report-124"])
def test_number_recipients_and_seal_are_printed(code):
    """Issue 12: "Số …-BC/…" and "Nơi nhận" on Mẫu 01 of both regimes; "và đóng dấu" only for a body with a seal."""
    kind = get_kind(code)
    payload = SAMPLES[code]()
    payload.update(number="05-BC/CB", has_seal=False,
                   recipients=[{"name": "Đảng ủy Trường THPT Phan Đình Phùng (để báo cáo)"}, {"name": "Lưu chi bộ"}])
    _, _, context = _context(code, payload)
    texts = docx_paragraphs(render.render(kind, context))
    assert "Số 05-BC/CB" in texts and "Nơi nhận:" in texts
    assert "- Đảng ủy Trường THPT Phan Đình Phùng (để báo cáo)," in texts and "- Lưu chi bộ." in texts
    assert "(Ký, ghi rõ họ tên)" in texts and not any("đóng dấu" in t for t in texts)
    payload["has_seal"] = True
    _, _, context = _context(code, payload)
    assert "(Ký, ghi rõ họ tên và đóng dấu)" in docx_paragraphs(render.render(kind, context))
    for blank in ("number", "recipients"):
        payload.pop(blank)
    _, _, context = _context(code, payload)
    texts = docx_paragraphs(render.render(kind, context))
    assert "Số …-BC/…" in texts and "- Lưu." in texts


def test_a_chi_bo_starts_without_a_seal_and_with_its_number_symbol():
    start = COLLECTIVE_REPORT_366.initial_data(FACTS)
    assert (start["has_seal"], start["number"]) == (False, "…-BC/CB")
    assert COLLECTIVE_REPORT_124.initial_data({**FACTS, "unit_name": "Đảng bộ Xã Tân Hiệp"})["has_seal"] is True
    assert COLLECTIVE_REPORT_124.initial_data({**FACTS, "has_seal": True})["has_seal"] is True
