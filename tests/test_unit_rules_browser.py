"""The readings of the rules in a real browser: the office sets one for its đảng bộ bộ phận (a reason is required, what
was chosen stays after a refusal), the chi bộ's board names the reading in force; a secretary only reads them.
Screenshots at 1280 and 390 px go to $RULES_SCREENSHOTS when set (else the test's tmp folder)."""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import select

from service.models import Unit
from tests.test_browser import TIMEOUT_MS, browser, live_server  # noqa: F401  (fixtures)
from tests.test_org_browser import _shots
from tests.test_unit_rules import tree  # noqa: F401  (fixture)


def _login(browser, live_server, app, username: str):  # noqa: F811
    context = browser.new_context(base_url=live_server, locale="vi-VN")
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    tab.goto("/login")
    tab.fill("#username", username)
    tab.fill("#password", app.config["DEMO_LOGINS"][username])
    tab.get_by_role("button", name="Đăng nhập").click()
    tab.wait_for_url(f"{live_server}/**")
    return context, tab


def test_office_sets_a_reading_and_a_secretary_reads_it(browser, live_server, app, tree, tmp_path):  # noqa: F811
    folder = Path(os.environ.get("RULES_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    office, tab = _login(browser, live_server, app, "vanphong")
    tab.goto(f"/units/{tree['part']}/rules")
    assert tab.get_by_role("heading", name="Số làm căn cứ tính tỷ lệ Hoàn thành xuất sắc").is_visible()
    _shots(tab, folder, "01-rules-office")
    tab.get_by_label("Số làm căn cứ tính tỷ lệ Hoàn thành xuất sắc").select_option("tot_and_above")
    tab.get_by_label("Lý do thay đổi").fill("   ")
    tab.locator("#f-reason").evaluate("e => e.removeAttribute('required')")  # what a browser without checks sends
    tab.get_by_role("button", name="Lưu cách hiểu").click()
    assert tab.get_by_text("Nhập lý do thay đổi").first.is_visible()
    assert tab.get_by_label("Số làm căn cứ tính tỷ lệ Hoàn thành xuất sắc").input_value() == "tot_and_above"
    _shots(tab, folder, "02-rules-refused")
    tab.get_by_label("Lý do thay đổi").fill("Nghị quyết số 12-NQ/ĐU của Đảng ủy")
    tab.get_by_role("button", name="Lưu cách hiểu").click()
    assert tab.get_by_text("Đã lưu cách hiểu quy định").is_visible()
    assert tab.get_by_text("Nghị quyết số 12-NQ/ĐU của Đảng ủy").is_visible()
    _shots(tab, folder, "03-rules-saved")
    tab.goto(f"/units/{tree['chi_bo']}/review/2026")
    line = tab.locator("#cach-hieu").inner_text()
    assert "Số từ Hoàn thành tốt nhiệm vụ trở lên (Đảng bộ bộ phận Thử" in line
    _shots(tab, folder, "04-board-office")
    office.close()

    with app.extensions["db"].session() as s:
        toan = s.scalar(select(Unit).where(Unit.name == "Chi bộ Tổ Toán – Tin")).id
    secretary, tab = _login(browser, live_server, app, "bithu.toan")
    tab.goto(f"/units/{toan}/review/2026")
    tab.locator("#cach-hieu").get_by_role("link", name="Xem").click()
    tab.wait_for_url(f"{live_server}/units/{toan}/rules")
    assert tab.get_by_text("Bạn chỉ xem được").is_visible()
    assert tab.get_by_role("button", name="Lưu cách hiểu").count() == 0
    _shots(tab, folder, "05-rules-secretary")
    secretary.close()
