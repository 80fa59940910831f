"""Dossier list and page, the diagram source, attachment downloads and comments."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from engine import content, queries
from engine.errors import NotFound, ValidationFailed
from engine.models import Attachment
from web.app import db, ready_session, runtime
from web.common import actor, page_links, require_login, sort_link

bp = Blueprint("dossiers", __name__)
require_login(bp)

SORTS = ("-updated", "updated", "nominee", "-nominee", "id", "-id")


@bp.get("/dossiers")
def index() -> str:
    user = actor()
    filters = queries.ListFilters.from_args(request.args, SORTS)
    page = queries.dossier_list(db(), user, filters)
    return render_template(
        "dossiers.html",
        page=page,
        filters=filters,
        choices=queries.filter_choices(db(), user),
        links=page_links(page, filters, "dossiers.index"),
        sorts={key: sort_link(filters, key, "dossiers.index") for key in ("nominee", "id")},
    )


@bp.get("/dossiers/<int:dossier_id>")
def detail(dossier_id: int) -> str:
    session = db()
    user = actor()
    dossier = queries.get_visible_dossier(session, user, dossier_id)
    steps = queries.open_steps(session, dossier.id)
    return render_template(
        "dossier.html",
        dossier=dossier,
        steps=steps,
        my_steps={s.task.id for s in steps if queries.may_act(user, s.task)},
        timeline=queries.timeline(session, dossier.id),
        attachments=queries.attachments(session, dossier.id),
        comments=queries.comments(session, dossier.id),
        has_diagram=queries.diagram_source(session, dossier.id) is not None,
        diagram_state=queries.diagram_state(session, dossier.id),
    )


@bp.get("/dossiers/<int:dossier_id>/diagram.bpmn")
def diagram(dossier_id: int) -> Response:
    session = db()
    queries.get_visible_dossier(session, actor(), dossier_id)
    xml = queries.diagram_source(session, dossier_id)
    if xml is None:
        abort(404)
    return Response(xml, mimetype="application/xml")


@bp.post("/dossiers/<int:dossier_id>/comments")
def comment(dossier_id: int) -> Response:
    task_id = request.form.get("task_id", "")
    try:
        content.add_comment(
            ready_session(),
            dossier_id,
            actor(),
            request.form.get("body", ""),
            int(task_id) if task_id.isdigit() else None,
        )
    except ValidationFailed as exc:
        flash(exc.field_errors.get("body", exc.message), "error")
    else:
        flash(_("Đã gửi ý kiến."), "success")
    back = (
        url_for("tasks.task_page", task_id=int(task_id))
        if task_id.isdigit()
        else url_for("dossiers.detail", dossier_id=dossier_id)
    )
    return redirect(back + "#comments")


@bp.get("/attachments/<int:attachment_id>")
def download(attachment_id: int) -> Any:
    session = db()
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        abort(404)
    try:
        queries.get_visible_dossier(session, actor(), attachment.dossier_id)
    except NotFound:
        abort(404)
    store = content.AttachmentStore(runtime().settings.data_dir / "attachments")
    path = store.path(attachment.sha256)
    if not path.is_file():
        abort(404)
    return send_file(
        path,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.filename,
        etag=attachment.sha256,
        max_age=0,
    )
