"""Writing notifications: texts, recipients, the in-app list and the after-commit hand-over.

The one place that writes notifications. It subscribes to the engine's domain events and writes
in-app notifications and outbox rows in the operation's own transaction; the reminder sweep does
the same for the reminder ladder, one transaction per task. E-mail leaves only after commit:
outbox ids written in a session are handed to the runtime's dispatchers (the Celery enqueue) from
an ``after_commit`` listener on the runtime's session factory, and a periodic delivery sweep picks
up whatever a failed enqueue left (see :mod:`engine.notify.outbox`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from gettext import NullTranslations
from pathlib import Path
from typing import Any

from babel.support import Translations
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy import bindparam, exists, insert, or_, select
from sqlalchemy.orm import Session

from engine import wiring
from engine.calendar import DEFAULT_TZ, WorkingCalendar
from engine.domain.holders import role_holders
from engine.domain.rules.titles import title_name
from engine.models import (
    Dossier,
    HumanTask,
    Notification,
    OrgUnit,
    Outbox,
    RoleMembership,
    User,
)
from engine.models.base import utcnow
from engine.models.org import UNIT_SCOPED_ROLES
from engine.text import localize
from engine.unit_of_work import unit_of_work

log = logging.getLogger(__name__)

_OUTBOX_IDS = "tdkt_outbox_ids"

#: The languages a user may choose for pages and e-mails (Vietnamese is the agency's own).
LANGUAGES = ("vi", "en")


@dataclass(frozen=True)
class NotifyConfig:
    """What notifications need from the settings; :func:`configure` sets it per process."""

    base_url: str = "http://127.0.0.1:5000"
    email: bool = False
    digest_hour: int = 7
    tz: str = DEFAULT_TZ


_config = NotifyConfig()


def configure(config: NotifyConfig) -> None:
    """Set this process's notification settings (called by the runtime)."""
    global _config
    _config = config


def current_config() -> NotifyConfig:
    """Return this process's notification settings."""
    return _config


def send_after_commit(session: Session, outbox_id: int) -> None:
    """Hand ``outbox_id`` to the dispatchers once ``session``'s transaction commits."""
    session.info.setdefault(_OUTBOX_IDS, []).append(outbox_id)


def dispatch_after_commit(session: Session) -> None:
    """Hand the e-mails ``session`` wrote to the runtime's dispatchers (an after_commit listener
    on the runtime's session factory)."""
    ids = session.info.pop(_OUTBOX_IDS, None)
    if not ids:
        return
    for dispatcher in wiring.of(session).dispatchers:
        try:
            dispatcher(list(ids))
        except Exception:
            # The delivery sweep sends them anyway; the step itself is committed.
            log.exception("could not enqueue delivery of outbox %s; the sweep will send them", ids)


def forget_after_rollback(session: Session) -> None:
    """Drop the e-mails a rolled-back transaction wrote (an after_rollback listener)."""
    session.info.pop(_OUTBOX_IDS, None)


# --- texts -----------------------------------------------------------------------------------


#: The catalogue the web shows its pages with (``make translations``); e-mails use it too, read
#: by Babel in the worker (which runs no Flask app).
CATALOGUE = Path(__file__).resolve().parents[2] / "web" / "translations"


@cache
def translations(language: str) -> NullTranslations:
    """Return the catalogue of ``language`` (Vietnamese, the messages' own: none)."""
    if language not in LANGUAGES or language == "vi":
        return NullTranslations()
    return Translations.load(str(CATALOGUE), [language])


def language_of(user: Any) -> str:
    """Return the language a user's notifications and e-mails are written in: the one the user
    chose, else Vietnamese (the agency's official language)."""
    chosen = getattr(user, "language", None)
    return chosen if chosen in LANGUAGES else "vi"


def in_language(text: object, language: str) -> str:
    """Return an engine message (or a BPMN name, a title's name) in ``language``."""
    return localize(text, translations(language).gettext, language)


