"""Personal self-review forms.

HD 43 (QĐ 366, review years from 2025): Mẫu 2A leaders, 2B members without a post, 2C members outside the
political system. HD 25 (QĐ 124, 2023–2024): Mẫu 02A members without a post, 02B leaders. Every field is built by
a helper below, once per form, so each form lists its fields in the order they are printed.
"""
from __future__ import annotations

from typing import Any

from wtforms.validators import ValidationError

from service.documents import score_total

from .base import DocumentForm
from .fields import ChoiceField, LevelField, LineField, MarkdownField, Required, ScoreField, VnDateField, format_number

MD_HELP = " Có thể dùng Markdown: dòng trống để tách đoạn, **đậm**, *nghiêng*, danh sách “- ” hoặc “1. ”."
# Shown with every item of HD 43 Mẫu 2A that comes from the regulation, not from a copy of the form.
INFERRED_2A = (" (Mục suy ra từ Điều 6 Quy định 366-QĐ/TW: chưa có bản gốc Mẫu 2A để đối chiếu, tên mục có thể khác "
               "bản in chính thức.)")
# Shown with the leader items of the HD 25 (2023) leader form, copied from an unverified third-party version.
UNVERIFIED_124 = " (Tên mục theo bản sao mẫu HD 25 chưa được kiểm chứng.)"
# Phụ lục 2 of QĐ 366 is for leaders managed by the Central Committee, Politburo or Secretariat.
CENTRAL_APPENDIX = (" Cán bộ thuộc diện Ban Chấp hành Trung ương, Bộ Chính trị, Ban Bí thư quản lý chấm theo "
                    "Phụ lục 2.")
PREVIOUS_LIMITATIONS = "Hạn chế, khuyết điểm đã được chỉ ra năm trước:"


def section(code: str, label: str, help_text: str, required: bool = True) -> MarkdownField:
    """A long answer mapped to an official section; the label starts with the section's number."""
    validators = [Required()] if required else []
    return MarkdownField(f"{code} {label}", validators, description=help_text + MD_HELP,
                         render_kw={"data-section": code, "rows": 6})


class PersonFields:
    """Who writes the review: pre-filled from the member record, editable."""

    full_name = LineField("Họ và tên", [Required()], max_length=120)
    birth_date = VnDateField("Ngày sinh", [Required()])
    work_unit = LineField("Đơn vị công tác", [Required()])
    chi_bo = LineField("Chi bộ", [Required()])


def position_field() -> LineField:
    """Chức vụ of a leader (Mẫu 2A, Mẫu 05)."""
    return LineField("Chức vụ", [Required()],
                     description="Chức vụ lãnh đạo, quản lý đang giữ, ví dụ: Bí thư Chi bộ, Hiệu trưởng.")


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


class PersonalReviewForm(DocumentForm, PersonFields):
    """What every personal self-review shares: identity fields and pre-filling from what the system knows."""

    @classmethod
    def initial_data(cls, facts: dict[str, Any]) -> dict[str, Any]:
        """Known facts, plus section III started with the shortcomings named at last year's review."""
        data = super().initial_data(facts)
        names = {field.name for field in cls()}
        carried = carried_limitations(facts)
        if carried and "a_iii" in names and not data.get("a_iii"):
            data["a_iii"] = carried
        if "position" in names and not data.get("position") and leader_position(facts):
            data["position"] = leader_position(facts)
        return data


def limitations(part: str = "A.") -> MarkdownField:
    """A.II.1 / II.1: shortcomings."""
    return section(part + "II.1.", "Hạn chế, khuyết điểm", "Nêu cụ thể những hạn chế, khuyết điểm của bản thân trong năm.")


def causes(part: str = "A.") -> MarkdownField:
    """A.II.2 / II.2: their causes."""
    return section(part + "II.2.", "Nguyên nhân của hạn chế, khuyết điểm",
                   "Nguyên nhân khách quan và chủ quan của từng hạn chế, khuyết điểm.")


