"""Input forms: the page form of each document kind, generated from its declaration (service/kinds/), and the
forms of the review cycle pages (forms/review.py).

`form_for(kind)` gives a kind's page form (forms/generate.py): the widgets of its declared fields, checked by the
domain. The domain never imports this package (lint-imports holds web → forms → service).
"""
from __future__ import annotations

from service.catalog import DocumentKind

from .generate import DeclaredForm
from .generate import form_class as form_for

__all__ = ["DeclaredForm", "form_for", "DocumentKind"]
