"""The dashboard ("Tổng hợp"): where dossiers are, what is late, how long each step takes.

The managers see every unit; a unit's clerk or head sees the same page for their units only
(engine.permissions.dashboard_unit_ids). The figures are SQL aggregates (engine.read.stats),
kept for a minute per scope, campaign and period (a stats.FigureCache per app); the overdue
list is paged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from engine import permissions
from engine.domain.rules.titles import title_name
from engine.models import Campaign, OrgUnit, WorkflowSpec
from engine.read import queries, stats
from web.charts import Bar, bar_chart
from web.common import PageLinks
from web.context import db
from web.reporting import calendar, day_bounds, period, xlsx_response

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
#: Overdue tasks per page of the dashboard's list (the export has them all).
OVERDUE_PER_PAGE = 25


@bp.before_request
def _require_dashboard() -> Response | None:
    """Managers and the units' clerks and heads (each sees their scope); others get 403."""
    if not current_user.is_authenticated:
        unauthorized: Response = current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
        return unauthorized
    if not permissions.may_see_dashboard(current_user.user):
        abort(403)
    return None


def _units() -> frozenset[int] | None:
    return permissions.dashboard_unit_ids(current_user.user)


NOMINATION_PROCESS = "tdkt_nomination"


@dataclass(frozen=True)
class Table:
    """A list the page shows and exports: title, headers, rows, optional totals row."""

    title: str
    headers: list[str]
    rows: list[list[Any]]
    footer: list[Any] | None = None


def _campaign_id() -> int | None:
    return queries.row_id_arg(request.args, "campaign", "Đợt thi đua")


def _figures(
    units: frozenset[int] | None, campaign_id: int | None, since: datetime, until: datetime
) -> dict[str, Any]:
    """The heavy figures: every one an aggregate in SQL, none one row per task."""
    session = db()
    cal = calendar()
    now = datetime.now(UTC)
    return {
        "grid": stats.dossiers_by_stage_unit(session, campaign_id, units),
        "titles": stats.dossiers_by_title(session, campaign_id, units),
        "progress": stats.campaign_progress(session, campaign_id, units),
        "overdue_total": stats.overdue_count(session, now, units),
        "overdue_stage": stats.overdue_groups(session, now, cal, "stage", units),
        "overdue_person": stats.overdue_groups(session, now, cal, "who", units),
        "steps": stats.time_per_step(session, since, until, cal, units),
        "heat": stats.waiting_heat(session, since, until, now, cal, units),
    }


def _collect(overdue: str = "page") -> dict[str, Any]:
    """Read what the dashboard shows for the request's scope, campaign and period; the overdue
    list is one page (``overdue="page"``) or every task (``"all"``, for the export)."""
    units = _units()
    campaign_id = _campaign_id()
    start, end = period(request.args)
    since, until = day_bounds(start, end)
    figures: stats.FigureCache = current_app.extensions.setdefault(
        "tdkt.dashboard_figures", stats.FigureCache()
    )
    data = figures.get(
        ("dashboard", units, campaign_id, since, until),
        lambda: _figures(units, campaign_id, since, until),
    )
    page = queries.page_arg(request.args)
    limit = None if overdue == "all" else OVERDUE_PER_PAGE
    rows = stats.overdue_tasks(
        db(),
        datetime.now(UTC),
        calendar(),
        units,
        limit=limit,
        offset=0 if limit is None else (page - 1) * OVERDUE_PER_PAGE,
    )
    return {
        **data,
        "campaign_id": campaign_id,
        "start": start,
        "end": end,
        "units": units,
        "overdue": rows,
        "overdue_page": queries.Page(rows, data["overdue_total"], page, OVERDUE_PER_PAGE),
    }