@cache
def templates(language: str = "vi") -> Environment:
    """Return the e-mail and notification templates in ``language``, the one environment of
    both modules for that language.

    The templates' texts are ``_()`` messages of the web's catalogue (``make translations``
    extracts them); a task's name (a BPMN name) and a title's name are shown through ``tr`` and
    ``title_name`` in the same language. ``.html`` templates (the HTML parts of e-mails) are
    rendered with autoescape on, so a name, subject, body or link goes in escaped; ``.txt``
    templates (subjects, bodies, the plain-text parts) are plain text and stay unescaped.
    """
    # The templates are files of the package: without auto_reload=False every get_template
    # stat()s its file again (~5600 stat calls in bench/engine.py --profile).
    env = Environment(
        loader=PackageLoader("engine.notify", "templates"),
        undefined=StrictUndefined,
        auto_reload=False,
        keep_trailing_newline=False,
        autoescape=select_autoescape(
            enabled_extensions=("html",), disabled_extensions=("txt",), default=True
        ),
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]

    def tr(text: object) -> str:
        return in_language(text, language)

    def name_of_title(code: str) -> str:
        return in_language(title_name(code), language)

    # A notice names its dossier by title, not code, and links to it (_about.txt, _task.txt).
    env.filters["tr"] = tr
    env.filters["title_name"] = name_of_title
    env.globals["dossier_link"] = dossier_link
    env.globals["language"] = language
    return env


def compose(kind: str, language: str = "vi", **context: Any) -> tuple[str, str]:
    """Return the subject (the template's first line) and body of ``kind`` in ``language``."""
    text = templates(language).get_template(f"{kind}.txt").render(**context)
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip()


def local_day(instant: datetime | None) -> str:
    if instant is None:
        return ""
    return WorkingCalendar(tz=_config.tz).local_date(instant).strftime("%d/%m/%Y")


def task_link(task_id: int) -> str:
    """Return the absolute link to a task's page."""
    return f"{_config.base_url}/tasks/{task_id}"


def inbox_link() -> str:
    """Return the absolute link to the signed-in user's own inbox."""
    return f"{_config.base_url}/tasks/mine"


def dossier_link(dossier_id: int) -> str:
    """Return the absolute link to a dossier's page."""
    return f"{_config.base_url}/dossiers/{dossier_id}"


# --- recipients ------------------------------------------------------------------------------


def holders(session: Session, task: HumanTask) -> list[User]:
    """Return who holds ``task``: its assignee, else every candidate of its lane.

    The lane's unit is its own, else its dossier's.
    """
    if task.assignee_id is not None:
        user = session.get(User, task.assignee_id)
        return [user] if user is not None and user.active else []
    if task.candidate_role is None:
        return []
    return role_holders(
        session, task.candidate_role, task.candidate_unit_id, dossier_id=task.dossier_id
    )


def escalation_targets(session: Session, task: HumanTask) -> list[User]:
    """Return who an overdue ``task`` escalates to: the unit head, else the secretariat.

    Unit lanes (unit-scoped roles other than the unit head's own) go to the unit's head; other
    lanes, and units without a head, go to the council secretariat.
    """
    if task.candidate_role in UNIT_SCOPED_ROLES and task.candidate_role != "unit_head":
        heads = role_holders(
            session, "unit_head", task.candidate_unit_id, dossier_id=task.dossier_id
        )
        if heads:
            return heads
    return role_holders(session, "secretariat", None)


# --- writing notifications -------------------------------------------------------------------


def next_digest_at(now: datetime) -> datetime:
    """Return when the next daily digest leaves: the next ``digest_hour`` o'clock, local time."""
    cal = WorkingCalendar(tz=_config.tz)
    local = now.astimezone(cal.tz)
    at = local.replace(hour=_config.digest_hour, minute=0, second=0, microsecond=0)
    if at <= local:
        at += timedelta(days=1)
    return at.astimezone(now.tzinfo)


