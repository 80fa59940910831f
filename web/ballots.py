"""The council member's ballot sheet: every dossier of the session, one vote each, sent once.

The same page lets the secretariat enter an absent member's written ballot (the task's subject).
The page never reads sealed ballots: before submission it shows the empty sheet, after it only
that the sheet was sent. Nobody's votes, the member's own included, are shown back.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from engine import permissions
from engine.errors import Conflict, ValidationFailed
from engine.models import HumanTask
from engine.read import queries
from engine.workflow import operations
from web.common import actor, require_login
from web.context import db

bp = Blueprint("ballots", __name__)
require_login(bp)


def _ballot_task(task_id: int) -> HumanTask:
    task = permissions.visible_task(db(), actor(), task_id)
    if not queries.is_ballot(task):
        abort(404)
    return task


def votes_from_form(sheet: queries.BallotSheet, form: MultiDict[str, str]) -> dict[str, str]:
    """Return {dossier id: vote} from the sheet's radio groups ``vote_<dossier id>``.

    A dossier left without a choice is a blank vote (workflows/README.md); an unknown value is
    passed on for the engine to refuse.
    """
    votes = {}
    for dossier in sheet.dossiers:
        if dossier.id in sheet.recused:
            continue  # not offered: the ballot box seals it as a recusal
        value = form.get(f"vote_{dossier.id}", "").strip()
        if value:
            votes[str(dossier.id)] = value
    return votes


def _render(task: HumanTask, error: str | None = None, status: int = 200) -> Any:
    user = actor()
    submitted = task.status != "ready"
    if not submitted and not permissions.may_act(user, task):
        abort(403)
    return render_template(
        "ballot.html",
        task=task,
        sheet=queries.ballot_sheet(db(), task),
        votes=queries.VOTES,
        submitted=submitted,
        values=request.form if error else {},
        error=error,
    ), status


@bp.get("/ballots/<int:task_id>")
def sheet(task_id: int) -> Any:
    return _render(_ballot_task(task_id))


@bp.post("/ballots/<int:task_id>")
def cast(task_id: int) -> Any:
    task = _ballot_task(task_id)
    sheet = queries.ballot_sheet(db(), task)
    data = {sheet.field_name: votes_from_form(sheet, request.form)}
    try:
        operations.complete(db(), task_id, actor(), data)
    except Conflict:
        flash(_("Phiếu bầu này đã được gửi trước đó."), "warning")
        return redirect(url_for("ballots.sheet", task_id=task_id))
    except ValidationFailed as exc:
        message = exc.field_errors.get(sheet.field_name, exc.message)
        return _render(task, message, 422)
    flash(_("Đã gửi phiếu bầu."), "success")
    return redirect(url_for("inbox.inbox", box="mine"))
