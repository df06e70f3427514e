"""Pages for people: home, a document's form (drafts kept), downloads, revision history."""
from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import login_required
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

import forms
from forms.fields import short_label
from service import access, documents, member_year, output, quarterly, templates, unit_rules
from service import preview as preview_images
from service.archive import audit
from service.catalog import get_kind, readable_errors
from service.errors import InvalidInput, NotFound
from service.models import DOCUMENT_STATUSES, Member, Unit
from service.regimes import FIRST_YEAR, regime_for_year
from service.review import ratings

from . import display
from .auth import current, current_actor
from .database import session
from .downloads import saved_document_file
from .inputs import int_param
from .pdf import converter
from .review import UNIT_FAMILIES

bp = Blueprint("pages", __name__)


def review_years() -> list[int]:
    """Years a user can open, newest first."""
    return list(range(date.today().year, FIRST_YEAR - 1, -1))


@bp.get("/")
@login_required
def home():
    """The user's own documents and, for managers, the members of their units."""
    user, db = current(), session()
    unit_ids = access.visible_unit_ids(db, user)
    units = db.scalars(select(Unit).where(Unit.id.in_(unit_ids)).order_by(Unit.id)).all() if unit_ids else []
    own = member_year.member_years(db, user.member, review_years()) if user.member else []
    return render_template("home.html", user=user, units=units, own=own, years=review_years())


def _open_review(member: Member, year: int):
    regime_for_year(year)
    doc = documents.open_personal_review(session(), member, year, current_app.config["SETTINGS"].default_place)
    session().commit()
    return redirect(url_for("pages.edit", doc_id=doc.id))


@bp.get("/reviews/<int:year>")
@login_required
def my_review(year: int):
    """The logged-in member's self-review of the year."""
    user = current()
    if user.member is None:
        flash("Tài khoản này không gắn với đảng viên nào nên không có bản kiểm điểm cá nhân.", "error")
        return redirect(url_for("pages.home"))
    return _open_review(user.member, year)


@bp.get("/members/<int:member_id>/reviews/<int:year>")
@login_required
def member_review(member_id: int, year: int):
    """A member's self-review, opened by someone allowed to see it."""
    return _open_review(access.member_for(session(), current(), member_id), year)


@bp.get("/members/<int:member_id>/documents/<family>/<int:year>")
@login_required
def member_document(member_id: int, family: str, year: int):
    """Open (create on first use) a member's document of a family: self-review, commitment, Mẫu 05 (?quarter=1…4)."""
    member = access.member_for(session(), current(), member_id)
    quarter = request.args.get("quarter", 0, type=int)
    doc = documents.open_member_document(session(), member, year, family,
                                         current_app.config["SETTINGS"].default_place, quarter=quarter)
    session().commit()
    return redirect(url_for("pages.edit", doc_id=doc.id))


@bp.get("/my/<family>/<int:year>")
@login_required
def my_document(family: str, year: int):
    """The logged-in member's own document of a family (see member_document)."""
    user = current()
    if user.member is None:
        flash("Tài khoản này không gắn với đảng viên nào nên không có văn bản cá nhân.", "error")
        return redirect(url_for("pages.home"))
    return redirect(url_for("pages.member_document", member_id=user.member.id, family=family, year=year,
                            **request.args))


def _rules(doc):
    """The readings of the rating rules in force at the document's unit (its checks and printed lines use them)."""
    return unit_rules.settings_for(session(), doc.cycle.unit_id)


def _form_for(doc, formdata=None, *, draft: bool = False):
    kind = get_kind(doc.kind_code)
    form_cls = forms.form_for(kind)
    if formdata is None:
        return kind, form_cls(data=doc.data, kind=kind, rules=_rules(doc))
    formdata = MultiDict(formdata)
    formdata.setlist("year", [str(doc.cycle.year)])  # the cycle fixes the year, whatever was posted
    return kind, form_cls(formdata, kind=kind, draft=draft, rules=_rules(doc))


SUBMIT_ACTIONS = ("submit", "check")  # "check" is the former name of "Nộp"


