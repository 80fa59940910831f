"""Declarative base with a naming convention so Alembic names constraints predictably."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


#: The instant ``utcnow`` answers inside ``pinned_clock`` (None: the wall clock).
_PINNED: ContextVar[datetime | None] = ContextVar("tdkt_pinned_clock", default=None)


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC (the pinned one inside ``pinned_clock``)."""
    pinned = _PINNED.get()
    return pinned if pinned is not None else datetime.now(UTC)


@contextmanager
def pinned_clock(at: datetime) -> Iterator[Callable[[datetime], None]]:
    """Make the engine's clock read ``at`` inside the block; the yielded function moves it.

    The demo replays past campaigns through the real operations with it, so each task's
    created, due and completed times are what real use at those instants writes. Every engine
    write reads the time through ``utcnow`` (the script helpers too). Only for instants in the
    past: SpiffWorkflow compares timer dates with the wall clock. No request or worker pins it.
    """
    if at.tzinfo is None:
        raise ValueError("pinned_clock needs a timezone-aware instant")
    token = _PINNED.set(at)

    def move(to: datetime) -> None:
        if to.tzinfo is None:
            raise ValueError("pinned_clock needs a timezone-aware instant")
        _PINNED.set(to)

    try:
        yield move
    finally:
        _PINNED.reset(token)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}  # noqa: RUF012 - SQLAlchemy's documented form
