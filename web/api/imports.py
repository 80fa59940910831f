"""Spreadsheet imports as background jobs, as the admin pages run them: upload (a job is queued,
a worker reads the file and computes the diff), follow it (status, progress, the row-by-row
report with each row's changes), then confirm to apply it. Administrators import every kind;
the managers the award history, and follow their own award jobs
(engine.permissions.may_import / may_follow_import)."""

from __future__ import annotations

from typing import Any, Literal

from flask import Response, request, url_for
from flask_babel import gettext as _
from pydantic import AwareDatetime, Field

from engine import permissions
from engine.admin import imports
from engine.errors import Forbidden, ValidationFailed
from engine.models import ImportJob, User
from engine.models.agency import IMPORT_KINDS, IMPORT_STATUSES
from web.api import schemas
from web.api.base import Param, api_user, choice_arg, dump, operation, page_and_size, paged
from web.context import db

TAG = "imports"
ROW_STATUSES = ("new", "changed", "unchanged", "invalid")
#: The most jobs the list reaches back (the admin page shows the latest 20).
MAX_LISTED = 1000


class ImportCounts(schemas.Model):
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    invalid: int = 0


class ImportJobInfo(schemas.Model):
    """An import job: what the worker has done with the file so far."""

    id: int
    kind: Literal["units", "staff", "ratings", "discipline", "initiatives", "awards"] | str
    filename: str
    status: Literal["queued", "running", "previewed", "applied", "failed"] | str = Field(
        description="queued → running → previewed (the diff is ready: confirm to apply) → "
        "queued → running → applied; failed with an error at any point"
    )
    mode: Literal["preview", "apply"] | str
    partial: bool = Field(description="Apply the valid rows even when some are invalid")
    progress_percent: int = Field(ge=0, le=100)
    total_rows: int
    done_rows: int
    counts: ImportCounts | None = Field(description="Rows by diff status, once previewed")
    error: str | None
    requested_by: int | None
    created_at: AwareDatetime
    finished_at: AwareDatetime | None
    rows_url: str = Field(description="The row-by-row report and diff")
    apply_url: str | None = Field(description="POST here to apply, while the job is previewed")


class ImportRowInfo(schemas.Model):
    """One spreadsheet row of the report: its diff status, what changes and why it is refused."""

    row: int = Field(description="The row number in the spreadsheet (the header is row 1)")
    status: Literal["new", "changed", "unchanged", "invalid"] | str
    name: str
    changes: dict[str, list[str]] = Field(description="Field → [before, after], for a changed row")
    reasons: list[str] = Field(description="Why an invalid row is refused")


def _enqueue(job_id: int) -> None:
    """Send the job to a worker (the job's row is committed by request/confirm_import)."""
    from tasks.imports import run

    run.delay(job_id)


def job_info(job: ImportJob) -> dict[str, Any]:
    counts = (job.report or {}).get("counts")
    return dump(
        ImportJobInfo(
            id=job.id,
            kind=job.kind,
            filename=job.filename,
            status=job.status,
            mode=job.mode,
            partial=job.partial,
            progress_percent=job.progress_percent,
            total_rows=job.total_rows,
            done_rows=job.done_rows,
            counts=ImportCounts(**counts) if counts else None,
            error=job.error,
            requested_by=job.requested_by,
            created_at=job.created_at,
            finished_at=job.finished_at,
            rows_url=url_for("api.list_import_rows", job_id=job.id),
            apply_url=url_for("api.apply_import", job_id=job.id)
            if job.status == "previewed"
            else None,
        )
    )


def _accepted(job: ImportJob) -> tuple[dict[str, Any], int, dict[str, str]]:
    return job_info(job), 202, {"Location": url_for("api.get_import", job_id=job.id)}


def _may_import_some(user: User) -> None:
    if not any(permissions.may_import(user, k) for k in IMPORT_KINDS):
        raise Forbidden(_("Bạn không có quyền nhập dữ liệu."))


