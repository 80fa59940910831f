"""API tokens (/admin/tokens): who holds one, its scope, expiry and last use; create (the token
is shown once), revoke. The same operations as the API's (engine.domain.tokens)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from engine.admin import reads
from engine.db import as_id
from engine.domain import tokens
from engine.errors import NotFound, ValidationFailed
from engine.models import User
from web.admin import bp, section
from web.context import db

#: The lifetimes offered (days; 0: never expires).
LIFETIMES = (30, 90, 365, 0)


def _page(new_token: str | None = None, errors: dict[str, str] | None = None) -> Any:
    return render_template(
        "admin/tokens.html",
        tokens=tokens.all_tokens(db()),
        users=reads.active_users(db()),
        lifetimes=LIFETIMES,
        live=tokens.is_live,
        new_token=new_token,
        errors=errors or {},
    ), 422 if errors else 200


@bp.get("/tokens")
@section("org")
def tokens_page() -> Any:
    return _page()


@bp.post("/tokens")
@section("org")
def create_token() -> Any:
    user_id = as_id(request.form.get("user_id"))
    user = db().get(User, user_id) if user_id is not None else None
    if user is None:
        return _page(errors={"user_id": _("Chọn người dùng.")})
    days = as_id(request.form.get("days"))
    try:
        secret = tokens.create_token(
            db(),
            user,
            request.form.get("name", "").strip(),
            request.form.get("scope", "read"),
            tokens.expiry_after(days),
            actor=current_user.user,
        )
    except ValidationFailed as exc:
        return _page(errors=exc.field_errors)
    return _page(new_token=secret)


@bp.post("/tokens/<int:token_id>/revoke")
@section("org")
def revoke_token(token_id: int) -> Response:
    try:
        tokens.revoke(db(), current_user.user, token_id)
    except NotFound:
        flash(_("Không tìm thấy mã truy cập."), "error")
    else:
        flash(_("Đã thu hồi mã truy cập #%(id)s.", id=token_id), "success")
    return redirect(url_for("admin.tokens_page"))
