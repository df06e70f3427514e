"""The domain stands alone: service/ imports neither forms/ nor web/, and every kind has its schema."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from service.catalog import all_kinds

REPO = Path(__file__).resolve().parents[1]


def test_the_domain_imports_without_forms_or_web():
    code = ("import sys, service.catalog, service.documents, service.dossier, service.review.ratings, "
            "service.demo_bulk, service.render, service.output; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('forms', 'web', 'flask', 'wtforms')); "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_kind_is_declared_in_the_domain_and_its_page_form_generated():
    """Every kind declares its fields in service/kinds/ (fields=); forms/ holds no form class of its own for a kind."""
    import forms

    for kind in all_kinds():
        assert kind.fields is not None and kind.schema is kind.fields, kind.code
        assert kind.schema.describe(), kind.code
        assert issubclass(forms.form_for(kind), forms.DeclaredForm), kind.code
    kind_modules = sorted(p.name for p in (REPO / "forms").glob("*.py"))
    assert kind_modules == ["__init__.py", "base.py", "fields.py", "generate.py", "review.py"]
