"""The document form page as a member and a secretary use it: autosave without revisions, the offer to restore
typing, "Nộp", copy from last year, "nhập thay", the printed pages' preview, Vietnam time, names not codes."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from datetime import timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from service.models import Document, DocumentRevision, Member
from tests.conftest import csrf_token


def _open(client, path: str) -> tuple[str, int, str]:
    resp = client.get(path)
    assert resp.status_code == 302, resp.status_code
    url = resp.headers["Location"]
    return url, int(re.search(r"/documents/(\d+)", url).group(1)), client.get(url).get_data(as_text=True)


class _FormValues(HTMLParser):
    """What a browser would send from the document form: every input, textarea and selected option."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == "document-form":
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.values[a["name"]] = a.get("value", "y")
            else:
                self.values[a["name"]] = a.get("value") or ""
        elif tag == "textarea":
            self._textarea = a["name"]
            self.values[self._textarea] = ""
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


def _post(client, url: str, page: str, action: str = "draft", **changes) -> object:
    """Send the form as it stands on the page, with some fields changed (nothing else is blanked)."""
    parser = _FormValues()
    parser.feed(page)
    data = {**parser.values, **changes, "action": action, "csrf_token": csrf_token(page)}
    return client.post(url, data=data, follow_redirects=True)


def _revisions(app, doc_id: int) -> list[DocumentRevision]:
    with app.extensions["db"].session() as s:
        return list(s.scalars(select(DocumentRevision).where(DocumentRevision.document_id == doc_id)
                              .order_by(DocumentRevision.number)))


def test_autosave_keeps_typing_without_a_revision_and_offers_it_back(client, auth, app):
    auth.login("thao")
    url, doc_id, page = _open(client, "/reviews/2025")
    before = len(_revisions(app, doc_id))
    token = csrf_token(page)
    resp = client.post(f"/documents/{doc_id}/autosave", data={"csrf_token": token, "a_i_1": "Đang gõ dở dòng đầu"})
    assert resp.status_code == 200 and resp.get_json()["shown"]
    resp = client.post(f"/documents/{doc_id}/autosave", data={"csrf_token": token, "a_i_1": "Đang gõ dở dòng hai"})
    assert resp.status_code == 200
    assert len(_revisions(app, doc_id)) == before  # typing is not a revision
    # reopened: the saved text is on the form, the typing is offered with its (Vietnam) time
    page = client.get(url).get_data(as_text=True)
    assert 'id="autosave-offer"' in page and "Đang gõ dở dòng hai" not in page
    restored = client.get(f"{url}?restore=1").get_data(as_text=True)
    assert "Đang gõ dở dòng hai" in restored
    # an explicit save makes one revision and the offer goes
    resp = _post(client, url, page, a_i_1="Đang gõ dở dòng hai")
    assert "Đã lưu bản nháp." in resp.get_data(as_text=True)
    assert len(_revisions(app, doc_id)) == before + 1
    assert 'id="autosave-offer"' not in client.get(url).get_data(as_text=True)


def test_discarding_the_typing_keeps_the_saved_revision(client, auth, app):
    auth.login("thao")
    url, doc_id, page = _open(client, "/reviews/2024")
    token = csrf_token(page)
    _post(client, url, page, a_i_1="Bản đã lưu")
    client.post(f"/documents/{doc_id}/autosave", data={"csrf_token": token, "a_i_1": "Gõ rồi bỏ"})
    resp = client.post(f"/documents/{doc_id}/autosave/discard", data={"csrf_token": token}, follow_redirects=True)
    body = resp.get_data(as_text=True)
    assert "Đã bỏ nội dung gõ dở" in body and "Bản đã lưu" in body and 'id="autosave-offer"' not in body


def test_autosave_needs_the_csrf_token_and_refuses_someone_elses_document(client, auth, app):
    auth.login("thao")
    _, doc_id, _ = _open(client, "/reviews/2026")
    assert client.post(f"/documents/{doc_id}/autosave", data={"a_i_1": "x"}).status_code == 400
    auth.logout()
    auth.login("duc")
    page = client.get("/").get_data(as_text=True)
    resp = client.post(f"/documents/{doc_id}/autosave", data={"csrf_token": csrf_token(page), "a_i_1": "x"})
    assert resp.status_code == 404


