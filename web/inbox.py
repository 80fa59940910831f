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
from engine.models import HumanTask, User
from engine.read import queries, story
from engine.workflow import operations
from web import saved_filters
from web.common import INBOX_SORTS, actor, form_data, page_links, require_login, sort_link
from web.context import db, runtime
from web.i18n import translate
from web.inputs import chosen_ids

bp = Blueprint("inbox", __name__)
require_login(bp)

SORTS = INBOX_SORTS


@bp.get("/tasks/<any(mine, group):box>")
def inbox(box: queries.Box) -> str:
    user = actor()
    filters = queries.ListFilters.from_args(request.args, SORTS)
    # A unit head, the secretariat or an administrator also sees, in the group inbox, the claimed
    # tasks they may hand on, with who holds them, and reassigns from there.
    supervising = box == "group" and queries.supervises(user)
    page = queries.inbox(db(), user, box, filters, with_claimed=supervising)
    reassignable = [r.task for r in page.items if permissions.may_reassign(user, r.task)]
    done, following = _following(queries.row_id_arg(request.args, "done", _("Việc vừa xong")))
    return render_template(
        "inbox.html",
        box=box,
        page=page,
        supervising=supervising,
        people=queries.assignable_people(db(), reassignable) if supervising else {},
        **saved_filters.context(box),
        done=done,
        following=following,
        # Nothing of this process for me next: the next task of my inbox is highlighted.
        highlight=None if following or done is None or not page.items else page.items[0].task.id,
        sessions=story.session_labels(db(), [row.task for row in page.items]),
        filters=filters,
        choices=queries.filter_choices(db(), user),
        links=page_links(page, filters, "inbox.inbox", box=box),
        sorts={key: sort_link(filters, key, "inbox.inbox", box=box) for key in SORTS[::2]},
    )


def _following(done_id: int | None) -> tuple[HumanTask | None, list[queries.TaskRow]]:
    """Return the task just completed (``?done=<id>``, a row id or 422) and the ready tasks it
    led to that the user may do now, as inbox rows."""
    if done_id is None:
        return None, []
    session = db()
    done = session.get(HumanTask, done_id)
    if done is None or done.completed_by != actor().id:
        return None, []
    return done, [
        queries.task_row(session, t) for t in story.following_tasks(session, actor(), done)
    ]


@bp.post("/tasks/claim")
def claim_many() -> Response:
    """Claim the ticked tasks of the group inbox; each claim is its own operation."""
    ids = chosen_ids("task_id")
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
    told = story.task_story(session, task)
    return render_template(
        "task.html",
        task=task,
        row=row,
        story=told,
        council=story.council_context(session, task),
        # A step done before (a dossier sent back) opens with what was submitted then.
        values=told.previous if values is None else values,
        errors=errors or {},
        attachments=queries.attachments(session, dossier_id) if dossier_id else [],
        comments=queries.comments(session, dossier_id) if dossier_id else [],
        allowed_types=", ".join(sorted(e.lstrip(".") for e in content.ALLOWED_TYPES)),
        max_mb=runtime().settings.upload_max_mb,
    )


def _conflict(message: str | None = None) -> tuple[str, int]:
    return render_template("task_conflict.html", message=message), 409


def _not_open(task: HumanTask) -> tuple[str, int]:
    """A task no longer waiting: done by me (say so, and what comes next), by someone else, or
    cancelled by the process moving on."""
    session = db()
    db().refresh(task)
    if task.status == "completed" and task.completed_by == actor().id:
        following = [
            queries.task_row(session, t) for t in story.following_tasks(session, actor(), task)
        ]
        return render_template("task_done.html", task=task, following=following), 200
    by = session.get(User, task.completed_by) if task.completed_by else None
    return render_template("task_conflict.html", task=task, by=by, message=None), 409


@bp.get("/tasks/<int:task_id>")
def task_page(task_id: int) -> Any:
    task = _task_or_404(task_id)
    if queries.is_ballot(task):
        return redirect(url_for("ballots.sheet", task_id=task.id))
    if task.status != "ready":
        return _not_open(task)
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
        current = db().get(HumanTask, task_id)
        if current is not None and current.completed_by == actor().id:
            return _not_open(current)  # sent twice: the first submission did it
        return _conflict(exc.message)
    except ValidationFailed as exc:
        flash(exc.message, "error")
        return _render_task(task, {**request.form.to_dict(), **data}, exc.field_errors), 422
    flash(_("Đã hoàn thành: %(name)s.", name=translate(task.name)), "success")
    return redirect(url_for("inbox.inbox", box="mine", done=task.id))


@bp.post("/tasks/<int:task_id>/claim")
def claim(task_id: int) -> Response:
    _task_or_404(task_id)
    operations.claim(db(), task_id, actor())
    flash(_("Đã nhận việc."), "success")
    return redirect(url_for("inbox.task_page", task_id=task_id))


@bp.post("/tasks/<int:task_id>/reassign")
def reassign(task_id: int) -> Response:
    """Hand a task to someone of its group (a unit head, the secretariat, an administrator)."""
    task = _task_or_404(task_id)
    assignee_id = as_id(request.form.get("assignee_id"))
    if assignee_id is None:
        flash(_("Chọn người nhận việc."), "error")
        return redirect(url_for("inbox.inbox", box="group"))
    try:
        operations.reassign(db(), task_id, actor(), assignee_id)
    except (Conflict, ValidationFailed) as exc:
        flash(exc.message, "error")
    else:
        person = db().get(User, assignee_id)
        name = person.full_name if person else ""
        task_name = translate(task.name)
        flash(_("Đã giao «%(task)s» cho %(name)s.", task=task_name, name=name), "success")
    return redirect(url_for("inbox.inbox", box="group"))


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
