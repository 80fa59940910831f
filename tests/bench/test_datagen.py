"""The benchmark's data generator writes exactly what the operations write (bench/datagen.py).

The same nominee is filed twice, in two campaigns: once through ``file_dossier`` and the real
steps, once cloned from another nominee's template. With the clock frozen, the two sets of rows
(dossier, instance with its serialized workflow, tasks, audit events, notifications) are equal
once surrogate ids, task UUIDs and the campaign are named by position. A cloned task then
completes through ``operations.complete`` like a filed one.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bench import datagen
from engine.models import HumanTask, User
from engine.workflow import operations
from tests.common.procedure import deploy_demo

FROZEN = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


def _normal(t: datagen.Template) -> dict[str, Any]:
    """The template's rows with ids, UUIDs and the campaign replaced by their positions."""
    names: dict[str, str] = {}

    def name(kind: str, value: Any) -> str:
        return names.setdefault(f"{kind}:{value}", f"{kind}{len(names)}")

    name("D", t.dossier["id"])
    name("C", t.dossier["campaign_id"])
    for row in t.instances:
        name("I", row["id"])
    for row in t.tasks:
        name("T", row["id"])

    def ids(row: dict[str, Any]) -> dict[str, Any]:
        out = dict(row)
        for key, kind in (
            ("dossier_id", "D"),
            ("campaign_id", "C"),
            ("instance_id", "I"),
            ("task_id", "T"),
        ):
            if out.get(key) is not None and f"{kind}:{out[key]}" in names:
                out[key] = names[f"{kind}:{out[key]}"]
        return out

    def state(text: str) -> str:
        text = datagen.UUID.sub(lambda m: name("U", m[0]), text)
        text = re.sub(r'"dossier_id": \d+', '"dossier_id": D', text)
        return re.sub(r'"campaign_id": \d+', '"campaign_id": C', text)

    dossier = ids(t.dossier)
    dossier["id"] = "D"
    instances = [
        {**ids(r), "id": names[f"I:{r['id']}"], "state": state(r["state"])} for r in t.instances
    ]
    tasks = [
        {**ids(r), "id": names[f"T:{r['id']}"], "task_uuid": name("U", r["task_uuid"])}
        for r in t.tasks
    ]
    audits = [{**ids(r), "id": n} for n, r in enumerate(t.audits)]
    dossier_ref = re.compile(rf"(#|/dossiers/){t.dossier['id']}\b")

    def text(value: str) -> str:
        """A notice names its dossier (#id, a link) and links its task."""
        value = dossier_ref.sub(lambda m: f"{m[1]}D", value)
        return re.sub(r"/tasks/(\d+)\b", lambda m: "/tasks/" + names.get(f"T:{m[1]}", m[1]), value)

    notes = [
        {
            **ids(r),
            "id": n,
            "subject": text(r["subject"]),
            "body": text(r["body"]),
            "link": text(r["link"]),
        }
        for n, r in enumerate(t.notes)
    ]
    return {
        "dossier": dossier,
        "instances": instances,
        "tasks": tasks,
        "audits": audits,
        "notes": notes,
    }


@pytest.mark.parametrize("stage", datagen.STAGES)
def test_a_clone_is_the_rows_the_operations_write(
    session_factory: sessionmaker[Session], stage: str
) -> None:
    with time_machine.travel(FROZEN, tick=False):
        campaign_id = deploy_demo(session_factory, today=FROZEN.date())
        with session_factory() as session:
            users = datagen._users(session)
        unit = _clerk_unit(users)
        assert unit is not None
        engine = session_factory.kw["bind"]
        like = datagen._eligible_like(
            session_factory, [u for u in users.values() if u.unit_id == unit]
        )
        with engine.begin() as conn:
            ids = datagen.Ids.of(conn, _tables())
            template_person, nominee = datagen.add_nominees(conn, ids, unit, 2, like, "x")
            (other_campaign,) = datagen.add_campaigns(conn, ids, campaign_id, 1)
            datagen.fix_sequences(conn)
        with session_factory() as session:
            users = datagen._users(session)
        # The nominee filed through the operations, in the demo campaign …
        filed_id = datagen.drive(session_factory, users, campaign_id, nominee.user_id, stage)
        # … and cloned, in the other campaign, from another nominee's filed template.
        template_id = datagen.drive(
            session_factory, users, other_campaign, template_person.user_id, stage
        )
        with session_factory() as session:
            filed = datagen.capture(session, filed_id, stage)
            template = datagen.capture(session, template_id, stage)
        with engine.begin() as conn:
            cloner = datagen.Cloner(datagen.Ids.of(conn, _tables()))
            clone_id = cloner.clone(template, nominee, other_campaign)
            cloner.flush(conn)
            datagen.fix_sequences(conn)
        with session_factory() as session:
            cloned = datagen.capture(session, clone_id, stage)

    assert cloned.dossier["campaign_id"] == other_campaign
    assert cloned.dossier["nominee_user_id"] == nominee.user_id
    assert _normal(cloned) == _normal(filed)
    assert len(cloned.tasks) == STAGE_TASKS[stage]

    # The clone is a live dossier: its open task completes through the operation.
    open_task = next(r for r in cloned.tasks if r["status"] == "ready")
    if open_task["element_id"] == "posting":
        return  # the posting step ends by its timer
    element, role, data = next(s for s in datagen.STEPS if s[0] == open_task["element_id"])
    actor = datagen._holder(users, role, unit)
    with session_factory() as session:
        operations.complete(session, open_task["id"], actor, dict(data))
    with session_factory() as session:
        done = session.get(HumanTask, open_task["id"])
        assert done is not None
        assert done.status == "completed"
        assert (
            session.scalar(
                select(HumanTask.element_id).where(
                    HumanTask.dossier_id == clone_id, HumanTask.status == "ready"
                )
            )
            == _NEXT[element]
        )


