"""Jinja filters that turn stored values into what a Vietnamese reader expects (times, sizes, numbers, levels,
people, audit details). Every template shows times through `when`: stored UTC, shown in Vietnam time."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import Flask, request, url_for
from flask_login import current_user

from service.kinds.fields import short_label
from service.models import User
from service.review.models import step_labels
from service.rules import LEVEL_LABELS
from service.text import vn_number

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def init_app(app: Flask) -> None:
    """Register the filters."""
    for function in (when, file_size, event_details, number, level, person):
        app.add_template_filter(function)
    app.add_template_global(aria_attrs)
    app.add_template_global(widget_of)
    app.context_processor(lambda: {"nav_links": nav_links})


def when(moment: datetime | str | None, seconds: bool = False) -> str:
    """A stored time (datetime or ISO 8601; naive means UTC) as Vietnam time, "27/11/2026 12:57", or a dash."""
    if not moment:
        return "—"
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")


def number(value: float | int | None) -> str:
    """A number with the Vietnamese decimal comma ("92,5"); empty when there is none."""
    return "" if value is None or value == "" else vn_number(value)


def level(code: str | None) -> str:
    """A rating level by its Vietnamese name ("Hoàn thành tốt nhiệm vụ"), never its code."""
    return LEVEL_LABELS.get(code or "", code or "")


def person(user: User | None) -> str:
    """A user as people know them: the member's full name, else the login name."""
    if user is None:
        return "—"
    return user.member.full_name if user.member else user.username


def file_size(size: int) -> str:
    """Bytes as people read them: "1,8 MB", "640 KB"."""
    if size >= 1024 * 1024:
        return f"{vn_number(round(size / (1024 * 1024), 1))} MB"
    return f"{vn_number(round(size / 1024, 1))} KB"


DETAIL_LABELS = {"title": "Văn bản", "member": "Đảng viên", "year": "Năm", "step": "Bước", "level": "Mức",
                 "override_reason": "Lý do làm khác trình tự", "format": "Định dạng", "revision": "Lần lưu",
                 "file": "Tệp số", "page": "Trang", "doc_page": "Trang của văn bản", "sha256": "SHA-256",
                 "packets": "Hồ sơ", "unmatched_pages": "Trang chưa nhận ra", "complete": "Số văn bản đủ trang",
                 "template_label": "Mẫu in", "reason": "Lý do"}


VIEWED_PAGES = {"history": "Lịch sử văn bản"}  # a page view's "page" (an upload's "page" is a page number)


def event_details(details: dict) -> list[tuple[str, str]]:
    """An audit event's details as a reader sees them: Vietnamese labels, levels and steps by name."""
    shown = []
    for key, label in DETAIL_LABELS.items():
        value = details.get(key)
        if value in (None, "", []):
            continue
        if key == "step":  # a member's step is of their chi bộ; a unit's own is named neutrally (step_labels)
            value = step_labels("chi_bo" if details.get("member") else "", bool(details.get("member"))).get(value, value)
        elif key == "level":
            value = LEVEL_LABELS.get(value, value)
        elif key == "complete":
            value = len(value)
        elif key == "page" and isinstance(value, str) and not value.isdigit():  # the page a view was of
            value = VIEWED_PAGES.get(value, value)
        elif key == "sha256":
            value = f"{value[:12]}…"
        elif isinstance(value, list):
            value = ", ".join(map(str, value))
        shown.append((label, str(value)))
    return shown


def summary_line(label: str, message: str) -> str:
    """A field's message as the error summary at the top lists it: the message alone when it already names the
    field (“Vui lòng nhập mục “Ngày họp”.”), else preceded by the field's title (“Ngày họp: Ngày không có thật.”).
    One rule for every page with a summary (document pages, the meeting page)."""
    return message if names_field(label, message) else f"{short_label(label, 60)}: {message}"


def names_field(label: str, message: str) -> bool:
    """Whether a message already names its field (its title, or the first words of a long one)."""
    words = short_label(label, 48).removesuffix("…").casefold()
    return bool(words) and words in message.casefold()


def aria_attrs(field, label: str | None = None) -> dict[str, str]:
    """An input's ties to its error and help text (aria-invalid, aria-describedby), and a label for a table cell,
    which has no visible one of its own."""
    attrs: dict[str, str] = {}
    described = []
    if field.errors:
        attrs["aria-invalid"] = "true"
        described.append(f"{field.id}-error")
    if label is None and widget_of(field) == "date":
        described.append(f"{field.id}-hint")
    if field.description and label is None:
        described.append(f"{field.id}-help")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if label:
        attrs["aria-label"] = label
    return attrs


def widget_of(field) -> str:
    """How a form field is typed in: markdown, date, percent, score, number, time, level, flag, choice, table, text."""
    from forms import fields as kinds

    for cls, name in ((kinds.RowsField, "table"), (kinds.MarkdownField, "markdown"), (kinds.VnDateField, "date"),
                      (kinds.PercentField, "percent"), (kinds.ScoreField, "score"), (kinds.IntField, "number"),
                      (kinds.VnTimeField, "time"),
                      (kinds.LevelField, "level"), (kinds.FlagField, "flag"), (kinds.ChoiceField, "choice")):
        if isinstance(field, cls):
            return name
    return "text"


def nav_links() -> list[tuple[str, str, bool]]:
    """(label, address, is the current page) of the main links for the logged-in user's role."""
    if not current_user.is_authenticated:
        return []
    user, year = current_user.row, date.today().year
    links = [("Trang chính", url_for("pages.home"))]
    if user.member_id:
        links.append(("Văn bản của tôi", url_for("pages.home") + "#van-ban-cua-toi"))
    if user.unit_id and user.role != "member":
        links.append(("Theo dõi kiểm điểm", url_for("review.board", unit_id=user.unit_id, year=year)))
        links.append(("Lưu trữ bản ký", url_for("archive.unit_archive", unit_id=user.unit_id, year=year)))
    return [(label, href, href.split("#")[0] == request.path and "#" not in href) for label, href in links]
