"""Check submitted data against a task's declared form (``formFields``), in Vietnamese.

The one form model of the engine, whichever notation the designer used (``formFields``,
``camunda:formData``, a JSON schema: engine.workflow.notations converts them): a field has
``name``, ``type``, ``label``, ``required``/``requiredIf``, ``choices``, ``help``, ``default``,
``readonly`` (shown, never taken from the submission), ``minLength``/``maxLength`` for text,
``min``/``max`` for numbers, and ``jsonSchema`` (a JSON-schema form's own property, checked with
the ``jsonschema`` library after the field's own checks).

A field type may have a handler (``engine.wiring.Wiring.field_handlers``): the runtime plugs one for
``ballot`` that seals the vote and returns a receipt, so the vote itself never reaches task data
or the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from engine import wiring
from engine.errors import ValidationFailed
from engine.models import HumanTask

#: The longest value of a text field unless its declaration says ``maxLength``; no text is
#: stored unbounded (a 1 M-character report would bloat the audit row and the workflow state).
DEFAULT_MAX_LENGTH = {"text": 500, "textarea": 20_000}
#: The most a declaration may allow (``maxLength`` above it is refused at deploy).
MAX_MAX_LENGTH = 100_000

#: Field types whose values are secret: never stored in task data or audit summaries.
SECRET_TYPES = frozenset({"ballot"})


#: Decision values that send the dossier back for revision (``province_outcome`` asks for a
#: supplement); the step's reason field then says why.
RETURN_VALUES = frozenset({"return", "supplement"})


@dataclass(frozen=True)
class Decision:
    """What a step decided, read from its form: the decision field, its label, the reason."""

    field: str
    value: Any
    label: str
    reason: str | None
    returned: bool
    reason_field: str | None = None


def _is_decision(field: dict[str, Any]) -> bool:
    name = str(field.get("name", ""))
    return field.get("type") == "choice" and (
        name == "decision" or name.endswith(("_decision", "_outcome"))
    )


def _is_reason(field: dict[str, Any]) -> bool:
    name = str(field.get("name", ""))
    return field.get("type") in ("text", "textarea") and (
        name == "reason" or name.endswith(("_reason", "_note"))
    )


def decision(form: list[dict[str, Any]], data: dict[str, Any]) -> Decision | None:
    """Return the decision a completion made, or None if the step decides nothing.

    The decision is the form's ``choice`` field named ``decision``, ``*_decision`` or
    ``*_outcome`` (``unit_decision``, ``completeness_decision``, ``province_outcome``); its reason
    is the text field named ``reason``, ``*_reason`` or ``*_note`` (workflows/README.md).
    """
    field = next((f for f in form if _is_decision(f)), None)
    if field is None or data.get(field["name"]) is None:
        return None
    value = data[field["name"]]
    label = next(
        (str(c.get("label", value)) for c in field.get("choices", []) if c.get("value") == value),
        str(value),
    )
    reason_field = next((f for f in form if _is_reason(f)), None)
    reason = data.get(reason_field["name"]) if reason_field else None
    return Decision(
        field["name"],
        value,
        label,
        str(reason) if reason else None,
        value in RETURN_VALUES,
        reason_field["name"] if reason_field else None,
    )


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
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def with_choices(form: list[dict[str, Any]], data: dict[str, Any]) -> list[dict[str, Any]]:
    """Return ``form`` with each checklist's choices read from the task data its options name.

    A checklist declares ``"options": {"from": "members", "value": "user_id", "label": "name"}``:
    the choices are the items of the list (or the values of the mapping) ``data["members"]``,
    each offered by its label and submitted by its value (an id). The task row keeps the
    resolved choices, so the page shows names and ``validate`` accepts only those ids.
    """
    resolved = []
    for field in form:
        options = field.get("options")
        if field.get("type") == "checklist" and isinstance(options, dict):
            items = data.get(str(options.get("from")))
            if isinstance(items, dict):
                items = list(items.values())
            key, label = str(options.get("value")), str(options.get("label"))
            choices = [
                {"value": item[key], "label": str(item.get(label) or item[key])}
                for item in (items if isinstance(items, list) else [])
                if isinstance(item, dict) and isinstance(item.get(key), (int, str))
            ]
            field = {**field, "choices": choices}
        resolved.append(field)
    return resolved


def _checklist(field: dict[str, Any], value: Any) -> list[Any]:
    """Return the picked choices' values (ids) in their own type; refuse anything not offered."""
    values = value if isinstance(value, list) else [value]
    offered = {str(c["value"]): c["value"] for c in field.get("choices", [])}
    picked: list[Any] = []
    unknown: list[str] = []
    for item in values:
        text = str(item).strip() if isinstance(item, (int, str)) else "?"
        if text in offered:
            if offered[text] not in picked:
                picked.append(offered[text])
        elif text:
            unknown.append(text[:20])
    if unknown:
        raise ValueError("có mục không thuộc danh sách để chọn: " + ", ".join(unknown[:5]))
    return picked


