"""Generated documents: a rendering job, its progress and the file it produced."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, utcnow
from engine.models.workflow import HumanTask

DOCUMENT_STATUSES = ("queued", "running", "done", "failed")


class GeneratedDocument(Base):
    """One requested document (Tờ trình, Biên bản, Danh sách, Quyết định, statistics).

    Large batches are rendered by a Celery task that claims the row (queued → running), counts
    ``done_items`` up to ``total_items`` for the progress bar and stores the file under
    ``TDKT_DATA_DIR/documents``; ``file_path`` is relative to that folder.
    """

    __tablename__ = "generated_document"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),
        # The documents page: a user's latest requests first.
        Index("ix_generated_document_requested_by_created", "requested_by", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: submission | minutes | nominee_list | decision | nominee_list_xlsx
    kind: Mapped[str] = mapped_column(String(40))
    #: What to render, by ids only: {"dossier_ids": [...]} or {"session_id": n}, plus options.
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    total_items: Mapped[int] = mapped_column(default=0)
    done_items: Mapped[int] = mapped_column(default=0)
    filename: Mapped[str | None] = mapped_column(String(255))
    file_path: Mapped[str | None] = mapped_column(String(255))
    error: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    @property
    def progress_percent(self) -> int:
        """Return how far rendering has got, 0–100."""
        if self.status == "done":
            return 100
        if not self.total_items:
            return 0
        return min(99, self.done_items * 100 // self.total_items)


# Time per step on the dashboard: tasks completed in a period (declared here, not on the model,
# so the statistics' index ships with the statistics' migration).
Index(
    "ix_human_task_completed_at",
    HumanTask.completed_at,
    postgresql_where=text("completed_at IS NOT NULL"),
    sqlite_where=text("completed_at IS NOT NULL"),
)
