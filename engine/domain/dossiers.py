"""Dossiers: filing a nomination, withdrawing it, overriding eligibility, recording the award.

Each public function is one operation (one unit of work): the dossier row and its workflow are
written together, so a dossier never exists without its instance or the other way round.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import bindparam, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine import audit, events, permissions
from engine.domain import nominees, rule_settings
from engine.domain.rules import titles
from engine.domain.rules.tally import UnconfirmedRuleError
from engine.errors import Conflict, Forbidden, NotFound, ValidationFailed
from engine.models import (
    AwardRecord,
    Campaign,
    Dossier,
    HumanTask,
    OrgUnit,
    ProcessInstance,
    User,
)
from engine.models.base import utcnow
from engine.text import MAX_REASON_CHARS, N_, bounded, search_key
from engine.unit_of_work import unit_of_work
from engine.workflow import operations, stepping

NOMINATION = "tdkt_nomination"
#: Orders and state titles are posted ≥ 10 working days before the council (NĐ 98/2023 Điều 46).
STATE_FORMS = frozenset({"BKTTG", "HCLD3"})
STATE_FORM_POSTING_DAYS = 10
ISSUERS = {
    "director": "Giám đốc Sở Khoa học và Công nghệ",
    "province": "Chủ tịch Ủy ban nhân dân tỉnh",
    "ministry": "Bộ trưởng, Thủ trưởng cơ quan trung ương",
    "central": "Thủ tướng Chính phủ / Chủ tịch nước",
}


class DuplicateDossier(Conflict):
    """The nominee already has a live dossier of this title in the campaign; ``dossier_id`` names
    it, so a page can link to it."""

    def __init__(self, message: str, dossier_id: int) -> None:
        super().__init__(message)
        self.dossier_id = dossier_id


def posting_days(session: Session, legal_basis: str, title_code: str) -> int:
    """Return how many working days the dossier is posted for comments (công khai)."""
    settings = rule_settings.settings_for(session, {legal_basis})
    for scope in (title_code, "*"):
        value = settings.get((legal_basis, scope, "posting_days"))
        if value is not None:
            return int(value)
    if title_code in STATE_FORMS:
        return STATE_FORM_POSTING_DAYS
    raise UnconfirmedRuleError(
        N_(
            "Số ngày công khai theo %(legal_basis)s chưa được thiết lập: quản trị viên phải "
            "nhập trong mục Quy định trước khi lập hồ sơ.",
            legal_basis=legal_basis,
        )
    )


#: The longest achievement summary a filing takes (the textarea default of task forms).
MAX_ACHIEVEMENTS_CHARS = 20_000


def file_dossier(
    session: Session,
    actor: User,
    *,
    campaign_id: int,
    title_code: str,
    nominee_user_id: int | None = None,
    nominee_unit_id: int | None = None,
    achievements: str | None = None,
) -> Dossier:
    """File a nomination (nominee × title × campaign) and start its procedure."""
    if achievements is not None:
        achievements = bounded(
            achievements, "achievements", N_("Tóm tắt thành tích"), MAX_ACHIEVEMENTS_CHARS
        )
    with unit_of_work(session):
        campaign = session.get(Campaign, campaign_id)
        if campaign is None:
            raise NotFound(f"Không tìm thấy đợt thi đua #{campaign_id}.")
        try:
            title = titles.get_title(title_code)
        except titles.UnknownTitleError:
            raise ValidationFailed(
                N_("Danh hiệu không hợp lệ."),
                {"title_code": N_("Chọn một danh hiệu trong danh sách.")},
            ) from None
        if title_code not in campaign.title_codes:
            raise ValidationFailed(
                f"Đợt «{campaign.name}» không xét {title.name}.",
                {"title_code": N_("Danh hiệu này không mở trong đợt thi đua.")},
            )
        dossier = _new_dossier(session, campaign, title, nominee_user_id, nominee_unit_id)
        if not permissions.may_file(actor, dossier.unit_id):
            raise Forbidden(
                N_("Chỉ cán bộ phụ trách TĐKT của đơn vị được lập hồ sơ cho đơn vị mình.")
            )
        duplicate = session.scalar(
            select(Dossier.id).where(
                Dossier.campaign_id == campaign.id,
                Dossier.title_code == title_code,
                Dossier.nominee_kind == dossier.nominee_kind,
                (Dossier.nominee_user_id == nominee_user_id)
                if dossier.nominee_kind == "individual"
                else (Dossier.nominee_unit_id == nominee_unit_id),
                Dossier.status.not_in(("withdrawn", "cancelled")),
            )
        )
        if duplicate is not None:
            raise DuplicateDossier(
                N_(
                    "%(nominee_name)s đã có hồ sơ %(name)s trong đợt này (#%(duplicate)s).",
                    nominee_name=dossier.nominee_name,
                    name=title.name,
                    duplicate=duplicate,
                ),
                duplicate,
            )
        dossier.achievements = achievements
        dossier.created_by = actor.id
        session.add(dossier)
        session.flush()
        result = nominees.check(session, dossier, filing=True)
        dossier.eligibility = result.to_record()
        _start_nomination(session, dossier, actor)
        audit.record(
            session,
            "dossier_filed",
            actor_id=actor.id,
            dossier_id=dossier.id,
            summary={"title_code": title_code, "nominee": dossier.nominee_name},
        )
    return dossier


def _new_dossier(
    session: Session,
    campaign: Campaign,
    title: titles.Title,
    nominee_user_id: int | None,
    nominee_unit_id: int | None,
) -> Dossier:
    if (nominee_user_id is None) == (nominee_unit_id is None):
        raise ValidationFailed(
            N_("Chọn một cá nhân hoặc một tập thể được đề nghị."),
            {"nominee": N_("Chọn một cá nhân hoặc một tập thể.")},
        )
    kind = "individual" if nominee_user_id is not None else "collective"
    if kind not in title.nominee_kinds:
        who = N_("cá nhân") if kind == "individual" else N_("tập thể")
        raise ValidationFailed(
            f"{title.name} không xét cho {who}.", {"title_code": f"Không xét cho {who}."}
        )
    if nominee_user_id is not None:
        person = session.get(User, nominee_user_id)
        if person is None or not person.active or person.unit_id is None:
            raise NotFound(
                N_("Không tìm thấy cán bộ được đề nghị (hoặc cán bộ chưa thuộc đơn vị).")
            )
        unit_id, name, position = person.unit_id, person.full_name, person.position
    else:
        unit = session.get(OrgUnit, nominee_unit_id)
        if unit is None or not unit.active:
            raise NotFound(N_("Không tìm thấy tập thể được đề nghị."))
        unit_id, name, position = unit.id, unit.name, None
    return Dossier(
        campaign_id=campaign.id,
        unit_id=unit_id,
        nominee_kind=kind,
        nominee_user_id=nominee_user_id,
        nominee_unit_id=nominee_unit_id,
        nominee_name=name,
        nominee_search=search_key(name),
        nominee_position=position,
        title_code=title.code,
        legal_basis=campaign.legal_basis,
        year=campaign.year,
        stage="prepare",
        status="active",
    )


def _running_instance(session: Session, dossier_id: int) -> ProcessInstance:
    instance = session.scalars(
        select(ProcessInstance)
        .where(ProcessInstance.dossier_id == dossier_id, ProcessInstance.status == "running")
        .order_by(ProcessInstance.id.desc())
    ).first()
    if instance is None:
        raise Conflict(
            N_("Hồ sơ #%(dossier_id)s không còn trong quy trình.", dossier_id=dossier_id)
        )
    return instance


def withdraw_dossier(
    session: Session,
    actor: User,
    dossier_id: int,
    reason: str,
    precondition: operations.Precondition | None = None,
) -> Dossier:
    """Withdraw a dossier before the council session (the unit's decision), with a reason.

    ``precondition`` is checked on the locked dossier (operations.lock_dossier)."""
    if not reason or not reason.strip():
        raise ValidationFailed(
            N_("Vui lòng nêu lý do rút hồ sơ."), {"reason": N_("Nêu lý do rút hồ sơ.")}
        )
    reason = bounded(reason, "reason", N_("Lý do rút hồ sơ"), MAX_REASON_CHARS)
    with unit_of_work(session):
        dossier = operations.lock_dossier(session, dossier_id, precondition)
        if not permissions.may_withdraw(actor, dossier):
            raise Forbidden(N_("Chỉ đơn vị lập hồ sơ (hoặc Thường trực Hội đồng) được rút hồ sơ."))
        instance = _running_instance(session, dossier_id)
        try:
            stepping.deliver(session, instance.id, "withdraw", {"reason": reason}, actor.id)
        except Conflict:
            raise Conflict(
                N_("Không thể rút hồ sơ ở bước này: Hội đồng đã có kết quả đối với hồ sơ.")
            ) from None
    # The step wrote its stage and status into this same object (projection.update_dossier):
    # no refresh, which would open a transaction the caller did not ask for.
    return dossier


def override_eligibility(
    session: Session,
    actor: User,
    dossier_id: int,
    reason: str,
    precondition: operations.Precondition | None = None,
) -> Dossier:
    """Let an ineligible dossier go on (administrator only), recording who, when and why.

    Before the clerk submits the dossier the override is simply noted; a dossier already
    blocked by the check is taken up again with a new run of the procedure.
    """
    if not permissions.may_override_eligibility(actor):
        raise Forbidden(N_("Chỉ quản trị hệ thống được cho phép hồ sơ không đủ điều kiện đi tiếp."))
    if not reason or not reason.strip():
        raise ValidationFailed(N_("Vui lòng nêu lý do."), {"reason": N_("Nêu lý do cho phép.")})
    reason = bounded(reason, "reason", "Lý do", MAX_REASON_CHARS)
    with unit_of_work(session):
        dossier = operations.lock_dossier(session, dossier_id, precondition)
        if dossier.eligibility.get("eligible"):
            raise Conflict(N_("Hồ sơ đủ điều kiện; không cần cho phép ngoại lệ."))
        dossier.eligibility = {
            **dossier.eligibility,
            "overridden": True,
            "override": {"by": actor.id, "at": utcnow().isoformat(), "reason": reason},
        }
        if dossier.status == "blocked":
            dossier.status, dossier.stage = "active", "prepare"
            session.flush()
            _start_nomination(session, dossier, actor)
        elif dossier.status != "active":
            raise Conflict(N_("Hồ sơ đã kết thúc (%(status)s).", status=dossier.status))
        audit.record(
            session,
            "eligibility_overridden",
            actor_id=actor.id,
            dossier_id=dossier.id,
            summary={"reason": reason, "unmet": dossier.eligibility.get("unmet", [])},
        )
    return dossier


def _start_nomination(session: Session, dossier: Dossier, actor: User) -> None:
    """Start the dossier's procedure (workflows/README.md "Start data") in the same commit."""
    operations.start(
        session,
        NOMINATION,
        data={
            "dossier_id": dossier.id,
            "unit_id": dossier.unit_id,
            "campaign_id": dossier.campaign_id,
            "title_code": dossier.title_code,
            "nominee_kind": dossier.nominee_kind,
            "legal_basis": dossier.legal_basis,
            "eligibility": _eligibility_data(dossier),
            "posting_days": posting_days(session, dossier.legal_basis, dossier.title_code),
        },
        dossier_id=dossier.id,
        actor_id=actor.id,
    )


def _eligibility_data(dossier: Dossier) -> dict[str, Any]:
    data = dossier.eligibility
    return {
        "eligible": bool(data.get("eligible")),
        "unmet": list(data.get("unmet", [])),
        "overridden": bool(data.get("overridden")),
    }


def refresh_eligibility(
    session: Session, instance: ProcessInstance, task: HumanTask
) -> dict[str, Any]:
    """When the clerk submits the dossier, check it again against the history of today."""
    if instance.dossier_id is None:
        return {}
    dossier = session.get(Dossier, instance.dossier_id)
    if dossier is None:
        return {}
    result = nominees.check(session, dossier)
    overridden = bool(dossier.eligibility.get("overridden"))
    dossier.eligibility = {
        **dossier.eligibility,
        **result.to_record(overridden),
    }
    return {"eligibility": result.to_task_data(overridden)}


#: The unit name an award row was last written with, by the dossier's unit. The INSERT names it
#: and writes only while the unit still bears it (search_key has no SQL equivalent), so the
#: step needs no SELECT of the unit; a renamed unit costs one look-up, never a wrong key.
_unit_names: dict[int, str] = {}
#: INSERT … SELECT … ON CONFLICT DO NOTHING, built once per dialect (its insert construct).
_award_inserts: dict[str, Any] = {}
_AWARD = AwardRecord.metadata.tables[AwardRecord.__tablename__]
_DOSSIER_UNIT_NAME = (
    select(OrgUnit.name)
    .join(Dossier, Dossier.unit_id == OrgUnit.id)
    .where(Dossier.id == bindparam("dossier_id"))
)


def _award_insert(dialect: str) -> Any:
    statement = _award_inserts.get(dialect)
    if statement is None:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        values = {
            "nominee_kind": Dossier.nominee_kind,
            "user_id": Dossier.nominee_user_id,
            "unit_id": Dossier.nominee_unit_id,
            "nominee_name": Dossier.nominee_name,
            "nominee_search": Dossier.nominee_search,
            "unit_name": OrgUnit.name,
            "unit_search": bindparam("unit_search", type_=_AWARD.c.unit_search.type),
            "title_code": Dossier.title_code,
            "year": Dossier.year,
            "decision_no": Dossier.decision_no,
            "decision_date": func.coalesce(
                Dossier.decision_date, bindparam("today", type_=_AWARD.c.decision_date.type)
            ),
            "issued_by": bindparam("issued_by", type_=_AWARD.c.issued_by.type),
            "level": bindparam("level", type_=_AWARD.c.level.type),
            "source": literal("workflow", _AWARD.c.source.type),
            "dossier_id": Dossier.id,
            "created_at": bindparam("created_at", type_=_AWARD.c.created_at.type),
        }
        rows = (
            select(*values.values())
            .join(OrgUnit, OrgUnit.id == Dossier.unit_id)
            .where(Dossier.id == bindparam("dossier_id"), OrgUnit.name == bindparam("unit_name"))
        )
        statement = (
            insert(_AWARD)
            .from_select(list(values), rows)
            .on_conflict_do_nothing(index_elements=["dossier_id"])
            # Without it the row count of an INSERT is -1 on PostgreSQL (psycopg).
            .execution_options(preserve_rowcount=True)
        )
        _award_inserts[dialect] = statement
    return statement


def record_awards(session: Session, published: list[events.Event]) -> None:
    """Write the award history when a dossier is awarded (same transaction as the step)."""
    for event in published:
        if isinstance(event, events.DossierDecided) and event.outcome == "awarded":
            dossier = session.get(Dossier, event.dossier_id)
            if dossier is not None:
                _insert_award(session, dossier)


def _insert_award(session: Session, dossier: Dossier) -> None:
    """Write the dossier's award row unless it exists, in one INSERT … SELECT from its row.

    It replaced a SELECT of the dossier and its unit, a check for an existing row and an ORM
    insert: 12 → 10 statements for the deciding step (bench/engine.py). ``dossier`` only gives
    the title's issuer and the unit: the step left it in the session, so getting it sent nothing.
    """
    statement = _award_insert(session.get_bind().dialect.name)
    params = {
        "dossier_id": dossier.id,
        "today": date.today(),
        "issued_by": ISSUERS[titles.get_title(dossier.title_code).decided_by],
        "level": titles.get_title(dossier.title_code).level,
        "created_at": utcnow(),
    }
    name = _unit_names.get(dossier.unit_id)
    if name is None:
        name = session.scalar(_DOSSIER_UNIT_NAME, {"dossier_id": dossier.id})
    tried = None
    while name is not None and name != tried:
        result = session.execute(
            statement, {**params, "unit_name": name, "unit_search": search_key(name)}
        )
        if result.rowcount:  # type: ignore[attr-defined]  # a CursorResult
            _unit_names[dossier.unit_id] = name
            return
        # Nothing written: the award exists already, or the unit was renamed since ``name`` was
        # cached. Try again only if the unit's name now differs.
        tried, name = name, session.scalar(_DOSSIER_UNIT_NAME, {"dossier_id": dossier.id})
