"""Conflicts of interest in the procedure's steps (docs/legal-basis.md, "Conflicts of interest").

Nobody reviews, approves, posts or decides their own dossier or the dossier of the collective
they belong to. Two plugs of the wiring enforce it:

- :func:`route_task` (``task_router``): a new step whose every lane holder is conflicted goes to
  the next holder in line, :data:`NEXT_IN_LINE`, recorded in the audit trail;
- :func:`refuse_own` (``act_guard``): a conflicted person who shares a lane with others may not
  complete the step; the others do.

A council member is recused on the ballot sheet instead (engine.domain.council).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine import audit
from engine.domain.council import is_conflicted
from engine.domain.holders import role_holders
from engine.errors import Forbidden
from engine.models import Dossier, HumanTask, User

#: Who takes a step when every holder of its lane has a conflict: the agency's line of deputies.
#: Data, not code: (role, agency-wide) of the next holder for each lane.
NEXT_IN_LINE: dict[str, str] = {
    "unit_head": "secretariat",
    "secretariat": "director",
    "director": "secretariat",
}
#: The lanes that review, approve, post or decide; the clerk prepares and members vote.
GUARDED = frozenset(NEXT_IN_LINE)


def route_task(session: Session, values: dict[str, Any]) -> None:
    """Move a new step to the next holder in line when all its lane's holders are conflicted."""
    role, dossier_id = values.get("candidate_role"), values.get("dossier_id")
    if role not in GUARDED or dossier_id is None or values.get("subject_user_id") is not None:
        return
    dossier = session.get(Dossier, dossier_id)
    if dossier is None:
        return
    unit_id = values.get("candidate_unit_id")
    seen: list[str] = []
    while role in GUARDED and role not in seen:
        holders = role_holders(session, role, unit_id, dossier_id=dossier.id)
        if not holders or not all(is_conflicted(dossier, u.id, u.unit_id) for u in holders):
            break
        seen.append(role)
        role, unit_id = NEXT_IN_LINE[role], None
    if not seen or role in seen:
        return
    values["candidate_role"], values["candidate_unit_id"] = role, None
    values["assignee_id"] = None
    audit.record(
        session,
        "task_rerouted_conflict",
        actor_id=None,
        dossier_id=dossier.id,
        summary={
            "element": values.get("element_id"),
            "from": seen[0],
            "to": role,
            "reason": "Người giữ bước này là người được đề nghị hoặc thuộc tập thể được đề nghị",
        },
    )


def refuse_own(session: Session, task: HumanTask, actor: User) -> None:
    """Raise Forbidden when ``actor`` would act on their own (or own collective's) dossier."""
    if task.candidate_role not in GUARDED or task.dossier_id is None:
        return
    dossier = session.get(Dossier, task.dossier_id)
    if dossier is not None and is_conflicted(dossier, actor.id, actor.unit_id):
        raise Forbidden(
            "Bạn là người được đề nghị (hoặc thuộc tập thể được đề nghị) trong hồ sơ này: "
            "người khác cùng nhóm hoặc người kế tiếp xử lý bước này."
        )
