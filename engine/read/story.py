"""A dossier's story for the people working on it: each step's decision, reason and data.

Read from the audit trail (what each completion submitted, ``forms.audit_summary``) and the task
rows (their forms, which label the data); nothing here loads a workflow. A secret ballot's
content is never in the trail, so it is never in a story.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine import permissions
from engine.errors import NotFound
from engine.models import (
    AuditEvent,
    CouncilMember,
    CouncilSession,
    Dossier,
    HumanTask,
    ProcessInstance,
    User,
)
from engine.workflow import forms, specs

#: The trail's events a story tells (the others — claims, comments — are shown elsewhere).
STORY_ACTIONS = (
    "dossier_filed",
    "task_completed",
    "timer_fired",
    "message_delivered",
    "eligibility_overridden",
)


@dataclass(frozen=True)
class StoryStep:
    """One step of the story: who (None: the system) did what, decided what and why."""

    event_id: int
    at: datetime
    action: str
    element_id: str | None
    task_name: str | None
    actor_name: str | None
    decision: forms.Decision | None = None
    #: The other submitted values, as (label, text) in the form's order.
    fields: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class TaskStory:
    """What the task page shows above its form."""

    #: The step that sent the dossier back to this task (who, when, why), if it came back.
    returned: StoryStep | None
    #: What was submitted the last time this step was done, to prefill its form.
    previous: dict[str, Any]
    steps: list[StoryStep]
    #: When a period step (``endsBy``: the posting) ends by itself; None for an ordinary step.
    period_ends: datetime | None = None


def _text(field_def: dict[str, Any], value: Any) -> str:
    if isinstance(value, bool):
        return "Có" if value else "Không"
    choices = {
        str(c.get("value")): str(c.get("label", c.get("value")))
        for c in field_def.get("choices", [])
    }
    if isinstance(value, list):
        return ", ".join(choices.get(str(v), str(v)) for v in value) or "—"
    return choices.get(str(value), str(value))


def step_of(event: AuditEvent, actor_name: str | None, task: HumanTask | None) -> StoryStep:
    """Return the story step an audit event tells."""
    data = event.summary.get("data") if event.action == "task_completed" else None
    decided = None
    shown: list[tuple[str, str]] = []
    if isinstance(data, dict) and task is not None:
        decided = forms.decision(task.form, data)
        skip = {decided.field, decided.reason_field} if decided else set()
        for f in task.form:
            name = f.get("name")
            value = data.get(name)
            if name in skip or value is None or value in ("", []):
                continue
            shown.append((str(f.get("label") or name), _text(f, value)))
    return StoryStep(
        event.id,
        event.at,
        event.action,
        event.element_id,
        task.name if task else None,
        actor_name,
        decided,
        shown,
    )


def _events(
    session: Session, task: HumanTask
) -> list[tuple[AuditEvent, str | None, HumanTask | None]]:
    where = (
        AuditEvent.dossier_id == task.dossier_id
        if task.dossier_id is not None
        else AuditEvent.instance_id == task.instance_id
    )
    rows = session.execute(
        select(AuditEvent, User.full_name, HumanTask)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .outerjoin(HumanTask, HumanTask.id == AuditEvent.task_id)
        .where(where, AuditEvent.action.in_(STORY_ACTIONS))
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    return [(event, name, row) for event, name, row in rows]


def _is_period(session: Session, task: HumanTask) -> bool:
    """Return whether the task is a period that ends by itself (its spec says ``endsBy``)."""
    instance = session.get(ProcessInstance, task.instance_id)
    if instance is None:
        return False
    try:
        props = specs.element_properties(session, instance.spec_id, task.element_id)
    except (KeyError, ValueError, NotFound):  # a spec row without a parsed spec (test data)
        return False
    return bool(props.get("endsBy"))


def task_story(session: Session, task: HumanTask) -> TaskStory:
    """Return the story of the task's dossier (or council session) up to this task."""
    rows = _events(session, task)
    steps = [step_of(event, name, row) for event, name, row in rows]
    returned = None
    previous: dict[str, Any] = {}
    for (event, _name, _row), step in zip(rows, steps, strict=True):
        if event.action != "task_completed" or event.instance_id != task.instance_id:
            continue
        if task.element_id in (event.summary.get("next") or []):
            # The latest completion that opened this step decides whether it came back.
            returned = step if step.decision is not None and step.decision.returned else None
        data = event.summary.get("data")
        if event.element_id == task.element_id and isinstance(data, dict):
            # A decision and its reason are made afresh; the rest is what was sent last time.
            decided = forms.decision(task.form, data)
            fresh = {decided.field, decided.reason_field} if decided else set()
            previous = {k: v for k, v in data.items() if v is not None and k not in fresh}
    period = task.due_at if _is_period(session, task) else None
    if period is not None:
        previous = {}  # each objection is recorded afresh, never prefilled with the last one
    return TaskStory(returned, previous, steps, period)


