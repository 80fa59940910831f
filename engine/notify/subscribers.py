"""Domain events turned into notifications, inside the publishing operation's transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import events, wiring
from engine.models import Campaign, Dossier, HumanTask, User
from engine.notify.core import (
    clerks_and_nominee,
    dossier_clerks,
    dossier_link,
    holders,
    inbox_link,
    local_day,
    notify,
    notify_task,
    task_link,
    unit_clerks,
)
from engine.notify.reminders import current_ladders, schedule_task


def on_events(session: Session, published: list[events.Event]) -> None:
    """Turn domain events into notifications, inside the publishing operation's transaction."""
    for item in published:
        if isinstance(item, events.TaskReady):
            task = session.get(HumanTask, item.task_id)
            if task is not None:
                notify_task(session, holders(session, task), "task_ready", task)
                # A row the engine just inserted got its first reminder in the INSERT.
                if not item.new:
                    calendar = wiring.of(session).calendar.current()
                    schedule_task(session, task, calendar, current_ladders(session))
        elif isinstance(item, events.TaskAssigned):
            task = session.get(HumanTask, item.task_id)
            # Claiming a task oneself needs no message; being given one does.
            if task is not None and item.assignee_id not in (None, item.by_id):
                assignee = session.get(User, item.assignee_id)
                if assignee is not None and assignee.active:
                    notify_task(session, [assignee], "task_assigned", task)
        elif isinstance(item, events.TaskCompleted):
            task = session.get(HumanTask, item.task_id)
            # The engine's close_row already wrote NULL: assigning it again would dirty the row
            # and cost a flush (with no UPDATE) at the next query and at commit.
            if task is not None and task.next_reminder_at is not None:
                task.next_reminder_at = None
        elif isinstance(item, events.DossierReturned):
            dossier = session.get(Dossier, item.dossier_id)
            if dossier is not None:
                step = session.get(HumanTask, item.task_id)
                by = session.get(User, item.by_id) if item.by_id is not None else None
                # The link opens the step the dossier came back to, when it is the clerks'.
                back = session.scalar(
                    select(HumanTask.id)
                    .where(
                        HumanTask.dossier_id == dossier.id,
                        HumanTask.status == "ready",
                        HumanTask.candidate_role == "unit_clerk",
                    )
                    .order_by(HumanTask.id.desc())
                    .limit(1)
                )
                notify(
                    session,
                    dossier_clerks(session, dossier),
                    "dossier_returned",
                    task_link(back) if back is not None else dossier_link(dossier.id),
                    task_id=item.task_id,
                    dossier_id=dossier.id,
                    dossier=dossier,
                    reason=item.reason,
                    step=step.name if step else "",
                    by=by.full_name if by else "",
                )
        elif isinstance(item, events.DossierDecided):
            _on_decided(session, item)
        elif isinstance(item, events.DueDatesMoved):
            _on_due_dates_moved(session, item)
        elif isinstance(item, events.CampaignOpened):
            _on_campaign_opened(session, item)


def _on_due_dates_moved(session: Session, item: events.DueDatesMoved) -> None:
    """Tell each holder once, listing every task of theirs whose due date moved."""
    by_user: dict[int, tuple[User, list[HumanTask]]] = {}
    for task_id in item.task_ids:
        task = session.get(HumanTask, task_id)
        if task is None:
            continue
        for user in holders(session, task):
            by_user.setdefault(user.id, (user, []))[1].append(task)
    for user, tasks in by_user.values():
        one = tasks[0] if len(tasks) == 1 else None
        notify(
            session,
            [user],
            "due_changed",
            task_link(one.id) if one else inbox_link(),
            task_id=one.id if one else None,
            dossier_id=one.dossier_id if one else None,
            tasks=[(t, local_day(t.due_at)) for t in tasks],
            day=item.day.strftime("%d/%m/%Y"),
        )


def _on_campaign_opened(session: Session, item: events.CampaignOpened) -> None:
    campaign = session.get(Campaign, item.campaign_id)
    if campaign is None:
        return
    notify(session, unit_clerks(session), "campaign_opened", inbox_link(), campaign=campaign)


OUTCOME_LABELS = {
    "awarded": "được khen thưởng",
    "rejected": "không được chấp thuận",
    "not_selected": "không được Hội đồng đề nghị",
    "not_approved": "không được cấp trên phê duyệt",
    "withdrawn": "đã rút",
    "cancelled": "đã hủy",
}


def _on_decided(session: Session, item: events.DossierDecided) -> None:
    dossier = session.get(Dossier, item.dossier_id)
    if dossier is None:
        return
    notify(
        session,
        clerks_and_nominee(session, dossier),
        "dossier_decided",
        dossier_link(dossier.id),
        dossier_id=dossier.id,
        dossier=dossier,
        outcome=OUTCOME_LABELS.get(item.outcome, item.outcome),
    )
