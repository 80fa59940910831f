"""Award history pages: look-up (tra cứu), import from XLSX/CSV, statistics for any period."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from engine.domain.awards import (
    AwardQuery,
    ImportFileError,
    ImportReport,
    import_awards,
    search_awards,
)
from engine.domain.rules.titles import KIND_NAMES, title_codes, title_name
from engine.read.queries import page_arg, year_arg
from engine.read.stats import AwardStatistics, award_statistics, award_summary
from web.context import db
from web.reporting import require_manager, xlsx_response

bp = Blueprint("awards", __name__, url_prefix="/awards")
bp.before_request(require_manager)

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000
LOOKUP_HEADERS = [
    _l("Họ tên / Tên tập thể"),
    _l("Loại"),
    _l("Đơn vị"),
    _l("Danh hiệu / hình thức"),
    _l("Năm"),
    _l("Số quyết định"),
    _l("Ngày quyết định"),
    _l("Cơ quan ban hành"),
]


def _query(args: MultiDict[str, str]) -> AwardQuery:
    return AwardQuery(
        name=args.get("q", ""),
        kind=args.get("kind", ""),
        unit=args.get("unit", ""),
        year=year_arg(args, "year"),
        title_code=args.get("title", ""),
    )


@bp.get("/")
def search() -> str:
    query = _query(request.args)
    page = page_arg(request.args)
    rows, total = search_awards(db(), query, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k != "page"}

    def href(n: int) -> str:
        return url_for("awards.search", **{**args, "page": n})

    return render_template(
        "awards/search.html",
        query=query,
        rows=rows,
        total=total,
        page={"number": page, "pages": -(-total // PAGE_SIZE), "total": total, "href": href},
        titles=[(c, title_name(c)) for c in title_codes()],
        kinds=KIND_NAMES,
        title_name=title_name,
        args=args,
    )


@bp.get("/export.xlsx")
def export() -> Response:
    rows, _total = search_awards(db(), _query(request.args), EXPORT_LIMIT)
    return xlsx_response(
        "khen-thuong.xlsx",
        LOOKUP_HEADERS,
        [
            [
                r.nominee_name,
                KIND_NAMES.get(r.nominee_kind, r.nominee_kind),
                r.unit_name or "",
                title_name(r.title_code),
                r.year,
                r.decision_no or "",
                r.decision_date,
                r.issued_by or "",
            ]
            for r in rows
        ],
        _("Tra cứu khen thưởng"),
    )


@bp.route("/import", methods=["GET", "POST"])
def upload() -> tuple[str, int] | str:
    report: ImportReport | None = None
    error = None
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            error = _("Chọn tệp .xlsx hoặc .csv.")
        else:
            try:
                report = import_awards(
                    db(),
                    upload.read(),
                    upload.filename,
                    partial=bool(request.form.get("partial")),
                )
            except ImportFileError as exc:
                error = str(exc)
        if error:
            return render_template("awards/import.html", report=None, error=error), 400
    return render_template("awards/import.html", report=report, error=error)


def _years() -> tuple[int, int]:
    this_year = date.today().year
    year_from = year_arg(request.args, "from") or this_year - 9
    year_to = year_arg(request.args, "to") or this_year
    return (min(year_from, year_to), max(year_from, year_to))


@bp.get("/statistics")
def statistics() -> str:
    year_from, year_to = _years()
    data: AwardStatistics = award_statistics(db(), year_from, year_to)
    headers, body, totals = data.table()
    return render_template(
        "awards/statistics.html",
        year_from=year_from,
        year_to=year_to,
        headers=headers,
        body=body,
        totals=totals,
        summary=award_summary(data),
    )


@bp.get("/statistics.xlsx")
def statistics_export() -> Response:
    year_from, year_to = _years()
    data = award_statistics(db(), year_from, year_to)
    headers, body, totals = data.table()
    return xlsx_response(
        f"thong-ke-khen-thuong-{year_from}-{year_to}.xlsx",
        headers,
        [*body, *totals[:-1]],
        _("Thống kê khen thưởng %(year_from)s–%(year_to)s", year_from=year_from, year_to=year_to),
        footer=totals[-1],
    )
