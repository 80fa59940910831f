"""Council terms and their sealed sessions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from engine.models import (
    CouncilMember,
    CouncilSession,
    CouncilTerm,
    SealedBallot,
    User,
)
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
                    session_id=council.id,
                    member_id=world.users[username].id,
                    dossier_id=dossier_id,
                    vote=vote,
                    written=username in written,
                    cast_at=datetime(2025, 12, 10, 3, tzinfo=UTC),
                )
            )
    session.flush()
    return council
