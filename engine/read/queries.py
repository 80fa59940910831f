"""The read side: inboxes, dossier lists and the facts a dossier page shows.

Pages and the API both ask here. Who may see what is engine.permissions'; the lists apply those
rules as SQL. Lists read only the indexed tables (human_task, dossier, audit_event); nothing here
loads a workflow (DESIGN.md, rule 3). Writes belong to engine operations.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Generic, Literal, TypeVar, cast

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    and_,
    bindparam,
    false,
    func,
    literal,
    or_,
    select,
    true,
    tuple_,
)
from sqlalchemy.orm import Session, aliased, defer

from engine import permissions, wiring
from engine.calendar import WorkingCalendar
from engine.db import is_id
from engine.domain import council
from engine.domain.rules import titles
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
    RoleMembership,
    User,
    WorkflowSpec,
)
from engine.models.base import utcnow
from engine.read.stats import STAGES
from engine.text import N_, search_key
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
#: What the inbox's "Hạn" filter takes: a due state, or ``week`` (due by the end of this week's
#: last working day, overdue included: what must be done this week).
DUE_FILTERS = (*DUE_STATES, "week")
#: The years a look-up or a statistic may ask for.
MIN_YEAR, MAX_YEAR = 1900, 2100
Box = Literal["mine", "group"]
DueState = Literal["overdue", "soon", "ok"]
DueFilter = Literal["overdue", "soon", "ok", "week"]
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


def _role_clauses(user: User) -> list[ColumnElement[bool]]:
    """Tasks of the lanes ``user`` belongs to (permissions.may_be_given, in SQL), one disjoint
    clause per role: the role everywhere, or in the units ``user`` holds it for."""
    units: dict[str, set[int] | None] = {}
    for role, unit in permissions.lanes(user):
        held = units.setdefault(role, set())
        if unit is None or held is None:
            units[role] = None
        else:
            held.add(unit)
    return [
        HumanTask.candidate_role == role
        if held is None
        else and_(HumanTask.candidate_role == role, HumanTask.candidate_unit_id.in_(sorted(held)))
        for role, held in sorted(units.items())
    ]


def _candidate_clause(user: User) -> ColumnElement[bool]:
    """Open tasks of a lane ``user`` belongs to (permissions.may_be_given, in SQL)."""
    clauses = _role_clauses(user)
    return or_(*clauses) if clauses else false()


# --- Inboxes -----------------------------------------------------------------------------------

#: What a list row leaves out: a task's form and a dossier's eligibility and achievements (JSON
#: and long text, most of a row's width); a page that needs them loads the one row it shows.
NARROW = (
    defer(HumanTask.form),
    defer(Dossier.eligibility),
    defer(Dossier.achievements),
)


@dataclass
class Page(Generic[T]):
    items: list[T]
    total: int
    number: int
    per_page: int
    #: Cursors (``cursor`` argument) to the page after and before this one, None when there is
    #: none: a page reached by them is read off the order's index, however deep (keyset paging).
    next_cursor: str | None = None
    prev_cursor: str | None = None

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def last_cursor(self) -> str:
        """The cursor to the last page (the list's end, read backwards)."""
        return encode_cursor(BEFORE, [], self.pages)


# --- Keyset paging -----------------------------------------------------------------------------

#: Pages up to this one are linked by number (an OFFSET of at most a few pages); beyond, the
#: links carry a cursor, so page 40 costs what page 1 does.
NUMBERED_PAGES = 5
Direction = Literal["after", "before"]
AFTER: Direction = "after"
BEFORE: Direction = "before"
#: The longest cursor accepted (a few keys: far less than this).
MAX_CURSOR = 1000


@dataclass(frozen=True)
class SortKey:
    """One column of a list's order. Only the first may be ``nullable``; NULLs sort last."""

    column: Any
    descending: bool = False
    nullable: bool = False

    def ordered(self) -> Any:
        term = self.column.desc() if self.descending else self.column.asc()
        return term.nulls_last() if self.nullable else term


class InvalidCursor(ValidationFailed):
    """A ``cursor`` argument that is not one this list gave out (400, not a form error)."""

    http_status = 400

    def __init__(self) -> None:
        message = N_(
            "Con trỏ trang (cursor) không hợp lệ hoặc không khớp cách sắp xếp; "
            "hãy mở lại trang đầu của danh sách."
        )
        super().__init__(message, {"cursor": message})


@dataclass(frozen=True)
class Cursor:
    """A position in a list: the sort, the key values of the row it follows or precedes, and
    the number of the page it leads to (shown, not used to read)."""

    sort: str
    direction: Direction
    page: int
    values: tuple[Any, ...]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def encode_cursor(
    direction: Direction, values: Sequence[Any], page: int, sort: str | None = None
) -> str:
    """Return the ``cursor`` argument of a position (opaque to users: base64url of JSON)."""
    raw = json.dumps([sort, direction, page, [_plain(v) for v in values]], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def cursor_arg(args: Any, sort: str) -> Cursor | None:
    """Return the cursor in query argument ``cursor`` (None when absent or empty); one that is
    malformed, too long or of another sort raises InvalidCursor (400)."""
    value = str(args.get("cursor") or "").strip()
    if not value:
        return None
    try:
        if len(value) > MAX_CURSOR or not value.isascii():
            raise ValueError
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        decoded = json.loads(raw.decode())
        cursor_sort, direction, page, values = decoded
        if cursor_sort is not None and cursor_sort != sort:
            raise ValueError
        if direction not in (AFTER, BEFORE) or not isinstance(values, list):
            raise ValueError
        if type(page) is not int or not 1 <= page <= MAX_PAGE:
            raise ValueError
        if direction == AFTER and not values:
            raise ValueError
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor() from None
    return Cursor(sort, direction, page, tuple(values))


def _key_values(keys: Sequence[SortKey], cursor: Cursor) -> tuple[Any, ...]:
    """Return the cursor's values typed as its list's keys (InvalidCursor when they do not fit:
    another list's cursor, or one edited by hand)."""
    if not cursor.values:
        return ()
    if len(cursor.values) != len(keys):
        raise InvalidCursor()
    typed = []
    for key, value in zip(keys, cursor.values, strict=True):
        column_type = key.column.type
        kind = getattr(column_type, "impl_instance", column_type).python_type
        if value is None:
            if not key.nullable:
                raise InvalidCursor()
        elif kind is datetime:
            try:
                value = datetime.fromisoformat(value) if isinstance(value, str) else None
            except ValueError:
                value = None
            if value is None or value.tzinfo is None:
                raise InvalidCursor()
        elif kind is int:
            if type(value) is not int or not is_id(value):
                raise InvalidCursor()
        elif not isinstance(value, kind) or (isinstance(value, str) and len(value) > MAX_CURSOR):
            raise InvalidCursor()
        typed.append(value)
    return tuple(typed)


def _beyond(keys: Sequence[SortKey], values: Sequence[Any], backward: bool) -> ColumnElement[bool]:
    """Rows strictly after ``values`` in the order of ``keys`` (before them when ``backward``);
    every value here is not NULL. One row comparison when the keys all go one way (an index
    condition), the expanded form otherwise."""
    lits = [literal(v, k.column.type) for k, v in zip(keys, values, strict=True)]
    descending = [k.descending != backward for k in keys]
    if len(keys) > 1 and len(set(descending)) == 1:
        left, right = tuple_(*(k.column for k in keys)), tuple_(*lits)
        return left < right if descending[0] else left > right
    clauses = []
    for i, key in enumerate(keys):
        step = key.column < lits[i] if descending[i] else key.column > lits[i]
        clauses.append(
            and_(*(k.column == lit for k, lit in zip(keys[:i], lits[:i], strict=False)), step)
        )
    return or_(*clauses)


def _keyset_rows(
    session: Session,
    query: Select[Any],
    keys: Sequence[SortKey],
    values: Sequence[Any],
    backward: bool,
    limit: int,
) -> list[Row[Any]]:
    """Return up to ``limit`` rows of ``query`` after ``values`` in the order of ``keys`` (before
    them, nearest first, when ``backward``; from the end when ``values`` is empty).

    A nullable first key (NULLs last) splits the list in two segments, its values then its
    NULLs; each is read by its own statement in the index's order, the second only when the
    first runs out, so no statement has an OR over NULL that would keep the index from serving
    the order."""
    lead, rest = keys[0], keys[1:]
    segments: list[ColumnElement[bool]]
    if not values:
        segments = [lead.column.is_(None), lead.column.is_not(None)] if lead.nullable else [true()]
    elif not lead.nullable:
        segments = [_beyond(keys, values, backward)]
    elif values[0] is None:
        segments = [and_(lead.column.is_(None), _beyond(rest, values[1:], backward))]
        segments += [lead.column.is_not(None)] if backward else []
    else:
        segments = [and_(lead.column.is_not(None), _beyond(keys, values, backward))]
        segments += [] if backward else [lead.column.is_(None)]
    order = [k.column.desc() if k.descending != backward else k.column.asc() for k in keys]
    rows: list[Row[Any]] = []
    for segment in segments:
        rows += session.execute(query.where(segment).order_by(*order).limit(limit - len(rows)))
        if len(rows) >= limit:
            break
    return rows


def _page_rows(
    session: Session,
    query: Select[Any],
    keys: Sequence[SortKey],
    filters: ListFilters,
    total: int,
) -> tuple[list[tuple[Any, ...]], int, str | None, str | None]:
    """Return one page's rows of ``query`` (without the key values it appends), its number and
    the cursors after and before it: by OFFSET for a page number, by keyset for a cursor.

    The last page (a cursor without a position) holds what is left after the full pages, as
    its OFFSET page does, so the pages before it, read backwards, are the OFFSET pages too."""
    query = query.add_columns(*(k.column for k in keys))
    width = len(keys)
    cursor, size = filters.cursor, filters.per_page
    if cursor is None:
        number = filters.page
        rows = list(
            session.execute(
                query.order_by(*(k.ordered() for k in keys))
                .limit(size + 1)
                .offset((number - 1) * size)
            )
        )
        more_after, more_before = len(rows) > size, number > 1
        rows = rows[:size]
    else:
        values = _key_values(keys, cursor)
        number, wanted = cursor.page, size
        if not values:  # the end: the last page now, with what the full pages leave
            number = max(1, math.ceil(total / size))
            wanted = total - (number - 1) * size or size
        backward = cursor.direction == BEFORE
        rows = _keyset_rows(session, query, keys, values, backward, wanted + 1)
        more = len(rows) > wanted
        rows = rows[:wanted]
        if backward:
            rows.reverse()
            more_after, more_before = bool(values), more and number > 1
        else:
            more_after, more_before = more, number > 1
    sort = filters.sort
    next_cursor = prev_cursor = None
    if rows and more_after:
        next_cursor = encode_cursor(AFTER, rows[-1][-width:], number + 1, sort)
    if rows and more_before:
        prev_cursor = encode_cursor(BEFORE, rows[0][-width:], number - 1, sort)
    return [row[:-width] for row in rows], number, next_cursor, prev_cursor


def _invalid(name: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, {name: message})


def row_id_arg(args: Any, name: str, label: str) -> int | None:
    """Return the row id in query argument ``name`` (None when absent or empty); anything but
    1 … MAX_ID raises ValidationFailed, so no out-of-range number reaches the database."""
    value = str(args.get(name) or "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or not is_id(int(value)):
        raise _invalid(
            name, N_("%(label)s (%(name)s) phải là mã số hợp lệ.", label=label, name=name)
        )
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
    due: DueFilter | None = None
    q: str = ""
    sort: str = "due"
    page: int = 1
    per_page: int = PER_PAGE
    #: A position given out by a page (keyset paging); when set, ``page`` is not used.
    cursor: Cursor | None = None

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
        if due is not None and due not in DUE_FILTERS:
            errors["due"] = N_("Hạn xử lý (due) phải là một trong: ") + ", ".join(DUE_FILTERS) + "."
            due = None
        sort = text("sort") or sorts[0]
        if sort not in sorts:
            errors["sort"] = N_("Cách sắp xếp (sort) phải là một trong: ") + ", ".join(sorts) + "."
            sort = sorts[0]
        q = text("q").strip()
        if len(q) > MAX_QUERY:
            errors["q"] = N_(
                "Từ khóa tìm kiếm (q) dài quá %(MAX_QUERY)s ký tự.", MAX_QUERY=MAX_QUERY
            )
        filters = cls(
            campaign_id=checked(lambda: row_id_arg(args, "campaign", N_("Đợt thi đua")), None),
            stage=text("stage") or None,
            title_code=text("title") or None,
            unit_id=checked(lambda: row_id_arg(args, "unit", N_("Đơn vị")), None),
            due=cast(DueFilter | None, due),
            q=q,
            sort=sort,
            page=checked(lambda: page_arg(args), 1),
        )
        if errors:
            raise ValidationFailed(" ".join(errors.values()), errors)
        # After the other arguments: a cursor belongs to the sort it was given out with.
        filters.cursor = cursor_arg(args, sort)
        return filters

    def unfiltered(self) -> bool:
        """Return whether no filter or search narrows the list (sort and page aside)."""
        return not (
            self.campaign_id or self.stage or self.title_code or self.unit_id or self.due or self.q
        )

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
            "page": self.page if self.page > 1 and self.cursor is None else None,
            "cursor": None,
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


def week_limit(calendar: WorkingCalendar, now: datetime) -> datetime:
    """Return the end of this week's last working day (local Monday–Sunday of ``now``), or of
    today when no working day is left this week; "due this week" is a deadline up to it."""
    today = calendar.local_date(now)
    last = today
    for ahead in range(1, 7 - today.weekday()):
        day = today + timedelta(days=ahead)
        if calendar.is_working_day(day):
            last = day
    return calendar.end_of_day(last)


def due_state(
    due_at: datetime | None, now: datetime, soon_until: datetime | None = None
) -> DueState | None:
    """Return overdue / soon / ok for a deadline (None when there is none)."""
    if due_at is None:
        return None
    if due_at < now:
        return "overdue"
    return "soon" if due_at <= (soon_until or soon_limit(WorkingCalendar(), now)) else "ok"


def _keys(column: Any, descending: bool, nullable: bool, tie: Any) -> list[SortKey]:
    return [SortKey(column, descending, nullable), SortKey(tie)]


TASK_SORTS: dict[str, Callable[[], list[SortKey]]] = {
    # NULLS LAST rather than "due_at IS NULL" first: the order of the ix_human_task_*_due
    # indexes, so a page is read off the index instead of sorting every open task. NULLs last
    # in every order, on SQLite as on PostgreSQL (a cursor's segments need one place for them).
    "due": lambda: _keys(HumanTask.due_at, False, True, HumanTask.id),
    "-due": lambda: _keys(HumanTask.due_at, True, True, HumanTask.id),
    "waiting": lambda: _keys(HumanTask.created_at, False, False, HumanTask.id),
    "-waiting": lambda: _keys(HumanTask.created_at, True, False, HumanTask.id),
    "nominee": lambda: _keys(Dossier.nominee_search, False, True, HumanTask.id),
    "-nominee": lambda: _keys(Dossier.nominee_search, True, True, HumanTask.id),
    "dossier": lambda: _keys(HumanTask.dossier_id, False, True, HumanTask.id),
    "-dossier": lambda: _keys(HumanTask.dossier_id, True, True, HumanTask.id),
}


def _open() -> tuple[ColumnElement[bool], ...]:
    """An open task, in the terms of the open-task indexes: completed_at IS NULL is their
    predicate (so they are usable), status is one of their included columns (index-only)."""
    return (HumanTask.completed_at.is_(None), HumanTask.status == "ready")


def _open_tasks(user: User, box: Box, *, with_claimed: bool = False) -> Select[HumanTask]:
    query = select(HumanTask).where(*_open())
    if box == "mine":
        return query.where(HumanTask.assignee_id == user.id)
    claimable = and_(HumanTask.assignee_id.is_(None), _candidate_clause(user))
    if not with_claimed:
        return query.where(claimable)
    return query.where(
        or_(claimable, and_(HumanTask.assignee_id.is_not(None), _reassignable_clause(user)))
    )


def _reassignable_clause(user: User) -> ColumnElement[bool]:
    """Open tasks ``user`` may hand on (permissions.may_reassign, in SQL); never a member's
    secret ballot, which operations.reassign refuses."""
    if user.has_role("admin") or user.has_role("secretariat"):
        scope: ColumnElement[bool] = true()
    else:
        units = [m.unit_id for m in user.memberships if m.role_code == "unit_head" and m.unit_id]
        scope = HumanTask.candidate_unit_id.in_(units) if units else false()
    return and_(
        scope, or_(HumanTask.candidate_role.is_(None), HumanTask.candidate_role != "council_member")
    )


def supervises(user: User) -> bool:
    """Return whether ``user`` may hand on some tasks (a unit head, the secretariat, admin): the
    group inbox then also lists the claimed tasks they may reassign, with their assignee."""
    return any(m.role_code in ("admin", "secretariat", "unit_head") for m in user.memberships)


def assignable_people(
    session: Session, tasks: Sequence[HumanTask]
) -> dict[int, list[tuple[int, str]]]:
    """Return, per task id, the active people it may be given to (permissions.may_be_given)."""
    lanes = {(t.candidate_role, t.candidate_unit_id) for t in tasks if t.candidate_role}
    people: dict[tuple[str | None, int | None], list[tuple[int, str]]] = {}
    for role, unit in lanes:
        rows = session.execute(
            select(User.id, User.full_name)
            .join(RoleMembership, RoleMembership.user_id == User.id)
            .where(
                User.active.is_(True),
                RoleMembership.role_code == role,
                or_(RoleMembership.unit_id.is_(None), RoleMembership.unit_id == unit),
            )
            .distinct()
            .order_by(User.full_name)
        ).all()
        people[(role, unit)] = [(i, n) for i, n in rows]
    return {t.id: people.get((t.candidate_role, t.candidate_unit_id), []) for t in tasks}


_COUNTS = "tdkt.read.task_counts"


def _known_counts(session: Session, user: User) -> dict[str, int]:
    """The box counts already counted in this session's transaction (one count per page: the
    inbox's total is the navigation's count). A commit starts a new transaction, which
    forgets them."""
    transaction = session.get_transaction()
    kept = session.info.get(_COUNTS)
    if kept is None or kept[0] is not transaction or kept[1] != user.id:
        kept = (transaction, user.id, {})
        session.info[_COUNTS] = kept
    counts: dict[str, int] = kept[2]
    return counts


def _box_count(session: Session, user: User, box: Box) -> int:
    counts = _known_counts(session, user)
    if box not in counts:
        counts[box] = session.scalar(_count_query(user, box)) or 0
    return counts[box]


def _count_query(user: User, box: Box) -> Select[Any]:
    """Count a box in one statement. A group box sums one count per role: each is a range of
    an open-task index read alone (index-only), where one count over the OR of the lanes
    made PostgreSQL read the whole index and filter it."""
    if box == "mine":
        return _open_tasks(user, box).with_only_columns(func.count())
    parts: list[ColumnElement[Any]] = [
        select(func.count())
        .where(*_open(), HumanTask.assignee_id.is_(None), clause)
        .scalar_subquery()
        for clause in _role_clauses(user)
    ]
    if not parts:
        return select(literal(0))
    return select(functools.reduce(operator.add, parts))


def task_counts(session: Session, user: User) -> dict[str, int]:
    """Return how many open tasks are ``mine`` and how many my groups may claim (``group``)."""
    return {box: _box_count(session, user, box) for box in ("mine", "group")}


def _claimed_count(session: Session, user: User) -> int:
    """How many claimed open tasks ``user`` may hand on (counted off the assignee index)."""
    query = select(func.count()).where(
        *_open(), HumanTask.assignee_id.is_not(None), _reassignable_clause(user)
    )
    return session.scalar(query) or 0


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
    session: Session,
    user: User,
    box: Box,
    filters: ListFilters,
    now: datetime | None = None,
    *,
    with_claimed: bool = False,
) -> Page[TaskRow]:
    """Return one page of ``user``'s tasks (``mine``) or of the tasks their groups may claim;
    ``with_claimed`` adds to ``group`` the claimed tasks ``user`` may reassign (with their
    assignee's name)."""
    now = now or utcnow()
    soon_until = soon_limit(wiring.of(session).calendar.current(), now)
    query = (
        _open_tasks(user, box, with_claimed=with_claimed)
        .outerjoin(Dossier, Dossier.id == HumanTask.dossier_id)
        .outerjoin(OrgUnit, OrgUnit.id == Dossier.unit_id)
        .outerjoin(Campaign, Campaign.id == Dossier.campaign_id)
        .add_columns(Dossier, OrgUnit.name, Campaign.name)
        .options(*NARROW)
    )
    unfiltered = filters.unfiltered()
    query = _apply_dossier_filters(query, filters)
    if filters.stage:
        query = query.where(HumanTask.stage == filters.stage)
    if filters.due == "overdue":
        query = query.where(HumanTask.due_at < now)
    elif filters.due == "soon":
        query = query.where(HumanTask.due_at >= now, HumanTask.due_at <= soon_until)
    elif filters.due == "ok":
        query = query.where(or_(HumanTask.due_at.is_(None), HumanTask.due_at > soon_until))
    elif filters.due == "week":
        query = query.where(
            HumanTask.due_at <= week_limit(wiring.of(session).calendar.current(), now)
        )
    # The menu's count is the same figure for an unfiltered list: counted once per request. A
    # supervisor's group list is that figure plus the claimed tasks they may hand on (the two
    # are disjoint): two counts an index answers alone, never one count over the OR.
    if unfiltered and with_claimed and box == "group":
        total = _box_count(session, user, box) + _claimed_count(session, user)
    elif unfiltered:
        total = _box_count(session, user, box)
    else:
        total = session.scalar(query.with_only_columns(func.count(HumanTask.id))) or 0
    keys = TASK_SORTS.get(filters.sort, TASK_SORTS["due"])()
    rows, number, next_cursor, prev_cursor = _page_rows(session, query, keys, filters, total)
    items = [
        TaskRow(task, dossier, unit, camp, now=now, soon_until=soon_until)
        for task, dossier, unit, camp in rows
    ]
    assigned = {r.task.assignee_id for r in items if r.task.assignee_id}
    if assigned:
        names = dict(
            session.execute(select(User.id, User.full_name).where(User.id.in_(assigned))).all()
        )
        for row in items:
            if row.task.assignee_id:
                row.assignee_name = names.get(row.task.assignee_id)
    return Page(items, total, number, filters.per_page, next_cursor, prev_cursor)


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


def _task_view_statement() -> Select[HumanTask, Dossier, str, str, str]:
    assignee = aliased(User)
    return (
        select(HumanTask, Dossier, OrgUnit.name, Campaign.name, assignee.full_name)
        .outerjoin(Dossier, Dossier.id == HumanTask.dossier_id)
        .outerjoin(OrgUnit, OrgUnit.id == Dossier.unit_id)
        .outerjoin(Campaign, Campaign.id == Dossier.campaign_id)
        .outerjoin(assignee, assignee.id == HumanTask.assignee_id)
        .where(HumanTask.id == bindparam("task_id"))
        .execution_options(populate_existing=True)
    )


# Built once, like the engine's hot statements: building this join on every API completion
# cost a third of the answer's time (bench/http.py profile).
_TASK_VIEW = _task_view_statement()


def task_view(session: Session, user: User, task_id: int) -> TaskRow:
    """Return the row of one task ``user`` may see, in one statement (task, dossier, unit,
    campaign and assignee), fresh from the database (after a step wrote it); NotFound else."""
    found = session.execute(_TASK_VIEW, {"task_id": task_id}).first()
    if found is None or not permissions.may_see_task(user, found[0], found[1]):
        raise NotFound("Không tìm thấy việc.")
    task, dossier, unit_name, campaign_name, assignee_name = found
    now = utcnow()
    return TaskRow(
        task,
        dossier,
        unit_name,
        campaign_name,
        assignee_name=assignee_name,
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
    campaigns = session.execute(
        select(Campaign.id, Campaign.name, Campaign.title_codes).order_by(
            Campaign.year.desc(), Campaign.name
        )
    ).all()
    # From the small tables only: the titles the campaigns open and the procedure's stages,
    # never a DISTINCT over every dossier.
    opened = {code for c in campaigns for code in (c.title_codes or [])}
    known = titles.title_codes()
    return FilterChoices(
        campaigns=[(c.id, c.name) for c in campaigns],
        units=[(r.id, r.name) for r in session.execute(units)],
        titles=[c for c in known if c in opened] + sorted(opened - set(known)),
        stages=[code for code, _label in STAGES],
    )


# --- Dossiers ----------------------------------------------------------------------------------

DOSSIER_SORTS: dict[str, Callable[[], list[SortKey]]] = {
    # (updated_at, id) both ways: ix_dossier_updated_at_id read forwards or backwards.
    "-updated": lambda: [SortKey(Dossier.updated_at, True), SortKey(Dossier.id, True)],
    "updated": lambda: [SortKey(Dossier.updated_at), SortKey(Dossier.id)],
    "nominee": lambda: _keys(Dossier.nominee_search, False, False, Dossier.id),
    "-nominee": lambda: _keys(Dossier.nominee_search, True, False, Dossier.id),
    "id": lambda: [SortKey(Dossier.id)],
    "-id": lambda: [SortKey(Dossier.id, True)],
}


def dossier_list(session: Session, user: User, filters: ListFilters) -> Page[Dossier]:
    """Return one page of the dossiers ``user`` may see, filtered and sorted."""
    query = _apply_dossier_filters(visible_dossiers(user), filters).options(*NARROW[1:])
    if filters.stage:
        query = query.where(Dossier.stage == filters.stage)
    total = session.scalar(query.with_only_columns(func.count(Dossier.id))) or 0
    keys = DOSSIER_SORTS.get(filters.sort, DOSSIER_SORTS["-updated"])()
    rows, number, next_cursor, prev_cursor = _page_rows(session, query, keys, filters, total)
    items = [row[0] for row in rows]
    return Page(items, total, number, filters.per_page, next_cursor, prev_cursor)


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
        raise NotFound(N_("Không tìm thấy phiếu bầu."))
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
