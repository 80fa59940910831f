"""Fixtures for engine tests: the engine world (tests.common.worlds), deploys, helpers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from engine.workflow import operations, specs, stepping
from tests.common.worlds import World, engine_world

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _engine_state() -> Iterator[None]:
    """Start every test with no cached spec (ids restart after the per-test reset)."""
    specs.clear_cache()
    stepping.configure(3)
    yield
    specs.clear_cache()


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
    bind = session.get_bind()
    return sessionmaker(bind=bind, expire_on_commit=False)
