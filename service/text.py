"""Vietnamese text helpers: clean input, write dates and times, sort people by name."""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any, Callable, Iterable, TypeVar

T = TypeVar("T")

# XML 1.0 forbids C0 controls except tab/LF/CR, lone surrogates, U+FFFE and U+FFFF:
# one of them in a DOCX part makes Word refuse the whole file.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Vietnamese alphabet order.  f, j, w, z (foreign names) take their Latin places:
# f after ê, j after i, w after v, z after y, so "Fan" sorts between "Ê..." and "Giang".
_ALPHABET = "a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z".split()
_LETTER_RANK = {letter: 100 + i for i, letter in enumerate(_ALPHABET)}
# Marks that are part of the letter (breve, circumflex, horn) versus the tone marks.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng
# Look-alikes of đ typed from other keyboards (Icelandic eth, African D).
_D_LOOKALIKES = str.maketrans({"ð": "đ", "ɖ": "đ"})


def clean(s: str) -> str:
    """Make user text safe for XML and comparable: NFC, no illegal controls, \\n line ends."""
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _XML_ILLEGAL.sub("", s))


def clean_data(obj: Any) -> Any:
    """Apply `clean` to every string (keys too) so a whole form context is safe at once."""
    if isinstance(obj, str):
        return clean(obj)
    if isinstance(obj, dict):
        return {clean_data(k): clean_data(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [clean_data(v) for v in obj]
    if isinstance(obj, tuple):
        return tuple(clean_data(v) for v in obj)
    return obj


_DATE_FORMS = (
    (re.compile(r"(\d+)-(\d+)-(\d+)"), ("y", "m", "d")),  # ISO yyyy-mm-dd (what the API and date inputs send)
    (re.compile(r"(\d+)\s*[/.-]\s*(\d+)\s*[/.-]\s*(\d+)"), ("d", "m", "y")),  # 05/12/1980, 5.12.1980
)


def parse_date(raw: str) -> date:
    """A date typed day/month/year (or sent as ISO yyyy-mm-dd); ValueError saying in Vietnamese what is wrong."""
    raw = clean(raw).strip()
    for pattern, order in _DATE_FORMS:
        match = pattern.fullmatch(raw)
        if match and (order[0] == "y") == (len(match.group(1)) == 4):
            parts = dict(zip(order, match.groups()))
            break
    else:
        raise ValueError(f"Ngày “{raw[:40]}” chưa đúng dạng ngày/tháng/năm, ví dụ 05/12/1980.")
    if len(parts["y"]) != 4:
        raise ValueError(f"Năm “{parts['y']}” phải có 4 chữ số, ví dụ 05/12/1980.")
    day, month, year = int(parts["d"]), int(parts["m"]), int(parts["y"])
    if not 1 <= month <= 12:
        raise ValueError(f"Không có tháng {month}: tháng từ 1 đến 12.")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"Tháng {month}/{year} không có ngày {day}.") from None


def vn_date(d: date) -> str:
    """Write a date as Party documents do: two-digit day and month ("ngày 05 tháng 02 năm 2026")."""
    return f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


def place_date(place: str, d: date) -> str:
    """Write the place-and-date line under a document's heading ("Hà Nội, ngày 05 tháng 12 năm 2026")."""
    return f"{clean(place).strip()}, {vn_date(d)}"


def short_date(d: date) -> str:
    """Write a date compactly for tables and cells ("05/12/2026")."""
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def vn_time(t: time | datetime) -> str:
    """Write a clock time as meeting minutes do, both parts two-digit ("08 giờ 05 phút")."""
    return f"{t.hour:02d} giờ {t.minute:02d} phút"


def given_name(full_name: str) -> str:
    """Return the given name (the last word), which Vietnamese lists sort by."""
    words = clean(full_name).split()
    return words[-1] if words else ""


def _letter_rank(letter: str) -> int:
    """Rank one composed letter: digits first, then the alphabet, then anything else."""
    if letter in _LETTER_RANK:
        return _LETTER_RANK[letter]
    if letter.isdigit():
        return unicodedata.digit(letter, 0)
    base = unicodedata.normalize("NFD", letter)[0]  # foreign accents (ü, ç) rank as their base
    return _LETTER_RANK.get(base, 1000 + ord(base))


def _clusters(decomposed: str) -> list[str]:
    """Split NFD text into base characters each followed by its combining marks."""
    out: list[str] = []
    for ch in decomposed:
        if out and unicodedata.combining(ch):
            out[-1] += ch
        else:
            out.append(ch)
    return out


@lru_cache(maxsize=65536)  # a pure function of a few thousand distinct syllables; boards sort 150 names per view
def syllable_key(word: str) -> tuple[tuple[int, ...], int]:
    """Key one syllable: letters in Vietnamese order first, then its tone (none < ` < ? < ~ < ' < .)."""
    letters: list[int] = []
    tone = 0
    decomposed = unicodedata.normalize("NFD", clean(word).lower().translate(_D_LOOKALIKES))
    for cluster in _clusters(decomposed):
        tone = max([tone] + [_TONE_RANK[ch] for ch in cluster if ch in _TONE_RANK])
        letter = cluster[0] + "".join(ch for ch in cluster[1:] if ch in _LETTER_MARKS)
        letters.append(_letter_rank(unicodedata.normalize("NFC", letter)))
    return tuple(letters), tone


def phrase_sort_key(phrase: str) -> tuple:
    """Key any phrase (place, unit) word by word in reading order: "Hà Nam" < "Hạ Long", unlike ICU."""
    words = clean(phrase).split()
    return tuple(syllable_key(w) for w in words), " ".join(words)


def name_sort_key(full_name: str) -> tuple:
    """Key a person's name: given name first, ties by family then middle names, syllable by syllable."""
    words = clean(full_name).split()
    if not words:
        return ((), (), "")
    # The NFC name last, so names equal but for case still come out in a fixed order.
    return syllable_key(words[-1]), tuple(syllable_key(w) for w in words[:-1]), " ".join(words)


def sort_people(items: Iterable[T], key: Callable[[T], str] = lambda x: x.full_name) -> list[T]:
    """Return a new list in Vietnamese name order, so every list of people is ordered the same way."""
    return sorted(items, key=lambda item: name_sort_key(key(item)))


def vn_number(value: float | int | Decimal | None) -> str:
    """A number written the Vietnamese way: decimal comma, no trailing zeros (89.99 -> "89,99", 90.0 -> "90")."""
    if value is None:
        return "chưa có"
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    if d == d.to_integral_value():
        return str(int(d))
    return format(d.normalize(), "f").replace(".", ",")


def percentage(count: int, of: int) -> Decimal | None:
    """count / of in percent, two decimals, half up (1 of 3 → 33.33); None when there is nothing to divide."""
    if not of:
        return None
    return (Decimal(count) * 100 / Decimal(of)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
