"""The secretariat's "Phiên họp Hội đồng" page: pick the dossiers waiting for the council and a
meeting date, open the session; its first step (khai mạc, điểm danh) then waits in the inbox."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from engine import permissions
from engine.db import as_id
from engine.domain import council, dossier_facts
from engine.errors import Conflict, ValidationFailed
from engine.models import Campaign, HumanTask, ProcessInstance
from engine.read import queries
from web.common import actor, require_login
from web.context import db

bp = Blueprint("council", __name__)
require_login(bp)


def _page(values: dict[str, Any], errors: dict[str, str] | None = None, status: int = 200) -> Any:
    if not permissions.may_open_council_session(actor()):
        abort(403)
    session = db()
    campaigns = dossier_facts.campaigns(session)
    chosen = str(values.get("campaign_id", ""))
    campaign = next(
        (c for c in campaigns if str(c.id) == chosen), campaigns[0] if campaigns else None
    )
    waiting = council.dossiers_awaiting_council(session, campaign.id) if campaign else []
    return render_template(
        "council.html",
        campaigns=campaigns,
        campaign=campaign,
        waiting=waiting,
        values=values,
        chosen_ids=set(values.get("dossier_id", [])),
        errors=errors or {},
    ), status


@bp.get("/council")
def index() -> Any:
    if not permissions.may_open_council_session(actor()):
        abort(403)
    # A malformed campaign is 422 naming it, never silently the first campaign.
    campaign_id = queries.row_id_arg(request.args, "campaign_id", _("Đợt thi đua"))
    return _page({"campaign_id": str(campaign_id or "")})


@bp.post("/council")
def open_session() -> Any:
    values: dict[str, Any] = {
        "campaign_id": request.form.get("campaign_id", ""),
        "meeting_date": request.form.get("meeting_date", ""),
        "dossier_id": request.form.getlist("dossier_id"),
    }
    campaign_id = as_id(values["campaign_id"])
    if campaign_id is None or db().get(Campaign, campaign_id) is None:
        return _page(values, {"campaign_id": _("Chọn đợt thi đua.")}, 422)
    try:
        meeting_date = date.fromisoformat(values["meeting_date"])
    except ValueError:
        return _page(values, {"meeting_date": _("Nhập ngày họp (dd/mm/yyyy).")}, 422)
    ids = [i for v in values["dossier_id"] if (i := as_id(v)) is not None]
    if not ids:
        return _page(values, {"dossier_id": _("Chọn ít nhất một hồ sơ.")}, 422)
    try:
        sitting = council.open_session(db(), actor(), campaign_id, meeting_date, ids)
    except (ValidationFailed, Conflict) as exc:
        return _page(values, {"form": exc.message}, 422)
    task_id = db().scalar(
        select(HumanTask.id)
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .where(ProcessInstance.council_session_id == sitting.id, HumanTask.status == "ready")
        .order_by(HumanTask.id)
        .limit(1)
    )
    flash(
        _(
            "Đã mở phiên họp ngày %(day)s với %(n)s hồ sơ.",
            day=f"{meeting_date:%d/%m/%Y}",
            n=len(ids),
        ),
        "success",
    )
    if task_id is None:
        return redirect(url_for("inbox.inbox", box="group"))
    return redirect(url_for("inbox.task_page", task_id=task_id))
