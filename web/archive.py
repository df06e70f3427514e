"""The archive in the web layer: upload signed files, see what matched, assign pages, accept, download, history."""
from __future__ import annotations

import io

from flask import (Blueprint, Flask, current_app, flash, g, jsonify, redirect, render_template, request,
                   send_file, url_for)
from flask_login import login_required

from service import access
from service.archive import audit, intake, listing, printed, thumbnails, uploads
from service.archive.audit import Actor
from service.archive.uploads import Archive
from service.catalog import get_kind, kinds_for
from service.errors import InvalidInput, NotFound, ServiceError
from service.models import Document, Unit, User
from service.regimes import regime_for_year

from .api import bp as api_bp
from .api import json_body, token_required
from .inputs import int_param
from .auth import actor_for, current, current_actor
from .database import session
from .jobs import jobs

bp = Blueprint("archive", __name__)


def init_app(app: Flask) -> None:
    """The archive (store, limits, trust roots) is made on first use from the settings."""
    app.extensions["archive"] = None


def archive() -> Archive:
    """The app's Archive."""
    if current_app.extensions.get("archive") is None:
        current_app.extensions["archive"] = Archive.from_settings(current_app.config["SETTINGS"])
    return current_app.extensions["archive"]


def _upload_request() -> tuple[list[tuple[str, bytes]], str | None, int | None]:
    """(files, packet code, unit id) of an upload request, read under the archive's size limit (the app's default
    limit is far lower, so it is raised before anything touches the form)."""
    limit = archive().limits.max_request_bytes
    request.max_content_length = limit + 1024 * 1024  # room for the multipart framing
    if request.content_length and request.content_length > limit:
        raise InvalidInput(f"Dung lượng gửi lên vượt quá {limit // (1024 * 1024)} MB cho một lần tải lên.",
                           {"files": ["Hãy chia thành nhiều lần tải lên."]})
    files = []
    for part in request.files.getlist("files"):
        with part.stream:  # large parts are spooled to temporary files: close them now, not at collection
            files.append((part.filename or "tep-khong-ten", part.read()))
    return files, request.form.get("packet_id") or None, _int_arg(request.form.get("unit_id"), "unit_id")


def _int_arg(value: str | None, name: str) -> int | None:
    return int_param(value, name)


def _receive(user: User, actor: Actor, default_unit: int | None = None, year: int | None = None):
    """Authorise, check, store and record the upload, then queue the reading of its pages: the request never
    renders a page."""
    if not uploads.may_upload(user):  # before the body is read: a member's token costs nothing
        raise NotFound("Không tìm thấy tổ chức đảng.")
    files, packet_code, unit_id = _upload_request()
    unit_given = unit_id or default_unit
    upload = uploads.store_upload(session(), archive(), actor, user, files, packet_code=packet_code,
                                  unit_id=unit_given, year=year)
    # The job's row is written from the job service's own session: this request's transaction ends first.
    session().commit()
    try:
        job = jobs().enqueue(uploads.READ_JOB, {"upload_id": upload.id, "unit_id": upload.unit_id,
                                                "unit_given": unit_given}, user_id=user.id)
    except ServiceError as exc:  # the queue is down: the upload says so instead of waiting forever
        uploads.refuse(session(), upload, exc.message)
        session().commit()
        raise
    upload.job_id = job.id
    session().commit()
    return upload


def _followed(upload):
    """The upload, refused now if its job ended without filing it (a worker or the service gone meanwhile); and
    the job's row (None once it is gone or for uploads made before jobs read them)."""
    if upload.state != "processing":
        return None
    job = jobs().get(upload.job_id) if upload.job_id else None
    if uploads.follow_job(session(), upload, job):
        session().commit()
    return job


def _status_body(upload, user: User) -> dict:
    job = _followed(upload)
    body = uploads.status(session(), upload, job)
    body["report"] = uploads.report(session(), upload, user) if body["status"] == "done" else None
    return body


def _unit(user: User, unit_id: int) -> Unit:
    unit = session().get(Unit, unit_id)
    if unit is None or unit.id not in access.visible_unit_ids(session(), user) or user.role == "member":
        raise NotFound("Không tìm thấy tổ chức đảng.")
    return unit


# ---- JSON API (bearer token) ----
@api_bp.post("/archive/uploads")
@token_required
def api_upload():
    """Upload signed files (multipart `files`, optional `packet_id`, `unit_id`): checked and stored at once, then
    202 with where to follow the reading of the pages (`status_url`)."""
    upload = _receive(g.api_user, actor_for(g.api_user))
    return jsonify({"upload_id": upload.id, "status": "processing",
                    "status_url": url_for("api.archive_upload_status", upload_id=upload.id)}), 202


