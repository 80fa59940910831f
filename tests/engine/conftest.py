"""Fixtures for engine tests: an organisation with one person per role, a dossier, deploys."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from engine.config import Settings
from engine.models import Campaign, Dossier, OrgUnit, RoleMembership, User
from engine.runtime import build_wiring
from engine.wiring import Wiring
from engine.workflow import operations, specs

DATA = Path(__file__).parent / "data"


@dataclass
class World:
    unit_a: OrgUnit
    unit_b: OrgUnit
    clerk_a: User
    head_a: User
    head_b: User
    secretary: User
    member: User
    admin: User
    outsider: User
    dossier: Dossier
    campaign: Campaign


@pytest.fixture(autouse=True)
def _engine_state() -> Iterator[None]:
    """Start every test with no cached spec (ids restart after the per-test reset)."""
    specs.clear_cache()
    yield
    specs.clear_cache()


@pytest.fixture
def wiring(settings: Settings) -> Wiring:
    """The engine's plugs, with a revision-loop limit of 3 returns (the tests loop past it)."""
    return build_wiring(settings, max_returns=3)


def _user(
    session: Session, username: str, unit: OrgUnit | None, *roles: tuple[str, int | None]
) -> User:
    user = User(
        username=username,
        full_name=f"Người dùng {username}",
        email=f"{username}@example.vn",
        unit_id=unit.id if unit else None,
    )
    for role, unit_id in roles:
        user.memberships.append(RoleMembership(role_code=role, unit_id=unit_id))
    session.add(user)
    return user


@pytest.fixture
def world(db_session: Session) -> World:
    s = db_session
    unit_a = OrgUnit(code="A", name="Phòng A")
    unit_b = OrgUnit(code="B", name="Phòng B")
    s.add_all([unit_a, unit_b])
    s.flush()
    campaign = Campaign(
        code="2025",
        name="Thi đua 2025",
        kind="annual",
        year=2025,
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 12, 31),
        registration_deadline=date(2025, 3, 1),
        nomination_deadline=date(2025, 11, 30),
        legal_basis="ND98_2023",
        title_codes=["LDTT"],
    )
    s.add(campaign)
    users = {
        "clerk_a": _user(s, "clerk_a", unit_a, ("unit_clerk", unit_a.id)),
        "head_a": _user(s, "head_a", unit_a, ("unit_head", unit_a.id)),
        "head_b": _user(s, "head_b", unit_b, ("unit_head", unit_b.id)),
        "secretary": _user(s, "secretary", None, ("secretariat", None)),
        "member": _user(s, "member", None, ("council_member", None)),
        "admin": _user(s, "admin", None, ("admin", None)),
        "outsider": _user(s, "outsider", unit_b),
    }
    s.flush()
    dossier = Dossier(
        campaign_id=campaign.id,
        unit_id=unit_a.id,
        nominee_kind="individual",
        nominee_name="Nguyễn Văn A",
        nominee_search="nguyen van a",
        title_code="LDTT",
        legal_basis="ND98_2023",
        year=2025,
    )
    s.add(dossier)
    s.commit()
    return World(unit_a=unit_a, unit_b=unit_b, dossier=dossier, campaign=campaign, **users)


@pytest.fixture
def review_spec(db_session: Session) -> None:
    operations.deploy(db_session, [DATA / "review.bpmn", DATA / "route.dmn"])


def review_data(world: World, **extra: object) -> dict[str, object]:
    return {"unit_id": world.unit_a.id, "title_code": "LDTT", "review_days": 3, **extra}


def factory_of(session: Session) -> sessionmaker[Session]:
    bind = session.get_bind()
    return sessionmaker(bind=bind, expire_on_commit=False)
