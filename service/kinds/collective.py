"""The collective's report: HD 43 Mẫu 01 (QĐ 366, scored) and HD 25 Mẫu 01 (QĐ 124, graded per item).

Labels follow the printed headings of docs/REGULATIONS.md (forms: HD 43 Mẫu 01, HD 25 Mẫu 01); the printed instruction
lines are the help texts. The HD 25 wording comes from an UNVERIFIED third-party copy.
"""
from __future__ import annotations

from typing import Any

from .decisions import number_symbol, recipients_field
from .fields import Field, flag_field, level_field, score_field, section_field, text_field
from .personal import grade, score_total_context
from .schema import KindFields

SIGNER_TITLE = "BÍ THƯ"
SIGNER_BODY_366 = "CHI BỘ"  # HD 43 Mẫu 01: signature block not found; "T/M CHI BỘ" is the usual line of a chi bộ
SIGNER_BODY_124 = "BAN THƯỜNG VỤ (TẬP THỂ LÃNH ĐẠO, QUẢN LÝ)"  # as printed in the HD 25 copy
PREVIOUS_LIMITATIONS = "Hạn chế đã nêu năm trước:\n\n"


def collective_name_field() -> Field:
    """The collective named in the opening line ("…; tập thể … kiểm điểm …")."""
    return text_field("collective_name", "Tên tập thể (câu mở đầu “…; tập thể … kiểm điểm …”)", "In trong câu mở đầu, "
                      "ví dụ: Chi bộ Tổ Toán – Tin; Ban Thường vụ Đảng ủy Trường THPT Phan Đình Phùng.", required=True)


def signer_fields(body: str) -> tuple[Field, Field, Field]:
    """The signature block: "T/M <body>", the signer's position, the signer's name."""
    return (text_field("signer_body", "Thay mặt (dòng “T/M …” của chữ ký)", "Phần sau “T/M”, viết hoa, ví dụ: CHI BỘ; "
                       "CHI ỦY; BAN THƯỜNG VỤ; ĐẢNG ỦY.", required=True, default=body, max_length=150),
            text_field("signer_title", "Chức vụ người ký", "In dưới dòng “T/M …”, viết hoa, ví dụ: BÍ THƯ; PHÓ BÍ THƯ.",
                       required=True, default=SIGNER_TITLE, max_length=100),
            text_field("signer_name", "Họ và tên người ký", "Người thay mặt tập thể ký báo cáo (thường là bí thư).",
                       required=True, max_length=120))


def number_field() -> Field:
    """The "Số …-BC/…" line every Party document carries under the issuing body (HD 36)."""
    return text_field("number", "Số và ký hiệu báo cáo", "In dưới tên tổ chức là “Số …”; không gõ chữ “Số”. Ví dụ: "
                      "05-BC/CB (chi bộ), 12-BC/ĐU (đảng ủy). Để “…-BC/CB” nếu văn thư điền số khi ban hành.",
                      max_length=40, section="Số")


def _signature_note(name: str, value: Any) -> dict[str, Any]:
    return {"signature_note": "(Ký, ghi rõ họ tên và đóng dấu)" if value else "(Ký, ghi rõ họ tên)"}


def seal_field() -> Field:
    """Whether the body has a seal: "(Ký, ghi rõ họ tên và đóng dấu)" is printed only then."""
    return flag_field("has_seal", "Tổ chức có con dấu riêng", "Chi bộ trực thuộc đảng ủy cơ sở không có dấu: bỏ chọn "
                      "thì chữ ký in “(Ký, ghi rõ họ tên)”.", prints=_signature_note)


def signature_fields(body: str) -> tuple[Field, ...]:
    """Signer, number line, seal and “Nơi nhận”, as both collective reports end."""
    return (*signer_fields(body), number_field(), seal_field(),
            recipients_field("In bên trái chữ ký, mỗi nơi một dòng, ví dụ: Đảng ủy cấp trên (để báo cáo); Lưu chi bộ."))


DEFAULT_RECIPIENTS = ("Cấp ủy cấp trên trực tiếp (để báo cáo)", "Các đồng chí đảng viên", "Lưu")


def signature_context(data: dict[str, Any]) -> dict[str, Any]:
    """The number line and "Nơi nhận" printed even when left empty (to fill in by hand: "Số …-BC/…", the usual
    recipients)."""
    out: dict[str, Any] = {}
    if not (data.get("number") or "").strip():
        out["number"] = "…-BC/…"
    if not [r for r in data.get("recipients") or [] if isinstance(r, dict) and r.get("name")]:
        out["recipients"] = [{"name": name} for name in DEFAULT_RECIPIENTS]
    return out


