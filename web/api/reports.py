"""Managers' figures: the dashboard's statistics, the award history (search, statistics,
import) and documents (generate, status, download). Directors, the secretariat and admins."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Literal

from flask import Response, request, url_for
from pydantic import AwareDatetime, Field
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from engine import permissions
from engine.documents.context import DocumentInputError, document_number, dossier_ids_for
from engine.documents.jobs import document_file, request_document
from engine.documents.render import KINDS, agency_info
from engine.domain.awards import AwardQuery, search_awards
from engine.errors import Forbidden, NotFound, ValidationFailed
from engine.models import GeneratedDocument
from engine.read import queries, stats
from engine.text import N_
from web.api import schemas
from web.api.base import (
    InvalidParameters,
    Param,
    api_user,
    body,
    dump,
    operation,
    page_and_size,
    paged,
    parsed,
)
from web.api.imports import FORM, ImportJobInfo, partial_field, request_job
from web.api.params import ID
from web.common import file_response
from web.context import db, runtime
from web.reporting import calendar, day_bounds

TAG_STATS, TAG_AWARDS, TAG_DOCS = "statistics", "awards", "documents"
YEAR: dict[str, Any] = {"type": "integer", "minimum": queries.MIN_YEAR, "maximum": queries.MAX_YEAR}
DATE: dict[str, Any] = {"type": "string", "format": "date"}


def _manager() -> None:
    if not permissions.may_see_reports(api_user()):
        raise Forbidden("Chỉ lãnh đạo, Thường trực Hội đồng và quản trị xem được số liệu này.")


def _date_arg(name: str, default: date) -> date:
    value = request.args.get(name, "").strip()
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        message = f"Ngày ({name}) phải theo dạng YYYY-MM-DD."
        raise ValidationFailed(message, {name: message}) from None


class StageCount(schemas.Model):
    stage: str
    label: str
    unit_id: str
    unit_name: str
    count: int


class Statistics(schemas.Model):
    """The dashboard's figures for a campaign (or all) and a period."""

    period_from: date
    period_to: date
    by_stage_unit: list[StageCount]
    by_title: dict[str, int]
    campaigns: list[stats.CampaignProgress]
    overdue: list[stats.OverdueTask]
    overdue_by_stage: list[stats.OverdueGroup]
    time_per_step: list[stats.StepTime]


@operation(
    "GET",
    "/statistics",
    "get_statistics",
    TAG_STATS,
    "Dashboard figures: dossiers by stage and unit, by title, campaign progress, overdue "
    "tasks, time per step",
    response=Statistics,
    errors=(400, 403),
    query=(
        Param("campaign", ID, "Campaign id"),
        Param("from", DATE, "Period start (default 90 days ago)"),
        Param("to", DATE, "Period end (default today)"),
    ),
)
def statistics() -> dict[str, Any]:
    _manager()
    session = db()
    campaign_id = parsed(lambda: queries.row_id_arg(request.args, "campaign", "Đợt thi đua"))
    today = date.today()
    start = parsed(lambda: _date_arg("from", date.fromordinal(today.toordinal() - 90)))
    end = parsed(lambda: _date_arg("to", today))
    start, end = min(start, end), max(start, end)
    since, until = day_bounds(start, end)
    cal = calendar()
    overdue = stats.overdue_tasks(session, datetime.now(UTC), cal)
    grid = stats.dossiers_by_stage_unit(session, campaign_id)
    units = dict(grid.columns)
    return dump(
        Statistics(
            period_from=start,
            period_to=end,
            by_stage_unit=[
                StageCount(
                    stage=code,
                    label=label,
                    unit_id=u,
                    unit_name=units[u],
                    count=grid.count(code, u),
                )
                for code, label in grid.rows
                for u in units
                if grid.count(code, u)
            ],
            by_title=dict(stats.dossiers_by_title(session, campaign_id)),
            campaigns=stats.campaign_progress(session, campaign_id),
            overdue=overdue,
            overdue_by_stage=stats.group_overdue(overdue, "stage"),
            time_per_step=stats.time_per_step(session, since, until, cal),
        )
    )


class Award(schemas.Model):
    id: int
    nominee_name: str
    nominee_kind: str
    unit_name: str | None
    title_code: str
    year: int
    decision_no: str | None
    decision_date: date | None
    issued_by: str | None


