""""Lấy từ các quý" on the year-end self-review (QĐ 366): what the member's submitted quarterly self-assessments
(Mẫu 05) recorded comes into the page (not saved), into empty fields only; the rest is offered beside; the page says
which quarters were taken and which were not."""
from __future__ import annotations

import html as html_lib
import re

from sqlalchemy import select

from service import documents
from service.models import DocumentRevision
from service.samples.personal import self_rating_366
from tests.conftest import csrf_token
from tests.conftest import cycle_context as _ctx
from tests.test_member_documents import form_values


def _quarters(app, chi_bo: int, name: str) -> int:
    """Quý I and II submitted, Quý III a draft, Quý IV never written; returns the member's id."""
    s, unit, cycle, members, users = _ctx(app, chi_bo, 2025)
    member = members[name]
    plans = {1: ("submitted", "Soạn đề kiểm tra giữa kỳ I", 25, "tot", "Ưu điểm quý I: đúng hạn."),
             2: ("submitted", "Chấm thi học kỳ I khối 11", 26.5, "xuat_sac", "Hạn chế quý II: chậm báo cáo."),
             3: ("draft", "Việc nháp của quý III", 20, "tot", "Nháp quý III")}
    for quarter, (status, task, score, level, comments) in plans.items():
        doc = documents.open_member_document(s, member, 2025, "self-rating", "Hà Nội", quarter=quarter)
        data = self_rating_366(period=f"quy_{quarter}", full_name=name, score_general=score, proposed_level=level,
                               comments=comments,
                               tasks=[{"content": task, "product": "Bộ đề và đáp án", "progress": "Đúng hạn",
                                       "quality": "Tốt", "self_assessment": "hoan_thanh"}])
        documents.save_revision(s, doc, data, users["admin"], status=status)
    s.commit()
    member_id = member.id
    s.close()
    return member_id


def _textarea(page: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, f"no textarea {name}"
    return html_lib.unescape(match.group(1)).strip()


def _revisions(app, doc_id: int) -> int:
    with app.extensions["db"].session() as s:
        return len(s.scalars(select(DocumentRevision).where(DocumentRevision.document_id == doc_id)).all())


def test_take_up_fills_empty_fields_offers_the_rest_and_names_the_quarters(app, client, auth, chi_bo):
    member_id = _quarters(app, chi_bo, "Trần Thị Bình")
    auth.login("vanphong")
    resp = client.get(f"/members/{member_id}/documents/personal-review/2025")
    url = resp.headers["Location"]
    doc_id = int(re.search(r"/documents/(\d+)", url).group(1))
    page = client.get(url).get_data(as_text=True)
    assert 'id="take-up-quarters"' in page and "Lấy từ các quý" in page
    before = _revisions(app, doc_id)
    typed = {**form_values(page), "csrf_token": csrf_token(page), "a_i_2": "", "a_ii_1": "Hạn chế tôi tự viết"}
    resp = client.post(f"/documents/{doc_id}/quarters", data=typed)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200, page[:500]
    year_tasks = _textarea(page, "a_i_2")
    assert year_tasks.startswith("Quý I:\n- Soạn đề kiểm tra giữa kỳ I: Bộ đề và đáp án; tiến độ: Đúng hạn")
    assert "Quý II:\n- Chấm thi học kỳ I khối 11" in year_tasks and "quý III" not in year_tasks
    summary = re.sub(r"\s+", " ", re.search(r'id="takeup-summary".*?</div>', page, re.S).group(0))
    assert "Đã lấy từ Mẫu 05 đã nộp của Quý I, Quý II." in summary
    assert "Quý III (bản nháp, chưa nộp)" in summary and "Quý IV (chưa viết)" in summary
    assert "Chưa lưu" in summary
    assert _textarea(page, "a_ii_1") == "Hạn chế tôi tự viết"  # typed text is never replaced
    offer = html_lib.unescape(re.search(r'data-target="a_ii_1">(.*?)</div>\s*</div>', page, re.S).group(1))
    assert "Quý I: Ưu điểm quý I: đúng hạn." in offer and "Quý II: Hạn chế quý II: chậm báo cáo." in offer
    assert "Quý I: 25; Quý II: 26,5" in page  # the quarters' scores beside the year's, not summed
    assert "Mức tự xếp loại các quý: Quý I: Hoàn thành tốt nhiệm vụ; Quý II: Hoàn thành xuất sắc nhiệm vụ" in page
    assert 'data-unsaved="1"' in page
    assert _revisions(app, doc_id) == before  # nothing saved
    # A.I.2 already typed: kept, and the quarters' tasks are offered beside it
    resp = client.post(f"/documents/{doc_id}/quarters", data={**typed, "a_i_2": "Tôi đã viết mục này"})
    page = resp.get_data(as_text=True)
    assert _textarea(page, "a_i_2") == "Tôi đã viết mục này"
    offer = html_lib.unescape(re.search(r'data-target="a_i_2">(.*?)</div>\s*</div>', page, re.S).group(1))
    assert "mục này đã có chữ nên không ghi đè" in offer and "Soạn đề kiểm tra giữa kỳ I" in offer
    # what was taken up is saved by the ordinary "Lưu nháp"
    saved = client.post(url, data={**form_values(page), "action": "draft"}, follow_redirects=True)
    assert "Đã lưu bản nháp." in saved.get_data(as_text=True) and _revisions(app, doc_id) == before + 1


def test_take_up_is_only_for_the_year_end_review_of_qd_366(app, client, auth, chi_bo):
    s, unit, cycle, members, users = _ctx(app, chi_bo, 2024)
    member_id = members["Trần Thị Bình"].id
    s.close()
    auth.login("vanphong")
    url = client.get(f"/members/{member_id}/documents/personal-review/2024").headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert 'id="take-up-quarters"' not in page  # QĐ 124 has no quarterly self-assessment
    doc_id = int(re.search(r"/documents/(\d+)", url).group(1))
    resp = client.post(f"/documents/{doc_id}/quarters", data={"csrf_token": csrf_token(page)})
    assert resp.status_code == 404 and "lấy được nội dung từ các quý" in resp.get_data(as_text=True)


def test_without_any_submitted_quarter_the_page_says_so(app, client, auth, chi_bo):
    s, unit, cycle, members, users = _ctx(app, chi_bo, 2025)
    member_id = members["Lê Văn Cường"].id
    s.close()
    auth.login("vanphong")
    url = client.get(f"/members/{member_id}/documents/personal-review/2025").headers["Location"]
    page = client.get(url).get_data(as_text=True)
    doc_id = int(re.search(r"/documents/(\d+)", url).group(1))
    resp = client.post(f"/documents/{doc_id}/quarters", data={**form_values(page), "a_i_2": "Giữ nguyên"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Chưa có bản tự đánh giá quý (Mẫu 05) nào đã nộp để lấy." in page
    assert _textarea(page, "a_i_2") == "Giữ nguyên"
    resp = client.post(f"/documents/{doc_id}/quarters", data={**form_values(page), "base_revision": "1e309"})
    assert 400 <= resp.status_code < 500
    assert "lần lưu phải là số nguyên" in resp.get_data(as_text=True)  # said in Vietnamese, not a trace
