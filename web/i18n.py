"""Languages (Vietnamese by default, English), the engine's messages and codes shown in the
reader's language, and dates shown in Asia/Ho_Chi_Minh."""

from __future__ import annotations

import re
from datetime import date, datetime
from html import escape, unescape
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, redirect, request, session
from flask_babel import get_locale, gettext
from werkzeug.wrappers import Response

from engine.text import Message, from_data, localize

LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """Return the language chosen with the switch, else the browser's (Accept-Language) among
    ours; Vietnamese when neither says. The API has no switch: it answers in the request's
    ``Accept-Language`` (vi by default)."""
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(tuple(LANGUAGES), default="vi") or "vi"
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return str(chosen)
    kept = _user_language()
    if kept in LANGUAGES:
        return str(kept)
    return request.accept_languages.best_match(list(LANGUAGES), default="vi") or "vi"


def _user_language() -> str | None:
    """Return the language the signed-in user chose earlier (kept on the user), if any."""
    from flask_login import current_user

    if not getattr(current_user, "is_authenticated", False):
        return None
    user = getattr(current_user, "user", None)
    return getattr(user, "language", None)


def translate(text: object) -> str:
    """Return ``text`` in the reader's language.

    An engine :class:`~engine.text.Message` is looked up by its catalogue id and its parameters
    (translated too) are filled in after; a :class:`~engine.text.Localized` text (a holiday's
    name) brings its own English; any other text is looked up as it is, so a name from a BPMN
    file or a label the engine keeps finds its English, and unknown text stays as it is. A
    message stored as data (``engine.text.message_data``) is read back first.
    """
    return localize(from_data(text), gettext, current_language())


def current_language() -> str:
    """Return the language the page is shown in ("vi" or "en")."""
    locale = get_locale()
    return locale.language if locale is not None else "vi"


def translated_list(items: object) -> list[str]:
    """Return stored texts (messages kept as data, or plain texts of older rows) translated."""
    if not isinstance(items, list | tuple):
        return []
    return [translate(item) for item in items]


def eligibility_view(data: object) -> dict[str, Any]:
    """Return a dossier's stored eligibility with its texts in the reader's language.

    ``unmet_messages`` / ``checked_messages`` (messages kept as data) are shown when present;
    a dossier checked before they were kept shows its Vietnamese ``unmet`` / ``checked`` as
    they are. The API and the dossier page both read it.
    """
    stored = dict(data) if isinstance(data, dict) else {}
    view: dict[str, Any] = {
        k: v for k, v in stored.items() if k not in ("unmet_messages", "checked_messages")
    }
    for key in ("unmet", "checked"):
        kept = stored.get(f"{key}_messages")
        if isinstance(kept, list) and len(kept) == len(stored.get(key) or []):
            view[key] = translated_list(kept)
        elif key in stored:
            view[key] = translated_list(stored.get(key))
    view["unmet_items"] = _unmet_items(stored)
    return view


def _citation(citation: object) -> str:
    """A law's citation as it is; only its "not confirmed" note is a message."""
    return translate(citation) if isinstance(citation, Message) else str(citation)


def _unmet_items(stored: dict[str, Any]) -> list[dict[str, str]]:
    """Return each unmet criterion as its reason (in the reader's language) and its citation
    (the law's text, as it is); a reason stored as plain text has no separate citation."""
    kept = stored.get("unmet_messages")
    plain = stored.get("unmet") or []
    if not isinstance(kept, list) or len(kept) != len(plain):
        return [{"reason": translate(text), "citation": ""} for text in plain]
    items = []
    for data in kept:
        message = from_data(data)
        params = getattr(message, "params", {})
        if "reason" in params and "citation" in params:
            items.append(
                {"reason": translate(params["reason"]), "citation": _citation(params["citation"])}
            )
        else:
            items.append({"reason": translate(message), "citation": ""})
    return items


@bp.get("/lang/<code>")
def set_language(code: str) -> Response:
    """Switch the pages' language; a signed-in user keeps it (their e-mails follow it too)."""
    from flask_login import current_user

    from engine import notify
    from web.auth import safe_next
    from web.context import db

    if code in LANGUAGES:
        session["lang"] = code
        if getattr(current_user, "is_authenticated", False):
            notify.set_language(db(), current_user.id, code)
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


# --- codes shown as names: the engine keeps each table once (roles in engine.models.org, titles
# in engine.domain.rules.titles, stages in engine.read.stats, legal bases in
# engine.domain.rules.legal_basis), in Vietnamese marked for the catalogue; these filters are the
# one place the web turns a code into its name in the reader's language.


def role_name(code: str | None) -> str:
    """Return the name of a role (lane) code in the reader's language, or the code if unknown."""
    from engine.models import ROLES

    return translate(next((r.name for r in ROLES if r.code == code), code or ""))


def title_name(code: str | None) -> str:
    """Return the name of a title code in the reader's language, or the code when unknown."""
    from engine.domain.rules.titles import title_name as name

    return translate(name(code or ""))


def kind_name(code: str | None) -> str:
    """Return "cá nhân"/"tập thể" (individual/collective) in the reader's language."""
    from engine.domain.rules.titles import KIND_NAMES

    return translate(KIND_NAMES.get(code or "", code or ""))


def stage_name(code: str | None) -> str:
    """Return the name of a dossier stage (a user task's ``stage``) in the reader's language."""
    from engine.read.stats import STAGE_LABELS

    label = STAGE_LABELS.get(code or "")
    return translate(label) if label else (code or "—")


def basis_name(code: str | None) -> str:
    """Return the name of a legal basis code (e.g. Nghị định 152/2025/NĐ-CP), or the code."""
    from engine.domain.rules.legal_basis import BY_CODE

    basis = BY_CODE.get(code or "")
    return translate(basis.name) if basis else (code or "")


_TAG = re.compile(r"<(?P<tag>[\w:]+)(?P<attrs>\s[^<>]*?)(?P<end>/?)>")
_NAME = re.compile(r'(\sname=")([^"]*)(")')
#: Tags whose ``name`` is not a label people read (a property's name is its key).
_UNNAMED = ("property", "inputExpression", "output", "input")


def localize_diagram(xml: str) -> str:
    """Return BPMN XML with the names people read in the reader's language, for the viewer.

    A lane named by its role code (``unit_clerk``) shows the role's name; the other names are
    looked up in the catalogue (``make translations`` extracts them from workflows/*.bpmn). Only
    ``name`` attributes change, so the diagram and its element ids stay as deployed.
    """

    def one_tag(match: re.Match[str]) -> str:
        tag = match.group("tag").rpartition(":")[2]
        if tag in _UNNAMED:
            return match.group(0)

        def one_name(found: re.Match[str]) -> str:
            name = unescape(found.group(2))
            shown = role_name(name) if tag == "lane" else translate(name)
            return f"{found.group(1)}{escape(shown)}{found.group(3)}"

        attrs = _NAME.sub(one_name, match.group("attrs"))
        return f"<{match.group('tag')}{attrs}{match.group('end')}>"

    return _TAG.sub(one_tag, xml)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_template_filter(translate, "tr")
    app.add_template_filter(eligibility_view, "eligibility_view")
    app.add_template_global(translate, "tr")
    app.add_template_filter(role_name, "role_name")
    app.add_template_filter(kind_name, "kind_name")
    app.add_template_filter(stage_name, "stage_name")
    app.add_template_filter(title_name, "title_name")
    app.add_template_filter(basis_name, "basis_name")
    app.add_template_filter(local_date, "vndate")
    app.add_template_filter(local_datetime, "vndatetime")
    app.add_template_filter(local_iso, "isotime")
