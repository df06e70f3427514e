"""Generated đảng bộ of any size, with filled-in documents: for benchmarks and for trying the service at scale.

With `unit_documents`, a chi bộ gets the whole year-end dossier (issue 5 benchmark: 30 members ≈ 100 documents):
the collective report, minutes, vote count, summary table and (HD 43) dossier list, and (HD 43) each member's
Mẫu 05 besides the self-review and commitment. Every document starts from its kind's `initial_data(facts)`, is
completed with plausible Vietnamese text, checked through its form and saved as submitted.
"""
from __future__ import annotations

import random
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import documents, text
from .catalog import DocumentKind, get_kind, personal_review_kind
from .errors import InvalidInput
from .models import Document, Member, Unit
from .regimes import regime_for_year

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Tạ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thu", "Ngọc", "Quang", "Thanh", "Xuân", "Thị Thu", "Văn Anh"]
GIVEN = ["An", "Anh", "Ánh", "Bình", "Cường", "Dũng", "Dung", "Đạt", "Giang", "Hà", "Hạ", "Hải", "Hằng", "Hiếu",
         "Hoa", "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Ngọc", "Phong", "Phúc",
         "Quân", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Tú", "Tuấn", "Uyên", "Ước", "Vân", "Việt", "Yến"]
PARTY_POSTS = ["Bí thư chi bộ", "Phó Bí thư chi bộ"]  # the first two generated members of each chi bộ
PLACE = "Hà Nội"

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
COLLECTIVE_TEXT = {
    "a_i_1": "Chi bộ duy trì nghiêm **nguyên tắc tập trung dân chủ**, tự phê bình và phê bình; sinh hoạt định kỳ đủ "
             "12 kỳ trong năm {year}, tỷ lệ đảng viên dự sinh hoạt bình quân đạt 95%.\n\n"
             "Quy chế làm việc của chi bộ được thực hiện đúng; các chủ trương lớn đều được bàn bạc dân chủ.",
    "a_i_2": "Lãnh đạo hoàn thành các chỉ tiêu của nghị quyết chi bộ năm {year}:\n\n"
             "- Các phòng hoàn thành 100% kế hoạch công tác năm, đúng tiến độ;\n"
             "- Giải quyết đúng hạn 98,6% hồ sơ, văn bản đến;\n"
             "- Hoàn thành số hoá hồ sơ lưu trữ giai đoạn 2024–{year}.",
    "a_i_3": "100% đảng viên học tập, quán triệt nghị quyết của cấp trên và viết thu hoạch đạt yêu cầu; không có "
             "đảng viên vi phạm những điều đảng viên không được làm; không có đơn thư khiếu nại, tố cáo.",
    "a_i_4": "Chi ủy cụ thể hoá nghị quyết của cấp trên thành chương trình công tác từng quý; phân công rõ người, rõ "
             "việc, rõ thời hạn và kiểm tra việc thực hiện hằng tháng.",
    "a_ii_1": "- Nội dung sinh hoạt chuyên đề có lúc chưa phong phú;\n"
              "- Việc cập nhật hồ sơ đảng viên trên phần mềm còn chậm.",
    "a_ii_2": "**Khách quan:** khối lượng công việc chuyên môn cuối năm lớn. **Chủ quan:** chi ủy chưa chuẩn bị kỹ "
              "đề cương sinh hoạt chuyên đề.",
    "a_iii": "Hạn chế năm trước về việc nộp báo cáo định kỳ chậm đã được **khắc phục xong**.",
    "a_iv": "Không có vấn đề được gợi ý kiểm điểm.",
    "a_v": "Tập thể chi ủy chịu trách nhiệm chính về các hạn chế nêu trên; đồng chí bí thư chịu trách nhiệm người "
           "đứng đầu. Không có đảng viên bị kỷ luật trong năm.",
    "a_vi": "1. Đổi mới nội dung sinh hoạt chuyên đề, mỗi quý một chủ đề gắn với nhiệm vụ chuyên môn;\n"
            "2. Hoàn thành cập nhật hồ sơ đảng viên trước ngày 31/3/{next_year}.",
}
MEETING_TEXT = {
    "venue": "Phòng họp tầng 3, trụ sở cơ quan",
    "guests": "Đồng chí Phan Văn Thịnh, Ủy viên Ban Thường vụ Đảng ủy, dự và chỉ đạo hội nghị.",
    "content": "Đồng chí **{chair}**, Bí thư chi bộ, nêu mục đích, yêu cầu của hội nghị và trình bày dự thảo Báo cáo "
               "kiểm điểm tập thể chi bộ năm {year}; hội nghị thảo luận, góp ý và thông qua báo cáo.\n\n"
               "Từng đảng viên đọc bản kiểm điểm, tự đánh giá, xếp loại cá nhân; các đồng chí dự họp góp ý thẳng "
               "thắn. Đồng chí chủ trì kết luận đối với từng đồng chí; *chi bộ thống nhất* mức đề xuất xếp loại.",
    "conclusion": "Hội nghị tiến hành nghiêm túc, đúng quy trình.\n\n"
                  "1. Các đồng chí có hạn chế xây dựng kế hoạch khắc phục trong quý I năm sau;\n"
                  "2. Giao chi ủy hoàn thiện hồ sơ, báo cáo Đảng ủy trước ngày 20/12.",
}
TASKS = [
    ("Tham mưu xây dựng kế hoạch công tác năm của phòng", "Kế hoạch được phê duyệt đúng hạn", "Đúng hạn", "Tốt"),
    ("Giải quyết hồ sơ, văn bản được phân công", "312 hồ sơ, không có hồ sơ quá hạn", "100%", "Tốt"),
    ("Rà soát, số hoá hồ sơ lưu trữ của phòng", "1.240 hồ sơ đã số hoá", "Đúng hạn", "Đạt yêu cầu"),
    ("Tham gia tổ công tác kiểm tra liên ngành", "03 biên bản kiểm tra", "Đúng hạn", "Tốt"),
    ("Soạn thảo báo cáo chuyên đề sáu tháng", "Báo cáo số 45/BC được thông qua", "Chậm 3 ngày", "Đạt yêu cầu"),
    ("Hướng dẫn, kèm cặp chuyên viên mới", "02 chuyên viên hoàn thành thử việc", "Đúng hạn", "Tốt"),
]
SELF_RATING_COMMENT = ("**Ưu điểm:** chủ động, trách nhiệm trong thực hiện nhiệm vụ được giao.\n\n"
                       "**Hạn chế:** có việc còn chậm tiến độ do khối lượng công việc cuối năm lớn.")


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
             fill: bool = True, unit_documents: bool = False) -> Unit:
    """A đảng bộ cơ sở with `chi_bo` chi bộ of `members` members each; self-reviews and commitments filled in when
    `fill`, and the rest of the year's dossier too when `unit_documents` (see fill_unit_documents)."""
    rng = random.Random(seed)
    parent = session.scalar(select(Unit).where(Unit.name == parent_name))
    if parent is None:
        parent = Unit(name=parent_name, kind="dang_bo_co_so", place=PLACE)
        session.add(parent)
        session.flush()
    for index in range(1, chi_bo + 1):
        name = f"Chi bộ số {index}" if chi_bo > 1 else f"Chi bộ {parent_name.removeprefix('Đảng bộ ')}"
        if session.scalar(select(Unit).where(Unit.name == name, Unit.parent_id == parent.id)) is not None:
            continue
        unit = Unit(name=name, kind="chi_bo", parent=parent, place=PLACE)
        session.add(unit)
        session.flush()
        _add_members(session, unit, members, year, rng)
        if fill:
            _fill(session, unit, year, rng)
            if unit_documents:
                fill_unit_documents(session, unit, year, seed=seed * 1000 + index)
    return parent


