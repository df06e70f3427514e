"""Importing member lists as offices keep them (XLSX by openpyxl and by LibreOffice, CSV with BOM), the preview,
all-or-nothing commit, re-import, export round trip, bad files; through the service, the API and the CLI."""
from __future__ import annotations

import io
import uuid
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from service import member_import, units
from service.member_import import BadFile
from service.models import Member, Unit, User

from tests.conftest import bearer
from tests import org_files


@pytest.fixture()
def db(app):
    with app.extensions["db"].session() as session:
        yield session


def _admin(db) -> User:
    return db.scalar(select(User).where(User.username == "admin"))


@pytest.fixture()
def tree(db):
    """A đảng bộ of its own (so card numbers and names never meet the demo's): đảng bộ cơ sở with two chi bộ."""
    tag = uuid.uuid4().hex[:6]
    admin = _admin(db)
    top = units.create_unit(db, admin, {"name": f"Đảng bộ xã Thử {tag}", "kind": "dang_bo"})
    co_so = units.create_unit(db, admin, {"name": f"Đảng bộ Trường {tag}", "kind": "dang_bo_co_so",
                                          "parent_id": top.id})
    one = units.create_unit(db, admin, {"name": "Chi bộ Thôn Đông", "kind": "chi_bo", "parent_id": co_so.id})
    two = units.create_unit(db, admin, {"name": "Chi bộ Thôn Tây", "kind": "chi_bo", "parent_id": co_so.id})
    db.commit()
    return {"tag": tag, "co_so": co_so, "one": one, "two": two}


def _count(db, unit: Unit) -> int:
    return db.scalar(select(func.count()).select_from(Member).where(Member.unit_id == unit.id))


def office_rows(tag: str) -> list[tuple]:
    """Four members typed the usual ways: NFD name with stray spaces, text dates with and without zeros."""
    return [
        (1, org_files.nfd("  Nguyễn   Thị Hồng  "), "05/12/1980", "Nữ", date(2005, 3, 2), date(2006, 3, 2),
         "Bí thư chi bộ", "Trưởng thôn", "Thôn Đông", f"{tag}01"),
        (2, "Trần Văn Ánh", "5/1/1975", "nam", "3/2/2000", "3/2/2001", None, None, "Thôn Đông", f"{tag}02"),
        (3, "Lê Văn Bình", date(1990, 7, 9), "Nam", date(2026, 1, 15), None, None, "Giáo viên", "Trường Tiểu học",
         None),
        (4, "Đỗ Thị Ơn", date(1988, 1, 1), "Nữ", date(2015, 5, 19), date(2016, 5, 19), None, None, None, f"{tag}04"),
    ]


def test_office_workbook_preview_then_commit_then_reimport_changes_nothing(db, tree):
    chi_bo = tree["one"]
    data = org_files.workbook(office_rows(tree["tag"]))
    preview = member_import.import_file(db, chi_bo, data, "ds.xlsx", dry_run=True)
    db.rollback()
    assert preview.summary() == {"created": 4, "updated": 0, "unchanged": 0, "errors": []}
    assert _count(db, chi_bo) == 0  # a preview writes nothing

    member_import.import_file(db, chi_bo, data, "ds.xlsx")
    db.commit()
    people = {m.full_name: m for m in db.scalars(select(Member).where(Member.unit_id == chi_bo.id))}
    assert sorted(people) == ["Lê Văn Bình", "Nguyễn Thị Hồng", "Trần Văn Ánh", "Đỗ Thị Ơn"]
    hong = people["Nguyễn Thị Hồng"]  # stored NFC, single spaces
    assert hong.birth_date == date(1980, 12, 5) and hong.sex == "female" and hong.official_on == date(2006, 3, 2)
    assert hong.party_post == "Bí thư chi bộ" and hong.position == "Trưởng thôn" and hong.official
    anh = people["Trần Văn Ánh"]
    assert anh.birth_date == date(1975, 1, 5) and anh.admitted_on == date(2000, 2, 3) and anh.sex == "male"
    assert not people["Lê Văn Bình"].official  # no official date: dự bị

    again = member_import.import_file(db, chi_bo, data, "ds.xlsx")
    assert again.summary() == {"created": 0, "updated": 0, "unchanged": 4, "errors": []}
    db.commit()
    assert _count(db, chi_bo) == 4


