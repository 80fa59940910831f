"""Firing due timers: SpiffWorkflow fires nothing on its own (DESIGN.md, engine rule 4)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, select
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

    PostgreSQL: each unit of work selects *and* locks the next due instance in one statement
    (``ORDER BY next_timer_at LIMIT 1 FOR UPDATE SKIP LOCKED``), so two sweeps at once take
    different instances instead of reading the same ids and racing for each lock. SQLite has no
    SKIP LOCKED: the due ids are read first and each is claimed under the write lock and
    re-checked. Either way a timer fires once. A failing instance is logged and rolled back (and
    not taken again by this sweep); the sweep goes on with the others.
    """
    with session_factory() as session:
        postgres = session.get_bind().dialect.name == "postgresql"
        ids = [] if postgres else due_instance_ids(session, now, limit)
    if postgres:
        return _fire_next_due(session_factory, now, limit)
    fired = 0
    for instance_id in ids:
        try:
            with unit_of_work(session_factory) as session:
                instance = stepping.lock_instance(session, instance_id, skip_locked=True)
                if _fire_one(session, instance, now):
                    fired += 1
        except Exception:
            log.exception("timer sweep: instance %s failed; it stays as it was", instance_id)
    return fired


def _next_due(failed: list[int]) -> Select[Any]:
    query = (
        select(ProcessInstance)
        .where(
            ProcessInstance.next_timer_at <= bindparam("now"),
            ProcessInstance.status == "running",
        )
        .order_by(ProcessInstance.next_timer_at)
        .limit(1)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    return query.where(ProcessInstance.id.not_in(failed)) if failed else query


_NEXT_DUE = _next_due([])


def _fire_next_due(session_factory: sessionmaker[Session], now: datetime, limit: int) -> int:
    fired = 0
    failed: list[int] = []
    while fired + len(failed) < limit:
        taken: int | None = None
        try:
            with unit_of_work(session_factory) as session:
                query = _next_due(failed) if failed else _NEXT_DUE
                instance: ProcessInstance | None = session.scalar(query, {"now": now})
                if instance is None:
                    break  # nothing due that another sweep does not hold
                taken = instance.id
                if _fire_one(session, instance, now):
                    fired += 1
        except Exception:
            log.exception("timer sweep: instance %s failed; it stays as it was", taken)
            if taken is None:
                break
            failed.append(taken)
    return fired


def _fire_one(session: Session, instance: ProcessInstance | None, now: datetime) -> bool:
    """Fire the locked ``instance``'s due timers; False when it is gone, held or not due."""
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
