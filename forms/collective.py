"""The collective's report: HD 43 Mẫu 01 (QĐ 366, scored) and HD 25 Mẫu 01 (QĐ 124, graded per item).

Labels follow the printed headings of shared/domain/FORMS.md (hd43-01, hd25-01); the printed instruction
lines are the help texts. The HD 25 wording comes from an UNVERIFIED third-party copy.
"""
from __future__ import annotations

from typing import Any

from wtforms.validators import ValidationError

from .base import DocumentForm
from .decisions import RecipientRow, number_symbol
from .fields import FlagField, LevelField, LineField, Required, RowsField, ScoreField, format_number
from .personal import grade, score_total, section

SIGNER_TITLE = "BÍ THƯ"
SIGNER_BODY_366 = "CHI BỘ"  # HD 43 Mẫu 01: signature block not found; "T/M CHI BỘ" is the usual line of a chi bộ
SIGNER_BODY_124 = "BAN THƯỜNG VỤ (TẬP THỂ LÃNH ĐẠO, QUẢN LÝ)"  # as printed in the HD 25 copy
PREVIOUS_LIMITATIONS = "Hạn chế đã nêu năm trước:\n\n"


def collective_name_field() -> LineField:
    """The collective named in the opening line ("…; tập thể … kiểm điểm …")."""
    return LineField("Tên tập thể (câu mở đầu “…; tập thể … kiểm điểm …”)", [Required()],
                     description="In trong câu mở đầu, ví dụ: Chi bộ Tổ Toán – Tin; Ban Thường vụ Đảng ủy Trường "
                                 "THPT Phan Đình Phùng.")


def signer_fields(body: str) -> tuple[LineField, LineField, LineField]:
    """The signature block: "T/M <body>", the signer's position, the signer's name."""
    return (LineField("Thay mặt (dòng “T/M …” của chữ ký)", [Required()], default=body, max_length=150,
                      description="Phần sau “T/M”, viết hoa, ví dụ: CHI BỘ; CHI ỦY; BAN THƯỜNG VỤ; ĐẢNG ỦY."),
            LineField("Chức vụ người ký", [Required()], default=SIGNER_TITLE, max_length=100,
                      description="In dưới dòng “T/M …”, viết hoa, ví dụ: BÍ THƯ; PHÓ BÍ THƯ."),
            LineField("Họ và tên người ký", [Required()], max_length=120,
                      description="Người thay mặt tập thể ký báo cáo (thường là bí thư)."))


def number_field() -> LineField:
    """The "Số …-BC/…" line every Party document carries under the issuing body (HD 36)."""
    return LineField("Số và ký hiệu báo cáo", max_length=40, render_kw={"data-section": "Số"},
                     description="In dưới tên tổ chức là “Số …”; không gõ chữ “Số”. Ví dụ: 05-BC/CB (chi bộ), "
                                 "12-BC/ĐU (đảng ủy). Để “…-BC/CB” nếu văn thư điền số khi ban hành.")


class SealField(FlagField):
    """Whether the body has a seal: printed as the note under the signer, "và đóng dấu" only then."""

    def context(self, value: Any) -> dict[str, Any]:
        return {"signature_note": "(Ký, ghi rõ họ tên và đóng dấu)" if value else "(Ký, ghi rõ họ tên)"}


def seal_field() -> FlagField:
    """Whether the body has a seal: "(Ký, ghi rõ họ tên và đóng dấu)" is printed only then."""
    return SealField("Tổ chức có con dấu riêng", description="Chi bộ trực thuộc đảng ủy cơ sở không có dấu: bỏ chọn "
                                                              "thì chữ ký in “(Ký, ghi rõ họ tên)”.")


def recipients_field() -> RowsField:
    """"Nơi nhận:" beside the signature (HD 36)."""
    return RowsField(RecipientRow, "Nơi nhận", max_rows=30,
                     description="In bên trái chữ ký, mỗi nơi một dòng, ví dụ: Đảng ủy cấp trên (để báo cáo); Lưu "
                                 "chi bộ.")


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


# Help texts of part A.I (no printed instruction lines; the FORMS.md summaries in Vietnamese).
HELP_I_1 = "Việc giữ nguyên tắc tập trung dân chủ, tự phê bình và phê bình, đoàn kết; thực hiện quy chế làm việc."
HELP_I_2 = ("Kết quả so với chỉ tiêu nghị quyết đại hội, kế hoạch, chương trình công tác năm và các nhiệm vụ được giao "
            "thêm; nêu số liệu cụ thể.")
