"""Pages of the review cycle: the dashboard of a unit and year, a member's facts, rating steps, the meeting."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask import session as flask_session
from flask_login import login_required

from forms.review import MemberYearForm, StepForm
from service import access, documents, dossier, member_year, text, unit_rules, units
from service.archive import listing
from service.catalog import kinds_for, readable_errors
from service.errors import InvalidInput, NotFound
from service.models import MEMBER_STATUSES, Member, Unit
from service.regimes import regime_for_year
from service.review import dashboard, meeting, people, ratings
from service.review.models import ATTENDANCE, MemberYear, step_labels, utcnow
from service.rules import LEVEL_LABELS, LEVELS

from .auth import current, current_actor
from .display import summary_line
from .database import session
from .inputs import int_param

bp = Blueprint("review", __name__)
UNIT_FAMILIES = ("collective-report", "minutes", "vote-count", "summary", "ballot", "dossier-list",
                 "rerating-decision")
# The documents of a chi bộ's own meeting about its members: a đảng bộ (whose members all sit in its chi bộ) has
# none of them on its own board; it has its collective report, the dossier list and the re-rating decision.
CHI_BO_MEETING_FAMILIES = ("minutes", "vote-count", "summary", "ballot")


def unit_families(unit: Unit) -> tuple[str, ...]:
    """The unit documents of this kind of unit."""
    if unit.kind in units.CHI_BO_KINDS:
        return UNIT_FAMILIES
    return tuple(f for f in UNIT_FAMILIES if f not in CHI_BO_MEETING_FAMILIES)


def _unit(unit_id: int) -> Unit:
    """A unit the user manages, else 404."""
    unit = session().get(Unit, unit_id)
    if unit is None or unit.id not in access.visible_unit_ids(session(), current()):
        raise NotFound("Không tìm thấy tổ chức đảng.")
    return unit


def _state(unit: Unit, year: int):
    cycle = documents.cycle_for(session(), unit, year)
    return cycle, people.load_cycle(session(), cycle)


@bp.get("/units/<int:unit_id>/review/<int:year>")
@login_required
def board(unit_id: int, year: int):
    """Everything about the unit's review of the year on one screen."""
    unit = _unit(unit_id)
    outcome = flask_session.pop("step_outcome", None)
    if not outcome or (outcome.get("unit_id"), outcome.get("year")) != (unit.id, year):
        outcome = None
    return _board_page(unit, year, outcome)


def _board_page(unit: Unit, year: int, outcome: dict | None = None, status: int = 200):
    """The board; `outcome` is the last step's result, shown on the row it concerns (member id or "unit")."""
    regime = regime_for_year(year)
    boards = dashboard.boards(session(), unit, year)
    unit_kinds = [k for k in kinds_for(regime) if k.family in unit_families(unit)]
    unit_docs = list(zip(unit_kinds, member_year.unit_documents(boards[0].documents, year, unit_kinds)))
    signed = listing.unit_signed_counts(session(), current(), unit.id, year) if current().role != "member" else {}
    return render_template("review_board.html", unit=unit, year=year, regime=regime, boards=boards,
                           packets=dossier.recent_packets(session(), unit.id, year), signed=signed,
                           totals=dashboard.totals(boards[1:]), unit_docs=unit_docs,
                           member_steps=step_labels(unit.kind, True), unit_steps=step_labels(unit.kind, False),
                           step_choices=ratings.steps_for(current().role),
                           levels=LEVELS, outcome=outcome, user=current(),
                           rule_readings=unit_rules.in_force(session(), unit.id),
                           rule_readings_editable=unit_rules.may_change(session(), current(), unit),
                           member_links=links_of_members(unit, year, [row.member for row in boards[0].rows])), status


def member_links(unit: Unit, year: int, member: Member) -> list[tuple[str, str]]:
    """(label, url) of a member's documents of the year (self-review, commitment, Mẫu 05 per quarter where the
    regime has it) and, last, of their facts page: what the board row and the facts page list."""
    return links_of_members(unit, year, [member])[member.id]


# An id no member has (int4's largest): the links are built once with it, then each member's id is put in its place.
_ANY_MEMBER = 2_147_483_647


