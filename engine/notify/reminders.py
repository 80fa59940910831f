"""The reminder ladder at work: when each open task's next rung fires, and the sweep that sends it.

The calendar overrides and the ladders are data administrators edit; changing either
reschedules the open tasks. An engine step schedules the task it creates with this process's
copies of both (the runtime's ``ProcessCalendar`` and :func:`current_ladders`), read again
together (``Runtime.refresh_calendar``) and after a ladder is saved, so a step reads neither.
The sweep reads only open tasks whose ``next_reminder_at`` has passed (a partial index), so its
cost follows what is due, not how many tasks are open.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from engine import events, wiring
from engine.calendar import WorkingCalendar, load_calendar
from engine.models import Dossier, HumanTask, ReminderLadderRow, ReminderSent, User
from engine.models.base import utcnow
from engine.notify.core import (
    current_config,
    escalation_targets,
    holders,
    notification_rows,
    task_context,
    task_link,
    write_notifications,
)
from engine.notify.ladder import (
    DEFAULT_LADDER,
    Recipient,
    Rung,
    RungKind,
    RungOccurrence,
    due_rungs,
    ladder_from_data,
    ladder_to_data,
    schedule,
)
from engine.unit_of_work import unit_of_work
from engine.workflow import step_context

log = logging.getLogger(__name__)

DEFAULT_TASK_TYPE = "default"


# --- calendar and ladders as data ------------------------------------------------------------


def load_ladders(session: Session) -> dict[str, tuple[Rung, ...]]:
    """Return the ladders by task type; ``default`` is always present."""
    ladders = {DEFAULT_TASK_TYPE: DEFAULT_LADDER}
    for row in session.scalars(select(ReminderLadderRow)):
        ladders[row.task_type] = ladder_from_data(row.ladder)
    return ladders


_LADDER_SAVED = "tdkt_ladder_saved"


class LadderCopy:
    """One runtime's copy of the reminder ladders (``engine.wiring.Wiring.ladders``)."""

    def __init__(self) -> None:
        self._ladders: dict[str, tuple[Rung, ...]] | None = None

    def current(self, session: Session) -> dict[str, tuple[Rung, ...]]:
        """Return the copy, reading the ladders with ``session`` if there is none."""
        ladders = self._ladders
        if ladders is None:
            ladders = self._ladders = load_ladders(session)
        return ladders

    def refresh(self, session: Session) -> None:
        """Read the ladders again (with the calendar, Runtime.refresh_calendar)."""
        self._ladders = load_ladders(session)

    def forget(self) -> None:
        """Drop the copy: the next step reads the ladders again."""
        self._ladders = None


def current_ladders(session: Session) -> dict[str, tuple[Rung, ...]]:
    """Return the runtime's copy of the ladders."""
    return wiring.of(session).ladders.current(session)


def forget_saved_ladder(session: Session) -> None:
    """Drop this process's ladders once a saved one is committed (an after_commit listener on
    the runtime's session factory)."""
    # Only once the new ladder is committed: forgetting earlier could let a concurrent step
    # read the old one back for a whole refresh interval.
    if session.info.pop(_LADDER_SAVED, False):
        wiring.of(session).ladders.forget()


def keep_ladders_after_rollback(session: Session) -> None:
    """Forget that a ladder was saved in a transaction that rolled back (an after_rollback
    listener)."""
    session.info.pop(_LADDER_SAVED, None)


def save_ladder(
    session: Session, task_type: str, ladder: Sequence[Rung], by_id: int | None
) -> None:
    """Store the ladder for ``task_type`` (an element id or ``default``) and reschedule tasks.

    This process uses the new ladder from the commit on; the others from their next refresh.
    """
    row = session.scalar(select(ReminderLadderRow).where(ReminderLadderRow.task_type == task_type))
    if row is None:
        row = ReminderLadderRow(task_type=task_type, ladder=[])
        session.add(row)
    row.ladder = ladder_to_data(ladder)
    row.updated_by = by_id
    row.updated_at = utcnow()
    session.flush()
    reschedule_open_tasks(session)
    session.info[_LADDER_SAVED] = True


# --- the reminder ladder ---------------------------------------------------------------------


def _ladder_for(element_id: str, ladders: dict[str, tuple[Rung, ...]]) -> tuple[Rung, ...]:
    return ladders.get(element_id, ladders[DEFAULT_TASK_TYPE])


