"""A member reaches every document of their year from home: self-review, Chỉ thị 05 commitment, Mẫu 05 per quarter."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from tests.conftest import csrf_token, pdf_text, squash


class _Fields(HTMLParser):
    """The values a browser would post from a page's form: inputs, textareas, selected options."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button", "checkbox"):
            self.values[a["name"]] = a.get("value") or ""
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.values[a["name"]] = ""
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self.values.setdefault(a["name"], "")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def form_values(page: str) -> dict[str, str]:
    parser = _Fields()
    parser.feed(page)
    return parser.values


def _open(client, path: str) -> tuple[str, str]:
    """Follow a home link to the document page it opens."""
    resp = client.get(path)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    url = resp.headers["Location"]
    if url.startswith("/members/"):  # /my/… goes through the member's own address first
        resp = client.get(url)
        assert resp.status_code == 302
        url = resp.headers["Location"]
    return url, client.get(url).get_data(as_text=True)


def test_home_links_reach_the_commitment_and_every_quarter(client, auth):
    auth.login("tuyet")
    home = client.get("/").get_data(as_text=True)
    assert "/my/commitment/2026" in home
    for quarter in (1, 2, 3, 4):
        assert f"/my/self-rating/2026?quarter={quarter}" in home
    assert "/my/self-rating/2024" not in home  # QĐ 124 years have no Mẫu 05


def test_member_fills_submits_and_prints_the_commitment(client, auth):
    auth.login("tuyet")
    url, page = _open(client, "/my/commitment/2026")
    assert "Bản cam kết tu dưỡng, rèn luyện, phấn đấu" in page and "Trần Thị Ánh Tuyết" in page
    fields = form_values(page)
    assert fields["csrf_token"] == csrf_token(page)
    resp = client.post(url, data={**fields, "action": "check"}, follow_redirects=True)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200, body[:2000]
    assert "Đã nộp: đã kiểm tra đủ các mục" in body
    doc_id = re.search(r"/documents/(\d+)", url).group(1)
    pdf = client.get(f"/documents/{doc_id}/download/pdf")
    assert pdf.status_code == 200
    text = squash(pdf_text(pdf.data))
    assert "CAM KẾT" in text.upper() and "Trần Thị Ánh Tuyết" in text
    # the same link opens the same document again
    assert _open(client, "/my/commitment/2026")[0] == url


def test_each_quarter_has_its_own_self_assessment(client, auth):
    auth.login("tuyet")
    url2, page2 = _open(client, "/my/self-rating/2026?quarter=2")
    url3, page3 = _open(client, "/my/self-rating/2026?quarter=3")
    assert url2 != url3
    assert re.search(r'<option selected value="quy_2"', page2)
    assert re.search(r'<option selected value="quy_3"', page3)
    # the page's heading names its quarter where the official title leaves "Quý, Năm" to fill in
    assert "<h1>Bản tự đánh giá, xếp loại của cá nhân Quý II năm 2026</h1>" in page2
    assert "<title>Bản tự đánh giá, xếp loại của cá nhân Quý III năm 2026</title>" in page3
    home = client.get("/").get_data(as_text=True)
    assert "Tự đánh giá, xếp loại Quý II (Mẫu 05)" in home and "Tự đánh giá, xếp loại Quý III (Mẫu 05)" in home


def test_documents_that_do_not_exist_or_are_not_yours_answer_404(client, auth, app):
    auth.login("tuyet")
    assert client.get("/my/self-rating/2024", follow_redirects=True).status_code == 404  # HD 25 has no Mẫu 05
    assert client.get("/my/commitment/2026?quarter=2", follow_redirects=True).status_code == 404
    assert client.get("/my/self-rating/2026?quarter=5", follow_redirects=True).status_code == 404
    assert client.get("/my/nonsense/2026", follow_redirects=True).status_code == 404
    from sqlalchemy import select

    from service.models import Member
    with app.extensions["db"].session() as s:
        other = s.scalar(select(Member).where(Member.full_name != "Trần Thị Ánh Tuyết"))
    assert client.get(f"/members/{other.id}/documents/commitment/2026").status_code == 404


def test_commitment_page_shows_the_declared_rules_on_their_inputs(client, auth):
    """The page form is generated from the kind's declaration (service/kinds/commitment.py): its labels, section
    menu and the domain's messages appear on the page; what was typed stays."""
    auth.login("tuyet")
    url, page = _open(client, "/my/commitment/2026")
    assert 'data-section="6."' in page and "Mục tiêu phấn đấu" in page and "Về tư tưởng chính trị" in page
    fields = form_values(page)
    fields.update({"birth_date": "02/09/1985", "admitted_on": "01/01/1980", "official_on": "31/02/2011",
                   "point_3": "", "action": "submit"})
    resp = client.post(url, data=fields)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422, body[:500]
    assert "Ngày vào Đảng phải sau ngày sinh." in body
    assert "Tháng 2/2011 không có ngày 31." in body
    assert "Vui lòng nhập mục “3. Về ý thức tổ chức kỷ luật”." in body
    assert 'value="31/02/2011"' in body  # what was typed stays on the page
    resp = client.post(url, data={**fields, "action": "draft", "point_3": "", "official_on": ""})
    assert resp.status_code == 422  # a draft still refuses a date before birth, but not an empty section
    assert "Vui lòng nhập mục" not in resp.get_data(as_text=True)
