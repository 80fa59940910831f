"""Council terms and their sealed sessions."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from engine.domain import council as council_domain
from engine.models import (
    Campaign,
    CouncilMember,
    CouncilSession,
    CouncilTerm,
    Dossier,
    HumanTask,
    ProcessInstance,
    SealedBallot,
    User,
)
from tests.common import workflow
from tests.common.base import add, serial

if TYPE_CHECKING:
    from tests.common.worlds import World


def term(session: Session, name: str | None = None, members: tuple[User, ...] = ()) -> CouncilTerm:
    """A council term from 2025; ``members`` sit as chair, secretary, then members."""
    row = CouncilTerm(name=name or f"Nhiệm kỳ {serial()}", starts_on=date(2025, 1, 1))
    positions = ["chair", "secretary"] + ["member"] * max(0, len(members) - 2)
    for member, position in zip(members, positions, strict=False):
        row.members.append(CouncilMember(user_id=member.id, position=position))
    return add(session, row)


def sealed_session(
    session: Session,
    world: World,
    votes: dict[int, dict[str, str]],
    written: frozenset[str] = frozenset(),
    members: tuple[str, ...] = ("giamdoc", "thuky", "cb1", "cb2"),
) -> CouncilSession:
    """A closed, sealed session of ``world``'s campaign; ``members`` are usernames (chair,
    secretary, members), ``votes`` dossier → member → vote, ``written`` who voted in writing."""
    council_term = term(session, "Hội đồng TĐKT 2025–2030", tuple(world.users[m] for m in members))
    council = add(
        session,
        CouncilSession(
            campaign_id=world.campaign.id,
            term_id=council_term.id,
            meeting_date=date(2025, 12, 10),
            status="closed",
            seal_hash="ab" * 32,
        ),
    )
    for dossier_id, by_member in votes.items():
        for username, vote in by_member.items():
            session.add(
                SealedBallot(
                    id=serial(),
                    session_id=council.id,
                    sheet=council_domain.sheet_of(session, council.id, world.users[username].id),
                    dossier_id=dossier_id,
                    vote=vote,
                    written=username in written,
                )
            )
    session.flush()
    return council


def open_session(session: Session, campaign: Campaign) -> CouncilSession:
    """A council session of ``campaign`` meeting on 1/12/2025, in a new term."""
    return add(
        session,
        CouncilSession(
            campaign_id=campaign.id, term_id=term(session).id, meeting_date=date(2025, 12, 1)
        ),
    )


def ballot_form(dossiers: list[Dossier]) -> list[dict[str, Any]]:
    """The declared form of a ballot task: one ``ballot`` field per dossier of the session."""
    return [
        {
            "name": f"vote_{d.id}",
            "type": "ballot",
            "label": f"{d.nominee_name} — {d.title_code}",
            "required": True,
            "dossier_id": d.id,
            "choices": [
                {"value": "agree", "label": "Đồng ý"},
                {"value": "disagree", "label": "Không đồng ý"},
            ],
        }
        for d in dossiers
    ]


def ballot_task(
    session: Session, council: CouncilSession, member: User, dossiers: list[Dossier]
) -> HumanTask:
    """One member's ballot task on the session's own instance."""
    instance = add(
        session,
        ProcessInstance(
            spec_id=workflow.spec(session).id,
            process_id="council_session",
            council_session_id=council.id,
            state="{}",
        ),
    )
    now = datetime.now(UTC)
    return add(
        session,
        HumanTask(
            task_uuid=str(uuid.uuid4()),
            instance_id=instance.id,
            dossier_id=None,
            element_id="cast_ballot",
            name="Bỏ phiếu",
            lane="council_member",
            stage="council",
            candidate_role="council_member",
            assignee_id=member.id,
            form=ballot_form(dossiers),
            created_at=now,
            due_at=now + timedelta(days=2),
        ),
    )
