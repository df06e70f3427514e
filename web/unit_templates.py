"""Templates per unit, pages and API: download the one in force, upload an edited one, preview, confirm, go back."""
from __future__ import annotations

import hashlib
import io
from datetime import date
from pathlib import Path

from flask import Blueprint, current_app, flash, g, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import login_required

from service import access, documents, templates
from service.catalog import DocumentKind, get_kind, slug
from service.errors import InvalidInput, NotFound
from service.models import Unit, User
from service.templates import preview
from service.templates.models import TemplateVersion

from .api import token_required
from .auth import csrf, current
from .database import session
from .inputs import int_param
from .pdf import converter

bp = Blueprint("unit_templates", __name__)
api = Blueprint("templates_api", __name__, url_prefix="/api/v1")
csrf.exempt(api)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MANAGERS = ("office", "admin")


def _unit(user: User, unit_id: int, *, manage: bool) -> Unit:
    """A unit the user may see (and, to change its templates, manage as an office or admin), else 404."""
    unit = session().get(Unit, unit_id)
    if unit is None or unit.id not in access.visible_unit_ids(session(), user):
        raise NotFound("Không tìm thấy tổ chức đảng.")
    if manage and user.role not in MANAGERS:
        raise NotFound("Chỉ văn phòng cấp ủy hoặc quản trị viên thay đổi mẫu văn bản.")
    return unit


def _version(unit: Unit, kind: DocumentKind, number: int) -> TemplateVersion:
    version = next((v for v in templates.history(session(), kind, unit) if v.number == number), None)
    if version is None:
        raise NotFound("Không có phiên bản mẫu này.")
    return version


def _source_of(unit: Unit, kind: DocumentKind, version: TemplateVersion) -> templates.TemplateSource:
    if version.sha256 is None:
        return templates.in_force(session(), kind, unit.parent_id)
    blob = session().get(templates.models.TemplateFile, version.sha256)
    return templates.TemplateSource(kind.code, blob.content, blob.sha256, unit.id, unit.name, version.number)


def _send_docx(kind: DocumentKind, source: templates.TemplateSource):
    suffix = f"-{slug(source.unit_name) or source.unit_id}-v{source.number}" if source.unit_id else "-chuan"
    return send_file(io.BytesIO(source.content), mimetype=DOCX, as_attachment=True, max_age=0,
                     download_name=f"Mau-{slug(kind.title)}-QD{kind.regime.code}{suffix}.docx")  # not the code


# ---- pages
@bp.get("/units/<int:unit_id>/templates")
@login_required
def overview(unit_id: int):
    """Every kind with the template in force at the unit and where it comes from."""
    unit = _unit(current(), unit_id, manage=True)
    return render_template("templates_overview.html", unit=unit, rows=templates.overview(session(), unit))


@bp.get("/units/<int:unit_id>/templates/<code>")
@login_required
def kind_page(unit_id: int, code: str):
    """One kind's template at the unit: in force, versions, upload, preview of a version waiting to be confirmed."""
    unit, kind = _unit(current(), unit_id, manage=True), get_kind(code)
    return _kind_page(unit, kind)


def _kind_page(unit: Unit, kind: DocumentKind, errors: list[str] | None = None, status: int = 200):
    versions = templates.history(session(), kind, unit)
    pending = next((v for v in versions if v.state == "pending"), None)
    page_count = len(_preview_pages(unit, kind, pending)) if pending else 0
    return render_template("templates_kind.html", unit=unit, kind=kind, versions=versions, pending=pending,
                           page_count=page_count, in_force=templates.in_force(session(), kind, unit.id),
                           errors=errors or [], states=templates.STATES), status


@bp.post("/units/<int:unit_id>/templates/<code>")
@login_required
def upload(unit_id: int, code: str):
    """Check an uploaded template; a good one waits for confirmation after its preview, a bad one is refused."""
    unit, kind = _unit(current(), unit_id, manage=True), get_kind(code)
    file = request.files.get("template")
    content = file.read() if file else b""
    try:
        version, warnings = templates.upload(session(), kind, unit, content, current(),
                                             filename=(file.filename or "") if file else "")
    except InvalidInput as exc:
        session().rollback()
        return _kind_page(unit, kind, errors=exc.fields.get("template") or [exc.message], status=422)
    session().commit()
    flash(f"Đã nhận mẫu (phiên bản {version.number}). Xem trước bên dưới, rồi bấm “Áp dụng” để dùng mẫu này"
          + (" — lưu ý các cảnh báo." if warnings else "."), "info")
    return redirect(url_for("unit_templates.kind_page", unit_id=unit.id, code=kind.code) + "#cho-xac-nhan")


@bp.post("/units/<int:unit_id>/templates/<code>/versions/<int:number>/confirm")
@login_required
def confirm(unit_id: int, code: str, number: int):
    """Put a previewed version in force."""
    unit, kind = _unit(current(), unit_id, manage=True), get_kind(code)
    return _change(unit, kind, lambda: templates.confirm(session(), _version(unit, kind, number)),
                   lambda _: f"Đã áp dụng phiên bản {number}: văn bản in từ nay dùng mẫu này.")


