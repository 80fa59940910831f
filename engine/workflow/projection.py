"""Keep ``human_task`` and ``dossier`` in step with a workflow after each engine step.

Lists read these tables only (DESIGN.md, engine rule 3), so every step must leave them exactly
as the workflow is: new ready user tasks get a row, rows whose task vanished (a boundary event
cancelled it) are marked cancelled, and the dossier's stage and status follow.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from engine import wiring
from engine.calendar import WorkingCalendar
from engine.errors import RevisionLimitExceeded
from engine.models import Dossier, HumanTask, ProcessGroupRole, ProcessInstance, User
from engine.models.org import ROLES, UNIT_SCOPED_ROLES
from engine.workflow import forms, spiff

ROLE_CODES = frozenset(r.code for r in ROLES)
#: Dossier statuses an ``outcome`` may set; anything else ends the dossier as "completed".
OUTCOMES = frozenset(
    {"awarded", "rejected", "blocked", "withdrawn", "not_selected", "not_approved", "cancelled"}
)


@dataclass
class Changes:
    """What one sync did: rows created and rows cancelled."""

    created: list[tuple[HumanTask, Any]] = field(default_factory=list)
    cancelled: list[HumanTask] = field(default_factory=list)


def due_working_days(props: dict[str, str], data: dict[str, Any]) -> int | None:
    """Return the task's limit in working days from ``dueWorkingDays`` (a number or a variable)."""
    raw = props.get("dueWorkingDays")
    if raw is None:
        return None
    raw = raw.strip()
    value: Any = raw if raw.lstrip("-").isdigit() else data.get(raw)
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def fixed_due(
    props: dict[str, str], data: dict[str, Any], calendar: WorkingCalendar
) -> datetime | None:
    """Return a due date the task data fixes: ``endsBy`` names the variable holding the instant
    a period step ends by its timer (the posting's ``posting_until``), ``dueDate="${var}"`` one
    holding a day (a council session's ``meeting_date``: due at its end) or an instant; None if
    neither is declared."""
    name = (props.get("endsBy") or "").strip()
    if not name:
        # ``dueDate="${meeting_date}"``: a variable; a literal date or duration is instant_of's.
        match = re.fullmatch(r"\s*\$\{\s*([A-Za-z_]\w*)\s*\}\s*", props.get("dueDate") or "")
        name = match.group(1) if match else ""
    value = data.get(name) if name else None
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    if len(value.strip()) == 10:  # a day, not an instant
        return calendar.end_of_day(when.date())
    return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)


def due_after(calendar: WorkingCalendar, created: datetime, days: int | None) -> datetime | None:
    """Return when a limit of ``days`` working days given at ``created`` ends (None: no limit)."""
    return None if days is None else calendar.add_working_days(created, days)


@dataclass
class People:
    """Looks up what a designer's names stand for, once per sync: group names mapped to roles
    for the process (administration), and user names."""

    session: Session
    process_id: str
    _groups: dict[str, str] | None = None

    def role(self, name: str | None) -> str | None:
        if not name:
            return None
        if name in ROLE_CODES:
            return name
        if self._groups is None:
            rows = self.session.execute(
                select(ProcessGroupRole.group_name, ProcessGroupRole.role_code).where(
                    ProcessGroupRole.process_id == self.process_id
                )
            )
            self._groups = {str(row[0]): str(row[1]) for row in rows}
        return self._groups.get(name)

    def user_id(self, value: Any) -> int | None:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip():
            found: int | None = self.session.scalar(
                select(User.id).where(User.username == value.strip())
            )
            return found
        return None


def _variable_or_literal(raw: str, data: dict[str, Any]) -> Any:
    """Return ``data[var]`` for ``${var}``, else the literal text."""
    raw = raw.strip()
    if raw.startswith("${") and raw.endswith("}"):
        return data.get(raw[2:-1].strip())
    return raw


def instant_of(raw: str | None, data: dict[str, Any], now: datetime) -> datetime | None:
    """Return a ``dueDate`` (ISO date-time, duration or ``${var}``) as an instant; None when
    absent or not a date (a variable left empty)."""
    if not raw:
        return None
    value = _variable_or_literal(raw, data)
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return spiff.iso_instant(value, now)
    except ValueError:
        return None


