"""Tests for service.text: cleaning, Vietnamese dates and name order."""
import unicodedata
from datetime import date, datetime, time
from types import SimpleNamespace

import pytest

from service import text


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


@pytest.mark.parametrize("raw, expected", [
    (nfd("Nguyễn Thị Ánh"), "Nguyễn Thị Ánh"),
    ("a\x00b\x0bc\x0cd\x1fe\x07f", "abcdef"),
    ("a\ufffeb\uffffc", "abc"),
    ("a\ud800b\udfffc", "abc"),
    ("dòng 1\r\ndòng 2\rdòng 3\n", "dòng 1\ndòng 2\ndòng 3\n"),
    ("\tcột 1\tcột 2", "\tcột 1\tcột 2"),
    ("{{ x }} {% if a %} <w:p> & \"trích\" 'dẫn' &amp;", "{{ x }} {% if a %} <w:p> & \"trích\" 'dẫn' &amp;"),
    ("  khoảng trắng  ", "  khoảng trắng  "),
    ("", ""),
])
def test_clean(raw, expected):
    assert text.clean(raw) == expected


def test_clean_data_recurses_into_keys_and_values():
    data = {nfd("họ_tên"): [nfd("Đặng"), {"x": "a\x00b"}, 3, None], "t": (nfd("ễ"),)}
    assert text.clean_data(data) == {"họ_tên": ["Đặng", {"x": "ab"}, 3, None], "t": ("ễ",)}


@pytest.mark.parametrize("d, long, short", [
    (date(2026, 12, 5), "ngày 05 tháng 12 năm 2026", "05/12/2026"),
    (date(2026, 2, 28), "ngày 28 tháng 02 năm 2026", "28/02/2026"),
    (datetime(2025, 7, 1, 9, 30), "ngày 01 tháng 07 năm 2025", "01/07/2025"),
])
def test_dates(d, long, short):
    assert text.vn_date(d) == long
    assert text.short_date(d) == short
    assert text.place_date(nfd(" Hà Nội "), d) == f"Hà Nội, {long}"


@pytest.mark.parametrize("t, expected", [
    (time(14, 30), "14 giờ 30 phút"),
    (time(8, 5), "08 giờ 05 phút"),
    (datetime(2026, 1, 1, 0, 0), "00 giờ 00 phút"),
])
def test_vn_time(t, expected):
    assert text.vn_time(t) == expected


@pytest.mark.parametrize("full, given", [
    ("Nguyễn Văn An", "An"), ("  Trần   Thị  Ánh ", "Ánh"), ("Minh", "Minh"), ("", ""), ("   ", ""),
    (nfd("Lê Thị Ngọc"), "Ngọc"),
])
def test_given_name(full, given):
    assert text.given_name(full) == given


@pytest.mark.parametrize("ordered", [
    ["a", "ă", "â", "b"],
    ["d", "đ", "e"],
    ["e", "ê", "g"],
    ["o", "ô", "ơ", "p"],
    ["u", "ư", "v"],
    ["a", "à", "ả", "ã", "á", "ạ", "ă", "ằ", "ẳ", "ẵ", "ắ", "ặ", "â"],
    ["an", "ang", "anh", "ánh", "ăn"],  # letters decide before the tone
    ["ê", "f", "g"], ["i", "j", "k"], ["v", "w", "x"], ["y", "z"],  # foreign letters in Latin places
])
def test_syllable_order(ordered):
    keys = [text.syllable_key(w) for w in ordered]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


@pytest.mark.parametrize("same", [
    ("Ánh", "ánh", "ÁNH", nfd("Ánh")),
    ("Đức", "đức", "ĐỨC", "Ðức"),  # last one: Icelandic eth typed for Đ
    ("Ngọc", nfd("ngọc"), "NGỌC"),
])
def test_syllable_key_ignores_case_and_normal_form(same):
    assert len({text.syllable_key(w) for w in same}) == 1


@pytest.mark.parametrize("first, second", [
    ("Nguyễn Văn An", "Trần Thị Ánh"),  # given names An < Ánh
    ("Trần Thị Ánh", "Lê Văn Bình"),
    ("Lê Văn Bình", "Nguyễn Thị Bình"),  # same given name: family name decides
    ("Nguyễn Thị Bình", "Nguyễn Văn Bình"),  # then the middle name
    ("Nguyễn Bình", "Nguyễn Văn Bình"),  # a shorter name first
    ("Hạ Long", "Hà Nam"),  # as people: given names Long < Nam
    ("Phạm Văn Dũng", "Phạm Văn Đông"),  # d < đ
    ("Vũ Thị Hà", "Vũ Thị Hạ"),
    ("lê văn cường", "Lê Văn Dũng"),  # case does not matter
    (nfd("Bùi Thị Yến"), "Nguyễn Thị Yến"),  # NFD input sorts like NFC
])
def test_name_order(first, second):
    assert text.name_sort_key(first) < text.name_sort_key(second)


@pytest.mark.parametrize("first, second", [
    ("Hà Nam", "Hạ Long"),  # hà < hạ syllable by syllable (ICU's whole-string order says the opposite)
    ("Hà Giang", "Hà Nam"),
    ("Đà Nẵng", "Điện Biên"),
    ("Chi bộ 2", "Chi bộ 3"),
    ("an", nfd("Ân")),
])
def test_phrase_order(first, second):
    assert text.phrase_sort_key(first) < text.phrase_sort_key(second)


def test_nfd_and_nfc_names_sort_equal():
    assert text.name_sort_key(nfd("Trần Thị Ánh")) == text.name_sort_key("Trần Thị Ánh")


def test_sort_people_returns_new_sorted_list():
    names = ["Nguyễn Thị Bình", "Trần Thị Ánh", nfd("Lê Văn Bình"), "nguyễn văn an", "Đỗ Minh Đức",
             "Hoàng Văn Dũng", "Phạm Ngọc Ẩn"]
    people = [SimpleNamespace(full_name=n) for n in names]
    result = text.sort_people(people)
    assert result is not people and [p.full_name for p in people] == names
    assert [unicodedata.normalize("NFC", p.full_name) for p in result] == [
        "nguyễn văn an", "Trần Thị Ánh", "Phạm Ngọc Ẩn", "Lê Văn Bình", "Nguyễn Thị Bình",
        "Hoàng Văn Dũng", "Đỗ Minh Đức"]


def test_sort_people_with_key_and_empty_names():
    rows = [{"ten": "Bình"}, {"ten": ""}, {"ten": "An"}]
    assert text.sort_people(rows, key=lambda r: r["ten"]) == [{"ten": ""}, {"ten": "An"}, {"ten": "Bình"}]
