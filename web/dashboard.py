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

from flask import Blueprint, Response, abort, current_app, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from engine import permissions
from engine.models import Campaign, OrgUnit, WorkflowSpec
from engine.read import queries, stats
from web.charts import Bar, bar_chart
from web.common import PageLinks
from web.context import db
from web.i18n import localize_diagram, title_name, translate
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
    return queries.row_id_arg(request.args, "campaign", _("Đợt thi đua"))


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
            _("Hồ sơ theo bước và đơn vị"),
            [_("Bước"), *[name for _k, name in grid.columns], _("Cộng")],
            [
                [
                    translate(label),
                    *[grid.count(code, k) for k, _n in grid.columns],
                    grid.row_total(code),
                ]
                for code, label in grid.rows
            ],
            [_("Cộng"), *[grid.column_total(k) for k, _n in grid.columns], grid.total],
        ),
        "titles": Table(
            _("Hồ sơ theo danh hiệu, hình thức"),
            [_("Danh hiệu / hình thức"), _("Số hồ sơ")],
            [[title_name(code), n] for code, n in data["titles"]],
            [_("Cộng"), sum(n for _c, n in data["titles"])],
        ),
        "campaigns": Table(
            _("Tiến độ theo đợt thi đua"),
            [
                _("Đợt thi đua"),
                _("Năm"),
                _("Đăng ký"),
                _("Đã đề nghị"),
                _("Đã có kết quả"),
                _("Được khen thưởng"),
            ],
            [
                [p.name, p.year, p.registered, p.nominated, p.decided, p.awarded]
                for p in data["progress"]
            ],
        ),
        "overdue": Table(
            _("Việc quá hạn"),
            [
                _("Hồ sơ"),
                _("Việc"),
                _("Bước"),
                _("Người / nhóm xử lý"),
                _("Hạn"),
                _("Trễ (ngày làm việc)"),
            ],
            [
                [
                    t.nominee_name,
                    translate(t.task_name),
                    translate(stats.stage_label(t.stage)),
                    translate(t.who),
                    calendar().local_date(t.due_at),
                    t.days_late,
                ]
                for t in data["overdue"]
            ],
        ),
        "overdue_stage": _overdue_table(_("Quá hạn theo bước"), _("Bước"), data["overdue_stage"]),
        "overdue_person": _overdue_table(
            _("Quá hạn theo người xử lý"), _("Người / nhóm"), data["overdue_person"]
        ),
        "heat": Table(
            _("Thời gian chờ trung vị theo phần tử sơ đồ (ngày làm việc)"),
            [_("Phần tử (BPMN)"), _("Trung vị")],
            [[_step_name(element), days] for element, days in sorted(data["heat"].items())],
        ),
        "steps": Table(
            _(
                "Thời gian xử lý theo bước (%(start)s–%(end)s)",
                start=format(data["start"], "%d/%m/%Y"),
                end=format(data["end"], "%d/%m/%Y"),
            ),
            [_("Bước"), _("Số việc"), _("Trung vị"), "P90", _("Hạn"), _("Số việc quá hạn")],
            [
                [_step_label(s), s.count, s.median, s.p90, _or_dash(s.limit), s.over_limit]
                for s in data["steps"]
            ],
        ),
    }


def _element_names() -> dict[str, str]:
    """Return the name of every flow element of the deployed workflows, by element id."""
    from xml.etree import ElementTree

    names: dict[str, str] = {}
    for sources in db().scalars(select(WorkflowSpec.sources).order_by(WorkflowSpec.id)):
        for file_name, xml in sources.items():
            if not file_name.endswith(".bpmn"):
                continue
            root = ElementTree.fromstring(xml)  # noqa: S314 - deployed, trusted
            names.update(
                {e.get("id") or "": e.get("name") or "" for e in root.iter() if e.get("name")}
            )
    return names


def _step_name(element_id: str) -> str:
    """Return a BPMN element's name in the reader's language (its id only if it has none)."""
    names = getattr(g, "tdkt_element_names", None)
    if names is None:
        names = g.tdkt_element_names = _element_names()
    return translate(names.get(element_id) or element_id)


def _step_label(step: stats.StepTime) -> str:
    """Return a step's label: its stage, or the task's own name for a task without one."""
    if step.stage in stats.STAGE_LABELS:
        return translate(step.label)
    return _step_name(step.stage)


def _or_dash(value: int | None) -> int | str:
    return "—" if value is None else value


def _overdue_table(title: str, first: str, groups: list[stats.OverdueGroup]) -> Table:
    return Table(
        title,
        [first, _("Số việc"), _("Trễ trung bình (ngày LV)"), _("Trễ nhiều nhất (ngày LV)")],
        [[translate(g.label), g.count, g.mean_days_late, g.max_days_late] for g in groups],
        [_("Cộng"), sum(g.count for g in groups), "", ""],
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
                [Bar(title_name(c), n) for c, n in data["titles"]], _("Hồ sơ theo danh hiệu")
            ),
            "overdue_stage": bar_chart(
                [Bar(translate(g.label), g.count, state="over") for g in data["overdue_stage"]],
                _("Số việc quá hạn theo bước"),
            ),
            "steps": bar_chart(
                [Bar(_step_label(s), s.median, s.limit, s.state) for s in data["steps"]],
                _("Thời gian xử lý trung vị theo bước, vạch đỏ là hạn"),
                _("ngày làm việc"),
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
    return Response(localize_diagram(sources[name]), mimetype="application/xml")
