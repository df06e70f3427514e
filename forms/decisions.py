"""HD 43 Mẫu 03: “Quyết định đánh giá, xếp loại lại tổ chức đảng, đảng viên năm …” (QĐ 366, years from 2025).

Only the title of Mẫu 03 was found (shared/domain/FORMS.md hd43-03). Everything else is INFERRED and kept
editable: the body follows Quy định 366 Điều 13 (the competent committee may cancel a rating and rate again) and
Điều 15 khoản 3 (a rating found wrong is cancelled and redone), laid out as a Party decision (REFERENCE.md §6:
number line, trích yếu, “Căn cứ …” lines, “… QUYẾT ĐỊNH”, Điều 1–3, “T/M … / BÍ THƯ”, “Nơi nhận:”).
"""
from __future__ import annotations

from typing import Any

from wtforms.validators import ValidationError

from service.rules.levels import LEVELS

from .base import DocumentForm, FieldsForm
from .fields import ChoiceField, LineField, MarkdownField, Required, RowsField
from .personal import MD_HELP

INFERRED = " (Mẫu 03 chỉ có tên mẫu; nội dung này do hệ thống soạn theo Quy định 366, hãy sửa nếu cấp trên có mẫu.)"
LEVEL_CHOICES = [("", "— Chọn mức xếp loại —"), *LEVELS]
SIGNER_TITLE = "BÍ THƯ"


def no_end_punctuation(value: Any) -> Any:
    """Recipients are printed with their own “,” / “.”: drop what the user typed at the end."""
    return value.rstrip(" ,;.") if isinstance(value, str) else value


def committee_of(unit_name: str) -> str:
    """The body that issues decisions for a unit: “Đảng bộ X” → “Đảng ủy X”; a chi bộ issues as itself."""
    name = unit_name.strip()
    if name.lower().startswith("đảng bộ "):
        return "Đảng ủy " + name[len("đảng bộ "):]
    return name


def number_symbol(body: str) -> str:
    """The symbol after “QĐ/” (HD 36): ĐU for a đảng ủy, CB for a chi bộ, CU for a chi ủy."""
    lowered = body.strip().lower()
    return "CB" if lowered.startswith("chi bộ") else "CU" if lowered.startswith("chi ủy") else "ĐU"


def signer_body_of(body: str) -> str:
    """The “T/M …” line of the committee's signature."""
    lowered = body.strip().lower()
    return "CHI BỘ" if lowered.startswith("chi bộ") else "CHI ỦY" if lowered.startswith("chi ủy") else "ĐẢNG ỦY"


def secretary_name(facts: dict[str, Any]) -> str:
    """The unit's secretary (bí thư), who usually signs, if the member list says who it is."""
    for member in facts.get("members") or []:
        post = str(member.get("party_post") or "").strip().lower()
        if post.startswith("bí thư") and member.get("full_name"):
            return member["full_name"]
    return ""


def default_bases(year: int | str) -> str:
    """The usual “Căn cứ …” lines (Markdown list), the last one a proposal to edit."""
    return ("- Căn cứ Điều lệ Đảng;\n"
            "- Căn cứ Quy định số 366-QĐ/TW ngày 30/8/2025 của Bộ Chính trị về việc kiểm điểm và đánh giá, xếp loại "
            "chất lượng đối với tập thể, cá nhân trong hệ thống chính trị;\n"
            "- Căn cứ Hướng dẫn số 43-HD/BTCTW ngày 31/10/2025 của Ban Tổ chức Trung ương;\n"
            f"- Xét đề nghị của Ban Tổ chức Đảng ủy về việc đánh giá, xếp loại lại chất lượng năm {year},")


def default_article_2(year: int | str) -> str:
    """Điều 2: the earlier result is cancelled (Quy định 366 Điều 13, Điều 15 khoản 3)."""
    return (f"Hủy bỏ kết quả đánh giá, xếp loại chất lượng năm {year} đã công nhận trước đây đối với các tổ chức "
            "đảng, đảng viên có tên tại Điều 1.")


DEFAULT_ARTICLE_3 = ("Quyết định có hiệu lực kể từ ngày ký. Các cơ quan tham mưu, giúp việc của cấp ủy, các tổ chức "
                     "đảng và đảng viên có tên tại Điều 1 căn cứ Quyết định thi hành.")
DEFAULT_RECIPIENTS = ("Như Điều 3", "Cấp ủy cấp trên trực tiếp (để báo cáo)", "Lưu Văn phòng cấp ủy")


class ReratedRow(FieldsForm):
    """One party organisation or member rated again: who, where, the earlier and the new level, why."""

    full_name = LineField("Tổ chức đảng, đảng viên", [Required()], max_length=150,
                          description="Tên tổ chức đảng (ví dụ: Chi bộ Thôn 3) hoặc họ và tên đảng viên.")
    unit = LineField("Thuộc chi bộ, đảng bộ", [Required()], max_length=200,
                     description="Chi bộ của đảng viên, hoặc đảng bộ cấp trên của tổ chức đảng.")
    earlier_level = ChoiceField("Mức đã xếp loại", [Required()], choices=LEVEL_CHOICES,
                                description="Kết quả đã công nhận trước đây, nay bị hủy bỏ.")
    new_level = ChoiceField("Mức xếp loại lại", [Required()], choices=LEVEL_CHOICES)
    reason = LineField("Lý do xếp loại lại", [Required()], max_length=1000,
                       description="Ví dụ: phát hiện bị xử lý kỷ luật trong năm; kết quả thẩm định cho thấy chưa "
                                   "đủ điều kiện của mức đã xếp loại (Điều 15 khoản 3 Quy định 366).")

    def validate_new_level(self, field) -> None:
        """Rating again at the same level is no re-rating."""
        if field.data and field.data == self.earlier_level.data:
            raise ValidationError("Mức xếp loại lại phải khác mức đã xếp loại.")


