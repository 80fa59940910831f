"""The read side: inboxes, dossier lists and the facts a dossier page shows.

Pages and the API both ask here. Who may see what is engine.permissions'; the lists apply those
rules as SQL. Lists read only the indexed tables (human_task, dossier, audit_event); nothing here
loads a workflow (DESIGN.md, rule 3). Writes belong to engine operations.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar, cast

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, true
from sqlalchemy.orm import Session

from engine import permissions, wiring
from engine.calendar import WorkingCalendar
from engine.db import is_id
from engine.domain import council
from engine.errors import NotFound, ValidationFailed
from engine.models import (
    Attachment,
    AuditEvent,
    Campaign,
    Comment,
    CouncilSession,
    Dossier,
    HumanTask,
    OrgUnit,
    ProcessInstance,
    User,
    WorkflowSpec,
)
from engine.models.base import utcnow
from engine.text import search_key
from engine.workflow import forms

#: A task is "due soon" when its deadline is at most this many working days ahead (the end of
#: the second working day after today), as the reminder ladder counts (DESIGN.md, deadlines).
DUE_SOON_WORKING_DAYS = 2
PER_PAGE = 25
#: The last page a list may be asked for: 25 million rows in, far past any real list, and an
#: OFFSET every database takes (a larger number is refused, not sent to the database).
MAX_PAGE = 1_000_000
#: The longest search text a list accepts.
MAX_QUERY = 100
DUE_STATES = ("overdue", "soon", "ok")
#: The years a look-up or a statistic may ask for.
MIN_YEAR, MAX_YEAR = 1900, 2100
Box = Literal["mine", "group"]
DueState = Literal["overdue", "soon", "ok"]
T = TypeVar("T")


# --- Visibility (the rules are engine.permissions'; these apply them to rows and SQL) ---------


def _dossier_visibility(user: User) -> ColumnElement[bool]:
    if permissions.may_see_all_dossiers(user):
        return true()
    units = permissions.visible_unit_ids(user)
    clauses: list[ColumnElement[bool]] = [Dossier.unit_id.in_(units)] if units else []
    if permissions.reads_council_dossiers(user):
        clauses.append(Dossier.stage.in_(permissions.COUNCIL_READING_STAGES))
        clauses.append(Dossier.status.in_(permissions.COUNCIL_READING_OUTCOMES))
    return or_(*clauses) if clauses else false()


def visible_dossiers(user: User) -> Select[Dossier]:
    """Return a SELECT of the dossiers ``user`` may see; callers add filters and order."""
    return select(Dossier).where(_dossier_visibility(user))


def _candidate_clause(user: User) -> ColumnElement[bool]:
    """Open tasks of a lane ``user`` belongs to (permissions.may_be_given, in SQL)."""
    clauses: list[ColumnElement[bool]] = []
    for role, unit in permissions.lanes(user):
        if unit is None:
            clauses.append(HumanTask.candidate_role == role)
        else:
            clauses.append(
                and_(HumanTask.candidate_role == role, HumanTask.candidate_unit_id == unit)
            )
    return or_(*clauses) if clauses else false()


# --- Inboxes -----------------------------------------------------------------------------------


@dataclass
class Page(Generic[T]):
    items: list[T]
    total: int
    number: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def _invalid(name: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, {name: message})


def row_id_arg(args: Any, name: str, label: str) -> int | None:
    """Return the row id in query argument ``name`` (None when absent or empty); anything but
    1 … MAX_ID raises ValidationFailed, so no out-of-range number reaches the database."""
    value = str(args.get(name) or "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or not is_id(int(value)):
        raise _invalid(name, f"{label} ({name}) phải là mã số hợp lệ.")
    return int(value)


def page_arg(args: Any) -> int:
    """Return the page number in query argument ``page`` (1 when absent or empty); anything but
    1 … MAX_PAGE raises ValidationFailed."""
    value = str(args.get("page") or "").strip()
    if not value:
        return 1
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_PAGE:
        raise _invalid("page", f"Số trang (page) phải là số nguyên từ 1 đến {MAX_PAGE}.")
    return int(value)


def year_arg(args: Any, name: str) -> int | None:
    """Return the year in query argument ``name`` (None when absent or empty); anything but a
    year MIN_YEAR … MAX_YEAR raises ValidationFailed."""
    value = str(args.get(name) or "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or not MIN_YEAR <= int(value) <= MAX_YEAR:
        raise _invalid(name, f"Năm ({name}) phải từ {MIN_YEAR} đến {MAX_YEAR}.")
    return int(value)


@dataclass
class ListFilters:
    """Filters, search, sort and page of an inbox or the dossier list, parsed from a query."""

    campaign_id: int | None = None
    stage: str | None = None
    title_code: str | None = None
    unit_id: int | None = None
    due: DueState | None = None
    q: str = ""
    sort: str = "due"
    page: int = 1
    per_page: int = PER_PAGE

    @classmethod
    def from_args(cls, args: Any, sorts: Sequence[str]) -> ListFilters:
        """Parse request arguments strictly: a malformed or unknown value raises ValidationFailed
        (naming each bad argument), never reaches the database and is never silently ignored.
        An empty value (a form's "all" choice) is the same as no value."""
        errors: dict[str, str] = {}

        def text(name: str) -> str:
            return str(args.get(name) or "")

        def checked(parse: Callable[[], T], default: T) -> T:
            try:
                return parse()
            except ValidationFailed as exc:
                errors.update(exc.field_errors)
                return default

        due = text("due") or None
        if due is not None and due not in DUE_STATES:
            errors["due"] = "Hạn xử lý (due) phải là một trong: " + ", ".join(DUE_STATES) + "."
            due = None
        sort = text("sort") or sorts[0]
        if sort not in sorts:
            errors["sort"] = "Cách sắp xếp (sort) phải là một trong: " + ", ".join(sorts) + "."
            sort = sorts[0]
        q = text("q").strip()
        if len(q) > MAX_QUERY:
            errors["q"] = f"Từ khóa tìm kiếm (q) dài quá {MAX_QUERY} ký tự."
        filters = cls(
            campaign_id=checked(lambda: row_id_arg(args, "campaign", "Đợt thi đua"), None),
            stage=text("stage") or None,
            title_code=text("title") or None,
            unit_id=checked(lambda: row_id_arg(args, "unit", "Đơn vị"), None),
            due=cast(DueState | None, due),
            q=q,
            sort=sort,
            page=checked(lambda: page_arg(args), 1),
        )
        if errors:
            raise ValidationFailed(" ".join(errors.values()), errors)
        return filters

    def as_args(self, **changes: Any) -> dict[str, Any]:
        """Return the query arguments that reproduce these filters, with ``changes`` applied."""
        args = {
            "campaign": self.campaign_id,
            "stage": self.stage,
            "title": self.title_code,
            "unit": self.unit_id,
            "due": self.due,
            "q": self.q or None,
            "sort": self.sort,
            "page": self.page if self.page > 1 else None,
        }
        args.update(changes)
        return {k: v for k, v in args.items() if v is not None}


@dataclass
class TaskRow:
    task: HumanTask
    dossier: Dossier | None
    unit_name: str | None
    campaign_name: str | None
    assignee_name: str | None = None
    now: datetime = field(default_factory=utcnow)
    soon_until: datetime | None = None

    @property
    def due_state(self) -> DueState | None:
        return due_state(self.task.due_at, self.now, self.soon_until)


def soon_limit(calendar: WorkingCalendar, now: datetime) -> datetime:
    """Return the last instant a deadline counts as "due soon": the end of the second working
    day after ``now``'s local date (weekends and public holidays do not count)."""
    return calendar.add_working_days(now, DUE_SOON_WORKING_DAYS)


def due_state(
    due_at: datetime | None, now: datetime, soon_until: datetime | None = None
) -> DueState | None:
    """Return overdue / soon / ok for a deadline (None when there is none)."""
    if due_at is None:
        return None
    if due_at < now:
        return "overdue"
    return "soon" if due_at <= (soon_until or soon_limit(WorkingCalendar(), now)) else "ok"


TASK_SORTS: dict[str, Callable[[], list[Any]]] = {
    "due": lambda: [HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id],
    "-due": lambda: [HumanTask.due_at.is_(None), HumanTask.due_at.desc(), HumanTask.id],
    "waiting": lambda: [HumanTask.created_at, HumanTask.id],
    "-waiting": lambda: [HumanTask.created_at.desc(), HumanTask.id],
    "nominee": lambda: [Dossier.nominee_search, HumanTask.id],
    "-nominee": lambda: [Dossier.nominee_search.desc(), HumanTask.id],
    "dossier": lambda: [HumanTask.dossier_id, HumanTask.id],
    "-dossier": lambda: [HumanTask.dossier_id.desc(), HumanTask.id],
}


def _open_tasks(user: User, box: Box) -> Select[HumanTask]:
    # completed_at IS NULL matches the partial indexes' predicate, so they are usable.
    query = select(HumanTask).where(HumanTask.completed_at.is_(None), HumanTask.status == "ready")
    if box == "mine":
        return query.where(HumanTask.assignee_id == user.id)
    return query.where(HumanTask.assignee_id.is_(None), _candidate_clause(user))


def task_counts(session: Session, user: User) -> dict[str, int]:
    """Return how many open tasks are ``mine`` and how many my groups may claim (``group``)."""
    counts = {}
    for box in ("mine", "group"):
        query = _open_tasks(user, box).with_only_columns(func.count())
        counts[box] = session.scalar(query) or 0
    return counts


def _apply_dossier_filters(query: Select[Any], filters: ListFilters) -> Select[Any]:
    if filters.campaign_id is not None:
        query = query.where(Dossier.campaign_id == filters.campaign_id)
    if filters.title_code:
        query = query.where(Dossier.title_code == filters.title_code)
    if filters.unit_id is not None:
        query = query.where(Dossier.unit_id == filters.unit_id)
    if filters.q:
        query = query.where(Dossier.nominee_search.contains(search_key(filters.q), autoescape=True))
    return query


def inbox(
    session: Session, user: User, box: Box, filters: ListFilters, now: datetime | None = None
) -> Page[TaskRow]:
    """Return one page of ``user``'s tasks (``mine``) or of the tasks their groups may claim."""
    now = now or utcnow()
    soon_until = soon_limit(wiring.of(session).calendar.current(), now)
    query = (
        _open_tasks(user, box)
        .outerjoin(Dossier, Dossier.id == HumanTask.dossier_id)
        .outerjoin(OrgUnit, OrgUnit.id == Dossier.unit_id)
        .outerjoin(Campaign, Campaign.id == Dossier.campaign_id)
        .add_columns(Dossier, OrgUnit.name, Campaign.name)
    )
    query = _apply_dossier_filters(query, filters)
    if filters.stage:
        query = query.where(HumanTask.stage == filters.stage)
    if filters.due == "overdue":
        query = query.where(HumanTask.due_at < now)
    elif filters.due == "soon":
        query = query.where(HumanTask.due_at >= now, HumanTask.due_at <= soon_until)
    elif filters.due == "ok":
        query = query.where(or_(HumanTask.due_at.is_(None), HumanTask.due_at > soon_until))
    total = session.scalar(query.with_only_columns(func.count(HumanTask.id))) or 0
    order = TASK_SORTS.get(filters.sort, TASK_SORTS["due"])()
    rows = session.execute(
        query.order_by(*order).limit(filters.per_page).offset((filters.page - 1) * filters.per_page)
    ).all()
    items = [
        TaskRow(task, dossier, unit, camp, now=now, soon_until=soon_until)
        for task, dossier, unit, camp in rows
    ]
    return Page(items, total, filters.page, filters.per_page)


def task_row(session: Session, task: HumanTask) -> TaskRow:
    """Return the inbox row of one task (for its detail page or API answer)."""
    dossier = session.get(Dossier, task.dossier_id) if task.dossier_id else None
    assignee = session.get(User, task.assignee_id) if task.assignee_id else None
    now = utcnow()
    return TaskRow(
        task,
        dossier,
        dossier.unit.name if dossier else None,
        dossier.campaign.name if dossier else None,
        assignee_name=assignee.full_name if assignee else None,
        now=now,
        soon_until=soon_limit(wiring.of(session).calendar.current(), now),
    )


@dataclass
class FilterChoices:
    campaigns: list[tuple[int, str]]
    units: list[tuple[int, str]]
    titles: list[str]
    stages: list[str]


def filter_choices(session: Session, user: User) -> FilterChoices:
    """Return what the list filters offer: campaigns, the units ``user`` sees, titles, stages."""
    units = select(OrgUnit.id, OrgUnit.name).where(OrgUnit.active).order_by(OrgUnit.name)
    if not (permissions.may_see_all_dossiers(user) or permissions.reads_council_dossiers(user)):
        units = units.where(OrgUnit.id.in_(permissions.visible_unit_ids(user)))
    return FilterChoices(
        campaigns=[
            (r.id, r.name)
            for r in session.execute(
                select(Campaign.id, Campaign.name).order_by(Campaign.year.desc(), Campaign.name)
            )
        ],
        units=[(r.id, r.name) for r in session.execute(units)],
        titles=list(session.scalars(select(Dossier.title_code).distinct().order_by("title_code"))),
        stages=list(session.scalars(select(Dossier.stage).distinct().order_by("stage"))),
    )


# --- Dossiers ----------------------------------------------------------------------------------

DOSSIER_SORTS: dict[str, Callable[[], list[Any]]] = {
    "-updated": lambda: [Dossier.updated_at.desc(), Dossier.id.desc()],
    "updated": lambda: [Dossier.updated_at, Dossier.id],
    "nominee": lambda: [Dossier.nominee_search, Dossier.id],
    "-nominee": lambda: [Dossier.nominee_search.desc(), Dossier.id],
    "id": lambda: [Dossier.id],
    "-id": lambda: [Dossier.id.desc()],
}


def dossier_list(session: Session, user: User, filters: ListFilters) -> Page[Dossier]:
    """Return one page of the dossiers ``user`` may see, filtered and sorted."""
    query = _apply_dossier_filters(visible_dossiers(user), filters)
    if filters.stage:
        query = query.where(Dossier.stage == filters.stage)
    total = session.scalar(query.with_only_columns(func.count(Dossier.id))) or 0
    order = DOSSIER_SORTS.get(filters.sort, DOSSIER_SORTS["-updated"])()
    items = list(
        session.scalars(
            query.order_by(*order)
            .limit(filters.per_page)
            .offset((filters.page - 1) * filters.per_page)
        )
    )
    return Page(items, total, filters.page, filters.per_page)


@dataclass
class Holder:
    """Who holds an open step: the assignee, or the lane that may claim it."""

    task: HumanTask
    assignee_name: str | None
    unit_name: str | None


def open_steps(session: Session, dossier_id: int) -> list[Holder]:
    """Return the dossier's open tasks with who holds each."""
    rows = session.execute(
        select(HumanTask, User.full_name, OrgUnit.name)
        .outerjoin(User, User.id == HumanTask.assignee_id)
        .outerjoin(OrgUnit, OrgUnit.id == HumanTask.candidate_unit_id)
        .where(HumanTask.dossier_id == dossier_id, HumanTask.completed_at.is_(None))
        .where(HumanTask.status == "ready")
        .order_by(HumanTask.created_at)
    ).all()
    return [Holder(task, name, unit) for task, name, unit in rows]


@dataclass
class TimelineEntry:
    event: AuditEvent
    actor_name: str | None
    task_name: str | None = None
    #: What a completed step decided and why (``forms.decision`` over what it submitted).
    decision: forms.Decision | None = None


def timeline(session: Session, dossier_id: int) -> list[TimelineEntry]:
    """Return the dossier's audit trail, oldest first, with the actors' and steps' names and
    each step's decision and reason."""
    rows = session.execute(
        select(AuditEvent, User.full_name, HumanTask.name, HumanTask.form)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .outerjoin(HumanTask, HumanTask.id == AuditEvent.task_id)
        .where(AuditEvent.dossier_id == dossier_id)
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    entries = []
    for event, name, task, form in rows:
        data = event.summary.get("data") if event.action == "task_completed" else None
        decided = forms.decision(form or [], data) if isinstance(data, dict) else None
        entries.append(TimelineEntry(event, name, task, decided))
    return entries


def dossier_instance(session: Session, dossier_id: int) -> ProcessInstance | None:
    """Return the dossier's newest process instance."""
    return session.scalar(
        select(ProcessInstance)
        .where(ProcessInstance.dossier_id == dossier_id)
        .order_by(ProcessInstance.id.desc())
        .limit(1)
    )


def diagram_source(session: Session, dossier_id: int) -> str | None:
    """Return the BPMN XML the dossier's instance runs, from the deployed spec's sources."""
    inst = dossier_instance(session, dossier_id)
    if inst is None:
        return None
    spec = session.get(WorkflowSpec, inst.spec_id)
    if spec is None:
        return None
    bpmn = [xml for name, xml in sorted(spec.sources.items()) if name.endswith(".bpmn")]
    return bpmn[0] if bpmn else None


def diagram_state(session: Session, dossier_id: int) -> dict[str, list[str]]:
    """Return the element ids to mark on the diagram: completed steps and the current ones."""
    rows = session.execute(
        select(HumanTask.element_id, HumanTask.status).where(HumanTask.dossier_id == dossier_id)
    ).all()
    current = sorted({e for e, status in rows if status == "ready"})
    completed = {e for e, status in rows if status == "completed"}
    completed |= set(
        session.scalars(
            select(AuditEvent.element_id).where(
                AuditEvent.dossier_id == dossier_id, AuditEvent.element_id.is_not(None)
            )
        )
    )
    return {"completed": sorted(completed - set(current)), "current": current}


def attachments(session: Session, dossier_id: int) -> list[Attachment]:
    """Return the dossier's attachments in upload order."""
    return list(
        session.scalars(
            select(Attachment)
            .where(Attachment.dossier_id == dossier_id)
            .order_by(Attachment.uploaded_at, Attachment.id)
        )
    )


def comments(session: Session, dossier_id: int) -> list[Comment]:
    """Return the dossier's comments in order."""
    return list(
        session.scalars(
            select(Comment)
            .where(Comment.dossier_id == dossier_id)
            .order_by(Comment.created_at, Comment.id)
        )
    )


# --- Ballots -----------------------------------------------------------------------------------

#: The choices of every line of a ballot sheet (engine.domain.council.VALID_VOTES).
VOTES = ("agree", "disagree", "recuse")


@dataclass
class BallotSheet:
    """A ballot task's sheet: the form field that takes the votes and the session's dossiers.

    ``subject`` is the member whose ballot it is; ``written`` says the secretariat enters an
    absent member's written ballot (the task is not in the council members' lane, as
    engine.domain.council seals it).
    """

    field_name: str
    dossiers: list[Dossier]
    subject: User | None = None
    written: bool = False
    #: Dossiers the member is recused from (his own, his collective's): not offered a vote.
    recused: frozenset[int] = frozenset()


def ballot_field(task: HumanTask) -> dict[str, Any] | None:
    """Return the task's one ``ballot`` field (``ballot`` or ``written_ballot``), if it has one."""
    return next((f for f in task.form if f.get("type") == "ballot"), None)


def is_ballot(task: HumanTask) -> bool:
    """Return whether the task is a ballot sheet (its form has a ``ballot`` field)."""
    return ballot_field(task) is not None


def ballot_sheet(session: Session, task: HumanTask) -> BallotSheet:
    """Return the sheet of a ballot task: every dossier of its council session, in sheet order."""
    field_def = ballot_field(task)
    if field_def is None:
        raise NotFound("Không tìm thấy phiếu bầu.")
    instance = session.get(ProcessInstance, task.instance_id)
    sitting = (
        session.get(CouncilSession, instance.council_session_id)
        if instance is not None and instance.council_session_id is not None
        else None
    )
    ids = list(sitting.dossier_ids) if sitting is not None else []
    found = {d.id: d for d in session.scalars(select(Dossier).where(Dossier.id.in_(ids)))}
    subject = session.get(User, task.subject_user_id) if task.subject_user_id else None
    recused = (
        frozenset(council.recused_dossiers(session, ids, subject.id)) if subject else frozenset()
    )
    return BallotSheet(
        str(field_def["name"]),
        [found[i] for i in ids if i in found],
        subject,
        written=task.candidate_role != "council_member",
        recused=recused,
    )
