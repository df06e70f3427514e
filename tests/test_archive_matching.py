"""Matching uploaded pages to printed document pages, without scans: the rules a secretary relies on."""
from __future__ import annotations

from service.archive.matching import LaidOutDoc, PageSeen, match

# Packet P1: cover (1), contents (2), document 11 on pages 3-5, document 12 on pages 6-7.
P1 = [LaidOutDoc("P1", "BIA", None, "Bìa hồ sơ", 1, 1), LaidOutDoc("P1", "MUCLUC", None, "Mục lục", 2, 1),
      LaidOutDoc("P1", "DB", 11, "Bản kiểm điểm – Trần Thị Bình", 3, 3),
      LaidOutDoc("P1", "DC", 12, "Bản cam kết – Trần Thị Bình", 6, 2)]
P2 = [LaidOutDoc("P2", "BIA", None, "Bìa hồ sơ", 1, 1), LaidOutDoc("P2", "DZ", 20, "Bản kiểm điểm – Lê Văn Cường",
                                                               2, 1)]
LAYOUTS = {"P1": P1, "P2": P2}


def pages(*codes: str | None) -> list[PageSeen]:
    return [PageSeen(1, n, code) for n, code in enumerate(codes, 1)]


def by_doc(result):
    return {d.document_id: d for d in result.documents}


def test_every_page_present_makes_every_document_complete():
    result = match(pages(*(f"KD:P1:{c}:{n}" for c, n in [("BIA", 1), ("MUCLUC", 2), ("DB", 3), ("DB", 4),
                                                          ("DB", 5), ("DC", 6), ("DC", 7)])), LAYOUTS)
    docs = by_doc(result)
    assert docs[11].complete and docs[12].complete and not result.unmatched
    assert docs[11].pages_found == 3 and docs[11].missing == [] and docs[11].duplicated == []


def test_a_dropped_page_and_a_duplicated_one_are_named_by_their_page_in_the_document():
    result = match(pages("KD:P1:DB:3", "KD:P1:DB:5", "KD:P1:DC:6", "KD:P1:DC:7", "KD:P1:DC:6"), LAYOUTS)
    docs = by_doc(result)
    assert docs[11].missing == [2] and not docs[11].complete
    assert docs[12].duplicated == [1] and docs[12].complete


def test_pages_in_any_order_across_files_still_match():
    seen = [PageSeen(2, 1, "KD:P1:DC:7"), PageSeen(1, 1, "KD:P1:DC:6")]
    assert by_doc(match(seen, LAYOUTS))[12].complete


def test_unreadable_foreign_and_other_packet_pages_are_listed_with_reasons():
    result = match(pages("KD:P1:DB:3", None, "https://example.org", "KD:P2:DZ:2", "KD:P9:DA:1"), LAYOUTS,
                   expected="P1")
    reasons = {u.page: u.reason for u in result.unmatched}
    assert "Không đọc được mã QR" in reasons[2]
    assert "không phải của hồ sơ do hệ thống lập" in reasons[3]
    assert "hồ sơ khác (P2)" in reasons[4]
    assert "P9" in reasons[5]
    assert set(by_doc(result)) == {11, 12}  # only the expected packet's documents are listed


def test_without_an_expected_packet_every_packet_seen_is_reported():
    result = match(pages("KD:P1:DB:3", "KD:P2:DZ:2"), LAYOUTS)
    docs = by_doc(result)
    assert docs[20].complete and docs[11].missing == [2, 3] and docs[12].missing == [1, 2]
    assert result.packets == ["P1", "P2"]


def test_a_code_that_disagrees_with_the_printed_layout_is_not_trusted():
    result = match(pages("KD:P1:DC:3", "KD:P1:DB:40"), LAYOUTS)
    assert [u.page for u in result.unmatched] == [1, 2]
    assert "thuộc văn bản khác" in result.unmatched[0].reason and "chỉ có 7 trang" in result.unmatched[1].reason


def test_a_page_assigned_by_hand_counts_like_a_read_one():
    seen = pages("KD:P1:DC:6", None)
    seen[1] = PageSeen(1, 2, None, manual=("P1", 12, 2))
    result = match(seen, LAYOUTS)
    assert by_doc(result)[12].complete and not result.unmatched
    assert result.placements[(1, 2)].how == "manual"


def test_a_hand_assignment_outside_the_document_stays_unmatched():
    seen = [PageSeen(1, 1, None, manual=("P1", 12, 5))]
    result = match(seen, LAYOUTS)
    assert result.unmatched and not by_doc(result)[12].touched
