"""Kết quả đánh giá, xếp loại chất lượng đảng viên (customary, both regimes): form, template, DOCX and PDF, and the
document the review cycle writes itself once a decision (or a re-rating) is recorded, in the member's packet."""
from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

import forms
from service.kinds.rating_result import RATING_RESULT
from service import documents, dossier, output, render
from service.catalog import get_kind
from service.errors import InvalidInput
from service.models import Document, DocumentRevision
from service.review import meeting, people, ratings
from tests.conftest import assert_in_order, docx_paragraphs, pdf_text, squash, validated
from tests.conftest import cycle_context as _ctx
from service.samples import member_review_366
from service.samples.common import commitment_366
from service.samples.result import SAMPLES, rating_result_124, rating_result_366

REPO = Path(__file__).resolve().parents[1]
HEADINGS = [
    "ĐẢNG CỘNG SẢN VIỆT NAM",
    "KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN",
    "Họ và tên:",
    "Chi bộ:",
    "Nội dung",
    "1. Tự đánh giá, xếp loại",
    "2. Chi bộ đề xuất",
    "3. Cấp có thẩm quyền quyết định",
    "4. Xếp loại lại (nếu có)",
    "Kết quả xếp loại chất lượng đảng viên năm",
    "T/M ĐẢNG ỦY",
]
CASES = [
    pytest.param("rating-result-366", rating_result_366(),
                 ["ĐẢNG BỘ PHƯỜNG BA ĐÌNH", "ĐẢNG ỦY TRƯỜNG THPT PHAN ĐÌNH PHÙNG", "Hà Nội, ngày 22 tháng 12 năm 2026",
                  "KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN", "Năm 2026", "Họ và tên: Trần Thị Ánh Tuyết",
                  "Ngày sinh: 02/09/1985", "Chi bộ: Chi bộ Tổ Toán – Tin", "1. Tự đánh giá, xếp loại",
                  "Hoàn thành xuất sắc nhiệm vụ", "2. Chi bộ đề xuất", "Hoàn thành tốt nhiệm vụ",
                  "Số phiếu: Xuất sắc 1; Tốt 6; Hoàn thành 0; Không hoàn thành 0", "3. Cấp có thẩm quyền quyết định",
                  "Hoàn thành tốt nhiệm vụ", "Đảng ủy Trường THPT Phan Đình Phùng, ngày 20/12/2026",
                  "4. Xếp loại lại (nếu có)",
                  "Kết quả xếp loại chất lượng đảng viên năm 2026: Hoàn thành tốt nhiệm vụ", "Ghi chú:",
                  "Đồng chí tự xếp loại Hoàn thành xuất sắc nhiệm vụ; chi bộ đề xuất", "T/M ĐẢNG ỦY", "BÍ THƯ",
                  "Phan Văn Thịnh"],
                 id="366-2026"),
    pytest.param("rating-result-124", rating_result_124(),
                 ["ĐẢNG BỘ HUYỆN TÂN HIỆP", "ĐẢNG ỦY XÃ TÂN HIỆP", "Tân Hiệp, ngày 10 tháng 02 năm 2025",
                  "KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN", "Năm 2024", "Họ và tên: Lê Minh Đức",
                  "Ngày sinh: 20/11/1998", "Chi bộ: Chi bộ ấp Một", "3. Cấp có thẩm quyền quyết định",
                  "Hoàn thành tốt nhiệm vụ", "Đảng ủy xã Tân Hiệp, ngày 28/12/2024", "4. Xếp loại lại (nếu có)",
                  "Hoàn thành nhiệm vụ", "Quyết định số 15-QĐ/ĐU ngày 05/02/2025",
                  "Kết quả xếp loại chất lượng đảng viên năm 2024: Hoàn thành nhiệm vụ", "T/M ĐẢNG ỦY",
                  "PHÓ BÍ THƯ"],
                 id="124-2024"),
]


@pytest.mark.parametrize("code,payload,printed", CASES)
def test_docx_headings_and_values_in_order(code, payload, printed):
    kind, _, context = validated(code, payload)
    texts = docx_paragraphs(render.render(kind, context))
    assert_in_order(texts, HEADINGS)
    assert_in_order(texts, [p for p in printed if not p.startswith("Ngày sinh")])  # same line as the name
    joined = "\n".join(texts)
    for value in printed:
        assert value in joined, value
    assert "**" not in joined and "{{" not in joined and "{%" not in joined


