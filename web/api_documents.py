"""JSON API: a member's documents opened and saved as in the pages (same service calls), with the revision a
save started from checked (409 when someone saved in between)."""
from __future__ import annotations

from flask import current_app, g, jsonify
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from service import access, bounds, documents, unit_rules
from service.catalog import get_kind
from service.errors import InvalidInput, NotFound
from service.models import Document
from service.regimes import regime_for_year
from service.review import ratings

from .api import bp, json_body, token_required
from .auth import actor_for
from .database import session

OPEN_KEYS = {"kind", "year", "quarter"}
SAVE_KEYS = {"data", "submit", "base_revision"}


def document_json(doc: Document) -> dict:
    """A document as the API returns it (GET, POST … /documents)."""
    return {"id": doc.id, "kind": doc.kind_code, "year": doc.cycle.year, "quarter": doc.cycle.quarter,
            "member_id": doc.member_id, "status": doc.status, "revision": doc.revision, "data": doc.data}


def _unknown_keys(body: dict, allowed: set[str], errors: bounds.Collector) -> None:
    for key in sorted(set(body) - allowed):
        errors.add(key, f"Trường không được hỗ trợ (chỉ nhận {', '.join(sorted(allowed))}).")


@bp.post("/members/<int:member_id>/documents")
@token_required
def open_member_document(member_id: int):
    """Open (create on first use, pre-filled) the member's document of a kind and year: 201 created, 200 existing.
    The kind is a code of /api/v1/kinds and must be the one this member writes that year."""
    db = session()
    member = access.member_for(db, g.api_user, member_id)
    body = json_body()
    errors = bounds.Collector()
    _unknown_keys(body, OPEN_KEYS, errors)
    code = errors.take(bounds.to_text, body.get("kind"), "kind", "loại văn bản", max_length=60, required=True)
    year = errors.take(bounds.to_int, body.get("year"), "year", "năm kiểm điểm", minimum=1, maximum=9999)
    quarter = errors.take(bounds.to_int, body.get("quarter"), "quarter", "quý", minimum=1, maximum=4,
                          required=False) or 0
    errors.raise_if_any("Yêu cầu mở văn bản chưa hợp lệ.")
    regime_for_year(year)
    try:
        kind = get_kind(code)
    except NotFound:
        raise InvalidInput("Không có loại văn bản này.", {"kind": [
            f"Không có loại văn bản “{code}”; xem danh sách mã ở /api/v1/kinds."]}) from None
    if kind.family not in documents.MEMBER_FAMILIES:
        raise InvalidInput("Đây không phải văn bản của một đảng viên.", {"kind": [
            f"“{kind.title}” là văn bản của tổ chức đảng, không mở theo đảng viên."]})
    expected = documents.member_kind(member, year, kind.family)
    if expected.code != kind.code:
        raise InvalidInput("Sai loại văn bản cho đảng viên và năm này.", {"kind": [
            f"Năm {year} đồng chí {member.full_name} viết “{expected.title}” (mã {expected.code})."]})
    if quarter and kind.family != "self-rating":
        raise InvalidInput("Chỉ bản tự đánh giá, xếp loại (Mẫu 05) có theo quý.", {"quarter": [
            "Bỏ trường quarter với loại văn bản này."]})
    before = db.scalar(select(func.count(Document.id)).where(Document.member_id == member.id))
    place = current_app.config["SETTINGS"].default_place
    try:
        doc = documents.open_member_document(db, member, year, kind.family, place, quarter=quarter)
        db.commit()
    except IntegrityError:  # opened at the same moment by another request: that one created it
        db.rollback()
        doc = documents.open_member_document(db, member, year, kind.family, place, quarter=quarter)
        db.commit()
    created = db.scalar(select(func.count(Document.id)).where(Document.member_id == member.id)) > before
    return jsonify(document_json(doc)), 201 if created else 200


@bp.put("/documents/<int:doc_id>")
@token_required
def save_document(doc_id: int):
    """Save a new revision: `data` holds the fields to change (names as in /api/v1/kinds; fields not sent keep
    their saved values), `submit` true to submit (every required field checked), `base_revision` the revision
    the client started from: 409 with the current revision when someone saved since, nothing overwritten."""
    db = session()
    doc = access.document_for(db, g.api_user, doc_id)
    body = json_body()
    errors = bounds.Collector()
    _unknown_keys(body, SAVE_KEYS, errors)
    base = errors.take(bounds.to_int, body.get("base_revision"), "base_revision", "số lần lưu đã biết "
                       "(base_revision)")
    submit = body.get("submit", False)
    if not isinstance(submit, bool):
        errors.add("submit", "submit phải là true hoặc false.")
    data = body.get("data")
    if not isinstance(data, dict):
        errors.add("data", "data phải là một đối tượng JSON gồm các trường của mẫu (xem /api/v1/kinds).")
    errors.raise_if_any("Yêu cầu lưu văn bản chưa hợp lệ.")
    if base != doc.revision:
        raise documents.StaleRevision(doc.id, doc.revision)
    kind = get_kind(doc.kind_code)
    merged = {**doc.data, **data, "year": doc.cycle.year}  # the cycle fixes the year, whatever was sent
    clean = kind.schema.check(kind, merged, draft=not submit, rules=unit_rules.settings_for(db, doc.cycle.unit_id))
    documents.save_revision(db, doc, clean, g.api_user, status="submitted" if submit else "draft",
                            base_revision=base)
    ratings.record_self_from_document(db, doc, g.api_user, actor_for(g.api_user))
    db.commit()
    return jsonify({"id": doc.id, "status": doc.status, "revision": doc.revision})
