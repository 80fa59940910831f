"""SQLAlchemy models. Import every model module here so Alembic sees the whole schema."""

from engine.models.base import Base
from engine.models.campaign import Campaign
from engine.models.documents import GeneratedDocument
from engine.models.dossier import (
    AwardRecord,
    CouncilSession,
    Dossier,
    PerformanceRecord,
    RuleSetting,
    SealedBallot,
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
    "Campaign",
    "CouncilMember",
    "CouncilSession",
    "CouncilTerm",
    "Dossier",
    "GeneratedDocument",
    "HumanTask",
    "OrgUnit",
    "PerformanceRecord",
    "ProcessInstance",
    "Role",
    "RoleMembership",
    "RuleSetting",
    "SealedBallot",
    "User",
    "WorkflowSpec",
]
