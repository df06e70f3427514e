"""Pages of an office (and the admin) running its đảng bộ: the unit tree, members, Excel import/export."""
from __future__ import annotations

import io
import re
import secrets
import time
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import login_required
from sqlalchemy.orm import Session

from service import member_import as importer
from service import members as members_service
from service import text, units
from service.access import subtree_ids
from service.catalog import slug
from service.errors import InvalidInput, NotFound
from service.files import atomic_write
from service.models import MEMBER_STATUSES, SEXES, UNIT_KINDS, Member, Unit

from .auth import current
from .database import session
from .inputs import int_param

bp = Blueprint("org", __name__, url_prefix="/org")
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def _manager() -> None:
    if current().role not in ("admin", "office"):
        abort(404)


def _form_values(fields: tuple[str, ...]) -> dict[str, str]:
    return {name: request.form.get(name, "") for name in fields if name in request.form}


def _date(name: str, label: str, *, required: bool = True) -> date | None:
    raw = request.form.get(name, "").strip()
    if not raw:
        if required:
            raise InvalidInput(f"Nhập {label.lower()}.", {name: [f"Nhập {label.lower()}."]})
        return None
    try:
        return text.parse_date(raw)
    except ValueError as exc:
        raise InvalidInput(f"{label}: {exc}", {name: [str(exc)]}) from None


def _error_page(template: str, exc: InvalidInput, **context):
    """Re-show the page with the message and the fields in error; what was typed stays in the form."""
    session().rollback()
    return render_template(template, error=exc.message, fields=exc.fields, posted=request.form, **context), 422


@bp.get("/units")
@login_required
def unit_list():
    """The tree of units the user manages, and the form to add one."""
    _manager()
    db, user = session(), current()
    rows = units.tree(db, units.manageable_ids(db, user))
    return render_template("org_units.html", rows=rows, kinds=UNIT_KINDS, fields={}, posted={}, error=None,
                           can_top=user.role == "admin")


@bp.post("/units")
@login_required
def unit_create():
    """Create a unit under one the user manages."""
    _manager()
    db, user = session(), current()
    try:
        unit = units.create_unit(db, user, _form_values(("name", "kind", "parent_id", "place")))
    except InvalidInput as exc:
        return _error_page("org_units.html", exc, rows=units.tree(db, units.manageable_ids(db, user)),
                           kinds=UNIT_KINDS, can_top=user.role == "admin")
    db.commit()
    flash(f"Đã lập {unit.name}. Kiểm tra các dòng in ở đầu văn bản bên dưới.", "info")
    return redirect(url_for("org.unit_edit", unit_id=unit.id))


def _unit_page(unit: Unit, status: int = 200, **context):
    db, user = session(), current()
    parents = [row for row in units.tree(db, units.manageable_ids(db, user))
               if row.unit.id != unit.id and row.unit.closed_on is None and unit.kind in UNIT_KINDS
               and row.unit.kind in units.ALLOWED_PARENTS[unit.kind]]
    context.setdefault("fields", {})
    context.setdefault("posted", {})
    context.setdefault("error", None)
    context.setdefault("sent", "edit")  # which form the page answers: what was typed goes back into that one
    return render_template("org_unit.html", unit=unit, parents=parents, units=units, today=date.today(),
                           can_move=user.role == "admin" or unit.id != user.unit_id, **context), status


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
@login_required
def unit_edit(unit_id: int):
    """A unit's name, place in the tree and printed lines."""
    _manager()
    db, user = session(), current()
    unit = units.managed_unit(db, user, unit_id)
    if request.method == "POST":
        values = _form_values(("name", "parent_id", "superior_line", "header_line", "place", "signer_body",
                               "signer_title"))
        values["has_seal"] = "has_seal" in request.form
        try:
            units.update_unit(db, user, unit, values)
        except InvalidInput as exc:
            db.rollback()
            return _unit_page(units.managed_unit(db, user, unit_id), 422, error=exc.message, fields=exc.fields,
                              posted=request.form)
        db.commit()
        flash("Đã lưu.", "info")
        return redirect(url_for("org.unit_edit", unit_id=unit.id))
    return _unit_page(unit)


@bp.post("/units/<int:unit_id>/close")
@login_required
def unit_close(unit_id: int):
    """Record that a unit was dissolved."""
    _manager()
    db, user = session(), current()
    unit = units.managed_unit(db, user, unit_id)
    try:
        units.close_unit(db, user, unit, _date("closed_on", "Ngày giải thể"))
    except InvalidInput as exc:
        db.rollback()
        return _unit_page(units.managed_unit(db, user, unit_id), 422, error=exc.message, fields=exc.fields,
                          posted=request.form, sent="close")
    db.commit()
    flash(f"Đã ghi nhận {unit.name} giải thể.", "info")
    return redirect(url_for("org.unit_list"))


