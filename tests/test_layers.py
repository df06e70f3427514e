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


def test_every_kind_has_exactly_one_schema():
    """Declared in service/kinds/ (fields=) or, not yet converted, registered by forms/: never both, never none."""
    import forms

    declared = {k.code for k in all_kinds() if k.fields is not None}
    assert declared and not declared & set(forms.FORMS)
    assert declared | set(forms.FORMS) == {k.code for k in all_kinds()}
    for kind in all_kinds():
        assert kind.schema.describe(), kind.code
        assert forms.form_for(kind)
