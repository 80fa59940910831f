"""Factories for notification tests: units, users with roles, a task on a dossier.

They build the rows an engine operation projects and publish the events it would, so the
reminder ladder can be driven tick by tick without running a workflow.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import date, datetime

from sqlalchemy.orm import Session

from engine import events
from engine.models import (
    Campaign,
    Dossier,
    HumanTask,
    OrgUnit,
    ProcessInstance,
    RoleMembership,
    User,
    WorkflowSpec,
)

_serial = itertools.count(1)


def unit(session: Session, name: str = "Phòng Quản lý khoa học") -> OrgUnit:
    row = OrgUnit(code=f"U{next(_serial)}", name=name)
    session.add(row)
    session.flush()
    return row


def user(
    session: Session,
    full_name: str,
    roles: tuple[str, ...] = (),
    unit_id: int | None = None,
    email_mode: str = "immediate",
) -> User:
    """Add a user holding ``roles`` (unit-scoped ones for ``unit_id``)."""
    n = next(_serial)
    row = User(
        username=f"u{n}",
        full_name=full_name,
        email=f"u{n}@sokhcn.caobang.gov.vn",
        unit_id=unit_id,
        email_mode=email_mode,
    )
    for role in roles:
        scoped = role in ("unit_clerk", "unit_head")
        row.memberships.append(RoleMembership(role_code=role, unit_id=unit_id if scoped else None))
    session.add(row)
    session.flush()
    return row


def dossier(session: Session, unit_id: int, nominee: User | None = None) -> Dossier:
    campaign = Campaign(
        code=f"TD{next(_serial)}",
        name="Thi đua năm 2026",
        kind="annual",
        year=2026,
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        registration_deadline=date(2026, 3, 31),
        nomination_deadline=date(2026, 11, 30),
        legal_basis="ND98_2023",
    )
    session.add(campaign)
    session.flush()
    row = Dossier(
        campaign_id=campaign.id,
        unit_id=unit_id,
        nominee_kind="individual",
        nominee_user_id=nominee.id if nominee else None,
        nominee_name=nominee.full_name if nominee else "Hoàng Thị Lan",
        nominee_search="hoang thi lan",
        title_code="CSTDCS",
        legal_basis="ND98_2023",
        year=2026,
    )
    session.add(row)
    session.flush()
    return row


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
    """Add a ready human task (with a spec and an instance) and publish TaskReady."""
    spec = WorkflowSpec(
        process_id="nomination",
        version=next(_serial),
        content_hash=uuid.uuid4().hex,
        serialized="{}",
        sources={},
    )
    session.add(spec)
    session.flush()
    instance = ProcessInstance(
        spec_id=spec.id, process_id="nomination", state="{}", dossier_id=dossier_id
    )
    session.add(instance)
    session.flush()
    row = HumanTask(
        task_uuid=str(uuid.uuid4()),
        instance_id=instance.id,
        dossier_id=dossier_id,
        element_id=element_id,
        name=name,
        lane=candidate_role,
        candidate_role=candidate_role,
        candidate_unit_id=candidate_unit_id,
        assignee_id=assignee_id,
        created_at=created_at,
        due_at=due_at,
    )
    session.add(row)
    session.flush()
    if publish:
        events.publish(session, [events.TaskReady(row.id)])
    return row
