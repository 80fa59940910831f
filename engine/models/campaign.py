"""Campaigns (phong trào / đợt thi đua): the period nominations belong to."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, utcnow

CAMPAIGN_KINDS = ("annual", "thematic", "adhoc")


class Campaign(Base):
    __tablename__ = "campaign"
    __table_args__ = (CheckConstraint("kind IN ('annual', 'thematic', 'adhoc')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    registration_deadline: Mapped[date]
    nomination_deadline: Mapped[date]
    legal_basis: Mapped[str] = mapped_column(String(40))
    #: Why an administrator applied a legal basis outside its period (None: it fits its period).
    basis_override_reason: Mapped[str | None] = mapped_column(Text)
    title_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When the secretariat launched it (phát động) and the units were told; None: a draft.
    opened_at: Mapped[datetime | None]
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
