"""Who holds a lane: the active members of a role, for a unit or agency-wide.

One place for the question both the conflict-of-interest router (engine.domain.conflicts) and
the notifications (engine.notify) ask about a new step. Inside a step, or a reminder batch, the
answer is kept for the block (engine.workflow.step_context.keeping_reads), so a lane is read
once however many ask.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from engine.models import Dossier, RoleMembership, User
from engine.models.org import UNIT_SCOPED_ROLES
from engine.workflow import step_context

# Built once: building the ORM select on every call cost more than running it (role_holders was
# ~17% of a step in a bench/engine.py profile: cache key and coercion redone each time).
_HOLDERS = (
    select(User)
    .join(RoleMembership, RoleMembership.user_id == User.id)
    .where(RoleMembership.role_code == bindparam("role"), User.active.is_(True))
)
_DOSSIER_UNIT = (
    select(Dossier.unit_id).where(Dossier.id == bindparam("dossier_id")).scalar_subquery()
)
#: Who holds a role in any unit; in one unit (or agency-wide); in a dossier's unit (or
#: agency-wide), so that the unit and its people come in one query.
_HOLDERS_ANYWHERE = _HOLDERS.distinct().order_by(User.id)


def _holders_in(unit: Any) -> Any:
    return (
        _HOLDERS.where(or_(RoleMembership.unit_id == unit, RoleMembership.unit_id.is_(None)))
        .distinct()
        .order_by(User.id)
    )


_HOLDERS_OF_UNIT = _holders_in(bindparam("unit_id"))
_HOLDERS_OF_DOSSIER_UNIT = _holders_in(_DOSSIER_UNIT)


def role_holders(
    session: Session, role: str, unit_id: int | None, *, dossier_id: int | None = None
) -> list[User]:
    """Return the active users holding ``role``, by id.

    A unit-scoped role is held for ``unit_id``, else for dossier ``dossier_id``'s unit, by
    members of that unit and agency-wide members; with neither, by members of any unit. Inside a
    ``keeping_reads`` block each lane is read once.
    """
    kept = step_context.kept_reads(session)
    if kept is None:
        return _role_holders(session, role, unit_id, dossier_id)
    if role not in UNIT_SCOPED_ROLES:
        unit_id = dossier_id = None
    elif unit_id is None and dossier_id is not None:
        # A batch holds its dossiers: their unit names the lane, so one read serves every
        # dossier of the unit (the same holders the dossier's-unit query finds).
        dossier = session.get(Dossier, dossier_id)
        if dossier is not None and dossier.unit_id is not None:
            unit_id, dossier_id = dossier.unit_id, None
    key = ("holders", role, unit_id, dossier_id)
    if key not in kept:
        kept[key] = _role_holders(session, role, unit_id, dossier_id)
    return list(kept[key])


def _role_holders(
    session: Session, role: str, unit_id: int | None, dossier_id: int | None
) -> list[User]:
    if role in UNIT_SCOPED_ROLES and unit_id is not None:
        return list(session.scalars(_HOLDERS_OF_UNIT, {"role": role, "unit_id": unit_id}))
    if role in UNIT_SCOPED_ROLES and dossier_id is not None:
        params = {"role": role, "dossier_id": dossier_id}
        return list(session.scalars(_HOLDERS_OF_DOSSIER_UNIT, params))
    return list(session.scalars(_HOLDERS_ANYWHERE, {"role": role}))
