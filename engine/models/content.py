"""What people add to a dossier beside the workflow: attachments and comments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base, utcnow
from engine.models.org import User


class Attachment(Base):
    """A file attached to a dossier; its bytes live once on disk, named by their SHA-256."""

    __tablename__ = "attachment"
    __table_args__ = (
        # Dossier page and API: a dossier's attachments in upload order.
        Index("ix_attachment_dossier_uploaded", "dossier_id", "uploaded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"))
    #: The task during which it was added (None: added outside a task).
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_task.id"))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    uploader: Mapped[User] = relationship()


class Comment(Base):
    """A remark on a dossier, shown to everyone who may see the dossier."""

    __tablename__ = "comment"
    __table_args__ = (
        # Dossier and task pages: a dossier's comments in order.
        Index("ix_comment_dossier_created", "dossier_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_task.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship()
