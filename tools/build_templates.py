"""Regenerate every docxtpl template in doc_templates/ from code: `python -m tools.build_templates [--out DIR]`.

Templates are built, not hand-edited in Word, so tags stay in one run and fonts stay Times New Roman.
Register new templates in TEMPLATES; commit the regenerated files (a test compares them with the builder).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable

from docx.document import Document as DocumentObject
from .docx_builder import save_document
from .templates_collective import build_qd124_collective_report, build_qd366_collective_report
from .templates_common import build_commitment, build_rating_result, build_summary
from .templates_decisions import build_qd366_dossier_list, build_qd366_rerating_decision
from .templates_meeting import build_ballot, build_minutes, build_vote_count
from .templates_personal import (
    build_qd124_personal_leader,
    build_qd124_personal_member,
    build_qd366_personal_leader,
    build_qd366_personal_member,
    build_qd366_personal_outside,
    build_qd366_self_rating,
)

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "doc_templates"

# Path under doc_templates/ → builder. The service looks templates up by regime code and subject.
TEMPLATES: dict[str, Callable[[], DocumentObject]] = {
    "qd366/personal_member.docx": build_qd366_personal_member,
    "qd124/personal_member.docx": build_qd124_personal_member,
    "qd366/personal_leader.docx": build_qd366_personal_leader,
    "qd366/personal_outside.docx": build_qd366_personal_outside,
    "qd124/personal_leader.docx": build_qd124_personal_leader,
    "qd366/self_rating.docx": build_qd366_self_rating,
    "common/commitment.docx": build_commitment,
    "common/summary.docx": build_summary,
    "common/rating_result.docx": build_rating_result,
    "qd366/collective_report.docx": build_qd366_collective_report,
    "qd124/collective_report.docx": build_qd124_collective_report,
    "qd366/rerating_decision.docx": build_qd366_rerating_decision,
    "qd366/dossier_list.docx": build_qd366_dossier_list,
    "common/minutes.docx": build_minutes,
    "common/ballot.docx": build_ballot,
    "common/vote_count.docx": build_vote_count,
}


def build_all(out_dir: Path = DEFAULT_OUT) -> list[Path]:
    """Write every registered template under out_dir and return the paths written."""
    written = []
    for rel, builder in TEMPLATES.items():
        path = out_dir / rel
        save_document(builder(), path)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: doc_templates/)")
    args = parser.parse_args(argv)
    for path in build_all(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