def prefill(data: dict[str, Any], facts: dict[str, Any], body: str) -> dict[str, Any]:
    """The collective's name, who signs (the secretary), and last year's shortcomings as a start for III."""
    unit_name = str(facts.get("unit_name") or "").strip()
    if unit_name:
        data["collective_name"] = unit_name
    lowered = unit_name.lower()
    # The unit's own signer settings (service.units) when the facts carry them, else guessed from the name.
    data["signer_body"] = facts.get("signer_body") or ("CHI BỘ" if lowered.startswith("chi bộ") else
                                                       "ĐẢNG ỦY" if lowered.startswith("đảng bộ") else body)
    data["signer_title"] = facts.get("signer_title") or SIGNER_TITLE
    secretary = next((m for m in facts.get("members") or []
                      if str(m.get("party_post") or "").strip().lower().startswith("bí thư")), None)
    if secretary and secretary.get("full_name"):
        data["signer_name"] = secretary["full_name"]
    data["number"] = f"…-BC/{number_symbol(unit_name)}"
    data["has_seal"] = bool(facts.get("has_seal", not lowered.startswith("chi bộ")))
    data["recipients"] = [{"name": name} for name in DEFAULT_RECIPIENTS]
    previous = (facts.get("previous") or {}).get("a_ii_1")
    if isinstance(previous, str) and previous.strip():
        data["a_iii"] = PREVIOUS_LIMITATIONS + previous.strip()
    return data


# Help texts of part A.I (no printed instruction lines; summaries of the items, in Vietnamese).
HELP_I_1 = "Việc giữ nguyên tắc tập trung dân chủ, tự phê bình và phê bình, đoàn kết; thực hiện quy chế làm việc."
HELP_I_2 = ("Kết quả so với chỉ tiêu nghị quyết đại hội, kế hoạch, chương trình công tác năm và các nhiệm vụ được giao "
            "thêm; nêu số liệu cụ thể.")
HELP_I_3 = ("Xây dựng, chỉnh đốn Đảng, tổ chức bộ máy, nêu gương, giải trình, phòng chống tham nhũng, tiêu cực, "
            "lãng phí, kiểm soát quyền lực, công tác cán bộ, kiểm tra, giám sát, kỷ luật, giải quyết khiếu nại, "
            "tố cáo.")
HELP_I_4 = "Trách nhiệm của tập thể lãnh đạo, quản lý trong triển khai chủ trương, nghị quyết và nhiệm vụ chính trị."
HELP_II_1 = "Nêu cụ thể từng hạn chế, khuyết điểm của tập thể trong năm."
HELP_II_2 = "Nguyên nhân khách quan và chủ quan của từng hạn chế, khuyết điểm."
HELP_III = ("Kiểm điểm rõ từng hạn chế, khuyết điểm (đã được khắc phục; đang khắc phục, mức độ khắc phục; chưa "
             "được khắc phục); những khó khăn, vướng mắc (nếu có); trách nhiệm của tập thể, cá nhân có liên quan.")
HELP_VI = "Phương hướng, biện pháp cụ thể, người chịu trách nhiệm và thời hạn khắc phục từng hạn chế, khuyết điểm."

III_LABEL = ("Kết quả khắc phục những hạn chế, khuyết điểm đã được cấp có thẩm quyền kết luận hoặc được chỉ ra ở "
             "các kỳ kiểm điểm trước")
IV_LABEL = "Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)"
VI_LABEL = "Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm"




def _extras_366(data: dict[str, Any], given: Any) -> dict[str, Any]:
    """The total is computed, never typed."""
    return {**score_total_context(data), **signature_context(data)}


def _extras_124(data: dict[str, Any], given: Any) -> dict[str, Any]:
    return signature_context(data)


def _kem_leaves_khong_hoan_thanh(data: dict[str, Any], given: Any) -> str | None:
    """A criterion self-assessed 'Kém' leaves only 'Không hoàn thành nhiệm vụ' (Điều 12 Quy định 124-QĐ/TW)."""
    grades = {data.get(name) for name in ("grade_i_1", "grade_i_2", "grade_i_3", "grade_i_4", "grade_iii")}
    if "kem" in grades and data.get("proposed_level") and data["proposed_level"] != "khong_hoan_thanh":
        return ("Có tiêu chí tự đánh giá “Kém” thì tập thể chỉ được đề nghị mức Không hoàn thành nhiệm vụ "
                "(Điều 12 Quy định 124-QĐ/TW).")
    return None


