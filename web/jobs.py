"""Background jobs in the web layer: the app's JobService, packet requests, job pages and API."""
from __future__ import annotations

import atexit
import threading

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import login_required

from service import access, dossier
from service.archive import audit
from service.archive.audit import Actor
from service.errors import NotFound
from service.jobs import JobService
from service.models import Job, Unit, User

from .api import bp as api_bp
from .api import json_body, token_required
from .auth import actor_for, current, current_actor
from .database import session
from .inputs import int_param

bp = Blueprint("jobs", __name__)


_lock = threading.Lock()


def init_app(app: Flask) -> None:
    """The JobService is made on first use: the schema may not exist yet when the app is built (CLI, tests)."""
    app.extensions["jobs"] = None


def jobs() -> JobService:
    """The app's JobService: threads in this process, or RQ when REDIS_URL is set."""
    with _lock:
        service = current_app.extensions.get("jobs")
        if service is None:
            settings = current_app.config["SETTINGS"]
            service = JobService(current_app.extensions["db"], settings.data_dir, settings.redis_url)
            current_app.extensions["jobs"] = service
            atexit.register(service.shutdown)
        return service


def _unit(user: User, unit_id: int) -> Unit:
    unit = session().get(Unit, unit_id)
    if unit is None or unit.id not in access.visible_unit_ids(session(), user):
        raise NotFound("Không tìm thấy tổ chức đảng.")
    return unit


def _job(user: User, job_id: str) -> Job:
    """A job about a unit the user manages (404 otherwise, like every other object)."""
    job = jobs().get(job_id)
    unit_id = (job.params or {}).get("unit_id") if job else None
    if job is None or unit_id not in access.visible_unit_ids(session(), user):
        raise NotFound("Không tìm thấy công việc.")
    return job


def _request_packet(user: User, unit_id: int, payload: dict) -> Job:
    params = dossier.packet_params(session(), _unit(user, unit_id), payload)
    # The job row is written from the job service's own session: end this request's transaction first (it may hold
    # SQLite's write lock, e.g. a token's last-use time), or the insert waits on it and fails "database is locked".
    session().commit()
    return jobs().enqueue("packet", params, user_id=user.id, dedupe_key=dossier.dedupe_key(params))


def job_json(job: Job) -> dict:
    """What a client needs to draw a progress bar and to fetch the result."""
    return {"id": job.id, "state": job.state, "state_label": job.state_label, "done": job.done, "total": job.total,
            "step": job.step, "error": job.error, "formats": sorted((job.result_path or {}).keys()),
            "created_at": job.created_at.isoformat() if job.created_at else None,
            "finished_at": job.finished_at.isoformat() if job.finished_at else None}


def _send(job: Job, fmt: str, actor: Actor):
    path = jobs().result_file(job, fmt)
    audit.record(session(), actor, "download", object_type="packet_job", object_id=job.id,
                 unit_id=(job.params or {}).get("unit_id"), format=fmt, file=path.name)
    session().commit()
    return send_file(path, as_attachment=True, download_name=path.name, max_age=0,
                     mimetype="application/pdf" if fmt == "pdf" else "application/zip")


# ---- JSON API (bearer token) ----
@api_bp.post("/units/<int:unit_id>/packets")
@token_required
def api_request_packet(unit_id: int):
    """Queue a packet; 202 with the job."""
    job = _request_packet(g.api_user, unit_id, json_body())
    return jsonify(job_json(job)), 202


@api_bp.get("/jobs/<job_id>")
@token_required
def api_job(job_id: str):
    """State, documents done / total, the current step, the error naming the failing document."""
    return jsonify(job_json(_job(g.api_user, job_id)))


@api_bp.delete("/jobs/<job_id>")
@token_required
def api_cancel(job_id: str):
    """Cancel: a queued job at once, a running one between two documents."""
    _job(g.api_user, job_id)
    return jsonify(job_json(jobs().cancel(job_id)))


@api_bp.get("/jobs/<job_id>/result")
@token_required
def api_result(job_id: str):
    """The packet as PDF or as a ZIP of every DOCX and PDF."""
    return _send(_job(g.api_user, job_id), request.args.get("format", "pdf"), actor_for(g.api_user))


# ---- Pages (session) ----
@bp.post("/units/<int:unit_id>/packets")
@login_required
def request_packet(unit_id: int):
    """The dashboard's button: queue the packet and show its progress."""
    form = request.form
    payload = {"year": int_param(form.get("year"), "year", required=True), "kind": form.get("kind", ""),
               "pdfa": bool(form.get("pdfa"))}
    if form.get("member_id"):
        payload["member_id"] = int_param(form["member_id"], "member_id")
    job = _request_packet(current(), unit_id, payload)
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.get("/jobs/<job_id>")
@login_required
def show(job_id: str):
    """The progress page; the user may leave and come back (and go back to the unit's board from it)."""
    job = _job(current(), job_id)
    params = job.params or {}
    unit = session().get(Unit, params.get("unit_id")) if params.get("unit_id") else None
    return render_template("job.html", job=job, unit=unit, year=params.get("year"))


@bp.get("/jobs/<job_id>/status")
@login_required
def status(job_id: str):
    """Polled by the progress page."""
    return jsonify(job_json(_job(current(), job_id)))


@bp.post("/jobs/<job_id>/cancel")
@login_required
def cancel(job_id: str):
    """Stop the job."""
    _job(current(), job_id)
    jobs().cancel(job_id)
    flash("Đã yêu cầu dừng.", "info")
    return redirect(url_for("jobs.show", job_id=job_id))


@bp.get("/jobs/<job_id>/result/<fmt>")
@login_required
def result(job_id: str, fmt: str):
    """Download the finished packet."""
    return _send(_job(current(), job_id), fmt, current_actor())