def test_problems_are_listed_by_row_and_column_and_nothing_is_written(db, tree):
    rows = office_rows(tree["tag"])
    rows.append((5, None, "01/01/1970", "Nam", "01/01/1999"))  # no name
    rows.append((6, "Trần Văn Ánh", "05/01/1975", "Nam", "03/02/2000", None, None, None, None, f"{tree['tag']}02"))
    rows.append((7, "Phạm Văn Cường", "31/02/1980", "Nam"))  # no such day
    rows.append((8, "Hoàng Văn Dũng", "12/12/1985", "Không rõ"))
    result = member_import.import_file(db, tree["one"], org_files.workbook(rows), "ds.xlsx")
    db.rollback()
    # The header is on row 7: data rows are 8…; the missing name is row 12.
    assert [(p.row, p.column) for p in result.errors] == [
        (12, "Họ và tên"), (14, "Ngày sinh"), (15, "Giới tính"), (13, "Số thẻ đảng viên")]
    messages = {p.row: p.message for p in result.errors}
    assert messages[12] == "Thiếu họ và tên."
    assert "Trùng với dòng 9" in messages[13]
    # What is wrong with the date is said (it is written day/month/year, February has no 31st).
    assert messages[14] == "Ngày “31/02/1980” không hợp lệ: tháng 2/1980 không có ngày 31."
    assert _count(db, tree["one"]) == 0


def test_libreoffice_saved_list_and_csv_with_bom_read_alike(db, tree):
    saved = org_files.LIBREOFFICE_LIST.read_bytes()
    result = member_import.import_file(db, tree["one"], saved, "libreoffice.xlsx", dry_run=True)
    db.rollback()
    assert result.summary()["created"] == 4 and not result.errors
    names = [values["full_name"] for values in result.created]
    assert names == ["Phạm Văn Long", "Nguyễn Thị Mai", "Trần Văn Ánh", "Lê Thị Bích Ngọc"]
    assert result.created[1]["birth_date"] == date(1980, 12, 5)  # a text date in a LibreOffice cell
    assert result.created[3]["official_on"] == date(2001, 2, 3)

    rows = [(1, org_files.nfd("Vũ Thị Thu"), "5/12/1980", "Nữ", "1/2/2010", "1/2/2011", "", "", "Thôn Tây",
             f"{tree['tag']}31")]
    csv_data = org_files.csv_bom(rows)
    member_import.import_file(db, tree["two"], csv_data, "ds.csv")
    db.commit()
    thu = db.scalar(select(Member).where(Member.unit_id == tree["two"].id))
    assert thu.full_name == "Vũ Thị Thu" and thu.birth_date == date(1980, 12, 5)
    assert member_import.import_file(db, tree["two"], csv_data, "ds.csv").summary()["unchanged"] == 1
    db.rollback()


