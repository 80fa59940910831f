"""A user's named filters of a list (an inbox or the dossier list), picked again later."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, utcnow


class SavedFilter(Base):
    __tablename__ = "saved_filter"
    __table_args__ = (
        # One name per list and user; the lists read a user's filters of one list.
        Index("uq_saved_filter_user_list_name", "user_id", "list_name", "name", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    #: mine | group | dossiers
    list_name: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(80))
    #: The list's query arguments, as ListFilters.as_args gives them (checked when saved).
    args: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
