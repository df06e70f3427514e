"""HD 43 Mẫu 03 (the re-rating decision) and Mẫu 04 (the dossier list), QĐ 366, review years from 2025.

Mẫu 03: “Quyết định đánh giá, xếp loại lại tổ chức đảng, đảng viên năm …”. Only the title was found
(docs/REGULATIONS.md, forms). Everything else is INFERRED and kept editable: the body follows Quy định 366 Điều 13
(the competent committee may cancel a rating and rate again) and Điều 15 khoản 3 (a rating found wrong is
cancelled and redone), laid out as a Party decision: number line, trích yếu, “Căn cứ …” lines, “… QUYẾT ĐỊNH”,
Điều 1–3, “T/M … / BÍ THƯ”, “Nơi nhận:”.

Mẫu 04: “Danh mục hồ sơ kiểm điểm, đánh giá, xếp loại cá nhân, tập thể”. Only the title was found. The list of
documents is pre-filled with the 9 kinds of dossier documents of Quy định 366 Điều 17; the layout (Kính gửi,
sending unit, table, total, signature) is INFERRED and kept editable. HD 43 point 4.2: the dossier goes to the
Ban Tổ chức Trung ương before 01/02 of the following year.
"""
from __future__ import annotations

from typing import Any

from ..rules.levels import LEVELS
from .fields import MD_HELP, Field, choice_field, int_field, markdown_field, table_field, text_field
from .schema import KindFields

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




def _same_level(row: dict[str, Any]) -> list[tuple[str, str]]:
    """Rating again at the same level is no re-rating."""
    if row.get("new_level") and row.get("new_level") == row.get("earlier_level"):
        return [("new_level", "Mức xếp loại lại phải khác mức đã xếp loại.")]
    return []


RERATED_COLUMNS: tuple[Field, ...] = (
    text_field("full_name", "Tổ chức đảng, đảng viên", "Tên tổ chức đảng (ví dụ: Chi bộ Thôn 3) hoặc họ và tên đảng "
               "viên.", required=True, max_length=150),
    text_field("unit", "Thuộc chi bộ, đảng bộ", "Chi bộ của đảng viên, hoặc đảng bộ cấp trên của tổ chức đảng.",
               required=True, max_length=200),
    choice_field("earlier_level", "Mức đã xếp loại", LEVEL_CHOICES, "Kết quả đã công nhận trước đây, nay bị hủy bỏ.",
                 required=True),
    choice_field("new_level", "Mức xếp loại lại", LEVEL_CHOICES, required=True),
    text_field("reason", "Lý do xếp loại lại", "Ví dụ: phát hiện bị xử lý kỷ luật trong năm; kết quả thẩm định cho "
               "thấy chưa đủ điều kiện của mức đã xếp loại (Điều 15 khoản 3 Quy định 366).", required=True,
               max_length=1000),
)


def recipients_field(help: str, required: bool = False) -> Field:
    """“Nơi nhận:” beside the signature (HD 36), one line each; the template prints the “-” and the “,”/“.”."""
    return table_field("recipients", "Nơi nhận", (
        text_field("name", "Nơi nhận", "Mỗi dòng một nơi nhận; dấu “-” đầu dòng và dấu “,”/“.” cuối dòng do mẫu tự "
                   "in.", required=True, max_length=200, tidy=no_end_punctuation),), help, required=required,
        max_rows=30)


def signer_fields(name_required: bool = True, body_help: str = "Phần sau “T/M”, viết hoa, ví dụ: ĐẢNG ỦY; BAN "
                  "THƯỜNG VỤ; CHI BỘ.", title_help: str = "In dưới dòng “T/M …”, viết hoa, ví dụ: BÍ THƯ; PHÓ BÍ THƯ.",
                  name_help: str = "") -> tuple[Field, Field, Field]:
    """The signature block: “T/M <body>”, the signer's position, the signer's name."""
    return (text_field("signer_body", "Thay mặt (dòng “T/M …” của chữ ký)", body_help, required=True, max_length=150),
            text_field("signer_title", "Chức vụ người ký", title_help, required=True, max_length=100),
            text_field("signer_name", "Họ và tên người ký", name_help, required=name_required, max_length=120))