def new_row(
    instance: ProcessInstance,
    task: Any,
    now: datetime,
    calendar: WorkingCalendar,
    people: People | None = None,
) -> dict[str, Any]:
    """Return the column values of the human_task row for a ready workflow task.

    The candidate role is the task's ``candidateGroups`` (a role code, or a group name mapped to
    one for the process), else its lane; ``assignee``/``candidateUsers`` name the assignee.
    """
    element_id, name, lane = spiff.task_element(task)
    props = spiff.task_properties(task)
    groups = [g.strip() for g in props.get("candidateGroups", "").split(",") if g.strip()]
    if people is None:
        role = lane if lane in ROLE_CODES else None
    else:
        role = people.role(groups[0] if groups else lane)
    unit_id = task.data.get("unit_id") if role in UNIT_SCOPED_ROLES else None
    item = spiff.multi_instance_item(task)
    # A multi-instance task over people is about each person (whose ballot it is); it is also
    # theirs to do when the task says so (a member's own ballot, not the written ballot the
    # secretariat enters for an absent member).
    subject = item.get("user_id") if isinstance(item, dict) else None
    subject = subject if isinstance(subject, int) else None
    assignee = subject if props.get("assignToItem", "").strip().lower() == "true" else None
    named = props.get("assignee") or props.get("candidateUsers")
    if assignee is None and named and people is not None:
        assignee = people.user_id(_variable_or_literal(named, task.data))
    days = due_working_days(props, task.data)
    # A date the task data fixes (the posting's end, the session's day) wins; a designer's
    # dueDate (ISO date-time, duration or ${var}) applies when no working-day limit is set.
    ends = fixed_due(props, task.data, calendar)
    if ends is None and days is None:
        ends = instant_of(props.get("dueDate"), task.data, now)
    return {
        "task_uuid": str(task.id),
        "instance_id": instance.id,
        "dossier_id": instance.dossier_id,
        "element_id": element_id,
        "name": name,
        "lane": lane,
        "stage": props.get("stage"),
        "candidate_role": role,
        "candidate_unit_id": unit_id if isinstance(unit_id, int) else None,
        "assignee_id": assignee,
        "subject_user_id": subject,
        "form": forms.with_choices(json.loads(props.get("formFields") or "[]"), task.data),
        "created_at": now,
        "due_working_days": None if ends else days,
        "due_at": ends or due_after(calendar, now, days),
        "next_reminder_at": None,
        "completed_at": None,
        "completed_by": None,
        "status": "ready",
    }


# Built once and written with Core, not the unit of work: on SQLite a flush of one row cost
# 3-6 times the statement it sends (bench/engine.py --profile).
_TASKS = HumanTask.metadata.tables[HumanTask.__tablename__]
_INSERT_ONE = insert(_TASKS).returning(_TASKS.c.id)
_INSERT_MANY = insert(_TASKS).returning(_TASKS.c.id, sort_by_parameter_order=True)
_CLOSE = (
    update(_TASKS)
    .where(_TASKS.c.id == bindparam("b_id"))
    .values(
        status=bindparam("b_status"),
        completed_at=bindparam("b_completed_at"),
        completed_by=bindparam("b_completed_by"),
        # A closed task has no reminder left; engine.notify clears it too, and finds it done.
        next_reminder_at=None,
    )
)


def insert_rows(session: Session, values: list[dict[str, Any]]) -> list[HumanTask]:
    """INSERT human_task rows (one statement) and return them as objects of the session."""
    if not values:
        return []
    if len(values) == 1:
        ids = [session.execute(_INSERT_ONE, values[0]).scalar_one()]
    else:
        ids = list(session.execute(_INSERT_MANY, values).scalars())
    rows = []
    for row_id, row_values in zip(ids, values, strict=True):
        row = HumanTask(id=row_id, **row_values)
        # Persistent as if just loaded, so session.get() finds it without a SELECT. An object
        # left under the same id by a rolled-back step (SQLite reuses ids) is stale: drop it.
        make_transient_to_detached(row)
        stale = session.identity_map.get(identity_key(HumanTask, row_id))
        if stale is not None:
            session.expunge(stale)
        session.add(row)
        rows.append(row)
    return rows


def close_row(
    session: Session, row: HumanTask, status: str, now: datetime, by: int | None = None
) -> None:
    """Mark a ready row completed (by ``by``) or cancelled with one UPDATE; keep the object."""
    session.execute(
        _CLOSE, {"b_id": row.id, "b_status": status, "b_completed_at": now, "b_completed_by": by}
    )
    set_committed_value(row, "status", status)
    set_committed_value(row, "completed_at", now)
    set_committed_value(row, "completed_by", by)
    set_committed_value(row, "next_reminder_at", None)


