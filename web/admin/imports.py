"""Imports of an agency's spreadsheets: upload, the diff a worker computes, then apply.

The job page's context (:func:`job_context`) and :func:`_enqueue` are shared with the award
history's own import page (web.awards), which runs award imports the same way for the managers.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from engine.admin import imports
from engine.errors import Conflict, ValidationFailed
from engine.models import ImportJob
from engine.models.agency import IMPORT_KINDS
from tasks.imports import run
from web.admin import bp, section
from web.common import actor
from web.context import db


def _enqueue(job_id: int) -> None:
    """Send the id to a worker (after the commit that recorded the job)."""
    run.delay(job_id)


def _page(error: str | None = None, status: int = 200) -> tuple[str, int]:
    return render_template(
        "admin/imports.html",
        jobs=imports.recent_jobs(db()),
        kinds=[(k, imports.KIND_NAMES[k]) for k in IMPORT_KINDS],
        kind_names=imports.KIND_NAMES,
        message=error,
    ), status


@bp.get("/imports")
@section("org")
def imports_index() -> tuple[str, int]:
    return _page()


@bp.post("/imports")
@section("org")
def imports_upload() -> Any:
    upload = request.files.get("file")
    kind = request.form.get("kind", "")
    if upload is None or not upload.filename:
        return _page("Chọn tệp .xlsx hoặc .csv.", 400)
    try:
        job = imports.request_import(
            db(),
            actor(),
            kind,
            upload.filename,
            upload.read(),
            partial=bool(request.form.get("partial")),
        )
    except ValidationFailed as exc:
        return _page(exc.message, 422)
    _enqueue(job.id)
    flash("Đã nhận tệp; hệ thống đang đọc và so sánh, trang này cập nhật tiến độ.", "info")
    return redirect(url_for("admin.import_job", job_id=job.id))


#: Rows of the diff a job page lists (the others are counted).
SHOWN_ROWS = 500


def job_context(job: ImportJob) -> dict[str, Any]:
    """Return what ``_import_job.html`` needs besides its URLs: the job, the rows that change
    or are refused (the first SHOWN_ROWS), how many more there are, the kinds' names."""
    shown = [r for r in (job.report or {}).get("rows", []) if r["status"] != "unchanged"]
    return {
        "job": job,
        "rows": shown[:SHOWN_ROWS],
        "hidden": max(0, len(shown) - SHOWN_ROWS),
        "kind_names": imports.KIND_NAMES,
    }


@bp.get("/imports/<int:job_id>")
@section("org")
def import_job(job_id: int) -> str:
    job = imports.visible_job(db(), actor(), job_id)
    return render_template(
        "admin/import_job.html",
        **job_context(job),
        job_url=url_for("admin.import_job", job_id=job.id),
        apply_url=url_for("admin.import_apply", job_id=job.id),
        message=None,
    )


@bp.post("/imports/<int:job_id>/apply")
@section("org")
def import_apply(job_id: int) -> Response:
    try:
        imports.confirm_import(db(), actor(), job_id)
    except Conflict as exc:
        flash(exc.message, "warning")
        return redirect(url_for("admin.import_job", job_id=job_id))
    _enqueue(job_id)
    flash("Đang áp dụng các thay đổi.", "info")
    return redirect(url_for("admin.import_job", job_id=job_id))
