"""The procedure scenarios run on the deployed demo agency (tests.common.procedure)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.common.procedure import Procedure, deployed


@pytest.fixture
def world(session_factory: sessionmaker[Session]) -> Iterator[Procedure]:
    with deployed(session_factory) as built:
        yield built