# Written with Core statements built once, not the unit of work: on SQLite a flush of one row
# cost several times the INSERT it sends (bench/engine.py --profile). One INSERT (executemany)
# for all the users one event tells; the ids are read back only for the outbox.
_NOTIFICATION = Notification.metadata.tables[Notification.__tablename__]
_OUTBOX = Outbox.metadata.tables[Outbox.__tablename__]
_INSERT_NOTIFICATIONS = insert(_NOTIFICATION)
_INSERT_NOTIFICATIONS_RETURNING = insert(_NOTIFICATION).returning(
    _NOTIFICATION.c.id, sort_by_parameter_order=True
)
_INSERT_OUTBOX = insert(_OUTBOX).returning(_OUTBOX.c.id, sort_by_parameter_order=True)


def notify(
    session: Session,
    users: Iterable[User],
    kind: str,
    link: str,
    *,
    now: datetime | None = None,
    task_id: int | None = None,
    dossier_id: int | None = None,
    **context: Any,
) -> None:
    """Write a notification for each of ``users`` and, if e-mail is on, their outbox rows."""
    users = list(users)
    if not users:
        return
    now = now or utcnow()
    notes = notification_rows(
        users, kind, link, now=now, task_id=task_id, dossier_id=dossier_id, **context
    )
    write_notifications(session, users, notes, now)


def notification_rows(
    users: list[User],
    kind: str,
    link: str,
    *,
    now: datetime,
    task_id: int | None = None,
    dossier_id: int | None = None,
    **context: Any,
) -> list[dict[str, Any]]:
    """Return the notification rows :func:`notify` writes for ``users`` (one each, in order)."""
    notes = []
    for user in users:
        subject, body = compose(kind, language_of(user), user=user, link=link, **context)
        notes.append(
            {
                "user_id": user.id,
                "kind": kind,
                "subject": subject[:255],
                "body": body,
                "link": link,
                "task_id": task_id,
                "dossier_id": dossier_id,
                "created_at": now,
            }
        )
    return notes


def write_notifications(
    session: Session, users: list[User], notes: list[dict[str, Any]], now: datetime
) -> None:
    """Insert ``notes`` (``users[i]``'s is ``notes[i]``) in one statement and, if e-mail is on,
    their outbox rows in another: many notices at once (the reminder sweep's batch)."""
    if not notes:
        return
    mailed = [user for user in users if user.email] if _config.email else []
    if not mailed:
        session.execute(_INSERT_NOTIFICATIONS, notes)
        return
    note_ids = session.execute(_INSERT_NOTIFICATIONS_RETURNING, notes).scalars()
    rows = []
    for user, note_id in zip(users, note_ids, strict=True):
        if not user.email:
            continue
        digest = user.email_mode == "digest"
        rows.append(
            {
                "notification_id": note_id,
                "user_id": user.id,
                "channel": "digest" if digest else "email",
                "status": "pending",
                "dedupe_key": f"n{note_id}",
                "next_attempt_at": next_digest_at(now) if digest else now,
                "created_at": now,
            }
        )
    outbox_ids = session.execute(_INSERT_OUTBOX, rows).scalars()
    for row, outbox_id in zip(rows, outbox_ids, strict=True):
        if row["channel"] == "email":
            send_after_commit(session, outbox_id)


def task_context(session: Session, task: HumanTask) -> dict[str, Any]:
    dossier = session.get(Dossier, task.dossier_id) if task.dossier_id is not None else None
    return {
        "task": task,
        "dossier": dossier,
        "due": local_day(task.due_at),
    }


def notify_task(
    session: Session, users: Iterable[User], kind: str, task: HumanTask, **extra: Any
) -> None:
    context = task_context(session, task) | extra
    notify(
        session,
        users,
        kind,
        task_link(task.id),
        task_id=task.id,
        dossier_id=task.dossier_id,
        **context,
    )


def dossier_clerks(session: Session, dossier: Dossier) -> list[User]:
    return role_holders(session, "unit_clerk", dossier.unit_id)


_CLERK = (
    exists()
    .where(
        RoleMembership.user_id == User.id,
        RoleMembership.role_code == "unit_clerk",
        or_(RoleMembership.unit_id == bindparam("unit_id"), RoleMembership.unit_id.is_(None)),
    )
    .label("clerk")
)
#: The dossier's clerks and its nominee in one query (the step deciding a dossier is the one
#: with the most statements); clerks first, by id, as dossier_clerks returns them.
_CLERKS_AND_NOMINEE = (
    select(User, _CLERK)
    .where(User.active.is_(True), or_(_CLERK, User.id == bindparam("nominee_id")))
    .order_by(_CLERK.desc(), User.id)
)


