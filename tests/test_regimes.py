"""The review year picks the regime; years before 2023 are refused with a Vietnamese message."""
from __future__ import annotations

import pytest

from service.catalog import all_kinds, personal_review_kind
from service.errors import UnsupportedYear
from service.regimes import QD124, QD366, regime_for_year


@pytest.mark.parametrize("year,regime", [(2023, QD124), (2024, QD124), (2025, QD366), (2026, QD366)])
def test_year_picks_regime(year, regime):
    assert regime_for_year(year) is regime


@pytest.mark.parametrize("year", [2022, 2019, 1990])
def test_years_before_2023_refused(year):
    with pytest.raises(UnsupportedYear) as err:
        regime_for_year(year)
    assert f"Năm {year} không được hỗ trợ" in err.value.message


def test_templates_keyed_on_regime_and_subject_not_letter():
    assert personal_review_kind(QD366, "member").form_code.startswith("Mẫu 2B")
    assert personal_review_kind(QD124, "member").form_code.startswith("Mẫu 02A")
    codes = [k.code for k in all_kinds()]
    assert len(codes) == len(set(codes))
    for kind in all_kinds():
        assert kind.template_path.exists(), kind.template
        assert kind.schema.describe(), kind.code
