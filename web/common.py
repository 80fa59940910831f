"""Helpers every page blueprint shares: the signed-in user, log-in guard, paging links."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import quote

from flask import Blueprint, Response, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from engine.files import iter_file
from engine.models import User
from engine.read.queries import NUMBERED_PAGES, ListFilters, Page
from web.extensions import login_manager


def actor() -> User:
    """Return the signed-in user's model."""
    user: User = current_user.user
    return user


def require_login(bp: Blueprint) -> None:
    """Send anyone not signed in to the log-in page, for every view of ``bp``."""

    @bp.before_request
    def _guard() -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return None


@dataclass
class PageLinks:
    """What the pagination macro needs: number, pages, total and href(n)."""

    number: int
    pages: int
    total: int
    href: Callable[[int], str]


def page_links(page: Page[Any], filters: ListFilters, endpoint: str, **values: Any) -> PageLinks:
    """The links of a list's pager: the first NUMBERED_PAGES pages by number, the pages next to
    this one and the last by cursor (keyset paging: a deep page costs what the first does).
    ``href(n)`` is empty for a page no link reaches."""

    def url(**changes: Any) -> str:
        return url_for(endpoint, **values, **filters.as_args(**({"page": None} | changes)))

    def href(n: int) -> str:
        if n <= NUMBERED_PAGES:
            return url(page=n if n > 1 else None)
        if n == page.number + 1 and page.next_cursor:
            return url(cursor=page.next_cursor)
        if n == page.number - 1 and page.prev_cursor:
            return url(cursor=page.prev_cursor)
        if n == page.pages:
            return url(cursor=page.last_cursor)
        return ""

    return PageLinks(page.number, page.pages, page.total, href)


def sort_link(
    filters: ListFilters, key: str, endpoint: str, **values: Any
) -> tuple[str, str | None]:
    """Return (href, aria-sort direction) for a sortable column header."""
    direction = None
    next_sort = key
    if filters.sort == key:
        direction, next_sort = "ascending", f"-{key}"
    elif filters.sort == f"-{key}":
        direction = "descending"
    href = url_for(endpoint, **values, **filters.as_args(sort=next_sort, page=None))
    return href, direction


def form_data(fields: list[dict[str, Any]], form: MultiDict[str, str]) -> dict[str, Any]:
    """Return the submitted values of the declared fields (the engine validates them)."""
    data: dict[str, Any] = {}
    for field_def in fields:
        name = str(field_def.get("name", ""))
        if field_def.get("type") == "boolean":
            data[name] = form.get(name) in ("1", "on", "true")
        elif field_def.get("type") == "checklist":
            data[name] = [v.strip() for v in form.getlist(name) if v.strip()]
        elif name in form:
            data[name] = form.get(name, "").strip()
    return data


#: The sorts of the inboxes and of the dossier list (their pages and their saved filters).
INBOX_SORTS = ("due", "-due", "waiting", "-waiting", "nominee", "-nominee", "dossier", "-dossier")
DOSSIER_SORTS = ("-updated", "updated", "nominee", "-nominee", "id", "-id")


def file_response(
    stream: IO[bytes], filename: str, mimetype: str, size: int | None, etag: str | None = None
) -> Response:
    """Stream a stored file (engine.files) as a download, chunk by chunk, never whole in memory."""
    headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"}
    if size is not None:
        headers["Content-Length"] = str(size)
    response = Response(iter_file(stream), mimetype=mimetype, headers=headers)
    response.direct_passthrough = True
    if etag:
        response.set_etag(etag)
    response.cache_control.no_cache = True
    return response