@api_bp.get("/archive/uploads/<int:upload_id>/status")
@token_required
def archive_upload_status(upload_id: int):
    """processing (pages read / total), done (with the report) or refused (with the reason)."""
    upload = uploads.upload_for(session(), g.api_user, upload_id)
    return jsonify(_status_body(upload, g.api_user))


@api_bp.post("/archive/uploads/<int:upload_id>/cancel")
@token_required
def api_cancel_upload(upload_id: int):
    """Stop reading the pages: the upload ends refused, its files kept as stored."""
    upload = uploads.upload_for(session(), g.api_user, upload_id)
    _cancel(upload, g.api_user)
    return jsonify(_status_body(upload, g.api_user))


@api_bp.get("/archive/uploads/<int:upload_id>")
@token_required
def api_report(upload_id: int):
    """The upload's report, as when it was made (with hand assignments since), with its status."""
    upload = uploads.upload_for(session(), g.api_user, upload_id)
    _followed(upload)
    body = uploads.report(session(), upload, g.api_user)
    audit.record(session(), actor_for(g.api_user), "view", object_type="upload", object_id=upload.id,
                 unit_id=upload.unit_id)
    session().commit()
    return jsonify(body)


@api_bp.get("/archive/uploads/<int:upload_id>/file/<int:n>")
@token_required
def api_file(upload_id: int, n: int):
    """The n-th file exactly as uploaded."""
    return _send(g.api_user, actor_for(g.api_user), upload_id, n)


@api_bp.post("/archive/uploads/<int:upload_id>/pages")
@token_required
def api_assign(upload_id: int):
    """Assign a page by hand: {"file": n, "page": p, "document_id": id or null, "doc_page": k}."""
    body = json_body()
    upload = uploads.upload_for(session(), g.api_user, upload_id)
    for key in ("file", "page"):
        if not isinstance(body.get(key), int):
            raise InvalidInput("Thiếu số tệp hoặc số trang.", {key: ["Phải là số."]})
    uploads.assign_page(session(), actor_for(g.api_user), g.api_user, upload, body["file"], body["page"],
                        body.get("document_id"), body.get("doc_page"))
    session().commit()
    return jsonify(uploads.report(session(), upload, g.api_user))


@api_bp.post("/archive/uploads/<int:upload_id>/accept")
@token_required
def api_accept(upload_id: int):
    """The secretary accepts: complete documents count as signed."""
    upload = uploads.upload_for(session(), g.api_user, upload_id)
    uploads.accept(session(), actor_for(g.api_user), g.api_user, upload)
    session().commit()
    return jsonify(uploads.report(session(), upload, g.api_user))


@api_bp.get("/archive/documents")
@token_required
def api_documents():
    """Documents with their signed state; filters unit_id (required), year, member_id, kind, state, below=1."""
    args = request.args
    unit_id, year = _int_arg(args.get("unit_id"), "unit_id"), _int_arg(args.get("year"), "year")
    if unit_id is None or year is None:
        raise InvalidInput("Cần unit_id và year.", {"unit_id": ["Bắt buộc."], "year": ["Bắt buộc."]})
    states = listing.document_states(session(), g.api_user, unit_id, year,
                                     member_id=_int_arg(args.get("member_id"), "member_id"),
                                     kind=args.get("kind") or None, state=args.get("state") or None,
                                     below=args.get("below") == "1")
    return jsonify([s.as_dict() for s in states])


def _send(user: User, actor: Actor, upload_id: int, n: int):
    upload = uploads.upload_for(session(), user, upload_id)
    stored = uploads.stored_file(session(), archive(), actor, upload, n, user)
    session().commit()
    response = send_file(io.BytesIO(stored.data), mimetype=stored.row.media_type if stored.whole
                         else "application/pdf", as_attachment=True, download_name=stored.name, max_age=0)
    if stored.whole:
        response.headers["X-Content-SHA256"] = stored.row.sha256
    return response


# ---- Pages (session) ----
@bp.get("/units/<int:unit_id>/archive/<int:year>")
@login_required
def unit_archive(unit_id: int, year: int):
    """Upload form, the documents' signed state (filtered), the unit's uploads and, above chi bộ, every unit."""
    return _archive_page(_unit(current(), unit_id), year)