def earlier_remedies(part: str = "A.") -> MarkdownField:
    """A.III / III: how the shortcomings named at earlier reviews were fixed."""
    return section(part + "III.", "Kết quả khắc phục những hạn chế, khuyết điểm đã được cấp có thẩm quyền kết luận "
                   "hoặc được chỉ ra ở các kỳ kiểm điểm trước",
                   "Kiểm điểm rõ từng hạn chế, khuyết điểm (đã được khắc phục; đang khắc phục, mức độ khắc phục; "
                   "chưa được khắc phục); những khó khăn, vướng mắc (nếu có); trách nhiệm của cá nhân.")


def suggested_issues(part: str = "A.") -> MarkdownField:
    """A.IV / IV: explanations of the issues the higher level suggested (optional)."""
    return section(part + "IV.", "Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)",
                   "Giải trình từng vấn đề được gợi ý kiểm điểm, nêu nguyên nhân, xác định trách nhiệm của cá nhân.",
                   required=False)


def collective_share(part: str = "A.") -> MarkdownField:
    """A.V / V: personal responsibility for the collective's shortcomings (optional)."""
    return section(part + "V.", "Làm rõ trách nhiệm của cá nhân đối với những hạn chế, khuyết điểm của tập thể (nếu có)",
                   "Phần trách nhiệm của bản thân đối với hạn chế, khuyết điểm của tập thể.", required=False)


def measures(part: str = "A.") -> MarkdownField:
    """A.VI / VI: remedial directions and measures."""
    return section(part + "VI.", "Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm",
                   "Biện pháp cụ thể, thời hạn khắc phục từng hạn chế, khuyết điểm.")


# ---- HD 43 (Quy định 366) -------------------------------------------------------------------------------------

def political_quality_366() -> MarkdownField:
    """A.I.1 of Mẫu 2A/2B/2C."""
    return section("A.I.1.", "Về phẩm chất chính trị, đạo đức, lối sống; tinh thần đoàn kết, thống nhất trong nội "
                   "bộ; ý thức tổ chức kỷ luật, trách nhiệm nêu gương, việc thực hiện những điều đảng viên không được "
                   "làm; tác phong, lề lối làm việc. Liên hệ các biểu hiện về suy thoái, “tự diễn biến”, "
                   "“tự chuyển hoá”.",
                   "Phẩm chất chính trị, đạo đức, lối sống, đoàn kết, kỷ luật, nêu gương; tự liên hệ các biểu hiện "
                   "suy thoái.")


def duties_366() -> MarkdownField:
    """A.I.2 of Mẫu 2A/2B (2C words it differently)."""
    return section("A.I.2.", "Việc thực hiện nhiệm vụ, quyền hạn và kết quả thực hiện các chỉ tiêu, nhiệm vụ được "
                   "giao trong năm, gắn với hiệu quả, tiến độ, chất lượng công việc.",
                   "Khối lượng, tiến độ, chất lượng các nhiệm vụ được giao trong năm, có số liệu cụ thể.")


def commitment_366() -> MarkdownField:
    """A.I.3 of Mẫu 2A/2B/2C."""
    return section("A.I.3.", "Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu của cá nhân theo quy định.",
                   "Kết quả thực hiện bản cam kết tu dưỡng, rèn luyện, phấn đấu đầu năm.")


def review_ii_to_vi(part: str = "A.") -> tuple[MarkdownField, ...]:
    """II.1, II.2, III, IV, V, VI: the same in every personal form of HD 43."""
    return limitations(part), causes(part), earlier_remedies(part), suggested_issues(part), collective_share(part), \
        measures(part)


def scores_366(appendix: str, code: str = "B.I.", note: str = "") -> tuple[ScoreField, ScoreField]:
    """Nhóm tiêu chí chung /30 and nhóm tiêu chí về kết quả thực hiện nhiệm vụ /70, self-scored on an appendix."""
    help_text = f"Tự chấm theo {appendix} Quy định 366-QĐ/TW.{note}"
    return (ScoreField(f"{code}1. Nhóm tiêu chí chung (tối đa 30 điểm)", [Required()], maximum=30,
                       description=help_text, render_kw={"data-section": f"{code}1."}),
            ScoreField(f"{code}2. Nhóm tiêu chí về kết quả thực hiện nhiệm vụ (tối đa 70 điểm)", [Required()],
                       maximum=70, description=help_text, render_kw={"data-section": f"{code}2."}))


