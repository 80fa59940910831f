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

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from engine.models import User, UserSession
from engine.models.base import utcnow
from engine.unit_of_work import unit_of_work

#: Record a session's use at most this often, so a signed-in page view is not a write.
TOUCH_EVERY = timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(
    session: Session, user: User, *, user_agent: str | None = None, ip_address: str | None = None
) -> str:
    """Open a session for ``user`` and return its token (never stored; only its hash is)."""
    token = secrets.token_urlsafe(32)
    with unit_of_work(session):
        session.add(
            UserSession(
                user_id=user.id,
                token_hash=hash_token(token),
                user_agent=(user_agent or "")[:255] or None,
                ip_address=(ip_address or "")[:45] or None,
            )
        )
    return token


def authenticate(session: Session, user_id: int, token: str) -> User | None:
    """Return the user if ``token`` names an open session of ``user_id`` and they are active."""
    row = session.scalar(
        select(UserSession)
        .options(joinedload(UserSession.user))  # one statement: the session row and its user
        .where(UserSession.token_hash == hash_token(token))
    )
    if row is None or row.ended_at is not None or row.user_id != user_id or not row.user.active:
        return None
    now = utcnow()
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
