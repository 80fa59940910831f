"""Messages between instances (council_result fan-out) and the secret-ballot hook."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.config import Settings
from engine.errors import Conflict, ValidationFailed
from engine.models import AuditEvent, Dossier, HumanTask, ProcessInstance
from engine.runtime import build_wiring
from engine.wiring import Wiring
from engine.workflow import operations
from tests.common.worlds import World
from tests.engine.conftest import DATA

sealed: list[tuple[int, Any]] = []


def _tally_session(dossier_ids: list[int]) -> dict[str, Any]:
    return {str(d): {"selected": d % 2 == 1, "agree": 5} for d in dossier_ids}


def _seal(session: Session, task: HumanTask, value: Any) -> dict[str, Any]:
    sealed.append((task.id, value))
    return {"receipt": f"r-{task.id}"}


@pytest.fixture
def wiring(settings: Settings) -> Wiring:
    """This module's small BPMN runs with doubles for the tally and the ballot box."""
    return build_wiring(
        settings,
        max_returns=3,
        script_helpers={"tally_session": _tally_session},
        field_handlers={"ballot": _seal},
    )


@pytest.fixture(autouse=True)
def _deployed(db_session: Session) -> None:
    operations.deploy(db_session, [DATA / "messages.bpmn"])
    sealed.clear()


def _second_dossier(session: Session, world: World) -> int:
    other = Dossier(
        campaign_id=world.campaign.id,
        unit_id=world.unit_a.id,
        nominee_kind="individual",
        nominee_name="Trần Thị B",
        nominee_search="tran thi b",
        title_code="LDTT",
        legal_basis="ND98_2023",
        year=2025,
    )
    session.add(other)
    session.commit()
    return other.id


def test_council_result_reaches_each_dossier_instance(db_session: Session, world: World) -> None:
    d1, d2 = world.dossier.id, _second_dossier(db_session, world)
    n1 = operations.start(db_session, "nomination", data={}, dossier_id=d1).id
    n2 = operations.start(db_session, "nomination", data={}, dossier_id=d2).id
    council = operations.start(db_session, "session", data={"dossier_ids": [d1, d2]})
    vote = db_session.scalars(select(HumanTask).where(HumanTask.instance_id == council.id)).one()
    db_session.commit()
    ballot = {str(d1): "agree", str(d2): "disagree"}
    operations.complete(db_session, vote.id, world.member, {"ballot": ballot})

    by_id = {
        i.id: i
        for i in db_session.scalars(
            select(ProcessInstance).execution_options(populate_existing=True)
        )
    }
    assert by_id[council.id].status == by_id[n1].status == by_id[n2].status == "completed"
    outcomes = dict(db_session.execute(select(Dossier.id, Dossier.status)).all())
    assert outcomes == {
        d1: "awarded" if d1 % 2 else "not_selected",
        d2: "awarded" if d2 % 2 else "not_selected",
    }
    # The vote went to the ballot box only: not in task data, not in the audit trail.
    assert sealed == [(vote.id, ballot)]
    assert "disagree" not in by_id[council.id].state
    assert "r-" in by_id[council.id].state
    summary = db_session.scalars(
        select(AuditEvent.summary).where(AuditEvent.action == "task_completed")
    ).one()
    assert summary == {"note": "ballot cast", "next": []}
    delivered = db_session.scalars(
        select(AuditEvent.instance_id).where(AuditEvent.action == "message_delivered")
    ).all()
    assert Counter(delivered) == Counter([n1, n2])


def test_deliver_message_directly_and_refuse_when_not_waiting(
    db_session: Session, world: World
) -> None:
    instance_id = operations.start(
        db_session, "nomination", data={}, dossier_id=world.dossier.id
    ).id
    done = operations.deliver_message(db_session, instance_id, "council_result", {"selected": True})
    assert done.status == "completed"
    with pytest.raises(Conflict):
        operations.deliver_message(db_session, instance_id, "council_result", {"selected": True})
    other = operations.start(db_session, "nomination", data={}).id
    with pytest.raises(Conflict, match="không chờ thông điệp «withdraw»"):
        operations.deliver_message(db_session, other, "withdraw", {})


def test_a_ballot_without_a_ballot_box_is_refused(
    db_session: Session, world: World, wiring: Wiring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(wiring.field_handlers, "ballot")
    council = operations.start(db_session, "session", data={"dossier_ids": []})
    vote_id = db_session.scalars(
        select(HumanTask.id).where(HumanTask.instance_id == council.id)
    ).one()
    db_session.commit()
    with pytest.raises(ValidationFailed):
        operations.complete(db_session, vote_id, world.member, {"ballot": {"1": "agree"}})
    state = json.loads(db_session.get_one(ProcessInstance, council.id).state)
    assert "agree" not in json.dumps(state)
