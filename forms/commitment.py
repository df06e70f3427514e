"""Bản cam kết tu dưỡng, rèn luyện, phấn đấu (Chỉ thị 05-CT/TW): no central form, the customary layout.

REFERENCE.md §4 [L]: identity lines, six commitment points (the sixth with a target rating), and the
signatures of the member (right) and of the chi ủy/chi bộ confirming it (left). One form, one template,
both regimes (catalog `commitment-124`, `commitment-366`).
"""
from __future__ import annotations

from typing import Any

from wtforms.validators import ValidationError

from .base import DocumentForm
from .fields import LevelField, LineField, Required, VnDateField
from .personal import section

# The six customary points (REFERENCE.md §4): (field, printed heading, help text).
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


def _point(n: int):  # noqa: ANN202 - a MarkdownField
    """Commitment point n as a Markdown section labelled "n. …"."""
    _, label, help_text = POINTS[n - 1]
    return section(f"{n}.", label, help_text)


class CommitmentForm(DocumentForm):
    """BẢN CAM KẾT TU DƯỠNG, RÈN LUYỆN, PHẤN ĐẤU NĂM … of one member (customary layout, [L])."""

    full_name = LineField("Họ và tên", [Required()], max_length=120)
    birth_date = VnDateField("Ngày sinh", [Required()])
    admitted_on = VnDateField("Ngày vào Đảng", [Required()])
    official_on = VnDateField("Ngày chính thức", description="Để trống nếu còn là đảng viên dự bị.")
    positions = LineField("Chức vụ (đảng, chính quyền, đoàn thể)",
                          description="Ví dụ: Chi ủy viên; Tổ trưởng chuyên môn; Ủy viên Ban Chấp hành Công đoàn. "
                                      "Để trống nếu không có.")
    work_unit = LineField("Đơn vị công tác", [Required()])
    chi_bo = LineField("Chi bộ", [Required()])
    point_1, point_2, point_3, point_4, point_5, point_6 = (_point(n) for n in range(1, 7))
    target_level = LevelField("6. Mục tiêu phấn đấu: mức xếp loại chất lượng đảng viên cuối năm", [Required()],
                              render_kw={"data-section": "6."})
    confirmer_title = LineField("Chức vụ người xác nhận (chi ủy/chi bộ)",
                                description="Ví dụ: BÍ THƯ. Để trống để viết tay.", max_length=120)
    confirmer_name = LineField("Họ và tên người xác nhận", description="Để trống để viết tay.", max_length=120)

    def validate_admitted_on(self, field) -> None:
        """Nobody joins the Party before being born."""
        if field.data and self.birth_date.data and field.data <= self.birth_date.data:
            raise ValidationError("Ngày vào Đảng phải sau ngày sinh.")

    def validate_official_on(self, field) -> None:
        """A member becomes official after the probation that follows admission."""
        if field.data and self.admitted_on.data and field.data <= self.admitted_on.data:
            raise ValidationError("Ngày chính thức phải sau ngày vào Đảng.")

    @classmethod
    def initial_data(cls, facts: dict[str, Any]) -> dict[str, Any]:
        """Identity from the member record, the usual wording of the six points, target 'Hoàn thành tốt'."""
        data = super().initial_data(facts)
        posts = [facts.get(key) or "" for key in ("party_post", "government_post", "union_post")]
        data["positions"] = "; ".join(p.strip() for p in posts if p and p.strip())
        year = facts.get("year") or "…"
        data.update({name: text.replace("{year}", str(year)) for name, text in DEFAULT_POINTS.items()})
        data.setdefault("target_level", "tot")
        return data