def _tables(data: dict[str, Any]) -> dict[str, Table]:
    grid: stats.CrossTab = data["grid"]
    return {
        "stage_unit": Table(
            "Hồ sơ theo bước và đơn vị",
            ["Bước", *[name for _k, name in grid.columns], "Cộng"],
            [
                [label, *[grid.count(code, k) for k, _n in grid.columns], grid.row_total(code)]
                for code, label in grid.rows
            ],
            ["Cộng", *[grid.column_total(k) for k, _n in grid.columns], grid.total],
        ),
        "titles": Table(
            "Hồ sơ theo danh hiệu, hình thức",
            ["Danh hiệu / hình thức", "Số hồ sơ"],
            [[title_name(code), n] for code, n in data["titles"]],
            ["Cộng", sum(n for _c, n in data["titles"])],
        ),
        "campaigns": Table(
            "Tiến độ theo đợt thi đua",
            ["Đợt thi đua", "Năm", "Đăng ký", "Đã đề nghị", "Đã có kết quả", "Được khen thưởng"],
            [
                [p.name, p.year, p.registered, p.nominated, p.decided, p.awarded]
                for p in data["progress"]
            ],
        ),
        "overdue": Table(
            "Việc quá hạn",
            ["Hồ sơ", "Việc", "Bước", "Người / nhóm xử lý", "Hạn", "Trễ (ngày làm việc)"],
            [
                [
                    t.nominee_name,
                    t.task_name,
                    stats.stage_label(t.stage),
                    t.who,
                    calendar().local_date(t.due_at),
                    t.days_late,
                ]
                for t in data["overdue"]
            ],
        ),
        "overdue_stage": _overdue_table("Quá hạn theo bước", "Bước", data["overdue_stage"]),
        "overdue_person": _overdue_table(
            "Quá hạn theo người xử lý", "Người / nhóm", data["overdue_person"]
        ),
        "heat": Table(
            "Thời gian chờ trung vị theo phần tử sơ đồ (ngày làm việc)",
            ["Phần tử (BPMN)", "Trung vị"],
            [[element, days] for element, days in sorted(data["heat"].items())],
        ),
        "steps": Table(
            f"Thời gian xử lý theo bước ({data['start']:%d/%m/%Y}–{data['end']:%d/%m/%Y})",
            ["Bước", "Số việc", "Trung vị", "P90", "Hạn", "Số việc quá hạn"],
            [
                [s.label, s.count, s.median, s.p90, _or_dash(s.limit), s.over_limit]
                for s in data["steps"]
            ],
        ),
    }


def _or_dash(value: int | None) -> int | str:
    return "—" if value is None else value


def _overdue_table(title: str, first: str, groups: list[stats.OverdueGroup]) -> Table:
    return Table(
        title,
        [first, "Số việc", "Trễ trung bình (ngày LV)", "Trễ nhiều nhất (ngày LV)"],
        [[g.label, g.count, g.mean_days_late, g.max_days_late] for g in groups],
        ["Cộng", sum(g.count for g in groups), "", ""],
    )


@bp.get("/")
def index() -> str:
    data = _collect()
    tables = _tables(data)
    spec = _latest_spec_id()
    return render_template(
        "dashboard/index.html",
        data=data,
        tables=tables,
        stage_labels=stats.STAGE_LABELS,
        campaigns=db().scalars(select(Campaign).order_by(Campaign.year.desc())).all(),
        charts={
            "titles": bar_chart(
                [Bar(title_name(c), n) for c, n in data["titles"]], "Hồ sơ theo danh hiệu"
            ),
            "overdue_stage": bar_chart(
                [Bar(g.label, g.count, state="over") for g in data["overdue_stage"]],
                "Số việc quá hạn theo bước",
            ),
            "steps": bar_chart(
                [Bar(s.label, s.median, s.limit, s.state) for s in data["steps"]],
                "Thời gian xử lý trung vị theo bước, vạch đỏ là hạn",
                "ngày làm việc",
            ),
        },
        diagram_url=url_for("dashboard.diagram") if spec else None,
        export_args={k: v for k, v in request.args.items() if k in ("campaign", "from", "to")},
        overdue_links=_overdue_links(data["overdue_page"]),
        scope_units=_scope_names(data["units"]),
        managers=data["units"] is None,
    )


@bp.get("/export/<name>.xlsx")
def export(name: str) -> Response:
    table = _tables(_collect("all" if name == "overdue" else "page")).get(name)
    if table is None:
        abort(404)
    return xlsx_response(f"{name}.xlsx", table.headers, table.rows, table.title, table.footer)


def _overdue_links(page: queries.Page[Any]) -> PageLinks:
    args: dict[str, Any] = {
        k: v for k, v in request.args.items() if k in ("campaign", "from", "to")
    }
    return PageLinks(
        page.number,
        page.pages,
        page.total,
        lambda n: url_for("dashboard.index", **args, page=n if n > 1 else None) + "#overdue",
    )


def _scope_names(units: frozenset[int] | None) -> list[str]:
    if units is None:
        return []
    return list(
        db().scalars(select(OrgUnit.name).where(OrgUnit.id.in_(units)).order_by(OrgUnit.name))
    )


def _latest_spec_id() -> int | None:
    return db().scalar(
        select(WorkflowSpec.id)
        .where(WorkflowSpec.process_id == NOMINATION_PROCESS)
        .order_by(WorkflowSpec.version.desc())
        .limit(1)
    )


@bp.get("/diagram.bpmn")
def diagram() -> Response:
    """Serve the deployed nomination diagram the heat map is drawn on."""
    spec_id = _latest_spec_id()
    spec = db().get(WorkflowSpec, spec_id) if spec_id else None
    if spec is None:
        abort(404)
    sources = spec.sources
    name = next(
        (n for n, xml in sources.items() if f'id="{NOMINATION_PROCESS}"' in xml),
        next(iter(sources)),
    )
    return Response(sources[name], mimetype="application/xml")
