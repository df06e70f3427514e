"""An office sets up a chi bộ in a real browser: creates it, imports its members from Excel, creates the secretary's
account; the secretary logs in with the temporary password, is made to change it, and sees the members on the board.
Screenshots of each page at 1280 and 390 px go to $ORG_SCREENSHOTS when set (else the test's tmp folder)."""
from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

from sqlalchemy import select

from service.models import Member
from tests import org_files
from tests.test_browser import TIMEOUT_MS, browser, live_server  # noqa: F401  (fixtures)

YEAR = 2026


def _shots(tab, folder: Path, name: str) -> None:
    """The page at desktop and phone width; the phone shot must not scroll sideways."""
    for width, height in ((1280, 900), (390, 844)):
        tab.set_viewport_size({"width": width, "height": height})
        tab.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
        if width == 390:
            overflow = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 390 px"
    tab.set_viewport_size({"width": 1280, "height": 900})


def test_office_sets_up_a_chi_bo_and_its_secretary_logs_in(browser, live_server, app, tmp_path):  # noqa: F811
    folder = Path(os.environ.get("ORG_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    tag = uuid.uuid4().hex[:4]
    chi_bo_name = f"Chi bộ Tổ Hóa – Sinh {tag}"
    office = browser.new_context(base_url=live_server, locale="vi-VN")
    office.set_default_timeout(TIMEOUT_MS)
    tab = office.new_page()
    tab.goto("/login")
    tab.fill("#username", "vanphong")
    tab.fill("#password", app.config["DEMO_LOGINS"]["vanphong"])
    tab.get_by_role("button", name="Đăng nhập").click()
    tab.wait_for_url(f"{live_server}/")

    # 1. The chi bộ, under the school's đảng bộ cơ sở.
    tab.goto("/org/units")
    _shots(tab, folder, "01-units")
    tab.get_by_label("Tên tổ chức").fill(chi_bo_name)
    tab.get_by_label("Loại tổ chức").select_option("chi_bo")
    tab.get_by_label("Trực thuộc").select_option(label="Đảng bộ Trường THPT Phan Đình Phùng")
    tab.get_by_role("button", name="Lập tổ chức").click()
    tab.wait_for_url(re.compile(r"/org/units/\d+$"))
    unit_id = int(tab.url.rsplit("/", 1)[1])
    assert tab.get_by_text("(Ký, ghi rõ họ tên)").is_visible()  # no seal under a đảng ủy cơ sở
    _shots(tab, folder, "02-unit")

    # 2. Its members from the office's Excel list: preview, then import.
    tab.get_by_role("link", name="Danh sách đảng viên").click()
    tab.get_by_role("link", name="Nhập từ Excel").click()
    rows = [(1, "Nguyễn Thị Hồng", "05/12/1980", "Nữ", "02/03/2005", "02/03/2006", "Bí thư chi bộ", "Giáo viên",
             "Tổ Hóa – Sinh", f"B{tag}01"),
            (2, org_files.nfd("Trần Văn Ánh"), "5/1/1975", "Nam", "3/2/2000", "3/2/2001", "", "Giáo viên",
             "Tổ Hóa – Sinh", f"B{tag}02"),
            (3, "Lê Văn Bình", "09/07/1990", "Nam", "15/01/2026", "", "", "Giáo viên", "Tổ Hóa – Sinh", "")]
    list_file = tmp_path / "danh-sach-dang-vien.xlsx"
    list_file.write_bytes(org_files.workbook(rows, title=chi_bo_name.upper()))
    tab.get_by_label("Tệp danh sách (.xlsx hoặc .csv)").set_input_files(str(list_file))
    tab.get_by_role("button", name="Xem trước").click()
    assert tab.locator(".counts").inner_text().split("\n")[0].strip() == "Thêm mới: 3"
    _shots(tab, folder, "03-import-preview")
    tab.get_by_role("button", name="Nhập 3 thay đổi").click()
    tab.wait_for_url(f"{live_server}/org/units/{unit_id}/members")
    names = tab.locator("table.org-members tbody tr td:nth-child(2) a").all_inner_texts()
    assert names == ["Trần Văn Ánh", "Lê Văn Bình", "Nguyễn Thị Hồng"]  # Vietnamese order, NFC
    _shots(tab, folder, "04-members")
    tab.get_by_role("link", name="Lê Văn Bình").click()
    assert tab.get_by_role("heading", name="Quá trình sinh hoạt").is_visible()
    _shots(tab, folder, "04b-member")
    tab.go_back()

    # 3. The secretary's account, tied to the chi bộ and to her member record.
    with app.extensions["db"].session() as s:
        hong = s.scalar(select(Member).where(Member.unit_id == unit_id, Member.full_name == "Nguyễn Thị Hồng")).id
    tab.get_by_role("link", name="Tài khoản", exact=True).click()
    username = f"bithu.hoasinh{tag}"
    tab.get_by_label("Tên đăng nhập").fill(username)
    tab.get_by_label("Vai trò").select_option("secretary")
    tab.get_by_label("Tổ chức đảng (bí thư, văn phòng)").select_option(str(unit_id))
    tab.get_by_label("Đảng viên (tài khoản đảng viên; bí thư: chính mình)").select_option(str(hong))
    _shots(tab, folder, "05-accounts")
    tab.get_by_role("button", name="Tạo tài khoản").click()
    temporary = tab.locator("#secret").inner_text().strip()
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", temporary)
    _shots(tab, folder, "06-temporary-password")
    office.close()

    # 4. The secretary: temporary password, made to change it, then the board with her members.
    secretary = browser.new_context(base_url=live_server, locale="vi-VN")
    secretary.set_default_timeout(TIMEOUT_MS)
    tab = secretary.new_page()
    tab.goto("/login")
    tab.fill("#username", username)
    tab.fill("#password", temporary)
    tab.get_by_role("button", name="Đăng nhập").click()
    tab.wait_for_url(f"{live_server}/account/password")
    tab.goto(f"/units/{unit_id}/review/{YEAR}")
    assert tab.url == f"{live_server}/account/password"  # nothing else until the password is changed
    tab.get_by_label("Mật khẩu hiện tại (tạm thời)").fill(temporary)
    tab.get_by_label("Mật khẩu mới", exact=True).fill("matkhau123")
    tab.get_by_label("Nhập lại mật khẩu mới").fill("matkhau123")
    tab.get_by_role("button", name="Đổi mật khẩu").click()
    assert tab.get_by_text("quá phổ biến").first.is_visible()
    _shots(tab, folder, "07-change-password")
    new_password = "hoa sinh hai không hai sáu"
    tab.get_by_label("Mật khẩu hiện tại (tạm thời)").fill(temporary)
    tab.get_by_label("Mật khẩu mới", exact=True).fill(new_password)
    tab.get_by_label("Nhập lại mật khẩu mới").fill(new_password)
    tab.get_by_role("button", name="Đổi mật khẩu").click()
    tab.wait_for_url(f"{live_server}/")
    tab.goto(f"/units/{unit_id}/review/{YEAR}")
    board = tab.locator("main").inner_text()
    for name in ("Trần Văn Ánh", "Lê Văn Bình", "Nguyễn Thị Hồng"):
        assert name in board
    _shots(tab, folder, "08-board")
    secretary.close()
