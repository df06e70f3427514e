"""The year walked in a real browser, as reusable steps: a checked page (no horizontal overflow, no 5xx, no serious
or critical axe-core violation) and a member's part of the year. tests/test_browser_year.py runs it at 1280×800 and
390×844; the secretary's and the office's steps can be added as more functions taking a YearWalk.
"""
from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

BAD_IMPACTS = ("serious", "critical")
SIZES = {"desk": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
SHOTS = os.environ.get("YEAR_SCREENSHOTS")  # a folder: every checked page is also saved as a picture there


@dataclass
class YearWalk:
    """One browser tab walking the year at one size; every page it checks is recorded with what was wrong."""

    page: object  # playwright Page
    size: str
    problems: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("response", lambda r: self.server_errors.append(f"{r.status} {r.url}") if r.status >= 500
                     else None)

    def check(self, label: str) -> None:
        """The page as it is now: fits the screen's width, and axe-core finds nothing serious or critical."""
        from axe_playwright_python.sync_playwright import Axe

        page = self.page
        page.wait_for_load_state("load")
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .slice(0, 5).map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className)""")
            self.problems.append(f"[{self.size}] {label}: trang rộng {width[0]} px > {width[1]} px ({wide})")
        results = Axe().run(page)
        for violation in results.response["violations"]:
            if violation.get("impact") in BAD_IMPACTS:
                targets = [n["target"] for n in violation["nodes"][:3]]
                self.problems.append(f"[{self.size}] {label}: axe {violation['impact']} {violation['id']}: "
                                     f"{violation['help']} {targets}")
        self.checked.append(label)
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            plain = unicodedata.normalize("NFKD", label.lower().replace("đ", "d")).encode("ascii", "ignore").decode()
            name = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
            page.screenshot(path=str(Path(SHOTS) / f"{self.size}-{len(self.checked):02d}-{name}.png"), full_page=True)

    def assert_clean(self) -> None:
        assert not self.server_errors, self.server_errors
        assert not self.problems, "\n".join(self.problems)


def log_in(walk: YearWalk, username: str, password: str) -> None:
    """Through the login form, checked as a page."""
    page = walk.page
    page.goto("/login")
    walk.check("đăng nhập")
    page.fill("#username", username)
    page.fill("#password", password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/$"))


def fill_what_is_empty(page, text: str) -> None:
    """Type into every empty long answer, score, table's first row and level: what a member writes."""
    for area in page.locator("form#document-form textarea").all():
        if not area.input_value().strip():
            area.fill(f"{text} – {area.get_attribute('name')}.")
    for line in page.locator("form#document-form .field:has(label .req) > input[type=text]:not([inputmode])").all():
        if not line.input_value().strip():
            line.fill(f"{text}: {line.get_attribute('name')}")
    scores = page.locator("form#document-form input[data-score]").all()
    for score, value in zip(scores, ("27,5", "63")):
        if not score.input_value().strip():
            score.fill(value)
    first_cell = page.locator("form#document-form .rows tbody tr:first-child input[type=text]").first
    if first_cell.count() and not first_cell.input_value().strip():
        first_cell.fill(f"{text}: nhiệm vụ thứ nhất")
    radios = page.locator("form#document-form input[type=radio][value=tot]").all()
    for radio in radios:
        radio.check()


def submit_document(walk: YearWalk, label: str, text: str) -> None:
    """On an open document: a wrong date saved as a draft is refused with the summary focused on top; corrected,
    the rest filled in, "Nộp" submits; reloaded, the state reads "Đã nộp"."""
    from playwright.sync_api import expect

    page = walk.page
    walk.check(f"{label}: mở")
    date_input = page.locator("form#document-form input[placeholder='ngày/tháng/năm']").first
    good_date = date_input.input_value() or "05/12/2026"
    date_input.fill("31/02/2025")
    page.locator("#save-draft").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Tháng 2/2025 không có ngày 31")
    expect(summary).to_be_focused()
    walk.check(f"{label}: báo lỗi")
    summary.locator("a").first.click()
    expect(page.locator(f"#{date_input.get_attribute('id')}")).to_be_focused()
    page.locator(f"#{date_input.get_attribute('id')}").fill(good_date)
    fill_what_is_empty(page, text)
    page.locator("#submit-doc").click()
    expect(page.locator(".flash.info")).to_contain_text("Đã nộp")
    page.reload()
    expect(page.locator("#doc-status")).to_have_text("Đã nộp")
    walk.check(f"{label}: đã nộp")