# ---- members -------------------------------------------------------------------------------------------------

MEMBER_FORM_FIELDS = ("full_name", "sex", "party_post", "position", "work_unit", "party_card", "contact")


def _member_values() -> dict:
    values: dict = _form_values(MEMBER_FORM_FIELDS)
    for name in members_service.DATE_FIELDS:
        values[name] = _date(name, members_service.FIELD_LABELS[name], required=False)
    for name in members_service.FLAG_FIELDS:
        values[name] = name in request.form
    return values


def _chi_bo_choices(unit: Unit) -> list[Unit]:
    db = session()
    ids = units.manageable_ids(db, current())
    return [row.unit for row in units.tree(db, ids)
            if row.unit.kind in units.CHI_BO_KINDS and row.unit.closed_on is None]


@bp.get("/units/<int:unit_id>/members")
@login_required
def member_list(unit_id: int):
    """The unit's current members (its chi bộ's, or every chi bộ below it), in Vietnamese order."""
    _manager()
    db = session()
    unit = units.managed_unit(db, current(), unit_id)
    show_left = request.args.get("left") == "1"
    people = members_service.current_members(db, subtree_ids(db, unit.id), include_left=show_left)
    return render_template("org_members.html", unit=unit, people=people, show_left=show_left,
                           is_chi_bo=unit.kind in units.CHI_BO_KINDS)


@bp.route("/units/<int:unit_id>/members/new", methods=["GET", "POST"])
@login_required
def member_new(unit_id: int):
    """Add a member to a chi bộ."""
    _manager()
    db = session()
    unit = units.managed_unit(db, current(), unit_id)
    context = dict(unit=unit, member=None, sexes=SEXES, labels=members_service.FIELD_LABELS)
    if request.method == "POST":
        try:
            member = members_service.add_member(db, unit, _member_values(), by=current(),
                                                since=_date("since", "Ngày bắt đầu sinh hoạt", required=False))
        except InvalidInput as exc:
            return _error_page("org_member_form.html", exc, **context)
        db.commit()
        flash(f"Đã thêm đồng chí {member.full_name}.", "info")
        return redirect(url_for("org.member_list", unit_id=unit.id))
    return render_template("org_member_form.html", error=None, fields={}, posted={}, **context)


def _managed_member(member_id: int) -> Member:
    db = session()
    member = db.get(Member, member_id)
    if member is None or member.unit_id not in units.manageable_ids(db, current()):
        raise NotFound("Không tìm thấy đảng viên.")
    return member


def _member_page(member: Member, status: int = 200, **context):
    context.setdefault("error", None)
    context.setdefault("fields", {})
    context.setdefault("posted", {})
    context.setdefault("sent", None)
    return render_template("org_member.html", member=member, unit=member.unit, sexes=SEXES,
                           labels=members_service.FIELD_LABELS, statuses=MEMBER_STATUSES,
                           history=members_service.history(session(), member), chi_bo=_chi_bo_choices(member.unit),
                           **context), status


def _member_action(member_id: int, act: Callable[[Session, Member], str]):
    """Run one change on a member the user manages: saved and announced, or the page again with what went wrong
    (what was typed kept, nothing saved)."""
    _manager()
    db = session()
    member = _managed_member(member_id)
    try:
        done = act(db, member)
    except (InvalidInput, NotFound) as exc:
        db.rollback()
        fields = exc.fields if isinstance(exc, InvalidInput) else {"unit_id": ["Chọn chi bộ."]}
        sent = request.endpoint.rsplit(".", 1)[-1].removeprefix("member_")  # edit, transfer or status
        return _member_page(_managed_member(member_id), 422, error=exc.message, fields=fields, posted=request.form,
                            sent=sent)
    db.commit()
    flash(done, "info")
    return redirect(url_for("org.member_edit", member_id=member.id))


@bp.route("/members/<int:member_id>", methods=["GET", "POST"])
@login_required
def member_edit(member_id: int):
    """A member's record, history, transfer and status."""
    if request.method == "GET":
        _manager()
        return _member_page(_managed_member(member_id))

    def act(db: Session, member: Member) -> str:
        changed = members_service.update_member(db, member, _member_values())
        return "Đã lưu." if changed else "Không có gì thay đổi."
    return _member_action(member_id, act)


@bp.post("/members/<int:member_id>/transfer")
@login_required
def member_transfer(member_id: int):
    """Move a member to another chi bộ from a date."""
    def act(db: Session, member: Member) -> str:
        target = units.managed_unit(db, current(), int_param(request.form.get("unit_id"), "unit_id", required=True))
        members_service.transfer(db, member, target, _date("on", "Ngày chuyển"), note=request.form.get("note", ""),
                                 by=current())
        return f"Đã chuyển đồng chí {member.full_name} sang {target.name}."
    return _member_action(member_id, act)


