"""What the forms not yet declared in service/kinds still take from the decisions (service/kinds/decisions.py):
the “Nơi nhận” row of the collective report."""
from __future__ import annotations

from service.kinds.decisions import committee_of, no_end_punctuation, number_symbol, signer_body_of  # noqa: F401

from .base import FieldsForm
from .fields import LineField, Required


class RecipientRow(FieldsForm):
    """One line of “Nơi nhận:”."""

    name = LineField("Nơi nhận", [Required()], max_length=200, filters=[no_end_punctuation],
                     description="Mỗi dòng một nơi nhận; dấu “-” đầu dòng và dấu “,”/“.” cuối dòng do mẫu tự in.")