def proposal_366(code: str = "B.II.", label: str = "Đề xuất xếp loại mức chất lượng") -> LevelField:
    """The proposed level, four tick boxes."""
    return LevelField(f"{code} {label}", [Required()], render_kw={"data-section": code})



def score_total_context(data: dict[str, Any]) -> dict[str, Any]:
    """The printed total: computed, never typed."""
    total = score_total(data)
    return {"score_total": format_number(total) if total is not None else ""}


class Review366Form(PersonalReviewForm):
    """A personal review of HD 43: 100 points in two groups, the total computed."""

    def extra_context(self, data: dict[str, Any]) -> dict[str, Any]:
        return score_total_context(data)


class MemberReview366Form(Review366Form):
    """HD 43 Mẫu 2B: member without a leadership post, review years from 2025 (QĐ 366, 100 points)."""

    a_i_1, a_i_2, a_i_3 = political_quality_366(), duties_366(), commitment_366()
    a_ii_1, a_ii_2, a_iii, a_iv, a_v, a_vi = review_ii_to_vi()
    score_general, score_tasks = scores_366("Phụ lục 4")
    proposed_level = proposal_366()


class LeaderReview366Form(Review366Form):
    """HD 43 Mẫu 2A: leader or manager (QĐ 366). Only the title of 2A is known: 2B plus the leader items of Điều 6."""

    position = position_field()
    a_i_1, a_i_2, a_i_3 = political_quality_366(), duties_366(), commitment_366()
    a_i_4 = section("A.I.4.", "Kết quả công tác lãnh đạo, chỉ đạo, quản lý, điều hành; thực hiện chức trách, nhiệm "
                    "vụ; mức độ hoàn thành nhiệm vụ của các cấp uỷ, tổ chức đảng trực thuộc, địa phương, tổ chức, cơ "
                    "quan, đơn vị thuộc quyền quản lý; khả năng quy tụ, xây dựng đoàn kết nội bộ.",
                    "Kết quả lãnh đạo, chỉ đạo, quản lý, điều hành; mức độ hoàn thành nhiệm vụ của các tổ chức, "
                    "đơn vị mình phụ trách; khả năng quy tụ, đoàn kết." + INFERRED_2A)
    a_i_5 = section("A.I.5.", "Trách nhiệm trong công việc; tinh thần năng động, đổi mới sáng tạo, dám nghĩ, dám "
                    "nói, dám làm, ... xử lý những vấn đề khó, phức tạp, nhạy cảm trong thực hiện nhiệm vụ.",
                    "Tinh thần trách nhiệm, đổi mới, dám nghĩ, dám làm; cách xử lý những việc khó, phức tạp, nhạy "
                    "cảm, có ví dụ cụ thể." + INFERRED_2A)
    a_i_6 = section("A.I.6.", "Trách nhiệm nêu gương của bản thân và gia đình; việc đấu tranh phòng, chống tham "
                    "nhũng, lãng phí, tiêu cực; sự tín nhiệm của cán bộ, đảng viên; việc xây dựng phong cách lãnh đạo "
                    "đổi mới, gần dân, sát dân, trọng dân, thường xuyên nắm bắt tâm tư, nguyện vọng của Nhân dân.",
                    "Nêu gương của bản thân và gia đình; phòng, chống tham nhũng, lãng phí, tiêu cực; mức tín nhiệm; "
                    "phong cách lãnh đạo gần dân." + INFERRED_2A)
    a_ii_1, a_ii_2, a_iii, a_iv, a_v, a_vi = review_ii_to_vi()
    score_general, score_tasks = scores_366(
        "Phụ lục 3", note=CENTRAL_APPENDIX + " Câu hướng dẫn in ở mục B.I của Mẫu 2A được suy ra từ Mẫu 2B.")
    proposed_level = proposal_366()


