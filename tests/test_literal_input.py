"""Whatever a user types prints literally: template syntax, XML, ampersands, quotes, tabs, line breaks."""
from __future__ import annotations

import io
import re
import unicodedata

import docx
import pytest

from tests.conftest import csrf_token, docx_paragraphs
from service.samples import member_review_366

TRICKY = {
    "a_i_1": "Giữ {{ x }} và {% if true %}có{% endif %} nguyên văn",
    "a_i_2": "Thẻ <w:p> và <b>không</b> phải XML; A & B; \"ngoặc kép\" và 'đơn'",
    "a_i_3": "Cột 1\tCột 2\nDòng dưới",
    "a_ii_1": "Ký tự điều khiển\x0b\x00 bị bỏ",
    "full_name": unicodedata.normalize("NFD", "Nguyễn Thị Ánh Tuyết"),
}
EXPECTED = ["Giữ {{ x }} và {% if true %}có{% endif %} nguyên văn",
            "Thẻ <w:p> và <b>không</b> phải XML; A & B; \"ngoặc kép\" và 'đơn'",
            "Ký tự điều khiển bị bỏ", "Nguyễn Thị Ánh Tuyết"]


def _check(data: bytes) -> None:
    texts = "\n".join(docx_paragraphs(data))
    for value in EXPECTED:
        assert value in texts, value
    document = docx.Document(io.BytesIO(data))
    xml = document.element.xml
    assert "<w:tab/>" in xml and "Cột 2" in texts
    assert re.search(r"Cột 2.*?<w:br/>.*?Dòng dưới", xml, re.S)


def test_api_prints_input_literally(client, token_for):
    resp = client.post("/api/v1/kinds/member-review-366/render?format=docx", json=member_review_366(**TRICKY),
                       headers={"Authorization": f"Bearer {token_for('admin')}"})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    _check(resp.data)


def test_web_form_prints_input_literally(client, auth):
    auth.login("tuyet")
    url = client.get("/reviews/2026").headers["Location"]
    page = client.get(url).get_data(as_text=True)
    form = {k: str(v) for k, v in member_review_366(**TRICKY).items() if k != "year"}
    form.update(csrf_token=csrf_token(page), action="check", birth_date="02/09/1985", signed_on="05/12/2026",
                score_general="27,5")
    resp = client.post(url, data=form, follow_redirects=True)
    assert "Đã nộp: đã kiểm tra đủ các mục" in resp.get_data(as_text=True)
    doc_id = re.search(r"/documents/(\d+)", url).group(1)
    _check(client.get(f"/documents/{doc_id}/download/docx").data)


@pytest.mark.parametrize("value", ["\x00", "\ufffe", "\x1f" * 50, "{{", "{%", "]]>", "&#0;"])
def test_hostile_values_never_crash(client, token_for, value):
    resp = client.post("/api/v1/kinds/member-review-366/render?format=docx",
                       json=member_review_366(a_iv=value, full_name="Tên " + value),
                       headers={"Authorization": f"Bearer {token_for('admin')}"})
    assert resp.status_code == 200