@bp.post("/members/<int:member_id>/status")
@login_required
def member_status(member_id: int):
    """Record a status (miễn, đình chỉ, tạm thời, ra khỏi Đảng, chuyển đi, từ trần, trở lại) from a date."""
    def act(db: Session, member: Member) -> str:
        members_service.set_status(db, member, request.form.get("status", ""), _date("on", "Ngày"),
                                   note=request.form.get("note", ""), by=current())
        return f"Đã ghi nhận: {member.status_label}."
    return _member_action(member_id, act)


# ---- import / export ------------------------------------------------------------------------------------------

PREVIEW_KEPT = 24 * 3600  # seconds a previewed file waits for its commit


def _upload_dir() -> Path:
    folder = Path(current_app.config["SETTINGS"].data_dir) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _forget_old_previews() -> None:
    """Previewed files never committed go after a day (the preview page then asks for the file again)."""
    limit = time.time() - PREVIEW_KEPT
    for path in _upload_dir().glob("*.bin"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:  # another process removed it first
            pass


def _upload_path(token: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        raise InvalidInput("Phiên nhập đã hết hạn: hãy tải tệp lên lại.")
    return _upload_dir() / f"{current().id}-{token}.bin"


def _read_upload() -> tuple[bytes, str]:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InvalidInput("Chọn tệp danh sách (.xlsx hoặc .csv).", {"file": ["Chọn tệp."]})
    data = upload.stream.read(importer.MAX_BYTES + 1)
    return data, upload.filename


@bp.route("/units/<int:unit_id>/import", methods=["GET", "POST"])
@login_required
def member_import(unit_id: int):
    """Upload a member list: first a preview of what would change and every problem, nothing written."""
    _manager()
    db = session()
    unit = units.managed_unit(db, current(), unit_id)
    context = dict(unit=unit, headings=importer.HEADINGS, plan=None, token=None, filename="")
    if request.method == "GET":
        return render_template("org_import.html", error=None, **context)
    try:
        data, filename = _read_upload()
        result = importer.plan(db, unit, data, filename)
    except InvalidInput as exc:
        db.rollback()
        return render_template("org_import.html", error=exc.message, **context), 422
    db.rollback()  # planning writes nothing; make sure of it
    token = None
    if not result.errors and (result.created or result.updated):
        _forget_old_previews()
        token = secrets.token_hex(16)
        atomic_write(_upload_path(token), data, mode=0o600)
    context.update(plan=result, token=token, filename=filename)
    return render_template("org_import.html", error=None, **context), 422 if result.errors else 200


@bp.post("/units/<int:unit_id>/import/commit")
@login_required
def member_import_commit(unit_id: int):
    """Apply the previewed file: all or nothing."""
    _manager()
    db = session()
    unit = units.managed_unit(db, current(), unit_id)
    path = _upload_path(request.form.get("token", ""))
    if not path.exists():
        raise InvalidInput("Phiên nhập đã hết hạn: hãy tải tệp lên lại.")
    result = importer.import_file(db, unit, path.read_bytes(), by=current())
    if result.errors:  # the data changed since the preview
        db.rollback()
        context = dict(unit=unit, headings=importer.HEADINGS, plan=result, token=None, filename="")
        return render_template("org_import.html", error="Dữ liệu đã thay đổi từ lúc xem trước; chưa nhập gì.",
                               **context), 422
    db.commit()
    path.unlink(missing_ok=True)
    flash(f"Đã nhập: {len(result.created)} đảng viên mới, {len(result.updated)} cập nhật, "
          f"{result.unchanged} không đổi.", "info")
    return redirect(url_for("org.member_list", unit_id=unit.id))


def export_response(unit: Unit):
    """The unit's member list as an XLSX download."""
    data = importer.export_workbook(session(), unit)
    name = f"danh-sach-dang-vien-{slug(unit.name) or unit.id}.xlsx"  # the unit by name, as offices file it
    return send_file(io.BytesIO(data), as_attachment=True, download_name=name,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.get("/units/<int:unit_id>/export")
@login_required
def member_export(unit_id: int):
    """Download the unit's members in the import layout."""
    _manager()
    return export_response(units.managed_unit(session(), current(), unit_id))


@bp.app_template_filter("short_date")
def short_date_filter(value: date) -> str:
    """dd/mm/yyyy."""
    return text.short_date(value)


@bp.app_template_filter("local_time")
def local_time_filter(moment: datetime | None) -> str:
    """A stored (UTC) time as people in Vietnam read it; a dash when there is none."""
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")