class OutsideReview366Form(Review366Form):
    """HD 43 Mẫu 2C: member who does not work in the political system (retirees, students, private sector)."""

    a_i_1 = political_quality_366()
    a_i_2 = section("A.I.2.", "Việc thực hiện quyền và nghĩa vụ của đảng viên theo các nhiệm vụ chính trị được cấp "
                    "uỷ, chi bộ phân công.",
                    "Dự sinh hoạt chi bộ, đóng đảng phí, thực hiện nhiệm vụ cấp uỷ, chi bộ giao, giữ mối liên hệ "
                    "với tổ chức đảng và Nhân dân nơi cư trú.")
    a_i_3 = commitment_366()
    a_ii_1, a_ii_2, a_iii, a_iv, a_v, a_vi = review_ii_to_vi()
    score_general, score_tasks = scores_366("Phụ lục 5")
    proposed_level = proposal_366()


# ---- HD 25 (Quy định 124) -------------------------------------------------------------------------------------

GRADES = [("", "— Chưa tự đánh giá —"), ("xuat_sac", "Xuất sắc"), ("tot", "Tốt"),
          ("trung_binh", "Trung bình"), ("kem", "Kém")]
CIVIL_SERVANT_LEVELS = [("", "— Không áp dụng —"), ("xuat_sac", "Hoàn thành xuất sắc nhiệm vụ"),
                        ("tot", "Hoàn thành tốt nhiệm vụ"), ("hoan_thanh", "Hoàn thành nhiệm vụ"),
                        ("khong_hoan_thanh", "Không hoàn thành nhiệm vụ")]


def grade(code: str, label: str) -> ChoiceField:
    """The per-item self-assessment of the 2023 forms (Xuất sắc / Tốt / Trung bình / Kém)."""
    return ChoiceField(f"{code} Tự đánh giá về cấp độ thực hiện: {label}", choices=GRADES,
                       render_kw={"data-section": code})


def posts_124() -> tuple[LineField, LineField, LineField]:
    """Chức vụ Đảng, chính quyền, đoàn thể (HD 25 copies print all three)."""
    return (LineField("Chức vụ Đảng", description="Để trống nếu không có."),
            LineField("Chức vụ chính quyền", description="Để trống nếu không có."),
            LineField("Chức vụ đoàn thể", description="Để trống nếu không có."))


def political_quality_124() -> MarkdownField:
    """I.1 of the 2023 forms."""
    return section("I.1.", "Về phẩm chất chính trị; phẩm chất đạo đức, lối sống; ý thức tổ chức kỷ luật; "
                   "tác phong, lề lối làm việc", "Phẩm chất chính trị, đạo đức, lối sống, kỷ luật, tác phong.")


def duties_124() -> MarkdownField:
    """I.2 of the 2023 forms."""
    return section("I.2.", "Về thực hiện chức trách, nhiệm vụ được giao",
                   "Kết quả thực hiện chức trách, nhiệm vụ được giao trong năm, có số liệu cụ thể.")


def commitment_124(code: str) -> MarkdownField:
    """The commitment item: I.3 for members, I.6 for leaders."""
    return section(code, "Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu hằng năm",
                   "Kết quả thực hiện bản cam kết tu dưỡng, rèn luyện, phấn đấu đầu năm.")


def civil_servant_level_124() -> ChoiceField:
    """VII.1: the state rating, for cán bộ, công chức, viên chức only."""
    return ChoiceField("VII.1. Xếp loại cán bộ, công chức, viên chức", choices=CIVIL_SERVANT_LEVELS,
                       description="Chỉ dùng nếu là cán bộ, công chức, viên chức.",
                       render_kw={"data-section": "VII.1."})


def party_level_124() -> LevelField:
    """VII.2: the party-member level the writer proposes."""
    return LevelField("VII.2. Xếp loại đảng viên (tự nhận mức xếp loại chất lượng)", [Required()],
                      render_kw={"data-section": "VII.2."})


class Review124Form(PersonalReviewForm):
    """A personal review of HD 25: per-item grades, no points."""

    def validate_proposed_level(self, field) -> None:
        """A self-assessed 'Kém' item cannot go with a level above 'Không hoàn thành nhiệm vụ'."""
        grades = {f.data for f in self if f.short_name.startswith("grade_")}
        if "kem" in grades and field.data and field.data != "khong_hoan_thanh":
            raise ValidationError("Có tiêu chí tự đánh giá “Kém” thì chỉ được nhận mức Không hoàn thành nhiệm vụ "
                                  "(Điều 12 Quy định 124-QĐ/TW).")