def test_submit_is_the_full_check_then_submitted(client, auth, app):
    auth.login("duc")
    url, doc_id, page = _open(client, "/reviews/2025")
    assert ">Nộp</button>" in page and ">Lưu nháp</button>" in page
    resp = _post(client, url, page, action="submit", a_vi="")
    assert resp.status_code == 422 and "Vui lòng nhập mục “A.VI." in resp.get_data(as_text=True)
    with app.extensions["db"].session() as s:
        assert s.get(Document, doc_id).status != "submitted"


def test_secretary_typing_for_a_member_is_recorded_as_on_behalf(client, auth, app):
    with app.extensions["db"].session() as s:
        member_id = s.scalar(select(Member.id).where(Member.full_name == "Trần Thị Ánh Tuyết"))
    auth.login("bithu.toan")
    url, doc_id, page = _open(client, f"/members/{member_id}/reviews/2025")
    assert 'id="on-behalf"' in page and "Nhập thay" in page
    _post(client, url, page, a_i_1="Bí thư nhập giúp")
    last = _revisions(app, doc_id)[-1]
    assert last.on_behalf is True
    history = client.get(f"/documents/{doc_id}/revisions").get_data(as_text=True)
    assert "Nguyễn Văn Hùng" in history and "nhập thay" in history
    assert not re.search(r"Người lưu: \d", history)
    auth.logout()
    # the member's own save is not on anyone's behalf, and the member sees no "nhập thay" banner
    auth.login("tuyet")
    url, _, page = _open(client, "/reviews/2025")
    assert 'id="on-behalf"' not in page
    _post(client, url, page, a_i_1="Tự nhập")
    assert _revisions(app, doc_id)[-1].on_behalf is False


def test_copy_from_last_year_on_request(client, auth, app):
    auth.login("duc")
    url_prev, _, page = _open(client, "/reviews/2024")
    _post(client, url_prev, page, a_ii_1="Hạn chế của năm 2024", a_vi="Biện pháp của năm 2024")
    url, doc_id, page = _open(client, "/reviews/2025")
    assert 'id="copy-previous"' in page
    _post(client, url, page, a_i_1="Viết trước khi chép")
    before = len(_revisions(app, doc_id))
    resp = client.post(f"/documents/{doc_id}/copy-previous", data={"csrf_token": csrf_token(page)},
                       follow_redirects=True)
    body = resp.get_data(as_text=True)
    assert "Đã chép nội dung năm 2024" in body and "Hạn chế của năm 2024" in body
    revisions = _revisions(app, doc_id)
    assert len(revisions) == before + 1 and revisions[-1].status == "draft"
    assert revisions[-1].data["year"] == 2025  # the header stays this year's
    assert revisions[-2].data["a_i_1"] == "Viết trước khi chép"  # the earlier text stays in the history


def test_preview_shows_the_printed_pages_as_images(client, auth, app):
    auth.login("tuyet")
    url, doc_id, page = _open(client, "/reviews/2026")
    _post(client, url, page, a_i_1="Xem trước bản in")
    resp = client.get(f"/documents/{doc_id}/preview")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    pages = resp.get_json()["pages"]
    assert len(pages) >= 2
    with client.get(pages[0]) as image:
        assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
    # someone else cannot fetch it
    auth.logout()
    auth.login("duc")
    assert client.get(pages[0]).status_code == 404
    assert client.get(f"/documents/{doc_id}/preview").status_code == 404


def test_preview_shows_what_is_typed_without_saving_it(client, auth, app, monkeypatch, tmp_path):
    """The preview prints the form as it is on the page (not the last save) and stores no revision; a half-typed
    draft still previews; a value that cannot be printed gets a Vietnamese message naming the field."""
    import subprocess

    import web.pages
    printed: list[bytes] = []
    make_images = web.pages.preview_images.page_images

    def keep_pdf(pdf, folder):
        printed.append(pdf)
        return make_images(pdf, folder)
    monkeypatch.setattr(web.pages.preview_images, "page_images", keep_pdf)
    auth.login("tuyet")
    url, doc_id, page = _open(client, "/reviews/2026")
    _post(client, url, page, a_i_1="Nội dung đã lưu")
    page = client.get(url).get_data(as_text=True)
    before = len(_revisions(app, doc_id))
    parser = _FormValues()
    parser.feed(page)
    typed = {**parser.values, "csrf_token": csrf_token(page), "a_i_1": "Câu đang gõ chưa lưu", "a_ii_1": ""}
    resp = client.post(f"/documents/{doc_id}/preview", data=typed)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.get_json()["pages"] and resp.get_json()["revision"] is None
    pdf = tmp_path / "xem.pdf"
    pdf.write_bytes(printed[-1])
    shown = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
    assert "Câu đang gõ chưa lưu" in shown and "Nội dung đã lưu" not in shown
    assert len(_revisions(app, doc_id)) == before  # nothing saved
    with app.extensions["db"].session() as s:
        assert s.get(Document, doc_id).data["a_i_1"] == "Nội dung đã lưu"
    resp = client.post(f"/documents/{doc_id}/preview", data={**typed, "birth_date": "31/02/1985"})
    assert resp.status_code == 422
    message = resp.get_json()["error"]
    assert "Ngày sinh" in message and "Tháng 2/1985 không có ngày 31" in message
    assert len(_revisions(app, doc_id)) == before


