"""Shared by the manager pages (dashboard, documents, awards): access, periods, XLSX replies."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote

from flask import Response, abort, current_app
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_login import current_user

from engine import permissions
from engine.calendar import WorkingCalendar
from engine.documents.xlsx import XLSX_MIMETYPE, export_xlsx
from engine.errors import ValidationFailed


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


def parse_date(args: Any, name: str, default: date) -> date:
    """Return the ISO date (YYYY-MM-DD) in query parameter ``name``, or ``default`` when absent
    or empty; anything else raises ValidationFailed naming it (never silently the default)."""
    value = str(args.get(name) or "").strip()
    if not value:
        return default
    try:
        if not value.isascii():
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        message = _("Ngày (%(name)s) phải có dạng YYYY-MM-DD.", name=name)
        raise ValidationFailed(message, {name: message}) from None


def period(args: Any, days: int = 90) -> tuple[date, date]:
    """Return the (from, to) dates of a page's ``from``/``to`` parameters (last ``days`` days)."""
    today = date.today()
    start = parse_date(args, "from", today - timedelta(days=days))
    end = parse_date(args, "to", today)
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
