""""Lấy từ các quý" in a real browser: the page it answers (to a POST: it carries what is typed) does not stay a POST
in the history, so reloading it or coming back to it opens the document page, never the browser's "Confirm form
resubmission"."""
from __future__ import annotations

from tests.test_browser import TIMEOUT_MS, browser, live_server  # noqa: F401  (fixtures)
from tests.test_quarterly_takeup import _quarters


def test_coming_back_to_the_taken_up_page_opens_the_document_not_a_resubmission(
        app, browser, live_server, chi_bo):  # noqa: F811
    member_id = _quarters(app, chi_bo, "Trần Thị Bình")
    context = browser.new_context(base_url=live_server, locale="vi-VN")
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    tab.on("dialog", lambda dialog: dialog.accept())  # "Có nội dung chưa lưu. Rời trang?": yes
    tab.goto("/login")
    tab.fill("#username", "vanphong")
    tab.fill("#password", app.config["DEMO_LOGINS"]["vanphong"])
    tab.locator("button[type=submit]").last.click()
    tab.wait_for_url(f"{live_server}/")
    tab.goto(f"/members/{member_id}/documents/personal-review/2025")
    document_url = tab.url
    assert "/documents/" in document_url and tab.locator("#takeup-summary").count() == 0

    tab.locator("#take-up-quarters").click()
    tab.locator("#takeup-summary").wait_for()
    # the history entry becomes the document's address, not the POST to /quarters (once the page's script has run:
    # the summary can be on screen a moment before)
    tab.wait_for_url(document_url)

    tab.reload()  # a GET of the document: the quarters' text, never saved, is not sent again
    assert tab.url == document_url and tab.locator("#document-form").count() == 1
    assert tab.locator("#takeup-summary").count() == 0

    tab.locator("#take-up-quarters").click()
    tab.locator("#takeup-summary").wait_for()
    tab.goto("/")
    tab.go_back()
    assert tab.url == document_url and tab.locator("#document-form").count() == 1
    assert tab.locator("#takeup-summary").count() == 0
    context.close()