def request_job(kind: str, partial: bool) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Queue the uploaded file as an import job of ``kind`` (POST /imports, /awards/import)."""
    user = api_user()
    if not permissions.may_import(user, kind) and kind in IMPORT_KINDS:
        raise Forbidden(_("Bạn không có quyền nhập loại dữ liệu này."))
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        message = _("Chọn tệp .xlsx hoặc .csv.")
        raise ValidationFailed(message, {"file": message})
    job = imports.request_import(db(), user, kind, upload.filename, upload.read(), partial=partial)
    _enqueue(job.id)
    return _accepted(job)


def partial_field() -> bool:
    value = request.form.get("partial", "false").strip().lower()
    if value not in ("", "0", "1", "true", "false", "on", "off"):
        message = _("partial phải là true hoặc false.")
        raise ValidationFailed(message, {"partial": message})
    return value in ("1", "true", "on")


FORM = {
    "file": {"type": "string", "format": "binary"},
    "partial": {"type": "boolean", "default": False},
}


@operation(
    "POST",
    "/imports",
    "request_import",
    TAG,
    "Upload a spreadsheet (.xlsx or .csv) to import: a job is queued and a worker computes the "
    "diff; follow get_import, then apply_import",
    response=ImportJobInfo,
    status=202,
    errors=(400, 403, 413, 422),
    form={"kind": {"type": "string", "enum": list(IMPORT_KINDS)}, **FORM},
)
def request_import() -> tuple[dict[str, Any], int, dict[str, str]]:
    kind = request.form.get("kind", "").strip()
    if kind not in IMPORT_KINDS:
        message = _("Chọn loại dữ liệu: %(kinds)s.", kinds=", ".join(IMPORT_KINDS))
        raise ValidationFailed(message, {"kind": message})
    return request_job(kind, partial_field())


@operation(
    "GET",
    "/imports",
    "list_imports",
    TAG,
    "Import jobs I may follow, newest first (administrators: all; managers: their own award "
    "imports)",
    response=schemas.page_of(ImportJobInfo),
    errors=(400, 403),
    query=(
        Param("kind", {"type": "string", "enum": list(IMPORT_KINDS)}, "Kind of data"),
        Param("status", {"type": "string", "enum": list(IMPORT_STATUSES)}, "Job status"),
    ),
    paged=True,
)
def list_imports() -> Response:
    user = api_user()
    _may_import_some(user)
    kind = choice_arg("kind", IMPORT_KINDS)
    status = choice_arg("status", IMPORT_STATUSES)
    number, per_page = page_and_size()
    jobs = imports.recent_jobs(db(), MAX_LISTED, viewer=user, kind=kind)
    if status is not None:
        jobs = [j for j in jobs if j.status == status]
    start = (number - 1) * per_page
    return paged([job_info(j) for j in jobs[start : start + per_page]], len(jobs), number, per_page)


@operation(
    "GET",
    "/imports/<int:job_id>",
    "get_import",
    TAG,
    "An import job: status, progress and counts",
    response=ImportJobInfo,
    errors=(404,),
)
def get_import(job_id: int) -> dict[str, Any]:
    return job_info(imports.visible_job(db(), api_user(), job_id))


@operation(
    "GET",
    "/imports/<int:job_id>/rows",
    "list_import_rows",
    TAG,
    "The job's row-by-row report and diff, in spreadsheet order (empty until previewed)",
    response=schemas.page_of(ImportRowInfo),
    errors=(400, 404),
    query=(Param("status", {"type": "string", "enum": list(ROW_STATUSES)}, "Diff status"),),
    paged=True,
)
def list_import_rows(job_id: int) -> Response:
    status = choice_arg("status", ROW_STATUSES)
    number, per_page = page_and_size()
    job = imports.visible_job(db(), api_user(), job_id)
    rows = [
        r for r in (job.report or {}).get("rows", []) if status is None or r["status"] == status
    ]
    start = (number - 1) * per_page
    items = [
        dump(
            ImportRowInfo(
                row=r["row"],
                status=r["status"],
                name=r.get("name", ""),
                changes=r.get("changes", {}),
                reasons=r.get("reasons", []),
            )
        )
        for r in rows[start : start + per_page]
    ]
    return paged(items, len(rows), number, per_page)


@operation(
    "POST",
    "/imports/<int:job_id>/apply",
    "apply_import",
    TAG,
    "Apply a previewed job: queued again, a worker writes the diff in one transaction",
    response=ImportJobInfo,
    status=202,
    errors=(404, 409),
)
def apply_import(job_id: int) -> tuple[dict[str, Any], int, dict[str, str]]:
    job = imports.confirm_import(db(), api_user(), job_id)
    _enqueue(job.id)
    return _accepted(job)
