"""HD 43 Mẫu 04: “Danh mục hồ sơ kiểm điểm, đánh giá, xếp loại cá nhân, tập thể” (QĐ 366, review years from 2025).

Only the title of Mẫu 04 was found (shared/domain/FORMS.md hd43-04). The list of documents is pre-filled with
the 9 kinds of dossier documents of Quy định 366 Điều 17 (wording as quoted in FORMS.md); the layout (Kính gửi,
sending unit, table, total, signature) is INFERRED and kept editable. HD 43 point 4.2: the dossier goes to the
Ban Tổ chức Trung ương before 01/02 of the following year.
"""
from __future__ import annotations

from typing import Any

from .base import DocumentForm, FieldsForm
from .decisions import SIGNER_TITLE, committee_of, secretary_name, signer_body_of
from .fields import IntField, LineField, Required, RowsField

INFERRED = " (Mẫu 04 chỉ có tên mẫu; bố cục này do hệ thống soạn, hãy sửa nếu cấp trên có mẫu.)"
# Quy định 366 Điều 17: the kinds of documents a review-and-rating dossier holds (FORMS.md hd43-04 notes).
DOSSIER_ITEMS = (
    "Bản kiểm điểm cá nhân, báo cáo kiểm điểm tập thể",
    "Bản nhận xét của cấp uỷ nơi cư trú",
    "Biên bản hội nghị kiểm điểm",
    "Tổng hợp kết quả thẩm định",
    "Kết luận đánh giá, kết quả xếp loại",
    "Văn bản gợi ý kiểm điểm (nếu có)",
    "Văn bản tham gia, góp ý (nếu có)",
    "Hồ sơ giải quyết khiếu nại, kiến nghị (nếu có)",
    "Các văn bản khác (nếu có)",
)
DEFAULT_RECIPIENT = "Ban Tổ chức Trung ương"


class DossierRow(FieldsForm):
    """One document of the dossier."""

    title = LineField("Tên văn bản, tài liệu", [Required()], max_length=300,
                      description="Xóa các dòng “(nếu có)” khi hồ sơ không có văn bản đó.")
    reference = LineField("Số, ký hiệu, ngày tháng", max_length=150,
                          description="Ví dụ: 45-BC/ĐU ngày 10/12/2026; để trống nếu văn bản không có số.")
    pages = IntField("Số trang", [Required()], minimum=1, maximum=10_000)
    note = LineField("Ghi chú", max_length=300, description="Ví dụ: bản chính; bản sao; 12 bản kiểm điểm cá nhân.")


class DossierList366Form(DocumentForm):
    """HD 43 Mẫu 04: the list of documents in the review-and-rating dossier sent to the higher level."""

    recipient = LineField("Kính gửi", [Required()], max_length=200,
                          description="Cơ quan nhận hồ sơ; in sau “Kính gửi:”. Hướng dẫn 43 (điểm 4.2): gửi Ban Tổ "
                                      "chức Trung ương trước ngày 01/02 năm sau; sửa nếu gửi cấp ủy cấp trên.",
                          render_kw={"data-section": "Kính gửi"})
    sender = LineField("Cơ quan, đơn vị gửi hồ sơ", [Required()], max_length=200,
                       description="Ví dụ: Đảng ủy xã Tân Hiệp." + INFERRED)
    subject_name = LineField("Hồ sơ của tập thể, cá nhân", [Required()], max_length=300,
                             description="Tập thể hoặc cá nhân được kiểm điểm, đánh giá, xếp loại, ví dụ: Ban Thường "
                                         "vụ Đảng ủy xã Tân Hiệp; đồng chí Nguyễn Văn An, Bí thư Đảng ủy." + INFERRED)
    rows = RowsField(DossierRow, "Danh mục văn bản, tài liệu trong hồ sơ", [Required()], max_rows=200,
                     render_kw={"data-section": "Danh mục"},
                     description="Điền sẵn 9 loại văn bản của hồ sơ theo Điều 17 Quy định 366; sửa, xóa, thêm dòng "
                                 "cho đúng hồ sơ. Tổng số trang do hệ thống tự cộng.")
    signer_body = LineField("Thay mặt (dòng “T/M …” của chữ ký)", [Required()], max_length=150,
                            description="Phần sau “T/M”, viết hoa, ví dụ: ĐẢNG ỦY; BAN THƯỜNG VỤ; CHI BỘ.")
    signer_title = LineField("Chức vụ người ký", [Required()], max_length=100,
                             description="In dưới dòng “T/M …”, viết hoa, ví dụ: BÍ THƯ; PHÓ BÍ THƯ.")
    signer_name = LineField("Họ và tên người ký", [Required()], max_length=120)

    @classmethod
    def initial_data(cls, facts: dict[str, Any]) -> dict[str, Any]:
        """Header and sender from the unit, the 9 kinds of dossier documents, the secretary as signer."""
        data = super().initial_data(facts)
        unit_name = str(facts.get("unit_name") or "").strip()
        body = committee_of(unit_name or str(facts.get("issuing_body") or ""))
        if body:
            data["issuing_body"] = body.upper()
            data["sender"] = body
        if unit_name:
            data["subject_name"] = unit_name
        data["recipient"] = DEFAULT_RECIPIENT
        data["rows"] = [{"title": title} for title in DOSSIER_ITEMS]
        data["signer_body"] = signer_body_of(body)
        data["signer_title"] = SIGNER_TITLE
        data["signer_name"] = secretary_name(facts)
        return data

    def extra_context(self, data: dict[str, Any]) -> dict[str, Any]:
        """How many documents and pages the dossier holds: computed, never typed."""
        rows = [row for row in data.get("rows") or [] if isinstance(row, dict)]
        pages = sum(row["pages"] for row in rows if isinstance(row.get("pages"), int))
        return {"document_count": len(rows), "total_pages": pages}