def _add_members(session: Session, unit: Unit, count: int, year: int, rng: random.Random) -> None:
    for n in range(count):
        name, born = _name(rng), date(rng.randint(1960, 2000), rng.randint(1, 12), rng.randint(1, 28))
        admitted = date(rng.randint(max(1990, born.year + 18), year - 1), rng.randint(1, 12), rng.randint(1, 28))
        member = Member(unit=unit, full_name=name, birth_date=born, admitted_on=admitted,
                        official=rng.random() > 0.1, work_unit=f"Phòng {rng.randint(1, 9)}", position="Chuyên viên",
                        party_post=PARTY_POSTS[n] if n < len(PARTY_POSTS) else "")
        if n < len(PARTY_POSTS):
            member.official = True  # the chi ủy are official members
        session.add(member)
    session.flush()


def _fill(session: Session, unit: Unit, year: int, rng: random.Random) -> None:
    """Every member's self-review and commitment, saved and submitted."""
    regime = regime_for_year(year)
    for member in unit.members:
        kind = personal_review_kind(regime, documents.member_subject(member))
        doc = documents.open_personal_review(session, member, year, PLACE)
        facts = documents.member_facts(member, year, PLACE)
        payload = {k: v for k, v in review_data(member, year, rng, facts).items() if k in _fields(kind)}
        clean = kind.schema.check(kind, payload)
        documents.save_revision(session, doc, clean, None, status="submitted")
        commitment = get_kind(f"commitment-{regime.code}")
        cdoc = documents.open_document(session, commitment, unit, year, member=member, facts=facts)
        data = {k: v for k, v in {**cdoc.data, "year": year}.items() if k in _fields(commitment)}
        try:
            clean = commitment.schema.check(commitment, data)
        except InvalidInput:  # a commitment the generator cannot complete stays a draft, as a real one would
            documents.save_revision(session, cdoc, data, None, status="draft")
        else:
            documents.save_revision(session, cdoc, clean, None, status="submitted")


