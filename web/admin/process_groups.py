"""Map a process's designer group and lane names to roles (Quản trị → Nhóm và làn)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.admin import process_groups
from engine.errors import ValidationFailed
from engine.models import Role
from web.admin import bp, section
from web.common import actor
from web.context import db


def _page(process_id: str, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    names = request.args.getlist("name") + request.form.getlist("new_name")
    return (
        render_template(
            "admin/process_groups.html",
            process_id=process_id,
            processes=process_groups.processes(db()),
            rows=process_groups.group_rows(db(), process_id, names) if process_id else [],
            roles=list(db().query(Role).order_by(Role.code)),
            errors=errors or {},
        ),
        status,
    )


@bp.get("/groups")
@section("versions")
def groups() -> Any:
    return _page(request.args.get("process_id", "").strip()[:120])


@bp.post("/groups")
@section("versions")
def save_groups() -> Any:
    process_id = request.form.get("process_id", "").strip()
    names = request.form.getlist("name") + request.form.getlist("new_name")
    roles = request.form.getlist("role") + request.form.getlist("new_role")
    try:
        process_groups.set_group_roles(
            db(), actor(), process_id, dict(zip(names, roles, strict=False))
        )
    except ValidationFailed as exc:
        flash(exc.message, "error")
        return _page(process_id[:120], exc.field_errors, 422)
    flash(_("Đã lưu nhóm và làn của quy trình %(process)s.", process=process_id), "success")
    return redirect(url_for("admin.groups", process_id=process_id))