class RecipientRow(FieldsForm):
    """One line of “Nơi nhận:”."""

    name = LineField("Nơi nhận", [Required()], max_length=200, filters=[no_end_punctuation],
                     description="Mỗi dòng một nơi nhận; dấu “-” đầu dòng và dấu “,”/“.” cuối dòng do mẫu tự in.")


class ReratingDecision366Form(DocumentForm):
    """HD 43 Mẫu 03: the competent committee cancels earlier ratings and rates again (QĐ 366 Điều 13, 15.3)."""

    number = LineField("Số và ký hiệu quyết định", [Required()], max_length=40,
                       description="In dưới tên cấp ủy là “Số …”; không gõ chữ “Số”. Ví dụ: 125-QĐ/ĐU (đảng ủy), "
                                   "08-QĐ/CB (chi bộ). Để “…-QĐ/ĐU” nếu văn thư điền số khi ban hành.",
                       render_kw={"data-section": "Số"})
    bases = MarkdownField("Căn cứ ban hành", [Required()],
                          description="Mỗi dòng “- Căn cứ …;”, dòng cuối là đề nghị của cơ quan tham mưu (“- Xét đề "
                                      "nghị của …,”): sửa cho đúng cơ quan đề nghị." + INFERRED + MD_HELP,
                          render_kw={"data-section": "Căn cứ", "rows": 6})
    authority = LineField("Cấp ủy quyết định (dòng “… QUYẾT ĐỊNH”)", [Required()], max_length=150,
                          description="Viết hoa; in giữa trang, trước chữ QUYẾT ĐỊNH, sau phần căn cứ. Ví dụ: BAN "
                                      "THƯỜNG VỤ ĐẢNG ỦY; ĐẢNG ỦY XÃ TÂN HIỆP." + INFERRED)
    rows = RowsField(ReratedRow, "Điều 1. Tổ chức đảng, đảng viên được đánh giá, xếp loại lại", [Required()],
                     max_rows=200, render_kw={"data-section": "Điều 1."},
                     description="In thành bảng sau câu “Điều 1. Đánh giá, xếp loại lại chất lượng năm … đối với tổ "
                                 "chức đảng, đảng viên có tên dưới đây:”." + INFERRED)
    article_2 = LineField("Điều 2. Hủy bỏ kết quả xếp loại trước đây", [Required()], max_length=2000,
                          render_kw={"data-section": "Điều 2."},
                          description="Nội dung sau chữ “Điều 2.”; mặc định: hủy bỏ kết quả đã công nhận trước đây "
                                      "(Điều 13, Điều 15 khoản 3 Quy định 366)." + INFERRED)
    article_3 = LineField("Điều 3. Hiệu lực và trách nhiệm thi hành", [Required()], max_length=2000,
                          render_kw={"data-section": "Điều 3."},
                          description="Nội dung sau chữ “Điều 3.”: ngày có hiệu lực và ai thi hành quyết định."
                                      + INFERRED)
    signer_body = LineField("Thay mặt (dòng “T/M …” của chữ ký)", [Required()], max_length=150,
                            description="Phần sau “T/M”, viết hoa, ví dụ: ĐẢNG ỦY; BAN THƯỜNG VỤ; CHI BỘ.")
    signer_title = LineField("Chức vụ người ký", [Required()], max_length=100,
                             description="In dưới dòng “T/M …”, viết hoa, ví dụ: BÍ THƯ; PHÓ BÍ THƯ.")
    signer_name = LineField("Họ và tên người ký", [Required()], max_length=120)
    recipients = RowsField(RecipientRow, "Nơi nhận", [Required()], max_rows=30,
                           description="In bên trái chữ ký, mỗi nơi một dòng, ví dụ: Như Điều 3; Ban Tổ chức Đảng ủy "
                                       "cấp trên (để báo cáo); Lưu Văn phòng Đảng ủy.")

    @classmethod
    def initial_data(cls, facts: dict[str, Any]) -> dict[str, Any]:
        """Header from the unit, the issuing committee and signer, the usual bases, articles and recipients."""
        data = super().initial_data(facts)
        year = facts.get("year") or "…"
        body = committee_of(str(facts.get("unit_name") or facts.get("issuing_body") or ""))
        if body:
            data["issuing_body"] = body.upper()
            data["authority"] = body.upper()
        data["number"] = f"…-QĐ/{number_symbol(body)}"
        data["bases"] = default_bases(year)
        data["article_2"] = default_article_2(year)
        data["article_3"] = DEFAULT_ARTICLE_3
        data["signer_body"] = signer_body_of(body)
        data["signer_title"] = SIGNER_TITLE
        data["signer_name"] = secretary_name(facts)
        data["recipients"] = [{"name": name} for name in DEFAULT_RECIPIENTS]
        previous = facts.get("previous") or {}  # last year's decision: same committee, same signer, same list
        for key in ("authority", "signer_body", "signer_title", "signer_name", "recipients"):
            if previous.get(key):
                data[key] = previous[key]
        return data