COLLECTIVE_REPORT_366 = KindFields(  # HD 43 Mẫu 01: review, self-scoring and rating (QĐ 366, years from 2025)
    fields=(
    collective_name_field(),
    section_field("a_i_1", "A.I.1.", "Việc chấp hành nguyên tắc tổ chức và hoạt động, nhất là nguyên tắc tập trung dân "
                    "chủ; thực hiện quy chế làm việc.", HELP_I_1),
    section_field("a_i_2", "A.I.2.", "Kết quả thực hiện các mục tiêu, chỉ tiêu, nhiệm vụ được đề ra trong nghị quyết đại hội "
                    "nhiệm kỳ, kế hoạch, chương trình công tác năm, được cấp có thẩm quyền giao, phê duyệt và các "
                    "nhiệm vụ phát sinh, đột xuất được cấp có thẩm quyền giao.", HELP_I_2),
    section_field("a_i_3", "A.I.3.", "Công tác xây dựng, chỉnh đốn Đảng và hệ thống chính trị; xây dựng tổ chức bộ máy tinh "
                    "gọn, hoạt động hiệu năng, hiệu lực, hiệu quả; tinh giản biên chế gắn với cải cách hành chính và "
                    "chuyển đổi số; năng lực, trách nhiệm của tập thể lãnh đạo, quản lý; trách nhiệm nêu gương; trách "
                    "nhiệm giải trình; công tác đấu tranh phòng, chống tham nhũng, tiêu cực, lãng phí và ngăn chặn, "
                    "đẩy lùi những biểu hiện suy thoái về tư tưởng chính trị, đạo đức, lối sống, \"tự diễn biến\", "
                    "\"tự chuyển hoá\" trong nội bộ gắn với việc học tập và làm theo tư tưởng, đạo đức, phong cách "
                    "Hồ Chí Minh; công tác kiểm soát quyền lực, phòng, chống chạy chức, chạy quyền, lợi ích nhóm; xây "
                    "dựng và thực hiện cơ chế công khai, minh bạch trong công tác cán bộ; công tác kiểm tra, giám sát, "
                    "kỷ luật đảng và công tác tiếp công dân, giải quyết khiếu nại, tố cáo, kiến nghị, phản ánh của tổ "
                    "chức, cá nhân.", HELP_I_3),
    section_field("a_i_4", "A.I.4.", "Trách nhiệm của tập thể lãnh đạo, quản lý trong triển khai thực hiện các chủ trương, "
                    "đường lối, nghị quyết, văn bản chỉ đạo của Đảng, của cấp trên; thực hiện nhiệm vụ chính trị của "
                    "địa phương, tổ chức, cơ quan, đơn vị.", HELP_I_4),
    section_field("a_ii_1", "A.II.1.", "Hạn chế, khuyết điểm.", HELP_II_1),
    section_field("a_ii_2", "A.II.2.", "Nguyên nhân của hạn chế, khuyết điểm.", HELP_II_2),
    section_field("a_iii", "A.III.", III_LABEL,
                    HELP_III),
    section_field("a_iv", "A.IV.", IV_LABEL,
                   "Giải trình từng vấn đề được gợi ý kiểm điểm, nêu nguyên nhân, xác định trách nhiệm của tập thể, cá "
                   "nhân đối với từng vấn đề được gợi ý kiểm điểm.", required=False),
    section_field("a_v", "A.V.", "Trách nhiệm của tập thể, cá nhân",
                  "Về hạn chế, khuyết điểm trong thực hiện nhiệm vụ hoặc khi có dấu hiệu vi phạm; để xảy ra những vấn "
                  "đề bức xúc, phức tạp, dư luận quan tâm; có đơn, thư khiếu nại, tố cáo; biểu hiện mất đoàn kết nội "
                  "bộ; vi phạm nguyên tắc, quy định của Đảng; biểu hiện \"lợi ích nhóm\", tham nhũng, lãng phí, tiêu "
                  "cực, suy thoái, \"tự diễn biến\", \"tự chuyển hoá\"; để tập thể, cá nhân thuộc quyền quản lý bị kỷ "
                  "luật, khởi tố; trì trệ, yếu kém, không hoàn thành chức trách, nhiệm vụ được giao."),
    section_field("a_vi", "A.VI.", VI_LABEL, HELP_VI),
    score_field("score_general", "B.I.1. Nhóm tiêu chí chung (tối đa 30 điểm)", "Tự chấm theo khung tiêu chí đối với "
                "tập thể tại Phụ lục 1, Quy định 366-QĐ/TW, đã được cụ thể hoá.", maximum=30, required=True,
                section="B.I.1."),
    score_field("score_tasks", "B.I.2. Nhóm tiêu chí về kết quả thực hiện nhiệm vụ (tối đa 70 điểm)", "Tự chấm theo "
                "khung tiêu chí đối với tập thể tại Phụ lục 1, Quy định 366-QĐ/TW, đã được cụ thể hoá.", maximum=70,
                required=True, section="B.I.2."),
    level_field("proposed_level", "B.II. Đề xuất xếp loại mức chất lượng", "Gửi kèm Phụ lục về kết quả thực hiện "
                "nhiệm vụ (sản phẩm, tiến độ, chất lượng cụ thể) theo hướng dẫn của các cấp uỷ, tổ chức đảng.",
                required=True, section="B.II."),
    *signature_fields(SIGNER_BODY_366),
    ),
    initial=lambda facts, data: prefill(data, facts, SIGNER_BODY_366),
    extras=_extras_366,
)