def _fields(kind: DocumentKind) -> set[str]:
    return {f["name"] for f in kind.schema.describe()}


def _submit(session: Session, code: str, unit: Unit, year: int, extra: dict[str, Any], *,
            member: Member | None = None, facts: dict[str, Any]) -> Document:
    """Open the document (pre-filled by its kind's initial_data), add `extra`, check it and save it submitted."""
    kind = get_kind(code)
    doc = documents.open_document(session, kind, unit, year, member=member, facts=facts)
    data = {k: v for k, v in {**doc.data, **extra, "year": year}.items() if k in _fields(kind)}
    clean = kind.schema.check(kind, data)  # a generator bug fails loudly here
    documents.save_revision(session, doc, clean, None, status="submitted")
    return doc


def fill_unit_documents(session: Session, unit: Unit, year: int, *, seed: int = 1) -> list[Document]:
    """The chi bộ's dossier beyond the members' own papers, consistent with their submitted self-reviews."""
    rng, regime = random.Random(seed), regime_for_year(year)
    facts = documents.unit_facts(unit, year, PLACE)
    people = text.sort_people(unit.members, key=lambda m: m.full_name)
    reviews = {m.id: documents.open_personal_review(session, m, year, PLACE).data for m in people}
    levels = {m.full_name: reviews[m.id].get("proposed_level") or "tot" for m in people}
    others = [m.full_name for m in people if not m.party_post]
    absent = set(rng.sample(others, 1)) if len(others) > 2 else set()  # one member away on duty
    official_present = sum(1 for m in people if m.official and m.full_name not in absent)
    votes = {name: _votes(level, official_present, rng) for name, level in levels.items()}
    code = regime.code
    extras = {f"collective-report-{code}": _collective(year, regime.scored),
              f"minutes-{code}": _minutes(facts, people, levels, votes, absent),
              f"vote-count-{code}": _vote_count(facts, people, votes, official_present),
              f"summary-{code}": _summary(f"summary-{code}", facts, people, levels)}
    if code == "366":  # HD 43 has Mẫu 04 (dossier list) and Mẫu 05 (self-rating); HD 25 has neither
        extras["dossier-list-366"] = _dossier_list(facts, len(people))
    done = [_submit(session, kind_code, unit, year, extra, facts=facts) for kind_code, extra in extras.items()]
    if code == "366":
        for member in people:
            done.append(_submit(session, "self-rating-366", unit, year, _self_rating(reviews[member.id], rng),
                                member=member, facts=documents.member_facts(member, year, PLACE)))
    return done


def _holder(people: list[Member], post: str) -> str:
    """The name of the member whose Party post starts with `post` ("bí thư", "phó bí thư"), or ""."""
    return next((m.full_name for m in people if m.party_post.lower().startswith(post)), "")


def _collective(year: int, scored: bool) -> dict[str, Any]:
    data: dict[str, Any] = {k: v.format(year=year, next_year=year + 1) for k, v in COLLECTIVE_TEXT.items()}
    if scored:
        data.update(score_general=27.5, score_tasks=62, proposed_level="tot")
    else:
        data.update(grade_i_1="tot", grade_i_2="tot", grade_i_3="tot", grade_i_4="tot", grade_iii="tot",
                    proposed_level="tot")
    return data