HELP_I_3 = ("Xây dựng, chỉnh đốn Đảng, tổ chức bộ máy, nêu gương, giải trình, phòng chống tham nhũng, tiêu cực, "
            "lãng phí, kiểm soát quyền lực, công tác cán bộ, kiểm tra, giám sát, kỷ luật, giải quyết khiếu nại, "
            "tố cáo.")
HELP_I_4 = "Trách nhiệm của tập thể lãnh đạo, quản lý trong triển khai chủ trương, nghị quyết và nhiệm vụ chính trị."
HELP_II_1 = "Nêu cụ thể từng hạn chế, khuyết điểm của tập thể trong năm."
HELP_II_2 = "Nguyên nhân khách quan và chủ quan của từng hạn chế, khuyết điểm."
HELP_VI = "Phương hướng, biện pháp cụ thể, người chịu trách nhiệm và thời hạn khắc phục từng hạn chế, khuyết điểm."

III_LABEL = ("Kết quả khắc phục những hạn chế, khuyết điểm đã được cấp có thẩm quyền kết luận hoặc được chỉ ra ở "
             "các kỳ kiểm điểm trước")
IV_LABEL = "Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)"
VI_LABEL = "Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm"


class CollectiveReport366Form(DocumentForm):
    """HD 43 Mẫu 01: the collective's review, self-scoring and rating (QĐ 366, review years from 2025)."""

    collective_name = collective_name_field()

    a_i_1 = section("A.I.1.", "Việc chấp hành nguyên tắc tổ chức và hoạt động, nhất là nguyên tắc tập trung dân "
                    "chủ; thực hiện quy chế làm việc.", HELP_I_1)
    a_i_2 = section("A.I.2.", "Kết quả thực hiện các mục tiêu, chỉ tiêu, nhiệm vụ được đề ra trong nghị quyết đại hội "
                    "nhiệm kỳ, kế hoạch, chương trình công tác năm, được cấp có thẩm quyền giao, phê duyệt và các "
                    "nhiệm vụ phát sinh, đột xuất được cấp có thẩm quyền giao.", HELP_I_2)
    a_i_3 = section("A.I.3.", "Công tác xây dựng, chỉnh đốn Đảng và hệ thống chính trị; xây dựng tổ chức bộ máy tinh "
                    "gọn, hoạt động hiệu năng, hiệu lực, hiệu quả; tinh giản biên chế gắn với cải cách hành chính và "
                    "chuyển đổi số; năng lực, trách nhiệm của tập thể lãnh đạo, quản lý; trách nhiệm nêu gương; trách "
                    "nhiệm giải trình; công tác đấu tranh phòng, chống tham nhũng, tiêu cực, lãng phí và ngăn chặn, "
                    "đẩy lùi những biểu hiện suy thoái về tư tưởng chính trị, đạo đức, lối sống, \"tự diễn biến\", "
                    "\"tự chuyển hoá\" trong nội bộ gắn với việc học tập và làm theo tư tưởng, đạo đức, phong cách "
                    "Hồ Chí Minh; công tác kiểm soát quyền lực, phòng, chống chạy chức, chạy quyền, lợi ích nhóm; xây "
                    "dựng và thực hiện cơ chế công khai, minh bạch trong công tác cán bộ; công tác kiểm tra, giám sát, "
                    "kỷ luật đảng và công tác tiếp công dân, giải quyết khiếu nại, tố cáo, kiến nghị, phản ánh của tổ "
                    "chức, cá nhân.", HELP_I_3)
    a_i_4 = section("A.I.4.", "Trách nhiệm của tập thể lãnh đạo, quản lý trong triển khai thực hiện các chủ trương, "
                    "đường lối, nghị quyết, văn bản chỉ đạo của Đảng, của cấp trên; thực hiện nhiệm vụ chính trị của "
                    "địa phương, tổ chức, cơ quan, đơn vị.", HELP_I_4)
    a_ii_1 = section("A.II.1.", "Hạn chế, khuyết điểm.", HELP_II_1)
    a_ii_2 = section("A.II.2.", "Nguyên nhân của hạn chế, khuyết điểm.", HELP_II_2)
    a_iii = section("A.III.", III_LABEL,
                    "Kiểm điểm rõ từng hạn chế, khuyết điểm (đã được khắc phục; đang khắc phục, mức độ khắc phục; chưa "
                    "được khắc phục); những khó khăn, vướng mắc (nếu có); trách nhiệm của tập thể, cá nhân có liên "
                    "quan.")
    a_iv = section("A.IV.", IV_LABEL,
                   "Giải trình từng vấn đề được gợi ý kiểm điểm, nêu nguyên nhân, xác định trách nhiệm của tập thể, cá "
                   "nhân đối với từng vấn đề được gợi ý kiểm điểm.", required=False)
    a_v = section("A.V.", "Trách nhiệm của tập thể, cá nhân",
                  "Về hạn chế, khuyết điểm trong thực hiện nhiệm vụ hoặc khi có dấu hiệu vi phạm; để xảy ra những vấn "
                  "đề bức xúc, phức tạp, dư luận quan tâm; có đơn, thư khiếu nại, tố cáo; biểu hiện mất đoàn kết nội "
                  "bộ; vi phạm nguyên tắc, quy định của Đảng; biểu hiện \"lợi ích nhóm\", tham nhũng, lãng phí, tiêu "
                  "cực, suy thoái, \"tự diễn biến\", \"tự chuyển hoá\"; để tập thể, cá nhân thuộc quyền quản lý bị kỷ "
                  "luật, khởi tố; trì trệ, yếu kém, không hoàn thành chức trách, nhiệm vụ được giao.")
    a_vi = section("A.VI.", VI_LABEL, HELP_VI)
    score_general = ScoreField("B.I.1. Nhóm tiêu chí chung (tối đa 30 điểm)", [Required()], maximum=30,
                               description="Tự chấm theo khung tiêu chí đối với tập thể tại Phụ lục 1, Quy định "
                                           "366-QĐ/TW, đã được cụ thể hoá.",
                               render_kw={"data-section": "B.I.1."})
    score_tasks = ScoreField("B.I.2. Nhóm tiêu chí về kết quả thực hiện nhiệm vụ (tối đa 70 điểm)", [Required()],
                             maximum=70, description="Tự chấm theo khung tiêu chí đối với tập thể tại Phụ lục 1, "
                                                     "Quy định 366-QĐ/TW, đã được cụ thể hoá.",
                             render_kw={"data-section": "B.I.2."})
    proposed_level = LevelField("B.II. Đề xuất xếp loại mức chất lượng", [Required()],
                                description="Gửi kèm Phụ lục về kết quả thực hiện nhiệm vụ (sản phẩm, tiến độ, chất "
                                            "lượng cụ thể) theo hướng dẫn của các cấp uỷ, tổ chức đảng.",
                                render_kw={"data-section": "B.II."})
    signer_body, signer_title, signer_name = signer_fields(SIGNER_BODY_366)
    number = number_field()
    has_seal = seal_field()
    recipients = recipients_field()

    @classmethod
    def initial_data(cls, facts: dict[str, Any]) -> dict[str, Any]:
        """Header facts, the collective's name, the signer and last year's shortcomings (see prefill)."""
        return prefill(super().initial_data(facts), facts, SIGNER_BODY_366)

    def extra_context(self, data: dict[str, Any]) -> dict[str, Any]:
        """The total is computed, never typed."""
        total = score_total(data)
        return {"score_total": format_number(total) if total is not None else "", **signature_context(data)}


