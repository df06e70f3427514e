"""Running a đảng bộ: the unit tree and its printed lines, members' transfers and statuses across years, accounts
(temporary passwords, password rules, sessions ended, tokens revoked and expired)."""
from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from service import documents, members, units
from service.models import Member, Unit, User
from service.review.people import load_cycle
from tests.conftest import bearer, csrf_token


@pytest.fixture()
def db(app):
    with app.extensions["db"].session() as session:
        yield session


def _user(db, name: str) -> User:
    return db.scalar(select(User).where(User.username == name))


def _unit(db, name: str) -> Unit:
    return db.scalar(select(Unit).where(Unit.name == name))


def _post(client, url: str, data: dict, page: str | None = None, **kw):
    token = csrf_token(client.get(page or url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token}, **kw)


# ---- units --------------------------------------------------------------------------------------------------

def test_api_creates_and_changes_units_and_documents_print_their_lines(client, token_for, db):
    office = bearer(token_for("vanphong"))
    co_so = _unit(db, "Đảng bộ Trường THPT Phan Đình Phùng")
    name = f"Chi bộ Tổ Hóa – Sinh {uuid.uuid4().hex[:4]}"
    resp = client.post("/api/v1/units", headers=office, json={"name": name, "kind": "chi_bo", "parent_id": co_so.id})
    assert resp.status_code == 201
    made = resp.get_json()
    # Under a đảng bộ cơ sở a chi bộ has no seal; its lines default to the names in capitals.
    assert made["has_seal"] is False and made["header_line"] == name.upper()
    assert made["superior_line"] == "ĐẢNG BỘ TRƯỜNG THPT PHAN ĐÌNH PHÙNG" and made["signer_body"] == "CHI BỘ"

    resp = client.patch(f"/api/v1/units/{made['id']}", headers=office, json={
        "superior_line": "Đảng bộ Trường THPT Phan Đình Phùng – Ba Đình", "signer_body": "chi ủy",
        "place": "Ba Đình"})
    assert resp.status_code == 200 and resp.get_json()["signer_body"] == "CHI ỦY"
    db.expire_all()
    unit = db.get(Unit, made["id"])
    facts = documents.header_facts(unit, 2026, "Hà Nội")
    assert facts["superior_body"] == "ĐẢNG BỘ TRƯỜNG THPT PHAN ĐÌNH PHÙNG – BA ĐÌNH"
    assert facts["issuing_body"] == name.upper() and facts["place"] == "Ba Đình"
    assert facts["signature_note"] == "(Ký, ghi rõ họ tên)" and facts["signer_body"] == "CHI ỦY"

    # The tree's rules: a chi bộ cannot hold a chi bộ, an office cannot make a top-level đảng bộ or reach outside.
    bad = client.post("/api/v1/units", headers=office, json={"name": "Chi bộ con", "kind": "chi_bo",
                                                             "parent_id": made["id"]})
    assert bad.status_code == 422 and "không thể trực thuộc chi bộ" in bad.get_json()["error"]
    top = client.post("/api/v1/units", headers=office, json={"name": "Đảng bộ mới", "kind": "dang_bo"})
    assert top.status_code == 422
    outside = client.patch(f"/api/v1/units/{co_so.parent_id}", headers=office, json={"name": "Khác"})
    assert outside.status_code == 404
    loop = client.patch(f"/api/v1/units/{co_so.id}", headers=bearer(token_for("admin")),
                        json={"parent_id": made["id"]})
    assert loop.status_code == 422
    secretary = client.post("/api/v1/units", headers=bearer(token_for("bithu.toan")),
                            json={"name": "X", "kind": "chi_bo", "parent_id": co_so.id})
    assert secretary.status_code == 404


