"""Issue 13 "every input bounded": what an attacker or a careless client sends gets a 4xx with a Vietnamese
message on the field, never a 500 (on SQLite and PostgreSQL alike), and nothing saved is lost."""
from __future__ import annotations

import pytest

from tests.conftest import bearer, csrf_token
from service.samples import member_review_366

BIG = 2**31  # one past PostgreSQL's int4
HUGE = 10**30
DEEP = "[" * 100_000 + "]" * 100_000


def _admin(token_for) -> dict:
    return bearer(token_for("admin"))


@pytest.mark.parametrize("url", [
    f"/api/v1/documents/{BIG}", f"/api/v1/documents/{HUGE}", f"/api/v1/documents/{BIG}/file",
    f"/api/v1/archive/uploads/{BIG}", f"/api/v1/archive/uploads/1/file/{BIG}", "/api/v1/jobs/%00",
    "/api/v1/jobs/" + "x" * 400, f"/api/v1/archive/documents?unit_id={BIG}&year=2025",
    f"/api/v1/archive/documents?unit_id=1&year={HUGE}", f"/api/v1/kinds/member-review-366/template?unit_id={HUGE}",
    "/api/v1/kinds/member-review-366/template?unit_id=²",
    f"/api/v1/archive/documents?unit_id=1&year=2025&member_id={BIG}", "/api/v1/archive/documents?unit_id=²&year=2025",
])
def test_api_get_ids_and_controls_beyond_range_are_4xx(client, token_for, url):
    resp = client.get(url, headers=_admin(token_for))
    assert 400 <= resp.status_code < 500, (resp.status_code, resp.get_data(as_text=True)[:300])
    assert resp.get_json()["error"]


@pytest.mark.parametrize("url", ["/api/v1/archive/documents?unit_id=1&year=2025&kind=%00&state=%01",
                                 "/api/v1/documents/1/file?format=pdf%00", "/api/v1/jobs/%00/result?format=%00"])
def test_api_control_characters_in_queries_are_stripped_not_500(client, token_for, url):
    assert client.get(url, headers=_admin(token_for)).status_code < 500


@pytest.mark.parametrize("url", ["/units/1/archive/2025?kind=%00&state=%00x", "/login?next=%00"])
def test_page_control_characters_in_queries_are_not_500(client, auth, url):
    auth.login("admin")
    assert client.get(url).status_code < 500


def _render(client, token_for, body, **kw):
    return client.post("/api/v1/kinds/member-review-366/render?format=docx", headers=_admin(token_for), **kw,
                       **({"json": body} if body is not None else {}))


@pytest.mark.parametrize("raw,field", [
    (DEEP, "body"), ('{"a":' * 5000 + "1" + "}" * 5000, "body"), ('{"score_tasks": 1e309}', "body"),
    ('{"score_tasks": NaN}', "body"), ('{"score_tasks": ' + "9" * 5000 + "}", "body"),
])
def test_api_json_too_deep_or_non_finite_is_422(client, token_for, raw, field):
    resp = client.post("/api/v1/kinds/member-review-366/render", data=raw, content_type="application/json",
                       headers=_admin(token_for))
    assert resp.status_code == 422, resp.get_data(as_text=True)[:300]
    assert resp.get_json()["fields"][field]


@pytest.mark.parametrize("change,field", [
    ({"full_name": "Nguyễn\x00Văn A"}, None), ({"score_tasks": "1e309"}, "score_tasks"), ({"score_tasks": "²"}, "score_tasks"),
    ({"score_tasks": HUGE}, "score_tasks"), ({"full_name": "x" * 5000}, "full_name"), ({"year": HUGE}, "year"),
    ({"year": [2025]}, "year"), ({"place": {"a": 1}}, "place"),
])
def test_api_render_odd_values(client, token_for, change, field):
    resp = _render(client, token_for, member_review_366(**change))
    if field is None:  # a NUL is stripped: the document renders
        assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
        return
    assert resp.status_code == 422, resp.get_data(as_text=True)[:300]
    assert resp.get_json()["fields"][field]


