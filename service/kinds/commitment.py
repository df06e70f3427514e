"""Bản cam kết tu dưỡng, rèn luyện, phấn đấu (Chỉ thị 05-CT/TW): no central form, the customary layout.

docs/REGULATIONS.md (customary documents) [L]: identity lines, six commitment points (the sixth with a target
rating), and the signatures of the member (right) and of the chi ủy/chi bộ confirming it (left). One declaration,
one template, both regimes (catalog `commitment-124`, `commitment-366`).
"""
from __future__ import annotations

from typing import Any

from .fields import date_field, level_field, section_field, text_field
from .schema import KindFields

# The six customary points (docs/REGULATIONS.md): (field, printed heading, help text).
POINTS: tuple[tuple[str, str, str], ...] = (
    ("point_1", "Về tư tưởng chính trị",
     "Trung thành với Đảng, kiên định mục tiêu, lý tưởng; chấp hành chủ trương, đường lối, chính sách, pháp luật; "
     "đấu tranh với quan điểm sai trái, biểu hiện suy thoái về tư tưởng chính trị."),
    ("point_2", "Về phẩm chất đạo đức, lối sống",
     "Thực hiện những điều đảng viên không được làm, trách nhiệm nêu gương; không suy thoái về đạo đức, lối sống."),
    ("point_3", "Về ý thức tổ chức kỷ luật",
     "Nguyên tắc tập trung dân chủ, tự phê bình và phê bình; sinh hoạt chi bộ đầy đủ, đóng đảng phí đúng quy định."),
    ("point_4", "Về thực hiện chức trách, nhiệm vụ được giao và học tập nâng cao trình độ",
     "Các nhiệm vụ, chỉ tiêu cụ thể của bản thân trong năm; kế hoạch học tập, bồi dưỡng."),
    ("point_5", "Về tác phong, lề lối làm việc và mối quan hệ với nhân dân",
     "Tác phong làm việc; đoàn kết nội bộ; giữ mối liên hệ với chi ủy, đảng ủy và nhân dân nơi cư trú."),
    ("point_6", "Về học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
     "Những việc làm cụ thể đăng ký thực hiện theo Chỉ thị 05-CT/TW; mục tiêu xếp loại ở mục dưới."),
)

# What a new commitment starts with: the usual wording, which the member edits ({year} is filled in).
DEFAULT_POINTS: dict[str, str] = {
    "point_1": "Tuyệt đối trung thành với Đảng, kiên định chủ nghĩa Mác - Lênin, tư tưởng Hồ Chí Minh, mục tiêu độc "
               "lập dân tộc gắn liền với chủ nghĩa xã hội; chấp hành nghiêm chủ trương, đường lối của Đảng, chính "
               "sách, pháp luật của Nhà nước.\n\n"
               "Kiên quyết đấu tranh với các quan điểm sai trái, thù địch và các biểu hiện suy thoái về tư tưởng "
               "chính trị, “tự diễn biến”, “tự chuyển hoá”.",
    "point_2": "Giữ gìn phẩm chất đạo đức, lối sống trong sáng, giản dị, trung thực, khiêm tốn; thực hiện nghiêm "
               "những điều đảng viên không được làm và trách nhiệm nêu gương của cán bộ, đảng viên.\n\n"
               "Không tham nhũng, lãng phí, tiêu cực; xây dựng gia đình văn hoá, giáo dục người thân chấp hành tốt "
               "chủ trương của Đảng, pháp luật của Nhà nước.",
    "point_3": "Chấp hành nghiêm nguyên tắc tập trung dân chủ, tự phê bình và phê bình, Điều lệ Đảng và các quy định "
               "của chi bộ, cơ quan, đơn vị:\n\n"
               "- Tham gia đầy đủ sinh hoạt chi bộ và các hoạt động do chi bộ tổ chức;\n"
               "- Đóng đảng phí đầy đủ, đúng thời hạn;\n"
               "- Giữ mối liên hệ và chịu sự giám sát của chi ủy, đảng ủy nơi cư trú.",
    "point_4": "Phấn đấu hoàn thành 100% nhiệm vụ, chỉ tiêu được giao trong năm {year}, bảo đảm tiến độ và chất "
               "lượng:\n\n"
               "- (Nêu cụ thể các nhiệm vụ, chỉ tiêu chính của bản thân trong năm);\n"
               "- Học tập, quán triệt đầy đủ các nghị quyết, chỉ thị của Đảng; tự học nâng cao trình độ chuyên môn, "
               "nghiệp vụ, lý luận chính trị.",
    "point_5": "Thực hiện tác phong dân chủ, khoa học, sâu sát, gần gũi; đoàn kết, giúp đỡ đồng chí, đồng nghiệp.\n\n"
               "Giữ mối liên hệ mật thiết với nhân dân nơi cư trú; gương mẫu thực hiện quy ước của khu dân cư và "
               "tham gia các phong trào, cuộc vận động ở địa phương.",
    "point_6": "Tiếp tục đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh theo Chỉ thị "
               "05-CT/TW gắn với nhiệm vụ được giao; đăng ký thực hiện những việc làm cụ thể:\n\n"
               "- (Nêu một, hai việc làm cụ thể trong năm {year}).",
}



