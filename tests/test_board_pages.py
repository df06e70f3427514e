"""The review board as a secretary and as the committee's office use it: lists that start empty, only the steps
the role may take, the outcome of a step on the row it changed, "Còn thiếu" only for what is submitted, and the
ways from the board to each member's documents and back."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from service import accounts, documents
from service.catalog import get_kind
from service.models import Document, ReviewCycle
from service.review import ratings
from service.review.models import RatingStep
from tests.conftest import Auth, csrf_token
from tests.conftest import cycle_context as _ctx
from service.samples import member_review_366

PASSWORD = "mat-khau-thu-board"


def _secretary(app, unit_id: int) -> str:
    """A secretary account of the test chi bộ (the demo's secretaries lead other chi bộ)."""
    name = f"bithu.board{unit_id}"
    with app.extensions["db"].session() as s:
        accounts.create_user(s, name, PASSWORD, "secretary", unit_id=unit_id)
    return name


def _login(client, app, username: str) -> None:
    logins = {**app.config["DEMO_LOGINS"], username: PASSWORD}
    resp = Auth(client, logins).login(username)
    assert resp.status_code == 302, resp.status_code


def _row(html: str, member_id: int) -> str:
    """The HTML of a member's row on the board."""
    match = re.search(rf'<tr[^>]*id="m-{member_id}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no row for member {member_id}"
    return match.group(1)


def _options(html: str, name: str) -> list[list[str]]:
    """The option values of every select with this name, in page order."""
    return [re.findall(r'<option value="([^"]*)"', body)
            for body in re.findall(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)]


def _ready_for_proposal(app, unit_id: int, name: str) -> int:
    """Collective report and the member's self-review submitted: the chi bộ may propose a level."""
    s, unit, cycle, members, users = _ctx(app, unit_id)
    report = documents.open_document(s, get_kind("collective-report-366"), unit, 2026, facts={})
    documents.save_revision(s, report, {"proposed_level": "tot"}, users["admin"], status="submitted")
    member = members[name]
    doc = documents.open_personal_review(s, member, 2026, "Hà Nội")
    payload = member_review_366(full_name=member.full_name)
    clean = get_kind(doc.kind_code).schema.check(get_kind(doc.kind_code), payload)
    documents.save_revision(s, doc, clean, users["admin"], status="submitted")
    ratings.record_self_from_document(s, doc, users["admin"])
    s.commit()
    s.close()
    return member.id


def _steps(app, unit_id: int) -> int:
    with app.extensions["db"].session() as s:
        return s.scalar(select(func.count()).select_from(RatingStep).join(ReviewCycle, ReviewCycle.id ==
                                                                           RatingStep.cycle_id)
                        .where(ReviewCycle.unit_id == unit_id))


def test_level_lists_start_empty_and_a_step_without_a_level_is_refused_on_its_row(app, client, chi_bo):
    _login(client, app, _secretary(app, chi_bo))
    page = client.get(f"/units/{chi_bo}/review/2026")
    html = page.get_data(as_text=True)
    levels = _options(html, "level")
    assert levels and all(values[0] == "" for values in levels)
    assert "— Chọn mức —" in html
    member_id = _ready_for_proposal(app, chi_bo, "Trần Thị Bình")
    before = _steps(app, chi_bo)
    resp = client.post(f"/units/{chi_bo}/review/2026/steps",
                       data={"csrf_token": csrf_token(html), "member_id": member_id, "step": "proposal", "level": ""})
    assert resp.status_code == 422
    row = _row(resp.get_data(as_text=True), member_id)
    assert "Chọn mức xếp loại" in row and 'aria-invalid="true"' in row
    assert _steps(app, chi_bo) == before


def test_a_secretary_is_offered_only_the_proposal_and_the_office_every_step(app, client, auth, chi_bo):
    _login(client, app, _secretary(app, chi_bo))
    html = client.get(f"/units/{chi_bo}/review/2026").get_data(as_text=True)
    assert _options(html, "step") == []  # one step only: no list to choose from
    assert set(re.findall(r'name="step" value="([^"]+)"', html)) == {"proposal"}
    assert 'value="decision"' not in html and 'value="rerating"' not in html
    assert 'name="override_reason"' not in html
    auth.logout()
    auth.login("vanphong")
    html = client.get(f"/units/{chi_bo}/review/2026").get_data(as_text=True)
    steps = _options(html, "step")
    assert steps and all(values == ["proposal", "decision", "rerating"] for values in steps)
    assert 'name="override_reason"' in html


def test_a_secretary_forcing_a_decision_is_refused_on_the_row(app, client, chi_bo):
    _login(client, app, _secretary(app, chi_bo))
    member_id = _ready_for_proposal(app, chi_bo, "Trần Thị Bình")
    html = client.get(f"/units/{chi_bo}/review/2026").get_data(as_text=True)
    resp = client.post(f"/units/{chi_bo}/review/2026/steps", data={
        "csrf_token": csrf_token(html), "member_id": member_id, "step": "decision", "level": "tot"})
    assert resp.status_code == 409
    row = _row(resp.get_data(as_text=True), member_id)
    assert "Vai trò của bạn không được ghi bước" in row


def test_the_outcome_of_a_step_shows_on_its_row_once(app, client, chi_bo):
    _login(client, app, _secretary(app, chi_bo))
    member_id = _ready_for_proposal(app, chi_bo, "Trần Thị Bình")
    html = client.get(f"/units/{chi_bo}/review/2026").get_data(as_text=True)
    resp = client.post(f"/units/{chi_bo}/review/2026/steps", data={
        "csrf_token": csrf_token(html), "member_id": member_id, "step": "proposal", "level": "tot"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/units/{chi_bo}/review/2026#m-{member_id}")
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    row = _row(html, member_id)
    assert "Đã ghi bước “Chi bộ đề xuất” của đồng chí Trần Thị Bình: Hoàn thành tốt nhiệm vụ." in row
    assert html.count("Đã ghi bước") == 1  # on the row, not repeated at the top
    other = next(int(m) for m in re.findall(r'id="m-(\d+)"', html) if int(m) != member_id)
    assert "Đã ghi bước" not in _row(html, other)
    assert "Đã ghi bước" not in client.get(f"/units/{chi_bo}/review/2026").get_data(as_text=True)


def test_a_refused_step_keeps_the_choices_and_gives_the_reasons_on_the_row(app, client, chi_bo):
    _login(client, app, _secretary(app, chi_bo))
    s, unit, cycle, members, users = _ctx(app, chi_bo)
    member_id = members["Lê Văn Cường"].id  # no self-review yet
    s.close()
    html = client.get(f"/units/{chi_bo}/review/2026").get_data(as_text=True)
    resp = client.post(f"/units/{chi_bo}/review/2026/steps", data={
        "csrf_token": csrf_token(html), "member_id": member_id, "step": "proposal", "level": "xuat_sac"},
        headers={"Accept": "text/html"})
    assert resp.status_code == 409
    row = _row(resp.get_data(as_text=True), member_id)
    assert "Chưa đúng trình tự" in row and "Lê Văn Cường chưa hoàn thành bản tự kiểm điểm" in row
    assert re.search(r'<option value="xuat_sac" selected>', row)


def test_missing_counts_a_unit_document_only_once_submitted(app, client, auth, chi_bo):
    auth.login("vanphong")
    board = f"/units/{chi_bo}/review/2026"
    opened = client.get(f"/units/{chi_bo}/documents/2026/minutes")  # opening makes a draft
    assert opened.status_code == 302
    s, unit, cycle, members, users = _ctx(app, chi_bo)
    minutes = s.scalar(select(Document).where(Document.cycle_id == cycle.id, Document.kind_code == "minutes-366"))
    assert minutes.status == "draft"
    s.close()
    html = client.get(board).get_data(as_text=True)
    assert "Còn thiếu: Báo cáo kiểm điểm của tập thể; Biên bản hội nghị; Biểu tổng hợp kết quả." in html
    parent = unit.parent_id
    overview = client.get(f"/units/{parent}/review/2026").get_data(as_text=True)
    line = re.search(rf'<tr><td data-label="Tổ chức"[^>]*><a href="/units/{chi_bo}/review/2026">.*?</tr>', overview, re.S)
    assert line and "Biên bản hội nghị" in line.group(0)
    assert re.search(r'id="overview-missing">\d+ tổ chức còn thiếu văn bản', overview)
    s, unit, cycle, members, users = _ctx(app, chi_bo)
    minutes = s.scalar(select(Document).where(Document.cycle_id == cycle.id, Document.kind_code == "minutes-366"))
    documents.save_revision(s, minutes, dict(minutes.data), users["admin"], status="submitted")
    s.commit()
    s.close()
    html = client.get(board).get_data(as_text=True)
    assert "Biên bản hội nghị" not in re.search(r"Còn thiếu: [^<]*", html).group(0)


def test_from_a_member_row_to_the_documents_and_back(app, client, auth, chi_bo):
    auth.login("vanphong")
    s, unit, cycle, members, users = _ctx(app, chi_bo)
    binh = members["Trần Thị Bình"]
    s.close()
    html = client.get(f"/units/{chi_bo}/review/2026").get_data(as_text=True)
    row = _row(html, binh.id)
    review_url = f"/members/{binh.id}/documents/personal-review/2026"
    facts_url = f"/units/{chi_bo}/review/2026/members/{binh.id}"
    assert review_url in row and facts_url in row
    assert f"/members/{binh.id}/documents/commitment/2026" in row
    assert f"/members/{binh.id}/documents/self-rating/2026?quarter=4" in row
    commitment = client.get(f"/members/{binh.id}/documents/commitment/2026", follow_redirects=True)
    assert f'href="/units/{chi_bo}/review/2026#m-{binh.id}" id="back-to-board"' in commitment.get_data(as_text=True)
    doc_page = client.get(review_url, follow_redirects=True).get_data(as_text=True)
    assert f'href="/units/{chi_bo}/review/2026#m-{binh.id}" id="back-to-board"' in doc_page
    assert f'href="{facts_url}"' in doc_page
    facts = client.get(facts_url).get_data(as_text=True)
    assert review_url in facts and f'/units/{chi_bo}/review/2026#m-{binh.id}' in facts
    # the rating history scrolls sideways on a phone: reachable by keyboard and named
    box = re.search(r'<div class="scroll-box"[^>]*>', facts).group(0)
    assert 'tabindex="0"' in box and 'role="region"' in box and 'aria-labelledby="lich-su-xep-loai"' in box
    assert 'id="lich-su-xep-loai"' in facts


def _contrast(foreground: str, background: str = "#ffffff") -> float:
    def luminance(colour: str) -> float:
        colour = colour.lstrip("#")
        if len(colour) == 3:
            colour = "".join(c * 2 for c in colour)
        channels = [int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_rows_of_members_not_rated_stay_readable():
    """The greyed rows of members not rated this year (exempted, suspended…) keep a 4.5:1 contrast on white."""
    from pathlib import Path
    css = (Path(__file__).resolve().parent.parent / "web" / "static" / "style.css").read_text()
    colour = re.search(r"tr\.status-excluded\s*\{\s*color:\s*(#[0-9a-fA-F]{3,6})", css).group(1)
    assert _contrast(colour) >= 4.5, colour


def test_a_unit_document_leads_back_to_the_board(app, client, auth, chi_bo):
    auth.login("vanphong")
    page = client.get(f"/units/{chi_bo}/documents/2026/vote-count", follow_redirects=True)
    assert page.status_code == 200
    assert f'href="/units/{chi_bo}/review/2026" id="back-to-board"' in page.get_data(as_text=True)


def _dang_bo(app) -> int:
    from service.models import Unit
    with app.extensions["db"].session() as s:
        return s.scalar(select(Unit.id).where(Unit.kind == "dang_bo_co_so"))


def test_a_dang_bo_board_names_its_steps_and_documents_for_a_dang_bo(app, client, auth, chi_bo):
    """On a đảng bộ's own board nothing is "of the chi bộ": the collective's step 2 carries the regulation's name
    (thẩm định, đề xuất), and the chi bộ meeting's documents are not offered (nor opened) there."""
    auth.login("vanphong")
    unit_id = _dang_bo(app)
    resp = client.get(f"/units/{unit_id}/review/2026")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    steps = re.search(r'<section id="tap-the">.*?</section>', html, re.S).group(0)
    assert "Thẩm định, đề xuất mức xếp loại" in steps and "Chi bộ đề xuất" not in steps
    documents_part = re.search(r"<h2>Văn bản của tổ chức</h2>.*?</section>", html, re.S).group(0)
    assert "Báo cáo kiểm điểm" in documents_part
    assert "Biên bản" not in documents_part and "của chi bộ" not in documents_part
    assert client.get(f"/units/{unit_id}/documents/2026/minutes").status_code == 404
    # a chi bộ's board keeps "Chi bộ đề xuất" on its members' rows, the neutral name for its own collective
    html = client.get(f"/units/{chi_bo}/review/2026").get_data(as_text=True)
    member_rows = re.search(r'<table class="board stack" id="members">.*?</table>', html, re.S).group(0)
    assert "Chi bộ đề xuất" in member_rows
    unit_part = re.search(r'<section id="tap-the">.*?</section>', html, re.S).group(0)
    assert "Thẩm định, đề xuất mức xếp loại" in unit_part and "Chi bộ đề xuất" not in unit_part


def _unit_doc_row(html: str, family: str) -> str:
    match = re.search(rf'<tr class="state-[a-z_]+" data-family="{family}">(.*?)</tr>', html, re.S)
    assert match, f"no row for {family}"
    return re.sub(r"\s+", " ", match.group(1))


def test_the_board_shows_each_unit_document_s_state_revision_and_time(app, client, auth, chi_bo):
    from web.display import when
    auth.login("vanphong")
    board = f"/units/{chi_bo}/review/2026"
    row = _unit_doc_row(client.get(board).get_data(as_text=True), "collective-report")
    assert "Chưa bắt đầu" in row and "lần lưu" not in row
    s, unit, cycle, members, users = _ctx(app, chi_bo)
    report = documents.open_document(s, get_kind("collective-report-366"), unit, 2026, facts={})
    documents.save_revision(s, report, {"proposed_level": "tot"}, users["admin"], status="draft")
    s.commit()
    saved_at = when(report.updated_at)
    s.close()
    row = _unit_doc_row(client.get(board).get_data(as_text=True), "collective-report")
    assert "Nháp" in row and f"lần lưu 1, lúc {saved_at}" in row
    s, unit, cycle, members, users = _ctx(app, chi_bo)
    report = s.get(Document, report.id)
    documents.save_revision(s, report, {"proposed_level": "tot"}, users["admin"], status="submitted")
    s.commit()
    saved_at = when(report.updated_at)
    s.close()
    html = client.get(board).get_data(as_text=True)
    row = _unit_doc_row(html, "collective-report")
    assert "Đã nộp" in row and f"lần lưu 2, lúc {saved_at}" in row
    assert "Chưa bắt đầu" in _unit_doc_row(html, "minutes")


def test_the_audit_names_a_unit_s_own_proposal_neutrally():
    from web.display import event_details
    assert ("Bước", "Chi bộ đề xuất") in event_details({"step": "proposal", "member": "Trần Thị Bình"})
    assert ("Bước", "Thẩm định, đề xuất mức xếp loại") in event_details({"step": "proposal"})


def test_the_boards_signed_counts_are_the_archive_listings(app, client, chi_bo):
    """The board counts signed documents from a few columns; it must say what the archive's listing says: a copy of
    the current revision is signed, one of an older revision is not, drafts are not finished."""
    from service.archive import listing
    from service.archive.models import SignedCopy, Upload

    s, unit, cycle, members, users = _ctx(app, chi_bo)
    admin = users["admin"]
    names = sorted(members)
    signed_doc, outdated_doc, submitted_doc, draft_doc = (
        documents.open_personal_review(s, members[name], 2026, "Hà Nội") for name in names[:4])
    for doc in (signed_doc, outdated_doc, submitted_doc):
        documents.save_revision(s, doc, dict(doc.data), admin, status="submitted")
    documents.save_revision(s, draft_doc, dict(draft_doc.data), admin, status="draft")
    upload = Upload(unit_id=unit.id, year=2026, state="accepted")
    s.add(upload)
    s.flush()
    s.add_all([SignedCopy(document_id=signed_doc.id, upload_id=upload.id, revision=signed_doc.revision),
               SignedCopy(document_id=outdated_doc.id, upload_id=upload.id, revision=outdated_doc.revision)])
    documents.save_revision(s, outdated_doc, dict(outdated_doc.data), admin, status="submitted")  # after signing
    s.commit()
    counts = listing.unit_signed_counts(s, admin, unit.id, 2026)
    assert counts == listing.signed_counts(listing.document_states(s, admin, unit.id, 2026))
    assert counts[signed_doc.member_id] == (1, 1) and counts[outdated_doc.member_id] == (0, 1)
    assert counts[submitted_doc.member_id] == (0, 1) and counts[draft_doc.member_id] == (0, 0)
    s.close()