COLLECTIVE_REPORT_124 = KindFields(  # HD 25 Mẫu 01 (UNVERIFIED copy): years 2023–2024 (QĐ 124, no points)
    fields=(
    collective_name_field(),
    section_field("a_i_1", "I.1.", "Việc chấp hành nguyên tắc tổ chức và hoạt động, nhất là nguyên tắc tập trung dân chủ; "
                    "thực hiện quy chế làm việc.", HELP_I_1),
    grade("I.1.", "chấp hành nguyên tắc tổ chức và hoạt động"),
    section_field("a_i_2", "I.2.", "Kết quả thực hiện các mục tiêu, chỉ tiêu, nhiệm vụ được đề ra trong nghị quyết đại hội, "
                    "kế hoạch, chương trình công tác năm được cấp có thẩm quyền giao, phê duyệt.", HELP_I_2),
    grade("I.2.", "thực hiện mục tiêu, chỉ tiêu, nhiệm vụ"),
    section_field("a_i_3", "I.3.", "Công tác xây dựng, chỉnh đốn Đảng và hệ thống chính trị; trách nhiệm nêu gương; trách "
                    "nhiệm giải trình; công tác đấu tranh phòng, chống tham nhũng, tiêu cực, lãng phí và ngăn chặn, "
                    "đẩy lùi những biểu hiện suy thoái về tư tưởng chính trị, đạo đức, lối sống, \"tự diễn biến\", "
                    "\"tự chuyển hoá\" trong nội bộ gắn với việc học tập và làm theo tư tưởng, đạo đức, phong cách "
                    "Hồ Chí Minh; công tác kiểm tra, giám sát, kỷ luật đảng và giải quyết khiếu nại, tố cáo, kiến "
                    "nghị, phản ánh của tổ chức, cá nhân.", HELP_I_3),
    grade("I.3.", "xây dựng, chỉnh đốn Đảng và hệ thống chính trị"),
    section_field("a_i_4", "I.4.", "Trách nhiệm của tập thể lãnh đạo, quản lý trong thực hiện nhiệm vụ chính trị của địa "
                    "phương, tổ chức, cơ quan, đơn vị.", HELP_I_4),
    grade("I.4.", "trách nhiệm của tập thể lãnh đạo, quản lý"),
    section_field("a_ii_1", "II.1.", "Hạn chế, khuyết điểm", HELP_II_1),
    section_field("a_ii_2", "II.2.", "Nguyên nhân của hạn chế, khuyết điểm.", HELP_II_2),
    section_field("a_iii", "III.", III_LABEL,
                    HELP_III),
    grade("III.", "khắc phục hạn chế, khuyết điểm"),
    section_field("a_iv", "IV.", IV_LABEL, "Giải trình từng vấn đề được gợi ý kiểm điểm, nêu nguyên nhân, xác định trách "
                   "nhiệm của tập thể, cá nhân.", required=False),
    section_field("a_v", "V.", "Trách nhiệm của tập thể, cá nhân.",
                  "Về những hạn chế, khuyết điểm trong thực hiện nhiệm vụ chính trị; nguyên tắc tập trung dân chủ; các "
                  "quy định, quy chế làm việc; công tác tổ chức, cán bộ; quản lý đảng viên; đổi mới phương thức lãnh "
                  "đạo; các biện pháp đấu tranh phòng, chống tham nhũng, tiêu cực, lãng phí; kết quả xử lý sai phạm "
                  "đối với tập thể, cá nhân..."),
    section_field("a_vi", "VI.", VI_LABEL, HELP_VI),
    level_field("proposed_level", "VII. Đề nghị mức xếp loại chất lượng", "Kèm theo phiếu phân tích chất lượng.",
                required=True, section="VII."),
    *signature_fields(SIGNER_BODY_124),
    ),
    rules={"proposed_level": _kem_leaves_khong_hoan_thanh},
    initial=lambda facts, data: prefill(data, facts, SIGNER_BODY_124),
    extras=_extras_124,
)
