"""JSON API v1: kinds, units, render; 401 without a token, 422 with Vietnamese messages, never a 500."""
from __future__ import annotations

import pytest

from tests.conftest import pdf_text, squash
from service.samples import member_review_124, member_review_366


def _auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_no_token_is_401(client):
    for method, url in (("get", "/api/v1/kinds"), ("get", "/api/v1/units"),
                        ("post", "/api/v1/kinds/member-review-366/render")):
        resp = getattr(client, method)(url)
        assert resp.status_code == 401 and "Bearer" in resp.get_json()["error"]
    assert client.get("/api/v1/kinds", headers=_auth("sai")).status_code == 401


def test_kinds_lists_codes_regimes_subjects_and_fields(client, token_for):
    kinds = {k["code"]: k for k in client.get("/api/v1/kinds", headers=_auth(token_for("tuyet"))).get_json()}
    k366, k124 = kinds["member-review-366"], kinds["member-review-124"]
    assert (k366["regime"], k366["subject"], k366["form_code"]) == ("366", "member", "Mẫu 2B-HD KĐ.ĐG 2025")
    assert (k124["regime"], k124["form_code"]) == ("124", "Mẫu 02A-HD KĐ.ĐG 2023")
    fields = {f["name"]: f for f in k366["fields"]}
    assert fields["score_general"]["min"] == 0 and fields["score_general"]["max"] == 30
    assert fields["score_tasks"]["max"] == 70 and fields["score_tasks"]["required"] is True
    assert [c["value"] for c in fields["proposed_level"]["choices"]] == ["xuat_sac", "tot", "hoan_thanh",
                                                                         "khong_hoan_thanh"]
    assert fields["a_iv"]["required"] is False and fields["a_iv"]["section"] == "A.IV."
    assert fields["birth_date"]["type"] == "date" and fields["a_i_1"]["type"] == "markdown"
    assert "score_general" not in {f["name"] for f in k124["fields"]}


def test_units_depend_on_role(client, token_for):
    admin = client.get("/api/v1/units", headers=_auth(token_for("admin"))).get_json()
    office = client.get("/api/v1/units", headers=_auth(token_for("vanphong"))).get_json()
    secretary = client.get("/api/v1/units", headers=_auth(token_for("bithu.toan"))).get_json()
    member = client.get("/api/v1/units", headers=_auth(token_for("tuyet"))).get_json()
    demo = {"Đảng bộ phường Ba Đình", "Đảng bộ Trường THPT Phan Đình Phùng", "Chi bộ Tổ Toán – Tin", "Chi bộ Tổ Ngữ văn"}
    assert demo <= {u["name"] for u in admin} and member == []
    assert "Đảng bộ phường Ba Đình" not in {u["name"] for u in office}  # above the office's subtree
    assert demo - {"Đảng bộ phường Ba Đình"} <= {u["name"] for u in office}
    assert [u["name"] for u in secretary] == ["Chi bộ Tổ Toán – Tin"]
    assert secretary[0]["member_count"] == 10 and secretary[0]["kind"] == "chi_bo"
    by_name = {u["name"]: u for u in admin}
    assert by_name["Chi bộ Tổ Ngữ văn"]["parent_id"] == by_name["Đảng bộ Trường THPT Phan Đình Phùng"]["id"]


@pytest.mark.parametrize("code,payload", [("member-review-366", member_review_366()),
                                          ("member-review-124", member_review_124())])
def test_render_pdf_and_docx(client, token_for, code, payload):
    headers = _auth(token_for("tuyet"))
    pdf = client.post(f"/api/v1/kinds/{code}/render?format=pdf", json=payload, headers=headers)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert 'filename=Ban-kiem-diem-ca-nhan-' in pdf.headers["Content-Disposition"]
    assert payload["full_name"] in squash(pdf_text(pdf.data))
    docx = client.post(f"/api/v1/kinds/{code}/render?format=docx", json=payload, headers=headers)
    assert docx.status_code == 200 and docx.headers["Content-Disposition"].endswith(".docx")


BAD = [
    ({"birth_date": "1985-02-31"}, "birth_date", "Tháng 2/1985 không có ngày 31"),
    ({"score_general": 31}, "score_general", "Điểm phải từ 0 đến 30."),
    ({"score_tasks": -1}, "score_tasks", "Điểm phải từ 0 đến 70."),
    ({"score_tasks": "nhiều"}, "score_tasks", "không phải là số điểm"),
    ({"proposed_level": "gioi"}, "proposed_level", "Mức xếp loại không hợp lệ."),
    ({"a_vi": ""}, "a_vi", "Vui lòng nhập mục"),
    ({"year": 2022}, "year", "Năm 2022 không được hỗ trợ"),
    ({"year": 2024}, "year", "thuộc Quy định 124-QĐ/TW"),
    ({"year": "hai nghìn"}, "year", "Năm kiểm điểm phải là số"),
    ({"khong_co": "x"}, "khong_co", "Trường không có trong mẫu này."),
    ({"a_i_1": ["danh", "sách"]}, "a_i_1", "không phải danh sách"),
]


@pytest.mark.parametrize("change,field,message", BAD, ids=[b[1] + "-" + str(i) for i, b in enumerate(BAD)])
def test_bad_input_is_422_with_vietnamese_message(client, token_for, change, field, message):
    resp = client.post("/api/v1/kinds/member-review-366/render?format=docx", json=member_review_366(**change),
                       headers=_auth(token_for("tuyet")))
    assert resp.status_code == 422, resp.get_data(as_text=True)
    body = resp.get_json()
    assert any(message in m for m in body["fields"][field]), body


@pytest.mark.parametrize("body", [None, "[]", "không phải JSON", "{\"year\": }"])
def test_malformed_body_is_422(client, token_for, body):
    resp = client.post("/api/v1/kinds/member-review-366/render", data=body, content_type="application/json",
                       headers=_auth(token_for("tuyet")))
    assert resp.status_code == 422 and "JSON" in resp.get_json()["error"]


def test_unknown_kind_and_format(client, token_for):
    headers = _auth(token_for("tuyet"))
    assert client.post("/api/v1/kinds/khong-co/render", json={}, headers=headers).status_code == 404
    resp = client.post("/api/v1/kinds/member-review-366/render?format=odt", json=member_review_366(), headers=headers)
    assert resp.status_code == 422 and "format không hợp lệ" in resp.get_json()["error"]
    assert resp.get_json()["fields"]["format"] == ["Chỉ nhận: docx, pdf."]


def test_kinds_fields_follow_their_description_in_the_openapi(client, token_for):
    """GET /api/v1/kinds lists each kind's declared fields (service/kinds/): every one, and every table column, is a
    `Field` of /api/v1/openapi.json."""
    import jsonschema

    spec = client.get("/api/v1/openapi.json").get_json()
    schema = {**spec["components"]["schemas"]["Kind"], "components": spec["components"]}
    kinds = client.get("/api/v1/kinds", headers=_auth(token_for("tuyet"))).get_json()
    for kind in kinds:
        jsonschema.validate(kind, schema)
    summary = next(k for k in kinds if k["code"] == "summary-366")
    rows = next(f for f in summary["fields"] if f["name"] == "rows")
    assert rows["type"] == "table" and [c["name"] for c in rows["columns"]][:2] == ["full_name", "official"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**kinds[0], "fields": [{"name": "x", "type": "widget"}]}, schema)
