"""POST /api/v1/rating/check: the same rule engine as the pages, with the documented JSON shape."""
from __future__ import annotations


def _post(client, token, body):
    return client.post("/api/v1/rating/check", json=body, headers={"Authorization": f"Bearer {token}"})


def test_check_reports_regime_people_and_quota(client, token_for):
    group = [{"id": f"m{i}", "score_general": 28, "score_tasks": 60, "proposed": "tot", "tasks_done_pct": 100,
              "tasks_late_pct": 0} for i in range(7)]
    group += [{"id": "xs1", "score_general": 30, "score_tasks": 65, "proposed": "xuat_sac", "tasks_done_pct": 100,
               "tasks_exceeded_pct": 40, "tasks_late_pct": 0, "previous_shortcomings_fixed_pct": 100},
              {"id": "xs2", "score_general": 30, "score_tasks": 62, "proposed": "xuat_sac", "tasks_done_pct": 100,
               "tasks_exceeded_pct": 35, "tasks_late_pct": 0, "previous_shortcomings_fixed_pct": 100},
              {"id": "moi", "admitted_on": "2026-09-01", "official": False, "proposed": "tot"},
              {"id": "kl", "disciplined": True, "score_general": 29, "score_tasks": 65, "proposed": "xuat_sac"}]
    body = _post(client, token_for("bithu.toan"), {"year": 2026, "group": group, "quota_pct": 20}).get_json()
    assert body["regime"] == "366"
    assert body["quota"]["tot"] == 7 and body["quota"]["limit"] == 1 and body["quota"]["excess"] >= 1
    people = {p["id"]: p for p in body["people"]}
    assert people["moi"]["rated"] is False and "6 tháng" in people["moi"]["not_rated_reason"]
    assert people["kl"]["highest_allowed"] == "khong_hoan_thanh" and people["kl"]["proposed_ok"] is False
    assert any("366-QĐ/TW" in v["source"] for v in people["kl"]["violations"])
    assert people["m0"]["proposed_ok"] is True and people["m0"]["score_total"] == 88


def test_check_refuses_bad_input_with_messages(client, token_for):
    resp = _post(client, token_for("admin"), {"year": 2026, "group": [{"id": "a", "score_general": 31, "la": 1}]})
    assert resp.status_code == 422
    fields = resp.get_json()["fields"]
    assert "group[0].score_general" in fields and "group[0].la" in fields
    assert _post(client, token_for("admin"), {"year": 2022, "group": [{"id": "a"}]}).status_code == 422
    assert client.post("/api/v1/rating/check", json={}).status_code == 401


def test_check_takes_settings_and_refuses_unknown_ones(client, token_for):
    """Issue 12: undetermined cases, binding flags, the quota's base reading, settings per request."""
    gap = {"id": "gap", "score_general": 20, "score_tasks": 45, "proposed": "hoan_thanh", "tasks_done_pct": 90,
           "tasks_late_pct": 0}
    body = _post(client, token_for("admin"), {"year": 2026, "group": [gap]}).get_json()
    person = body["people"][0]
    assert (person["determined"], person["highest_allowed"], person["proposed_ok"]) == (False, None, None)
    assert person["violations"][0]["binding"] is False and "khoản 4 điểm 4.2" in person["violations"][0]["source"]
    assert body["quota"]["base_rule"] == "tot_only"
    strict = _post(client, token_for("admin"), {"year": 2026, "group": [gap],
                                                "settings": {"gap_reading": "strict", "quota_base": "tot_and_above"}})
    body = strict.get_json()
    assert body["people"][0]["highest_allowed"] == "khong_hoan_thanh" and body["people"][0]["proposed_ok"] is False
    assert body["quota"]["base_rule"] == "tot_and_above"
    refused = _post(client, token_for("admin"), {"year": 2026, "group": [gap], "settings": {"quota": "x"}})
    assert refused.status_code == 422 and "settings.quota" in refused.get_json()["fields"]