def links_of_members(unit: Unit, year: int, members: list[Member]) -> dict[int, list[tuple[str, str]]]:
    """member_links of many members with seven url_for calls in all, not seven per member (a board of 150 members
    spent a fifth of its time building the same URLs)."""
    def doc(family: str, **args) -> str:
        return url_for("pages.member_document", member_id=_ANY_MEMBER, family=family, year=year, **args)

    links = [("Bản tự kiểm điểm", doc("personal-review")), ("Bản cam kết", doc("commitment"))]
    if any(k.family == "self-rating" for k in kinds_for(regime_for_year(year))):
        links += [(f"Mẫu 05 quý {numeral}", doc("self-rating", quarter=n))
                  for n, numeral in enumerate(("I", "II", "III", "IV"), 1)]
    links.append(("Thông tin năm, lịch sử xếp loại",
                  url_for("review.member_facts", unit_id=unit.id, year=year, member_id=_ANY_MEMBER)))
    marker = str(_ANY_MEMBER)
    return {m.id: [(label, href.replace(marker, str(m.id))) for label, href in links] for m in members}


def _anchor(member: Member | None) -> str:
    return f"m-{member.id}" if member else "tap-the"


@bp.post("/units/<int:unit_id>/review/<int:year>/steps")
@login_required
def record_step(unit_id: int, year: int):
    """Record a proposal, decision or re-rating. The outcome is shown on the row it concerns: after success the
    board is shown again at that row; a refused or incomplete step changes nothing, and the board comes back
    (4xx) with the choices kept and the reasons on the row."""
    unit = _unit(unit_id)
    form = StepForm(request.form)
    member = None
    raw_member = request.form.get("member_id", "")
    if raw_member:
        member = session().get(Member, int_param(raw_member, "member_id"))
        if member is None or member.unit_id != unit.id:
            raise NotFound("Không tìm thấy đảng viên.")
    outcome = {"unit_id": unit.id, "year": year, "target": member.id if member else "unit",
               "values": {name: str(form[name].data or "") for name in ("step", "level", "note", "override_reason")}}
    if not form.validate():
        outcome.update(ok=False, message="Chưa ghi: " + " ".join(m for msgs in form.errors.values() for m in msgs),
                       reasons=[])
        return _board_page(unit, year, outcome, 422)
    cycle = documents.cycle_for(session(), unit, year)
    try:
        ratings.record_step(session(), cycle, member, form.step.data, form.level.data, current(),
                            default_place=current_app.config["SETTINGS"].default_place,
                            note=form.note.data, override_reason=form.override_reason.data, actor=current_actor())
    except ratings.StepRefused as exc:
        session().rollback()
        outcome.update(ok=False, message="Chưa ghi: " + exc.message,
                       reasons=[f"{r['message']} ({r['source']})" for r in exc.reasons])
        return _board_page(unit, year, outcome, exc.status)
    session().commit()
    who = f"đồng chí {member.full_name}" if member else f"tập thể {unit.name}"
    outcome.update(ok=True, reasons=[], values={},
                   message=f"Đã ghi bước “{step_labels(unit.kind, member is not None)[form.step.data]}” của {who}: "
                           f"{LEVEL_LABELS[form.level.data]}.")
    flask_session["step_outcome"] = outcome
    return redirect(url_for("review.board", unit_id=unit.id, year=year) + "#" + _anchor(member))


@bp.route("/units/<int:unit_id>/review/<int:year>/members/<int:member_id>", methods=["GET", "POST"])
@login_required
def member_facts(unit_id: int, year: int, member_id: int):
    """A member's facts of the year (discipline, tasks, leave, temporary activity) and rating history."""
    unit = _unit(unit_id)
    member = session().get(Member, member_id)
    if member is None or member.unit_id != unit.id:
        raise NotFound("Không tìm thấy đảng viên.")
    cycle, state = _state(unit, year)
    row = state.facts.get(member.id) or MemberYear(cycle_id=cycle.id, member_id=member.id, facts={},
                                                   temporary_unit="", temporary_comments="")
    if request.method == "POST":
        form = MemberYearForm(request.form)
        if form.validate():
            data = form.json_data()
            row.temporary_unit, row.temporary_comments = data.pop("temporary_unit"), data.pop("temporary_comments")
            row.facts, row.updated_at = data, utcnow()
            session().add(row)
            session().commit()
            flash("Đã lưu thông tin năm của đảng viên.", "info")
            return redirect(url_for("review.member_facts", unit_id=unit.id, year=year, member_id=member.id))
        # Nothing is saved: end the transaction (a year's cycle created on this first visit is written again on the
        # next one) so that keeping the message in the web session does not wait on its lock (SQLite: a 500).
        session().rollback()
        flash("Chưa lưu: có mục chưa hợp lệ.", "error")
    else:
        form = MemberYearForm(data={**row.facts, "temporary_unit": row.temporary_unit,
                                    "temporary_comments": row.temporary_comments})
    history = [s for s in state.steps if s.member_id == member.id]
    return render_template("review_member.html", unit=unit, year=year, member=member, form=form, history=history,
                           steps=step_labels(unit.kind, True), levels=LEVEL_LABELS, excluded=people.excluded_reason(state, member),
                           links=member_links(unit, year, member)[:-1])


