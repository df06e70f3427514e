"""Input forms: the page form of each kind.

Kinds declared with their fields (service/kinds/, `DocumentKind.fields`) get a form generated from the
declaration (forms/generate.py). The others still have a hand-written form class here, which importing this
package registers as the kind's schema (service.catalog.KindSchema). `form_for(kind)` gives either.
"""
from __future__ import annotations

from typing import Any

from service import catalog
from service.catalog import DocumentKind
from service.kinds import recorded
from service.rules import RuleSettings

from .base import DocumentForm
from .generate import form_class as generated_form
from .meeting import MinutesForm
from .summary import SummaryForm
from .voting import BallotForm, VoteCountForm

# Which form captures each kind (customary documents: the same form in both regimes).
FORMS: dict[str, type[DocumentForm]] = {
    **{f"{family}-{regime}": form for family, form in (
        ("minutes", MinutesForm),
        ("ballot", BallotForm), ("vote-count", VoteCountForm), ("summary", SummaryForm))
       for regime in ("124", "366")},
}


class FormSchema:
    """A kind's schema (service.catalog.KindSchema) backed by its WTForms class."""

    def __init__(self, form_class: type[DocumentForm]) -> None:
        self.form_class = form_class
        self.recorded = bool(getattr(form_class, "RECORDED", None))

    def check(self, kind: DocumentKind, data: dict[str, Any], *, draft: bool = False,
              rules: RuleSettings | None = None) -> dict[str, Any]:
        return self.form_class.from_json(data, kind=kind, draft=draft, rules=rules).check()

    def context(self, kind: DocumentKind, data: dict[str, Any], rules: RuleSettings | None = None) -> dict[str, Any]:
        return self.form_class(kind=kind, rules=rules).to_context(data, kind)

    def initial_data(self, facts: dict[str, Any]) -> dict[str, Any]:
        return self.form_class.initial_data(facts)

    def refreshed(self, saved: dict[str, Any], facts: dict[str, Any]) -> dict[str, Any]:
        return recorded.refreshed(self.form_class.initial_data(facts), getattr(self.form_class, "RECORDED", {}),
                                  saved, facts)

    def describe(self) -> list[dict[str, Any]]:
        return self.form_class.describe()


catalog.register_schemas({code: FormSchema(form) for code, form in FORMS.items()})


def form_for(kind: DocumentKind) -> type[DocumentForm]:
    """The page form of a kind: generated from its declaration, else its hand-written class."""
    return generated_form(kind) if kind.fields is not None else FORMS[kind.code]


def context_for(kind: DocumentKind, data: dict, rules: RuleSettings | None = None) -> dict:
    """The template context of a kind from its stored (already validated) data, under the readings of the rules in
    force at the document's unit (service.unit_rules; None: the installation's)."""
    return catalog.schema_of(kind).context(kind, data, rules)