def test_text_sent_after_the_session_ended_is_given_back_to_copy(client, auth):
    """"Lưu nháp" pressed after the session ended (expired overnight, logged out in another tab) cannot save, but
    what was typed comes back on the page to copy, with a link to open the document again."""
    auth.login("thao")
    url, _, page = _open(client, "/reviews/2026")
    parser = _FormValues()
    parser.feed(page)
    auth.logout()
    typed = "Đoạn tôi đã gõ nửa giờ, chưa kịp lưu."
    resp = client.post(url, data={**parser.values, "a_i_1": typed, "action": "draft", "csrf_token": csrf_token(page)})
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert "chưa được lưu" in body
    kept = re.findall(r"<textarea [^>]*readonly[^>]*>([^<]*)</textarea>", body)
    assert typed in kept
    assert f'href="{url}"' in body
    assert csrf_token(page) not in body  # only what a person typed, not the form's codes
    # a password sent with an old form is never shown back
    login = client.post("/login", data={"username": "thao", "password": "mật khẩu có dấu cách", "csrf_token": "cũ"})
    assert login.status_code == 400 and "mật khẩu có dấu cách" not in login.get_data(as_text=True)


def test_times_are_vietnam_time_and_people_are_names(client, auth, app):
    auth.login("thao")
    url, doc_id, page = _open(client, "/reviews/2023")
    _post(client, url, page, a_i_1="Giờ Việt Nam")
    saved = _revisions(app, doc_id)[-1].saved_at
    saved = saved if saved.tzinfo else saved.replace(tzinfo=timezone.utc)
    shown = saved.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%d/%m/%Y %H:%M")
    history = client.get(f"/documents/{doc_id}/revisions").get_data(as_text=True)
    assert shown in history and "Mai Phương Thảo" in history
    audit = client.get(f"/documents/{doc_id}/history").get_data(as_text=True)
    assert "UTC" not in audit and shown in audit
    # the earlier visit to this page is listed as a view: no chain number ("None") and the page named in Vietnamese
    audit = client.get(f"/documents/{doc_id}/history").get_data(as_text=True)
    events = audit.split('id="events"', 1)[1]
    assert "Lịch sử văn bản" in events
    assert not re.search(r"<td>\s*None\s*</td>", events) and "history" not in events


def test_download_of_an_incomplete_document_names_fields_not_codes(client, auth, app):
    auth.login("thao")
    url, doc_id, page = _open(client, "/reviews/2026")
    _post(client, url, page, a_i_1="Chưa đủ", a_i_3="")
    body = client.get(f"/documents/{doc_id}/download/pdf", follow_redirects=True).get_data(as_text=True)
    assert "Văn bản chưa đủ để in" in body and "“A.I.3." in body
    assert not re.search(r"\ba_i_\d|\ba_ii_\d", body.split("Văn bản chưa đủ để in", 1)[1].split("</div>", 1)[0])
    # and the page lists every missing field in the summary, each linking to its input
    assert 'id="error-summary"' in body and 'href="#a_i_3"' in body


def test_member_admitted_after_the_year_is_not_listed(client, auth, app, chi_bo):
    from service import documents
    from service.models import Unit
    from service.review import people

    with app.extensions["db"].session() as s:
        unit = s.get(Unit, chi_bo)
        names_2025 = [m.full_name for m in people.load_cycle(s, documents.cycle_for(s, unit, 2025)).members]
        names_2026 = [m.full_name for m in people.load_cycle(s, documents.cycle_for(s, unit, 2026)).members]
        rows_2025 = [r["full_name"] for r in documents.unit_facts(unit, 2025, "Hà Nội")["members"]]
    assert "Phạm Thị Dung" not in names_2025 and "Hoàng Văn Em" not in names_2025  # admitted in 2026
    assert "Phạm Thị Dung" in names_2026 and "Hoàng Văn Em" in names_2026
    assert rows_2025 == names_2025


