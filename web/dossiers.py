"""Dossier list and page, filing a dossier, withdrawing it, letting an ineligible one on, the
diagram source, attachment downloads and comments."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

from engine import permissions
from engine.db import as_id
from engine.domain import content, dossier_facts, dossiers, initiatives
from engine.errors import Conflict, EngineError, NotFound, ValidationFailed
from engine.models import Campaign
from engine.read import queries
from web import saved_filters
from web.common import DOSSIER_SORTS, actor, file_response, page_links, require_login, sort_link
from web.context import db, runtime
from web.i18n import localize_diagram

bp = Blueprint("dossiers", __name__)
require_login(bp)

SORTS = DOSSIER_SORTS


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
        may_file=bool(dossier_facts.filing_units(db(), user)),
        **saved_filters.context("dossiers"),
    )


def _filing_form(
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    message: str | Markup | None = None,
) -> str:
    session = db()
    units = dossier_facts.filing_units(session, actor())
    if not units:
        abort(403)
    campaigns = dossier_facts.campaigns(session)
    chosen = values.get("campaign_id", "")
    campaign = next(
        (c for c in campaigns if str(c.id) == chosen), campaigns[0] if campaigns else None
    )
    return render_template(
        "dossier_new.html",
        campaigns=campaigns,
        campaign=campaign,
        titles=dossier_facts.campaign_titles(campaign) if campaign else [],
        units=units,
        people=dossier_facts.staff(session, [u.id for u in units]),
        values=values,
        errors=errors or {},
        message=message,
    )


def _linked_message(exc: EngineError) -> str | Markup:
    """The engine's message; for a duplicate, "#2" links to that dossier (issue 15)."""
    if not isinstance(exc, dossiers.DuplicateDossier):
        return exc.message
    mark = f"#{exc.dossier_id}"
    link = Markup('<a href="{}" id="duplicate-link">{}</a>').format(
        url_for("dossiers.detail", dossier_id=exc.dossier_id), mark
    )
    before, found, after = exc.message.partition(mark)
    if not found:
        return escape(exc.message) + Markup(" (") + link + Markup(")")
    return escape(before) + link + escape(after)


@bp.get("/dossiers/new")
def new() -> str:
    return _filing_form(request.args.to_dict())


def _nominee(value: str) -> tuple[int | None, int | None]:
    """Return (person id, unit id) from the nominee choice ``user:<id>`` or ``unit:<id>``."""
    kind, _sep, number = value.partition(":")
    row = as_id(number)
    if row is None:
        return None, None
    return (row, None) if kind == "user" else (None, row)


@bp.post("/dossiers/new")
def file() -> Any:
    values = request.form.to_dict()
    values.pop("csrf_token", None)
    person_id, unit_id = _nominee(values.get("nominee", ""))
    campaign_id = as_id(values.get("campaign_id"))
    if campaign_id is None or db().get(Campaign, campaign_id) is None:
        return _filing_form(values, {"campaign_id": _("Chọn đợt thi đua.")}), 422
    try:
        dossier = dossiers.file_dossier(
            db(),
            actor(),
            campaign_id=campaign_id,
            title_code=values.get("title_code", ""),
            nominee_user_id=person_id,
            nominee_unit_id=unit_id,
            achievements=values.get("achievements", "").strip() or None,
        )
    except (ValidationFailed, Conflict, NotFound) as exc:
        errors = exc.field_errors if isinstance(exc, ValidationFailed) else {}
        if isinstance(exc, NotFound):
            errors = {"nominee": exc.message}
        return _filing_form(values, errors, _linked_message(exc)), 422
    flash(_("Đã lập hồ sơ #%(id)s: %(name)s.", id=dossier.id, name=dossier.nominee_name), "success")
    return redirect(url_for("dossiers.detail", dossier_id=dossier.id))


@bp.get("/dossiers/<int:dossier_id>")
def detail(dossier_id: int) -> str:
    return _detail_page(dossier_id)


def _detail_page(
    dossier_id: int,
    action_errors: dict[str, str] | None = None,
    action_values: dict[str, str] | None = None,
) -> str:
    """Render the dossier page; a refused withdraw/override comes back with its reason kept."""
    session = db()
    user = actor()
    dossier = permissions.visible_dossier(session, user, dossier_id)
    steps = queries.open_steps(session, dossier.id)
    may_attach = initiatives.may_attach(user, dossier) and initiatives.attachable(dossier)
    return render_template(
        "dossier.html",
        dossier=dossier,
        steps=steps,
        my_steps={s.task.id for s in steps if permissions.may_act(user, s.task)},
        timeline=queries.timeline(session, dossier.id),
        attachments=queries.attachments(session, dossier.id),
        comments=queries.comments(session, dossier.id),
        has_diagram=queries.diagram_source(session, dossier.id) is not None,
        diagram_state=queries.diagram_state(session, dossier.id),
        council_result=dossier_facts.council_result(session, dossier.id),
        may_withdraw=permissions.may_withdraw(user, dossier)
        and dossier_facts.withdrawable(dossier),
        may_override=permissions.may_override_eligibility(user)
        and dossier_facts.overridable(dossier),
        initiatives=initiatives.attached(session, dossier.id),
        initiative_choices=initiatives.candidates(session, dossier) if may_attach else [],
        may_attach=may_attach,
        initiative_kinds=initiatives.KIND_NAMES,
        initiative_levels=initiatives.LEVEL_NAMES,
        action_errors=action_errors or {},
        action_values=action_values or {},
    )