def test_office_pages_create_rename_and_close_a_chi_bo(client, auth, db):
    auth.login("vanphong")
    co_so = _unit(db, "Đảng bộ Trường THPT Phan Đình Phùng")
    name = f"Chi bộ Tổ Thể dục {uuid.uuid4().hex[:4]}"
    resp = _post(client, "/org/units", {"name": name, "kind": "chi_bo", "parent_id": str(co_so.id)},
                 page="/org/units", follow_redirects=True)
    assert resp.status_code == 200 and "CHI BỘ" in resp.get_data(as_text=True)
    unit = _unit(db, name)
    missing = _post(client, "/org/units", {"name": "  ", "kind": "chi_bo", "parent_id": str(co_so.id)},
                    page="/org/units")
    assert missing.status_code == 422 and "Thiếu tên tổ chức." in missing.get_data(as_text=True)
    resp = _post(client, f"/org/units/{unit.id}", {"name": name + " mới", "parent_id": str(co_so.id),
                                                   "header_line": "", "signer_title": "phó bí thư"},
                 follow_redirects=True)
    assert "T/M CHI BỘ<br>PHÓ BÍ THƯ" in resp.get_data(as_text=True)
    bad_date = _post(client, f"/org/units/{unit.id}/close", {"closed_on": "31/02/2026"}, page=f"/org/units/{unit.id}")
    assert bad_date.status_code == 422 and "không có ngày 31" in bad_date.get_data(as_text=True)
    resp = _post(client, f"/org/units/{unit.id}/close", {"closed_on": "01/12/2026"}, page=f"/org/units/{unit.id}",
                 follow_redirects=True)
    assert "giải thể" in resp.get_data(as_text=True)
    db.expire_all()
    assert db.get(Unit, unit.id).closed_on == date(2026, 12, 1)
    # A chi bộ with members cannot be closed.
    toan = _unit(db, "Chi bộ Tổ Toán – Tin")
    refused = _post(client, f"/org/units/{toan.id}/close", {"closed_on": "01/12/2026"}, page=f"/org/units/{toan.id}")
    assert refused.status_code == 422 and "Còn đảng viên đang sinh hoạt" in refused.get_data(as_text=True)


# ---- members across years -----------------------------------------------------------------------------------

def test_transfer_and_statuses_keep_past_boards(db, app):
    admin = _user(db, "admin")
    tag = uuid.uuid4().hex[:4]
    top = units.create_unit(db, admin, {"name": f"Đảng bộ Lịch sử {tag}", "kind": "dang_bo"})
    east = units.create_unit(db, admin, {"name": "Chi bộ Đông", "kind": "chi_bo", "parent_id": top.id})
    west = units.create_unit(db, admin, {"name": "Chi bộ Tây", "kind": "chi_bo", "parent_id": top.id})
    assert east.has_seal  # directly under a đảng bộ: its own seal
    mover = members.add_member(db, east, {"full_name": "Nguyễn Văn Chuyển", "birth_date": date(1980, 1, 1)})
    gone = members.add_member(db, east, {"full_name": "Trần Văn Mất", "birth_date": date(1940, 1, 1)})
    away = members.add_member(db, east, {"full_name": "Lê Thị Xa", "birth_date": date(1990, 1, 1)})
    members.transfer(db, mover, west, date(2026, 6, 1), note="QĐ số 12")
    members.set_status(db, gone, "deceased", date(2026, 3, 3))
    members.set_status(db, away, "temporary", date(2026, 2, 1), note="Đi học tại Hà Nội")
    with pytest.raises(Exception) as earlier:
        members.transfer(db, mover, east, date(2026, 5, 1))
    assert "từ 01/06/2026" in str(earlier.value)
    db.flush()

    def board(unit: Unit, year: int) -> list[str]:
        cycle = documents.cycle_for(db, unit, year)
        return [m.full_name for m in load_cycle(db, cycle).members]

    assert board(east, 2025) == ["Nguyễn Văn Chuyển", "Trần Văn Mất", "Lê Thị Xa"]
    assert board(east, 2026) == ["Lê Thị Xa"]  # moved on and died during 2026; on temporary activity: stays
    assert board(west, 2025) == [] and board(west, 2026) == ["Nguyễn Văn Chuyển"]
    state = load_cycle(db, documents.cycle_for(db, east, 2026))
    assert state.status_of(away) == "active"  # rated at the official chi bộ (HD 43 point 7.6)
    assert [(p.unit.name, p.start_on, p.end_on) for p in members.history(db, mover)] == [
        ("Chi bộ Đông", None, date(2026, 6, 1)), ("Chi bộ Tây", date(2026, 6, 1), None)]
    db.rollback()


