"""Rule figures per legal basis with the articles they cite; the agency's settings; ladders."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine import admin, notify
from engine.admin import reads
from engine.domain import rule_settings
from engine.domain.rules.legal_basis import LEGAL_BASES
from engine.domain.rules.titles import title_codes
from engine.errors import ValidationFailed
from engine.notify.ladder import ladder_to_json
from web.admin import bp, section
from web.common import actor
from web.context import db

HISTORY_ACTIONS = ("rule_set", "reminder_ladder_set", "calendar_changed")


def _page(
    error: ValidationFailed | None = None, form: str = "", status: int = 200
) -> tuple[str, int]:
    session = db()
    settings = reads.settings(session)
    history = reads.history(session, HISTORY_ACTIONS)
    return render_template(
        "admin/rules.html",
        tables=reads.decision_tables(session),
        limits=reads.step_limits(session),
        settings=settings,
        ladders={k: ladder_to_json(v) for k, v in notify.load_ladders(session).items()},
        history=history,
        names=reads.user_names(
            session, {s.set_by for s in settings} | {e.actor_id for e in history}
        ),
        setting_fields=[
            {
                "name": "legal_basis",
                "type": "choice",
                "label": _("Căn cứ pháp lý"),
                "required": True,
                "choices": [{"value": b.code, "label": b.name} for b in LEGAL_BASES],
            },
            {
                "name": "title_code",
                "type": "choice",
                "label": _("Danh hiệu"),
                "required": True,
                "choices": [{"value": "*", "label": _("Mọi danh hiệu")}]
                + [{"value": c, "label": c} for c in title_codes()],
            },
            {
                "name": "key",
                "type": "choice",
                "label": _("Thông số"),
                "required": True,
                "choices": [
                    {"value": k, "label": v} for k, v in rule_settings.SETTING_KEYS.items()
                ],
            },
            {"name": "value", "type": "text", "label": _("Giá trị"), "required": True},
            {
                "name": "citation",
                "type": "textarea",
                "label": _("Căn cứ (điều khoản, quy chế của Sở)"),
                "required": True,
            },
        ],
        errors=error.field_errors if error else {},
        message=error.message if error else None,
        form=form,
        values=request.form if error else {},
    ), status


@bp.get("/rules")
@section("rules")
def rules() -> tuple[str, int]:
    return _page()


@bp.post("/rules/settings")
@section("rules")
def set_rule() -> Any:
    form = request.form
    try:
        admin.set_rule(
            db(),
            actor(),
            legal_basis=form.get("legal_basis", ""),
            title_code=form.get("title_code", ""),
            key=form.get("key", ""),
            value=form.get("value", ""),
            citation=form.get("citation", ""),
        )
    except ValidationFailed as exc:
        return _page(exc, "setting", 422)
    flash(_("Đã lưu thông số."), "success")
    return redirect(url_for("admin.rules"))


@bp.post("/rules/ladders")
@section("rules")
def set_ladder() -> Any:
    form = request.form
    try:
        admin.set_reminder_ladder(db(), actor(), form.get("task_type", ""), form.get("ladder", ""))
    except ValidationFailed as exc:
        return _page(exc, "ladder:" + form.get("task_type", ""), 422)
    flash(_("Đã lưu thang nhắc việc; các việc đang mở đã được lập lại lịch nhắc."), "success")
    return redirect(url_for("admin.rules"))