@bp.post("/units/<int:unit_id>/templates/<code>/revert")
@login_required
def revert(unit_id: int, code: str):
    """Back to the previous version, or to the inherited template."""
    unit, kind = _unit(current(), unit_id, manage=True), get_kind(code)
    target = request.form.get("to", "")
    return _change(unit, kind, lambda: templates.revert(session(), kind, unit, current(), to=target),
                   lambda version: f"{version.note} (ghi thành phiên bản {version.number}).")


def _change(unit: Unit, kind: DocumentKind, action, done):
    """Run one change of the unit's templates: committed with a message saying what happened, or refused with
    the service's message and nothing changed; back to the kind's page either way."""
    try:
        version = action()
    except InvalidInput as exc:
        session().rollback()
        flash(exc.message, "error")
    else:
        session().commit()
        flash(done(version), "info")
    return redirect(url_for("unit_templates.kind_page", unit_id=unit.id, code=kind.code))


@bp.get("/units/<int:unit_id>/templates/<code>/download")
@login_required
def download(unit_id: int, code: str):
    """The DOCX in force at the unit (or one version of it), to edit in Word."""
    unit, kind = _unit(current(), unit_id, manage=False), get_kind(code)
    number = int_param(request.args.get("version"), "version")
    source = _source_of(unit, kind, _version(unit, kind, number)) if number else \
        templates.in_force(session(), kind, unit.id)
    return _send_docx(kind, source)


@bp.get("/units/<int:unit_id>/templates/<code>/versions/<int:number>/page-<int:page>.png")
@login_required
def preview_page(unit_id: int, code: str, number: int, page: int):
    """One page of the sample document printed with a version."""
    unit, kind = _unit(current(), unit_id, manage=True), get_kind(code)
    pages = _preview_pages(unit, kind, _version(unit, kind, number))
    if not 1 <= page <= len(pages):
        raise NotFound("Không có trang này.")
    return send_file(io.BytesIO(pages[page - 1].read_bytes()), mimetype="image/png", max_age=0)


def _preview_pages(unit: Unit, kind: DocumentKind, version: TemplateVersion) -> list[Path]:
    """The preview's page images, made once per (template, unit header) and kept in the data folder."""
    source = _source_of(unit, kind, version)
    facts = documents.header_facts(unit, date.today().year, current_app.config["SETTINGS"].default_place)
    header = {key: facts[key] for key in ("superior_body", "issuing_body", "place")}
    key = hashlib.sha256(f"{source.sha256}|{kind.code}|{sorted(header.items())}".encode()).hexdigest()[:24]
    folder = Path(current_app.config["SETTINGS"].data_dir) / "template-previews" / key
    if not folder.is_dir():
        images = preview.page_images(preview.sample_pdf(kind, source, converter(), header))
        staging = folder.with_name(folder.name + ".tmp")
        staging.mkdir(parents=True, exist_ok=True)
        for index, image in enumerate(images, 1):
            (staging / f"{index}.png").write_bytes(image)
        try:
            staging.rename(folder)
        except OSError:  # another request made it first
            pass
    return sorted(folder.glob("*.png"), key=lambda p: int(p.stem))


# ---- API
@api.get("/kinds/<code>/template")
@token_required
def api_template(code: str):
    """The DOCX in force for a unit (?unit_id=N), or the built-in one."""
    kind = get_kind(code)
    unit_id = int_param(request.args.get("unit_id"), "unit_id")
    if unit_id is None:
        return _send_docx(kind, templates.builtin(kind))
    unit = _unit(g.api_user, unit_id, manage=False)
    return _send_docx(kind, templates.in_force(session(), kind, unit.id))


@api.put("/units/<int:unit_id>/templates/<code>")
@token_required
def api_upload(unit_id: int, code: str):
    """Upload a template for the unit; it is in force at once (201 with warnings), or refused (422)."""
    unit, kind = _unit(g.api_user, unit_id, manage=True), get_kind(code)
    file = request.files.get("file")
    version, warnings = templates.upload(session(), kind, unit, file.read() if file else b"", g.api_user,
                                         filename=(file.filename or "") if file else "", activate=True)
    session().commit()
    return jsonify({"version": version.number, "warnings": warnings}), 201


@api.delete("/units/<int:unit_id>/templates/<code>")
@token_required
def api_revert(unit_id: int, code: str):
    """Back to the inherited template (the parent's, or the built-in one)."""
    unit, kind = _unit(g.api_user, unit_id, manage=True), get_kind(code)
    templates.revert(session(), kind, unit, g.api_user, to="inherited")
    session().commit()
    return "", 204


@api.get("/units/<int:unit_id>/templates")
@token_required
def api_overview(unit_id: int):
    """Each kind with the version in force at the unit and where it comes from."""
    unit = _unit(g.api_user, unit_id, manage=False)
    return jsonify([{"kind": kind.code, "title": kind.title, "source": "unit" if s.unit_id == unit.id else
                     ("inherited" if s.unit_id else "builtin"), "unit_id": s.unit_id, "version": s.number,
                     "sha256": s.sha256, "label": s.label} for kind, s in templates.overview(session(), unit)])