def test_no_votes_no_note_and_no_signer_name_print_nothing_for_them():
    kind, _, context = validated("rating-result-124", rating_result_124())
    texts = docx_paragraphs(render.render(kind, context))
    assert context["proposal_votes"] == "" and "Số phiếu" not in "\n".join(texts)
    assert "Ghi chú:" not in texts  # the note paragraph is left out, not printed empty
    title = texts.index("PHÓ BÍ THƯ")
    assert not any(texts[title + 1:])  # room to sign and write the name by hand


@pytest.mark.parametrize("code,payload,printed", CASES)
def test_pdf_keeps_headings_values_and_diacritics(code, payload, printed, converter):
    kind, _, context = validated(code, payload)
    out = output.produce(kind, context, "pdf", converter)
    assert out.content.startswith(b"%PDF-") and out.mimetype == "application/pdf"
    assert out.filename.startswith(f"Ket-qua-xep-loai-{payload['year']}-") and out.filename.isascii()
    flat = squash(unicodedata.normalize("NFC", pdf_text(out.content)))
    for value in HEADINGS + printed:
        assert squash(value) in flat, value


def test_both_regimes_share_one_form_and_template_after_the_commitment():
    k366, k124 = get_kind("rating-result-366"), get_kind("rating-result-124")
    assert k366.fields is k124.fields is RATING_RESULT and forms.form_for(k366) is not None
    assert k366.template_path == k124.template_path == REPO / "doc_templates" / "common" / "rating_result.docx"
    assert k366.subject == "member" and k366.form_code == "" and k366.formats == ("docx", "pdf")
    assert get_kind("member-review-366").packet_order < get_kind("commitment-366").packet_order \
        < k366.packet_order == 130
    assert k366.file_name(2026, "Trần Thị Bình", "pdf") == "Ket-qua-xep-loai-2026-Tran-Thi-Binh.pdf"
    for code in ("rating-result-366", "rating-result-124"):
        kind, _, context = validated(code, SAMPLES[code]())
        assert render.template_variables(kind) == set(context), code


def test_committed_template_is_current(tmp_path):
    from tools.build_templates import TEMPLATES
    from tools.docx_builder import save_document
    from tools.templates_common import build_rating_result

    assert TEMPLATES["common/rating_result.docx"] is build_rating_result
    save_document(build_rating_result(), tmp_path / "rating_result.docx")

    def parts(data: bytes) -> dict[str, bytes]:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return {n: zf.read(n) for n in zf.namelist()}

    committed = REPO / "doc_templates" / "common" / "rating_result.docx"
    assert parts(committed.read_bytes()) == parts((tmp_path / "rating_result.docx").read_bytes()), \
        f"{committed} is stale: run python -m tools.build_templates"


@pytest.mark.parametrize("overrides,field,message", [
    ({"decision_level": ""}, "decision_level", "Vui lòng nhập mục “3. Mức xếp loại do cấp có thẩm quyền quyết định”."),
    ({"proposal_level": "gioi"}, "proposal_level", "Lựa chọn không hợp lệ."),
    ({"votes_tot": -1}, "votes_tot", "Phải từ 0 đến 10000."),
    ({"rerating_level": ""}, "rerating_basis", "Chọn mức xếp loại lại, hoặc để trống căn cứ xếp loại lại."),
    ({"year": 2026}, "year", "chỉ dùng cho Quy định 124-QĐ/TW"),
])
def test_vietnamese_messages(overrides, field, message):
    kind = get_kind("rating-result-124")
    with pytest.raises(InvalidInput) as info:
        RATING_RESULT.check(kind, rating_result_124(**overrides))
    assert any(message in m for m in info.value.fields[field]), info.value.fields


