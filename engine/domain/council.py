"""Council sessions: who votes, on which dossiers, and the sealed secret ballot.

A session is one meeting over many dossiers. Each member's ballot task hands its votes to
:func:`seal_ballot`, which stores them in ``sealed_ballot`` and leaves only a receipt in the
workflow; :func:`tally` reads the sealed ballots back when the session is counted. No page, API,
export or log reads individual votes: only the tally does.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import events, permissions, wiring
from engine.domain import nominees, rule_settings
from engine.domain.rules import tally as tally_rules
from engine.errors import Conflict, Forbidden, NotFound, ValidationFailed
from engine.models import (
    CouncilMember,
    CouncilSession,
    CouncilTerm,
    Dossier,
    HumanTask,
    ProcessInstance,
    SealedBallot,
    User,
)
from engine.text import N_
from engine.unit_of_work import unit_of_work
from engine.workflow import operations, step_context

VALID_VOTES = frozenset({"agree", "disagree", "recuse"})


def current_term(session: Session, on: date) -> CouncilTerm:
    """Return the council term in force on ``on``."""
    term = session.scalars(
        select(CouncilTerm)
        .where(CouncilTerm.starts_on <= on)
        .where((CouncilTerm.ends_on.is_(None)) | (CouncilTerm.ends_on >= on))
        .order_by(CouncilTerm.starts_on.desc())
    ).first()
    if term is None:
        raise NotFound(f"Không có Hội đồng TĐKT nào đương nhiệm vào ngày {on:%d/%m/%Y}.")
    return term


def dossiers_awaiting_council(session: Session, campaign_id: int) -> list[Dossier]:
    """Return the campaign's live dossiers that wait for a council session."""
    return list(
        session.scalars(
            select(Dossier)
            .where(Dossier.campaign_id == campaign_id)
            .where(Dossier.stage == "council", Dossier.status == "active")
            .order_by(Dossier.unit_id, Dossier.title_code, Dossier.nominee_search)
        )
    )


def session_start_data(
    session: Session, council_session: CouncilSession, dossiers: Iterable[Dossier]
) -> dict[str, Any]:
    """Return the start data of a ``tdkt_council_session`` instance (workflows/README.md)."""
    term = session.get(CouncilTerm, council_session.term_id)
    assert term is not None
    members = [{"user_id": m.user_id, "name": m.user.full_name} for m in term.members]
    member_ids = {m.user_id for m in term.members}
    dossier_list = list(dossiers)
    units = {m.user_id: m.user.unit_id for m in term.members}
    recused = {
        str(d.id): sorted(
            u for u in member_ids if is_conflicted(d, u, units.get(u), collective=False)
        )
        for d in dossier_list
    }
    recused = {k: v for k, v in recused.items() if v}
    return {
        "council_session_id": council_session.id,
        "meeting_date": council_session.meeting_date.isoformat(),
        "members": members,
        "dossiers": [
            {
                "dossier_id": d.id,
                "title_code": d.title_code,
                "unit_id": d.unit_id,
                "legal_basis": d.legal_basis,
                "nominee_name": d.nominee_name,
            }
            for d in dossier_list
        ],
        "recused": recused,
        "quotas": quotas_for(session, dossier_list),
    }


