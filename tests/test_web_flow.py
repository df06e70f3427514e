"""A member's web flow as a browser does it: log in, fill, save a draft, fix a bad date, download."""
from __future__ import annotations

import re

from tests.conftest import csrf_token, pdf_text, squash
from service.samples import HEADER, SECTIONS


def _open_review(client, year=2026) -> tuple[str, str]:
    resp = client.get(f"/reviews/{year}")
    assert resp.status_code == 302
    url = resp.headers["Location"]
    return url, client.get(url).get_data(as_text=True)


def _form(page: str, **values) -> dict:
    data = {"csrf_token": csrf_token(page), **HEADER, **SECTIONS, "full_name": "Trần Thị Ánh Tuyết",
            "birth_date": "02/09/1985", "work_unit": "Tổ Toán – Tin", "chi_bo": "Chi bộ Tổ Toán – Tin",
            "score_general": "27,5", "score_tasks": "63", "proposed_level": "tot", "signed_on": "05/12/2026"}
    data.update(values)
    return data


def test_login_required_and_wrong_password(client, auth):
    assert client.get("/").status_code == 302
    resp = client.post("/login", data={"username": "tuyet", "password": "sai-mat-khau",
                                        "csrf_token": csrf_token(client.get("/login").get_data(as_text=True))})
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in resp.get_data(as_text=True)


def test_form_is_prefilled_from_member_record(client, auth):
    auth.login("tuyet")
    _, page = _open_review(client)
    assert "Trần Thị Ánh Tuyết" in page and "02/09/1985" in page
    assert "ĐẢNG BỘ TRƯỜNG THPT PHAN ĐÌNH PHÙNG" in page and "CHI BỘ TỔ TOÁN – TIN" in page
    assert "Mẫu 2B-HD KĐ.ĐG 2025" in page


def test_fill_draft_bad_date_fix_and_download(client, auth):
    auth.login("tuyet")
    url, page = _open_review(client)
    # A draft may be incomplete.
    resp = client.post(url, data={"csrf_token": csrf_token(page), "action": "draft", "a_i_1": "Bản nháp **đầu tiên**"},
                       follow_redirects=True)
    assert "Đã lưu bản nháp." in resp.get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    assert "Bản nháp **đầu tiên**" in page
    # A bad date is refused in Vietnamese; the saved draft stays as it was and the typed text stays on the page.
    resp = client.post(url, data=_form(page, action="draft", birth_date="31/02/1985", a_i_1="Nội dung mới"))
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Tháng 2/1985 không có ngày 31." in body and "Nội dung mới" in body
    # the message is tied to its field and listed in the summary at the top, which links to the field
    assert re.search(r'<input[^>]*id="birth_date"[^>]*aria-invalid="true"', body)
    assert re.search(r'id="birth_date"[^>]*aria-describedby="[^"]*birth_date-error', body)
    summary = body.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#birth_date"' in summary and "Ngày sinh: Tháng 2/1985 không có ngày 31." in summary
    assert "Bản nháp **đầu tiên**" in client.get(url).get_data(as_text=True)
    # Fixed, checked, downloaded.
    resp = client.post(url, data=_form(page, action="submit"), follow_redirects=True)
    assert "Đã nộp: đã kiểm tra đủ các mục" in resp.get_data(as_text=True)
    doc_id = re.search(r"/documents/(\d+)", url).group(1)
    pdf = client.get(f"/documents/{doc_id}/download/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "Ban-kiem-diem-ca-nhan-2026-Tran-Thi-Anh-Tuyet.pdf" in pdf.headers["Content-Disposition"]
    assert "Trần Thị Ánh Tuyết" in squash(pdf_text(pdf.data))
    docx = client.get(f"/documents/{doc_id}/download/docx")
    assert docx.status_code == 200 and docx.data[:2] == b"PK"


def test_required_fields_named_when_checking(client, auth):
    auth.login("duc")
    url, page = _open_review(client, 2025)
    resp = client.post(url, data={"csrf_token": csrf_token(page), "action": "check", "full_name": "Lê Minh Đức"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Vui lòng nhập mục “A.VI. Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm”." in body


def test_score_bounds_in_vietnamese(client, auth):
    auth.login("duc")
    url, page = _open_review(client, 2025)
    resp = client.post(url, data=_form(page, action="draft", score_general="31", score_tasks="abc"))
    body = resp.get_data(as_text=True)
    assert "Điểm phải từ 0 đến 30." in body and "“abc” không phải là số điểm." in body


def test_every_save_keeps_the_previous_revision(client, auth, app):
    from service.models import Document

    auth.login("thao")
    url, page = _open_review(client, 2026)
    for text in ("Lần một", "Lần hai"):
        client.post(url, data={"csrf_token": csrf_token(page), "action": "draft", "a_i_1": text})
    doc_id = int(re.search(r"/documents/(\d+)", url).group(1))
    with app.extensions["db"].session() as session:
        doc = session.get(Document, doc_id)
        assert [r.data["a_i_1"] for r in doc.revisions][-2:] == ["Lần một", "Lần hai"]
        assert doc.data["a_i_1"] == "Lần hai"
    history = client.get(f"/documents/{doc_id}/revisions").get_data(as_text=True)
    assert history.count("Bản nháp") >= 2


def test_year_before_2023_refused_on_page(client, auth):
    auth.login("tuyet")
    resp = client.get("/reviews/2022")
    assert resp.status_code == 422
    assert "Năm 2022 không được hỗ trợ" in resp.get_data(as_text=True)


def test_post_without_csrf_token_refused(client, auth):
    auth.login("tuyet")
    url, _ = _open_review(client)
    resp = client.post(url, data={"action": "draft", "a_i_1": "x"})
    assert resp.status_code == 400