def test_initial_data_from_member_facts_and_recorded_steps():
    facts = {"year": 2026, "superior_body": "ĐẢNG BỘ TRƯỜNG THPT PHAN ĐÌNH PHÙNG",
             "issuing_body": "CHI BỘ TỔ TOÁN – TIN", "place": "Hà Nội", "signed_on": "2026-12-22",
             "full_name": "Trần Thị Bình", "birth_date": "1985-01-01", "chi_bo": "Chi bộ Tổ Toán – Tin",
             "work_unit": "Tổ Toán – Tin", "party_post": "", "previous": {},
             "member_id": 7, "ratings": {7: {"self": "tot", "proposal": "tot", "decision": "hoan_thanh"}},
             "tallies": {7: {"xuat_sac": 0, "tot": 2, "hoan_thanh": 5, "khong_hoan_thanh": 0}},
             "superior_unit": "Đảng bộ Trường THPT Phan Đình Phùng", "decided_on": "2026-12-20",
             "committee_header": {"superior_body": "ĐẢNG BỘ PHƯỜNG BA ĐÌNH", "place": "Hà Nội"}}
    data = RATING_RESULT.initial_data(facts)
    assert (data["self_level"], data["proposal_level"], data["decision_level"]) == ("tot", "tot", "hoan_thanh")
    assert "rerating_level" not in data and (data["votes_tot"], data["votes_hoan_thanh"]) == (2, 5)
    assert data["decided_by"] == "Đảng ủy Trường THPT Phan Đình Phùng" and data["decided_on"] == "2026-12-20"
    assert data["issuing_body"] == "ĐẢNG ỦY TRƯỜNG THPT PHAN ĐÌNH PHÙNG"
    assert data["superior_body"] == "ĐẢNG BỘ PHƯỜNG BA ĐÌNH"
    assert (data["signer_body"], data["signer_title"], data["signer_name"]) == ("ĐẢNG ỦY", "BÍ THƯ", "")
    assert "work_unit" not in data and "ratings" not in data
    _, _, context = validated("rating-result-366", data)  # what the records give makes a final document
    assert context["final_level"] == "Hoàn thành nhiệm vụ"
    assert context["proposal_votes"] == "Số phiếu: Xuất sắc 0; Tốt 2; Hoàn thành 5; Không hoàn thành 0"


def test_initial_data_from_the_chi_bo_header_alone_names_the_committee_and_leaves_its_superior_to_type():
    facts = {"year": 2026, "superior_body": "ĐẢNG BỘ TRƯỜNG THPT PHAN ĐÌNH PHÙNG",
             "issuing_body": "CHI BỘ TỔ TOÁN – TIN", "place": "Hà Nội", "signed_on": "2026-12-22",
             "full_name": "Trần Thị Bình", "chi_bo": "Chi bộ Tổ Toán – Tin",
             "ratings": {"7": {"self": "tot", "proposal": "tot", "decision": "tot", "rerating": "hoan_thanh"}}}
    data = RATING_RESULT.initial_data(facts)
    assert data["decided_by"] == data["issuing_body"] == "ĐẢNG ỦY TRƯỜNG THPT PHAN ĐÌNH PHÙNG"
    assert data["superior_body"] == "" and data["decided_on"] == "2026-12-22"
    assert data["rerating_level"] == "hoan_thanh" and "votes_tot" not in data
    kind = get_kind("rating-result-366")
    assert RATING_RESULT.check(kind, data, draft=True)["decision_level"] == "tot"
    with pytest.raises(InvalidInput) as info:
        RATING_RESULT.check(kind, data)
    assert list(info.value.fields) == ["superior_body"]


# ---- written by the review cycle -------------------------------------------------------------------------------



def _submit(s, kind, member, user, payload):
    doc = documents.open_document(s, kind, member.unit, 2026, member=member,
                                  facts=documents.member_facts(member, 2026, "Hà Nội"))
    clean = kind.schema.check(kind, payload)
    documents.save_revision(s, doc, clean, user, status="submitted")
    return doc


def _proposed(s, unit, cycle, member, admin):
    """As test_review_cycle: the collective report and the member's self-review submitted, then the proposal."""
    collective = documents.open_document(s, get_kind("collective-report-366"), unit, 2026, facts={})
    documents.save_revision(s, collective, {"proposed_level": "tot"}, admin, status="submitted")
    ratings.record_self_from_document(s, collective, admin)
    review = documents.open_personal_review(s, member, 2026, "Hà Nội")
    _submit(s, get_kind(review.kind_code), member, admin,
            member_review_366(full_name=member.full_name, proposed_level="tot", score_general=28, score_tasks=60))
    ratings.record_self_from_document(s, review, admin)
    ratings.record_step(s, cycle, member, "proposal", "tot", admin)


def _result(s, member):
    return s.scalar(select(Document).where(Document.kind_code == "rating-result-366",
                                           Document.member_id == member.id))


def _revisions(s, doc):
    return list(s.scalars(select(DocumentRevision).where(DocumentRevision.document_id == doc.id)
                          .order_by(DocumentRevision.number)))