class MemberReview124Form(Review124Form):
    """HD 25 Mẫu 02A: member without a leadership post, review years 2023–2024 (QĐ 124, no points)."""

    party_post, government_post, union_post = posts_124()
    a_i_1 = political_quality_124()
    grade_i_1 = grade("I.1.", "phẩm chất chính trị, đạo đức, lối sống")
    a_i_2 = duties_124()
    grade_i_2 = grade("I.2.", "thực hiện chức trách, nhiệm vụ")
    a_i_3 = commitment_124("I.3.")
    a_ii_1, a_ii_2, a_iii = limitations(""), causes(""), earlier_remedies("")
    grade_iii = grade("III.", "khắc phục hạn chế, khuyết điểm")
    a_iv, a_v, a_vi = suggested_issues(""), collective_share(""), measures("")
    civil_servant_level = civil_servant_level_124()
    proposed_level = party_level_124()


class LeaderReview124Form(Review124Form):
    """HD 25 leader form (printed "Mẫu 02B" in our catalog), review years 2023–2024: six I items, five graded.

    Fields are named after section numbers: here a_i_3 is the leadership item and a_i_6 the commitment.
    """

    party_post, government_post, union_post = posts_124()
    a_i_1 = political_quality_124()
    grade_i_1 = grade("I.1.", "phẩm chất chính trị, đạo đức, lối sống")
    a_i_2 = duties_124()
    grade_i_2 = grade("I.2.", "thực hiện chức trách, nhiệm vụ")
    a_i_3 = section("I.3.", "Kết quả công tác lãnh đạo, chỉ đạo, quản lý, điều hành; thực hiện chức trách, nhiệm "
                    "vụ; mức độ hoàn thành nhiệm vụ của các tổ chức, cơ quan, đơn vị thuộc quyền quản lý; khả năng "
                    "quy tụ, xây dựng đoàn kết nội bộ.",
                    "Kết quả lãnh đạo, chỉ đạo, quản lý, điều hành; mức độ hoàn thành nhiệm vụ của các tổ chức, "
                    "đơn vị mình phụ trách; khả năng quy tụ, đoàn kết." + UNVERIFIED_124)
    grade_i_3 = grade("I.3.", "công tác lãnh đạo, chỉ đạo, quản lý, điều hành")
    a_i_4 = section("I.4.", "Trách nhiệm trong công việc; tinh thần năng động, đổi mới, sáng tạo, dám nghĩ, dám làm, "
                    "dám chịu trách nhiệm; xử lý những vấn đề khó, phức tạp, nhạy cảm trong thực hiện nhiệm vụ.",
                    "Tinh thần trách nhiệm, đổi mới, dám nghĩ, dám làm, dám chịu trách nhiệm; cách xử lý những việc "
                    "khó, phức tạp, nhạy cảm." + UNVERIFIED_124)
    grade_i_4 = grade("I.4.", "trách nhiệm, năng động, đổi mới, sáng tạo")
    a_i_5 = section("I.5.", "Trách nhiệm nêu gương của bản thân và gia đình; việc đấu tranh phòng, chống tham "
                    "nhũng, tiêu cực, lãng phí; sự tín nhiệm của cán bộ, đảng viên.",
                    "Nêu gương của bản thân và gia đình; phòng, chống tham nhũng, tiêu cực, lãng phí; mức tín nhiệm."
                    + UNVERIFIED_124)
    grade_i_5 = grade("I.5.", "trách nhiệm nêu gương, phòng, chống tham nhũng, tiêu cực")
    a_i_6 = commitment_124("I.6.")
    a_ii_1, a_ii_2, a_iii = limitations(""), causes(""), earlier_remedies("")
    grade_iii = grade("III.", "khắc phục hạn chế, khuyết điểm")
    a_iv, a_v, a_vi = suggested_issues(""), collective_share(""), measures("")
    civil_servant_level = civil_servant_level_124()
    proposed_level = party_level_124()