STAGE_TASKS = {"prepare": 1, "unit_review": 2, "completeness": 3, "posting": 4}
_NEXT = {
    "prepare_dossier": "unit_review",
    "unit_review": "completeness_check",
    "completeness_check": "posting",
}


def _clerk_unit(users: dict[str, User]) -> int:
    return next(
        m.unit_id
        for u in sorted(users.values(), key=lambda u: u.id)
        for m in u.memberships
        if m.role_code == "unit_clerk" and m.unit_id is not None
    )


def _tables() -> list[Any]:
    from engine.models.base import Base

    return [
        Base.metadata.tables[n]
        for n in (
            "dossier",
            "process_instance",
            "human_task",
            "audit_event",
            "notification",
            "app_user",
            "performance_record",
            "campaign",
        )
    ]


def test_the_timed_filing_runs_the_operations_with_actors_chosen_beforehand(
    session_factory: sessionmaker[Session],
) -> None:
    """bench/scale.py times ``advance`` only: who files and submits is chosen beforehand by
    ``actors`` (a scan of every user, which grows with the generated nominees and once counted
    in the filing's figure). The clerk files, the unit head's review is then open."""
    campaign_id = deploy_demo(session_factory)
    with session_factory() as session:
        users = datagen._users(session)
    unit = _clerk_unit(users)
    assert unit is not None
    nominee = next(u for u in users.values() if u.unit_id == unit and u.active)
    people = datagen.actors(users, nominee.id, "unit_review")
    clerk = datagen._holder(users, "unit_clerk", unit)
    assert [p.id for p in people] == [clerk.id, clerk.id]  # files, then completes preparation
    dossier_id = datagen.advance(session_factory, people, campaign_id, nominee.id, "unit_review")
    with session_factory() as session:
        tasks = session.scalars(
            select(HumanTask).where(HumanTask.dossier_id == dossier_id).order_by(HumanTask.id)
        ).all()
        assert [(t.element_id, t.status, t.completed_by) for t in tasks] == [
            ("prepare_dossier", "completed", clerk.id),
            ("unit_review", "ready", None),
        ]


def test_filing_does_not_read_the_initiatives_attached_to_the_dossier_it_creates(
    session_factory: sessionmaker[Session],
) -> None:
    """A dossier inserted in the filing's transaction has no attached initiative yet: the
    eligibility check skips that read (docs/performance.md, filing). Its submission re-reads
    eligibility and does read them (the clerk may have attached some)."""
    from sqlalchemy import event

    from engine.domain import dossiers as dossier_domain

    campaign_id = deploy_demo(session_factory)
    with session_factory() as session:
        users = datagen._users(session)
    unit = _clerk_unit(users)
    nominee = next(u for u in users.values() if u.unit_id == unit and u.active)
    clerk = datagen._holder(users, "unit_clerk", unit)
    seen: list[str] = []
    engine = session_factory.kw["bind"]

    def record(*args: Any) -> None:
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        with session_factory() as session:
            dossier = dossier_domain.file_dossier(
                session,
                clerk,
                campaign_id=campaign_id,
                title_code=datagen.TITLE,
                nominee_user_id=nominee.id,
                achievements=datagen.ACHIEVEMENTS,
            )
            assert dossier.eligibility is not None
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert any("FROM dossier" in s for s in seen)  # the listener saw the filing
    assert not [s for s in seen if "dossier_initiative" in s]
