"""Shared by the manager pages (dashboard, documents, awards): access, periods, XLSX replies."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote

from flask import Response, abort, current_app
from flask_babel import LazyString
from flask_login import current_user

from engine import permissions
from engine.calendar import WorkingCalendar
from engine.documents.xlsx import XLSX_MIMETYPE, export_xlsx


def require_manager() -> Response | None:
    """Refuse anyone but the director, the secretariat and admins (a blueprint before_request)."""
    if not current_user.is_authenticated:
        unauthorized: Response = current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
        return unauthorized
    if not permissions.may_see_reports(current_user.user):
        abort(403)
    return None


def calendar() -> WorkingCalendar:
    """Return the working-day calendar the statistics count in."""
    return WorkingCalendar()


def parse_date(value: str | None, default: date) -> date:
    """Return an ISO date from a query parameter, or ``default`` when missing or malformed."""
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


def period(args: Any, days: int = 90) -> tuple[date, date]:
    """Return the (from, to) dates of a page's ``from``/``to`` parameters (last ``days`` days)."""
    today = date.today()
    start = parse_date(args.get("from"), today - timedelta(days=days))
    end = parse_date(args.get("to"), today)
    return (start, end) if start <= end else (end, start)


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Return UTC instants covering the local days ``start``–``end`` inclusive."""
    cal = calendar()
    return (
        datetime.combine(start, datetime.min.time(), cal.tz).astimezone(UTC),
        datetime.combine(end + timedelta(days=1), datetime.min.time(), cal.tz).astimezone(UTC),
    )


def xlsx_response(
    filename: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    title: str,
    footer: Sequence[Any] | None = None,
) -> Response:
    """Return a download of ``rows`` as XLSX (see :func:`export_xlsx`).

    Lazily translated texts (headers, labels) are rendered in the reader's language first:
    a spreadsheet cell holds plain text.
    """

    def cell(value: Any) -> Any:
        return str(value) if isinstance(value, LazyString) else value

    content = export_xlsx(
        [str(h) for h in headers],
        [[cell(v) for v in row] for row in rows],
        str(title),
        heading=str(title),
        footer=[cell(v) for v in footer] if footer is not None else None,
    )
    return Response(
        content,
        mimetype=XLSX_MIMETYPE,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )
