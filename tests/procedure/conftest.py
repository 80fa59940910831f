"""The procedure scenarios run on the shared deployed demo world (tests/world.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.world import World, deployed_world


@pytest.fixture
def world(session_factory: sessionmaker[Session]) -> Iterator[World]:
    with deployed_world(session_factory) as built:
        yield built
