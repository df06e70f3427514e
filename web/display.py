"""Jinja filters that turn stored values into what a Vietnamese reader expects (times, sizes, audit details)."""
from __future__ import annotations

from datetime import datetime

from flask import Flask

from service.review.models import STEPS
from service.rules import LEVEL_LABELS
from service.text import vn_number


def init_app(app: Flask) -> None:
    """Register the filters."""
    for function in (when, file_size, event_details):
        app.add_template_filter(function)


def when(iso: str | None) -> str:
    """An ISO 8601 time as "27/11/2026 05:57 (UTC+07:00)", or a dash."""
    if not iso:
        return "—"
    moment = datetime.fromisoformat(iso)
    zone = moment.strftime("%z")
    return moment.strftime("%d/%m/%Y %H:%M") + (f" (UTC{zone[:3]}:{zone[3:]})" if zone else "")


def file_size(size: int) -> str:
    """Bytes as people read them: "1,8 MB", "640 KB"."""
    if size >= 1024 * 1024:
        return f"{vn_number(round(size / (1024 * 1024), 1))} MB"
    return f"{vn_number(round(size / 1024, 1))} KB"


DETAIL_LABELS = {"title": "Văn bản", "member": "Đảng viên", "year": "Năm", "step": "Bước", "level": "Mức",
                 "override_reason": "Lý do làm khác trình tự", "format": "Định dạng", "revision": "Lần lưu",
                 "file": "Tệp số", "page": "Trang", "doc_page": "Trang của văn bản", "sha256": "SHA-256",
                 "packets": "Hồ sơ", "unmatched_pages": "Trang chưa nhận ra", "complete": "Số văn bản đủ trang",
                 "template_label": "Mẫu in"}


def event_details(details: dict) -> list[tuple[str, str]]:
    """An audit event's details as a reader sees them: Vietnamese labels, levels and steps by name."""
    shown = []
    for key, label in DETAIL_LABELS.items():
        value = details.get(key)
        if value in (None, "", []):
            continue
        if key == "step":
            value = STEPS.get(value, value)
        elif key == "level":
            value = LEVEL_LABELS.get(value, value)
        elif key == "complete":
            value = len(value)
        elif key == "sha256":
            value = f"{value[:12]}…"
        elif isinstance(value, list):
            value = ", ".join(map(str, value))
        shown.append((label, str(value)))
    return shown
