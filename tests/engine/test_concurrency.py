"""Two workers at once: one completion per task, one firing per timer."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.errors import Conflict
from engine.models import AuditEvent, Dossier, HumanTask, ProcessInstance
from engine.wiring import Wiring
from engine.workflow import operations
from tests.common.worlds import World
from tests.engine.conftest import DATA, review_data

ROUNDS = 200


def _race(*workers: Callable[[], Any]) -> list[Any]:
    """Run the workers in threads released together; return each result or exception."""
    barrier = threading.Barrier(len(workers))
    results: list[Any] = [None] * len(workers)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = workers[i]()
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(workers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.slow
@pytest.mark.usefixtures("review_spec")
def test_two_threads_completing_one_task_advance_it_once(
    session_factory: sessionmaker[Session], db_session: Session, world: World
) -> None:
    clerk = world.clerk_a
    data = review_data(world)
    for _ in range(ROUNDS):
        instance_id = operations.start(db_session, "review", data=data).id
        task_id = db_session.scalars(
            select(HumanTask.id).where(HumanTask.instance_id == instance_id)
        ).one()
        db_session.commit()

        def worker(title: str, task_id: int = task_id) -> HumanTask:
            with session_factory() as session:
                return operations.complete(session, task_id, clerk, {"title": title})

        results = _race(lambda: worker("một"), lambda: worker("hai"))
        done = [r for r in results if isinstance(r, HumanTask)]
        conflicts = [r for r in results if isinstance(r, Conflict)]
        assert (len(done), len(conflicts)) == (1, 1), results
        rows = db_session.execute(
            select(HumanTask.element_id, HumanTask.status)
            .where(HumanTask.instance_id == instance_id)
            .order_by(HumanTask.id)
        ).all()
        revision = db_session.scalar(
            select(ProcessInstance.revision).where(ProcessInstance.id == instance_id)
        )
        db_session.commit()
        assert [tuple(r) for r in rows] == [("prepare", "completed"), ("approve", "ready")]
        assert revision == 2


def test_a_due_timer_fires_once_under_two_sweeps(
    session_factory: sessionmaker[Session], db_session: Session, world: World, wiring: Wiring
) -> None:
    operations.deploy(db_session, [DATA / "timed.bpmn"])
    fired: list[int] = []

    def fired_count() -> int:
        fired.append(1)
        return len(fired)

    # The timer's script counts its firings through a helper plugged into this test's wiring.
    wiring.script_engine.environment.globals["fired_count"] = fired_count
    start = datetime(2025, 11, 3, 1, 0, tzinfo=UTC)
    until = start + timedelta(days=1)
    with time_machine.travel(start, tick=False):
        instance = operations.start(
            db_session,
            "timed",
            data={"posting_until": until.isoformat()},
            dossier_id=world.dossier.id,
        )
    instance_id = instance.id
    assert instance.next_timer_at == until
    # Not due yet: nothing happens.
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        assert operations.fire_due_timers(session_factory, start + timedelta(hours=1)) == 0
    later = until + timedelta(minutes=5)
    with time_machine.travel(later, tick=True):
        results = _race(
            lambda: operations.fire_due_timers(session_factory, later),
            lambda: operations.fire_due_timers(session_factory, later),
        )
    assert sorted(results) == [0, 1]
    assert fired == [1]
    saved = db_session.get(ProcessInstance, instance_id, populate_existing=True)
    assert saved is not None
    assert (saved.status, saved.next_timer_at) == ("completed", None)
    task = db_session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id)).one()
    assert task.status == "cancelled"
    assert (
        db_session.get_one(Dossier, world.dossier.id, populate_existing=True).status == "rejected"
    )
    actions = db_session.scalars(
        select(AuditEvent.action).where(AuditEvent.instance_id == instance_id)
    ).all()
    assert actions.count("timer_fired") == 1
