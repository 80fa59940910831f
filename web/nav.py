"""What base.html needs on every page: navigation, task counts, languages, log-out target."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import Flask, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from engine import permissions
from engine.models import User
from engine.read import queries
from web.context import db
from web.i18n import LANGUAGES

#: A function whose counts are merged into nav_counts (create_app passes "unread").
NavCounter = Callable[[User], dict[str, int]]


def _endpoint_href(app: Flask, endpoint: str) -> str | None:
    return url_for(endpoint) if endpoint in app.view_functions else None


def nav_context(app: Flask, counters: Sequence[NavCounter] = ()) -> dict[str, Any]:
    lang = str(get_locale() or "vi")
    here = request.full_path if request.query_string else request.path
    context: dict[str, Any] = {
        "lang": lang,
        "languages": [
            {
                "code": code,
                "label": label,
                "href": url_for("i18n.set_language", code=code, next=here),
                "active": code == lang,
            }
            for code, label in LANGUAGES.items()
        ],
        "logout_href": url_for("auth.logout"),
    }
    if not current_user.is_authenticated:
        return context
    user: User = current_user.user
    counts: dict[str, int] = queries.task_counts(db(), user)
    for counter in counters:
        counts.update(counter(user))
    endpoint = request.endpoint or ""
    box = (request.view_args or {}).get("box")
    links = [
        {"key": "mine", "href": url_for("inbox.inbox", box="mine"), "active": box == "mine"},
        {"key": "group", "href": url_for("inbox.inbox", box="group"), "active": box == "group"},
        {
            "key": "dossiers",
            "href": url_for("dossiers.index"),
            "active": endpoint.startswith("dossiers."),
        },
    ]
    links.append(
        {
            "key": "start",
            "label": _("Khởi tạo quy trình"),
            "href": url_for("start.index"),
            "active": endpoint.startswith("start."),
        }
    )
    if permissions.may_open_council_session(user):
        links.append(
            {
                "key": "council",
                "href": url_for("council.index"),
                "active": endpoint.startswith("council."),
            }
        )
    dashboard = _endpoint_href(app, "dashboard.index")
    if dashboard:
        links.append(
            {"key": "dashboard", "href": dashboard, "active": endpoint == "dashboard.index"}
        )
    if permissions.may_administer(user):
        links.append(
            {
                "key": "admin",
                "href": url_for("admin.index"),
                "active": endpoint.startswith("admin."),
            }
        )
    context.update(
        nav_links=links,
        nav_counts=counts,
        notifications_href=_endpoint_href(app, "notifications.index"),
    )
    return context


def init_app(app: Flask, counters: Sequence[NavCounter] = ()) -> None:
    """Give every page the navigation, with the counts of ``counters`` merged in."""
    app.context_processor(lambda: nav_context(app, counters))
