"""Saved filters of the inboxes and the dossier list: save the current filter under a name, pick
it again from the list's filter bar, delete it (engine.domain.saved_filters)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from engine.domain import saved_filters
from engine.errors import Conflict, ValidationFailed
from engine.read import queries
from web.common import DOSSIER_SORTS, INBOX_SORTS, actor, require_login
from web.context import db

bp = Blueprint("saved_filters", __name__)
require_login(bp)

#: Each list: its page's endpoint and arguments.
LISTS: dict[str, tuple[str, dict[str, Any]]] = {
    "mine": ("inbox.inbox", {"box": "mine"}),
    "group": ("inbox.inbox", {"box": "group"}),
    "dossiers": ("dossiers.index", {}),
}


def _sorts(list_name: str) -> tuple[str, ...]:
    """The sorts the list's own filter bar accepts."""
    return DOSSIER_SORTS if list_name == "dossiers" else INBOX_SORTS


def list_url(list_name: str, args: dict[str, Any]) -> str:
    """Return the URL of ``list_name`` filtered by ``args``."""
    endpoint, fixed = LISTS[list_name]
    return url_for(endpoint, **fixed, **args)


def context(list_name: str) -> dict[str, Any]:
    """Return what the filter bar needs to show and save the user's filters of the list."""
    return {
        "saved_list": list_name,
        "saved_filters": [
            (f, list_url(list_name, f.args))
            for f in saved_filters.filters_of(db(), actor(), list_name)
        ],
    }


@bp.post("/filters")
def save() -> Response:
    list_name = request.form.get("list", "")
    if list_name not in LISTS:
        raise ValidationFailed("Danh sách không có bộ lọc.", {"list": "Danh sách không hợp lệ."})
    # The same check as the list's own filter bar: a bad value is a 422, never stored.
    filters = queries.ListFilters.from_args(request.form, _sorts(list_name))
    args = filters.as_args(page=None)
    try:
        saved = saved_filters.save_filter(
            db(), actor(), list_name, request.form.get("name", ""), args
        )
    except (ValidationFailed, Conflict) as exc:
        message = exc.field_errors.get("name") if isinstance(exc, ValidationFailed) else None
        flash(message or exc.message, "error")
        return redirect(list_url(list_name, args))
    flash(_("Đã lưu bộ lọc «%(name)s».", name=saved.name), "success")
    return redirect(list_url(list_name, args))


@bp.post("/filters/<int:filter_id>/delete")
def delete(filter_id: int) -> Response:
    row = saved_filters.own_filter(db(), actor(), filter_id)
    name = row.name
    list_name = saved_filters.delete_filter(db(), actor(), filter_id)
    flash(_("Đã xoá bộ lọc «%(name)s».", name=name), "info")
    endpoint, fixed = LISTS[list_name]
    return redirect(url_for(endpoint, **fixed))
