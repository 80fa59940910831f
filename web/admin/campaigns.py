"""Campaigns: the secretariat drafts and launches them (phát động)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from engine import admin
from engine.admin import reads
from engine.domain.rules.legal_basis import LEGAL_BASES
from engine.domain.rules.titles import processed_title_codes, title_name
from engine.errors import Conflict, ValidationFailed
from engine.models.campaign import CAMPAIGN_KINDS
from web.admin import bp
from web.common import actor
from web.context import db

KIND_LABELS = {
    "annual": "Thường xuyên (hằng năm)",
    "thematic": "Theo chuyên đề",
    "adhoc": "Đột xuất",
}

FIELDS = [
    {"name": "code", "type": "text", "label": "Mã phong trào", "required": True},
    {"name": "name", "type": "text", "label": "Tên phong trào", "required": True},
    {
        "name": "kind",
        "type": "choice",
        "label": "Loại",
        "required": True,
        "choices": [{"value": k, "label": KIND_LABELS[k]} for k in CAMPAIGN_KINDS],
    },
    {"name": "starts_on", "type": "date", "label": "Bắt đầu", "required": True},
    {"name": "ends_on", "type": "date", "label": "Kết thúc", "required": True},
    {
        "name": "registration_deadline",
        "type": "date",
        "label": "Hạn đăng ký thi đua",
        "required": True,
    },
    {
        "name": "nomination_deadline",
        "type": "date",
        "label": "Hạn gửi hồ sơ đề nghị",
        "required": True,
    },
    {
        "name": "legal_basis",
        "type": "choice",
        "label": "Căn cứ pháp lý",
        "required": True,
        "choices": [{"value": b.code, "label": b.name} for b in LEGAL_BASES],
    },
    {
        "name": "basis_override_reason",
        "type": "textarea",
        "label": "Lý do áp dụng căn cứ ngoài thời kỳ hiệu lực (chỉ quản trị viên)",
        "required": False,
    },
]


def _page(error: ValidationFailed | None = None, status: int = 200) -> tuple[str, int]:
    session = db()
    rows = reads.campaigns(session)
    return render_template(
        "admin/campaigns.html",
        campaigns=rows,
        fields=FIELDS,
        titles=[(code, title_name(code)) for code in processed_title_codes()],
        kind_labels=KIND_LABELS,
        names=reads.user_names(session, {c.opened_by for c in rows}),
        errors=error.field_errors if error else {},
        message=error.message if error else None,
        values=request.form if error else {},
        chosen_titles=request.form.getlist("title_codes") if error else [],
    ), status


@bp.get("/campaigns")
def campaigns() -> tuple[str, int]:
    return _page()


@bp.post("/campaigns")
def create_campaign() -> Any:
    form = {key: request.form.get(key, "") for key in request.form}
    form_values: dict[str, Any] = dict(form, title_codes=request.form.getlist("title_codes"))
    try:
        campaign = admin.create_campaign(db(), actor(), form_values)
    except ValidationFailed as exc:
        return _page(exc, 422)
    flash(
        f"Đã tạo phong trào «{campaign.name}» (bản nháp). Bấm «Phát động» để báo các đơn vị.",
        "success",
    )
    return redirect(url_for("admin.campaigns"))


@bp.post("/campaigns/<int:campaign_id>/open")
def open_campaign(campaign_id: int) -> Response:
    try:
        campaign = admin.open_campaign(db(), actor(), campaign_id)
        flash(f"Đã phát động «{campaign.name}» và thông báo tới các đơn vị.", "success")
    except Conflict as exc:
        flash(exc.message, "warning")
    return redirect(url_for("admin.campaigns"))