@pytest.mark.parametrize("body,field", [
    ({"year": 9999, "group": []}, "year"),
    ({"year": 2025, "group": [{"id": "a", "admitted_on": "9999-12-31", "proposed_level": "tot"}]}, None),
    ({"year": 2025, "group": [{"id": "a", "admitted_on": "0001-01-01", "proposed_level": "tot"}]}, None),
    ({"year": HUGE, "group": []}, "year"), ({"year": 2025, "quota_pct": 1e308, "group": []}, "quota_pct"),
    ({"year": [2025], "group": []}, "year"), ({"year": 2025, "group": {"a": 1}}, "group"),
])
def test_api_rating_check_odd_values(client, token_for, body, field):
    resp = client.post("/api/v1/rating/check", json=body, headers=_admin(token_for))
    assert resp.status_code < 500, resp.get_data(as_text=True)[:300]
    if field:
        assert resp.status_code == 422 and field in str(resp.get_json().get("fields")), resp.get_json()


@pytest.mark.parametrize("body,field", [
    ({"year": 2025, "kind": ["chi_bo"]}, "kind"), ({"year": 2025, "kind": {"a": 1}}, "kind"),
    ({"year": HUGE, "kind": "chi_bo"}, "year"), ({"year": 2025, "kind": "member", "member_id": BIG}, "member_id"),
    ({"year": 2025, "kind": "member", "member_id": HUGE}, "member_id"), ({"year": "2025", "kind": "chi_bo"}, "year"),
])
def test_api_packet_request_odd_values(client, token_for, body, field):
    units = client.get("/api/v1/units", headers=_admin(token_for)).get_json()
    resp = client.post(f"/api/v1/units/{units[0]['id']}/packets", json=body, headers=_admin(token_for))
    assert resp.status_code == 422, resp.get_data(as_text=True)[:300]
    assert field in resp.get_json()["fields"], resp.get_json()


def _secretary_unit(client, token_for) -> int:
    return client.get("/api/v1/units", headers=bearer(token_for("bithu.toan"))).get_json()[0]["id"]


@pytest.mark.parametrize("path", [f"/documents/{BIG}", f"/documents/{HUGE}/revisions", f"/members/{BIG}/reviews/2025",
                                  f"/units/{BIG}/review/2025", f"/units/1/review/{HUGE}", f"/jobs/{'x' * 300}",
                                  "/jobs/%00", f"/archive/uploads/{BIG}", f"/units/{BIG}/archive/2025",
                                  "/units/1/archive/2025?member_id=99999999999"])
def test_page_urls_beyond_range_are_4xx(client, auth, path):
    auth.login("admin")
    resp = client.get(path)
    assert 400 <= resp.status_code < 500, (resp.status_code, resp.get_data(as_text=True)[:300])