def typing_kept_and_pdf_made(walk: YearWalk) -> None:
    """On a submitted document: typing is kept by autosave and offered back after a reload; "Tải PDF" says
    "Đang tạo PDF…" while the file is made and hands over a PDF."""
    from playwright.sync_api import expect

    page = walk.page
    area = page.locator("form#document-form textarea").first
    area.fill(area.input_value() + " Thêm một câu chưa lưu.")
    expect(page.locator("#autosave-state")).to_contain_text("Đã tự động giữ", timeout=30_000)
    page.reload()
    expect(page.locator("#autosave-offer")).to_be_visible()
    walk.check("nội dung gõ dở")
    page.locator("#autosave-offer button").click()  # "Bỏ": back to the submitted revision
    expect(page.locator("#autosave-offer")).to_have_count(0)
    with page.expect_download(timeout=120_000) as info:
        page.locator("#download-pdf").click()
        expect(page.locator("#download-state")).to_contain_text("Đang tạo PDF")
    assert info.value.suggested_filename.endswith(".pdf")
    expect(page.locator("#download-state")).to_contain_text("Đã tạo xong")


def preview_of_typing(walk: YearWalk) -> None:
    """On an open document: text typed and not saved shows in the preview of the printed pages, and nothing is
    saved by it (the page still says how many times it was saved)."""
    from playwright.sync_api import expect

    page = walk.page
    saved = page.locator(".meta").first.inner_text()
    area = page.locator("form#document-form textarea").first
    area.fill(area.input_value() + " Câu chỉ để xem trước.")
    page.locator("#preview summary").click()
    expect(page.locator("#preview-state")).to_contain_text("theo nội dung đang có trên trang", timeout=120_000)
    expect(page.locator("#preview-pages img").first).to_be_visible()
    assert page.locator("#preview-pages img").first.evaluate("i => i.complete && i.naturalWidth") > 0
    walk.check("xem trước nội dung đang gõ")
    assert page.locator(".meta").first.inner_text() == saved


def quarters_taken_up(walk: YearWalk, year: int) -> None:
    """The year-end self-review takes up the submitted quarter: the page names the quarters taken and missing, the
    text written in the year's A.I.2 stays, the quarter's tasks are offered beside it and added on request."""
    from playwright.sync_api import expect

    page = walk.page
    page.goto("/")
    page.locator(f"#nam-{year} tr[data-family='personal-review'] a").click()
    page.wait_for_url(re.compile(r"/documents/\d+$"))
    typed = page.locator("#a_i_2").input_value()
    page.locator("#take-up-quarters").click()
    summary = page.locator("#takeup-summary")
    expect(summary).to_contain_text("Đã lấy từ Mẫu 05 đã nộp của Quý I.")
    expect(summary).to_contain_text("Quý II (chưa viết)")
    expect(page.locator("#a_i_2")).to_have_value(typed)  # what was written is not replaced
    offer = page.locator(".takeup-offer[data-target='a_i_2']")
    expect(offer).to_contain_text("Quý I:")
    walk.check("lấy từ các quý")
    offer.locator(".offer-append").click()
    value = page.locator("#a_i_2").input_value()
    assert value.startswith(typed.rstrip()) and "Quý I:" in value
    page.locator("#save-draft").click()
    expect(page.locator(".flash.info")).to_contain_text("Đã lưu bản nháp")


def member_year(walk: YearWalk, year: int, extras: bool = False) -> None:
    """From the home page: the self-review, the commitment and the first quarter's Mẫu 05, each submitted; the
    home page then shows them submitted. With `extras`, the self-review's autosave and PDF download too."""
    from playwright.sync_api import expect

    page = walk.page
    page.goto("/")
    walk.check("trang chính")
    steps = (("personal-review", 0, "bản tự kiểm điểm"), ("commitment", 0, "bản cam kết"),
             ("self-rating", 1, "Mẫu 05 quý I"))
    for family, quarter, label in steps:
        page.goto("/")
        row = page.locator(f"#nam-{year} tr[data-family='{family}'][data-quarter='{quarter}']")
        row.get_by_role("link").click()
        page.wait_for_url(re.compile(r"/documents/\d+$"))
        submit_document(walk, label, f"Nội dung {label} năm {year}")
        if extras and family == "personal-review":
            typing_kept_and_pdf_made(walk)
            preview_of_typing(walk)
    page.goto("/")
    for family, quarter, _ in steps:
        expect(page.locator(f"#nam-{year} tr[data-family='{family}'][data-quarter='{quarter}'] .state")) \
            .to_have_text("Đã nộp")
        expect(page.locator(f"#nam-{year} tr[data-family='{family}'][data-quarter='{quarter}'] .saved")) \
            .to_contain_text("lần lưu")
    walk.check("trang chính: đã nộp")
    quarters_taken_up(walk, year)
