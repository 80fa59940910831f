"""Statistics and dashboard queries: read-only, from indexed tables, never a workflow's state.

Durations are counted in working days (ngày làm việc) with :class:`WorkingCalendar`, the way the
procedure's limits are. The 90th percentile is the nearest-rank one (an observed value).
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

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


def _campaign_filter(campaign_id: int | None) -> list[ColumnElement[bool]]:
    return [] if campaign_id is None else [Dossier.campaign_id == campaign_id]


def dossiers_by_stage_unit(session: Session, campaign_id: int | None = None) -> CrossTab:
    """Return dossier counts by stage (rows) × nominating unit (columns)."""
    result = session.execute(
        select(Dossier.stage, Dossier.unit_id, func.count(Dossier.id))
        .where(*_campaign_filter(campaign_id))
        .group_by(Dossier.stage, Dossier.unit_id)
    ).all()
    counts = {(stage, str(unit_id)): n for stage, unit_id, n in result}
    unit_ids = {unit_id for _s, unit_id, _n in result}
    units = session.scalars(select(OrgUnit).where(OrgUnit.id.in_(unit_ids)).order_by(OrgUnit.name))
    present = {stage for stage, _u, _n in result}
    rows = [(code, label) for code, label in STAGES if code in present]
    rows += [(s, s) for s in sorted(present - set(STAGE_LABELS))]
    return CrossTab(rows, [(str(u.id), u.name) for u in units], counts)


def dossiers_by_title(session: Session, campaign_id: int | None = None) -> list[tuple[str, int]]:
    """Return (title code, dossier count), in the titles' order."""
    counts = dict(
        session.execute(
            select(Dossier.title_code, func.count(Dossier.id))
            .where(*_campaign_filter(campaign_id))
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


def campaign_progress(session: Session, campaign_id: int | None = None) -> list[CampaignProgress]:
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


def overdue_tasks(session: Session, now: datetime, calendar: WorkingCalendar) -> list[OverdueTask]:
    """Return every open task past due, the latest first (reads ix_human_task_open_due)."""
    rows = session.execute(
        select(HumanTask, Dossier.nominee_name, User.full_name, OrgUnit.name)
        .outerjoin(Dossier, Dossier.id == HumanTask.dossier_id)
        .outerjoin(User, User.id == HumanTask.assignee_id)
        .outerjoin(OrgUnit, OrgUnit.id == HumanTask.candidate_unit_id)
        .where(HumanTask.completed_at.is_(None), HumanTask.due_at < now)
        .order_by(HumanTask.due_at)
    ).all()
    result = []
    for task, nominee, assignee, unit in rows:
        assert task.due_at is not None  # selected by due_at < now
        if assignee:
            who = assignee
        else:
            who = _ROLE_NAMES.get(task.candidate_role or "", task.candidate_role or "—")
            who = N_("%(role)s – %(unit)s", role=who, unit=unit) if unit else who
        result.append(
            OverdueTask(
                task.id,
                task.dossier_id,
                nominee or "",
                task.name,
                task.stage,
                who,
                task.due_at,
                max(calendar.working_days_between(task.due_at, now), 0),
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


def group_overdue(tasks: Iterable[OverdueTask], by: str) -> list[OverdueGroup]:
    """Group overdue tasks ``by`` "stage" or "who", the most late first."""
    groups: dict[str, list[int]] = defaultdict(list)
    for task in tasks:
        groups[(task.stage or "") if by == "stage" else task.who].append(task.days_late)
    result = [
        OverdueGroup(
            key,
            stage_label(key) if by == "stage" else key,
            len(days),
            round(statistics.fmean(days), 1),
            max(days),
        )
        for key, days in groups.items()
    ]
    return sorted(result, key=lambda g: (-g.max_days_late, -g.count, g.label))


def percentile(values: Sequence[float], p: float) -> float:
    """Return the nearest-rank ``p``-th percentile of ``values`` (non-empty)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


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
    session: Session, start: datetime, end: datetime, calendar: WorkingCalendar
) -> list[StepTime]:
    """Return the median and p90 working days per stage of tasks completed in [start, end).

    A step's limit is the one its tasks were given (due_at − created_at, the most common value)
    or, for tasks without a due date, :data:`STAGE_LIMITS`.
    """
    tasks = session.scalars(
        select(HumanTask).where(
            HumanTask.completed_at.is_not(None),
            HumanTask.completed_at >= start,
            HumanTask.completed_at < end,
            HumanTask.status == "completed",
        )
    )
    spent: dict[str, list[int]] = defaultdict(list)
    given: dict[str, Counter[int]] = defaultdict(Counter)
    for task in tasks:
        stage = task.stage or task.element_id
        assert task.completed_at is not None
        spent[stage].append(calendar.working_days_between(task.created_at, task.completed_at))
        if task.due_at is not None:
            given[stage][calendar.working_days_between(task.created_at, task.due_at)] += 1
    order = {code: i for i, (code, _l) in enumerate(STAGES)}
    result = []
    for stage in sorted(spent, key=lambda s: (order.get(s, len(order)), s)):
        days = spent[stage]
        limit = given[stage].most_common(1)[0][0] if given[stage] else STAGE_LIMITS.get(stage)
        result.append(
            StepTime(
                stage,
                stage_label(stage),
                len(days),
                float(statistics.median(days)),
                float(percentile(days, 90)),
                limit,
                sum(1 for d in days if limit is not None and d > limit),
            )
        )
    return result


def waiting_heat(
    session: Session, start: datetime, end: datetime, now: datetime, calendar: WorkingCalendar
) -> dict[str, float]:
    """Return the median working days a task waited, per BPMN element, for the heat map.

    Counts tasks completed in [start, end) and tasks still open (waiting until ``now``).
    """
    tasks = session.execute(
        select(HumanTask.element_id, HumanTask.created_at, HumanTask.completed_at).where(
            or_(
                and_(
                    HumanTask.completed_at.is_not(None),
                    HumanTask.completed_at >= start,
                    HumanTask.completed_at < end,
                ),
                and_(HumanTask.completed_at.is_(None), HumanTask.status == "ready"),
            )
        )
    ).all()
    waits: dict[str, list[int]] = defaultdict(list)
    for element_id, created_at, completed_at in tasks:
        waits[element_id].append(calendar.working_days_between(created_at, completed_at or now))
    return {element: float(statistics.median(days)) for element, days in waits.items()}


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
