"""API tokens: created once and shown once; requests are matched by the token's SHA-256.

The hash is unsalted on purpose: a token is 256 bits from ``secrets``, so no dictionary or
rainbow table reaches it, and an unsalted hash lets a request find its row with one indexed
look-up (docs/security.md). A token has a scope (``read``: GET only; ``act``: everything its
user may do), an optional expiry, its last use, and can be revoked.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

from engine import audit
from engine.errors import NotFound, ValidationFailed
from engine.models import ApiToken, User
from engine.models.api_token import TOKEN_SCOPES
from engine.models.base import utcnow
from engine.text import N_
from engine.unit_of_work import unit_of_work

PREFIX = "tdkt_"
#: Record a token's use at most this often, so reads do not turn into writes.
TOUCH_EVERY = timedelta(hours=1)
#: The longest lifetime an administrator may give a token (days).
MAX_DAYS = 3650
MAX_NAME = 120


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    session: Session,
    user: User,
    name: str = "",
    scope: str = "act",
    expires_at: datetime | None = None,
    actor: User | None = None,
) -> str:
    """Create a token for ``user`` and return it (never stored; only its hash is)."""
    errors: dict[str, str] = {}
    if scope not in TOKEN_SCOPES:
        errors["scope"] = "Phạm vi phải là read hoặc act."
    if len(name) > MAX_NAME:
        errors["name"] = f"Tên dài quá {MAX_NAME} ký tự."
    if expires_at is not None and expires_at <= utcnow():
        errors["expires_at"] = "Ngày hết hạn phải ở tương lai."
    if errors:
        raise ValidationFailed(" ".join(errors.values()), errors)
    token = PREFIX + secrets.token_urlsafe(32)
    with unit_of_work(session):
        row = ApiToken(
            user_id=user.id,
            name=name,
            token_hash=hash_token(token),
            scope=scope,
            expires_at=expires_at,
        )
        session.add(row)
        session.flush()
        if actor is not None:
            audit.record(
                session,
                "api_token_created",
                actor_id=actor.id,
                summary={"token_id": row.id, "user_id": user.id, "scope": scope},
            )
    return token


def expiry_after(days: int | None) -> datetime | None:
    """Return the end of the UTC day ``days`` days from now, or None ("never") for None/0."""
    if not days:
        return None
    return datetime.combine(datetime.now(UTC).date() + timedelta(days=days), time.max, UTC)


def is_live(row: ApiToken, now: datetime | None = None) -> bool:
    """Whether the token still works: not revoked, not expired, its user active."""
    now = now or utcnow()
    if row.revoked_at is not None or not row.user.active:
        return False
    return row.expires_at is None or row.expires_at > now


# One statement for the token, its user and the user's roles (every API request asks), built
# once: building it cost more than running it.
_BY_HASH = (
    select(ApiToken)
    .where(ApiToken.token_hash == bindparam("token_hash"))
    .options(joinedload(ApiToken.user).joinedload(User.memberships))
)


def authenticate_token(session: Session, token: str) -> ApiToken | None:
    """Return the live token row ``token`` names (its user active), or None."""
    if not token.startswith(PREFIX):
        return None
    row = session.scalars(_BY_HASH, {"token_hash": hash_token(token)}).unique().first()
    now = utcnow()
    if row is None or not is_live(row, now):
        return None
    if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
        with unit_of_work(session):
            row.last_used_at = now
    return row


def authenticate(session: Session, token: str) -> User | None:
    """Return the active user a live token belongs to, or None."""
    row = authenticate_token(session, token)
    return row.user if row is not None else None


def all_tokens(session: Session) -> list[ApiToken]:
    """Return every token, newest first (the administrator's list; hashes are not shown)."""
    return list(session.scalars(select(ApiToken).order_by(ApiToken.id.desc())))


def revoke(session: Session, actor: User, token_id: int) -> ApiToken:
    """Revoke a token; it stops working at once. Revoking twice keeps the first time."""
    with unit_of_work(session):
        row = session.get(ApiToken, token_id)
        if row is None:
            raise NotFound(N_("Không tìm thấy mã truy cập."))
        if row.revoked_at is None:
            row.revoked_at = utcnow()
            audit.record(
                session,
                "api_token_revoked",
                actor_id=actor.id,
                summary={"token_id": row.id, "user_id": row.user_id},
            )
    return row
