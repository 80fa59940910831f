"""Rows as the notification subscribers see them: a ready task, published as an operation
would publish it, so the reminder ladder can be driven tick by tick without a workflow."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from engine import events
from engine.models import Dossier, HumanTask, User
from tests.common import campaigns, dossiers, people, workflow
from tests.common.base import serial

#: The agency's mail domain, where its people's addresses are.
DOMAIN = "sokhcn.caobang.gov.vn"


def user(
    session: Session,
    full_name: str,
    roles: tuple[str, ...] = (),
    unit_id: int | None = None,
    email_mode: str = "immediate",
) -> User:
    """A person of ``unit_id`` with an address at the agency, holding ``roles``."""
    username = f"u{serial()}"
    return people.user(
        session,
        username,
        unit=unit_id,
        roles=roles,
        full_name=full_name,
        email=f"{username}@{DOMAIN}",
        email_mode=email_mode,
    )


def dossier(session: Session, unit_id: int, nominee: User | None = None) -> Dossier:
    """A dossier being prepared in 2026, for ``nominee`` or for Hoàng Thị Lan."""
    campaign = campaigns.campaign(
        session,
        2026,
        name="Thi đua năm 2026",
        title_codes=(),
        nomination_deadline=date(2026, 11, 30),
    )
    return dossiers.dossier(
        session,
        unit_id,
        campaign=campaign,
        nominee=nominee,
        nominee_name="Hoàng Thị Lan",
        stage="prepare",
        achievements=None,
        eligibility=None,
    )


def task(
    session: Session,
    *,
    created_at: datetime,
    due_at: datetime | None,
    candidate_role: str = "unit_head",
    candidate_unit_id: int | None = None,
    dossier_id: int | None = None,
    assignee_id: int | None = None,
    element_id: str = "unit_review",
    name: str = "Bình xét tại đơn vị",
    publish: bool = True,
) -> HumanTask:
    """A ready task on an instance of its own, and TaskReady published unless told otherwise."""
    instance = workflow.instance(session, dossier_id, process_id="nomination")
    row = workflow.task(
        session,
        None,
        on=instance,
        element_id=element_id,
        name=name,
        role=candidate_role,
        candidate_unit=candidate_unit_id,
        assignee=assignee_id,
        created=created_at,
        due=due_at,
        form=[],
        stage=None,
    )
    if publish:
        events.publish(session, [events.TaskReady(row.id)])
    return row