def clerks_and_nominee(session: Session, dossier: Dossier) -> list[User]:
    """Return the dossier's clerks, then its nominee if active and not one of them."""
    params = {"unit_id": dossier.unit_id, "nominee_id": dossier.nominee_user_id}
    return [user for user, _clerk in session.execute(_CLERKS_AND_NOMINEE, params)]


_UNIT_CLERKS = (
    select(User)
    .join(RoleMembership, RoleMembership.user_id == User.id)
    .outerjoin(OrgUnit, OrgUnit.id == RoleMembership.unit_id)
    .where(
        RoleMembership.role_code == "unit_clerk",
        User.active.is_(True),
        or_(RoleMembership.unit_id.is_(None), OrgUnit.active.is_(True)),
    )
    .distinct()
    .order_by(User.id)
)


def unit_clerks(session: Session) -> list[User]:
    """Return the active clerks of every active unit (agency-wide clerks too)."""
    return list(session.scalars(_UNIT_CLERKS))


# --- the in-app list -------------------------------------------------------------------------


#: The bell counts unread notifications up to this many ("99+" beyond): a count that reads at
#: most this many entries of ix_notification_user_unread, whatever a user has let pile up.
UNREAD_CAP = 100


def unread_count(session: Session, user_id: int, cap: int = UNREAD_CAP) -> int:
    """Return how many of the user's notifications are unread (the bell), at most ``cap``."""
    from sqlalchemy import func

    unread = (
        select(Notification.id)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .limit(cap)
        .subquery()
    )
    return int(session.scalar(select(func.count()).select_from(unread)) or 0)


def recent(session: Session, user_id: int, limit: int = 100) -> list[Notification]:
    """Return the user's latest notifications, newest first."""
    return list(
        session.scalars(
            select(Notification)
            .where(Notification.user_id == user_id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class NoticeItem:
    """A notification with what it is about: its task's name and its dossier, for the list."""

    note: Notification
    task_name: str | None
    dossier_id: int | None
    nominee_name: str | None
    title_code: str | None


def recent_items(session: Session, user_id: int, limit: int = 100) -> list[NoticeItem]:
    """Return the user's latest notifications with their task and dossier, newest first."""
    rows = session.execute(
        select(Notification, HumanTask.name, Dossier.id, Dossier.nominee_name, Dossier.title_code)
        .outerjoin(HumanTask, HumanTask.id == Notification.task_id)
        .outerjoin(Dossier, Dossier.id == Notification.dossier_id)
        .where(Notification.user_id == user_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    ).all()
    return [NoticeItem(*row) for row in rows]


def notification_for(session: Session, user_id: int, notification_id: int) -> Notification | None:
    """Return the user's notification ``notification_id`` (None if it is not theirs)."""
    note = session.get(Notification, notification_id)
    return note if note is not None and note.user_id == user_id else None


def mark_read(session: Session, user_id: int, notification_id: int | None = None) -> int:
    """Mark one (or every) unread notification of the user read; return how many changed."""
    from sqlalchemy import update

    with unit_of_work(session):
        statement = (
            update(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
            .values(read_at=utcnow())
        )
        if notification_id is not None:
            statement = statement.where(Notification.id == notification_id)
        count: int = session.execute(statement).rowcount  # type: ignore[attr-defined]
        return count


def set_email_mode(session: Session, user_id: int, mode: str) -> None:
    """Choose immediate e-mails or a daily digest for the user."""
    if mode not in ("immediate", "digest"):
        raise ValueError(f"email mode must be 'immediate' or 'digest', got {mode!r}")
    with unit_of_work(session):
        user = session.get(User, user_id)
        if user is not None:
            user.email_mode = mode


def set_language(session: Session, user_id: int, language: str) -> None:
    """Keep the user's chosen language: their pages and e-mails follow it."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {language!r}")
    with unit_of_work(session):
        user = session.get(User, user_id)
        if user is not None and user.language != language:
            user.language = language
