"""An agency's own records brought in from its spreadsheets: who belonged to which unit when,
discipline, initiatives and research, and the import jobs that bring them (docs/agency-import.md).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, utcnow

IMPORT_KINDS = ("units", "staff", "ratings", "discipline", "initiatives", "awards")
IMPORT_STATUSES = ("queued", "running", "previewed", "applied", "failed")
INITIATIVE_LEVELS = ("co_so", "bo_tinh", "toan_quoc")
INITIATIVE_SCOPES = ("unit", "province", "national")


class StaffPeriod(Base):
    """A person's time in a unit (from joined_on to left_on): what collective rules read for a
    year, rather than today's staff list."""

    __tablename__ = "staff_period"
    __table_args__ = (Index("ix_staff_period_unit", "unit_id", "joined_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    position: Mapped[str | None] = mapped_column(String(255))
    joined_on: Mapped[date]
    left_on: Mapped[date | None]


class DisciplineRecord(Base):
    """A discipline (kỷ luật) and the period it is in effect; eligibility reads it."""

    __tablename__ = "discipline_record"
    __table_args__ = (Index("ix_discipline_record_user", "user_id", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    #: khiển trách | cảnh cáo | hạ bậc lương | cách chức | buộc thôi việc … as the file says
    form: Mapped[str] = mapped_column(String(80))
    #: Whether the form is a warning (cảnh cáo) or heavier: the collective titles' threshold.
    warning_or_more: Mapped[bool] = mapped_column(default=True)
    decision_no: Mapped[str | None] = mapped_column(String(80))
    effective_from: Mapped[date]
    effective_until: Mapped[date | None]
    import_key: Mapped[str | None] = mapped_column(String(64), unique=True)


class Initiative(Base):
    """An initiative (sáng kiến) or research (đề tài) recognised by a decision."""

    __tablename__ = "initiative"
    __table_args__ = (
        CheckConstraint("level IN ('co_so', 'bo_tinh', 'toan_quoc')", name="level"),
        CheckConstraint("scope IN ('unit', 'province', 'national')", name="scope"),
        Index("ix_initiative_year", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: initiative | research
    kind: Mapped[str] = mapped_column(String(20), default="initiative")
    title: Mapped[str] = mapped_column(String(500))
    year: Mapped[int]
    #: The level that recognised it: cơ sở, bộ/ngành/tỉnh, toàn quốc.
    level: Mapped[str] = mapped_column(String(20))
    #: Its scope of effect (phạm vi ảnh hưởng): unit, province-wide, national.
    scope: Mapped[str] = mapped_column(String(20))
    decision_no: Mapped[str | None] = mapped_column(String(80))
    decision_date: Mapped[date | None]
    issued_by: Mapped[str | None] = mapped_column(String(255))
    import_key: Mapped[str | None] = mapped_column(String(64), unique=True)


class InitiativeAuthor(Base):
    """An author of an initiative (a person of the agency)."""

    __tablename__ = "initiative_author"
    __table_args__ = (
        Index("uq_initiative_author", "initiative_id", "user_id", unique=True),
        Index("ix_initiative_author_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))


class DossierInitiative(Base):
    """An initiative or research a dossier rests on, chosen by the unit's clerk from the
    nominee's own (docs/agency-import.md, "Attaching initiatives to a dossier")."""

    __tablename__ = "dossier_initiative"
    __table_args__ = (
        Index("uq_dossier_initiative", "dossier_id", "initiative_id", unique=True),
        Index("ix_dossier_initiative_initiative", "initiative_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"))
    attached_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    attached_at: Mapped[datetime] = mapped_column(default=utcnow)


class ImportJob(Base):
    """An upload to import: parsed and previewed by a worker (the diff), then applied.

    The file is kept in the row (bounded by TDKT_IMPORT_MAX_BYTES) so a worker on another host
    can read it; it is dropped once the job is applied or failed.
    """

    __tablename__ = "import_job"
    __table_args__ = (
        CheckConstraint(
            "status IN ('queued', 'running', 'previewed', 'applied', 'failed')", name="status"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: preview | apply: what the worker does with the file next.
    mode: Mapped[str] = mapped_column(String(10), default="preview")
    partial: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    total_rows: Mapped[int] = mapped_column(default=0)
    done_rows: Mapped[int] = mapped_column(default=0)
    #: The row-by-row report and the diff: {"rows": [...], "counts": {...}}.
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    @property
    def progress_percent(self) -> int:
        """Return how far the worker has got, 0–100."""
        if self.status in ("previewed", "applied"):
            return 100
        return min(99, self.done_rows * 100 // self.total_rows) if self.total_rows else 0