@bp.route("/documents/<int:doc_id>", methods=["GET", "POST"])
@login_required
def edit(doc_id: int):
    """Fill in a document: "Lưu nháp" keeps incomplete work, "Nộp" checks it all and submits it; each is a
    revision. Typing in between is kept by autosave (no revision), offered back when the page is reopened."""
    db = session()
    doc = access.document_for(db, current(), doc_id)
    if request.method == "GET":
        page = _view_page(db, doc)
        # The view is recorded once the page is built: its reads and this write share one connection (a commit
        # before them returned it to the pool, and the next read took it back with a round trip to check it).
        audit.record(db, current_actor(), "view", object_type="document", object_id=doc.id,
                     unit_id=doc.cycle.unit_id, document_id=doc.id)
        db.commit()
        return page
    final = request.form.get("action") in SUBMIT_ACTIONS
    kind, form = _form_for(doc, request.form, draft=not final)
    base = _base_revision(doc)
    if base != doc.revision:
        return _stale_page(doc, kind, form)
    if not form.validate():
        flash("Chưa lưu: có mục chưa hợp lệ, xem danh sách lỗi và thông báo đỏ dưới từng mục. Nội dung bạn vừa "
              "nhập vẫn còn trên trang; bản đã lưu trước đó không bị thay đổi.", "error")
        return _page(doc, kind, form, base_revision=base), 422
    try:
        documents.save_revision(db, doc, form.json_data(), current(), status="submitted" if final else "draft",
                                base_revision=base)
    except documents.StaleRevision:  # someone saved between our read and our write
        db.rollback()
        db.refresh(doc)
        return _stale_page(doc, kind, form)
    ratings.record_self_from_document(db, doc, current(), current_actor())
    db.commit()
    flash("Đã nộp: đã kiểm tra đủ các mục, có thể tải văn bản." if final else "Đã lưu bản nháp.", "info")
    return redirect(url_for("pages.edit", doc_id=doc.id))


def _view_page(db, doc) -> str:
    """The document's page as opened: the saved data, the text typed since offered back (or put back with
    ?restore=1), or the saved data checked as a final document (?check=1)."""
    autosaved = documents.pending_autosave(db, doc)
    if not (autosaved is not None and request.args.get("restore")) and not request.args.get("check"):
        kind = get_kind(doc.kind_code)
        return _page(doc, kind, None, autosaved=autosaved, opened=_opened_fields(doc, kind, _rules(doc)))
    kind, form = _form_for(doc)
    if autosaved is not None and request.args.get("restore"):
        kind, form = _form_for(doc, MultiDict([(k, v) for k, vs in autosaved.data.items() for v in vs]),
                               draft=True)
        flash("Đã đưa nội dung đang gõ dở trở lại trang. Bấm “Lưu nháp” để giữ lại.", "info")
        return _page(doc, kind, form)
    if request.args.get("check"):  # the saved data checked as a final document, tables included
        form = forms.form_for(kind)(data=doc.data, kind=kind, rules=_rules(doc))
        form.validate()
    return _page(doc, kind, form, autosaved=autosaved)


@bp.post("/documents/<int:doc_id>/autosave")
@login_required
def autosave(doc_id: int):
    """Keep what is being typed, without a revision (the page sends it a few seconds after a change)."""
    db = session()
    doc = access.document_for(db, current(), doc_id)
    fields = {k: v for k, v in request.form.lists() if k not in ("csrf_token", "action", "base_revision")}
    row = documents.autosave(db, doc, fields, current())
    db.commit()
    return jsonify({"saved_at": row.saved_at.isoformat(), "shown": display.when(row.saved_at)})


@bp.post("/documents/<int:doc_id>/autosave/discard")
@login_required
def discard_autosave(doc_id: int):
    """Drop the text kept while typing; the saved revisions stay."""
    db = session()
    doc = access.document_for(db, current(), doc_id)
    documents.discard_autosave(db, doc)
    db.commit()
    flash("Đã bỏ nội dung gõ dở; văn bản giữ như lần lưu gần nhất.", "info")
    return redirect(url_for("pages.edit", doc_id=doc.id))


