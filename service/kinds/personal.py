"""Personal self-reviews and the leader's self-rating, declared as data.

HD 43 (QĐ 366, review years from 2025): Mẫu 2A leaders, 2B members without a post, 2C members outside the
political system, Mẫu 05 a leader's quarterly or yearly self-assessment. HD 25 (QĐ 124, 2023–2024): Mẫu 02A members
without a post, 02B leaders. Labels follow the printed headings (docs/REGULATIONS.md, forms); every field is built by
a helper below, so each kind lists its fields in the order they are printed.

Mẫu 05: only the form's title is known. Its layout is built from Quy định 366-QĐ/TW: tasks with their product,
progress and quality (Điều 11 rates on them), a self-assessment, the two score groups of the other HD 43 forms, the
proposed level; every label says so in its help text; the printed wording lives in tools/templates_personal.py.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from ..rules import Person
from ..rules.engine import self_rating_problem
from .fields import (Field, choice_field, date_field, format_number, level_field, score_field, section_field,
                     table_field, text_field)
from .schema import KindFields

# Shown with every item of HD 43 Mẫu 2A that comes from the regulation, not from a copy of the form.
INFERRED_2A = (" (Mục suy ra từ Điều 6 Quy định 366-QĐ/TW: chưa có bản gốc Mẫu 2A để đối chiếu, tên mục có thể khác "
               "bản in chính thức.)")
# Shown with the leader items of the HD 25 (2023) leader form, copied from an unverified third-party version.
UNVERIFIED_124 = " (Tên mục theo bản sao mẫu HD 25 chưa được kiểm chứng.)"
# Phụ lục 2 of QĐ 366 is for leaders managed by the Central Committee, Politburo or Secretariat.
CENTRAL_APPENDIX = (" Cán bộ thuộc diện Ban Chấp hành Trung ương, Bộ Chính trị, Ban Bí thư quản lý chấm theo "
                    "Phụ lục 2.")
PREVIOUS_LIMITATIONS = "Hạn chế, khuyết điểm đã được chỉ ra năm trước:"



def leader_position(facts: dict[str, Any]) -> str:
    """A leader's Chức vụ from the member record: the government post, then the Party post."""
    if facts.get("position"):
        return str(facts["position"])
    return ", ".join(str(facts[k]) for k in ("government_post", "party_post") if facts.get(k))


def carried_limitations(facts: dict[str, Any]) -> str:
    """Section III's opening from last year's shortcomings (facts["previous"]["a_ii_1"]), or ""."""
    previous = facts.get("previous") or {}
    text = previous.get("a_ii_1") if isinstance(previous, dict) else None
    if not isinstance(text, str) or not text.strip():
        return ""
    return f"{PREVIOUS_LIMITATIONS}\n\n{text.strip()}"



def score_total(data: dict[str, Any]) -> float | None:
    """Nhóm tiêu chí chung + nhóm kết quả thực hiện nhiệm vụ of saved data, when both are given (QĐ 366)."""
    general, tasks = data.get("score_general"), data.get("score_tasks")
    if isinstance(general, (int, float)) and isinstance(tasks, (int, float)):
        return round(general + tasks, 2)
    return None


def score_total_context(data: dict[str, Any], given: Any = None) -> dict[str, Any]:
    """The printed total: computed, never typed."""
    total = score_total(data)
    return {"score_total": format_number(total) if total is not None else ""}


def person_fields() -> tuple[Field, ...]:
    """Who writes the review: pre-filled from the member record, editable."""
    return (text_field("full_name", "Họ và tên", required=True, max_length=120),
            date_field("birth_date", "Ngày sinh", required=True),
            text_field("work_unit", "Đơn vị công tác", required=True),
            text_field("chi_bo", "Chi bộ", required=True))


def position_field() -> Field:
    """Chức vụ of a leader (Mẫu 2A, Mẫu 05)."""
    return text_field("position", "Chức vụ", "Chức vụ lãnh đạo, quản lý đang giữ, ví dụ: Bí thư Chi bộ, Hiệu trưởng.",
                      required=True)


def limitations(part: str = "A.") -> Field:
    """A.II.1 / II.1: shortcomings."""
    return section_field("a_ii_1", part + "II.1.", "Hạn chế, khuyết điểm", "Nêu cụ thể những hạn chế, khuyết điểm của bản thân trong năm.")


