"""API tokens and the API's remembered answers to retried POSTs.

A token: only a hash is stored; the token itself is shown once, when created. Its scope is
``read`` (GET only) or ``act`` (every operation its user may do); it stops working at
``expires_at`` (when set) or when revoked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base, utcnow
from engine.models.org import User

#: What a token may do: read only, or act as its user (read included).
TOKEN_SCOPES = ("read", "act")


class ApiToken(Base):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    #: SHA-256 of the token (hex); every API request looks the token up by it.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(10), default="act", server_default="act")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class IdempotencyRecord(Base):
    """The first answer to a POST sent with an ``Idempotency-Key``, replayed to its retries.

    A row without ``status`` is a request still running (a concurrent retry gets 409). Rows are
    kept 24 hours (engine.domain.idempotency.KEEP); older ones are ignored and purged.
    """

    __tablename__ = "idempotency_record"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        # The purge of old rows (engine.domain.idempotency.remember).
        Index("ix_idempotency_record_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    #: SHA-256 of method, path and body: a key reused for another request is refused.
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[str | None] = mapped_column(Text)
    #: The answer's Content-Type, ETag and Location, replayed with it.
    headers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
