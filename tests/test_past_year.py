"""A past review year is shown as it was: the meeting page lists who was active in that year (member_periods), not
who is active today, and the archive's member filter offers that year's members, with those who have since left
apart and labelled."""
from __future__ import annotations

import re
from datetime import date

from service import documents, members as member_records
from service.models import Unit
from tests.conftest import cycle_context as _ctx


def _history(app, chi_bo: int) -> dict[str, int]:
    """Bình: suspended in May 2025, active again from February 2026. Cường: died in March 2026 (active all 2025).
    An: moved to another chi bộ in 2026. Returns ids by name."""
    s, unit, cycle, members, users = _ctx(app, chi_bo, 2025)
    ids = {name: m.id for name, m in members.items()}
    binh, cuong, an = members["Trần Thị Bình"], members["Lê Văn Cường"], members["Nguyễn Văn An"]
    member_records.set_status(s, binh, "suspended", date(2025, 5, 1))
    member_records.set_status(s, binh, "active", date(2026, 2, 1))
    member_records.set_status(s, cuong, "deceased", date(2026, 3, 1))
    other = Unit(name=f"Chi bộ Nhận chuyển {chi_bo}", kind="chi_bo", parent_id=unit.parent_id, place="Hà Nội")
    s.add(other)
    s.flush()
    member_records.transfer(s, an, other, date(2026, 1, 15))
    s.commit()
    s.close()
    return ids


def test_the_meeting_of_a_past_year_lists_members_as_they_were_that_year(app, client, auth, chi_bo):
    ids = _history(app, chi_bo)
    auth.login("vanphong")
    resp = client.get(f"/units/{chi_bo}/review/2025/meeting")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    rows = set(map(int, re.findall(r'<tr id="row-(\d+)"', page)))
    assert ids["Lê Văn Cường"] in rows  # died in 2026: at the 2025 meeting
    assert ids["Trần Thị Bình"] not in rows  # suspended at the end of 2025, whatever her status now
    away = re.sub(r"\s+", " ", re.search(r'id="not-attending">(.*?)</p>', page, re.S).group(1))
    assert "Trần Thị Bình — Đình chỉ sinh hoạt đảng" in away
    assert "Lê Văn Cường" not in away


def test_the_archive_filter_lists_the_year_s_members_and_those_gone_apart(app, client, auth, chi_bo):
    ids = _history(app, chi_bo)
    s, unit, cycle, members, users = _ctx(app, chi_bo, 2025)
    dung = members["Phạm Thị Dung"]
    gam = members["Đỗ Thị Gấm"]
    documents.open_personal_review(s, dung, 2025, "Hà Nội")  # she has a 2025 document here, then leaves in 2025
    member_records.set_status(s, dung, "moved_out", date(2025, 8, 1))
    member_records.set_status(s, gam, "expelled", date(2024, 6, 1))  # gone before 2025, nothing of 2025
    s.commit()
    s.close()
    auth.login("vanphong")
    page = client.get(f"/units/{chi_bo}/archive/2025").get_data(as_text=True)
    select = re.search(r'<select name="member_id">(.*?)</select>', page, re.S).group(1)
    year_group = re.search(r'<optgroup label="Đảng viên của chi bộ năm 2025">(.*?)</optgroup>', select, re.S).group(1)
    gone_group = re.search(r'<optgroup label="Đã rời chi bộ \(còn văn bản năm 2025\)">(.*?)</optgroup>', select,
                           re.S).group(1)
    for name in ("Nguyễn Văn An", "Lê Văn Cường", "Trần Thị Bình"):  # members in 2025, whatever since
        assert f'value="{ids[name]}"' in year_group
    assert f'value="{dung.id}"' in gone_group and "Phạm Thị Dung (chuyển sinh hoạt đảng đi)" in gone_group
    assert f'value="{dung.id}"' not in year_group
    assert f'value="{gam.id}"' not in select  # left before the year, no document of it: not offered


def test_a_member_who_moved_is_on_last_year_s_board_where_they_were_and_belongs_where_they_are(app, chi_bo):
    """members_on reads the periods and the records without history in one query: An, moved in January 2026, is on
    the 2025 board of the chi bộ he left, and his record still says where he is now (read in a fresh session, so
    nothing loaded before answers for the query)."""
    ids = _history(app, chi_bo)
    s = app.extensions["db"].sessions()
    try:
        on_2025 = {e.member.id: e for e in member_records.members_on(s, [chi_bo], member_records.board_date(2025))}
        an = on_2025[ids["Nguyễn Văn An"]]
        assert an.unit_id == chi_bo and an.status == "active"
        assert an.member.unit_id != chi_bo and s.get(Unit, an.member.unit_id).name.startswith("Chi bộ Nhận chuyển")
        assert on_2025[ids["Lê Văn Cường"]].member.status == "deceased"  # today's record, the year's status apart
        assert on_2025[ids["Lê Văn Cường"]].status == "active"
        on_2026 = {e.member.id for e in member_records.members_on(s, [chi_bo], member_records.board_date(2026))}
        assert ids["Nguyễn Văn An"] not in on_2026
    finally:
        s.close()