def test_whole_dang_bo_list_places_members_by_chi_bo_column_and_export_reimports_unchanged(db, tree):
    header = org_files.HEADER + ("Chi bộ",)
    rows = [(1, "Nguyễn Văn An", "01/02/1970", "Nam", "01/02/1995", "01/02/1996", "", "", "", f"{tree['tag']}41",
             "Chi bộ Thôn Đông"),
            (2, "Ngô Thị Bé", "01/03/1980", "Nữ", "01/03/2005", "01/03/2006", "", "", "", f"{tree['tag']}42",
             "thôn tây"),
            (3, "Lưu Văn Cả", "01/04/1980", "Nam", "01/04/2005", "", "", "", "", "", "Chi bộ Không Có"),
            (4, "Lưu Văn Dư", "01/04/1981", "Nam", "01/04/2006", "", "", "", "", "", "")]
    result = member_import.import_file(db, tree["co_so"], org_files.workbook(rows, header), "ds.xlsx")
    db.rollback()
    assert [(p.row, p.column) for p in result.errors] == [(10, "Chi bộ"), (11, "Chi bộ")]
    assert "Chi bộ Không Có" in result.errors[0].message

    member_import.import_file(db, tree["co_so"], org_files.workbook(rows[:2], header), "ds.xlsx")
    db.commit()
    assert _count(db, tree["one"]) == 1 and _count(db, tree["two"]) == 1

    exported = member_import.export_workbook(db, tree["co_so"])
    sheet = load_workbook(io.BytesIO(exported)).active
    assert sheet["A2"].value == units.own_line(tree["co_so"])
    assert [c.value for c in sheet[5]][:3] == ["STT", "Họ và tên", "Ngày sinh"]
    assert [c.value for c in sheet[6]][:2] == [1, "Nguyễn Văn An"]  # Vietnamese order: An before Bé
    again = member_import.import_file(db, tree["co_so"], exported, "export.xlsx")
    assert again.summary() == {"created": 0, "updated": 0, "unchanged": 2, "errors": []}
    db.rollback()


def test_match_by_name_and_birth_date_updates_what_changed(db, tree):
    rows = [(1, "Phan Văn Đạt", "02/02/1982", "Nam", "02/02/2010", "02/02/2011", "", "Giáo viên")]
    member_import.import_file(db, tree["one"], org_files.workbook(rows), "a.xlsx")
    db.commit()
    rows = [(1, org_files.nfd("PHAN VĂN ĐẠT"), "2/2/1982", "Nam", "02/02/2010", "02/02/2011", "Chi ủy viên",
             "Tổ trưởng")]
    result = member_import.import_file(db, tree["one"], org_files.workbook(rows), "b.xlsx")
    db.commit()
    assert result.summary() == {"created": 0, "updated": 1, "unchanged": 0, "errors": []}
    member = db.scalar(select(Member).where(Member.unit_id == tree["one"].id))
    assert member.position == "Tổ trưởng" and member.party_post == "Chi ủy viên"


@pytest.mark.parametrize("make, message", [
    (lambda: b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "không phải bảng tính"),
    (lambda: "Họ tên, tuổi\nkhông có gì\n".encode(), "Không tìm thấy dòng tiêu đề cột"),
    (lambda: org_files.encrypted(org_files.workbook([(1, "Nguyễn Văn Một", "01/01/1980")])), "đặt mật khẩu"),
    (org_files.zip_bomb, "quá lớn khi giải nén"),
    (org_files.many_rows, "tối đa 5000 dòng"),
    (lambda: b"PK\x03\x04 not really a zip", "không phải bảng tính Excel"),
    (lambda: b"", "Tệp rỗng"),
])
def test_bad_files_get_a_clear_message_and_nothing_is_written(db, tree, make, message):
    with pytest.raises(BadFile) as caught:
        member_import.import_file(db, tree["one"], make(), "x.xlsx")
    db.rollback()
    assert message in caught.value.message
    assert _count(db, tree["one"]) == 0


def test_formulas_are_reported_never_evaluated(db, tree):
    result = member_import.import_file(db, tree["one"], org_files.formula_bomb(), "bomb.xlsx")
    db.rollback()
    assert result.errors and all(p.column == "Họ và tên" and "công thức" in p.message for p in result.errors)
    assert len(result.errors) == 57 and _count(db, tree["one"]) == 0


