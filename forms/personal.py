"""What the forms not yet declared in service/kinds still build their fields with: a long answer mapped to an
official section, the per-item grade of the 2023 forms (the personal kinds are declared in service/kinds/personal.py).
"""
from __future__ import annotations

from service.kinds.fields import MD_HELP
from service.kinds.personal import GRADES, score_total  # noqa: F401

from .fields import ChoiceField, MarkdownField, Required


def section(code: str, label: str, help_text: str, required: bool = True) -> MarkdownField:
    """A long answer mapped to an official section; the label starts with the section's number."""
    validators = [Required()] if required else []
    return MarkdownField(f"{code} {label}", validators, description=help_text + MD_HELP,
                         render_kw={"data-section": code, "rows": 6})


def grade(code: str, label: str) -> ChoiceField:
    """The per-item self-assessment of the 2023 forms (Xuất sắc / Tốt / Trung bình / Kém)."""
    return ChoiceField(f"{code} Tự đánh giá về cấp độ thực hiện: {label}", choices=GRADES,
                       render_kw={"data-section": code})
