"""Dossiers of nomination, as filing leaves them (no engine operation runs)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from engine.models import Campaign, Dossier, OrgUnit, User
from engine.text import search_key
from tests.common import campaigns, workflow
from tests.common.base import add

if TYPE_CHECKING:
    from tests.common.worlds import World

ACHIEVEMENTS = "Hoàn thành xuất sắc nhiệm vụ; 1 sáng kiến cấp cơ sở."
ELIGIBLE: dict[str, Any] = {"eligible": True, "reasons": ["Đủ điều kiện theo Điều 23"]}


def dossier(
    session: Session,
    unit: OrgUnit | int,
    *,
    campaign: Campaign | None = None,
    nominee: User | OrgUnit | None = None,
    nominee_name: str = "Nguyễn Văn Hùng",
    title_code: str = "CSTDCS",
    stage: str = "unit_review",
    status: str = "active",
    achievements: str | None = ACHIEVEMENTS,
    eligibility: dict[str, Any] | None = ELIGIBLE,
    with_instance: bool = False,
) -> Dossier:
    """A dossier ``unit`` filed for ``nominee`` (a person, a collective, or just a name).

    The campaign is a new one of 2025 unless given; ``with_instance`` also starts its instance.
    """
    campaign = campaign or campaigns.campaign(session)
    person = nominee if isinstance(nominee, User) else None
    collective = nominee if isinstance(nominee, OrgUnit) else None
    name = person.full_name if person else collective.name if collective else nominee_name
    row = add(
        session,
        Dossier(
            campaign_id=campaign.id,
            unit_id=unit.id if isinstance(unit, OrgUnit) else unit,
            nominee_kind="collective" if collective else "individual",
            nominee_user_id=person.id if person else None,
            nominee_unit_id=collective.id if collective else None,
            nominee_name=name,
            nominee_search=search_key(name),
            nominee_position=person.position if person else None,
            title_code=title_code,
            legal_basis="ND98_2023",
            year=campaign.year,
            stage=stage,
            status=status,
            achievements=achievements,
            eligibility=dict(eligibility or {}),
        ),
    )
    if with_instance:
        workflow.instance(session, row)
    return row


def nominate(
    session: Session,
    world: World,
    nominee: str,
    title_code: str,
    stage: str = "council",
    status: str = "active",
    achievements: str = "Hoàn thành xuất sắc nhiệm vụ năm 2025.",
) -> Dossier:
    """A dossier of ``world``'s campaign for a user (by username, filed by their unit) or a
    collective (by unit code, filed by itself)."""
    person = world.users.get(nominee)
    unit = world.unit_of(person) if person else world.units[nominee]
    return dossier(
        session,
        unit,
        campaign=world.campaign,
        nominee=person or unit,
        title_code=title_code,
        stage=stage,
        status=status,
        achievements=achievements,
        eligibility=None,
    )
