"""Who may see what: members their own documents, secretaries their chi bộ, offices their subtree."""
from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

from .errors import NotFound
from .models import Document, Member, Unit, User


_PARENTS = bindparam("parents", expanding=True)
# Built once (building a statement costs more Python than running a cached one): every office request asks.
_CHILD_IDS = select(Unit.id).where(Unit.parent_id.in_(_PARENTS))
_CHILDREN = select(Unit).where(Unit.parent_id.in_(_PARENTS))
# A document with its member, cycle and text typed since the last save in the same query: every check of
# document_for and every page reads them.
_DOCUMENT = (select(Document).options(joinedload(Document.member), joinedload(Document.cycle),
                                      joinedload(Document.autosave))
             .where(Document.id == bindparam("id")))


def subtree_ids(session: Session, root_id: int) -> set[int]:
    """The unit and every unit below it."""
    ids, frontier = {root_id}, [root_id]
    while frontier:
        children = session.scalars(_CHILD_IDS, {"parents": frontier}).all()
        frontier = [c for c in children if c not in ids]
        ids.update(frontier)
    return ids


def subtree_units(session: Session, root: Unit) -> dict[int, Unit]:
    """The unit and every unit below it, loaded whole: what subtree_ids finds, without a second query for the rows
    (a chi bộ's board asks once)."""
    units, frontier = {root.id: root}, [root.id]
    while frontier:
        children = session.scalars(_CHILDREN, {"parents": frontier}).all()
        frontier = [c.id for c in children if c.id not in units]
        units.update((c.id, c) for c in children)
    return units


def visible_unit_ids(session: Session, user: User) -> set[int]:
    """Units whose members and documents the user may see."""
    if user.role == "admin":
        return set(session.scalars(select(Unit.id)).all())
    if user.role == "secretary" and user.unit_id:
        return {user.unit_id}
    if user.role == "office" and user.unit_id:
        return subtree_ids(session, user.unit_id)
    return set()


def can_see_member(session: Session, user: User, member: Member) -> bool:
    """A member sees only themself; managers see members of their units."""
    if user.member_id == member.id:
        return True
    return member.unit_id in visible_unit_ids(session, user)


def member_for(session: Session, user: User, member_id: int) -> Member:
    """The member, or NotFound when missing or not visible (indistinguishable on purpose)."""
    member = session.get(Member, member_id)
    if member is None or not can_see_member(session, user, member):
        raise NotFound("Không tìm thấy đảng viên.")
    return member


def document_for(session: Session, user: User, document_id: int) -> Document:
    """The document, or NotFound when missing or not the user's to see."""
    doc = session.execute(_DOCUMENT, {"id": document_id}).scalar_one_or_none()
    if doc is None:
        raise NotFound("Không tìm thấy văn bản.")
    if doc.member is not None and can_see_member(session, user, doc.member):
        return doc
    if doc.member is None and doc.cycle.unit_id in visible_unit_ids(session, user):
        return doc
    raise NotFound("Không tìm thấy văn bản.")