def test_member_pages_add_edit_transfer_status(client, auth, db):
    auth.login("vanphong")
    toan, van = _unit(db, "Chi bộ Tổ Toán – Tin"), _unit(db, "Chi bộ Tổ Ngữ văn")
    name = f"Kiều Văn {uuid.uuid4().hex[:3]} Thử"
    bad = _post(client, f"/org/units/{toan.id}/members/new", {"full_name": name, "birth_date": "5/13/1990"})
    assert bad.status_code == 422 and "Không có tháng 13" in bad.get_data(as_text=True)
    assert f'value="{name}"' in bad.get_data(as_text=True)  # what was typed stays
    resp = _post(client, f"/org/units/{toan.id}/members/new", {
        "full_name": name, "birth_date": "5/12/1990", "sex": "male", "admitted_on": "19/05/2015",
        "official_on": "19/05/2016", "party_card": "", "in_political_system": "on"}, follow_redirects=True)
    assert name in resp.get_data(as_text=True)
    member = db.scalar(select(Member).where(Member.full_name == name))
    assert member.birth_date == date(1990, 12, 5) and member.official
    page = client.get(f"/org/units/{toan.id}/members").get_data(as_text=True)
    names = [n for n in ("Nguyễn Văn Hùng", name, "Trần Thị Ánh Tuyết") if n in page]
    assert sorted(names, key=page.index) == ["Nguyễn Văn Hùng", name, "Trần Thị Ánh Tuyết"]  # Hùng < Thử < Tuyết

    bad = _post(client, f"/org/members/{member.id}/transfer", {"unit_id": "abc", "on": "01/10/2026"},
                page=f"/org/members/{member.id}")
    assert bad.status_code == 422 and 'class="flash error"' in bad.get_data(as_text=True)
    resp = _post(client, f"/org/members/{member.id}/transfer", {"unit_id": str(van.id), "on": "01/10/2026"},
                 page=f"/org/members/{member.id}", follow_redirects=True)
    assert f"sang {van.name}" in resp.get_data(as_text=True)
    resp = _post(client, f"/org/members/{member.id}/status", {"status": "moved_out", "on": "01/11/2026",
                                                              "note": "Chuyển sinh hoạt về phường Kim Mã"},
                 page=f"/org/members/{member.id}", follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "Chuyển sinh hoạt đảng đi" in html and "Chuyển sinh hoạt về phường Kim Mã" in html
    assert name not in client.get(f"/org/units/{van.id}/members").get_data(as_text=True)
    assert name in client.get(f"/org/units/{van.id}/members?left=1").get_data(as_text=True)
    home = client.get("/")
    assert home.status_code == 200 and name not in home.get_data(as_text=True)
    # A secretary has no office pages.
    auth.logout()
    auth.login("bithu.toan")
    assert client.get(f"/org/units/{toan.id}/members").status_code == 404


def test_a_refused_closing_leaves_the_units_form_as_saved(client, auth, db):
    """The unit page's closing form refused (members and units still under it): the unit's own form above still
    shows the unit as saved (its seal ticked), so saving it next does not drop the seal."""
    auth.login("admin")
    co_so = _unit(db, "Đảng bộ Trường THPT Phan Đình Phùng")
    assert co_so.has_seal
    page = client.get(f"/org/units/{co_so.id}").get_data(as_text=True)
    assert re.search(r'name="has_seal" id="f-has_seal" checked', page)
    bad = _post(client, f"/org/units/{co_so.id}/close", {"closed_on": "01/12/2026"}, page=f"/org/units/{co_so.id}")
    assert bad.status_code == 422
    assert re.search(r'name="has_seal" id="f-has_seal" checked', bad.get_data(as_text=True))


def test_member_page_forms_keep_their_own_fields_and_errors(client, auth, db):
    """The member page holds three forms (record, transfer, status): every field has its own id and label, and a
    mistake in one form is shown on that form only; the record's checkboxes stay as saved."""
    import re
    auth.login("vanphong")
    member = db.scalar(select(Member).where(Member.full_name == "Nguyễn Văn Hùng"))
    html = client.get(f"/org/members/{member.id}").get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert not [i for i in set(ids) if ids.count(i) > 1]
    for target in re.findall(r'<label for="([^"]+)"', html):
        assert f'id="{target}"' in html
    checked = html.count(" checked")
    bad = _post(client, f"/org/members/{member.id}/status", {"status": "suspended", "on": "31/02/2026",
                                                            "note": "Quyết định số 12"}, page=f"/org/members/{member.id}")
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert page.count("31/02/2026") == 1 and page.count("Quyết định số 12") == 1  # typed once, in the status form
    status_form = page[page.index('action="/org/members/%d/status"' % member.id):]
    assert "31/02/2026" in status_form.split("</form>")[0] and 'class="error"' in status_form.split("</form>")[0]
    assert page.count('<p class="error">') == 1
    assert page.count(" checked") == checked  # the record form's checkboxes are not cleared by the other form
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert not [i for i in set(ids) if ids.count(i) > 1]
    for target in re.findall(r'href="#([^"]+)"', page.split("<main", 1)[1].split("<form", 1)[0]):
        assert f'id="{target}"' in status_form.split("</form>")[0]  # the summary links to the status form's field


# ---- accounts -----------------------------------------------------------------------------------------------

def _login(client, username: str, password: str):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def _secret(html: str) -> str:
    import re
    return re.search(r'id="secret">([^<]+)<', html).group(1)


def test_office_creates_an_account_with_a_temporary_password_that_must_be_changed(app, client, auth, db):
    auth.login("vanphong")
    van = _unit(db, "Chi bộ Tổ Ngữ văn")
    username = f"bithu.moi{uuid.uuid4().hex[:4]}"
    resp = _post(client, "/org/accounts", {"username": username, "role": "secretary", "unit_id": str(van.id)},
                 page="/org/accounts")
    assert resp.status_code == 201
    temporary = _secret(resp.get_data(as_text=True))
    admin_role = _post(client, "/org/accounts", {"username": "x" + username, "role": "admin"}, page="/org/accounts")
    assert admin_role.status_code == 422

    fresh = app.test_client()
    _login(fresh, username, temporary)
    page = fresh.get("/", follow_redirects=True)
    assert "mật khẩu tạm thời" in page.get_data(as_text=True)  # made to change it before anything else
    assert fresh.get(f"/units/{van.id}/review/2026").status_code == 302
    for weak, message in (("ngan", "ít nhất 10 ký tự"), ("matkhau123", "quá phổ biến"),
                          (username + "99", "tên đăng nhập")):
        resp = _post(fresh, "/account/password", {"current": temporary, "password": weak, "confirm": weak})
        assert resp.status_code == 422 and message in resp.get_data(as_text=True)
    new = "trăng rằm tháng tám"
    resp = _post(fresh, "/account/password", {"current": temporary, "password": new, "confirm": new})
    assert resp.status_code == 302
    assert fresh.get(f"/units/{van.id}/review/2026").status_code == 200

    # A reset by the office ends that session and hands out a new temporary password.
    user = _user(db, username)
    resp = _post(client, f"/org/accounts/{user.id}/reset", {}, page=f"/org/accounts/{user.id}")
    second = _secret(resp.get_data(as_text=True))
    assert fresh.get("/").status_code == 302  # logged out
    assert _login(fresh, username, new).status_code == 200  # old password refused (page shown again)
    assert _login(fresh, username, second).status_code == 302

    # Disabled: cannot log in.
    _post(client, f"/org/accounts/{user.id}/active", {"active": "0"}, page=f"/org/accounts/{user.id}")
    assert _login(app.test_client(), username, second).status_code == 200


def test_own_password_change_ends_other_sessions_only(app, db):
    from service import accounts

    username = f"thu.ky{uuid.uuid4().hex[:4]}"
    member = db.scalar(select(Member).where(Member.full_name == "Dương Quang Huy"))
    user = accounts.create_user(db, username, "mat khau ban dau", "member", member_id=member.id)
    db.commit()
    first, second = app.test_client(), app.test_client()
    assert _login(first, username, "mat khau ban dau").status_code == 302
    assert _login(second, username, "mat khau ban dau").status_code == 302
    wrong = _post(first, "/account/password", {"current": "sai", "password": "mat khau moi hon", "confirm":
                                               "mat khau moi hon"})
    assert wrong.status_code == 422 and "hiện tại không đúng" in wrong.get_data(as_text=True)
    ok = _post(first, "/account/password", {"current": "mat khau ban dau", "password": "mat khau moi hon",
                                            "confirm": "mat khau moi hon"})
    assert ok.status_code == 302
    assert first.get("/").status_code == 200  # this session goes on
    assert second.get("/").status_code == 302  # the other one ended
    assert user.id


def test_tokens_listed_with_last_use_revoked_and_expiring(app, client, auth, db):
    from service import accounts
    from service.models import utcnow

    auth.login("vanphong")
    bithu = _user(db, "bithu.van")
    resp = _post(client, f"/org/accounts/{bithu.id}/tokens", {"name": "Máy chấm công", "days": "30"},
                 page=f"/org/accounts/{bithu.id}")
    assert resp.status_code == 201
    token = _secret(resp.get_data(as_text=True))
    assert client.get("/api/v1/units", headers=bearer(token)).status_code == 200
    page = client.get(f"/org/accounts/{bithu.id}").get_data(as_text=True)
    assert "Máy chấm công" in page and "Thu hồi" in page
    row = [t for t in accounts.tokens_of(db, bithu) if t.name == "Máy chấm công"][0]
    assert row.last_used_at is not None and row.expires_at is not None
    _post(client, f"/org/accounts/{bithu.id}/tokens/{row.id}/revoke", {}, page=f"/org/accounts/{bithu.id}")
    assert client.get("/api/v1/units", headers=bearer(token)).status_code == 401

    expired = accounts.create_token(db, "bithu.van", name="cũ", expires_at=utcnow() - timedelta(minutes=1))
    db.commit()
    assert client.get("/api/v1/units", headers=bearer(expired)).status_code == 401
    bad_days = _post(client, f"/org/accounts/{bithu.id}/tokens", {"days": "-3"}, page=f"/org/accounts/{bithu.id}")
    assert bad_days.status_code == 422
    # An office cannot reach an account outside its subtree, nor the admin's.
    assert client.get(f"/org/accounts/{_user(db, 'admin').id}").status_code == 404


def test_cli_resets_a_password_to_a_temporary_one(app, db):
    from service import accounts

    username = f"quen.mk{uuid.uuid4().hex[:4]}"
    member = db.scalar(select(Member).where(Member.full_name == "Lương Thị Hạnh"))
    accounts.create_user(db, username, "mat khau cu roi", "member", member_id=member.id)
    db.commit()
    result = app.test_cli_runner().invoke(args=["users", "reset-password", username])
    assert result.exit_code == 0, result.output
    temporary = result.output.strip().splitlines()[-1]
    client = app.test_client()
    assert _login(client, username, "mat khau cu roi").status_code == 200  # refused: the form again
    assert _login(client, username, temporary).status_code == 302
    assert client.get("/").headers["Location"].endswith("/account/password")
    missing = app.test_cli_runner().invoke(args=["users", "reset-password", "khong-co-ai"])
    assert missing.exit_code == 1 and "Không có người dùng" in missing.output


def test_import_page_previews_then_commits_and_old_previews_are_forgotten(app, client, auth, db, tmp_path):
    import io
    import os
    import time

    from tests import org_files

    auth.login("vanphong")
    admin = _user(db, "admin")
    co_so = _unit(db, "Đảng bộ Trường THPT Phan Đình Phùng")
    chi_bo = units.create_unit(db, admin, {"name": f"Chi bộ Nhập {uuid.uuid4().hex[:4]}", "kind": "chi_bo",
                                           "parent_id": co_so.id})
    db.commit()
    folder = app.config["SETTINGS"].data_dir / "imports"
    folder.mkdir(exist_ok=True)
    stale = folder / f"999-{'0' * 32}.bin"
    stale.write_bytes(b"old")
    old = time.time() - 2 * 24 * 3600
    os.utime(stale, (old, old))
    data = org_files.workbook([(1, "Hà Văn Nhập", "01/01/1985", "Nam", "01/01/2010", "01/01/2011")])
    url = f"/org/units/{chi_bo.id}/import"
    token = csrf_token(client.get(url).get_data(as_text=True))
    preview = client.post(url, data={"csrf_token": token, "file": (io.BytesIO(data), "ds.xlsx")},
                          content_type="multipart/form-data")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Hà Văn Nhập" in html and not stale.exists()
    assert db.scalar(select(Member).where(Member.unit_id == chi_bo.id)) is None  # nothing written yet
    import re
    commit_token = re.search(r'name="token" value="([0-9a-f]{32})"', html).group(1)
    done = client.post(f"/org/units/{chi_bo.id}/import/commit", data={"csrf_token": csrf_token(html),
                                                                    "token": commit_token}, follow_redirects=True)
    assert "Đã nhập: 1 đảng viên mới" in done.get_data(as_text=True)
    again = client.post(f"/org/units/{chi_bo.id}/import/commit", data={"csrf_token": csrf_token(html),
                                                                     "token": commit_token})
    assert again.status_code == 422 and "hết hạn" in again.get_data(as_text=True)
    bad = client.post(url, data={"csrf_token": token, "file": (io.BytesIO(b"%PDF-1.4"), "x.pdf")},
                      content_type="multipart/form-data")
    assert bad.status_code == 422 and "không phải bảng tính" in bad.get_data(as_text=True)