@operation(
    "GET",
    "/awards",
    "search_awards",
    TAG_AWARDS,
    "Search the award history (diacritics and case ignored), newest year first",
    response=schemas.page_of(Award),
    errors=(400, 403),
    query=(
        Param("q", {"type": "string", "maxLength": queries.MAX_QUERY}, "Nominee name"),
        Param("kind", {"type": "string", "enum": ["individual", "collective"]}, "Nominee kind"),
        Param("unit", {"type": "string", "maxLength": queries.MAX_QUERY}, "Unit name"),
        Param("year", YEAR, "Year of the award"),
        Param("title", {"type": "string", "maxLength": 20}, "Title code"),
    ),
    paged=True,
)
def awards() -> Response:
    _manager()
    args = request.args
    errors = {}
    for name in ("q", "unit"):
        if len(args.get(name, "")) > queries.MAX_QUERY:
            errors[name] = f"{name} dài quá {queries.MAX_QUERY} ký tự."
    if args.get("kind", "") not in ("", "individual", "collective"):
        errors["kind"] = "kind phải là individual hoặc collective."
    if len(args.get("title", "")) > 20:
        errors["title"] = "title dài quá 20 ký tự."
    if errors:
        raise InvalidParameters(" ".join(errors.values()), errors)
    query = AwardQuery(
        name=args.get("q", ""),
        kind=args.get("kind", ""),
        unit=args.get("unit", ""),
        year=parsed(lambda: queries.year_arg(args, "year")),
        title_code=args.get("title", ""),
    )
    number, per_page = page_and_size()
    rows, total = search_awards(db(), query, per_page, (number - 1) * per_page)
    items = [
        dump(
            Award(
                id=r.id,
                nominee_name=r.nominee_name,
                nominee_kind=r.nominee_kind,
                unit_name=r.unit_name,
                title_code=r.title_code,
                year=r.year,
                decision_no=r.decision_no,
                decision_date=r.decision_date,
                issued_by=r.issued_by,
            )
        )
        for r in rows
    ]
    return paged(items, total, number, per_page)


class AwardCount(schemas.Model):
    title_code: str
    year: int
    nominee_kind: str
    count: int


class AwardStatistics(schemas.Model):
    year_from: int
    year_to: int
    total: int
    counts: list[AwardCount]


@operation(
    "GET",
    "/awards/statistics",
    "get_award_statistics",
    TAG_AWARDS,
    "Award counts by title, year and nominee kind (default: the last ten years)",
    response=AwardStatistics,
    errors=(400, 403),
    query=(Param("from", YEAR, "First year"), Param("to", YEAR, "Last year")),
)
def award_statistics() -> dict[str, Any]:
    _manager()
    this_year = date.today().year
    year_from = parsed(lambda: queries.year_arg(request.args, "from")) or this_year - 9
    year_to = parsed(lambda: queries.year_arg(request.args, "to")) or this_year
    year_from, year_to = min(year_from, year_to), max(year_from, year_to)
    data = stats.award_statistics(db(), year_from, year_to)
    counts = [
        AwardCount(title_code=t, year=y, nominee_kind=k, count=n)
        for (t, y, k), n in sorted(data.counts.items())
    ]
    return dump(
        AwardStatistics(year_from=year_from, year_to=year_to, total=data.count(), counts=counts)
    )


@operation(
    "POST",
    "/awards/import",
    "import_awards",
    TAG_AWARDS,
    "Import an award list (.xlsx or .csv) as a background job (kind awards): follow get_import "
    "for the row-by-row report, then apply_import; nothing is written when a row is invalid "
    "unless partial=true",
    response=ImportJobInfo,
    status=202,
    errors=(400, 403, 413, 422),
    form=FORM,
)
def award_import() -> tuple[dict[str, Any], int, dict[str, str]]:
    return request_job("awards", partial_field())


class DocumentRequest(schemas.Model):
    kind: str = Field(description="One of: " + ", ".join(KINDS))
    campaign_id: int | None = Field(default=None, ge=1, le=ID["maximum"])
    title: str | None = Field(default=None, max_length=20, description="Only this title code")
    scope: Literal["director", "province", "session"] | None = Field(
        default=None,
        description=(
            "Which dossiers: decided by the director, for the province (both: passed the "
            "council), or of one council session; the document's default when absent"
        ),
    )
    session_id: int | None = Field(
        default=None,
        ge=1,
        le=ID["maximum"],
        description="The council session (the minutes, or scope=session)",
    )
    number: str = Field(default="", max_length=80, description="The document's number")
    on: date | None = Field(default=None, description="The document's date")


class Document(schemas.Model):
    id: int
    kind: str
    status: Literal["queued", "running", "done", "failed"] | str
    total_items: int
    done_items: int
    filename: str | None
    error: str | None
    created_at: AwareDatetime
    finished_at: AwareDatetime | None
    download_url: str | None


