"""Generated đảng bộ of any size, with filled-in documents: for benchmarks and for trying the service at scale."""
from __future__ import annotations

import random
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import documents
from .catalog import get_kind, personal_review_kind
from .errors import InvalidInput
from .models import Member, Unit
from .regimes import regime_for_year

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Tạ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thu", "Ngọc", "Quang", "Thanh", "Xuân", "Thị Thu", "Văn Anh"]
GIVEN = ["An", "Anh", "Ánh", "Bình", "Cường", "Dũng", "Dung", "Đạt", "Giang", "Hà", "Hạ", "Hải", "Hằng", "Hiếu",
         "Hoa", "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Ngọc", "Phong", "Phúc",
         "Quân", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Tú", "Tuấn", "Uyên", "Ước", "Vân", "Việt", "Yến"]

REVIEW_TEXT = {
    "a_i_1": "Luôn giữ vững **lập trường chính trị**, chấp hành nghiêm chủ trương của Đảng, chính sách, pháp luật "
             "của Nhà nước; không có biểu hiện suy thoái, *“tự diễn biến”, “tự chuyển hoá”*.",
    "a_i_2": "Hoàn thành các nhiệm vụ được giao trong năm:\n\n- Thực hiện đúng tiến độ kế hoạch công tác;\n"
             "- Tham gia đầy đủ các buổi sinh hoạt chi bộ;\n- Đóng đảng phí đầy đủ, đúng hạn.",
    "a_i_3": "Thực hiện nghiêm túc bản cam kết tu dưỡng, rèn luyện, phấn đấu đầu năm.",
    "a_ii_1": "Có lúc chưa mạnh dạn đấu tranh, góp ý với đồng chí, đồng nghiệp.",
    "a_ii_2": "Nguyên nhân chủ quan: còn nể nang, ngại va chạm.",
    "a_iii": "Các hạn chế đã nêu năm trước cơ bản đã được khắc phục.",
    "a_vi": "Tiếp tục học tập, rèn luyện; mạnh dạn góp ý xây dựng tập thể; hoàn thành trong quý I.",
}


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def review_data(member: Member, year: int, rng: random.Random, facts: dict[str, Any]) -> dict[str, Any]:
    """A complete, plausible self-review for a member (scores only under QĐ 366)."""
    data = {**facts, **REVIEW_TEXT, "year": year}
    if regime_for_year(year).scored:
        general, tasks = rng.choice([27, 28, 28.5, 29]), rng.choice([55, 58, 60, 62, 63])
        data.update(score_general=general, score_tasks=tasks, proposed_level="tot" if general + tasks >= 70
                    else "hoan_thanh")
    else:
        data.update(grade_i_1="tot", grade_i_2="tot", grade_iii="tot", proposed_level="tot")
    return data


def generate(session: Session, *, parent_name: str, chi_bo: int, members: int, year: int, seed: int = 1,
             fill: bool = True) -> Unit:
    """A đảng bộ cơ sở with `chi_bo` chi bộ of `members` members each; self-reviews filled in when `fill`."""
    rng = random.Random(seed)
    parent = session.scalar(select(Unit).where(Unit.name == parent_name))
    if parent is None:
        parent = Unit(name=parent_name, kind="dang_bo_co_so", place="Hà Nội")
        session.add(parent)
        session.flush()
    for index in range(1, chi_bo + 1):
        name = f"Chi bộ số {index}" if chi_bo > 1 else f"Chi bộ {parent_name.removeprefix('Đảng bộ ')}"
        unit = session.scalar(select(Unit).where(Unit.name == name, Unit.parent_id == parent.id))
        if unit is not None:
            continue
        unit = Unit(name=name, kind="chi_bo", parent=parent, place="Hà Nội")
        session.add(unit)
        session.flush()
        for _ in range(members):
            member = Member(unit=unit, full_name=_name(rng), birth_date=date(rng.randint(1960, 2000), rng.randint(1, 12),
                                                                            rng.randint(1, 28)),
                            admitted_on=date(rng.randint(1990, year - 1), rng.randint(1, 12), rng.randint(1, 28)),
                            official=rng.random() > 0.1, work_unit=f"Phòng {rng.randint(1, 9)}", position="Chuyên viên")
            session.add(member)
        session.flush()
        if fill:
            _fill(session, unit, year, rng)
    return parent


def _fill(session: Session, unit: Unit, year: int, rng: random.Random) -> None:
    """Every member's self-review and commitment, saved and submitted."""
    regime = regime_for_year(year)
    for member in unit.members:
        kind = personal_review_kind(regime, documents.member_subject(member))
        doc = documents.open_personal_review(session, member, year, "Hà Nội")
        facts = documents.member_facts(member, year, "Hà Nội")
        payload = {k: v for k, v in review_data(member, year, rng, facts).items()
                   if k in {f["name"] for f in kind.form_class().describe()}}
        clean = kind.form_class().from_json(payload, kind=kind).check()
        documents.save_revision(session, doc, clean, None, status="submitted")
        commitment = get_kind(f"commitment-{regime.code}")
        form = commitment.form_class()
        cdoc = documents.open_document(session, commitment, unit, year, member=member, facts=facts)
        data = {**form.initial_data({**facts, "previous": {}}), "year": year}
        data = {k: v for k, v in data.items() if k in {f["name"] for f in form.describe()}}
        try:
            clean = form.from_json(data, kind=commitment).check()
        except InvalidInput:  # a commitment the generator cannot complete stays a draft, as a real one would
            documents.save_revision(session, cdoc, data, None, status="draft")
        else:
            documents.save_revision(session, cdoc, clean, None, status="submitted")
