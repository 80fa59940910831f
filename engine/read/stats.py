"""Statistics and dashboard queries: read-only, from indexed tables, never a workflow's state.

Durations are counted in working days (ngày làm việc) with :class:`WorkingCalendar`, the way the
procedure's limits are. The 90th percentile is the nearest-rank one (an observed value).
"""

from __future__ import annotations

import math
import statistics
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Select, and_, case, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from engine.calendar import WorkingCalendar
from engine.domain.rules.titles import KIND_NAMES, is_emulation_title, title_codes, title_name
from engine.models import AwardRecord, Campaign, Dossier, HumanTask, OrgUnit, User
from engine.models.org import ROLES
from engine.text import N_, joined

#: The procedure's stages in order (workflows/README.md, user task property ``stage``).
STAGES: tuple[tuple[str, str], ...] = (
    ("registration", N_("Đăng ký")),
    ("prepare", N_("Chuẩn bị hồ sơ")),
    ("unit_review", N_("Bình xét tại đơn vị")),
    ("completeness", N_("Thẩm định")),
    ("posting", N_("Công khai")),
    ("council", N_("Họp Hội đồng")),
    ("decision", N_("Chờ quyết định")),
    ("submission", N_("Trình cấp trên")),
    ("province", N_("Cấp trên xử lý")),
    ("archived", N_("Đã kết thúc")),
)
STAGE_LABELS = dict(STAGES)
#: Limits in working days where the BPMN states a literal (DESIGN.md "The procedure"); the others
#: (posting, the province, the council) are read from the tasks' own due dates.
STAGE_LIMITS: dict[str, int] = {
    "prepare": 5,
    "unit_review": 5,
    "completeness": 5,
    "decision": 5,
    "submission": 5,
}
_ROLE_NAMES = {r.code: r.name for r in ROLES}
# A dossier counts as nominated once the unit has passed it on to the secretariat.
_NOMINATED_STAGES = ("completeness", "posting", "council", "decision", "submission", "province")
_DECIDED_STATUSES = ("awarded", "not_selected", "not_approved")
T = TypeVar("T")


def stage_label(stage: str | None) -> str:
    """Return the Vietnamese label of a stage code."""
    return STAGE_LABELS.get(stage or "", stage or "—")


@dataclass
class CrossTab:
    """Counts by two keys, with labels, row and column totals."""

    rows: list[tuple[str, str]]
    columns: list[tuple[str, str]]
    counts: dict[tuple[str, str], int]

    def count(self, row: str, column: str) -> int:
        """Return the count in one cell (0 when empty)."""
        return self.counts.get((row, column), 0)

    def row_total(self, row: str) -> int:
        """Return the total of one row."""
        return sum(n for (r, _c), n in self.counts.items() if r == row)

    def column_total(self, column: str) -> int:
        """Return the total of one column."""
        return sum(n for (_r, c), n in self.counts.items() if c == column)

    @property
    def total(self) -> int:
        """Return the grand total."""
        return sum(self.counts.values())


Units = Collection[int] | None


def _task_units(units: Units) -> list[ColumnElement[bool]]:
    """Tasks of the dossiers of ``units`` (None: every task)."""
    if units is None:
        return []
    return [HumanTask.dossier_id.in_(select(Dossier.id).where(Dossier.unit_id.in_(units)))]


def _dossier_units(units: Units) -> list[ColumnElement[bool]]:
    return [] if units is None else [Dossier.unit_id.in_(units)]


def _campaign_filter(campaign_id: int | None) -> list[ColumnElement[bool]]:
    return [] if campaign_id is None else [Dossier.campaign_id == campaign_id]