def causes(part: str = "A.") -> Field:
    """A.II.2 / II.2: their causes."""
    return section_field("a_ii_2", part + "II.2.", "Nguyên nhân của hạn chế, khuyết điểm",
                   "Nguyên nhân khách quan và chủ quan của từng hạn chế, khuyết điểm.")


def earlier_remedies(part: str = "A.") -> Field:
    """A.III / III: how the shortcomings named at earlier reviews were fixed."""
    return section_field("a_iii", part + "III.", "Kết quả khắc phục những hạn chế, khuyết điểm đã được cấp có thẩm quyền kết luận "
                   "hoặc được chỉ ra ở các kỳ kiểm điểm trước",
                   "Kiểm điểm rõ từng hạn chế, khuyết điểm (đã được khắc phục; đang khắc phục, mức độ khắc phục; "
                   "chưa được khắc phục); những khó khăn, vướng mắc (nếu có); trách nhiệm của cá nhân.")


def suggested_issues(part: str = "A.") -> Field:
    """A.IV / IV: explanations of the issues the higher level suggested (optional)."""
    return section_field("a_iv", part + "IV.", "Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)",
                   "Giải trình từng vấn đề được gợi ý kiểm điểm, nêu nguyên nhân, xác định trách nhiệm của cá nhân.",
                   required=False)


def collective_share(part: str = "A.") -> Field:
    """A.V / V: personal responsibility for the collective's shortcomings (optional)."""
    return section_field("a_v", part + "V.", "Làm rõ trách nhiệm của cá nhân đối với những hạn chế, khuyết điểm của tập thể (nếu có)",
                   "Phần trách nhiệm của bản thân đối với hạn chế, khuyết điểm của tập thể.", required=False)


def measures(part: str = "A.") -> Field:
    """A.VI / VI: remedial directions and measures."""
    return section_field("a_vi", part + "VI.", "Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm",
                   "Biện pháp cụ thể, thời hạn khắc phục từng hạn chế, khuyết điểm.")


# ---- HD 43 (Quy định 366) -------------------------------------------------------------------------------------

def political_quality_366() -> Field:
    """A.I.1 of Mẫu 2A/2B/2C."""
    return section_field("a_i_1", "A.I.1.", "Về phẩm chất chính trị, đạo đức, lối sống; tinh thần đoàn kết, thống nhất trong nội "
                   "bộ; ý thức tổ chức kỷ luật, trách nhiệm nêu gương, việc thực hiện những điều đảng viên không được "
                   "làm; tác phong, lề lối làm việc. Liên hệ các biểu hiện về suy thoái, “tự diễn biến”, "
                   "“tự chuyển hoá”.",
                   "Phẩm chất chính trị, đạo đức, lối sống, đoàn kết, kỷ luật, nêu gương; tự liên hệ các biểu hiện "
                   "suy thoái.")


def duties_366() -> Field:
    """A.I.2 of Mẫu 2A/2B (2C words it differently)."""
    return section_field("a_i_2", "A.I.2.", "Việc thực hiện nhiệm vụ, quyền hạn và kết quả thực hiện các chỉ tiêu, nhiệm vụ được "
                   "giao trong năm, gắn với hiệu quả, tiến độ, chất lượng công việc.",
                   "Khối lượng, tiến độ, chất lượng các nhiệm vụ được giao trong năm, có số liệu cụ thể.")


def commitment_366() -> Field:
    """A.I.3 of Mẫu 2A/2B/2C."""
    return section_field("a_i_3", "A.I.3.", "Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu của cá nhân theo quy định.",
                   "Kết quả thực hiện bản cam kết tu dưỡng, rèn luyện, phấn đấu đầu năm.")


def review_ii_to_vi(part: str = "A.") -> tuple[Field, ...]:
    """II.1, II.2, III, IV, V, VI: the same in every personal form of HD 43."""
    return limitations(part), causes(part), earlier_remedies(part), suggested_issues(part), collective_share(part), \
        measures(part)


