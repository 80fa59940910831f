"""Check submitted data against a task's declared form (``formFields``), in Vietnamese.

A field type may have a handler (``engine.wiring.Wiring.field_handlers``): the runtime plugs one for
``ballot`` that seals the vote and returns a receipt, so the vote itself never reaches task data
or the audit trail.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from engine import wiring
from engine.errors import ValidationFailed
from engine.models import HumanTask
from engine.text import N_

#: The longest value of a text field unless its declaration says ``maxLength``; no text is
#: stored unbounded (a 1 M-character report would bloat the audit row and the workflow state).
DEFAULT_MAX_LENGTH = {"text": 500, "textarea": 20_000}
#: The most a declaration may allow (``maxLength`` above it is refused at deploy).
MAX_MAX_LENGTH = 100_000

#: Field types whose values are secret: never stored in task data or audit summaries.
SECRET_TYPES = frozenset({"ballot"})


def has_secret_field(form: list[dict[str, Any]]) -> bool:
    """Return whether the form holds a field whose value must stay secret."""
    return any(f.get("type") in SECRET_TYPES for f in form)


def _label(field: dict[str, Any]) -> str:
    return str(field.get("label") or field["name"])


def max_length(field: dict[str, Any]) -> int | None:
    """Return the most characters a text field accepts (its ``maxLength`` or the type's default)."""
    declared = field.get("maxLength")
    if isinstance(declared, int) and not isinstance(declared, bool):
        return declared
    return DEFAULT_MAX_LENGTH.get(str(field.get("type")))


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _coerce(field: dict[str, Any], value: Any) -> Any:
    """Return the value in its declared type; raise ValueError with a message for people."""
    kind = field.get("type")
    if kind in ("text", "textarea"):
        if not isinstance(value, str):
            raise ValueError(N_("phải là văn bản"))
        text = value.strip()
        limit = max_length(field)
        if limit is not None and len(text) > limit:
            raise ValueError(f"dài quá {limit:,} ký tự (đã nhập {len(text):,})".replace(",", "."))
        return text
    if kind == "choice":
        allowed = [c["value"] for c in field.get("choices", [])]
        if value not in allowed:
            labels = ", ".join(str(c.get("label", c["value"])) for c in field.get("choices", []))
            raise ValueError(N_("phải là một trong các lựa chọn: %(labels)s", labels=labels))
        return value
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if value in ("true", "false"):
            return value == "true"
        raise ValueError(N_("phải là Có hoặc Không"))
    if kind == "integer":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value.strip())
        raise ValueError(N_("phải là số nguyên"))
    if kind == "date":
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip()).isoformat()
            except ValueError:
                pass
        raise ValueError(N_("phải là ngày theo dạng YYYY-MM-DD"))
    if kind == "ballot":
        if not isinstance(value, dict):
            raise ValueError(N_("phiếu bầu không hợp lệ"))
        return value
    raise ValueError(N_("kiểu trường «%(kind)s» không được hỗ trợ", kind=kind))


def validate(form: list[dict[str, Any]], data: dict[str, Any]) -> dict[str, Any]:
    """Return ``data`` checked and converted; every declared field is present (None if empty).

    Raise ValidationFailed with a message per field: unknown field, missing required value,
    wrong type, text longer than the field's ``maxLength``, value not among the choices.
    """
    errors: dict[str, str] = {}
    declared = {f["name"]: f for f in form}
    for name in data:
        if name not in declared:
            errors[name] = N_("Trường này không có trong biểu mẫu của bước.")
    cleaned: dict[str, Any] = {}
    for name, field in declared.items():
        value = data.get(name)
        if _empty(value):
            cleaned[name] = None
            continue
        try:
            cleaned[name] = _coerce(field, value)
        except ValueError as exc:
            errors[name] = f"«{_label(field)}» {exc}."
    for name, field in declared.items():
        if name in errors or not _empty(cleaned.get(name)):
            continue
        condition = field.get("requiredIf")
        required = bool(field.get("required"))
        if isinstance(condition, dict):
            required = required or cleaned.get(condition.get("field", "")) in condition.get(
                "in", []
            )
        if required:
            errors[name] = N_("Vui lòng nhập «%(field)s».", field=_label(field))
    if errors:
        raise ValidationFailed(N_("Dữ liệu nhập chưa hợp lệ, vui lòng kiểm tra lại."), errors)
    return cleaned


def take_secrets(session: Session, task: HumanTask, cleaned: dict[str, Any]) -> dict[str, Any]:
    """Hand secret fields to their handlers; return the data with their receipts instead."""
    result = dict(cleaned)
    for field in task.form:
        kind = field.get("type")
        if kind not in SECRET_TYPES:
            continue
        handler = wiring.of(session).field_handlers.get(kind)
        if handler is None:
            raise ValidationFailed(
                N_("Hệ thống chưa cấu hình hòm phiếu kín; không thể nhận phiếu."),
                {field["name"]: N_("Chưa thể bỏ phiếu.")},
            )
        result[field["name"]] = handler(session, task, cleaned[field["name"]])
    return result


def audit_summary(form: list[dict[str, Any]], cleaned: dict[str, Any]) -> dict[str, Any]:
    """Return what the audit trail records of a submission (never a secret field's content)."""
    if has_secret_field(form):
        return {"note": "ballot cast"}
    return {"data": cleaned}
