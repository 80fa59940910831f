"""SQLAlchemy models. Import every model module here so Alembic sees the whole schema."""

from engine.models.agency import (
    DisciplineRecord,
    DossierInitiative,
    ImportJob,
    Initiative,
    InitiativeAuthor,
    StaffPeriod,
)
from engine.models.api_token import ApiToken, IdempotencyRecord
from engine.models.base import Base
from engine.models.campaign import Campaign
from engine.models.content import Attachment, Comment
from engine.models.documents import GeneratedDocument
from engine.models.dossier import (
    AwardRecord,
    CouncilSession,
    Dossier,
    PerformanceRecord,
    RuleSetting,
    SealedBallot,
)
from engine.models.files import FileBlob, FileChunk
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
from engine.models.saved_filter import SavedFilter
from engine.models.user_session import UserSession
from engine.models.webhook import WebhookDelivery, WebhookEndpoint
from engine.models.workflow import (
    AuditEvent,
    HumanTask,
    ProcessGroupRole,
    ProcessInstance,
    WorkflowSpec,
)

__all__ = [
    "ROLES",
    "ApiToken",
    "Attachment",
    "AuditEvent",
    "AwardRecord",
    "Base",
    "CalendarOverrideDay",
    "Campaign",
    "Comment",
    "CouncilMember",
    "CouncilSession",
    "CouncilTerm",
    "DisciplineRecord",
    "Dossier",
    "DossierInitiative",
    "FileBlob",
    "FileChunk",
    "GeneratedDocument",
    "HumanTask",
    "IdempotencyRecord",
    "ImportJob",
    "Initiative",
    "InitiativeAuthor",
    "Notification",
    "OrgUnit",
    "Outbox",
    "PerformanceRecord",
    "ProcessGroupRole",
    "ProcessInstance",
    "ReminderLadderRow",
    "ReminderSent",
    "Role",
    "RoleMembership",
    "RuleSetting",
    "SavedFilter",
    "SealedBallot",
    "StaffPeriod",
    "User",
    "UserSession",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WorkflowSpec",
]
