"""Rule figures per legal basis with the articles they cite; the agency's settings; ladders."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from engine import admin, notify
from engine.admin import reads
from engine.domain import rule_settings
from engine.domain.rules.legal_basis import LEGAL_BASES
from engine.domain.rules.titles import BY_CODE as TITLES
from engine.domain.rules.titles import title_codes
from engine.errors import ValidationFailed
from engine.notify.ladder import DEFAULT_REPEAT_LIMIT, RungKind, ladder_to_data
from web.admin import bp, section
from web.common import actor
from web.context import db
from web.i18n import basis_name, title_name, translate

#: Blank rows the ladder editor offers for new rungs.
NEW_RUNGS = 2
_LIST = re.compile(r"^\?\s+in\s+\[(.*)\]$")
_COMPARISON = re.compile(r"^(>=|<=|>|<|=)\s*(-?[\d.]+)$")
_QUOTED = re.compile(r'"([^"]*)"')


def _value_name(value: str) -> str:
    """Return the name of a DMN value: a title, a legal basis, a base or a deciding level."""
    words = {
        "all_members": _("tổng số thành viên"),
        "present": _("số có mặt"),
        "director": _("Giám đốc Sở"),
        "province": _("Tỉnh / Trung ương"),
        "central": _("Trung ương"),
    }
    if value in TITLES:
        return title_name(value)
    if value in words:
        return str(words[value])
    named = basis_name(value)
    if named != value:
        return named.split(" (")[0]  # the decree's number; its full title is in the citation
    if re.fullmatch(r"\d+/\d+", value):
        return f"{float(Fraction(value)):.2f}".rstrip("0").rstrip(".")
    return value


def rule_cell(text: str) -> str:
    """Return a DMN cell (a FEEL test or value) as people read it: names, not expressions."""
    cell = text.strip()
    if cell in ("", "-"):
        return str(_("Mọi trường hợp"))
    if cell.lower() in ("true", "false"):
        return str(_("Có") if cell.lower() == "true" else _("Không"))
    listed = _LIST.match(cell)
    if listed or (cell.startswith('"') and cell.endswith('"')):
        values = _QUOTED.findall(listed.group(1) if listed else cell)
        return ", ".join(_value_name(v) for v in values)
    compared = _COMPARISON.match(cell)
    if compared:
        signs = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "="}
        return f"{signs[compared.group(1)]} {compared.group(2)}"
    return _value_name(cell)


def _ladder_rows(form: MultiDict[str, str]) -> list[dict[str, Any]]:
    """Read the ladder editor's rows (one rung each; an empty or deleted row is left out).

    The numbers are checked here, each named in the error; what they mean is checked by the
    engine (``engine.notify.ladder``)."""
    rows: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    numbers = sorted({int(k.split("-")[1]) for k in form if re.fullmatch(r"key-\d{1,3}", k)})
    for n in numbers:
        key = form.get(f"key-{n}", "").strip()
        if form.get(f"delete-{n}") or (not key and not form.get(f"offset-{n}", "").strip()):
            continue
        row: dict[str, Any] = {
            "key": key,
            "kind": form.get(f"kind-{n}", ""),
            "recipient": form.get(f"recipient-{n}", ""),
            "repeat": bool(form.get(f"repeat-{n}")),
        }
        for name in ("offset", "repeat_limit"):
            raw = form.get(f"{name}-{n}", "").strip()
            if name == "repeat_limit" and (not row["repeat"] or not raw):
                continue
            try:
                row[name] = int(raw)
            except ValueError:
                errors[f"{name}-{n}"] = _("Nhập một số nguyên.")
        rows.append(row)
    if not rows and not errors:
        errors["ladder"] = _("Thang nhắc cần ít nhất một mốc.")
    if errors:
        raise ValidationFailed(_("Thang nhắc việc chưa hợp lệ."), errors)
    return rows


HISTORY_ACTIONS = ("rule_set", "reminder_ladder_set", "calendar_changed")


def _page(
    error: ValidationFailed | None = None, form: str = "", status: int = 200
) -> tuple[str, int]:
    session = db()
    settings = reads.settings(session)
    history = reads.history(session, HISTORY_ACTIONS)
    limits = reads.step_limits(session)
    step_names = {"default": _("Mặc định (mọi bước)")} | {
        element: translate(name) for _p, element, name, _d in limits
    }
    return render_template(
        "admin/rules.html",
        tables=reads.decision_tables(session),
        limits=limits,
        step_names=step_names,
        setting_names=rule_settings.SETTING_KEYS,
        settings=settings,
        ladders={k: ladder_to_data(v) for k, v in notify.load_ladders(session).items()},
        new_rungs=NEW_RUNGS,
        default_repeat_limit=DEFAULT_REPEAT_LIMIT,
        rung_kinds=[k.value for k in RungKind],
        rule_cell=rule_cell,
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
                "choices": [{"value": b.code, "label": basis_name(b.code)} for b in LEGAL_BASES],
            },
            {
                "name": "title_code",
                "type": "choice",
                "label": _("Danh hiệu"),
                "required": True,
                "choices": [{"value": "*", "label": _("Mọi danh hiệu")}]
                + [{"value": c, "label": title_name(c)} for c in title_codes()],
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
        rows = _ladder_rows(form)
        admin.set_reminder_ladder(db(), actor(), form.get("task_type", ""), json.dumps(rows))
    except ValidationFailed as exc:
        return _page(exc, "ladder:" + form.get("task_type", ""), 422)
    flash(_("Đã lưu thang nhắc việc; các việc đang mở đã được lập lại lịch nhắc."), "success")
    return redirect(url_for("admin.rules"))
