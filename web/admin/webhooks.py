"""Webhooks (/admin/webhooks): register an endpoint per event types (its secret shown once),
send a test, switch one off, and the delivery log. engine.notify.webhooks does the work."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from engine.errors import NotFound, ValidationFailed
from engine.notify import webhooks
from web.admin import bp, section
from web.context import db


def _page(secret: str | None = None, errors: dict[str, str] | None = None) -> Any:
    return render_template(
        "admin/webhooks.html",
        endpoints=webhooks.endpoints(db()),
        deliveries=webhooks.deliveries(db(), 50),
        event_types=webhooks.EVENT_TYPES,
        secret=secret,
        errors=errors or {},
    ), 422 if errors else 200


@bp.get("/webhooks")
@section("org")
def webhooks_page() -> Any:
    return _page()


@bp.post("/webhooks")
@section("org")
def register_webhook() -> Any:
    try:
        endpoint = webhooks.register(
            db(), current_user.user, request.form.get("url", ""), request.form.getlist("event_type")
        )
    except ValidationFailed as exc:
        return _page(errors=exc.field_errors)
    return _page(secret=endpoint.secret)


@bp.post("/webhooks/<int:endpoint_id>/test")
@section("org")
def test_webhook(endpoint_id: int) -> Response:
    try:
        webhooks.send_test(db(), current_user.user, endpoint_id)
    except NotFound:
        flash(_("Không tìm thấy webhook."), "error")
    else:
        flash(_("Đã gửi sự kiện thử; xem kết quả trong nhật ký bên dưới."), "success")
    return redirect(url_for("admin.webhooks_page"))


@bp.post("/webhooks/<int:endpoint_id>/deactivate")
@section("org")
def deactivate_webhook(endpoint_id: int) -> Response:
    try:
        webhooks.deactivate(db(), current_user.user, endpoint_id)
    except NotFound:
        flash(_("Không tìm thấy webhook."), "error")
    return redirect(url_for("admin.webhooks_page"))