class CollectiveReport124Form(DocumentForm):
    """HD 25 Mẫu 01 (UNVERIFIED copy): the collective's review, review years 2023–2024 (QĐ 124, no points)."""

    collective_name = collective_name_field()

    a_i_1 = section("I.1.", "Việc chấp hành nguyên tắc tổ chức và hoạt động, nhất là nguyên tắc tập trung dân chủ; "
                    "thực hiện quy chế làm việc.", HELP_I_1)
    grade_i_1 = grade("I.1.", "chấp hành nguyên tắc tổ chức và hoạt động")
    a_i_2 = section("I.2.", "Kết quả thực hiện các mục tiêu, chỉ tiêu, nhiệm vụ được đề ra trong nghị quyết đại hội, "
                    "kế hoạch, chương trình công tác năm được cấp có thẩm quyền giao, phê duyệt.", HELP_I_2)
    grade_i_2 = grade("I.2.", "thực hiện mục tiêu, chỉ tiêu, nhiệm vụ")
    a_i_3 = section("I.3.", "Công tác xây dựng, chỉnh đốn Đảng và hệ thống chính trị; trách nhiệm nêu gương; trách "
                    "nhiệm giải trình; công tác đấu tranh phòng, chống tham nhũng, tiêu cực, lãng phí và ngăn chặn, "
                    "đẩy lùi những biểu hiện suy thoái về tư tưởng chính trị, đạo đức, lối sống, \"tự diễn biến\", "
                    "\"tự chuyển hoá\" trong nội bộ gắn với việc học tập và làm theo tư tưởng, đạo đức, phong cách "
                    "Hồ Chí Minh; công tác kiểm tra, giám sát, kỷ luật đảng và giải quyết khiếu nại, tố cáo, kiến "
                    "nghị, phản ánh của tổ chức, cá nhân.", HELP_I_3)
    grade_i_3 = grade("I.3.", "xây dựng, chỉnh đốn Đảng và hệ thống chính trị")
    a_i_4 = section("I.4.", "Trách nhiệm của tập thể lãnh đạo, quản lý trong thực hiện nhiệm vụ chính trị của địa "
                    "phương, tổ chức, cơ quan, đơn vị.", HELP_I_4)
    grade_i_4 = grade("I.4.", "trách nhiệm của tập thể lãnh đạo, quản lý")
    a_ii_1 = section("II.1.", "Hạn chế, khuyết điểm", HELP_II_1)
    a_ii_2 = section("II.2.", "Nguyên nhân của hạn chế, khuyết điểm.", HELP_II_2)
    a_iii = section("III.", III_LABEL,
                    "Kiểm điểm rõ từng hạn chế, khuyết điểm (đã được khắc phục; đang khắc phục, mức độ khắc phục; chưa "
                    "được khắc phục); những khó khăn, vướng mắc (nếu có); trách nhiệm của tập thể, cá nhân có liên "
                    "quan.")
    grade_iii = grade("III.", "khắc phục hạn chế, khuyết điểm")
    a_iv = section("IV.", IV_LABEL, "Giải trình từng vấn đề được gợi ý kiểm điểm, nêu nguyên nhân, xác định trách "
                   "nhiệm của tập thể, cá nhân.", required=False)
    a_v = section("V.", "Trách nhiệm của tập thể, cá nhân.",
                  "Về những hạn chế, khuyết điểm trong thực hiện nhiệm vụ chính trị; nguyên tắc tập trung dân chủ; các "
                  "quy định, quy chế làm việc; công tác tổ chức, cán bộ; quản lý đảng viên; đổi mới phương thức lãnh "
                  "đạo; các biện pháp đấu tranh phòng, chống tham nhũng, tiêu cực, lãng phí; kết quả xử lý sai phạm "
                  "đối với tập thể, cá nhân...")
    a_vi = section("VI.", VI_LABEL, HELP_VI)
    proposed_level = LevelField("VII. Đề nghị mức xếp loại chất lượng", [Required()],
                                description="Kèm theo phiếu phân tích chất lượng.",
                                render_kw={"data-section": "VII."})
    signer_body, signer_title, signer_name = signer_fields(SIGNER_BODY_124)
    number = number_field()
    has_seal = seal_field()
    recipients = recipients_field()

    def extra_context(self, data: dict[str, Any]) -> dict[str, Any]:
        return signature_context(data)

    @classmethod
    def initial_data(cls, facts: dict[str, Any]) -> dict[str, Any]:
        """Header facts, the collective's name, the signer and last year's shortcomings (see prefill)."""
        return prefill(super().initial_data(facts), facts, SIGNER_BODY_124)

    def validate_proposed_level(self, field) -> None:
        """A criterion self-assessed 'Kém' leaves only 'Không hoàn thành nhiệm vụ' (Điều 12 Quy định 124-QĐ/TW)."""
        grades = {self.grade_i_1.data, self.grade_i_2.data, self.grade_i_3.data, self.grade_i_4.data,
                  self.grade_iii.data}
        if "kem" in grades and field.data and field.data != "khong_hoan_thanh":
            raise ValidationError("Có tiêu chí tự đánh giá “Kém” thì tập thể chỉ được đề nghị mức Không hoàn thành "
                                  "nhiệm vụ (Điều 12 Quy định 124-QĐ/TW).")
