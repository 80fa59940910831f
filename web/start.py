"""Starting a deployed process from its start form ("Khởi tạo quy trình").

See docs/process-design.md.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import ValidationFailed
from engine.workflow import operations
from web.common import actor, form_data, require_login
from web.context import db
from web.i18n import translate

bp = Blueprint("start", __name__)
require_login(bp)


@bp.get("/processes")
def index() -> str:
    return render_template("start/index.html", processes=operations.startable(db(), actor()))


def _startable(process_id: str) -> operations.Startable:
    for process in operations.startable(db(), actor()):
        if process.process_id == process_id:
            return process
    abort(404)


@bp.get("/processes/<process_id>/start")
def form(process_id: str) -> str:
    return render_template("start/form.html", process=_startable(process_id), values={}, errors={})


@bp.post("/processes/<process_id>/start")
def submit(process_id: str) -> Any:
    process = _startable(process_id)
    data = form_data([f for f in process.form if not f.get("readonly")], request.form)
    try:
        operations.start_with_form(db(), process_id, actor(), data)
    except ValidationFailed as exc:
        flash(exc.message, "error")
        values = request.form.to_dict()
        page = render_template(
            "start/form.html", process=process, values=values, errors=exc.field_errors
        )
        return page, 422
    flash(_("Đã khởi tạo: %(name)s.", name=translate(process.name)), "success")
    return redirect(url_for("inbox.inbox", box="group"))
