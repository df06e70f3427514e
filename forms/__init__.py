"""Input forms: one module per area; each form validates and builds its template's context."""
from __future__ import annotations

from service.catalog import DocumentKind


def context_for(kind: DocumentKind, data: dict) -> dict:
    """The template context of a kind from its stored (already validated) data."""
    return kind.form_class()(kind=kind).to_context(data, kind)