@bp.post("/documents/<int:doc_id>/copy-previous")
@login_required
def copy_previous(doc_id: int):
    """Take last year's answers of the same document into this one, as a new draft revision (undo: the history)."""
    db = session()
    doc = access.document_for(db, current(), doc_id)
    found = documents.previous_year_answers(db, doc)
    if found is None:
        flash(f"Không có văn bản cùng loại năm {doc.cycle.year - 1} để chép.", "error")
        return redirect(url_for("pages.edit", doc_id=doc.id))
    year, answers = found
    kind = get_kind(doc.kind_code)
    data = {**doc.data, **answers}
    for _ in range(3):  # answers last year's form allowed but this year's does not are left as they are now
        try:
            data = kind.schema.check(kind, data, draft=True, rules=_rules(doc))
            break
        except InvalidInput as exc:
            refused = {name.split("[", 1)[0].split(".", 1)[0] for name in exc.fields}
            data = {k: (doc.data.get(k) if k in refused else v) for k, v in data.items()
                    if k not in refused or k in doc.data}
    else:
        raise InvalidInput("Nội dung năm trước không chép được vào mẫu năm nay.")
    documents.save_revision(db, doc, data, current(), status="draft", note=f"Chép nội dung từ năm {year}")
    db.commit()
    flash(f"Đã chép nội dung năm {year} vào bản nháp; hãy sửa cho đúng năm {doc.cycle.year} rồi lưu hoặc nộp. "
          "Bản trước vẫn còn trong “các lần lưu”.", "info")
    return redirect(url_for("pages.edit", doc_id=doc.id))


@bp.post("/documents/<int:doc_id>/quarters")
@login_required
def take_up_quarters(doc_id: int):
    """"Lấy từ các quý": the year-end self-review (QĐ 366) as it is on the page, with what the member's submitted
    quarterly self-assessments (Mẫu 05) recorded put into its empty fields and offered beside the others
    (service.quarterly says what maps to what). Nothing is saved: the person saves when satisfied."""
    db = session()
    doc = access.document_for(db, current(), doc_id)
    if doc.member_id is None or not quarterly.applies(doc.kind_code):
        raise NotFound("Chỉ bản tự kiểm điểm cuối năm (từ năm 2025) lấy được nội dung từ các quý.")
    found = quarterly.take_up(db, doc.member_id, doc.cycle.year)
    formdata = MultiDict(request.form)
    filled, offers = [], dict(found.offers)
    for name, value in found.texts.items():
        if formdata.get(name, "").strip():  # never over what the person typed: offered beside it instead
            offers[name] = value
        else:
            formdata.setlist(name, [value])
            filled.append(name)
    kind, form = _form_for(doc, formdata, draft=True)
    takeup = {"summary": found.summary, "filled": filled, "offers": offers, "figures": found.figures,
              "filled_labels": [short_label(form[name].label.text, 60) for name in filled if name in form]}
    return _page(doc, kind, form, base_revision=_base_revision(doc), takeup=takeup)


def _base_revision(doc) -> int:
    """The revision the page was opened at (hidden field); a form without one is taken as the current revision."""
    raw = request.form.get("base_revision", "")
    return int_param(raw, "base_revision") if raw else doc.revision


def _stale_page(doc, kind, form):
    """409: what the person typed stays in the form; the other person's saved version is shown beside it; the
    next save (which now names the latest revision) replaces it deliberately."""
    form.validate()
    theirs = _differences(form, doc.data)
    flash(f"Chưa lưu: người khác đã lưu văn bản này (lần lưu thứ {doc.revision}) trong lúc bạn sửa. Nội dung bạn "
          "nhập vẫn còn nguyên trong biểu mẫu; bản của người kia hiện bên cạnh. Xem lại rồi bấm lưu lần nữa nếu "
          "muốn thay bằng bản của bạn.", "error")
    return _page(doc, kind, form, base_revision=doc.revision, theirs=theirs), 409


def _differences(form, latest: dict) -> list[dict]:
    """Fields whose latest saved value differs from what the person sent: label, anchor, value as text."""
    mine = form.json_data()
    out = []
    for field in form:
        name = field.short_name
        if name == "year" or name not in mine or mine.get(name) == latest.get(name):
            continue
        out.append({"label": field.label.text, "anchor": f"f-{field.name}", "value": _as_text(latest.get(name))})
    return out


def _as_text(value) -> str:
    if value is None or value == "":
        return "(để trống)"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, list):
        return "\n".join(" · ".join(_as_text(v) for v in row.values() if v not in ("", None))
                         if isinstance(row, dict) else _as_text(row) for row in value) or "(để trống)"
    return str(value)


