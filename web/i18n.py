"""Languages (Vietnamese by default, English) and dates shown in Asia/Ho_Chi_Minh."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, redirect, request, session
from werkzeug.wrappers import Response

LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """Return the language chosen with the switch; Vietnamese until someone chooses.

    The API has no switch: it answers in the request's ``Accept-Language`` (vi by default).
    """
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(tuple(LANGUAGES), default="vi") or "vi"
    chosen = session.get("lang")
    return str(chosen) if chosen in LANGUAGES else "vi"


@bp.get("/lang/<code>")
def set_language(code: str) -> Response:
    from web.auth import safe_next

    if code in LANGUAGES:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next")) or "/")


def local_date(value: datetime | date | None) -> str:
    """Format as dd/mm/yyyy; a datetime (stored in UTC) is shown in Vietnam's time zone."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(LOCAL_TZ)
    return value.strftime("%d/%m/%Y")


def local_datetime(value: datetime | None) -> str:
    """Format a UTC timestamp as dd/mm/yyyy HH:MM in Vietnam's time zone."""
    if value is None:
        return ""
    return value.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")


def local_iso(value: datetime | date | None) -> str:
    """Return the ISO form for a <time datetime> attribute."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(LOCAL_TZ).isoformat(timespec="minutes")
    return value.isoformat()


def role_name(code: str | None) -> str:
    """Return the Vietnamese name of a role (lane) code, or the code when unknown."""
    from engine.models import ROLES

    return next((r.name for r in ROLES if r.code == code), code or "")


def title_name(code: str | None) -> str:
    """Return the Vietnamese name of a title code, or the code when unknown."""
    from engine.domain.rules.titles import title_name as name

    return name(code or "")


def basis_name(code: str | None) -> str:
    """Return the name of a legal basis code (e.g. Nghị định 152/2025/NĐ-CP), or the code."""
    from engine.domain.rules.legal_basis import BY_CODE

    basis = BY_CODE.get(code or "")
    return basis.name if basis else (code or "")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_template_filter(role_name, "role_name")
    app.add_template_filter(title_name, "title_name")
    app.add_template_filter(basis_name, "basis_name")
    app.add_template_filter(local_date, "vndate")
    app.add_template_filter(local_datetime, "vndatetime")
    app.add_template_filter(local_iso, "isotime")