def _admitted_after_birth(data: dict[str, Any], given: Any) -> str | None:
    """Nobody joins the Party before being born."""
    born, admitted = data.get("birth_date"), data.get("admitted_on")
    if admitted and born and admitted <= born:  # ISO dates compare as text
        return "Ngày vào Đảng phải sau ngày sinh."
    return None


def _official_after_admission(data: dict[str, Any], given: Any) -> str | None:
    """A member becomes official after the probation that follows admission."""
    admitted, official = data.get("admitted_on"), data.get("official_on")
    if official and admitted and official <= admitted:
        return "Ngày chính thức phải sau ngày vào Đảng."
    return None


def _initial(facts: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """Identity from the member record, the usual wording of the six points, target 'Hoàn thành tốt'."""
    posts = [facts.get(key) or "" for key in ("party_post", "government_post", "union_post")]
    data["positions"] = "; ".join(p.strip() for p in posts if p and p.strip())
    year = facts.get("year") or "…"
    data.update({name: text.replace("{year}", str(year)) for name, text in DEFAULT_POINTS.items()})
    data.setdefault("target_level", "tot")
    return data


COMMITMENT = KindFields(
    fields=(
        text_field("full_name", "Họ và tên", required=True, max_length=120),
        date_field("birth_date", "Ngày sinh", required=True),
        date_field("admitted_on", "Ngày vào Đảng", required=True),
        date_field("official_on", "Ngày chính thức", "Để trống nếu còn là đảng viên dự bị."),
        text_field("positions", "Chức vụ (đảng, chính quyền, đoàn thể)",
                   "Ví dụ: Chi ủy viên; Tổ trưởng chuyên môn; Ủy viên Ban Chấp hành Công đoàn. Để trống nếu không có."),
        text_field("work_unit", "Đơn vị công tác", required=True),
        text_field("chi_bo", "Chi bộ", required=True),
        *(section_field(name, f"{n}.", label, help_text) for n, (name, label, help_text) in enumerate(POINTS, 1)),
        level_field("target_level", "6. Mục tiêu phấn đấu: mức xếp loại chất lượng đảng viên cuối năm",
                    required=True, section="6."),
        text_field("confirmer_title", "Chức vụ người xác nhận (chi ủy/chi bộ)", "Ví dụ: BÍ THƯ. Để trống để viết tay.",
                   max_length=120),
        text_field("confirmer_name", "Họ và tên người xác nhận", "Để trống để viết tay.", max_length=120),
    ),
    rules={"admitted_on": _admitted_after_birth, "official_on": _official_after_admission},
    initial=_initial,
)
