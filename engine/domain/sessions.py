"""Browser sessions kept on the server: a log-in opens one, log-out and an administrator end it.

The session cookie carries the token returned by :func:`start`; only its SHA-256 is stored. A
request is signed in only while its session row is open, belongs to the user the cookie names
and that user is active (:func:`authenticate`, one lookup by the unique hash). API bearer tokens
are another thing (:mod:`engine.domain.tokens`).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session, joinedload

from engine.models import User, UserSession
from engine.models.base import utcnow
from engine.unit_of_work import unit_of_work

#: Record a session's use at most this often, so a signed-in page view is not a write.
TOUCH_EVERY = timedelta(minutes=1)
#: How long a session unused ends by itself unless the caller says otherwise
#: (TDKT_SESSION_IDLE_MINUTES).
DEFAULT_IDLE = timedelta(hours=12)
#: Ended sessions are kept this long for the administrator's view, then deleted at the user's
#: next log-in (so the table holds what is open plus a month of history per user).
KEEP_ENDED = timedelta(days=30)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(
    session: Session, user: User, *, user_agent: str | None = None, ip_address: str | None = None
) -> str:
    """Open a session for ``user`` and return its token (never stored; only its hash is).

    The user's sessions that ended (or went unused) more than KEEP_ENDED ago are deleted in the
    same unit of work: the table does not grow with every log-in.
    """
    token = secrets.token_urlsafe(32)
    old = utcnow() - KEEP_ENDED
    with unit_of_work(session):
        session.execute(
            delete(UserSession).where(
                UserSession.user_id == user.id,
                or_(UserSession.ended_at < old, UserSession.last_seen_at < old),
            )
        )
        session.add(
            UserSession(
                user_id=user.id,
                token_hash=hash_token(token),
                user_agent=(user_agent or "")[:255] or None,
                ip_address=(ip_address or "")[:45] or None,
            )
        )
    return token


def authenticate(
    session: Session, user_id: int, token: str, *, idle: timedelta = DEFAULT_IDLE
) -> User | None:
    """Return the user if ``token`` names an open session of ``user_id`` and they are active.

    A session unused for longer than ``idle`` is ended here (the next page asks to sign in).
    """
    row = session.scalar(
        select(UserSession)
        .options(joinedload(UserSession.user))  # one statement: the session row and its user
        .where(UserSession.token_hash == hash_token(token))
    )
    if row is None or row.ended_at is not None or row.user_id != user_id or not row.user.active:
        return None
    now = utcnow()
    if now - row.last_seen_at > idle:
        with unit_of_work(session):
            row.ended_at = now
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        with unit_of_work(session):
            row.last_seen_at = now
    return row.user


def end(session: Session, token: str) -> None:
    """End the session ``token`` opened (log-out); nothing happens if it is already over."""
    with unit_of_work(session):
        session.execute(
            update(UserSession)
            .where(UserSession.token_hash == hash_token(token), UserSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )


def end_all(session: Session, user_id: int) -> int:
    """End every open session of ``user_id`` and return how many were open.

    Called inside the operation that needs it (a password reset, a deactivation, an
    administrator's "sign out everywhere"), whose unit of work it joins.
    """
    with unit_of_work(session):
        result = session.execute(
            update(UserSession)
            .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )
    return int(getattr(result, "rowcount", 0) or 0)


def open_sessions(session: Session, user_id: int) -> list[UserSession]:
    """Return the user's open sessions, the most recently seen first (the admin's user page)."""
    return list(
        session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        )
    )
