"""Administration pages under /admin: organisation, campaigns, workflow versions, calendar, rules.

Administrators see every section; the council secretariat sees campaigns and the calendar.
Views parse the form, call one :mod:`engine.admin` (or :mod:`engine.workflow.operations`)
operation and render; a ValidationFailed re-renders the page with each message next to its field.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, Response, abort, current_app, render_template
from flask_login import current_user

from engine import permissions
from engine.db import as_id

bp = Blueprint("admin", __name__, url_prefix="/admin")

F = TypeVar("F", bound=Callable[..., Any])


@bp.before_request
def _guard() -> Response | None:
    if not current_user.is_authenticated:
        unauthorized: Response = current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
        return unauthorized
    if not permissions.may_administer(current_user.user):
        abort(403)
    return None


def section(name: permissions.Section) -> Callable[[F], F]:
    """Refuse a page of admin section ``name`` to whoever may not use it (the secretariat has
    only some sections)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not permissions.may_administer(current_user.user, name):
                abort(403)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def optional_int(value: str | None) -> int | None:
    """Return a form's row id, or None when empty, not a number or beyond any row's id."""
    return as_id(value)


@bp.get("/")
def index() -> str:
    full = permissions.may_administer(current_user.user, "org")
    return render_template("admin/index.html", full=full)


from web.admin import (  # noqa: E402, F401 - views on bp
    calendar,
    campaigns,
    imports,
    modeler,
    org,
    process_groups,
    rules,
    status,
    tokens,
    versions,
    webhooks,
)