def _sent_keys(session: Session, task_id: int) -> set[str]:
    return set(
        session.scalars(select(ReminderSent.rung_key).where(ReminderSent.task_id == task_id))
    )


def schedule_task(
    session: Session,
    task: HumanTask,
    calendar: WorkingCalendar,
    ladders: dict[str, tuple[Rung, ...]],
    sent: set[str] | None = None,
) -> None:
    """Set ``task.next_reminder_at`` to its earliest rung not yet sent (None: nothing left);
    ``sent`` is the task's sent rung keys when the caller knows them."""
    if task.completed_at is not None or task.status != "ready" or task.due_at is None:
        task.next_reminder_at = None
        return
    task.next_reminder_at = _next_rung_at(
        task.element_id,
        task.due_at,
        task.created_at,
        calendar,
        ladders,
        _sent_keys(session, task.id) if sent is None else sent,
    )


def first_reminder_at(session: Session, values: dict[str, Any]) -> datetime | None:
    """Return when the first rung of a task about to be inserted (its row ``values``) fires.

    A row not inserted yet has no rung sent: nothing to read but this process's ladders.
    """
    if values["completed_at"] is not None or values["status"] != "ready":
        return None
    if values["due_at"] is None:
        return None
    return _next_rung_at(
        values["element_id"],
        values["due_at"],
        values["created_at"],
        wiring.of(session).calendar.current(),
        current_ladders(session),
        set(),
    )


def _next_rung_at(
    element_id: str,
    due_at: datetime,
    created_at: datetime,
    calendar: WorkingCalendar,
    ladders: dict[str, tuple[Rung, ...]],
    sent: set[str],
) -> datetime | None:
    plan = schedule(_ladder_for(element_id, ladders), due_at, calendar, created_at)
    return min((o.fires_at for o in plan if o.key not in sent), default=None)


def reschedule_open_tasks(session: Session) -> int:
    """Recompute every open task's next reminder (after a ladder or calendar change)."""
    calendar, ladders = load_calendar(session, current_config().tz), load_ladders(session)
    tasks = session.scalars(
        select(HumanTask).where(HumanTask.completed_at.is_(None), HumanTask.due_at.is_not(None))
    )
    count = 0
    for task in tasks:
        schedule_task(session, task, calendar, ladders)
        count += 1
    return count


def _notice_kind(rung: Rung, offset: int) -> str:
    if rung.kind is RungKind.ESCALATE:
        return "escalated"
    if offset < 0:
        return "due_soon"
    return "due_today" if offset == 0 else "overdue"


def _rungs_by_key(ladder: Sequence[Rung]) -> dict[str, tuple[Rung, int]]:
    return {rung.occurrence_key(o): (rung, o) for rung in ladder for o in rung.offsets()}


def _insert_ignoring_duplicates(
    session: Session, rows: list[dict[str, Any]]
) -> set[tuple[int, str]]:
    """Insert reminder_sent rows unless (task, rung) exists, in one statement (per thousand
    rows: SQLAlchemy's insertmanyvalues page); return the (task, rung key) pairs inserted (one
    another sweep recorded first is left out)."""
    if not rows:
        return set()
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # A Core INSERT on the table: the ORM-enabled form of INSERT … ON CONFLICT … RETURNING gave
    # no result at all on PostgreSQL (ResourceClosedError) when two sweeps raced for a rung.
    table = ReminderSent.metadata.tables[ReminderSent.__tablename__]
    # Executemany ("insertmanyvalues": SQLAlchemy sends the rows as multi-row VALUES pages of a
    # statement compiled once); a .values(rows) statement is compiled again for every batch,
    # which cost more than the database's work (bench/sweep.py TDKT_BENCH_PROFILE=1).
    statement = (
        insert(table)
        .on_conflict_do_nothing(index_elements=["task_id", "rung_key"])
        .returning(table.c.task_id, table.c.rung_key)
    )
    return {(task_id, key) for task_id, key in session.execute(statement, rows)}


def remind_task(
    session: Session,
    task_id: int,
    now: datetime,
    calendar: WorkingCalendar,
    ladders: dict[str, tuple[Rung, ...]],
) -> int:
    """Send the rungs of one task that have come due by ``now``; return how many were sent.

    Each occurrence is recorded once (unique task × rung) with the time it really came due. When
    a late sweep finds several occurrences of the same kind for the same recipients (overdue 1,
    2 and 3 after an outage) all are recorded and only the latest is sent.
    """
    return _remind_batch(session, [task_id], now, calendar, ladders)