def dossiers_by_stage_unit(
    session: Session, campaign_id: int | None = None, units: Units = None
) -> CrossTab:
    """Return dossier counts by stage (rows) × nominating unit (columns)."""
    result = session.execute(
        select(Dossier.stage, Dossier.unit_id, func.count(Dossier.id))
        .where(*_campaign_filter(campaign_id), *_dossier_units(units))
        .group_by(Dossier.stage, Dossier.unit_id)
    ).all()
    counts = {(stage, str(unit_id)): n for stage, unit_id, n in result}
    unit_ids = {unit_id for _s, unit_id, _n in result}
    columns = session.scalars(
        select(OrgUnit).where(OrgUnit.id.in_(unit_ids)).order_by(OrgUnit.name)
    )
    present = {stage for stage, _u, _n in result}
    rows = [(code, label) for code, label in STAGES if code in present]
    rows += [(s, s) for s in sorted(present - set(STAGE_LABELS))]
    return CrossTab(rows, [(str(u.id), u.name) for u in columns], counts)


def dossiers_by_title(
    session: Session, campaign_id: int | None = None, units: Units = None
) -> list[tuple[str, int]]:
    """Return (title code, dossier count), in the titles' order."""
    counts = dict(
        session.execute(
            select(Dossier.title_code, func.count(Dossier.id))
            .where(*_campaign_filter(campaign_id), *_dossier_units(units))
            .group_by(Dossier.title_code)
        ).all()
    )
    ordered = [c for c in title_codes() if c in counts] + sorted(set(counts) - set(title_codes()))
    return [(code, counts[code]) for code in ordered]


@dataclass(frozen=True)
class CampaignProgress:
    """How far a campaign's dossiers have got: registered → nominated → decided → awarded."""

    campaign_id: int
    name: str
    year: int
    registered: int
    nominated: int
    decided: int
    awarded: int


def campaign_progress(
    session: Session, campaign_id: int | None = None, units: Units = None
) -> list[CampaignProgress]:
    """Return each campaign's progress, newest first.

    registered: every dossier; nominated: passed on by its unit (in or past the secretariat's
    completeness check); decided: a decision recorded or the council/province said no;
    awarded: status awarded.
    """
    decided = or_(Dossier.decision_no.is_not(None), Dossier.status.in_(_DECIDED_STATUSES))
    nominated = or_(Dossier.stage.in_(_NOMINATED_STAGES), decided)
    query = (
        select(
            Campaign.id,
            Campaign.name,
            Campaign.year,
            func.count(Dossier.id),
            func.sum(case((nominated, 1), else_=0)),
            func.sum(case((decided, 1), else_=0)),
            func.sum(case((Dossier.status == "awarded", 1), else_=0)),
        )
        .join(Dossier, Dossier.campaign_id == Campaign.id)
        .group_by(Campaign.id, Campaign.name, Campaign.year)
        .order_by(Campaign.year.desc(), Campaign.id.desc())
    )
    if campaign_id is not None:
        query = query.where(Campaign.id == campaign_id)
    query = query.where(*_dossier_units(units))
    return [
        CampaignProgress(cid, name, year, n, int(nom or 0), int(dec or 0), int(aw or 0))
        for cid, name, year, n, nom, dec, aw in session.execute(query)
    ]


@dataclass(frozen=True)
class OverdueTask:
    """An open task past its due date and how many working days late it is."""

    task_id: int
    dossier_id: int | None
    nominee_name: str
    task_name: str
    stage: str | None
    who: str
    due_at: datetime
    days_late: int


class local_date(FunctionElement[date]):
    """The local calendar date of a UTC timestamp column, in the database.

    PostgreSQL converts with the zone's rules; SQLite (which stores UTC text) adds the zone's
    current offset. Grouping by it lets the working-day counts run once per distinct date
    instead of once per task (the calendar's days off are not in the database).
    """

    type = Date()
    inherit_cache = True

    def __init__(self, column: Any, tz: ZoneInfo) -> None:
        self.tz = tz
        super().__init__(column)


@compiles(local_date, "postgresql")
def _local_date_pg(element: local_date, compiler: Any, **kw: Any) -> str:
    (column,) = element.clauses
    zone = str(element.tz.key).replace("'", "")
    return f"CAST(timezone('{zone}', {compiler.process(column, **kw)}) AS DATE)"


