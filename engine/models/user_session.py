"""Signed-in browser sessions, kept on the server so that log-out and an administrator end them.

The Flask session cookie carries a random token; only its SHA-256 is stored here. A session
counts while its row is open (``ended_at`` NULL) and its user is active (web.app._load_user).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base, utcnow
from engine.models.org import User


class UserSession(Base):
    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the token (hex); every signed-in request looks its session up by it.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: Indexed for "end every session of this user" (log-out everywhere, deactivation).
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    user_agent: Mapped[str | None] = mapped_column(String(255))
    ip_address: Mapped[str | None] = mapped_column(String(45))

    user: Mapped[User] = relationship()