MEETING_FIELDS = {"held_on": "Ngày họp", "opened_at": "Giờ khai mạc", "closed_at": "Giờ bế mạc", "place": "Địa điểm",
                  "chair": "Chủ trì", "secretary": "Thư ký"}
VOTE_CODES = ("xuat_sac", "tot", "hoan_thanh", "khong_hoan_thanh")


@bp.route("/units/<int:unit_id>/review/<int:year>/meeting", methods=["GET", "POST"])
@login_required
def meeting_page(unit_id: int, year: int):
    """Attendance and votes of the review meeting, saved as often as needed. A refused save keeps everything typed
    on the page (422) with each message on its field or member row and a summary linking to them."""
    unit = _unit(unit_id)
    cycle, state = _state(unit, year)
    active = state.attending()  # as on the year's board date: a past year shows who was active then
    voting = {m.id for m in state.members if not people.excluded_reason(state, m)}
    if request.method == "POST":
        form = request.form
        data = {key: form.get(key, "") for key in MEETING_FIELDS}
        data["attendance"] = [{"member_id": m.id, "status": form.get(f"status-{m.id}", "absent_no_reason"),
                               "reason": form.get(f"reason-{m.id}", "")} for m in active]
        tallied = [m for m in active if m.id in voting]
        data["tallies"] = [{"member_id": m.id, **{code: form.get(f"votes-{m.id}-{code}", "") for code in VOTE_CODES}}
                           for m in tallied]
        try:
            meeting.save_meeting(session(), state, data)
        except InvalidInput as exc:
            session().rollback()
            return _meeting_page(unit, year, state, active, voting, data, _meeting_errors(exc.fields, active, tallied))
        session().commit()
        flash("Đã lưu thông tin hội nghị: điểm danh và số phiếu đã thay bản trước.", "info")
        return redirect(url_for("review.meeting_page", unit_id=unit.id, year=year))
    record = meeting.meeting_for(session(), cycle)
    session().commit()
    data = {"held_on": text.short_date(record.held_on) if record.held_on else "",
            **{key: getattr(record, key) or "" for key in MEETING_FIELDS if key != "held_on"}}
    saved = {a.member_id: a for a in record.attendance}
    data["attendance"] = [{"member_id": m.id, "status": saved[m.id].status if m.id in saved else "",
                           "reason": saved[m.id].reason if m.id in saved else ""} for m in active]
    tallies = {t.member_id: t for t in record.tallies}
    data["tallies"] = [{"member_id": m.id, **{code: str(getattr(tallies[m.id], code) or "") if m.id in tallies else ""
                                               for code in VOTE_CODES}} for m in active if m.id in voting]
    return _meeting_page(unit, year, state, active, voting, data, None, record)


def _meeting_errors(fields: dict[str, list[str]], active: list[Member], tallied: list[Member]) -> dict:
    """The service's messages placed where they belong: a field, a member's row, or the page."""
    out: dict = {"fields": {}, "rows": {}, "wrong": {}, "other": []}  # wrong: member id → "status", "reason", "votes"
    for key, messages in fields.items():
        name, _, index = key.partition("[")
        if name in MEETING_FIELDS:
            out["fields"].setdefault(name, []).extend(messages)
        elif name in ("attendance", "tallies") and index[:index.find("]")].isdigit():
            rows = active if name == "attendance" else tallied
            i = int(index[:index.find("]")])
            if i < len(rows):
                out["rows"].setdefault(rows[i].id, []).extend(messages)
                part = index.partition("].")[2] if name == "attendance" else "votes"
                out["wrong"].setdefault(rows[i].id, set()).add(part)
                continue
            out["other"].extend(messages)
        else:
            out["other"].extend(messages)
    return out