def quotas_for(session: Session, dossiers: list[Dossier]) -> dict[str, int]:
    """Return the CSTĐ cơ sở quota of every unit with such a dossier in the session."""
    settings = rule_settings.settings_for(session, {d.legal_basis for d in dossiers})
    quotas: dict[str, int] = {}
    for dossier in dossiers:
        if dossier.title_code != "CSTDCS":
            continue
        # The unit's LĐTT decided for the year (awards, imported history included), never the
        # LĐTT dossiers still undecided (docs/legal-basis.md, "Quotas").
        ldtt = nominees.awarded_in_unit(session, dossier.unit_id, dossier.year, "LDTT")
        percent = rule_settings.cstdcs_quota_percent(settings, dossier.legal_basis)
        if percent is not None:
            quota = int(ldtt * tally_rules.parse_percent(percent) // 100)
        else:
            # Raises UnconfirmedRuleError for a basis with no confirmed quota: never a guess.
            quota = tally_rules.cstdcs_quota(ldtt, dossier.legal_basis)
        quotas[tally_rules.quota_key("CSTDCS", dossier.unit_id)] = quota
    return quotas


def new_council_session(
    session: Session, actor: User, campaign_id: int, meeting_date: date
) -> CouncilSession:
    """Add a council session row for the meeting (the caller starts its workflow)."""
    if not permissions.may_open_council_session(actor):
        raise Forbidden(N_("Chỉ Thường trực Hội đồng mới được mở phiên họp."))
    term = current_term(session, meeting_date)
    council_session = CouncilSession(
        campaign_id=campaign_id, term_id=term.id, meeting_date=meeting_date, status="voting"
    )
    session.add(council_session)
    session.flush()
    return council_session


def is_conflicted(
    dossier: Dossier, user_id: int, user_unit_id: int | None, *, collective: bool = True
) -> bool:
    """Return whether a person has a conflict of interest on the dossier: they are its nominee,
    or (``collective``) belong to the collective nominated (docs/legal-basis.md, "Conflicts of
    interest")."""
    if dossier.nominee_kind == "individual":
        return dossier.nominee_user_id == user_id
    return collective and user_unit_id is not None and dossier.nominee_unit_id == user_unit_id


def recused_dossiers(session: Session, dossier_ids: Iterable[int], user_id: int) -> set[int]:
    """Return the dossiers of a ballot sheet the member is recused from (never offered a vote):
    the member's own. A member of a nominated collective declares a conflict on the sheet
    (*Không tham gia biểu quyết*) rather than being recused by the system."""
    user = session.get(User, user_id)
    unit_id = user.unit_id if user is not None else None
    ids = [int(i) for i in dossier_ids]
    if not ids:
        return set()
    rows = session.scalars(select(Dossier).where(Dossier.id.in_(ids)))
    return {d.id for d in rows if is_conflicted(d, user_id, unit_id, collective=False)}


def sheet_of(session: Session, council_session_id: int, member_id: int) -> str:
    """Return the sheet key of a member's ballot: an HMAC under the application's secret, so the
    stored votes name no member and a database reader cannot link them back."""
    key = wiring.of(session).ballot_key
    if not key:
        raise RuntimeError("the ballot box needs the application's secret key (ballot_key)")
    message = f"{council_session_id}:{member_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _sheets(session: Session, council_session: CouncilSession) -> dict[str, int]:
    members = session.scalars(
        select(CouncilMember.user_id).where(CouncilMember.term_id == council_session.term_id)
    )
    return {sheet_of(session, council_session.id, m): m for m in members}


def participation(session: Session, council_session_id: int) -> dict[int, bool]:
    """Return {member id: handed in a written ballot} for each member who handed in a sheet."""
    council_session = session.get(CouncilSession, council_session_id)
    if council_session is None:
        return {}
    sheets = _sheets(session, council_session)
    result: dict[int, bool] = {}
    for sheet, written in session.execute(
        select(SealedBallot.sheet, SealedBallot.written).where(
            SealedBallot.session_id == council_session_id
        )
    ):
        member = sheets.get(sheet)
        if member is not None:
            result[member] = result.get(member, False) or bool(written)
    return result


def is_member(session: Session, council_session: CouncilSession, user_id: int) -> bool:
    """Return whether ``user_id`` sits on the council of this session."""
    return (
        session.scalar(
            select(CouncilMember.id).where(
                CouncilMember.term_id == council_session.term_id, CouncilMember.user_id == user_id
            )
        )
        is not None
    )


def seal_ballot(
    session: Session,
    council_session_id: int,
    member_id: int,
    votes: Mapping[str, Any],
    dossier_ids: Iterable[int],
    *,
    written: bool = False,
) -> dict[str, Any]:
    """Store one member's votes sealed; return the receipt the workflow keeps instead.

    Raises ValidationFailed for a vote that is not agree/disagree/recuse or a dossier outside
    the session, and Conflict when the member has already voted in this session.
    """
    council_session = session.get(CouncilSession, council_session_id)
    if council_session is None:
        raise NotFound(N_("Không tìm thấy phiên họp Hội đồng."))
    if not is_member(session, council_session, member_id):
        raise Forbidden(N_("Người này không phải thành viên Hội đồng của phiên họp."))
    allowed = {int(d) for d in dossier_ids}
    clean: dict[int, str] = {}
    for key, vote in votes.items():
        try:
            dossier_id = int(key)
        except (TypeError, ValueError):
            raise ValidationFailed(
                N_("Phiếu bầu không hợp lệ."), {"ballot": N_("Hồ sơ không hợp lệ.")}
            ) from None
        if dossier_id not in allowed:
            raise ValidationFailed(
                N_("Phiếu bầu không hợp lệ."), {"ballot": N_("Hồ sơ không thuộc phiên họp này.")}
            )
        if vote not in VALID_VOTES:
            raise ValidationFailed(
                N_("Phiếu bầu không hợp lệ."),
                {
                    "ballot": N_(
                        "Mỗi hồ sơ chọn Đồng ý, Không đồng ý hoặc Không tham gia biểu quyết."
                    )
                },
            )
        clean[dossier_id] = str(vote)
    own = recused_dossiers(session, allowed, member_id)
    voted_own = sorted(d for d in own if clean.get(d, "recuse") != "recuse")
    if voted_own:
        raise ValidationFailed(
            "Phiếu bầu không hợp lệ.",
            {
                "ballot": "Thành viên không biểu quyết hồ sơ của chính mình hoặc của tập thể "
                "mình (hồ sơ " + ", ".join(f"#{d}" for d in voted_own) + ")."
            },
        )
    clean.update(dict.fromkeys(own, "recuse"))
    sheet = sheet_of(session, council_session_id, member_id)
    already = session.scalar(
        select(SealedBallot.id).where(
            SealedBallot.session_id == council_session_id, SealedBallot.sheet == sheet
        )
    )
    if already is not None:
        raise Conflict(N_("Thành viên này đã bỏ phiếu trong phiên họp."))
    # Rows in shuffled order with random ids: neither their order nor their ids follow the order
    # in which members voted (the audit trail has that order).
    items = list(clean.items())
    secrets.SystemRandom().shuffle(items)
    for dossier_id, vote in items:
        session.add(
            SealedBallot(
                id=secrets.randbelow(2**31 - 2) + 1,
                session_id=council_session_id,
                sheet=sheet,
                dossier_id=dossier_id,
                vote=vote,
                written=written,
            )
        )
    session.flush()
    return {"sealed": True, "member_id": member_id, "written": written, "count": len(clean)}


def sealed_ballots(
    session: Session, council_session_id: int
) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """Return (ballots of members present, written ballots), each {member id: {dossier: vote}}."""
    present: dict[str, dict[str, str]] = {}
    written: dict[str, dict[str, str]] = {}
    council_session = session.get(CouncilSession, council_session_id)
    if council_session is None:
        return present, written
    sheets = _sheets(session, council_session)
    rows = session.scalars(
        select(SealedBallot).where(SealedBallot.session_id == council_session_id)
    )
    for row in rows:
        target = written if row.written else present
        # A sheet no current member's key opens is the seal's problem: keep it under its key
        # so the tally refuses it as a ballot of someone outside the council.
        owner = str(sheets.get(row.sheet, row.sheet))
        target.setdefault(owner, {})[str(row.dossier_id)] = row.vote
    return present, written


def tally(
    session: Session,
    council_session_id: int,
    *,
    members: list[Any],
    dossiers: list[Mapping[str, Any]],
    vote_rules: list[Mapping[str, Any]],
    recused: Mapping[str, list[Any]] | None = None,
    quotas: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """Count the session from its sealed ballots and record the seal hash; return the tally.

    The ballots always come from the sealed table, never from the workflow's data.
    """
    council_session = session.get(CouncilSession, council_session_id)
    if council_session is None:
        raise NotFound(N_("Không tìm thấy phiên họp Hội đồng."))
    present, written = sealed_ballots(session, council_session_id)
    result = tally_rules.tally_session(
        members=members,
        ballots=present,
        written_ballots=written,
        dossiers=dossiers,
        vote_rules=vote_rules,
        recused=recused or {},
        quotas=quotas or {},
    )
    council_session.seal_nonce = secrets.token_hex(16)
    council_session.seal_hash = tally_rules.seal_hash(
        {**present, **written}, council_session.seal_nonce
    )
    council_session.status = "closed"
    result["minutes"]["seal_hash"] = council_session.seal_hash
    minutes = result["minutes"]
    # Counts and outcomes only (the minutes never hold a sheet or a member's vote).
    events.publish(
        session,
        [
            events.CouncilSessionClosed(
                council_session_id,
                members=int(minutes["members"]),
                participants=int(minutes["participants"]),
                results={int(k): dict(v) for k, v in minutes["dossiers"].items()},
                undecided={int(k): str(v) for k, v in minutes["undecided"].items()},
            )
        ],
    )
    return result


def verify_seal(session: Session, council_session_id: int) -> bool:
    """Return whether the sealed ballots still hash to the seal recorded at the tally."""
    council_session = session.get(CouncilSession, council_session_id)
    if council_session is None or council_session.seal_hash is None:
        return False
    present, written = sealed_ballots(session, council_session_id)
    nonce = council_session.seal_nonce or ""
    return tally_rules.seal_hash({**present, **written}, nonce) == council_session.seal_hash


# --- operations and engine hooks ------------------------------------------------------------------


def open_session(
    session: Session,
    actor: User,
    campaign_id: int,
    meeting_date: date,
    dossier_ids: Iterable[int] | None = None,
) -> CouncilSession:
    """Open a council session over the dossiers waiting for it, and start its workflow.

    One unit of work: the session row, its ballot sheet and the ``tdkt_council_session`` instance
    commit together or not at all. Without ``dossier_ids`` every dossier of the campaign that
    waits for the council is put on the sheet.
    """
    with unit_of_work(session):
        waiting = {d.id: d for d in dossiers_awaiting_council(session, campaign_id)}
        chosen = list(waiting) if dossier_ids is None else [int(i) for i in dossier_ids]
        missing = [str(i) for i in chosen if i not in waiting]
        if missing:
            raise Conflict(
                N_("Các hồ sơ sau không ở bước chờ họp Hội đồng: ") + ", ".join(missing) + "."
            )
        if not chosen:
            raise ValidationFailed(
                N_("Chưa có hồ sơ nào chờ họp Hội đồng trong đợt này."),
                {"dossier_ids": N_("Chọn ít nhất một hồ sơ.")},
            )
        council_session = new_council_session(session, actor, campaign_id, meeting_date)
        council_session.dossier_ids = chosen
        data = session_start_data(session, council_session, [waiting[i] for i in chosen])
        operations.start(
            session,
            "tdkt_council_session",
            data=data,
            council_session_id=council_session.id,
            actor_id=actor.id,
        )
    return council_session


def ballot_field_handler(session: Session, task: HumanTask, value: Any) -> dict[str, Any]:
    """Seal the votes of a ballot task (a form-field handler); the workflow keeps the receipt."""
    instance = session.get(ProcessInstance, task.instance_id)
    if instance is None or instance.council_session_id is None:
        raise ValidationFailed(
            N_("Phiếu bầu không thuộc phiên họp nào."), {"ballot": N_("Không hợp lệ.")}
        )
    member_id = task.subject_user_id or task.assignee_id
    if member_id is None:
        raise ValidationFailed(
            N_("Không xác định được thành viên của phiếu."), {"ballot": N_("Không hợp lệ.")}
        )
    if not isinstance(value, Mapping):
        raise ValidationFailed(
            N_("Phiếu bầu không hợp lệ."), {"ballot": N_("Phiếu bầu không hợp lệ.")}
        )
    council_session = session.get(CouncilSession, instance.council_session_id)
    assert council_session is not None
    written = task.candidate_role != "council_member"
    return seal_ballot(
        session, council_session.id, member_id, value, council_session.dossier_ids, written=written
    )


def tally_helper(**kwargs: Any) -> dict[str, Any]:
    """``tally_session`` for the council's script: count from the sealed ballots of this step's
    session (the ``ballots`` in workflow data are receipts and are ignored)."""
    session, instance = step_context.current()
    if instance.council_session_id is None:
        raise RuntimeError("tally_session runs only in a council session's workflow")
    return tally(
        session,
        instance.council_session_id,
        members=kwargs["members"],
        dossiers=kwargs["dossiers"],
        vote_rules=kwargs["vote_rules"],
        recused=kwargs.get("recused"),
        quotas=kwargs.get("quotas"),
    )


def agency_vote_rules(dossiers: list[Mapping[str, Any]], vote_rules: list[Any]) -> list[Any]:
    """``agency_vote_rules`` for the council's script: fill unconfirmed DMN rows from the
    administrator's settings (engine/domain/rule_settings.py)."""
    session, _instance = step_context.current()
    settings = rule_settings.settings_for(session, {d["legal_basis"] for d in dossiers})
    return rule_settings.fill_vote_rules(settings, dossiers, vote_rules)


def council_result_route(
    session: Session, sender: ProcessInstance, payload: Any
) -> list[tuple[int, Any]]:
    """Fan a council session's ``session_results`` out to each dossier's running instance."""
    if not isinstance(payload, dict):
        return []
    by_dossier = {int(k): v for k, v in payload.items() if str(k).isdigit()}
    if not by_dossier:
        return []
    rows = session.execute(
        select(ProcessInstance.id, ProcessInstance.dossier_id)
        .where(
            ProcessInstance.dossier_id.in_(by_dossier),
            ProcessInstance.status == "running",
            ProcessInstance.id != sender.id,
        )
        .order_by(ProcessInstance.id)
    )
    # Each dossier is told the session's meeting date: the result is of that meeting, whenever
    # the last ballot came in.
    sitting = (
        session.get(CouncilSession, sender.council_session_id)
        if sender.council_session_id is not None
        else None
    )
    met = {"meeting_date": sitting.meeting_date.isoformat()} if sitting is not None else {}
    return [
        (
            instance_id,
            {**by_dossier[dossier_id], **met}
            if isinstance(by_dossier[dossier_id], dict)
            else by_dossier[dossier_id],
        )
        for instance_id, dossier_id in rows
        if dossier_id
    ]
