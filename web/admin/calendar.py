"""The working-day calendar of a year: holidays, make-up days, overrides (secretariat too)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine import admin
from engine.errors import NotFound, ValidationFailed
from web.admin import bp
from web.common import actor
from web.context import db

KINDS = [
    {"value": "off", "label": _l("Ngày nghỉ thêm")},
    {"value": "working", "label": _l("Ngày làm việc bù")},
    {"value": "clear", "label": _l("Bỏ điều chỉnh (theo lịch thường)")},
]


def _year() -> int:
    value = request.values.get("year", "")
    year = int(value) if value.isdigit() else date.today().year
    return min(max(year, 2000), 2100)


def _page(error: ValidationFailed | None = None, status: int = 200) -> tuple[str, int]:
    year = _year()
    return render_template(
        "admin/calendar.html",
        year=year,
        months=admin.calendar_year(db(), year),
        fields=[
            {"name": "day", "type": "date", "label": "Ngày", "required": True},
            {
                "name": "kind",
                "type": "choice",
                "label": _("Điều chỉnh"),
                "required": True,
                "choices": KINDS,
            },
            {"name": "note", "type": "text", "label": _("Ghi chú (căn cứ, ví dụ số văn bản)")},
        ],
        errors=error.field_errors if error else {},
        message=error.message if error else None,
        values=request.form if error else {},
    ), status


@bp.get("/calendar")
def calendar() -> tuple[str, int]:
    return _page()


@bp.post("/calendar")
def change_day() -> Any:
    form = request.form
    kind = form.get("kind", "")
    if kind not in ("off", "working", "clear"):
        return _page(
            ValidationFailed(_("Chọn loại điều chỉnh."), {"kind": _("Chọn loại điều chỉnh.")}), 422
        )
    try:
        moves = admin.set_calendar_day(
            db(),
            actor(),
            form.get("day", ""),
            None if kind == "clear" else kind,
            form.get("note", ""),
        )
    except ValidationFailed as exc:
        return _page(exc, 422)
    except NotFound as exc:
        return _page(ValidationFailed(exc.message, {"day": exc.message}), 422)
    flash(
        _(
            "Đã cập nhật lịch làm việc; %(count)s việc đang mở được tính lại hạn xử lý"
            " và người xử lý đã được thông báo.",
            count=len(moves),
        )
        if moves
        else _("Đã cập nhật lịch làm việc; không việc đang mở nào đổi hạn."),
        "success",
    )
    return redirect(url_for("admin.calendar", year=form.get("day", "")[:4] or None))