def _meeting_page(unit: Unit, year: int, state, active: list[Member], voting: set[int], data: dict,
                  errors: dict | None, record=None):
    """The meeting page with `data` in its fields (as saved, or as just typed when `errors` says why not)."""
    attendance = {row["member_id"]: row for row in data["attendance"]}
    votes = {row["member_id"]: row for row in data["tallies"]}
    tally = {r["member"].id: r for r in meeting.tally_rows(state, record)} if record is not None else {}
    rows = [{"member": m, "status": attendance.get(m.id, {}).get("status", ""),
             "reason": attendance.get(m.id, {}).get("reason", ""), "votes": votes.get(m.id) if m.id in voting else None,
             "result": tally.get(m.id), "errors": (errors or {}).get("rows", {}).get(m.id, [])} for m in active]
    for row in rows:  # which of a refused row's fields are wrong: its votes (those not numbers, else all of them:
        # the sum rule concerns them all), its attendance or its reason
        wrong = (errors or {}).get("wrong", {}).get(row["member"].id, set())
        typed = row["votes"] or {}
        bad = {code for code in VOTE_CODES if meeting.parse_votes(typed.get(code, "")) is None}
        row["invalid"] = (bad or set(VOTE_CODES)) if "votes" in wrong and row["votes"] is not None else set()
        row["wrong"] = wrong
    summary = []
    if errors:
        summary += [(f"f-{name}", summary_line(MEETING_FIELDS[name], m)) for name, msgs in errors["fields"].items()
                    for m in msgs]
        for row in rows:  # most messages name the member already: the name is not put in front a second time
            name = row["member"].full_name
            summary += [(f"row-{row['member'].id}", m if name in m else f"{name}: {m}") for m in row["errors"]]
        summary += [("diem-danh", m) for m in errors["other"]]
    counts = meeting.counts(state, record) if record is not None else None
    away = [(m, MEMBER_STATUSES.get(state.year_status(m), state.year_status(m)))
            for m in state.members if m not in active]  # with their status in that year, not today's
    return render_template("review_meeting.html", unit=unit, year=year, data=data, rows=rows, counts=counts, away=away,
                           statuses=ATTENDANCE, fields=MEETING_FIELDS, vote_codes=VOTE_CODES, levels=LEVEL_LABELS,
                           field_errors=(errors or {}).get("fields", {}), summary=summary), 422 if errors else 200


@bp.get("/units/<int:unit_id>/documents/<int:year>/<family>")
@login_required
def unit_document(unit_id: int, year: int, family: str):
    """Open (create on first use) one of the unit's documents of the year, pre-filled from what is recorded."""
    unit = _unit(unit_id)
    regime = regime_for_year(year)
    kind = next((k for k in kinds_for(regime) if k.family == family and k.family in unit_families(unit)), None)
    if kind is None:
        raise NotFound("Không có loại văn bản này.")
    settings = current_app.config["SETTINGS"]
    facts = documents.unit_facts(unit, year, settings.default_place)
    facts.update(meeting.document_facts(session(), documents.cycle_for(session(), unit, year)))
    doc = documents.open_document(session(), kind, unit, year, facts=facts)
    session().commit()
    return redirect(url_for("pages.edit", doc_id=doc.id))


@bp.post("/units/<int:unit_id>/documents/<int:year>/<family>/refresh")
@login_required
def refresh_unit_document(unit_id: int, year: int, family: str):
    """Bring a unit document up to date with the recorded meeting and rating steps, as a new draft revision:
    what the records give replaces the saved value, everything else typed is kept, earlier revisions stay."""
    unit = _unit(unit_id)
    regime = regime_for_year(year)
    kind = next((k for k in kinds_for(regime) if k.family == family and k.family in unit_families(unit)), None)
    if kind is None or not kind.schema.recorded:
        raise NotFound("Không có loại văn bản này hoặc văn bản không lấy dữ liệu từ hội nghị.")
    settings = current_app.config["SETTINGS"]
    facts = documents.unit_facts(unit, year, settings.default_place)
    facts.update(meeting.document_facts(session(), documents.cycle_for(session(), unit, year)))
    doc = documents.open_document(session(), kind, unit, year, facts=facts)
    session().commit()  # a document opened here for the first time stays, whatever follows
    back = redirect(url_for("pages.edit", doc_id=doc.id))
    try:
        data = kind.schema.check(kind, kind.schema.refreshed(doc.data, facts), draft=True,
                                rules=unit_rules.settings_for(session(), unit.id))
    except InvalidInput as exc:
        flash("Chưa cập nhật: dữ liệu sau khi cập nhật chưa hợp lệ, văn bản giữ nguyên. "
              + readable_errors(kind, exc.fields), "error")
        return back
    if doc.revision and data == doc.data:
        flash("Không có gì mới: văn bản đã khớp với dữ liệu hội nghị và xếp loại đã ghi.", "info")
        return back
    documents.save_revision(session(), doc, data, current(), status="draft",
                            note="Cập nhật từ dữ liệu hội nghị và xếp loại đã ghi")
    session().commit()
    flash("Đã cập nhật từ dữ liệu hội nghị và xếp loại đã ghi, lưu thành bản nháp mới (bản trước vẫn còn trong "
          "lịch sử); các mục hệ thống không có được giữ nguyên.", "info")
    return back