def _page(doc, kind, form, *, base_revision: int | None = None, theirs: list[dict] | None = None,
          autosaved=None, takeup: dict | None = None, opened: OpenedFields | None = None):
    """The document's page with `form` in it, or with `opened`: the fields of the form as opened, already
    rendered (_opened_fields)."""
    if opened is None:
        _add_spare_rows(form)
    refresh_url = None  # unit documents that take the recorded meeting and ratings can be brought up to date
    if doc.member_id is None and kind.family in UNIT_FAMILIES and kind.schema.recorded:
        refresh_url = url_for("review.refresh_unit_document", unit_id=doc.cycle.unit_id, year=doc.cycle.year,
                              family=kind.family)
    heading = member_year.document_heading(kind.title, doc.cycle.year, doc.cycle.quarter)
    return render_template("document_form.html", doc=doc, kind=kind, form=form, statuses=DOCUMENT_STATUSES,
                           heading=heading, fields_html=opened.html if opened else None,
                           refresh_url=refresh_url, theirs=theirs or [],
                           base_revision=doc.revision if base_revision is None else base_revision,
                           autosaved=autosaved, menu=opened.menu if opened else section_menu(form),
                           errors=error_summary(form) if opened is None else [],
                           on_behalf=documents.entered_on_behalf(doc, current()),
                           has_previous=documents.previous_year_answers(session(), doc) is not None,
                           takeup=takeup, quarters_url=url_for("pages.take_up_quarters", doc_id=doc.id)
                           if doc.member_id and quarterly.applies(doc.kind_code) else None)


def _add_spare_rows(form) -> None:
    for field in form:
        if hasattr(field, "row_form"):  # spare lines to type into
            for _ in range(3 if field.entries else 5):
                field.append_entry()


@dataclass(frozen=True)
class OpenedFields:
    """A form's fields as opened (the saved data, spare table rows, no error), rendered, and its section menu."""

    html: Markup
    menu: list[tuple[str, str, bool]]


# The opened fields are a pure function of the kind, the saved data and the rule readings in force (nothing else
# reaches _document_fields.html for a form without errors or take-up), so each app keeps them under a digest of
# exactly those: a save changes the data and with it the key, a change of readings too. Least recently used dropped.
_OPENED_KEPT = 256
_opened_lock = threading.Lock()


def _opened_fields(doc, kind, rules) -> OpenedFields:
    """The fields of the document's form as opened, rendered once per content (members reopen their page far more
    often than they save it: building and rendering the form was most of the page's time)."""
    if current_app.debug or current_app.jinja_env.auto_reload:  # templates may change under a running server
        return _render_opened(doc, kind, rules)
    key = hashlib.blake2b(json.dumps([doc.kind_code, id(kind), doc.data, repr(rules)], sort_keys=True,
                                     ensure_ascii=False, default=str).encode(), digest_size=20).digest()
    kept: OrderedDict[bytes, OpenedFields] = current_app.extensions.setdefault("opened_fields", OrderedDict())
    with _opened_lock:
        found = kept.get(key)
        if found is not None:
            kept.move_to_end(key)
            return found
    found = _render_opened(doc, kind, rules)
    with _opened_lock:
        kept[key] = found
        while len(kept) > _OPENED_KEPT:
            kept.popitem(last=False)
    return found


def _render_opened(doc, kind, rules) -> OpenedFields:
    form = forms.form_for(kind)(data=doc.data, kind=kind, rules=rules)
    _add_spare_rows(form)
    return OpenedFields(Markup(render_template("_document_fields.html", form=form, takeup=None)), section_menu(form))


def section_menu(form) -> list[tuple[str, str, bool]]:
    """(anchor, title, has an error) of the form's parts: the fields before the first numbered section are
    "Thông tin chung", then each numbered section."""
    menu: list[tuple[str, str, bool]] = []
    for field in form:
        if field.name == "year":
            continue
        section = (field.render_kw or {}).get("data-section")
        if section or not menu:
            title = short_label(field.label.text, 48) if section else "Thông tin chung"
            menu.append((f"f-{field.name}", title, bool(field.errors)))
        elif field.errors:
            anchor, title, _ = menu[-1]
            menu[-1] = (anchor, title, True)
    return menu


