"""What the forms not yet declared in service/kinds still build their fields with: a long answer mapped to an
official section (the personal kinds are declared in service/kinds/personal.py)."""
from __future__ import annotations

from service.kinds.fields import MD_HELP

from .fields import MarkdownField, Required


def section(code: str, label: str, help_text: str, required: bool = True) -> MarkdownField:
    """A long answer mapped to an official section; the label starts with the section's number."""
    validators = [Required()] if required else []
    return MarkdownField(f"{code} {label}", validators, description=help_text + MD_HELP,
                         render_kw={"data-section": code, "rows": 6})

