"""Units, users and the roles they hold."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from engine.models import OrgUnit, RoleMembership, User
from tests.common.base import add, password_hash, serial

#: Roles held within one unit; a role given by name alone is scoped to the user's own unit.
UNIT_ROLES = ("unit_clerk", "unit_head")

#: A role by name, or (role, the unit it is scoped to or None for agency-wide).
Role = str | tuple[str, OrgUnit | None]


def unit(session: Session, code: str | None = None, name: str | None = None) -> OrgUnit:
    n = serial()
    return add(session, OrgUnit(code=code or f"U{n}", name=name or f"Đơn vị {n}"))


def user(
    session: Session,
    username: str | None = None,
    *,
    unit: OrgUnit | int | None = None,
    roles: Iterable[Role] = (),
    full_name: str | None = None,
    email: str | None = None,
    position: str | None = None,
    email_mode: str = "immediate",
    can_log_in: bool = True,
) -> User:
    """Create a user of ``unit`` holding ``roles``, who can log in with base.PASSWORD."""
    n = serial()
    username = username or f"user{n}"
    unit_id = unit.id if isinstance(unit, OrgUnit) else unit
    row = User(
        username=username,
        full_name=full_name or f"Người dùng {username}",
        email=email or f"{username}@example.test",
        position=position,
        unit_id=unit_id,
        email_mode=email_mode,
        password_hash=password_hash() if can_log_in else None,
    )
    for role in roles:
        if isinstance(role, str):
            scope_id = unit_id if role in UNIT_ROLES else None
        else:
            role, scope = role
            scope_id = scope.id if scope else None
        row.memberships.append(RoleMembership(role_code=role, unit_id=scope_id))
    return add(session, row)


def holders(users: Iterable[User]) -> dict[tuple[str, int | None], User]:
    """The first of ``users`` holding each (role, unit) — memberships must be loaded."""
    found: dict[tuple[str, int | None], User] = {}
    for person in users:
        for membership in person.memberships:
            found.setdefault((membership.role_code, membership.unit_id), person)
    return found


def holder(found: dict[tuple[str, int | None], User], role: str, unit_id: int | None) -> User:
    """Who holds ``role`` in ``unit_id``, or agency-wide when nobody holds it there."""
    return found.get((role, unit_id)) or found[(role, None)]
