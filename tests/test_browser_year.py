"""A member's part of the year in Debian's Chromium, on a desk (1280×800) and a phone (390×844): every page fits
the screen, answers no 5xx and has no serious or critical axe-core violation (tests/browser_year.py has the steps,
reusable for the secretary's and the office's part)."""
from __future__ import annotations

import uuid
from datetime import date

import pytest

from service import accounts
from service.models import Member, Unit
from tests.browser_year import SIZES, YearWalk, log_in, member_year
from tests.test_browser import TIMEOUT_MS, browser, live_server  # noqa: F401  (fixtures)

YEAR = 2026


@pytest.fixture(scope="module")
def walker(app):
    """A fresh chi bộ with one member who has a login, per size, so each walk starts from nothing."""
    made = {}
    with app.extensions["db"].session() as s:
        parent = s.query(Unit).filter_by(kind="dang_bo_co_so").first()
        for size in SIZES:
            tag = uuid.uuid4().hex[:6]
            unit = Unit(name=f"Chi bộ Duyệt năm {tag}", kind="chi_bo", parent=parent, place="Hà Nội")
            s.add(unit)
            s.flush()
            member = Member(unit=unit, full_name="Đặng Thị Hồng Nhung", official=True, admitted_on=date(2015, 5, 19),
                            birth_date=date(1988, 3, 8), work_unit="Trường THPT Phan Đình Phùng")
            s.add(member)
            s.flush()
            password = f"Duyet-{uuid.uuid4().hex[:12]}"
            accounts.create_user(s, f"nhung.{tag}", password, "member", member_id=member.id)
            made[size] = (f"nhung.{tag}", password)
    return made


@pytest.mark.parametrize("size", list(SIZES))
def test_member_walks_the_year(browser, live_server, walker, size):  # noqa: F811
    context = browser.new_context(base_url=live_server, viewport=SIZES[size], locale="vi-VN")
    context.set_default_timeout(TIMEOUT_MS)
    walk = YearWalk(context.new_page(), size)
    try:
        log_in(walk, *walker[size])
        member_year(walk, YEAR, extras=size == "desk")  # autosave and PDF once: they do not depend on width
    finally:
        context.close()
    walk.assert_clean()
    assert len(walk.checked) >= 11, walk.checked
