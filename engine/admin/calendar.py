"""The working-day calendar: overrides, recounting due dates, the year view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, events, notify, wiring
from engine.admin.common import (
    date_field,
    require,
    text_field,
)
from engine.calendar import CalendarOverride, WorkingCalendar, load_calendar
from engine.errors import NotFound, ValidationFailed
from engine.models import (
    CalendarOverrideDay,
    HumanTask,
    User,
)
from engine.text import N_
from engine.unit_of_work import unit_of_work


@dataclass(frozen=True)
class DueMove:
    task_id: int
    before: datetime
    after: datetime


def set_calendar_day(
    session: Session, actor: User, day: Any, kind: str | None, note: str = ""
) -> list[DueMove]:
    """Make ``day`` a working day or a day off (``kind`` None: back to the ordinary calendar).

    Open tasks whose due date the change moves are recounted from their creation, their
    reminders rescheduled, and each holder told once; the process's calendar is reloaded.
    """
    require(actor, "calendar")
    when = date_field(day, "day", "Ngày")
    assert when is not None
    if kind not in (None, "working", "off"):
        raise ValidationFailed(N_("Chọn loại ngày."), {"kind": N_("Chọn loại ngày.")})
    note = text_field(note, "note", "Ghi chú", required=False)
    with unit_of_work(session):
        before = load_calendar(session, notify.current_config().tz)
        if kind is None:
            if not delete_calendar_override(session, when):
                raise NotFound(
                    N_("Ngày %(when)s không có điều chỉnh nào.", when=format(when, "%d/%m/%Y"))
                )
        else:
            save_calendar_override(session, when, kind, note, actor.id)
        after = load_calendar(session, notify.current_config().tz)
        moves = _recount_due_dates(session, when, before, after)
        if moves:
            events.publish(session, [events.DueDatesMoved(tuple(m.task_id for m in moves), when)])
        audit.record(
            session,
            "calendar_changed",
            actor_id=actor.id,
            summary={
                "day": when.isoformat(),
                "kind": kind,
                "note": note,
                "moved_tasks": [m.task_id for m in moves],
            },
        )
    wiring.of(session).calendar.use(after)
    return moves


def save_calendar_override(
    session: Session, day: date, kind: str, note: str, by_id: int | None
) -> None:
    """Make ``day`` a working day or a day off (``kind``) and reschedule open tasks' reminders."""
    CalendarOverride(day, kind, note)  # type: ignore[arg-type]  # validates kind
    row = session.scalar(select(CalendarOverrideDay).where(CalendarOverrideDay.day == day))
    if row is None:
        row = CalendarOverrideDay(day=day, kind=kind)
        session.add(row)
    row.kind, row.note, row.created_by = kind, note, by_id
    session.flush()
    notify.reschedule_open_tasks(session)


def delete_calendar_override(session: Session, day: date) -> bool:
    """Give ``day`` back to the ordinary calendar; return whether there was an override."""
    row = session.scalar(select(CalendarOverrideDay).where(CalendarOverrideDay.day == day))
    if row is None:
        return False
    session.delete(row)
    session.flush()
    notify.reschedule_open_tasks(session)
    return True


def _recount_due_dates(
    session: Session, day: date, before: WorkingCalendar, after: WorkingCalendar
) -> list[DueMove]:
    # Only a task given before the end of ``day`` and due on or after it can move.
    since = datetime.combine(day, time.min, after.tz)
    tasks = session.scalars(
        select(HumanTask).where(
            HumanTask.status == "ready",
            HumanTask.due_at.is_not(None),
            HumanTask.due_at >= since,
            HumanTask.created_at <= after.end_of_day(day),
        )
    )
    ladders = notify.load_ladders(session)
    moves = []
    for task in tasks:
        assert task.due_at is not None
        days = task.due_working_days
        if days is None:
            # Projected before the limit was stored: the count up to the old due date is it.
            days = before.working_days_between(task.created_at, task.due_at)
        new_due = after.add_working_days(task.created_at, days)
        if new_due == task.due_at:
            continue
        moves.append(DueMove(task.id, task.due_at, new_due))
        task.due_at = new_due
        notify.schedule_task(session, task, after, ladders)
    return moves


@dataclass(frozen=True)
class CalendarDay:
    day: date
    working: bool
    holiday: str | None
    override: str | None
    note: str


def calendar_year(session: Session, year: int) -> list[list[CalendarDay]]:
    """Return the year's days by month: working or not, holiday names, overrides."""
    cal = load_calendar(session, notify.current_config().tz)
    holidays = dict(cal.holidays_in(year))
    make_up = dict(cal.make_up_days_in(year))
    overrides = {
        o.day: o
        for o in session.scalars(
            select(CalendarOverrideDay).where(
                CalendarOverrideDay.day.between(date(year, 1, 1), date(year, 12, 31))
            )
        )
    }
    months: list[list[CalendarDay]] = []
    for month in range(1, 13):
        days = []
        d = date(year, month, 1)
        while d.month == month:
            row = overrides.get(d)
            days.append(
                CalendarDay(
                    day=d,
                    working=cal.is_working_day(d),
                    holiday=holidays.get(d) or make_up.get(d),
                    override=row.kind if row else None,
                    note=row.note if row else "",
                )
            )
            d = date.fromordinal(d.toordinal() + 1)
        months.append(days)
    return months
