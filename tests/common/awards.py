"""A person's award history and yearly ratings, as an import of old decisions leaves them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import AwardRecord, PerformanceRecord, User
from engine.text import search_key


def award(
    session: Session, person: User, title_code: str, year: int, source: str = "import"
) -> AwardRecord:
    """Put ``title_code`` of ``year`` in the person's history, unless it is there already."""
    found = session.scalar(
        select(AwardRecord).where(
            AwardRecord.user_id == person.id,
            AwardRecord.year == year,
            AwardRecord.title_code == title_code,
        )
    )
    if found is not None:
        return found
    row = AwardRecord(
        nominee_kind="individual",
        user_id=person.id,
        nominee_name=person.full_name,
        nominee_search=search_key(person.full_name),
        title_code=title_code,
        year=year,
        source=source,
    )
    session.add(row)
    return row


def rate(
    session: Session,
    person: User,
    year: int,
    rating: str = "excellent",
    initiatives: int = 1,
    initiative_scope: str = "unit",
) -> PerformanceRecord:
    """Set the person's rating of ``year`` (the one on record, or a new one)."""
    row = session.scalar(
        select(PerformanceRecord).where(
            PerformanceRecord.user_id == person.id, PerformanceRecord.year == year
        )
    )
    if row is None:
        row = PerformanceRecord(user_id=person.id, year=year)
        session.add(row)
    row.rating, row.initiatives, row.initiative_scope = rating, initiatives, initiative_scope
    return row