def test_every_control_is_labelled_and_pages_have_landmarks(client, auth):
    auth.login("tuyet")
    _, _, page = _open(client, "/reviews/2026")
    assert 'class="skip-link" href="#noi-dung"' in page and '<nav class="main-nav"' in page
    assert "<script>" not in page and " style=" not in page and " onclick=" not in page
    labelled = set(re.findall(r'<label for="([^"]+)"', page))
    for tag in re.findall(r"<(?:input|textarea|select)\b[^>]*>", page):
        if 'type="hidden"' in tag or 'type="radio"' in tag:
            continue
        control_id = re.search(r'id="([^"]+)"', tag).group(1)
        assert control_id in labelled or "aria-label=" in tag or 'type="checkbox"' in tag, tag


def test_messages_name_fields_and_table_cells_by_their_titles(app):
    from service.catalog import field_title, get_kind, readable_errors

    kind = get_kind("self-rating-366")
    assert field_title(kind, "tasks[1].content") == \
        "“I. Kết quả thực hiện nhiệm vụ, chỉ tiêu được giao”, dòng 2, cột “Nội dung nhiệm vụ, chỉ tiêu”"
    text = readable_errors(get_kind("member-review-366"), {"a_i_3": ["Vui lòng nhập."], "birth_date": ["Sai."]})
    assert text.startswith("“A.I.3.") and "“Ngày sinh”: Sai." in text and "a_i_3" not in text


def test_an_incomplete_download_shows_what_is_missing_with_the_saved_tables(client, auth, chi_bo):
    """“Tải” of a document that is not complete goes back to its page with the missing items marked; the tables
    saved with it (the minutes' attendance) stay filled in, and are not reported missing."""
    auth.login("admin")
    url = client.get(f"/units/{chi_bo}/documents/2026/minutes").headers["Location"]
    doc_id = int(re.search(r"/documents/(\d+)", url).group(1))
    resp = client.get(f"/documents/{doc_id}/download/docx")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("check=1")
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Vui lòng nhập mục “1. Thời gian bắt đầu”." in page
    assert 'value="Nguyễn Văn An"' in page and 'name="attendance-0-full_name"' in page
    assert "Vui lòng nhập mục “I. Đảng viên của chi bộ và tình hình dự họp”." not in page


def test_error_summary_names_each_field_once(client, auth, app):
    """“Vui lòng nhập mục “A.I.3. …”” names its field: the summary lists it alone, not after the field's title;
    a message that does not name its field keeps the title in front."""
    auth.login("thao")
    url, _, page = _open(client, "/reviews/2026")
    body = _post(client, url, page, action="submit", a_i_3="", score_general="31").get_data(as_text=True)
    summary = body.split('id="error-summary"', 1)[1].split("</ul>", 1)[0]
    items = [html.unescape(item) for item in re.findall(r"<li><a [^>]*>(.*?)</a></li>", summary, re.S)]
    missing = next(item for item in items if "A.I.3." in item)
    assert missing.startswith("Vui lòng nhập mục “A.I.3.") and missing.count("A.I.3.") == 1, items
    assert any(item.endswith(": Điểm phải từ 0 đến 30.") and "tiêu chí chung" in item for item in items), items


def test_a_reopened_page_shows_each_save_and_the_same_form_as_built_afresh(client, auth, app):
    """The fields of a page as opened are kept by their content (web.pages._opened_fields): each save shows at once,
    going back to an earlier text shows it again, and the kept page is the one built afresh."""
    auth.login("thao")
    url, doc_id, page = _open(client, "/reviews/2025")
    for text in ("Lần lưu thứ nhất của mục này", "Lần lưu thứ hai, đã sửa", "Lần lưu thứ nhất của mục này"):
        page = _post(client, url, page, a_i_1=text).get_data(as_text=True)
        assert text in page
        reopened = client.get(url).get_data(as_text=True)
        assert f">{text}</textarea>" in reopened
    app.extensions["opened_fields"].clear()
    afresh = client.get(url).get_data(as_text=True)
    assert afresh.replace(csrf_token(afresh), "") == reopened.replace(csrf_token(reopened), "")
