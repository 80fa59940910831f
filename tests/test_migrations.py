from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from engine.migrate import schema_differences
from engine.models import ROLES, Role


def test_models_and_migrations_agree(db_engine: Engine) -> None:
    assert schema_differences(db_engine) == []


def test_migrations_seed_every_role(db_session: Session) -> None:
    stored = {r.code: r.unit_scoped for r in db_session.scalars(select(Role))}
    assert stored == {r.code: r.unit_scoped for r in ROLES}
