"""The generated chi bộ (service.demo_bulk) with its whole year-end dossier: valid, submitted, planned in order."""
from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from service import demo_bulk, dossier
from service.catalog import get_kind
from service.models import Document, ReviewCycle, Unit
from service.text import name_sort_key

MEMBERS = 4
EXPECTED = {  # documents per kind for a chi bộ of MEMBERS members, by regime
    2026: {"collective-report-366": 1, "minutes-366": 1, "vote-count-366": 1, "summary-366": 1,
           "dossier-list-366": 1, "member-review-366": MEMBERS, "self-rating-366": MEMBERS,
           "commitment-366": MEMBERS},
    2024: {"collective-report-124": 1, "minutes-124": 1, "vote-count-124": 1, "summary-124": 1,
           "member-review-124": MEMBERS, "commitment-124": MEMBERS},
}
UNIT_FIRST = ["collective-report-366", "minutes-366", "vote-count-366", "summary-366"]
PER_MEMBER = ["member-review-366", "self-rating-366", "commitment-366"]  # packet_order 110, 115, 120


def _generate(app, name: str, year: int, seed: int = 5) -> int:
    with app.extensions["db"].session() as s:
        parent = demo_bulk.generate(s, parent_name=name, chi_bo=1, members=MEMBERS, year=year, seed=seed,
                                    unit_documents=True)
        return parent.children[0].id


def _documents(session, unit_id: int, year: int) -> list[Document]:
    return list(session.scalars(select(Document).join(ReviewCycle).where(
        ReviewCycle.unit_id == unit_id, ReviewCycle.year == year).order_by(Document.id)))


@pytest.fixture(scope="module")
def chi_bo(app) -> int:
    return _generate(app, "Đảng bộ Sinh tự động thử", 2026)


@pytest.mark.parametrize("year", [2026, 2024])
def test_every_generated_document_is_submitted_and_valid(app, year):
    unit_id = _generate(app, f"Đảng bộ Sinh tự động {year}", year)
    with app.extensions["db"].session() as s:
        docs = _documents(s, unit_id, year)
        for doc in docs:
            kind = get_kind(doc.kind_code)
            assert doc.status == "submitted", (doc.kind_code, doc.status)
            kind.schema.check(kind, doc.data)  # raises InvalidInput with the fields
        assert Counter(d.kind_code for d in docs) == EXPECTED[year]


def test_unit_documents_agree_with_the_members(app, chi_bo):
    with app.extensions["db"].session() as s:
        unit = s.get(Unit, chi_bo)
        names = sorted((m.full_name for m in unit.members), key=name_sort_key)
        docs = {d.kind_code: d.data for d in _documents(s, chi_bo, 2026) if d.member_id is None}
    minutes, count = docs["minutes-366"], docs["vote-count-366"]
    assert [r["full_name"] for r in minutes["results"]] == names
    assert [r["full_name"] for r in docs["summary-366"]["rows"]] == names
    assert [r["full_name"] for r in count["results"]] == names
    voters = sum(1 for r in minutes["attendance"] if r["official"] and r["attendance"] == "co_mat")
    assert count["ballots_valid"] == voters
    votes = [{k: v for k, v in r.items() if k.startswith("votes_")} for r in minutes["results"]]
    assert votes == [{k: v for k, v in r.items() if k.startswith("votes_")} for r in count["results"]]
    assert docs["collective-report-366"]["signer_name"] == minutes["chair"] == docs["dossier-list-366"]["signer_name"]


def test_plan_has_unit_documents_first_members_in_vietnamese_order_and_the_dossier_list_last(app, chi_bo):
    with app.extensions["db"].session() as s:
        unit = s.get(Unit, chi_bo)
        plan = dossier.plan(s, unit, 2026, "chi_bo")
        ids = {d.id for d in _documents(s, chi_bo, 2026)}
        names = sorted((m.full_name for m in unit.members), key=name_sort_key)
    assert not plan.skipped and {d.document_id for d in plan.docs} == ids
    codes = [d.kind_code for d in plan.docs]
    assert codes[:len(UNIT_FIRST)] == UNIT_FIRST and codes[-1] == "dossier-list-366"
    members = plan.docs[len(UNIT_FIRST):-1]
    assert [d.kind_code for d in members] == PER_MEMBER * MEMBERS
    assert [d.path[-1] for d in members[::len(PER_MEMBER)]] == names
    assert all(len(d.path) == 1 for d in plan.docs[:len(UNIT_FIRST)] + plan.docs[-1:])


def test_same_seed_same_chi_bo(app):
    def snapshot(unit_id: int) -> tuple:
        with app.extensions["db"].session() as s:
            docs = _documents(s, unit_id, 2026)
            return (sorted(m.full_name for m in s.get(Unit, unit_id).members),
                    [(d.kind_code, d.data.get("results"), d.data.get("tasks"), d.data.get("score_tasks"))
                     for d in docs])

    first, second = _generate(app, "Đảng bộ Hạt giống A", 2026, seed=42), _generate(app, "Đảng bộ Hạt giống B",
                                                                                     2026, seed=42)
    assert snapshot(first) == snapshot(second)
