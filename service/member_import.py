"""Member lists to and from Excel, as offices keep them: a title block above the header row, an STT column, the usual
Vietnamese column names in their variants, dates as Excel dates or as text, names in any Unicode form.

Reading never evaluates a formula (a formula cell is reported, not computed) and is bounded: the file's size, the
workbook's unpacked size, the number of rows and columns. An import is planned first (what would be created,
updated, left unchanged, and every problem with its row and column); it is applied only when there is no problem,
in the caller's transaction, so it is all or nothing. Members are matched by party card number when the row has
one, else by name + birth date; importing the same file again changes nothing.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import members, text
from .access import subtree_ids
from .errors import InvalidInput
from .models import LEFT_STATUSES, Member, Unit, User
from .units import CHI_BO_KINDS, own_line, superior_line

MAX_BYTES = 10 * 1024 * 1024  # the uploaded file
MAX_UNPACKED = 60 * 1024 * 1024  # everything inside an XLSX, unpacked (a zip bomb stops here)
MAX_RATIO = 200  # unpacked / packed of any one part
MAX_ROWS = 5000  # data rows: a đảng bộ's list, not a census
MAX_COLUMNS = 60
HEADER_SCAN = 30  # rows looked at for the header

# The columns: our key, the heading we write, the variants offices use (compared without case, marks kept).
COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("stt", "STT", ("stt", "tt", "số tt", "số thứ tự")),
    ("full_name", "Họ và tên", ("họ và tên", "họ tên", "họ và tên đảng viên", "họ tên đảng viên", "họ và tên khai sinh")),
    ("birth_date", "Ngày sinh", ("ngày sinh", "ngày, tháng, năm sinh", "ngày tháng năm sinh", "sinh ngày")),
    ("sex", "Giới tính", ("giới tính", "nam/nữ", "nam, nữ")),
    ("admitted_on", "Ngày vào Đảng", ("ngày vào đảng", "ngày kết nạp", "ngày kết nạp đảng", "ngày vào đảng (dự bị)")),
    ("official_on", "Ngày chính thức", ("ngày chính thức", "ngày vào đảng chính thức", "ngày công nhận chính thức",
                                        "ngày chuyển chính thức")),
    ("party_post", "Chức vụ Đảng", ("chức vụ đảng", "chức vụ trong đảng", "chức vụ đảng hiện nay")),
    ("position", "Chức vụ chính quyền", ("chức vụ chính quyền", "chức vụ", "chức vụ chính quyền, đoàn thể",
                                         "chức vụ công tác", "chức danh")),
    ("work_unit", "Đơn vị công tác", ("đơn vị công tác", "nơi công tác", "cơ quan, đơn vị công tác",
                                      "cơ quan công tác")),
    ("chi_bo", "Chi bộ", ("chi bộ", "sinh hoạt tại chi bộ", "chi bộ sinh hoạt", "tên chi bộ")),
    ("party_card", "Số thẻ đảng viên", ("số thẻ đảng viên", "số thẻ đảng", "số thẻ", "số thẻ đv")),
    ("contact", "Liên hệ", ("liên hệ", "điện thoại", "số điện thoại", "điện thoại, email", "email")),
    ("leader", "Lãnh đạo, quản lý", ("lãnh đạo, quản lý", "lãnh đạo quản lý", "cán bộ lãnh đạo, quản lý")),
    ("outside", "Ngoài hệ thống chính trị", ("ngoài hệ thống chính trị", "không trong hệ thống chính trị")),
)
HEADINGS = {key: heading for key, heading, _ in COLUMNS}
_VARIANTS = {variant: key for key, _, variants in COLUMNS for variant in variants}
DATE_KEYS = ("birth_date", "admitted_on", "official_on")
TEXT_KEYS = ("full_name", "party_post", "position", "work_unit", "party_card", "contact")
FLAG_KEYS = {"leader": "leader", "outside": "in_political_system"}
_YES = {"x", "có", "co", "1", "yes", "true", "v", "✓", "√"}
_SEX = {"nam": "male", "nữ": "female", "nu": "female", "male": "male", "female": "female", "m": "male", "f": "female"}
_EXCEL_EPOCH = date(1899, 12, 30)


@dataclass
class Problem:
    """One thing wrong with the file, where a person finds it in Excel."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Plan:
    """What an import would do; `apply` does it."""

    created: list[dict[str, Any]] = field(default_factory=list)
    updated: list[tuple[Member, dict[str, Any], Unit | None]] = field(default_factory=list)
    unchanged: int = 0
    errors: list[Problem] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """The counts and problems, as the API answers them."""
        return {"created": len(self.created), "updated": len(self.updated), "unchanged": self.unchanged,
                "errors": [p.as_dict() for p in self.errors]}


