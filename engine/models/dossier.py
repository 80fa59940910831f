"""Dossiers (hồ sơ đề nghị khen thưởng), council sessions and the award history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base, utcnow
from engine.models.campaign import Campaign
from engine.models.org import OrgUnit, User

NOMINEE_KINDS = ("individual", "collective")
LIVE_INDIVIDUAL = text("nominee_kind = 'individual' AND status NOT IN ('withdrawn', 'cancelled')")
LIVE_COLLECTIVE = text("nominee_kind = 'collective' AND status NOT IN ('withdrawn', 'cancelled')")


class Dossier(Base):
    """One nominee × one title or form × one campaign; its instance runs the procedure."""

    __tablename__ = "dossier"
    __table_args__ = (
        CheckConstraint("nominee_kind IN ('individual', 'collective')", name="nominee_kind"),
        # Dashboard and lists: dossiers by campaign, stage and unit.
        Index("ix_dossier_campaign_stage_unit", "campaign_id", "stage", "unit_id"),
        # One live dossier per nominee × title × campaign (a withdrawn one may be filed again).
        Index(
            "uq_dossier_individual_title_campaign",
            "campaign_id",
            "title_code",
            "nominee_user_id",
            unique=True,
            postgresql_where=LIVE_INDIVIDUAL,
            sqlite_where=LIVE_INDIVIDUAL,
        ),
        Index(
            "uq_dossier_collective_title_campaign",
            "campaign_id",
            "title_code",
            "nominee_unit_id",
            unique=True,
            postgresql_where=LIVE_COLLECTIVE,
            sqlite_where=LIVE_COLLECTIVE,
        ),
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
    #: The dossiers on the session's ballot sheet, in the order they are listed.
    dossier_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    #: SHA-256 over the sealed ballots and the nonce, recorded when the tally is computed.
    seal_hash: Mapped[str | None] = mapped_column(String(64))
    #: Secret salt of the seal hash (without it a 7-member ballot could be guessed from the
    #: hash); kept so that an auditor can verify the sealed ballots were not changed.
    seal_nonce: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SealedBallot(Base):
    """One sheet's vote on one dossier. Read only by the tally; never shown or exported.

    No member id is stored: ``sheet`` is an HMAC of (session, member) under the application's
    secret key, so a database reader cannot tell whose sheet it is, while the tally (which holds
    the key) maps each sheet back to the council's members (docs/security.md, "Ballot secrecy").
    Row ids are random, so their order does not follow the order members voted in.
    """

    __tablename__ = "sealed_ballot"
    __table_args__ = (
        Index(
            "uq_sealed_ballot_session_sheet_dossier",
            "session_id",
            "sheet",
            "dossier_id",
            unique=True,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    session_id: Mapped[int] = mapped_column(ForeignKey("council_session.id"))
    sheet: Mapped[str] = mapped_column(String(64))
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"))
    #: agree | disagree | recused
    vote: Mapped[str] = mapped_column(String(10))
    #: written: entered by the secretariat from an absent member's written ballot
    written: Mapped[bool] = mapped_column(default=False)


class AwardRecord(Base):
    """An award received (from the procedure or imported history); prerequisites read it."""

    __tablename__ = "award_record"
    __table_args__ = (
        CheckConstraint("nominee_kind IN ('individual', 'collective')", name="nominee_kind"),
        # Prerequisite checks and look-ups: a nominee's awards by year.
        Index("ix_award_record_user_year", "user_id", "year"),
        Index("ix_award_record_unit_year", "unit_id", "year"),
        # A dossier's award is written once: engine.domain.dossiers records it with ON CONFLICT DO
        # NOTHING on this index. Imported rows have no dossier; NULLs do not collide.
        Index("uq_award_record_dossier_id", "dossier_id", unique=True),
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
    #: The level as the source gives it (cấp cơ sở, cấp tỉnh, cấp bộ, cấp nhà nước), or the
    #: catalogue's level of the title; kept for forms the agency does not process itself.
    level: Mapped[str | None] = mapped_column(String(80))
    #: workflow | import
    source: Mapped[str] = mapped_column(String(20), default="workflow")
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"))
    #: Identity of an imported row, so importing the same file again adds nothing.
    import_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


RATINGS = ("excellent", "good", "complete", "incomplete")


class PerformanceRecord(Base):
    """A year's rating (xếp loại) and recognised initiatives of a person or a collective.

    Eligibility reads it beside the award history: e.g. BKT needs two years of excellent
    completion with two initiatives. Individual rows carry ``user_id``, collective rows ``unit_id``.
    """

    __tablename__ = "performance_record"
    __table_args__ = (
        CheckConstraint("rating IN ('excellent', 'good', 'complete', 'incomplete')", name="rating"),
        CheckConstraint("(user_id IS NULL) <> (unit_id IS NULL)", name="one_nominee"),
        # Eligibility: a nominee's facts by year.
        Index("uq_performance_record_user_year", "user_id", "year", unique=True),
        Index("uq_performance_record_unit_year", "unit_id", "year", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    year: Mapped[int]
    rating: Mapped[str] = mapped_column(String(20))
    initiatives: Mapped[int] = mapped_column(default=0)
    #: unit | province | national: the widest effect recognised for that year's initiatives
    initiative_scope: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)


class RuleSetting(Base):
    """A figure the legal basis leaves to the agency (or that is not yet confirmed), set by an
    administrator: it fills the DMN's unconfirmed rows, with who set it and when."""

    __tablename__ = "rule_setting"
    __table_args__ = (
        Index("uq_rule_setting_basis_title_key", "legal_basis", "title_code", "key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    legal_basis: Mapped[str] = mapped_column(String(40))
    #: a title code, or "*" for every title under the basis
    title_code: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(60))
    value: Mapped[Any] = mapped_column(JSON)
    #: Where the figure comes from (the agency's regulation, a decision number …).
    citation: Mapped[str] = mapped_column(Text)
    set_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)