def _rerating_initial(facts: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """Header from the unit, the issuing committee and signer, the usual bases, articles and recipients."""
    year = facts.get("year") or "…"
    decider = str(facts.get("deciding_unit_name") or "").strip()
    if decider:
        # A chi bộ's document: the decision is the committee above's (the đảng ủy cơ sở for a chi bộ trực thuộc),
        # never the chi bộ's own; its header is that committee's, its secretary (not the chi bộ's) signs.
        body = committee_of(decider)
        data["superior_body"] = str(facts.get("deciding_superior_body") or "")
    else:
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
    data["signer_name"] = "" if decider else secretary_name(facts)
    data["recipients"] = [{"name": name} for name in DEFAULT_RECIPIENTS]
    previous = facts.get("previous") or {}  # last year's decision: same committee, same signer, same list
    for key in ("authority", "signer_body", "signer_title", "signer_name", "recipients"):
        value = previous.get(key)
        if value and not (decider and key in ("authority", "signer_body") and str(value).lower().startswith("chi bộ")):
            data[key] = value  # (a chi bộ's earlier decision that named the chi bộ itself is not carried over)
    return data


RERATING_DECISION = KindFields(
    fields=(
        text_field("number", "Số và ký hiệu quyết định", "In dưới tên cấp ủy là “Số …”; không gõ chữ “Số”. Ví dụ: "
                   "125-QĐ/ĐU (đảng ủy), 08-QĐ/CB (chi bộ). Để “…-QĐ/ĐU” nếu văn thư điền số khi ban hành.",
                   required=True, max_length=40, section="Số"),
        markdown_field("bases", "Căn cứ ban hành", "Mỗi dòng “- Căn cứ …;”, dòng cuối là đề nghị của cơ quan tham mưu "
                       "(“- Xét đề nghị của …,”): sửa cho đúng cơ quan đề nghị." + INFERRED + MD_HELP, required=True,
                       section="Căn cứ"),
        text_field("authority", "Cấp ủy quyết định (dòng “… QUYẾT ĐỊNH”)", "Cấp ủy có thẩm quyền quyết định xếp loại "
                   "ban hành quyết định này, không phải chi bộ: với đảng viên của chi bộ trực thuộc là đảng ủy cơ sở "
                   "(đảng ủy bộ phận chỉ đề xuất; Hướng dẫn 43 mục 3). Văn bản của chi bộ được điền sẵn cấp ủy cấp "
                   "trên theo cây tổ chức; với chi bộ cơ sở, văn bản trung ương chưa nói rõ, hãy sửa theo hướng dẫn "
                   "của cấp ủy cấp trên. Viết hoa; in giữa trang, trước chữ QUYẾT "
                   "ĐỊNH, sau phần căn cứ. Ví dụ: BAN THƯỜNG VỤ ĐẢNG ỦY; ĐẢNG ỦY XÃ TÂN HIỆP." + INFERRED,
                   required=True, max_length=150),
        table_field("rows", "Điều 1. Tổ chức đảng, đảng viên được đánh giá, xếp loại lại", RERATED_COLUMNS,
                    "In thành bảng sau câu “Điều 1. Đánh giá, xếp loại lại chất lượng năm … đối với tổ chức đảng, "
                    "đảng viên có tên dưới đây:”." + INFERRED, required=True, max_rows=200, section="Điều 1.",
                    row_checks=(_same_level,)),
        text_field("article_2", "Điều 2. Hủy bỏ kết quả xếp loại trước đây", "Nội dung sau chữ “Điều 2.”; mặc định: "
                   "hủy bỏ kết quả đã công nhận trước đây (Điều 13, Điều 15 khoản 3 Quy định 366)." + INFERRED,
                   required=True, max_length=2000, section="Điều 2."),
        text_field("article_3", "Điều 3. Hiệu lực và trách nhiệm thi hành", "Nội dung sau chữ “Điều 3.”: ngày có hiệu "
                   "lực và ai thi hành quyết định." + INFERRED, required=True, max_length=2000, section="Điều 3."),
        *signer_fields(),
        recipients_field("In bên trái chữ ký, mỗi nơi một dòng, ví dụ: Như Điều 3; Ban Tổ chức Đảng ủy cấp trên (để "
                         "báo cáo); Lưu Văn phòng Đảng ủy.", required=True),
    ),
    initial=_rerating_initial,
)


DOSSIER_INFERRED = " (Mẫu 04 chỉ có tên mẫu; bố cục này do hệ thống soạn, hãy sửa nếu cấp trên có mẫu.)"
# Quy định 366 Điều 17: the kinds of documents a review-and-rating dossier holds (docs/REGULATIONS.md, Forms).
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




def _dossier_initial(facts: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """Header and sender from the unit, the 9 kinds of dossier documents, the secretary as signer."""
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


def _dossier_totals(data: dict[str, Any], given: Any) -> dict[str, Any]:
    """How many documents and pages the dossier holds: computed, never typed."""
    rows = [row for row in data.get("rows") or [] if isinstance(row, dict)]
    pages = sum(row["pages"] for row in rows if isinstance(row.get("pages"), int))
    return {"document_count": len(rows), "total_pages": pages}


DOSSIER_LIST = KindFields(
    fields=(
        text_field("recipient", "Kính gửi", "Cơ quan nhận hồ sơ; in sau “Kính gửi:”. Hướng dẫn 43 (điểm 4.2): gửi Ban "
                   "Tổ chức Trung ương trước ngày 01/02 năm sau; sửa nếu gửi cấp ủy cấp trên.", required=True,
                   max_length=200, section="Kính gửi"),
        text_field("sender", "Cơ quan, đơn vị gửi hồ sơ", "Ví dụ: Đảng ủy xã Tân Hiệp." + DOSSIER_INFERRED,
                   required=True, max_length=200),
        text_field("subject_name", "Hồ sơ của tập thể, cá nhân", "Tập thể hoặc cá nhân được kiểm điểm, đánh giá, xếp "
                   "loại, ví dụ: Ban Thường vụ Đảng ủy xã Tân Hiệp; đồng chí Nguyễn Văn An, Bí thư Đảng ủy."
                   + DOSSIER_INFERRED, required=True, max_length=300),
        table_field("rows", "Danh mục văn bản, tài liệu trong hồ sơ", (
            text_field("title", "Tên văn bản, tài liệu", "Xóa các dòng “(nếu có)” khi hồ sơ không có văn bản đó.",
                       required=True, max_length=300),
            text_field("reference", "Số, ký hiệu, ngày tháng", "Ví dụ: 45-BC/ĐU ngày 10/12/2026; để trống nếu văn "
                       "bản không có số.", max_length=150),
            int_field("pages", "Số trang", required=True, minimum=1, maximum=10_000),
            text_field("note", "Ghi chú", "Ví dụ: bản chính; bản sao; 12 bản kiểm điểm cá nhân.", max_length=300),
        ), "Điền sẵn 9 loại văn bản của hồ sơ theo Điều 17 Quy định 366; sửa, xóa, thêm dòng cho đúng hồ sơ. Tổng số "
           "trang do hệ thống tự cộng.", required=True, max_rows=200, section="Danh mục"),
        *signer_fields(),
    ),
    initial=_dossier_initial,
    extras=_dossier_totals,
)
