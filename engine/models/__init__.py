"""SQLAlchemy models. Import every model module here so Alembic sees the whole schema."""

from engine.models.base import Base
from engine.models.campaign import Campaign
from engine.models.org import (
    ROLES,
    CouncilMember,
    CouncilTerm,
    OrgUnit,
    Role,
    RoleMembership,
    User,
)

__all__ = [
    "ROLES",
    "Base",
    "Campaign",
    "CouncilMember",
    "CouncilTerm",
    "OrgUnit",
    "Role",
    "RoleMembership",
    "User",
]