def _archive_page(unit: Unit, year: int, errors: dict | None = None, status: int = 200):
    user, args = current(), request.args
    member_id, kind, state = _int_arg(args.get("member_id"), "member_id"), args.get("kind") or None, \
        args.get("state") or None
    below = bool(unit.children)
    # Above a chi bộ the full list runs to thousands of rows: the progress table first, the list once filtered.
    listed = not below or bool(kind or state)
    states = listing.document_states(session(), user, unit.id, year, member_id=member_id, kind=kind, state=state,
                                     below=below) if listed else []
    members, departed = listing.filter_members(session(), unit.id, year) if not below else ([], [])
    listed_uploads = listing.recent_uploads(session(), user, unit.id, year)
    for upload in listed_uploads:  # one whose reading was cut short says so here too, not "processing" forever
        _followed(upload)
    return render_template(
        "archive_unit.html", unit=unit, year=year, states=states, listed=listed, below=below, filters={"member_id": member_id, "kind": kind,
                                                                          "state": state},
        signed_states=listing.SIGNED_STATES, kinds=kinds_for(regime_for_year(year)), members=members,
        departed=departed,
        progress=listing.unit_progress(session(), user, unit.id, year) if below else [],
        uploads=listed_uploads, packets=printed.packets_of(
            session(), unit.id, year), may_upload=uploads.may_manage(session(), user, unit.id),
        limits=archive().limits, errors=errors or {}), status


@bp.post("/units/<int:unit_id>/archive/<int:year>/uploads")
@login_required
def upload(unit_id: int, year: int):
    """Receive the files; a refused request stores nothing and says, per file, why."""
    unit = _unit(current(), unit_id)
    if not uploads.may_manage(session(), current(), unit.id):
        raise NotFound("Không tìm thấy tổ chức đảng.")
    try:
        received = _receive(current(), current_actor(), default_unit=unit.id,
                            year=year if 1900 <= year <= 2200 else None)
    except InvalidInput as exc:
        session().rollback()
        flash(exc.message, "error")
        return _archive_page(unit, year, exc.fields, 422)
    flash(f"Đã nhận và lưu {len(received.files)} tệp; đang đọc mã QR các trang.", "info")
    return redirect(url_for("archive.show", upload_id=received.id))


@bp.get("/archive/uploads/<int:upload_id>")
@login_required
def show(upload_id: int):
    """The report: documents complete or missing pages, a picture of every page (signature pages large), strays to
    assign by hand, signatures, files; acceptance behind a confirmation, then who accepted and when."""
    upload = uploads.upload_for(session(), current(), upload_id)
    job = _followed(upload)
    audit.record(session(), current_actor(), "view", object_type="upload", object_id=upload.id,
                 unit_id=upload.unit_id)
    session().commit()
    if upload.state in ("processing", "refused"):
        return render_template("archive_upload_status.html", upload=upload, unit=session().get(Unit, upload.unit_id),
                               status=uploads.status(session(), upload, job),
                               files=[(f.position, intake.neutral_name(f.original_name), f.pages)
                                      for f in upload.files])
    return _report_page("archive_upload.html", upload)


@bp.get("/archive/uploads/<int:upload_id>/status")
@login_required
def status(upload_id: int):
    """Polled by the upload's page while its pages are read."""
    upload = uploads.upload_for(session(), current(), upload_id)
    body = uploads.status(session(), upload, _followed(upload))
    return jsonify(body)


@bp.post("/archive/uploads/<int:upload_id>/cancel")
@login_required
def cancel(upload_id: int):
    """Stop reading the pages."""
    upload = uploads.upload_for(session(), current(), upload_id)
    _cancel(upload, current())
    flash("Đã yêu cầu dừng đọc các trang.", "info")
    return redirect(url_for("archive.show", upload_id=upload.id))


def _cancel(upload, user: User) -> None:
    if not uploads.may_manage(session(), user, upload.unit_id):
        raise NotFound("Không tìm thấy lần tải lên.")
    if upload.state == "processing" and upload.job_id:
        session().commit()
        job = jobs().cancel(upload.job_id)
        if uploads.follow_job(session(), upload, job):
            session().commit()


def _report_page(template: str, upload, status: int = 200, **extra):
    """The report as this user may see it: a secretary of one of several units on the upload gets only their
    documents, their pages' pictures and their acceptance."""
    report = uploads.report(session(), upload, current())
    view = uploads.view_of(session(), current(), upload)
    to_sign = [d for d in report["documents"] if d["complete"] and not d["signed"]]
    accepted_by = session().get(User, upload.accepted_by_id) if upload.accepted_by_id else None
    return render_template(template, upload=upload, report=report, to_sign=to_sign,
                           incomplete=[d for d in report["documents"] if not d["complete"]],
                           pages=[p for p in thumbnails.gallery(session(), upload) if view.sees(p.document_id)],
                           accepted_by=accepted_by,
                           assignable=uploads.assignable(session(), upload),
                           may_manage=view.full and uploads.may_manage(session(), current(), upload.unit_id),
                           unit=session().get(Unit, upload.unit_id), **extra), status


