"""SQLAlchemy models. Import every model module here so Alembic sees the whole schema."""

from engine.models.base import Base
from engine.models.campaign import Campaign
from engine.models.dossier import AwardRecord, CouncilSession, Dossier, SealedBallot
from engine.models.notify import (
    CalendarOverrideDay,
    Notification,
    Outbox,
    ReminderLadderRow,
    ReminderSent,
)
from engine.models.org import (
    ROLES,
    CouncilMember,
    CouncilTerm,
    OrgUnit,
    Role,
    RoleMembership,
    User,
)
from engine.models.workflow import AuditEvent, HumanTask, ProcessInstance, WorkflowSpec

__all__ = [
    "ROLES",
    "AuditEvent",
    "AwardRecord",
    "Base",
    "CalendarOverrideDay",
    "Campaign",
    "CouncilMember",
    "CouncilSession",
    "CouncilTerm",
    "Dossier",
    "HumanTask",
    "Notification",
    "OrgUnit",
    "Outbox",
    "ProcessInstance",
    "ReminderLadderRow",
    "ReminderSent",
    "Role",
    "RoleMembership",
    "SealedBallot",
    "User",
    "WorkflowSpec",
]