def sync(
    session: Session,
    instance: ProcessInstance,
    workflow: Any,
    open_rows: list[HumanTask],
    reached: dict[str, list[Any]],
    max_returns: int,
    now: datetime,
) -> Changes:
    """Bring the instance's open human_task rows in line with the workflow's ready tasks.

    ``reached`` counts arrivals per user-task element; more than ``max_returns + 1`` arrivals
    raise RevisionLimitExceeded (SpiffWorkflow's task tree grows with every loop and breaks
    near depth 1000, SPIFF_NOTES.md).
    """
    changes = Changes()
    ready = {str(t.id): t for t in spiff.ready_user_tasks(workflow)}
    for row in open_rows:
        if row.status == "ready" and row.task_uuid not in ready:
            close_row(session, row, "cancelled", now)
            changes.cancelled.append(row)
    known = {row.task_uuid for row in open_rows}
    new = [(uuid, task) for uuid, task in ready.items() if uuid not in known]
    for _uuid, task in new:
        _count_arrival(reached, task, max_returns)
    plugs = wiring.of(session)
    calendar = plugs.calendar.current()
    people = People(session, instance.process_id)
    values = [new_row(instance, task, now, calendar, people) for _uuid, task in new]
    if plugs.task_router is not None:
        for row_values in values:
            plugs.task_router(session, row_values)
    # Set in the INSERT rather than updated after it: that UPDATE cost a statement per new task.
    if plugs.reminder_schedule is not None:
        for row_values in values:
            row_values["next_reminder_at"] = plugs.reminder_schedule(session, row_values)
    rows = insert_rows(session, values)
    changes.created = [(row, task) for row, (_uuid, task) in zip(rows, new, strict=True)]
    return changes


def _count_arrival(reached: dict[str, list[Any]], task: Any, max_returns: int) -> None:
    element_id, name, _lane = spiff.task_element(task)
    activation = spiff.activation_id(task)
    count, last = reached.get(element_id, [0, None])
    if last == activation:
        return
    count += 1
    reached[element_id] = [count, activation]
    if count > max_returns + 1:
        raise RevisionLimitExceeded(
            f"Bước «{name}» đã được thực hiện lại {count - 1} lần, vượt quá giới hạn "
            f"{max_returns} lần trả lại cho một hồ sơ (TDKT_MAX_RETURNS). Hồ sơ không được "
            "chuyển tiếp; đề nghị rút hồ sơ và lập hồ sơ mới."
        )


def dossier_values(workflow: Any, changes: Changes, completed: bool) -> dict[str, Any]:
    """Return the dossier columns this step changes (stage, status, award decision).

    The stage is the new task's ``stage`` property, or else the ``stage`` the procedure's
    scripts keep in data (e.g. ``council`` while the dossier waits for the session).
    """
    values: dict[str, Any] = {}
    for row, _task in changes.created:
        if row.stage:
            values["stage"] = row.stage
            break
    data = spiff.workflow_data(workflow) if completed else spiff.frontier_data(workflow)
    if "stage" not in values and isinstance(data.get("stage"), str):
        values["stage"] = data["stage"]
    if completed:
        outcome = data.get("outcome")
        values["status"] = outcome if outcome in OUTCOMES else "completed"
        if outcome == "awarded":
            values.update(_award_decision(data))
    return values


def _award_decision(data: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    number = data.get("award_decision_no")
    if isinstance(number, str) and number.strip():
        values["decision_no"] = number.strip()
    when = data.get("award_decision_date")
    if isinstance(when, str):
        # The form validated it as a date; a value that still does not parse is left out.
        with contextlib.suppress(ValueError):
            values["decision_date"] = date.fromisoformat(when)
    return values


_DOSSIER = Dossier.metadata.tables[Dossier.__tablename__]
#: One UPDATE per set of columns a step changes (a handful exist) and per whether it must return
#: the row, built on first use.
_dossier_updates: dict[tuple[tuple[str, ...], bool], Any] = {}


def update_dossier(
    session: Session, dossier_id: int | None, values: dict[str, Any], now: datetime
) -> Dossier | None:
    """Write the dossier's new stage/status with one UPDATE (no need to load it); return it.

    A dossier object the session already holds (an operation loads it with the task) gets the
    new values, as an ORM UPDATE's ``synchronize_session`` would give it. Otherwise the UPDATE
    returns the row, which becomes the session's dossier object: the step's subscribers (a
    notification names the dossier) then find it without a SELECT. Keep the result referenced
    while it is needed: the session holds unmodified objects only weakly.
    """
    if dossier_id is None or not values:
        return None
    loaded = session.identity_map.get(identity_key(Dossier, dossier_id))
    columns = (*sorted(values), "updated_at")
    statement = _dossier_updates.get((columns, loaded is None))
    if statement is None:
        statement = (
            update(_DOSSIER)
            .where(_DOSSIER.c.id == bindparam("b_id"))
            .values({name: bindparam(f"b_{name}") for name in columns})
        )
        if loaded is None:
            statement = statement.returning(*_DOSSIER.c)
        _dossier_updates[(columns, loaded is None)] = statement
    params = {f"b_{name}": value for name, value in values.items()}
    result = session.execute(statement, {"b_id": dossier_id, "b_updated_at": now, **params})
    if loaded is not None:
        for name, value in (*values.items(), ("updated_at", now)):
            set_committed_value(loaded, name, value)
        return loaded
    row = result.first()
    if row is None:
        return None
    dossier = Dossier(**row._asdict())
    make_transient_to_detached(dossier)
    session.add(dossier)
    return dossier
