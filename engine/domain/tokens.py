"""API tokens: created once and shown once; requests are matched by the token's SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from engine.models import ApiToken, User
from engine.models.base import utcnow
from engine.unit_of_work import unit_of_work

PREFIX = "tdkt_"
#: Record a token's use at most this often, so reads do not turn into writes.
TOUCH_EVERY = timedelta(hours=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, user: User, name: str = "") -> str:
    """Create a token for ``user`` and return it (never stored; only its hash is)."""
    token = PREFIX + secrets.token_urlsafe(32)
    with unit_of_work(session):
        session.add(ApiToken(user_id=user.id, name=name, token_hash=hash_token(token)))
        session.flush()
    return token


def authenticate(session: Session, token: str) -> User | None:
    """Return the active user a live token belongs to, or None."""
    if not token.startswith(PREFIX):
        return None
    # One statement for the token, its user and the user's roles (every API request asks).
    row = (
        session.scalars(
            select(ApiToken)
            .where(ApiToken.token_hash == hash_token(token))
            .options(joinedload(ApiToken.user).joinedload(User.memberships))
        )
        .unique()
        .first()
    )
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
        with unit_of_work(session):
            row.last_used_at = now
    return row.user