def _dossier_action(
    dossier_id: int, action: str, run: Any, done: str
) -> Response | tuple[str, int]:
    """Run a dossier operation with the form's reason.

    A reason the operation refuses (empty, too long) answers 422 with the page and the typed
    reason kept; a dossier that moved on meanwhile (Conflict) goes back to its page with the
    message.
    """
    permissions.visible_dossier(db(), actor(), dossier_id)
    reason = request.form.get("reason", "")
    try:
        run(db(), actor(), dossier_id, reason)
    except ValidationFailed as exc:
        message = exc.field_errors.get("reason") or exc.message
        return _detail_page(dossier_id, {action: message}, {action: reason}), 422
    except Conflict as exc:
        flash(exc.message, "error")
    else:
        flash(done, "success")
    return redirect(url_for("dossiers.detail", dossier_id=dossier_id))


@bp.post("/dossiers/<int:dossier_id>/withdraw")
def withdraw(dossier_id: int) -> Response | tuple[str, int]:
    return _dossier_action(dossier_id, "withdraw", dossiers.withdraw_dossier, _("Đã rút hồ sơ."))


@bp.post("/dossiers/<int:dossier_id>/override")
def override(dossier_id: int) -> Response | tuple[str, int]:
    return _dossier_action(
        dossier_id,
        "override",
        dossiers.override_eligibility,
        _("Đã cho phép ngoại lệ; hồ sơ được xét tiếp."),
    )


@bp.post("/dossiers/<int:dossier_id>/initiatives")
def attach_initiatives(dossier_id: int) -> Response | tuple[str, int]:
    """Make the ticked initiatives the dossier's (the nominee's own; engine.domain.initiatives)."""
    permissions.visible_dossier(db(), actor(), dossier_id)
    raw = request.form.getlist("initiative_id")
    chosen = [as_id(value) for value in raw]
    if any(value is None for value in chosen):
        message = _("Chọn sáng kiến, đề tài trong danh sách.")
        return _detail_page(dossier_id, {"initiatives": message}), 422
    try:
        attached = initiatives.set_attached(
            db(), actor(), dossier_id, [value for value in chosen if value is not None]
        )
    except ValidationFailed as exc:
        message = exc.field_errors.get("initiatives") or exc.message
        return _detail_page(dossier_id, {"initiatives": message}), 422
    except Conflict as exc:
        flash(exc.message, "error")
        return redirect(url_for("dossiers.detail", dossier_id=dossier_id))
    flash(
        _(
            "Đã cập nhật sáng kiến, đề tài của hồ sơ (%(count)s) và kiểm tra lại điều kiện.",
            count=len(attached),
        ),
        "success",
    )
    return redirect(url_for("dossiers.detail", dossier_id=dossier_id) + "#initiatives")


@bp.get("/dossiers/<int:dossier_id>/diagram.bpmn")
def diagram(dossier_id: int) -> Response:
    session = db()
    permissions.visible_dossier(session, actor(), dossier_id)
    xml = queries.diagram_source(session, dossier_id)
    if xml is None:
        abort(404)
    return Response(localize_diagram(xml), mimetype="application/xml")


@bp.post("/dossiers/<int:dossier_id>/comments")
def comment(dossier_id: int) -> Response:
    task_id = request.form.get("task_id", "")
    try:
        content.add_comment(
            db(),
            dossier_id,
            actor(),
            request.form.get("body", ""),
            as_id(task_id),
        )
    except ValidationFailed as exc:
        # Nothing was stored: say why with a 422 (a too-long text is refused, never cut).
        message = exc.field_errors.get("body", exc.message)
        return Response(render_template("error.html", status=422, message=message), 422)
    flash(_("Đã gửi ý kiến."), "success")
    back = (
        url_for("inbox.task_page", task_id=int(task_id))
        if task_id.isdigit()
        else url_for("dossiers.detail", dossier_id=dossier_id)
    )
    return redirect(back + "#comments")


@bp.get("/attachments/<int:attachment_id>")
def download(attachment_id: int) -> Any:
    try:
        attachment, stream = content.attachment_file(db(), runtime().files, actor(), attachment_id)
    except NotFound:
        abort(404)
    return file_response(
        stream, attachment.filename, attachment.content_type, attachment.size, attachment.sha256
    )
