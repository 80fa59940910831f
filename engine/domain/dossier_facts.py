"""What the filing form offers, which dossier actions are open, and a dossier's council result.

The read side of the dossier pages beyond engine.read.queries: choices for "Lập hồ sơ đề nghị",
whether a dossier can still be withdrawn or let through, and the council's tally as the audit
trail recorded it. Who may do those is engine.permissions'; the operations themselves
(engine.domain.dossiers, engine.domain.council) ask it again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import permissions
from engine.domain.rules import titles
from engine.models import AuditEvent, Campaign, Dossier, OrgUnit, User
from engine.text import from_data

#: Stages in which a dossier may still be withdrawn (before the council has its result).
WITHDRAWABLE_STAGES = frozenset({"prepare", "unit_review", "completeness", "posting", "council"})


def filing_units(session: Session, user: User) -> list[OrgUnit]:
    """Return the units ``user`` may file dossiers for: their clerk units, or all (secretariat)."""
    query = select(OrgUnit).where(OrgUnit.active).order_by(OrgUnit.name)
    ids = permissions.filing_unit_ids(user)
    if ids is not None:
        query = query.where(OrgUnit.id.in_(ids))
    return list(session.scalars(query))


def campaigns(session: Session) -> list[Campaign]:
    """Return the campaigns dossiers are filed in, newest first."""
    return list(session.scalars(select(Campaign).order_by(Campaign.year.desc(), Campaign.name)))


def campaign_titles(campaign: Campaign) -> list[titles.Title]:
    """Return the titles open in ``campaign``, in the campaign's order."""
    return [titles.BY_CODE[c] for c in campaign.title_codes if c in titles.BY_CODE]


def staff(session: Session, unit_ids: list[int]) -> list[User]:
    """Return the active people of the units, by unit and name (the nominees a clerk may pick)."""
    return list(
        session.scalars(
            select(User)
            .where(User.active, User.unit_id.in_(unit_ids))
            .order_by(User.unit_id, User.full_name)
        )
    )


def withdrawable(dossier: Dossier) -> bool:
    """Return whether ``dossier`` can still be withdrawn (who may: permissions.may_withdraw)."""
    return dossier.status == "active" and dossier.stage in WITHDRAWABLE_STAGES


def overridable(dossier: Dossier) -> bool:
    """Return whether ``dossier`` is ineligible and not yet let through
    (who may: permissions.may_override_eligibility)."""
    eligibility = dossier.eligibility or {}
    return (
        eligibility.get("eligible") is False
        and not eligibility.get("overridden")
        and dossier.status in ("active", "blocked")
    )


@dataclass(frozen=True)
class CouncilResult:
    """The council's tally for one dossier: counts and the reason, never who voted how."""

    at: datetime
    #: The session's meeting date (results delivered before it was sent: None, use ``at``).
    meeting_date: date | None
    selected: bool
    agree: int
    disagree: int
    members: int
    reason: str


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _reason(payload: Mapping[str, Any]) -> str:
    kept = from_data(payload.get("reason_text"))
    if isinstance(kept, str) and kept:
        return kept
    return str(payload.get("reason") or "")


def council_result(session: Session, dossier_id: int) -> CouncilResult | None:
    """Return the latest council result delivered to the dossier, from its audit trail."""
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.dossier_id == dossier_id, AuditEvent.action == "message_delivered")
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    for event in events:
        if event.summary.get("message") != "council_result":
            continue
        payload = event.summary.get("payload") or {}
        return CouncilResult(
            at=event.at,
            meeting_date=_date(payload.get("meeting_date")),
            selected=bool(payload.get("selected")),
            agree=int(payload.get("agree", 0)),
            disagree=int(payload.get("disagree", 0)),
            members=int(payload.get("members", 0)),
            # A message kept as data (shown in the reader's language); a result delivered before
            # it was kept has only its Vietnamese text.
            reason=_reason(payload),
        )
    return None