class BadFile(InvalidInput):
    """The file cannot be read as a member list at all."""


# ---- reading ------------------------------------------------------------------------------------------------

def _heading_key(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    label = unicodedata.normalize("NFC", value).replace("\u00a0", " ").lower()
    label = re.sub(r"\(.*?\)", " ", label)  # "Ngày sinh (dd/mm/yyyy)"
    label = re.sub(r"[*:]+", " ", label)
    label = " ".join(label.replace("\n", " ").split()).strip(" .")
    return _VARIANTS.get(label)


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise BadFile("Tệp không phải bảng tính Excel (.xlsx) hợp lệ: tệp bị hỏng hoặc không đầy đủ.") from exc
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        raise BadFile("Tệp nén này không phải bảng tính Excel (.xlsx). Hãy lưu danh sách dưới dạng .xlsx hoặc .csv.")
    if sum(info.file_size for info in infos) > MAX_UNPACKED or any(
            info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 1024 * 1024
            for info in infos):
        raise BadFile("Bảng tính quá lớn khi giải nén (có thể là tệp độc hại). Hãy chỉ giữ danh sách đảng viên "
                      "và lưu lại.")


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook  # defusedxml is installed: openpyxl parses the XML with it

    _check_zip(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise BadFile("Không đọc được bảng tính Excel: tệp bị hỏng hoặc không đúng định dạng .xlsx.") from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise BadFile("Bảng tính không có trang nào.")
        for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
            yield number, list(row)
    finally:
        workbook.close()


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    for encoding in ("utf-8-sig", "utf-16") if not data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-16",):
        try:
            content = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise BadFile("Tệp CSV không ở bảng mã UTF-8: trong Excel chọn Lưu thành “CSV UTF-8”.")
    if "\x00" in content:
        raise BadFile("Tệp không phải bảng tính (.xlsx) hay CSV.")
    lines = content.splitlines()[:HEADER_SCAN]
    delimiter = next((d for d in (";", ",", "\t") if any(_header_cells(row) for row in csv.reader(lines, delimiter=d))),
                     ",")  # the one that yields a header row ("Ngày, tháng, năm sinh" has commas of its own)
    for number, row in enumerate(csv.reader(io.StringIO(content), delimiter=delimiter), start=1):
        yield number, row[:MAX_COLUMNS]


def read_rows(data: bytes, filename: str = "") -> Iterator[tuple[int, list[Any]]]:
    """The rows of the first sheet (row number as in Excel, values), whatever the file is; BadFile otherwise."""
    if not data:
        raise BadFile("Tệp rỗng.")
    if len(data) > MAX_BYTES:
        raise BadFile(f"Tệp quá lớn (tối đa {MAX_BYTES // (1024 * 1024)} MB).")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
            raise BadFile("Bảng tính được đặt mật khẩu: hãy mở bằng Excel, bỏ mật khẩu (Tệp → Thông tin → Bảo vệ "
                          "sổ làm việc) rồi lưu lại và tải lên.")
        raise BadFile("Tệp Excel định dạng cũ (.xls): hãy mở và lưu lại dưới dạng .xlsx.")
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_rows(data)
    if data.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8", b"GIF8", b"{\\rtf", b"<")) or b"\x00" in data[:4096] and \
            not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadFile("Tệp không phải bảng tính: hãy tải lên tệp Excel (.xlsx) hoặc CSV.")
    return _csv_rows(data)


# ---- cells ----------------------------------------------------------------------------------------------------

def _is_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("=") and len(value) > 1


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(text.clean(str(value)).replace("\u00a0", " ").split())


def _date(value: Any) -> date | None | str:
    """A date from a cell; "" when empty; a message (str starting with "!") when it is not a date."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 80000:  # an Excel serial day number in a cell not formatted as a date
            return _EXCEL_EPOCH + timedelta(days=int(value))
        return "!"
    try:
        return text.parse_date(str(value))
    except ValueError as exc:
        reason = str(exc)  # "Tháng 2/1980 không có ngày 31.", "Không có tháng 13: …", "Năm “80” phải có 4 chữ số…"
        return "!" if reason.startswith("Ngày") else "!" + reason[0].lower() + reason[1:]


# ---- planning -------------------------------------------------------------------------------------------------

def _header_cells(row: list[Any]) -> dict[int, str] | None:
    """The recognised columns of a header row (first of each), or None when the row is not the header."""
    found = {i: key for i, value in enumerate(row) if (key := _heading_key(value))}
    if "full_name" not in found.values() or len(set(found.values())) < 2:
        return None
    seen: set[str] = set()
    return {i: key for i, key in found.items() if not (key in seen or seen.add(key))}


def _header(rows: Iterator[tuple[int, list[Any]]]) -> tuple[int, dict[int, str]]:
    for number, row in rows:
        columns = _header_cells(row)
        if columns:
            return number, columns
        if number >= HEADER_SCAN:
            break
    raise BadFile("Không tìm thấy dòng tiêu đề cột: cần một cột “Họ và tên” (hoặc “Họ tên”) và ít nhất một cột "
                  "khác như “Ngày sinh”, trong 30 dòng đầu của trang tính thứ nhất.")


def _chi_bo_key(name: str) -> str:
    key = members.name_key(name)
    return key[len("chi bộ "):] if key.startswith("chi bộ ") else key


@dataclass
class _Row:
    number: int
    values: dict[str, Any]
    chi_bo: Unit | None = None


def plan(session: Session, unit: Unit, data: bytes, filename: str = "") -> Plan:
    """Read the file and work out what importing it into `unit` (a chi bộ, or a đảng bộ whose chi bộ the "Chi bộ"
    column names) would do; nothing is written. BadFile when the file is not a member list at all."""
    result = Plan()
    rows = read_rows(data, filename)
    header_row, columns = _header(rows)
    chi_bo_units = {_chi_bo_key(u.name): u for u in session.scalars(select(Unit).where(
        Unit.id.in_(subtree_ids(session, unit.id)), Unit.kind.in_(CHI_BO_KINDS), Unit.closed_on.is_(None)))}
    single = unit if unit.kind in CHI_BO_KINDS else None
    parsed: list[_Row] = []
    for number, raw in rows:
        if number - header_row > MAX_ROWS:
            raise BadFile(f"Danh sách quá dài: tối đa {MAX_ROWS} dòng đảng viên mỗi lần nhập.")
        cells = {key: raw[i] for i, key in columns.items() if i < len(raw)}
        if all(_text(v) == "" for v in cells.values()):
            continue  # blank rows between groups
        if not _text(cells.get("full_name")) and _only_label(cells):
            continue  # a group heading such as "I. CHI BỘ TỔ TOÁN" in the STT or name column with nothing else
        row = _Row(number, {})
        problems_before = len(result.errors)
        for key, value in cells.items():
            if key == "stt":
                continue
            heading = HEADINGS[key]
            if _is_formula(value):
                result.errors.append(Problem(number, heading, "Ô chứa công thức; hãy thay bằng giá trị "
                                                              "(Dán đặc biệt → Giá trị)."))
                continue
            if key in DATE_KEYS:
                got = _date(value)
                if isinstance(got, str) and got.startswith("!"):
                    reason = got[1:] or "ghi theo dạng ngày/tháng/năm, ví dụ 05/12/1980."
                    result.errors.append(Problem(number, heading, f"Ngày “{_text(value)}” không hợp lệ: {reason}"))
                    continue
                row.values[key] = got or None
            elif key == "sex":
                label = _text(value).lower()
                if label and label not in _SEX:
                    result.errors.append(Problem(number, heading, f"Giới tính “{_text(value)}”: ghi Nam hoặc Nữ."))
                    continue
                row.values["sex"] = _SEX.get(label, "")
            elif key in FLAG_KEYS:
                flag = _text(value).lower() in _YES
                row.values[FLAG_KEYS[key]] = (not flag) if key == "outside" else flag
            elif key == "chi_bo":
                name = _text(value)
                if name:
                    target = chi_bo_units.get(_chi_bo_key(name))
                    if target is None or (single is not None and target.id != single.id):
                        where = single.name if single else unit.name
                        result.errors.append(Problem(number, heading, f"Chi bộ “{name}” không có trong {where}."))
                        continue
                    row.chi_bo = target
            else:
                row.values[key] = _text(value)
        if not row.values.get("full_name") and not _is_formula(cells.get("full_name")):
            result.errors.append(Problem(number, HEADINGS["full_name"], "Thiếu họ và tên."))
        if len(result.errors) > problems_before:
            continue  # a row with a problem is reported once per cell, never matched
        row.chi_bo = row.chi_bo or single
        try:
            row.values = members.normalise(row.values)
        except InvalidInput as exc:
            for key, messages in exc.fields.items():
                result.errors.append(Problem(number, members.FIELD_LABELS.get(key, key), " ".join(messages)))
            continue
        parsed.append(row)
    _match(session, unit, parsed, result)
    return result


def _only_label(cells: dict[str, Any]) -> bool:
    """A row with text in one cell only, and no date anywhere: a group heading, not a member."""
    filled = [v for v in cells.values() if _text(v)]
    return len(filled) == 1 and not isinstance(filled[0], (date, datetime))


def _match(session: Session, unit: Unit, rows: list[_Row], result: Plan) -> None:
    scope = subtree_ids(session, unit.id)
    existing = session.scalars(select(Member).where(Member.unit_id.in_(scope),
                                                    Member.status.notin_(LEFT_STATUSES))).all()
    by_card = {m.party_card: m for m in existing if m.party_card}
    by_name = {(members.name_key(m.full_name), m.birth_date): m for m in existing}
    seen: dict[Any, int] = {}
    for row in rows:
        values = row.values
        card = values.get("party_card") or ""
        key = ("card", card) if card else ("name", members.name_key(values["full_name"]), values.get("birth_date"))
        if key in seen:
            result.errors.append(Problem(row.number, HEADINGS["party_card"] if card else HEADINGS["full_name"],
                                         f"Trùng với dòng {seen[key]} (cùng "
                                         f"{'số thẻ đảng viên' if card else 'họ tên và ngày sinh'})."))
            continue
        seen[key] = row.number
        member = by_card.get(card) if card else None
        if member is None:
            member = by_name.get((members.name_key(values["full_name"]), values.get("birth_date")))
            if member is not None and card and member.party_card and member.party_card != card:
                member = None
        if member is None:
            if card:
                other = session.scalar(select(Member).where(Member.party_card == card))
                if other is not None:
                    result.errors.append(Problem(row.number, HEADINGS["party_card"],
                                                 f"Số thẻ {card} đã thuộc đồng chí {other.full_name} ở tổ chức khác."))
                    continue
            if row.chi_bo is None:
                result.errors.append(Problem(row.number, HEADINGS["chi_bo"],
                                             "Thiếu chi bộ: khi nhập cho cả đảng bộ, cột “Chi bộ” cho biết đảng viên "
                                             "sinh hoạt ở chi bộ nào."))
                continue
            result.created.append({**values, "_chi_bo": row.chi_bo})
            continue
        changes = {k: v for k, v in values.items() if getattr(member, k) != v}
        move = row.chi_bo if row.chi_bo is not None and row.chi_bo.id != member.unit_id else None
        if changes or move:
            result.updated.append((member, changes, move))
        else:
            result.unchanged += 1


def apply(session: Session, result: Plan, *, by: User | None = None, on: date | None = None) -> None:
    """Write a plan without problems (in the caller's transaction: commit or roll back together)."""
    if result.errors:
        raise InvalidInput(f"Danh sách còn {len(result.errors)} lỗi: chưa nhập gì.")
    on = on or date.today()
    for values in result.created:
        values = dict(values)
        chi_bo = values.pop("_chi_bo")
        members.add_member(session, chi_bo, values, by=by)
    for member, changes, move in result.updated:
        if changes:
            members.update_member(session, member, changes)
        if move is not None:
            members.transfer(session, member, move, on, note="Theo danh sách nhập từ Excel", by=by)


def import_file(session: Session, unit: Unit, data: bytes, filename: str = "", *, dry_run: bool = False,
                by: User | None = None) -> Plan:
    """Plan, and unless it is a dry run or there is a problem, apply."""
    result = plan(session, unit, data, filename)
    if not dry_run and not result.errors:
        apply(session, result, by=by)
    return result


# ---- export ---------------------------------------------------------------------------------------------------

EXPORT_KEYS = ("stt", "full_name", "birth_date", "sex", "admitted_on", "official_on", "party_post", "position",
               "work_unit", "chi_bo", "party_card", "contact", "leader", "outside")
_WIDTHS = {"stt": 6, "full_name": 28, "chi_bo": 24, "work_unit": 30, "position": 22, "party_post": 20,
           "contact": 22, "party_card": 16, "leader": 10, "outside": 12}


def export_workbook(session: Session, unit: Unit) -> bytes:
    """The unit's current members as an XLSX in the import's layout: title block, header row, one row each."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    people = members.current_members(session, subtree_ids(session, unit.id))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách đảng viên"
    last = len(EXPORT_KEYS)
    lines = [(superior_line(unit), False), (own_line(unit), True),
             (f"DANH SÁCH ĐẢNG VIÊN (đến ngày {text.short_date(date.today())})", True)]
    for row, (line, bold) in enumerate(lines, start=1):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
        cell = sheet.cell(row=row, column=1, value=line or None)
        cell.font = Font(name="Times New Roman", bold=bold, size=13 if row == 3 else 12)
        cell.alignment = Alignment(horizontal="center" if row == 3 else "left")
    header = 5
    for col, key in enumerate(EXPORT_KEYS, start=1):
        cell = sheet.cell(row=header, column=col, value=HEADINGS[key])
        cell.font = Font(name="Times New Roman", bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(col)].width = _WIDTHS.get(key, 14)
    for index, member in enumerate(people, start=1):
        values = {"stt": index, "full_name": member.full_name, "birth_date": member.birth_date, "sex":
                  {"male": "Nam", "female": "Nữ"}.get(member.sex, ""), "admitted_on": member.admitted_on,
                  "official_on": member.official_on, "party_post": member.party_post, "position": member.position,
                  "work_unit": member.work_unit, "chi_bo": member.unit.name, "party_card": member.party_card,
                  "contact": member.contact, "leader": "x" if member.leader else "",
                  "outside": "" if member.in_political_system else "x"}
        for col, key in enumerate(EXPORT_KEYS, start=1):
            value = values[key]
            cell = sheet.cell(row=header + index, column=col, value=None if value in ("", None) else value)
            if isinstance(value, date):
                cell.number_format = "DD/MM/YYYY"
            elif isinstance(value, str):
                cell.data_type = "s"  # a name starting with "=" stays text
    sheet.freeze_panes = sheet.cell(row=header + 1, column=1)
    workbook.properties.title = f"Danh sách đảng viên – {unit.name}"
    workbook.properties.creator = "kiemdiem"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
