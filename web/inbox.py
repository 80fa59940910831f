"""Inboxes ("Việc của tôi", "Việc của nhóm"), the task page, claiming and attachments."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from engine import permissions
from engine.db import as_id
from engine.domain import content
from engine.errors import Conflict, EngineError, ValidationFailed
from engine.models import HumanTask
from engine.read import queries
from engine.workflow import operations
from web.common import actor, form_data, page_links, require_login, sort_link
from web.context import db, runtime

bp = Blueprint("inbox", __name__)
require_login(bp)

SORTS = ("due", "-due", "waiting", "-waiting", "nominee", "-nominee", "dossier", "-dossier")


@bp.get("/tasks/<any(mine, group):box>")
def inbox(box: queries.Box) -> str:
    user = actor()
    filters = queries.ListFilters.from_args(request.args, SORTS)
    page = queries.inbox(db(), user, box, filters)
    return render_template(
        "inbox.html",
        box=box,
        page=page,
        filters=filters,
        choices=queries.filter_choices(db(), user),
        links=page_links(page, filters, "inbox.inbox", box=box),
        sorts={key: sort_link(filters, key, "inbox.inbox", box=box) for key in SORTS[::2]},
    )


@bp.post("/tasks/claim")
def claim_many() -> Response:
    """Claim the ticked tasks of the group inbox; each claim is its own operation."""
    ids = [i for v in request.form.getlist("task_id") if (i := as_id(v)) is not None]
    claimed, failed = 0, []
    for task_id in ids:
        try:
            operations.claim(db(), task_id, actor())
            claimed += 1
        except EngineError as exc:
            failed.append(f"#{task_id}: {exc.message}")
    if claimed:
        flash(ngettext("Đã nhận %(num)d việc.", "Đã nhận %(num)d việc.", claimed), "success")
    for message in failed:
        flash(message, "warning")
    return redirect(url_for("inbox.inbox", box="mine" if claimed else "group"))


def _task_or_404(task_id: int) -> HumanTask:
    return permissions.visible_task(db(), actor(), task_id)


def _render_task(
    task: HumanTask, values: dict[str, Any] | None = None, errors: dict[str, str] | None = None
) -> str:
    session = db()
    row = queries.task_row(session, task)
    dossier_id = task.dossier_id
    return render_template(
        "task.html",
        task=task,
        row=row,
        values=values or {},
        errors=errors or {},
        attachments=queries.attachments(session, dossier_id) if dossier_id else [],
        comments=queries.comments(session, dossier_id) if dossier_id else [],
        allowed_types=", ".join(sorted(e.lstrip(".") for e in content.ALLOWED_TYPES)),
        max_mb=runtime().settings.upload_max_mb,
    )


def _conflict(message: str | None = None) -> tuple[str, int]:
    return render_template("task_conflict.html", message=message), 409


@bp.get("/tasks/<int:task_id>")
def task_page(task_id: int) -> Any:
    task = _task_or_404(task_id)
    if queries.is_ballot(task):
        return redirect(url_for("ballots.sheet", task_id=task.id))
    if task.status != "ready":
        return _conflict()
    if not permissions.may_act(actor(), task):
        abort(403)
    return _render_task(task)


@bp.post("/tasks/<int:task_id>")
def complete(task_id: int) -> Any:
    task = _task_or_404(task_id)
    data = form_data(task.form, request.form)
    try:
        operations.complete(db(), task_id, actor(), data)
    except Conflict as exc:
        return _conflict(exc.message)
    except ValidationFailed as exc:
        flash(exc.message, "error")
        return _render_task(task, request.form.to_dict(), exc.field_errors), 422
    flash(_("Đã hoàn thành: %(name)s.", name=task.name), "success")
    return redirect(url_for("inbox.inbox", box="mine"))


@bp.post("/tasks/<int:task_id>/claim")
def claim(task_id: int) -> Response:
    _task_or_404(task_id)
    operations.claim(db(), task_id, actor())
    flash(_("Đã nhận việc."), "success")
    return redirect(url_for("inbox.task_page", task_id=task_id))


@bp.post("/tasks/<int:task_id>/unclaim")
def unclaim(task_id: int) -> Response:
    _task_or_404(task_id)
    operations.unclaim(db(), task_id, actor())
    flash(_("Đã trả việc về nhóm."), "info")
    return redirect(url_for("inbox.inbox", box="group"))


@bp.post("/tasks/<int:task_id>/attachments")
def upload(task_id: int) -> Any:
    upload = request.files.get("file")
    settings = runtime().settings
    back = url_for("inbox.task_page", task_id=task_id) + "#attachments"
    if upload is None or not upload.filename:
        flash(_("Chưa chọn tệp."), "error")
        return redirect(back)
    try:
        content.add_attachment(
            db(),
            runtime().files,
            task_id,
            actor(),
            upload.filename,
            upload.stream,
            settings.upload_max_mb * 1024 * 1024,
        )
    except ValidationFailed as exc:
        flash(exc.field_errors.get("file", exc.message), "error")
    else:
        flash(_("Đã đính kèm tệp."), "success")
    return redirect(back)
