"""What every administration operation shares: the permission check and field parsing."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from engine import permissions
from engine.errors import Forbidden, NotFound, ValidationFailed
from engine.models import (
    User,
)
from engine.text import N_

MIN_PASSWORD = 8


def require(actor: User, section: permissions.Section) -> None:
    """Raise Forbidden unless ``actor`` may use the admin ``section`` (engine.permissions)."""
    if not permissions.may_administer(actor, section):
        raise Forbidden(N_("Bạn không có quyền quản trị chức năng này."))


def text_field(
    value: Any, field: str, label: str, max_len: int = 255, required: bool = True
) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationFailed(
            N_("%(label)s: không được để trống.", label=label), {field: N_("Không được để trống.")}
        )
    if len(text) > max_len:
        message = N_("Tối đa %(max_len)s ký tự.", max_len=max_len)
        raise ValidationFailed(f"{label}: {message}", {field: message})
    return text


def date_field(value: Any, field: str, label: str, required: bool = True) -> date | None:
    """Return an ISO date typed into a form field (None if empty and allowed)."""
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        if required:
            raise ValidationFailed(
                N_("%(label)s: chưa nhập ngày.", label=label), {field: N_("Chưa nhập ngày.")}
            )
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        message = N_("Ngày không hợp lệ (dạng YYYY-MM-DD).")
        raise ValidationFailed(f"{label}: {message}", {field: message}) from None


def get_row(session: Session, model: Any, row_id: int | None, label: str) -> Any:
    """Return the row ``row_id`` of ``model``; NotFound naming it with ``label`` otherwise."""
    row = session.get(model, row_id) if row_id is not None else None
    if row is None:
        raise NotFound(f"Không tìm thấy {label} #{row_id}.")
    return row
