"""The member's home page: each review year's documents with their state and what is left, each one a click away."""
from __future__ import annotations

import re
from datetime import date

from service import member_year
from service.models import Member
from tests.conftest import csrf_token


def _year_block(page: str, year: int) -> str:
    return page.split(f'id="nam-{year}"', 1)[1].split("</details>", 1)[0]


def _row(block: str, family: str, quarter: int = 0) -> str:
    return block.split(f'data-family="{family}" data-quarter="{quarter}"', 1)[1].split("</tr>", 1)[0]


def test_home_lists_each_years_documents_with_state_and_link(client, auth):
    auth.login("duc")
    page = client.get("/").get_data(as_text=True)
    block = _year_block(page, 2025)
    # QĐ 366: self-review, commitment and the four quarters of Mẫu 05
    for family, quarter in (("personal-review", 0), ("commitment", 0), ("self-rating", 1), ("self-rating", 4)):
        row = _row(block, family, quarter)
        assert "Chưa bắt đầu" in row or "Nháp" in row or "Đã nộp" in row
    assert "Quý III (Mẫu 05)" in block
    # QĐ 124 years have no Mẫu 05
    assert 'data-family="self-rating"' not in _year_block(page, 2024)
    # the commitment's link opens (creates) it, and once saved as a draft the home page says so
    link = re.search(r'href="([^"]+)"', _row(block, "commitment")).group(1).replace("&amp;", "&")
    resp = client.get(link, follow_redirects=False)
    while resp.status_code == 302:
        url = resp.headers["Location"]
        resp = client.get(url)
    form_page = resp.get_data(as_text=True)
    assert "Bản cam kết tu dưỡng, rèn luyện, phấn đấu" in form_page
    client.post(url, data={"csrf_token": csrf_token(form_page), "action": "draft", "point_1": "Nháp cam kết"})
    row = _row(_year_block(client.get("/").get_data(as_text=True), 2025), "commitment")
    assert "Nháp" in row and "bấm “Nộp”" in row and "Viết tiếp" in row


def test_a_quarters_link_opens_that_quarter(client, auth):
    auth.login("thao")
    block = _year_block(client.get("/").get_data(as_text=True), 2026)
    link = re.search(r'href="([^"]+)"', _row(block, "self-rating", 3)).group(1).replace("&amp;", "&")
    resp = client.get(link)
    while resp.status_code == 302:
        resp = client.get(resp.headers["Location"])
    assert re.search(r'<option selected value="quy_3"', resp.get_data(as_text=True))


def test_states_and_what_is_left(app):
    with app.extensions["db"].session() as s:
        member = s.query(Member).filter_by(full_name="Mai Phương Thảo").one()
        [year] = member_year.member_years(s, member, [2026], today=date(2026, 5, 10))
    by_key = {(i.family, i.quarter): i for i in year.items}
    assert by_key[("self-rating", 1)].due and not by_key[("self-rating", 3)].due
    assert by_key[("self-rating", 3)].state in ("not_due", "draft", "submitted")
    assert year.open_count == sum(1 for i in year.items if i.state in ("not_started", "draft"))
    assert all(i.todo and i.state_label for i in year.items)


def test_office_home_shows_no_empty_member_table(client, auth):
    """A đảng bộ with no members of its own gets its links, not a table of headings with no rows."""
    auth.login("vanphong")
    page = client.get("/").get_data(as_text=True)
    section = page.split("<h2>Đảng bộ Trường THPT Phan Đình Phùng", 1)[1].split("</section>", 1)[0]
    assert "Theo dõi kiểm điểm năm" in section and "<table" not in section
    chi_bo = page.split("<h2>Chi bộ Tổ Toán – Tin", 1)[1].split("</section>", 1)[0]
    assert "<table" in chi_bo and "Trần Thị Ánh Tuyết" in chi_bo
