"""Campaigns: the secretariat drafts them and launches them (phát động)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, events
from engine.admin.common import (
    date_field,
    get_row,
    require,
    text_field,
)
from engine.domain.rules.legal_basis import BY_CODE as LEGAL_BASES
from engine.domain.rules.legal_basis import period_error
from engine.domain.rules.titles import processed_title_codes
from engine.errors import Conflict, ValidationFailed
from engine.models import (
    Campaign,
    User,
)
from engine.models.base import utcnow
from engine.models.campaign import CAMPAIGN_KINDS
from engine.unit_of_work import unit_of_work

#: The longest reason an administrator gives for a legal basis outside its period.
MAX_OVERRIDE_REASON = 2000


def create_campaign(session: Session, actor: User, form: Mapping[str, Any]) -> Campaign:
    """Create a draft campaign from form values (strings; ``title_codes`` a list)."""
    require(actor, "campaigns")
    errors: dict[str, str] = {}

    def field(check: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return check(*args, **kwargs)
        except ValidationFailed as exc:
            errors.update(exc.field_errors)
            return None

    code = field(text_field, form.get("code"), "code", "Mã", 60)
    name = field(text_field, form.get("name"), "name", "Tên phong trào")
    kind = form.get("kind")
    if kind not in CAMPAIGN_KINDS:
        errors["kind"] = "Chọn loại phong trào."
    dates = {
        key: field(date_field, form.get(key), key, key)
        for key in ("starts_on", "ends_on", "registration_deadline", "nomination_deadline")
    }
    if dates["starts_on"] and dates["ends_on"] and dates["ends_on"] < dates["starts_on"]:
        errors["ends_on"] = "Ngày kết thúc phải sau ngày bắt đầu."
    registration, nomination = dates["registration_deadline"], dates["nomination_deadline"]
    if registration and dates["starts_on"] and registration < dates["starts_on"]:
        errors["registration_deadline"] = "Hạn đăng ký không được trước ngày bắt đầu."
    if nomination and registration and nomination < registration:
        errors["nomination_deadline"] = "Hạn gửi hồ sơ phải sau hạn đăng ký."
    basis = form.get("legal_basis")
    override = str(form.get("basis_override_reason") or "").strip()
    if len(override) > MAX_OVERRIDE_REASON:
        errors["basis_override_reason"] = f"Tối đa {MAX_OVERRIDE_REASON} ký tự."
    mismatch: str | None = None
    if basis not in LEGAL_BASES:
        errors["legal_basis"] = "Chọn căn cứ pháp lý."
    elif dates["starts_on"] and dates["ends_on"]:
        mismatch = period_error(str(basis), dates["starts_on"], dates["ends_on"])
        if mismatch and not override:
            errors["legal_basis"] = mismatch + (
                ". Quản trị viên có thể vẫn áp dụng khi ghi rõ lý do."
                if actor.has_role("admin")
                else "."
            )
        elif mismatch and not actor.has_role("admin"):
            errors["legal_basis"] = mismatch + ". Chỉ quản trị viên được áp dụng ngoài thời kỳ."
    titles = [str(t) for t in form.get("title_codes") or []]
    if not titles:
        errors["title_codes"] = "Chọn ít nhất một danh hiệu, hình thức."
    elif set(titles) - set(processed_title_codes()):
        errors["title_codes"] = "Danh hiệu không xét tại Sở: " + ", ".join(
            sorted(set(titles) - set(processed_title_codes()))
        )
    if errors:
        raise ValidationFailed("Thông tin phong trào chưa hợp lệ.", errors)
    with unit_of_work(session):
        if session.scalar(select(Campaign.id).where(Campaign.code == code)) is not None:
            message = f"Mã «{code}» đã được dùng."
            raise ValidationFailed(message, {"code": message})
        campaign = Campaign(
            code=code,
            name=name,
            kind=kind,
            year=dates["starts_on"].year,
            legal_basis=basis,
            title_codes=titles,
            basis_override_reason=override if mismatch else None,
            **dates,
        )
        session.add(campaign)
        session.flush()
        summary: dict[str, Any] = {"campaign_id": campaign.id, "code": code, "titles": titles}
        if mismatch:
            summary |= {"basis_override": mismatch, "reason": override}
        audit.record(session, "campaign_created", actor_id=actor.id, summary=summary)
    return campaign


def open_campaign(session: Session, actor: User, campaign_id: int) -> Campaign:
    """Launch a draft campaign (phát động): the clerks of every active unit are notified."""
    require(actor, "campaigns")
    with unit_of_work(session):
        campaign: Campaign = get_row(session, Campaign, campaign_id, "phong trào")
        if campaign.opened_at is not None:
            raise Conflict(f"Phong trào «{campaign.name}» đã được phát động.")
        campaign.opened_at, campaign.opened_by = utcnow(), actor.id
        events.publish(session, [events.CampaignOpened(campaign.id)])
        audit.record(
            session, "campaign_opened", actor_id=actor.id, summary={"campaign_id": campaign.id}
        )
    return campaign
