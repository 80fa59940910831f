"""A user's saved filters of the inboxes and the dossier list: name one, pick it, delete it.

The arguments are the list's own query arguments; the page checks them with
``engine.read.queries.ListFilters`` before saving, and checks them again each time they are
used, so a saved filter can never ask the database more than the list's filter bar can.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Conflict, NotFound, ValidationFailed
from engine.models import SavedFilter, User
from engine.text import bounded
from engine.unit_of_work import unit_of_work

LISTS = ("mine", "group", "dossiers")
#: The query arguments a filter keeps (not the page: a saved filter starts at page 1).
KEYS = ("campaign", "stage", "title", "unit", "due", "q", "sort")
MAX_NAME = 80
MAX_VALUE = 100
MAX_PER_LIST = 30


def filters_of(session: Session, user: User, list_name: str) -> list[SavedFilter]:
    """Return ``user``'s saved filters of ``list_name``, by name."""
    return list(
        session.scalars(
            select(SavedFilter)
            .where(SavedFilter.user_id == user.id, SavedFilter.list_name == list_name)
            .order_by(SavedFilter.name)
        )
    )


def save_filter(
    session: Session, user: User, list_name: str, name: str, args: dict[str, Any]
) -> SavedFilter:
    """Save ``args`` as ``user``'s filter ``name`` of ``list_name``; the same name replaces it."""
    if list_name not in LISTS:
        raise ValidationFailed("Danh sách không có bộ lọc.", {"list": "Danh sách không hợp lệ."})
    label = bounded(name or "", "name", "Tên bộ lọc", MAX_NAME)
    if not label:
        raise ValidationFailed("Đặt tên cho bộ lọc.", {"name": "Đặt tên cho bộ lọc."})
    kept = {k: str(v) for k, v in args.items() if k in KEYS and v not in (None, "")}
    if any(len(v) > MAX_VALUE for v in kept.values()):
        raise ValidationFailed("Bộ lọc quá dài.", {"args": "Bộ lọc quá dài."})
    with unit_of_work(session):
        existing = {f.name: f for f in filters_of(session, user, list_name)}
        row = existing.get(label)
        if row is None:
            if len(existing) >= MAX_PER_LIST:
                raise Conflict(f"Mỗi danh sách lưu tối đa {MAX_PER_LIST} bộ lọc.")
            row = SavedFilter(user_id=user.id, list_name=list_name, name=label)
            session.add(row)
        row.args = kept
        session.flush()
        return row


def own_filter(session: Session, user: User, filter_id: int) -> SavedFilter:
    """Return ``user``'s saved filter ``filter_id``; someone else's is NotFound."""
    row = session.get(SavedFilter, filter_id)
    if row is None or row.user_id != user.id:
        raise NotFound(f"Không tìm thấy bộ lọc #{filter_id}.")
    return row


def delete_filter(session: Session, user: User, filter_id: int) -> str:
    """Delete ``user``'s saved filter; return the list it belonged to."""
    with unit_of_work(session):
        row = own_filter(session, user, filter_id)
        session.delete(row)
        return row.list_name