@dataclass
class _Due:
    """One task's fresh rung occurrences, those it sends (the latest of each kind and
    recipient) and every key recorded once they are in."""

    task: HumanTask
    fresh: list[RungOccurrence]
    chosen: set[str]
    recorded: set[str]
    by_key: dict[str, tuple[Rung, int]]


def _due(
    task: HumanTask,
    now: datetime,
    calendar: WorkingCalendar,
    ladders: dict[str, tuple[Rung, ...]],
    sent_before: set[str],
) -> _Due | None:
    """Return what ``task`` (locked) has come due by ``now``; None (and no next rung) for a task
    that is not waiting on anyone with a deadline."""
    if task.status != "ready" or task.due_at is None:
        task.next_reminder_at = None
        return None
    ladder = _ladder_for(task.element_id, ladders)
    by_key = _rungs_by_key(ladder)
    fresh = [
        o
        for o in due_rungs(ladder, task.due_at, now, calendar, task.created_at)
        if o.key not in sent_before
    ]
    # Grouped as engine.notify.ladder groups the rungs a late-created task missed.
    latest: dict[tuple[RungKind, Recipient], RungOccurrence] = {}
    for occurrence in fresh:
        rung, _ = by_key[occurrence.key]
        latest[(rung.kind, rung.recipient)] = occurrence
    chosen = {o.key for o in latest.values()}
    return _Due(task, fresh, chosen, set(sent_before) | {o.key for o in fresh}, by_key)


def _remind_batch(
    session: Session,
    task_ids: Sequence[int],
    now: datetime,
    calendar: WorkingCalendar,
    ladders: dict[str, tuple[Rung, ...]],
) -> int:
    """Remind a batch of tasks in one transaction, set-based: one statement locks them, one reads
    their sent rungs, one their dossiers, one their assignees; one INSERT records every fresh
    rung of the batch (those a racing sweep recorded first are not sent again), one writes every
    notification (and one their e-mails), and the flush updates every next reminder time in one
    executemany. Each lane's holders are read once (step_context.keeping_reads)."""
    tasks = list(
        session.scalars(
            select(HumanTask)
            .where(
                HumanTask.id.in_(task_ids),
                HumanTask.completed_at.is_(None),
                HumanTask.next_reminder_at <= now,
            )
            .order_by(HumanTask.id)
            .with_for_update(skip_locked=True)
        )
    )
    if not tasks:
        return 0
    sent_keys: dict[int, set[str]] = {t.id: set() for t in tasks}
    due_at = {t.id: t.due_at for t in tasks}
    # Tasks an earlier sweep already found overdue (a rung recorded after the due time): their
    # task.overdue event is out. The tasks are locked, so no other sweep records rungs meanwhile.
    overdue_before: set[int] = set()
    for task_id, key, fires_at in session.execute(
        select(ReminderSent.task_id, ReminderSent.rung_key, ReminderSent.fires_at).where(
            ReminderSent.task_id.in_(sent_keys)
        )
    ):
        sent_keys[task_id].add(key)
        due = due_at[task_id]
        if due is not None and fires_at > due:
            overdue_before.add(task_id)
    dossier_ids = {t.dossier_id for t in tasks if t.dossier_id is not None}
    assignee_ids = {t.assignee_id for t in tasks if t.assignee_id is not None}
    # Held for the batch: task_context's and holders' session.get find each in the identity map.
    held: list[Any] = list(session.scalars(select(Dossier).where(Dossier.id.in_(dossier_ids))))
    if assignee_ids:
        held += session.scalars(select(User).where(User.id.in_(assignee_ids)))
    plans = [
        plan
        for task in tasks
        if (plan := _due(task, now, calendar, ladders, sent_keys[task.id])) is not None
    ]
    planned = {plan.task.id: plan for plan in plans}
    inserted = _insert_ignoring_duplicates(
        session,
        [
            {
                "task_id": plan.task.id,
                "rung_key": o.key,
                "fires_at": o.fires_at,
                "sent_at": now,
                "notified": o.key in plan.chosen,
            }
            for plan in plans
            for o in plan.fresh
        ],
    )
    # task.overdue, once per task: this sweep recorded its first rung that came after its due
    # time (ladder-independent; a rung's row is inserted by one sweep only).
    overdue: list[events.Event] = [
        events.TaskOverdue(plan.task.id)
        for plan in plans
        if plan.task.id not in overdue_before
        and plan.task.due_at is not None
        and any(
            (plan.task.id, o.key) in inserted and o.fires_at > plan.task.due_at for o in plan.fresh
        )
    ]
    if overdue:
        events.publish(session, overdue)
    users: list[User] = []
    notes: list[dict[str, Any]] = []
    sent = 0
    with step_context.keeping_reads(session):
        for plan in plans:
            task = plan.task
            for occurrence in plan.fresh:
                key = occurrence.key
                if not ((task.id, key) in inserted and key in plan.chosen):
                    continue
                rung, offset = plan.by_key[key]
                lane = holders(session, task)
                told = (
                    escalation_targets(session, task)
                    if rung.recipient is Recipient.ESCALATION
                    else lane
                )
                context = task_context(session, task) | {
                    "days_overdue": max(offset, 0),
                    "holders": lane,
                }
                users += told
                notes += notification_rows(
                    told,
                    _notice_kind(rung, offset),
                    task_link(task.id),
                    now=now,
                    task_id=task.id,
                    dossier_id=task.dossier_id,
                    **context,
                )
                sent += 1
    write_notifications(session, users, notes, now)
    # Every task's next rung in one UPDATE (executemany), kept as committed in the session so
    # that the flush does not send its own UPDATE per task.
    nexts = []
    for task in tasks:
        plan = planned.get(task.id)
        if plan is not None:
            schedule_task(session, task, calendar, ladders, plan.recorded)
        nexts.append({"b_id": task.id, "b_next": task.next_reminder_at})
        set_committed_value(task, "next_reminder_at", task.next_reminder_at)
    session.execute(_SET_NEXT_REMINDER, nexts, execution_options={"synchronize_session": False})
    del held
    return sent


