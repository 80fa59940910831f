"""Emulation campaigns."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from engine.models import Campaign
from tests.common.base import add, serial


def campaign(
    session: Session,
    year: int = 2025,
    *,
    code: str | None = None,
    name: str | None = None,
    title_codes: Sequence[str] = ("LDTT", "CSTDCS"),
    registration_deadline: date | None = None,
    nomination_deadline: date | None = None,
) -> Campaign:
    """An annual campaign of ``year`` under Decree 98/2023 (deadlines 31 March, 15 December)."""
    n = serial()
    return add(
        session,
        Campaign(
            code=code or f"TDKT-{year}-{n}",
            name=name or f"Phong trào thi đua năm {year} ({n})",
            kind="annual",
            year=year,
            starts_on=date(year, 1, 1),
            ends_on=date(year, 12, 31),
            registration_deadline=registration_deadline or date(year, 3, 31),
            nomination_deadline=nomination_deadline or date(year, 12, 15),
            legal_basis="ND98_2023",
            title_codes=list(title_codes),
        ),
    )
