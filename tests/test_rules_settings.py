"""Issue 12: the readings the regulation leaves open are installation settings, and the printed form code too."""
from __future__ import annotations

import pytest

from service import catalog, render
from service.catalog import get_kind
from service.rules import RuleSettings
from service.samples.collective import SAMPLES
from tests.conftest import docx_paragraphs
from tests.conftest import validated as _context


def test_rule_settings_from_the_environment():
    assert RuleSettings.from_env({}) == RuleSettings()
    chosen = RuleSettings.from_env({"RULES_GAP_READING": "strict", "RULES_QUOTA_BASE": "tot_and_above",
                                    "RULES_VOTE_SUPPORT_REQUIRED": "0"})
    assert (chosen.gap_reading, chosen.quota_base, chosen.vote_support_required) == ("strict", "tot_and_above", False)
    with pytest.raises(ValueError, match="quota_base"):
        RuleSettings.from_env({"RULES_QUOTA_BASE": "all"})


@pytest.fixture
def codes_without_year():
    catalog.configure_form_codes(["01"])
    yield
    catalog.configure_form_codes([])


def test_form_code_printed_with_the_year_by_default():
    kind = get_kind("collective-report-366")
    _, _, context = _context(kind.code, SAMPLES[kind.code]())
    assert "Mẫu 01-HD KĐ.ĐG 2025" in docx_paragraphs(render.render(kind, context))


def test_form_code_printed_without_the_year_when_set(codes_without_year):
    kind = get_kind("collective-report-366")
    _, _, context = _context(kind.code, SAMPLES[kind.code]())
    texts = docx_paragraphs(render.render(kind, context))
    assert "Mẫu 01-HD KĐ.ĐG" in texts and "Mẫu 01-HD KĐ.ĐG 2025" not in texts
    assert get_kind("dossier-list-366").printed_form_code == "Mẫu 04-HD KĐ.ĐG 2025"  # only the forms listed
