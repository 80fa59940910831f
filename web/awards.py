"""Award history pages: look-up (tra cứu), import from XLSX/CSV, statistics for any period.

An import runs as a background job (engine.admin.imports.request_import, kind ``awards``): the
manager follows its progress and report on /awards/import/<id> and confirms it there.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as WerkzeugResponse

from engine.admin import imports
from engine.domain.awards import AwardQuery, search_awards
from engine.domain.rules.titles import KIND_NAMES, title_codes, title_name
from engine.errors import Conflict, NotFound, ValidationFailed
from engine.read.queries import MAX_QUERY, page_arg, year_arg
from engine.read.stats import AwardStatistics, award_statistics, award_summary
from web.admin import imports as import_views
from web.common import actor
from web.context import db
from web.reporting import require_manager, xlsx_response

bp = Blueprint("awards", __name__, url_prefix="/awards")
bp.before_request(require_manager)

PAGE_SIZE = 50
#: The import kind this page runs (engine.admin.imports): a background job, as on /admin/imports.
KIND = "awards"
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
    """Parse the look-up's filters strictly: an unknown kind or title, or a text longer than
    MAX_QUERY, raises ValidationFailed naming the parameter (never a silently ignored filter)."""
    errors: dict[str, str] = {}
    for name in ("q", "unit"):
        if len(args.get(name, "").strip()) > MAX_QUERY:
            errors[name] = _(
                "Từ khóa tìm kiếm (%(name)s) dài quá %(n)s ký tự.", name=name, n=MAX_QUERY
            )
    kind = args.get("kind", "").strip()
    if kind and kind not in KIND_NAMES:
        errors["kind"] = _("Loại (kind) phải là một trong: %(kinds)s.", kinds=", ".join(KIND_NAMES))
    title = args.get("title", "").strip()
    if title and title not in title_codes():
        errors["title"] = _("Danh hiệu (title) không có trong danh mục.")
    try:
        year = year_arg(args, "year")
    except ValidationFailed as exc:
        errors.update(exc.field_errors)
        year = None
    if errors:
        raise ValidationFailed(" ".join(errors.values()), errors)
    return AwardQuery(
        name=args.get("q", ""), kind=kind, unit=args.get("unit", ""), year=year, title_code=title
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


def _import_page(error: str | None = None, status: int = 200) -> tuple[str, int]:
    return render_template(
        "awards/import.html",
        jobs=imports.recent_jobs(db(), viewer=actor(), kind=KIND),
        error=error,
        max_mb=imports.Limits().max_bytes // (1024 * 1024),
        max_rows=imports.Limits().max_rows,
    ), status


@bp.get("/import")
def upload() -> tuple[str, int]:
    return _import_page()


@bp.post("/import")
def upload_file() -> tuple[str, int] | WerkzeugResponse:
    """Record the file as a background import job (read, checked and diffed by a worker, within
    the limits of engine.admin.imports.Limits) and follow it on its page."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _import_page(_("Chọn tệp .xlsx hoặc .csv."), 400)
    try:
        job = imports.request_import(
            db(),
            actor(),
            KIND,
            upload.filename,
            upload.read(),
            partial=bool(request.form.get("partial")),
        )
    except ValidationFailed as exc:
        return _import_page(exc.message, 422)
    import_views._enqueue(job.id)
    flash(_("Đã nhận tệp; hệ thống đang đọc và kiểm tra, trang này cập nhật tiến độ."), "info")
    return redirect(url_for("awards.import_job", job_id=job.id))


@bp.get("/import/<int:job_id>")
def import_job(job_id: int) -> str:
    """An award import's progress, row-by-row report and confirm button: the manager who
    uploaded it (and administrators) only; anyone else gets 404."""
    job = imports.visible_job(db(), actor(), job_id)
    if job.kind != KIND:
        raise NotFound(_("Không tìm thấy lần nhập #%(job_id)s.", job_id=job_id))
    return render_template(
        "awards/import_job.html",
        **import_views.job_context(job),
        job_url=url_for("awards.import_job", job_id=job.id),
        apply_url=url_for("awards.import_apply", job_id=job.id),
        after_apply=(url_for("awards.search"), _("Tra cứu khen thưởng")),
    )


@bp.post("/import/<int:job_id>/apply")
def import_apply(job_id: int) -> WerkzeugResponse:
    if imports.visible_job(db(), actor(), job_id).kind != KIND:
        raise NotFound(_("Không tìm thấy lần nhập #%(job_id)s.", job_id=job_id))
    try:
        imports.confirm_import(db(), actor(), job_id)
    except Conflict as exc:
        flash(exc.message, "warning")
        return redirect(url_for("awards.import_job", job_id=job_id))
    import_views._enqueue(job_id)
    flash(_("Đang nhập các dòng hợp lệ."), "info")
    return redirect(url_for("awards.import_job", job_id=job_id))


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
