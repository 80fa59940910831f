"""Units, users and their roles, council terms (administrators only)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from engine import admin
from engine.admin import reads
from engine.domain import sessions
from engine.errors import Conflict, ValidationFailed
from engine.models import ROLES, CouncilTerm, HumanTask, User
from engine.models.org import COUNCIL_POSITIONS
from web.admin import bp, optional_int, section
from web.common import actor
from web.context import db
from web.inputs import chosen_id

POSITION_LABELS = {
    "chair": "Chủ tịch",
    "vice_chair": "Phó Chủ tịch",
    "secretary": "Thư ký",
    "member": "Ủy viên",
}


def _unit_choices() -> list[dict[str, Any]]:
    return [{"value": u.id, "label": u.name} for u in reads.units(db()) if u.active]


def _user_choices() -> list[dict[str, Any]]:
    return [
        {"value": u.id, "label": f"{u.full_name} ({u.username})"} for u in reads.active_users(db())
    ]


# --- units -------------------------------------------------------------------------------------


def _units_page(
    error: ValidationFailed | None = None, unit_id: int | None = None, status: int = 200
) -> tuple[str, int]:
    return render_template(
        "admin/units.html",
        units=reads.units(db()),
        unit_choices=_unit_choices(),
        errors=error.field_errors if error else {},
        message=error.message if error else None,
        values=request.form if error else {},
        failed_unit=unit_id,
    ), status


@bp.get("/units")
@section("org")
def units() -> tuple[str, int]:
    return _units_page()


@bp.post("/units")
@section("org")
def create_unit() -> Any:
    form = request.form
    try:
        unit = admin.create_unit(
            db(),
            actor(),
            code=form.get("code", ""),
            name=form.get("name", ""),
            parent_id=optional_int(form.get("parent_id")),
        )
    except ValidationFailed as exc:
        return _units_page(exc, None, 422)
    flash(f"Đã tạo đơn vị «{unit.name}».", "success")
    return redirect(url_for("admin.units"))


@bp.post("/units/<int:unit_id>")
@section("org")
def update_unit(unit_id: int) -> Any:
    form = request.form
    try:
        unit = admin.update_unit(
            db(),
            actor(),
            unit_id,
            name=form.get("name", ""),
            parent_id=optional_int(form.get("parent_id")),
        )
    except ValidationFailed as exc:
        return _units_page(exc, unit_id, 422)
    flash(f"Đã cập nhật đơn vị «{unit.name}».", "success")
    return redirect(url_for("admin.units"))


@bp.post("/units/<int:unit_id>/deactivate")
@section("org")
def deactivate_unit(unit_id: int) -> Response:
    try:
        unit = admin.deactivate_unit(db(), actor(), unit_id)
        flash(f"Đơn vị «{unit.name}» đã ngừng hoạt động.", "success")
    except Conflict as exc:
        flash(exc.message, "error")
    return redirect(url_for("admin.units"))


# --- users -------------------------------------------------------------------------------------


USER_FIELDS = [
    {"name": "username", "type": "text", "label": "Tên đăng nhập", "required": True},
    {"name": "full_name", "type": "text", "label": "Họ và tên", "required": True},
    {"name": "email", "type": "text", "label": "Thư điện tử", "required": True},
    {"name": "position", "type": "text", "label": "Chức vụ"},
    {
        "name": "password",
        "type": "text",
        "label": "Mật khẩu ban đầu",
        "required": True,
        "help": f"Ít nhất {admin.common.MIN_PASSWORD} ký tự.",
    },
]


@bp.get("/users")
@section("org")
def users() -> tuple[str, int]:
    return _users_page()


def _users_page(error: ValidationFailed | None = None, status: int = 200) -> tuple[str, int]:
    return render_template(
        "admin/users.html",
        users=reads.users(db()),
        fields=USER_FIELDS,
        unit_field={
            "name": "unit_id",
            "type": "choice",
            "label": "Đơn vị",
            "choices": _unit_choices(),
        },
        errors=error.field_errors if error else {},
        message=error.message if error else None,
        values=request.form if error else {},
    ), status


@bp.post("/users")
@section("org")
def create_user() -> Any:
    form = request.form
    try:
        user = admin.create_user(
            db(),
            actor(),
            username=form.get("username", ""),
            full_name=form.get("full_name", ""),
            email=form.get("email", ""),
            password=form.get("password", ""),
            unit_id=optional_int(form.get("unit_id")),
            position=form.get("position"),
        )
    except ValidationFailed as exc:
        return _users_page(exc, 422)
    flash(f"Đã tạo tài khoản «{user.username}».", "success")
    return redirect(url_for("admin.user", user_id=user.id))


def _user_page(
    user_id: int, error: ValidationFailed | None = None, form_name: str = "", status: int = 200
) -> tuple[str, int]:
    session = db()
    user = session.get(User, user_id)
    if user is None:
        abort(404)
    at_risk: list[HumanTask] = admin.tasks_left_without(session, user.id) if user.active else []
    return render_template(
        "admin/user.html",
        user=user,
        at_risk=at_risk,
        open_sessions=sessions.open_sessions(session, user.id),
        role_choices=[{"value": r.code, "label": r.name} for r in ROLES],
        units={u.id: u for u in reads.units(session)},
        unit_choices=_unit_choices(),
        user_choices=[c for c in _user_choices() if c["value"] != user.id],
        errors=error.field_errors if error else {},
        message=error.message if error else None,
        form_name=form_name,
        values=request.form if error else {},
    ), status


@bp.get("/users/<int:user_id>")
@section("org")
def user(user_id: int) -> tuple[str, int]:
    return _user_page(user_id)


def _user_action(user_id: int, form_name: str, action: Any, done: str) -> Any:
    try:
        action()
    except ValidationFailed as exc:
        return _user_page(user_id, exc, form_name, 422)
    flash(done, "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.post("/users/<int:user_id>/unit")
@section("org")
def change_unit(user_id: int) -> Any:
    unit_id = optional_int(request.form.get("unit_id"))
    return _user_action(
        user_id,
        "unit",
        lambda: admin.change_user_unit(db(), actor(), user_id, unit_id),
        "Đã chuyển đơn vị.",
    )


@bp.post("/users/<int:user_id>/password")
@section("org")
def reset_password(user_id: int) -> Any:
    password = request.form.get("password", "")
    return _user_action(
        user_id,
        "password",
        lambda: admin.reset_password(db(), actor(), user_id, password),
        "Đã đặt lại mật khẩu.",
    )


@bp.post("/users/<int:user_id>/sessions/end")
@section("org")
def sign_out_everywhere(user_id: int) -> Any:
    return _user_action(
        user_id,
        "sessions",
        lambda: admin.sign_out_everywhere(db(), actor(), user_id),
        "Đã đăng xuất tài khoản khỏi mọi phiên.",
    )


@bp.post("/users/<int:user_id>/roles")
@section("org")
def grant_role(user_id: int) -> Any:
    role = request.form.get("role_code", "")
    unit_id = optional_int(request.form.get("unit_id"))
    return _user_action(
        user_id,
        "role",
        lambda: admin.grant_role(db(), actor(), user_id, role, unit_id),
        "Đã cấp vai trò.",
    )


@bp.post("/users/<int:user_id>/roles/<int:membership_id>/revoke")
@section("org")
def revoke_role(user_id: int, membership_id: int) -> Any:
    return _user_action(
        user_id,
        "revoke",
        lambda: admin.revoke_role(db(), actor(), membership_id),
        "Đã thu hồi vai trò.",
    )


@bp.post("/users/<int:user_id>/deactivate")
@section("org")
def deactivate_user(user_id: int) -> Any:
    handovers = {
        task: user
        for key, value in request.form.items()
        if key.startswith("task_")
        and (task := chosen_id(key.removeprefix("task_"))) is not None
        and (user := chosen_id(value)) is not None
    }
    return _user_action(
        user_id,
        "deactivate",
        lambda: admin.deactivate_user(db(), actor(), user_id, handovers),
        "Tài khoản đã ngừng hoạt động; các việc đang mở đã được giao lại.",
    )


# --- council terms -----------------------------------------------------------------------------


TERM_FIELDS = [
    {"name": "name", "type": "text", "label": "Tên nhiệm kỳ", "required": True},
    {"name": "starts_on", "type": "date", "label": "Ngày bắt đầu", "required": True},
    {"name": "ends_on", "type": "date", "label": "Ngày kết thúc"},
    {"name": "decision_no", "type": "text", "label": "Số quyết định thành lập"},
]


def _council_page(
    error: ValidationFailed | None = None, term_id: int | None = None, status: int = 200
) -> tuple[str, int]:
    session = db()
    terms = reads.council_terms(session)
    return render_template(
        "admin/council.html",
        terms=terms,
        fields=TERM_FIELDS,
        names=reads.user_names(session, {m.user_id for t in terms for m in t.members}),
        user_choices=_user_choices(),
        positions=[{"value": p, "label": POSITION_LABELS[p]} for p in COUNCIL_POSITIONS],
        position_labels=POSITION_LABELS,
        errors=error.field_errors if error else {},
        message=error.message if error else None,
        failed_term=term_id,
        values=request.form if error else {},
    ), status


@bp.get("/council")
@section("org")
def council() -> tuple[str, int]:
    return _council_page()


@bp.post("/council")
@bp.post("/council/<int:term_id>")
@section("org")
def save_term(term_id: int | None = None) -> Any:
    form = request.form
    try:
        term: CouncilTerm = admin.save_council_term(
            db(),
            actor(),
            term_id,
            name=form.get("name", ""),
            starts_on=form.get("starts_on"),
            ends_on=form.get("ends_on"),
            decision_no=form.get("decision_no"),
        )
    except ValidationFailed as exc:
        return _council_page(exc, term_id, 422)
    flash(f"Đã lưu nhiệm kỳ «{term.name}».", "success")
    return redirect(url_for("admin.council"))


@bp.post("/council/<int:term_id>/members")
@section("org")
def set_member(term_id: int) -> Any:
    form = request.form
    try:
        admin.set_council_member(
            db(),
            actor(),
            term_id,
            optional_int(form.get("user_id")),
            form.get("position", ""),
        )
    except ValidationFailed as exc:
        return _council_page(exc, term_id, 422)
    flash("Đã cập nhật thành viên Hội đồng.", "success")
    return redirect(url_for("admin.council"))


@bp.post("/council/members/<int:member_id>/remove")
@section("org")
def remove_member(member_id: int) -> Response:
    admin.remove_council_member(db(), actor(), member_id)
    flash("Đã bỏ thành viên khỏi nhiệm kỳ.", "success")
    return redirect(url_for("admin.council"))