def error_summary(form) -> list[tuple[str, str]]:
    """(anchor of the input, message naming the field once) of every error, in page order, for the summary at the
    top (web.display.summary_line)."""
    found: list[tuple[str, str]] = []
    for field in form:
        if not field.errors:
            continue
        if hasattr(field, "row_form"):
            for index, entry in enumerate(field.entries):
                for cell in entry.form:
                    where = f"{short_label(field.label.text, 48)}, dòng {index + 1}"
                    for message in cell.errors:
                        cell_name = "" if display.names_field(cell.label.text, message) else f", “{cell.label.text}”"
                        found.append((cell.id, f"{where}{cell_name}: {message}"))
            for message in [m for m in field.errors if isinstance(m, str)]:
                found.append((f"f-{field.name}", display.summary_line(field.label.text, message)))
        else:
            for message in field.errors:
                found.append((field.id, display.summary_line(field.label.text, message)))
    return found


@bp.get("/documents/<int:doc_id>/download/<fmt>")
@login_required
def download(doc_id: int, fmt: str):
    """The saved document as DOCX or PDF; an incomplete one sends the user back to the missing parts."""
    doc = access.document_for(session(), current(), doc_id)
    kind = get_kind(doc.kind_code)
    if fmt not in kind.formats:
        abort(404)
    try:  # checked here first: the printing path reports problems for packets, not per field
        kind.schema.check(kind, doc.data, rules=_rules(doc))
    except InvalidInput as exc:
        flash("Văn bản chưa đủ để in: " + readable_errors(kind, exc.fields), "error")
        return redirect(url_for("pages.edit", doc_id=doc.id, check=1))
    return saved_document_file(doc, fmt, current_actor())


@bp.route("/documents/<int:doc_id>/preview", methods=["GET", "POST"])
@login_required
def preview(doc_id: int):
    """The printed pages as images (JSON list of their addresses), made on request: GET from the last saved
    revision, POST from the form as it is on the page now (what is typed, saved or not); nothing is stored. A draft
    with missing parts previews with them blank; a value that cannot be printed (a wrong date…) answers 422 with
    what to fix, in the words of the form."""
    db = session()
    doc = access.document_for(db, current(), doc_id)
    kind = get_kind(doc.kind_code)
    if request.method == "POST":
        kind, form = _form_for(doc, request.form, draft=True)
        if not form.validate():
            problems = "; ".join(message for _, message in error_summary(form))
            return jsonify({"error": "Chưa xem trước được nội dung đang gõ: " + problems
                            + ". Sửa các mục này (chưa cần lưu) rồi bấm “Xem lại”."}), 422
        data, source_revision = form.json_data(), None
    else:
        data, source_revision = doc.data, doc.revision
    try:
        data = kind.schema.check(kind, data, draft=True, rules=_rules(doc))
    except InvalidInput as exc:
        return jsonify({"error": "Chưa xem trước được: " + readable_errors(kind, exc.fields)}), 422
    source = templates.in_force(db, kind, doc.cycle.unit_id)  # the unit's own template, as printed
    pdf = output.produce(kind, kind.schema.context(kind, data, _rules(doc)), "pdf", converter(), source).content
    key, count = preview_images.page_images(pdf, _preview_folder())
    return jsonify({"revision": source_revision, "pages": [
        url_for("pages.preview_page", doc_id=doc.id, key=key, number=n) for n in range(1, count + 1)]})


@bp.get("/documents/<int:doc_id>/preview/<key>/<int:number>.png")
@login_required
def preview_page(doc_id: int, key: str, number: int):
    """One page image of the preview."""
    access.document_for(session(), current(), doc_id)
    path = preview_images.page_path(_preview_folder(), key, number)
    if path is None:
        abort(404)
    return send_file(path, mimetype="image/png", max_age=0)


def _preview_folder() -> Path:
    return current_app.config["SETTINGS"].data_dir / "previews"


@bp.get("/documents/<int:doc_id>/revisions")
@login_required
def revisions(doc_id: int):
    """Every saved revision of a document, newest first."""
    doc = access.document_for(session(), current(), doc_id)
    return render_template("revisions.html", doc=doc, kind=get_kind(doc.kind_code),
                           revisions=list(reversed(doc.revisions)), statuses=DOCUMENT_STATUSES)