def scores_366(appendix: str, code: str = "B.I.", note: str = "") -> tuple[Field, Field]:
    """Nhóm tiêu chí chung /30 and nhóm tiêu chí về kết quả thực hiện nhiệm vụ /70, self-scored on an appendix."""
    help_text = f"Tự chấm theo {appendix} Quy định 366-QĐ/TW.{note}"
    return (score_field("score_general", f"{code}1. Nhóm tiêu chí chung (tối đa 30 điểm)", help_text, maximum=30,
                        required=True, section=f"{code}1."),
            score_field("score_tasks", f"{code}2. Nhóm tiêu chí về kết quả thực hiện nhiệm vụ (tối đa 70 điểm)",
                        help_text, maximum=70, required=True, section=f"{code}2."))


def proposal_366(code: str = "B.II.", label: str = "Đề xuất xếp loại mức chất lượng") -> Field:
    """The proposed level, four tick boxes."""
    return level_field("proposed_level", f"{code} {label}", required=True, section=code)





# ---- HD 25 (Quy định 124) -------------------------------------------------------------------------------------

GRADES = [("", "— Chưa tự đánh giá —"), ("xuat_sac", "Xuất sắc"), ("tot", "Tốt"),
          ("trung_binh", "Trung bình"), ("kem", "Kém")]
CIVIL_SERVANT_LEVELS = [("", "— Không áp dụng —"), ("xuat_sac", "Hoàn thành xuất sắc nhiệm vụ"),
                        ("tot", "Hoàn thành tốt nhiệm vụ"), ("hoan_thanh", "Hoàn thành nhiệm vụ"),
                        ("khong_hoan_thanh", "Không hoàn thành nhiệm vụ")]


def grade(code: str, label: str) -> Field:
    """The per-item self-assessment of the 2023 forms (Xuất sắc / Tốt / Trung bình / Kém), named after its item
    ("I.1." → grade_i_1)."""
    name = "grade_" + code.strip(".").lower().replace(".", "_")
    return choice_field(name, f"{code} Tự đánh giá về cấp độ thực hiện: {label}", GRADES, section=code)


def posts_124() -> tuple[Field, Field, Field]:
    """Chức vụ Đảng, chính quyền, đoàn thể (HD 25 copies print all three)."""
    return (text_field("party_post", "Chức vụ Đảng", "Để trống nếu không có."),
            text_field("government_post", "Chức vụ chính quyền", "Để trống nếu không có."),
            text_field("union_post", "Chức vụ đoàn thể", "Để trống nếu không có."))


def political_quality_124() -> Field:
    """I.1 of the 2023 forms."""
    return section_field("a_i_1", "I.1.", "Về phẩm chất chính trị; phẩm chất đạo đức, lối sống; ý thức tổ chức kỷ luật; "
                   "tác phong, lề lối làm việc", "Phẩm chất chính trị, đạo đức, lối sống, kỷ luật, tác phong.")


def duties_124() -> Field:
    """I.2 of the 2023 forms."""
    return section_field("a_i_2", "I.2.", "Về thực hiện chức trách, nhiệm vụ được giao",
                   "Kết quả thực hiện chức trách, nhiệm vụ được giao trong năm, có số liệu cụ thể.")


def commitment_124(name: str, code: str) -> Field:
    """The commitment item: I.3 for members, I.6 for leaders."""
    return section_field(name, code, "Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu hằng năm",
                   "Kết quả thực hiện bản cam kết tu dưỡng, rèn luyện, phấn đấu đầu năm.")


def civil_servant_level_124() -> Field:
    """VII.1: the state rating, for cán bộ, công chức, viên chức only."""
    return choice_field("civil_servant_level", "VII.1. Xếp loại cán bộ, công chức, viên chức", CIVIL_SERVANT_LEVELS,
                        "Chỉ dùng nếu là cán bộ, công chức, viên chức.", section="VII.1.")


def party_level_124() -> Field:
    """VII.2: the party-member level the writer proposes."""
    return level_field("proposed_level", "VII.2. Xếp loại đảng viên (tự nhận mức xếp loại chất lượng)", required=True,
                       section="VII.2.")