@compiles(local_date)
def _local_date_default(element: local_date, compiler: Any, **kw: Any) -> str:
    (column,) = element.clauses
    offset = datetime.now(element.tz).utcoffset() or timedelta()
    minutes = int(offset.total_seconds() // 60)
    return f"date({compiler.process(column, **kw)}, '{minutes:+d} minutes')"


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


class _Days:
    """Working days between local dates, each distinct pair counted once."""

    def __init__(self, calendar: WorkingCalendar) -> None:
        self.calendar = calendar
        self.known: dict[tuple[date, date], int] = {}

    def between(self, a: Any, b: Any) -> int:
        key = (_as_date(a), _as_date(b))
        if key not in self.known:
            self.known[key] = self.calendar.working_days_between(*key)
        return self.known[key]


def _who(assignee: str | None, role: str | None, unit: str | None) -> str:
    if assignee:
        return assignee
    who = _ROLE_NAMES.get(role or "", role or "—")
    return N_("%(role)s – %(unit)s", role=who, unit=unit) if unit else who


def _overdue_query(now: datetime, units: Units) -> Select[Any]:
    return (
        select(HumanTask.id)
        .where(HumanTask.completed_at.is_(None), HumanTask.due_at < now)
        .where(*_task_units(units))
    )


def overdue_count(session: Session, now: datetime, units: Units = None) -> int:
    """Return how many open tasks are past due (of the dossiers of ``units``)."""
    query = _overdue_query(now, units).with_only_columns(func.count(HumanTask.id))
    return int(session.scalar(query) or 0)


def overdue_tasks(
    session: Session,
    now: datetime,
    calendar: WorkingCalendar,
    units: Units = None,
    *,
    limit: int | None = None,
    offset: int = 0,
) -> list[OverdueTask]:
    """Return open tasks past due, the latest first (reads ix_human_task_open_due); a page of
    them with ``limit``/``offset``. Narrow rows: no form, no ORM objects."""
    query = (
        select(
            HumanTask.id,
            HumanTask.dossier_id,
            HumanTask.name,
            HumanTask.stage,
            HumanTask.candidate_role,
            HumanTask.due_at,
            Dossier.nominee_name,
            User.full_name,
            OrgUnit.name,
        )
        .outerjoin(Dossier, Dossier.id == HumanTask.dossier_id)
        .outerjoin(User, User.id == HumanTask.assignee_id)
        .outerjoin(OrgUnit, OrgUnit.id == HumanTask.candidate_unit_id)
        .where(HumanTask.completed_at.is_(None), HumanTask.due_at < now)
        .where(*_task_units(units))
        .order_by(HumanTask.due_at, HumanTask.id)
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    days = _Days(calendar)
    today = calendar.local_date(now)
    result = []
    for task_id, dossier_id, name, stage, role, due_at, nominee, assignee, unit in session.execute(
        query
    ):
        assert due_at is not None  # selected by due_at < now
        result.append(
            OverdueTask(
                task_id,
                dossier_id,
                nominee or "",
                name,
                stage,
                _who(assignee, role, unit),
                due_at,
                max(days.between(calendar.local_date(due_at), today), 0),
            )
        )
    return result


@dataclass(frozen=True)
class OverdueGroup:
    """Overdue tasks of one step or one person: how many, how late on average and at most."""

    key: str
    label: str
    count: int
    mean_days_late: float
    max_days_late: int


def _sorted_groups(groups: list[OverdueGroup]) -> list[OverdueGroup]:
    return sorted(groups, key=lambda g: (-g.max_days_late, -g.count, g.label))


def group_overdue(tasks: Iterable[OverdueTask], by: str) -> list[OverdueGroup]:
    """Group overdue tasks ``by`` "stage" or "who", the most late first."""
    groups: dict[str, list[int]] = defaultdict(list)
    for task in tasks:
        groups[(task.stage or "") if by == "stage" else task.who].append(task.days_late)
    return _sorted_groups(
        [
            OverdueGroup(
                key,
                stage_label(key) if by == "stage" else key,
                len(days),
                round(statistics.fmean(days), 1),
                max(days),
            )
            for key, days in groups.items()
        ]
    )


def overdue_groups(
    session: Session, now: datetime, calendar: WorkingCalendar, by: str, units: Units = None
) -> list[OverdueGroup]:
    """:func:`group_overdue` of every overdue task, counted in SQL: one row per group and due
    date, never one per task."""
    due_day = local_date(HumanTask.due_at, calendar.tz)
    keys: list[Any] = (
        [HumanTask.stage]
        if by == "stage"
        else [User.full_name, HumanTask.candidate_role, OrgUnit.name]
    )
    query = (
        select(*keys, due_day, func.count(HumanTask.id))
        .where(HumanTask.completed_at.is_(None), HumanTask.due_at < now)
        .where(*_task_units(units))
        .group_by(*keys, due_day)
    )
    if by != "stage":
        query = query.outerjoin(User, User.id == HumanTask.assignee_id).outerjoin(
            OrgUnit, OrgUnit.id == HumanTask.candidate_unit_id
        )
    days = _Days(calendar)
    today = calendar.local_date(now)
    late: dict[str, Counter[int]] = defaultdict(Counter)
    for *key, due, n in session.execute(query):
        group = (key[0] or "") if by == "stage" else _who(*key)
        late[group][max(days.between(due, today), 0)] += n
    return _sorted_groups(
        [
            OverdueGroup(
                key,
                stage_label(key) if by == "stage" else key,
                sum(hist.values()),
                round(sum(d * n for d, n in hist.items()) / sum(hist.values()), 1),
                max(hist),
            )
            for key, hist in late.items()
        ]
    )


def percentile(values: Sequence[float], p: float) -> float:
    """Return the nearest-rank ``p``-th percentile of ``values`` (non-empty)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def _ranked(hist: Counter[int], rank: int) -> int:
    """The ``rank``-th smallest value (1-based) of the multiset ``hist``."""
    seen = 0
    for value in sorted(hist):
        seen += hist[value]
        if seen >= rank:
            return value
    raise ValueError("rank past the end")


def hist_percentile(hist: Counter[int], p: float) -> float:
    """:func:`percentile` of a histogram {value: count}."""
    return float(_ranked(hist, max(1, math.ceil(p / 100 * sum(hist.values())))))


def hist_median(hist: Counter[int]) -> float:
    """``statistics.median`` of a histogram {value: count}."""
    n = sum(hist.values())
    if n % 2:
        return float(_ranked(hist, n // 2 + 1))
    return (_ranked(hist, n // 2) + _ranked(hist, n // 2 + 1)) / 2


@dataclass(frozen=True)
class StepTime:
    """Time spent in one step by tasks completed in a period, against the step's limit."""

    stage: str
    label: str
    count: int
    median: float
    p90: float
    limit: int | None
    over_limit: int

    @property
    def state(self) -> str:
        """Return "over" when the median passes the limit, "soon" when p90 does, else "ok"."""
        if self.limit is None:
            return "ok"
        if self.median > self.limit:
            return "over"
        return "soon" if self.p90 > self.limit else "ok"


def time_per_step(
    session: Session,
    start: datetime,
    end: datetime,
    calendar: WorkingCalendar,
    units: Units = None,
) -> list[StepTime]:
    """Return the median and p90 working days per stage of tasks completed in [start, end).

    A step's limit is the one its tasks were given (due_at − created_at, the most common value)
    or, for tasks without a due date, :data:`STAGE_LIMITS`. Counted in SQL by stage and local
    dates; the working days are counted once per distinct pair of dates.
    """
    stage = func.coalesce(HumanTask.stage, HumanTask.element_id)
    created = local_date(HumanTask.created_at, calendar.tz)
    completed = local_date(HumanTask.completed_at, calendar.tz)
    due = local_date(HumanTask.due_at, calendar.tz)
    period = (
        HumanTask.completed_at.is_not(None),
        HumanTask.completed_at >= start,
        HumanTask.completed_at < end,
        HumanTask.status == "completed",
        *_task_units(units),
    )
    days = _Days(calendar)
    spent: dict[str, Counter[int]] = defaultdict(Counter)
    for key, a, b, n in session.execute(
        select(stage, created, completed, func.count(HumanTask.id))
        .where(*period)
        .group_by(stage, created, completed)
    ):
        spent[key][days.between(a, b)] += n
    given: dict[str, Counter[int]] = defaultdict(Counter)
    for key, a, b, n in session.execute(
        select(stage, created, due, func.count(HumanTask.id))
        .where(*period, HumanTask.due_at.is_not(None))
        .group_by(stage, created, due)
    ):
        given[key][days.between(a, b)] += n
    order = {code: i for i, (code, _l) in enumerate(STAGES)}
    result = []
    for key in sorted(spent, key=lambda s: (order.get(s, len(order)), s)):
        hist = spent[key]
        limit = given[key].most_common(1)[0][0] if given[key] else STAGE_LIMITS.get(key)
        result.append(
            StepTime(
                key,
                stage_label(key),
                sum(hist.values()),
                hist_median(hist),
                hist_percentile(hist, 90),
                limit,
                sum(n for d, n in hist.items() if limit is not None and d > limit),
            )
        )
    return result


def waiting_heat(
    session: Session,
    start: datetime,
    end: datetime,
    now: datetime,
    calendar: WorkingCalendar,
    units: Units = None,
) -> dict[str, float]:
    """Return the median working days a task waited, per BPMN element, for the heat map.

    Counts tasks completed in [start, end) and tasks still open (waiting until ``now``), in SQL
    by element and local dates.
    """
    created = local_date(HumanTask.created_at, calendar.tz)
    completed = local_date(HumanTask.completed_at, calendar.tz)
    today = calendar.local_date(now)
    days = _Days(calendar)
    waits: dict[str, Counter[int]] = defaultdict(Counter)
    for element_id, a, b, n in session.execute(
        select(HumanTask.element_id, created, completed, func.count(HumanTask.id))
        .where(
            or_(
                and_(
                    HumanTask.completed_at.is_not(None),
                    HumanTask.completed_at >= start,
                    HumanTask.completed_at < end,
                ),
                and_(HumanTask.completed_at.is_(None), HumanTask.status == "ready"),
            ),
            *_task_units(units),
        )
        .group_by(HumanTask.element_id, created, completed)
    ):
        waits[element_id][days.between(a, b if b is not None else today)] += n
    return {element: hist_median(hist) for element, hist in waits.items()}


class FigureCache:
    """The dashboard's heavy figures, kept per process for ``seconds`` (a minute by default).

    Keyed by what the figures depend on (scope, campaign, period); the minute they were
    counted in is part of the answer's age, never older than ``seconds``.
    """

    def __init__(self, seconds: float = 60.0, size: int = 64) -> None:
        self.seconds = seconds
        self.size = size
        self._kept: dict[Any, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: Any, compute: Callable[[], T]) -> T:
        """Return the figures kept for ``key``, computing them when absent or stale."""
        now = time.monotonic()
        with self._lock:
            kept = self._kept.get(key)
        if kept is not None and now - kept[0] < self.seconds:
            return cast(T, kept[1])
        value = compute()
        with self._lock:
            if len(self._kept) >= self.size:
                oldest = min(self._kept, key=lambda k: self._kept[k][0])
                del self._kept[oldest]
            self._kept[key] = (now, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


@dataclass
class AwardStatistics:
    """Award counts by form × year × nominee kind for a period of years."""

    year_from: int
    year_to: int
    counts: dict[tuple[str, int, str], int] = field(default_factory=dict)

    @property
    def years(self) -> list[int]:
        """Return every year of the period."""
        return list(range(self.year_from, self.year_to + 1))

    @property
    def titles(self) -> list[str]:
        """Return the title codes that have awards, in the titles' order."""
        present = {code for code, _y, _k in self.counts}
        known = [c for c in title_codes() if c in present]
        return known + sorted(present - set(known))

    def count(
        self, title: str | None = None, year: int | None = None, kind: str | None = None
    ) -> int:
        """Return the number of awards matching every given key (all of them when none)."""
        return sum(
            n
            for (t, y, k), n in self.counts.items()
            if (title is None or t == title)
            and (year is None or y == year)
            and (kind is None or k == kind)
        )

    def table(self) -> tuple[list[str], list[list[object]], list[list[object]]]:
        """Return headers, body rows (form × kind, one column per year, total) and total rows."""
        headers = [N_("Danh hiệu / hình thức"), N_("Đối tượng"), *map(str, self.years), N_("Cộng")]
        body: list[list[object]] = []
        for code in self.titles:
            for kind in ("individual", "collective"):
                if self.count(code, kind=kind):
                    per_year = [self.count(code, y, kind) for y in self.years]
                    body.append([title_name(code), KIND_NAMES[kind], *per_year, sum(per_year)])
        totals: list[list[object]] = []
        for kind in ("individual", "collective"):
            per_year = [self.count(year=y, kind=kind) for y in self.years]
            totals.append(
                [N_("Cộng %(kind)s", kind=KIND_NAMES[kind]), "", *per_year, sum(per_year)]
            )
        per_year = [self.count(year=y) for y in self.years]
        totals.append([N_("Tổng cộng"), "", *per_year, sum(per_year)])
        return headers, body, totals


def award_statistics(session: Session, year_from: int, year_to: int) -> AwardStatistics:
    """Return award counts by form, year and kind for the years ``year_from``–``year_to``."""
    result = session.execute(
        select(
            AwardRecord.title_code,
            AwardRecord.year,
            AwardRecord.nominee_kind,
            func.count(AwardRecord.id),
        )
        .where(AwardRecord.year >= year_from, AwardRecord.year <= year_to)
        .group_by(AwardRecord.title_code, AwardRecord.year, AwardRecord.nominee_kind)
    ).all()
    return AwardStatistics(year_from, year_to, {(t, y, k): n for t, y, k, n in result})


def format_number(n: int) -> str:
    """Return ``n`` with Vietnamese thousands separators (1.234)."""
    return f"{n:,}".replace(",", ".")


def award_summary(stats: AwardStatistics, today: date | None = None) -> str:
    """Return the one-paragraph summary agencies put in their reports.

    "Từ năm 2014 đến nay, 1.234 lượt tập thể, cá nhân được khen thưởng, cụ thể: …".
    """
    today = today or date.today()
    if stats.year_to >= today.year:
        period = N_("Từ năm %(year_from)s đến nay", year_from=stats.year_from)
    elif stats.year_from == stats.year_to:
        period = N_("Năm %(year_from)s", year_from=stats.year_from)
    else:
        period = N_(
            "Từ năm %(year_from)s đến năm %(year_to)s",
            year_from=stats.year_from,
            year_to=stats.year_to,
        )
    total = stats.count()
    if not total:
        return N_("%(period)s, chưa có lượt tập thể, cá nhân nào được khen thưởng.", period=period)
    parts = []
    for code in stats.titles:
        kinds = [
            N_("%(count)s %(kind)s", count=format_number(n), kind=KIND_NAMES[kind])
            for kind in ("collective", "individual")
            if (n := stats.count(code, kind=kind))
        ]
        name = (
            N_("danh hiệu “%(name)s”", name=title_name(code))
            if is_emulation_title(code)
            else title_name(code)
        )
        parts.append(N_("%(name)s: %(counts)s", name=name, counts=joined(", ", kinds)))
    return N_(
        "%(period)s, có %(total)s lượt tập thể, cá nhân được khen thưởng (%(collective)s "
        "lượt tập thể, %(individual)s lượt cá nhân), cụ thể: %(details)s.",
        period=period,
        total=format_number(total),
        collective=format_number(stats.count(kind="collective")),
        individual=format_number(stats.count(kind="individual")),
        details=joined("; ", parts),
    )
