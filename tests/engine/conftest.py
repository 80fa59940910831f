"""Fixtures for engine tests: the engine world (tests.common.worlds), deploys, helpers."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from engine import wiring as engine_wiring
from engine.config import Settings
from engine.db import make_session_factory
from engine.runtime import build_wiring, listen
from engine.wiring import Wiring
from engine.workflow import operations
from tests.common.worlds import World, engine_world

DATA = Path(__file__).parent / "data"


@pytest.fixture
def wiring(settings: Settings) -> Wiring:
    """The engine's plugs, with a revision-loop limit of 3 returns (the tests loop past it)."""
    return build_wiring(settings, max_returns=3)


@pytest.fixture
def world(db_session: Session) -> World:
    built = engine_world(db_session)
    db_session.commit()
    return built


@pytest.fixture
def review_spec(db_session: Session) -> None:
    operations.deploy(db_session, [DATA / "review.bpmn", DATA / "route.dmn"])


def review_data(world: World, **extra: object) -> dict[str, object]:
    return {"unit_id": world.unit_a.id, "title_code": "LDTT", "review_days": 3, **extra}


def factory_of(session: Session) -> sessionmaker[Session]:
    """Return another factory of ``session``'s engine, wired like the session's own."""
    factory = make_session_factory(session.get_bind().engine, engine_wiring.of(session))
    listen(factory)
    return factory