def _votes(level: str, voters: int, rng: random.Random) -> dict[str, int]:
    """Votes of the official members present: most at the proposed level, now and then one a level lower."""
    lower = {"xuat_sac": "tot", "tot": "hoan_thanh", "hoan_thanh": "khong_hoan_thanh"}.get(level, level)
    split = 1 if voters > 2 and rng.random() < 0.3 else 0
    counts = {"xuat_sac": 0, "tot": 0, "hoan_thanh": 0, "khong_hoan_thanh": 0}
    counts[level] += voters - split
    counts[lower] += split
    return {f"votes_{code}": n for code, n in counts.items()}


def _minutes(facts: dict[str, Any], people: list[Member], levels: dict[str, str], votes: dict[str, dict[str, int]],
             absent: set[str]) -> dict[str, Any]:
    chair = _holder(people, "bí thư") or people[0].full_name
    secretary = _holder(people, "phó bí thư") or people[-1].full_name
    present = sum(1 for m in people if m.official and m.full_name not in absent)
    return {**MEETING_TEXT, "content": MEETING_TEXT["content"].format(chair=chair, year=facts["year"]),
            "opened_at": "14:00", "closed_at": "17:15", "chair": chair, "secretary": secretary,
            "attendance": [{"full_name": m.full_name, "official": m.official,
                            "attendance": "vang_co_ly_do" if m.full_name in absent else "co_mat",
                            "reason": "đi công tác theo quyết định của cơ quan" if m.full_name in absent else ""}
                           for m in people],
            "results": [{"full_name": m.full_name, "self_level": levels[m.full_name],
                         "proposed_level": levels[m.full_name], **votes[m.full_name]} for m in people],
            "collective_level": "tot", "collective_agree": present, "adopted_agree": present}


def _vote_count(facts: dict[str, Any], people: list[Member], votes: dict[str, dict[str, int]],
                ballots: int) -> dict[str, Any]:
    committee = [{"full_name": m.full_name, "role": "truong_ban" if i == 0 else "thanh_vien"}
                 for i, m in enumerate(people[2:5] or people[:1])]
    return {"counted_at": "16:30", "counted_on": facts["signed_on"], "venue": MEETING_TEXT["venue"],
            "committee": committee, "ballots_issued": ballots, "ballots_returned": ballots, "ballots_valid": ballots,
            "ballots_invalid": 0, "closed_at": "16:55",
            "results": [{"full_name": m.full_name, **votes[m.full_name]} for m in people]}


def _summary(code: str, facts: dict[str, Any], people: list[Member], levels: dict[str, str]) -> dict[str, Any]:
    """The kind's own rows (notes for those not rated) with the self level and the chi bộ's proposal; the decision
    column stays empty until the higher level decides."""
    rows = get_kind(code).schema.initial_data(facts)["rows"]
    return {"rows": [row if row["note"] else {**row, "self_level": levels[row["full_name"]],
                                              "proposal": levels[row["full_name"]]} for row in rows],
            "signer_name": _holder(people, "bí thư")}


def _dossier_list(facts: dict[str, Any], members: int) -> dict[str, Any]:
    signed = date.fromisoformat(facts["signed_on"]).strftime("%d/%m/%Y")
    rows = [{"title": "Bản kiểm điểm cá nhân, báo cáo kiểm điểm tập thể", "reference": f"Ngày {signed}",
             "pages": 4 + 3 * members, "note": f"Kèm {members} bản kiểm điểm cá nhân"},
            {"title": "Bản nhận xét của cấp uỷ nơi cư trú", "pages": members, "note": "Bản chính"},
            {"title": "Biên bản hội nghị kiểm điểm", "reference": f"Ngày {signed}", "pages": 4,
             "note": "Kèm biên bản kiểm phiếu"},
            {"title": "Kết luận đánh giá, kết quả xếp loại", "pages": 2, "note": "Biểu tổng hợp của chi bộ"}]
    return {"rows": rows}


def _self_rating(review: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """Mẫu 05 for the year, scored and rated as in the member's self-review."""
    results = ["hoan_thanh", "hoan_thanh", "vuot_muc"]
    tasks = [{"content": c, "product": p, "progress": g, "quality": q, "self_assessment": rng.choice(results)}
             for c, p, g, q in rng.sample(TASKS, 4)]
    return {"period": "nam", "tasks": tasks, "comments": SELF_RATING_COMMENT,
            "score_general": review.get("score_general", 28), "score_tasks": review.get("score_tasks", 60),
            "proposed_level": review.get("proposed_level") or "tot"}
