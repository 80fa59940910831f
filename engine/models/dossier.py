"""Dossiers (hồ sơ đề nghị khen thưởng), council sessions and the award history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base, utcnow
from engine.models.campaign import Campaign
from engine.models.org import OrgUnit, User

NOMINEE_KINDS = ("individual", "collective")


class Dossier(Base):
    """One nominee × one title or form × one campaign; its instance runs the procedure."""

    __tablename__ = "dossier"
    __table_args__ = (
        CheckConstraint("nominee_kind IN ('individual', 'collective')", name="nominee_kind"),
        # Dashboard and lists: dossiers by campaign, stage and unit.
        Index("ix_dossier_campaign_stage_unit", "campaign_id", "stage", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    #: The unit that nominates (and whose unit lanes act on the dossier).
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    nominee_kind: Mapped[str] = mapped_column(String(20))
    nominee_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    nominee_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    nominee_name: Mapped[str] = mapped_column(String(255))
    #: Lower-case, without diacritics: what "nguyen van" is matched against.
    nominee_search: Mapped[str] = mapped_column(String(255), index=True)
    nominee_position: Mapped[str | None] = mapped_column(String(255))
    title_code: Mapped[str] = mapped_column(String(20), index=True)
    legal_basis: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(index=True)
    #: The procedure step (registration, prepare, unit_review, …, archived), kept by the engine.
    stage: Mapped[str] = mapped_column(String(40), default="prepare")
    #: active | awarded | rejected | blocked | withdrawn | not_selected | not_approved | cancelled
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)
    achievements: Mapped[str | None] = mapped_column(Text)
    eligibility: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    decision_no: Mapped[str | None] = mapped_column(String(80))
    decision_date: Mapped[date | None]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    campaign: Mapped[Campaign] = relationship()
    unit: Mapped[OrgUnit] = relationship(foreign_keys=[unit_id])
    nominee_user: Mapped[User | None] = relationship(foreign_keys=[nominee_user_id])


class CouncilSession(Base):
    """A council meeting (họp Hội đồng TĐKT) voting on many dossiers with one ballot sheet each."""

    __tablename__ = "council_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    term_id: Mapped[int] = mapped_column(ForeignKey("council_term.id"))
    meeting_date: Mapped[date]
    #: open | voting | closed
    status: Mapped[str] = mapped_column(String(20), default="open")
    #: SHA-256 over the sealed ballots, recorded when the tally is computed.
    seal_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SealedBallot(Base):
    """One member's vote on one dossier. Read only by the tally; never shown or exported."""

    __tablename__ = "sealed_ballot"
    __table_args__ = (
        Index(
            "uq_sealed_ballot_session_member_dossier",
            "session_id",
            "member_id",
            "dossier_id",
            unique=True,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("council_session.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"))
    #: agree | disagree | recused
    vote: Mapped[str] = mapped_column(String(10))
    #: written: entered by the secretariat from an absent member's written ballot
    written: Mapped[bool] = mapped_column(default=False)
    cast_at: Mapped[datetime] = mapped_column(default=utcnow)


class AwardRecord(Base):
    """An award received (from the procedure or imported history); prerequisites read it."""

    __tablename__ = "award_record"
    __table_args__ = (
        CheckConstraint("nominee_kind IN ('individual', 'collective')", name="nominee_kind"),
        # Prerequisite checks and look-ups: a nominee's awards by year.
        Index("ix_award_record_user_year", "user_id", "year"),
        Index("ix_award_record_unit_year", "unit_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nominee_kind: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    nominee_name: Mapped[str] = mapped_column(String(255))
    nominee_search: Mapped[str] = mapped_column(String(255), index=True)
    #: The unit as the source names it (an individual's unit at the time, a collective's parent);
    #: kept as text because imported history names units that no longer exist.
    unit_name: Mapped[str | None] = mapped_column(String(255))
    #: ``unit_name`` without diacritics, for the look-up page.
    unit_search: Mapped[str | None] = mapped_column(String(255))
    title_code: Mapped[str] = mapped_column(String(20), index=True)
    year: Mapped[int] = mapped_column(index=True)
    decision_no: Mapped[str | None] = mapped_column(String(80))
    decision_date: Mapped[date | None]
    issued_by: Mapped[str | None] = mapped_column(String(255))
    #: workflow | import
    source: Mapped[str] = mapped_column(String(20), default="workflow")
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"))
    #: Identity of an imported row, so importing the same file again adds nothing.
    import_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
