"""Notifications: calendar overrides and reminder ladders admins edit, what was sent, the outbox.

Only :mod:`engine.notify` writes these tables (and the web's admin pages through it).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, utcnow

PENDING = text("status = 'pending'")
SENDING = text("status = 'sending'")
FAILED = text("status = 'failed'")
UNREAD = text("read_at IS NULL")

OUTBOX_STATUSES = ("pending", "sending", "sent", "failed")
#: email: one message to send; digest: an item waiting for the user's daily digest e-mail.
OUTBOX_CHANNELS = ("email", "digest")


class CalendarOverrideDay(Base):
    """An administrator's correction of the working-day calendar for one day."""

    __tablename__ = "calendar_override"
    __table_args__ = (CheckConstraint("kind IN ('working', 'off')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    #: working: a make-up working day; off: an extra day off
    kind: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(String(255), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReminderLadderRow(Base):
    """The reminder ladder (JSON, engine.notify.ladder) for one task element id, or ``default``."""

    __tablename__ = "reminder_ladder"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_type: Mapped[str] = mapped_column(String(120), unique=True)
    ladder: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReminderSent(Base):
    """One rung occurrence handled for one task; the unique key makes each rung at most once."""

    __tablename__ = "reminder_sent"
    __table_args__ = (UniqueConstraint("task_id", "rung_key", name="uq_reminder_sent_task_rung"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("human_task.id", ondelete="CASCADE"))
    rung_key: Mapped[str] = mapped_column(String(60))
    #: When the rung really came due (not when the sweep noticed).
    fires_at: Mapped[datetime]
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: False when a later rung of the same kind came due in the same sweep and was sent instead.
    notified: Mapped[bool] = mapped_column(Boolean, default=True)


class Notification(Base):
    """One in-app notification for one user (the bell and the list page)."""

    __tablename__ = "notification"
    __table_args__ = (
        # The list page: a user's notifications, newest first.
        Index("ix_notification_user_created", "user_id", "created_at"),
        # The bell: a user's unread count (every page).
        Index(
            "ix_notification_user_unread", "user_id", postgresql_where=UNREAD, sqlite_where=UNREAD
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    #: task_ready | task_assigned | due_soon | due_today | overdue | escalated |
    #: dossier_returned | dossier_decided
    kind: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(500))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_task.id", ondelete="SET NULL"))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]


class Outbox(Base):
    """An e-mail to send (or a digest item waiting for its day), delivered after commit."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name="status"),
        CheckConstraint("channel IN ('email', 'digest', 'webhook')", name="channel"),
        # The delivery sweep (channel email) and the digest builder (channel digest): what is due.
        Index(
            "ix_outbox_pending_due",
            "channel",
            "next_attempt_at",
            postgresql_where=PENDING,
            sqlite_where=PENDING,
        ),
        # The delivery sweep: claims whose worker died (lease over) are taken again.
        Index(
            "ix_outbox_sending_lease",
            "lease_until",
            postgresql_where=SENDING,
            sqlite_where=SENDING,
        ),
        # The administrators' page of failed messages.
        Index("ix_outbox_failed", "id", postgresql_where=FAILED, sqlite_where=FAILED),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The notification sent; None for a digest e-mail, whose items point at it via digest_id.
    notification_id: Mapped[int | None] = mapped_column(
        ForeignKey("notification.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(10), default="email")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    #: One e-mail per notification (``n<id>``), one digest per user and day (``digest:<u>:<day>``).
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: While ``sending``: when the claim lapses and another worker may take the message again.
    lease_until: Mapped[datetime | None]
    #: Fixed at the first claim and reused on every retry, so a re-sent message is recognisable.
    message_id: Mapped[str | None] = mapped_column(String(255))
    last_error: Mapped[str | None] = mapped_column(Text)
    #: For a digest item: the digest e-mail that carried it.
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
