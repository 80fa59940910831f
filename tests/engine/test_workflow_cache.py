"""The workflows a process keeps between steps (engine.workflow.cache)."""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from engine import audit
from engine.config import Settings
from engine.db import make_session_factory
from engine.models import AuditEvent, HumanTask, ProcessInstance
from engine.runtime import build_wiring, listen
from engine.wiring import Wiring
from engine.workflow import cache as workflow_cache
from tests.common.procedure import Procedure, deployed
from tests.conftest import empty_database

AGREE_ALL = ["agree"] * 7


def _same_randomness(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give new tasks the same ids and the council's seal the same nonce in every run, so that
    two runs can be compared."""
    counter = itertools.count(1)
    monkeypatch.setattr(
        "SpiffWorkflow.task.uuid4", lambda: uuid.UUID(int=next(counter) | (4 << 76))
    )
    monkeypatch.setattr("secrets.token_hex", lambda size: "5e" * size)


@pytest.fixture
def agency(session_factory: sessionmaker[Session]) -> Iterator[Procedure]:
    with deployed(session_factory) as built:
        yield built


def _nomination_to_award(world: Procedure) -> None:
    """A path through returns, the posting timer, the council's messages and the decision."""
    dossier_id = world.file("vanthu.qlkh", "cb004", "LDTT")
    world.prepare(dossier_id)
    world.unit_review(dossier_id, "return", "Bổ sung minh chứng")
    world.to_council(dossier_id)
    world.end_posting()
    world.hold_session({dossier_id: AGREE_ALL})
    world.complete(
        "giamdoc",
        "director_decision",
        dossier_id,
        decision_no="120/QĐ-SKHCN",
        decision_date="2026-12-30",
        decision_note=None,
    )


def _stored(engine: Engine) -> dict[str, Any]:
    with make_session_factory(engine)() as session:
        return {
            # Parsed: a kept workflow's dicts may hold their keys in another order than the
            # parsed text's (SpiffWorkflow's task deltas); no step depends on that order.
            "states": [
                (instance_id, json.loads(state), status)
                for instance_id, state, status in session.execute(
                    select(
                        ProcessInstance.id, ProcessInstance.state, ProcessInstance.status
                    ).order_by(ProcessInstance.id)
                )
            ],
            "tasks": session.execute(
                select(
                    HumanTask.id,
                    HumanTask.task_uuid,
                    HumanTask.element_id,
                    HumanTask.status,
                    HumanTask.assignee_id,
                    HumanTask.candidate_role,
                    HumanTask.candidate_unit_id,
                    HumanTask.due_at,
                    HumanTask.completed_by,
                ).order_by(HumanTask.id)
            ).all(),
            "audit": session.execute(
                select(AuditEvent.action, AuditEvent.task_id, AuditEvent.summary).order_by(
                    AuditEvent.id
                )
            ).all(),
        }


def _run(
    engine: Engine, redis_url: str, settings: Settings, size: int, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, Any], int]:
    empty_database(engine, redis_url)
    _same_randomness(monkeypatch)
    kept = workflow_cache.WorkflowCache(size)
    hits = kept.hits
    factory = make_session_factory(engine, build_wiring(settings, workflows=kept))
    listen(factory)
    with deployed(factory) as world:
        _nomination_to_award(world)
    return _stored(engine), kept.hits - hits


def test_steps_from_kept_workflows_store_exactly_what_deserialized_ones_do(
    clean_db: Engine, redis_url: str, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold, cold_hits = _run(clean_db, redis_url, settings, 0, monkeypatch)
    warm, warm_hits = _run(clean_db, redis_url, settings, workflow_cache.DEFAULT_SIZE, monkeypatch)
    assert cold_hits == 0
    assert warm_hits >= 10  # every step but the first of each instance
    assert warm["tasks"] == cold["tasks"]
    assert warm["audit"] == cold["audit"]
    assert warm["states"] == cold["states"]


def test_a_rolled_back_step_leaves_nothing_the_next_step_would_use(
    agency: Procedure, wiring: Wiring, monkeypatch: pytest.MonkeyPatch
) -> None:
    dossier_id = agency.file("vanthu.qlkh", "cb004", "LDTT")

    def fail(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("injected after the state was written")

    monkeypatch.setattr(audit, "record", fail)  # the module stepping records through
    with pytest.raises(RuntimeError):
        agency.prepare(dossier_id)
    monkeypatch.undo()
    assert agency.ready(dossier_id) == ["prepare_dossier"]
    misses = wiring.workflows.misses
    agency.prepare(dossier_id)  # the failed step's workflow was kept, but its text never stored
    assert wiring.workflows.misses == misses + 1
    assert agency.ready(dossier_id) == ["unit_review"]


def test_a_row_saved_by_another_process_is_deserialized(agency: Procedure, wiring: Wiring) -> None:
    dossier_id = agency.file("vanthu.qlkh", "cb004", "LDTT")
    kept = wiring.workflows
    with agency.factory() as session:
        instance = session.scalars(
            select(ProcessInstance).where(ProcessInstance.dossier_id == dossier_id)
        ).one()
        # What another process's step leaves: the same revision number is no proof, the text is.
        envelope_text = instance.state.replace('"reached":{', '"reached": {', 1)
        instance.state = envelope_text
        session.commit()
    misses = kept.misses
    agency.prepare(dossier_id)
    assert kept.misses == misses + 1
    assert agency.ready(dossier_id) == ["unit_review"]


def test_the_cache_keeps_the_most_recently_saved_and_takes_each_entry_once() -> None:
    cache = workflow_cache.WorkflowCache(2)
    for instance_id in (1, 2, 3):
        cache.keep(instance_id, workflow_cache.Entry(f"s{instance_id}", 1, object(), {}))
    assert len(cache) == 2
    assert cache.take(1, 1, "s1") is None
    assert cache.take(3, 2, "s3") is None  # another spec: not used, and gone
    assert cache.take(3, 1, "s3") is None
    entry = cache.take(2, 1, "s2")
    assert entry is not None
    assert entry.state == "s2"
    assert cache.take(2, 1, "s2") is None
    off = workflow_cache.WorkflowCache(0)
    off.keep(1, workflow_cache.Entry("s", 1, object(), {}))
    assert len(off) == 0