@bp.get("/archive/uploads/<int:upload_id>/files/<int:n>/pages/<int:page>/<size>.png")
@login_required
def page_picture(upload_id: int, n: int, page: int, size: str):
    """A picture of one uploaded page (small, or large enough to see a signature), for whoever may see the upload;
    drawn once from the stored file and kept in the data folder."""
    upload = uploads.upload_for(session(), current(), upload_id)
    uploads.check_page_visible(session(), current(), upload, n, page)
    png = thumbnails.picture(archive(), current_app.config["SETTINGS"].data_dir / "page-pictures", upload, n, page,
                             size)
    response = send_file(io.BytesIO(png), mimetype="image/png", max_age=0)
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


@bp.get("/archive/uploads/<int:upload_id>/accept")
@login_required
def confirm_accept(upload_id: int):
    """The confirmation step before accepting: what will count as signed, and that it cannot be undone."""
    upload = uploads.upload_for(session(), current(), upload_id)
    return _report_page("archive_accept.html", upload)


@bp.post("/archive/uploads/<int:upload_id>/pages")
@login_required
def assign(upload_id: int):
    """Assign (or clear) one page by hand."""
    upload = uploads.upload_for(session(), current(), upload_id)
    form = request.form
    file_n, page = _int_arg(form.get("file"), "file") or 0, _int_arg(form.get("page"), "page") or 0
    try:
        document_id = _int_arg(form.get("document_id"), "document_id")
        if document_id is None and form.get("action") == "assign":   # "Gán" with nothing chosen is not a clearing
            raise InvalidInput(f"Chưa gán trang {page}: hãy chọn văn bản của trang này rồi bấm “Gán”.",
                               {"document_id": ["Chọn một văn bản trong danh sách."]})
        uploads.assign_page(session(), current_actor(), current(), upload, file_n, page, document_id,
                            _int_arg(form.get("doc_page"), "doc_page"))
    except InvalidInput as exc:   # the report again, the row's choice kept and its message beside it
        session().rollback()
        flash(exc.message, "error")
        typed = {"file": file_n, "page": page, "document_id": form.get("document_id", ""),
                 "doc_page": form.get("doc_page", ""), "fields": exc.fields}
        return _report_page("archive_upload.html", upload, 422, assign_error=typed)
    session().commit()
    flash("Đã gán trang." if document_id else "Đã bỏ gán trang.", "info")
    return redirect(url_for("archive.show", upload_id=upload.id) + "#trang-chua-nhan")


@bp.post("/archive/uploads/<int:upload_id>/accept")
@login_required
def accept(upload_id: int):
    """Accept (write-once, cannot be undone): every complete document now counts as signed. Only with the
    confirmation ticked; otherwise the confirmation page comes back and nothing is recorded."""
    upload = uploads.upload_for(session(), current(), upload_id)
    if request.form.get("confirmed") != "1":
        if not uploads.may_manage(session(), current(), upload.unit_id):
            raise NotFound("Không tìm thấy lần tải lên.")
        return _report_page("archive_accept.html", upload, 422,
                            error="Chưa ghi nhận: hãy đánh dấu ô xác nhận đã xem các trang ký rồi bấm lại.")
    newly = uploads.accept(session(), current_actor(), current(), upload)
    session().commit()
    flash(f"Đã xác nhận tiếp nhận: {len(newly)} văn bản được ghi nhận là đã có bản ký." if newly
          else "Đã xác nhận; các văn bản đủ trang đã được ghi nhận từ trước.", "info")
    return redirect(url_for("archive.show", upload_id=upload.id))


@bp.get("/archive/uploads/<int:upload_id>/files/<int:n>")
@login_required
def file(upload_id: int, n: int):
    """Download a stored file, unchanged."""
    return _send(current(), current_actor(), upload_id, n)


@bp.get("/documents/<int:document_id>/history")
@login_required
def history(document_id: int):
    """Everything that happened to a document: saves, uploads that held its pages, acceptance, downloads."""
    doc: Document = access.document_for(session(), current(), document_id)
    upload_ids = uploads.uploads_holding(session(), doc.id)
    events = audit.history(session(), document_ids=[doc.id],
                           object_refs=[("upload", str(u)) for u in upload_ids])
    audit.record(session(), current_actor(), "view", object_type="document", object_id=doc.id,
                 unit_id=doc.cycle.unit_id, document_id=doc.id, page="history")
    session().commit()
    copies = uploads.signed_copies(session(), [doc.id])
    return render_template("archive_history.html", doc=doc, events=events, actions=audit.ACTIONS,
                           copy=copies.get(doc.id), title=get_kind(doc.kind_code).title)
