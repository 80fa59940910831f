"""Firing due timers: SpiffWorkflow fires nothing on its own (DESIGN.md, engine rule 4)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine import audit
from engine.models import ProcessInstance
from engine.unit_of_work import unit_of_work
from engine.workflow import spiff, stepping

log = logging.getLogger(__name__)


def due_instance_ids(session: Session, now: datetime, limit: int) -> list[int]:
    """Return running instances whose earliest timer is due (partial index on next_timer_at)."""
    return list(
        session.scalars(
            select(ProcessInstance.id)
            .where(ProcessInstance.next_timer_at <= now, ProcessInstance.status == "running")
            .order_by(ProcessInstance.next_timer_at)
            .limit(limit)
        )
    )


def fire_due_timers(session_factory: sessionmaker[Session], now: datetime, limit: int = 100) -> int:
    """Advance every instance with a due timer, one unit of work each; return how many advanced.

    Each instance is claimed with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL) or the SQLite write
    lock, then re-checked, so two sweeps at once fire a timer once. A failing instance is logged
    and rolled back; the sweep goes on with the others.
    """
    with session_factory() as session:
        ids = due_instance_ids(session, now, limit)
    fired = 0
    for instance_id in ids:
        try:
            with unit_of_work(session_factory) as session:
                if _fire_one(session, instance_id, now):
                    fired += 1
        except Exception:
            log.exception("timer sweep: instance %s failed; it stays as it was", instance_id)
    return fired


def _fire_one(session: Session, instance_id: int, now: datetime) -> bool:
    instance = stepping.lock_instance(session, instance_id, skip_locked=True)
    if (
        instance is None
        or instance.status != "running"
        or instance.next_timer_at is None
        or instance.next_timer_at > now
    ):
        return False  # another sweep holds it or already fired it
    step = stepping.load(session, instance)
    due = instance.next_timer_at
    # refresh_timers() first: do_engine_steps() refreshes only at its end (SPIFF_NOTES.md).
    spiff.do_engine_steps(step.workflow, refresh_timers=True)
    changes = stepping.save(session, step, None)
    audit.record(
        session,
        "timer_fired",
        actor_id=None,
        instance=instance,
        summary={
            "due_at": due.isoformat(),
            "cancelled": [r.element_id for r in changes.cancelled],
            "ready": [r.element_id for r, _t in changes.created],
        },
    )
    return True