def _document(d: GeneratedDocument) -> dict[str, Any]:
    url = url_for("api.download_document", document_id=d.id) if d.status == "done" else None
    return dump(
        Document(
            id=d.id,
            kind=d.kind,
            status=d.status,
            total_items=d.total_items,
            done_items=d.done_items,
            filename=d.filename,
            error=d.error,
            created_at=d.created_at,
            finished_at=d.finished_at,
            download_url=url,
        )
    )


def _enqueue_after_commit(session: Session, document_id: int) -> None:
    """Queue the render once the request's commit made the row visible to a worker."""
    from tasks.documents import render

    def send(_session: Session) -> None:
        render.delay(document_id)

    event.listen(session, "after_commit", send, once=True)


@operation(
    "POST",
    "/documents",
    "generate_document",
    TAG_DOCS,
    "Ask for a document (tờ trình, danh sách, quyết định, biên bản); a worker renders it — "
    "follow get_document until status is done",
    response=Document,
    status=202,
    errors=(400, 403, 422),
    body=DocumentRequest,
)
def generate_document() -> tuple[dict[str, Any], int, dict[str, str]]:
    _manager()
    data = body(DocumentRequest)
    session = db()
    if data.kind not in KINDS:
        raise ValidationFailed("Không có loại văn bản này.", {"kind": "Chọn: " + ", ".join(KINDS)})
    params: dict[str, Any] = {
        "number": data.number.strip(),
        "on": data.on.isoformat() if data.on else None,
    }
    if data.kind == "minutes":
        if data.session_id is None:
            raise ValidationFailed("Chọn phiên họp.", {"session_id": "Chọn phiên họp."})
        params["session_id"] = data.session_id
        count = 1
    else:
        # The document's own dossiers only (as the documents page: web/documents.py).
        try:
            params["dossier_ids"] = dossier_ids_for(
                session,
                data.kind,
                data.scope,
                campaign_id=data.campaign_id,
                session_id=data.session_id,
                title_code=data.title or None,
            )
        except DocumentInputError as exc:
            raise ValidationFailed(str(exc), {"scope": str(exc)}) from None
        count = len(params["dossier_ids"])
        if not count:
            message = N_("Chưa có hồ sơ nào thuộc văn bản này.")
            raise ValidationFailed(message, {"scope": message})
    try:
        params["number"] = document_number(
            params["number"], KINDS[data.kind].number_code, str(agency_info().get("symbol", ""))
        )
    except DocumentInputError as exc:
        raise ValidationFailed(str(exc), {"number": str(exc)}) from None
    try:
        document = request_document(session, data.kind, params, api_user().id, count)
    except DocumentInputError as exc:
        raise ValidationFailed(str(exc), {"kind": str(exc)}) from None
    _enqueue_after_commit(session, document.id)
    location = url_for("api.get_document", document_id=document.id)
    return _document(document), 202, {"Location": location}


def _own(document_id: int) -> GeneratedDocument:
    document = db().get(GeneratedDocument, document_id)
    if document is None or not permissions.may_download(api_user(), document):
        raise NotFound("Không tìm thấy văn bản.")
    return document


@operation(
    "GET",
    "/documents",
    "list_documents",
    TAG_DOCS,
    "The documents I asked for, newest first",
    response=schemas.page_of(Document),
    errors=(400,),
    paged=True,
)
def list_documents() -> Response:
    number, per_page = page_and_size()
    mine = GeneratedDocument.requested_by == api_user().id
    total = db().scalar(select(func.count(GeneratedDocument.id)).where(mine)) or 0
    rows = db().scalars(
        select(GeneratedDocument)
        .where(mine)
        .order_by(GeneratedDocument.id.desc())
        .limit(per_page)
        .offset((number - 1) * per_page)
    )
    return paged([_document(d) for d in rows], total, number, per_page)


@operation(
    "GET",
    "/documents/<int:document_id>",
    "get_document",
    TAG_DOCS,
    "A document's status and progress",
    response=Document,
    errors=(404,),
)
def get_document(document_id: int) -> dict[str, Any]:
    return _document(_own(document_id))


@operation(
    "GET",
    "/documents/<int:document_id>/download",
    "download_document",
    TAG_DOCS,
    "Download a finished document (DOCX or XLSX)",
    response=None,
    errors=(404,),
    media="application/octet-stream",
)
def download_document(document_id: int) -> Response:
    document = _own(document_id)
    files = runtime().files
    stream = document_file(document, files)
    if stream is None or document.filename is None:
        raise NotFound(N_("Văn bản chưa sẵn sàng."))
    mimetype = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if KINDS[document.kind].template is None
        else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    return file_response(stream, document.filename, mimetype, files.size(document.file_path or ""))