def _coerce(field: dict[str, Any], value: Any) -> Any:
    """Return the value in its declared type; raise ValueError with a message for people."""
    kind = field.get("type")
    if kind in ("text", "textarea"):
        if not isinstance(value, str):
            raise ValueError("phải là văn bản")
        text = value.strip()
        limit = max_length(field)
        if limit is not None and len(text) > limit:
            raise ValueError(f"dài quá {limit:,} ký tự (đã nhập {len(text):,})".replace(",", "."))
        shortest = field.get("minLength")
        if isinstance(shortest, int) and len(text) < shortest:
            raise ValueError(f"phải có ít nhất {shortest} ký tự")
        return text
    if kind == "choice":
        allowed = [c["value"] for c in field.get("choices", [])]
        if value not in allowed:
            labels = ", ".join(str(c.get("label", c["value"])) for c in field.get("choices", []))
            raise ValueError(f"phải là một trong các lựa chọn: {labels}")
        return value
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if value in ("true", "false"):
            return value == "true"
        raise ValueError("phải là Có hoặc Không")
    if kind == "integer":
        if isinstance(value, int) and not isinstance(value, bool):
            return _in_range(field, value)
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return _in_range(field, int(value.strip()))
        raise ValueError("phải là số nguyên")
    if kind == "number":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return _in_range(field, value)
        if isinstance(value, str):
            try:
                number = float(value.strip().replace(",", "."))
            except ValueError:
                pass
            else:
                if number == number and number not in (float("inf"), float("-inf")):
                    return _in_range(field, int(number) if number.is_integer() else number)
        raise ValueError("phải là số")
    if kind == "date":
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip()).isoformat()
            except ValueError:
                pass
        raise ValueError("phải là ngày theo dạng YYYY-MM-DD")
    if kind == "checklist":
        return _checklist(field, value)
    if kind == "ballot":
        if not isinstance(value, dict):
            raise ValueError("phiếu bầu không hợp lệ")
        return value
    raise ValueError(f"kiểu trường «{kind}» không được hỗ trợ")


def _in_range(field: dict[str, Any], value: int | float) -> int | float:
    low, high = field.get("min"), field.get("max")
    if isinstance(low, int | float) and value < low:
        raise ValueError(f"không được nhỏ hơn {low}")
    if isinstance(high, int | float) and value > high:
        raise ValueError(f"không được lớn hơn {high}")
    return value


def _schema_problem(field: dict[str, Any], value: Any) -> str | None:
    """Return what the field's JSON schema finds wrong with ``value`` (None: nothing)."""
    schema = field.get("jsonSchema")
    if not isinstance(schema, dict) or value is None:
        return None
    import jsonschema

    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(schema).iter_errors(value)
    )
    if error is None:
        return None
    return f"không hợp lệ theo lược đồ của biểu mẫu ({error.validator}: {error.message})"


def validate(form: list[dict[str, Any]], data: dict[str, Any]) -> dict[str, Any]:
    """Return ``data`` checked and converted; every declared field is present (None if empty).

    Raise ValidationFailed with a message per field: unknown field, missing required value,
    wrong type, text longer than the field's ``maxLength``, value not among the choices (a
    checklist's values are ids of its resolved choices, so no unknown id reaches a script).
    """
    errors: dict[str, str] = {}
    declared = {f["name"]: f for f in form if not f.get("readonly")}
    shown = {f["name"] for f in form if f.get("readonly")}
    for name in data:
        if name not in declared and name not in shown:
            errors[name] = "Trường này không có trong biểu mẫu của bước."
    cleaned: dict[str, Any] = {}
    for name, field in declared.items():
        value = data.get(name)
        if _empty(value):
            cleaned[name] = [] if field.get("type") == "checklist" else None
            continue
        try:
            cleaned[name] = _coerce(field, value)
        except ValueError as exc:
            errors[name] = f"«{_label(field)}» {exc}."
            continue
        problem = _schema_problem(field, cleaned[name])
        if problem:
            errors[name] = f"«{_label(field)}» {problem}."
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
            errors[name] = f"Vui lòng nhập «{_label(field)}»."
    if errors:
        raise ValidationFailed("Dữ liệu nhập chưa hợp lệ, vui lòng kiểm tra lại.", errors)
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
                "Hệ thống chưa cấu hình hòm phiếu kín; không thể nhận phiếu.",
                {field["name"]: "Chưa thể bỏ phiếu."},
            )
        result[field["name"]] = handler(session, task, cleaned[field["name"]])
    return result


def audit_summary(form: list[dict[str, Any]], cleaned: dict[str, Any]) -> dict[str, Any]:
    """Return what the audit trail records of a submission (never a secret field's content)."""
    if has_secret_field(form):
        return {"note": "ballot cast"}
    return {"data": cleaned}