_TASKS = HumanTask.metadata.tables[HumanTask.__tablename__]
_SET_NEXT_REMINDER = (
    update(_TASKS)
    .where(_TASKS.c.id == bindparam("b_id"))
    .values(next_reminder_at=bindparam("b_next"))
)


def due_tasks_query(now: datetime, limit: int) -> Select[int]:
    """Return the sweep's query: open tasks whose next rung has come (a partial index)."""
    return (
        select(HumanTask.id)
        .where(HumanTask.completed_at.is_(None), HumanTask.next_reminder_at <= now)
        .order_by(HumanTask.next_reminder_at)
        .limit(limit)
    )


@dataclass(frozen=True)
class SweepResult:
    tasks: int
    sent: int
    failed: int


#: Tasks reminded per transaction by the sweep (one commit per batch, not per task).
REMINDER_BATCH = 100


def run_reminder_sweep(
    session_factory: sessionmaker[Session],
    now: datetime,
    limit: int = 1000,
    batch: int = REMINDER_BATCH,
) -> SweepResult:
    """Send every reminder and escalation that has come due by ``now``.

    Reads only open tasks whose next rung time has passed (partial index), then handles them
    ``batch`` at a time, each batch in one transaction; a batch that fails is done again one
    task per transaction, so a task that fails is logged and the others go on.
    """
    with unit_of_work(session_factory) as session:
        task_ids = list(session.scalars(due_tasks_query(now, limit)))
        if not task_ids:
            return SweepResult(0, 0, 0)
        calendar, ladders = load_calendar(session, current_config().tz), load_ladders(session)
    sent = failed = 0
    for start in range(0, len(task_ids), batch):
        chunk = task_ids[start : start + batch]
        try:
            with unit_of_work(session_factory) as session:
                sent += _remind_batch(session, chunk, now, calendar, ladders)
            continue
        except Exception:
            log.warning("a reminder batch failed; its tasks are sent one by one", exc_info=True)
        # One transaction per task: a task that fails is logged and the others go on.
        for task_id in chunk:
            try:
                with unit_of_work(session_factory) as session:
                    sent += remind_task(session, task_id, now, calendar, ladders)
            except Exception:
                failed += 1
                log.exception("reminders for task %s failed; the next sweep tries again", task_id)
    return SweepResult(len(task_ids), sent, failed)
