"""The PostgreSQL timer sweep selects and locks the next due instance in one statement
(``FOR UPDATE SKIP LOCKED LIMIT 1``): an instance another sweep holds is passed over for the
next due one instead of being read, then lost in a race for its lock (docs/performance.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from engine.models import AuditEvent, ProcessInstance
from engine.wiring import Wiring
from engine.workflow import operations
from tests.common.worlds import World
from tests.engine.conftest import DATA

START = datetime(2025, 11, 3, 1, 0, tzinfo=UTC)


def _timed(db_session: Session, world: World, hours: int) -> int:
    until = START + timedelta(days=1, hours=hours)
    with time_machine.travel(START, tick=False):
        instance = operations.start(
            db_session,
            "timed",
            data={"posting_until": until.isoformat()},
            dossier_id=world.dossier.id,
        )
    return instance.id


def _fired(db_session: Session, instance_id: int) -> int:
    return len(
        db_session.scalars(
            select(AuditEvent.id).where(
                AuditEvent.instance_id == instance_id, AuditEvent.action == "timer_fired"
            )
        ).all()
    )


@pytest.mark.usefixtures("review_spec")
def test_a_sweep_passes_over_a_held_instance_to_the_next_due_one(
    session_factory: sessionmaker[Session], db_session: Session, world: World, wiring: Wiring
) -> None:
    engine = session_factory.kw["bind"]
    if engine.dialect.name != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite's sweep claims ids under its write lock")
    fired: list[int] = []

    def fired_count() -> int:
        fired.append(1)
        return len(fired)

    wiring.script_engine.environment.globals["fired_count"] = fired_count
    operations.deploy(db_session, [DATA / "timed.bpmn"])
    db_session.commit()
    first, second = _timed(db_session, world, 0), _timed(db_session, world, 1)
    later = START + timedelta(days=2)
    with engine.connect() as other:  # another sweep holds the earliest due instance
        other.execute(
            text("SELECT id FROM process_instance WHERE id = :id FOR UPDATE"), {"id": first}
        )
        with time_machine.travel(later, tick=True):
            # Before: the sweep read the one earliest due id, lost its lock and fired nothing.
            assert operations.fire_due_timers(session_factory, later, limit=1) == 1
        other.rollback()
    assert (_fired(db_session, first), _fired(db_session, second)) == (0, 1)
    with time_machine.travel(later, tick=True):
        assert operations.fire_due_timers(session_factory, later) == 1
        assert operations.fire_due_timers(session_factory, later) == 0
    assert (_fired(db_session, first), _fired(db_session, second)) == (1, 1)
    assert fired == [1, 1]
    for instance_id in (first, second):
        saved = db_session.get_one(ProcessInstance, instance_id, populate_existing=True)
        assert (saved.status, saved.next_timer_at) == ("completed", None)


@pytest.mark.usefixtures("review_spec")
def test_a_failing_instance_is_rolled_back_and_not_taken_again_by_the_sweep(
    session_factory: sessionmaker[Session], db_session: Session, world: World, wiring: Wiring
) -> None:
    if session_factory.kw["bind"].dialect.name != "postgresql":
        pytest.skip("the one-statement lock is PostgreSQL's")
    calls: list[int] = []

    def fired_count() -> int:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the first firing fails")
        return len(calls)

    wiring.script_engine.environment.globals["fired_count"] = fired_count
    operations.deploy(db_session, [DATA / "timed.bpmn"])
    db_session.commit()
    first, second = _timed(db_session, world, 0), _timed(db_session, world, 1)
    later = START + timedelta(days=2)
    with time_machine.travel(later, tick=True):
        # The failing (earliest) instance stays due but is not retried in a loop: one pass.
        assert operations.fire_due_timers(session_factory, later) == 1
    assert len(calls) == 2
    failed = db_session.get_one(ProcessInstance, first, populate_existing=True)
    assert (failed.status, failed.next_timer_at is not None) == ("running", True)
    assert (_fired(db_session, first), _fired(db_session, second)) == (0, 1)
