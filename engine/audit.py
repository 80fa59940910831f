"""The audit trail: one helper every operation writes through (append-only, DESIGN.md)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from engine.models import AuditEvent, HumanTask, ProcessInstance
from engine.models.base import utcnow

# A plain INSERT, sent at once: the trail is append-only, so no object needs to live in the
# session, and a flush of one AuditEvent cost ~4x the statement (bench/engine.py --profile).
_INSERT = insert(AuditEvent.metadata.tables[AuditEvent.__tablename__])


def record(
    session: Session,
    action: str,
    *,
    actor_id: int | None,
    instance: ProcessInstance | None = None,
    task: HumanTask | None = None,
    dossier_id: int | None = None,
    summary: dict[str, Any] | None = None,
) -> None:
    """Append an audit event for ``action`` in the caller's transaction.

    The dossier is the instance's, or ``dossier_id`` for a change outside any workflow.
    """
    session.execute(
        _INSERT,
        {
            "at": utcnow(),
            "actor_id": actor_id,
            "action": action,
            "instance_id": instance.id if instance is not None else None,
            "dossier_id": instance.dossier_id if instance is not None else dossier_id,
            "task_id": task.id if task is not None else None,
            "element_id": task.element_id if task is not None else None,
            "summary": summary or {},
        },
    )