def test_api_dry_run_counts_then_422_with_errors_then_import_and_export(app, client, token_for, tree, db):
    headers = bearer(token_for("admin"))
    chi_bo = tree["one"].id
    good = org_files.workbook(office_rows(tree["tag"]))
    resp = client.post(f"/api/v1/units/{chi_bo}/members/import", headers=headers,
                       data={"dry_run": "1", "file": (io.BytesIO(good), "ds.xlsx")})
    assert resp.status_code == 200
    assert resp.get_json() == {"created": 4, "updated": 0, "unchanged": 0, "errors": []}

    bad = org_files.workbook(office_rows(tree["tag"]) + [(5, "", "01/01/1970")])
    resp = client.post(f"/api/v1/units/{chi_bo}/members/import", headers=headers,
                       data={"file": (io.BytesIO(bad), "ds.xlsx")})
    assert resp.status_code == 422
    assert resp.get_json()["errors"] == [{"row": 12, "column": "Họ và tên", "message": "Thiếu họ và tên."}]
    assert client.get(f"/api/v1/units/{chi_bo}/members", headers=headers).get_json() == []

    resp = client.post(f"/api/v1/units/{chi_bo}/members/import", headers=headers,
                       data={"file": (io.BytesIO(good), "ds.xlsx")})
    assert resp.status_code == 200 and resp.get_json()["created"] == 4
    listed = client.get(f"/api/v1/units/{chi_bo}/members", headers=headers).get_json()
    assert [m["full_name"] for m in listed] == ["Trần Văn Ánh", "Lê Văn Bình", "Nguyễn Thị Hồng", "Đỗ Thị Ơn"]
    assert listed[2]["birth_date"] == "1980-12-05" and listed[2]["party_card"] == f"{tree['tag']}01"
    assert set(listed[0]) == {"id", "full_name", "birth_date", "sex", "admitted_on", "official_on", "party_card",
                              "status", "chi_bo_id"}

    with client.get(f"/api/v1/units/{chi_bo}/members/export", headers=headers) as resp:
        assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
        assert "danh-sach-dang-vien-Chi-bo-Thon-Dong.xlsx" in resp.headers["Content-Disposition"]  # not its id
        exported = resp.data
    resp = client.post(f"/api/v1/units/{chi_bo}/members/import", headers=headers,
                       data={"file": (io.BytesIO(exported), "export.xlsx")})
    assert resp.get_json() == {"created": 0, "updated": 0, "unchanged": 4, "errors": []}

    resp = client.post(f"/api/v1/units/{chi_bo}/members/import", headers=headers,
                       data={"file": (io.BytesIO(b"%PDF-1.4 nope"), "x.pdf")})
    assert resp.status_code == 422 and "không phải bảng tính" in resp.get_json()["errors"][0]["message"]
    # A secretary may read their chi bộ but not import into another unit.
    secretary = bearer(token_for("bithu.toan"))
    resp = client.post(f"/api/v1/units/{chi_bo}/members/import", headers=secretary,
                       data={"file": (io.BytesIO(good), "ds.xlsx")})
    assert resp.status_code == 404


def test_cli_import_with_dry_run(app, tree, tmp_path, db):
    path = tmp_path / "danh sach.xlsx"
    path.write_bytes(org_files.workbook(office_rows(tree["tag"])))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["members", "import", str(path), "--unit", str(tree["two"].id), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "4 thêm mới" in result.output and "Chưa ghi gì" in result.output
    assert _count(db, tree["two"]) == 0
    result = runner.invoke(args=["members", "import", str(path), "--unit", str(tree["two"].id)])
    assert result.exit_code == 0 and "Đã nhập" in result.output
    db.expire_all()
    assert _count(db, tree["two"]) == 4
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(org_files.workbook([(1, "", "01/01/1970")]))
    result = runner.invoke(args=["members", "import", str(bad), "--unit", str(tree["two"].id)])
    assert result.exit_code == 1 and "Dòng 8, cột Họ và tên: Thiếu họ và tên." in result.output