def test_decision_writes_the_submitted_result_and_a_rerating_a_new_revision(app, chi_bo):
    s, unit, cycle, members, users = _ctx(app, chi_bo)
    admin, binh = users["admin"], members["Trần Thị Bình"]
    _proposed(s, unit, cycle, binh, admin)
    meeting.save_meeting(s, people.load_cycle(s, cycle), {
        "attendance": [{"member_id": members[n].id, "status": "present"}
                       for n in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung")],
        "tallies": [{"member_id": binh.id, "tot": 2, "hoan_thanh": 1}]})
    assert _result(s, binh) is None  # a proposal writes no result

    ratings.record_step(s, cycle, binh, "decision", "tot", admin)
    doc = _result(s, binh)
    assert doc.status == "submitted" and doc.revision == 1 and doc.cycle_id == cycle.id
    assert (doc.data["self_level"], doc.data["proposal_level"], doc.data["decision_level"]) == ("tot",) * 3
    assert doc.data["rerating_level"] == "" and (doc.data["votes_tot"], doc.data["votes_hoan_thanh"]) == (2, 1)
    assert doc.data["full_name"] == "Trần Thị Bình" and doc.data["chi_bo"] == unit.name
    assert doc.data["decided_by"] == "Đảng ủy Trường THPT Phan Đình Phùng"
    assert (doc.data["superior_body"], doc.data["issuing_body"]) == ("ĐẢNG BỘ PHƯỜNG BA ĐÌNH",
                                                                     "ĐẢNG ỦY TRƯỜNG THPT PHAN ĐÌNH PHÙNG")
    decided_on = doc.data["decided_on"]
    assert decided_on

    # typed by hand, then the committee re-rates: levels refreshed, the typed text kept, history kept
    documents.save_revision(s, doc, {**doc.data, "signer_name": "Phan Văn Thịnh", "note": "Đã công bố."}, admin,
                            status="submitted")
    ratings.record_step(s, cycle, binh, "rerating", "hoan_thanh", admin, note="Mẫu 03")
    assert doc.revision == 3 and doc.status == "submitted"
    assert (doc.data["decision_level"], doc.data["rerating_level"]) == ("tot", "hoan_thanh")
    assert (doc.data["signer_name"], doc.data["note"], doc.data["decided_on"]) == ("Phan Văn Thịnh", "Đã công bố.",
                                                                                  decided_on)
    history = _revisions(s, doc)
    assert [r.number for r in history] == [1, 2, 3]
    assert history[0].data["rerating_level"] == "" and history[-1].data["rerating_level"] == "hoan_thanh"
    assert all(r.status == "submitted" for r in history)

    # the same re-rating again changes nothing: no new revision
    ratings.record_step(s, cycle, binh, "rerating", "hoan_thanh", admin, note="Mẫu 03")
    assert doc.revision == 3

    kind = get_kind(doc.kind_code)
    texts = docx_paragraphs(render.render(kind, kind.schema.context(kind, doc.data)))
    assert_in_order(texts, ["ĐẢNG ỦY TRƯỜNG THPT PHAN ĐÌNH PHÙNG", "Họ và tên: Trần Thị Bình",
                            "Số phiếu: Xuất sắc 0; Tốt 2; Hoàn thành 1; Không hoàn thành 0",
                            "Kết quả xếp loại chất lượng đảng viên năm 2026: Hoàn thành nhiệm vụ", "Phan Văn Thịnh"])
    s.close()


def test_a_refused_decision_writes_no_result(app, chi_bo):
    s, _, cycle, members, users = _ctx(app, chi_bo)
    binh = members["Trần Thị Bình"]
    with pytest.raises(ratings.StepRefused):
        ratings.record_step(s, cycle, binh, "decision", "tot", users["admin"])
    assert _result(s, binh) is None
    s.close()


def test_member_packet_takes_self_review_commitment_and_result_in_order(app, chi_bo):
    s, unit, cycle, members, users = _ctx(app, chi_bo)
    admin, binh = users["admin"], members["Trần Thị Bình"]
    _proposed(s, unit, cycle, binh, admin)
    before = dossier.plan(s, unit, 2026, "member", binh.id)  # no commitment, no decision yet
    assert [d.kind_code for d in before.docs] == ["member-review-366"]
    _submit(s, get_kind("commitment-366"), binh, admin, commitment_366(full_name=binh.full_name))
    ratings.record_step(s, cycle, binh, "decision", "tot", admin)
    packet = dossier.plan(s, unit, 2026, "member", binh.id)
    assert [d.kind_code for d in packet.docs] == ["member-review-366", "commitment-366", "rating-result-366"]
    assert packet.docs[-1].title == "Kết quả đánh giá, xếp loại chất lượng đảng viên – Trần Thị Bình"
    assert packet.skipped == []
    s.close()