@dataclass(frozen=True)
class CouncilContext:
    """What a council session's task is about: its date, its dossiers and its members."""

    session_id: int
    meeting_date: date
    dossiers: list[Dossier]
    #: (name, position code) in the term's order: chair, vice chair, secretary, members.
    members: list[tuple[str, str]]


def council_context(session: Session, task: HumanTask) -> CouncilContext | None:
    """Return the council session a task belongs to (None for a dossier's own steps)."""
    instance = session.get(ProcessInstance, task.instance_id)
    if instance is None or instance.council_session_id is None:
        return None
    sitting = session.get(CouncilSession, instance.council_session_id)
    if sitting is None:
        return None
    by_id = {
        d.id: d
        for d in session.scalars(select(Dossier).where(Dossier.id.in_(sitting.dossier_ids or [])))
    }
    members = session.execute(
        select(User.full_name, CouncilMember.position)
        .join(CouncilMember, CouncilMember.user_id == User.id)
        .where(CouncilMember.term_id == sitting.term_id)
        .order_by(CouncilMember.id)
    ).all()
    return CouncilContext(
        sitting.id,
        sitting.meeting_date,
        [by_id[i] for i in sitting.dossier_ids or [] if i in by_id],
        [(name, position) for name, position in members],
    )


@dataclass(frozen=True)
class SessionLabel:
    """How an inbox row names a council session's task, which has no dossier of its own."""

    session_id: int
    meeting_date: date
    dossier_count: int
    #: Whose written ballot the task is (the absent member's name), if it is one.
    subject_name: str | None


def session_labels(session: Session, tasks: list[HumanTask]) -> dict[int, SessionLabel]:
    """Return the council-session label of each task without a dossier (one query)."""
    ids = [t.id for t in tasks if t.dossier_id is None]
    if not ids:
        return {}
    subject = User.__table__.alias("subject")
    rows = session.execute(
        select(
            HumanTask.id,
            CouncilSession.id,
            CouncilSession.meeting_date,
            CouncilSession.dossier_ids,
            subject.c.full_name,
        )
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .join(CouncilSession, CouncilSession.id == ProcessInstance.council_session_id)
        .outerjoin(subject, subject.c.id == HumanTask.subject_user_id)
        .where(HumanTask.id.in_(ids))
    ).all()
    return {
        task_id: SessionLabel(sid, met, len(dossier_ids or []), name)
        for task_id, sid, met, dossier_ids, name in rows
    }


def following_tasks(session: Session, user: User, done: HumanTask) -> list[HumanTask]:
    """Return the ready tasks the step ``done`` led to that ``user`` may do or claim now.

    The same instance first (the dossier's or the session's next step), then the dossier's
    other instances; a ballot of someone else never, since ``may_act`` and ``may_claim``
    decide. Oldest first.
    """
    where = HumanTask.instance_id == done.instance_id
    if done.dossier_id is not None:
        where = or_(where, HumanTask.dossier_id == done.dossier_id)
    rows = session.scalars(
        select(HumanTask).where(where, HumanTask.status == "ready").order_by(HumanTask.id)
    ).all()
    return [t for t in rows if permissions.may_act(user, t) or permissions.may_claim(user, t)]
