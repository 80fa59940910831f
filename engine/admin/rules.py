"""The figures the legal basis leaves to the agency, and the reminder ladders."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine import audit, notify
from engine.admin.common import (
    require,
    text_field,
)
from engine.domain import rule_settings
from engine.domain.rules.legal_basis import BY_CODE as LEGAL_BASES
from engine.domain.rules.titles import title_codes
from engine.errors import ValidationFailed
from engine.models import (
    RuleSetting,
    User,
)
from engine.notify.ladder import ladder_from_json
from engine.text import N_
from engine.unit_of_work import unit_of_work


def set_rule(
    session: Session,
    actor: User,
    *,
    legal_basis: str,
    title_code: str,
    key: str,
    value: str,
    citation: str,
) -> RuleSetting:
    """Set a figure the legal basis leaves to the agency, with the authority it rests on."""
    require(actor, "rules")
    if legal_basis not in LEGAL_BASES:
        raise ValidationFailed(
            N_("Căn cứ pháp lý không hợp lệ."), {"legal_basis": N_("Không hợp lệ.")}
        )
    if title_code != "*" and title_code not in title_codes():
        raise ValidationFailed(N_("Danh hiệu không hợp lệ."), {"title_code": N_("Không hợp lệ.")})
    parsed = rule_settings.parse_value(key, value)
    citation = text_field(citation, "citation", N_("Căn cứ (điều khoản, quy chế)"), 2000)
    with unit_of_work(session):
        row, previous = rule_settings.save_setting(
            session, legal_basis, title_code, key, parsed, citation, actor.id
        )
        audit.record(
            session,
            "rule_set",
            actor_id=actor.id,
            summary={
                "legal_basis": legal_basis,
                "title_code": title_code,
                "key": key,
                "value": parsed,
                "previous": previous,
                "citation": citation,
            },
        )
    return row


def set_reminder_ladder(session: Session, actor: User, task_type: str, ladder_json: str) -> None:
    """Store the reminder ladder (JSON) of an element id or ``default``; reschedule open tasks."""
    require(actor, "rules")
    task_type = text_field(task_type, "task_type", N_("Loại việc"), 120)
    try:
        ladder = ladder_from_json(ladder_json)
    except ValueError as exc:
        raise ValidationFailed(
            N_("Thang nhắc việc không hợp lệ: %(exc)s", exc=exc), {"ladder": str(exc)}
        ) from None
    with unit_of_work(session):
        notify.save_ladder(session, task_type, ladder, actor.id)
        audit.record(
            session,
            "reminder_ladder_set",
            actor_id=actor.id,
            summary={"task_type": task_type, "ladder": ladder_json},
        )