@pytest.mark.parametrize("data", [
    {"step": "proposal", "level": "tot", "member_id": str(BIG)}, {"step": "proposal", "level": "tot", "member_id": "²"},
    {"step": "proposal", "level": "tot", "member_id": "abc"}, {"step": "proposal", "level": "tot", "note": "x" * 5000},
    {"step": ["proposal"], "level": "tot\x00"},
])
def test_page_step_post_odd_values(client, auth, token_for, data):
    unit_id = _secretary_unit(client, token_for)
    auth.login("bithu.toan")
    page = client.get(f"/units/{unit_id}/review/2025")
    resp = client.post(f"/units/{unit_id}/review/2025/steps", data={**data, "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert resp.status_code < 500, resp.get_data(as_text=True)[:300]


@pytest.mark.parametrize("data", [{"year": "²", "kind": "chi_bo"}, {"year": str(HUGE), "kind": "chi_bo"},
                                  {"year": "2025", "kind": "member", "member_id": str(BIG)},
                                  {"year": "2025", "kind": "member", "member_id": "1e309"}])
def test_page_packet_post_odd_values(client, auth, token_for, data):
    unit_id = _secretary_unit(client, token_for)
    auth.login("bithu.toan")
    page = client.get(f"/units/{unit_id}/review/2025")
    resp = client.post(f"/units/{unit_id}/packets", data={**data, "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert 400 <= resp.status_code < 500, resp.get_data(as_text=True)[:300]


def test_page_member_facts_long_text_is_refused_on_the_field(client, auth, token_for):
    unit_id = _secretary_unit(client, token_for)
    members = client.get(f"/api/v1/archive/documents?unit_id={unit_id}&year=2025", headers=bearer(token_for("admin")))
    assert members.status_code == 200
    auth.login("bithu.toan")
    board = client.get(f"/units/{unit_id}/review/2025").get_data(as_text=True)
    import re
    member_id = re.search(rf"/units/{unit_id}/review/2025/members/(\d+)", board).group(1)
    url = f"/units/{unit_id}/review/2025/members/{member_id}"
    page = client.get(url)
    resp = client.post(url, data={"temporary_unit": "Chi bộ " + "x" * 250, "tasks_done_pct": "1e309",
                                  "sick_leave_months": "²", "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert resp.status_code in (200, 422), resp.get_data(as_text=True)[:300]
    html = resp.get_data(as_text=True)
    assert "Tối đa" in html and "x" * 250 in html  # the message, and what was typed is still there


def _member_facts_url(client, token_for) -> str:
    import re
    unit_id = _secretary_unit(client, token_for)
    board = client.get(f"/units/{unit_id}/review/2025").get_data(as_text=True)
    member_id = re.search(rf"/units/{unit_id}/review/2025/members/(\d+)", board).group(1)
    return f"/units/{unit_id}/review/2025/members/{member_id}"


def test_page_member_facts_percentages_speak_of_a_rate_not_of_points(client, auth, token_for):
    auth.login("bithu.toan")
    url = _member_facts_url(client, token_for)
    token = csrf_token(client.get(url).get_data(as_text=True))
    resp = client.post(url, data={"tasks_done_pct": "abc", "tasks_late_pct": "150", "sick_leave_months": "13",
                                  "csrf_token": token})
    assert resp.status_code in (200, 422)
    html = resp.get_data(as_text=True)
    assert "“abc” không phải là một tỷ lệ phần trăm: hãy nhập số từ 0 đến 100, ví dụ 87,5." in html
    assert "Tỷ lệ phải từ 0 đến 100%." in html
    assert "không phải là số điểm" not in html and "Điểm phải từ 0 đến 100" not in html
    assert "Điểm phải từ 0 đến 12." in html  # months of sick leave are not a percentage (nor points; unchanged)
    # What people write, "87,5%", is read as 87.5 and shown back the Vietnamese way.
    resp = client.post(url, data={"tasks_done_pct": "87,5%", "csrf_token": token})
    assert resp.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert 'name="tasks_done_pct" value="87,5"' in page


@pytest.mark.parametrize("value", ["1e309", "²", str(HUGE), "9" * 5000, "Nguyễn\x00Văn"])
def test_page_document_form_odd_values_keep_what_was_typed(client, auth, token_for, chi_bo, value):
    board = client.get(f"/api/v1/units/{chi_bo}/review/2026", headers=_admin(token_for)).get_json()
    member_id = next(m["member_id"] for m in board["members"] if m["full_name"] == "Trần Thị Bình")
    auth.login("admin")
    page = client.get(f"/members/{member_id}/reviews/2026", follow_redirects=True)
    url = page.request.path
    form = {"score_tasks": value, "score_general": value, "full_name": value, "a_i_1": value, "action": "draft",
            "csrf_token": csrf_token(page.get_data(as_text=True))}
    resp = client.post(url, data=form)
    assert resp.status_code in (200, 302, 422), resp.get_data(as_text=True)[:300]
    again = client.get(url)
    assert again.status_code == 200


def test_login_with_nul_and_long_name_is_not_500(client):
    page = client.get("/login")
    for name in ("admin\x00", "a" * 10_000, "ad\x01min"):
        resp = client.post("/login", data={"username": name, "password": "x\x00",
                                           "csrf_token": csrf_token(page.get_data(as_text=True))})
        assert resp.status_code < 500


@pytest.mark.parametrize("size", [(1, 1), (2, 3), (3, 1)])
def test_api_upload_of_a_few_pixel_image_is_not_500(client, token_for, size):
    """Found by the schemathesis run: a 1×1 scan had no corner to search for a QR code (zxing raised)."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, "white").save(buf, "PNG")
    resp = client.post("/api/v1/archive/uploads", data={"files": [(io.BytesIO(buf.getvalue()), "trang.png")]},
                       headers=_admin(token_for), content_type="multipart/form-data")
    assert resp.status_code < 500, resp.get_data(as_text=True)[:300]