def _review(*fields: Field, **kw: Any) -> KindFields:
    """A personal review: identity, then the kind's items; section III starts from last year's shortcomings."""
    names = {f.name for f in fields}

    def initial(facts: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
        carried = carried_limitations(facts)
        if carried and "a_iii" in names and not data.get("a_iii"):
            data["a_iii"] = carried
        if "position" in names and not data.get("position") and leader_position(facts):
            data["position"] = leader_position(facts)
        return data

    return KindFields(fields=(*person_fields(), *fields), initial=initial, **kw)


MEMBER_REVIEW_366 = _review(  # HD 43 Mẫu 2B: member without a leadership post (100 points)
    political_quality_366(), duties_366(), commitment_366(), *review_ii_to_vi(), *scores_366("Phụ lục 4"),
    proposal_366(), extras=score_total_context)

LEADER_REVIEW_366 = _review(  # HD 43 Mẫu 2A: only the title is known: 2B plus the leader items of Điều 6
    position_field(), political_quality_366(), duties_366(), commitment_366(),
    section_field("a_i_4", "A.I.4.", "Kết quả công tác lãnh đạo, chỉ đạo, quản lý, điều hành; thực hiện chức trách, nhiệm "
                    "vụ; mức độ hoàn thành nhiệm vụ của các cấp uỷ, tổ chức đảng trực thuộc, địa phương, tổ chức, cơ "
                    "quan, đơn vị thuộc quyền quản lý; khả năng quy tụ, xây dựng đoàn kết nội bộ.",
                    "Kết quả lãnh đạo, chỉ đạo, quản lý, điều hành; mức độ hoàn thành nhiệm vụ của các tổ chức, "
                    "đơn vị mình phụ trách; khả năng quy tụ, đoàn kết." + INFERRED_2A),
    section_field("a_i_5", "A.I.5.", "Trách nhiệm trong công việc; tinh thần năng động, đổi mới sáng tạo, dám nghĩ, dám "
                    "nói, dám làm, ... xử lý những vấn đề khó, phức tạp, nhạy cảm trong thực hiện nhiệm vụ.",
                    "Tinh thần trách nhiệm, đổi mới, dám nghĩ, dám làm; cách xử lý những việc khó, phức tạp, nhạy "
                    "cảm, có ví dụ cụ thể." + INFERRED_2A),
    section_field("a_i_6", "A.I.6.", "Trách nhiệm nêu gương của bản thân và gia đình; việc đấu tranh phòng, chống tham "
                    "nhũng, lãng phí, tiêu cực; sự tín nhiệm của cán bộ, đảng viên; việc xây dựng phong cách lãnh đạo "
                    "đổi mới, gần dân, sát dân, trọng dân, thường xuyên nắm bắt tâm tư, nguyện vọng của Nhân dân.",
                    "Nêu gương của bản thân và gia đình; phòng, chống tham nhũng, lãng phí, tiêu cực; mức tín nhiệm; "
                    "phong cách lãnh đạo gần dân." + INFERRED_2A),
    *review_ii_to_vi(),
    *scores_366("Phụ lục 3", note=CENTRAL_APPENDIX + " Câu hướng dẫn in ở mục B.I của Mẫu 2A được suy ra từ Mẫu 2B."),
    proposal_366(), extras=score_total_context)

OUTSIDE_REVIEW_366 = _review(  # HD 43 Mẫu 2C: member outside the political system (retirees, students, private)
    political_quality_366(),
    section_field("a_i_2", "A.I.2.", "Việc thực hiện quyền và nghĩa vụ của đảng viên theo các nhiệm vụ chính trị được cấp "
                    "uỷ, chi bộ phân công.",
                    "Dự sinh hoạt chi bộ, đóng đảng phí, thực hiện nhiệm vụ cấp uỷ, chi bộ giao, giữ mối liên hệ "
                    "với tổ chức đảng và Nhân dân nơi cư trú."),
    commitment_366(), *review_ii_to_vi(), *scores_366("Phụ lục 5"), proposal_366(), extras=score_total_context)


def _no_level_above_kem(data: dict[str, Any], given: Any) -> str | None:
    """A self-assessed 'Kém' item cannot go with a level above 'Không hoàn thành nhiệm vụ'."""
    grades = {value for name, value in data.items() if name.startswith("grade_")}
    if "kem" in grades and data.get("proposed_level") and data["proposed_level"] != "khong_hoan_thanh":
        return ("Có tiêu chí tự đánh giá “Kém” thì chỉ được nhận mức Không hoàn thành nhiệm vụ "
                "(Điều 12 Quy định 124-QĐ/TW).")
    return None


MEMBER_REVIEW_124 = _review(  # HD 25 Mẫu 02A: member without a leadership post (no points)
    *posts_124(), political_quality_124(), grade("I.1.", "phẩm chất chính trị, đạo đức, lối sống"), duties_124(),
    grade("I.2.", "thực hiện chức trách, nhiệm vụ"), commitment_124("a_i_3", "I.3."),
    limitations(""), causes(""), earlier_remedies(""), grade("III.", "khắc phục hạn chế, khuyết điểm"),
    suggested_issues(""), collective_share(""), measures(""), civil_servant_level_124(), party_level_124(),
    rules={"proposed_level": _no_level_above_kem})

# HD 25 leader form (printed "Mẫu 02B" in our catalog): six I items, five graded. Fields are named after section
# numbers: here a_i_3 is the leadership item and a_i_6 the commitment.
LEADER_REVIEW_124 = _review(
    *posts_124(), political_quality_124(), grade("I.1.", "phẩm chất chính trị, đạo đức, lối sống"), duties_124(),
    grade("I.2.", "thực hiện chức trách, nhiệm vụ"),
    section_field("a_i_3", "I.3.", "Kết quả công tác lãnh đạo, chỉ đạo, quản lý, điều hành; thực hiện chức trách, nhiệm "
                    "vụ; mức độ hoàn thành nhiệm vụ của các tổ chức, cơ quan, đơn vị thuộc quyền quản lý; khả năng "
                    "quy tụ, xây dựng đoàn kết nội bộ.",
                    "Kết quả lãnh đạo, chỉ đạo, quản lý, điều hành; mức độ hoàn thành nhiệm vụ của các tổ chức, "
                    "đơn vị mình phụ trách; khả năng quy tụ, đoàn kết." + UNVERIFIED_124),
    grade("I.3.", "công tác lãnh đạo, chỉ đạo, quản lý, điều hành"),
    section_field("a_i_4", "I.4.", "Trách nhiệm trong công việc; tinh thần năng động, đổi mới, sáng tạo, dám nghĩ, dám làm, "
                    "dám chịu trách nhiệm; xử lý những vấn đề khó, phức tạp, nhạy cảm trong thực hiện nhiệm vụ.",
                    "Tinh thần trách nhiệm, đổi mới, dám nghĩ, dám làm, dám chịu trách nhiệm; cách xử lý những việc "
                    "khó, phức tạp, nhạy cảm." + UNVERIFIED_124),
    grade("I.4.", "trách nhiệm, năng động, đổi mới, sáng tạo"),
    section_field("a_i_5", "I.5.", "Trách nhiệm nêu gương của bản thân và gia đình; việc đấu tranh phòng, chống tham "
                    "nhũng, tiêu cực, lãng phí; sự tín nhiệm của cán bộ, đảng viên.",
                    "Nêu gương của bản thân và gia đình; phòng, chống tham nhũng, tiêu cực, lãng phí; mức tín nhiệm."
                    + UNVERIFIED_124),
    grade("I.5.", "trách nhiệm nêu gương, phòng, chống tham nhũng, tiêu cực"),
    commitment_124("a_i_6", "I.6."),
    limitations(""), causes(""), earlier_remedies(""), grade("III.", "khắc phục hạn chế, khuyết điểm"),
    suggested_issues(""), collective_share(""), measures(""), civil_servant_level_124(), party_level_124(),
    rules={"proposed_level": _no_level_above_kem})


# ---- HD 43 Mẫu 05 (inferred layout) -----------------------------------------------------------------------------

INFERRED_05 = (" (Mẫu 05 mới biết tên gọi; mục này do hệ thống xây dựng theo Quy định 366-QĐ/TW, chưa đối chiếu "
            "bản gốc.)")
PERIODS = [("", "— Chọn kỳ đánh giá —"), ("quy_1", "Quý I"), ("quy_2", "Quý II"), ("quy_3", "Quý III"),
           ("quy_4", "Quý IV"), ("nam", "Năm")]
# How a task of the period went (service.quarterly reads the quarters' tables with the same words).
TASK_RESULTS = {"vuot_muc": "Hoàn thành vượt mức", "hoan_thanh": "Hoàn thành", "chua_hoan_thanh": "Chưa hoàn thành"}
TASK_CHOICES = [("", "— Chưa tự đánh giá —"), *TASK_RESULTS.items()]



TASK_COLUMNS: tuple[Field, ...] = (
    text_field("content", "Nội dung nhiệm vụ, chỉ tiêu", "Nhiệm vụ, chỉ tiêu được giao trong kỳ, mỗi dòng một việc.",
               required=True, max_length=1000),
    text_field("product", "Sản phẩm, kết quả", "Sản phẩm cụ thể: văn bản, đề án, số liệu đạt được.", max_length=1000),
    text_field("progress", "Tiến độ", "Đúng hạn / Chậm … ngày, hoặc tỉ lệ hoàn thành, ví dụ 100%.", max_length=60),
    text_field("quality", "Chất lượng", "Ví dụ: Tốt; Đạt yêu cầu; Chưa đạt yêu cầu.", max_length=200),
    choice_field("self_assessment", "Tự đánh giá", TASK_CHOICES),
)


def _level_fits_the_tasks(data: dict[str, Any], given: Any) -> str | None:
    """The level ticked must be one the form's own task table and scores allow (the rule engine, Điều 11
    Quy định 366-QĐ/TW): 10 of 30 tasks not completed rules out Hoàn thành tốt nhiệm vụ."""
    results = [row.get("self_assessment") for row in data.get("tasks") or [] if row.get("self_assessment")]
    level, year = data.get("proposed_level"), data.get("year")
    if not level or not results or not isinstance(year, int):
        return None
    done = sum(1 for r in results if r in ("hoan_thanh", "vuot_muc"))
    person = Person("self", score_general=data.get("score_general"), score_tasks=data.get("score_tasks"),
                    proposed=level, tasks_done_pct=100 * done / len(results),
                    tasks_exceeded_pct=100 * results.count("vuot_muc") / len(results))
    problem = self_rating_problem("366", person, on=date(year, 12, 31), settings=given.rules)
    if problem:
        return (f"Mức tự xếp loại không phù hợp với bảng nhiệm vụ ({done}/{len(results)} nhiệm vụ "
                f"hoàn thành): {problem}")
    return None


def _self_rating_initial(facts: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """Known facts, with the Chức vụ taken from the member record."""
    if not data.get("position") and leader_position(facts):
        data["position"] = leader_position(facts)
    return data


def _task_counts(data: dict[str, Any], given: Any) -> dict[str, Any]:
    """The computed total and the count of tasks by self-assessment."""
    tasks = [row for row in data.get("tasks") or [] if isinstance(row, dict)]
    results = [row.get("self_assessment") for row in tasks]
    return {**score_total_context(data), "task_count": len(tasks), "tasks_exceeded": results.count("vuot_muc"),
            "tasks_done": results.count("hoan_thanh"), "tasks_unfinished": results.count("chua_hoan_thanh")}


SELF_RATING_366 = KindFields(
    fields=(
        choice_field("period", "Kỳ tự đánh giá", PERIODS, "Quý hoặc cả năm được tự đánh giá; in dưới tiêu đề cùng năm "
                     "kiểm điểm, ví dụ “Quý III 2025”, “Năm 2025”.", required=True),
        text_field("full_name", "Họ và tên", required=True, max_length=120),
        position_field(),
        text_field("work_unit", "Đơn vị công tác", required=True),
        text_field("chi_bo", "Chi bộ", required=True),
        table_field("tasks", "I. Kết quả thực hiện nhiệm vụ, chỉ tiêu được giao", TASK_COLUMNS,
                    "Mỗi nhiệm vụ, chỉ tiêu một dòng: sản phẩm, tiến độ, chất lượng, tự đánh giá." + INFERRED_05,
                    required=True, max_rows=200, section="I."),
        section_field("comments", "II.", "Tự nhận xét, đánh giá",
                      "Ưu điểm, hạn chế, khuyết điểm trong kỳ; nguyên nhân; việc khắc phục." + INFERRED_05),
        *scores_366("Phụ lục 3", code="III.", note=CENTRAL_APPENDIX + INFERRED_05),
        level_field("proposed_level", "IV. Tự xếp loại mức chất lượng", INFERRED_05.strip(), required=True,
                    section="IV."),
    ),
    rules={"proposed_level": _level_fits_the_tasks},
    initial=_self_rating_initial,
    extras=_task_counts,
)
